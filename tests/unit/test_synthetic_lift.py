"""The demo lifter: a plate a tracker can follow, moving straight up and down through reps."""

from __future__ import annotations

import numpy as np

from gbf_desktop.video.synthetic import SquatScene

FPS = 24


def test_the_plate_moves_vertically_through_whole_reps() -> None:
    scene = SquatScene(854, 480, FPS, seed=3)
    poses = [scene.pose(i) for i in range(round(2 * scene.tempo.rep_s * FPS))]

    xs = {pose.plate[0] for pose in poses}
    ys = [pose.plate[1] for pose in poses]
    assert len(xs) == 1, "the bar path over the mid-foot is a vertical line"
    # Standing tall to the bottom is a real squat's travel: a good part of the frame.
    assert max(ys) - min(ys) > 480 * 0.2
    assert poses[0].depth == 0.0
    assert max(p.depth for p in poses) == 1.0
    assert {pose.rep for pose in poses} == {1, 2}


def test_the_plate_is_a_dark_disc_with_a_lighter_rim_and_a_bright_hub() -> None:
    scene = SquatScene(854, 480, FPS, seed=1)
    index = round(scene.tempo.rep_s * FPS / 2)  # near the bottom
    image = scene.frame(index).astype(int)
    pose = scene.pose(index)
    x, y = pose.plate
    r = pose.plate_radius

    hub = image[y, x].sum()
    disc = image[y, x + r // 2].sum()
    rim = image[y, x + r - 2].sum()
    assert disc < 150, "the plate's face is dark"
    assert rim > disc + 200, "its rim is clearly lighter than its face"
    assert hub > rim, "the hub is the brightest part"


def test_the_same_seed_draws_the_same_clip_and_another_seed_another() -> None:
    first = SquatScene(426, 240, FPS, seed=2).frame(10)
    again = SquatScene(426, 240, FPS, seed=2).frame(10)
    other = SquatScene(426, 240, FPS, seed=5).frame(10)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
