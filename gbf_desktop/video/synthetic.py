"""Synthetic training footage: a lifter squatting a barbell, seen from the side, drawn with OpenCV.

The demo's clips and the demo camera need pictures that look like what a coach reviews, so the
player, the drawing tools and bar-path tracking have something real to show. The plate is drawn to
be tracked: a dark disc with a lighter rim and a bright hub, moving straight up and down over the
mid-foot through each rep (a good squat's bar path), slightly slower on the way up.

Every frame is a pure function of (frame index, seed): the same seed always gives the same clip.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Point = tuple[int, int]

# BGR colours.
_WALL = (74, 62, 54)
_WALL_STRIPE = (84, 72, 64)
_FLOOR = (60, 96, 138)
_FLOOR_LINE = (44, 74, 108)
_RACK = (70, 70, 72)
_SKIN = (142, 170, 214)
_SHIRT = (160, 92, 40)
_SHORTS = (48, 48, 52)
_SHOE = (235, 235, 235)
_BAR = (200, 200, 205)
_PLATE = (38, 36, 34)
_PLATE_RIM = (170, 170, 175)
_HUB = (225, 225, 230)
_TEXT = (240, 240, 240)


@dataclass(frozen=True)
class LiftPose:
    """Where the joints are in one frame, in pixels (y grows downwards)."""

    ankle: Point
    knee: Point
    hip: Point
    shoulder: Point
    head: Point
    hand: Point
    # The plate's centre: what a bar-path tracker should find.
    plate: Point
    plate_radius: int
    depth: float  # 0 standing tall .. 1 at the bottom of the squat
    rep: int  # 1-based rep in progress


@dataclass(frozen=True)
class Tempo:
    """One rep: down, pause at the bottom, up, stand at the top (seconds)."""

    down_s: float
    pause_s: float
    up_s: float
    top_s: float

    @property
    def rep_s(self) -> float:
        return self.down_s + self.pause_s + self.up_s + self.top_s

    def depth(self, t: float) -> tuple[float, int]:
        """Squat depth (0..1) at `t` seconds from the start, and the rep it belongs to."""
        rep, phase = divmod(t, self.rep_s)
        if phase < self.top_s / 2:
            depth = 0.0
        elif phase < self.top_s / 2 + self.down_s:
            depth = _ease((phase - self.top_s / 2) / self.down_s)
        elif phase < self.top_s / 2 + self.down_s + self.pause_s:
            depth = 1.0
        elif phase < self.top_s / 2 + self.down_s + self.pause_s + self.up_s:
            rising = phase - self.top_s / 2 - self.down_s - self.pause_s
            depth = 1.0 - _ease(rising / self.up_s)
        else:
            depth = 0.0
        return depth, int(rep) + 1


def _ease(x: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * min(1.0, max(0.0, x)))


class SquatScene:
    """Draws frame after frame of one lifter; the seed varies their build, tempo and position."""

    def __init__(self, width: int, height: int, fps: float, *, seed: int = 1) -> None:
        self.width, self.height, self.fps = width, height, fps
        rng = random.Random(seed)
        self.tempo = Tempo(
            down_s=rng.uniform(0.9, 1.2),
            pause_s=rng.uniform(0.1, 0.3),
            up_s=rng.uniform(0.8, 1.1),
            top_s=rng.uniform(0.4, 0.7),
        )
        self.label = f"Back squat - demo lifter {seed}"
        floor = int(height * rng.uniform(0.86, 0.9))
        self.floor_y = floor
        # The lifter stands a little off centre, facing right, about 70% of the frame tall.
        self.ankle_x = int(width * rng.uniform(0.42, 0.5))
        body = height * rng.uniform(0.66, 0.72)
        self.shin = body * 0.25
        self.thigh = body * 0.26
        self.torso = body * 0.31
        self.head_r = max(6, int(body * 0.065))
        self.plate_r = max(10, int(body * 0.13))
        self.limb = max(3, int(body * 0.045))
        self._background = self._draw_background()

    def pose(self, index: int) -> LiftPose:
        depth, rep = self.tempo.depth(index / self.fps)
        shin_angle = math.radians(4 + 34 * depth)  # forward from vertical
        thigh_angle = math.radians(8 + 100 * depth)  # backward from vertical
        ankle = (self.ankle_x, self.floor_y - self.limb)
        knee = (
            ankle[0] + self.shin * math.sin(shin_angle),
            ankle[1] - self.shin * math.cos(shin_angle),
        )
        hip = (
            knee[0] - self.thigh * math.sin(thigh_angle),
            knee[1] - self.thigh * math.cos(thigh_angle),
        )
        # The torso leans just enough to keep the bar over the mid-foot: a vertical bar path.
        mid_foot = ankle[0] + self.limb * 1.5
        lean = math.asin(max(-0.95, min(0.95, (mid_foot - hip[0]) / self.torso)))
        shoulder = (
            hip[0] + self.torso * math.sin(lean),
            hip[1] - self.torso * math.cos(lean),
        )
        # The head sits in front of the bar (the lifter faces right), peeking past the plate.
        head = (
            shoulder[0] + self.plate_r * 0.75 + self.head_r * 0.3 * math.cos(lean),
            shoulder[1] - self.head_r * 1.2,
        )
        hand = (shoulder[0] - self.limb * 1.2, shoulder[1] + self.limb * 0.4)
        plate = (round(mid_foot), round(shoulder[1]))
        return LiftPose(
            ankle=_pt(ankle),
            knee=_pt(knee),
            hip=_pt(hip),
            shoulder=_pt(shoulder),
            head=_pt(head),
            hand=_pt(hand),
            plate=plate,
            plate_radius=self.plate_r,
            depth=depth,
            rep=rep,
        )

    def frame(self, index: int) -> Image:
        image = self._background.copy()
        pose = self.pose(index)
        self._draw_lifter(image, pose)
        self._draw_bar(image, pose)
        scale = max(0.4, self.height / 900)
        thickness = max(1, round(scale * 2))
        cv2.putText(
            image,
            f"{self.label} - rep {pose.rep}",
            (max(6, self.width // 40), max(18, self.height // 14)),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            _TEXT,
            thickness,
            cv2.LINE_AA,
        )
        return image

    def frames(self, count: int) -> Iterator[Image]:
        for index in range(count):
            yield self.frame(index)

    def _draw_background(self) -> Image:
        image = np.empty((self.height, self.width, 3), dtype=np.uint8)
        image[:] = _WALL
        stripe = max(8, self.height // 12)
        for y in range(0, self.floor_y, stripe * 2):
            image[y : y + stripe] = _WALL_STRIPE
        image[self.floor_y :] = _FLOOR
        for x in range(0, self.width, max(20, self.width // 9)):
            cv2.line(image, (x, self.floor_y), (x - 30, self.height), _FLOOR_LINE, 2)
        # Rack uprights behind the lifter give the eye a fixed vertical to judge the bar by.
        upright = max(4, self.width // 120)
        for x in (int(self.width * 0.2), int(self.width * 0.8)):
            cv2.rectangle(
                image, (x, int(self.height * 0.12)), (x + upright, self.floor_y), _RACK, -1
            )
        return image

    def _draw_lifter(self, image: Image, pose: LiftPose) -> None:
        thick = self.limb
        toe = (pose.ankle[0] + int(thick * 3), pose.ankle[1] + thick // 2)
        heel = (pose.ankle[0] - thick, pose.ankle[1] + thick // 2)
        cv2.line(image, heel, toe, _SHOE, thick, cv2.LINE_AA)
        cv2.line(image, pose.ankle, pose.knee, _SKIN, thick, cv2.LINE_AA)
        cv2.line(image, pose.knee, pose.hip, _SHORTS, int(thick * 1.6), cv2.LINE_AA)
        cv2.line(image, pose.hip, pose.shoulder, _SHIRT, int(thick * 2.2), cv2.LINE_AA)
        cv2.circle(image, pose.head, self.head_r, _SKIN, -1, cv2.LINE_AA)
        elbow = (pose.shoulder[0] - thick * 2, pose.shoulder[1] + thick * 3)
        cv2.line(image, pose.shoulder, elbow, _SKIN, thick, cv2.LINE_AA)
        cv2.line(image, elbow, pose.hand, _SKIN, thick, cv2.LINE_AA)

    def _draw_bar(self, image: Image, pose: LiftPose) -> None:
        x, y = pose.plate
        r = pose.plate_radius
        # The bar seen end-on is the sleeve through the plate's centre.
        cv2.line(image, pose.hand, (x, y), _BAR, max(2, self.limb // 2), cv2.LINE_AA)
        cv2.circle(image, (x, y), r, _PLATE, -1, cv2.LINE_AA)
        cv2.circle(image, (x, y), r, _PLATE_RIM, max(2, r // 8), cv2.LINE_AA)
        cv2.circle(image, (x, y), max(3, r // 5), _HUB, -1, cv2.LINE_AA)


def _pt(point: tuple[float, float]) -> Point:
    return (round(point[0]), round(point[1]))
