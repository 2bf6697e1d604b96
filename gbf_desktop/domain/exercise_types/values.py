"""Small typed values of a prescription: rep targets, loads, effort targets, tempo.

Each value checks itself on construction (raising `ValidationError` with the field's rule) and
knows the JSON form the web platform stores for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gbf_desktop.domain.exercise_types.fields import NumberRule
from gbf_desktop.errors import ValidationError

# One international avoirdupois pound, exactly (defined in 1959); also used by metrics.
KG_PER_LB = 0.45359237


class ExerciseKind(StrEnum):
    """The library's `"ExerciseType"` enum, spelt as the database spells it."""

    STANDARD = "standard"
    EMOM = "EMOM"
    AMRAP = "AMRAP"
    CIRCUIT = "circuit"
    CUSTOM = "custom"

    @classmethod
    def from_library(cls, value: object) -> ExerciseKind:
        """The kind for an `exercises.type` value; anything unknown is treated as standard,
        the type of every global exercise."""
        for kind in cls:
            if isinstance(value, str) and value.strip().lower() == kind.value.lower():
                return kind
        return cls.STANDARD


REPS_RULE = NumberRule("Reps", 1, 100)
REPS_MESSAGE = "Reps must be a whole number from 1 to 100, a range such as 8-12, or max."


@dataclass(frozen=True)
class RepCount:
    """A fixed number of reps per set."""

    reps: int

    def __post_init__(self) -> None:
        if REPS_RULE.problem(self.reps) is not None or not isinstance(self.reps, int):
            raise ValidationError(REPS_MESSAGE)

    def to_json(self) -> int:
        return self.reps

    @property
    def lower_bound(self) -> int:
        return self.reps

    @property
    def web_text(self) -> str | None:
        """The target's text for the `repsTarget` key; None when `reps` alone says it all."""
        return None

    def __str__(self) -> str:
        return str(self.reps)


@dataclass(frozen=True)
class RepRange:
    """A range such as 8-12: the student works up through it (double progression)."""

    low: int
    high: int

    def __post_init__(self) -> None:
        for end in (self.low, self.high):
            if REPS_RULE.problem(end) is not None or not isinstance(end, int):
                raise ValidationError(REPS_MESSAGE)
        if self.low >= self.high:
            raise ValidationError("A rep range must go from a lower to a higher number, e.g. 8-12.")

    def to_json(self) -> str:
        return f"{self.low}-{self.high}"

    @property
    def lower_bound(self) -> int:
        return self.low

    @property
    def web_text(self) -> str | None:
        return self.to_json()

    def __str__(self) -> str:
        return self.to_json()


@dataclass(frozen=True)
class MaxReps:
    """As many reps as possible in the set (AMRAP-style set)."""

    def to_json(self) -> str:
        return "max"

    @property
    def lower_bound(self) -> int:
        # At least one rep: the number the web's reps input and its sum of reps get.
        return 1

    @property
    def web_text(self) -> str | None:
        return "max"

    def __str__(self) -> str:
        return "max"


RepsTarget = RepCount | RepRange | MaxReps

# The web reads `config.reps` as a number (a number input, `sum + (reps || 0)`), so a range or
# "max" is written as its lower bound in `reps`, with its text under this key the web ignores.
REPS_TARGET_KEY = "repsTarget"

_RANGE = re.compile(r"(\d+)\s*[-\u2013\u2014]\s*(\d+)")
_MAX_WORDS = frozenset({"max", "amrap", "max reps"})


def parse_reps(raw: object) -> tuple[RepsTarget | None, bool]:
    """(target, was_text_number) for a stored or typed reps value; raises ValidationError.

    Accepts 8, 8.0, "8", "8-12" (hyphen or dash, spaces allowed) and "max"/"AMRAP".
    """
    if isinstance(raw, bool):
        raise ValidationError(REPS_MESSAGE)
    if isinstance(raw, int | float):
        if REPS_RULE.problem(raw) is not None:
            raise ValidationError(REPS_MESSAGE)
        return RepCount(int(raw)), False
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in _MAX_WORDS:
            return MaxReps(), False
        if text.isdigit():
            return parse_reps(int(text))[0], True
        match = _RANGE.fullmatch(text)
        if match:
            return RepRange(int(match[1]), int(match[2])), False
    raise ValidationError(REPS_MESSAGE)


class LoadUnit(StrEnum):
    KG = "kg"
    LB = "lb"
    PERCENT_1RM = "%1RM"


LOAD_RULES = {
    LoadUnit.KG: NumberRule("Load", 0, 1000, None, "kg"),
    LoadUnit.LB: NumberRule("Load", 0, 2200, None, "lb"),
    # Above 100 % for supramaximal work such as eccentrics.
    LoadUnit.PERCENT_1RM: NumberRule("Load", 1, 120, None, "% of 1RM"),
}


@dataclass(frozen=True)
class Load:
    """A prescribed load: kilograms, pounds, or a percentage of the student's 1RM."""

    value: float
    unit: LoadUnit = LoadUnit.KG

    def __post_init__(self) -> None:
        LOAD_RULES[self.unit].validate(self.value)
        object.__setattr__(self, "value", float(self.value))

    @property
    def kg(self) -> float | None:
        """The load in kg, or None for a percentage (the student's 1RM is not known here)."""
        if self.unit is LoadUnit.KG:
            return self.value
        if self.unit is LoadUnit.LB:
            return self.value * KG_PER_LB
        return None

    @property
    def stored_kg(self) -> float | None:
        """The kg figure written to the web's `weight` key: as set, or converted from lb and
        rounded to 10 g (the web shows a weight, not 102.0582...)."""
        if self.unit is LoadUnit.LB:
            return round(self.value * KG_PER_LB, 2)
        return self.kg

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number} % 1RM" if self.unit is LoadUnit.PERCENT_1RM else f"{number} {self.unit}"


RPE_RULE = NumberRule("Target RPE", 1, 10, 0.5)
# RIR and RPE are tied by RPE = 10 - RIR, so RIR stops at 9 to keep the RPE at 1 or more.
RIR_RULE = NumberRule("Target RIR", 0, 9, 0.5)


@dataclass(frozen=True)
class Rpe:
    """Target rate of perceived exertion, 1 to 10 in halves."""

    value: float

    def __post_init__(self) -> None:
        RPE_RULE.validate(self.value)
        object.__setattr__(self, "value", float(self.value))

    @property
    def rpe(self) -> float:
        return self.value


@dataclass(frozen=True)
class Rir:
    """Target reps in reserve; the web sees it as the equivalent RPE (10 - RIR)."""

    value: float

    def __post_init__(self) -> None:
        RIR_RULE.validate(self.value)
        object.__setattr__(self, "value", float(self.value))

    @property
    def rpe(self) -> float:
        return 10.0 - self.value


Effort = Rpe | Rir

TEMPO_MESSAGE = (
    "Tempo must be 3 or 4 parts separated by dashes, each a digit or X, e.g. 3-1-1-0 or 2-0-X-1."
)
_TEMPO = re.compile(r"[0-9X](-[0-9X]){2,3}")


@dataclass(frozen=True)
class Tempo:
    """Lifting tempo: eccentric, pause, concentric and (optionally) top pause, in seconds;
    X means as fast as possible. Three parts are accepted because older configs store "3-1-1"."""

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValidationError(TEMPO_MESSAGE)
        normal = re.sub(r"\s+", "", self.text).upper()
        if not _TEMPO.fullmatch(normal):
            raise ValidationError(TEMPO_MESSAGE)
        object.__setattr__(self, "text", normal)

    def __str__(self) -> str:
        return self.text
