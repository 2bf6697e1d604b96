"""The dashboard on the demo data, at 1366x768 and 1920x1080: numbers a coach can trust.

Sessions done are one program's (never a sum over programs), a next session dated before today
says how late it is, this week's sessions are listed, and nothing key is cut off.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.ui.dashboard.dashboard import Column, DashboardState
from gbf_desktop.ui.kit.delegates import DETAIL_ROLE
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]


@pytest.fixture
def demo_coach(demo_data: DemoLoader, engine: Engine) -> SignedInUser:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        return SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")


@pytest.mark.parametrize("size", [QSize(1366, 768), QSize(1920, 1080)], ids=["1366", "1920"])
def test_the_demo_dashboard_counts_per_program_and_marks_overdue_sessions(  # noqa: PLR0917
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    size: QSize,
    tmp_path: Path,
) -> None:
    view = backend.dashboard(demo_coach.id)
    window = MainWindow(backend, runner, demo_coach)
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    page = window.dashboard
    qtbot.waitUntil(lambda: page.state is DashboardState.TABLE, timeout=10_000)

    model = page.table.model()
    by_name = {r.student_name: r for r in view.students}
    longest = max(r.sessions_total for r in view.students)
    for row in range(model.rowCount()):
        name = model.index(row, Column.STUDENT).data(Qt.ItemDataRole.DisplayRole)
        student = by_name[name]
        done = model.index(row, Column.PROGRESS).data(Qt.ItemDataRole.DisplayRole)
        if student.sessions_total:
            assert done == f"{student.sessions_done} / {student.sessions_total}"
            # One program's sessions: never more than the longest program has.
            assert student.sessions_total <= longest
        detail = model.index(row, Column.NEXT_SESSION).data(DETAIL_ROLE) or ""
        assert ("overdue" in detail) == student.overdue, name
    assert any(r.overdue for r in view.students), "the demo has a student behind schedule"
    assert any(r.programs > 1 for r in view.students), "and one following two programs"

    week = page.week_panel
    assert week.isVisible()
    if view.week_sessions:
        assert len(week.texts()) == len(view.week_sessions)
    else:
        assert week.texts() == ["No session is planned this week."]
    # Panel titles and lines are never cut off: a line wraps within its item's rectangle.
    for panel in (page.attention_panel, page.review_panel, page.today_panel, week):
        title = panel.title_label
        assert title.width() >= title.fontMetrics().horizontalAdvance(title.text())
        lines = panel.list
        for i in range(lines.count()):
            item = lines.item(i)
            rect = lines.visualItemRect(item)
            needed = lines.fontMetrics().boundingRect(
                0, 0, rect.width(), 10_000, int(Qt.TextFlag.TextWordWrap), item.text()
            )
            assert needed.height() <= rect.height(), f"{item.text()!r} is cut off"

    shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shots / f"dashboard-demo-{size.width()}.png"))
