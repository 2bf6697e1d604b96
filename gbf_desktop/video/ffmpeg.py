"""Finding and running the ffmpeg binary.

ffmpeg runs as a child process with an argument list built by `ffmpeg-python`, never through a
shell. Its progress is read from `-progress pipe:1` (key=value blocks meant for programs), not
scraped from the human log on stderr; stderr is only kept, as a short tail, to explain a failure.

`run` is a generator: it yields `Progress` while ffmpeg works and returns an `FfmpegOutcome`, so a
worker thread can forward progress and poll a cancel flag between blocks without this module knowing
about Qt. Cancelling, closing the generator early or any failure kills ffmpeg and deletes the
partial output, so no half-written file is ever left behind.
"""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from gbf_desktop.errors import MediaError

# The flags every run gets: no banner or interactive prompt, overwrite the (temporary) output,
# machine-readable progress on stdout and nothing but warnings and errors on stderr.
GLOBAL_ARGS: tuple[str, ...] = (
    "-hide_banner",
    "-nostdin",
    "-y",
    "-loglevel",
    "warning",
    "-progress",
    "pipe:1",
    "-nostats",
)
LOG_TAIL_LINES = 30
# How often a silent ffmpeg (opening a slow file, flushing the encoder) is checked for cancellation.
_POLL_S = 0.1

CancelCheck = Callable[[], bool]
T = TypeVar("T")


class Cancelled(Exception):
    """The user cancelled; the partial output has been deleted."""


class FfmpegError(MediaError):
    """ffmpeg exited with an error; `outcome.log_tail` holds the end of its log."""

    def __init__(self, message: str, outcome: FfmpegOutcome, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.outcome = outcome

    def details(self) -> str:
        """The message followed by ffmpeg's own last words, for a log file or a details pane."""
        return "\n".join([str(self), "ffmpeg said:", *self.outcome.log_tail])


@dataclass(frozen=True)
class FfmpegOutcome:
    """How one ffmpeg run ended."""

    exit_code: int
    log_tail: tuple[str, ...]
    output: Path
    out_time_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True)
class Progress:
    """One progress report: `fraction` is None while the total length is unknown."""

    fraction: float | None
    out_time_s: float
    frame: int | None = None
    speed: float | None = None
    finished: bool = False


def find_ffmpeg(configured: str | None = None) -> str:
    """The ffmpeg to run: the configured one (Settings.ffmpeg_path), else imageio-ffmpeg's."""
    if configured:
        if not Path(configured).is_file():
            raise MediaError(
                f"The configured ffmpeg {configured!r} does not exist.",
                hint="Unset GBF_FFMPEG to use the bundled ffmpeg, or point it at an ffmpeg binary.",
            )
        return configured
    try:
        import imageio_ffmpeg  # noqa: PLC0415 (its lookup touches the disk; only when needed)

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as err:
        raise MediaError(
            "No ffmpeg was found, so videos cannot be recorded or imported.",
            hint="Reinstall GoBeyondFit Desktop, or set GBF_FFMPEG to an ffmpeg binary.",
        ) from err


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip().rstrip("x"))
    except ValueError:
        # ffmpeg writes N/A before the first packet is muxed.
        return None


def parse_progress(lines: Iterable[str], duration_s: float | None) -> Iterator[Progress]:
    """Turn `-progress` output into one `Progress` per block.

    A block is a run of key=value lines closed by `progress=continue` or `progress=end`. The
    fraction is the muxed time over `duration_s`, clamped to [0, 1] because the last block can
    overshoot by a frame.
    """
    block: dict[str, str] = {}
    out_time_s = 0.0
    for raw in lines:
        key, sep, value = raw.strip().partition("=")
        if not sep:
            continue
        if key != "progress":
            block[key] = value
            continue
        # out_time_ms is microseconds despite its name; out_time_us is the honest spelling.
        micros = _number(block.get("out_time_us", block.get("out_time_ms")))
        if micros is not None and micros >= 0:
            out_time_s = micros / 1_000_000
        frame = _number(block.get("frame"))
        finished = value.strip() == "end"
        fraction: float | None = None
        if finished:
            fraction = 1.0
        elif duration_s is not None and duration_s > 0:
            fraction = min(1.0, max(0.0, out_time_s / duration_s))
        yield Progress(
            fraction=fraction,
            out_time_s=out_time_s,
            frame=None if frame is None else int(frame),
            speed=_number(block.get("speed")),
            finished=finished,
        )
        block = {}


def _pump(stream: IO[str], sink: Callable[[str | None], None]) -> None:
    # One thread per pipe: ffmpeg blocks if either pipe fills, and the main loop must stay free
    # to notice a cancellation even while ffmpeg says nothing.
    try:
        for line in stream:
            sink(line)
    finally:
        sink(None)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()


def run(
    args: Sequence[str],
    *,
    output: Path,
    duration_s: float | None = None,
    cancel: CancelCheck | None = None,
    doing: str = "process the video",
    stdin: int | None = None,
) -> Generator[Progress, None, FfmpegOutcome]:
    """Run ffmpeg (`args[0]` is the binary), yielding progress; return the outcome.

    `GLOBAL_ARGS` are inserted after the binary. Raises `FfmpegError` (a `MediaError`) on a non-zero
    exit and `Cancelled` when `cancel()` turns true; in both cases, and when the caller stops
    iterating early, ffmpeg is killed and `output` deleted. `stdin` is a file descriptor ffmpeg
    reads `pipe:0` from (the recorder's frame pipe); without it ffmpeg's standard input is closed.
    """
    argv = [args[0], *GLOBAL_ARGS, *args[1:]]
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    log: deque[str] = deque(maxlen=LOG_TAIL_LINES)

    def keep_log(line: str | None) -> None:
        if line and line.strip():
            log.append(line.rstrip())

    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            # A GUI app on Windows would otherwise flash a console window per encode.
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except OSError as err:
        raise MediaError(
            f"ffmpeg could not be started ({err.strerror or err}).",
            hint="Check that the ffmpeg binary exists and may be executed, or unset GBF_FFMPEG.",
        ) from err
    assert process.stdout is not None
    assert process.stderr is not None
    readers = [
        threading.Thread(target=_pump, args=(process.stdout, lines.put), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, keep_log), daemon=True),
    ]
    for reader in readers:
        reader.start()
    succeeded = False
    try:
        last_time = 0.0
        for progress in parse_progress(_drain(lines, cancel), duration_s):
            last_time = progress.out_time_s
            yield progress
        exit_code = process.wait()
        for reader in readers:
            reader.join()
        outcome = FfmpegOutcome(exit_code, tuple(log), output, last_time)
        if not outcome.ok:
            reason = _reason(log)
            raise FfmpegError(
                f"ffmpeg could not {doing} (exit code {exit_code}): {reason}", outcome
            )
        succeeded = True
        return outcome
    finally:
        _stop(process)
        process.stdout.close()
        process.stderr.close()
        if not succeeded:
            with contextlib.suppress(FileNotFoundError):
                output.unlink()


def _reason(log: deque[str]) -> str:
    if not log:
        return "it gave no reason"
    # "[in#0/mov @ 0x55...] Error ..." reads better without the component and the address.
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", log[-1]).strip() or log[-1]


def _drain(lines: queue.SimpleQueue[str | None], cancel: CancelCheck | None) -> Iterator[str]:
    while True:
        if cancel is not None and cancel():
            raise Cancelled
        try:
            line = lines.get(timeout=_POLL_S)
        except queue.Empty:
            continue
        if line is None:
            return
        yield line


def complete(
    steps: Generator[Progress, None, T], on_progress: Callable[[Progress], None] | None = None
) -> T:
    """Run a progress generator to its end and return its value (for headless callers)."""
    while True:
        try:
            progress = next(steps)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if on_progress is not None:
            on_progress(progress)
