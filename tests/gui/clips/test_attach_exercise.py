"""Attaching a clip to one exercise of a session, from the attach dialog.

The web links an upload to its exercise (frontend/app/workouts/[id]/page.tsx, handleVideoUpload):
the clip's id goes into the entry's `videos` and the row's. The dialog offers the session's
exercises, and the whole session as before.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.media import StoredClip
from gbf_desktop.ui.clips.attach import WHOLE_SESSION, AttachDialog
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.tasks import TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip
from tests.gui.conftest import Seed, SessionSpec
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = [pytest.mark.gui, pytest.mark.db, pytest.mark.ffmpeg]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> ReadyClip:
    path: Path = tmp_path_factory.mktemp("attach") / "set.mp4"
    encode_test_pattern(path, duration_s=1.0, label="set 2")
    return check_clip(path)


def test_a_clip_attached_to_an_exercise_is_linked_to_it(
    qtbot: QtBot,
    seed: Seed,
    engine: Engine,
    backend: Backend,
    *,
    runner: TaskRunner,
    clip: ReadyClip,
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach)
    (session,) = seed.program(coach, "Strength base", [("Base", [[SessionSpec("Squat day")]])])
    seed.assign("Strength base", student, coach)
    with OrmSession(engine) as s:
        names = ("Back Squat", "Romanian Deadlift")
        ids = []
        for position, name in enumerate(names):
            exercise = m.Exercise(
                id=m.new_id(), name=name, type=m.ExerciseType.standard, scope=m.Scope.global_
            )
            s.add(exercise)
            s.flush()
            ids.append(exercise.id)
            s.add(
                m.SessionExercise(
                    id=m.new_id(),
                    session_id=session,
                    exercise_id=exercise.id,
                    position=position,
                    config={"sets": 3, "reps": 5, "format": "standard"},
                )
            )
        s.commit()

    dialog = AttachDialog(backend, runner, coach, clip)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.session_count() == 1)
    dialog.select(student, session)
    qtbot.waitUntil(lambda: dialog.exercise_combo.count() == 3)
    assert [dialog.exercise_combo.itemText(i) for i in range(3)] == [
        WHOLE_SESSION,
        "1. Back Squat",
        "2. Romanian Deadlift",
    ]
    assert dialog.exercise_combo.isEnabled()
    dialog.select_exercise(ids[1])
    with qtbot.waitSignal(dialog.stored, timeout=20_000) as stored_signal:
        qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
    stored: StoredClip = stored_signal.args[0]

    with engine.connect() as conn:
        progress, videos = conn.execute(
            text("SELECT progress, videos FROM session_progress WHERE id = :i"),
            {"i": stored.progress_id},
        ).one()
    assert videos == [stored.media_id]
    assert [e["videos"] for e in progress["exercises"]] == [[], [stored.media_id]]


def test_the_dialog_opens_on_todays_session_grouped_by_program_and_week_newest_first(
    qtbot: QtBot,
    seed: Seed,
    backend: Backend,
    *,
    runner: TaskRunner,
    clip: ReadyClip,
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach)
    monday = datetime(2026, 3, 9, 12)
    weeks = [
        [
            SessionSpec(f"W{w + 1} Mon", monday + timedelta(weeks=w)),
            SessionSpec(f"W{w + 1} Thu", monday + timedelta(weeks=w, days=3)),
        ]
        for w in range(3)
    ]
    seed.program(coach, "Strength base", [("Base", weeks)])
    seed.assign("Strength base", student, coach)

    # Thursday of week 2.
    dialog = AttachDialog(backend, runner, coach, clip, today=date(2026, 3, 19))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.session_count() == 6)

    top = dialog.sessions.topLevelItem(0)
    assert top is not None
    assert top.text(0) == "Strength base"
    assert [top.child(i).text(0) for i in range(top.childCount())] == ["Week 3", "Week 2", "Week 1"]
    assert [row[0] for row in dialog.session_rows()] == [
        f"W{w} {d} · Week {w}" for w in (3, 2, 1) for d in ("Mon", "Thu")
    ]
    chosen = dialog.selected_session()
    assert chosen is not None
    assert chosen.session_title == "W2 Thu"

    # On a day without a session: the nearest one (the earlier of two as near).
    other = AttachDialog(backend, runner, coach, clip, today=date(2026, 3, 14))
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: not other.loading and other.session_count() == 6)
    nearest = other.selected_session()
    assert nearest is not None
    assert nearest.session_title == "W1 Thu"


def test_esc_after_picking_another_session_asks_before_dropping_the_pick(
    qtbot: QtBot,
    seed: Seed,
    engine: Engine,
    backend: Backend,
    *,
    runner: TaskRunner,
    clip: ReadyClip,
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach)
    monday = datetime(2026, 3, 9, 12)
    mon, thu = seed.program(
        coach,
        "Strength base",
        [("Base", [[SessionSpec("Mon", monday), SessionSpec("Thu", monday + timedelta(3))]])],
    )
    seed.assign("Strength base", student, coach)
    with OrmSession(engine) as s:
        squat = m.Exercise(
            id=m.new_id(), name="Back Squat", type=m.ExerciseType.standard, scope=m.Scope.global_
        )
        s.add(squat)
        s.flush()
        config = {"sets": 3, "reps": 5, "format": "standard"}
        s.add(
            m.SessionExercise(
                id=m.new_id(), session_id=mon, exercise_id=squat.id, position=0, config=config
            )
        )
        s.commit()

    def opened() -> AttachDialog:
        dialog = AttachDialog(backend, runner, coach, clip, today=monday.date())
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: not dialog.loading and dialog.session_count() == 2)
        # The dialog picks the session's first exercise by itself: that is no change either.
        qtbot.waitUntil(lambda: dialog.exercise_combo.count() == 2)
        assert dialog.exercise_combo.currentText() == "1. Back Squat"
        return dialog

    # Untouched: Esc closes at once.
    dialog = opened()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = opened()
    dialog.select(student, thu)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == "Discard the session you picked for this clip (Thu · Week 1)?"
    assert asked.detail == "The clip is not stored yet."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    chosen = dialog.selected_session()
    assert chosen is not None
    assert chosen.session_id == thu

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    answer_question(qtbot, dialog, DISCARD)
    assert not dialog.isVisible()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM exercise_media")).scalar_one() == 0
