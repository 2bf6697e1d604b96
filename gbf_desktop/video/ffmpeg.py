"""Finding and running the ffmpeg binary.

ffmpeg runs as a child process with an argument list built by `ffmpeg-python`, never through a
shell. Its progress is read from `-progress pipe:1` (key=value blocks meant for programs), not
scraped from the human log on stderr; stderr is only kept, as a short tail, to explain a failure.

`run` is a generator: it yields `Progress` while ffmpeg works and returns an `FfmpegOutcome`, so a
worker thread can forward progress and poll a cancel flag between blocks without this module knowing
about Qt. Cancelling, closing the generator early or any failure kills ffmpeg and deletes the
partial output, so no half-written file is ever left behind.

ffmpeg logs at the verbose level with each line tagged by its level (`-loglevel
repeat+level+verbose`): the failure tail keeps only warnings and errors, while the verbose
end-of-run statistics say how many packets the decoder read and how many it could not decode:
that is how a source damaged in the middle is measured, without a second decoding pass.

The child dies with the app. On Linux it asks the kernel for SIGKILL when its parent dies
(`PR_SET_PDEATHSIG`, set between fork and exec), so even a SIGKILL of the app leaves no encoder
running. On every POSIX system it runs in its own process group, so a terminal's Ctrl+C reaches only
the app, which then stops ffmpeg itself, and stopping it kills the whole group. macOS and Windows
have no parent-death signal: there ffmpeg is stopped on every exit path the app runs (the
generator's `finally`, and an `atexit` hook for threads still encoding); after a hard kill it runs
on until its input ends, writing only into a `*.partial` file that the next start sweeps.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from gbf_desktop.errors import MediaError, disk_full

# The flags every run gets: no banner or interactive prompt, overwrite the (temporary) output,
# machine-readable progress on stdout, and a level-tagged log on stderr (every repeated line
# kept, so damaged pictures can be counted).
GLOBAL_ARGS: tuple[str, ...] = (
    "-hide_banner",
    "-nostdin",
    "-y",
    "-loglevel",
    "repeat+level+verbose",
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
class DecodeStats:
    """What ffmpeg's decoder made of the first video input: its own end-of-run count."""

    packets: int
    frames: int
    # Packets the decoder refused outright, and pictures it decoded but flagged as corrupt
    # (patched over from their neighbours).
    errors: int
    corrupt: int = 0

    @property
    def damaged(self) -> int:
        return self.errors + self.corrupt


@dataclass(frozen=True)
class FfmpegOutcome:
    """How one ffmpeg run ended."""

    exit_code: int
    log_tail: tuple[str, ...]
    output: Path
    out_time_s: float = 0.0
    decode: DecodeStats | None = None

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
    """The ffmpeg to run, as a full path: the configured one (Settings.ffmpeg_path), else
    imageio-ffmpeg's own, else the system's on PATH (what a .deb that depends on ffmpeg has).

    A bare name (`GBF_FFMPEG=ffmpeg`, or imageio-ffmpeg's answer when it found the system's) is
    looked up on PATH, so every caller gets a path it can check and pass on.
    """
    if configured:
        resolved = configured if Path(configured).is_file() else shutil.which(configured)
        if resolved is None:
            raise MediaError(
                f"The configured ffmpeg {configured!r} does not exist.",
                hint="Unset GBF_FFMPEG to use the bundled ffmpeg, or point it at an ffmpeg binary.",
            )
        return resolved
    try:
        import imageio_ffmpeg  # noqa: PLC0415 (its lookup touches the disk; only when needed)

        found = str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as err:
        raise MediaError(
            "No ffmpeg was found, so videos cannot be recorded or imported.",
            hint="Reinstall GoBeyondFit Desktop, or set GBF_FFMPEG to an ffmpeg binary.",
        ) from err
    return found if Path(found).is_file() else shutil.which(found) or found


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
    except ValueError:
        # The pipe was closed under this thread (a reader that outlived its join's timeout):
        # that is the end of what ffmpeg said, not an error of its own.
        pass
    finally:
        sink(None)


# "[in#0/mov @ 0x5...] [verbose] Input stream #0:0 (video): 180 packets read (1934380 bytes);
#  163 frames decoded; 17 decode errors;"
_LEVEL = re.compile(r"\[(trace|debug|verbose|info|warning|error|fatal|panic)\](?: |$)")
_INPUT_STATS = re.compile(
    r"Input stream #0:\d+ \(video\): (\d+) packets read.*?(\d+) frames decoded"
    r"(?:; (\d+) decode errors)?"
)
_SERIOUS = frozenset({"warning", "error", "fatal", "panic"})
# What ffmpeg says after the cause, as it stops: never the reason itself.
_GIVING_UP = (
    "Conversion failed",
    "Nothing was written into output file",
    "Error while filtering",
    "Failed to inject frame into filter network",
    "Error reinitializing filters",
    "Error while processing the decoded data",
    "Task finished with error code",
    "Terminating thread with return code",
    "Error sending frames to consumers",
    "Error marking filters as finished",
)
_DISK_FULL_WORDS = ("No space left on device", "File too large", "Disk quota exceeded")


class _Log:
    """Sorts ffmpeg's level-tagged stderr: a tail of its complaints, and the decoder's counts."""

    def __init__(self) -> None:
        self.tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)
        # The error-level lines of that tail: the cause is the last one before ffmpeg's giving
        # up ("Conversion failed!", "Nothing was written into output file ...").
        self.error_lines: deque[str] = deque(maxlen=LOG_TAIL_LINES)
        self.packets: int | None = None
        self.frames = 0
        self.errors = 0
        self.corrupt = 0
        # Older ffmpeg versions print no statistics; their per-packet complaints are counted.
        self.refused_packets = 0
        self.disk_full = False
        # Until a tag is seen, lines count as complaints: an ffmpeg that tags nothing (a very
        # old one, a wrapper script) still gets its last words into the message.
        self._level = "warning"

    def add(self, line: str | None) -> None:
        if line is None or not line.strip():
            return
        text = line.rstrip()
        found = _LEVEL.search(text)
        if found is not None:
            self._level = found.group(1)
            # "[h264 @ 0x55..] [error] Invalid NAL" reads better without component and address.
            message = text[found.end() :].strip()
        else:
            message = text.strip()  # a continuation line of the previous message
        stats = _INPUT_STATS.search(message)
        if stats is not None and self.packets is None:
            self.packets, self.frames = int(stats.group(1)), int(stats.group(2))
            self.errors = int(stats.group(3) or 0)
        if self._level not in _SERIOUS or not message:
            return
        if message == "corrupt decoded frame":
            self.corrupt += 1
        elif message.startswith(("Error submitting packet to decoder", "error while decoding")):
            self.refused_packets += 1
        if any(words in message for words in _DISK_FULL_WORDS):
            self.disk_full = True
        if self._level != "warning":
            self.error_lines.append(message)
        self.tail.append(message)

    def decode_stats(self) -> DecodeStats | None:
        if self.packets is None:
            if not (self.refused_packets or self.corrupt):
                return None
            return DecodeStats(0, 0, self.refused_packets, self.corrupt)
        return DecodeStats(self.packets, self.frames, self.errors, self.corrupt)


# --- the child process ---------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1
_running: weakref.WeakSet[subprocess.Popen[str]] = weakref.WeakSet()
_atexit_registered = False


def _linux_death_signal() -> Callable[[], None] | None:
    """A pre-exec hook asking the kernel to SIGKILL the child when its parent dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # Looked up before the fork: the hook itself only makes one C call.
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between fork and prctl; then nobody would ever kill us.
        if os.getppid() != parent:
            os._exit(1)

    # The kernel ties the signal to the thread that forked, not the process: `run` keeps the
    # thread that started ffmpeg inside this generator until ffmpeg has exited, so that holds.
    return hook


def _spawn(argv: list[str], stdin: int | None) -> subprocess.Popen[str]:
    global _atexit_registered  # noqa: PLW0603 - one hook per process, registered on first use
    posix = os.name == "posix"
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
        preexec_fn=_linux_death_signal(),  # noqa: PLW1509 - one C call, looked up before fork
        process_group=0 if posix else None,
    )
    _running.add(process)
    if not _atexit_registered:
        atexit.register(_stop_all)
        _atexit_registered = True
    return process


def _stop_all() -> None:
    # Interpreter exit with an encode still running in a daemon thread (the OSes without a
    # parent-death signal rely on this).
    for process in list(_running):
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        if os.name == "posix":
            # The whole group: anything ffmpeg itself started goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    process.wait()
    _running.discard(process)


READER_NAME = "ffmpeg pipe reader"
# How long a stopped run waits for its pipe readers: they end as soon as the killed ffmpeg's
# pipes close, so this bounds only a process that somehow kept them open.
_READER_TIMEOUT_S = 5.0


def _join(readers: Sequence[threading.Thread], timeout_s: float | None = None) -> None:
    for reader in readers:
        reader.join(timeout_s)


def _killed_by_file_size_limit(exit_code: int) -> bool:
    sigxfsz = getattr(signal, "SIGXFSZ", None)
    return sigxfsz is not None and exit_code == -int(sigxfsz)


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
    exit, `DiskFull` when the output could not be written for lack of room, and `Cancelled` when
    `cancel()` turns true; in all cases, and when the caller stops iterating early, ffmpeg is
    killed and `output` deleted. `stdin` is a file descriptor ffmpeg reads `pipe:0` from (the
    recorder's frame pipe); without it ffmpeg's standard input is closed.
    """
    argv = [args[0], *GLOBAL_ARGS, *args[1:]]
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    log = _Log()

    try:
        process = _spawn(argv, stdin)
    except OSError as err:
        raise MediaError(
            f"ffmpeg could not be started ({err.strerror or err}).",
            hint="Check that the ffmpeg binary exists and may be executed, or unset GBF_FFMPEG.",
        ) from err
    assert process.stdout is not None
    assert process.stderr is not None
    readers = [
        threading.Thread(
            target=_pump, args=(process.stdout, lines.put), name=READER_NAME, daemon=True
        ),
        threading.Thread(
            target=_pump, args=(process.stderr, log.add), name=READER_NAME, daemon=True
        ),
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
        _join(readers)
        outcome = FfmpegOutcome(
            exit_code, tuple(log.tail), output, last_time, decode=log.decode_stats()
        )
        if not outcome.ok:
            if log.disk_full or _killed_by_file_size_limit(exit_code):
                raise disk_full(output.parent, doing)
            reason = _reason(log)
            raise FfmpegError(
                f"ffmpeg could not {doing} (exit code {exit_code}): {reason}", outcome
            )
        succeeded = True
        return outcome
    finally:
        _stop(process)
        # The readers finish on the killed process's end of file; closing the pipes under them
        # first made a failed or cancelled run's reader raise in its thread.
        _join(readers, timeout_s=_READER_TIMEOUT_S)
        process.stdout.close()
        process.stderr.close()
        if not succeeded:
            with contextlib.suppress(FileNotFoundError):
                output.unlink()


def _reason(log: _Log) -> str:
    """The line that says why: the last error before ffmpeg's giving up, else its last words."""
    for message in reversed(log.error_lines):
        if not message.startswith(_GIVING_UP):
            return message
    if not log.tail:
        return "it gave no reason"
    return log.tail[-1]


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
