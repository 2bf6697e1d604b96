"""Work that waits for the window (the demo clips) shows its progress in the status bar."""

from __future__ import annotations

import threading
from collections.abc import Generator

import pytest
from pytestqt.qtbot import QtBot

from gbf_desktop.db import models as m
from gbf_desktop.errors import MediaError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed

pytestmark = [pytest.mark.gui, pytest.mark.db]


def _window(qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed) -> MainWindow:
    email = "coach@example.org"
    coach_id = seed.user(email, role=m.Role.coach, first="Maya", last="Lind")
    coach = SignedInUser(id=coach_id, email=email, display_name="Maya Lind", role="coach")
    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_a_startup_job_counts_up_beside_the_user_then_says_done(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    window = _window(qtbot, backend, runner, seed)
    # The worker waits at each step until the test has read the screen.
    go_on = threading.Semaphore(0)

    def work() -> Generator[tuple[int, int], None, int]:
        for done in range(3):
            yield (done, 3)
            go_on.acquire()
        yield (3, 3)
        return 3

    with qtbot.waitSignal(window.ready, timeout=10_000):
        task = window.start_job("Making the demo clips", work)
    for done in range(3):
        shown = f"Making the demo clips: {done} of 3"
        qtbot.waitUntil(lambda text=shown: window.job_label.text() == text)
        assert window.job_label.isVisible()
        assert window.job_progress.isVisible()
        assert window.job_progress.value() == done
        go_on.release()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert window.job_label.text() == "Making the demo clips: done"
    assert not window.job_progress.isVisible()


def test_a_failed_startup_job_says_why_in_the_status_bar(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    window = _window(qtbot, backend, runner, seed)

    def work() -> Generator[tuple[int, int], None, int]:
        yield (0, 2)
        raise MediaError("ffmpeg could not make a demo clip.", hint="Check GBF_FFMPEG.")

    task = window.start_job("Making the demo clips", work)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert window.job_label.isVisible()
    assert window.job_label.text() == (
        "Making the demo clips failed: ffmpeg could not make a demo clip. Check GBF_FFMPEG."
    )
