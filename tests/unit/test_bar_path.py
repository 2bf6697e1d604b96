"""Reps, range of motion and velocities from a bar path, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from gbf_desktop.domain import bar_path as bp
from gbf_desktop.errors import ValidationError

FPS = 24


def smooth_step(u: float) -> float:
    """Fraction of a move done at fraction u of its time: raised-cosine speed."""
    return u - math.sin(2 * math.pi * u) / (2 * math.pi)


def edge_u() -> float:
    """Where smooth_step reaches EDGE_FRACTION, by bisection (independent of the module)."""
    lo, hi = 0.0, 0.5
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if smooth_step(mid) < bp.EDGE_FRACTION else (lo, mid)
    return lo


def lift(moves: list[tuple[float, float]], start_y: float = 100.0) -> list[bp.PathSample]:
    """Samples at 24 fps of a sequence of (duration, dy px) moves; dy=0 is a pause."""
    samples, t, y = [], 0.0, start_y
    plan = []
    for duration, dy in moves:
        plan.append((t, duration, y, dy))
        t += duration
        y += dy
    n = round(t * FPS)
    for i in range(n + 1):
        ti = i / FPS
        yi = start_y
        for start, duration, y0, dy in plan:
            if ti >= start:
                yi = y0 + dy * smooth_step(min(1.0, (ti - start) / duration))
        samples.append(bp.PathSample(ti, 300.0, yi))
    return samples


def test_calibration_from_the_plate_diameter() -> None:
    assert bp.cm_per_pixel(50.0) == pytest.approx(0.45)
    assert bp.cm_per_pixel(50.0, 35.0) == pytest.approx(0.35)
    with pytest.raises(ValidationError, match="diameter"):
        bp.cm_per_pixel(50.0, 0.0)
    with pytest.raises(ValidationError, match="rim"):
        bp.cm_per_pixel(0.0)


def test_squat_reps_rom_and_mean_velocity_match_the_hand_computed_values() -> None:
    # Radius 50 px: 0.45 cm per px. Three reps of 120 px (54 cm), concentric 0.6, 0.8, 1.0 s.
    moves = [(0.5, 0.0)]
    for concentric in (0.6, 0.8, 1.0):
        moves += [(0.9, 120.0), (0.3, 0.0), (concentric, -120.0), (0.4, 0.0)]
    analysis = bp.analyse(lift(moves), plate_radius_px=50.0)
    assert len(analysis.reps) == 3
    u = edge_u()
    for rep, concentric in zip(analysis.reps, (0.6, 0.8, 1.0), strict=True):
        assert rep.rom_cm == pytest.approx(54.0, abs=0.01)
        # Middle 94 % of the rise over the time it takes: (1 - 2u) of the concentric time.
        expected = 0.54 * (1 - 2 * bp.EDGE_FRACTION) / ((1 - 2 * u) * concentric)
        assert rep.mean_velocity_m_s == pytest.approx(expected, rel=0.02)
        # Raised-cosine speed peaks at twice the average: 2 * 0.54 m / T.
        assert rep.peak_velocity_m_s == pytest.approx(2 * 0.54 / concentric, rel=0.03)
        assert rep.start_s < rep.concentric_start_s < rep.end_s
    first = analysis.reps[0]
    assert first.start_s == pytest.approx(0.5 + 0.9 * u, abs=0.03)  # leaving the top
    assert first.concentric_start_s == pytest.approx(0.5 + 0.9 + 0.3 + 0.6 * u, abs=0.02)
    assert analysis.best_rep is first
    loss = analysis.velocity_loss_pct
    assert loss is not None
    assert loss == pytest.approx(100 * (1 - 0.6 / 1.0), abs=1.5)
    assert analysis.rep_loss_pct(analysis.reps[1]) == pytest.approx(25.0, abs=1.5)


def test_pauses_do_not_change_the_mean_velocity() -> None:
    short = [(0.2, 0.0), (0.8, 100.0), (0.1, 0.0), (0.7, -100.0), (0.2, 0.0)]
    long = [(1.0, 0.0), (0.8, 100.0), (1.5, 0.0), (0.7, -100.0), (1.2, 0.0)]
    a = bp.analyse(lift(short), 50.0).reps[0].mean_velocity_m_s
    b = bp.analyse(lift(long), 50.0).reps[0].mean_velocity_m_s
    assert a == pytest.approx(b, rel=0.01)


def test_a_deadlift_from_the_floor_starts_with_its_concentric_phase() -> None:
    moves = [(0.4, 0.0), (0.9, -140.0), (0.5, 0.0), (0.8, 140.0), (0.5, 0.0), (1.1, -140.0)]
    analysis = bp.analyse(lift(moves, start_y=300.0), 50.0)
    assert [r.number for r in analysis.reps] == [1, 2]
    first, second = analysis.reps
    assert first.start_s == first.concentric_start_s
    assert first.rom_cm == pytest.approx(63.0, abs=0.01)
    assert second.start_s < second.concentric_start_s
    assert first.mean_velocity_m_s > second.mean_velocity_m_s


def test_tremor_and_a_walk_out_are_not_reps() -> None:
    wobble = [bp.PathSample(i / FPS, 300 + i, 200 + 4 * math.sin(i)) for i in range(200)]
    assert bp.analyse(wobble, 50.0).reps == ()
    # 8 px = 3.6 cm of bounce at lockout within a set of 120 px reps: still two reps.
    moves = [(0.9, 120.0), (0.7, -120.0), (0.2, 8.0), (0.2, -8.0), (0.9, 120.0), (0.7, -120.0)]
    assert len(bp.analyse(lift(moves), 50.0).reps) == 2


def test_no_velocity_loss_for_fewer_than_two_reps() -> None:
    one = bp.analyse(lift([(0.9, 120.0), (0.7, -120.0)]), 50.0)
    assert len(one.reps) == 1
    assert one.velocity_loss_pct is None
    assert bp.analyse([], 50.0).reps == ()


def test_turning_points_alternate() -> None:
    heights = [0, 5, 10, 6, 1, 0, 4, 9, 12, 11, 2]
    assert bp.turning_points(heights, 5) == [0, 2, 5, 8, 10]


def test_the_bar_speed_offered_to_the_log() -> None:
    moves = [(0.9, 120.0), (0.3, 0.0), (0.6, -120.0), (0.4, 0.0), (0.9, 120.0), (0.3, 0.0)]
    analysis = bp.analyse(lift([*moves, (1.0, -120.0)]), 50.0)
    best = analysis.reps[0]
    note = bp.bar_speed_note(analysis)
    assert note == (
        f"Bar speed: best rep {best.mean_velocity_m_s:.2f} m/s mean, "
        f"{best.peak_velocity_m_s:.2f} m/s peak (rep 1 of 2); velocity loss 40 %."
    )
    assert bp.bar_speed_note(bp.analyse([], 50.0)) is None
