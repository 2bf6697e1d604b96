"""Recording from a camera with the real ffmpeg, each clip read back by independent means.

Real-time tests stay short (3 s at most); the 15 s limit is checked with a fake clock driving the
test pattern, so the recorder sees fifteen seconds of pictures in a fraction of that.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import pytest

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.video import mp4
from gbf_desktop.video.camera import CameraSource, FileCamera, Frame, TestPatternCamera
from gbf_desktop.video.ffmpeg import Cancelled
from gbf_desktop.video.probe import probe
from gbf_desktop.video.recorder import Recorder, record
from tests import video_inputs

pytestmark = pytest.mark.ffmpeg


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class BreakingCamera(CameraSource):
    """The test pattern until picture `breaks_at`, then an unplugged webcam."""

    def __init__(self, breaks_at: int) -> None:
        clock = FakeClock()
        self._inner = TestPatternCamera(clips.Size(640, 360), 30, clock=clock, sleep=clock.sleep)
        self._breaks_at = breaks_at
        self.name = "Breaking camera"

    @property
    def size(self) -> clips.Size:
        return self._inner.size

    @property
    def fps(self) -> float:
        return self._inner.fps

    def open(self) -> None:
        self._inner.open()

    def read(self) -> Frame | None:
        frame = self._inner.read()
        if frame is not None and frame.index >= self._breaks_at:
            raise MediaError("Breaking camera stopped delivering pictures (unplugged).")
        return frame

    def close(self) -> None:
        self._inner.close()


def frame_count(path: Path) -> int:
    """Pictures in the file, counted by decoding with OpenCV rather than trusting a header."""
    capture = cv2.VideoCapture(str(path))
    count = 0
    try:
        while capture.grab():
            count += 1
    finally:
        capture.release()
    return count


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def fake_pattern(size: clips.Size, fps: float) -> TestPatternCamera:
    clock = FakeClock()
    return TestPatternCamera(size, fps, clock=clock, sleep=clock.sleep)


def test_three_seconds_from_a_720p30_camera_make_a_contract_clip(tmp_path: Path) -> None:
    output = tmp_path / "clip.mp4"
    result = record(TestPatternCamera(clips.Size(1280, 720), 30), output, max_duration_s=3.0)

    assert result.clip.path == output
    assert leftovers(tmp_path) == ["clip.mp4"]
    assert result.dropped_frames == 0
    # 90 camera pictures resampled to 72: every fifth one has no slot of its own.
    assert result.frames == 72
    assert result.skipped_frames == pytest.approx(18, abs=2)
    assert abs(frame_count(output) - 72) <= 2
    info = probe(output)
    assert (info.codec, info.profile, info.pixel_format) == ("h264", "Main", "yuv420p")
    assert (info.width, info.height) == (854, 480)
    assert info.fps == pytest.approx(24.0)
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert not info.has_audio
    assert mp4.read_layout(output).moov_before_mdat
    assert result.clip.size_bytes == output.stat().st_size <= clips.MAX_BYTES
    # Encoding while recording is the point: the clip is ready well within a second of the stop.
    assert result.stop_to_ready_s < 1.0


def test_the_stop_button_ends_a_short_clip(tmp_path: Path) -> None:
    output = tmp_path / "short.mp4"

    def press_stop_after_a_second(_frame: Frame, recorder: Recorder) -> None:
        if recorder.elapsed_s >= 1.0:
            recorder.stop()

    result = record(
        fake_pattern(clips.Size(640, 360), 24), output, on_frame=press_stop_after_a_second
    )

    assert 24 <= result.frames <= 26
    assert abs(frame_count(output) - result.frames) <= 1
    assert probe(output).duration_s == pytest.approx(result.frames / 24, abs=0.05)


def test_recording_stops_by_itself_at_fifteen_seconds(tmp_path: Path) -> None:
    output = tmp_path / "long.mp4"
    started = time.monotonic()
    with (
        fake_pattern(clips.Size(640, 360), 30) as camera,
        Recorder(camera, output) as recorder,
    ):
        steps = 0
        while recorder.step() is not None:
            steps += 1
            assert recorder.remaining_s == pytest.approx(15.0 - recorder.elapsed_s)
        assert recorder.stop_reason == "the time limit was reached"
        assert recorder.elapsed_s == 15.0
        # Once stopped, it stays stopped: the loop cannot run past the limit by calling again.
        assert recorder.step() is None
        clip = recorder.finish()
    # Pictures at 0 .. 14.97 s: 450 from the camera, resampled to exactly 15 s at 24 fps.
    assert steps == 450
    assert recorder.written_frames == 360
    assert clip.duration_s == pytest.approx(15.0)
    assert frame_count(output) == 360
    assert clips.expected_frames(probe(output).duration_s) == 360
    assert time.monotonic() - started < 15.0


def test_a_slow_camera_has_pictures_repeated_to_keep_time(tmp_path: Path) -> None:
    output = tmp_path / "slow.mp4"
    result = record(fake_pattern(clips.Size(320, 240), 12), output, max_duration_s=2.0)
    assert result.frames == 48
    assert result.skipped_frames == 0
    # Every other slot is a repeat at least (more if the fake clock outran the encoder).
    assert result.repeated_frames >= 23
    assert frame_count(output) == 48
    assert (probe(output).width, probe(output).height) == (320, 240)


def test_a_file_camera_that_ends_ends_the_recording(tmp_path: Path) -> None:
    source = video_inputs.faststart_mp4(tmp_path / "source.mp4", duration=2.0)
    clock = FakeClock()
    camera = FileCamera(source, clock=clock, sleep=clock.sleep)
    output = tmp_path / "out" / "from-file.mp4"
    with camera, Recorder(camera, output) as recorder:
        while recorder.step() is not None:
            pass
        assert recorder.stop_reason == "the source ended"
        clip = recorder.finish()
    assert clip.duration_s == pytest.approx(2.0, abs=1 / 24)
    # Never enlarged: a 360p source stays 360p.
    assert (clip.width, clip.height) == (640, 360)


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    output = tmp_path / "cancelled.mp4"
    with TestPatternCamera(clips.Size(640, 360), 30) as camera:
        recorder = Recorder(camera, output)
        while recorder.step() is not None and recorder.elapsed_s < 0.5:
            pass
        assert recorder.written_frames > 0 or recorder.recording
        recorder.cancel()
        recorder.cancel()
        assert recorder.step() is None
    assert leftovers(tmp_path) == []


def test_a_cancel_check_in_the_headless_loop_leaves_no_file(tmp_path: Path) -> None:
    calls = 0

    def cancel_after_ten_pictures() -> bool:
        nonlocal calls
        calls += 1
        return calls > 10

    with pytest.raises(Cancelled):
        record(
            fake_pattern(clips.Size(640, 360), 30),
            tmp_path / "clip.mp4",
            cancel=cancel_after_ten_pictures,
        )
    assert leftovers(tmp_path) == []


def test_a_camera_failing_mid_recording_is_a_media_error_and_no_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="stopped delivering pictures"):
        record(BreakingCamera(breaks_at=40), tmp_path / "clip.mp4")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="the broken encoder is a shell script")
def test_an_encoder_dying_mid_recording_is_a_media_error_and_no_file(tmp_path: Path) -> None:
    broken = tmp_path / "bin" / "ffmpeg"
    broken.parent.mkdir()
    broken.write_text(
        "#!/bin/sh\nhead -c 2000000 >/dev/null\necho 'Conversion failed: disk full' >&2\nexit 1\n"
    )
    broken.chmod(0o755)
    clips_dir = tmp_path / "clips"
    with pytest.raises(MediaError, match="disk full"):
        record(
            fake_pattern(clips.Size(640, 360), 30), clips_dir / "clip.mp4", ffmpeg_path=str(broken)
        )
    assert leftovers(clips_dir) == []


def test_finishing_before_any_picture_says_nothing_was_recorded(tmp_path: Path) -> None:
    with fake_pattern(clips.Size(320, 240), 30) as camera:
        recorder = Recorder(camera, tmp_path / "clip.mp4")
        recorder.stop()
        assert recorder.step() is None
        with pytest.raises(MediaError, match="Nothing was recorded"):
            recorder.finish()
    assert leftovers(tmp_path) == []


def test_a_recording_longer_than_the_contract_is_refused_up_front(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="up to 15"):
        Recorder(fake_pattern(clips.Size(320, 240), 30), tmp_path / "c.mp4", max_duration_s=16)
