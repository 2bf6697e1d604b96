"""What the web wrote, read by the desktop.

Web rules (Baptiste0103/GoBeyondFit):
- backend/src/workouts/workout.service.ts (completeSession, the older path) stores
  `progress.completed: true` and `completedAt` and leaves `status` at its default; its
  statistics (backend/src/stats/stats.service.ts) count a session done by `progress.completed`
  and read logged sets from `progress.sets[]` ({weight, reps}).
- frontend/app/dashboard/programs/[id]/page.tsx writes the format "for-time", and the builder
  "time" and "distance": all standard prescriptions.
"""

from __future__ import annotations

import json
import uuid

from gbf_desktop.domain.exercise_types import ExerciseKind, StandardPrescription, read_config
from gbf_desktop.domain.progress import LEGACY_NAME
from tests.platform.conftest import Platform


def _student_with_unlogged_due_session(p: Platform) -> tuple[str, str, str]:
    for row in p.backend.students(p.coach_id):
        progress = p.backend.student_progress(p.coach_id, row.id)
        for program in progress.programs:
            for session in program.sessions:
                if session.id not in progress.logs and session.due <= progress.today:
                    planned = progress.planned.get(session.id, ())
                    if planned:
                        return row.id, session.id, planned[0].exercise_id
    raise AssertionError("the demo has no due, unlogged session")


def test_an_older_web_log_shows_in_the_timeline_and_counts_as_done(platform: Platform) -> None:
    p = platform
    student, session, exercise_id = _student_with_unlogged_due_session(p)
    # A window covering the whole demo, whenever the test runs.
    before = p.backend.student_progress(p.coach_id, student).compliance(3650)
    p.execute(
        """INSERT INTO session_progress (id, "sessionId", "studentId", progress, status,
                                         "savedAt", "updatedAt")
           VALUES (:i, :s, :t, CAST(:progress AS jsonb), 'not_started', now(), now())""",
        i=str(uuid.uuid4()),
        s=session,
        t=student,
        progress='{"completed": true, "completedAt": "2026-03-02T18:00:00.000Z", "sets": ['
        f'{{"exerciseId": "{exercise_id}", "weight": 60, "reps": 8}},'
        f'{{"exerciseId": "{exercise_id}", "weight": 62.5, "reps": 6}},'
        '{"weight": 20, "reps": 15}]}',
    )

    progress = p.backend.student_progress(p.coach_id, student)
    detail = progress.session(session)
    assert detail.status.is_complete
    logged = [e for e in detail.exercises if e.logged is not None]
    mine = next(e for e in logged if e.exercise_id == exercise_id)
    sets = mine.logged.result.sets  # type: ignore[union-attr]
    assert [(s.reps, s.load_kg) for s in sets] == [(8, 60), (6, 62.5)]
    assert any(e.name == LEGACY_NAME for e in logged)
    after = progress.compliance(3650)
    assert after.done == before.done + 1


def test_other_web_formats_open_as_typed_prescriptions(platform: Platform) -> None:
    p = platform
    formats = {
        "for-time": {"sets": 1, "reps": 50, "format": "for-time", "duration": 12},
        "time": {"sets": 3, "reps": 1, "format": "time", "duration": 45},
        "distance": {"sets": 5, "reps": 1, "format": "distance"},
    }
    session = p.backend.open_program(p.coach_id, p.strength).document.blocks[0].weeks[0].sessions[0]
    targets = [e.id for e in session.exercises[: len(formats)]]
    for row_id, config in zip(targets, formats.values(), strict=True):
        p.execute(
            "UPDATE session_exercises SET config = CAST(:c AS jsonb) WHERE id = :i",
            c=json.dumps(config),
            i=row_id,
        )

    opened = p.backend.open_program(p.coach_id, p.strength)
    reopened = {e.id: e for e in opened.document.blocks[0].weeks[0].sessions[0].exercises}
    for row_id, (name, config) in zip(targets, formats.items(), strict=True):
        reading = read_config(reopened[row_id].config, "standard")
        assert reading.kind is ExerciseKind.STANDARD, name
        assert reading.is_valid, (name, reading.issues)
        assert isinstance(reading.prescription, StandardPrescription)
        assert reading.prescription.variant == name
        assert reading.prescription.to_config() == config
