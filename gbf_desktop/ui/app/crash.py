"""What happens when the app meets a bug: a log file and a plain dialog, never a traceback.

Following qutebrowser's split: a `KnownError` that escaped to the top is still something the user
can act on, so it is shown as a warning with its own message. Anything else is a bug: its traceback
is appended to `crash.log` in the log folder (the composition root passes `Settings.log_dir`) and a
dialog says that something went wrong and where the details are, so they can be sent to support.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from gbf_desktop import __version__
from gbf_desktop.errors import KnownError
from gbf_desktop.settings import APP_NAME

log = logging.getLogger(__name__)

CRASH_LOG_NAME = "crash.log"

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class CrashHandler(QObject):
    """Installs itself as `sys.excepthook`; `report()` takes the bugs of background tasks."""

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_dir = log_dir
        self._previous_hook: ExceptHook | None = None
        self._dialog: QMessageBox | None = None

    @property
    def log_path(self) -> Path:
        return self._log_dir / CRASH_LOG_NAME

    @property
    def dialog(self) -> QMessageBox | None:
        """The dialog on screen, if any (tests read what it says)."""
        return self._dialog

    def install(self) -> None:
        if self._previous_hook is None:
            self._previous_hook = sys.excepthook
            sys.excepthook = self._excepthook

    def uninstall(self) -> None:
        # Only put the old hook back if nobody replaced ours in the meantime.
        if self._previous_hook is not None and sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook
        self._previous_hook = None

    @Slot(object)
    def report(self, error: BaseException) -> None:
        """Report an exception caught elsewhere (the task runner's `bug` signal)."""
        self.handle(type(error), error, error.__traceback__)

    def handle(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> Path | None:
        """Show the error; for a bug, also write it down. Returns the log file written, if any."""
        if isinstance(error, KnownError):
            self._show(
                QMessageBox.Icon.Warning,
                f"{APP_NAME}: could not finish",
                str(error),
                "",
            )
            return None
        details = "".join(traceback.format_exception(exc_type, error, tb))
        path = self._write(details)
        log.critical("Unhandled bug, written to %s", path, exc_info=(exc_type, error, tb))
        where = (
            f"The details were written to:\n{path}\n\nPlease send this file to support."
            if path is not None
            else f"The details could not be saved: {self.log_path} cannot be written."
        )
        self._show(
            QMessageBox.Icon.Critical,
            f"{APP_NAME}: something went wrong",
            "Something went wrong inside GoBeyondFit Desktop. This is a bug in the app, "
            "not something you did.",
            f"{where}\n\nYou can keep working; if the app misbehaves, restart it.",
        )
        return path

    def _excepthook(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt) and self._previous_hook is not None:
            # Ctrl+C in the terminal that started the app keeps its usual meaning.
            self._previous_hook(exc_type, error, tb)
            return
        self.handle(exc_type, error, tb)

    def _write(self, details: str) -> Path | None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        entry = f"=== {stamp} {APP_NAME} {__version__}\n{details}\n"
        for folder in (self._log_dir, Path(tempfile.gettempdir())):
            path = folder / CRASH_LOG_NAME
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as out:
                    out.write(entry)
            except OSError:
                # A full disk or a read-only data folder must not turn one bug into two.
                log.warning("Could not write the crash log to %s", path, exc_info=True)
                continue
            return path
        return None

    def _show(self, icon: QMessageBox.Icon, title: str, text: str, details: str) -> None:
        if self._dialog is not None and self._dialog.isVisible():
            # One dialog at a time: a bug in a repainting widget would otherwise open hundreds.
            return
        dialog = QMessageBox(
            icon, title, text, QMessageBox.StandardButton.Ok, QApplication.activeWindow()
        )
        dialog.setObjectName("crashDialog")
        dialog.setInformativeText(details)
        # The path must be copyable into an email to support.
        dialog.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        # open(), not exec(): a nested event loop inside an exception hook invites re-entrancy.
        dialog.open()

    @Slot()
    def _on_dialog_finished(self) -> None:
        self._dialog = None
