"""Side by side: both clips play, pause, seek and step together, the right one at the offset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.compare import CompareWindow
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import MEDIA_WAIT_MS, Seed, SessionSpec

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

FRAME_US = 1_000_000 / 24


@pytest.fixture(scope="module")
def two_clips() -> tuple[bytes, bytes]:
    from gbf_desktop.demo.clips import ffmpeg_clip_maker

    make = ffmpeg_clip_maker()
    return make(4.0, 1), make(4.0, 2)


@pytest.fixture
def rows(
    seed: Seed, engine: Engine, backend: Backend, two_clips: tuple[bytes, bytes]
) -> tuple[SignedInUser, list[ClipRow]]:
    """Alice's week 1 and week 2 "Squat day" clips, oldest first."""
    coach_id = seed.user("coach@example.org", role=m.Role.coach)
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach_id)
    weeks = [[SessionSpec("Squat day")], [SessionSpec("Squat day")]]
    sessions = seed.program(coach_id, "Strength base", [("Accumulation", weeks)])
    with OrmSession(engine) as session:
        for session_id, data in zip(sessions, two_clips, strict=True):
            progress = seed.progress(session_id, student, status="completed")
            session.add(
                m.ExerciseMedia(
                    id=m.new_id(),
                    progress_id=progress,
                    data=data,
                    mime_type="video/mp4",
                    size=len(data),
                )
            )
            session.flush()
        session.commit()
    coach = SignedInUser(coach_id, "coach@example.org", "Coach", "coach")
    return coach, sorted(backend.clip_library(coach_id).clips, key=lambda r: r.week_number or 0)


@pytest.fixture
def window(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    rows: tuple[SignedInUser, list[ClipRow]],
) -> Iterator[CompareWindow]:
    coach, (week1, week2) = rows
    window = CompareWindow(backend, runner, coach, week1, week2)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    window.activateWindow()
    qtbot.waitActive(window)
    yield window
    if shiboken6.isValid(window):
        window.close()


def test_space_plays_both_and_pauses_both_at_the_offset(
    qtbot: QtBot, window: CompareWindow
) -> None:
    window.set_offset(500)
    left, right = window.left, window.right
    qtbot.waitUntil(lambda: right.position == 500, timeout=MEDIA_WAIT_MS)

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: left.position >= 1200, timeout=10_000)
    assert left.is_playing
    assert right.is_playing
    # Both really decode: each sink has received frames since playing started.
    assert left.view.frames_received > 10
    assert right.view.frames_received > 10
    assert abs(right.position - (left.position + 500)) <= 2 * 1000 / 24 + 40

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not left.is_playing and not right.is_playing, timeout=MEDIA_WAIT_MS)
    qtbot.waitUntil(lambda: right.position == left.position + 500, timeout=MEDIA_WAIT_MS)


def test_seek_speed_and_frame_step_apply_to_both(qtbot: QtBot, window: CompareWindow) -> None:
    left, right = window.left, window.right
    window.set_offset(-250)
    window.seek(2000)
    qtbot.waitUntil(lambda: left.position == 2000 and right.position == 1750, timeout=MEDIA_WAIT_MS)

    window.speed_combo.setCurrentIndex(window.speed_combo.findData(0.5))
    assert left.rate == right.rate == 0.5

    qtbot.waitUntil(
        lambda: left.view.frame_start_us > 0 and right.view.frame_start_us > 0,
        timeout=MEDIA_WAIT_MS,
    )
    left_before, right_before = left.view.frame_start_us, right.view.frame_start_us
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(
        lambda: (
            left.view.frame_start_us != left_before and right.view.frame_start_us != right_before
        ),
        timeout=MEDIA_WAIT_MS,
    )
    assert left.view.frame_start_us - left_before == pytest.approx(FRAME_US, abs=2)
    assert right.view.frame_start_us - right_before == pytest.approx(FRAME_US, abs=2)


def test_the_right_clip_waits_until_the_offset_brings_it_in(
    qtbot: QtBot, window: CompareWindow
) -> None:
    left, right = window.left, window.right
    # The right clip starts one second after the left one.
    window.set_offset(-1000)
    window.seek(0)
    qtbot.waitUntil(lambda: right.position == 0, timeout=MEDIA_WAIT_MS)

    # Where the left clip was when the right one started or moved: recorded as it happens, so
    # a late look on a busy machine cannot miss the moment (or see it too late).
    started_at: list[int] = []
    moved_at: list[int] = []

    def on_playing(playing: bool) -> None:
        if playing:
            started_at.append(left.position)

    def on_position(ms: int) -> None:
        if ms > 0:
            moved_at.append(left.position)

    right.playing_changed.connect(on_playing)
    right.position_changed.connect(on_position)
    window.play()
    qtbot.waitUntil(lambda: right.is_playing and right.position > 200, timeout=MEDIA_WAIT_MS)
    window.pause()
    # Within a frame and a position report of the left clip's first second.
    lag = 1000 / 24 + 40
    assert started_at, "the right clip never started"
    assert started_at[0] >= 1000 - lag, started_at
    assert moved_at[0] >= 1000 - lag, moved_at
    qtbot.waitUntil(lambda: right.position == left.position - 1000, timeout=MEDIA_WAIT_MS)
    assert window.offset_frames_label.text() == "(-24.0 frames)"
