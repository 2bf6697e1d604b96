"""Clip files a camera, a phone or a careless hand produces, each with the answer a coach sees.

Made on the spot with the real ffmpeg (tests/video_inputs.py) and run through the real `compress`.
Accepted sources must come out in the clip contract (checked by independent readers, see
`assert_meets_contract`); refused ones must be refused with one line naming the file and the
reason, before any encode, leaving nothing in the output folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from gbf_desktop.errors import MediaError
from gbf_desktop.video import compress as video
from tests import video_inputs
from tests.integration.test_video_compress import assert_meets_contract, leftovers
from tests.robustness.conftest import assert_one_clear_line

pytestmark = pytest.mark.ffmpeg

Maker = Callable[[Path], Path]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Maker], Path]:
    folder = tmp_path_factory.mktemp("clip-inputs")
    cache: dict[str, Path] = {}

    def make(name: str, maker: Maker) -> Path:
        if name not in cache:
            cache[name] = maker(folder / name)
        return cache[name]

    return make


def luma_extremes(path: Path) -> tuple[int, int, int]:
    """The darkest and brightest luma of the clip's middle picture, and its colour range code."""
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    frame = frames[len(frames) // 2]
    plane = frame.planes[0]  # the Y plane as stored, without any conversion
    luma = np.frombuffer(bytes(plane), dtype=np.uint8).reshape(-1, plane.line_size)
    luma = luma[: frame.height, : frame.width]
    return int(luma.min()), int(luma.max()), int(frame.color_range)


# --- sources that must come out in the contract --------------------------------------------------

# Two seconds of each: 48 pictures at 24 fps.
ACCEPTED: list[tuple[str, Maker, tuple[int, int]]] = [
    ("mjpeg-webcam.avi", video_inputs.mjpeg_webcam, (640, 480)),
    ("h264-422.mp4", lambda p: video_inputs.h264_pixel_format(p, "yuv422p"), (854, 480)),
    ("h264-444.mp4", lambda p: video_inputs.h264_pixel_format(p, "yuv444p"), (854, 480)),
    ("h264-10bit.mp4", lambda p: video_inputs.h264_pixel_format(p, "yuv420p10le"), (854, 480)),
    ("hevc-10bit-phone.mov", video_inputs.ten_bit_hevc_mov, (854, 480)),
]


@pytest.mark.parametrize(("name", "maker", "size"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_every_camera_format_comes_out_in_the_contract(
    made: Callable[[str, Maker], Path],
    tmp_path: Path,
    name: str,
    maker: Maker,
    size: tuple[int, int],
) -> None:
    clip = video.compress(made(name, maker), tmp_path / "clip.mp4")
    assert clip.warnings == ()
    assert_meets_contract(clip.path, size=size, frames=48)
    with av.open(str(clip.path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.codec_context.profile == "Main"
    assert leftovers(tmp_path) == ["clip.mp4"]


def test_a_full_range_webcam_picture_is_squeezed_into_the_limited_range(
    made: Callable[[str, Maker], Path], tmp_path: Path
) -> None:
    source = made("mjpeg-webcam.avi", video_inputs.mjpeg_webcam)
    darkest, brightest, _ = luma_extremes(source)
    assert (darkest, brightest) == (0, 255)  # the source really is full range
    clip = video.compress(source, tmp_path / "clip.mp4")
    darkest, brightest, color_range = luma_extremes(clip.path)
    # Black at 16 and white at 235, give or take the encoder's rounding; tagged as limited (1).
    assert 12 <= darkest <= 20
    assert 231 <= brightest <= 239
    assert color_range == 1


def test_a_file_damaged_in_the_middle_is_compressed_with_a_measured_warning(
    made: Callable[[str, Maker], Path], tmp_path: Path
) -> None:
    whole = made("whole.mp4", lambda p: video_inputs.faststart_mp4(p, duration=6.0))
    damaged = video_inputs.damaged_in_the_middle(whole, tmp_path / "damaged.mp4", fraction=0.1)
    out = tmp_path / "out"
    out.mkdir()
    clip = video.compress(damaged, out / "clip.mp4")
    assert_meets_contract(clip.path, size=(640, 360), frames=144)
    [warning] = clip.warnings
    assert warning.startswith("damaged.mp4 is damaged: ")
    assert "of its 180 pictures" in warning
    # A tenth of the bytes was overwritten: the share reported is of that order, not 0 or all.
    share = int(warning.split("(")[1].split(" %")[0])
    assert 3 <= share <= 30, warning
    # The whole file gets no warning.
    assert video.compress(whole, out / "whole.mp4").warnings == ()


# --- sources and targets refused before any encode -----------------------------------------------

REFUSED: list[tuple[str, Maker, str]] = [
    ("still.mp4", video_inputs.single_picture, "holds a single picture, not a video"),
    ("tiny.mp4", video_inputs.tiny_picture, "has a picture of only 24x24 pixels"),
    (
        "thin.mp4",
        lambda p: video_inputs.tiny_picture(p, size="640x16"),
        "has a picture of only 640x16 pixels",
    ),
]


@pytest.mark.parametrize(("name", "maker", "message"), REFUSED, ids=[row[0] for row in REFUSED])
def test_a_source_too_small_or_too_short_is_refused_with_a_message(
    made: Callable[[str, Maker], Path], tmp_path: Path, name: str, maker: Maker, message: str
) -> None:
    with pytest.raises(MediaError) as caught:
        video.compress(made(name, maker), tmp_path / "clip.mp4")
    text = str(caught.value)
    assert text.startswith(f"{name} {message}")
    assert "\n" not in text
    assert leftovers(tmp_path) == []


def test_an_output_path_that_is_a_folder_is_answered_before_any_encode(
    made: Callable[[str, Maker], Path], tmp_path: Path
) -> None:
    # A source that does not exist: were it probed or encoded first, the message would say so.
    target = tmp_path / "clips"
    target.mkdir()
    with pytest.raises(MediaError) as caught:
        video.compress(tmp_path / "absent.mp4", target)
    assert str(caught.value).startswith(f"{target} is a folder; the clip needs a file name.")
    assert leftovers(target) == []


def test_an_output_inside_a_file_is_answered_before_any_encode(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    with pytest.raises(MediaError, match=r"notes\.txt is a file, not a folder"):
        video.compress(tmp_path / "absent.mp4", blocker / "clip.mp4")


@pytest.fixture
def unreadable_copy(made: Callable[[str, Maker], Path]) -> Iterator[Path]:
    """A video nobody but its owner may read, in a folder anyone may enter."""
    folder = Path(tempfile.mkdtemp(prefix="gbf-unreadable-"))
    folder.chmod(0o755)
    path = folder / "locked.mp4"
    path.write_bytes(made("whole.mp4", lambda p: video_inputs.faststart_mp4(p, 6.0)).read_bytes())
    path.chmod(0o000)
    try:
        yield path
    finally:
        path.chmod(0o600)
        path.unlink()
        folder.rmdir()


@contextlib.contextmanager
def as_ordinary_user() -> Iterator[None]:
    """File access checked as an ordinary user: root reads anything, a coach does not.

    Linux's setfsuid changes only this thread's file-system identity and drops root's right to
    override permissions with it, so the app code runs here, in the test's own thread.
    """
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.setfsuid(65534)
    try:
        yield
    finally:
        libc.setfsuid(0)


def test_an_unreadable_file_is_answered_before_any_encode(unreadable_copy: Path) -> None:
    out = unreadable_copy.parent / "clip.mp4"
    with as_ordinary_user(), pytest.raises(MediaError) as caught:
        video.compress(unreadable_copy, out)
    assert str(caught.value).startswith("locked.mp4 cannot be read (permission denied).")
    assert not out.exists()


# --- the same files through `gbf-desktop clip compress`: one clear line, nothing written ---------


def _jpeg_still(path: Path) -> Path:
    """A photo saved with a video's name, as happens when a phone gallery is exported."""
    frame = np.full((480, 640, 3), 128, dtype=np.uint8)
    ok, data = cv2.imencode(".jpg", frame)
    assert ok
    path.write_bytes(data.tobytes())
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


# (what the coach gave, how it is made, the start of the one line they read)
CLI_REFUSED: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing.mp4", lambda p: p, "missing.mp4 was not found."),
    ("clips.mov", _folder, "clips.mov is a folder, not a video file."),
    ("empty.mp4", video_inputs.empty_file, "empty.mp4 is empty (0 bytes)"),
    ("list.mp4", video_inputs.text_named_mp4, "list.mp4 is not a video that can be read"),
    ("photo.mov", _jpeg_still, "photo.mov holds a single picture, not a video"),
    ("still.mp4", video_inputs.single_picture, "still.mp4 holds a single picture, not a video"),
    ("tiny.mp4", video_inputs.tiny_picture, "tiny.mp4 has a picture of only 24x24 pixels"),
    ("voice.mp4", video_inputs.audio_only, "voice.mp4 has no video stream"),
    (
        "half.mp4",
        lambda p: video_inputs.truncated_copy(video_inputs.h264_1080p30(p.with_name("w.mp4")), p),
        "half.mp4 is cut short",
    ),
    ("long.mp4", video_inputs.numbered_frames, "The video is 40.0 s long; a clip can be at most"),
]


def _compress_cli(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("gbf-desktop")
    return subprocess.run(
        [str(cli), "clip", "compress", str(source), str(output), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "maker", "message"), CLI_REFUSED, ids=[row[0] for row in CLI_REFUSED]
)
def test_the_clip_command_answers_a_bad_file_in_one_line_and_writes_nothing(
    private_data_dir: Path,
    tmp_path: Path,
    name: str,
    maker: Callable[[Path], Path],
    message: str,
) -> None:
    source = maker(tmp_path / name)
    out = tmp_path / "out"
    out.mkdir()
    done = _compress_cli(source, out / "clip.mp4")
    assert done.returncode == 1
    line = assert_one_clear_line(done.stderr)
    assert line.startswith(f"gbf-desktop: {message}"), line
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--start", "-1"), "The start time cannot be negative (-1.0 s)."),
        (("--start", "9"), "The start time 9.0 s is at or past the end of the video (6.0 s)."),
        (("--start", "3", "--end", "2"), "The end time 2.0 s must come after the start time"),
        (("--end", "nan"), "The end time must be a number of seconds, not nan."),
    ],
)
def test_the_clip_command_answers_a_bad_range_in_one_line(
    private_data_dir: Path,
    made: Callable[[str, Maker], Path],
    tmp_path: Path,
    extra: tuple[str, ...],
    message: str,
) -> None:
    source = made("whole.mp4", lambda p: video_inputs.faststart_mp4(p, duration=6.0))
    out = tmp_path / "out"
    out.mkdir()
    done = _compress_cli(source, out / "clip.mp4", *extra)
    assert done.returncode == 1
    assert assert_one_clear_line(done.stderr).startswith(f"gbf-desktop: {message}")
    assert leftovers(out) == []
