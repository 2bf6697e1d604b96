"""Recording, trimming, importing and storing a clip through the real dialogs, offscreen; the
stored clip is then found on the clips page and played.

The camera is the synthetic test pattern in real time, ffmpeg is the real one, the database is
a real PostgreSQL. Screenshots go to $GBF_SCREENSHOT_DIR (or the test's tmp_path) to be looked at.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gbf_desktop.db import models as m
from gbf_desktop.domain import clips
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.media import StoredClip
from gbf_desktop.ui.clips.clips_page import ClipsPage, ClipsState
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.ui.clips.recorder import ImportDialog, RecorderDialog
from gbf_desktop.workers.tasks import TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, RecordedClip, clip_facts
from tests import video_inputs
from tests.gui.conftest import Seed, SessionSpec, day
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = [pytest.mark.gui, pytest.mark.db, pytest.mark.ffmpeg]

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _people(seed: Seed) -> tuple[str, str, str]:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    student = seed.user("ana@example.org", first="Ana", last="Silva", coach=coach)
    sessions = seed.program(
        coach,
        "Strength 101",
        [("Base", [[SessionSpec("Squat day", day(0)), SessionSpec("Pull day", day(2))]])],
    )
    seed.assign("Strength 101", student, coach)
    return coach, student, sessions[0]


def _media_rows(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT id, "progressId", "mimeType", size, octet_length(data) AS octets, data '
                "FROM exercise_media"
            )
        )
        return [dict(r._mapping) for r in rows]


def test_records_5_s_from_the_synthetic_camera_trims_it_and_stores_it(
    qtbot: QtBot,
    *,
    backend: Backend,
    runner: TaskRunner,
    seed: Seed,
    engine: Engine,
    shots: Path,
    tmp_path: Path,
) -> None:
    coach, student, session = _people(seed)
    dialog = RecorderDialog(backend, runner, coach, camera_spec="test:1280x720@30", countdown_s=1)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.image is not None, timeout=10_000)
    assert dialog.camera_combo.currentText() == "Test pattern 1280x720@30"
    assert "Test pattern" in dialog.camera_label.text()

    qtbot.mouseClick(dialog.record_button, LEFT)
    assert dialog.preview.overlay.isVisible()
    assert dialog.preview.overlay.text() == "1"
    qtbot.waitUntil(lambda: dialog.stage == "recording", timeout=5_000)
    assert not dialog.preview.overlay.isVisible()
    qtbot.waitUntil(lambda: dialog.elapsed_s >= 2.0, timeout=10_000)
    dialog.grab().save(str(shots / "recorder.png"))
    assert dialog.stop_button.isVisible()
    assert dialog.remaining_label.text().endswith("left")
    qtbot.waitUntil(lambda: dialog.elapsed_s >= 5.0, timeout=10_000)
    with qtbot.waitSignal(dialog.clip_recorded, timeout=15_000) as recorded_signal:
        qtbot.mouseClick(dialog.stop_button, LEFT)
    recorded: RecordedClip = recorded_signal.args[0]
    assert 5.0 <= recorded.clip.duration_s <= 5.5
    assert dialog.dropped_label.text() == f"Dropped frames: {recorded.dropped_frames}"
    assert dialog.trim_button.isVisible()
    assert dialog.attach_button.isVisible()
    dialog.grab().save(str(shots / "recorder_done.png"))

    # Trim: in at 1 s, out after the frame at 3.96 s, set with the keys as a coach would.
    qtbot.mouseClick(dialog.trim_button, LEFT)
    trim = dialog.trim_dialog
    assert trim is not None
    qtbot.waitUntil(lambda: trim.info is not None and trim.shown_time_s is not None, timeout=10_000)
    trim.slider.setValue(24)
    qtbot.keyClick(trim, Qt.Key.Key_I)
    trim.slider.setValue(94)
    qtbot.keyClick(trim, Qt.Key.Key_Right)
    qtbot.keyClick(trim, Qt.Key.Key_Right)
    qtbot.keyClick(trim, Qt.Key.Key_Left)
    assert trim.position_frame == 95
    qtbot.keyClick(trim, Qt.Key.Key_O)
    assert (trim.in_s, trim.out_s) == (1.0, 4.0)
    assert "Length 3.00 s" in trim.range_label.text()
    assert trim.cut_button.isEnabled()
    qtbot.waitUntil(lambda: all(t is not None for t in trim.timeline.thumbnails), timeout=10_000)
    qtbot.waitUntil(
        lambda: trim.shown_time_s is not None and abs(trim.shown_time_s - 95 / 24) < 0.02,
        timeout=5_000,
    )
    trim.grab().save(str(shots / "trim.png"))

    with qtbot.waitSignal(trim.trimmed, timeout=30_000) as trimmed_signal:
        qtbot.mouseClick(trim.cut_button, LEFT)
    cut: ReadyClip = trimmed_signal.args[0]
    assert cut.duration_s == pytest.approx(3.0, abs=1 / clips.FPS)

    attach = dialog.attach_dialog
    assert attach is not None
    qtbot.waitUntil(lambda: not attach.loading and attach.session_count() == 2)
    attach.select(student, session)
    attach.grab().save(str(shots / "attach.png"))
    with qtbot.waitSignal(dialog.stored, timeout=20_000) as stored_signal:
        qtbot.mouseClick(attach.store_button, LEFT)
    stored: StoredClip = stored_signal.args[0]

    (row,) = _media_rows(engine)
    data = bytes(row["data"])  # type: ignore[call-overload]
    assert row["id"] == stored.media_id
    assert row["mimeType"] == "video/mp4"
    assert row["size"] == row["octets"] == len(data) == cut.size_bytes
    assert hashlib.sha256(data).hexdigest() == cut.sha256
    readback = tmp_path / "readback.mp4"
    readback.write_bytes(data)
    facts = clip_facts(readback)
    assert clips.contract_violations(facts) == []
    assert facts.duration_s == pytest.approx(3.0, abs=1 / clips.FPS)
    with engine.connect() as conn:
        progress = conn.execute(
            text('SELECT "sessionId", "studentId", status FROM session_progress')
        ).all()
    assert [tuple(p) for p in progress] == [(session, student, "not_started")]
    assert not dialog.isVisible()

    # The coach then finds it on the clips page and plays it.
    user = SignedInUser(coach, "coach@example.org", "Chris Coach", "coach")
    page = ClipsPage(backend, runner, user, thumbnail_dir=tmp_path / "thumbs")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.state is ClipsState.LIST and not page.loading, timeout=10_000)
    (found,) = page.visible_rows()
    assert found.media_id == stored.media_id
    assert (found.student_name, found.session_label) == ("Ana Silva", "Squat day")
    page.select(found.media_id)
    with qtbot.waitSignal(page.player_opened, timeout=10_000) as opened:
        qtbot.mouseClick(page.play_button, LEFT)
    window = opened.args[0]
    assert isinstance(window, PlayerWindow)
    try:
        qtbot.waitUntil(lambda: window.player.duration > 0, timeout=15_000)
        assert window.player.duration == pytest.approx(3000, abs=100)
        window.player.play()
        qtbot.waitUntil(
            lambda: window.player.position >= 1000 and window.player.view.frames_received > 12,
            timeout=10_000,
        )
        assert window.player.view.frame_size.height() == 480
    finally:
        if shiboken6.isValid(window):
            window.close()


def test_importing_a_text_file_named_mp4_shows_why_and_stores_nothing(
    qtbot: QtBot,
    *,
    backend: Backend,
    runner: TaskRunner,
    seed: Seed,
    engine: Engine,
    tmp_path: Path,
) -> None:
    coach, _student, _session = _people(seed)
    dialog = ImportDialog(backend, runner, coach)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.import_file(video_inputs.text_named_mp4(tmp_path / "squat.mp4"))
    qtbot.waitUntil(lambda: bool(dialog.error_text) and not dialog.busy, timeout=10_000)
    assert dialog.error_text.startswith("squat.mp4 is not a video that can be read")
    assert dialog.attach_dialog is None
    assert dialog.trim_dialog is None
    assert _media_rows(engine) == []
    dialog.reject()


def test_importing_a_40_s_clip_opens_the_trim_view_and_refuses_more_than_15_s(
    qtbot: QtBot,
    *,
    backend: Backend,
    runner: TaskRunner,
    seed: Seed,
    tmp_path: Path,
    shots: Path,
) -> None:
    coach, _student, _session = _people(seed)
    source = video_inputs.numbered_frames(tmp_path / "long.mp4", duration=40.0)
    dialog = ImportDialog(backend, runner, coach)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.import_file(source)
    qtbot.waitUntil(lambda: dialog.trim_dialog is not None, timeout=10_000)
    trim = dialog.trim_dialog
    assert trim is not None
    assert trim.isVisible()
    assert (trim.in_s, trim.out_s) == (0.0, 15.0)
    assert trim.cut_button.isEnabled()

    trim.slider.setValue(trim.frame_count - 1)
    qtbot.keyClick(trim, Qt.Key.Key_O)
    assert trim.out_s == pytest.approx(40.0)
    assert not trim.cut_button.isEnabled()
    assert "a clip can be at most 15.0 s" in trim.error_label.text()
    assert trim.error_label.isVisible()
    qtbot.waitUntil(lambda: all(t is not None for t in trim.timeline.thumbnails), timeout=10_000)
    qtbot.waitUntil(lambda: trim.shown_time_s is not None, timeout=5_000)
    trim.grab().save(str(shots / "trim_too_long.png"))

    trim.slider.setValue(30 * 24)
    qtbot.keyClick(trim, Qt.Key.Key_I)
    assert trim.out_s - trim.in_s == pytest.approx(10.0)
    assert trim.cut_button.isEnabled()
    assert not trim.error_label.isVisible()
    # The points were moved: closing asks first, naming the part that would be lost.
    qtbot.keyClick(trim, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, trim, KEEP)
    assert asked.text == "Discard the part you chose (0:30.00 to 0:40.00) of long.mp4?"
    assert asked.default_button == "Keep editing"
    assert trim.isVisible()
    assert trim.out_s - trim.in_s == pytest.approx(10.0)
    qtbot.mouseClick(trim.close_button, Qt.MouseButton.LeftButton)
    answer_question(qtbot, trim, DISCARD)
    assert not trim.isVisible()
    assert dialog.attach_dialog is None, "nothing cut, nothing to attach"
    dialog.reject()
