"""`check` catches drift planted in a database at head, each with one clear line.

PostgreSQL's DDL is transactional: each drift is planted in a transaction that is rolled back, so
one database serves every case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gbf_desktop.db import migrate
from gbf_desktop.db.adopt import check, check_connection
from gbf_desktop.db.engine import build_engine, plain_libpq_url

pytestmark = pytest.mark.db

DRIFTS = {
    "dropped column": (
        'ALTER TABLE users DROP COLUMN "profileUrl"',
        ['error: column users."profileUrl" is missing (expected "profileUrl" text)'],
    ),
    "extra column": (
        "ALTER TABLE exercises ADD COLUMN difficulty integer",
        ["error: unexpected column exercises.difficulty (difficulty integer)"],
    ),
    "changed type": (
        "ALTER TABLE session_progress ALTER COLUMN weight TYPE real",
        ["error: column session_progress.weight is real, expected double precision"],
    ),
    "changed default": (
        'ALTER TABLE programs ALTER COLUMN "isDraft" SET DEFAULT false',
        ['error: column programs."isDraft" has default false, expected true'],
    ),
    "dropped default": (
        'ALTER TABLE group_members ALTER COLUMN "roleInGroup" DROP DEFAULT',
        ["error: column group_members.\"roleInGroup\" has default (none), expected 'member'::text"],
    ),
    "renamed constraint": (
        'ALTER TABLE weeks RENAME CONSTRAINT "weeks_blockId_fkey" TO weeks_block_fk',
        [
            "error: constraint weeks_blockId_fkey on weeks is missing (expected FOREIGN KEY"
            ' ("blockId") REFERENCES program_blocks(id) ON UPDATE CASCADE ON DELETE CASCADE)',
            'error: unexpected constraint weeks_block_fk on weeks: FOREIGN KEY ("blockId")'
            " REFERENCES program_blocks(id) ON UPDATE CASCADE ON DELETE CASCADE",
        ],
    ),
    "changed foreign key action": (
        'ALTER TABLE weeks DROP CONSTRAINT "weeks_blockId_fkey";'
        ' ALTER TABLE weeks ADD CONSTRAINT "weeks_blockId_fkey" FOREIGN KEY ("blockId")'
        " REFERENCES program_blocks(id) ON UPDATE CASCADE ON DELETE RESTRICT",
        [
            'error: constraint weeks_blockId_fkey on weeks is FOREIGN KEY ("blockId") REFERENCES'
            " program_blocks(id) ON UPDATE CASCADE ON DELETE RESTRICT, expected FOREIGN KEY"
            ' ("blockId") REFERENCES program_blocks(id) ON UPDATE CASCADE ON DELETE CASCADE'
        ],
    ),
    "extra index": (
        "CREATE INDEX notifications_read_idx ON notifications (read)",
        ["error: unexpected index on notifications: index notifications_read_idx: (read)"],
    ),
    "unique index made plain": (
        "DROP INDEX users_email_key; CREATE INDEX users_email_key ON users (email)",
        [
            "error: index users_email_key on users is index users_email_key: (email), "
            "expected unique index users_email_key: (email)"
        ],
    ),
    "nullability": (
        "ALTER TABLE users ALTER COLUMN pseudo DROP NOT NULL",
        ["error: column users.pseudo is nullable, expected NOT NULL"],
    ),
    "enum value missing": (
        """ALTER TYPE "Role" RENAME VALUE 'admin' TO 'administrator'""",
        [
            """error: enum "Role" lacks the value 'admin'""",
            """error: enum "Role" has an unexpected value 'administrator'""",
        ],
    ),
    "extra table": (
        "CREATE TABLE coach_notes (id text PRIMARY KEY)",
        ["error: unexpected table coach_notes (1 columns)"],
    ),
}


@pytest.fixture(scope="module")
def shared_engine(pg_admin_url: str, head_template: str) -> Iterator[Engine]:
    """One database at head for the module; tests leave it as they found it."""
    name = f"gbf_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(head_template)
            )
        )
    engine = build_engine(plain_libpq_url(make_url(pg_admin_url).set(database=name)))
    try:
        yield engine
    finally:
        engine.dispose()
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.parametrize("drift", DRIFTS.keys())
def test_check_reports_planted_drift(shared_engine: Engine, drift: str) -> None:
    statement, expected_lines = DRIFTS[drift]
    with shared_engine.connect() as connection:
        connection.exec_driver_sql(statement)
        report = check_connection(connection)
        connection.rollback()

    assert not report.ok
    assert not report.schema_ok
    assert [str(d) for d in report.differences] == expected_lines
    lines = report.lines()
    assert lines[0] == f"database: at revision {migrate.head_revision()} (the latest)"
    for line in expected_lines:
        assert f"  {line}" in lines


def test_check_of_a_database_at_head_is_clean(shared_engine: Engine) -> None:
    report = check(shared_engine)

    assert report.ok
    assert report.differences == ()
    assert report.revision == report.head == report.compared_with
    assert report.lines()[-1] == "schema: no difference"


def test_missing_known_index_is_a_warning_and_check_stays_ok(shared_engine: Engine) -> None:
    with shared_engine.connect() as connection:
        connection.exec_driver_sql('DROP INDEX "exercise_media_progressId_idx"')
        report = check_connection(connection)
        connection.rollback()

    assert report.ok
    assert report.errors == []
    assert [str(d) for d in report.warnings] == [
        "warning: index exercise_media_progressId_idx on exercise_media is missing "
        '(expected index exercise_media_progressId_idx: ("progressId"))'
    ]
    assert "schema: 0 error(s), 1 warning(s)" in report.lines()


def test_check_compares_an_older_database_with_its_own_revision(engine: Engine) -> None:
    migrate.downgrade(engine, "baseline")

    report = check(engine)

    assert report.schema_ok
    assert not report.ok
    assert report.compared_with == "baseline"
    assert report.lines()[0] == (
        f"database: at revision baseline; the latest is {report.head} (run `db upgrade`)"
    )
