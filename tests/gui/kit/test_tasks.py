"""`follow`: a task's value, its failure as the coach's message (one sentence for every bug), and
nothing at all once the page that asked is gone."""

from __future__ import annotations

import logging
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
