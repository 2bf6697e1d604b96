"""Compressing real files with the real ffmpeg, each result read back by independent means.

Inputs are generated once per session (see tests/video_inputs.py). Every accepted output is checked
against the clip contract with OpenCV (frames, size, rate) and by walking the MP4 boxes ourselves
(index at the front, track count); Debian's ffprobe, when present, adds codec, profile, pixel format
and keyframe checks, but a user's machine has no ffprobe so nothing depends on it.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError, ValidationError
from gbf_desktop.video import compress as video
from gbf_desktop.video.ffmpeg import Cancelled, Progress
from gbf_desktop.video.probe import probe, probe_to_json
from tests import video_inputs

pytestmark = pytest.mark.ffmpeg

FFPROBE = shutil.which("ffprobe")


# --- inputs, made once per session -------------------------------------------------------------


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    folder = tmp_path_factory.mktemp("video-inputs")
    made: dict[str, Path] = {}
    makers: dict[str, Callable[[], Path]] = {
        "1080p30.mp4": lambda: video_inputs.h264_1080p30(folder / "1080p30.mp4"),
        "recorder.webm": lambda: video_inputs.vp8_720p_webm(folder / "recorder.webm"),
        "phone.mov": lambda: video_inputs.rotated_hevc_mov(folder / "phone.mov"),
        "vfr.mp4": lambda: video_inputs.variable_frame_rate(folder / "vfr.mp4"),
        "40s.mp4": lambda: video_inputs.numbered_frames(folder / "40s.mp4"),
        "truncated-faststart.mp4": lambda: video_inputs.truncated_copy(
            video_inputs.faststart_mp4(folder / "whole-faststart.mp4"),
            folder / "truncated-faststart.mp4",
        ),
        "truncated-moov-last.mp4": lambda: video_inputs.truncated_copy(
            made_input("1080p30.mp4"), folder / "truncated-moov-last.mp4"
        ),
        "truncated.webm": lambda: video_inputs.truncated_copy(
            video_inputs.seekable_webm(folder / "whole.webm"), folder / "truncated.webm"
        ),
        "text.mp4": lambda: video_inputs.text_named_mp4(folder / "text.mp4"),
        "empty.mp4": lambda: video_inputs.empty_file(folder / "empty.mp4"),
        "sound.mp4": lambda: video_inputs.audio_only(folder / "sound.mp4"),
    }

    def made_input(name: str) -> Path:
        if name not in made:
            made[name] = makers[name]()
        return made[name]

    return made_input


# --- independent readers -----------------------------------------------------------------------


def top_level_boxes(data: bytes, start: int = 0, end: int | None = None) -> list[str]:
    kinds: list[str] = []
    offset, end = start, len(data) if end is None else end
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size == 1:
            (size,) = struct.unpack(">Q", data[offset + 8 : offset + 16])
        kinds.append(kind.decode("latin-1"))
        if size < 8:
            break
        offset += size
    return kinds


def track_count(data: bytes) -> int:
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if kind == b"moov":
            return top_level_boxes(data, offset + 8, offset + size).count("trak")
        offset += size
    return 0


def read_frames(path: Path) -> tuple[list[np.ndarray], float]:
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), f"OpenCV cannot open {path}"
    fps = capture.get(cv2.CAP_PROP_FPS)
    frames: list[np.ndarray] = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames, fps


def ffprobe_json(path: Path, *args: str) -> dict[str, object]:
    assert FFPROBE is not None
    result = subprocess.run(
        [FFPROBE, "-v", "error", "-of", "json", *args, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def assert_meets_contract(
    path: Path, *, size: tuple[int, int], frames: int, audio: bool = False
) -> list[np.ndarray]:
    data = path.read_bytes()
    assert 0 < len(data) <= clips.MAX_BYTES
    boxes = top_level_boxes(data)
    assert boxes.index("moov") < boxes.index("mdat"), boxes
    assert track_count(data) == (2 if audio else 1)

    pictures, fps = read_frames(path)
    assert fps == pytest.approx(clips.FPS)
    assert len(pictures) == frames
    assert len(pictures) / clips.FPS <= clips.MAX_DURATION_S
    height, width = pictures[0].shape[:2]
    assert (width, height) == size
    assert width <= clips.MAX_WIDTH
    assert height <= clips.MAX_HEIGHT
    assert width % 2 == 0
    assert height % 2 == 0

    if FFPROBE is not None:
        streams = ffprobe_json(path, "-show_streams")["streams"]
        assert isinstance(streams, list)
        video_stream = next(s for s in streams if s["codec_type"] == "video")
        assert video_stream["codec_name"] == "h264"
        assert video_stream["profile"] == "Main"
        assert video_stream["pix_fmt"] == "yuv420p"
        assert video_stream["r_frame_rate"] == video_stream["avg_frame_rate"] == "24/1"
        assert video_stream.get("sample_aspect_ratio", "1:1") in ("1:1", "0:1")
        assert not video_stream.get("side_data_list"), "no rotation may remain"
        audio_codecs = [s["codec_name"] for s in streams if s["codec_type"] == "audio"]
        assert audio_codecs == (["aac"] if audio else [])
        packets = ffprobe_json(
            path, "-select_streams", "v", "-show_entries", "packet=flags", "-show_packets"
        )["packets"]
        assert isinstance(packets, list)
        keyframes = [i for i, packet in enumerate(packets) if "K" in packet["flags"]]
        assert keyframes == list(range(0, len(packets), clips.GOP_FRAMES))
    return pictures


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- accepted inputs ---------------------------------------------------------------------------


def test_1080p30_h264_becomes_a_480p_clip_without_sound(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    reports: list[Progress] = []
    clip = video.compress(inputs("1080p30.mp4"), tmp_path / "out.mp4", on_progress=reports.append)
    assert clip.path == tmp_path / "out.mp4"
    assert clip.size_bytes == clip.path.stat().st_size
    assert not clip.has_audio
    assert_meets_contract(clip.path, size=(854, 480), frames=48)
    assert reports
    assert reports[-1].fraction == 1.0
    fractions = [r.fraction for r in reports if r.fraction is not None]
    assert fractions == sorted(fractions)
    assert leftovers(tmp_path) == ["out.mp4"]


def test_recorder_webm_with_kept_sound_gets_aac(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    source = inputs("recorder.webm")
    # The stream-written WebM has no duration header: the probe measures it from packets.
    assert probe(source).duration_s == pytest.approx(2.0, abs=0.05)
    clip = video.compress(source, tmp_path / "out.mp4", keep_audio=True)
    assert clip.has_audio
    assert_meets_contract(clip.path, size=(854, 480), frames=48, audio=True)


def test_rotated_phone_hevc_comes_out_upright(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    source = inputs("phone.mov")
    # OpenCV honours the display matrix too: the input really is upright-when-played portrait.
    original, _ = read_frames(source)
    assert original[0].shape[:2] == (640, 360)
    clip = video.compress(source, tmp_path / "out.mp4")
    pictures = assert_meets_contract(clip.path, size=(270, 480), frames=24)
    first = pictures[0]
    assert first[: first.shape[0] // 2 - 10].mean() > 200, "top half must be the white half"
    assert first[first.shape[0] // 2 + 10 :].mean() < 50, "bottom half must be the black half"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        # PQ: the grey is ~95 nits, near a standard screen's white; shown as it is, 128.
        (("smpte2084", "bt2020nc", True), (195, 230)),
        # HLG is watched as it is on a standard screen: its grey stays where that screen puts it.
        (("arib-std-b67", "bt2020nc", True), (118, 138)),
        # Files that tag less, or the constant-luminance matrix swscale cannot read.
        (("smpte2084", "bt2020nc", False), (195, 230)),
        (("arib-std-b67", "bt2020nc", False), (118, 138)),
        (("arib-std-b67", "bt2020c", True), (110, 146)),
    ],
    ids=["pq", "hlg", "pq-primaries-untagged", "hlg-primaries-untagged", "hlg-constant-luminance"],
)
def test_an_hdr_clip_becomes_a_standard_one_as_a_browser_should_show_it(
    source: tuple[str, str, bool], shown: tuple[float, float], tmp_path: Path
) -> None:
    """`source`: transfer, matrix, primaries tagged; `shown`: the range of the stored grey."""
    transfer, matrix, primaries = source
    mean_low, mean_high = shown
    path = video_inputs.hdr_gray(
        tmp_path / f"{transfer}.mov", transfer, matrix=matrix, primaries=primaries
    )
    assert probe(path).hdr_transfer == transfer
    assert probe(path).hdr_matrix == matrix
    assert probe_to_json(probe(path))["video"]["hdr_transfer"] == transfer  # type: ignore[index]
    clip = video.compress(path, tmp_path / "out.mp4")
    pictures = assert_meets_contract(clip.path, size=(854, 480), frames=24)
    assert mean_low <= pictures[0].mean() <= mean_high, pictures[0].mean()
    stored = probe(clip.path)
    assert stored.hdr_transfer is None, "the stored clip is standard range, and says so"
    tags = subprocess.run(
        [video_inputs.ffmpeg_exe(), "-hide_banner", "-i", str(clip.path)],
        capture_output=True,
        text=True,
        check=False,
    ).stderr
    assert "bt709" in tags


def test_variable_frame_rate_becomes_constant_24(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    source = inputs("vfr.mp4")
    assert probe(source).fps == pytest.approx(20.0)  # the average over its 10 and 30 fps halves
    clip = video.compress(source, tmp_path / "out.mp4")
    assert_meets_contract(clip.path, size=(640, 360), frames=48)


def _frame_means(path: Path, wanted: set[int]) -> dict[int, float]:
    capture = cv2.VideoCapture(str(path))
    means: dict[int, float] = {}
    index = 0
    while len(means) < len(wanted):
        ok, frame = capture.read()
        assert ok, f"{path} ended before frame {max(wanted)}"
        if index in wanted:
            means[index] = float(frame.mean())
        index += 1
    capture.release()
    return means


def test_trim_of_a_long_clip_is_frame_accurate(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    source = inputs("40s.mp4")
    clip = video.compress(source, tmp_path / "out.mp4", start_s=20.0, end_s=35.0)
    pictures = assert_meets_contract(clip.path, size=(320, 240), frames=360)
    # Source frame 480 is at 20.0 s, 839 the last before 35.0 s; a keyframe-snapped cut would
    # start at frame 400 or 500 instead.
    source_means = _frame_means(source, set(range(477, 484)) | set(range(836, 843)))

    def nearest(picture: np.ndarray, around: range) -> int:
        return min(around, key=lambda i: abs(source_means[i] - float(picture.mean())))

    assert nearest(pictures[0], range(477, 484)) == 480
    assert nearest(pictures[-1], range(836, 843)) == 839


def test_a_long_clip_without_a_range_is_refused(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=r"40\.0 s long; a clip can be at most 15\.0 s"):
        video.compress(inputs("40s.mp4"), tmp_path / "out.mp4")
    assert leftovers(tmp_path) == []


def test_a_range_over_15_seconds_is_refused(inputs: Callable[[str], Path], tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at most 15"):
        video.compress(inputs("40s.mp4"), tmp_path / "out.mp4", start_s=5, end_s=25)
    assert leftovers(tmp_path) == []


def test_an_oversize_encode_is_redone_at_a_lower_rate(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    limit = 80_000
    clip = video.compress(inputs("1080p30.mp4"), tmp_path / "out.mp4", max_bytes=limit)
    assert clip.attempts >= 2
    assert clip.path.stat().st_size <= limit
    assert_meets_contract(clip.path, size=(854, 480), frames=48)


def test_a_clip_that_cannot_fit_is_refused_and_nothing_is_left(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    with pytest.raises(MediaError, match="stays over 60000 bytes"):
        video.compress(inputs("1080p30.mp4"), tmp_path / "out.mp4", max_bytes=60_000)
    assert leftovers(tmp_path) == []


def test_cancelling_stops_ffmpeg_and_leaves_nothing(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    steps = video.iter_compress(
        inputs("1080p30.mp4"), tmp_path / "out.mp4", cancel=lambda: cancelled
    )
    cancelled = False
    next(steps)
    cancelled = True
    with pytest.raises(Cancelled):
        next(steps)
    assert leftovers(tmp_path) == []


def test_abandoning_the_generator_leaves_nothing(
    inputs: Callable[[str], Path], tmp_path: Path
) -> None:
    steps = video.iter_compress(inputs("1080p30.mp4"), tmp_path / "out.mp4")
    next(steps)
    steps.close()
    assert leftovers(tmp_path) == []


# --- rejected inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("truncated-faststart.mp4", "cut short"),
        ("truncated-moov-last.mp4", "cut short"),
        ("truncated.webm", "ends early"),
        ("text.mp4", "is not a video that can be read"),
        ("empty.mp4", "is empty"),
        ("sound.mp4", "has no video stream"),
    ],
)
def test_bad_inputs_get_a_one_line_reason_and_no_output(
    inputs: Callable[[str], Path], tmp_path: Path, name: str, reason: str
) -> None:
    with pytest.raises(MediaError) as caught:
        video.compress(inputs(name), tmp_path / "out.mp4")
    assert reason in str(caught.value)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)
    assert leftovers(tmp_path) == []


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"nope\.mp4 was not found"):
        video.compress(tmp_path / "nope.mp4", tmp_path / "out.mp4")


# --- probe and test pattern --------------------------------------------------------------------


def test_probe_of_a_rotated_phone_clip_as_json(inputs: Callable[[str], Path]) -> None:
    report = probe_to_json(probe(inputs("phone.mov")))
    assert json.loads(json.dumps(report)) == report
    assert report["has_audio"] is True
    assert report["video"] == {
        "stream": 0,
        "codec": "hevc",
        "profile": "Main",
        "pixel_format": "yuv420p",
        "width": 640,
        "height": 360,
        "display_width": 360,
        "display_height": 640,
        "sample_aspect": "1",
        "fps": 30.0,
        "rotation": 90,
        "frame_count": 30,
        "color_range": "tv",
        "hdr_transfer": None,
    }
    assert report["duration_s"] == pytest.approx(1.0, abs=0.05)


def test_test_pattern_is_a_conforming_one_second_clip(tmp_path: Path) -> None:
    clip = video.encode_test_pattern(tmp_path / "self-check.mp4")
    assert clip.size_bytes == clip.path.stat().st_size
    assert_meets_contract(clip.path, size=(854, 480), frames=24)
    assert leftovers(tmp_path) == ["self-check.mp4"]


def test_test_pattern_labels_differ_without_a_font(tmp_path: Path) -> None:
    squat = video.encode_test_pattern(tmp_path / "a.mp4", duration_s=0.5, label="squat")
    deadlift = video.encode_test_pattern(tmp_path / "b.mp4", duration_s=0.5, label="deadlift")
    band = [read_frames(c.path)[0][0][:40].mean(axis=(0, 1)) for c in (squat, deadlift)]
    assert np.abs(band[0] - band[1]).max() > 20
    assert_meets_contract(squat.path, size=(854, 480), frames=12)
