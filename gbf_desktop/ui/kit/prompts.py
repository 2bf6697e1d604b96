"""Questions asked before something typed is lost (Esc, Cancel, the close button)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def discard_typed(parent: QWidget, title: str, text: str) -> bool:
    """Ask whether to drop what was typed; True only when the coach chose Discard."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard
