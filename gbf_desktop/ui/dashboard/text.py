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


def next_session_date_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return ""
    return short_date(row.session_date) if row.session_date else "No date set"


def progress_text(row: StudentNextSession) -> str:
    return f"{row.sessions_done} / {row.sessions_total}" if row.sessions_total else DASH


def program_sort_key(row: StudentNextSession) -> str:
    # Within a program, week 10 after week 9, not after week 1.
    week = row.week_number if row.week_number is not None else -1
    return f"{program_text(row).casefold()}\x00{week:06d}"


def next_session_sort_key(row: StudentNextSession) -> str:
    # Soonest first; dateless sessions after dated ones, students with none last.
    if row.session_date is not None:
        return f"0 {row.session_date.isoformat()}"
    return "1" if row.program_title is not None else "2"


def today_line(row: TodaySession) -> tuple[str, str]:
    """A today's-session panel line and its tooltip."""
    session = row.session_title or UNTITLED_SESSION
    status = _TODAY_STATUS.get(row.status, row.status)
    return (
        f"{row.student_name} · {session} · {status}",
        f"{row.student_name}: {session} ({row.program_title})",
    )
