"""Reads are total: whatever a JSON column holds, every page loads, the row shows as unreadable
with the reason, and nothing is rewritten.

Each case of `CASES` puts one value into one JSON column of a small world, then opens every page
that reads that column. Add a case by adding a row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.domain.exercise_types import read_config
from gbf_desktop.domain.stored_json import UnreadableJson
from gbf_desktop.services.backend import Backend
from tests.platform_db import table_fingerprints
from tests.robustness.world import World, backend_on, build_world

pytestmark = pytest.mark.db

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECTS = '{"a": ' * 200 + "1" + "}" * 200
HUGE_INT = "9" * 5000


@dataclass(frozen=True)
class JsonCase:
    name: str
    column: str  # "progress", "config", "meta", "session_data", "program_data"
    value: Callable[[World], str]  # JSON text, as PostgreSQL would store it
    unreadable: str | None  # the reason shown, or None when the value reads (with issues)


def _progress(world: World, data: str) -> str:
    entry = {"position": 0, "exerciseId": world.squat, "status": "completed"}
    # jsonb keeps numbers as numeric: 1e400 comes back as an integer of 401 digits.
    return '{"exercises": [' + json.dumps(entry)[:-1] + ', "data": ' + data + "}]}"


CASES = [
    JsonCase("progress-1000-deep", "progress", lambda w: DEEP, "nested more than 64 levels"),
    JsonCase("progress-200-deep", "progress", lambda w: DEEP_OBJECTS, "nested more than 64"),
    JsonCase("progress-deep-inside", "progress", lambda w: _progress(w, DEEP), "nested"),
    JsonCase(
        "progress-1e400",
        "progress",
        lambda w: _progress(w, '{"weightUsed": 1e400}'),
        None,
    ),
    JsonCase(
        "progress-1e400-everywhere",
        "progress",
        lambda w: (
            f'{{"week": 1e400, "exercises": [{{"position": 1e400, "exerciseId": "{w.squat}", '
            '"status": "completed", "config": {"sets": 1e400, "reps": -1e400}, "data": '
            '{"setsCompleted": 1e400, "repsPerSet": [1e400, -1e400], "repsCompleted": 1e400, '
            '"weightUsed": -1e400, "rpe": 1e400, "totalReps": 1e400, "roundsCompleted": 1e400}}], '
            '"summary": {"totalExercises": 1e400}}'
        ),
        None,
    ),
    JsonCase(
        "config-1e400-everywhere",
        "config",
        lambda w: (
            '{"sets": 1e400, "reps": 1e400, "weight": -1e400, "rest": 1e400, "rpe": 1e400, '
            '"duration": 1e400, "loadValue": 1e400, "loadUnit": "lb", "rounds": 1e400}'
        ),
        None,
    ),
    JsonCase("progress-negative-1e400", "progress", lambda w: '{"week": -1e400}', None),
    JsonCase(
        "progress-5000-digits", "progress", lambda w: _progress(w, HUGE_INT), "thousands of digits"
    ),
    JsonCase("progress-text", "progress", lambda w: '"all done"', None),
    JsonCase("progress-list", "progress", lambda w: "[1, 2, 3]", None),
    JsonCase("progress-number", "progress", lambda w: "42", None),
    JsonCase(
        "progress-wrong-types",
        "progress",
        lambda w: (
            '{"exercises": [null, 5, "x", {"position": "zero", "data": [1], '
            '"config": "c", "videos": 7, "status": 3}], "summary": "s", "week": "w", '
            '"sessionTitle": {"a": 1}, "metadata": [1]}'
        ),
        None,
    ),
    JsonCase(
        "progress-data-wrong-types",
        "progress",
        lambda w: _progress(
            w, '{"repsPerSet": "5,5,5", "weightUsed": [100], "rpe": {"x": 1}, "setsCompleted": -3}'
        ),
        None,
    ),
    JsonCase(
        "progress-3-megabytes",
        "progress",
        lambda w: json.dumps({"exercises": [], "sessionNotes": "x" * 3_000_000}),
        None,
    ),
    JsonCase("config-1000-deep", "config", lambda w: DEEP, "nested more than 64 levels"),
    JsonCase("config-1e400", "config", lambda w: '{"sets": 1e400, "reps": 10}', None),
    JsonCase("config-5000-digits", "config", lambda w: '{"sets": ' + HUGE_INT + "}", "digits"),
    JsonCase("config-text", "config", lambda w: '"3x10"', None),
    JsonCase(
        "config-wrong-types",
        "config",
        lambda w: '{"sets": "many", "reps": [10], "weight": {"kg": 1}, "format": 7}',
        None,
    ),
    JsonCase("meta-1000-deep", "meta", lambda w: DEEP, "nested more than 64 levels"),
    JsonCase("meta-5000-digits", "meta", lambda w: '{"sets": ' + HUGE_INT + "}", "digits"),
    JsonCase(
        "meta-wrong-types",
        "meta",
        lambda w: '{"muscleGroups": 5, "instructions": {"a": 1}, "sets": 1e300, "videoUrl": [1]}',
        None,
    ),
    JsonCase("meta-2-megabytes", "meta", lambda w: json.dumps({"blob": "y" * 2_000_000}), None),
    JsonCase("session-data-1000-deep", "session_data", lambda w: DEEP, "nested"),
    JsonCase("program-data-1000-deep", "program_data", lambda w: DEEP, "nested"),
    JsonCase("program-data-1e400", "program_data", lambda w: '{"x": 1e400}', None),
]

_WRITES = {
    "progress": 'INSERT INTO session_progress (id, "sessionId", "studentId", progress, status, '
    '"updatedAt") VALUES (gen_random_uuid()::text, :session, :student, CAST(:v AS jsonb), '
    "'completed', now())",
    "config": "UPDATE session_exercises SET config = CAST(:v AS jsonb)",
    "meta": "UPDATE exercises SET meta = CAST(:v AS jsonb)",
    "session_data": "UPDATE sessions SET data = CAST(:v AS jsonb)",
    "program_data": "UPDATE programs SET data = CAST(:v AS jsonb)",
}


def _pages(backend: Backend, w: World) -> dict[str, Callable[[], Any]]:
    return {
        "dashboard": lambda: backend.dashboard(w.coach),
        "students": lambda: backend.students(w.coach),
        "student progress": lambda: backend.student_progress(w.coach, w.student),
        "review queue": lambda: backend.review_queue(w.coach),
        "attach dialog": lambda: backend.attach_choices(w.coach),
        "clips": lambda: backend.clip_library(w.coach),
        "library": lambda: backend.library(w.coach),
        "exercise details": lambda: backend.exercise_details(w.coach, w.squat),
        "programs": lambda: backend.programs(w.coach),
        "program builder": lambda: backend.open_program(w.coach, w.program),
    }


def _shown_reason(case: JsonCase, backend: Backend, w: World) -> str | None:
    """The reason the page that shows the column gives for the row being unreadable."""
    if case.column == "progress":
        logged = backend.student_progress(w.coach, w.student).session(w.session).logged
        assert logged is not None
        return logged.unreadable
    doc = backend.open_program(w.coach, w.program).document
    session = doc.blocks[0].weeks[0].sessions[0]
    stored = {
        "config": session.exercises[0].config,
        "session_data": session.data,
        "program_data": doc.data,
        "meta": backend.library(w.coach).get(w.squat),
    }[case.column]
    if case.column == "config":
        issues = read_config(stored, "standard").issues
        if isinstance(stored, UnreadableJson):
            assert issues[0].message == f"The stored config cannot be read: {stored.reason}."
    if case.column == "meta":
        return None if stored is None else _meta_reason(backend, w)
    return stored.reason if isinstance(stored, UnreadableJson) else None


def _meta_reason(backend: Backend, w: World) -> str | None:
    details = backend.exercise_details(w.coach, w.squat)
    assert details.name == "Back squat"  # the exercise itself is still shown
    entry = backend.library(w.coach).get(w.squat)
    meta = getattr(entry, "meta", None)
    return meta.reason if isinstance(meta, UnreadableJson) else None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_page_loads_whatever_a_json_column_holds(case: JsonCase, engine: Engine) -> None:
    world = build_world(engine)
    with engine.begin() as connection:
        connection.execute(
            text(_WRITES[case.column]),
            {"v": case.value(world), "session": world.session, "student": world.student},
        )
    before = table_fingerprints(engine)
    backend = backend_on(engine)

    for page, load in _pages(backend, world).items():
        try:
            load()
        except Exception as err:  # the assertion names the page and what it raised
            pytest.fail(f"the {page} failed on {case.name}: {type(err).__name__}: {err}")

    reason = _shown_reason(case, backend, world)
    if case.unreadable is None:
        assert reason is None
    elif case.column != "meta":
        assert reason is not None
        assert case.unreadable in reason
    assert table_fingerprints(engine) == before  # read, never rewritten
