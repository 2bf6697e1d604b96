"""run_gui end to end: sign-in dialog (or the demo's direct sign-in), then the main window.

`run_gui` runs the real event loops (the dialog's, then the app's), so the test drives the screens
from timers: each step checks the screen, acts, and schedules the next, and the test asserts on
what was recorded once `run_gui` has returned. A step budget ends a stuck run instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.application import run_gui
from gbf_desktop.ui.dashboard import DashboardState
from gbf_desktop.ui.main_window import MainWindow
from gbf_desktop.ui.sign_in import MemoryEmailStore, SignInDialog
from tests.gui.conftest import PASSWORD, Seed

pytestmark = [pytest.mark.gui, pytest.mark.db]

STEP_MS = 20
MAX_STEPS = 500  # ten seconds


def _drive(steps: list[Callable[[], bool]], seen: dict[str, object]) -> None:
    """Run each step on a timer until it returns True, then the next; give up after MAX_STEPS."""
    budget = [MAX_STEPS]

    def tick() -> None:
        budget[0] -= 1
        if budget[0] < 0:
            seen["timed_out"] = True
            for widget in QApplication.topLevelWidgets():
                widget.close()
            QApplication.instance().exit(99)  # type: ignore[union-attr]
            return
        if steps[0]():
            steps.pop(0)
        if steps:
            QTimer.singleShot(STEP_MS, tick)

    QTimer.singleShot(0, tick)


def _main_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None


def _record_and_close_main_window(seen: dict[str, object]) -> bool:
    window = _main_window()
    if window is None or window.dashboard.loading:
        return False
    seen["title"] = window.windowTitle()
    seen["state"] = window.dashboard.state
    seen["user"] = window.user_label.text()
    seen["styled"] = bool(QApplication.instance().styleSheet())  # type: ignore[union-attr]
    window.close()
    return True


def test_the_demo_path_opens_the_main_window_signed_in(
    backend: Backend, seed: Seed, tmp_path: Path
) -> None:
    coach_id = seed.user("demo@example.org", role=m.Role.coach, first="Demo", last="Coach")
    seed.user("student@example.org", first="Sam", coach=coach_id)
    coach = SignedInUser(coach_id, "demo@example.org", "Demo Coach", "coach")
    seen: dict[str, object] = {}
    _drive([lambda: _record_and_close_main_window(seen)], seen)

    code = run_gui(backend, signed_in=coach, log_dir=tmp_path / "logs")

    assert code == 0
    assert "timed_out" not in seen
    assert seen["title"] == "GoBeyondFit Desktop"
    assert seen["state"] is DashboardState.TABLE
    assert seen["user"] == "Signed in as Demo Coach (demo@example.org)"
    assert seen["styled"]


def test_signing_in_through_the_dialog_opens_the_main_window(
    backend: Backend, seed: Seed, tmp_path: Path
) -> None:
    seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    store = MemoryEmailStore("coach@example.org")
    seen: dict[str, object] = {}

    def fill_in_the_dialog() -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            return False
        dialog.password_edit.setText(PASSWORD)
        dialog.sign_in_button.click()
        return True

    _drive([fill_in_the_dialog, lambda: _record_and_close_main_window(seen)], seen)

    code = run_gui(backend, log_dir=tmp_path / "logs", email_store=store)

    assert code == 0
    assert "timed_out" not in seen
    assert seen["user"] == "Signed in as Maya Lind (coach@example.org)"
    assert seen["state"] is DashboardState.EMPTY


def test_closing_the_sign_in_dialog_quits_without_a_window(
    backend: Backend, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def close_the_dialog() -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            return False
        dialog.reject()
        return True

    _drive([close_the_dialog], seen)

    assert run_gui(backend, log_dir=tmp_path / "logs", email_store=MemoryEmailStore()) == 0
    assert "timed_out" not in seen
    assert _main_window() is None
