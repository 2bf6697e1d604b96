"""How numbers and dates read on screen.

Sizes are decimal (1 MB = 1,000,000 bytes), the unit the clip limits are stated in, so a clip at the
15 MB cap reads "15.0 MB" and not "14.3 MB".
"""

from __future__ import annotations

from datetime import datetime

_UNITS = ("kB", "MB", "GB", "TB")


def human_size(num_bytes: int) -> str:
    if num_bytes < 1000:
        return f"{num_bytes} B"
    value = float(num_bytes)
    for unit in _UNITS:
        value /= 1000
        # Round first, so 999,950 bytes reads "1.0 MB" rather than "1000.0 kB".
        if round(value, 1) < 1000 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable: the last unit always returns")


def short_date(when: datetime) -> str:
    """A session's day, e.g. "Mon 12 May 2025": a planned session's time of day means nothing."""
    return f"{when:%a} {when.day} {when:%b %Y}"
