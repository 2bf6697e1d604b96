"""The test the issue asks for: a refresh while the coach types keeps the text and the cursor
where they were, in a review comment and in the session note of the log form, while the rows
around them change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.students.progress_page import ProgressPage
from gbf_desktop.ui.students.review_queue import ReviewQueuePage
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.conftest import Seed

pytestmark = [pytest.mark.gui, pytest.mark.db]


@pytest.fixture
def demo_coach(demo_data: DemoLoader, engine: Engine) -> SignedInUser:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        return SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")


def _type_and_place_cursor(qtbot: QtBot, editor: QPlainTextEdit, text: str, back: int) -> int:
    editor.setFocus()
    qtbot.keyClicks(editor, text)
    for _ in range(back):
        qtbot.keyClick(editor, Qt.Key.Key_Left)
    return editor.textCursor().position()


def _assert_intact(editor: QPlainTextEdit, text: str, position: int) -> None:
    assert editor.toPlainText() == text
    assert editor.textCursor().position() == position
    assert editor.isEnabled()
    assert QApplication.focusWidget() is editor


def test_refresh_while_the_coach_types_a_review_comment_keeps_the_text_and_cursor(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    seed: Seed,
) -> None:
    page = ReviewQueuePage(backend, runner, demo_coach)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.live.refresh_now()
    page.table.selectRow(1)
    clip = page.current_clip()
    assert clip is not None
    text = "Good depth. Keep the bar over mid-foot"
    position = _type_and_place_cursor(qtbot, page.comment_edit, text, back=9)
    assert position == len(text) - 9

    # A student uploads a clip meanwhile: it arrives above the one being reviewed.
    seed.clip(clip.progress_id, 3_000_000)
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.live.refresh_now()

    assert page.model.rowCount() == 5
    _assert_intact(page.comment_edit, text, position)
    assert page.current_clip() == clip
    assert page.table.selectionModel().selectedRows()[0].row() == 2  # followed its row down
    qtbot.keyClicks(page.comment_edit, ",")
    assert page.comment_edit.toPlainText() == "Good depth. Keep the bar over, mid-foot"


def test_refresh_while_the_coach_types_the_log_forms_note_keeps_the_text_and_cursor(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser, engine: Engine
) -> None:
    student = next(r for r in backend.students(demo_coach.id) if r.name == "Aisha Okafor")
    page = ProgressPage(backend, runner, demo_coach)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.show_student(student.id, student.name)
    assert page.detail is not None
    session_id = page.detail.session_id
    dialog = page.open_log_dialog()
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.notes_edit.clear()
    text = "Coach entry: left knee sore on set three"
    position = _type_and_place_cursor(qtbot, dialog.notes_edit, text, back=5)
    dialog.notes_edit.moveCursor(QTextCursor.MoveOperation.Left)
    position -= 1

    # The student edits the same log on the web; the page's refresh sees it.
    with OrmSession(engine) as session:
        row = session.scalars(
            select(m.SessionProgress).where(
                m.SessionProgress.session_id == session_id,
                m.SessionProgress.student_id == student.id,
            )
        ).one()
        row.notes = "edited on the web"
        row.updated_at = row.updated_at.replace(year=row.updated_at.year + 1)
        session.commit()
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.live.refresh_now()

    _assert_intact(dialog.notes_edit, text, position)
    # The coach is warned before saving, and the form is left as it was.
    assert dialog.error_label.isVisible()
    assert "changed elsewhere" in dialog.error_label.text()
    assert dialog.reload_button.isVisible()
