"""What is in a video file: length, picture size, rate, codecs, rotation, audio.

imageio-ffmpeg ships `ffmpeg` but no `ffprobe`, and the human-readable `ffmpeg -i` report is not a
stable interface: FFmpeg 5.1 and 9 word the rotation line differently, and a coach may point
GBF_FFMPEG at any version. So the probe reads the file in-process through
PyAV, FFmpeg's own libraries behind a typed API: container and stream fields come out as numbers,
the display matrix as a rotation. Besides reading headers, the probe decodes the first picture: a
file whose header parses but whose video cannot be decoded is rejected here, before an encode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.video import mp4

if TYPE_CHECKING:
    import av.error

# PyAV is imported by the functions that read a file, not here: the UI names `MediaInfo` (a plain
# value) on pages the GUI builds at its start, long before a file is probed.


@dataclass(frozen=True)
class MediaInfo:
    """A probe's findings; times in seconds, rotation in degrees counter-clockwise (0-270)."""

    path: Path
    size_bytes: int
    container: str
    duration_s: float
    video_stream: int
    codec: str
    profile: str | None
    pixel_format: str | None
    width: int
    height: int
    sample_aspect: Fraction
    fps: float | None
    rotation: int
    frame_count: int | None
    bit_rate: int | None
    audio_stream: int | None = None
    audio_codec: str | None = None
    audio_channels: int | None = None
    # "tv" (limited), "pc" (full) or None when the file does not say.
    color_range: str | None = None
    # The HDR transfer of the picture, in ffmpeg's names: "smpte2084" (PQ: HDR10, Dolby Vision
    # 8.1) or "arib-std-b67" (HLG: iPhones, Dolby Vision 8.4); None for a standard picture.
    hdr_transfer: str | None = None
    # Its colour matrix when HDR ("bt2020nc", or "bt2020c" for the rare constant-luminance one).
    hdr_matrix: str | None = None

    @property
    def has_audio(self) -> bool:
        return self.audio_stream is not None

    @property
    def display_size(self) -> tuple[int, int]:
        """The picture as a viewer sees it, after rotation and pixel aspect."""
        width, height = clips.display_size(
            self.width, self.height, rotation=self.rotation, sample_aspect=self.sample_aspect
        )
        return round(width), round(height)


def _reject(path: Path, problem: str, hint: str | None = None) -> MediaError:
    return MediaError(
        f"{path.name} {problem}",
        hint=hint
        or "Choose a video file (mp4, mov, webm, avi or mkv) that plays on this computer.",
    )


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None or value <= 0:
        return None
    return float(value * time_base)


def _scan_duration(path: Path, index: int) -> tuple[float | None, int]:
    """Length and packet count by reading every packet's timestamp, for headers that omit them.

    The web recorder's WebM files carry no duration at all. Demuxing without decoding is cheap.
    """
    import av  # noqa: PLC0415 (deferred: see the imports)

    first: float | None = None
    last = 0.0
    packets = 0
    with av.open(str(path)) as container:
        stream = container.streams[index]
        time_base = stream.time_base
        if time_base is None:
            return None, 0
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            packets += 1
            start = float(packet.pts * time_base)
            first = start if first is None else min(first, start)
            last = max(last, float((packet.pts + (packet.duration or 0)) * time_base))
    if first is None or last <= first:
        return None, packets
    return last - first, packets


def probe(path: Path) -> MediaInfo:
    """Describe the video in `path`, or raise `MediaError` saying why it cannot be used."""
    import av.error  # noqa: PLC0415 (deferred: see the imports)

    path = Path(path)
    if not path.exists():
        raise _reject(path, "was not found.", hint=f"Check the path {str(path)!r}.")
    if not path.is_file():
        raise _reject(path, "is a folder, not a video file.")
    size = path.stat().st_size
    if size == 0:
        raise _reject(path, "is empty (0 bytes): it holds no video.")
    try:
        layout = mp4.read_layout(path)
    except OSError as err:
        raise _reject(
            path,
            f"cannot be read ({(err.strerror or str(err)).lower()}).",
            hint="Check that you may read the file (its permissions), or copy it to a folder of "
            "yours and import the copy.",
        ) from err
    if layout.is_mp4 and layout.truncated:
        raise _reject(
            path,
            f"is cut short: it holds {size} bytes but its contents claim more (truncated).",
            hint="Copy or download the file again; the copy was probably interrupted.",
        )
    try:
        return _probe_with_pyav(path, size)
    except av.error.FFmpegError as err:
        raise _reject(path, f"is not a video that can be read ({_describe(err)}).") from err


def _describe(err: av.error.FFmpegError) -> str:
    text = getattr(err, "strerror", None) or str(err)
    return str(text).rstrip(".").lower()


def _probe_with_pyav(path: Path, size: int) -> MediaInfo:
    import av  # noqa: PLC0415 (deferred: see the imports)
    import av.error  # noqa: PLC0415
    import av.stream  # noqa: PLC0415

    with av.open(str(path)) as container:
        videos = [
            stream
            for stream in container.streams.video
            # Cover art in MKV/MP4 is a one-picture "video" stream; it is never the clip.
            if not stream.disposition & av.stream.Disposition.attached_pic
        ]
        if not videos:
            raise _reject(path, "has no video stream (it may be audio only).")
        stream = videos[0]
        context = stream.codec_context
        decoded = container.decode(stream)
        try:
            frame = next(decoded, None)
        except av.error.FFmpegError as err:
            raise _reject(
                path, f"has a video stream that cannot be decoded ({_describe(err)})."
            ) from err
        try:
            # A second picture tells a video from a still saved as one (checked by compress).
            second = next(decoded, None) if frame is not None else None
        except av.error.FFmpegError:
            # The second picture is damaged: the first one made this a readable video, and
            # compress measures and reports damage further in.
            second = frame
        if frame is None:
            raise _reject(path, "has a video stream without a single picture.")
        audio_stream = container.streams.audio[0] if container.streams.audio else None
        duration = _seconds(stream.duration, stream.time_base)
        if duration is None and container.duration is not None and container.duration > 0:
            duration = container.duration / 1_000_000
        rate = stream.average_rate or stream.guessed_rate
        fps = float(rate) if rate else None
        frame_count = stream.frames or None
        if second is None:
            frame_count = 1
        sample_aspect = stream.sample_aspect_ratio or context.sample_aspect_ratio or Fraction(0)
        container_name = container.format.name
        bit_rate = container.bit_rate or None
        audio_index = audio_stream.index if audio_stream else None
        audio_codec = audio_stream.codec_context.name if audio_stream else None
        audio_channels = audio_stream.codec_context.channels if audio_stream else None
        profile = context.profile
        width, height = frame.width, frame.height
        pixel_format = frame.format.name
        color_range = _color_range(frame.color_range, pixel_format)
        hdr_transfer, hdr_matrix = _hdr(frame, context)
        rotation = clips.normalize_rotation(frame.rotation or 0)
        codec = context.name
        index = stream.index
    if duration is None:
        duration, packets = _scan_duration(path, index)
        frame_count = frame_count or packets or None
    if duration is None or not math.isfinite(duration):
        raise _reject(path, "does not say how long it is, and its timestamps are missing.")
    return MediaInfo(
        path=path,
        size_bytes=size,
        duration_s=duration,
        video_stream=index,
        codec=codec,
        profile=profile,
        pixel_format=pixel_format,
        width=width,
        height=height,
        sample_aspect=Fraction(sample_aspect),
        fps=fps,
        rotation=rotation,
        frame_count=frame_count,
        container=container_name,
        bit_rate=bit_rate,
        audio_stream=audio_index,
        audio_codec=audio_codec,
        audio_channels=audio_channels,
        color_range=color_range,
        hdr_transfer=hdr_transfer,
        hdr_matrix=hdr_matrix,
    )


# FFmpeg's AVColorTransferCharacteristic codes of the HDR transfers, by ffmpeg's (and zscale's)
# names for them.
_HDR_TRANSFERS = {16: "smpte2084", 18: "arib-std-b67"}


def _hdr(frame: Any, context: Any) -> tuple[str | None, str | None]:
    """The HDR transfer and matrix of a picture, from its first frame or else its stream."""
    transfer = _HDR_TRANSFERS.get(_tagged(frame.color_trc, context.color_trc))
    if transfer is None:
        return None, None
    # AVCOL_SPC_BT2020_CL is 10; the non-constant-luminance matrix is what cameras record.
    matrix = _tagged(frame.colorspace, context.colorspace)
    return transfer, "bt2020c" if matrix == 10 else "bt2020nc"


def _tagged(on_frame: int, on_stream: int) -> int:
    # 2 is FFmpeg's "unspecified" (0 a reserved value): then the stream's header may say.
    return on_frame if on_frame not in (0, 2) else on_stream


def _color_range(code: int, pixel_format: str) -> str | None:
    # FFmpeg's AVColorRange: 1 is MPEG (limited, "tv"), 2 is JPEG (full, "pc"); the yuvj formats
    # are full range whatever the flag says.
    if pixel_format.startswith("yuvj") or code == 2:
        return "pc"
    return "tv" if code == 1 else None


def probe_to_json(info: MediaInfo) -> dict[str, object]:
    """The probe as plain JSON-ready values, for `gbf-desktop clip probe FILE`."""
    display_width, display_height = info.display_size
    return {
        "path": str(info.path),
        "size_bytes": info.size_bytes,
        "container": info.container,
        "duration_s": round(info.duration_s, 3),
        "video": {
            "stream": info.video_stream,
            "codec": info.codec,
            "profile": info.profile,
            "pixel_format": info.pixel_format,
            "width": info.width,
            "height": info.height,
            "display_width": display_width,
            "display_height": display_height,
            "sample_aspect": str(info.sample_aspect),
            "fps": None if info.fps is None else round(info.fps, 3),
            "rotation": info.rotation,
            "frame_count": info.frame_count,
            "color_range": info.color_range,
            "hdr_transfer": info.hdr_transfer,
        },
        "audio": None
        if info.audio_stream is None
        else {
            "stream": info.audio_stream,
            "codec": info.audio_codec,
            "channels": info.audio_channels,
        },
        "has_audio": info.has_audio,
        "bit_rate": info.bit_rate,
    }
