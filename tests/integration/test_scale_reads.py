"""A coach's listings on a platform of many coaches: the same values as alone, no big columns.

The platform comes from `tests.scale_platform` (the generator of `bench/scale.py`), small enough
for a test: each coach's rows depend only on the coach's number, so the database holding one
coach alone must give that coach's pages exactly the values the platform gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, bindparam, event, func, select
from sqlalchemy.dialects.postgresql import JSONB

from gbf_desktop.db import migrate
from gbf_desktop.db.coach_scope import status_columns, tally_of
from gbf_desktop.db.engine import build_engine
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.domain.progress import tally
from gbf_desktop.services.backend import Backend
from tests.scale_platform import Shape, build, coach_id, student_id

SHAPE = Shape(students=4, weeks=6, clips=24, coaches=3, global_exercises=40, clip_bytes=4096)
COACH = 2
PAGES: dict[str, Callable[[Backend, str], object]] = {
    "dashboard": lambda b, c: b.dashboard(c),
    "students page": lambda b, c: b.students(c),
    "clips page": lambda b, c: b.clip_library(c),
    "attach dialog": lambda b, c: b.attach_choices(c),
    "library load": lambda b, c: b.library(c),
}


def _backend(engine: Engine) -> Backend:
    made = uow_factory(engine)
    return Backend(uow_factory=lambda: SqlUnitOfWork(made), database_label="test")


@contextmanager
def _result_columns(engine: Engine) -> Iterator[list[tuple[str, list[str]]]]:
    """Each statement the engine runs while the block runs, with its result's column names."""
    seen: list[tuple[str, list[str]]] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        names = [d.name for d in cursor.description] if cursor.description else []
        seen.append((statement, names))

    event.listen(engine, "after_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", record)


def _outsized(url: str) -> None:
    """A 2 MB progress row for one of the coach's students and a 2 MB global exercise meta."""
    diary = " ".join(f"line {n} of a diary pasted into the notes" for n in range(50_000))
    with psycopg.connect(url) as conn:
        conn.execute(
            """UPDATE session_progress SET progress = jsonb_set(progress,
                   '{exercises,0,notes}', to_jsonb(%s::text))
               WHERE id = (SELECT id FROM session_progress WHERE "studentId" = %s
                           ORDER BY "savedAt" DESC LIMIT 1)""",
            (diary, student_id(COACH, 1)),
        )
        conn.execute(
            """UPDATE exercises
               SET meta = meta || jsonb_build_object('inDepthExplanation', %s::text)
               WHERE id = (SELECT id FROM exercises WHERE scope = 'global' ORDER BY id LIMIT 1)""",
            (diary,),
        )


@pytest.mark.db
def test_a_coachs_pages_are_the_same_on_the_platform_as_alone(
    db_url: str, make_empty_database: Callable[[], str]
) -> None:
    today = date.today()
    alone_url = make_empty_database()
    alone = build_engine(alone_url)
    platform = build_engine(db_url)
    try:
        migrate.upgrade(alone)
        built = build(db_url, SHAPE, range(1, SHAPE.coaches + 1), today=today)
        build(alone_url, SHAPE, [COACH], today=today)
        assert built.progress_rows > 100
        assert built.clips >= 2 * SHAPE.clips_per_coach
        coach = coach_id(COACH)
        for name, page in PAGES.items():
            on_platform = page(_backend(platform), coach)
            by_itself = page(_backend(alone), coach)
            assert on_platform == by_itself, name
        # A student's whole progress page too (read through the same path).
        for number in (1, SHAPE.students):
            student = student_id(COACH, number)
            assert _backend(platform).student_progress(coach, student) == _backend(
                alone
            ).student_progress(coach, student)
        # Not vacuous: the pages hold the coach's students, sessions and clips.
        students = _backend(platform).students(coach)
        assert len(students) == SHAPE.students
        assert any(c.compliance_over(30).done for c in students)
        clips = _backend(platform).clip_library(coach)
        assert len(clips.clips) == SHAPE.clips_per_coach
        assert {c.student_id for c in clips.clips} <= {s.id for s in students}
        dashboard = _backend(platform).dashboard(coach)
        assert sum(s.sessions_done for s in dashboard.students) > 0
    finally:
        alone.dispose()
        platform.dispose()


@pytest.mark.db
def test_listings_never_select_the_progress_json_the_meta_or_the_clip_bytes(
    engine: Engine, db_url: str
) -> None:
    build(db_url, SHAPE, range(1, SHAPE.coaches + 1), today=date.today())
    _outsized(db_url)
    backend, coach = _backend(engine), coach_id(COACH)
    for name, page in PAGES.items():
        with _result_columns(engine) as statements:
            page(backend, coach)
        assert statements, name
        for statement, columns in statements:
            assert not {"progress", "meta", "data"} & set(columns), (name, statement)
    # The outsized rows are still listed, and still whole where a page shows them.
    library = backend.library(coach)
    assert len(library.entries) == SHAPE.global_exercises + 10
    outsized = min((e for e in library.entries if e.scope == "global"), key=lambda e: e.id)
    details = backend.exercise_details(coach, outsized.id)
    assert len(str(details.other_meta)) + len(details.links) > 0
    progress = backend.student_progress(coach, student_id(COACH, 1))
    assert any(len(json.dumps(log.progress)) > 2_000_000 for log in progress.logs.values())


MESSY_PROGRESS: list[Any] = [
    None,
    [],
    "not an object",
    {},
    {"exercises": None},
    {"exercises": {"status": "completed"}},  # an object, not a list: no entries
    {"exercises": []},
    {"exercises": ["completed", 3, None]},  # entries that are not objects do not count
    {"exercises": [{"status": " completed\u00a0"}, {"status": "skipped"}]},
    {"exercises": [{"status": "completed"}, {}]},  # a missing status is no status
    {"exercises": [{"status": None}, {"status": 1}, {"status": True}, {"status": ["x"]}]},
    {"exercises": [{"status": "in_progress"}, {"status": "not_started"}]},
    {"exercises": [{"status": "COMPLETED"}, {"status": "\tskipped\n"}]},
    {"exercises": [{"status": {"nested": "completed"}}, {"status": "completed"}]},
    {"exercises": [[{"status": "completed"}]]},  # a nested list is no entry
    # Statuses too long to keep in the cache of shapes: counted all the same.
    {"exercises": [{"status": "completed"}] * 700 + [{"status": " in_progress "}]},
    # Older rows: `completed: true` counts, a truthy non-boolean does not; their sets[] are
    # read as entries elsewhere but say nothing of completion.
    {"completed": True, "sets": [{"reps": 5, "weight": 60}]},
    {"completed": "true", "exercises": []},
    {"completed": False, "exercises": [{"status": "completed"}]},
    {"exercises": [{"status": "skipped"}, "x", {"status": "completed", "data": {"a": [1]}}]},
]


@pytest.mark.db
def test_the_sql_tally_reads_messy_rows_as_the_python_rule_does(engine: Engine) -> None:
    given = (
        func.jsonb_array_elements(bindparam("rows", MESSY_PROGRESS, type_=JSONB))
        .table_valued("value", with_ordinality="n")
        .render_derived()
    )
    with engine.begin() as conn:
        values = conn.execute(
            select(given.c.n, *status_columns(given.c.value)).order_by(given.c.n)
        ).all()
    assert len(values) == len(MESSY_PROGRESS)
    for (_, *columns), progress in zip(values, MESSY_PROGRESS, strict=True):
        # A top-level JSON null reaches SQL as a jsonb null, which lists nothing either.
        assert tally_of(*columns) == tally(progress), progress
