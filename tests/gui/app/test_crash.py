"""The crash handler: a bug becomes a log file and a dialog naming it; a known error, a warning."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gbf_desktop.errors import DatabaseUnavailable
from gbf_desktop.ui.app.crash import CrashHandler
from gbf_desktop.workers.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def handler(tmp_path: Path, qtbot: QtBot) -> Iterator[CrashHandler]:
    handler = CrashHandler(tmp_path / "logs")
    yield handler
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.done(0)


def _raise_bug() -> None:
    raise ZeroDivisionError("a bug in the widget code")


def _dialog(qtbot: QtBot, handler: CrashHandler) -> QMessageBox:
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible())
    assert handler.dialog is not None
    return handler.dialog


def test_a_bug_is_logged_and_the_dialog_names_the_file(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    try:
        _raise_bug()
    except ZeroDivisionError as err:
        written = handler.handle(type(err), err, err.__traceback__)

    log_file = tmp_path / "logs" / "crash.log"
    assert written == log_file
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "_raise_bug" in text
    assert "ZeroDivisionError: a bug in the widget code" in text

    dialog = _dialog(qtbot, handler)
    assert dialog.text().startswith("Something went wrong inside GoBeyondFit Desktop.")
    assert str(log_file) in dialog.informativeText()
    # No traceback on screen.
    assert "Traceback" not in dialog.text() + dialog.informativeText()


def test_a_second_bug_is_appended_without_a_second_dialog(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    for _ in range(2):
        try:
            _raise_bug()
        except ZeroDivisionError as err:
            handler.handle(type(err), err, err.__traceback__)
    first = _dialog(qtbot, handler)

    assert (tmp_path / "logs" / "crash.log").read_text().count("ZeroDivisionError:") == 2
    assert handler.dialog is first


def test_an_escaped_known_error_is_shown_as_it_is(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    error = DatabaseUnavailable("Cannot reach the database.", hint="Check the server.")
    assert handler.handle(type(error), error, None) is None

    dialog = _dialog(qtbot, handler)
    assert dialog.text() == "Cannot reach the database. Check the server."
    assert dialog.icon() is QMessageBox.Icon.Warning
    assert not (tmp_path / "logs" / "crash.log").exists()


def test_install_routes_sys_excepthook_and_uninstall_restores_it(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path
) -> None:
    before = sys.excepthook
    handler.install()
    assert sys.excepthook is not before
    try:
        _raise_bug()
    except ZeroDivisionError as err:
        sys.excepthook(type(err), err, err.__traceback__)
    handler.uninstall()

    assert sys.excepthook is before
    assert "ZeroDivisionError" in (tmp_path / "logs" / "crash.log").read_text()
    _dialog(qtbot, handler)


def test_a_bug_in_a_background_task_reaches_the_handler(
    qtbot: QtBot, handler: CrashHandler, runner: TaskRunner, tmp_path: Path
) -> None:
    runner.bug.connect(handler.report)

    def broken_load() -> None:
        raise KeyError("sessions")

    runner.read(broken_load)

    _dialog(qtbot, handler)
    text = (tmp_path / "logs" / "crash.log").read_text()
    assert "broken_load" in text
    assert "KeyError: 'sessions'" in text


def test_an_unwritable_log_folder_still_gets_a_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fallback = tmp_path / "tmp"
    fallback.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(fallback))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    handler = CrashHandler(blocker / "logs")
    try:
        _raise_bug()
    except ZeroDivisionError as err:
        written = handler.handle(type(err), err, err.__traceback__)
    try:
        dialog = _dialog(qtbot, handler)
        # Falls back to the temporary folder rather than losing the report.
        assert written == fallback / "crash.log"
        assert str(written) in dialog.informativeText()
    finally:
        if handler.dialog is not None:
            handler.dialog.done(0)
