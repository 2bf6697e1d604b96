"""The clip format agreed with the web platform, and the arithmetic around it.

Every stored clip, recorded or imported, must play in an ordinary browser `<video>` element and stay
small enough to live in a database row. The numbers below are that agreement; the functions turn a
source's geometry, an encode's size or a coach's trim range into what the encoder should do next.
Nothing here touches a file or a process, so all of it is tested without ffmpeg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from gbf_desktop.errors import ValidationError

MAX_DURATION_S = 15.0
MAX_WIDTH = 854
MAX_HEIGHT = 480
FPS = 24
# Browsers seek to keyframes, so a 2 s interval keeps scrubbing responsive in the web player.
KEYFRAME_INTERVAL_S = 2.0
GOP_FRAMES = int(FPS * KEYFRAME_INTERVAL_S)
TARGET_BITRATE = 1_000_000
# x264's rate buffer: two seconds' worth lets a hard scene borrow from an easy one without the
# peak rate drifting far from the target.
BUFFER_SECONDS = 2
MAX_BYTES = 15_000_000
# A retry below this rate would give mush, so an encode that cannot fit above it is refused instead.
MIN_BITRATE = 150_000
# Leaves room for the container and the encoder's rate-control overshoot when retrying.
RETRY_HEADROOM = 0.85

CONTAINER = "mp4"
MIME_TYPE = "video/mp4"
VIDEO_CODEC = "h264"
VIDEO_ENCODER = "libx264"
H264_PROFILE = "main"
PIXEL_FORMAT = "yuv420p"
# Limited ("tv", 16-235) range: what browsers assume for H.264. MJPEG webcams deliver full range.
COLOR_RANGE = "tv"
# Smaller pictures or a single still are not a form clip; the encoder could not fit them sensibly.
MIN_SOURCE_SIDE = 32
MIN_SOURCE_FRAMES = 2
# Quality-based rate under the cap: easy footage comes out smaller than the cap allows.
X264_CRF = 23
# Chosen by measurement (bench/clips.py, part a, a noisy 15-s 1080p30 camera clip against the
# plain `-preset veryfast -crf 23` command): "fast" took about 1.25x its time for a file 20-30 %
# larger and an SSIM higher by only 0.001. "veryfast" with the fixed keyframe grid below ties it
# (same size, SSIM within 3e-6); one reference frame more than veryfast's single one then gives a
# file 2.5 % smaller with an SSIM higher by 0.00009, for 2.5 % more CPU time.
X264_PRESET = "veryfast"
X264_REFS = 2
AUDIO_CODEC = "aac"
AUDIO_BITRATE = 96_000
AUDIO_MAX_CHANNELS = 2

# Instant replay (video/delay.py): how far behind the camera the screen may run, and how much of
# what was just shown a take keeps (one clip's worth).
REPLAY_MIN_DELAY_S, REPLAY_MAX_DELAY_S = 0.0, 30.0
REPLAY_DEFAULT_DELAY_S = 8.0
REPLAY_KEEP_S = MAX_DURATION_S

# Sub-frame slack for floating-point durations: 15.000000001 s is still a 15 s clip.
_EPSILON_S = 1e-6


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class TrimRange:
    """A part of a source, in seconds from its start, already checked against the contract."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def normalize_rotation(degrees: float) -> int:
    """Snap a display rotation to 0, 90, 180 or 270; phones only ever write right angles."""
    return round(degrees / 90.0) % 4 * 90


def display_size(
    width: int, height: int, *, rotation: float = 0, sample_aspect: Fraction = Fraction(1)
) -> tuple[float, float]:
    """The picture's size as a viewer sees it: non-square pixels widened, quarter turns applied."""
    if width <= 0 or height <= 0:
        raise ValueError(f"a picture needs a positive size, not {width}x{height}")
    if sample_aspect <= 0:
        # Containers write 0:1 for "unknown"; square pixels are the only sensible reading.
        sample_aspect = Fraction(1)
    shown_width = width * float(sample_aspect)
    if normalize_rotation(rotation) in (90, 270):
        return float(height), shown_width
    return shown_width, float(height)


def _even(value: float, limit: int) -> int:
    # yuv420p halves chroma in both directions, so H.264 needs even sides; 2 is the smallest.
    return max(2, min(limit - limit % 2, 2 * round(value / 2)))


def output_size(
    width: int, height: int, *, rotation: float = 0, sample_aspect: Fraction = Fraction(1)
) -> Size:
    """The stored clip's size for a source: fits 854x480, keeps the shape, never enlarges."""
    shown_width, shown_height = display_size(
        width, height, rotation=rotation, sample_aspect=sample_aspect
    )
    scale = min(1.0, MAX_WIDTH / shown_width, MAX_HEIGHT / shown_height)
    return Size(_even(shown_width * scale, MAX_WIDTH), _even(shown_height * scale, MAX_HEIGHT))


def buffer_size(bitrate: int) -> int:
    return bitrate * BUFFER_SECONDS


def retry_bitrate(bitrate: int, produced_bytes: int, *, max_bytes: int = MAX_BYTES) -> int | None:
    """The video rate for a second attempt after an encode came out at `produced_bytes`.

    Size scales roughly with rate, so the new rate is the old one shrunk by how far over the limit
    the file was, with headroom for overshoot. Always strictly lower than `bitrate`; None when the
    result would fall under `MIN_BITRATE`, meaning the clip cannot be made to fit decently.
    """
    if bitrate <= 0 or produced_bytes <= 0 or max_bytes <= 0:
        raise ValueError("rates and sizes must be positive")
    shrink = min(1.0, max_bytes / produced_bytes) * RETRY_HEADROOM
    new_rate = min(bitrate - 1, math.floor(bitrate * shrink))
    return new_rate if new_rate >= MIN_BITRATE else None


def bitrate_for_size(max_bytes: int, duration_s: float, *, audio_bitrate: int = 0) -> int:
    """The highest video rate whose clip of `duration_s` still fits `max_bytes`, with headroom."""
    if duration_s <= 0:
        raise ValueError("a clip needs a positive duration")
    budget_bits = max_bytes * 8 * RETRY_HEADROOM
    return max(0, math.floor(budget_bits / duration_s) - audio_bitrate)


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if abs(value) >= 0.05 or value == 0 else f"{value:.3f} s"


def validate_trim(
    start_s: float | None, end_s: float | None, source_duration_s: float
) -> TrimRange:
    """Check a coach's trim range against the source and the 15 s limit.

    Missing ends mean the source's own start and end. An end a hair past the source's end (a
    player's timestamp rounding) is pulled back to it. Raises `ValidationError` naming what is wrong
    and what would be accepted.
    """
    if not math.isfinite(source_duration_s) or source_duration_s <= 0:
        raise ValidationError(
            "The video has no measurable length, so it cannot be trimmed or stored.",
            hint="Re-export it from the phone or camera app and try again.",
        )
    for name, value in (("start", start_s), ("end", end_s)):
        if value is not None and not math.isfinite(value):
            raise ValidationError(f"The {name} time must be a number of seconds, not {value}.")
    start = 0.0 if start_s is None else float(start_s)
    end = source_duration_s if end_s is None else float(end_s)
    if start < 0:
        raise ValidationError(f"The start time cannot be negative ({_seconds(start)}).")
    if start >= source_duration_s:
        raise ValidationError(
            f"The start time {_seconds(start)} is at or past the end of the video "
            f"({_seconds(source_duration_s)}).",
            hint="Pick a start inside the video.",
        )
    if end <= start:
        raise ValidationError(
            f"The end time {_seconds(end)} must come after the start time {_seconds(start)}."
        )
    end = min(end, source_duration_s)
    length = end - start
    if length > MAX_DURATION_S + _EPSILON_S:
        if start_s is None and end_s is None:
            raise ValidationError(
                f"The video is {_seconds(length)} long; a clip can be at most "
                f"{_seconds(MAX_DURATION_S)}.",
                hint=f"Pick a part of at most {MAX_DURATION_S:g} s with a start and an end time.",
            )
        raise ValidationError(
            f"The chosen part is {_seconds(length)} long ({_seconds(start)} to {_seconds(end)}); "
            f"a clip can be at most {_seconds(MAX_DURATION_S)}.",
            hint=f"Move the start or the end so that at most {MAX_DURATION_S:g} s remain.",
        )
    return TrimRange(start, end)


def expected_frames(duration_s: float) -> int:
    """How many frames a constant-rate clip of `duration_s` holds."""
    return max(1, round(duration_s * FPS))


@dataclass(frozen=True)
class ClipFacts:
    """What a reader found in an encoded clip: the input of `contract_violations`."""

    codec: str
    profile: str | None
    pixel_format: str | None
    width: int
    height: int
    sample_aspect: Fraction
    fps: float
    duration_s: float
    size_bytes: int
    moov_before_mdat: bool
    audio_codec: str | None
    rotation: int = 0
    # "tv" (limited) or "pc" (full); None when the file does not say.
    color_range: str | None = None


def source_problem(width: int, height: int, frames: int | None) -> str | None:
    """Why a source cannot become a clip, as the end of a sentence; None when it can."""
    if width < MIN_SOURCE_SIDE or height < MIN_SOURCE_SIDE:
        return (
            f"has a picture of only {width}x{height} pixels; a clip needs at least "
            f"{MIN_SOURCE_SIDE} pixels each way."
        )
    if frames is not None and frames < MIN_SOURCE_FRAMES:
        return (
            f"holds a single picture, not a video; a clip needs at least {MIN_SOURCE_FRAMES} "
            "frames."
        )
    return None


def _coding_problems(facts: ClipFacts) -> list[str]:
    problems: list[str] = []
    if facts.codec != VIDEO_CODEC:
        problems.append(f"video codec is {facts.codec}, not {VIDEO_CODEC}")
    if facts.profile is not None and facts.profile.lower() != H264_PROFILE:
        problems.append(f"H.264 profile is {facts.profile}, not {H264_PROFILE}")
    if facts.pixel_format is not None and facts.pixel_format != PIXEL_FORMAT:
        problems.append(f"pixel format is {facts.pixel_format}, not {PIXEL_FORMAT}")
    if facts.color_range is not None and facts.color_range != COLOR_RANGE:
        problems.append(f"colour range is {facts.color_range} (full), not {COLOR_RANGE} (limited)")
    if facts.audio_codec is not None and facts.audio_codec != AUDIO_CODEC:
        problems.append(f"audio codec is {facts.audio_codec}, not {AUDIO_CODEC}")
    return problems


def contract_violations(facts: ClipFacts) -> list[str]:
    """Every way a clip breaks the agreed format, as sentences; empty when it conforms."""
    problems = _coding_problems(facts)
    if facts.width > MAX_WIDTH or facts.height > MAX_HEIGHT:
        problems.append(f"size {facts.width}x{facts.height} exceeds {MAX_WIDTH}x{MAX_HEIGHT}")
    if facts.width % 2 or facts.height % 2:
        problems.append(f"size {facts.width}x{facts.height} has an odd side")
    if facts.sample_aspect not in (Fraction(1), Fraction(0)):
        problems.append(f"pixels are not square (sample aspect {facts.sample_aspect})")
    if abs(facts.fps - FPS) > 0.01:
        problems.append(f"frame rate is {facts.fps:g}, not {FPS}")
    if facts.duration_s > MAX_DURATION_S + 1.0 / FPS / 2:
        problems.append(f"duration {facts.duration_s:.3f} s exceeds {MAX_DURATION_S:g} s")
    if facts.size_bytes > MAX_BYTES:
        problems.append(f"size {facts.size_bytes} bytes exceeds {MAX_BYTES}")
    if not facts.moov_before_mdat:
        problems.append("the index (moov) is not at the front of the file")
    if facts.rotation:
        problems.append(f"the picture still carries a {facts.rotation} degree rotation")
    return problems
