"""Dating a program from a start day: each week's sessions on the program's weekly pattern.

The program's weeks follow one another in tree order (blocks, then weeks), week k starting k weeks
after the start day's Monday. Inside a week the sessions fall on the program's weekly pattern: a
session that already has a date keeps its weekday (the builder is where a coach sets them); the
others take the usual spread for that many sessions a week (Mon/Wed/Fri for three), on days no
earlier session of the week uses. `sessions.date` is what the web shows, as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from gbf_desktop.domain.program_edit import ProgramDoc

# The weekdays (0 = Monday) a week of n sessions falls on when nobody chose them.
DEFAULT_PATTERNS: Mapping[int, tuple[int, ...]] = {
    1: (0,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
# Sessions are stored at noon UTC: the same calendar day in every time zone around Europe.
SESSION_TIME = time(12, 0)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def next_monday(today: date) -> date:
    """The Monday after `today` (a week later when today is a Monday): a program's usual start."""
    return today + timedelta(days=7 - today.weekday())


def week_pattern(existing: Sequence[int | None]) -> tuple[int, ...]:
    """The weekdays of one week's sessions, in order: kept where set, the default spread else."""
    count = len(existing)
    default = DEFAULT_PATTERNS.get(count, tuple(i % 7 for i in range(count)))
    taken = {day for day in existing if day is not None}
    free = [day for day in default if day not in taken] + [
        day for day in range(7) if day not in taken and day not in default
    ]
    days = []
    for day in existing:
        if day is not None:
            days.append(day)
        else:
            days.append(free.pop(0) if free else (days[-1] if days else 0))
    return tuple(days)


@dataclass(frozen=True)
class DatedSession:
    session_id: str
    week_index: int  # 0-based, across blocks, in program order
    day: date

    @property
    def moment(self) -> datetime:
        return datetime.combine(self.day, SESSION_TIME)


def schedule_from(doc: ProgramDoc, start: date) -> tuple[DatedSession, ...]:
    """Every session of the program dated from `start` (any day; its week's Monday is used)."""
    monday = start - timedelta(days=start.weekday())
    dated = []
    weeks = [week for block in doc.blocks for week in block.weeks]
    for index, week in enumerate(weeks):
        days = week_pattern([s.date.weekday() if s.date else None for s in week.sessions])
        for session, weekday in zip(week.sessions, days, strict=True):
            dated.append(
                DatedSession(session.id, index, monday + timedelta(weeks=index, days=weekday))
            )
    return tuple(dated)


@dataclass(frozen=True)
class Span:
    first: date
    last: date

    def overlaps(self, other: Span) -> bool:
        return self.first <= other.last and other.first <= self.last


def span_of(days: Sequence[date]) -> Span | None:
    return Span(min(days), max(days)) if days else None
