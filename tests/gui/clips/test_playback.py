"""The player's PyAV engine, through the player a coach uses: the picture shown after opening, a
seek and frame steps is the clip's own frame at that time; steps back come from the cache; play
advances on a real event loop and stops on the last frame; a broken file says so; closing or
deleting the player ends its decoding thread."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gbf_desktop.ui.clips.player import ClipPlayer
from gbf_desktop.video.frames import bgr_frames
from gbf_desktop.workers import playback
from tests.gui.conftest import MEDIA_WAIT_MS

pytestmark = [pytest.mark.gui, pytest.mark.ffmpeg]

FPS = 24
FRAME_US = 1_000_000 / FPS


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gbf_desktop.demo.clips import ffmpeg_clip_maker

    path = tmp_path_factory.mktemp("playback") / "squat.mp4"
    path.write_bytes(ffmpeg_clip_maker()(2.0, 3))
    return path


@pytest.fixture(scope="module")
def reference(clip: Path) -> list[np.ndarray]:
    """Every frame of the clip as RGB, decoded straight through (no seeking)."""
    return [np.ascontiguousarray(bgr[:, :, ::-1]) for _, bgr in bgr_frames(clip)]


@pytest.fixture
def player(qtbot: QtBot, clip: Path) -> Iterator[ClipPlayer]:
    player = ClipPlayer()
    qtbot.addWidget(player)
    player.resize(1366, 768)
    player.show()
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        player.load(clip)
    yield player
    if shiboken6.isValid(player):
        player.unload()


def _as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    view = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = view.reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def _closest_frame(image: QImage, reference: list[np.ndarray]) -> int:
    """The index of the reference frame the picture on screen is (it must be one exactly)."""
    shown = _as_array(image).astype(np.int16)
    errors = [float(np.abs(shown - frame).mean()) for frame in reference]
    best = int(np.argmin(errors))
    assert errors[best] < 1.0, f"the picture matches no frame of the clip: {errors[best]:.1f}"
    return best


def _seek(qtbot: QtBot, player: ClipPlayer, ms: int) -> None:
    with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
        player.seek(ms)


def test_the_first_frame_is_shown_once_loaded(player: ClipPlayer, reference: list) -> None:
    view = player.view
    assert player.duration == 2000
    assert player.time_label.text() == "0:00.00 / 0:02.00"
    assert view.frame_start_us == 0
    assert _closest_frame(view.image, reference) == 0
    # On screen: the grab of the player shows the picture (its middle, where the picture's middle
    # is painted), not the dark backdrop.
    shot = player.grab().toImage()
    got = shot.pixelColor(view.mapTo(player, view.picture_rect().center().toPoint()))
    expected = view.image.pixelColor(view.image.width() // 2, view.image.height() // 2)
    assert got != QColor("#101418")
    difference = [abs(g - e) for g, e in zip(got.getRgb(), expected.getRgb(), strict=True)]
    assert sum(difference) < 60


def test_a_seek_shows_the_frame_at_that_time(
    qtbot: QtBot, player: ClipPlayer, reference: list
) -> None:
    _seek(qtbot, player, 1000)
    assert player.view.frame_start_us == 1_000_000
    assert _closest_frame(player.view.image, reference) == 24
    assert player.time_label.text() == "0:01.00 / 0:02.00"

    # Half-way through a frame still shows that frame.
    _seek(qtbot, player, 1500 + 20)
    assert _closest_frame(player.view.image, reference) == 36


def test_steps_back_come_from_the_cache(qtbot: QtBot, player: ClipPlayer, reference: list) -> None:
    _seek(qtbot, player, 1500)
    assert player.current_frame() == 36

    decodes = []
    for expected in range(35, 21, -1):
        decoded = player.engine.decoded
        with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
            player.step(-1)
        decodes.append(player.engine.decoded - decoded)
        assert player.current_frame() == expected
        assert _closest_frame(player.view.image, reference) == expected
    assert player.time_label.text() == "0:00.94 / 0:02.00"  # the middle of frame 22
    # The seek kept the few frames before it; the first step back past them decoded from the
    # keyframe once, keeping what the cache holds, and no other step decoded anything.
    assert sum(1 for n in decodes if n) == 1, decodes
    assert decodes[0] == 0

    decoded = player.engine.decoded
    with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
        player.step(1)
    assert _closest_frame(player.view.image, reference) == 23
    assert player.engine.decoded == decoded


def test_quick_steps_add_up(qtbot: QtBot, player: ClipPlayer, reference: list) -> None:
    _seek(qtbot, player, 500)
    for _ in range(3):
        player.step(1)  # not waiting for each picture, as a held arrow key does not
    qtbot.waitUntil(lambda: player.view.frame_start_us == round(15 * FRAME_US), timeout=5_000)
    assert _closest_frame(player.view.image, reference) == 15


def test_play_advances_and_stops_on_the_last_frame(
    qtbot: QtBot, player: ClipPlayer, reference: list
) -> None:
    _seek(qtbot, player, 1200)
    positions: list[int] = []
    player.position_changed.connect(positions.append)
    received = player.view.frames_received
    with qtbot.waitSignal(player.playing_changed, timeout=MEDIA_WAIT_MS) as started:
        player.play()
    assert started.args == [True]
    assert player.play_button.text() == "Pause"

    with qtbot.waitSignal(player.playing_changed, timeout=MEDIA_WAIT_MS) as stopped:
        pass
    assert stopped.args == [False]
    # About 19 frames played in 0.8 s; a busy machine drops some rather than falling behind.
    assert player.view.frames_received - received >= 5
    assert positions == sorted(positions)
    assert positions[-1] == player.position == 2000
    assert player.time_label.text() == "0:02.00 / 0:02.00"
    assert player.play_button.text() == "Play"
    assert _closest_frame(player.view.image, reference) == len(reference) - 1

    # Play again from the end starts over.
    with qtbot.waitSignal(player.position_changed, timeout=MEDIA_WAIT_MS):
        player.play()
    qtbot.waitUntil(lambda: 0 < player.position < 1000, timeout=MEDIA_WAIT_MS)
    player.pause()


def test_a_broken_file_says_it_cannot_be_played(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.failed, timeout=MEDIA_WAIT_MS) as failed:
        player.load(broken)
    message = failed.args[0]
    assert message.startswith("This clip cannot be played here (broken.mp4 ")
    assert message.endswith("Export it and open it in another player to check it.")
    assert not player.engine.is_running
    assert player.view.image.isNull()


def _playback_threads(clip: Path) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"playback {clip.name}" and t.is_alive()]


def test_unload_ends_the_thread_and_lets_go_of_the_file(player: ClipPlayer, clip: Path) -> None:
    player.play()
    assert _playback_threads(clip)
    player.unload()
    assert not _playback_threads(clip)
    assert not player.is_playing
    assert player.path is None


def test_deleting_a_playing_player_ends_its_thread(qtbot: QtBot, clip: Path) -> None:
    # Not given to qtbot, which would close it after the test: deleted here, while it plays.
    player = ClipPlayer()
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        player.load(clip)
    with qtbot.waitSignal(player.position_changed, timeout=MEDIA_WAIT_MS):
        player.play()
    assert _playback_threads(clip)
    player.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(player), timeout=5_000)
    qtbot.waitUntil(lambda: not _playback_threads(clip), timeout=5_000)


class _RacingClock(playback.PlayClock):
    """A clock that moves 0.3 s of clip time each time it is read: decoding, however fast, is
    always behind it, as on a machine too slow for the clip."""

    def at(self, wall_s: float) -> float:
        self.reads.append(wall_s)
        return self.start_s + 0.3 * len(self.reads)

    @property
    def reads(self) -> list[float]:
        return self.__dict__.setdefault("_reads", [])


def test_decoding_behind_the_clock_skips_to_it_instead_of_drifting(
    qtbot: QtBot, clip: Path
) -> None:
    # The engine's thread on its own, so that the clock can be the racing one.
    channel = playback._Channel()
    thread = threading.Thread(
        target=playback._serve,
        args=(channel, clip, playback.CACHE_BYTES, playback._open_reader),
        daemon=True,
    )
    thread.start()
    channel.ask(playback._Play(1, _RacingClock(0.0, time.monotonic(), 1.0)))
    pictures: list[playback.ShownPicture] = []
    ended: list[object] = []

    def played_out() -> bool:
        for _, result in channel.collect():
            if isinstance(result, playback.ShownPicture):
                pictures.append(result)
            elif not isinstance(result, playback._Opened):
                ended.append(result)
        return bool(ended)

    try:
        qtbot.waitUntil(played_out, timeout=MEDIA_WAIT_MS)
    finally:
        channel.close()
        thread.join(5)
    assert not thread.is_alive()
    starts = [p.start_us for p in pictures]
    # Each picture is where the clock was, not the one after the last: frames were dropped and
    # the 2 s clip took a handful of pictures instead of 48 shown late.
    assert starts[0] >= 250_000
    assert all(b - a > 5 * FRAME_US for a, b in itertools.pairwise(starts))
    assert 3 <= len(starts) <= 8
    assert isinstance(ended[0], playback._Ended)


def test_a_phone_clip_with_a_display_rotation_is_shown_upright(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests import video_inputs

    phone = video_inputs.rotated_hevc_mov(tmp_path / "phone.mov", duration=0.5)
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        player.load(phone)
    image = player.view.image
    # Upright the picture is portrait, white above and black below.
    assert (image.width(), image.height()) == (360, 640)
    assert image.pixelColor(180, 100).lightness() > 200
    assert image.pixelColor(180, 540).lightness() < 50
    player.unload()


def test_a_seek_into_a_variable_rate_clip_with_b_frames_shows_the_frame_at_that_time(
    qtbot: QtBot, tmp_path: Path
) -> None:
    import av

    from tests import video_inputs

    phone = video_inputs.variable_frame_rate_b_frames(tmp_path / "vfr.mp4")
    with av.open(str(phone)) as container:
        stream = container.streams.video[0]
        origin = float((stream.start_time or 0) * stream.time_base)
        times = [float(frame.time) - origin for frame in container.decode(stream)]
    starts = sorted(round(time_s * 1_000_000) for time_s in times)
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        player.load(phone)
    # Half-way between two frames, backwards and forwards (each a seek or a walk on): the frame
    # on screen is the last one that started, never its neighbour nor the clip's last frame.
    for index in [*range(len(starts) - 2, 0, -7), *range(1, len(starts) - 1, 5)]:
        target_ms = (starts[index] + starts[index + 1]) // 2000
        _seek(qtbot, player, target_ms)
        assert player.view.frame_start_us == starts[index], f"at {target_ms} ms"
    player.unload()


def test_seeks_past_the_last_frame_decode_it_once(
    qtbot: QtBot, player: ClipPlayer, reference: list
) -> None:
    # The comparison parks a shorter clip at its full length on every tick of the longer one.
    _seek(qtbot, player, player.duration)
    decoded = player.engine.decoded
    for _ in range(5):
        _seek(qtbot, player, player.duration)
        assert _closest_frame(player.view.image, reference) == len(reference) - 1
    assert player.engine.decoded == decoded


def test_steps_through_a_30_fps_upload_skip_no_frame(qtbot: QtBot, tmp_path: Path) -> None:
    from tests import video_inputs

    upload = video_inputs.h264_1080p30(tmp_path / "upload.mp4", duration=0.6)
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        player.load(upload)
    shown = [player.view.frame_start_us]
    for _ in range(12):
        with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
            player.step(1)
        shown.append(player.view.frame_start_us)
    assert shown == [round(frame * 1_000_000 / 30) for frame in range(13)]
    with qtbot.waitSignal(player.view.frame_received, timeout=MEDIA_WAIT_MS):
        player.step(-1)
    assert player.view.frame_start_us == round(11 * 1_000_000 / 30)
    player.unload()


def test_a_clip_opened_from_a_handler_shows_its_own_first_frame(
    qtbot: QtBot, clip: Path, tmp_path: Path
) -> None:
    from tests import video_inputs

    other = video_inputs.variable_frame_rate_b_frames(tmp_path / "other.mp4")  # 320x240
    player = ClipPlayer()
    qtbot.addWidget(player)

    def on_opened(_ms: int) -> None:
        player.engine.opened.disconnect(on_opened)
        player.load(other)

    player.engine.opened.connect(on_opened)
    player.load(clip)
    # The GUI thread held up: the first clip's opening and first picture are collected together.
    channel = player.engine._closer.channel
    assert channel is not None
    deadline = time.monotonic() + MEDIA_WAIT_MS / 1000
    while channel.backlog() < 2 and time.monotonic() < deadline:
        threading.Event().wait(0.001)
    with qtbot.waitSignal(player.loaded, timeout=MEDIA_WAIT_MS):
        pass  # the events held up are processed, the other clip is opened, and shown
    assert (player.view.image.width(), player.view.image.height()) == (320, 240)
    qtbot.waitUntil(lambda: player.duration > 0, timeout=MEDIA_WAIT_MS)
    assert player.duration == 2000
    player.unload()
