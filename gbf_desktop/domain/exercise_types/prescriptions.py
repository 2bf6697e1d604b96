"""What the coach prescribes, per exercise type, and how it maps onto `session_exercises.config`.

The web builder stores `{sets, reps, format, weight?, duration?, notes?}` (its PDF export also reads
`rest` and `rpe`). Its formats are standard, EMOM, AMRAP and circuit (the workout page shows the
rounds and total-reps inputs only for `format == "circuit"`); other web screens also write
`for-time`, `time` and `distance`, which are standard prescriptions with another label and are
written back as they were. The desktop keeps the web's keys with the web's meaning for every type
and puts what the web cannot express under additional keys that the web ignores:

standard   sets, reps (a number: the web feeds it to a number input and a sum), weight (kg),
           duration (seconds per set), rest (s), rpe; + repsTarget ("8-12" or "max", with its
           lower bound in `reps`), loadUnit/loadValue (a load in lb or % of 1RM), rir, tempo.
EMOM       format "EMOM", duration = minutes * 60, reps = reps per minute, weight, rpe;
           + work (text per minute), alternating (names or exercise ids, one per minute, cycling).
AMRAP      format "AMRAP", duration = time cap * 60, reps = target total reps, weight, rpe;
           + goal, targetRounds.
circuit    format "circuit", sets = rounds, reps = reps per round, rest = rest between rounds,
           weight (kg), rpe; + stations [{name, exerciseId, reps, seconds, meters, weight}].
           Read also from `rounds` and `restBetweenRounds`, and from the "standard" format that
           older desktop versions wrote for a circuit library exercise.
custom     format "standard"; sets, reps (+ repsTarget), duration, weight, rest, rpe keep the
           web's meaning when set; + instructions.

EMOM and AMRAP durations: the web builder writes seconds, its programs page labels the same key
minutes. Seconds are written; a stored value below 60 only makes sense as minutes and is read as
ambiguous (severity "ambiguous") rather than as a 5-second EMOM.

Any other key is kept in `extra` and written back untouched; so is a whole stored config the coach
did not edit (`ConfigReading.to_config`).

Over 500 lines: the five prescription types side by side, with the mapping of each onto the web's
config keys; one place to read when the web's builder changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gbf_desktop.domain.exercise_types.fields import (
    ABSENT,
    FieldIssue,
    NameListRule,
    NumberRule,
    Reader,
    Severity,
    StoredReading,
    TextRule,
    check_text,
    put,
    settle,
    settle_extra,
)
from gbf_desktop.domain.exercise_types.values import (
    LOAD_RULES,
    REPS_MESSAGE,
    REPS_TARGET_KEY,
    RIR_RULE,
    RPE_RULE,
    Effort,
    ExerciseKind,
    Load,
    LoadUnit,
    MaxReps,
    RepCount,
    RepRange,
    RepsTarget,
    Rir,
    Rpe,
    Tempo,
    parse_reps,
)
from gbf_desktop.domain.stored_json import UnreadableJson
from gbf_desktop.errors import ValidationError

SETS_RULE = NumberRule("Sets", 1, 20)
REST_RULE = NumberRule("Rest", 0, 3600, unit="seconds")
SET_TIME_RULE = NumberRule("Time per set", 1, 3600, unit="seconds")
WEIGHT_RULE = NumberRule("Weight", 0, 1000, None, "kg")
NOTES_RULE = TextRule("Notes", 2000)
# The web stores EMOM and AMRAP lengths in seconds; the desktop prescribes whole minutes.
MINUTES_RULE = NumberRule("Minutes", 1, 60)
TIME_CAP_RULE = NumberRule("Time cap", 1, 60, unit="minutes")
EMOM_DURATION_RULE = NumberRule("Duration", 60, 3600, 60, "seconds")
REPS_PER_MINUTE_RULE = NumberRule("Reps per minute", 1, 100)
WORK_RULE = TextRule("Work per minute", 200)
ALTERNATING_RULE = NameListRule("Alternating exercises", 12, 200)
GOAL_RULE = TextRule("Goal", 500)
# An AMRAP's total and a circuit round often pass 100 reps, the web builder's input limit.
TARGET_REPS_RULE = NumberRule("Target reps", 1, 1000)
TARGET_ROUNDS_RULE = NumberRule("Target rounds", 1, 100)
ROUNDS_RULE = NumberRule("Rounds", 1, 20)
REPS_PER_ROUND_RULE = NumberRule("Reps per round", 1, 1000)
MAX_STATIONS = 20
STATION_NAME_RULE = TextRule("Station exercise", 200)
STATION_ID_RULE = TextRule("Station exercise id", 100)
STATION_REPS_RULE = NumberRule("Station reps", 1, 1000)
STATION_SECONDS_RULE = NumberRule("Station time", 1, 3600, unit="seconds")
STATION_METERS_RULE = NumberRule("Station distance", 1, 10000, unit="m")
STATION_WEIGHT_RULE = NumberRule("Station weight", 0, 1000, None, "kg")
INSTRUCTIONS_RULE = TextRule("Instructions", 4000)
CUSTOM_DURATION_RULE = NumberRule("Duration", 1, 14400, unit="seconds")

WEB_FORMATS = {
    "standard": ExerciseKind.STANDARD,
    "EMOM": ExerciseKind.EMOM,
    "AMRAP": ExerciseKind.AMRAP,
    "circuit": ExerciseKind.CIRCUIT,
    "for-time": ExerciseKind.STANDARD,
    "time": ExerciseKind.STANDARD,
    "distance": ExerciseKind.STANDARD,
}
# The standard-shaped formats other web screens write (programs page: for-time; builder and the
# "my exercises" page: time, distance): kept as the prescription's `variant`.
STANDARD_VARIANTS = ("standard", "for-time", "time", "distance")


def _check_variant(variant: str) -> None:
    if variant not in STANDARD_VARIANTS:
        raise ValidationError(f"Format must be one of {', '.join(STANDARD_VARIANTS)}.")


def _put_reps(config: dict[str, Any], reps: RepsTarget | None) -> None:
    """`reps` as the number the web reads; a range or "max" also under `repsTarget`."""
    if reps is None:
        return
    config["reps"] = reps.lower_bound
    if reps.web_text is not None:
        config[REPS_TARGET_KEY] = reps.web_text


@dataclass(frozen=True)
class Missing:
    """A required field with no value: the stored key, its label and its rule."""

    key: str
    label: str
    rule_message: str


@dataclass(frozen=True, kw_only=True)
class StandardPrescription:
    sets: int | None = None
    reps: RepsTarget | None = None
    load: Load | None = None
    rest_s: int | None = None
    effort: Effort | None = None
    tempo: Tempo | None = None
    set_time_s: int | None = None
    notes: str | None = None
    variant: str = "standard"
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.STANDARD
    KEYS = frozenset(
        {"sets", "reps", "format", "weight", "loadUnit", "loadValue", "rest", "rpe", "rir"}
        | {"tempo", "duration", "notes", REPS_TARGET_KEY}
    )

    def __post_init__(self) -> None:
        _check_variant(self.variant)
        settle(self, "sets", SETS_RULE)
        settle(self, "rest_s", REST_RULE)
        settle(self, "set_time_s", SET_TIME_RULE)
        if self.reps is not None and not isinstance(self.reps, RepCount | RepRange | MaxReps):
            raise ValidationError(REPS_MESSAGE)
        check_text(NOTES_RULE, self.notes)
        settle_extra(self, self.KEYS)

    def missing(self) -> list[Missing]:
        gaps = []
        if self.sets is None:
            gaps.append(Missing("sets", SETS_RULE.label, SETS_RULE.message))
        if self.reps is None and self.set_time_s is None:
            gaps.append(Missing("reps", "Reps", REPS_MESSAGE + " Or set a time per set."))
        return gaps

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        put(config, "sets", self.sets)
        _put_reps(config, self.reps)
        config["format"] = self.variant
        if self.load is not None:
            put(config, "weight", self.load.stored_kg)
            if self.load.unit is not LoadUnit.KG:
                config["loadUnit"] = self.load.unit.value
                put(config, "loadValue", self.load.value)
        put(config, "duration", self.set_time_s)
        put(config, "rest", self.rest_s)
        if self.effort is not None:
            # The web reads only `rpe`; an RIR target is also written as its RPE equivalent.
            put(config, "rpe", self.effort.rpe)
            if isinstance(self.effort, Rir):
                put(config, "rir", self.effort.value)
        if self.tempo is not None:
            config["tempo"] = self.tempo.text
        put(config, "notes", self.notes)
        config.update(copy.deepcopy(dict(self.extra)))
        return config


@dataclass(frozen=True, kw_only=True)
class EmomPrescription:
    minutes: int | None = None
    # A stored minute-like `duration` (see `_read_minutes`), written back as it was until the
    # coach sets the minutes.
    unconfirmed_duration: int | None = None
    reps_per_minute: int | None = None
    work: str | None = None
    alternating: tuple[str, ...] = ()
    weight_kg: float | None = None
    rpe: float | None = None
    notes: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.EMOM
    KEYS = frozenset(
        {"format", "duration", "reps", "work", "alternating", "weight", "rpe", "notes"}
    )

    def __post_init__(self) -> None:
        settle(self, "minutes", MINUTES_RULE)
        settle(self, "unconfirmed_duration", MINUTES_RULE)
        settle(self, "reps_per_minute", REPS_PER_MINUTE_RULE)
        settle(self, "weight_kg", WEIGHT_RULE)
        settle(self, "rpe", RPE_RULE)
        check_text(WORK_RULE, self.work)
        check_text(NOTES_RULE, self.notes)
        ALTERNATING_RULE.validate(self.alternating)
        object.__setattr__(self, "alternating", tuple(self.alternating))
        settle_extra(self, self.KEYS)

    def missing(self) -> list[Missing]:
        gaps = []
        if self.minutes is None:
            gaps.append(Missing("duration", MINUTES_RULE.label, MINUTES_RULE.message))
        if self.reps_per_minute is None and not self.work:
            hint = REPS_PER_MINUTE_RULE.message + " Or describe the work per minute."
            gaps.append(Missing("reps", REPS_PER_MINUTE_RULE.label, hint))
        return gaps

    def exercise_for_minute(self, minute: int) -> str | None:
        """Which alternating exercise minute `minute` (0-based) does; None without alternation."""
        if not self.alternating:
            return None
        return self.alternating[minute % len(self.alternating)]

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        put(config, "reps", self.reps_per_minute)
        config["format"] = "EMOM"
        put(config, "weight", self.weight_kg)
        put(
            config,
            "duration",
            self.unconfirmed_duration if self.minutes is None else self.minutes * 60,
        )
        put(config, "rpe", self.rpe)
        put(config, "notes", self.notes)
        put(config, "work", self.work)
        if self.alternating:
            config["alternating"] = list(self.alternating)
        config.update(copy.deepcopy(dict(self.extra)))
        return config


@dataclass(frozen=True, kw_only=True)
class AmrapPrescription:
    time_cap_min: int | None = None
    unconfirmed_duration: int | None = None
    goal: str | None = None
    target_reps: int | None = None
    target_rounds: int | None = None
    weight_kg: float | None = None
    rpe: float | None = None
    notes: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.AMRAP
    KEYS = frozenset(
        {"format", "duration", "goal", "reps", "targetRounds", "weight", "rpe", "notes"}
    )

    def __post_init__(self) -> None:
        settle(self, "time_cap_min", TIME_CAP_RULE)
        settle(self, "unconfirmed_duration", MINUTES_RULE)
        settle(self, "target_reps", TARGET_REPS_RULE)
        settle(self, "target_rounds", TARGET_ROUNDS_RULE)
        settle(self, "weight_kg", WEIGHT_RULE)
        settle(self, "rpe", RPE_RULE)
        if self.target_reps is not None and self.target_rounds is not None:
            raise ValidationError("Set target reps or target rounds, not both.")
        check_text(GOAL_RULE, self.goal)
        check_text(NOTES_RULE, self.notes)
        settle_extra(self, self.KEYS)

    def missing(self) -> list[Missing]:
        if self.time_cap_min is None:
            return [Missing("duration", TIME_CAP_RULE.label, TIME_CAP_RULE.message)]
        return []

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        put(config, "reps", self.target_reps)
        config["format"] = "AMRAP"
        put(config, "weight", self.weight_kg)
        put(
            config,
            "duration",
            self.unconfirmed_duration if self.time_cap_min is None else self.time_cap_min * 60,
        )
        put(config, "rpe", self.rpe)
        put(config, "notes", self.notes)
        put(config, "goal", self.goal)
        put(config, "targetRounds", self.target_rounds)
        config.update(copy.deepcopy(dict(self.extra)))
        return config


@dataclass(frozen=True, kw_only=True)
class Station:
    """One station of a circuit: an exercise (by name and/or library id), its work and load."""

    name: str | None = None
    exercise_id: str | None = None
    reps: int | None = None
    seconds: int | None = None
    meters: int | None = None
    weight_kg: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    KEYS = frozenset({"name", "exerciseId", "reps", "seconds", "meters", "weight"})

    def __post_init__(self) -> None:
        check_text(STATION_NAME_RULE, self.name)
        check_text(STATION_ID_RULE, self.exercise_id)
        settle(self, "reps", STATION_REPS_RULE)
        settle(self, "seconds", STATION_SECONDS_RULE)
        settle(self, "meters", STATION_METERS_RULE)
        settle(self, "weight_kg", STATION_WEIGHT_RULE)
        settle_extra(self, self.KEYS)

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        put(item, "name", self.name)
        put(item, "exerciseId", self.exercise_id)
        put(item, "reps", self.reps)
        put(item, "seconds", self.seconds)
        put(item, "meters", self.meters)
        put(item, "weight", self.weight_kg)
        item.update(copy.deepcopy(dict(self.extra)))
        return item


@dataclass(frozen=True, kw_only=True)
class CircuitPrescription:
    rounds: int | None = None
    reps_per_round: int | None = None
    rest_between_rounds_s: int | None = None
    stations: tuple[Station, ...] = ()
    weight_kg: float | None = None
    rpe: float | None = None
    notes: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.CIRCUIT
    KEYS = frozenset(
        {"format", "sets", "rounds", "reps", "rest", "restBetweenRounds", "stations", "weight"}
        | {"rpe", "notes"}
    )

    def __post_init__(self) -> None:
        settle(self, "rounds", ROUNDS_RULE)
        settle(self, "reps_per_round", REPS_PER_ROUND_RULE)
        settle(self, "rest_between_rounds_s", REST_RULE)
        settle(self, "weight_kg", WEIGHT_RULE)
        settle(self, "rpe", RPE_RULE)
        check_text(NOTES_RULE, self.notes)
        stations = tuple(self.stations)
        if len(stations) > MAX_STATIONS:
            raise ValidationError(f"A circuit can have at most {MAX_STATIONS} stations.")
        if not all(isinstance(station, Station) for station in stations):
            raise ValidationError("Each station must name an exercise.")
        object.__setattr__(self, "stations", stations)
        settle_extra(self, self.KEYS)

    def missing(self) -> list[Missing]:
        gaps = []
        if self.rounds is None:
            gaps.append(Missing("sets", ROUNDS_RULE.label, ROUNDS_RULE.message))
        for index, station in enumerate(self.stations):
            if not station.name and not station.exercise_id:
                label = f"Station {index + 1} exercise"
                gaps.append(Missing(f"stations[{index}].name", label, "Name the exercise."))
        return gaps

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        put(config, "sets", self.rounds)
        put(config, "reps", self.reps_per_round)
        # The web's workout page asks for rounds and total reps only for this format, and its
        # runner then stores the circuit result shape.
        config["format"] = "circuit"
        put(config, "weight", self.weight_kg)
        put(config, "rest", self.rest_between_rounds_s)
        put(config, "rpe", self.rpe)
        put(config, "notes", self.notes)
        if self.stations:
            config["stations"] = [station.to_json() for station in self.stations]
        config.update(copy.deepcopy(dict(self.extra)))
        return config


@dataclass(frozen=True, kw_only=True)
class CustomPrescription:
    instructions: str | None = None
    sets: int | None = None
    reps: RepsTarget | None = None
    duration_s: int | None = None
    weight_kg: float | None = None
    rest_s: int | None = None
    rpe: float | None = None
    notes: str | None = None
    variant: str = "standard"
    extra: Mapping[str, Any] = field(default_factory=dict)

    KIND = ExerciseKind.CUSTOM
    KEYS = frozenset(
        {"format", "instructions", "sets", "reps", "duration", "weight", "rest", "rpe", "notes"}
        | {REPS_TARGET_KEY}
    )

    def __post_init__(self) -> None:
        _check_variant(self.variant)
        check_text(INSTRUCTIONS_RULE, self.instructions)
        settle(self, "sets", SETS_RULE)
        if self.reps is not None and not isinstance(self.reps, RepCount | RepRange | MaxReps):
            raise ValidationError(REPS_MESSAGE)
        settle(self, "duration_s", CUSTOM_DURATION_RULE)
        settle(self, "weight_kg", WEIGHT_RULE)
        settle(self, "rest_s", REST_RULE)
        settle(self, "rpe", RPE_RULE)
        check_text(NOTES_RULE, self.notes)
        settle_extra(self, self.KEYS)

    def missing(self) -> list[Missing]:
        if not self.instructions:
            return [Missing("instructions", INSTRUCTIONS_RULE.label, "Describe what to do.")]
        return []

    def to_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {}
        put(config, "sets", self.sets)
        _put_reps(config, self.reps)
        config["format"] = self.variant
        put(config, "weight", self.weight_kg)
        put(config, "duration", self.duration_s)
        put(config, "rest", self.rest_s)
        put(config, "rpe", self.rpe)
        put(config, "notes", self.notes)
        put(config, "instructions", self.instructions)
        config.update(copy.deepcopy(dict(self.extra)))
        return config


Prescription = (
    StandardPrescription
    | EmomPrescription
    | AmrapPrescription
    | CircuitPrescription
    | CustomPrescription
)


def check_complete(prescription: Prescription) -> None:
    """Raise a ValidationError naming the first required field the coach left empty.

    Construction only checks the values that are set, because stored configs may lack anything;
    saving an edited exercise also needs its required fields.
    """
    gaps = prescription.missing()
    if gaps:
        raise ValidationError(
            f"{gaps[0].label} is required. {gaps[0].rule_message}", field=gaps[0].key
        )


def allowed_kinds(library: ExerciseKind) -> tuple[ExerciseKind, ...]:
    """Which types an exercise of library type `library` may be prescribed as, in menu order.

    Its own type for circuit and custom (their results keep the library type's shape, which the
    web runner writes by), standard for the others, and EMOM and AMRAP for every exercise (the
    web's builder offers them on any exercise).
    """
    base = (
        library if library in (ExerciseKind.CIRCUIT, ExerciseKind.CUSTOM) else ExerciseKind.STANDARD
    )
    return (base, ExerciseKind.EMOM, ExerciseKind.AMRAP)


def new_prescription(kind: ExerciseKind) -> Prescription:
    """A fresh prescription with the web builder's defaults (3 sets of 10) where it has them."""
    match kind:
        case ExerciseKind.STANDARD:
            return StandardPrescription(sets=3, reps=RepCount(10))
        case ExerciseKind.EMOM:
            return EmomPrescription(minutes=10, reps_per_minute=10)
        case ExerciseKind.AMRAP:
            return AmrapPrescription(time_cap_min=10)
        case ExerciseKind.CIRCUIT:
            return CircuitPrescription(rounds=3)
        case ExerciseKind.CUSTOM:
            return CustomPrescription()


# ---------------------------------------------------------------------------------------------
# Reading stored configs


@dataclass(frozen=True, kw_only=True)
class ConfigReading(StoredReading):
    """A stored config as read: the typed prescription of its usable values, and what was wrong.

    `prescription` holds None wherever the stored value is missing or unusable; `issues` says which
    and keeps the raw value for display. `to_config()` gives back the stored config exactly, so an
    exercise the coach did not edit is written unchanged; an edited one is saved with
    `prescription.to_config()` (unknown keys travel in its `extra`).
    """

    kind: ExerciseKind
    prescription: Prescription

    def to_config(self) -> Any:
        return self.stored()


def resolve_kind(library_type: object, config: object) -> ExerciseKind:
    """Which prescription a config holds.

    The web builders let a coach pick the format EMOM, AMRAP or circuit for any library exercise
    (all global exercises are `standard`), so an explicit EMOM/AMRAP/circuit format wins. The
    "standard" format (and its for-time/time/distance labels) is also what custom exercises, and
    circuits written by older desktop versions, carry, so for those the library type decides; an
    explicit "standard" otherwise means standard.
    """
    library = ExerciseKind.from_library(library_type)
    fmt = config.get("format") if isinstance(config, Mapping) else None
    chosen = _format_kind(fmt)
    if chosen in (ExerciseKind.EMOM, ExerciseKind.AMRAP, ExerciseKind.CIRCUIT):
        return chosen
    if chosen is ExerciseKind.STANDARD and library in (ExerciseKind.EMOM, ExerciseKind.AMRAP):
        return ExerciseKind.STANDARD
    return library


def _format_kind(fmt: object) -> ExerciseKind | None:
    if not isinstance(fmt, str):
        return None
    for name, kind in WEB_FORMATS.items():
        if fmt.strip().lower() == name.lower():
            return kind
    return None


def read_config(config: object, library_type: object) -> ConfigReading:
    """Read a stored `session_exercises.config` for an exercise of `library_type`; never raises."""
    kind = resolve_kind(library_type, config)
    raw = copy.deepcopy(config)
    if not isinstance(config, Mapping):
        empty = _READERS[kind](Reader({}))
        severity: Severity = "missing" if config is None else "invalid"
        if isinstance(config, UnreadableJson):
            message = f"The stored config cannot be read: {config.reason}."
        elif config is None:
            message = "No config is stored for this exercise."
        else:
            message = "The stored config is not a JSON object."
        issue = FieldIssue("", "Config", severity, message, raw)
        return ConfigReading(kind=kind, prescription=empty, issues=(issue,), _raw=raw)
    reader = Reader(config)
    _read_format(reader)
    prescription = _READERS[kind](reader)
    flagged = {issue.key for issue in reader.issues if issue.blocks_value}
    for gap in prescription.missing():
        # Stations are checked while read, under their stored index (a station that is not an
        # object is skipped, so the typed index can differ).
        if gap.key not in flagged and not gap.key.startswith("stations["):
            message = f"{gap.label} is not set. {gap.rule_message}"
            reader.flag_value(gap.key, gap.label, "missing", message, config.get(gap.key))
    return ConfigReading(
        kind=kind, prescription=prescription, issues=tuple(reader.issues), _raw=raw
    )


def _read_format(reader: Reader) -> None:
    raw = reader.get("format")
    if raw is ABSENT or raw is None:
        return
    if _format_kind(raw) is None:
        message = f"Format must be one of {', '.join(WEB_FORMATS)}."
        reader.flag("format", "Format", "invalid", message)
    elif raw not in WEB_FORMATS:
        reader.flag("format", "Format", "note", f"Format is stored as {raw!r}.")


def _read_reps(reader: Reader, key: str = "reps") -> RepsTarget | None:
    """The rep target: `reps`, or the range/"max" in `repsTarget` while `reps` still holds its
    lower bound. A web edit changes only `reps`, so when they disagree `reps` wins."""
    number = _parse_reps_key(reader, key)
    raw_target = reader.get(REPS_TARGET_KEY)
    if raw_target is ABSENT or raw_target is None:
        return number
    try:
        target, _ = parse_reps(raw_target)
    except ValidationError as err:
        reader.flag(REPS_TARGET_KEY, "Rep target", "invalid", err.message)
        return number
    if target is None:
        return number
    if number is None or number == RepCount(target.lower_bound):
        return target
    message = f"The rep target {target} was replaced by {number} reps set elsewhere."
    reader.flag(REPS_TARGET_KEY, "Rep target", "note", message)
    return number


def _parse_reps_key(reader: Reader, key: str) -> RepsTarget | None:
    raw = reader.get(key)
    if raw is ABSENT or raw is None:
        return None
    try:
        target, was_text = parse_reps(raw)
    except ValidationError as err:
        reader.flag(key, "Reps", "invalid", err.message)
        return None
    if was_text or isinstance(raw, str):
        reader.flag(key, "Reps", "note", "Reps is stored as text; the web app reads a number.")
    return target


def _read_variant(reader: Reader) -> str:
    raw = reader.get("format")
    if isinstance(raw, str):
        for variant in STANDARD_VARIANTS:
            if raw.strip().lower() == variant:
                return variant
    return "standard"


def _read_load(reader: Reader) -> Load | None:
    """The load: `weight` (kg, the web's key) unless a desktop lb/%1RM load still matches it.

    When the web changed `weight` after the desktop wrote a load in lb or %, the web's figure is
    the newer one, so it wins and the stale unit is noted.
    """
    weight = reader.number("weight", WEIGHT_RULE)
    kg_load = None if weight is None else Load(weight)
    unit_raw = reader.get("loadUnit")
    value_raw = reader.get("loadValue")
    if (unit_raw is ABSENT or unit_raw is None) and (value_raw is ABSENT or value_raw is None):
        return kg_load
    units = {unit.value.lower(): unit for unit in LoadUnit}
    unit = units.get(unit_raw.strip().lower()) if isinstance(unit_raw, str) else None
    if unit is None:
        reader.flag("loadUnit", "Load unit", "invalid", "Load unit must be kg, lb or %1RM.")
        return kg_load
    value = reader.number("loadValue", LOAD_RULES[unit], required=True)
    if value is None:
        return kg_load
    load = Load(value, unit)
    if weight is None or load.stored_kg == weight:
        return load
    reader.flag(
        "loadUnit",
        "Load unit",
        "note",
        f"The load in {unit.value} was replaced by a weight of {weight:g} kg set elsewhere.",
    )
    return kg_load


def _read_effort(reader: Reader) -> Effort | None:
    rpe = reader.number("rpe", RPE_RULE)
    rir = reader.number("rir", RIR_RULE)
    # An RIR target is written with its RPE equivalent; if the RPE was changed since, it wins.
    if rir is not None and (rpe is None or rpe == 10 - rir):
        return Rir(rir)
    if rir is not None:
        reader.flag("rir", "Target RIR", "note", "Target RIR was replaced by an RPE set elsewhere.")
    return None if rpe is None else Rpe(rpe)


def _read_tempo(reader: Reader) -> Tempo | None:
    raw = reader.get("tempo")
    if raw is ABSENT or raw is None:
        return None
    try:
        return Tempo(raw)
    except ValidationError as err:
        reader.flag("tempo", "Tempo", "invalid", err.message)
        return None


def _read_standard(reader: Reader) -> StandardPrescription:
    return StandardPrescription(
        variant=_read_variant(reader),
        sets=reader.whole("sets", SETS_RULE),
        reps=_read_reps(reader),
        load=_read_load(reader),
        rest_s=reader.whole("rest", REST_RULE),
        effort=_read_effort(reader),
        tempo=_read_tempo(reader),
        set_time_s=reader.whole("duration", SET_TIME_RULE),
        notes=reader.text("notes", NOTES_RULE),
        extra=reader.extra(),
    )


def _read_minutes(reader: Reader) -> tuple[int | None, int | None]:
    """Whole minutes from `duration` in seconds (what the web builder writes).

    The web's programs page labels the same key minutes, so a whole number below 60, which as
    seconds would be an EMOM shorter than one minute, is flagged ambiguous and given no value:
    the coach confirms the minutes when editing, and until then the row is kept as stored.
    """
    raw = reader.get("duration")
    if raw is ABSENT or raw is None:
        return None, None
    seconds, problem, was_text = EMOM_DURATION_RULE.read(raw)
    if problem is None and seconds is not None:
        if was_text:
            reader.flag("duration", "Duration", "note", "Duration is stored as text.")
        return int(seconds) // 60, None
    as_minutes, minutes_problem, _ = MINUTES_RULE.read(raw)
    if minutes_problem is None and as_minutes is not None and as_minutes < 60:
        reader.flag("duration", MINUTES_RULE.label, "ambiguous", ambiguous_minutes_message(raw))
        return None, int(as_minutes)
    reader.flag("duration", "Duration", "invalid", EMOM_DURATION_RULE.message)
    return None, None


def ambiguous_minutes_message(raw: object) -> str:
    shown = raw.strip() if isinstance(raw, str) else f"{raw:g}" if isinstance(raw, float) else raw
    return (
        f"Duration is stored as {shown}: {shown} minutes as the web's programs page means it, "
        f"or {shown} seconds as its builder means it. Set the minutes to confirm."
    )


def _read_emom(reader: Reader) -> EmomPrescription:
    minutes, unconfirmed = _read_minutes(reader)
    return EmomPrescription(
        minutes=minutes,
        unconfirmed_duration=unconfirmed,
        reps_per_minute=reader.whole("reps", REPS_PER_MINUTE_RULE),
        work=reader.text("work", WORK_RULE),
        alternating=reader.names("alternating", ALTERNATING_RULE),
        weight_kg=reader.number("weight", WEIGHT_RULE),
        rpe=reader.number("rpe", RPE_RULE),
        notes=reader.text("notes", NOTES_RULE),
        extra=reader.extra(),
    )


def _read_amrap(reader: Reader) -> AmrapPrescription:
    target_reps = reader.whole("reps", TARGET_REPS_RULE)
    target_rounds = reader.whole("targetRounds", TARGET_ROUNDS_RULE)
    if target_reps is not None and target_rounds is not None:
        # `reps` is the web's key, so it is the one the web may have changed last.
        reader.flag(
            "targetRounds", "Target rounds", "note", "Ignored: target reps are set as well."
        )
        target_rounds = None
    time_cap, unconfirmed = _read_minutes(reader)
    return AmrapPrescription(
        time_cap_min=time_cap,
        unconfirmed_duration=unconfirmed,
        goal=reader.text("goal", GOAL_RULE),
        target_reps=target_reps,
        target_rounds=target_rounds,
        weight_kg=reader.number("weight", WEIGHT_RULE),
        rpe=reader.number("rpe", RPE_RULE),
        notes=reader.text("notes", NOTES_RULE),
        extra=reader.extra(),
    )


def _read_aliased(reader: Reader, key: str, alias: str, rule: NumberRule) -> int | None:
    """A whole number under the web's key, else under an alias that other writers used.

    The web's key wins when both are set: it is the one a web edit would have changed.
    """
    if reader.present(key) or not reader.present(alias):
        value = reader.whole(key, rule)
        other = reader.get(alias)
        if other is not ABSENT and other is not None and value is not None and other != value:
            message = f"Ignored: {key!r} holds {value}."
            reader.flag(alias, rule.label, "note", message)
        return value
    reader.get(key)
    return reader.whole(alias, rule)


def _read_stations(reader: Reader) -> tuple[Station, ...]:
    raw = reader.get("stations")
    if raw is ABSENT or raw is None:
        return ()
    if not isinstance(raw, list):
        reader.flag("stations", "Stations", "invalid", "Stations must be a list.")
        return ()
    if len(raw) > MAX_STATIONS:
        message = f"A circuit can have at most {MAX_STATIONS} stations; the rest are not shown."
        reader.flag("stations", "Stations", "invalid", message)
    stations = []
    for index, item in enumerate(raw[:MAX_STATIONS]):
        if not isinstance(item, Mapping):
            reader.flag_value(
                f"stations[{index}]",
                f"Station {index + 1}",
                "invalid",
                "A station must be an object naming an exercise.",
                item,
            )
            continue
        sub = Reader(item, prefix=f"stations[{index}].")
        station = Station(
            name=sub.text("name", STATION_NAME_RULE),
            exercise_id=sub.text("exerciseId", STATION_ID_RULE),
            reps=sub.whole("reps", STATION_REPS_RULE),
            seconds=sub.whole("seconds", STATION_SECONDS_RULE),
            meters=sub.whole("meters", STATION_METERS_RULE),
            weight_kg=sub.number("weight", STATION_WEIGHT_RULE),
            extra=sub.extra(),
        )
        if not station.name and not station.exercise_id:
            label = f"Station {index + 1} exercise"
            sub.flag("name", label, "missing", f"{label} is not set. Name the exercise.")
        reader.issues.extend(sub.issues)
        stations.append(station)
    return tuple(stations)


def _read_circuit(reader: Reader) -> CircuitPrescription:
    return CircuitPrescription(
        rounds=_read_aliased(reader, "sets", "rounds", ROUNDS_RULE),
        reps_per_round=reader.whole("reps", REPS_PER_ROUND_RULE),
        rest_between_rounds_s=_read_aliased(reader, "rest", "restBetweenRounds", REST_RULE),
        stations=_read_stations(reader),
        weight_kg=reader.number("weight", WEIGHT_RULE),
        rpe=reader.number("rpe", RPE_RULE),
        notes=reader.text("notes", NOTES_RULE),
        extra=reader.extra(),
    )


def _read_custom(reader: Reader) -> CustomPrescription:
    return CustomPrescription(
        variant=_read_variant(reader),
        instructions=reader.text("instructions", INSTRUCTIONS_RULE),
        sets=reader.whole("sets", SETS_RULE),
        reps=_read_reps(reader),
        duration_s=reader.whole("duration", CUSTOM_DURATION_RULE),
        weight_kg=reader.number("weight", WEIGHT_RULE),
        rest_s=reader.whole("rest", REST_RULE),
        rpe=reader.number("rpe", RPE_RULE),
        notes=reader.text("notes", NOTES_RULE),
        extra=reader.extra(),
    )


_READERS: dict[ExerciseKind, Callable[[Reader], Prescription]] = {
    ExerciseKind.STANDARD: _read_standard,
    ExerciseKind.EMOM: _read_emom,
    ExerciseKind.AMRAP: _read_amrap,
    ExerciseKind.CIRCUIT: _read_circuit,
    ExerciseKind.CUSTOM: _read_custom,
}
