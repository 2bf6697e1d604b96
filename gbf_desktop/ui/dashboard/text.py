"""What the dashboard's cells and panels say, without Qt (tested in tests/unit/ui)."""

from __future__ import annotations

from gbf_desktop.services.dashboard import StudentNextSession, TodaySession
from gbf_desktop.ui.kit.formatting import short_date

NO_PROGRAM_TEXT = "No program assigned"
ALL_DONE_TEXT = "All sessions complete"
UNTITLED_SESSION = "Untitled session"
DASH = "—"

_TODAY_STATUS = {
    "completed": "\N{CHECK MARK} done",
    "in_progress": "\N{CIRCLE WITH LEFT HALF BLACK} started",
    "not_started": "\N{WHITE CIRCLE} not yet",
}


def program_text(row: StudentNextSession) -> str:
    if row.sessions_total == 0:
        return NO_PROGRAM_TEXT
    return row.program_title or ALL_DONE_TEXT


def block_week_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return ""
    week = f"Week {row.week_number}" if row.week_number is not None else ""
    return " · ".join(part for part in (row.block_title, week) if part)


def next_session_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return DASH
    return row.session_title or UNTITLED_SESSION


def overdue_text(days: int) -> str:
    """How late a session is, in the unit a coach thinks in."""
    if days >= 14:
        return f"{days // 7} weeks overdue"
    return f"{days} day{'s' if days != 1 else ''} overdue"


def next_session_date_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return ""
    if row.session_date is None:
        return "No date set"
    day = short_date(row.session_date)
    return f"{day} · {overdue_text(row.overdue_days)}" if row.overdue_days else day


def progress_text(row: StudentNextSession) -> str:
    """Sessions done of the program the next session belongs to (never a sum over programs)."""
    return f"{row.sessions_done} / {row.sessions_total}" if row.sessions_total else DASH


def progress_tip(row: StudentNextSession) -> str:
    if not row.sessions_total:
        return ""
    program = row.program_title or "the last program"
    others = row.programs - 1
    more = f"; {others} other program{'s' if others != 1 else ''} assigned" if others > 0 else ""
    return f"{row.sessions_done} of {row.sessions_total} sessions of {program} done{more}"


def program_sort_key(row: StudentNextSession) -> str:
    # Within a program, week 10 after week 9, not after week 1.
    week = row.week_number if row.week_number is not None else -1
    return f"{program_text(row).casefold()}\x00{week:06d}"


def next_session_sort_key(row: StudentNextSession) -> str:
    # Soonest first; dateless sessions after dated ones, students with none last.
    if row.session_date is not None:
        return f"0 {row.session_date.isoformat()}"
    return "1" if row.program_title is not None else "2"


def week_line(row: TodaySession) -> tuple[str, str]:
    """A this-week panel line (the day first) and its tooltip."""
    line, tip = today_line(row)
    day = f"{row.session_date:%a %d}" if row.session_date else ""
    return (f"{day} · {line}" if day else line, tip)


def today_line(row: TodaySession) -> tuple[str, str]:
    """A today's-session panel line and its tooltip."""
    session = row.session_title or UNTITLED_SESSION
    status = _TODAY_STATUS.get(row.status, row.status)
    return (
        f"{row.student_name} · {session} · {status}",
        f"{row.student_name}: {session} ({row.program_title})",
    )
