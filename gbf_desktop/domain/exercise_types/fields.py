"""Field rules shared by prescriptions and results: one rule both validates and reads.

A rule is used two ways. When the coach types a value, `validate` raises a `ValidationError` whose
message names the field and its allowed range. When a value comes out of the database, `read` never
raises: stored JSON was written by the web platform, by older builders and by phones, so it holds
numbers as text, nulls, missing keys and plain nonsense. `read` returns the usable value (or None)
and says what was wrong, so the UI can flag the field and still show the raw value as stored.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gbf_desktop.errors import ValidationError

# "invalid": a value is stored but unusable; "missing": a required key is absent or null;
# "ambiguous": a stored value has two readings (minutes or seconds) and none is chosen for it;
# "note": the value is usable but stored oddly (a number as text, a key overridden by another).
Severity = Literal["invalid", "missing", "ambiguous", "note"]

_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class FieldIssue:
    """What is wrong with one stored field, with the stored value kept for display.

    `key` is the stored key, with a path inside lists ("repsPerSet[4]", "stations[1].reps");
    "" means the whole stored object (null, or not an object).
    """

    key: str
    label: str
    severity: Severity
    message: str
    raw: Any = None

    @property
    def raw_text(self) -> str:
        """The stored value as JSON text, so "5" (text) and 5 (number) look different."""
        try:
            return json.dumps(self.raw, ensure_ascii=False)
        except (TypeError, ValueError):
            return repr(self.raw)

    @property
    def blocks_value(self) -> bool:
        """Whether the field has no usable value (as opposed to a usable one stored oddly)."""
        return self.severity != "note"


def _format_bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True, kw_only=True)
class StoredReading:
    """What reading a stored JSON value gives beside its typed value: the issues found, and the
    value as stored, so that something the coach only looked at is written back unchanged."""

    issues: tuple[FieldIssue, ...]
    _raw: Any = field(repr=False)

    @property
    def is_valid(self) -> bool:
        """True when every field has a usable value and nothing required is missing."""
        return not any(issue.blocks_value for issue in self.issues)

    def issues_for(self, key: str) -> tuple[FieldIssue, ...]:
        return tuple(issue for issue in self.issues if issue.key == key)

    def stored(self) -> Any:
        """A copy of the value exactly as it was stored."""
        return copy.deepcopy(self._raw)


@dataclass(frozen=True)
class NumberRule:
    """A number with a closed range and a step: 1 for whole numbers, 0.5 for halves, None for any.

    Whole-number rules give `int` values, the others `float`, so a typed object never holds 7.0
    where the web would write 7.
    """

    label: str
    low: float
    high: float
    step: float | None = 1
    unit: str = ""

    @property
    def whole(self) -> bool:
        return self.step == 1

    @property
    def message(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        bounds = f"from {_format_bound(self.low)} to {_format_bound(self.high)}{unit}"
        if self.whole:
            return f"{self.label} must be a whole number {bounds}."
        if self.step is None:
            return f"{self.label} must be a number {bounds}."
        return f"{self.label} must be a number {bounds} in steps of {_format_bound(self.step)}."

    def problem(self, value: object) -> str | None:
        """The rule's message if `value` breaks it, else None. Booleans are not numbers here."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.message
        # Range first: jsonb hands 1e400 back as a 401-digit int, which isfinite cannot convert.
        if not self.low <= value <= self.high or not math.isfinite(value):
            return self.message
        if self.step is not None and not float(value / self.step).is_integer():
            return self.message
        return None

    def validate(self, value: object) -> None:
        problem = self.problem(value)
        if problem is not None:
            raise ValidationError(problem)

    def normalise(self, value: float) -> float:
        """The typed form of an accepted value: int for whole-number rules, float otherwise."""
        return int(value) if self.whole else float(value)

    def read(self, raw: object) -> tuple[float | None, str | None, bool]:
        """(value, problem, was_text) for a stored value; never raises.

        A number stored as text ("60", " 7.5 ") is accepted, and `was_text` says so, because the
        web's older forms saved input fields as strings; anything else that is not a number is a
        problem.
        """
        was_text = False
        candidate: object = raw
        if isinstance(raw, str):
            text = raw.strip()
            if not _NUMBER_TEXT.fullmatch(text):
                return None, self.message, False
            candidate, was_text = float(text), True
        problem = self.problem(candidate)
        if problem is not None:
            return None, problem, was_text
        assert isinstance(candidate, int | float)
        return self.normalise(candidate), None, was_text


@dataclass(frozen=True)
class TextRule:
    """Free text up to a length; empty text is allowed and means "nothing written"."""

    label: str
    max_length: int

    @property
    def message(self) -> str:
        return f"{self.label} must be text of at most {self.max_length} characters."

    def problem(self, value: object) -> str | None:
        if not isinstance(value, str) or len(value) > self.max_length:
            return self.message
        return None

    def validate(self, value: object) -> None:
        problem = self.problem(value)
        if problem is not None:
            raise ValidationError(problem)


@dataclass(frozen=True)
class NameListRule:
    """A list of non-empty names (exercise ids or names), e.g. EMOM alternation."""

    label: str
    max_items: int
    max_length: int

    @property
    def message(self) -> str:
        return (
            f"{self.label} must be a list of at most {self.max_items} names, "
            f"each 1 to {self.max_length} characters."
        )

    def problem(self, value: object) -> str | None:
        if not isinstance(value, list | tuple) or len(value) > self.max_items:
            return self.message
        for item in value:
            if not isinstance(item, str) or not item.strip() or len(item) > self.max_length:
                return self.message
        return None

    def validate(self, value: object) -> None:
        problem = self.problem(value)
        if problem is not None:
            raise ValidationError(problem)


def require(label: str, rule_message: str) -> ValidationError:
    """The error for a required field left empty, reusing the field's own rule as a hint."""
    return ValidationError(f"{label} is required. {rule_message}")


class _Absent:
    """Marks a key that is not in the stored object at all (as opposed to a stored null)."""

    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Any = _Absent()


class Reader:
    """Reads the fields of one stored JSON object, collecting issues instead of raising.

    Every key it is asked about becomes "known"; `extra()` hands back the others untouched, so a
    key written by the web platform or an older version survives a round trip.
    """

    def __init__(self, raw: Mapping[str, Any], prefix: str = "") -> None:
        self.raw = raw
        self.prefix = prefix
        self.issues: list[FieldIssue] = []
        self.known: set[str] = set()

    def get(self, key: str) -> Any:
        self.known.add(key)
        return self.raw.get(key, ABSENT)

    def present(self, key: str) -> bool:
        """Whether the key holds something other than null (without marking it known)."""
        return self.raw.get(key) is not None

    def flag(self, key: str, label: str, severity: Severity, message: str) -> None:
        self.flag_value(key, label, severity, message, self.raw.get(key))

    def flag_value(self, key: str, label: str, severity: Severity, message: str, raw: Any) -> None:
        self.issues.append(FieldIssue(self.prefix + key, label, severity, message, raw))

    def _empty(self, key: str, label: str, raw: object, required: bool, hint: str) -> bool:
        if raw is ABSENT or raw is None:
            if required:
                self.flag(key, label, "missing", f"{label} is not set. {hint}")
            return True
        return False

    def number(self, key: str, rule: NumberRule, *, required: bool = False) -> float | None:
        raw = self.get(key)
        if self._empty(key, rule.label, raw, required, rule.message):
            return None
        value, problem, was_text = rule.read(raw)
        if problem is not None:
            self.flag(key, rule.label, "invalid", problem)
        elif was_text:
            self.flag(key, rule.label, "note", f"{rule.label} is stored as text.")
        return value

    def whole(self, key: str, rule: NumberRule, *, required: bool = False) -> int | None:
        """`number` for whole-number rules, typed as int."""
        value = self.number(key, rule, required=required)
        return None if value is None else int(value)

    def text(self, key: str, rule: TextRule, *, required: bool = False) -> str | None:
        raw = self.get(key)
        if self._empty(key, rule.label, raw, required, rule.message):
            return None
        problem = rule.problem(raw)
        if problem is not None:
            self.flag(key, rule.label, "invalid", problem)
            return None
        assert isinstance(raw, str)
        return raw

    def names(self, key: str, rule: NameListRule) -> tuple[str, ...]:
        raw = self.get(key)
        if raw is ABSENT or raw is None:
            return ()
        problem = rule.problem(raw)
        if problem is not None:
            self.flag(key, rule.label, "invalid", problem)
            return ()
        return tuple(raw)

    def boolean(self, key: str, label: str) -> bool | None:
        raw = self.get(key)
        if raw is ABSENT or raw is None:
            return None
        if isinstance(raw, bool):
            return raw
        # Text forms come from form fields that were saved as strings.
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            self.flag(key, label, "note", f"{label} is stored as text.")
            return raw.strip().lower() == "true"
        self.flag(key, label, "invalid", f"{label} must be true or false.")
        return None

    def extra(self) -> dict[str, Any]:
        return {key: value for key, value in self.raw.items() if key not in self.known}


def json_number(value: float) -> int | float:
    """A number as the web writes it: 7 rather than 7.0 (JavaScript has a single number type)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# Helpers for the typed values' __post_init__: they validate what the caller set and store it in
# its typed form, so two equal prescriptions compare equal however their numbers were spelt.


def checked(rule: NumberRule, value: float | None) -> float | None:
    if value is None:
        return None
    rule.validate(value)
    return rule.normalise(value)


def check_text(rule: TextRule, value: str | None) -> None:
    if value is not None:
        rule.validate(value)


def settle(obj: object, name: str, rule: NumberRule) -> None:
    """Validate a numeric field and store it in its typed form (int for whole numbers)."""
    object.__setattr__(obj, name, checked(rule, getattr(obj, name)))


def settle_extra(obj: Any, known: frozenset[str]) -> None:
    extra = obj.extra
    clash = sorted(repr(key) for key in extra if not isinstance(key, str) or key in known)
    if clash:
        # A programming error, not user input: extra only ever holds keys the type does not use.
        raise ValueError(f"extra holds keys the exercise type itself uses: {clash}")
    # A private copy, so a caller's later change to the source dict cannot leak in.
    object.__setattr__(obj, "extra", copy.deepcopy(dict(extra)))


def put(config: dict[str, Any], key: str, value: float | str | None) -> None:
    """Write a key only when it has a value: the web builder omits what the coach left empty."""
    if value is None:
        return
    config[key] = json_number(value) if isinstance(value, int | float) else value
