"""Where the recorder's pictures come from: a webcam, a video file played live, or a test pattern.

All three sit behind `CameraSource`, so the preview, the recorder and the tests never know which
one they hold. The file and test-pattern sources are features, not test doubles: a training room
without a webcam can demo the app on a stored clip, and the synthetic pattern needs nothing at all.

A source behaves like a camera: `read()` blocks until the next picture is due and returns it with
the moment it was captured, on the source's clock. The file and test sources take that clock (and
the matching sleep) as arguments, so a test can run fifteen "seconds" of recording in a fraction of
the time. The source is chosen by a setting and the `--camera` option; `parse_camera_spec` turns
that text into an (unopened) source.

Over 500 lines: three sources (device, file, test pattern) behind one protocol, plus device listing;
each source alone is small, and they share the pacing and error handling here.
"""

from __future__ import annotations

import abc
import math
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import av
import av.error
import cv2
import numpy as np
import numpy.typing as npt

from gbf_desktop.domain import clips
from gbf_desktop.errors import CameraUnavailable, MediaError, ValidationError
from gbf_desktop.video.probe import probe

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Image = npt.NDArray[np.uint8]

# What the recorder asks a webcam for: the stored clip's own size and rate, so nothing is scaled
# or resampled when the camera agrees.
WEBCAM_REQUEST = clips.Size(clips.MAX_WIDTH, clips.MAX_HEIGHT)
WEBCAM_REQUEST_FPS = float(clips.FPS)
# Enough for a laptop's camera plus a USB one or two; probing further only costs time.
WEBCAM_PROBE_COUNT = 4
DEFAULT_TEST_SIZE = clips.Size(1280, 720)
DEFAULT_TEST_FPS = 30.0
_MIN_SIDE, _MAX_SIDE = 16, 3840
_MAX_FPS = 120.0

SPEC_FORMS = "auto, a device number (0, 1...), file:PATH or test: (for example test:1280x720@30)"


@dataclass(frozen=True)
class Frame:
    """One picture: `image` is height x width x 3 BGR bytes, owned by the receiver (never reused
    by the source); `timestamp_s` is when it was captured, on the source's clock."""

    image: Image
    timestamp_s: float
    index: int


class CameraSource(abc.ABC):
    """A camera: open it, read pictures as they come, close it.

    `size` and `fps` are what the source actually delivers, known once it is open (a webcam may
    not grant what was asked). `read()` returns None only when a finite source has ended; a source
    that breaks (a webcam unplugged) raises `MediaError`.
    """

    name: str

    @property
    @abc.abstractmethod
    def size(self) -> clips.Size: ...

    @property
    @abc.abstractmethod
    def fps(self) -> float: ...

    @abc.abstractmethod
    def open(self) -> None: ...

    @abc.abstractmethod
    def read(self) -> Frame | None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def frames(self) -> Iterator[Frame]:
        """Every picture until the source ends (forever for a webcam or a looping source)."""
        while (frame := self.read()) is not None:
            yield frame


class _Pacer:
    """Paces a source that makes its own pictures to the moments a camera would deliver them."""

    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self.start_s = 0.0

    def restart(self) -> None:
        self.start_s = self._clock()

    def now(self) -> float:
        return self._clock() - self.start_s

    def wait_until(self, offset_s: float) -> None:
        delay = offset_s - self.now()
        if delay > 0:
            self._sleep(delay)


# --- the synthetic test pattern ----------------------------------------------------------------


class TestPatternCamera(CameraSource):
    """Moving colour bars, a bouncing box and the frame number, made with numpy at any size/rate.

    Like a real camera it never waits for a slow reader: a picture that was due while nobody
    read is skipped, and the next `read()` returns the current one.
    """

    __test__ = False  # a feature, not a pytest class, despite its name

    _BARS: tuple[tuple[int, int, int], ...] = (
        (192, 192, 192),
        (0, 192, 192),
        (192, 192, 0),
        (0, 192, 0),
        (192, 0, 192),
        (0, 0, 192),
        (192, 0, 0),
        (32, 32, 32),
    )

    def __init__(
        self,
        size: clips.Size = DEFAULT_TEST_SIZE,
        fps: float = DEFAULT_TEST_FPS,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.name = f"Test pattern {size} at {fps:g} fps"
        self._size = size
        self._fps = fps
        self._pacer = _Pacer(clock, sleep)
        self._index = -1
        self._bars: Image | None = None

    @property
    def size(self) -> clips.Size:
        return self._size

    @property
    def fps(self) -> float:
        return self._fps

    def open(self) -> None:
        width, height = self._size.width, self._size.height
        # The bars are drawn once at twice the width, so each frame is one slice copy rather
        # than a roll or a redraw: cheap enough for 1080p at 30 fps in pure numpy.
        columns = np.arange(2 * width) * len(self._BARS) // width % len(self._BARS)
        row = np.array(self._BARS, dtype=np.uint8)[columns]
        self._bars = np.ascontiguousarray(np.broadcast_to(row, (height, 2 * width, 3)))
        self._index = -1
        self._pacer.restart()

    def read(self) -> Frame | None:
        if self._bars is None:
            raise MediaError("The test pattern camera was read before it was opened.")
        due = max(self._index + 1, math.floor(self._pacer.now() * self._fps))
        self._pacer.wait_until(due / self._fps)
        self._index = due
        return Frame(self._draw(due), self._pacer.start_s + due / self._fps, due)

    def _draw(self, index: int) -> Image:
        assert self._bars is not None
        width, height = self._size.width, self._size.height
        shift = (index * max(1, width // 120)) % width
        image = self._bars[:, shift : shift + width].copy()
        box = max(8, height // 6)
        # A box bouncing corner to corner shows dropped or doubled frames as a jerk in its path.
        travel_x, travel_y = width - box, height - box
        step = max(2, height // 90)
        x = _bounce(index * step, travel_x)
        y = _bounce(index * step, travel_y)
        image[y : y + box, x : x + box] = 255
        scale = max(0.5, height / 360)
        thickness = max(1, round(scale * 2))
        cv2.putText(
            image,
            f"{index:06d}",
            (max(4, width // 40), height - max(8, height // 20)),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
        return image

    def close(self) -> None:
        self._bars = None


def _bounce(position: int, travel: int) -> int:
    if travel <= 0:
        return 0
    phase = position % (2 * travel)
    return phase if phase <= travel else 2 * travel - phase


# --- a video file played as a camera -----------------------------------------------------------


class FileCamera(CameraSource):
    """A video file played in real time, each picture released at its own timestamp.

    With `loop` the file starts over at its end, timestamps running on, as a demo needs; without
    it `read()` returns None at the end.
    """

    def __init__(
        self,
        path: Path,
        *,
        loop: bool = False,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.path = Path(path)
        self.name = f"Video file {self.path.name}"
        self._loop = loop
        self._pacer = _Pacer(clock, sleep)
        # Probing here rather than in open() lets a bad --camera value fail when it is given.
        info = probe(self.path)
        self._size = clips.Size(info.width, info.height)
        self._fps = info.fps or float(clips.FPS)
        self._duration_s = info.duration_s
        self._stream_index = info.video_stream
        self._container: Any = None
        self._decoded: Iterator[Any] | None = None
        self._first_pts_s: float | None = None
        self._loop_offset_s = 0.0
        self._last_s = 0.0
        self._index = -1

    @property
    def size(self) -> clips.Size:
        return self._size

    @property
    def fps(self) -> float:
        return self._fps

    def open(self) -> None:
        self.close()
        try:
            self._container = av.open(str(self.path))
        except av.error.FFmpegError as err:
            raise MediaError(
                f"{self.path.name} could not be opened as a camera ({err}).",
                hint="Choose another video with --camera file:PATH.",
            ) from err
        self._rewind()
        self._loop_offset_s = 0.0
        self._last_s = 0.0
        self._index = -1
        self._pacer.restart()

    def _rewind(self) -> None:
        self._container.seek(0)
        self._decoded = iter(self._container.decode(self._container.streams[self._stream_index]))
        self._first_pts_s = None

    def _next_picture(self) -> Any:
        assert self._decoded is not None
        try:
            return next(self._decoded, None)
        except av.error.FFmpegError as err:
            raise MediaError(
                f"{self.path.name} stopped playing: a picture could not be decoded ({err}).",
                hint="The file may be damaged; choose another video with --camera file:PATH.",
            ) from err

    def read(self) -> Frame | None:
        if self._container is None:
            raise MediaError(f"The video file camera {self.path.name} was read before opening.")
        picture = self._next_picture()
        if picture is None:
            if not self._loop or self._index < 0:
                return None
            # One frame's length past the last picture, so the seam plays at the file's rate.
            self._loop_offset_s = self._last_s + 1.0 / self._fps
            self._rewind()
            picture = self._next_picture()
            if picture is None:
                return None
        pts_s = float(picture.time) if picture.time is not None else (self._index + 1) / self._fps
        if self._first_pts_s is None:
            self._first_pts_s = pts_s
        offset_s = self._loop_offset_s + pts_s - self._first_pts_s
        self._last_s = offset_s
        self._pacer.wait_until(offset_s)
        self._index += 1
        image: Image = picture.to_ndarray(format="bgr24")
        return Frame(image, self._pacer.start_s + offset_s, self._index)

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = None
        self._decoded = None


# --- a real webcam -----------------------------------------------------------------------------


def _capture_backend() -> int:
    # The platform's native API opens faster and reports formats more truthfully than OpenCV's
    # default probing through GStreamer or FFmpeg. (A lookup, not `if sys.platform`, so the type
    # checker does not rule out the other platforms' branches as unreachable.)
    backends = {"linux": cv2.CAP_V4L2, "win32": cv2.CAP_DSHOW, "darwin": cv2.CAP_AVFOUNDATION}
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    return int(backends.get(platform, cv2.CAP_ANY))


def _quiet_opencv() -> None:
    # A missing /dev/videoN makes OpenCV print a warning per probed index to the console.
    logging_module = getattr(getattr(cv2, "utils", None), "logging", None)
    if logging_module is not None:
        logging_module.setLogLevel(logging_module.LOG_LEVEL_ERROR)


def _may_open(node: Path) -> bool:
    return os.access(node, os.R_OK | os.W_OK)


def refused_camera(
    devices: list[Path] | None = None,
    system: str = sys.platform,
    may_open: Callable[[Path], bool] = _may_open,
) -> MediaError | None:
    """The error to show when Linux, not the hardware, keeps the camera from this user.

    The device nodes say it: cameras exist, but none of /dev/video* may be opened by this user,
    which means a missing group membership (usually `video`).
    """
    if not system.startswith("linux"):
        return None
    nodes = sorted(Path("/dev").glob("video*")) if devices is None else devices
    refused = [node for node in nodes if not may_open(node)]
    if not nodes or len(refused) < len(nodes):
        return None
    group = _group_of(refused[0])
    return CameraUnavailable(
        f"This computer has a camera ({refused[0]}), but your user may not use it.",
        hint=f"Ask an administrator to add you to the {group!r} group "
        f"(sudo usermod -aG {group} $USER), then log out and back in.",
    )


def privacy_hint(system: str = sys.platform) -> str:
    """Where macOS and Windows let a person allow the camera; they give OpenCV no reason."""
    if system == "darwin":
        return (
            " If macOS asked for the camera and it was refused, allow GoBeyondFit Desktop in "
            "System Settings > Privacy & Security > Camera, then start the app again."
        )
    if system == "win32":
        return (
            " Windows may also be refusing it: turn on Settings > Privacy & security > Camera > "
            "Let desktop apps access your camera."
        )
    return ""


def _group_of(node: Path) -> str:
    try:
        import grp  # noqa: PLC0415 (POSIX only)

        return grp.getgrgid(node.stat().st_gid).gr_name
    except (ImportError, KeyError, OSError):
        return "video"


def list_cameras(max_index: int = WEBCAM_PROBE_COUNT) -> list[int]:
    """The device numbers below `max_index` that open, without reading a picture from them."""
    _quiet_opencv()
    found: list[int] = []
    for index in range(max_index):
        # On Linux a missing device node answers at once; opening it would also cost nothing,
        # but skipping it keeps OpenCV from touching the V4L2 layer at all.
        if sys.platform.startswith("linux") and not Path(f"/dev/video{index}").exists():
            continue
        capture = cv2.VideoCapture(index, _capture_backend())
        try:
            if capture.isOpened():
                found.append(index)
        finally:
            capture.release()
    return found


class WebcamCamera(CameraSource):
    """A webcam through OpenCV; `index` None picks the first one that opens ("auto").

    It asks for 854x480 at 24 fps and reports what the device actually gives; the recorder scales
    and resamples whatever that is.
    """

    def __init__(self, index: int | None = None, *, clock: Clock = time.monotonic) -> None:
        self.index = index
        self.name = "First available webcam" if index is None else f"Webcam {index}"
        self._clock = clock
        self._capture: cv2.VideoCapture | None = None
        self._size = WEBCAM_REQUEST
        self._fps = WEBCAM_REQUEST_FPS
        self._count = -1

    @property
    def size(self) -> clips.Size:
        return self._size

    @property
    def fps(self) -> float:
        return self._fps

    def open(self) -> None:
        self.close()
        _quiet_opencv()
        candidates = list_cameras() if self.index is None else [self.index]
        for index in candidates:
            capture = cv2.VideoCapture(index, _capture_backend())
            if capture.isOpened():
                self._configure(capture, index)
                return
            capture.release()
        if (refused := refused_camera()) is not None:
            raise refused
        checks = (
            "Check that it is plugged in (try another cable or port), that no other app (a "
            "video call, another recorder) is using it, and that this app may use the camera "
            "in the system's privacy settings. Meanwhile you can record with the demo camera."
            + privacy_hint()
        )
        if self.index is None:
            raise CameraUnavailable("No webcam was found.", hint=checks)
        raise CameraUnavailable(f"Webcam {self.index} could not be opened.", hint=checks)

    def _configure(self, capture: cv2.VideoCapture, index: int) -> None:
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, WEBCAM_REQUEST.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, WEBCAM_REQUEST.height)
        capture.set(cv2.CAP_PROP_FPS, WEBCAM_REQUEST_FPS)
        # One buffered picture at most: an old picture in a queue would be stamped late.
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        self._capture = capture
        self.index = index
        self.name = f"Webcam {index}"
        self._size = clips.Size(width, height) if width > 0 and height > 0 else WEBCAM_REQUEST
        # Some drivers report 0 fps; the recorder goes by timestamps anyway.
        self._fps = fps if math.isfinite(fps) and fps > 0 else WEBCAM_REQUEST_FPS
        self._count = -1

    def read(self) -> Frame | None:
        if self._capture is None:
            raise MediaError(f"{self.name} was read before it was opened.")
        ok, image = self._capture.read()
        stamp = self._clock()
        if not ok:
            raise MediaError(
                f"{self.name} stopped delivering pictures (unplugged, or taken by another "
                "program).",
                hint="Check the cable and try again.",
            )
        picture: Image = np.ascontiguousarray(image, dtype=np.uint8)
        if picture.shape[1] != self._size.width or picture.shape[0] != self._size.height:
            # Drivers may ignore the size they reported; the picture itself is the truth.
            self._size = clips.Size(picture.shape[1], picture.shape[0])
        self._count += 1
        return Frame(picture, stamp, self._count)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
        self._capture = None


# --- the setting --------------------------------------------------------------------------------

_TEST_SPEC = re.compile(r"^(?:(\d+)x(\d+))?(?:@(\d+(?:\.\d+)?))?$")


def _test_pattern_spec(rest: str, clock: Clock, sleep: Sleep) -> TestPatternCamera:
    match = _TEST_SPEC.match(rest.strip())
    if match is None:
        raise ValidationError(
            f"The test camera {('test:' + rest)!r} is not understood.",
            hint="Write test:, test:WIDTHxHEIGHT or test:WIDTHxHEIGHT@FPS, e.g. test:1280x720@30.",
        )
    width_text, height_text, fps_text = match.groups()
    size = DEFAULT_TEST_SIZE
    if width_text and height_text:
        size = clips.Size(int(width_text), int(height_text))
    fps = float(fps_text) if fps_text else DEFAULT_TEST_FPS
    for side in (size.width, size.height):
        if not _MIN_SIDE <= side <= _MAX_SIDE:
            raise ValidationError(
                f"The test camera size {size} is out of range.",
                hint=f"Each side must be between {_MIN_SIDE} and {_MAX_SIDE} pixels.",
            )
    if size.width % 2 or size.height % 2:
        raise ValidationError(
            f"The test camera size {size} has an odd side.", hint="Use even widths and heights."
        )
    if not 1 <= fps <= _MAX_FPS:
        raise ValidationError(
            f"The test camera rate {fps:g} fps is out of range.",
            hint=f"Use a rate between 1 and {_MAX_FPS:g} frames per second.",
        )
    return TestPatternCamera(size, fps, clock=clock, sleep=sleep)


def parse_camera_spec(
    spec: str,
    *,
    loop_files: bool = True,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> CameraSource:
    """The (unopened) source named by the camera setting or `--camera` (see `SPEC_FORMS`).

    Raises `ValidationError` for text that names no source and `MediaError` for a file that is not
    a usable video. A file source loops by default, since a camera does not run out.
    """
    text = spec.strip()
    if not text:
        raise ValidationError("No camera was given.", hint=f"Use {SPEC_FORMS}.")
    kind, colon, rest = text.partition(":")
    lowered = kind.lower()
    if colon and lowered == "file":
        if not rest.strip():
            raise ValidationError(
                "The camera file:PATH names no file.",
                hint="Write file: followed by a video's path.",
            )
        return FileCamera(Path(rest).expanduser(), loop=loop_files, clock=clock, sleep=sleep)
    if colon and lowered == "test":
        return _test_pattern_spec(rest, clock, sleep)
    if not colon and lowered == "auto":
        return WebcamCamera(None)
    if not colon and text.isdigit():
        return WebcamCamera(int(text))
    if not colon and text.startswith("-") and text[1:].isdigit():
        raise ValidationError(
            f"The webcam number {text} is negative.", hint="Device numbers start at 0."
        )
    raise ValidationError(f"The camera {spec!r} is not understood.", hint=f"Use {SPEC_FORMS}.")
