"""Instant replay at the rack: the camera's picture from N seconds ago, and keeping what was shown.

An athlete lifts, walks back to the screen and watches the lift they just did: the screen shows the
camera delayed by 0-30 s (changed while it runs). "Keep the last 15 s" turns the 15 s that were
just shown into a take in the clip contract, encoded in the background while the replay goes on.

Memory stays bounded by keeping pictures JPEG-compressed (`cv2.imencode`, quality 85) and only as
far back as the delay plus the 15 s a take may need: a 720p picture is ~2.7 MB raw and a few tens
of kilobytes as JPEG, so 30 s of 720p at 30 fps is tens of megabytes instead of 2.5 GB (measured
by `bench/delay.py`). Encoding a 720p picture takes a few milliseconds, well inside the 33 ms
between two pictures at 30 fps, so the capture loop never falls behind on 2 cores.

`DelayedReplay.step()` is the capture loop's body, like `Recorder.step()`: it reads one picture,
stores it and returns every stored picture that has now been due for `delay_s`, decoded, in order;
so at a steady delay each captured picture is shown exactly once. Nothing here knows about Qt.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import cv2
import ffmpeg as ffmpeg_python
import numpy as np

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError, ValidationError
from gbf_desktop.video.camera import CameraSource, Frame, Image
from gbf_desktop.video.compress import (
    EncodedClip,
    _encoder_options,
    _facts,
    _partial_path,
    _picture,
)
from gbf_desktop.video.ffmpeg import CancelCheck, Cancelled, complete, find_ffmpeg, run

MIN_DELAY_S, MAX_DELAY_S = clips.REPLAY_MIN_DELAY_S, clips.REPLAY_MAX_DELAY_S
DEFAULT_DELAY_S = clips.REPLAY_DEFAULT_DELAY_S
KEEP_S = clips.REPLAY_KEEP_S
JPEG_QUALITY = 85
# Half a second of raw pictures between the camera and the compressor (40 MB at 720p).
_QUEUE_PICTURES = 15
_POLL_S = 0.1
# A second beyond what a take can reach, so a take asked for at the very edge still finds its
# first picture.
_SPARE_S = 1.0


def validate_delay(delay_s: float) -> float:
    if not MIN_DELAY_S <= delay_s <= MAX_DELAY_S:
        raise ValidationError(
            f"The replay delay is {MIN_DELAY_S:g} to {MAX_DELAY_S:g} seconds, not {delay_s:g}."
        )
    return float(delay_s)


@dataclass(frozen=True)
class Stored:
    timestamp_s: float
    index: int
    jpeg: bytes

    def decoded(self) -> Frame:
        return Frame(decode_jpeg(self.jpeg), self.timestamp_s, self.index)


def encode_jpeg(image: Image, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise MediaError("A camera picture could not be compressed for the replay.")
    return data.tobytes()


def decode_jpeg(data: bytes) -> Image:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise MediaError("A stored replay picture could not be read back.")
    return np.asarray(image, dtype=np.uint8)


class DelayedReplay:
    """The camera delayed by `delay_s`, with the last pictures kept compressed.

    `step()` belongs to the capture thread; a compressor thread JPEG-encodes what it captured
    (cv2 releases the GIL, so on 2 cores the capture loop only reads, queues and decodes what is
    shown); `delay_s` may be set and `take()` called from any thread. Use as a context manager,
    or call `close()`, to stop the compressor.
    """

    def __init__(self, source: CameraSource, *, delay_s: float = DEFAULT_DELAY_S) -> None:
        self.source = source
        self._delay_s = validate_delay(delay_s)
        self._store: deque[Stored] = deque()
        self._lock = threading.Condition()
        self._pending: deque[float] = deque()  # capture times queued, not yet compressed
        self._queue: queue.Queue[Frame | None] = queue.Queue(maxsize=_QUEUE_PICTURES)
        self._failure: BaseException | None = None
        self._next_shown = 0  # the history number (count of pictures stored before it)
        self._applied_delay_s = self._delay_s
        self._stored_total = 0
        self.captured = 0
        self.shown = 0
        # Pictures the camera made while the loop was busy: gaps in the frame numbers.
        self.dropped = 0
        self.last_shown_s: float | None = None
        self._last_index: int | None = None
        self._compressor = threading.Thread(target=self._compress, name="replay-jpeg", daemon=True)
        self._compressor.start()

    def close(self) -> None:
        if self._compressor.is_alive():
            self._queue.put(None)
            self._compressor.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- settings ------------------------------------------------------------------------------

    @property
    def delay_s(self) -> float:
        return self._delay_s

    @delay_s.setter
    def delay_s(self, value: float) -> None:
        self._delay_s = validate_delay(value)

    # --- the capture loop ----------------------------------------------------------------------

    def step(self) -> list[Stored] | None:
        """Read one picture and queue it for compression; the pictures due now (oldest first,
        still compressed), or None at the end of a finite source.

        The pictures come back as JPEG so that the capture loop never decodes: the screen does
        (`QImage.fromData` on the GUI thread, or `decode_jpeg`), leaving this loop free to read
        the camera on time.
        """
        if self._failure is not None:
            raise MediaError(f"The replay stopped: {self._failure}") from self._failure
        frame = self.source.read()
        if frame is None:
            return None
        if self._last_index is not None and frame.index > self._last_index + 1:
            self.dropped += frame.index - self._last_index - 1
        self._last_index = frame.index
        self.captured += 1
        with self._lock:
            self._pending.append(frame.timestamp_s)
        # Blocking: a compressor that falls behind by more than the queue holds makes the camera
        # skip pictures, which the frame numbers then count as dropped.
        self._queue.put(frame)
        with self._lock:
            cutoff = frame.timestamp_s - self._delay_s + 1e-6
            # A picture due now but still being compressed is waited for (a few milliseconds,
            # only at the shortest delays), so none is skipped.
            while self._pending and self._pending[0] <= cutoff and self._failure is None:
                self._lock.wait(_POLL_S)
            self._forget_older_than(frame.timestamp_s)
            due = self._due(frame.timestamp_s)
        self.shown += len(due)
        if due:
            self.last_shown_s = due[-1].timestamp_s
        return due

    def _compress(self) -> None:
        try:
            while (frame := self._queue.get()) is not None:
                stored = Stored(frame.timestamp_s, frame.index, encode_jpeg(frame.image))
                with self._lock:
                    self._store.append(stored)
                    self._stored_total += 1
                    self._pending.popleft()
                    self._lock.notify_all()
        except BaseException as err:  # handed to the capture loop, which raises it
            with self._lock:
                self._failure = err
                self._lock.notify_all()

    def _forget_older_than(self, now_s: float) -> None:
        horizon = now_s - (self._delay_s + KEEP_S + _SPARE_S)
        while self._store and self._store[0].timestamp_s < horizon:
            self._store.popleft()

    def _due(self, now_s: float) -> list[Stored]:
        """Stored pictures whose moment plus the delay has come, not shown yet.

        At a steady delay that is every picture once, in order (two at once after a camera's
        hiccup). A delay changed while running jumps: a longer one goes back to the picture
        of `delay_s` ago and plays on from there, a shorter one forward to it, skipping the
        pictures in between, as a viewer expects of a time shift.
        """
        cutoff = now_s - self._delay_s + 1e-6
        times = [s.timestamp_s for s in self._store]
        end = bisect.bisect_right(times, cutoff)
        oldest = self._stored_total - len(self._store)  # history number of store[0]
        start = max(0, self._next_shown - oldest)
        if self._delay_s != self._applied_delay_s:
            self._applied_delay_s = self._delay_s
            start = max(0, end - 1)
        self._next_shown = oldest + end
        return list(self._store)[start:end] if end > start else []

    # --- memory and takes ----------------------------------------------------------------------

    @property
    def memory_bytes(self) -> int:
        with self._lock:
            return sum(len(s.jpeg) for s in self._store)

    @property
    def stored_pictures(self) -> int:
        with self._lock:
            return len(self._store)

    @property
    def stored_s(self) -> float:
        with self._lock:
            if len(self._store) < 2:
                return 0.0
            return self._store[-1].timestamp_s - self._store[0].timestamp_s

    def take(self, seconds: float = KEEP_S) -> list[Stored]:
        """The pictures of the last `seconds` that were shown (compressed, immutable): what
        `encode_take` turns into a clip while the replay goes on."""
        if not 0 < seconds <= KEEP_S:
            raise ValidationError(f"A take lasts up to {KEEP_S:g} s.")
        with self._lock:
            if self.last_shown_s is None:
                raise MediaError(
                    "Nothing has been shown yet, so there is nothing to keep.",
                    hint="Wait until the delayed picture shows, then keep it.",
                )
            end = self.last_shown_s
            start = end - seconds + 1e-6
            # Strictly under `seconds` long from its first picture to one frame past its last.
            return [s for s in self._store if start < s.timestamp_s <= end]


def encode_take(
    pictures: Sequence[Stored],
    output: Path,
    *,
    ffmpeg_path: str | None = None,
    cancel: CancelCheck | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> EncodedClip:
    """Encode kept replay pictures into a contract clip at `output` (nothing left on failure).

    Each picture fills the 1/24 s slot of its capture time, as the recorder does; a camera faster
    than 24 fps has pictures skipped, a slower one repeated, so the clip keeps real time.
    """
    if not pictures:
        raise MediaError("There is no picture to keep.", hint="Wait for the replay to show.")
    first = decode_jpeg(pictures[0].jpeg)
    size = clips.output_size(first.shape[1], first.shape[0])
    return encode_pictures(
        _slot_pictures(pictures, size),
        size,
        len(_slots(pictures)),
        output,
        ffmpeg_path=ffmpeg_path,
        cancel=cancel,
        on_progress=on_progress,
        doing="encode the kept replay",
    )


def encode_pictures(
    pictures: Iterable[Image],
    size: clips.Size,
    count: int,
    output: Path,
    *,
    ffmpeg_path: str | None = None,
    cancel: CancelCheck | None = None,
    on_progress: Callable[[float], None] | None = None,
    doing: str = "encode the clip",
) -> EncodedClip:
    """Encode `count` BGR pictures of `size`, one per 1/24 s, into a checked contract clip.

    Pictures go through a pipe to ffmpeg with the contract's settings (those of `compress`); the
    result is checked against the contract in a partial file beside `output` and only then moved
    into place, so `output` holds a conforming clip or nothing.
    """
    exe = find_ffmpeg(ffmpeg_path)
    partial = _partial_path(output)
    source = ffmpeg_python.input(
        "pipe:0", f="rawvideo", pix_fmt="bgr24", s=f"{size.width}x{size.height}", r=clips.FPS
    )
    args: list[str] = ffmpeg_python.output(
        _picture(source, size),
        str(partial),
        **_encoder_options(clips.TARGET_BITRATE, audio_channels=None),
    ).compile(cmd=exe)
    output.parent.mkdir(parents=True, exist_ok=True)
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def encode() -> None:
        try:
            complete(run(args, output=partial, cancel=cancel, doing=doing, stdin=read_fd))
        except BaseException as err:  # handed to the writing thread below
            failure.append(err)
        finally:
            os.close(read_fd)

    encoder = threading.Thread(target=encode, name="picture-encoder", daemon=True)
    encoder.start()
    try:
        with os.fdopen(write_fd, "wb", closefd=True) as pipe:
            for slot, picture in enumerate(pictures):
                if failure:
                    break
                if cancel is not None and cancel():
                    failure.append(Cancelled())
                    break
                if picture.shape != (size.height, size.width, 3):
                    raise ValueError(f"picture {slot} is {picture.shape}, not {size}")
                pipe.write(np.ascontiguousarray(picture).data)
                if on_progress is not None:
                    on_progress(min(1.0, (slot + 1) / max(1, count)))
    except BrokenPipeError:
        pass  # ffmpeg died; its reason is in `failure`
    except BaseException:
        encoder.join()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    encoder.join()
    if failure:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        err = failure[0]
        if isinstance(err, MediaError | Cancelled):
            raise err
        raise MediaError(f"ffmpeg could not {doing} ({err}).") from err
    return _check_and_place(partial, output)


def _slots(pictures: Sequence[Stored]) -> list[int]:
    """For each 1/24 s slot of the clip, the picture that fills it: the newest taken at or
    before the slot's moment."""
    t0 = pictures[0].timestamp_s
    count = round((pictures[-1].timestamp_s - t0) * clips.FPS) + 1
    count = min(round(clips.MAX_DURATION_S * clips.FPS), count)
    times = [p.timestamp_s for p in pictures]
    return [
        max(0, bisect.bisect_right(times, t0 + slot / clips.FPS + 1e-6) - 1)
        for slot in range(count)
    ]


def _slot_pictures(pictures: Sequence[Stored], size: clips.Size) -> Iterator[Image]:
    previous: tuple[int, Image] | None = None
    for k in _slots(pictures):
        if previous is None or previous[0] != k:
            image = decode_jpeg(pictures[k].jpeg)
            if (image.shape[1], image.shape[0]) != (size.width, size.height):
                image = np.asarray(
                    cv2.resize(image, (size.width, size.height), interpolation=cv2.INTER_AREA),
                    dtype=np.uint8,
                )
            previous = (k, np.ascontiguousarray(image))
        yield previous[1]


def _check_and_place(partial: Path, output: Path) -> EncodedClip:
    facts, _info = _facts(partial)
    problems = clips.contract_violations(facts)
    if problems:
        partial.unlink()
        raise MediaError(
            "The kept replay does not meet the clip format: " + "; ".join(problems) + ".",
            hint="This is a bug in GoBeyondFit Desktop; please report it.",
        )
    os.replace(partial, output)
    return EncodedClip(
        path=output,
        size_bytes=facts.size_bytes,
        duration_s=facts.duration_s,
        width=facts.width,
        height=facts.height,
        video_bitrate=clips.TARGET_BITRATE,
        has_audio=False,
    )
