"""How a prescription reads on screen, in one line: the program tree, the log dialog and the
progress page say it the same way (an RIR target as RIR, a minute-like duration as a question).
Qt-free, tested in tests/unit/ui."""

from __future__ import annotations

from gbf_desktop.domain.exercise_types import (
    AmrapPrescription,
    CircuitPrescription,
    ConfigReading,
    CustomPrescription,
    EmomPrescription,
    Prescription,
    Rir,
    StandardPrescription,
)


def _number(value: float) -> str:
    return f"{value:g}"


# The multiplication sign reads "3 sets of 8" at a glance; spelt as an escape for the linter.
TIMES = "\u00d7"


_VARIANT_LABELS = {"for-time": "For time", "time": "Time", "distance": "Distance"}


def _length(minutes: int | None, unconfirmed: int | None) -> str:
    # A minute-like stored duration: minutes on the web's programs page, seconds in its builder.
    if minutes is None and unconfirmed is not None:
        return f"{unconfirmed} min or {unconfirmed} s?"
    return f"{minutes or '?'} min"


def _standard(p: StandardPrescription) -> list[str]:
    parts = [_VARIANT_LABELS[p.variant]] if p.variant in _VARIANT_LABELS else []
    if p.sets is not None or p.reps is not None:
        reps = str(p.reps) if p.reps is not None else f"{p.set_time_s or '?'} s"
        parts.append(f"{p.sets or '?'} {TIMES} {reps}")
    if p.load is not None:
        parts.append(str(p.load))
    if p.effort is not None:
        parts.append(f"{'RIR' if isinstance(p.effort, Rir) else 'RPE'} {_number(p.effort.value)}")
    return parts


def _emom(p: EmomPrescription) -> list[str]:
    parts = [f"EMOM {_length(p.minutes, p.unconfirmed_duration)}"]
    if p.reps_per_minute is not None:
        parts.append(f"{p.reps_per_minute}/min")
    if p.alternating:
        parts.append("alternating")
    return parts


def _amrap(p: AmrapPrescription) -> list[str]:
    parts = [f"AMRAP {_length(p.time_cap_min, p.unconfirmed_duration)}"]
    if p.target_reps is not None:
        parts.append(f"target {p.target_reps} reps")
    elif p.target_rounds is not None:
        parts.append(f"target {p.target_rounds} rounds")
    return parts


def _circuit(p: CircuitPrescription) -> list[str]:
    parts = [f"Circuit {p.rounds or '?'} rounds"]
    if p.reps_per_round is not None:
        parts.append(f"{p.reps_per_round} reps/round")
    if p.stations:
        parts.append(f"{len(p.stations)} stations")
    return parts


def _custom(p: CustomPrescription) -> list[str]:
    lines = (p.instructions or "").strip().splitlines()
    first = lines[0] if lines else ""
    return ["Custom", first[:40] + ("…" if len(first) > 40 else "")] if first else ["Custom"]


def prescription_line(p: Prescription) -> str:
    """A prescription in one line, e.g. "3 x 8 · 80 kg · RIR 2" or "EMOM 10 min · 5/min"."""
    if isinstance(p, StandardPrescription):
        parts = _standard(p)
    elif isinstance(p, EmomPrescription):
        parts = _emom(p)
    elif isinstance(p, AmrapPrescription):
        parts = _amrap(p)
    elif isinstance(p, CircuitPrescription):
        parts = _circuit(p)
    else:
        parts = _custom(p)
    return " · ".join(parts)


def prescription_summary(reading: ConfigReading) -> str:
    """`prescription_line` of a stored config, flagged when the config cannot be trusted."""
    text = prescription_line(reading.prescription)
    if reading.is_valid:
        return text
    if all(i.severity == "ambiguous" for i in reading.issues if i.blocks_value):
        return f"⚠ check the duration · {text}"
    return f"⚠ invalid config · {text}"
