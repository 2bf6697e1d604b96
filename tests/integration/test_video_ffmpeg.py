"""The ffmpeg runner: locating the binary, reading `-progress`, turning failures into messages."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gbf_desktop.errors import MediaError
from gbf_desktop.video import ffmpeg
from gbf_desktop.video.ffmpeg import (
    READER_NAME,
    Cancelled,
    DecodeStats,
    FfmpegError,
    Progress,
    _Log,
    _reason,
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


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == READER_NAME]


@pytest.mark.ffmpeg
@pytest.mark.parametrize("how", ["cancelled", "abandoned"])
def test_a_stopped_run_ends_its_pipe_readers_before_closing_their_pipes(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing the pipes under a live reader made it raise in its thread (seen in a CI run, on a
    # loaded machine). A log reader held up once the run is stopping makes that reader late here.
    output = tmp_path / "long.mkv"
    # At the debug level ffmpeg writes its log all along, so the log reader is busy at the stop.
    args = [find_ffmpeg(), "-loglevel", "level+debug", "-re", "-f", "lavfi"]
    args += ["-i", "testsrc2=size=64x64:rate=24:duration=60", "-c:v", "ffv1", str(output)]
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: raised.append(hook.exc_value))
    stopping, held = threading.Event(), threading.Event()
    add = ffmpeg._Log.add

    def late_add(log: ffmpeg._Log, line: str | None) -> None:
        if stopping.is_set() and line is not None and not held.is_set():
            held.set()
            threading.Event().wait(0.5)  # a reader the scheduler left behind
        add(log, line)

    def stop() -> None:
        # The run stops only once its log reader is held up in the middle of its work.
        stopping.set()
        assert held.wait(10)

    monkeypatch.setattr(ffmpeg._Log, "add", late_add)
    reports: list[Progress] = []

    def cancel() -> bool:
        if len(reports) > 1:
            stop()
            return True
        return False

    steps = run(args, output=output, duration_s=60.0, cancel=cancel)
    if how == "cancelled":
        with pytest.raises(Cancelled):
            complete(steps, reports.append)
    else:
        reports.append(next(steps))
        stop()
        steps.close()  # the caller stops iterating: the generator is closed
    assert reports
    assert _readers() == []
    assert raised == []
    assert not output.exists()


LEVEL_TAGGED_LOG = """\
[in#0/mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] [verbose] Opening 'damaged.mp4' for reading
[h264 @ 0x558695a59400] [error] Invalid NAL unit size (883109050 > 9236).
[h264 @ 0x558695a59400] [error] missing picture in access unit with size 9917
[vist#0:0/h264 @ 0x55] [dec:h264 @ 0x55] [error] Error submitting packet to decoder: Invalid data
[vist#0:0/h264 @ 0x55] [dec:h264 @ 0x55] [warning] corrupt decoded frame
[libx264 @ 0x55] [info] frame I:4     Avg QP:20.02  size: 37207
[in#0/mov @ 0x55] [verbose]   Input stream #0:0 (video): 180 packets read (1934380 bytes); \
163 frames decoded; 17 decode errors;
[out#0/mp4 @ 0x55] [error] Error writing trailer: No space left on device
"""


def test_the_level_tagged_log_gives_a_tail_of_complaints_and_the_decoder_counts() -> None:
    log = _Log()
    for line in LEVEL_TAGGED_LOG.replace("\\\n", "").splitlines():
        log.add(line + "\n")
    assert log.decode_stats() == DecodeStats(packets=180, frames=163, errors=17, corrupt=1)
    stats = log.decode_stats()
    assert stats is not None
    assert stats.damaged == 18
    assert list(log.tail) == [
        "Invalid NAL unit size (883109050 > 9236).",
        "missing picture in access unit with size 9917",
        "Error submitting packet to decoder: Invalid data",
        "corrupt decoded frame",
        "Error writing trailer: No space left on device",
    ]
    assert log.disk_full


# How ffmpeg 9 fails when a filter cannot convert: the cause first, then four lines giving up.
FILTER_FAILURE_LOG = """\
[hevc @ 0x55] [error] Invalid NAL unit 41, skipping.
[Parsed_zscale_1 @ 0x55] [error] code 3074: no path between colorspaces
[vf#0:0 @ 0x55] [error] Error while filtering: Generic error in an external library
[vf#0:0 @ 0x55] [error] Task finished with error code: -542398533 (Generic error in an external \
library)
[vf#0:0 @ 0x55] [verbose] Terminating thread with return code -542398533
[out#0/mp4 @ 0x55] [error] Nothing was written into output file, because at least one of its \
streams received no packets.
[aost#0:1/aac @ 0x55] [warning] Qavg: 1.000
"""


def test_a_failure_names_its_cause_not_ffmpeg_giving_up() -> None:
    log = _Log()
    for line in FILTER_FAILURE_LOG.replace("\\\n", "").splitlines():
        log.add(line + "\n")
    assert _reason(log) == "code 3074: no path between colorspaces"
    quiet = _Log()
    quiet.add("something odd happened\n")
    assert _reason(quiet) == "something odd happened"
    assert _reason(_Log()) == "it gave no reason"


def test_an_older_ffmpeg_without_statistics_still_has_its_damage_counted() -> None:
    log = _Log()
    for line in (
        "[h264 @ 0x1] [error] error while decoding MB 3 4, bytestream -5",
        "[h264 @ 0x1] [warning] corrupt decoded frame",
        "[h264 @ 0x1] [info] nothing to see",
    ):
        log.add(line)
    assert log.decode_stats() == DecodeStats(packets=0, frames=0, errors=1, corrupt=1)
    assert not log.disk_full


def test_a_bare_program_name_is_found_on_path_and_returned_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a .deb that depends on Debian's ffmpeg gives: no bundled binary, `ffmpeg` on PATH.
    program = tmp_path / "bin" / "ffmpeg"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(program.parent))
    assert find_ffmpeg("ffmpeg") == str(program)
    # Passing the answer on (as the self-check and the encoders do) finds the same program.
    assert find_ffmpeg(find_ffmpeg("ffmpeg")) == str(program)
    with pytest.raises(MediaError, match="'no-such-ffmpeg' does not exist"):
        find_ffmpeg("no-such-ffmpeg")
