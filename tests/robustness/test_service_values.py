"""Bad values at the service boundary: each write is refused before any SQL, naming the field and
the rule, and the database is left exactly as it was. Add a case by adding a row."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import Engine

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.errors import ValidationError
from gbf_desktop.services import programs as programs_service
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.library import ExerciseDraft
from gbf_desktop.services.logging_on_behalf import ExerciseLog
from tests.platform_db import table_fingerprints
from tests.robustness.conftest import assert_one_clear_line
from tests.robustness.world import World, backend_on, build_world

pytestmark = pytest.mark.db

Write = Callable[[Backend, World], Any]


def _program(
    w: World,
    *,
    title: Any = "Strength block",
    block_title: Any = "Base",
    week_number: Any = 1,
    notes: Any = None,
    data: Any = None,
    config: Any = None,
    doc_id: str | None = None,
) -> pe.ProgramDoc:
    exercise = pe.ExerciseDoc(
        id=pe.fresh_id(), exercise_id=w.squat, config=config or {"sets": 3, "reps": 10}
    )
    session = pe.SessionDoc(id=pe.fresh_id(), title="Day 1", notes=notes, data=data,
                            exercises=(exercise,))  # fmt: skip
    week = pe.WeekDoc(id=pe.fresh_id(), week_number=week_number, sessions=(session,))
    block = pe.BlockDoc(id=pe.fresh_id(), title=block_title, weeks=(week,))
    return pe.ProgramDoc(id=doc_id or pe.fresh_id(), title=title, blocks=(block,))


def create(**changes: Any) -> Write:
    return lambda b, w: b.create_program(w.coach, _program(w, **changes))


def exercise(**changes: Any) -> Write:
    return lambda b, w: b.create_exercise(
        w.coach, ExerciseDraft(**{"name": "Goblet squat", **changes})
    )


def logged(**changes: Any) -> Write:
    def write(b: Backend, w: World) -> Any:
        entry = ExerciseLog(
            **{"exercise_id": w.squat, "position": 0, "status": "completed", **changes}
        )
        return b.log_session(w.coach, w.student, w.session, [entry], expected_updated_at=None)

    return write


def _save_edited(edit: Callable[[pe.ProgramDoc], pe.ProgramDoc]) -> Write:
    def write(b: Backend, w: World) -> Any:
        opened = b.open_program(w.coach, w.program)
        return b.save_program(w.coach, opened, edit(opened.document))

    return write


def _retitle(title: Any) -> Write:
    return _save_edited(lambda doc: replace(doc, title=title))


def _reconfigure(config: Any) -> Write:
    def edit(doc: pe.ProgramDoc) -> pe.ProgramDoc:
        old = pe.node_at(doc, (0, 0, 0, 0))
        assert isinstance(old, pe.ExerciseDoc)
        return pe.replace_node(doc, (0, 0, 0, 0), replace(old, config=config))

    return _save_edited(edit)


@dataclass(frozen=True)
class ValueCase:
    name: str
    write: Write
    field: str
    says: str


CASES = [
    # Programs: titles, weeks, notes, data, ids.
    ValueCase("title-too-short", create(title="ab"), "title", "at least 3 characters"),
    ValueCase("title-nul", create(title="Leg\x00day"), "title", "NUL character"),
    ValueCase("title-too-long", create(title="P" * 201), "title", "at most 200 characters"),
    ValueCase("title-not-text", create(title=42), "title", "must be text, not a number"),
    ValueCase("title-line-break", create(title="Leg\nday"), "title", "line breaks"),
    ValueCase("block-title-bell", create(block_title="Base\x07"), "title", "control characters"),
    ValueCase("week-zero", create(week_number=0), "week_number", "0 is out of range"),
    ValueCase("week-huge", create(week_number=10**9), "week_number", "out of range"),
    ValueCase("week-text", create(week_number="3"), "week_number", "not text"),
    ValueCase("session-notes-nul", create(notes="film\x00it"), "notes", "NUL character"),
    ValueCase("session-notes-huge", create(notes="n" * 6000), "notes", "at most 5,000"),
    ValueCase("session-data-huge", create(data={"x": "d" * 70_000}), "data", "at most 65,536"),
    ValueCase("session-data-nul-key", create(data={"a\x00": 1}), "data", "NUL character"),
    ValueCase("session-data-nan", create(data={"x": math.nan}), "data.x", "not a number JSON"),
    ValueCase("program-id-not-v4", create(doc_id="program-1"), "id", "UUID v4"),
    # Prescriptions, by the exercise's type (the squat is standard).
    ValueCase("sets-zero", create(config={"sets": 0, "reps": 10}), "config.sets", "from 1 to 20"),
    ValueCase("sets-21", create(config={"sets": 21, "reps": 10}), "config.sets", "from 1 to 20"),
    ValueCase("sets-text", create(config={"sets": "three", "reps": 10}), "config.sets", "Sets"),
    ValueCase("sets-half", create(config={"sets": 3.5, "reps": 10}), "config.sets", "whole"),
    ValueCase("sets-inf", create(config={"sets": math.inf}), "config.sets", "not a number JSON"),
    ValueCase("reps-zero", create(config={"sets": 3, "reps": 0}), "config.reps", "Reps"),
    ValueCase("reps-101", create(config={"sets": 3, "reps": 101}), "config.reps", "Reps"),
    ValueCase(
        "weight-negative",
        create(config={"sets": 3, "reps": 5, "weight": -20}),
        "config.weight",
        "Weight must be a number",
    ),
    ValueCase(
        "weight-nan",
        create(config={"sets": 3, "reps": 5, "weight": math.nan}),
        "config.weight",
        "not a number JSON",
    ),
    ValueCase(
        "emom-too-long",
        create(config={"format": "EMOM", "duration": 7200, "reps": 5}),
        "config.duration",
        "Duration",
    ),
    ValueCase("config-not-object", create(config=["sets", 3]), "config", "object"),
    ValueCase("save-title-nul", _retitle("Strength\x00"), "title", "NUL character"),
    ValueCase("save-sets-99", _reconfigure({"sets": 99, "reps": 5}), "config.sets", "1 to 20"),
    # The exercise library.
    ValueCase("exercise-name-nul", exercise(name="Squat\x00"), "name", "NUL character"),
    ValueCase("exercise-name-long", exercise(name="S" * 201), "name", "at most 200"),
    ValueCase("exercise-sets-text", exercise(sets="3"), "sets", "whole number"),
    ValueCase("exercise-reps-zero", exercise(reps=0), "reps", "from 1 to 100"),
    ValueCase(
        "exercise-muscle-nul", exercise(muscle_groups=("Qu\x00ads",)), "muscle_groups", "NUL"
    ),
    ValueCase(
        "exercise-description-escape",
        exercise(description="\x1b[2J"),
        "description",
        "control characters",
    ),
    ValueCase("exercise-type-unknown", exercise(type="yoga"), "type", "Type must be one of"),
    # Logging a session on a student's behalf, reviewing clips, assigning.
    ValueCase("log-notes-nul", logged(notes="ok\x00"), "notes", "NUL character"),
    ValueCase("log-position-negative", logged(position=-1), "position", "out of range"),
    ValueCase("log-status-unknown", logged(status="done"), "status", "Exercise status must be"),
    ValueCase(
        "log-comment-nul",
        lambda b, w: b.log_session(
            w.coach, w.student, w.session, [], expected_updated_at=None, comment="\x00"
        ),
        "comment",
        "NUL character",
    ),
    ValueCase(
        "review-comment-nul",
        lambda b, w: b.mark_clip_reviewed(w.coach, w.squat, "good\x00form"),
        "comment",
        "NUL character",
    ),
    ValueCase(
        "assign-ids-not-a-list",
        lambda b, w: b.assign_program(w.coach, w.program, w.student),  # type: ignore[arg-type]
        "student_ids",
        "must be a list of ids",
    ),
    ValueCase(
        "assign-id-nul",
        lambda b, w: b.assign_program(w.coach, w.program, ["ana\x00"]),
        "student_ids",
        "NUL character",
    ),
    ValueCase(
        "delete-clip-id-nul",
        lambda b, w: b.delete_clip(w.coach, "clip\x00"),
        "media_id",
        "NUL character",
    ),
    ValueCase(
        "bar-path-nan",
        lambda b, w: b.save_clip_bar_path(
            w.coach, w.squat, {"path": [[0.0, math.nan]], "reps": []}
        ),
        "bar_path.path[0][1]",
        "not a number JSON",
    ),
    ValueCase(
        "drawings-media-id-not-text",
        lambda b, w: b.save_clip_drawings(w.coach, None, [], 854, 480),  # type: ignore[arg-type]
        "media_id",
        "must be an id (text)",
    ),
    ValueCase(
        "favourite-id-with-space",
        lambda b, w: b.set_favourite(w.coach, "not an id", True),
        "exercise_id",
        "without spaces",
    ),
    ValueCase(
        "delete-exercise-id-not-text",
        lambda b, w: b.delete_exercise(w.coach, 17),  # type: ignore[arg-type]
        "exercise_id",
        "must be an id (text)",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_value_is_refused_naming_the_field(case: ValueCase, engine: Engine) -> None:
    world = build_world(engine)
    backend = backend_on(engine)
    before = table_fingerprints(engine)
    with pytest.raises(ValidationError) as refused:
        case.write(backend, world)
    line = assert_one_clear_line(str(refused.value))
    assert case.says in line
    assert refused.value.field == case.field
    assert table_fingerprints(engine) == before


def test_a_good_program_still_saves(engine: Engine) -> None:
    world = build_world(engine)
    opened = backend_on(engine).create_program(world.coach, _program(world))
    assert opened.document.title == "Strength block"
    assert programs_service.new_document("Fresh").title == "Fresh"
