"""run_gui end to end: sign-in dialog (or the demo's direct sign-in), then the main window.

`run_gui` runs the real event loops (the dialog's, then the app's), so the test drives the screens
from timers: each step checks the screen, acts, and schedules the next, and the test asserts on
what was recorded once `run_gui` has returned. A step budget ends a stuck run instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.application import ask_password, run_gui
from gbf_desktop.ui.app.sign_in import MemoryEmailStore, SignInDialog
from gbf_desktop.ui.dashboard.dashboard import DashboardState
from gbf_desktop.ui.kit.prompts import GuardedInputDialog
from tests.gui.conftest import PASSWORD, Seed
from tests.gui.driving import drive, main_window, record_and_close_main_window

pytestmark = [pytest.mark.gui, pytest.mark.db]


def test_the_demo_path_opens_the_main_window_signed_in(
    backend: Backend, seed: Seed, tmp_path: Path
) -> None:
    coach_id = seed.user("demo@example.org", role=m.Role.coach, first="Demo", last="Coach")
    seed.user("student@example.org", first="Sam", coach=coach_id)
    coach = SignedInUser(coach_id, "demo@example.org", "Demo Coach", "coach")
    seen: dict[str, object] = {}
    drive([lambda: record_and_close_main_window(seen)], seen)

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

    drive([fill_in_the_dialog, lambda: record_and_close_main_window(seen)], seen)

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

    drive([close_the_dialog], seen)

    assert run_gui(backend, log_dir=tmp_path / "logs", email_store=MemoryEmailStore()) == 0
    assert "timed_out" not in seen
    assert main_window() is None


def test_the_start_up_password_asks_before_dropping_what_was_typed() -> None:
    seen: dict[str, object] = {}

    def asking() -> GuardedInputDialog | None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, GuardedInputDialog):
            return dialog
        parent = dialog.parentWidget() if dialog is not None else None
        return parent if isinstance(parent, GuardedInputDialog) else None

    def type_and_press_esc() -> bool:
        dialog = asking()
        if dialog is None or not dialog.isVisible():
            return False
        dialog.setTextValue("half a passw")
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        return True

    def answer(button: QMessageBox.StandardButton, key: str) -> Callable[[], bool]:
        def step() -> bool:
            dialog = asking()
            box = dialog.discard_box if dialog is not None else None
            if dialog is None or box is None or not box.isVisible():
                return False
            seen[key] = box.text()
            box.button(button).click()
            seen[f"{key} open after"] = dialog.isVisible()
            seen[f"{key} typed after"] = dialog.textValue()
            if button == QMessageBox.StandardButton.Cancel:
                QTest.keyClick(dialog, Qt.Key.Key_Escape)
            return True

        return step

    drive(
        [
            type_and_press_esc,
            answer(QMessageBox.StandardButton.Cancel, "kept"),
            answer(QMessageBox.StandardButton.Discard, "dropped"),
        ],
        seen,
    )
    typed = ask_password("db.gym.example:5432", "The server wants a password.")

    assert "timed_out" not in seen
    assert seen["kept"] == "Discard the password you typed for db.gym.example:5432?"
    assert seen["kept open after"] is True
    assert seen["kept typed after"] == "half a passw"
    assert seen["dropped open after"] is False
    assert typed is None


def test_the_start_up_password_untouched_closes_at_once() -> None:
    seen: dict[str, object] = {}

    def press_esc() -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, GuardedInputDialog) or not dialog.isVisible():
            return False
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        seen["open after"] = dialog.isVisible()
        seen["asked"] = dialog.discard_box is not None
        return True

    drive([press_esc], seen)
    assert ask_password("db.gym.example:5432", "The server wants a password.") is None
    assert "timed_out" not in seen
    assert seen == {"open after": False, "asked": False}
