"""Following a barbell plate through a clip: the path that `domain.bar_path` turns into reps.

The coach marks the plate once (centre and rim, on the upright picture at some time); from there
the plate is followed forwards to the end and backwards to the start.

Why normalised template matching (`cv2.matchTemplate`, TM_CCOEFF_NORMED), with a sub-pixel
parabola on the score peak and a constant-velocity prediction of where to search: measured by
`bench/tracking.py` on synthetic clips with a known path (noise, motion blur, a passing occlusion),
it gives the smallest path error of the trackers the plain OpenCV build has, at several hundred
frames per second at 480p, so the plain `opencv-python-headless` stays. A plate is a rigid,
textured disc that neither turns nor changes size while it moves in the picture plane: exactly
the case template matching is exact for. The alternatives measured in the bench:
- Hough circles fit the rim only: blur smears the rim along the motion, the detected centre jumps
  by pixels, and a passing arm breaks the circle.
- Lucas-Kanade optical flow drifts (errors add up frame after frame) and loses points under blur.
- CSRT/KCF (the contrib build) track a box, not a centre: whole-pixel, a box that slowly slides
  over the plate, and CSRT runs at a fraction of the speed; they would also swap the OpenCV build.
The template is taken once, from the marked frame, and never updated, so there is no drift; a frame
where the best score falls under `MIN_SCORE` (an occlusion) is skipped and the search widened; after
`MAX_MISSED_S` of such frames the plate is declared lost, with the frame, and the coach can mark it
again there (a later mark restarts the template from that frame).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import av.error
import cv2
import numpy as np
import numpy.typing as npt

# The mark, the progress, the loss and the measures are plain values of the domain (the bar-path
# panel names them without loading OpenCV); the tracker's callers still find them here.
from gbf_desktop.domain.bar_path import (
    BarPathAnalysis,
    PathSample,
    PlateMark,
    TrackingLost,
    TrackProgress,
    analyse,
    measures_json,
    validate_plate_cm,
)
from gbf_desktop.errors import MediaError, ValidationError
from gbf_desktop.video.probe import probe

Gray = npt.NDArray[np.uint8]
CancelCheck = Callable[[], bool]

# Below this normalised correlation the plate is not where the best match is (a hand, an arm).
MIN_SCORE = 0.55
# How long the plate may stay hidden before it counts as lost (a passing arm takes ~0.2 s).
MAX_MISSED_S = 0.6
# The template reaches a little past the rim: the rim against the background is the strongest edge.
_TEMPLATE_MARGIN = 1.15
# Search this far around the prediction, in plate radii, plus the last frame's motion.
_SEARCH_RADII = 0.5
_MIN_RADIUS_PX = 6.0


@dataclass(frozen=True)
class TrackedPath:
    samples: tuple[PathSample, ...]
    radius_px: float  # of the first mark: the scale for `domain.bar_path.analyse`
    frames: int
    missed_frames: int  # hidden frames skipped (occlusions that ended in time)
    width: int
    height: int
    fps: float


class TrackingCancelled(Exception):
    """The coach cancelled the tracking; nothing was stored."""


def parse_plate(text: str) -> tuple[float, float, float]:
    """`X,Y,R` from the command line."""
    parts = text.replace(" ", "").split(",")
    try:
        x, y, r = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            f"--plate takes X,Y,R (three numbers of pixels, for example 320,240,60), not {text!r}."
        ) from None
    if not all(math.isfinite(v) for v in (x, y, r)) or r <= 0:
        raise ValidationError(f"--plate {text!r}: X and Y must be numbers and R positive.")
    return x, y, r


# --- decoding ----------------------------------------------------------------------------------


def _upright(gray: Gray, rotation: int, display: tuple[int, int]) -> Gray:
    # Rotation is counter-clockwise, as the probe reports it; a phone clip is marked as shown.
    turned: Any = gray
    if rotation == 90:
        turned = cv2.rotate(gray, cv2.ROTATE_90_COUNTERCLOCKWISE)
    elif rotation == 180:
        turned = cv2.rotate(gray, cv2.ROTATE_180)
    elif rotation == 270:
        turned = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
    if (turned.shape[1], turned.shape[0]) != display:
        turned = cv2.resize(turned, display, interpolation=cv2.INTER_AREA)
    return np.asarray(turned, dtype=np.uint8)


def decode_gray(path: Path) -> Iterator[tuple[float, Gray]]:
    """Every picture of the clip, upright and grey, with its time from the first picture."""
    info = probe(path)
    display = info.display_size
    try:
        container = av.open(str(path))
    except av.error.FFmpegError as err:
        raise MediaError(f"{path.name} could not be opened ({err}).") from err
    with container:
        stream = container.streams.video[0]
        for candidate in container.streams.video:
            if candidate.index == info.video_stream:
                stream = candidate
        # Frame threads: decoding is most of the work, and a clip's pictures are independent.
        stream.thread_type = "AUTO"
        first: float | None = None
        index = 0
        try:
            for picture in container.decode(stream):
                t = float(picture.time) if picture.time is not None else index / (info.fps or 24)
                if first is None:
                    first = t
                gray = np.asarray(picture.to_ndarray(format="gray"), dtype=np.uint8)
                yield t - first, _upright(gray, info.rotation, display)
                index += 1
        except av.error.FFmpegError as err:
            raise MediaError(
                f"{path.name} could not be read to the end ({err}).",
                hint="The file may be damaged; re-export it and try again.",
            ) from err


# --- the tracker -------------------------------------------------------------------------------


def _subpixel(scores: npt.NDArray[np.float32], x: int, y: int) -> tuple[float, float]:
    """The score peak between pixels: a parabola through the peak and its neighbours, per axis."""
    h, w = scores.shape

    def offset(a: float, b: float, c: float) -> float:
        denom = a - 2 * b + c
        return 0.0 if denom >= 0 else max(-0.5, min(0.5, 0.5 * (a - c) / denom))

    s = scores.astype(float)
    dx = offset(s[y, x - 1], s[y, x], s[y, x + 1]) if 0 < x < w - 1 else 0.0
    dy = offset(s[y - 1, x], s[y, x], s[y + 1, x]) if 0 < y < h - 1 else 0.0
    return float(x + dx), float(y + dy)


class PlateTracker:
    """Follows one marked plate from frame to frame (a template of the marked frame)."""

    def __init__(self, frame: Gray, mark: PlateMark) -> None:
        if mark.radius_px < _MIN_RADIUS_PX:
            raise ValidationError(
                f"The plate is marked {mark.radius_px:.0f} px wide at most; "
                "mark its rim, not just its centre.",
                hint="Drag from the plate's centre to its rim.",
            )
        height, width = frame.shape
        if not (0 <= mark.x_px < width and 0 <= mark.y_px < height):
            raise ValidationError(
                f"The plate's centre ({mark.x_px:.0f}, {mark.y_px:.0f}) is outside the "
                f"{width}x{height} picture.",
                hint="Mark the plate inside the picture.",
            )
        self.radius = mark.radius_px
        self._half = max(4, round(mark.radius_px * _TEMPLATE_MARGIN))
        cx, cy = round(mark.x_px), round(mark.y_px)
        self._template = self._patch(_smooth(frame), cx, cy, self._half)
        # The template is centred on whole pixels; the marked centre's fraction is added back.
        self._fraction = (mark.x_px - cx, mark.y_px - cy)
        self.x, self.y = mark.x_px, mark.y_px
        self._vx = self._vy = 0.0
        self.missed = 0

    @staticmethod
    def _patch(image: Gray, cx: int, cy: int, half: int) -> Gray:
        # Pad with the edge so a plate near the picture's border still has a full template.
        padded = cv2.copyMakeBorder(image, half, half, half, half, cv2.BORDER_REPLICATE)
        return np.ascontiguousarray(padded[cy : cy + 2 * half + 1, cx : cx + 2 * half + 1])

    def step(self, frame: Gray) -> tuple[float, float] | None:
        """The plate's centre in this frame, or None when it is hidden here."""
        height, width = frame.shape
        px, py = self.x + self._vx * (self.missed + 1), self.y + self._vy * (self.missed + 1)
        reach = self.radius * _SEARCH_RADII * (1 + self.missed) + math.hypot(self._vx, self._vy)
        search = round(reach) + 2
        half = self._half
        x0, y0 = round(px) - half - search, round(py) - half - search
        size = 2 * (half + search) + 1
        region = _crop(frame, x0, y0, size, size)
        scores = np.asarray(
            cv2.matchTemplate(_smooth(region), self._template, cv2.TM_CCOEFF_NORMED),
            dtype=np.float32,
        )
        _, best, _, (bx, by) = cv2.minMaxLoc(scores)
        if best < MIN_SCORE:
            self.missed += 1
            return None
        sx, sy = _subpixel(scores, bx, by)
        x = x0 + sx + half + self._fraction[0]
        y = y0 + sy + half + self._fraction[1]
        if not (0 <= x < width and 0 <= y < height):
            self.missed += 1
            return None
        steps = self.missed + 1
        self._vx, self._vy = (x - self.x) / steps, (y - self.y) / steps
        self.x, self.y = x, y
        self.missed = 0
        return x, y


def _smooth(image: Gray) -> Gray:
    # A light blur takes sensor noise out of the correlation without moving the peak.
    return np.asarray(cv2.GaussianBlur(image, (5, 5), 0), dtype=np.uint8)


def _crop(image: Gray, x0: int, y0: int, w: int, h: int) -> Gray:
    height, width = image.shape
    if x0 >= 0 and y0 >= 0 and x0 + w <= width and y0 + h <= height:
        return image[y0 : y0 + h, x0 : x0 + w]
    # Parts outside the picture repeat its edge, which correlates poorly with a plate.
    left, top = max(0, -x0), max(0, -y0)
    right, bottom = max(0, x0 + w - width), max(0, y0 + h - height)
    padded = cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_REPLICATE)
    return np.asarray(padded[y0 + top : y0 + top + h, x0 + left : x0 + left + w], dtype=np.uint8)


def iter_track(
    path: Path,
    marks: Sequence[PlateMark],
    *,
    cancel: CancelCheck | None = None,
    frames: Iterable[tuple[float, Gray]] | None = None,
    fps: float | None = None,
) -> Generator[TrackProgress, None, TrackedPath]:
    """Track the plate through the clip at `path`, yielding progress; returns the path.

    `marks` holds the coach's first mark and any later re-marks (each restarts the template at its
    frame). `frames` (with their `fps`) may pass decoded pictures in: the bench does, to time the
    tracker alone. Raises `TrackingLost` (with the frame) when the plate stays hidden for
    `MAX_MISSED_S`, and `TrackingCancelled` when `cancel()` turns true.

    Memory: only the pictures before the first mark are kept (for the backward pass); the rest
    stream through, so a long 1080p file costs no more than its part before the mark.
    """
    if not marks:
        raise ValidationError("Mark the plate (its centre and rim) on one frame first.")
    frames, fps, total = _pictures(path, frames, fps)
    half_frame = 0.5 / fps
    max_missed = max(1, round(MAX_MISSED_S * fps))
    pending = sorted(marks, key=lambda m: m.time_s)
    first = pending[0]
    found: dict[int, tuple[float, float]] = {}
    times: list[float] = []
    before: list[Gray] = []  # pictures up to the first mark, for the backward pass
    tracker: PlateTracker | None = None
    missed_total = 0
    shape: tuple[int, ...] = (0, 0)

    def lost(i: int) -> TrackingLost:
        kept = [PathSample(times[k], *found[k]) for k in sorted(found)]
        return TrackingLost(i, times[i], kept)

    for i, (t, gray) in enumerate(frames):
        if cancel is not None and cancel():
            raise TrackingCancelled
        times.append(t)
        shape = gray.shape
        if pending and t >= pending[0].time_s - half_frame:
            mark = pending.pop(0)
            tracker = PlateTracker(gray, mark)
            found[i] = (mark.x_px, mark.y_px)
            if mark is first:
                back = PlateTracker(gray, mark)
                missed_total += yield from _backwards(before, back, found, max_missed, lost)
                before = []
        elif tracker is None:
            before.append(gray)
        elif tracker.missed < max_missed:
            position = tracker.step(gray)
            if position is None:
                missed_total += 1
                # Lost for good unless the coach marked the plate again further on: then the
                # frames up to that mark stay a gap in the path.
                if tracker.missed >= max_missed and not pending:
                    raise lost(i)
            else:
                found[i] = position
        if i % 8 == 0:
            yield TrackProgress(min(i + 1, total), total)
    if tracker is None:
        raise ValidationError(
            f"The plate was marked at {first.time_s:.2f} s, after the clip's end "
            f"({times[-1] if times else 0:.2f} s).",
            hint="Mark the plate on a frame of the clip.",
        )
    yield TrackProgress(total, total)
    height, width = shape[0], shape[1]
    return TrackedPath(
        samples=tuple(PathSample(times[k], *found[k]) for k in sorted(found)),
        radius_px=first.radius_px,
        frames=len(times),
        missed_frames=missed_total,
        width=width,
        height=height,
        fps=fps,
    )


def _pictures(
    path: Path, frames: Iterable[tuple[float, Gray]] | None, fps: float | None
) -> tuple[Iterable[tuple[float, Gray]], float, int]:
    """The pictures to track, their rate and how many there are (for the progress)."""
    if frames is not None and fps is not None:
        given = list(frames)
        return given, fps, len(given)
    info = probe(path)
    rate = info.fps or 24.0
    return decode_gray(path), rate, info.frame_count or max(1, round(info.duration_s * rate))


def _backwards(
    before: list[Gray],
    tracker: PlateTracker,
    found: dict[int, tuple[float, float]],
    max_missed: int,
    lost: Callable[[int], TrackingLost],
) -> Generator[TrackProgress, None, int]:
    """Track from the first mark's frame back to the clip's start; returns the frames missed."""
    missed = 0
    for i in range(len(before) - 1, -1, -1):
        position = tracker.step(before[i])
        if position is None:
            missed += 1
            if tracker.missed >= max_missed:
                raise lost(i)
        else:
            found[i] = position
    yield from ()
    return missed


def track(
    path: Path, marks: Sequence[PlateMark], *, cancel: CancelCheck | None = None
) -> TrackedPath:
    """`iter_track` run to the end, for callers without an event loop."""
    steps = iter_track(path, marks, cancel=cancel)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: TrackedPath = done.value
            return result


def analysis_json(path: TrackedPath, analysis: BarPathAnalysis) -> dict[str, Any]:
    """The result as the command line prints it (and the app stores it): plain JSON values."""
    return {
        "frames": path.frames,
        "width": path.width,
        "height": path.height,
        "path": [[round(s.t_s, 4), round(s.x_px, 2), round(s.y_px, 2)] for s in path.samples],
        **measures_json(analysis),
    }


def bar_path_json(file: Path, plate: str, time_s: float, plate_cm: float) -> dict[str, Any]:
    """`gbf-desktop clip bar-path`: track, analyse, and give the JSON (TrackingLost when lost)."""
    x, y, r = parse_plate(plate)
    validate_plate_cm(plate_cm)
    if not math.isfinite(time_s) or time_s < 0:
        raise ValidationError(f"--time must be a number of seconds from the start, not {time_s}.")
    tracked = track(file, [PlateMark(x, y, r, time_s)])
    return analysis_json(tracked, analyse(tracked.samples, tracked.radius_px, plate_cm))
