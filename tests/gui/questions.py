"""Answering the "Discard …?" question a dialog asks, as a coach would, without blocking a test.

The question runs its own modal loop; `answer_next_question` arms a timer first that waits for
the box, notes what it shows and clicks the chosen button. A step budget stops the wait, so a
question that never comes fails the test's assertions instead of leaving a timer behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

KEEP = QMessageBox.StandardButton.Cancel  # labelled "Keep editing"
DISCARD = QMessageBox.StandardButton.Discard
_STEP_MS = 20
_MAX_STEPS = 500  # ten seconds


@dataclass
class Asked:
    """What the question showed: its text, the line under it, and the default button's label."""

    texts: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    default_buttons: list[str] = field(default_factory=list)


def answer_next_question(qtbot: QtBot, button: QMessageBox.StandardButton, asked: Asked) -> None:
    """Click `button` on the next message box once it shows, noting what it says."""
    budget = [_MAX_STEPS]

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            budget[0] -= 1
            if budget[0] > 0:
                QTimer.singleShot(_STEP_MS, click)
            return
        asked.texts.append(box.text())
        asked.details.append(box.informativeText())
        default = box.defaultButton()
        asked.default_buttons.append(default.text() if default is not None else "")
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)
