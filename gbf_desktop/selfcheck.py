"""`gbf-desktop self-check`: can this machine run the app? One line per check.

Headless on purpose: it is what a trainer or an installer script runs on a fresh install, and what
support asks for first. Each check is independent, so one failure does not hide the others.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
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


# QtMultimedia reports every optional audio back-end it cannot find (PipeWire on most servers);
# that is noise here, not a failed check.
QUIET_MULTIMEDIA = "qt.multimedia.symbolsresolver=false"


def check_qt() -> CheckResult:
    name = "Qt"
    os.environ.setdefault("QT_LOGGING_RULES", QUIET_MULTIMEDIA)
    try:
        for module in ("PySide6.QtWidgets", "PySide6.QtMultimedia", "PySide6.QtCharts"):
            importlib.import_module(module)
    except ImportError as err:
        # The usual cause on Linux is a system library the wheels expect (libEGL, libpulse, …).
        return CheckResult(
            name,
            False,
            f"{err}. Install the missing system library (on Debian/Ubuntu: "
            "libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libpulse0), then run this again.",
        )
    import PySide6

    return CheckResult(
        name, True, f"PySide6 {PySide6.__version__}: widgets, multimedia and charts import"
    )


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
    """PyAV (probing, frames) and OpenCV (cameras, file sources) both read a fresh clip.

    In a bundle the two share one set of FFmpeg libraries (packaging/slim.py); this is where a
    mismatch would show, instead of at a coach's first import.
    """
    name = "decoders"
    import cv2
    import numpy as np

    from gbf_desktop.video.compress import encode_test_pattern
    from gbf_desktop.video.delay import decode_jpeg, encode_jpeg
    from gbf_desktop.video.ffmpeg import find_ffmpeg
    from gbf_desktop.video.probe import probe

    try:
        binary = find_ffmpeg(settings.ffmpeg_path)
        with tempfile.TemporaryDirectory(prefix="gbf-selfcheck-") as tmp:
            path = encode_test_pattern(
                Path(tmp) / "read.mp4", duration_s=1.0, ffmpeg_path=binary
            ).path
            info = probe(path)
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
    if frames == 0 or shape is None:
        return CheckResult(
            name, False, f"OpenCV {cv2.__version__} read no frame of a clip PyAV probes fine"
        )
    return CheckResult(
        name,
        True,
        f"PyAV probed {info.width}x{info.height} and OpenCV {cv2.__version__} read {frames} frames"
        f" (JPEG round trip {shape[1]}x{shape[0]})",
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
