"""`adopt` on databases the web platform made, built here from its own migration SQL.

Every test proves that no row was dropped or rewritten: a count and a checksum of every public
table before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.db import migrate
from gbf_desktop.db.adopt import SchemaDrift, adopt, check
from gbf_desktop.db.engine import build_engine
from gbf_desktop.db.models import DESKTOP_SCHEMA
from gbf_desktop.errors import MigrationRefused, SchemaMismatch
from tests.platform_db import (
    BEFORE_CLIPS,
    WITH_CLIPS,
    platform_database,
    table_fingerprints,
)

pytestmark = pytest.mark.db


@pytest.fixture
def new_engine(make_empty_database: Callable[[], str]) -> Iterator[Callable[[], Engine]]:
    engines: list[Engine] = []

    def make() -> Engine:
        engines.append(build_engine(make_empty_database()))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def recorded_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrate.current_revision(connection)


def desktop_schema_exists(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s)"),
                {"s": DESKTOP_SCHEMA},
            ).scalar_one()
        )


def test_adopts_a_platform_database_with_clips_at_head_without_touching_a_row(
    new_engine: Callable[[], Engine],
) -> None:
    engine = platform_database(new_engine, WITH_CLIPS)
    before = table_fingerprints(engine)

    report = adopt(engine)

    head = migrate.head_revision()
    # The public schema is add_exercise_media's; the desktop-only clip_reviews table came after.
    assert (report.matched_revision, report.after, report.warnings) == (
        "add_exercise_media",
        head,
        (),
    )
    assert recorded_revision(engine) == head
    with engine.connect() as connection:
        assert connection.execute(
            text("SELECT to_regclass('gbf_desktop.clip_reviews') IS NOT NULL")
        ).scalar_one()
    assert table_fingerprints(engine) == before
    assert before["exercise_media"][0] == 1
    assert before["session_progress"][0] == 1
    assert check(engine).ok


def test_adopts_a_platform_database_from_before_clips_then_upgrades_it(
    new_engine: Callable[[], Engine],
) -> None:
    engine = platform_database(new_engine, BEFORE_CLIPS)
    before = table_fingerprints(engine)

    report = adopt(engine)

    assert report.matched_revision == "baseline"
    assert report.after == migrate.head_revision()
    assert report.lines()[:2] == [
        "adopted: the schema matched revision baseline",
        f"upgraded to {report.after}",
    ]
    after = table_fingerprints(engine)
    assert after.pop("exercise_media") == (0, "d41d8cd98f00b204e9800998ecf8427e")  # new, empty
    assert after == before
    final = check(engine)
    assert final.ok
    assert final.differences == ()


def test_adopts_despite_the_index_the_platforms_backend_dropped(
    new_engine: Callable[[], Engine],
) -> None:
    engine = platform_database(new_engine, WITH_CLIPS)
    with engine.begin() as connection:
        connection.exec_driver_sql('DROP INDEX "exercise_media_progressId_idx"')
    before = table_fingerprints(engine)

    report = adopt(engine)

    assert report.after == migrate.head_revision()
    assert [str(w) for w in report.warnings] == [
        "warning: index exercise_media_progressId_idx on exercise_media is missing "
        '(expected index exercise_media_progressId_idx: ("progressId"))'
    ]
    assert recorded_revision(engine) == report.after
    assert table_fingerprints(engine) == before
    assert check(engine).ok


@pytest.mark.parametrize(
    ("drift", "expected_line"),
    [
        (
            'ALTER TABLE users DROP COLUMN "lastName"',
            'error: column users."lastName" is missing (expected "lastName" text)',
        ),
        (
            "ALTER TABLE exercise_ratings ALTER COLUMN rating TYPE integer",
            "error: column exercise_ratings.rating is integer, expected smallint",
        ),
    ],
)
def test_refuses_a_drifted_database_and_changes_nothing(
    new_engine: Callable[[], Engine], drift: str, expected_line: str
) -> None:
    engine = platform_database(new_engine, WITH_CLIPS)
    with engine.begin() as connection:
        connection.exec_driver_sql(drift)
    before = table_fingerprints(engine)

    with pytest.raises(SchemaMismatch) as refused:
        adopt(engine)

    assert isinstance(refused.value, SchemaDrift)
    assert [str(d) for d in refused.value.differences] == [expected_line]
    message = str(refused.value)
    assert "nothing was changed" in message
    # The closest known schema: the public one of the newest revision that changed `public`.
    assert "revision add_exercise_media" in message
    assert f"\n  {expected_line}\n" in message
    assert recorded_revision(engine) is None
    assert not desktop_schema_exists(engine)
    assert table_fingerprints(engine) == before


def test_refuses_a_database_that_is_already_managed(engine: Engine) -> None:
    with pytest.raises(MigrationRefused, match="already managed") as refused:
        adopt(engine)

    assert "gbf-desktop db upgrade" in str(refused.value)
    assert recorded_revision(engine) == migrate.head_revision()


def test_refuses_an_empty_database_and_points_to_upgrade(
    new_engine: Callable[[], Engine],
) -> None:
    engine = new_engine()

    with pytest.raises(MigrationRefused, match="empty") as refused:
        adopt(engine)

    assert "gbf-desktop db upgrade" in str(refused.value)
    assert not desktop_schema_exists(engine)


def test_check_of_an_unadopted_platform_database_says_to_adopt(
    new_engine: Callable[[], Engine],
) -> None:
    engine = platform_database(new_engine, WITH_CLIPS, rows=False)

    report = check(engine)

    assert report.schema_ok
    assert not report.ok
    assert report.revision is None
    assert "gbf-desktop db adopt" in report.lines()[0]
