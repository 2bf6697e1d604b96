"""Progress arithmetic for the review: estimated 1RM, top set, volume, units, compliance (and
its grade).

Pure functions over plain numbers and the typed results of `exercise_types`; nothing here rounds,
so a chart or a CSV export decides its own precision. Loads are in kilograms throughout (the web
platform stores kg); convert at the edges with `kg_to_lb` / `lb_to_kg`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from gbf_desktop.domain.exercise_types import KG_PER_LB, SetResult, StandardResult

# Epley's estimate strays further from a tested max the longer the set; past a dozen reps it
# says more about endurance than strength, so such sets give no estimate at all.
EPLEY_MAX_REPS = 12


def epley_e1rm(load_kg: float, reps: int) -> float | None:
    """Estimated one-rep max by Epley's formula: `load * (1 + reps / 30)`.

    Rules: defined only for 1 ≤ reps ≤ 12 and a load above 0; otherwise None (no estimate, not
    zero). A single is not estimated: the load lifted once is the one-rep max, so 100 kg for 1
    rep gives 100 kg (the raw formula would claim 103.33 kg, more than was ever lifted).
    Example: 100 kg for 5 reps gives 116.67 kg; 100 kg for 13 reps gives None.
    """
    if reps < 1 or reps > EPLEY_MAX_REPS or load_kg <= 0:
        return None
    if reps == 1:
        return load_kg
    return load_kg * (1 + reps / 30)


def best_e1rm(sets: Iterable[SetResult]) -> float | None:
    """The highest Epley estimate among sets whose reps and load are both known.

    Rules: each set is estimated by `epley_e1rm` (so sets of more than 12 reps, of 0 reps or
    without a load are skipped); None when no set gives an estimate.
    """
    estimates = [
        estimate
        for item in sets
        if item.reps is not None
        and item.load_kg is not None
        and (estimate := epley_e1rm(item.load_kg, item.reps)) is not None
    ]
    return max(estimates, default=None)


def top_set_load(sets: Iterable[SetResult]) -> float | None:
    """The heaviest load lifted: the largest known load among sets not logged as 0 reps.

    Rules: a set with unknown reps counts (older rows log the weight without per-set reps); a
    set of 0 reps (a missed attempt) does not; None when no set has a load.
    """
    loads = [item.load_kg for item in sets if item.load_kg is not None and item.reps != 0]
    return max(loads, default=None)


def volume(sets: Iterable[SetResult]) -> float:
    """Tonnage: the sum over sets of `reps * load` (kg).

    Rules: per-set figures are used, so a drop set counts each set at its own load; a set whose
    reps or load is unknown adds nothing (a bodyweight set has no load, hence no tonnage).
    """
    return sum(
        (item.reps * item.load_kg for item in sets if item.reps is not None and item.load_kg),
        start=0.0,
    )


def volume_from_totals(sets: int, reps: int, load_kg: float) -> float:
    """Tonnage without per-set data: `sets * reps * load` (kg), e.g. a prescription's volume.

    Rules: any negative figure counts as 0.
    """
    return max(sets, 0) * max(reps, 0) * max(load_kg, 0.0)


def result_volume(result: StandardResult) -> float:
    """Tonnage of a logged standard exercise: `volume(result.sets)`.

    Rules: reading a stored row gives every set the web's single `weightUsed` unless per-set loads
    were stored, so this is `sets * reps * load` for web rows and the per-set sum otherwise.
    """
    return volume(result.sets)


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds, by the exact definition 1 lb = 0.45359237 kg."""
    return kg / KG_PER_LB


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms, by the exact definition 1 lb = 0.45359237 kg."""
    return lb * KG_PER_LB


def compliance(done: int, due: int) -> float | None:
    """The share of due sessions that were done: `done / due`, as a fraction from 0 to 1.

    Rules: capped at 1 (100 %), since extra sessions, or sessions done ahead of their date, must
    not hide missed ones elsewhere in a later period; a negative `done` counts as 0; None when
    nothing was due (no figure, rather than 0 % or 100 %).
    """
    if due <= 0:
        return None
    return min(max(done, 0) / due, 1.0)


class ComplianceGrade(enum.Enum):
    """How a compliance figure reads at a glance (the bar colour on the students page)."""

    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


# A student doing four sessions in five is on track; under one in two needs a word from the coach.
GOOD_COMPLIANCE = 0.8
FAIR_COMPLIANCE = 0.5


def compliance_grade(done: int, due: int) -> ComplianceGrade | None:
    """The grade of `compliance(done, due)`: good from 80 %, fair from 50 %, poor under it; None
    when nothing was due. Example: 4 of 5 is good, 2 of 4 fair, 1 of 3 poor."""
    ratio = compliance(done, due)
    if ratio is None:
        return None
    if ratio >= GOOD_COMPLIANCE:
        return ComplianceGrade.GOOD
    return ComplianceGrade.FAIR if ratio >= FAIR_COMPLIANCE else ComplianceGrade.POOR
