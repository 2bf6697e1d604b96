"""The player plays a stored clip for real, offscreen: the position advances and the frame view
receives the clip's frames; speed, frame steps, the in/out loop, full screen, delete and export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QElapsedTimer, QPoint, QSize, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import MEDIA_WAIT_MS, Seed, SessionSpec

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

FRAME_US = 1_000_000 / 24
LOAD_MS = 15_000


@pytest.fixture(scope="module")
def clip_bytes() -> bytes:
    from gbf_desktop.demo.clips import ffmpeg_clip_maker

    return ffmpeg_clip_maker()(4.0, 1)


def store_clip(
    seed: Seed, engine: Engine, backend: Backend, data: bytes
) -> tuple[SignedInUser, ClipRow]:
    """A coach with one student whose "Squat day" log holds the clip `data`."""
    coach_id = seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach_id)
    (session_id,) = seed.program(
        coach_id, "Strength base", [("Accumulation", [[SessionSpec("Squat day")]])]
    )
    progress = seed.progress(session_id, student, status="completed")
    with OrmSession(engine) as session:
        session.add(
            m.ExerciseMedia(
                id=m.new_id(),
                progress_id=progress,
                data=data,
                mime_type="video/mp4",
                size=len(data),
            )
        )
        session.commit()
    coach = SignedInUser(coach_id, "coach@example.org", "Maya Lind", "coach")
    (row,) = backend.clip_library(coach_id).clips
    return coach, row


@pytest.fixture
def stored(
    seed: Seed, engine: Engine, backend: Backend, clip_bytes: bytes
) -> tuple[SignedInUser, ClipRow]:
    return store_clip(seed, engine, backend, clip_bytes)


@pytest.fixture
def window(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, stored: tuple[SignedInUser, ClipRow]
) -> Iterator[PlayerWindow]:
    coach, row = stored
    window = PlayerWindow(backend, runner, coach, row)
    window.resize(1000, 700)
    with qtbot.waitSignal(window.player.loaded, timeout=LOAD_MS):
        window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    yield window
    # Not left to qtbot: a player window deletes itself once closed (the delete test closes it).
    if shiboken6.isValid(window):
        window.close()


def test_opening_a_clip_plays_it(qtbot: QtBot, window: PlayerWindow) -> None:
    player = window.player
    assert player.duration == pytest.approx(4000, abs=50)
    assert not player.is_playing

    qtbot.keyClick(window, Qt.Key.Key_Space)

    # Waited for with the load-time margin (the pipeline starts slowly on a busy machine), and
    # while it still plays: the 4 s clip leaves a 3 s window past the first second.
    qtbot.waitUntil(
        lambda: player.is_playing and player.position >= 1000 and player.view.frames_received >= 20,
        timeout=LOAD_MS,
    )
    assert player.view.frame_size == QSize(854, 480)
    image = player.view.image
    assert image.size() == QSize(854, 480)
    # The demo clip (a lifter in a gym) has wall, floor, body and plate: a decoded frame is not
    # a black or empty picture.
    assert len({image.pixel(x, y) for x in range(0, 854, 61) for y in range(0, 480, 40)}) > 3
    assert player.time_label.text().endswith("/ 0:04.00")

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing, timeout=LOAD_MS)


def _advance_rate(qtbot: QtBot, window: PlayerWindow, position_ms: int) -> float:
    """Play until `position_ms`; returns clip milliseconds per wall millisecond while it moved.

    Each reported position is stamped as it arrives, and the rate is taken between the first and
    the last moving report: neither the pipeline's start nor a late look at the position (both
    slow on a busy machine) count as playing time.
    """
    player = window.player
    timer = QElapsedTimer()
    samples: list[tuple[int, int]] = []

    def seen(ms: int) -> None:
        samples.append((timer.elapsed(), ms))

    start = player.position
    player.position_changed.connect(seen)
    timer.start()
    player.play()
    try:
        qtbot.waitUntil(lambda: player.position >= position_ms, timeout=LOAD_MS)
    finally:
        player.pause()
        player.position_changed.disconnect(seen)
    moving = [(t, ms) for t, ms in samples if ms > start]
    (t0, p0), (t1, p1) = moving[0], moving[-1]
    assert t1 - t0 >= 500, f"too few position reports to measure a rate: {samples}"
    return (p1 - p0) / (t1 - t0)


def test_speed_changes_how_fast_the_clip_advances(qtbot: QtBot, window: PlayerWindow) -> None:
    combo = window.player.speed_combo
    combo.setCurrentIndex(combo.findData(2.0))
    assert window.player.rate == 2.0

    # Double speed: the clip advances two milliseconds per wall millisecond (normal speed: one).
    assert 1.5 < _advance_rate(qtbot, window, 2400) < 2.5

    window.player.seek(0)
    qtbot.waitUntil(lambda: window.player.position == 0, timeout=LOAD_MS)
    combo.setCurrentIndex(combo.findData(0.25))
    assert 0.15 < _advance_rate(qtbot, window, 700) < 0.4


def test_arrow_keys_step_one_frame(qtbot: QtBot, window: PlayerWindow) -> None:
    view = window.player.view
    window.player.seek(1000)
    qtbot.waitUntil(lambda: view.frame_start_us >= 900_000, timeout=MEDIA_WAIT_MS)
    start = view.frame_start_us

    with qtbot.waitSignal(view.frame_received, timeout=MEDIA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert view.frame_start_us - start == pytest.approx(FRAME_US, abs=2)

    with qtbot.waitSignal(view.frame_received, timeout=MEDIA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_Left)
    with qtbot.waitSignal(view.frame_received, timeout=MEDIA_WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_Left)
    assert start - view.frame_start_us == pytest.approx(FRAME_US, abs=2)
    assert not window.player.is_playing


def test_loop_plays_between_the_in_and_out_points(qtbot: QtBot, window: PlayerWindow) -> None:
    player = window.player
    player.seek(1000)
    qtbot.waitUntil(lambda: player.position == 1000, timeout=MEDIA_WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_I)
    player.seek(1600)
    qtbot.waitUntil(lambda: player.position == 1600, timeout=MEDIA_WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_O)
    assert (player.in_ms, player.out_ms) == (1000, 1600)
    assert "Loop 0:01.00 to 0:01.60" in player.loop_label.text()

    seen: list[int] = []
    player.position_changed.connect(seen.append)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    # Played through the out point at least once and came back to the in point.
    qtbot.waitUntil(
        lambda: any(p >= 1500 for p in seen) and seen[-1] < 1300 and len(seen) > 20,
        timeout=10_000,
    )
    player.pause()
    assert min(seen) >= 1000 - 50
    assert max(seen) <= 1600 + 90


def test_f_goes_full_screen_and_escape_leaves_it(qtbot: QtBot, window: PlayerWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.waitUntil(window.isFullScreen)
    assert not window.header.isVisible()

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.header.isVisible()
    assert window.isVisible()


def test_export_writes_the_stored_bytes(
    qtbot: QtBot, window: PlayerWindow, clip_bytes: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "alice squat.mp4"
    qtbot.mouseClick(window.export_button, Qt.MouseButton.LeftButton)
    dialog = window.actions_.save_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith(
        "alice-moreau-squat-day-" + f"{window.row.created_at:%Y-%m-%d}.mp4"
    )

    dialog.selectFile(str(target))
    with qtbot.waitSignal(window.actions_.exported, timeout=10_000):
        dialog.accept()

    assert target.read_bytes() == clip_bytes
    assert "Saved" in window.status_label.text()


def test_delete_asks_naming_the_student_and_session_then_removes_the_row(
    qtbot: QtBot, window: PlayerWindow, engine: Engine
) -> None:
    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    box = window.actions_.confirmation
    assert box is not None
    assert box.isVisible()
    assert "Alice Moreau" in box.text()
    assert "Squat day" in box.text()
    assert "Strength base · Accumulation · Week 1" in box.informativeText()

    # Cancelling keeps the clip.
    box.reject()
    qtbot.waitUntil(lambda: window.actions_.confirmation is None)
    with OrmSession(engine) as session:
        assert session.scalars(select(m.ExerciseMedia.id)).all() == [window.row.media_id]

    qtbot.mouseClick(window.delete_button, Qt.MouseButton.LeftButton)
    box = window.actions_.confirmation
    assert box is not None
    assert window.actions_.delete_button is not None
    with qtbot.waitSignal(window.actions_.deleted, timeout=10_000) as deleted:
        qtbot.mouseClick(window.actions_.delete_button, Qt.MouseButton.LeftButton)

    assert deleted.args == [window.row.media_id]
    with OrmSession(engine) as session:
        assert session.scalars(select(m.ExerciseMedia.id)).all() == []
    qtbot.waitUntil(lambda: not window.isVisible())


def test_the_window_at_1366x768_shows_the_clip_and_its_time(
    qtbot: QtBot, window: PlayerWindow, tmp_path: Path
) -> None:
    """The picture is on screen in the window a coach sees (not a black frame view), with the
    transport's time under it; saved to GBF_SCREENSHOT_DIR to be looked at."""
    import os

    window.resize(1366, 768)
    player = window.player
    with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
        player.seek(2000)
    shot = window.grab().toImage()
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert shot.save(str(folder / "player_window_1366x768.png"))

    view = player.view
    rect = view.picture_rect()
    assert rect.width() > 600  # the picture takes most of the window's width beside the panel
    colours = {
        shot.pixel(view.mapTo(window, QPoint(round(rect.x() + rect.width() * fx), round(y))))
        for fx in (0.1, 0.3, 0.5, 0.7, 0.9)
        for y in (rect.top() + 5, rect.center().y(), rect.bottom() - 5)
    }
    assert QColor("#101418").rgb() not in colours
    assert len(colours) > 3  # wall, floor, lifter: a picture, not a flat fill
    assert player.time_label.text() == "0:02.00 / 0:04.00"
    assert player.time_label.isVisible()
