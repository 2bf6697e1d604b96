"""Every `Backend` method that takes an id, called by one coach with another coach's ids.

Each is refused with exactly the message a missing id gets, writes nothing (every table's checksum
is unchanged) and names nothing of the other coach's. The methods are found by introspection, so a
new method taking an id fails `test_every_method_taking_an_id_has_a_case` until it gets a case.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.program_edit import ExerciseDoc, ProgramDoc
from gbf_desktop.errors import KnownError
from gbf_desktop.services import clips as clips_service
from gbf_desktop.services import library as lib
from gbf_desktop.services import programs as programs_service
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.logging_on_behalf import ExerciseLog
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip, clip_facts
from tests.two_coaches import FOREIGN_MARK, CoachWorld, TwoCoaches, all_fingerprints, two_coaches

pytestmark = [pytest.mark.db, pytest.mark.ffmpeg]


@dataclass(frozen=True)
class Target:
    """The ids a case aims at: the other coach's, or ids that exist nowhere."""

    student: str
    session: str
    exercise: str
    program: str
    assignment: str
    media: str


def _foreign(world: CoachWorld) -> Target:
    return Target(
        student=world.student,
        session=world.session,
        exercise=world.exercise,
        program=world.program,
        assignment=world.assignment,
        media=world.media,
    )


def _missing() -> Target:
    def fresh() -> str:
        return str(uuid.uuid4())

    return Target(fresh(), fresh(), fresh(), fresh(), fresh(), fresh())


@dataclass(frozen=True)
class Ctx:
    backend: Backend
    me: CoachWorld
    clip: ReadyClip
    tmp: Path
    other_coach: str


Call = Callable[[Ctx, Target], object]


def _with_exercise(ctx: Ctx, exercise_id: str) -> tuple[programs_service.OpenedProgram, ProgramDoc]:
    opened = ctx.backend.open_program(ctx.me.coach, ctx.me.program)
    session = opened.document.blocks[0].weeks[0].sessions[0]
    extra = ExerciseDoc(id=pe.fresh_id(), exercise_id=exercise_id, config={"sets": 3, "reps": 5})
    return opened, pe.insert_node(opened.document, (0, 0, 0), len(session.exercises), extra)


def _forged_opened(ctx: Ctx, program_id: str) -> programs_service.OpenedProgram:
    mine = ctx.backend.open_program(ctx.me.coach, ctx.me.program)
    return replace(mine, document=replace(mine.document, id=program_id))


def _thumbnail(ctx: Ctx, t: Target) -> object:
    # A picture of the clip already cached on this workstation by the coach who signed in
    # before (in their folder, and where older versions kept them all).
    cache = ctx.tmp / "thumbnails"
    for folder in (cache, cache / ctx.other_coach):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{t.media}.png").write_bytes(b"\x89PNG cached picture")
        (folder / f"{t.media}.json").write_text(json.dumps({"width": 8, "height": 8}))

    def never_decode(data: bytes) -> clips_service.Still:
        raise AssertionError("a foreign clip's bytes were read")

    return ctx.backend.clip_thumbnail(ctx.me.coach, t.media, cache, never_decode)


def _export_csv(ctx: Ctx, t: Target) -> object:
    path = ctx.tmp / f"history-{t.student}.csv"
    try:
        return ctx.backend.export_history_csv(ctx.me.coach, t.student, path)
    finally:
        assert not path.exists(), "a file was written for a refused student"


def _store(ctx: Ctx, student: str, session: str) -> object:
    return ctx.backend.store_clip(
        ctx.me.coach, student, session, ctx.clip.path, ctx.clip.sha256, inspect=clip_facts
    )


def _iter_store(ctx: Ctx, t: Target) -> object:
    steps = ctx.backend.iter_store_clip(
        ctx.me.coach, t.student, ctx.me.session, ctx.clip.path, ctx.clip.sha256, inspect=clip_facts
    )
    return list(steps)


def _log(ctx: Ctx, student: str, session: str) -> object:
    entry = ExerciseLog(exercise_id=ctx.me.global_exercise, position=1, status="skipped")
    return ctx.backend.log_session(
        ctx.me.coach, student, session, [entry], expected_updated_at=None
    )


CASES: dict[str, dict[str, Call]] = {
    "student_progress": {"student": lambda c, t: c.backend.student_progress(c.me.coach, t.student)},
    "export_history_csv": {"student": _export_csv},
    "log_session": {
        "student": lambda c, t: _log(c, t.student, t.session),
        "session of my student": lambda c, t: _log(c, c.me.student, t.session),
    },
    "mark_clip_reviewed": {
        "media": lambda c, t: c.backend.mark_clip_reviewed(c.me.coach, t.media, "nice")
    },
    "iter_store_clip": {"student": _iter_store},
    "store_clip": {
        "student": lambda c, t: _store(c, t.student, c.me.session),
        "session of my student": lambda c, t: _store(c, c.me.student, t.session),
    },
    "exercise_details": {
        "exercise": lambda c, t: c.backend.exercise_details(c.me.coach, t.exercise)
    },
    "set_favourite": {
        "on": lambda c, t: c.backend.set_favourite(c.me.coach, t.exercise, True),
        "off": lambda c, t: c.backend.set_favourite(c.me.coach, t.exercise, False),
    },
    "update_exercise": {
        "exercise": lambda c, t: c.backend.update_exercise(
            c.me.coach, t.exercise, lib.ExerciseDraft(name="Taken over")
        )
    },
    "delete_exercise": {"exercise": lambda c, t: c.backend.delete_exercise(c.me.coach, t.exercise)},
    "open_program": {"program": lambda c, t: c.backend.open_program(c.me.coach, t.program)},
    "create_program": {
        "exercise in it": lambda c, t: c.backend.create_program(
            c.me.coach,
            replace(
                _with_exercise(c, t.exercise)[1], id=pe.fresh_id(), title="Copy with an exercise"
            ),
        )
    },
    "save_program": {
        "exercise added": lambda c, t: c.backend.save_program(
            c.me.coach, *_with_exercise(c, t.exercise)
        ),
        "program": lambda c, t: c.backend.save_program(
            c.me.coach,
            _forged_opened(c, t.program),
            replace(_forged_opened(c, t.program).document, title="Taken over"),
            overwrite=True,
        ),
    },
    "program_deletion_impact": {
        "program": lambda c, t: c.backend.program_deletion_impact(c.me.coach, t.program)
    },
    "delete_program": {"program": lambda c, t: c.backend.delete_program(c.me.coach, t.program)},
    "duplicate_program": {
        "program": lambda c, t: c.backend.duplicate_program(c.me.coach, t.program)
    },
    "assign_program": {
        "program": lambda c, t: c.backend.assign_program(c.me.coach, t.program, [c.me.student]),
        "student": lambda c, t: c.backend.assign_program(
            c.me.coach, c.me.program, [c.me.group_student, t.student]
        ),
    },
    "program_assignments": {
        "program": lambda c, t: c.backend.program_assignments(c.me.coach, t.program)
    },
    "unassign_preview": {
        "assignment": lambda c, t: c.backend.unassign_preview(c.me.coach, t.assignment)
    },
    "unassign": {"assignment": lambda c, t: c.backend.unassign(c.me.coach, t.assignment)},
    "clip_to_temp_file": {
        "media": lambda c, t: c.backend.clip_to_temp_file(c.me.coach, t.media, c.tmp)
    },
    "export_clip": {
        "media": lambda c, t: c.backend.export_clip(c.me.coach, t.media, c.tmp / "out.mp4")
    },
    "delete_clip": {"media": lambda c, t: c.backend.delete_clip(c.me.coach, t.media)},
    "clip_thumbnail": {"cached": _thumbnail},
    "clip_annotations": {"media": lambda c, t: c.backend.clip_annotations(c.me.coach, t.media)},
    "clip_exercise_choices": {
        "session": lambda c, t: c.backend.clip_exercise_choices(c.me.coach, t.session)
    },
    "schedule_preview": {
        "program": lambda c, t: c.backend.schedule_preview(
            c.me.coach, t.program, [c.me.student], date(2026, 4, 6)
        ),
        "student": lambda c, t: c.backend.schedule_preview(
            c.me.coach, c.me.program, [c.me.student, t.student], date(2026, 4, 6)
        ),
    },
    "save_clip_drawings": {
        "media": lambda c, t: c.backend.save_clip_drawings(c.me.coach, t.media, [], 854, 480)
    },
    "save_clip_bar_path": {
        "media": lambda c, t: c.backend.save_clip_bar_path(
            c.me.coach, t.media, {"path": [], "reps": []}
        )
    },
}

# Methods that answer a foreign id as they answer a missing one without raising: an empty list
# of choices, a preview that leaves the unknown student out.
ANSWERED_LIKE_MISSING = {"clip_exercise_choices", "schedule_preview"}

# Parameters that say who is acting, not what is acted on: the signed-in user's own id.
ACTOR = {"coach_id", "user_id"}
# Values that carry ids inside them.
ID_CARRIERS = ("ProgramDoc", "OpenedProgram")


def methods_taking_an_id() -> set[str]:
    found = set()
    for name, member in inspect.getmembers(Backend, inspect.isfunction):
        if name.startswith("_"):
            continue
        for parameter in list(inspect.signature(member).parameters.values())[1:]:
            annotation = str(parameter.annotation)
            named_id = parameter.name.endswith(("_id", "_ids")) and parameter.name not in ACTOR
            if named_id or any(carrier in annotation for carrier in ID_CARRIERS):
                found.add(name)
    return found


def test_every_method_taking_an_id_has_a_case() -> None:
    found = methods_taking_an_id()
    assert found, "introspection found no method at all"
    assert found - set(CASES) == set(), "a Backend method taking an id has no case here"
    assert set(CASES) - found == set(), "a case names a method that takes no id"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> ReadyClip:
    path = tmp_path_factory.mktemp("clips") / "lift.mp4"
    encode_test_pattern(path, duration_s=1.0, label="lift")
    return check_clip(path)


@pytest.fixture
def world(engine: Engine, clip: ReadyClip) -> TwoCoaches:
    return two_coaches(engine, clip.path.read_bytes())


def _outcome(call: Call, ctx: Ctx, target: Target) -> tuple[object, str]:
    """What the call gave: the refusal (its type and message), or a value, for comparing."""
    try:
        value = call(ctx, target)
    except KnownError as err:
        return type(err), str(err)
    return "value", repr(value)


def _foreign_texts(world: CoachWorld) -> list[str]:
    # The mark is in every name, title and note of the other coach's rows; their ids too.
    return [FOREIGN_MARK, FOREIGN_MARK.lower(), *_foreign(world).__dict__.values(), world.coach]


@pytest.mark.parametrize(
    ("method", "case"), [(m, c) for m, cases in CASES.items() for c in cases], ids=str
)
def test_a_foreign_id_is_refused_like_a_missing_one(
    engine: Engine, world: TwoCoaches, clip: ReadyClip, tmp_path: Path, *, method: str, case: str
) -> None:
    backend = Backend(lambda: SqlUnitOfWork(uow_factory(engine)), "test")
    ctx = Ctx(backend, world.mine, clip, tmp_path, world.theirs.coach)
    call = CASES[method][case]
    before = all_fingerprints(engine)

    foreign = _outcome(call, ctx, _foreign(world.theirs))
    assert all_fingerprints(engine) == before, "a refused call wrote something"
    for text in _foreign_texts(world.theirs):
        assert text not in foreign[1], f"the answer names {text!r}: {foreign[1]}"

    # Refused exactly like an id that exists nowhere: the same error, or the same (empty) answer.
    assert foreign == _outcome(call, ctx, _missing())
    assert all_fingerprints(engine) == before
    if foreign[0] == "value":
        assert method in ANSWERED_LIKE_MISSING, f"{method} accepted another coach's id"


def test_listings_hold_nothing_of_the_other_coach(engine: Engine, world: TwoCoaches) -> None:
    backend = Backend(lambda: SqlUnitOfWork(uow_factory(engine)), "test")
    me = world.mine.coach
    shown = repr(
        (
            backend.dashboard(me),
            backend.students(me),
            backend.review_queue(me),
            backend.attach_choices(me),
            backend.programs(me),
            backend.clip_library(me),
            [e for e in backend.library(me).entries if e.scope != "global"],
        )
    )
    assert FOREIGN_MARK not in shown
    assert "Home" in shown  # the listings did show this coach's own rows
