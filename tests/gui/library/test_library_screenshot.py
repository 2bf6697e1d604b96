"""A screenshot of the Exercises page with the demo library and an exercise selected, to be looked
at by a person:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest tests/gui/library/test_library_screenshot.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from gbf_desktop import demo
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]

SIZE = QSize(1280, 800)


def test_library_screenshot(
    demo_data: DemoLoader,
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    demo_data()
    coach = backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)
    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    window.show_area(Area.EXERCISES)
    page = window.library
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() > 0, timeout=10_000)
    assert page.select_exercise(
        next(e.id for e in page.browser.results if e.name == "Barbell Back Squat")
    )
    qtbot.waitUntil(lambda: page.details is not None and not page.busy, timeout=10_000)
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
    assert window.grab().save(str(folder / "library.png"))
