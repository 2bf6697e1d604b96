"""The decoding half of the clip player: one open file, read forward frame by frame, or from the
keyframe at or before a chosen time, exact to the frame.

Times are seconds from the first picture (a file whose timestamps start later, as some phone and
web files do, still starts at 0 here). A picture is kept as RGB only when the caller asks for it
(`convert`): decoding every frame is unavoidable with inter-frame codecs, but turning one into RGB
costs more than decoding it, so frames passed over on the way to a target are decoded and dropped.

Qt-free: the player's worker (`workers.playback`) makes the QImage, keeps the cache and paces
playback; this module only talks to PyAV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import av.error
import numpy as np

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.video.camera import Image
from gbf_desktop.video.frames import upright
from gbf_desktop.video.probe import MediaInfo, probe

# A target this far past the last picture read is reached by decoding on rather than by a seek:
# one keyframe interval, beyond which the seek lands on a later keyframe and saves decoding.
_FORWARD_S = clips.KEYFRAME_INTERVAL_S


@dataclass(frozen=True)
class Picture:
    """One decoded frame: when it is shown (from `start_s` up to `end_s`) and, when asked for,
    the upright picture as contiguous RGB."""

    start_s: float
    end_s: float
    rgb: Image | None

    def shows(self, time_s: float) -> bool:
        return self.start_s <= time_s < self.end_s


class ClipReader:
    """One video file open for playback. Not thread-safe: one thread owns it (the player's).

    Opening a file that cannot be played raises `MediaError` naming it, as any later decode
    error does.
    """

    def __init__(self, path: Path) -> None:
        self.info: MediaInfo = probe(path)
        self.fps = self.info.fps or clips.FPS
        try:
            self._container = av.open(str(path))
        except av.error.FFmpegError as err:
            raise self._error(err) from err
        self._stream = next(
            s for s in self._container.streams.video if s.index == self.info.video_stream
        )
        # Frame threads decode a 1080p upload several times faster; they only delay a seek's
        # first picture by a few frames' decoding.
        self._stream.thread_type = "AUTO"
        time_base = self._stream.time_base
        assert time_base is not None  # every demuxed stream has one
        self._time_base = time_base
        start = self._stream.start_time
        self._origin = float(start * time_base) if start is not None else 0.0
        self._frames: Iterator[Any] | None = None
        # Where decoding stands: the end of the last picture read (None before any, right after
        # a seek, after a failure, or once the file is exhausted).
        self._read_to: float | None = None
        self._pushed_back: Any = None
        self._tail: Any = None  # the last frame decoded, shown for any time past the end
        # Where the file's last picture starts, once decoding has reached the end.
        self.last_start_s: float | None = None
        # Frames decoded since opening (a test counts them to prove the cache spares decoding).
        self.decoded = 0

    @property
    def duration_s(self) -> float:
        return self.info.duration_s

    def close(self) -> None:
        self._frames = None
        self._container.close()

    def walk(self, time_s: float, keep: Callable[[float], bool]) -> Iterator[Picture]:
        """The pictures from where decoding stands up to the one shown at `time_s`, in order.

        Decoding goes on from the last picture read when `time_s` lies a little ahead of it, and
        starts from the keyframe at or before `time_s` otherwise. The last picture yielded is the
        one shown at `time_s` (the first one for a time before it, the file's last one for a time
        past its end), always with its RGB; the others have theirs when `keep(start_s)` says so.
        Nothing is yielded only when the stream holds no picture at all.
        """
        ahead = self._read_to is not None and self._read_to - 1e-6 <= time_s
        if not (ahead and time_s < (self._read_to or 0.0) + _FORWARD_S):
            self._seek_before(time_s)
        current = self._decode()
        if current is None:
            # Past the last picture: that one is shown, with its RGB.
            if self._tail is not None:
                yield self._picture(self._tail, convert=True)
            return
        while True:
            # A picture is shown until the next one starts, not for its own stated duration: with
            # B-frames or a variable frame rate (phone clips) the two differ, and the durations
            # leave gaps or overlaps that would pick the wrong frame, or run on to the last one.
            following = self._decode()
            start, end = self._times(current)
            if following is not None and self._times(following)[0] > start:
                end = self._times(following)[0]
            final = following is None or time_s < end
            yield self._picture(current, convert=final or keep(start), end_s=end)
            if final:
                if following is not None:
                    # Read again by the next walk going on from here, not decoded twice.
                    self._pushed_back = following
                    self._read_to = end
                return
            current = following

    def _seek_before(self, time_s: float) -> None:
        # A seek lands on the keyframe at or before the target; should the index put it past the
        # target (it can, on files with edit lists), try again a keyframe interval earlier.
        target = max(0.0, time_s)
        while True:
            self._seek(target)
            first = self._decode()
            if first is None or target <= 0 or self._times(first)[0] <= time_s + 1e-6:
                self._pushed_back = first  # read again by the walk, not decoded twice
                return
            target = max(0.0, target - clips.KEYFRAME_INTERVAL_S)

    def _seek(self, time_s: float) -> None:
        pts = int((time_s + self._origin) / self._time_base)
        try:
            self._container.seek(pts, stream=self._stream, backward=True)
        except av.error.FFmpegError as err:
            raise self._error(err) from err
        self._frames = iter(self._container.decode(self._stream))
        self._read_to = None
        self._pushed_back = None

    def _decode(self) -> Any:
        if self._pushed_back is not None:
            frame, self._pushed_back = self._pushed_back, None
            return frame
        if self._frames is None:
            self._seek(0.0)
        assert self._frames is not None
        try:
            frame = next(self._frames, None)
        except av.error.FFmpegError as err:
            self._read_to = self._frames = None
            raise self._error(err) from err
        if frame is None:
            # The end: any later request starts again from a seek.
            self._read_to = self._frames = None
            if self._tail is not None:
                self.last_start_s = self._times(self._tail)[0]
            return None
        self.decoded += 1
        self._tail = frame
        self._read_to = self._times(frame)[1]
        return frame

    def _times(self, frame: Any) -> tuple[float, float]:
        start = (float(frame.time) if frame.time is not None else 0.0) - self._origin
        span = float(frame.duration * self._time_base) if frame.duration else 1 / self.fps
        return start, start + span

    def _picture(self, frame: Any, *, convert: bool, end_s: float | None = None) -> Picture:
        start, end = self._times(frame)
        end = end if end_s is None else end_s
        rgb: Image | None = None
        if convert:
            rgb = upright(
                np.ascontiguousarray(frame.to_ndarray(format="rgb24"), np.uint8),
                self.info.rotation,
            )
        return Picture(start, end, rgb)

    def _error(self, err: Exception) -> MediaError:
        return MediaError(f"{self.info.path.name} could not be decoded ({err}).")
