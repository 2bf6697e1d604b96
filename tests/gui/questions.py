"""Answering the "Discard …?" question a dialog asks, as a coach would.

The question is window-modal and open while the test goes on (`dialog.discard_box`): a test presses
Esc (or Cancel, or closes the window), then answers it here and reads what it said.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard

KEEP = QMessageBox.StandardButton.Cancel  # labelled "Keep editing"
DISCARD = QMessageBox.StandardButton.Discard


@dataclass(frozen=True)
class Asked:
    """What the question showed: its text, the line under it, and the default button's label."""

    text: str
    detail: str
    default_button: str


def answer_question(
    qtbot: QtBot, dialog: AsksBeforeDiscard, button: QMessageBox.StandardButton
) -> Asked:
    """Wait for `dialog`'s question on screen, note what it says, then click `button`."""
    qtbot.waitUntil(
        lambda: dialog.discard_box is not None and dialog.discard_box.isVisible(), timeout=5_000
    )
    box = dialog.discard_box
    assert box is not None
    default = box.defaultButton()
    asked = Asked(box.text(), box.informativeText(), default.text() if default else "")
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    assert dialog.discard_box is None, "the answer closes the question"
    return asked


def no_question(dialog: AsksBeforeDiscard) -> bool:
    """True when the dialog is not asking anything."""
    return dialog.discard_box is None
