"""`gbf-desktop self-check`: can this machine run the app? One line per check.

Headless on purpose: it is what a trainer or an installer script runs on a fresh install, and what
support asks for first. Each check is independent, so one failure does not hide the others.
"""

from __future__ import annotations

import functools
import importlib
import logging
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gbf_desktop.errors import KnownError
from gbf_desktop.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


def check_qt() -> CheckResult:
    name = "Qt"
    try:
        # No QtMultimedia: the player decodes with PyAV, and the bundle leaves Qt's copy out.
        for module in ("PySide6.QtWidgets", "PySide6.QtCharts"):
            importlib.import_module(module)
    except ImportError as err:
        # The usual cause on Linux is a system library the wheels expect (libEGL, libxkbcommon, …).
        return CheckResult(
            name,
            False,
            f"{err}. Install the missing system library (on Debian/Ubuntu: "
            "libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3), then run this again.",
        )
    import PySide6

    return CheckResult(name, True, f"PySide6 {PySide6.__version__}: widgets and charts import")


def check_ffmpeg(settings: Settings) -> CheckResult:
    name = "ffmpeg"
    from gbf_desktop.video.compress import encode_test_pattern
    from gbf_desktop.video.ffmpeg import find_ffmpeg

    try:
        binary = find_ffmpeg(settings.ffmpeg_path)
        with tempfile.TemporaryDirectory(prefix="gbf-selfcheck-") as tmp:
            clip = encode_test_pattern(Path(tmp) / "check.mp4", duration_s=1.0, ffmpeg_path=binary)
            size = clip.size_bytes
    except KnownError as err:
        return CheckResult(name, False, str(err))
    return CheckResult(name, True, f"{binary} encoded a 1-second H.264 clip ({size:,} bytes)")


def check_decoders(settings: Settings) -> CheckResult:
    """PyAV (probing, the player's frames) and OpenCV (cameras, file sources) both read a fresh
    clip.

    In a bundle the two share one set of FFmpeg libraries (packaging/slim.py); this is where a
    mismatch would show, instead of at a coach's first import.
    """
    name = "decoders"
    import cv2
    import numpy as np

    from gbf_desktop.video.compress import encode_test_pattern
    from gbf_desktop.video.delay import decode_jpeg, encode_jpeg
    from gbf_desktop.video.ffmpeg import find_ffmpeg
    from gbf_desktop.video.frames import bgr_frames
    from gbf_desktop.video.playback import ClipReader
    from gbf_desktop.video.probe import probe

    try:
        binary = find_ffmpeg(settings.ffmpeg_path)
        with tempfile.TemporaryDirectory(prefix="gbf-selfcheck-") as tmp:
            path = encode_test_pattern(
                Path(tmp) / "read.mp4", duration_s=1.0, ffmpeg_path=binary
            ).path
            info = probe(path)
            # The player's and the review's decoding (PyAV), without the filters the bundle
            # leaves out.
            decoded = sum(1 for _ in bgr_frames(path))
            # And the player's way: a seek to the keyframe, decoding on to the frame at 0.5 s.
            reader = ClipReader(path)
            try:
                shown = list(reader.walk(0.5, lambda _start_s: False))[-1]
            finally:
                reader.close()
            capture = cv2.VideoCapture(str(path))
            try:
                frames = 0
                shape = None
                while capture.isOpened():
                    ok, image = capture.read()
                    if not ok:
                        break
                    frames += 1
                    # The replay's JPEG round trip: OpenCV's image codecs, whose AVIF library
                    # the bundle replaces with a stub (packaging/slim.py), must still load.
                    shape = shape or decode_jpeg(encode_jpeg(np.asarray(image, np.uint8))).shape
            finally:
                capture.release()
    except KnownError as err:
        return CheckResult(name, False, str(err))
    if decoded == 0:
        return CheckResult(name, False, f"PyAV probed {path.name} but decoded no frame of it")
    if frames == 0 or shape is None:
        return CheckResult(
            name, False, f"OpenCV {cv2.__version__} read no frame of a clip PyAV probes fine"
        )
    return CheckResult(
        name,
        True,
        f"PyAV probed {info.width}x{info.height}, decoded {decoded} frames and showed the one at"
        f" {shown.start_s:.2f} s as the player seeks, OpenCV {cv2.__version__} read {frames}"
        f" (JPEG round trip {shape[1]}x{shape[0]})",
    )


def check_picture_maths() -> CheckResult:
    """The demo camera's drawing, the preview's resize and colour conversion, and the bar tracker
    (blur, template matching) on a drawn squat: the OpenCV and NumPy paths the app runs.

    The bundle leaves out their linear algebra (packaging/slim.py), whose stubs stop the program
    when called: a path that reached it would stop here, at the install, not in a coach's review.
    """
    name = "picture maths"
    import cv2
    import numpy as np

    from gbf_desktop.domain.bar_path import PlateMark
    from gbf_desktop.video.bar_tracker import iter_track
    from gbf_desktop.video.frames import fit_rgb
    from gbf_desktop.video.synthetic import SquatScene

    fps, count = 24.0, 36
    scene = SquatScene(640, 360, fps, seed=3)
    frames = []
    for index, image in enumerate(scene.frames(count)):
        fit_rgb(image, 240)
        gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
        frames.append((index / fps, gray))
    start = scene.pose(0)
    mark = PlateMark(float(start.plate[0]), float(start.plate[1]), float(start.plate_radius))
    steps = iter_track(Path("self-check"), [mark], frames=frames, fps=fps)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        path = done.value
    except KnownError as err:
        return CheckResult(name, False, f"the bar tracker failed on a drawn squat: {err}")
    errors = [
        math.dist((s.x_px, s.y_px), scene.pose(round(s.t_s * fps)).plate) for s in path.samples
    ]
    worst = max(errors, default=math.inf)
    if len(errors) < count or worst > 3:
        return CheckResult(
            name,
            False,
            f"the bar tracker followed {len(errors)} of {count} frames of a drawn squat, "
            f"off by up to {worst:.1f} px",
        )
    return CheckResult(
        name, True, f"tracked a drawn plate through {count} frames within {worst:.1f} px"
    )


def check_database(settings: Settings) -> CheckResult:
    name = "database"
    from gbf_desktop.app import ensure_ready, open_database
    from gbf_desktop.db import migrate

    try:
        db = open_database(settings)
    except KnownError as err:
        return CheckResult(name, False, str(err))
    try:
        # The same readiness rule as the app's start: the built-in database is brought to head,
        # a shared server is only inspected.
        ensure_ready(db)
        with db.engine.connect() as connection:
            current = migrate.current_revision(connection)
    except KnownError as err:
        return CheckResult(name, False, str(err))
    finally:
        db.close()
    return CheckResult(name, True, f"{db.label} reachable, schema at {current}")


def run_self_check(settings: Settings) -> list[CheckResult]:
    checks: list[Callable[[], CheckResult]] = [
        check_qt,
        functools.partial(check_ffmpeg, settings),
        functools.partial(check_decoders, settings),
        check_picture_maths,
        functools.partial(check_database, settings),
    ]
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as err:
            # A bug in one check must not hide the answers of the others.
            log.exception("self-check crashed")
            results.append(
                CheckResult(
                    getattr(check, "func", check).__name__.removeprefix("check_"),
                    False,
                    f"crashed: {err!r}",
                )
            )
    return results
