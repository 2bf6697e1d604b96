"""`follow`: a task's value, its failure as the coach's message (one sentence for every bug), and
nothing at all once the page that asked is gone."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gbf_desktop.errors import KnownError
from gbf_desktop.ui.kit.tasks import BUG_MESSAGE, follow
from gbf_desktop.workers.tasks import TaskRunner

pytestmark = [pytest.mark.gui]


def _page(qtbot: QtBot) -> QWidget:
    page = QWidget()
    qtbot.addWidget(page)
    return page


def test_a_value_then_finished(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[object] = []
    page = _page(qtbot)  # held: qtbot keeps only a weak reference
    task = follow(
        runner.read(lambda: 42),
        page,
        done=seen.append,
        failed=seen.append,
        finished=lambda: seen.append("finished"),
    )
    qtbot.waitUntil(lambda: task.is_done)
    qtbot.waitUntil(lambda: "finished" in seen)
    assert seen == [42, "finished"]


def test_a_known_failure_is_its_own_message_and_a_bug_is_the_one_sentence(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    def refused() -> None:
        raise KnownError("That student is not yours.", hint="Pick one of your students.")

    def broken() -> None:
        raise ZeroDivisionError("boom")

    messages: list[str] = []
    errors: list[KnownError] = []
    page = _page(qtbot)
    known = follow(runner.read(refused), page, failed=messages.append)
    typed = follow(runner.read(refused), page, failed=messages.append, on_error=errors.append)
    with caplog.at_level(logging.CRITICAL, logger="gbf_desktop.workers.tasks"):
        bug = follow(runner.read(broken), page, failed=messages.append, on_error=errors.append)
        qtbot.waitUntil(lambda: known.is_done and typed.is_done and bug.is_done)
    qtbot.waitUntil(lambda: len(messages) == 2)
    assert sorted(messages) == sorted(
        ["That student is not yours. Pick one of your students.", BUG_MESSAGE]
    )
    assert [e.message for e in errors] == ["That student is not yours."]


def test_nothing_is_called_once_the_page_is_gone(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()
    seen: list[object] = []
    page = QWidget()
    task = follow(runner.read(lambda: release.wait(10)), page, done=seen.append)
    page.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page))
    release.set()
    # is_done turns true in the same GUI-thread call that emits succeeded: a wrong call is seen.
    qtbot.waitUntil(lambda: task.is_done)
    assert seen == []


# Run in a child process: before the fix this scenario crashed the interpreter outright, which in
# the test process would end the whole run instead of failing one test.
_LAST_REFERENCE_SCRIPT = """
import sys, weakref
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop
from PySide6.QtWidgets import QApplication, QWidget
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.workers.tasks import TaskRunner

class Page(QWidget):
    value = None
    def on_done(self, value):
        self.value = value

app = QApplication([])
runner = TaskRunner()
refs = []
for _ in range(20):
    page = Page()
    task = follow(runner.read(lambda: 42), page, done=page.on_done)
    # Plain event processing delivers the result but leaves the wiring's deferred deletion
    # pending, as a page's own callback returning before the loop comes round does.
    while not task.is_done:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    assert page.value == 42
    refs.append(weakref.ref(page))
    del page, task
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()
for _ in range(5):
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
assert runner.shutdown(10_000)
print("pages left:", sum(ref() is not None for ref in refs))
"""


def test_a_page_whose_last_reference_is_its_wiring_is_freed_without_a_crash() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LAST_REFERENCE_SCRIPT],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Freed, not kept alive forever by parked callbacks.
    assert "pages left: 0" in result.stdout, result.stdout
