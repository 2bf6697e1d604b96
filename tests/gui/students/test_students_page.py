"""The Students area on the demo data: the table's figures are the service's, search filters on
screen, a student opens on their progress, and the screenshots of the page and a session.

Screenshots go to pytest's tmp_path, or to $GBF_SCREENSHOT_DIR when set:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest tests/gui/students/test_students_page.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.students.students_page import (
    ATTENTION_TEXT,
    COMPLIANCE_ROLE,
    Column,
    StudentsPage,
    StudentsTab,
)
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]

SIZE = QSize(1280, 800)
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_coach(demo_data: DemoLoader, engine: Engine) -> SignedInUser:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        return SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")


def _save(widget: QWidget, path: Path) -> None:
    assert widget.grab().save(str(path)), f"could not write {path}"


def _shown(page: StudentsPage) -> dict[str, dict[Column, str]]:
    view = page.list_page.table.model()
    return {
        view.index(r, Column.STUDENT).data(DISPLAY): {
            c: view.index(r, c).data(DISPLAY) for c in Column
        }
        for r in range(view.rowCount())
    }


def _page(qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser) -> StudentsPage:
    page = StudentsPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    with qtbot.waitSignal(page.list_page.live.loaded, timeout=10_000):
        page.start()
    return page


def test_the_table_shows_each_students_activity_compliance_and_attention(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser
) -> None:
    expected = backend.students(demo_coach.id)
    page = _page(qtbot, backend, runner, demo_coach)
    shown = _shown(page)
    assert sorted(shown) == sorted(r.name for r in expected)
    for row in expected:
        cells = shown[row.name]
        for column, days in ((Column.WEEK, 7), (Column.MONTH, 30), (Column.QUARTER, 90)):
            percent = row.compliance_over(days).percent
            assert cells[column] == ("—" if percent is None else f"{percent:.0f} %")
        assert cells[Column.ATTENTION] == (ATTENTION_TEXT if row.attention else "")

    # Malik: no activity for days and a compliance drop, both in the mark's tooltip; the bar
    # gets the counts behind the percentage.
    model = page.list_page.model
    malik = model.row_of(next(r.id for r in expected if r.name == "Malik Haddad"))
    tip = model.index(malik, Column.ATTENTION).data(Qt.ItemDataRole.ToolTipRole)
    assert "No activity for" in tip
    assert "Compliance fell from" in tip
    row = expected[malik]
    month = row.compliance_over(30)
    assert model.index(malik, Column.MONTH).data(COMPLIANCE_ROLE) == (month.done, month.due)


def test_search_filters_by_name_or_email_and_keeps_the_selection_across_a_refresh(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser
) -> None:
    page = _page(qtbot, backend, runner, demo_coach)
    qtbot.keyClicks(page.list_page.search_edit, "jon")
    assert list(_shown(page)) == ["Jonas Becker"]
    page.list_page.search_edit.clear()
    qtbot.keyClicks(page.list_page.search_edit, "SOFIA.marquez@")
    assert list(_shown(page)) == ["Sofía Márquez"]
    page.list_page.search_edit.clear()
    assert len(_shown(page)) == 6

    sofia = page.list_page.model.rows[
        page.list_page.model.row_of(
            next(r.id for r in page.list_page.model.rows if r.name == "Sofía Márquez")
        )
    ]
    page.list_page.select_student(sofia.id)
    with qtbot.waitSignal(page.list_page.live.loaded, timeout=10_000):
        page.refresh()
    selected = page.list_page.selected_student()
    assert selected is not None
    assert selected.id == sofia.id


def test_opening_a_student_shows_their_progress_and_back_returns(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser
) -> None:
    page = _page(qtbot, backend, runner, demo_coach)
    view = page.list_page.table
    row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data(DISPLAY) == "Aisha Okafor"
    )
    where = view.visualRect(view.model().index(row, 0)).center()
    # A double click is a press, a release, then the double-click event, as a mouse sends it.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(page.progress_page.live.loaded, timeout=10_000):
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert page.stack.currentWidget() is page.progress_page
    assert page.progress_page.name_label.text() == "Aisha Okafor"
    assert page.progress_page.detail is not None  # the last logged session opens first
    qtbot.mouseClick(page.progress_page.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_page


def test_students_and_session_screenshots(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser, shots: Path
) -> None:
    window = MainWindow(backend, runner, demo_coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    page = window.students
    with qtbot.waitSignal(page.list_page.live.loaded, timeout=10_000):
        window.show_area(Area.STUDENTS)
    qtbot.waitUntil(lambda: not page.list_page.live.busy, timeout=10_000)
    page.list_page.select_student(page.list_page.model.rows[2].id)
    _save(window, shots / "students.png")

    # The session with the most to see: marks of both kinds, on a student who trains messily.
    rows = backend.students(demo_coach.id)
    best: tuple[int, str, str, str] | None = None
    for row in rows:
        progress = backend.student_progress(demo_coach.id, row.id)
        for session_id in progress.logs:
            detail = progress.session(session_id)
            if detail.session is None:
                continue
            flags = [f for e in detail.exercises for f in e.flags]
            kinds = {e.prescription.kind for e in detail.exercises if e.prescription}
            score = len(set(flags)) * 100 + len(kinds) * 10 + min(len(flags), 9)
            score += 1000 if detail.status.disagrees else 0
            if best is None or score > best[0]:
                best = (score, row.id, row.name, session_id)
    assert best is not None
    _, student_id, name, session_id = best
    with qtbot.waitSignal(page.progress_page.live.loaded, timeout=10_000):
        page.open_student(student_id, name)
    assert page.progress_page.select_session(session_id)
    _save(window, shots / "session_ghost_rows.png")

    page.tabs.setCurrentIndex(StudentsTab.REVIEW)
    qtbot.waitUntil(lambda: page.review_queue.model.rowCount() > 0, timeout=10_000)
    page.review_queue.table.selectRow(0)
    details = page.review_queue.details_label
    # The panel's layout settles on the next pass of the event loop, as it would on screen.
    qtbot.waitUntil(lambda: details.height() >= details.sizeHint().height())
    _save(window, shots / "review_queue.png")

    window.show_area(Area.DASHBOARD)
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
    _save(window, shots / "dashboard_review.png")


# The demo trains on Mondays, Wednesdays and Fridays: a Monday has sessions, a Tuesday none.
MONDAY = date(2026, 3, 9)
TUESDAY = date(2026, 3, 10)


@pytest.mark.parametrize("today", [MONDAY, TUESDAY], ids=["monday", "tuesday"])
def test_the_dashboard_lists_who_needs_attention_clips_and_today_and_opens_a_student(  # noqa: PLR0917 - pytest fixtures
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_data: DemoLoader,
    engine: Engine,
    today: date,
) -> None:
    demo_data(today=today)
    backend = replace(backend, today=lambda: today)
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        demo_coach = SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")
    view = backend.dashboard(demo_coach.id)
    window = MainWindow(backend, runner, demo_coach)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: not dashboard.loading, timeout=10_000)
    attention = dashboard.attention_panel
    assert attention.title_label.text() == f"Needs attention ({len(view.needs_attention)})"
    assert [t.split(" · ")[0] for t in attention.texts()] == [r.name for r in view.needs_attention]
    review = dashboard.review_panel
    assert review.title_label.text() == f"Clips to review ({view.clips_to_review})"
    assert len(review.texts()) == len(view.newest_clips)
    today_texts = dashboard.today_panel.texts()
    if today == MONDAY:
        assert view.today_sessions, "the demo's Monday has sessions"
        assert len(today_texts) == len(view.today_sessions)
        assert all(
            row.student_name in text
            for row, text in zip(view.today_sessions, today_texts, strict=True)
        )
    else:
        assert not view.today_sessions
        assert today_texts == ["No session is planned for today."]

    first = view.needs_attention[0]
    progress = window.students.progress_page
    with qtbot.waitSignal(progress.live.loaded, timeout=10_000):
        attention.list.itemActivated.emit(attention.list.item(0))
    assert window.current_area is Area.STUDENTS
    assert progress.student_id == first.id
    assert progress.name_label.text() == first.name
