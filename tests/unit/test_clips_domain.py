"""The clip contract's arithmetic: sizes, retry rates and trim ranges."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbf_desktop.domain import clips
from gbf_desktop.errors import ValidationError

sides = st.integers(min_value=2, max_value=8192)
rotations = st.sampled_from([0, 90, 180, 270, -90, 360])
aspects = st.fractions(min_value=Fraction(1, 4), max_value=Fraction(4), max_denominator=100)


@pytest.mark.parametrize(
    ("source", "rotation", "expected"),
    [
        ((1920, 1080), 0, (854, 480)),
        ((1280, 720), 0, (854, 480)),
        ((1920, 1080), 90, (270, 480)),
        ((1920, 1080), -90, (270, 480)),
        ((640, 480), 0, (640, 480)),
        ((320, 240), 0, (320, 240)),
        ((1080, 1920), 0, (270, 480)),
        ((3840, 1600), 0, (854, 356)),
    ],
)
def test_output_size_of_common_sources(
    source: tuple[int, int], rotation: int, expected: tuple[int, int]
) -> None:
    size = clips.output_size(*source, rotation=rotation)
    assert (size.width, size.height) == expected


def test_anamorphic_pixels_are_widened_before_fitting() -> None:
    # DVD-style 720x480 with 32:27 pixels is shown as 853x480 (16:9).
    size = clips.output_size(720, 480, sample_aspect=Fraction(32, 27))
    assert (size.width, size.height) == (854, 480)


def test_unknown_sample_aspect_means_square() -> None:
    assert clips.output_size(640, 480, sample_aspect=Fraction(0)) == clips.Size(640, 480)


@given(width=sides, height=sides, rotation=rotations, sar=aspects)
def test_output_size_always_fits_the_contract(
    width: int, height: int, rotation: int, sar: Fraction
) -> None:
    size = clips.output_size(width, height, rotation=rotation, sample_aspect=sar)
    assert 2 <= size.width <= clips.MAX_WIDTH
    assert 2 <= size.height <= clips.MAX_HEIGHT
    assert size.width % 2 == 0
    assert size.height % 2 == 0


@given(width=sides, height=sides, rotation=rotations, sar=aspects)
def test_output_size_keeps_the_shape_and_never_enlarges(
    width: int, height: int, rotation: int, sar: Fraction
) -> None:
    shown_w, shown_h = clips.display_size(width, height, rotation=rotation, sample_aspect=sar)
    size = clips.output_size(width, height, rotation=rotation, sample_aspect=sar)
    # Rounding each side to an even number moves it by at most one pixel (or to the 2 px floor).
    assert size.width <= max(2, shown_w + 1)
    assert size.height <= max(2, shown_h + 1)
    if size.width > 40 and size.height > 40:
        assert size.width / size.height == pytest.approx(shown_w / shown_h, rel=0.06)


def test_quarter_turn_swaps_sides() -> None:
    assert clips.display_size(1920, 1080, rotation=270) == (1080.0, 1920.0)
    assert clips.display_size(1920, 1080, rotation=180) == (1920.0, 1080.0)


def test_display_size_refuses_an_empty_picture() -> None:
    with pytest.raises(ValueError, match="positive size"):
        clips.display_size(0, 480)


@given(st.floats(min_value=-720, max_value=720, allow_nan=False))
def test_rotation_snaps_to_a_right_angle(degrees: float) -> None:
    assert clips.normalize_rotation(degrees) in (0, 90, 180, 270)


def test_rotation_of_phone_matrices() -> None:
    assert clips.normalize_rotation(-90.0) == 270
    assert clips.normalize_rotation(90.00001) == 90
    assert clips.normalize_rotation(-180) == 180


@given(
    bitrate=st.integers(min_value=1, max_value=50_000_000),
    produced=st.integers(min_value=1, max_value=200_000_000),
    limit=st.integers(min_value=1, max_value=50_000_000),
)
def test_retry_bitrate_always_goes_down_or_gives_up(
    bitrate: int, produced: int, limit: int
) -> None:
    new_rate = clips.retry_bitrate(bitrate, produced, max_bytes=limit)
    if new_rate is not None:
        assert clips.MIN_BITRATE <= new_rate < bitrate


def test_retry_bitrate_shrinks_in_proportion_with_headroom() -> None:
    new_rate = clips.retry_bitrate(1_000_000, 30_000_000)
    assert new_rate == int(1_000_000 * 0.5 * clips.RETRY_HEADROOM)


def test_retry_bitrate_gives_up_below_the_floor() -> None:
    assert clips.retry_bitrate(200_000, 100_000_000) is None


def test_retry_bitrate_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        clips.retry_bitrate(0, 10)


def test_bitrate_for_size_leaves_room_for_audio() -> None:
    video_only = clips.bitrate_for_size(15_000_000, 15.0)
    with_audio = clips.bitrate_for_size(15_000_000, 15.0, audio_bitrate=clips.AUDIO_BITRATE)
    assert video_only - with_audio == clips.AUDIO_BITRATE
    # The agreed cap is far below what 15 MB allows for 15 s, so the cap is what binds in practice.
    assert with_audio > clips.TARGET_BITRATE


def test_trim_defaults_to_the_whole_short_source() -> None:
    assert clips.validate_trim(None, None, 12.5) == clips.TrimRange(0.0, 12.5)


def test_trim_pulls_an_end_past_the_source_back() -> None:
    assert clips.validate_trim(2.0, 10.04, 10.0) == clips.TrimRange(2.0, 10.0)


def test_trim_of_a_long_source_needs_a_range() -> None:
    with pytest.raises(ValidationError, match=r"40\.0 s long; a clip can be at most 15\.0 s"):
        clips.validate_trim(None, None, 40.0)


def test_trim_range_longer_than_the_limit_names_both_ends() -> None:
    with pytest.raises(ValidationError, match=r"5\.0 s to 25\.0 s"):
        clips.validate_trim(5.0, 25.0, 40.0)


def test_exactly_fifteen_seconds_is_allowed() -> None:
    assert clips.validate_trim(10.0, 25.0, 40.0).duration_s == 15.0


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1.0, 5.0, "cannot be negative"),
        (5.0, 5.0, "must come after"),
        (8.0, 3.0, "must come after"),
        (40.0, None, "at or past the end"),
        (float("nan"), 3.0, "must be a number"),
    ],
)
def test_bad_trim_ranges_are_explained(start: float, end: float | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        clips.validate_trim(start, end, 40.0)


def test_trim_of_a_source_without_length() -> None:
    with pytest.raises(ValidationError, match="no measurable length"):
        clips.validate_trim(None, None, 0.0)


@given(
    duration=st.floats(min_value=0.05, max_value=600.0),
    start=st.floats(min_value=0.0, max_value=600.0),
    length=st.floats(min_value=0.01, max_value=30.0),
)
def test_accepted_trims_are_inside_the_source_and_the_limit(
    duration: float, start: float, length: float
) -> None:
    end = start + length
    if start >= duration or min(end, duration) - start > clips.MAX_DURATION_S + 1e-6:
        with pytest.raises(ValidationError):
            clips.validate_trim(start, end, duration)
        return
    trim = clips.validate_trim(start, end, duration)
    assert 0 <= trim.start_s < trim.end_s <= duration
    assert trim.duration_s <= clips.MAX_DURATION_S + 1e-6


def test_expected_frames_at_24_fps() -> None:
    assert clips.expected_frames(15.0) == 360
    assert clips.expected_frames(0.01) == 1


CONFORMING = clips.ClipFacts(
    codec="h264",
    profile="Main",
    pixel_format="yuv420p",
    width=854,
    height=480,
    sample_aspect=Fraction(1),
    fps=24.0,
    duration_s=15.0,
    size_bytes=1_900_000,
    moov_before_mdat=True,
    audio_codec=None,
)


def test_a_conforming_clip_has_no_violations() -> None:
    assert clips.contract_violations(CONFORMING) == []
    assert clips.contract_violations(replace(CONFORMING, audio_codec="aac")) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"codec": "hevc"}, "video codec"),
        ({"profile": "High"}, "profile"),
        ({"pixel_format": "yuv444p"}, "pixel format"),
        ({"width": 1280, "height": 720}, "exceeds"),
        ({"width": 853}, "odd side"),
        ({"sample_aspect": Fraction(4, 3)}, "not square"),
        ({"fps": 30.0}, "frame rate"),
        ({"duration_s": 15.5}, "duration"),
        ({"size_bytes": 15_000_001}, "bytes exceeds"),
        ({"moov_before_mdat": False}, "moov"),
        ({"audio_codec": "opus"}, "audio codec"),
        ({"rotation": 90}, "rotation"),
    ],
)
def test_each_violation_is_named(change: dict[str, object], fragment: str) -> None:
    problems = clips.contract_violations(replace(CONFORMING, **change))  # type: ignore[arg-type]
    assert len(problems) == 1
    assert fragment in problems[0]


NEEDS_32 = "a clip needs at least 32 pixels each way."


@pytest.mark.parametrize(
    ("width", "height", "frames", "expected"),
    [
        (640, 480, 48, None),
        (640, 480, None, None),
        (32, 32, 2, None),
        (
            31,
            480,
            48,
            "has a picture of only 31x480 pixels; a clip needs at least 32 pixels each way.",
        ),
        (
            640,
            16,
            48,
            "has a picture of only 640x16 pixels; a clip needs at least 32 pixels each way.",
        ),
        (640, 480, 1, "holds a single picture, not a video; a clip needs at least 2 frames."),
    ],
)
def test_a_source_needs_32_pixels_and_two_frames(
    width: int, height: int, frames: int | None, expected: str | None
) -> None:
    assert clips.source_problem(width, height, frames) == expected


def test_a_full_range_clip_breaks_the_contract() -> None:
    facts = clips.ClipFacts(
        codec="h264",
        profile="Main",
        pixel_format="yuv420p",
        width=640,
        height=480,
        sample_aspect=Fraction(1),
        fps=24.0,
        duration_s=2.0,
        size_bytes=1000,
        moov_before_mdat=True,
        audio_codec=None,
        color_range="pc",
    )
    assert clips.contract_violations(facts) == ["colour range is pc (full), not tv (limited)"]
    assert clips.contract_violations(replace(facts, color_range="tv")) == []
    assert clips.contract_violations(replace(facts, color_range=None)) == []
