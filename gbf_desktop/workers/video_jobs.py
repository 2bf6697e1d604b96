"""The clip jobs the dialogs run on the task runner, and the camera loop behind the recorder.

Every job is a plain function or generator over plain values (paths, ids, numbers), so it runs on
a `TaskRunner` pool and reports through its `Task`: generators yield progress and stop at the next
yield when cancelled, their `finally` blocks deleting partial files. Only `CameraJob` holds Qt: the
preview must reach the GUI thread as pictures, at the camera's pace, without queueing up behind a
busy screen.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from gbf_desktop.domain import clips
from gbf_desktop.errors import KnownError, MediaError
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import Thumbnail as ClipThumbnail
from gbf_desktop.services.media import StoredClip, StoreProgress
from gbf_desktop.services.takes import IMPORTED, RECORDED, TRIMMED, TakeStore
from gbf_desktop.video.digest import sha256_file

if TYPE_CHECKING:
    from gbf_desktop.video.camera import CameraSource, Frame, Image
    from gbf_desktop.video.compress import EncodedClip
    from gbf_desktop.video.ffmpeg import Progress
    from gbf_desktop.video.probe import MediaInfo
    from gbf_desktop.video.recorder import Recorder

# The video modules (PyAV, OpenCV, NumPy behind them) are imported inside the jobs that use them:
# the clips pages import this module when the GUI starts, and loading them then cost the start
# about a second before the window showed. `tests/integration/test_startup_imports.py` holds it.


@dataclass(frozen=True)
class ReadyClip:
    """A clip in the stored format, checked, with the digest of the bytes that were checked."""

    path: Path
    sha256: str
    size_bytes: int
    duration_s: float
    width: int
    height: int
    # What the coach should know before storing it (a damaged source, patched over).
    warnings: tuple[str, ...] = ()


def clip_facts(path: Path) -> clips.ClipFacts:
    """What the contract is judged on, for `Backend.iter_store_clip(inspect=...)`."""
    # compress's own reader of an encoded clip: the facts its contract check judged, read alike.
    from gbf_desktop.video.compress import _facts  # noqa: PLC0415 (deferred: see the imports)

    facts, _info = _facts(Path(path))
    return facts


def check_clip(path: Path) -> ReadyClip:
    """Probe the clip, check it against the contract and hash it; `MediaError` if it fails."""
    path = Path(path)
    facts = clip_facts(path)
    problems = clips.contract_violations(facts)
    if problems:
        raise MediaError(
            f"The clip {path.name} does not meet the clip format: " + "; ".join(problems) + ".",
            hint="This is a bug in GoBeyondFit Desktop; please report it with the file.",
        )
    return ReadyClip(
        path=path,
        sha256=sha256_file(path),
        size_bytes=facts.size_bytes,
        duration_s=facts.duration_s,
        width=facts.width,
        height=facts.height,
    )


def clip_thumbnail_job(
    backend: Backend, coach_id: str, media_id: str, cache_dir: Path
) -> ClipThumbnail:
    """A stored clip's thumbnail for the clips page, from the cache or decoded from its bytes."""
    from gbf_desktop.video.still import still_from_bytes  # noqa: PLC0415 (deferred)

    return backend.clip_thumbnail(coach_id, media_id, cache_dir, still_from_bytes)


def probe_job(path: Path) -> MediaInfo:
    """Probe before anything else is done with a file; `MediaError` says why it is unusable."""
    from gbf_desktop.video.compress import check_source  # noqa: PLC0415 (deferred)
    from gbf_desktop.video.probe import probe  # noqa: PLC0415 (deferred)

    info = probe(Path(path))
    check_source(info)
    return info


def compress_job(
    source: Path,
    output: Path,
    start_s: float | None = None,
    end_s: float | None = None,
    ffmpeg_path: str | None = None,
    *,
    takes: TakeStore | None = None,
) -> Generator[Progress, None, ReadyClip]:
    """Encode (part of) `source` to the contract at `output`, then check and hash it.

    With `takes`, the clip becomes a take instead (its own name in the takes folder, `output`
    unused): kept until stored or discarded, and offered at the next start if neither happens.
    """
    from gbf_desktop.video.compress import iter_compress  # noqa: PLC0415 (deferred)

    source = Path(source)
    if takes is not None:
        output = takes.new_clip_path()
    encoded: EncodedClip = yield from iter_compress(
        source, Path(output), start_s=start_s, end_s=end_s, ffmpeg_path=ffmpeg_path
    )
    ready = replace(check_clip(encoded.path), warnings=encoded.warnings)
    if takes is not None:
        # A cut of a take is a trimmed take; anything else came from the coach's own file.
        parent = takes.find(source)
        takes.keep(
            encoded.path,
            origin=TRIMMED if parent is not None else IMPORTED,
            duration_s=ready.duration_s,
            source_name=(parent.source_name if parent is not None else source.name),
            warnings=encoded.warnings,
        )
    return ready


def store_job(
    backend: Backend,
    coach_id: str,
    student_id: str,
    session_id: str,
    clip: ReadyClip,
    *,
    exercise: tuple[str, int] | None = None,
) -> Generator[StoreProgress, None, StoredClip]:
    """Attach the checked clip to the session (and, given, to one of its exercises), re-checked
    against its digest first.

    A take is marked with the new row's id before the store and deleted once it committed, so a
    kill at any point leaves it either stored or offered again at the next start, never both.
    """
    takes = backend.takes
    take = takes.find(clip.path) if takes is not None else None
    media_id = str(uuid.uuid4())
    if takes is not None and take is not None:
        take = takes.mark_storing(take, media_id)
    try:
        stored = yield from backend.iter_store_clip(
            coach_id,
            student_id,
            session_id,
            clip.path,
            clip.sha256,
            inspect=clip_facts,
            exercise=exercise,
            media_id=media_id,
        )
    except BaseException:
        if takes is not None and take is not None:
            with contextlib.suppress(KnownError):
                takes.mark_storing(take, None)
        raise
    if takes is not None and take is not None:
        takes.discard(take)
    return stored


# --- pictures for the screen ---------------------------------------------------------------------


def to_qimage(image: Image, max_height: int) -> QImage:
    """A BGR picture as an RGB QImage no taller than `max_height`, owning its memory.

    Made in the worker: scaling and converting here keeps the GUI thread to a pixmap swap.
    """
    from gbf_desktop.video.frames import fit_rgb  # noqa: PLC0415 (deferred)

    rgb = fit_rgb(image, max_height)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class _Latest:
    """One-picture hand-off: the worker offers a picture only once the screen took the last one.

    Without it a screen slower than the camera would queue pictures in the event loop, growing
    memory and showing the past; with it the preview simply shows fewer, current, pictures.
    """

    def __init__(self) -> None:
        self._free = threading.Event()
        self._free.set()

    def claim(self) -> bool:
        if not self._free.is_set():
            return False
        self._free.clear()
        return True

    def release(self) -> None:
        self._free.set()


# --- the camera: preview, then recording ----------------------------------------------------------

PREVIEW_HEIGHT = 480


@dataclass(frozen=True)
class CameraUpdate:
    """What the recorder dialog shows: the newest picture and where the recording stands."""

    image: QImage | None
    camera_name: str
    camera_fps: float
    recording: bool
    elapsed_s: float
    remaining_s: float
    dropped_frames: int


@dataclass(frozen=True)
class RecordedClip:
    clip: ReadyClip
    frames: int
    dropped_frames: int
    stop_to_ready_s: float
    stop_reason: str | None
    last_picture: QImage | None


class CameraControl:
    """Commands from the GUI thread to a running `camera_job`; every method is thread-safe."""

    def __init__(self) -> None:
        self._record = threading.Event()
        self._stop = threading.Event()
        self._close = threading.Event()
        self.latest = _Latest()

    def start_recording(self) -> None:
        self._record.set()

    def stop_recording(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """Leave the loop at its next picture (the task is cancelled alongside)."""
        self._close.set()
        self._stop.set()

    def picture_shown(self) -> None:
        self.latest.release()

    @property
    def record_requested(self) -> bool:
        return self._record.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def closing(self) -> bool:
        return self._close.is_set()


CameraFactory = Callable[[str], "CameraSource"]


def open_camera(spec: str) -> CameraSource:
    """The camera a spec names (`video.camera.parse_camera_spec`), imported only when one opens."""
    from gbf_desktop.video.camera import parse_camera_spec  # noqa: PLC0415 (deferred)

    return parse_camera_spec(spec)


def camera_job(
    spec: str,
    control: CameraControl,
    output: Path,
    *,
    camera_factory: CameraFactory = open_camera,
    ffmpeg_path: str | None = None,
    max_duration_s: float = clips.MAX_DURATION_S,
    takes: TakeStore | None = None,
) -> Generator[CameraUpdate | None, None, RecordedClip | None]:
    """Preview `spec`'s camera until recording is asked for, then record into `output`.

    Yields a `CameraUpdate` for each picture the screen is ready for and a bare None for the
    others, so the task runner sees its cancel flag at every picture even while the screen is
    busy. Returns the checked clip, or None when closed before recording.
    """
    from gbf_desktop.video.recorder import Recorder  # noqa: PLC0415 (deferred)

    source = camera_factory(spec)
    with source:
        while not control.record_requested:
            if control.closing:
                yield None
                return None
            frame = source.read()
            if frame is None:
                raise MediaError(f"{source.name} ended before the recording started.")
            # A bare None when the screen is still busy: every picture is a yield, so a cancel
            # is seen within one picture even while the GUI thread is blocked.
            yield _update(source, frame, None) if control.latest.claim() else None
        with Recorder(
            source, Path(output), ffmpeg_path=ffmpeg_path, max_duration_s=max_duration_s
        ) as recorder:
            last: Frame | None = None
            while (frame := recorder.step()) is not None:
                last = frame
                if control.closing:
                    # The recorder's context deletes the partial clip when the task closes us.
                    yield None
                if control.stop_requested:
                    recorder.stop()
                yield _update(source, frame, recorder) if control.latest.claim() else None
            encoded = recorder.finish()
            dropped, frames = recorder.dropped_frames, recorder.written_frames
            stop_to_ready = recorder.stop_to_ready_s or 0.0
            reason = recorder.stop_reason
    yield CameraUpdate(None, source.name, source.fps, False, recorder.elapsed_s, 0.0, dropped)
    ready = check_clip(encoded.path)
    if takes is not None:
        # `output` came from `takes.new_clip_path()`: the recording is now the coach's take.
        takes.keep(encoded.path, origin=RECORDED, duration_s=ready.duration_s)
    return RecordedClip(
        clip=ready,
        frames=frames,
        dropped_frames=dropped,
        stop_to_ready_s=stop_to_ready,
        stop_reason=reason,
        last_picture=to_qimage(last.image, PREVIEW_HEIGHT) if last is not None else None,
    )


def _update(source: CameraSource, frame: Frame, recorder: Recorder | None) -> CameraUpdate:
    return CameraUpdate(
        image=to_qimage(frame.image, PREVIEW_HEIGHT),
        camera_name=source.name,
        camera_fps=source.fps,
        recording=recorder is not None,
        elapsed_s=recorder.elapsed_s if recorder else 0.0,
        remaining_s=recorder.remaining_s if recorder else clips.MAX_DURATION_S,
        dropped_frames=recorder.dropped_frames if recorder else 0,
    )


def list_cameras_job() -> list[int]:
    """Webcam device numbers; opening devices can take a second, so never on the GUI thread."""
    from gbf_desktop.video.camera import list_cameras  # noqa: PLC0415 (deferred)

    return list_cameras()


# --- the trim view's pictures ---------------------------------------------------------------------

THUMBNAIL_HEIGHT = 72
FRAME_HEIGHT = 480


@dataclass(frozen=True)
class Thumbnail:
    index: int
    time_s: float
    image: QImage


def thumbnails_job(info: MediaInfo, count: int) -> Generator[Thumbnail, None, int]:
    """`count` pictures spread over the video, for the timeline; yields each as it is decoded."""
    from gbf_desktop.video.frames import Decoder  # noqa: PLC0415 (deferred)

    decoder = Decoder(info)
    try:
        for index in range(count):
            time_s = info.duration_s * (index + 0.5) / count
            found = decoder.at(time_s)
            if found is not None:
                yield Thumbnail(index, found[0], to_qimage(found[1], THUMBNAIL_HEIGHT))
    finally:
        decoder.close()
    return count


@dataclass(frozen=True)
class ShownFrame:
    time_s: float
    image: QImage


class FrameControl:
    """What the trim view asks of `frames_job`: show a time, or play between two times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seek: float | None = None
        self._loop: tuple[float, float] | None = None
        self._close = threading.Event()
        self._wake = threading.Event()
        self.latest = _Latest()

    def seek(self, time_s: float) -> None:
        with self._lock:
            self._seek, self._loop = time_s, None
        self._wake.set()

    def play(self, start_s: float, end_s: float) -> None:
        with self._lock:
            self._seek, self._loop = start_s, (start_s, end_s)
        self._wake.set()

    def pause(self) -> None:
        with self._lock:
            self._loop = None

    def close(self) -> None:
        self._close.set()
        self._wake.set()

    def picture_shown(self) -> None:
        self.latest.release()
        self._wake.set()

    def is_closed(self) -> bool:
        return self._close.is_set()

    def wait(self, timeout_s: float) -> None:
        """Sleep until a new request or `timeout_s`, whichever comes first."""
        self._wake.wait(timeout_s)
        self._wake.clear()

    def take(self) -> tuple[float | None, tuple[float, float] | None]:
        with self._lock:
            seek, self._seek = self._seek, None
            return seek, self._loop


def frames_job(
    info: MediaInfo, control: FrameControl, *, clock: Callable[[], float] = time.monotonic
) -> Generator[ShownFrame | None, None, None]:
    """Serve the trim view's pictures until closed: the newest seek, or a loop played in real time.

    Only the newest request counts, so scrubbing fast never builds a backlog of decodes.
    """
    from gbf_desktop.video.frames import Decoder  # noqa: PLC0415 (deferred)

    decoder = Decoder(info)
    try:
        started: tuple[float, float] | None = None  # (clock, media time) when the loop (re)started
        while not control.is_closed():
            seek, loop = control.take()
            if seek is None and loop is None:
                control.wait(0.1)
                yield None
                continue
            if seek is not None:
                found = decoder.at(seek)
                started = (clock(), seek)
            else:
                found = decoder.next()
            if loop is not None and (found is None or found[0] >= loop[1]):
                control.play(*loop)
                continue
            if found is None:
                yield None
                continue
            if loop is not None and started is not None:
                # Real-time pace: wait until this picture's moment since the loop started.
                delay = (found[0] - started[1]) - (clock() - started[0])
                if delay > 0:
                    control.wait(min(delay, 0.5))
            while not control.latest.claim():
                if control.is_closed():
                    return
                control.wait(0.05)
                yield None
            yield ShownFrame(found[0], to_qimage(found[1], FRAME_HEIGHT))
    finally:
        decoder.close()
