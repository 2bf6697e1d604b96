"""Recording a clip from a camera, encoded while it is being recorded.

Pictures go from the camera to an ffmpeg process through a pipe as raw BGR bytes, and ffmpeg
encodes them with the clip contract's own settings (the ones `compress` uses), so when the coach
presses stop the clip only needs its last second flushed and its index moved to the front: it is
ready about a second later instead of after a full encode.

Three parties share the work:

- the capture loop, `Recorder.step()`, driven by the caller (a Qt worker, `record()`, a test):
  reads one picture, decides which 1/24 s slot of the clip it fills, hands it on and returns it
  for the preview. It never waits for the encoder.
- a writer thread feeding the pipe from a short queue. When the queue is full the encoder is
  behind and the picture is *dropped* (counted in `dropped_frames`); the writer later repeats the
  previous picture for the missing slot so the clip keeps real time.
- an encoder thread running ffmpeg through `ffmpeg.run`, which turns a failure into a message
  with ffmpeg's last words and deletes the partial file on failure or cancellation.

The clip is constant 24 fps by construction: a picture's slot is its capture time since the first
picture, rounded to 1/24 s. A faster camera has pictures skipped (two for one slot), a slower one
has pictures repeated; only a full queue counts as dropped. Recording stops by itself when a
picture's slot would pass 15.0 s. Nothing here knows about Qt: elapsed time and the dropped count
are plain attributes for the UI to show.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import cv2
import ffmpeg as ffmpeg_python
import numpy as np

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.video.camera import CameraSource, Frame, Image

# Shared with `compress` on purpose: a recorded clip and an imported one must be encoded alike.
from gbf_desktop.video.compress import (
    EncodedClip,
    _encoder_options,
    _facts,
    _partial_path,
    _picture,
)
from gbf_desktop.video.ffmpeg import (
    CancelCheck,
    Cancelled,
    FfmpegOutcome,
    complete,
    find_ffmpeg,
    run,
)

# Half a second of pictures between the camera and the encoder: enough to ride out a hiccup (a
# keyframe, a busy disk), short enough that the stop-to-ready time stays well under a second and a
# 1080p queue stays under 100 MB.
DEFAULT_QUEUE_FRAMES = clips.FPS // 2
# How long finish() waits for a stuck writer or encoder before calling the recording failed.
_FINISH_TIMEOUT_S = 30.0
_POLL_S = 0.1


@dataclass(frozen=True)
class _End:
    """The writer's last instruction: make the clip `slots` pictures long, then close the pipe."""

    slots: int


@dataclass(frozen=True)
class Recording:
    """A finished recording: the stored-format clip and how the capture went."""

    clip: EncodedClip
    frames: int
    dropped_frames: int
    repeated_frames: int
    skipped_frames: int
    stop_to_ready_s: float


class Recorder:
    """One recording from an open camera into `output` (a contract clip, or nothing).

    Use: call `step()` until it returns None (auto-stop at `max_duration_s`, `stop()`, or the end
    of a finite source), then `finish()` for the clip; `cancel()` at any point deletes everything.
    `stop()` and `cancel()` may be called from another thread; `step()` and `finish()` belong to
    the thread running the loop. Used as a context manager, leaving the block without `finish()`
    cancels.
    """

    def __init__(
        self,
        source: CameraSource,
        output: Path,
        *,
        ffmpeg_path: str | None = None,
        max_duration_s: float = clips.MAX_DURATION_S,
        queue_frames: int = DEFAULT_QUEUE_FRAMES,
    ) -> None:
        if not 0 < max_duration_s <= clips.MAX_DURATION_S:
            raise ValueError(f"a recording lasts up to {clips.MAX_DURATION_S} s")
        self.source = source
        self.output = Path(output)
        self.max_duration_s = max_duration_s
        # Slot n holds the picture taken n/24 s after the first one; the limit is exclusive, so a
        # 15 s recording has exactly 360 pictures.
        self.max_slots = round(max_duration_s * clips.FPS)
        self._exe = find_ffmpeg(ffmpeg_path)
        self._partial = _partial_path(self.output)
        self._queue: queue.Queue[tuple[int, Image] | _End] = queue.Queue(maxsize=queue_frames)
        self._stop_requested = threading.Event()
        self._cancelled = threading.Event()
        self._writer: threading.Thread | None = None
        self._encoder: threading.Thread | None = None
        self._encoder_failure: BaseException | None = None
        self._writer_failure: OSError | None = None
        self._outcome: FfmpegOutcome | None = None
        self._picture_shape: tuple[int, int, int] | None = None
        self._first_s: float | None = None
        self._last_slot = -1
        self._end_slots: int | None = None
        self._stopped_at: float | None = None
        self._done = False
        # Plain values for the UI, updated by the capture loop (and the writer, for `written`).
        self.elapsed_s = 0.0
        self.dropped_frames = 0
        self.repeated_frames = 0
        self.skipped_frames = 0
        self.written_frames = 0
        self.stop_reason: str | None = None
        self.stop_to_ready_s: float | None = None

    # --- the capture loop ----------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._stopped_at is None and not self._done

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.max_duration_s - self.elapsed_s)

    def stop(self) -> None:
        """Ask the loop to stop; the next `step()` returns None. Safe from any thread."""
        self._stop_requested.set()

    def step(self) -> Frame | None:
        """Capture one picture and queue it for the encoder; None once the recording has stopped.

        The returned frame is the live preview. Raises `MediaError` when the camera or the encoder
        fails, after deleting the partial clip.
        """
        if not self.recording:
            return None
        if self._stop_requested.is_set():
            self._mark_stopped("stopped")
            return None
        try:
            self._raise_if_encoder_failed()
            frame = self.source.read()
        except BaseException:
            self.cancel()
            raise
        if frame is None:
            self._mark_stopped("the source ended")
            return None
        if self._first_s is None:
            self._first_s = frame.timestamp_s
        offset_s = frame.timestamp_s - self._first_s
        slot = round(offset_s * clips.FPS)
        if slot >= self.max_slots:
            # Time is up: the previous picture stays on screen until the limit, so a slow camera
            # still fills the clip to its full length.
            self._end_slots = self.max_slots
            self.elapsed_s = self.max_duration_s
            self._mark_stopped("the time limit was reached")
            return None
        self.elapsed_s = max(self.elapsed_s, offset_s)
        if slot <= self._last_slot:
            # A camera faster than 24 fps: this slot already has its picture.
            self.skipped_frames += 1
            return frame
        image = self._fit(frame.image)
        if self._encoder is None:
            self._start_encoder(image)
        try:
            self._queue.put_nowait((slot, image))
        except queue.Full:
            self.dropped_frames += 1
        self._last_slot = slot
        return frame

    def _fit(self, image: Image) -> Image:
        if self._picture_shape is None:
            self._picture_shape = (image.shape[0], image.shape[1], 3)
        height, width, _ = self._picture_shape
        if image.shape != self._picture_shape:
            # The pipe carries fixed-size pictures: one of another size would shear every later
            # one. Some webcam drivers switch size after the first picture.
            image = np.asarray(
                cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
            )
        # The writer hands the array's memory to the pipe as it is, which needs one flat block.
        return np.ascontiguousarray(image)

    def _mark_stopped(self, reason: str) -> None:
        if self._stopped_at is None:
            self._stopped_at = time.perf_counter()
            self.stop_reason = reason

    # --- the encoder and the writer ------------------------------------------------------------

    def _start_encoder(self, first: Image) -> None:
        height, width = first.shape[0], first.shape[1]
        size = clips.output_size(width, height)
        source = ffmpeg_python.input(
            "pipe:0", f="rawvideo", pix_fmt="bgr24", s=f"{width}x{height}", r=clips.FPS
        )
        options = _encoder_options(clips.TARGET_BITRATE, audio_channels=None)
        args: list[str] = ffmpeg_python.output(
            _picture(source, size), str(self._partial), **options
        ).compile(cmd=self._exe)
        self.output.parent.mkdir(parents=True, exist_ok=True)
        read_fd, write_fd = os.pipe()
        self._encoder = threading.Thread(
            target=self._encode, args=(args, read_fd), name="clip-encoder", daemon=True
        )
        self._writer = threading.Thread(
            target=self._write, args=(write_fd,), name="clip-writer", daemon=True
        )
        self._encoder.start()
        self._writer.start()

    def _encode(self, args: list[str], read_fd: int) -> None:
        try:
            self._outcome = complete(
                run(
                    args,
                    output=self._partial,
                    cancel=self._cancelled.is_set,
                    doing="encode the recording",
                    stdin=read_fd,
                )
            )
        except BaseException as err:  # handed to the capture thread, which raises it
            self._encoder_failure = err
        finally:
            # Closing our copy of the read end is what tells a writer blocked on a dead ffmpeg
            # that nobody will read (it gets EPIPE instead of waiting forever).
            os.close(read_fd)

    def _write(self, write_fd: int) -> None:
        previous: memoryview | None = None
        next_slot = 0
        try:
            while True:
                item = self._queue.get()
                if isinstance(item, _End):
                    while previous is not None and next_slot < item.slots:
                        self._write_all(write_fd, previous)
                        self.repeated_frames += 1
                        next_slot += 1
                    return
                slot, image = item
                picture = image.data.cast("B")
                # Slots the queue could not take, or a slow camera skipped, repeat the last
                # picture so the clip keeps the real pace of the movement.
                while previous is not None and next_slot < slot:
                    self._write_all(write_fd, previous)
                    self.repeated_frames += 1
                    next_slot += 1
                self._write_all(write_fd, picture)
                next_slot = slot + 1
                previous = picture
        except OSError as err:  # EPIPE: ffmpeg died; the encoder thread holds the reason
            self._writer_failure = err
        finally:
            os.close(write_fd)

    def _write_all(self, fd: int, data: memoryview) -> None:
        while data:
            data = data[os.write(fd, data) :]
        self.written_frames += 1

    def _raise_if_encoder_failed(self) -> None:
        failure = self._encoder_failure
        if failure is None:
            return
        if isinstance(failure, MediaError | Cancelled):
            raise failure
        raise MediaError(
            f"The recording failed while encoding ({failure}).",
            hint="Try again; if it keeps failing, report it.",
        ) from failure

    # --- ending --------------------------------------------------------------------------------

    def finish(self) -> EncodedClip:
        """Close the recording and return the checked clip at `output`.

        Stops first if still recording. Raises `MediaError` (and leaves no file) when nothing was
        recorded, the encoder failed or the clip breaks the contract.
        """
        if self._done:
            raise RuntimeError("this recording has already finished or been cancelled")
        self._mark_stopped("stopped")
        try:
            if self._encoder is None or self._writer is None:
                raise MediaError(
                    "Nothing was recorded: the recording stopped before the camera delivered a "
                    "picture.",
                    hint="Check the camera and record again.",
                )
            end_slots = self._end_slots if self._end_slots is not None else self._last_slot + 1
            self._hand_over(_End(end_slots))
            self._writer.join(_FINISH_TIMEOUT_S)
            self._encoder.join(_FINISH_TIMEOUT_S)
            if self._encoder.is_alive():
                raise MediaError(
                    f"The encoder did not finish within {_FINISH_TIMEOUT_S:g} s of the stop.",
                    hint="The computer may be overloaded; close other programs and try again.",
                )
            self._raise_if_encoder_failed()
            clip = self._check_and_place()
        except BaseException:
            self.cancel()
            raise
        self._done = True
        assert self._stopped_at is not None
        self.stop_to_ready_s = time.perf_counter() - self._stopped_at
        return clip

    def _hand_over(self, end: _End) -> None:
        # A blocking put, unlike the capture loop's: the end marker must not be dropped. A dead
        # writer would never make room, hence the poll.
        assert self._writer is not None
        while True:
            try:
                self._queue.put(end, timeout=_POLL_S)
                return
            except queue.Full:
                if not self._writer.is_alive():
                    return

    def _check_and_place(self) -> EncodedClip:
        facts, _info = _facts(self._partial)
        problems = clips.contract_violations(facts)
        if problems:
            raise MediaError(
                "The recorded clip does not meet the clip format: " + "; ".join(problems) + ".",
                hint="This is a bug in GoBeyondFit Desktop; please report it.",
            )
        os.replace(self._partial, self.output)
        return EncodedClip(
            path=self.output,
            size_bytes=facts.size_bytes,
            duration_s=facts.duration_s,
            width=facts.width,
            height=facts.height,
            video_bitrate=clips.TARGET_BITRATE,
            has_audio=False,
        )

    def cancel(self) -> None:
        """Abandon the recording: ffmpeg is killed and no file is left. Safe to call twice."""
        self._mark_stopped("cancelled")
        self._cancelled.set()
        self._done = True
        if self._writer is not None:
            # Empty the queue so the writer, if it is waiting for work, sees the end marker.
            with contextlib.suppress(queue.Empty):
                while True:
                    self._queue.get_nowait()
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(_End(0))
        for thread in (self._encoder, self._writer):
            if thread is not None and thread is not threading.current_thread():
                thread.join(_FINISH_TIMEOUT_S)
        with contextlib.suppress(FileNotFoundError):
            self._partial.unlink()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._done:
            self.cancel()


def record(
    source: CameraSource,
    output: Path,
    *,
    max_duration_s: float = clips.MAX_DURATION_S,
    ffmpeg_path: str | None = None,
    cancel: CancelCheck | None = None,
    on_frame: Callable[[Frame, Recorder], None] | None = None,
    queue_frames: int = DEFAULT_QUEUE_FRAMES,
) -> Recording:
    """Record from `source` (opened and closed here) until `max_duration_s`, for headless callers.

    `on_frame` sees each captured picture and the recorder (it may call `recorder.stop()`);
    `cancel()` turning true deletes the partial clip and raises `Cancelled`.
    """
    with (
        source,
        Recorder(
            source,
            output,
            ffmpeg_path=ffmpeg_path,
            max_duration_s=max_duration_s,
            queue_frames=queue_frames,
        ) as recorder,
    ):
        while (frame := recorder.step()) is not None:
            if cancel is not None and cancel():
                recorder.cancel()
                raise Cancelled
            if on_frame is not None:
                on_frame(frame, recorder)
        clip = recorder.finish()
        assert recorder.stop_to_ready_s is not None
        return Recording(
            clip=clip,
            frames=recorder.written_frames,
            dropped_frames=recorder.dropped_frames,
            repeated_frames=recorder.repeated_frames,
            skipped_frames=recorder.skipped_frames,
            stop_to_ready_s=recorder.stop_to_ready_s,
        )
