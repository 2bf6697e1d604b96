"""The four faces of a page of shared data: loading, an error with Retry, empty, and the content.

A page keeps its own enum of the states (in this order: loading, error, empty, content), reads
`current` through it, and fills `error_label` through `show_error`. The stack only lays the faces
out alike everywhere: centred text that wraps, the error's title over its message and the button.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

LOADING, ERROR, EMPTY, CONTENT = range(4)


def state_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("stateLabel")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class StateStack(QStackedWidget):
    """Loading text, an error (title, message, Retry), the empty text, then `content`."""

    def __init__(
        self,
        *,
        loading: str,
        error_title: str,
        empty: str,
        content: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.loading_label = state_label(loading)
        self.empty_label = state_label(empty)
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("primaryButton")
        self.insertWidget(LOADING, self.loading_label)
        self.insertWidget(ERROR, self._error_page(error_title))
        self.insertWidget(EMPTY, self.empty_label)
        self.insertWidget(CONTENT, content)

    def _error_page(self, title_text: str) -> QWidget:
        title = QLabel(title_text)
        title.setObjectName("stateTitle")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(14)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.error_label)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.setCurrentIndex(ERROR)
