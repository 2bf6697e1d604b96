"""A JSON value from the shared database that cannot be read, kept as a marker with the reason.

The web platform, phones and hand-written SQL put anything into the JSON columns: nesting a
thousand levels deep (Python's decoder gives up with RecursionError), integers of thousands of
digits (refused by Python's int). Reading such a value must not take the page down: the loader
returns an `UnreadableJson` instead, and the readers show the row as unreadable with `reason`.
Numbers beyond float range stay exact integers (jsonb prints 1e400 as its 401 digits), which the
readers flag as out of range, field by field.

It is a `str` so that everything that only compares or fingerprints stored values (the program
editor's diff) works unchanged, and two loads of one row give equal markers. The desktop never
writes one back: a row the coach did not edit is not written, and the write rules refuse a marker
(a copy of a program cannot carry it into a new row).
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any value the platform writes (a progress row is about 5 levels) and far enough
# below Python's recursion limit that copying or comparing a value never overflows the stack.
MAX_DEPTH = 64


class UnreadableJson(str):
    """What a stored JSON value that could not be read is replaced with; `reason` says why."""

    reason: str

    def __new__(cls, reason: str) -> UnreadableJson:
        marker = super().__new__(cls, f"<unreadable JSON: {reason}>")
        marker.reason = reason
        return marker


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def load_stored_json(data: str | bytes | bytearray | memoryview) -> Any:
    """Decode a JSON value from the database; never raises (see the module's docstring)."""
    raw = bytes(data) if isinstance(data, memoryview | bytearray) else data
    try:
        value = json.loads(raw)
    except RecursionError:
        return UnreadableJson(f"it is nested more than {MAX_DEPTH} levels deep")
    except ValueError as err:
        if "digits" in str(err):  # Python refuses integers of more than 4,300 digits
            return UnreadableJson("it holds a number of thousands of digits")
        return UnreadableJson(f"it is not JSON ({err})")
    # Counting brackets is C speed; only a value with many of them is walked for its depth.
    if isinstance(raw, bytes):
        opened = raw.count(b"[") + raw.count(b"{")
    else:
        opened = raw.count("[") + raw.count("{")
    if opened > MAX_DEPTH and _too_deep(value, MAX_DEPTH):
        return UnreadableJson(f"it is nested more than {MAX_DEPTH} levels deep")
    return value
