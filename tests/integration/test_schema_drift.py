"""`check` catches drift planted in a database at head, each with one clear line."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from gbf_desktop.db import migrate
from gbf_desktop.db.adopt import check

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


@pytest.mark.parametrize("drift", DRIFTS.keys())
def test_check_reports_planted_drift(engine: Engine, drift: str) -> None:
    statement, expected_lines = DRIFTS[drift]
    with engine.begin() as connection:
        connection.exec_driver_sql(statement)

    report = check(engine)

    assert not report.ok
    assert not report.schema_ok
    assert [str(d) for d in report.differences] == expected_lines
    lines = report.lines()
    assert lines[0] == f"database: at revision {migrate.head_revision()} (the latest)"
    for line in expected_lines:
        assert f"  {line}" in lines


def test_check_of_a_database_at_head_is_clean(engine: Engine) -> None:
    report = check(engine)

    assert report.ok
    assert report.differences == ()
    assert report.revision == report.head == report.compared_with
    assert report.lines()[-1] == "schema: no difference"


def test_missing_known_index_is_a_warning_and_check_stays_ok(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql('DROP INDEX "exercise_media_progressId_idx"')

    report = check(engine)

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
