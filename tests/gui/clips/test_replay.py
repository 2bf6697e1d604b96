"""Delay mode in the recorder, on the synthetic 720p30 camera with a fake clock: the picture shown
is the camera's of N seconds ago, every captured picture is shown once, the memory is said, the
delay changes while running, and "Keep the last 15 s" makes a contract take while it goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gbf_desktop.domain import clips
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.clips.recorder import RecorderDialog
from gbf_desktop.video.camera import CameraSource, TestPatternCamera
from gbf_desktop.workers.tasks import TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, clip_facts
from tests.gui.clips.test_drawings import screenshot_dir
from tests.integration.test_delay_replay import FakeClock

pytestmark = [pytest.mark.gui, pytest.mark.db, pytest.mark.ffmpeg]

LEFT = Qt.MouseButton.LeftButton


def fast_camera(_spec: str) -> CameraSource:
    clock = FakeClock()
    return TestPatternCamera(clips.Size(1280, 720), 30, clock=clock, sleep=clock.sleep)


def test_delay_mode_shows_every_picture_late_and_keeps_the_last_15_s(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, tmp_path: Path
) -> None:
    recorder = RecorderDialog(
        backend, runner, "coach", camera_spec="test:", camera_factory=fast_camera, countdown_s=0
    )
    qtbot.addWidget(recorder)
    recorder.show()
    qtbot.waitUntil(lambda: recorder.preview.image is not None, timeout=10_000)
    qtbot.mouseClick(recorder.replay_button, LEFT)
    qtbot.waitUntil(lambda: recorder.replay_dialog is not None, timeout=10_000)
    replay = recorder.replay_dialog
    assert replay is not None
    replay.resize(1366, 768)
    qtbot.waitUntil(lambda: replay.pictures_drawn > 0, timeout=20_000)
    assert replay.delay_label.text() == "Showing the camera of 8 s ago"

    replay.delay_spin.setValue(3)  # changed while running
    assert replay.delay_label.text() == "Showing the camera of 3 s ago"
    qtbot.waitUntil(
        lambda: replay.last_update is not None and replay.last_update.captured >= 30 * 20,
        timeout=60_000,
    )
    update = replay.last_update
    assert update is not None
    assert update.delay_s == 3
    assert update.dropped == 0
    assert "memory" in replay.counts_label.text()
    replay.grab().save(str(screenshot_dir(tmp_path) / "replay.png"))

    with qtbot.waitSignal(replay.kept, timeout=60_000) as kept:
        qtbot.mouseClick(replay.keep_button, LEFT)
    take: ReadyClip = kept.args[0]
    assert clips.contract_violations(clip_facts(take.path)) == []
    assert take.duration_s == pytest.approx(15.0, abs=1 / 24)
    assert replay.attach_button.isEnabled()
    assert replay.status_label.text().startswith("Kept a 15.0 s take")
    # The replay went on while the take was encoded.
    assert replay.last_update is not None
    assert replay.last_update.captured > update.captured

    with qtbot.waitSignal(replay.task.finished, timeout=20_000):
        replay.reject()
    stats = replay.stats
    assert stats is not None
    assert stats.dropped == 0
    # Every picture captured was shown once after the delay, except those of the last 3 s, and
    # those the jump back from 8 s to 3 s skipped (a shorter delay jumps forward in time).
    assert stats.shown <= stats.captured - 3 * 30
    assert stats.shown >= stats.captured - 8 * 30 - 2
    # Back in the recorder, its own preview runs again.
    qtbot.waitUntil(lambda: recorder.stage == "preview" and recorder._task is not None)
