"""Rows in the web's shapes, opened and saved by the desktop.

Web rules (Baptiste0103/GoBeyondFit): its builders write config formats standard, EMOM, AMRAP,
circuit (frontend/components/program-builder-advanced.tsx), for-time and minute-labelled
durations (frontend/app/dashboard/programs/[id]/page.tsx), time and distance; older builders saved
reps as text; backend/src/workouts/workout.service.ts wrote `progress.completed`, `completedAt`
and `progress.sets[]`. Opened and saved unchanged, such rows stay byte for byte as they were;
opened and edited, they keep every key they had.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.exercise_types import SetResult, StandardResult, read_config
from gbf_desktop.services.logging_on_behalf import ExerciseLog
from tests.platform.conftest import Platform

WEB_CONFIGS: list[dict[str, Any]] = [
    {"sets": 3, "reps": 10, "format": "standard", "weight": 60, "notes": "Pause at the bottom"},
    {"sets": 1, "reps": 12, "format": "EMOM", "duration": 10},  # minutes, programs page
    {"sets": 1, "reps": 50, "format": "AMRAP", "duration": 600, "rpe": 8},
    {"sets": 4, "reps": 20, "format": "circuit", "rest": 90},
    {"sets": 1, "reps": 100, "format": "for-time", "duration": 15},
    {"sets": 3, "reps": 1, "format": "time", "duration": 45},
    {"sets": 5, "reps": 1, "format": "distance"},
    {"sets": "4", "reps": "8-12", "format": "standard", "superset": "A1", "weight": "70"},
    {"sets": 3, "reps": 5, "format": "amrap"},  # the "my exercises" page's lower case
]


def _web_session(p: Platform) -> tuple[str, list[str]]:
    """The first session of the strength program, its exercises replaced by web-shaped ones."""
    opened = p.backend.open_program(p.coach_id, p.strength)
    session = opened.document.blocks[0].weeks[0].sessions[0]
    exercise_id = session.exercises[0].exercise_id
    p.execute('DELETE FROM session_exercises WHERE "sessionId" = :s', s=session.id)
    ids = []
    for position, config in enumerate(WEB_CONFIGS):
        row_id = str(uuid.uuid4())
        ids.append(row_id)
        p.execute(
            """INSERT INTO session_exercises (id, "sessionId", "exerciseId", config, position)
               VALUES (:i, :s, :e, CAST(:c AS jsonb), :n)""",
            i=row_id,
            s=session.id,
            e=exercise_id,
            c=json.dumps(config),
            n=position,
        )
    return session.id, ids


def _configs(p: Platform, ids: list[str]) -> list[str]:
    return [
        p.scalar("SELECT config::text || xmin::text FROM session_exercises WHERE id = :i", i=i)
        for i in ids
    ]


def test_web_configs_opened_and_saved_unchanged_stay_byte_identical(platform: Platform) -> None:
    p = platform
    _, ids = _web_session(p)
    before = _configs(p, ids)
    opened = p.backend.open_program(p.coach_id, p.strength)

    saved = p.backend.save_program(p.coach_id, opened, opened.document)
    assert not saved.wrote_anything
    # A save of something else in the program does not touch them either.
    renamed = replace(opened.document, description="Edited on the desktop")
    p.backend.save_program(p.coach_id, opened, renamed)

    assert _configs(p, ids) == before  # text and row version: not even rewritten


def test_web_configs_edited_keep_every_key(platform: Platform) -> None:
    p = platform
    session_id, ids = _web_session(p)
    opened = p.backend.open_program(p.coach_id, p.strength)
    address = pe.flatten(opened.document)[session_id].address
    doc = opened.document
    for index in range(len(WEB_CONFIGS)):
        node = pe.node_at(doc, (*address, index))
        assert isinstance(node, pe.ExerciseDoc)
        reading = read_config(node.config, "standard")
        edited = replace(reading.prescription, notes="Checked by coach").to_config()
        doc = pe.replace_node(doc, (*address, index), replace(node, config=edited))

    p.backend.save_program(p.coach_id, opened, doc)

    for row_id, original in zip(ids, WEB_CONFIGS, strict=True):
        stored = p.scalar("SELECT config FROM session_exercises WHERE id = :i", i=row_id)
        assert set(original) <= set(stored), (original, stored)
        assert stored["notes"] == "Checked by coach"
        assert stored["format"].lower() == str(original["format"]).lower()


def test_a_legacy_log_read_is_not_written_and_edited_keeps_every_key(platform: Platform) -> None:
    p = platform
    row = p.rows(
        """SELECT sp.id, sp."sessionId", sp."studentId", sp.progress FROM session_progress sp
           WHERE jsonb_array_length(sp.progress->'exercises') >= 2 ORDER BY sp.id LIMIT 1"""
    )[0]
    progress_id, session_id, student_id, progress = row
    legacy = {
        **progress,
        "completed": True,
        "completedAt": "2026-03-01T18:00:00.000Z",
        "sets": [{"weight": 50, "reps": 10}],
        "clientBuild": "web-1.9",
    }
    p.execute(
        "UPDATE session_progress SET progress = CAST(:g AS jsonb) WHERE id = :i",
        g=json.dumps(legacy),
        i=progress_id,
    )
    version = p.scalar(
        "SELECT progress::text || xmin::text FROM session_progress WHERE id = :i", i=progress_id
    )

    # Reading it (timeline, session, charts) writes nothing.
    loaded = p.backend.student_progress(p.coach_id, student_id)
    loaded.session(session_id)
    loaded.exercise_series()
    assert (
        p.scalar(
            "SELECT progress::text || xmin::text FROM session_progress WHERE id = :i", i=progress_id
        )
        == version
    )

    # Logging one exercise on the student's behalf keeps every key of the row and the other
    # entries as they were.
    item = loaded.planned[session_id][0]
    log = loaded.logs[session_id]
    result = StandardResult(sets=(SetResult(5, 80),)) if item.library_type == "standard" else None
    p.backend.log_session(
        p.coach_id,
        student_id,
        session_id,
        [ExerciseLog(item.exercise_id, item.position, "completed", result)],
        expected_updated_at=log.updated_at,
        expected_fingerprint=log.fingerprint,
    )
    after = p.scalar("SELECT progress FROM session_progress WHERE id = :i", i=progress_id)
    assert set(legacy) <= set(after)
    for key in ("completed", "completedAt", "sets", "clientBuild"):
        assert after[key] == legacy[key]
    others = [e for e in legacy["exercises"] if e["exerciseId"] != item.exercise_id]
    for entry in others:
        assert entry in after["exercises"]
