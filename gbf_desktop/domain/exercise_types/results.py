"""What a student logged, per exercise type: the `data` of a `session_progress.progress` exercise.

The web workout runner writes, by the library type of the exercise:

standard  {setsCompleted, repsPerSet[], repsCompleted (their sum), weightUsed, rpe, notes}
EMOM      {repsPerMinute[], rpe, notes}
AMRAP     {totalReps, rpe, notes}
circuit   {roundsCompleted, totalReps, weightUsed, rpe, notes}
custom    (no case of its own: the runner's default branch, the standard shape, applies)

The desktop writes exactly these keys, every one of them (null where unknown, as the runner does),
and adds what its richer results need under keys the web ignores: `weightPerSet` and `rpePerSet`
(standard), `completed` (EMOM, AMRAP, custom), `rounds`/`extraReps` (AMRAP), `perRound`
(circuit). `weightUsed` is the one load the workout page shows on every set. An AMRAP with a score
always has a number in `totalReps`, the only figure the web shows. A custom result is the standard
shape with no sets, its text in `notes`. Reading never raises; see `fields.Reader`.

Over 500 lines: the five result types side by side, each with its reader and writer of the web's
keys; keeping them together keeps their shapes comparable at a glance.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gbf_desktop.domain.exercise_types.fields import (
    ABSENT,
    FieldIssue,
    NumberRule,
    Reader,
    Severity,
    StoredReading,
    TextRule,
    checked,
    json_number,
    settle,
    settle_extra,
)
from gbf_desktop.domain.exercise_types.values import ExerciseKind
from gbf_desktop.domain.stored_json import UnreadableJson
from gbf_desktop.errors import ValidationError

LOGGED_REPS_RULE = NumberRule("Reps", 0, 1000)
LOGGED_WEIGHT_RULE = NumberRule("Weight used", 0, 1000, None, "kg")
LOGGED_RPE_RULE = NumberRule("RPE", 1, 10, 0.5)
SETS_COMPLETED_RULE = NumberRule("Sets completed", 0, 100)
TOTAL_REPS_RULE = NumberRule("Total reps", 0, 100000)
ROUNDS_COMPLETED_RULE = NumberRule("Rounds completed", 0, 1000)
AMRAP_ROUNDS_RULE = NumberRule("Rounds", 0, 1000)
EXTRA_REPS_RULE = NumberRule("Extra reps", 0, 1000)
LOGGED_NOTES_RULE = TextRule("Notes", 4000)
# Minutes of an EMOM and sets of a standard exercise are bounded by what a session can hold.
MAX_ENTRIES = 100


def _check_notes(notes: str) -> None:
    LOGGED_NOTES_RULE.validate(notes)


def _num(value: float | None) -> int | float | None:
    return None if value is None else json_number(value)


@dataclass(frozen=True)
class SetResult:
    """One logged set; any part may be unknown."""

    reps: int | None = None
    load_kg: float | None = None
    rpe: float | None = None

    def __post_init__(self) -> None:
        settle(self, "reps", LOGGED_REPS_RULE)
        settle(self, "load_kg", LOGGED_WEIGHT_RULE)
        settle(self, "rpe", LOGGED_RPE_RULE)


def _settle_entries(obj: object, name: str, limit_label: str) -> None:
    entries = tuple(getattr(obj, name))
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(f"{limit_label} can hold at most {MAX_ENTRIES} entries.")
    object.__setattr__(obj, name, entries)


@dataclass(frozen=True, kw_only=True)
class StandardResult:
    sets: tuple[SetResult, ...] = ()
    rpe: float | None = None
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.STANDARD
    KEYS = frozenset(
        {"setsCompleted", "repsPerSet", "repsCompleted", "weightUsed", "rpe", "notes"}
        | {"weightPerSet", "rpePerSet"}
    )

    def __post_init__(self) -> None:
        _settle_entries(self, "sets", "Sets")
        if not all(isinstance(item, SetResult) for item in self.sets):
            raise ValidationError("Each set must be a logged set.")
        settle(self, "rpe", LOGGED_RPE_RULE)
        _check_notes(self.notes)
        settle_extra(self, self.KEYS)

    @property
    def reps_completed(self) -> int:
        """Reps over all sets whose reps are known."""
        return sum(item.reps for item in self.sets if item.reps is not None)

    @property
    def weight_used(self) -> float | None:
        """The single load the web shows: the heaviest set's, as a coach reads "top set"."""
        loads = [item.load_kg for item in self.sets if item.load_kg is not None]
        return max(loads) if loads else None

    def to_data(self) -> dict[str, Any]:
        weight = self.weight_used
        data: dict[str, Any] = {
            "setsCompleted": len(self.sets),
            "repsPerSet": [item.reps for item in self.sets],
            "repsCompleted": self.reps_completed,
            "weightUsed": _num(weight),
            "rpe": _num(self.rpe),
            "notes": self.notes,
        }
        # Per-set loads are only needed when `weightUsed` alone would not say them all.
        if any(item.load_kg != weight for item in self.sets):
            data["weightPerSet"] = [_num(item.load_kg) for item in self.sets]
        if any(item.rpe is not None for item in self.sets):
            data["rpePerSet"] = [_num(item.rpe) for item in self.sets]
        data.update(copy.deepcopy(dict(self.extra)))
        return data


@dataclass(frozen=True, kw_only=True)
class EmomResult:
    reps_per_minute: tuple[int | None, ...] = ()
    completed: bool | None = None
    rpe: float | None = None
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.EMOM
    KEYS = frozenset({"repsPerMinute", "completed", "rpe", "notes"})

    def __post_init__(self) -> None:
        _settle_entries(self, "reps_per_minute", "Reps per minute")
        object.__setattr__(
            self,
            "reps_per_minute",
            tuple(_whole(checked(LOGGED_REPS_RULE, reps)) for reps in self.reps_per_minute),
        )
        settle(self, "rpe", LOGGED_RPE_RULE)
        _check_notes(self.notes)
        settle_extra(self, self.KEYS)

    @property
    def total_reps(self) -> int:
        return sum(reps for reps in self.reps_per_minute if reps is not None)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "repsPerMinute": list(self.reps_per_minute),
            "rpe": _num(self.rpe),
            "notes": self.notes,
        }
        if self.completed is not None:
            data["completed"] = self.completed
        data.update(copy.deepcopy(dict(self.extra)))
        return data


@dataclass(frozen=True, kw_only=True)
class AmrapResult:
    """Total reps (the web's figure) and, when logged so, full rounds plus extra reps."""

    total_reps: int | None = None
    rounds: int | None = None
    extra_reps: int | None = None
    completed: bool | None = None
    rpe: float | None = None
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.AMRAP
    KEYS = frozenset({"totalReps", "rounds", "extraReps", "completed", "rpe", "notes"})

    def __post_init__(self) -> None:
        settle(self, "total_reps", TOTAL_REPS_RULE)
        settle(self, "rounds", AMRAP_ROUNDS_RULE)
        settle(self, "extra_reps", EXTRA_REPS_RULE)
        settle(self, "rpe", LOGGED_RPE_RULE)
        _check_notes(self.notes)
        settle_extra(self, self.KEYS)

    @classmethod
    def from_rounds(
        cls,
        rounds: int | None,
        extra_reps: int | None,
        reps_per_round: int | None,
        total_reps: int | None = None,
        **others: Any,
    ) -> AmrapResult:
        """A result logged as rounds + reps: the total typed, or else rounds x round size +
        extra reps when a round's size is known (otherwise the total must be typed)."""
        total = total_reps
        if total is None and rounds is not None and reps_per_round is not None:
            total = rounds * reps_per_round + (extra_reps or 0)
        return cls(total_reps=total, rounds=rounds, extra_reps=extra_reps, **others)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "totalReps": self.total_reps,
            "rpe": _num(self.rpe),
            "notes": self.notes,
        }
        if self.rounds is not None:
            data["rounds"] = self.rounds
        if self.extra_reps is not None:
            data["extraReps"] = self.extra_reps
        if self.completed is not None:
            data["completed"] = self.completed
        data.update(copy.deepcopy(dict(self.extra)))
        return data


@dataclass(frozen=True)
class RoundResult:
    completed: bool
    reps: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.completed, bool):
            raise ValidationError("Round completion must be true or false.")
        settle(self, "reps", LOGGED_REPS_RULE)


@dataclass(frozen=True, kw_only=True)
class CircuitResult:
    """The web's totals, plus per-round detail when the desktop logged it.

    With per-round detail the totals must agree with it (use `from_rounds`), so the web, which
    reads only the totals, shows the same session the desktop does.
    """

    rounds_completed: int | None = None
    total_reps: int | None = None
    weight_kg: float | None = None
    per_round: tuple[RoundResult, ...] = ()
    rpe: float | None = None
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.CIRCUIT
    KEYS = frozenset({"roundsCompleted", "totalReps", "weightUsed", "perRound", "rpe", "notes"})

    def __post_init__(self) -> None:
        settle(self, "rounds_completed", ROUNDS_COMPLETED_RULE)
        settle(self, "total_reps", TOTAL_REPS_RULE)
        settle(self, "weight_kg", LOGGED_WEIGHT_RULE)
        settle(self, "rpe", LOGGED_RPE_RULE)
        _settle_entries(self, "per_round", "Rounds")
        if not all(isinstance(item, RoundResult) for item in self.per_round):
            raise ValidationError("Each round must be a logged round.")
        if self.per_round and not _totals_agree(self.per_round, self):
            raise ValidationError("Rounds completed and total reps must match the rounds logged.")
        _check_notes(self.notes)
        settle_extra(self, self.KEYS)

    @classmethod
    def from_rounds(cls, per_round: Sequence[RoundResult], **others: Any) -> CircuitResult:
        rounds = tuple(per_round)
        completed, total = _totals(rounds)
        return cls(rounds_completed=completed, total_reps=total, per_round=rounds, **others)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roundsCompleted": self.rounds_completed,
            "totalReps": self.total_reps,
            "weightUsed": _num(self.weight_kg),
            "rpe": _num(self.rpe),
            "notes": self.notes,
        }
        if self.per_round:
            data["perRound"] = [
                {"completed": item.completed, "reps": item.reps} for item in self.per_round
            ]
        data.update(copy.deepcopy(dict(self.extra)))
        return data


def _totals(rounds: Sequence[RoundResult]) -> tuple[int, int | None]:
    completed = sum(1 for item in rounds if item.completed)
    known = [item.reps for item in rounds if item.reps is not None]
    return completed, (sum(known) if known else None)


def _totals_agree(rounds: Sequence[RoundResult], result: CircuitResult) -> bool:
    return _totals(rounds) == (result.rounds_completed, result.total_reps)


@dataclass(frozen=True, kw_only=True)
class CustomResult:
    notes: str = ""
    completed: bool | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.CUSTOM
    KEYS = frozenset({"notes", "completed"})

    def __post_init__(self) -> None:
        _check_notes(self.notes)
        settle_extra(self, self.KEYS)

    def to_data(self) -> dict[str, Any]:
        # The web runner's default branch (custom has no case): the standard shape, no sets.
        # Figures a student logged there on the web travel in `extra` and win below.
        data: dict[str, Any] = {**copy.deepcopy(CUSTOM_DEFAULTS), "notes": self.notes}
        if self.completed is not None:
            data["completed"] = self.completed
        data.update(copy.deepcopy(dict(self.extra)))
        return data


Result = StandardResult | EmomResult | AmrapResult | CircuitResult | CustomResult

# The empty figures of the runner's default branch, which a custom result carries.
CUSTOM_DEFAULTS: dict[str, Any] = {
    "setsCompleted": 0,
    "repsPerSet": [],
    "repsCompleted": 0,
    "weightUsed": None,
    "rpe": None,
}


def check_loggable(result: Result) -> None:
    """Raise a ValidationError when a result about to be written would show wrong on the web.

    Stored rows may be in any state (reading accepts them); what the desktop writes may not.
    The web shows an AMRAP only by its `totalReps`, so a score logged as rounds must carry it.
    """
    scored = isinstance(result, AmrapResult) and (
        result.rounds is not None or result.extra_reps is not None
    )
    if scored and isinstance(result, AmrapResult) and result.total_reps is None:
        raise ValidationError(
            "Enter the total reps too: the size of a round is not known here, and the web "
            "app shows only the total."
        )


def empty_result(kind: ExerciseKind) -> Result:
    return _RESULT_TYPES[kind]()


_RESULT_TYPES: dict[ExerciseKind, type[Result]] = {
    ExerciseKind.STANDARD: StandardResult,
    ExerciseKind.EMOM: EmomResult,
    ExerciseKind.AMRAP: AmrapResult,
    ExerciseKind.CIRCUIT: CircuitResult,
    ExerciseKind.CUSTOM: CustomResult,
}


# ---------------------------------------------------------------------------------------------
# Reading stored data


@dataclass(frozen=True, kw_only=True)
class ResultReading(StoredReading):
    """Stored `data` as read: the typed result of its usable values, and what was wrong.

    `to_data()` gives back the stored data exactly: a row the coach only looked at is never
    rewritten.
    """

    kind: ExerciseKind
    result: Result

    def to_data(self) -> Any:
        return self.stored()


def read_result(data: object, library_type: object) -> ResultReading:
    """Read the `data` of a logged exercise whose library type is `library_type`; never raises.

    The shape follows the library type (as the web runner's does), not the config's format.
    """
    kind = ExerciseKind.from_library(library_type)
    raw = copy.deepcopy(data)
    if not isinstance(data, Mapping):
        severity: Severity = "missing" if data is None else "invalid"
        if isinstance(data, UnreadableJson):
            message = f"The logged data cannot be read: {data.reason}."
        elif data is None:
            message = "Nothing is logged."
        else:
            message = "The logged data is not a JSON object."
        issue = FieldIssue("", "Logged data", severity, message, raw)
        return ResultReading(kind=kind, result=empty_result(kind), issues=(issue,), _raw=raw)
    reader = Reader(data)
    result = _RESULT_READERS[kind](reader)
    return ResultReading(kind=kind, result=result, issues=tuple(reader.issues), _raw=raw)


def _read_notes(reader: Reader) -> str:
    return reader.text("notes", LOGGED_NOTES_RULE) or ""


def _read_list(reader: Reader, key: str, label: str, rule: NumberRule) -> list[float | None] | None:
    """Each entry of a stored number list, None where an entry is null or unusable.

    None for the whole list when the key is absent; a list that is not a list is flagged.
    """
    raw = reader.get(key)
    if raw is ABSENT or raw is None:
        return None
    if not isinstance(raw, list):
        reader.flag(key, label, "invalid", f"{label} must be a list of numbers.")
        return None
    if len(raw) > MAX_ENTRIES:
        message = f"{label} holds {len(raw)} entries; only the first {MAX_ENTRIES} are shown."
        reader.flag(key, label, "invalid", message)
    values: list[float | None] = []
    for index, item in enumerate(raw[:MAX_ENTRIES]):
        entry_key = f"{key}[{index}]"
        entry_label = f"{label} {index + 1}"
        if item is None:
            message = f"{entry_label} is not logged."
            reader.flag_value(entry_key, entry_label, "missing", message, item)
            values.append(None)
            continue
        value, problem, was_text = rule.read(item)
        if problem is not None:
            reader.flag_value(entry_key, entry_label, "invalid", problem, item)
        elif was_text:
            message = f"{entry_label} is stored as text."
            reader.flag_value(entry_key, entry_label, "note", message, item)
        values.append(value)
    return values


def _at(values: list[float | None] | None, index: int, default: float | None) -> float | None:
    if values is None:
        return default
    return values[index] if index < len(values) else None


def _read_standard(reader: Reader) -> StandardResult:
    reps = _read_list(reader, "repsPerSet", "Set", LOGGED_REPS_RULE)
    sets_completed = reader.whole("setsCompleted", SETS_COMPLETED_RULE)
    reps_completed = reader.whole("repsCompleted", TOTAL_REPS_RULE)
    weight = reader.number("weightUsed", LOGGED_WEIGHT_RULE)
    loads = _read_list(reader, "weightPerSet", "Set load", LOGGED_WEIGHT_RULE)
    rpes = _read_list(reader, "rpePerSet", "Set RPE", LOGGED_RPE_RULE)
    count = len(reps) if reps is not None else (sets_completed or 0)
    if reps is not None and sets_completed is not None and sets_completed != len(reps):
        message = f"Sets completed says {sets_completed}, but {len(reps)} sets are logged."
        reader.flag("setsCompleted", "Sets completed", "note", message)
    sets = tuple(
        SetResult(
            reps=None if reps is None else _whole(reps[index]),
            # Without per-set loads, the web's single weight applies to every set.
            load_kg=_at(loads, index, weight),
            rpe=_at(rpes, index, None),
        )
        for index in range(count)
    )
    known = [item.reps for item in sets if item.reps is not None]
    # The web's stored sum is derived; a disagreement (or a sum without sets) is worth showing.
    if reps_completed is not None and len(known) == len(sets) and reps_completed != sum(known):
        message = f"Reps completed says {reps_completed}; the sets logged add up to {sum(known)}."
        reader.flag("repsCompleted", "Reps completed", "note", message)
    return StandardResult(
        sets=sets,
        rpe=reader.number("rpe", LOGGED_RPE_RULE),
        notes=_read_notes(reader),
        extra=reader.extra(),
    )


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _read_emom(reader: Reader) -> EmomResult:
    minutes = _read_list(reader, "repsPerMinute", "Minute", LOGGED_REPS_RULE) or []
    return EmomResult(
        reps_per_minute=tuple(_whole(value) for value in minutes),
        completed=reader.boolean("completed", "Completed"),
        rpe=reader.number("rpe", LOGGED_RPE_RULE),
        notes=_read_notes(reader),
        extra=reader.extra(),
    )


def _read_amrap(reader: Reader) -> AmrapResult:
    return AmrapResult(
        total_reps=reader.whole("totalReps", TOTAL_REPS_RULE),
        rounds=reader.whole("rounds", AMRAP_ROUNDS_RULE),
        extra_reps=reader.whole("extraReps", EXTRA_REPS_RULE),
        completed=reader.boolean("completed", "Completed"),
        rpe=reader.number("rpe", LOGGED_RPE_RULE),
        notes=_read_notes(reader),
        extra=reader.extra(),
    )


def _read_rounds(reader: Reader) -> tuple[RoundResult, ...]:
    raw = reader.get("perRound")
    if raw is ABSENT or raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_ENTRIES:
        message = f"Rounds must be a list of at most {MAX_ENTRIES} logged rounds."
        reader.flag("perRound", "Rounds", "invalid", message)
        return ()
    rounds = []
    for index, item in enumerate(raw):
        sub = Reader(item if isinstance(item, Mapping) else {}, prefix=f"perRound[{index}].")
        completed = sub.boolean("completed", f"Round {index + 1} completed")
        reps = sub.whole("reps", LOGGED_REPS_RULE)
        if not isinstance(item, Mapping) or completed is None:
            message = f"Round {index + 1} must say whether it was completed."
            reader.flag_value(f"perRound[{index}]", "Rounds", "invalid", message, item)
            return ()
        reader.issues.extend(sub.issues)
        rounds.append(RoundResult(completed, reps))
    return tuple(rounds)


def _read_circuit(reader: Reader) -> CircuitResult:
    rounds_completed = reader.whole("roundsCompleted", ROUNDS_COMPLETED_RULE)
    total_reps = reader.whole("totalReps", TOTAL_REPS_RULE)
    per_round = _read_rounds(reader)
    if per_round and _totals(per_round) != (rounds_completed, total_reps):
        # The totals are the web's figures: if they moved, the detail is stale.
        message = "The per-round detail no longer matches the totals and is not used."
        reader.flag("perRound", "Rounds", "note", message)
        per_round = ()
    return CircuitResult(
        rounds_completed=rounds_completed,
        total_reps=total_reps,
        weight_kg=reader.number("weightUsed", LOGGED_WEIGHT_RULE),
        per_round=per_round,
        rpe=reader.number("rpe", LOGGED_RPE_RULE),
        notes=_read_notes(reader),
        extra=reader.extra(),
    )


def _read_custom(reader: Reader) -> CustomResult:
    for key, empty in CUSTOM_DEFAULTS.items():
        # The default branch's empty figures are what `to_data` writes anyway; real figures a
        # student logged on the web stay in `extra`.
        if reader.raw.get(key, empty) == empty and type(reader.raw.get(key, empty)) is type(empty):
            reader.get(key)
    return CustomResult(
        notes=_read_notes(reader),
        completed=reader.boolean("completed", "Completed"),
        extra=reader.extra(),
    )


_RESULT_READERS: dict[ExerciseKind, Callable[[Reader], Result]] = {
    ExerciseKind.STANDARD: _read_standard,
    ExerciseKind.EMOM: _read_emom,
    ExerciseKind.AMRAP: _read_amrap,
    ExerciseKind.CIRCUIT: _read_circuit,
    ExerciseKind.CUSTOM: _read_custom,
}
