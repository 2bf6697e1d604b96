"""Driving real event loops from timers: each step checks the screen, acts, and schedules the
next; a step budget ends a stuck run instead of hanging the suite."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gbf_desktop.ui.app.main_window import MainWindow

STEP_MS = 20
MAX_STEPS = 500  # ten seconds


def drive(steps: list[Callable[[], bool]], seen: dict[str, object]) -> None:
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


def main_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible():
            return widget
    return None


def record_and_close_main_window(seen: dict[str, object]) -> bool:
    window = main_window()
    if window is None or window.dashboard.loading:
        return False
    seen["title"] = window.windowTitle()
    seen["state"] = window.dashboard.state
    seen["user"] = window.user_label.text()
    seen["styled"] = bool(QApplication.instance().styleSheet())  # type: ignore[union-attr]
    window.close()
    return True
