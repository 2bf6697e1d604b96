"""Bar path and bar speed: from a tracked plate's positions to reps, range of motion and velocity.

The tracker (video/bar_tracker.py) gives the plate's centre in picture pixels at each frame; this
module turns that path into what a strength coach reads: the reps, each one's range of motion in
centimetres and its mean and peak concentric velocity in metres per second, and the set's velocity
loss from its best rep. Pure arithmetic on plain floats, so every rule here is tested without a
video.

Calibration: the plate's diameter is known (45 cm for every standard bumper and competition
plate), so its radius in pixels gives the picture's scale at the plate's depth, where the bar moves.

The definitions, fixed here so the app, the command line and the benchmark agree:
- Height is the plate centre's rise above its lowest point in the clip (picture y points down).
- A rep is found from the vertical motion alone: turning points of the height with a hysteresis of
  `max(MIN_ROM_CM, REP_FRACTION x the clip's full range)`, so tremor, a breath at lockout or a
  walk-out never counts, while every real rep (a rise of a good part of the set's range) does.
  The concentric phase is a rise from a low turning point to the next high one.
- The concentric phase starts when the bar has left the bottom by `EDGE_FRACTION` of the rep's
  range and ends when it comes within the same margin of the top. A pause at the bottom or at
  lockout therefore never dilutes the mean velocity, and the ends do not depend on where in a
  flat stretch the exact lowest sample happened to fall. Crossing times are interpolated between
  frames, which keeps the mean velocity right at 24 frames per second.
- Mean concentric velocity = the distance risen between those two moments / the time between them.
- Peak concentric velocity = the top of a parabola fitted through the frame-to-frame velocities
  around the fastest one: central differences at 24 fps blur a peak by under 2 %, and the fit
  both smooths tracking noise and recovers the peak between two samples.
- The rep's start is when the bar left the top before the descent (squat, bench), or the start of
  the concentric phase when there was no descent before it (a deadlift from the floor).
- Velocity loss = (best rep's mean velocity - the last rep's) / the best one's, in percent.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from gbf_desktop.errors import MediaError, ValidationError

DEFAULT_PLATE_CM = 45.0
MIN_PLATE_CM, MAX_PLATE_CM = 5.0, 60.0
# A rise smaller than this is never a rep, whatever the clip's range.
MIN_ROM_CM = 8.0
REP_FRACTION = 0.4
EDGE_FRACTION = 0.03
# Frame-to-frame velocities fitted around the fastest one for the peak.
_PEAK_FIT_HALF_WIDTH = 2


@dataclass(frozen=True)
class PathSample:
    """The plate centre at one moment, in pixels of the upright picture (y grows downwards)."""

    t_s: float
    x_px: float
    y_px: float


@dataclass(frozen=True)
class Rep:
    number: int  # 1-based, in the order performed
    start_s: float
    end_s: float
    concentric_start_s: float
    rom_cm: float
    mean_velocity_m_s: float
    peak_velocity_m_s: float


@dataclass(frozen=True)
class BarPathAnalysis:
    plate_cm: float
    cm_per_px: float
    samples: tuple[PathSample, ...]
    heights_cm: tuple[float, ...]  # per sample, above the lowest point
    velocities_m_s: tuple[float, ...]  # per sample, vertical, up is positive
    reps: tuple[Rep, ...]

    @property
    def best_rep(self) -> Rep | None:
        return max(self.reps, key=lambda r: r.mean_velocity_m_s, default=None)

    @property
    def velocity_loss_pct(self) -> float | None:
        """The set's velocity loss from its best rep to its last, in percent (None: < 2 reps)."""
        best = self.best_rep
        if best is None or len(self.reps) < 2 or best.mean_velocity_m_s <= 0:
            return None
        last = self.reps[-1]
        return 100.0 * (best.mean_velocity_m_s - last.mean_velocity_m_s) / best.mean_velocity_m_s

    def rep_loss_pct(self, rep: Rep) -> float:
        """How much slower than the best rep this one was, in percent."""
        best = self.best_rep
        if best is None or best.mean_velocity_m_s <= 0:
            return 0.0
        return 100.0 * (best.mean_velocity_m_s - rep.mean_velocity_m_s) / best.mean_velocity_m_s


# The tracker's plain values (video/bar_tracker.py runs it): the coach's mark, its progress and
# its loss of the plate. Here so the bar-path panel names them without loading OpenCV.


@dataclass(frozen=True)
class PlateMark:
    """The plate as the coach marked it: centre and radius in pixels of the upright picture."""

    x_px: float
    y_px: float
    radius_px: float
    time_s: float = 0.0


@dataclass(frozen=True)
class TrackProgress:
    done_frames: int
    total_frames: int

    @property
    def fraction(self) -> float:
        return self.done_frames / self.total_frames if self.total_frames else 1.0


class TrackingLost(MediaError):
    """The plate could not be found for too long; `time_s`/`frame` say where to mark it again."""

    def __init__(self, frame: int, time_s: float, samples: Sequence[PathSample]) -> None:
        super().__init__(
            f"The plate was lost at {time_s:.2f} s (frame {frame + 1}).",
            hint="Mark the plate again on that frame, or on the first frame where it shows "
            "clearly, and track again.",
        )
        self.frame = frame
        self.time_s = time_s
        self.samples = tuple(samples)


def measures_json(analysis: BarPathAnalysis) -> dict[str, Any]:
    """What depends on the calibration: the scale, the reps, the best rep and the loss (plain JSON
    values, as the command line prints them and the app stores them with the clip)."""
    best = analysis.best_rep
    loss = analysis.velocity_loss_pct
    return {
        "plate_cm": analysis.plate_cm,
        "cm_per_px": round(analysis.cm_per_px, 5),
        "reps": [
            {
                "number": r.number,
                "start_s": round(r.start_s, 3),
                "end_s": round(r.end_s, 3),
                "concentric_start_s": round(r.concentric_start_s, 3),
                "rom_cm": round(r.rom_cm, 1),
                "mean_velocity_m_s": round(r.mean_velocity_m_s, 3),
                "peak_velocity_m_s": round(r.peak_velocity_m_s, 3),
            }
            for r in analysis.reps
        ],
        "best_rep": best.number if best else None,
        "velocity_loss_pct": None if loss is None else round(loss, 1),
    }


def validate_plate_cm(plate_cm: float) -> float:
    if not math.isfinite(plate_cm) or not MIN_PLATE_CM <= plate_cm <= MAX_PLATE_CM:
        raise ValidationError(
            f"A plate diameter of {plate_cm:g} cm cannot be right.",
            hint=f"Give the plate's diameter in centimetres, between {MIN_PLATE_CM:g} and "
            f"{MAX_PLATE_CM:g} (a standard plate is {DEFAULT_PLATE_CM:g}).",
        )
    return float(plate_cm)


def cm_per_pixel(plate_radius_px: float, plate_cm: float = DEFAULT_PLATE_CM) -> float:
    if not math.isfinite(plate_radius_px) or plate_radius_px <= 0:
        raise ValidationError("The plate's rim must be marked away from its centre.")
    return validate_plate_cm(plate_cm) / (2.0 * plate_radius_px)


def frame_velocities(times: Sequence[float], heights_cm: Sequence[float]) -> list[float]:
    """Vertical velocity at each sample in m/s: central differences, one-sided at the ends."""
    n = len(times)
    if n < 2:
        return [0.0] * n
    out: list[float] = []
    for i in range(n):
        lo, hi = max(0, i - 1), min(n - 1, i + 1)
        dt = times[hi] - times[lo]
        out.append((heights_cm[hi] - heights_cm[lo]) / dt / 100.0 if dt > 0 else 0.0)
    return out


def turning_points(heights: Sequence[float], hysteresis: float) -> list[int]:
    """Indices of the alternating lows and highs whose swings exceed `hysteresis` (a zigzag).

    An extreme is confirmed once the signal has moved `hysteresis` away from it; a last rise or
    fall that the clip ends on is confirmed by the end itself.
    """
    points: list[int] = []
    direction = 0  # +1 rising towards a high, -1 falling towards a low, 0 not known yet
    low_i = high_i = 0
    for i, h in enumerate(heights):
        # Both extremes run since the last turning point; only the one being sought matters.
        if h < heights[low_i]:
            low_i = i
        if h > heights[high_i]:
            high_i = i
        if direction >= 0 and heights[high_i] - h >= hysteresis:
            points.append(high_i)
            direction, low_i = -1, i
        elif direction <= 0 and h - heights[low_i] >= hysteresis:
            points.append(low_i)
            direction, high_i = 1, i
    if direction > 0:
        points.append(high_i)
    elif direction < 0:
        points.append(low_i)
    return points


def _crossing(times: Sequence[float], values: Sequence[float], i: int, level: float) -> float:
    """The time between samples i and i+1 at which the values pass `level` (linear)."""
    v0, v1 = values[i], values[i + 1]
    if v1 == v0:
        return times[i]
    f = min(1.0, max(0.0, (level - v0) / (v1 - v0)))
    return times[i] + f * (times[i + 1] - times[i])


def _peak(times: Sequence[float], velocities: Sequence[float], lo: int, hi: int) -> float:
    """The peak of the velocities in [lo, hi]: the vertex of a least-squares parabola through the
    samples around the largest one (the largest itself when too few samples)."""
    best = max(range(lo, hi + 1), key=lambda k: velocities[k])
    a = max(lo, best - _PEAK_FIT_HALF_WIDTH)
    b = min(hi, best + _PEAK_FIT_HALF_WIDTH)
    if b - a < 2:
        return velocities[best]
    t0 = times[best]
    xs = [times[k] - t0 for k in range(a, b + 1)]
    ys = [velocities[k] for k in range(a, b + 1)]
    coeffs = _quadratic_fit(xs, ys)
    if coeffs is None:
        return velocities[best]
    c2, c1, c0 = coeffs
    if c2 >= 0:  # not a peak shape: noise dominates, keep the sample
        return velocities[best]
    x = -c1 / (2 * c2)
    if not xs[0] <= x <= xs[-1]:
        return velocities[best]
    return c0 + c1 * x + c2 * x * x


def _quadratic_fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float] | None:
    # Normal equations for y = c2 x^2 + c1 x + c0, solved by Cramer's rule (3x3).
    s = [sum(x**k for x in xs) for k in range(5)]
    t = [sum(y * x**k for x, y in zip(xs, ys, strict=True)) for k in range(3)]
    m = [[s[4], s[3], s[2]], [s[3], s[2], s[1]], [s[2], s[1], s[0]]]

    def det(a: list[list[float]]) -> float:
        return (
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        )

    d = det(m)
    if abs(d) < 1e-18:
        return None
    rhs = [t[2], t[1], t[0]]
    out = []
    for col in range(3):
        mc = [row[:] for row in m]
        for r in range(3):
            mc[r][col] = rhs[r]
        out.append(det(mc) / d)
    return out[0], out[1], out[2]


def find_reps(
    times: Sequence[float], heights_cm: Sequence[float], velocities_m_s: Sequence[float]
) -> list[Rep]:
    """The reps in a height curve (see the module's definitions)."""
    if len(times) < 3:
        return []
    full_range = max(heights_cm) - min(heights_cm)
    hysteresis = max(MIN_ROM_CM, REP_FRACTION * full_range)
    if full_range < hysteresis:
        return []
    points = turning_points(heights_cm, hysteresis)
    reps: list[Rep] = []
    for k in range(len(points) - 1):
        low, high = points[k], points[k + 1]
        if heights_cm[high] <= heights_cm[low]:
            continue  # a descent; reps are the rises
        bottom, top = heights_cm[low], heights_cm[high]
        rom = top - bottom
        margin = EDGE_FRACTION * rom
        i = max(j for j in range(low, high) if heights_cm[j] <= bottom + margin)
        start = _crossing(times, heights_cm, i, bottom + margin)
        j = min(j for j in range(low + 1, high + 1) if heights_cm[j] >= top - margin)
        end = _crossing(times, heights_cm, j - 1, top - margin)
        if end <= start:
            continue
        mean = (rom - 2 * margin) / (end - start) / 100.0
        peak = _peak(times, velocities_m_s, low, high)
        rep_start = start
        previous_high = points[k - 1] if k >= 1 else None
        if previous_high is not None and heights_cm[previous_high] > bottom:
            level = heights_cm[previous_high] - EDGE_FRACTION * (heights_cm[previous_high] - bottom)
            ecc = max(j for j in range(previous_high, low + 1) if heights_cm[j] >= level)
            rep_start = _crossing(times, heights_cm, ecc, level)
        reps.append(
            Rep(
                number=len(reps) + 1,
                start_s=rep_start,
                end_s=end,
                concentric_start_s=start,
                rom_cm=rom,
                mean_velocity_m_s=mean,
                peak_velocity_m_s=max(peak, mean),
            )
        )
    return reps


def analyse(
    samples: Sequence[PathSample], plate_radius_px: float, plate_cm: float = DEFAULT_PLATE_CM
) -> BarPathAnalysis:
    """Reps and speeds from a tracked path; the plate's radius (pixels) calibrates the scale."""
    scale = cm_per_pixel(plate_radius_px, plate_cm)
    ordered = sorted(samples, key=lambda s: s.t_s)
    times = [s.t_s for s in ordered]
    lowest = max((s.y_px for s in ordered), default=0.0)
    heights = [(lowest - s.y_px) * scale for s in ordered]
    velocities = frame_velocities(times, heights)
    return BarPathAnalysis(
        plate_cm=validate_plate_cm(plate_cm),
        cm_per_px=scale,
        samples=tuple(ordered),
        heights_cm=tuple(heights),
        velocities_m_s=tuple(velocities),
        reps=tuple(find_reps(times, heights, velocities)),
    )


def write_csv(analysis: BarPathAnalysis, out: TextIO) -> int:
    """The path with height and velocity per sample, and the rep each sample belongs to; returns
    the number of data rows. For a spreadsheet: one header line, dots for decimals."""
    writer = csv.writer(out)
    writer.writerow(["time_s", "x_px", "y_px", "height_cm", "velocity_m_s", "rep", "phase"])
    for sample, height, velocity in zip(
        analysis.samples, analysis.heights_cm, analysis.velocities_m_s, strict=True
    ):
        rep = next((r for r in analysis.reps if r.start_s <= sample.t_s <= r.end_s), None)
        phase = ""
        if rep is not None:
            phase = "concentric" if sample.t_s >= rep.concentric_start_s else "eccentric"
        writer.writerow(
            [
                f"{sample.t_s:.4f}",
                f"{sample.x_px:.2f}",
                f"{sample.y_px:.2f}",
                f"{height:.2f}",
                f"{velocity:.3f}",
                rep.number if rep else "",
                phase,
            ]
        )
    return len(analysis.samples)


def bar_speed_note(analysis: BarPathAnalysis) -> str | None:
    """The line offered to the session's log: the best rep's bar speed, for the notes the web
    shows (its results have no bar-speed field of their own). None without a rep."""
    best = analysis.best_rep
    if best is None:
        return None
    text = (
        f"Bar speed: best rep {best.mean_velocity_m_s:.2f} m/s mean, "
        f"{best.peak_velocity_m_s:.2f} m/s peak (rep {best.number} of {len(analysis.reps)})"
    )
    loss = analysis.velocity_loss_pct
    if loss is not None:
        text += f"; velocity loss {loss:.0f} %"
    return text + "."
