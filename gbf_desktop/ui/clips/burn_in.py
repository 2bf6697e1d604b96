"""A stored clip with the coach's drawings burned in: a new clip in the contract, for the web.

Each frame is decoded, the drawings shown at its time are painted on it with the player's own
painter (drawing_paint.py, on a QImage over the frame's memory, which Qt allows off the GUI
thread), and the frames go to the contract encoder (`video.delay.encode_pictures`). The result is
checked and hashed like any recorded clip, ready for `store_job` on the same session, or kept as
a file. Runs as a generator task: progress as a fraction, cancel between frames.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QImage, QPainter

from gbf_desktop.domain import clips
from gbf_desktop.domain.drawings import Drawing
from gbf_desktop.errors import MediaError
from gbf_desktop.ui.clips.drawing_paint import paint_drawings
from gbf_desktop.video.ffmpeg import Cancelled
from gbf_desktop.video.probe import probe
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip

if TYPE_CHECKING:
    from gbf_desktop.video.camera import Image

# PyAV, NumPy and the encoder (OpenCV) are imported inside the job, not here: the review tools
# import this module when the GUI starts, long before (if ever) a clip is burned in.

_POLL_S = 0.1


def painted_frames(clip: Path, drawings: Sequence[Drawing]) -> Iterator[Image]:
    """The clip's frames (BGR) with the drawings shown at each frame's time painted on."""
    import av  # noqa: PLC0415 (deferred: see the module's top)
    import numpy as np  # noqa: PLC0415

    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        first: float | None = None
        for index, frame in enumerate(container.decode(stream)):
            t = float(frame.time) if frame.time is not None else index / clips.FPS
            first = t if first is None else first
            image = np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
            height, width = image.shape[:2]
            # The QImage paints straight into the array's memory: no copy either way.
            canvas = QImage(image.data, width, height, 3 * width, QImage.Format.Format_BGR888)
            painter = QPainter(canvas)
            size = QSize(width, height)
            paint_drawings(painter, drawings, QRectF(0, 0, width, height), size, t - first)
            painter.end()
            yield image


def burn_in_job(
    clip: Path, drawings: Sequence[Drawing], output: Path, ffmpeg_path: str | None = None
) -> Generator[float, None, ReadyClip]:
    """Encode `clip` with `drawings` burned in to `output`; yields progress (0-1)."""
    from gbf_desktop.video.delay import encode_pictures  # noqa: PLC0415 (deferred: module's top)

    info = probe(clip)
    size = clips.Size(info.width, info.height)
    if clips.output_size(info.width, info.height) != size or info.rotation:
        raise MediaError(
            "Only a stored clip can get its drawings burned in; this file is not one.",
            hint="Open the clip from the clips page.",
        )
    count = info.frame_count or clips.expected_frames(info.duration_s)
    progress = [0.0]
    stop = threading.Event()
    failure: list[BaseException] = []

    def encode() -> None:
        try:
            encode_pictures(
                painted_frames(clip, tuple(drawings)),
                size,
                count,
                output,
                ffmpeg_path=ffmpeg_path,
                cancel=stop.is_set,
                on_progress=lambda f: progress.__setitem__(0, f),
                doing="encode the clip with its drawings",
            )
        except BaseException as err:  # handed to the task below
            failure.append(err)
        finally:
            stop.set()

    worker = threading.Thread(target=encode, name="burn-in", daemon=True)
    worker.start()
    try:
        while not stop.wait(_POLL_S):
            yield progress[0]
    finally:
        # A cancelled task closes this generator: the encoder stops and leaves no file.
        stop.set()
        worker.join()
    if failure:
        err = failure[0]
        if isinstance(err, Cancelled):
            raise MediaError("The export was cancelled; nothing was written.") from err
        raise err
    yield 1.0
    return check_clip(output)
