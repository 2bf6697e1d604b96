"""Screenshots of the sign-in dialog and the dashboard, to be looked at by a person.

They go to pytest's tmp_path, or to $GBF_SCREENSHOT_DIR when set:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest tests/gui/app/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.ui.app.sign_in import MemoryEmailStore, SignInDialog
from gbf_desktop.ui.dashboard.dashboard import DashboardState
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed, SessionSpec, day

pytestmark = [pytest.mark.gui, pytest.mark.db]

SIZE = QSize(1280, 800)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: object, path: Path) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    assert widget.grab().save(str(path)), f"could not write {path}"


def test_sign_in_dialog_screenshot(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, shots: Path
) -> None:
    seed.user("student@example.org")
    dialog = SignInDialog(backend, runner, MemoryEmailStore("student@example.org"))
    qtbot.addWidget(dialog)
    dialog.show()
    # What the coach sees before typing: the remembered email, an empty password, no error.
    assert dialog.email_edit.text() == "student@example.org"
    assert dialog.password_edit.text() == ""
    assert not dialog.error_label.isVisible()
    _save(dialog, shots / "sign_in.png")

    qtbot.keyClicks(dialog.password_edit, "correct horse battery staple")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text()
    _save(dialog, shots / "sign_in_refused.png")


def test_dashboard_screenshot(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, shots: Path
) -> None:
    coach_id = seed.user("maya.lind@gobeyondfit.example", role=m.Role.coach, first="Maya")
    coach = SignedInUser(coach_id, "maya.lind@gobeyondfit.example", "Maya Lind", "coach")
    weeks = [
        [SessionSpec(name, day(7 * w + 2 * i)) for i, name in enumerate(kind)]
        for w, kind in enumerate([("Squat day", "Bench day", "Deadlift day")] * 4)
    ]
    sessions = seed.program(coach_id, "Strength base 12 weeks", [("Accumulation", weeks)])
    hypertrophy = seed.program(
        coach_id,
        "Hypertrophy split",
        [("Volume", [[SessionSpec("Push", day(1)), SessionSpec("Pull", day(3))]])],
    )
    people = [
        ("alice.moreau@example.org", "Alice", "Moreau", "Strength base 12 weeks", 5),
        ("bob.ng@example.org", "Bob", "Ng", "Strength base 12 weeks", 1),
        ("chloe.dubois@example.org", "Chloe", "Dubois", None, 0),
        ("dan.ito@example.org", "Dan", "Ito", "Hypertrophy split", 2),
        ("eva.costa@example.org", "Eva", "Costa", "Strength base 12 weeks", 11),
    ]
    progress_ids = []
    for email, first, last, program, done in people:
        student = seed.user(email, first=first, last=last, coach=coach_id)
        if program is None:
            continue
        seed.assign(program, student, coach_id)
        tree = sessions if program.startswith("Strength") else hypertrophy
        for session in tree[:done]:
            progress_ids.append(seed.progress(session, student, status="completed"))
    for i, size in enumerate((4_200_000, 9_800_000, 2_350_000, 13_900_000)):
        seed.clip(progress_ids[i], size)

    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard.state is DashboardState.TABLE, timeout=10_000)
    assert window.size() == SIZE
    page = window.dashboard
    # The figures worked out from the rows above: five students (one without a program), four
    # clips of 4.2 + 9.8 + 2.35 + 13.9 = 30.25 MB, the largest 13.9 MB.
    assert page.table.model().rowCount() == 5
    assert page.students_card.value_label.text() == "5"
    assert page.students_card.detail_label.text() == "1 without a program"
    assert page.clips_card.value_label.text() == "4"
    assert page.storage_card.value_label.text() == "30.2 MB"
    assert page.largest_card.value_label.text() == "13.9 MB"
    assert page.table.isVisible()
    _save(window, shots / "dashboard.png")

    window.navigation.setCurrentRow(2)
    assert window.pages.currentWidget() is window.programs
    _save(window, shots / "programs.png")
