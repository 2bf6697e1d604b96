"""Progress maths against figures worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbf_desktop.domain.exercise_types import SetResult, StandardResult, read_result
from gbf_desktop.domain.metrics import (
    ComplianceGrade,
    best_e1rm,
    compliance,
    compliance_grade,
    epley_e1rm,
    kg_to_lb,
    lb_to_kg,
    result_volume,
    top_set_load,
    volume,
    volume_from_totals,
)


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [
        (100, 5, 116.67),  # 100 * (1 + 5/30) = 116.666...
        (100, 1, 100.0),  # a single is the max itself, not an estimate above it
        (60, 10, 80.0),  # 60 * (1 + 10/30) = 80
        (80, 12, 112.0),  # 80 * 1.4 = 112: twelve reps is still counted
        (142.5, 3, 156.75),  # 142.5 * 1.1
    ],
)
def test_epley_by_hand(load: float, reps: int, expected: float) -> None:
    e1rm = epley_e1rm(load, reps)
    assert e1rm is not None
    assert round(e1rm, 2) == expected


@pytest.mark.parametrize(("load", "reps"), [(100, 13), (100, 0), (100, -1), (0, 5), (-20, 5)])
def test_no_estimate_outside_the_rule(load: float, reps: int) -> None:
    assert epley_e1rm(load, reps) is None


def test_best_e1rm_skips_long_sets_and_unknowns() -> None:
    sets = [
        SetResult(15, 120),  # too many reps: no estimate, even though it is heaviest
        SetResult(5, 100),  # 116.67
        SetResult(8, 90),  # 114.0
        SetResult(None, 200),
        SetResult(3, None),
    ]
    best = best_e1rm(sets)
    assert best is not None
    assert round(best, 2) == 116.67
    assert best_e1rm([SetResult(20, 50)]) is None
    assert best_e1rm([]) is None


def test_top_set_load() -> None:
    sets = [SetResult(5, 100), SetResult(0, 110), SetResult(None, 105), SetResult(3, None)]
    assert top_set_load(sets) == 105  # the missed 110 does not count; unknown reps do
    assert top_set_load([SetResult(10, None)]) is None


def test_volume_per_set_and_from_totals() -> None:
    # Drop set: 8 * 100 + 8 * 80 + 10 * 60 = 2040.
    assert volume([SetResult(8, 100), SetResult(8, 80), SetResult(10, 60)]) == 2040
    assert volume([SetResult(10, None), SetResult(None, 50)]) == 0
    assert volume_from_totals(3, 10, 60) == 1800
    assert volume_from_totals(-1, 10, 60) == 0


def test_volume_of_a_web_row_is_sets_times_reps_times_load() -> None:
    data = {"setsCompleted": 4, "repsPerSet": [6, 6, 6, 5], "repsCompleted": 23, "weightUsed": 100}
    result = read_result(data, "standard").result
    assert isinstance(result, StandardResult)
    assert result_volume(result) == 2300  # 23 reps * 100 kg


def test_units() -> None:
    assert lb_to_kg(1) == 0.45359237
    assert round(lb_to_kg(225), 2) == 102.06
    assert round(kg_to_lb(100), 2) == 220.46


@given(st.floats(0, 10000, allow_nan=False))
def test_unit_conversion_round_trips(kg: float) -> None:
    assert lb_to_kg(kg_to_lb(kg)) == pytest.approx(kg)


@pytest.mark.parametrize(
    ("done", "due", "expected"),
    [(9, 12, 0.75), (12, 12, 1.0), (14, 12, 1.0), (0, 5, 0.0), (-1, 5, 0.0), (3, 0, None)],
)
def test_compliance(done: int, due: int, expected: float | None) -> None:
    assert compliance(done, due) == expected


@pytest.mark.parametrize(
    ("done", "due", "expected"),
    [
        (4, 5, ComplianceGrade.GOOD),  # 80 %: on track
        (5, 4, ComplianceGrade.GOOD),  # capped at 100 %
        (3, 5, ComplianceGrade.FAIR),  # 60 %
        (2, 4, ComplianceGrade.FAIR),  # exactly half
        (1, 3, ComplianceGrade.POOR),  # 33 %
        (0, 2, ComplianceGrade.POOR),
        (0, 0, None),  # nothing due: no grade, not "poor"
    ],
)
def test_compliance_grade(done: int, due: int, expected: ComplianceGrade | None) -> None:
    assert compliance_grade(done, due) is expected
