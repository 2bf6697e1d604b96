"""Logs written on a student's behalf, as the web's workout page reads them.

Web rules (Baptiste0103/GoBeyondFit):
- frontend/app/workouts/[id]/page.tsx shows an AMRAP by `data.totalReps` alone, shows one
  `data.weightUsed` on every set of a standard exercise, reads `repsPerSet` as numbers, and takes
  an entry's first clip from `videos[0]`.
- backend/src/workouts/workout-runner.service.ts writes `data` by the library type; a custom
  exercise has no case there and gets the default (standard) branch; entries carry `notes: ""`
  and `videos: []` when nothing was written.
- The runner saves with `updatedAt: new Date()`, but backend/src/workouts/workout.service.ts
  (completeSession) changes `progress` only, so a web write can leave `updatedAt` as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from gbf_desktop.domain.exercise_types import (
    AmrapResult,
    CircuitResult,
    CustomResult,
    SetResult,
    StandardResult,
)
from gbf_desktop.errors import ConflictError, ValidationError
from gbf_desktop.services.logging_on_behalf import ExerciseLog
from tests.platform.conftest import Platform


def _students(p: Platform) -> list[str]:
    return [s.id for s in p.backend.students(p.coach_id)]


def _unlogged_session_with(p: Platform, kind: str) -> tuple[str, str, Any]:
    """(student, session, planned exercise of `kind`) for a session the student never logged."""
    for student_id in _students(p):
        progress = p.backend.student_progress(p.coach_id, student_id)
        for program in progress.programs:
            for session in program.sessions:
                if session.id in progress.logs:
                    continue
                for item in progress.planned.get(session.id, ()):
                    if item.library_type == kind:
                        return student_id, session.id, item
    raise AssertionError(f"the demo has no unlogged session with a {kind} exercise")


def _entry(p: Platform, student_id: str, session_id: str, exercise_id: str) -> dict[str, Any]:
    progress = p.scalar(
        'SELECT progress FROM session_progress WHERE "sessionId" = :s AND "studentId" = :t',
        s=session_id,
        t=student_id,
    )
    return next(e for e in progress["exercises"] if e["exerciseId"] == exercise_id)


def _log(p: Platform, student_id: str, session_id: str, log: ExerciseLog) -> None:
    p.backend.log_session(p.coach_id, student_id, session_id, [log], expected_updated_at=None)


def test_an_amrap_score_always_carries_total_reps(platform: Platform) -> None:
    p = platform
    student, session, item = _unlogged_session_with(p, "AMRAP")
    # Logged as rounds with no known round size: refused until the coach types the total.
    rounds_only = AmrapResult.from_rounds(6, 4, None)
    with pytest.raises(ValidationError, match="Enter the total reps"):
        _log(
            p,
            student,
            session,
            ExerciseLog(item.exercise_id, item.position, "completed", rounds_only),
        )

    scored = AmrapResult.from_rounds(6, 4, None, total_reps=94)
    _log(p, student, session, ExerciseLog(item.exercise_id, item.position, "completed", scored))

    entry = _entry(p, student, session, item.exercise_id)
    assert isinstance(entry["data"]["totalReps"], int)
    assert entry["data"]["totalReps"] == 94
    assert entry["notes"] == ""
    assert entry["videos"] == []


def test_a_standard_log_shows_one_weight_and_keeps_each_sets_load(platform: Platform) -> None:
    p = platform
    student, session, item = _unlogged_session_with(p, "standard")
    result = StandardResult(sets=(SetResult(5, 100), SetResult(5, 90), SetResult(8, 80)))
    _log(p, student, session, ExerciseLog(item.exercise_id, item.position, "completed", result))

    data = _entry(p, student, session, item.exercise_id)["data"]
    assert data["weightUsed"] == 100  # the one figure the web shows on every set
    assert data["weightPerSet"] == [100, 90, 80]
    assert data["repsPerSet"] == [5, 5, 8]
    assert all(isinstance(r, int) for r in data["repsPerSet"])
    assert data["repsCompleted"] == 18
    assert data["setsCompleted"] == 3


def test_a_custom_log_has_the_runners_default_shape_and_its_text(platform: Platform) -> None:
    p = platform
    student, session, item = _unlogged_session_with(p, "custom")
    result = CustomResult(notes="20 min easy, HR under 140")
    _log(p, student, session, ExerciseLog(item.exercise_id, item.position, "completed", result))

    data = _entry(p, student, session, item.exercise_id)["data"]
    assert data == {
        "setsCompleted": 0,
        "repsPerSet": [],
        "repsCompleted": 0,
        "weightUsed": None,
        "rpe": None,
        "notes": "20 min easy, HR under 140",
    }


def test_a_circuit_log_has_the_runners_circuit_shape(platform: Platform) -> None:
    p = platform
    student, session, item = _unlogged_session_with(p, "circuit")
    result = CircuitResult(rounds_completed=4, total_reps=120, weight_kg=16)
    _log(p, student, session, ExerciseLog(item.exercise_id, item.position, "completed", result))

    data = _entry(p, student, session, item.exercise_id)["data"]
    assert {k: data[k] for k in ("roundsCompleted", "totalReps", "weightUsed")} == {
        "roundsCompleted": 4,
        "totalReps": 120,
        "weightUsed": 16,
    }


def test_a_web_write_that_keeps_updated_at_is_still_a_conflict(platform: Platform) -> None:
    p = platform
    student, session, item = _unlogged_session_with(p, "standard")
    first = StandardResult(sets=(SetResult(5, 100),))
    _log(p, student, session, ExerciseLog(item.exercise_id, item.position, "completed", first))
    loaded = p.backend.student_progress(p.coach_id, student).logs[session]
    # The web's completeSession: the progress JSON changes, updatedAt does not.
    p.execute(
        """UPDATE session_progress SET progress = progress || '{"completed": true}'
           WHERE id = :i""",
        i=loaded.id,
    )
    before = p.rows(
        'SELECT progress, status, "updatedAt" FROM session_progress WHERE id = :i', i=loaded.id
    )

    again = StandardResult(sets=(SetResult(6, 100),))
    with pytest.raises(ConflictError, match="changed elsewhere") as conflict:
        p.backend.log_session(
            p.coach_id,
            student,
            session,
            [ExerciseLog(item.exercise_id, item.position, "completed", again)],
            expected_updated_at=loaded.updated_at,
            expected_fingerprint=loaded.fingerprint,
        )
    # Nobody is named: the web does not record who wrote.
    assert "changed by" not in str(conflict.value)
    assert (
        p.rows(
            'SELECT progress, status, "updatedAt" FROM session_progress WHERE id = :i', i=loaded.id
        )
        == before
    )
