"""The Dashboard page against the real database: next sessions, clip figures, states, refresh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gbf_desktop.db import models as m
from gbf_desktop.db.engine import build_engine
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.ports import UnitOfWork
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.dashboard.dashboard import Column, DashboardPage, DashboardState
from gbf_desktop.ui.kit.delegates import DETAIL_ROLE
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed, SessionSpec, day

pytestmark = [pytest.mark.gui, pytest.mark.db]


def _coach(seed: Seed, email: str = "coach@example.org") -> SignedInUser:
    coach_id = seed.user(email, role=m.Role.coach, first="Maya", last="Lind")
    return SignedInUser(id=coach_id, email=email, display_name="Maya Lind", role="coach")


def _page(qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser) -> DashboardPage:
    page = DashboardPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def _loaded(qtbot: QtBot, page: DashboardPage) -> None:
    page.refresh()
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)


def _rows(page: DashboardPage) -> dict[str, dict[Column, tuple[str, str]]]:
    """What the table shows, by student name: each cell's line and the smaller line under it,
    read through the view's own (sorted) model."""
    model = page.table.model()
    shown: dict[str, dict[Column, tuple[str, str]]] = {}
    for r in range(model.rowCount()):
        cells = {
            c: (
                model.index(r, c).data(Qt.ItemDataRole.DisplayRole),
                model.index(r, c).data(DETAIL_ROLE),
            )
            for c in Column
        }
        shown[cells[Column.STUDENT][0]] = cells
    return shown


def _three_sessions(seed: Seed, coach_id: str) -> list[str]:
    return seed.program(
        coach_id,
        "Strength base",
        [
            (
                "Foundation",
                [
                    [
                        SessionSpec("Lower body", day(0)),
                        SessionSpec("Upper body", day(2)),
                        SessionSpec("Full body", day(4)),
                    ]
                ],
            )
        ],
    )


def test_each_student_shows_their_next_session_and_the_clip_figures(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach = _coach(seed)
    lower, upper, full = _three_sessions(seed, coach.id)

    alice = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach.id)
    seed.assign("Strength base", alice, coach.id)
    done = seed.progress(lower, alice, status="completed", exercises=["completed", "skipped"])

    # The platform marks a session completed as soon as one exercise is: Bob is not done.
    bob = seed.user("bob@example.org", first="Bob", last="Ng", coach=coach.id)
    seed.assign("Strength base", bob, coach.id)
    half = seed.progress(lower, bob, status="completed", exercises=["completed", "in_progress"])

    seed.user("chloe@example.org", first="Chloe", last="Dubois", coach=coach.id)

    dan = seed.user("dan@example.org", first="Dan", last="Ito", coach=coach.id)
    seed.assign("Strength base", dan, coach.id)
    for session in (lower, upper, full):
        seed.progress(session, dan, status="completed", exercises=["completed"])

    seed.clip(done, 4_000_000)
    seed.clip(half, 8_400_000)

    # Another coach's student and clip must not show up here.
    other = seed.user("other-coach@example.org", role=m.Role.coach)
    stranger = seed.user("eve@example.org", first="Eve", last="Stone", coach=other)
    seed.assign("Strength base", stranger, coach.id)
    seed.clip(seed.progress(lower, stranger, status="completed"), 9_900_000)

    page = _page(qtbot, backend, runner, coach)
    _loaded(qtbot, page)

    assert page.state is DashboardState.TABLE
    rows = _rows(page)
    assert list(rows) == ["Alice Moreau", "Bob Ng", "Chloe Dubois", "Dan Ito"]

    alice = rows["Alice Moreau"]
    assert alice[Column.STUDENT] == ("Alice Moreau", "alice@example.org")
    assert alice[Column.PROGRAM] == ("Strength base", "Foundation · Week 1")
    # Planned in May 2025, not done since: the date says how late it is.
    assert alice[Column.NEXT_SESSION][0] == "Upper body"
    assert alice[Column.NEXT_SESSION][1].startswith("Wed 14 May 2025 · ")
    assert alice[Column.NEXT_SESSION][1].endswith(" weeks overdue")
    assert alice[Column.PROGRESS] == ("1 / 3", "")

    assert rows["Bob Ng"][Column.NEXT_SESSION][0] == "Lower body"
    assert rows["Bob Ng"][Column.NEXT_SESSION][1].startswith("Mon 12 May 2025 · ")
    assert rows["Bob Ng"][Column.PROGRESS] == ("0 / 3", "")

    assert rows["Chloe Dubois"][Column.PROGRAM] == ("No program assigned", "")
    assert rows["Chloe Dubois"][Column.NEXT_SESSION] == ("—", "")
    assert rows["Chloe Dubois"][Column.PROGRESS] == ("—", "")

    assert rows["Dan Ito"][Column.PROGRAM] == ("All sessions complete", "")
    assert rows["Dan Ito"][Column.NEXT_SESSION] == ("—", "")
    assert rows["Dan Ito"][Column.PROGRESS] == ("3 / 3", "")

    assert page.students_card.value_label.text() == "4"
    assert page.students_card.detail_label.text() == "1 without a program"
    assert page.clips_card.value_label.text() == "2"
    assert page.storage_card.value_label.text() == "12.4 MB"
    assert page.largest_card.value_label.text() == "8.4 MB"


def test_the_table_sorts_by_progress_and_by_next_session(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach = _coach(seed)
    lower, upper, _full = _three_sessions(seed, coach.id)
    ahead = seed.user("ahead@example.org", first="Zoe", last="Ahead", coach=coach.id)
    behind = seed.user("behind@example.org", first="Adam", last="Behind", coach=coach.id)
    seed.user("none@example.org", first="Nina", last="None", coach=coach.id)
    for student in (ahead, behind):
        seed.assign("Strength base", student, coach.id)
    for session in (lower, upper):
        seed.progress(session, ahead, status="completed")

    page = _page(qtbot, backend, runner, coach)
    _loaded(qtbot, page)

    page.table.sortByColumn(Column.PROGRESS, Qt.SortOrder.DescendingOrder)
    assert list(_rows(page)) == ["Zoe Ahead", "Adam Behind", "Nina None"]
    page.table.sortByColumn(Column.NEXT_SESSION, Qt.SortOrder.AscendingOrder)
    # Soonest first; a student with nothing planned last.
    assert list(_rows(page)) == ["Adam Behind", "Zoe Ahead", "Nina None"]


def test_a_coach_without_students_sees_the_empty_state(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    page = _page(qtbot, backend, runner, _coach(seed))
    _loaded(qtbot, page)

    assert page.state is DashboardState.EMPTY
    assert page.empty_label.isVisible()
    assert page.empty_label.text().startswith("You have no students yet.")
    assert page.clips_card.value_label.text() == "0"
    assert page.storage_card.value_label.text() == "0 B"
    assert page.largest_card.value_label.text() == "—"


def test_an_error_shows_the_message_and_retry_loads_the_table(
    qtbot: QtBot, engine: Engine, runner: TaskRunner, seed: Seed
) -> None:
    coach = _coach(seed)
    seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach.id)
    down = build_engine("postgresql://x:secret@127.0.0.1:1/x")
    # The server is down at first, then back: the factory a unit of work comes from switches.
    current = [down]

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(uow_factory(current[0]))

    page = _page(qtbot, Backend(unit_of_work, "test database"), runner, coach)
    try:
        _loaded(qtbot, page)
        assert page.state is DashboardState.ERROR
        message = page.error_label.text()
        assert message.startswith(
            "Nothing accepts database connections at 127.0.0.1:1 (postgresql://x:***@127.0.0.1:1/x)."
        )
        assert "secret" not in message
        assert page.retry_button.isVisible()

        current[0] = engine
        qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.state is DashboardState.TABLE, timeout=10_000)
        assert list(_rows(page)) == ["Alice Moreau"]
    finally:
        down.dispose()


def test_f5_in_the_main_window_refreshes_the_dashboard(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach = _coach(seed)
    seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach.id)
    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard.state is DashboardState.TABLE, timeout=10_000)
    assert list(_rows(window.dashboard)) == ["Alice Moreau"]

    seed.user("bob@example.org", first="Bob", last="Ng", coach=coach.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.navigation, Qt.Key.Key_F5)

    qtbot.waitUntil(lambda: list(_rows(window.dashboard)) == ["Alice Moreau", "Bob Ng"])


def test_f5_during_a_load_is_kept_and_loads_again_when_it_ends(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach = _coach(seed)
    seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach.id)
    page = _page(qtbot, backend, runner, coach)
    loads: list[bool] = []
    page.load_finished.connect(lambda: loads.append(True))

    page.refresh()
    assert page.loading
    # A student the first load may already have missed; the F5 pressed meanwhile must see them.
    seed.user("bob@example.org", first="Bob", last="Ng", coach=coach.id)
    page.refresh_action.trigger()

    qtbot.waitUntil(lambda: len(loads) == 2 and not page.loading, timeout=10_000)
    assert list(_rows(page)) == ["Alice Moreau", "Bob Ng"]


def test_each_area_of_the_navigation_shows_its_page(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    window = MainWindow(backend, runner, _coach(seed))
    qtbot.addWidget(window)
    window.show()
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == [
        "Dashboard",
        "Exercises",
        "Programs",
        "Students",
        "Clips",
    ]
    pages = {
        Area.DASHBOARD: window.dashboard,
        Area.EXERCISES: window.library,
        Area.PROGRAMS: window.programs,
        Area.STUDENTS: window.students,
        Area.CLIPS: window.clips,
    }
    for area, page in pages.items():
        window.navigation.setCurrentRow(area)
        assert window.current_area is area
        assert window.pages.currentWidget() is page
        assert page.isVisible()
    assert window.minimumSize().width() >= 1100
    assert window.minimumSize().height() >= 700
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
