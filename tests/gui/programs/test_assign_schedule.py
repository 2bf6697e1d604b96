"""Assigning from a start day: the dialog asks for it (next Monday by default), shows the dates it
gives, warns of a student already following another program then, and dates the sessions."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.programs.assign_dialog import AssignDialog
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed, SessionSpec
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = [pytest.mark.gui, pytest.mark.db]

TODAY = date(2026, 3, 12)  # a Thursday
NEXT_MONDAY = date(2026, 3, 16)


def test_assign_from_a_start_day_with_an_overlap_warning(  # noqa: PLR0917 - pytest fixtures
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine, tmp_path: Path
) -> None:
    coach = seed.user("maya@example.org", role=m.Role.coach, first="Maya", last="Lind")
    alice = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach)
    bob = seed.user("bob@example.org", first="Bob", last="Ng", coach=coach)
    # Alice follows a dated program through the coming weeks.
    running = [
        [SessionSpec(f"W{w} S{s}", datetime(2026, 3, 2) + timedelta(weeks=w, days=2 * s))]
        for w in range(6)
        for s in range(1)
    ]
    seed.program(coach, "Strength base", [("Base", running)])
    seed.assign("Strength base", alice, coach)
    sessions = seed.program(
        coach,
        "Conditioning",
        [("Engine", [[SessionSpec("Intervals"), SessionSpec("Tempo"), SessionSpec("Long")]] * 1)],
    )
    program_id = seed.program_ids["Conditioning"]

    dialog = AssignDialog(backend, runner, coach, (program_id, "Conditioning"), today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.model.rowCount() == 2, timeout=10_000)

    assert dialog.start == NEXT_MONDAY
    assert dialog.start_edit.text() == "Mon 16 Mar 2026"
    qtbot.waitUntil(lambda: "dated from" in dialog.schedule_label.text(), timeout=10_000)
    assert dialog.schedule_label.text() == (
        "3 sessions, dated from Mon 16 Mar to Fri 20 Mar 2026 on the program's weekly pattern."
    )
    assert not dialog.warning_label.isVisible()

    dialog.set_checked(alice, True)
    qtbot.waitUntil(dialog.warning_label.isVisible, timeout=10_000)
    assert dialog.warning_label.text() == (
        "Alice Moreau already follows Strength base from 02 Mar to 06 Apr 2026."
    )
    shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(shots / "assign-dialog-start-date.png"))

    # From mid-April instead: no overlap any more.
    dialog.set_start(date(2026, 4, 13))
    qtbot.waitUntil(lambda: not dialog.warning_label.isVisible(), timeout=10_000)
    dialog.set_checked(bob, True)
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Assigned to" in dialog.message_label.text(), timeout=10_000)
    assert dialog.message_label.text().endswith("Sessions dated from Mon 13 Apr 2026.")

    with OrmSession(engine) as session:
        rows = session.scalars(select(m.Session).where(m.Session.id.in_(sessions)))
        dates = {s.id: s.date for s in rows}
    assert [dates[sid] for sid in sessions] == [
        datetime.combine(date(2026, 4, d), time(12, 0)) for d in (13, 15, 17)
    ]


def test_esc_after_ticking_a_student_asks_before_dropping_the_assignment(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    coach = seed.user("maya@example.org", role=m.Role.coach, first="Maya", last="Lind")
    bob = seed.user("bob@example.org", first="Bob", last="Ng", coach=coach)
    seed.program(coach, "Conditioning", [("Engine", [[SessionSpec("Intervals")]])])
    program_id = seed.program_ids["Conditioning"]

    def opened() -> AssignDialog:
        dialog = AssignDialog(backend, runner, coach, (program_id, "Conditioning"), today=TODAY)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.refresh()
        qtbot.waitUntil(lambda: not dialog.busy and dialog.model.rowCount() == 1, timeout=10_000)
        return dialog

    # Untouched: Esc closes at once.
    dialog = opened()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = opened()
    dialog.set_checked(bob, True)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == "Discard the assignment of Conditioning to Bob Ng, from Mon 16 Mar 2026?"
    assert asked.detail == "Nothing is assigned until you press Assign."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    assert dialog.checked_students() == [bob]

    # The Close button asks too; Discard closes and nothing is assigned.
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    answer_question(qtbot, dialog, DISCARD)
    assert not dialog.isVisible()
    with OrmSession(engine) as session:
        assert (
            session.scalars(
                select(m.ProgramAssignment).where(m.ProgramAssignment.program_id == program_id)
            ).all()
            == []
        )

    # A start day picked alone is named as such.
    dialog = opened()
    dialog.set_start(date(2026, 4, 13))
    dialog.close()
    asked = answer_question(qtbot, dialog, DISCARD)
    assert asked.text == "Discard the start day you picked (Mon 13 Apr 2026)?"
    assert not dialog.isVisible()
