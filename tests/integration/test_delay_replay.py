"""Instant replay: the camera delayed, every picture shown once, bounded memory, kept takes.

Driven by the synthetic 720p30 camera on a fake clock, so 45 "seconds" take a few real ones; the
real-time check (no dropped picture at 720p30 on this machine) is `bench/delay.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError, ValidationError
from gbf_desktop.video.camera import Frame, TestPatternCamera
from gbf_desktop.video.compress import _facts
from gbf_desktop.video.delay import KEEP_S, DelayedReplay, encode_take

HD = clips.Size(1280, 720)


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def camera(size: clips.Size = HD) -> TestPatternCamera:
    clock = FakeClock()
    source = TestPatternCamera(size, 30, clock=clock, sleep=clock.sleep)
    source.open()
    return source


@pytest.fixture
def replays() -> Iterator[Callable[..., DelayedReplay]]:
    made: list[DelayedReplay] = []

    def make(source: TestPatternCamera, delay_s: float) -> DelayedReplay:
        made.append(DelayedReplay(source, delay_s=delay_s))
        return made[-1]

    yield make
    for replay in made:
        replay.close()


def run(replay: DelayedReplay, frames: int) -> list[Frame]:
    shown: list[Frame] = []
    for _ in range(frames):
        due = replay.step()
        assert due is not None
        shown += [s.decoded() for s in due]
    return shown


def test_every_captured_picture_is_shown_once_after_the_delay(
    replays: Callable[..., DelayedReplay],
) -> None:
    replay = replays(camera(), delay_s=2.0)
    shown = run(replay, 300)  # 10 s
    assert replay.captured == 300
    assert replay.dropped == 0
    # All but the last 2 s were due: 8 s of pictures, in order, none twice, none missing.
    assert [f.index for f in shown] == list(range(240))
    assert replay.shown == len(shown)
    # Each one is its own picture back, not a copy of another (the frame counter moves).
    assert shown[10].image.shape == (720, 1280, 3)
    assert (shown[10].image != shown[11].image).any()


def test_memory_stays_bounded_with_the_longest_delay(replays: Callable[..., DelayedReplay]) -> None:
    # A small picture: what is bounded is the time kept; the 720p figure is bench/delay.py's.
    replay = replays(camera(clips.Size(320, 180)), delay_s=30.0)
    run(replay, 30 * 50)
    assert 30 + KEEP_S <= replay.stored_s <= 30 + KEEP_S + 1.0 + 1 / 30
    held = replay.memory_bytes
    run(replay, 30 * 5)
    assert replay.memory_bytes < held * 1.1  # no longer growing
    assert replay.memory_bytes < 46 * 30 * 320 * 180 * 3 / 10  # a tenth of raw at most


def test_changing_the_delay_while_running_jumps_back_and_forth(
    replays: Callable[..., DelayedReplay],
) -> None:
    replay = replays(camera(), delay_s=1.0)
    shown = run(replay, 150)
    assert shown[-1].index == 119  # 5 s captured, the picture of 1 s ago
    replay.delay_s = 4.0
    back = run(replay, 30)
    # Back to 4 s ago and on from there, one picture per picture captured.
    assert [f.index for f in back] == list(range(30, 60))
    replay.delay_s = 0.0
    now = run(replay, 1)
    assert [f.index for f in now] == [180]
    with pytest.raises(ValidationError, match="0 to 30 seconds"):
        replay.delay_s = 31


def test_keeping_the_last_15_s_makes_a_contract_clip_while_the_replay_goes_on(
    tmp_path: Path, replays: Callable[..., DelayedReplay]
) -> None:
    replay = replays(camera(), delay_s=3.0)
    with pytest.raises(MediaError, match="Nothing has been shown yet"):
        replay.take()
    run(replay, 30 * 18)  # 18 s: the last 15 s were shown
    kept = replay.take()
    assert kept[-1].timestamp_s == replay.last_shown_s
    assert len(kept) == 15 * 30
    result: list[object] = []
    encoder = threading.Thread(
        target=lambda: result.append(encode_take(kept, tmp_path / "take.mp4")), daemon=True
    )
    encoder.start()
    more = run(replay, 60)  # the replay carries on while the take is encoded
    encoder.join(120)
    assert len(more) == 60
    clip = result[0]
    facts, _ = _facts(tmp_path / "take.mp4")
    assert clips.contract_violations(facts) == []
    assert (facts.width, facts.height) == (854, 480)
    assert facts.duration_s == pytest.approx(15.0, abs=1 / 24)
    assert clip.duration_s == facts.duration_s  # type: ignore[attr-defined]
    assert [p.name for p in tmp_path.iterdir()] == ["take.mp4"]  # no partial file left
