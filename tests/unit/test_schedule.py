"""Dating a program from a start day on its weekly pattern."""

from __future__ import annotations

from datetime import date, datetime

from gbf_desktop.domain.program_edit import BlockDoc, ProgramDoc, SessionDoc, WeekDoc
from gbf_desktop.domain.schedule import Span, next_monday, schedule_from, week_pattern


def test_next_monday_is_the_coming_one() -> None:
    assert next_monday(date(2026, 3, 12)) == date(2026, 3, 16)  # a Thursday
    assert next_monday(date(2026, 3, 16)) == date(2026, 3, 23)  # a Monday: the next one
    assert next_monday(date(2026, 3, 15)) == date(2026, 3, 16)  # a Sunday


def test_a_week_keeps_chosen_weekdays_and_spreads_the_others() -> None:
    assert week_pattern([None, None, None]) == (0, 2, 4)
    assert week_pattern([None, None]) == (0, 3)
    # Tuesday chosen for the first: the others take free days of the usual spread.
    assert week_pattern([1, None, None]) == (1, 0, 2)
    assert week_pattern([5, 6]) == (5, 6)


def _program(weeks: list[list[datetime | None]]) -> ProgramDoc:
    return ProgramDoc(
        id="p",
        title="Strength",
        blocks=(
            BlockDoc(
                id="b1",
                weeks=tuple(
                    WeekDoc(
                        id=f"w{i}",
                        week_number=i + 1,
                        sessions=tuple(
                            SessionDoc(id=f"s{i}{j}", date=d) for j, d in enumerate(days)
                        ),
                    )
                    for i, days in enumerate(weeks)
                ),
            ),
        ),
    )


def test_weeks_follow_one_another_from_the_start_monday() -> None:
    # The builder put week 1's second session on a Thursday (any date: only its weekday counts).
    doc = _program([[None, datetime(2025, 1, 2, 12)], [None, None, None]])

    dated = {d.session_id: d.day for d in schedule_from(doc, date(2026, 3, 18))}  # a Wednesday

    assert dated == {
        "s00": date(2026, 3, 16),
        "s01": date(2026, 3, 19),
        "s10": date(2026, 3, 23),
        "s11": date(2026, 3, 25),
        "s12": date(2026, 3, 27),
    }


def test_spans_overlap_when_they_share_a_day() -> None:
    march = Span(date(2026, 3, 1), date(2026, 3, 31))
    assert march.overlaps(Span(date(2026, 3, 31), date(2026, 4, 30)))
    assert not march.overlaps(Span(date(2026, 4, 1), date(2026, 4, 30)))
