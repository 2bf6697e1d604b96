"""End to end from the clips page: Record… opens the recorder, 5 s from the synthetic camera are
recorded and stored on a session, and the new clip is then found on the page and played.

Trimming is covered in test_record_trim_store.py; this test is about the page finding what the
recorder stored."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.clips.clips_page import ClipsPage, ClipsState
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.ui.clips.recorder import RecorderDialog
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed, SessionSpec, day

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

LEFT = Qt.MouseButton.LeftButton


def test_a_recorded_clip_is_found_on_the_clips_page_and_plays(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, tmp_path: Path
) -> None:
    coach_id = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    student = seed.user("ana@example.org", first="Ana", last="Silva", coach=coach_id)
    (session,) = seed.program(
        coach_id, "Strength 101", [("Base", [[SessionSpec("Squat day", day(0))]])]
    )
    seed.assign("Strength 101", student, coach_id)
    coach = SignedInUser(coach_id, "coach@example.org", "Chris Coach", "coach")

    def open_recorder(parent: QWidget) -> QDialog:
        dialog = RecorderDialog(
            backend, runner, coach_id, camera_spec="test:1280x720@30", countdown_s=1, parent=parent
        )
        dialog.open()
        return dialog

    page = ClipsPage(
        backend, runner, coach, thumbnail_dir=tmp_path / "thumbs", open_recorder=open_recorder
    )
    qtbot.addWidget(page)
    page.resize(1090, 760)
    page.show()
    qtbot.waitUntil(lambda: page.state is ClipsState.EMPTY, timeout=10_000)

    qtbot.mouseClick(page.record_button, LEFT)
    recorder = page.clip_dialog
    assert isinstance(recorder, RecorderDialog)
    qtbot.waitUntil(lambda: recorder.preview.image is not None, timeout=10_000)
    qtbot.mouseClick(recorder.record_button, LEFT)
    qtbot.waitUntil(lambda: recorder.elapsed_s >= 5.0, timeout=15_000)
    with qtbot.waitSignal(recorder.clip_recorded, timeout=15_000):
        qtbot.mouseClick(recorder.stop_button, LEFT)
    qtbot.mouseClick(recorder.attach_button, LEFT)
    attach = recorder.attach_dialog
    assert attach is not None
    qtbot.waitUntil(lambda: not attach.loading, timeout=10_000)
    attach.select(student, session)
    with qtbot.waitSignal(recorder.stored, timeout=20_000) as stored:
        qtbot.mouseClick(attach.store_button, LEFT)

    # The recorder closes; the page reloads and lists the new clip with its session.
    qtbot.waitUntil(lambda: page.state is ClipsState.LIST and not page.loading, timeout=10_000)
    (row,) = page.visible_rows()
    assert row.media_id == stored.args[0].media_id
    assert (row.student_name, row.session_label) == ("Ana Silva", "Squat day")
    qtbot.waitUntil(lambda: page.model.has_thumbnail(row.media_id), timeout=15_000)

    page.select(row.media_id)
    with qtbot.waitSignal(page.player_opened) as opened:
        qtbot.mouseClick(page.play_button, LEFT)
    window = opened.args[0]
    assert isinstance(window, PlayerWindow)
    try:
        qtbot.waitUntil(lambda: window.player.duration > 0, timeout=15_000)
        assert window.player.duration == pytest.approx(5000, abs=300)
        window.player.play()
        qtbot.waitUntil(
            lambda: window.player.position >= 1000 and window.player.view.frames_received > 12,
            timeout=10_000,
        )
        assert window.player.view.frame_size.height() == 480
    finally:
        if shiboken6.isValid(window):
            window.close()
