"""Assigning the open program from the builder: rows and notification as the web writes them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.programs.assign_dialog import ASSIGNMENT_ROLE, AssignDialog
from gbf_desktop.ui.programs.program_builder import ProgramBuilderPage
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import PASSWORD, Seed, SessionSpec

pytestmark = [pytest.mark.gui, pytest.mark.db]


def test_assign_and_unassign(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    coach_id = seed.user("maya@example.org", role=m.Role.coach, first="Maya", last="Lind")
    alice = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach_id)
    bob = seed.user("bob@example.org", first="Bob", last="Ng", coach=coach_id)
    chloe = seed.user("chloe@example.org", first="Chloe", last="Dubois", coach=coach_id)
    sessions = seed.program(coach_id, "Strength base", [("Base", [[SessionSpec("Squat day")]])])
    seed.assign("Strength base", alice, coach_id)
    seed.progress(sessions[0], alice, status="completed")
    coach: SignedInUser = backend.sign_in("maya@example.org", PASSWORD)

    page = ProgramBuilderPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.busy and page.programs_model.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(page.programs_model.summary(0).id)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)

    qtbot.mouseClick(page.assign_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, AssignDialog)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.model.rowCount() == 3, timeout=10_000)
    shown = {dialog.model.item(r).text(): dialog.model.item(r) for r in range(3)}
    alice_row = next(item for text, item in shown.items() if text.startswith("Alice"))
    # Alice already has it: shown ticked, with the date, and not tickable again.
    assert "assigned" in alice_row.text()
    assert alice_row.checkState() == Qt.CheckState.Checked
    assert not alice_row.isCheckable()
    assert dialog.message_label.text() == "1 of your 3 students have this program."
    assert not dialog.assign_button.isEnabled()

    dialog.set_checked(bob, True)
    dialog.set_checked(chloe, True)
    assert dialog.assign_button.isEnabled()
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message_label.text().startswith("Assigned"), timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    # Dated from the default start: the coming Monday.
    assert dialog.message_label.text().startswith(
        "Assigned to Bob Ng, Chloe Dubois. Sessions dated from Mon "
    )

    program_id = page.editor.document.id
    with OrmSession(engine) as s:
        assignments = s.scalars(
            select(m.ProgramAssignment).where(m.ProgramAssignment.program_id == program_id)
        ).all()
        notes = s.scalars(
            select(m.Notification).where(m.Notification.user_id.in_([bob, chloe]))
        ).all()
    assert sorted(a.student_id for a in assignments) == sorted([alice, bob, chloe])
    assert all(a.assigned_by == coach_id for a in assignments if a.student_id != alice)
    assert len(notes) == 2
    for note in notes:
        assert note.type == "assignment"
        payload = note.payload
        assert isinstance(payload, dict)
        assert set(payload) == {"assignmentId", "programTitle", "coachPseudo", "assignedAt"}
        assert payload["programTitle"] == "Strength base"
        assert payload["coachPseudo"] == "maya"
        assert payload["assignmentId"] in {a.id for a in assignments}
    rows = [dialog.model.item(r) for r in range(dialog.model.rowCount())]
    assert all(item.data(ASSIGNMENT_ROLE) is not None for item in rows)

    # Unassign Alice, who logged a session: the confirmation says her logs stay.
    dialog.select_student(alice)
    assert dialog.unassign_button.isEnabled()
    qtbot.mouseClick(dialog.unassign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirm_box is not None, timeout=10_000)
    box = dialog.confirm_box
    assert box is not None
    assert "Alice Moreau logged 1 session of Strength base" in box.informativeText()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: dialog.message_label.text().startswith("Unassigned"), timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    with OrmSession(engine) as s:
        left = s.scalars(
            select(m.ProgramAssignment.student_id).where(
                m.ProgramAssignment.program_id == program_id
            )
        ).all()
        logs = s.scalars(
            select(m.SessionProgress.id).where(m.SessionProgress.student_id == alice)
        ).all()
    assert sorted(left) == sorted([bob, chloe])
    assert len(logs) == 1
    dialog.reject()
