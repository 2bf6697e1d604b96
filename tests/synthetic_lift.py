"""Synthetic lifting clips with a known bar path: a plate moved through reps at known speeds.

For the tracking tests and `bench/tracking.py`. The plate (a dark bumper with a light rim, a hub
and lettering) is drawn with sub-pixel precision over a textured background; each frame averages
several sub-frames over a shutter of half a frame (motion blur), gets sensor noise, and may have
an "arm" pass in front of the plate. The clip is encoded like a stored clip (H.264, 24 fps,
yuv420p), so the tracker sees real compression too. The truth is the analytic path.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

FPS = 24
_OCCLUDER_GREY = 75.0
_SPRITE_SCALE = 4  # the plate sprite is drawn this much larger, then warped down sub-pixel


@dataclass(frozen=True)
class RepPlan:
    eccentric_s: float
    bottom_pause_s: float
    concentric_s: float
    top_pause_s: float
    rom_px: float


@dataclass(frozen=True)
class LiftScene:
    width: int = 854
    height: int = 480
    radius_px: float = 55.0
    x0: float = 420.0
    top_y: float = 150.0
    start_pause_s: float = 0.6
    reps: Sequence[RepPlan] = field(
        default_factory=lambda: tuple(
            RepPlan(0.9, 0.25, c, 0.45, rom)
            for c, rom in ((0.55, 135.0), (0.6, 133.0), (0.66, 136.0), (0.75, 134.0), (0.9, 132.0))
        )
    )
    from_floor: bool = False  # deadlift: starts at the bottom, rises first
    noise_sigma: float = 4.0
    blur_subframes: int = 7
    # (start time, speed px/s, width px): a dark bar crossing the picture from left to right.
    occluder: tuple[float, float, float] | None = (3.2, 900.0, 40.0)
    sway_px: float = 5.0

    @property
    def duration_s(self) -> float:
        total = self.start_pause_s + sum(
            r.eccentric_s + r.bottom_pause_s + r.concentric_s + r.top_pause_s for r in self.reps
        )
        return total + 0.3

    def _segments(self) -> list[tuple[float, float, float, float]]:
        """(start time, duration, from y, to y) of every movement; pauses hold still."""
        t = self.start_pause_s
        y = self.top_y if not self.from_floor else self.top_y + self.reps[0].rom_px
        out: list[tuple[float, float, float, float]] = []
        for rep in self.reps:
            bottom = self.top_y + rep.rom_px
            if not self.from_floor:
                out.append((t, rep.eccentric_s, y, bottom))
                t += rep.eccentric_s + rep.bottom_pause_s
                out.append((t, rep.concentric_s, bottom, self.top_y))
                t += rep.concentric_s + rep.top_pause_s
                y = self.top_y
            else:
                out.append((t, rep.concentric_s, y, self.top_y))
                t += rep.concentric_s + rep.top_pause_s
                out.append((t, rep.eccentric_s, self.top_y, bottom))
                t += rep.eccentric_s + rep.bottom_pause_s
                y = bottom
        return out

    def position(self, t: float) -> tuple[float, float]:
        """The plate centre at time t (pixels, y down): smooth steps with raised-cosine speed."""
        y = self.top_y if not self.from_floor else self.top_y + self.reps[0].rom_px
        for start, duration, y_from, y_to in self._segments():
            if t < start:
                break
            s = min(1.0, (t - start) / duration)
            y = y_from + (y_to - y_from) * (s - math.sin(2 * math.pi * s) / (2 * math.pi))
        x = self.x0 + self.sway_px * math.sin(2 * math.pi * t / 2.3)
        return x, y

    def concentric_truth(self) -> list[tuple[float, float, float]]:
        """(start, duration, rise px) of each concentric phase, in order."""
        return [(s, d, y0 - y1) for s, d, y0, y1 in self._segments() if y1 < y0]


def _sprite(radius: float) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The plate, drawn large: grey levels and coverage (alpha), centred in its square."""
    k = _SPRITE_SCALE
    r = radius * k
    size = int(2 * r + 8 * k) | 1
    c = size // 2
    grey = np.zeros((size, size), np.float32)
    alpha = np.zeros((size, size), np.float32)
    cv2.circle(alpha, (c, c), round(r), 1.0, -1, cv2.LINE_AA)
    cv2.circle(grey, (c, c), round(r), 205.0, -1, cv2.LINE_AA)  # the light rim
    cv2.circle(grey, (c, c), round(r * 0.86), 38.0, -1, cv2.LINE_AA)  # the rubber face
    cv2.circle(grey, (c, c), round(r * 0.3), 150.0, -1, cv2.LINE_AA)  # the insert
    cv2.circle(grey, (c, c), round(r * 0.14), 235.0, -1, cv2.LINE_AA)  # the sleeve's end
    for angle, length in ((30, 0.25), (150, 0.18), (270, 0.3)):
        a = math.radians(angle)
        p = (round(c + r * 0.58 * math.cos(a)), round(c + r * 0.58 * math.sin(a)))
        cv2.ellipse(grey, p, (round(r * length), round(r * 0.07)), angle + 90, 0, 360, 225.0, -1)
    return grey, alpha


def _background(width: int, height: int, seed: int) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.normal(0, 30, (height, width)).astype(np.float32), (0, 0), 3)
    ramp = np.linspace(90, 140, width, dtype=np.float32)[None, :]
    back = ramp + texture
    # A rack upright and floor line, fixed structure a tracker must not latch onto.
    cv2.rectangle(back, (90, 40), (120, height), 60.0, -1)
    cv2.line(back, (0, height - 40), (width, height - 40), 170.0, 3)
    return back


def render_frames(
    scene: LiftScene, seed: int = 7
) -> tuple[list[npt.NDArray[np.uint8]], list[float]]:
    grey_sprite, alpha_sprite = _sprite(scene.radius_px)
    back = _background(scene.width, scene.height, seed)
    rng = np.random.default_rng(seed + 1)
    # A handful of noise fields, cycled: generating one per frame would dominate the rendering.
    noise = [
        rng.normal(0, scene.noise_sigma, (scene.height, scene.width)).astype(np.float32)
        for _ in range(7)
    ]
    n = round(scene.duration_s * FPS)
    shutter = 0.5 / FPS
    frames: list[npt.NDArray[np.uint8]] = []
    times: list[float] = []
    half = grey_sprite.shape[0] / _SPRITE_SCALE / 2
    box = math.ceil(half) + 2
    c = (grey_sprite.shape[0] - 1) / 2
    for i in range(n):
        t = i / FPS
        subtimes = [
            t + shutter * ((k + 0.5) / scene.blur_subframes - 0.5)
            for k in range(scene.blur_subframes)
        ]
        positions = [scene.position(ts) for ts in subtimes]
        # Only the box the plate sweeps during the shutter is composited sub-frame by sub-frame;
        # elsewhere the occluder's share of the shutter is mixed per column.
        ox = math.floor(min(p[0] for p in positions)) - box
        oy = math.floor(min(p[1] for p in positions)) - box
        w = math.ceil(max(p[0] for p in positions)) + box + 1 - ox
        h = math.ceil(max(p[1] for p in positions)) + box + 1 - oy
        cover = np.zeros(scene.width, np.float32)
        region_acc = np.zeros((h, w), np.float32)
        for ts, (x, y) in zip(subtimes, positions, strict=True):
            # Sprite pixel (u, v) lands at picture (x + (u - c)/k, y + (v - c)/k).
            m = np.array(
                [
                    [1 / _SPRITE_SCALE, 0, x - ox - c / _SPRITE_SCALE],
                    [0, 1 / _SPRITE_SCALE, y - oy - c / _SPRITE_SCALE],
                ],
                np.float32,
            )
            g = cv2.warpAffine(grey_sprite, m, (w, h), flags=cv2.INTER_AREA)
            a = cv2.warpAffine(alpha_sprite, m, (w, h), flags=cv2.INTER_AREA)
            region = back[oy : oy + h, ox : ox + w] * (1 - a) + g * a
            if scene.occluder is not None:
                start, speed, bar_w = scene.occluder
                left = (ts - start) * speed - bar_w
                x0 = min(scene.width, max(0, round(left)))
                x1 = min(scene.width, max(0, round(left + bar_w)))
                cover[x0:x1] += 1
                rx0, rx1 = max(0, x0 - ox), min(w, x1 - ox)
                ry0, ry1 = max(0, 60 - oy), min(h, scene.height - 60 - oy)
                if rx1 > rx0 and ry1 > ry0:
                    region[ry0:ry1, rx0:rx1] = _OCCLUDER_GREY
            region_acc += region
        cover /= scene.blur_subframes
        acc = back.copy()
        hit = np.flatnonzero(cover)
        if hit.size:
            cols = slice(int(hit[0]), int(hit[-1]) + 1)
            band = acc[60 : scene.height - 60, cols]
            share = cover[None, cols]
            band[:] = band * (1 - share) + _OCCLUDER_GREY * share
        acc[oy : oy + h, ox : ox + w] = region_acc / scene.blur_subframes
        acc += noise[i % len(noise)]
        frames.append(np.clip(acc, 0, 255).astype(np.uint8))
        times.append(t)
    return frames, times


def encode(frames: Sequence[npt.NDArray[np.uint8]], path: Path, *, crf: int = 23) -> Path:
    """H.264 at 24 fps, yuv420p (the stored clip's format) through the bundled ffmpeg."""
    height, width = frames[0].shape[:2]
    args = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "gray", "-s", f"{width}x{height}", "-r", str(FPS),
        "-i", "pipe:0",
        "-c:v", "libx264", "-preset", "fast", "-crf", str(crf), "-profile:v", "main",
        "-pix_fmt", "yuv420p", "-g", "48", "-movflags", "+faststart", str(path),
    ]  # fmt: skip
    subprocess.run(args, input=b"".join(f.tobytes() for f in frames), check=True)
    return path


def render_clip(scene: LiftScene, path: Path, seed: int = 7) -> Path:
    frames, _ = render_frames(scene, seed)
    return encode(frames, path)
