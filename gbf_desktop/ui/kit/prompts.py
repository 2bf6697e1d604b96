"""Questions asked before something typed is lost (Esc, Cancel, the close button).

Every dialog where a coach types or picks mixes in `AsksBeforeDiscard`. Esc, a Cancel or Close
button wired to `reject()` and the window's close button (QDialog's close event calls `reject()`)
all end in its `reject()`, which compares what the dialog shows now with what it showed when it
opened: unchanged, it closes at once; changed, it asks, naming what would be lost, with "Keep
editing" as the default (and Esc's) answer.

Dialogs with nothing typed to lose do not mix it in: the about box, the builder's conflict choice
(Cancel keeps the coach's edits in the builder), and the recorder, import, replay and takes
dialogs, whose recordings are takes kept in the data folder until stored or discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)

DISCARD_TITLE = "Discard changes?"
KEEP_EDITING = "Keep editing"
DISCARD = "Discard"

if TYPE_CHECKING:
    _DialogBase = QDialog
else:
    # At run time the mixin is a plain class: Qt's side comes from the dialog class it is mixed
    # into (QDialog, QInputDialog), whose virtual reject() and showEvent() it overrides.
    _DialogBase = object


def discard_question(parent: QWidget, what: str, detail: str) -> QMessageBox:
    """The question, not shown yet: "Discard `what`?" (a phrase: the exercise "Farmer carry"),
    `detail` under it; Keep editing is the default button and what Esc answers."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        DISCARD_TITLE,
        f"Discard {what}?",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText(detail)
    keep = box.button(QMessageBox.StandardButton.Cancel)
    keep.setText(KEEP_EDITING)
    keep.setObjectName("primaryButton")  # the default answer looks like one
    keep.style().polish(keep)  # the box styled its buttons already: again, with the new name
    box.button(QMessageBox.StandardButton.Discard).setText(DISCARD)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(keep)
    return box


def field_values(root: QWidget) -> tuple[object, ...]:
    """What can be typed or picked in `root`'s fields, in a form that compares by value.

    Positions on a slider or a list's selection are left out: they are where the coach looks,
    not what the coach enters. A dialog whose data lives elsewhere overrides `entered()`.
    """
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QLineEdit):
            if not widget.isReadOnly():
                values.append(widget.text())
        elif isinstance(widget, QComboBox):
            values.append((widget.currentIndex(), widget.currentText()))
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            if not widget.isReadOnly():
                values.append(widget.toPlainText())
        elif isinstance(widget, QCheckBox | QRadioButton):
            values.append(widget.isChecked())
    return tuple(values)


class AsksBeforeDiscard(_DialogBase):
    """Mixed in before the Qt dialog class: `class MyDialog(AsksBeforeDiscard, QDialog)`.

    A dialog names what would be lost (`unsaved_text`), and calls `mark_unchanged()` once it
    shows what it opened with (the end of `__init__`, or when its data arrived) and after each
    save that keeps it open. Without a call, the first show is taken as the opening state.
    """

    _entered_at_open: object | None = None
    _has_baseline = False
    discard_box: QMessageBox | None = None

    def unsaved_text(self) -> str:
        """What would be lost, as a phrase that follows "Discard …"."""
        return "what you entered"

    def unsaved_detail(self) -> str:
        """A line under the question: why it would be lost."""
        return "It is not saved anywhere yet."

    def entered(self) -> object:
        """Everything the coach can type or pick, compared with its value at opening."""
        return field_values(self)

    def mark_unchanged(self) -> None:
        """Take what the dialog shows now as its opening state (nothing to lose)."""
        self._entered_at_open = self.entered()
        self._has_baseline = True

    @property
    def has_typed_data(self) -> bool:
        return self._has_baseline and self.entered() != self._entered_at_open

    def showEvent(self, event: QShowEvent) -> None:
        if not self._has_baseline:
            self.mark_unchanged()
        super().showEvent(event)

    def reject(self) -> None:
        """Esc, Cancel and the close button: ask first when something was changed.

        The question is window-modal and answered later (`discard_box`): no nested event loop,
        and a close event meanwhile is refused because the dialog is still open.
        """
        if self.discard_box is not None:
            return  # already asking
        if not self.has_typed_data:
            super().reject()
            return
        box = discard_question(self, self.unsaved_text(), self.unsaved_detail())
        box.finished.connect(self._on_discard_box_finished)
        self.discard_box = box
        box.open()

    def _on_discard_box_finished(self, _result: int) -> None:
        box, self.discard_box = self.discard_box, None
        if box is None:
            return
        box.deleteLater()
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
            # Past any override's own checks: the coach has answered.
            super().reject()


class GuardedInputDialog(AsksBeforeDiscard, QInputDialog):
    """A one-field QInputDialog that asks before dropping what was typed in it.

    `lost` turns the typed text into what the question names ("the new program “Push”").
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        lost: Callable[[str], str],
        detail: str = "It is not saved anywhere yet.",
    ) -> None:
        super().__init__(parent)
        self._lost = lost
        self._detail = detail

    def unsaved_text(self) -> str:
        return self._lost(self.textValue().strip())

    def unsaved_detail(self) -> str:
        return self._detail

    def entered(self) -> object:
        # The input dialog builds its line edit lazily: its value is the one that counts.
        return self.textValue()
