"""Video files for tests, made on the spot with the real ffmpeg.

Each function writes one kind of input the app meets in the wild (a phone's rotated HEVC MOV, the
web recorder's WebM, a damaged copy...) and returns its path. They use ffmpeg's synthetic sources,
so no binary fixtures live in the repository and no font is needed.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import imageio_ffmpeg

# Pictures whose luma encodes the frame number, two levels apart, so a test can tell which source
# frame ended up where after a trim (the value wraps every 100 frames).
FRAME_NUMBER_LUMA = "geq=lum='2*mod(N\\,100)+20':cb=128:cr=128"


def ffmpeg_exe() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _ffmpeg(*args: str, stdout: Path | None = None) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    if stdout is None:
        subprocess.run(command, check=True, capture_output=True)
        return
    with stdout.open("wb") as sink:
        subprocess.run(command, check=True, stdout=sink, stderr=subprocess.PIPE)


def _pattern(size: str, rate: int, duration: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={duration}"]


def _tone(duration: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration}"]


def h264_1080p30(path: Path, duration: float = 2.0) -> Path:
    """A camera-style 1080p30 H.264 MP4 with AAC sound."""
    _ffmpeg(
        *_pattern("1920x1080", 30, duration),
        *_tone(duration),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-shortest", str(path)),
    )
    return path


def vp8_720p_webm(path: Path, duration: float = 2.0) -> Path:
    """The web recorder's format: VP8 and Opus in WebM, written as a stream.

    Piping makes the muxer unable to seek back, so, like a browser's MediaRecorder, the file holds
    no duration and no index; the app must work out the length itself.
    """
    _ffmpeg(
        *_pattern("1280x720", 30, duration),
        *_tone(duration),
        *("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"),
        *("-c:a", "libopus", "-f", "webm", "pipe:1"),
        stdout=path,
    )
    return path


def rotated_hevc_mov(path: Path, duration: float = 1.0) -> Path:
    """A phone's portrait HEVC MOV: landscape pixels plus a 90 degree display rotation.

    Upright, the picture is white above and black below. The stored pixels are that picture turned
    a quarter clockwise, and the display matrix asks players to turn it back counter-clockwise,
    which is how phones record portrait video with a landscape sensor.
    """
    landscape = path.with_name(path.stem + "-unrotated.mov")
    upright = (
        "color=c=white:size=360x640:rate=30,"
        "drawbox=x=0:y=320:w=360:h=320:color=black:t=fill,transpose=clock"
    )
    _ffmpeg(
        *("-f", "lavfi", "-i", upright),
        *_tone(duration),
        *("-t", str(duration), "-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1"),
        *("-x265-params", "log-level=error", "-pix_fmt", "yuv420p", "-c:a", "aac", str(landscape)),
    )
    _ffmpeg("-display_rotation", "90", "-i", str(landscape), "-c", "copy", str(path))
    landscape.unlink()
    return path


def variable_frame_rate(path: Path) -> Path:
    """An MP4 at 10 fps for its first second and 30 fps after, as phones write in low light."""
    _ffmpeg(
        *_pattern("640x360", 30, 2.0),
        *("-vf", "select='gte(n\\,30)+not(mod(n\\,3))'", "-fps_mode", "vfr"),
        *("-c:v", "libx264", "-preset", "ultrafast", str(path)),
    )
    return path


def variable_frame_rate_b_frames(path: Path) -> Path:
    """A 30 fps MP4 missing two frames in every five, with B-frames: its frames' stated durations
    (the gaps between decoding times) do not match the gaps between their presentation times."""
    _ffmpeg(
        *_pattern("320x240", 30, 2.0),
        *("-vf", "select='not(between(mod(n\\,5)\\,1\\,2))'", "-fps_mode", "passthrough"),
        *("-c:v", "libx264", "-bf", "3", "-g", "30", str(path)),
    )
    return path


def numbered_frames(path: Path, duration: float = 40.0) -> Path:
    """A long 24 fps clip whose frames carry their number (see `FRAME_NUMBER_LUMA`).

    Keyframes every 100 frames make a keyframe-snapped cut land visibly off the asked-for frame.
    """
    _ffmpeg(
        *("-f", "lavfi", "-i", f"color=c=gray:size=320x240:rate=24:duration={duration}"),
        *("-vf", FRAME_NUMBER_LUMA, "-c:v", "libx264", "-preset", "ultrafast", "-g", "100"),
        *("-pix_fmt", "yuv420p", str(path)),
    )
    return path


def truncated_copy(source: Path, path: Path, fraction: float = 0.5) -> Path:
    """The first `fraction` of `source`'s bytes, like an interrupted download."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def faststart_mp4(path: Path, duration: float = 4.0) -> Path:
    """An MP4 with its index in front, so a truncated copy still opens."""
    _ffmpeg(
        *_pattern("640x360", 30, duration),
        *("-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart", str(path)),
    )
    return path


def seekable_webm(path: Path, duration: float = 4.0) -> Path:
    """A WebM with a duration in its header, so a truncated copy still claims the full length."""
    _ffmpeg(
        *_pattern("640x360", 30, duration),
        *("-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M", str(path)),
    )
    return path


def audio_only(path: Path, duration: float = 1.0) -> Path:
    """Sound in an MP4 container: opens fine, has no picture."""
    _ffmpeg(*_tone(duration), "-c:a", "aac", "-f", "mp4", str(path))
    return path


def text_named_mp4(path: Path) -> Path:
    path.write_text("This is a shopping list, not a video.\nEggs\nOats\n", encoding="utf-8")
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _half_black_half_white(size: str, rate: int, duration: float) -> list[str]:
    # Pure black beside pure white: the picture's extremes show which colour range came out.
    width = int(size.split("x", maxsplit=1)[0])
    return [
        *("-f", "lavfi", "-i", f"color=c=black:size={size}:rate={rate}:duration={duration}"),
        *("-vf", f"drawbox=x=0:y=0:w={width // 2}:h=ih:color=white:t=fill"),
    ]


def mjpeg_webcam(path: Path, duration: float = 2.0) -> Path:
    """What a USB webcam's MJPEG mode saves: full-range yuvj420p JPEG pictures in AVI."""
    _ffmpeg(
        *_half_black_half_white("640x480", 30, duration),
        *("-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", "3", str(path)),
    )
    return path


def h264_pixel_format(path: Path, pix_fmt: str, duration: float = 2.0) -> Path:
    """H.264 in another pixel format (4:2:2, 4:4:4, 10-bit), as cameras and editors write it."""
    _ffmpeg(
        *_pattern("1280x720", 30, duration),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", pix_fmt, str(path)),
    )
    return path


def ten_bit_hevc_mov(path: Path, duration: float = 2.0) -> Path:
    """A phone's 10-bit HEVC (Main 10) MOV, tagged with the BT.2020 colours phones record in."""
    _ffmpeg(
        *_pattern("1920x1080", 30, duration),
        *("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"),
        *("-pix_fmt", "yuv420p10le", "-tag:v", "hvc1", "-color_primaries", "bt2020"),
        *("-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", str(path)),
    )
    return path


def hdr_gray(
    path: Path,
    transfer: str,
    *,
    matrix: str = "bt2020nc",
    primaries: bool = True,
    duration: float = 1.0,
) -> Path:
    """A flat grey 10-bit HEVC picture tagged HDR (`transfer`: smpte2084 or arib-std-b67).

    Its signal is a standard picture's middle grey; read as PQ that is about 95 nits, close to a
    standard screen's white, which a browser showing the signal as it is would draw mid-grey.
    `matrix` bt2020c is the rare constant-luminance one; without `primaries` the file tags its
    transfer and matrix only, as some phones' files do.
    """
    params = f"log-level=error:transfer={transfer}:colormatrix=bt2020nc"
    tags = ["-color_trc", transfer, "-colorspace", "bt2020nc"]
    if primaries:
        params += ":colorprim=bt2020"
        tags += ["-color_primaries", "bt2020"]
    encoded = path if matrix == "bt2020nc" else path.with_name(path.stem + "-nc" + path.suffix)
    _ffmpeg(
        *("-f", "lavfi", "-i", "color=c=0x808080:size=1280x720:rate=30,format=yuv420p10le"),
        *("-t", str(duration), "-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1"),
        *("-x265-params", params, "-pix_fmt", "yuv420p10le", *tags, str(encoded)),
    )
    if encoded != path:
        # ffmpeg's scaler cannot make a constant-luminance picture: the stream is re-tagged.
        code = {"bt2020c": 10}[matrix]
        _ffmpeg(
            *("-i", str(encoded), "-c", "copy", "-colorspace", matrix),
            *("-bsf:v", f"hevc_metadata=matrix_coefficients={code}", str(path)),
        )
        encoded.unlink()
    return path


def damaged_in_the_middle(source: Path, path: Path, fraction: float = 0.1) -> Path:
    """`source` with `fraction` of its bytes, in the middle, overwritten by noise (a bad sector).

    The index stays intact, so the file opens and its ends decode; the pictures in between do not.
    """
    data = bytearray(source.read_bytes())
    start = int(len(data) * (0.5 - fraction / 2))
    end = int(len(data) * (0.5 + fraction / 2))
    noise = random.Random(9).randbytes(end - start)
    data[start:end] = noise
    path.write_bytes(bytes(data))
    return path


def single_picture(path: Path) -> Path:
    """An MP4 holding one picture: a still saved as a video."""
    _ffmpeg(
        *_pattern("640x480", 30, 1.0),
        *("-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast", str(path)),
    )
    return path


def tiny_picture(path: Path, size: str = "24x24") -> Path:
    """A two-second video whose picture is smaller than any camera's."""
    _ffmpeg(*_pattern(size, 30, 2.0), *("-c:v", "libx264", "-preset", "ultrafast", str(path)))
    return path


def web_platform_clip(path: Path, duration: float = 40.0) -> Path:
    """A clip as the web backend stores an upload (backend/src/storage/video-compression.service.ts:
    libx264, AAC 128k, 854x480 forced, 24 fps, 1024k, no faststart so the index is at the end),
    at the 40 s its upload check allows (exercise-media.service.ts). Encoded fast: the layout
    matters here, not the picture quality."""
    _ffmpeg(
        *_pattern("854x480", 24, duration),
        *_tone(duration),
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1024k", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-shortest", str(path),
    )  # fmt: skip
    return path
