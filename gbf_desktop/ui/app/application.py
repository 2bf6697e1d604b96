"""Starting the GUI: the QApplication, its look, the sign-in, the main window, the crash handler.

The composition root (`gbf_desktop.app`) builds the `Backend` and calls `run_gui`; everything Qt
needs at startup happens here.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QStyleFactory,
)

from gbf_desktop import __version__
from gbf_desktop.connections import SavedConnections
from gbf_desktop.errors import KnownError
from gbf_desktop.private_files import tighten_file
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.settings import APP_NAME, APP_SLUG
from gbf_desktop.ui.app.about import AboutFacts
from gbf_desktop.ui.app.connect_dialog import ConnectionChoice
from gbf_desktop.ui.app.crash import CrashHandler
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.ui.app.sign_in import EmailStore, QSettingsEmailStore, SignInDialog
from gbf_desktop.ui.app.tour import PageTour, PageVisit
from gbf_desktop.ui.clips.takes_dialog import offer_takes
from gbf_desktop.ui.kit.collector import collect_on_gui_thread
from gbf_desktop.ui.kit.prompts import GuardedInputDialog
from gbf_desktop.ui.kit.resources import app_icon, style_sheet
from gbf_desktop.workers.tasks import TaskRunner

ORGANIZATION = "GoBeyondFit"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartupJob:
    """Work that can wait until the window is shown: a generator yielding (done, total)."""

    title: str
    run: Callable[[], Generator[tuple[int, int], None, object]]


def application() -> QApplication:
    """The process's QApplication, created on first call with the app's names and look."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication([sys.argv[0] if sys.argv else APP_SLUG])
    # QSettings files and the task bar take their names from these.
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    # The task bar and Wayland match the window to the menu entry (gbf-desktop.desktop) by this.
    app.setDesktopFileName(APP_SLUG)
    app.setWindowIcon(app_icon())
    # Cycles holding Qt objects are freed on this thread only, never inside a worker.
    collect_on_gui_thread(app)
    # The remembered email and window state are the user's alone (see private_files).
    tighten_file(Path(QSettings().fileName()))
    apply_look(app)
    return app


def apply_look(app: QApplication) -> None:
    """The light look of the style sheet, the same on every system."""
    # Fusion draws every widget the same way on Windows, macOS and Linux, so one style sheet fits.
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        # Qt 6.8+: a dark system theme would otherwise darken the parts the sheet does not cover.
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setStyleSheet(style_sheet())


def run_gui(
    backend: Backend,
    *,
    signed_in: SignedInUser | None = None,
    log_dir: Path,
    email_store: EmailStore | None = None,
    camera_spec: str = "auto",
    ffmpeg_path: str | None = None,
    startup_jobs: Sequence[StartupJob] = (),
    exit_when_ready: bool = False,
    connections: SavedConnections | None = None,
    connect: Callable[[ConnectionChoice], Backend] | None = None,
    data_dir: Path | None = None,
    tour_screenshots: Path | None = None,
) -> int:
    """Show the sign-in (unless `signed_in` is given), then the main window; the exit code.

    `startup_jobs` start once the window shows, their progress in its status bar. The time from
    the process's start to the dashboard's first data is logged (and printed, then the app quits,
    with `exit_when_ready`).
    """
    app = application()
    crash = CrashHandler(log_dir)
    runner = TaskRunner()
    runner.bug.connect(crash.report)
    crash.install()
    try:
        if signed_in is None:
            backend, user = _sign_in(
                backend, runner, email_store or QSettingsEmailStore(), connections, connect
            )
        else:
            user = signed_in
        if user is None:
            return 0
        window = MainWindow(
            backend,
            runner,
            user,
            camera_spec=camera_spec,
            ffmpeg_path=ffmpeg_path,
            about=AboutFacts(backend.database_label, data_dir, log_dir),
        )
        _fit_to_screen(window)
        window.ready.connect(lambda: _on_window_ready(app, exit_when_ready))
        if tour_screenshots is not None:
            tour = PageTour(window, runner, crash, tour_screenshots, parent=window)
            tour.finished.connect(lambda visits: _end_tour(app, window, visits))
            window.ready.connect(tour.start)
        window.show()
        for job in startup_jobs:
            window.start_job(job.title, job.run)
        # Clips recorded or imported and never stored (closed, stopped, killed) are offered now.
        offer_takes(window, backend, runner, user.id)
        return app.exec()
    finally:
        # Workers still running would emit on objects Qt is about to delete.
        runner.shutdown()
        crash.uninstall()


def _end_tour(app: QApplication, window: MainWindow, visits: list[PageVisit]) -> None:
    for visit in visits:
        print(visit.line(), flush=True)
    # Closed like a person would close it, so nothing of it outlives the run.
    window.close()
    app.exit(0 if visits and all(v.passed for v in visits) else 1)


def _on_window_ready(app: QApplication, exit_when_ready: bool) -> None:
    elapsed = time.time() - psutil.Process().create_time()
    log.info("window interactive %.2f s after the process started", elapsed)
    if exit_when_ready:
        print(f"ready after {elapsed:.2f} s", flush=True)
        app.quit()


def _fit_to_screen(window: MainWindow) -> None:
    """Open large on a big screen, never larger than the screen: tables need the width."""
    available = window.screen().availableGeometry()
    window.resize(
        max(window.minimumWidth(), min(1440, int(available.width() * 0.9))),
        max(window.minimumHeight(), min(900, int(available.height() * 0.9))),
    )


def _sign_in(
    backend: Backend,
    runner: TaskRunner,
    store: EmailStore,
    connections: SavedConnections | None = None,
    connect: Callable[[ConnectionChoice], Backend] | None = None,
) -> tuple[Backend, SignedInUser | None]:
    """The sign-in, on `backend` or on the server the coach switches to from it."""
    app = application()
    # The dialog is the only window: closing it must not end the app before the main window opens.
    app.setQuitOnLastWindowClosed(False)
    try:
        while True:
            dialog = SignInDialog(
                backend, runner, store, connections=connections if connect else None
            )
            code = dialog.exec()
            if code == SignInDialog.CONNECT and connect is not None and dialog.choice is not None:
                connections = dialog.connections
                try:
                    backend = connect(dialog.choice)
                except KnownError as err:
                    _warn(f"Could not connect to {dialog.choice.target.label}", str(err))
                continue
            accepted = code == QDialog.DialogCode.Accepted
            return backend, dialog.signed_in_user if accepted else None
    finally:
        app.setQuitOnLastWindowClosed(True)


def _warn(title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()


def ask_password(where: str, reason: str) -> str | None:
    """Ask for the server's password (hidden), at start-up; None when the person cancels."""
    application()
    dialog = GuardedInputDialog(
        lost=lambda _typed: f"the password you typed for {where}",
        detail="Without it the app cannot open the database.",
    )
    dialog.setWindowTitle(f"{APP_NAME}: password")
    dialog.setLabelText(f"{reason}\n\nPassword for {where}:")
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def show_startup_error(message: str) -> int:
    """Tell the user why the app cannot open (database down, schema too old, …); exit code 1.

    People start the app from an icon, where nothing reads stderr: the reason must be on screen.
    """
    application()
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        f"{APP_NAME} cannot start",
        message,
        QMessageBox.StandardButton.Close,
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
    print(f"gbf-desktop: {message}", file=sys.stderr)
    return 1
