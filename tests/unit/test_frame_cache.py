"""The player's frame cache: found by any time inside a frame, bounded in bytes, oldest use first
out."""

from __future__ import annotations

from PySide6.QtGui import QImage

from gbf_desktop.workers.playback import FrameCache, ShownPicture

FRAME_US = 41_667


def _picture(index: int, width: int = 64, height: int = 36) -> ShownPicture:
    image = QImage(width, height, QImage.Format.Format_RGB888)
    image.fill(index)
    return ShownPicture(index * FRAME_US, (index + 1) * FRAME_US, image)


def test_a_frame_is_found_by_any_time_it_is_shown() -> None:
    cache = FrameCache(10_000_000)
    cache.add(_picture(3))
    found = cache.find(3 * FRAME_US / 1e6 + 0.02)
    assert found is not None
    assert found.start_us == 3 * FRAME_US
    assert cache.find(4 * FRAME_US / 1e6) is None
    assert cache.find(3 * FRAME_US / 1e6 - 0.001) is None


def test_the_cache_stays_within_its_bytes_dropping_the_least_recently_used() -> None:
    one = _picture(0).size_bytes
    cache = FrameCache(4 * one)
    for index in range(4):
        cache.add(_picture(index))
    assert cache.find(0.0) is not None  # frame 0 used again: frame 1 is now the oldest use
    cache.add(_picture(4))
    cache.add(_picture(4))  # the same frame again replaces it
    assert len(cache) == 4
    assert cache.size_bytes == 4 * one
    assert cache.find(1 * FRAME_US / 1e6) is None
    assert [cache.find(i * FRAME_US / 1e6) is not None for i in (0, 2, 3, 4)] == [True] * 4
    assert cache.frames_that_fit(one) == 4


def test_a_frame_larger_than_the_bound_is_still_kept_alone() -> None:
    cache = FrameCache(100)
    cache.add(_picture(0))
    cache.add(_picture(1))
    assert len(cache) == 1
    assert cache.find(FRAME_US / 1e6) is not None
