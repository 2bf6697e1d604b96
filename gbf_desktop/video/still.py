"""One picture of a clip, for the clips page's thumbnails.

Decoded in-process with PyAV from the clip's bytes (no temporary file, no ffmpeg process): a
stored clip is at most 15 MB, and its first picture decodes in milliseconds.
"""

from __future__ import annotations

import io

import av
import av.error

from gbf_desktop.errors import MediaError
from gbf_desktop.services.clips import Still

# Twice the width the page shows, so thumbnails stay sharp on a high-DPI screen.
THUMBNAIL_WIDTH = 320


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def still_from_bytes(data: bytes, *, width: int = THUMBNAIL_WIDTH) -> Still:
    """The clip's first picture scaled to `width` (aspect kept) as PNG, and the clip's length."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.video:
                raise MediaError(
                    "This clip holds no video stream, so there is no picture to show.",
                    hint="Open it in the player to check it, or delete it.",
                )
            stream = container.streams.video[0]
            duration: float | None = None
            if container.duration:
                duration = container.duration / av.time_base
            elif stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            frame = next(container.decode(stream), None)
            if frame is None:
                raise MediaError(
                    "This clip's video could not be decoded: it holds no picture.",
                    hint="Open it in the player to check it, or delete it.",
                )
            height = _even(frame.height * width / frame.width)
            picture = frame.reformat(width=width, height=height, format="rgb24")
    except av.error.FFmpegError as err:
        raise MediaError(
            f"This clip's video could not be decoded ({err.strerror or err}).",
            hint="The stored bytes may be damaged; open it in the player to check it.",
        ) from err

    encoder = av.CodecContext.create("png", "w")
    encoder.width = width
    encoder.height = height
    encoder.pix_fmt = "rgb24"
    packets = [*encoder.encode(picture), *encoder.encode(None)]
    png = b"".join(bytes(packet) for packet in packets)
    return Still(png=png, width=width, height=height, duration_s=duration)
