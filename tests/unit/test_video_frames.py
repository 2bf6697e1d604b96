"""The pure picture steps under the player and trim view: turning, scaling, converting, hashing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from gbf_desktop.video.digest import sha256_file
from gbf_desktop.video.frames import fit_rgb, upright


def _picture(height: int, width: int) -> np.ndarray:
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[0, 0] = (255, 0, 0)  # blue in BGR, top-left
    return image


def test_upright_turns_counter_clockwise_by_the_rotation() -> None:
    image = _picture(4, 6)
    turned = upright(image, 90)
    assert turned.shape == (6, 4, 3)
    # A quarter turn counter-clockwise takes the top-left corner to the bottom-left.
    assert tuple(turned[5, 0]) == (255, 0, 0)
    assert upright(image, 360) is image
    assert upright(image, -90).shape == (6, 4, 3)


def test_fit_rgb_converts_and_never_exceeds_the_height() -> None:
    small = fit_rgb(_picture(4, 6), max_height=10)
    assert small.shape == (4, 6, 3)
    assert tuple(small[0, 0]) == (0, 0, 255)  # the same blue, now in RGB order
    assert small.flags["C_CONTIGUOUS"]
    scaled = fit_rgb(np.zeros((1080, 1920, 3), dtype=np.uint8), max_height=360)
    assert scaled.shape == (360, 640, 3)


def test_sha256_file_is_the_digest_of_the_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # more than one read chunk
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
