"""What the students table says, without Qt (tested in tests/unit/ui)."""

from __future__ import annotations

from datetime import datetime

from gbf_desktop.domain.review import Compliance

DASH = "—"


def activity_text(moment: datetime | None, now: datetime) -> str:
    """ "today", "yesterday", "12 days ago": how long ago in whole days (UTC, as stored)."""
    if moment is None:
        return "Never"
    days = (now.date() - moment.date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    return f"{days} days ago"


def compliance_text(value: Compliance) -> str:
    percent = value.percent
    return DASH if percent is None else f"{percent:.0f} %"


def compliance_tip(value: Compliance) -> str:
    if value.due == 0:
        return f"Nothing was due in the last {value.days} days."
    return f"{value.done} of {value.due} sessions due in the last {value.days} days completed."
