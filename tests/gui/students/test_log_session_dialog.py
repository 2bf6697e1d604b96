"""The log-a-session dialog as a coach sees it: every number box wide enough to show its value."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gbf_desktop.domain.review import session_status
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.review import TimelineSession
from gbf_desktop.ui.students.log_session_dialog import LogSessionDialog
from gbf_desktop.ui.students.progress_page import session_detail_text
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed
from tests.gui.questions import DISCARD, KEEP, answer_question
from tests.gui.students.test_progress_page import messy_student, open_page

pytestmark = [pytest.mark.gui, pytest.mark.db]


def _boxes(dialog: LogSessionDialog) -> list[QAbstractSpinBox]:
    return [box for box in dialog.findChildren(QAbstractSpinBox) if box.isVisible()]


def _shown_text_fits(box: QAbstractSpinBox) -> bool:
    """Whether the text the box shows fits in the part of it the user can read."""
    edit = box.lineEdit()
    text = edit.text()
    return edit.contentsRect().width() >= edit.fontMetrics().horizontalAdvance(text) + 2


@pytest.mark.parametrize("day", ["heavy", "light"])
def test_every_number_box_shows_its_value(  # noqa: PLR0917 - pytest fixtures
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    seed: Seed,
    engine: Engine,
    day: str,
    tmp_path: Path,
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.heavy_day if day == "heavy" else rows.light_day)
    dialog = page.open_log_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)

    boxes = _boxes(dialog)
    assert len(boxes) > 5
    shown = [box.lineEdit().text() for box in boxes]
    assert any(text not in ("", "\N{EN DASH}") for text in shown), "prefilled values are shown"
    for box in boxes:
        assert box.width() >= 48, f"{box.objectName() or box} is {box.width()} px wide"
        assert box.lineEdit().width() >= 30
        assert _shown_text_fits(box), f"{box.lineEdit().text()!r} does not fit in {box.width()} px"

    # A value typed in is shown whole too.
    first = boxes[0]
    first.lineEdit().selectAll()
    qtbot.keyClicks(first.lineEdit(), "245")
    assert first.lineEdit().text() == "245"
    assert _shown_text_fits(first)

    if day == "heavy":
        # Looked at by a person: $GBF_SCREENSHOT_DIR keeps it (see tests/gui/app/test_screenshots).
        shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(shots / "log-dialog-with-values.png"))


def test_esc_with_typed_figures_asks_first_and_the_performed_day_is_saved(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.light_day)
    dialog = page.open_log_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.performed_edit.isVisible()
    assert dialog.entered_by_label.text() == "Entered by you, on the student's behalf"

    # Untouched: Esc closes at once.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = page.open_log_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    box = dialog.forms[1].set_fields[0][0]
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "9")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == "Discard the log you entered for Light day (Rita Sousa)?"
    assert asked.detail == "Its figures and notes are not saved."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible(), "keeping on editing keeps the dialog and the figure"
    assert box.lineEdit().text() == "9"

    # The window's close button asks the same; Discard closes and writes nothing.
    before = backend.student_progress(rows.coach.id, rows.student_id).logs.get(rows.light_day)
    dialog.close()
    assert answer_question(qtbot, dialog, DISCARD).text == asked.text
    assert not dialog.isVisible()
    after = backend.student_progress(rows.coach.id, rows.student_id).logs.get(rows.light_day)
    assert after == before

    dialog = page.open_log_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    box = dialog.forms[1].set_fields[0][0]
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "9")

    # Two days ago, then save: the timeline says a coach entered it, on that day.
    performed = datetime.now(UTC).date() - timedelta(days=2)
    dialog.performed_edit.setDate(QDate(performed.year, performed.month, performed.day))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    progress = backend.student_progress(rows.coach.id, rows.student_id)
    session = next(s for p in progress.programs for s in p.sessions if s.id == rows.light_day)
    assert session.entered_by_coach
    assert session.performed_on == performed


def test_the_timeline_says_entered_by_coach() -> None:
    base = TimelineSession(
        id="s",
        title="Heavy day",
        notes=None,
        session_date=None,
        due=date(2026, 3, 9),
        position=0,
        status=session_status("completed", {"exercises": [{"status": "completed"}]}),
        is_due=True,
        progress_id="p",
        updated_at=datetime(2026, 3, 10),
    )
    assert "entered by coach" not in session_detail_text(base)
    coach_entered = replace(base, entered_by="coach-1", performed_on=date(2026, 3, 9))
    assert session_detail_text(coach_entered) == "entered by coach, performed 09 Mar"


def test_a_web_change_that_keeps_updated_at_is_noticed_before_saving(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    """The web's older completeSession changes `progress` and leaves `updatedAt`: the open
    dialog compares the content too, and says so on the next refresh."""
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.heavy_day)
    dialog = page.open_log_dialog()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.notice_newer(backend.student_progress(rows.coach.id, rows.student_id))
    assert not dialog.error_label.isVisible()

    with engine.begin() as conn:
        conn.execute(
            text(
                """UPDATE session_progress SET progress = progress || '{"completed": true}'
                   WHERE id = :i"""
            ),
            {"i": rows.heavy_progress_id},
        )
    dialog.notice_newer(backend.student_progress(rows.coach.id, rows.student_id))

    assert dialog.error_label.isVisible()
    assert "changed elsewhere" in dialog.error_label.text()
    assert dialog.reload_button.isVisible()
