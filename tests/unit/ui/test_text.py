"""The Qt-free text of the pages: what a cell says for a row, checked without a window."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gbf_desktop.domain.review import Compliance
from gbf_desktop.services.dashboard import StudentNextSession, TodaySession
from gbf_desktop.ui.dashboard import text as dashboard_text
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.ui.students import text as students_text


def _next(**changes: object) -> StudentNextSession:
    values: dict[str, object] = {
        "student_id": "s1",
        "student_name": "Alice Moreau",
        "student_email": "alice@example.org",
        "program_title": "Strength",
        "block_title": "Base",
        "week_number": 3,
        "session_title": "Squat day",
        "session_date": datetime(2025, 5, 12, 18, 30),
        "sessions_done": 4,
        "sessions_total": 12,
    }
    values.update(changes)
    return StudentNextSession(**values)  # type: ignore[arg-type] # test rows built by name


@pytest.mark.parametrize(
    ("num_bytes", "expected"),
    [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (999_950, "1.0 MB"), (15_000_000, "15.0 MB")],
)
def test_sizes_are_decimal(num_bytes: int, expected: str) -> None:
    assert human_size(num_bytes) == expected


def test_a_day_reads_weekday_day_month_year() -> None:
    assert short_date(datetime(2025, 5, 12, 23, 59)) == "Mon 12 May 2025"


def test_a_student_with_a_next_session() -> None:
    row = _next()
    assert dashboard_text.program_text(row) == "Strength"
    assert dashboard_text.block_week_text(row) == "Base · Week 3"
    assert dashboard_text.next_session_text(row) == "Squat day"
    assert dashboard_text.next_session_date_text(row) == "Mon 12 May 2025"
    assert dashboard_text.progress_text(row) == "4 / 12"


def test_a_student_without_a_program() -> None:
    row = _next(
        program_title=None,
        block_title=None,
        week_number=None,
        session_title=None,
        session_date=None,
        sessions_done=0,
        sessions_total=0,
    )
    assert dashboard_text.program_text(row) == "No program assigned"
    assert dashboard_text.block_week_text(row) == ""
    assert dashboard_text.next_session_text(row) == "—"
    assert dashboard_text.next_session_date_text(row) == ""
    assert dashboard_text.progress_text(row) == "—"


def test_a_student_who_finished_everything() -> None:
    row = _next(program_title=None, session_title=None, session_date=None, sessions_done=12)
    assert dashboard_text.program_text(row) == "All sessions complete"


def test_week_ten_sorts_after_week_nine_and_undated_sessions_after_dated_ones() -> None:
    keys = [dashboard_text.program_sort_key(_next(week_number=w)) for w in (10, 9, 1)]
    assert sorted(keys) == [keys[2], keys[1], keys[0]]
    dated = dashboard_text.next_session_sort_key(_next())
    undated = dashboard_text.next_session_sort_key(_next(session_date=None))
    none = dashboard_text.next_session_sort_key(_next(program_title=None, session_date=None))
    assert dated < undated < none


def test_a_today_line_says_who_what_and_how_far() -> None:
    row = TodaySession(
        student_id="s1",
        student_name="Alice Moreau",
        program_title="Strength",
        session_id="x1",
        session_title=None,
        status="in_progress",
    )
    line, tip = dashboard_text.today_line(row)
    assert line == "Alice Moreau · Untitled session · \N{CIRCLE WITH LEFT HALF BLACK} started"
    assert tip == "Alice Moreau: Untitled session (Strength)"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (None, "Never"),
        (datetime(2025, 5, 12, 0, 1), "Today"),
        (datetime(2025, 5, 11, 23, 59), "Yesterday"),
        (datetime(2025, 4, 30, 12, 0), "12 days ago"),
    ],
)
def test_activity_counts_whole_days(moment: datetime | None, expected: str) -> None:
    assert students_text.activity_text(moment, datetime(2025, 5, 12, 22, 0)) == expected


def test_compliance_reads_as_a_percentage_or_a_dash() -> None:
    end = date(2025, 5, 12)
    some = Compliance(days=7, end=end, due=3, done=2)
    nothing = Compliance(days=30, end=end, due=0, done=0)
    assert students_text.compliance_text(some) == "67 %"
    assert students_text.compliance_tip(some) == "2 of 3 sessions due in the last 7 days completed."
    assert students_text.compliance_text(nothing) == "—"
    assert students_text.compliance_tip(nothing) == "Nothing was due in the last 30 days."
