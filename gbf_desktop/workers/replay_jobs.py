"""Instant replay's background side: the delayed camera, and keeping what was just shown.

`replay_job` runs `video.delay.DelayedReplay` on the task runner: each picture whose delay has
passed is offered to the screen still JPEG-compressed (the GUI thread decodes it with
`QImage.fromData`, so the capture loop only reads, queues and hands over); the delay is changed
and a take asked for through `ReplayControl`, whose methods are thread-safe. A take asked for is
yielded as `KeptPictures` (immutable compressed pictures), which the GUI turns into a clip with
`keep_job` on another thread while the replay goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.workers.video_jobs import (
    CameraFactory,
    ReadyClip,
    _Latest,
    check_clip,
    open_camera,
)

if TYPE_CHECKING:
    from gbf_desktop.video.delay import Stored

# The replay's limits, for the dialog (which reaches video only through workers). They are the
# domain's numbers, so naming them here loads none of video.delay's OpenCV and NumPy: the delayed
# camera and the encoder are imported by the jobs that run them.
MIN_DELAY_S, MAX_DELAY_S = clips.REPLAY_MIN_DELAY_S, clips.REPLAY_MAX_DELAY_S
DEFAULT_DELAY_S = clips.REPLAY_DEFAULT_DELAY_S
KEEP_S = clips.REPLAY_KEEP_S


class ReplayControl:
    """Commands from the GUI thread to a running `replay_job`."""

    def __init__(self, delay_s: float = DEFAULT_DELAY_S) -> None:
        self._lock = threading.Lock()
        self._delay_s = delay_s
        self._keep = threading.Event()
        self._close = threading.Event()
        self.latest = _Latest()

    @property
    def delay_s(self) -> float:
        with self._lock:
            return self._delay_s

    def set_delay(self, seconds: float) -> None:
        with self._lock:
            self._delay_s = seconds

    def keep_last(self) -> None:
        self._keep.set()

    def take_keep_request(self) -> bool:
        if self._keep.is_set():
            self._keep.clear()
            return True
        return False

    def close(self) -> None:
        self._close.set()

    @property
    def closing(self) -> bool:
        return self._close.is_set()

    def picture_shown(self) -> None:
        self.latest.release()


@dataclass(frozen=True)
class ReplayUpdate:
    jpeg: bytes | None  # the picture of `delay_s` ago, for the screen (None: not ready yet)
    picture_s: float  # its capture time, from the start of the replay
    delay_s: float
    camera_name: str
    captured: int
    shown: int
    dropped: int
    memory_bytes: int
    stored_s: float


@dataclass(frozen=True)
class KeptPictures:
    pictures: tuple[Stored, ...]


@dataclass(frozen=True)
class ReplayStats:
    captured: int
    shown: int
    dropped: int
    memory_bytes: int


def replay_job(
    spec: str, control: ReplayControl, *, camera_factory: CameraFactory = open_camera
) -> Generator[ReplayUpdate | KeptPictures | None, None, ReplayStats]:
    """Show `spec`'s camera delayed until closed; yields what the screen shows and kept takes.

    A bare None is yielded for pictures the screen is too busy for, so a cancel is seen at each
    picture. Returns the counts when closed or when a finite source ends.
    """
    from gbf_desktop.video.delay import DelayedReplay  # noqa: PLC0415 (deferred: see the imports)

    source = camera_factory(spec)
    start: float | None = None
    with source, DelayedReplay(source, delay_s=control.delay_s) as replay:
        while not control.closing:
            replay.delay_s = control.delay_s
            due = replay.step()
            if due is None:
                break
            if control.take_keep_request():
                try:
                    kept = tuple(replay.take(KEEP_S))
                except MediaError:
                    kept = ()  # nothing shown yet: `keep_job` says so
                yield KeptPictures(kept)
            if not due:
                yield None
                continue
            newest = due[-1]
            start = newest.timestamp_s if start is None else start
            if control.latest.claim():
                yield ReplayUpdate(
                    jpeg=newest.jpeg,
                    picture_s=newest.timestamp_s - start,
                    delay_s=replay.delay_s,
                    camera_name=source.name,
                    captured=replay.captured,
                    shown=replay.shown,
                    dropped=replay.dropped,
                    memory_bytes=replay.memory_bytes,
                    stored_s=replay.stored_s,
                )
            else:
                yield None
        return ReplayStats(replay.captured, replay.shown, replay.dropped, replay.memory_bytes)


def keep_job(pictures: Sequence[Stored], output: Path, ffmpeg_path: str | None = None) -> ReadyClip:
    """The kept pictures as a checked contract clip at `output`."""
    from gbf_desktop.video.delay import encode_take  # noqa: PLC0415 (deferred: see the imports)

    if not pictures:
        raise MediaError(
            "Nothing has been shown yet, so there is nothing to keep.",
            hint="Wait until the delayed picture shows, then keep it.",
        )
    encode_take(pictures, output, ffmpeg_path=ffmpeg_path)
    return check_clip(output)
