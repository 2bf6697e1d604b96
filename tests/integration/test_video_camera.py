"""Camera sources: the --camera setting, the synthetic pattern and a file played as a camera.

The pattern and file sources take a clock and a sleep; most tests hand them a fake clock whose
sleep only moves time on, so pacing is checked exactly and without waiting. One test per source
uses the real clock, since pacing in real time is the feature.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from gbf_desktop.domain.clips import Size
from gbf_desktop.errors import CameraUnavailable, MediaError, ValidationError
from gbf_desktop.video.camera import (
    FileCamera,
    Frame,
    TestPatternCamera,
    WebcamCamera,
    list_cameras,
    parse_camera_spec,
)
from tests import video_inputs

pytestmark = pytest.mark.ffmpeg


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


@pytest.fixture(scope="module")
def clip_2s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("camera-inputs")
    return video_inputs.faststart_mp4(folder / "two-seconds.mp4", duration=2.0)


# --- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "index"), [("auto", None), ("AUTO", None), ("0", 0), (" 2 ", 2)])
def test_webcam_specs_name_a_device_without_opening_it(spec: str, index: int | None) -> None:
    source = parse_camera_spec(spec)
    assert isinstance(source, WebcamCamera)
    assert source.index == index


@pytest.mark.parametrize(
    ("spec", "size", "fps"),
    [
        ("test:", Size(1280, 720), 30.0),
        ("test:640x360", Size(640, 360), 30.0),
        ("TEST:854x480@24", Size(854, 480), 24.0),
        ("test:@15", Size(1280, 720), 15.0),
        ("test:1920x1080@29.97", Size(1920, 1080), 29.97),
    ],
)
def test_test_pattern_specs(spec: str, size: Size, fps: float) -> None:
    source = parse_camera_spec(spec)
    assert isinstance(source, TestPatternCamera)
    assert (source.size, source.fps) == (size, fps)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "No camera was given"),
        ("webcam", "'webcam' is not understood"),
        ("usb:1", "'usb:1' is not understood"),
        ("-1", "is negative"),
        ("test:big", "is not understood"),
        ("test:641x360", "odd side"),
        ("test:8x8", "out of range"),
        ("test:640x360@0", "out of range"),
        ("test:640x360@500", "out of range"),
        ("file:", "names no file"),
        ("file:   ", "names no file"),
    ],
)
def test_bad_specs_say_what_is_wrong_and_list_the_forms(spec: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        parse_camera_spec(spec)
    # Every refusal tells the user what would have been accepted.
    assert caught.value.hint


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"nothere\.mp4 was not found"):
        parse_camera_spec(f"file:{tmp_path / 'nothere.mp4'}")


def test_a_file_that_is_not_a_video_is_refused_when_given(tmp_path: Path) -> None:
    text = video_inputs.text_named_mp4(tmp_path / "notes.mp4")
    with pytest.raises(MediaError, match=r"notes\.mp4 is not a video"):
        parse_camera_spec(f"file:{text}")


def test_a_file_spec_gives_a_looping_file_camera(clip_2s: Path) -> None:
    source = parse_camera_spec(f"file:{clip_2s}")
    assert isinstance(source, FileCamera)
    assert source.path == clip_2s
    assert (source.size, source.fps) == (Size(640, 360), 30.0)


# --- the synthetic pattern ---------------------------------------------------------------------


def test_the_pattern_delivers_the_requested_size_at_the_requested_rate() -> None:
    clock = FakeClock()
    with parse_camera_spec("test:640x360@30", clock=clock, sleep=clock.sleep) as camera:
        start = clock()
        frames = [camera.read() for _ in range(90)]
    assert all(frame is not None for frame in frames)
    stamps = [frame.timestamp_s for frame in frames if frame is not None]
    assert [frame.index for frame in frames if frame is not None] == list(range(90))
    assert np.allclose(np.diff(stamps), 1 / 30)
    # Reading blocks until each picture is due, like a camera: 90 pictures take 3 s less one.
    assert clock() - start == pytest.approx(89 / 30)
    for frame in frames:
        assert frame is not None
        assert frame.image.shape == (360, 640, 3)
        assert frame.image.dtype == np.uint8


def test_the_pattern_moves_so_dropped_or_repeated_frames_show() -> None:
    clock = FakeClock()
    with TestPatternCamera(Size(320, 240), 24, clock=clock, sleep=clock.sleep) as camera:
        first, second = camera.read(), camera.read()
    assert first is not None
    assert second is not None
    assert not np.array_equal(first.image, second.image)
    # Each picture is the receiver's to keep: the source never writes into it again.
    assert not np.shares_memory(first.image, second.image)


def test_a_slow_reader_gets_the_current_picture_not_a_backlog() -> None:
    clock = FakeClock()
    with TestPatternCamera(Size(320, 240), 30, clock=clock, sleep=clock.sleep) as camera:
        camera.read()
        clock.sleep(0.5)
        late = camera.read()
    assert late is not None
    assert late.index == 15


def test_the_pattern_keeps_real_time() -> None:
    frames: list[Frame] = []
    with TestPatternCamera(Size(1280, 720), 30) as camera:
        start = time.monotonic()
        while time.monotonic() - start < 1.0:
            frame = camera.read()
            assert frame is not None
            frames.append(frame)
    # A 720p picture costs a few milliseconds to draw, so none should be skipped at 30 fps.
    assert 29 <= len(frames) <= 32
    assert frames[-1].index - frames[0].index == len(frames) - 1


def test_reading_an_unopened_pattern_is_an_error() -> None:
    with pytest.raises(MediaError, match="before it was opened"):
        TestPatternCamera().read()


# --- a file played as a camera -----------------------------------------------------------------


def test_a_file_plays_in_real_time_and_ends(clip_2s: Path) -> None:
    with FileCamera(clip_2s) as camera:
        start = time.monotonic()
        frames = list(camera.frames())
        took = time.monotonic() - start
    assert len(frames) == 60
    assert frames[0].image.shape == (360, 640, 3)
    # The last picture is shown 59/30 s after the first; decoding must not make it late.
    assert took == pytest.approx(59 / 30, abs=0.15)
    stamps = np.array([frame.timestamp_s for frame in frames])
    assert np.allclose(np.diff(stamps), 1 / 30, atol=1e-3)


def test_a_looping_file_runs_on_with_rising_timestamps(clip_2s: Path) -> None:
    clock = FakeClock()
    with FileCamera(clip_2s, loop=True, clock=clock, sleep=clock.sleep) as camera:
        frames = [camera.read() for _ in range(150)]
    stamps = [frame.timestamp_s for frame in frames if frame is not None]
    assert len(stamps) == 150
    # Five seconds of pictures from a two-second file, the seams at the file's own rate.
    assert np.allclose(np.diff(stamps), 1 / 30, atol=1e-3)
    assert stamps[-1] - stamps[0] == pytest.approx(149 / 30, abs=1e-3)


def test_a_file_camera_can_be_reopened_from_the_start(clip_2s: Path) -> None:
    clock = FakeClock()
    camera = FileCamera(clip_2s, clock=clock, sleep=clock.sleep)
    with camera:
        first = camera.read()
        camera.read()
    with camera:
        again = camera.read()
    assert first is not None
    assert again is not None
    assert again.index == 0
    assert np.array_equal(first.image, again.image)


# --- webcams -----------------------------------------------------------------------------------


def test_listing_webcams_is_quick_and_harmless() -> None:
    start = time.monotonic()
    found = list_cameras()
    assert time.monotonic() - start < 5.0
    assert all(index >= 0 for index in found)


def test_a_missing_webcam_is_named_with_a_way_out() -> None:
    if 63 in list_cameras(64):
        pytest.skip("this machine really has a webcam 63")
    with pytest.raises(MediaError, match="Webcam 63 could not be opened") as caught:
        WebcamCamera(63).open()
    # The way out is what to check and the demo camera, not a command-line flag.
    assert isinstance(caught.value, CameraUnavailable)
    assert "demo camera" in str(caught.value)
    assert "--camera" not in str(caught.value)


def test_auto_without_any_webcam_points_to_the_other_sources() -> None:
    if list_cameras():
        pytest.skip("this machine has a webcam")
    with pytest.raises(MediaError, match="No webcam was found") as caught:
        parse_camera_spec("auto").open()
    assert isinstance(caught.value, CameraUnavailable)
    assert "plugged in" in str(caught.value)
    assert "demo camera" in str(caught.value)
