"""The ffmpeg runner: locating the binary, reading `-progress`, turning failures into messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbf_desktop.errors import MediaError
from gbf_desktop.video.ffmpeg import (
    FfmpegError,
    Progress,
    complete,
    find_ffmpeg,
    parse_progress,
    run,
)

BLOCKS = """\
frame=0
out_time_us=N/A
speed=N/A
progress=continue
frame=12
out_time_us=500000
out_time=00:00:00.500000
speed=2.5x
progress=continue
frame=24
out_time_ms=1041667
speed=3x
progress=end
"""


def test_progress_blocks_become_fractions() -> None:
    reports = list(parse_progress(BLOCKS.splitlines(), duration_s=1.0))
    assert reports == [
        Progress(fraction=0.0, out_time_s=0.0, frame=0, speed=None),
        Progress(fraction=0.5, out_time_s=0.5, frame=12, speed=2.5),
        Progress(fraction=1.0, out_time_s=1.041667, frame=24, speed=3.0, finished=True),
    ]


def test_progress_without_a_known_length_has_no_fraction_until_the_end() -> None:
    fractions = [r.fraction for r in parse_progress(BLOCKS.splitlines(), duration_s=None)]
    assert fractions == [None, None, 1.0]


def test_progress_ignores_noise_lines() -> None:
    assert list(parse_progress(["", "garbage", "frame=3"], duration_s=1.0)) == []


def test_a_configured_ffmpeg_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        find_ffmpeg(str(tmp_path / "ffmpeg"))


def test_a_configured_ffmpeg_is_used_as_is(tmp_path: Path) -> None:
    binary = tmp_path / "ffmpeg"
    binary.write_bytes(b"")
    assert find_ffmpeg(str(binary)) == str(binary)


@pytest.mark.ffmpeg
def test_the_bundled_ffmpeg_is_found() -> None:
    assert Path(find_ffmpeg()).is_file()


@pytest.mark.ffmpeg
def test_a_failing_run_explains_itself_and_leaves_no_output(tmp_path: Path) -> None:
    output = tmp_path / "out.mp4"
    output.write_bytes(b"partial")
    args = [find_ffmpeg(), "-i", str(tmp_path / "missing.mov"), str(output)]
    with pytest.raises(FfmpegError) as caught:
        complete(run(args, output=output, doing="read the test file"))
    error = caught.value
    assert isinstance(error, MediaError)
    assert str(error).startswith("ffmpeg could not read the test file (exit code ")
    assert "No such file" in str(error)
    assert "\n" not in str(error)
    assert error.outcome.exit_code != 0
    assert any("missing.mov" in line for line in error.outcome.log_tail)
    assert "ffmpeg said:" in error.details()
    assert not output.exists()


@pytest.mark.ffmpeg
def test_a_successful_run_reports_progress_to_the_end(tmp_path: Path) -> None:
    output = tmp_path / "pattern.mkv"
    args = [find_ffmpeg(), "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=24:duration=1"]
    args += ["-c:v", "ffv1", str(output)]
    reports: list[Progress] = []
    outcome = complete(run(args, output=output, duration_s=1.0), reports.append)
    assert outcome.ok
    assert outcome.output == output
    assert output.stat().st_size > 0
    assert reports[-1].finished
    assert outcome.out_time_s == pytest.approx(1.0, abs=0.1)
