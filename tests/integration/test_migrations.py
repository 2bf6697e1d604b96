"""The migration history: upgrade from empty, guarded downgrades, and the round trip.

A downgrade either succeeds losing nothing but empty structures, or is refused with the row counts
in the way and leaves the database exactly as it was (schema snapshot, row counts, checksums).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.db import migrate
from gbf_desktop.db.adopt import check, expected_at
from gbf_desktop.db.engine import build_engine
from gbf_desktop.db.models import DESKTOP_SCHEMA
from gbf_desktop.db.schema_compare import SchemaSnapshot, compare, live_schema
from gbf_desktop.errors import MigrationRefused

# One definition of the platform's rows and of the fingerprint: adoption tests use them too.
from tests.platform_db import DATA, run_sql_file, table_fingerprints

pytestmark = pytest.mark.db

COACH = "0b0c5e0e-5a43-4f0e-9b1e-0d7e3c1f7a01"
PROGRESS = "f5f6a7b8-0d98-4c5b-8e6b-5a2b8f6c2d01"
CIRCUIT_SQL = (
    'INSERT INTO exercises (id, name, type, scope, "ownerId", "updatedAt") VALUES'
    f" ('{{id}}', 'Circuit {{id}}', 'circuit', 'coach', '{COACH}', now())"
)
CLIP_SQL = (
    'INSERT INTO exercise_media (id, "progressId", data, "mimeType", size) VALUES'
    f" ('{{id}}', '{PROGRESS}', '\\x00', 'video/mp4', 1)"
)


def snapshot(engine: Engine) -> SchemaSnapshot:
    with engine.connect() as connection:
        return live_schema(connection)


def revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrate.current_revision(connection)


def with_platform_rows(engine: Engine) -> Engine:
    run_sql_file(engine, DATA / "platform_rows.sql")
    return engine


def insert(engine: Engine, template: str, count: int) -> None:
    with engine.begin() as connection:
        for n in range(count):
            connection.exec_driver_sql(template.format(id=f"planted-{n}"))


def test_upgrade_from_empty_builds_head_and_records_it_outside_public(
    make_empty_database: Callable[[], str],
) -> None:
    engine = build_engine(make_empty_database())
    try:
        outcome = migrate.upgrade(engine)

        assert (outcome.before, outcome.after) == (None, migrate.head_revision())
        assert revision(engine) == migrate.head_revision()
        assert check(engine).ok
        with engine.connect() as connection:
            version_tables = connection.execute(
                text("SELECT schemaname FROM pg_tables WHERE tablename = 'alembic_version'")
            ).scalars()
            assert list(version_tables) == [DESKTOP_SCHEMA]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("clips", "circuits", "in_the_way"),
    [
        (1, 0, "1 stored clip (exercise_media)"),
        (0, 2, "2 circuit exercises (exercises)"),
        (3, 1, "3 stored clips (exercise_media) and 1 circuit exercise (exercises)"),
    ],
)
def test_downgrade_before_clips_is_refused_while_they_are_used(
    engine: Engine, clips: int, circuits: int, in_the_way: str
) -> None:
    with_platform_rows(engine)
    insert(engine, CLIP_SQL, clips)
    insert(engine, CIRCUIT_SQL, circuits)
    schema_before, rows_before = snapshot(engine), table_fingerprints(engine)

    with pytest.raises(MigrationRefused) as refused:
        migrate.downgrade(engine, "baseline")

    assert str(refused.value).startswith(
        f"Cannot go back before form clips: {in_the_way} would be lost."
    )
    assert "nothing was changed" in str(refused.value)
    assert revision(engine) == migrate.head_revision()
    assert snapshot(engine) == schema_before
    assert table_fingerprints(engine) == rows_before


def test_downgrade_before_clips_succeeds_when_nothing_uses_them(engine: Engine) -> None:
    with_platform_rows(engine)
    rows_before = table_fingerprints(engine)

    outcome = migrate.downgrade(engine, "baseline")

    assert (outcome.before, outcome.after) == (migrate.head_revision(), "baseline")
    assert compare(expected_at("baseline"), snapshot(engine)) == []
    assert rows_before.pop("exercise_media") == (0, "d41d8cd98f00b204e9800998ecf8427e")
    assert table_fingerprints(engine) == rows_before


def test_round_trip_leaves_the_same_schema_and_rows(engine: Engine) -> None:
    with_platform_rows(engine)
    schema_before, rows_before = snapshot(engine), table_fingerprints(engine)

    migrate.downgrade(engine, "baseline")
    migrate.upgrade(engine)

    assert revision(engine) == migrate.head_revision()
    assert snapshot(engine) == schema_before
    assert table_fingerprints(engine) == rows_before


def test_removing_the_baseline_is_refused_while_data_exists(engine: Engine) -> None:
    with_platform_rows(engine)
    schema_before, rows_before = snapshot(engine), table_fingerprints(engine)

    # Straight from head: the clips step alone would pass, the baseline step refuses, and the
    # runner's single transaction takes the clips step back too.
    with pytest.raises(MigrationRefused, match="5 users, exercises or programs"):
        migrate.downgrade(engine, "base")

    assert revision(engine) == migrate.head_revision()
    assert snapshot(engine) == schema_before
    assert table_fingerprints(engine) == rows_before


def test_removing_the_baseline_of_an_empty_database_leaves_public_empty(engine: Engine) -> None:
    outcome = migrate.downgrade(engine, "base")

    assert outcome.after is None
    assert snapshot(engine).is_empty
