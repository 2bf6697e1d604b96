"""Pictures of a video file for the screen: exact frames at chosen times, turned upright, and
scaled and converted for display. Decoded in-process with PyAV; OpenCV scales and converts.

Plain numpy pictures in and out: making a QImage of one is the worker's last step
(`workers.video_jobs`), so this module stays free of Qt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import av.error
import cv2
import numpy as np

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.video.camera import Image
from gbf_desktop.video.probe import MediaInfo


def upright(image: Image, rotation: int) -> Image:
    """The picture turned by the file's rotation (probe's is counter-clockwise, like rot90's)."""
    turns = rotation // 90 % 4
    return np.ascontiguousarray(np.rot90(image, turns)) if turns else image


def fit_rgb(image: Image, max_height: int) -> Image:
    """A BGR picture as contiguous RGB no taller than `max_height` (aspect kept, width ≥ 2)."""
    height, width = image.shape[:2]
    if height > max_height:
        width, height = max(2, round(width * max_height / height)), max_height
        image = np.asarray(cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA))
    return np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))


def bgr_frames(path: Path) -> Iterator[tuple[float, Image]]:
    """Every picture of the file's first video stream in order: its time from the first picture,
    and the picture as contiguous BGR (for a stored clip, which is upright already).

    A file PyAV cannot read raises `MediaError` naming it.
    """
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            first: float | None = None
            for index, frame in enumerate(container.decode(stream)):
                t = float(frame.time) if frame.time is not None else index / clips.FPS
                first = t if first is None else first
                image: Image = np.ascontiguousarray(frame.to_ndarray(format="bgr24"), np.uint8)
                yield t - first, image
    except av.error.FFmpegError as err:
        raise MediaError(f"{path.name} could not be decoded ({err}).") from err


class Decoder:
    """Pictures of one video at chosen times, exact to the frame (seek to a keyframe, decode on).

    A file PyAV cannot decode raises `MediaError` naming it.
    """

    def __init__(self, info: MediaInfo) -> None:
        self._info = info
        try:
            self._container = av.open(str(info.path))
        except av.error.FFmpegError as err:
            raise self._error(err) from err
        self._stream = next(
            s for s in self._container.streams.video if s.index == info.video_stream
        )
        self._frames: Iterator[Any] | None = None

    def close(self) -> None:
        self._container.close()

    def at(self, time_s: float) -> tuple[float, Image] | None:
        """The first picture shown at `time_s` (within half a frame), and its time."""
        time_base = self._stream.time_base
        assert time_base is not None
        try:
            self._container.seek(int(max(0.0, time_s) / time_base), stream=self._stream)
            self._frames = iter(self._container.decode(self._stream))
            half_frame = 0.5 / (self._info.fps or clips.FPS)
            picture = None
            for candidate in self._frames:
                picture = candidate
                if candidate.time is not None and candidate.time >= time_s - half_frame:
                    break
        except av.error.FFmpegError as err:
            raise self._error(err) from err
        return self._picture(picture)

    def next(self) -> tuple[float, Image] | None:
        """The picture after the last one given (the first, if none was)."""
        if self._frames is None:
            return self.at(0.0)
        try:
            frame = next(self._frames, None)
        except av.error.FFmpegError as err:
            raise self._error(err) from err
        return self._picture(frame)

    def _picture(self, frame: Any) -> tuple[float, Image] | None:
        if frame is None:
            return None
        image: Image = frame.to_ndarray(format="bgr24")
        return float(frame.time or 0.0), upright(image, self._info.rotation)

    def _error(self, err: Exception) -> MediaError:
        return MediaError(f"{self._info.path.name} could not be decoded ({err}).")
