"""Clip player benchmarks against plain PyAV: `python bench/player.py` (about half a minute).

On a generated 15-s stored clip (854x480, 24 fps, a keyframe every 2 s) and the same clip scaled
to 1080p (an uploaded web clip's size), through the player's engine (`workers.playback.Playback`,
its thread, cache and clock, driven by a real Qt event loop) and through the plain PyAV loop a
person would write for the same picture (seek to the keyframe, decode on to the frame, convert
to RGB):

(a) a seek to a frame never shown: time to the picture (target: ratio to plain PyAV <= 1.3, the
    thread hand-over and QImage copy cost little next to decoding);
(b) 20 steps back, one frame each, after a seek: time per step (target: median <= 5 ms, where
    plain PyAV decodes from the keyframe every time) and the frames decoded for them (a seek
    keeps 3 frames before it; the first step past them decodes once, keeping the cache's worth);
(c) 4 s of play at 1x and at 2x: pictures shown against the clip's frames in that time (target:
    >= 90 % at 480p), and how far the reported position strays from the wall clock times the
    rate (target: <= 50 ms);
(d) the process's peak resident memory across it all, against the cache's bound.

`--quick` runs (a) and (b) with fewer repetitions and (c) at 1x only.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import av
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication

from gbf_desktop.demo.clips import ffmpeg_clip_maker
from gbf_desktop.video.ffmpeg import find_ffmpeg
from gbf_desktop.workers.playback import CACHE_BYTES, Playback, ShownPicture

FPS = 24


def _wait(signal: object, timeout_ms: int = 10_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)  # type: ignore[attr-defined]


def _plain_pyav_frame(path: Path, time_s: float) -> float:
    """Seconds for plain PyAV to give the RGB picture shown at `time_s` (file already cached)."""
    start = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        container.seek(int(time_s / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time + 0.5 / FPS > time_s:
                frame.to_ndarray(format="rgb24")
                break
    return time.perf_counter() - start


def _engine_seek(engine: Playback, ms: int) -> float:
    start = time.perf_counter()
    engine.seek(ms)
    _wait(engine.picture)
    return time.perf_counter() - start


def bench_seek_and_step(path: Path, label: str, repeats: int) -> None:
    engine = Playback()
    engine.open(path)
    _wait(engine.picture)
    # Times in the middle of a keyframe interval, never shown before (so never cached).
    targets = [round((k * 2.0 + 1.5) * 1000) + 20 for k in range(min(repeats, 7))]
    ours = [_engine_seek(engine, ms) for ms in targets]
    plain = [_plain_pyav_frame(path, ms / 1000) for ms in targets]
    ratio = statistics.median(ours) / statistics.median(plain)
    print(
        f"(a) {label} seek to an unseen frame: engine {statistics.median(ours) * 1000:.1f} ms, "
        f"plain PyAV {statistics.median(plain) * 1000:.1f} ms (ratio {ratio:.2f}, target <= 1.3)"
    )

    _engine_seek(engine, 9_520)
    decoded = engine.decoded
    steps = []
    for k in range(1, 21):
        steps.append(_engine_seek(engine, round((228 - k + 0.5) * 1000 / FPS)))
    plain_steps = [_plain_pyav_frame(path, (228 - k + 0.5) / FPS) for k in range(1, 6)]
    print(
        f"(b) {label} step back: engine median {statistics.median(steps) * 1000:.1f} ms, "
        f"worst {max(steps) * 1000:.1f} ms, {engine.decoded - decoded} frames decoded in 20 steps;"
        f" plain PyAV {statistics.median(plain_steps) * 1000:.1f} ms a step"
    )
    engine.close()


def bench_play(path: Path, label: str, rate: float) -> None:
    engine = Playback()
    engine.open(path)
    _wait(engine.picture)
    engine.set_rate(rate)
    shown: list[int] = []
    strays: list[float] = []
    wall0 = 0.0

    def on_picture(picture: ShownPicture) -> None:
        shown.append(picture.start_us)

    def on_position(ms: int) -> None:
        if wall0:
            strays.append(abs(ms - (time.perf_counter() - wall0) * rate * 1000))

    engine.picture.connect(on_picture)
    engine.position_changed.connect(on_position)
    wall0 = time.perf_counter()
    engine.play()
    loop = QEventLoop()
    QTimer.singleShot(4000, loop.quit)  # 4 s of wall time
    loop.exec()
    engine.pause()
    played_s = time.perf_counter() - wall0
    engine.close()
    expected = played_s * rate * FPS
    print(
        f"(c) {label} play at {rate:g}x: {len(shown)} pictures of {expected:.0f} frames "
        f"({len(shown) / expected:.0%}, target >= 90 %), position off the clock by "
        f"{statistics.median(strays):.1f} ms median, {max(strays):.1f} ms worst (target <= 50)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    app = QGuiApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="gbf-bench-player-") as folder:
        small = Path(folder) / "clip-480p.mp4"
        small.write_bytes(ffmpeg_clip_maker()(15.0, 2))
        large = Path(folder) / "clip-1080p.mp4"
        subprocess.run(
            [find_ffmpeg(None), "-v", "error", "-i", str(small), "-vf", "scale=1920:1080",
             "-c:v", "libx264", "-preset", "veryfast", "-g", "48", str(large)],
            check=True,
        )  # fmt: skip
        repeats = 3 if args.quick else 7
        # Qt, PyAV, NumPy and the clips' generation, before any player runs.
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for path, label in ((small, "480p"), (large, "1080p")):
            bench_seek_and_step(path, label, repeats)
            for rate in (1.0,) if args.quick else (1.0, 2.0):
                bench_play(path, label, rate)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"(d) peak resident memory {peak_mb:.0f} MB, {before_mb:.0f} MB before any player ran "
        f"(the cache's bound: {CACHE_BYTES >> 20} MB)"
    )
    del app


if __name__ == "__main__":
    main()
