"""The review tools' background jobs: a clip with the coach's drawings burned in, and the bar path.

Both run on the task runner as generators (progress, cancel between steps) over plain values. The
burn-in decodes each frame (`video.frames.bgr_frames`), hands it to the painter the UI gives as a
QImage over the frame's own memory (Qt allows painting a QImage off the GUI thread; the painter is
the player's, so what the coach sees is what the student gets), and encodes the painted frames to
the contract (`video.delay.encode_pictures`); the result is checked and hashed like any recorded
clip, ready for `store_job` or kept as a file. The bar path runs `video.bar_tracker`.

The video modules are imported inside the jobs: the review tools import this module when the GUI
starts, long before (if ever) a clip is burned in or tracked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage

from gbf_desktop.domain import bar_path as bp
from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip

if TYPE_CHECKING:
    from gbf_desktop.video.camera import Image

# Paints on one frame of the clip (a BGR QImage over the frame's memory) shown `t_s` seconds in.
FramePainter = Callable[[QImage, float], None]

_POLL_S = 0.1


def painted_frames(clip: Path, paint: FramePainter) -> Iterator[Image]:
    """The clip's frames (BGR), each painted on by `paint` at its time from the first frame."""
    from gbf_desktop.video.frames import bgr_frames  # noqa: PLC0415 (deferred: see the top)

    for t_s, image in bgr_frames(clip):
        height, width = image.shape[:2]
        # The QImage paints straight into the array's memory: no copy either way.
        paint(QImage(image.data, width, height, 3 * width, QImage.Format.Format_BGR888), t_s)
        yield image


def burn_in_job(
    clip: Path, paint: FramePainter, output: Path, ffmpeg_path: str | None = None
) -> Generator[float, None, ReadyClip]:
    """Encode `clip` with `paint`'s drawings burned in to `output`; yields progress (0-1)."""
    from gbf_desktop.video.delay import encode_pictures  # noqa: PLC0415 (deferred: see the top)
    from gbf_desktop.video.ffmpeg import Cancelled  # noqa: PLC0415
    from gbf_desktop.video.probe import probe  # noqa: PLC0415

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
                painted_frames(clip, paint),
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


def track_job(
    clip: Path, marks: Sequence[bp.PlateMark], plate_cm: float
) -> Generator[bp.TrackProgress, None, dict[str, Any]]:
    """Track and analyse; the JSON stored with the clip (the marks included, to redo it)."""
    from gbf_desktop.video import bar_tracker  # noqa: PLC0415 (deferred: see the top)

    tracked = yield from bar_tracker.iter_track(clip, marks)
    analysis = bp.analyse(tracked.samples, tracked.radius_px, plate_cm)
    result = bar_tracker.analysis_json(tracked, analysis)
    result["radius_px"] = tracked.radius_px
    result["marks"] = [[m.x_px, m.y_px, m.radius_px, m.time_s] for m in marks]
    return result
