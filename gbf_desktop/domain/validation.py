"""The checks every value passes before it is written: pure Python, no database, no clock.

Services call these at their boundary, before any SQL, so that a bad value never reaches the shared
database and never surfaces as a driver error. Each check raises `ValidationError` whose `field` is
the key of the input at fault ("title", "config.sets", "notes") and whose message names the field
and the rule in words a coach understands. Checks take `object`, not the type they expect: a
caller's wrong type (a text where a number is meant) is a message too, never a `TypeError`.

PostgreSQL `text` and `jsonb` cannot hold the NUL character; psycopg refuses such a value with a
`DataError` halfway through a transaction. Every text check refuses it first, by name.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gbf_desktop.domain.stored_json import UnreadableJson
from gbf_desktop.errors import ValidationError

# Control characters other than tab and line breaks: invisible on every screen, and the web's
# inputs cannot type them, so a title holding one was pasted from somewhere it should not be.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\t\n\r]")
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# PostgreSQL's `integer`: positions and week numbers are stored in one.
INT4_MAX = 2_147_483_647
# JSON nesting deeper than any screen or the web's forms make; well below Python's recursion
# limit, so reading the value back never overflows the stack.
MAX_JSON_DEPTH = 32


def _describe(value: object) -> str:
    """What a wrong value is, for a message: its kind, not its contents (which may be huge)."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (type(None), "nothing"),
        (bool, "true/false"),
        (str, "text"),
        ((int, float), "a number"),
        (Mapping, "an object"),
        (Sequence, "a list"),
    )
    for kinds_of, name in kinds:
        if isinstance(value, kinds_of):
            return name
    return f"a {type(value).__name__}"


def refuse(field: str, message: str, *, hint: str | None = None) -> ValidationError:
    return ValidationError(message, hint=hint, field=field)


def no_nul(value: str, *, field: str, label: str) -> None:
    if "\x00" in value:
        raise refuse(
            field,
            f"{label} contains a NUL character (\\0), which the database cannot store.",
            hint="Remove it (it usually comes from pasting binary data) and try again.",
        )


def text(
    value: object,
    *,
    field: str,
    label: str,
    max_length: int,
    min_length: int = 0,
    multiline: bool = False,
    optional: bool = False,
) -> str | None:
    """A text value as given (not stripped); None only when `optional` and nothing was given.

    `min_length` counts the characters that are not spaces, so "   " is no title.
    """
    if value is None:
        if optional:
            return None
        raise refuse(field, f"{label} is required.")
    if not isinstance(value, str):
        raise refuse(field, f"{label} must be text, not {_describe(value)}.")
    no_nul(value, field=field, label=label)
    allowed = value if not multiline else _LINE_BREAK.sub(" ", value)
    if _CONTROL.search(allowed) or (not multiline and _LINE_BREAK.search(value)):
        what = "control characters" if multiline else "line breaks or control characters"
        raise refuse(field, f"{label} cannot hold {what}.", hint="Retype it without them.")
    if len(value) > max_length:
        raise refuse(
            field,
            f"{label} can hold at most {max_length:,} characters; this one has {len(value):,}.",
        )
    if len(value.strip()) < min_length:
        if min_length == 1:
            raise refuse(field, f"{label} is required.")
        raise refuse(field, f"{label} needs at least {min_length} characters.")
    return value


def whole(value: object, *, field: str, label: str, low: int, high: int) -> int:
    """A whole number in [low, high]. 3.0 and "3" are refused: the web reads such values as
    numbers in some places and as text in others."""
    rule = f"{label} must be a whole number from {low:,} to {high:,}"
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and not math.isfinite(value):
            raise refuse(field, f"{rule}, not {value}.")
        raise refuse(field, f"{rule}, not {_describe(value)}.")
    if not low <= value <= high:
        raise refuse(field, f"{rule}; {value:,} is out of range.")
    return value


def number(
    value: object, *, field: str, label: str, low: float, high: float, unit: str = ""
) -> float:
    """A finite number in [low, high] (whole or not)."""
    shown = f" {unit}" if unit else ""
    rule = f"{label} must be a number from {low:g} to {high:g}{shown}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise refuse(field, f"{rule}, not {_describe(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise refuse(field, f"{rule}, not {value}.")
    if not low <= value <= high:
        raise refuse(field, f"{rule}; {value:g} is out of range.")
    return float(value)


def uuid4(value: object, *, field: str, label: str) -> str:
    """An id as the platform's writers make them: a UUID v4 in its lower-case text form."""
    rule = f"{label} must be an id of the form xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx (a UUID v4)"
    if not isinstance(value, str):
        raise refuse(field, f"{rule}, not {_describe(value)}.")
    no_nul(value, field=field, label=label)
    if not _UUID_TEXT.fullmatch(value):
        raise refuse(field, f"{rule}.")
    parsed = uuid.UUID(value)
    if parsed.version != 4 or parsed.variant != uuid.RFC_4122:
        raise refuse(field, f"{rule}; this one is not version 4.")
    return value


ID_MAX = 128
_ID_TEXT = re.compile(rf"[^\s\x00-\x1f\x7f]{{1,{ID_MAX}}}")


def row_id(value: object, *, field: str, label: str) -> str:
    """An id of a row that already exists. The desktop makes UUID v4 ids (`uuid4`), but rows
    imported or made by hand can carry other ids, and refusing them would lock their owners out;
    what no row can hold (NUL, spaces, control characters, endless text) is refused."""
    if not isinstance(value, str):
        raise refuse(field, f"{label} must be an id (text), not {_describe(value)}.")
    no_nul(value, field=field, label=label)
    if not _ID_TEXT.fullmatch(value):
        raise refuse(field, f"{label} must be an id of 1 to {ID_MAX} characters without spaces.")
    return value


def choice(value: object, *, field: str, label: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise refuse(field, f"{label} must be one of {', '.join(allowed)}.")
    return value


def flag(value: object, *, field: str, label: str) -> bool:
    if not isinstance(value, bool):
        raise refuse(field, f"{label} must be true or false, not {_describe(value)}.")
    return value


@dataclass(frozen=True)
class JsonLimits:
    max_bytes: int
    max_depth: int = MAX_JSON_DEPTH


# The sizes the web's screens can carry, with room for hand-written rows: an exercise's meta holds
# a few links and lists; a session's and a program's `data` a few settings; a config a dozen keys.
META_LIMITS = JsonLimits(64 * 1024)
CONFIG_LIMITS = JsonLimits(16 * 1024)
DATA_LIMITS = JsonLimits(64 * 1024)
# A logged session: one entry per exercise with its sets, notes and clip ids.
PROGRESS_LIMITS = JsonLimits(1024 * 1024)
# A tracked bar path: a few samples per frame of a 15-s clip.
BAR_PATH_LIMITS = JsonLimits(4 * 1024 * 1024)


def json_value(value: object, *, field: str, label: str, limits: JsonLimits) -> Any:
    """A value that PostgreSQL's jsonb stores as given and that reads back as it went in.

    Refused: what JSON cannot say (sets, bytes, objects with non-text keys), NaN and infinities
    (jsonb has no such numbers), NUL in any text or key, nesting deeper than `limits.max_depth`,
    and an encoded size over `limits.max_bytes`. Walks without recursion, so a hostile value
    cannot overflow the stack here either.
    """
    stack: list[tuple[object, int, str]] = [(value, 1, field)]
    while stack:
        item, depth, where = stack.pop()
        if depth > limits.max_depth:
            raise refuse(where, f"{label} is nested more than {limits.max_depth} levels deep.")
        stack.extend(
            (child, depth + 1, child_where)
            for child, child_where in _json_children(item, where=where, label=label)
        )
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limits.max_bytes:
        raise refuse(
            field,
            f"{label} takes {size:,} bytes; at most {limits.max_bytes:,} can be stored.",
        )
    return value


def _json_children(item: object, *, where: str, label: str) -> list[tuple[object, str]]:
    """The values inside one JSON value, after checking the value itself."""
    if item is None or isinstance(item, bool | int):
        return []
    if isinstance(item, UnreadableJson):
        raise refuse(
            where,
            f"{label} could not be read from the database ({item.reason}), so it cannot be "
            "written anywhere.",
            hint="Leave it out, or fix the stored row first.",
        )
    if isinstance(item, str):
        no_nul(item, field=where, label=label)
        return []
    if isinstance(item, float):
        if not math.isfinite(item):
            raise refuse(where, f"{label} holds {item}, which is not a number JSON can store.")
        return []
    if isinstance(item, Mapping):
        found: list[tuple[object, str]] = []
        for key, child in item.items():
            if not isinstance(key, str):
                raise refuse(where, f"{label} has a key that is not text ({_describe(key)}).")
            no_nul(key, field=where, label=label)
            found.append((child, f"{where}.{key}"))
        return found
    if isinstance(item, list | tuple):
        return [(child, f"{where}[{index}]") for index, child in enumerate(item)]
    raise refuse(where, f"{label} holds {_describe(item)}, which JSON cannot store.")


def json_object(value: object, *, field: str, label: str, limits: JsonLimits) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise refuse(field, f"{label} must be an object of named values, not {_describe(value)}.")
    json_value(value, field=field, label=label, limits=limits)
    return dict(value)
