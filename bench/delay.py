"""Instant replay at 720p30 in real time: `python bench/delay.py [--seconds 20]`.

Runs the replay's capture loop on the synthetic 1280x720 camera at 30 fps with the real clock (as
the recorder's delay mode does) and prints:
- pictures captured, dropped (the camera's frame numbers that never reached the loop) and shown;
- the loop's time per picture (median and 99th percentile) against the 33 ms a picture lasts;
- memory: the compressed store for 30 s of 720p, for the test pattern and for a camera-like
  picture (textured, with sensor noise), against the same 30 s kept raw;
- keeping the last 15 s: the encode's time against real time, and the clip checked against
  the contract.
Goal: no dropped picture at 720p30 on 2 cores, bounded memory.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gbf_desktop.domain import clips
from gbf_desktop.video.camera import TestPatternCamera
from gbf_desktop.video.compress import _facts
from gbf_desktop.video.delay import DelayedReplay, Stored, encode_jpeg, encode_take
from tests.synthetic_lift import LiftScene, render_frames

SIZE = clips.Size(1280, 720)
FPS = 30


def camera_like_jpeg_bytes() -> int:
    """The JPEG size of a 720p picture with texture and sensor noise, like a gym camera's."""
    frames, _ = render_frames(LiftScene(reps=LiftScene().reps[:1]))
    grey = cv2.resize(frames[len(frames) // 2], (SIZE.width, SIZE.height))
    rng = np.random.default_rng(3)
    colour = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR).astype(np.float32)
    colour *= np.array([0.9, 1.0, 1.1], np.float32)
    colour += rng.normal(0, 3, colour.shape).astype(np.float32)
    return len(encode_jpeg(np.clip(colour, 0, 255).astype(np.uint8)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to run (s)")
    parser.add_argument("--delay", type=float, default=3.0, help="the replay delay (s)")
    args = parser.parse_args()
    source = TestPatternCamera(SIZE, FPS)
    replay = DelayedReplay(source, delay_s=args.delay)
    steps: list[float] = []
    # The screen's side: decoding what is shown, on another thread, as the GUI thread does.
    screen: queue.Queue[Stored | None] = queue.Queue()
    decoded = 0

    def show() -> None:
        nonlocal decoded
        while (item := screen.get()) is not None:
            item.decoded()
            decoded += 1

    viewer = threading.Thread(target=show, daemon=True)
    viewer.start()
    with source, replay:
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            for item in replay.step() or ():
                screen.put(item)
            steps.append(time.perf_counter() - start)
        kept = replay.take()
    screen.put(None)
    viewer.join()
    ordered = sorted(steps)
    per_picture = replay.memory_bytes / max(1, replay.stored_pictures)
    raw_30s = 30 * FPS * SIZE.width * SIZE.height * 3
    pattern_30s = per_picture * 30 * FPS
    camera_30s = camera_like_jpeg_bytes() * 30 * FPS
    print(f"720p{FPS} synthetic camera, {args.seconds:g} s, delay {args.delay:g} s")
    print(
        f"  captured {replay.captured}, dropped {replay.dropped}, shown {replay.shown} "
        f"(due: all but the last {args.delay:g} s), decoded for the screen {decoded}"
    )
    # Each step includes the camera's wait for its next picture; the work is what is left.
    print(
        f"  loop per picture: median {1000 * statistics.median(ordered):.1f} ms, "
        f"p99 {1000 * ordered[int(0.99 * len(ordered))]:.1f} ms (a picture lasts "
        f"{1000 / FPS:.1f} ms; the camera's wait is included)"
    )
    print(
        f"  memory for 30 s of 720p: test pattern {pattern_30s / 1e6:.0f} MB, camera-like "
        f"picture {camera_30s / 1e6:.0f} MB, raw {raw_30s / 1e9:.2f} GB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        clip = encode_take(kept, Path(tmp) / "take.mp4")
        took = time.perf_counter() - start
        facts, _ = _facts(clip.path)
        problems = clips.contract_violations(facts)
        print(
            f"  keep the last 15 s: {len(kept)} pictures -> {clip.width}x{clip.height}, "
            f"{clip.duration_s:.2f} s, {clip.size_bytes / 1e6:.1f} MB in {took:.1f} s "
            f"({clip.duration_s / took:.1f}x real time); contract: "
            f"{'met' if not problems else '; '.join(problems)}"
        )
    return 0 if replay.dropped == 0 and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
