"""Which session a clip most likely belongs to, and how the attach dialog groups sessions."""

from __future__ import annotations

from datetime import date, datetime

from gbf_desktop.services.media import SessionChoice, grouped_newest_first, nearest_session


def _choice(sid: str, week: int, day: int | None, *, program: str = "p1", logged: bool = False):
    return SessionChoice(
        session_id=sid,
        program_id=program,
        program_title=f"Program {program}",
        block_title="Base",
        week_number=week,
        session_title=sid,
        session_date=datetime(2026, 3, day, 12) if day else None,
        status="completed" if logged else None,
        clip_count=0,
    )


def test_today_then_the_nearest_the_earlier_of_two_as_near() -> None:
    sessions = [_choice("a", 1, 9), _choice("b", 1, 12), _choice("c", 2, 16)]
    assert nearest_session(sessions, date(2026, 3, 12)) == sessions[1]
    assert nearest_session(sessions, date(2026, 3, 14)) == sessions[1]  # 12th and 16th: 2 days
    assert nearest_session(sessions, date(2026, 3, 15)) == sessions[2]
    assert nearest_session(sessions, date(2026, 4, 30)) == sessions[2]


def test_without_dates_the_first_not_logged() -> None:
    sessions = [_choice("a", 1, None, logged=True), _choice("b", 1, None), _choice("c", 2, None)]
    assert nearest_session(sessions, date(2026, 3, 12)) == sessions[1]
    assert nearest_session([], date(2026, 3, 12)) is None


def test_groups_by_program_and_week_latest_week_first() -> None:
    sessions = [
        _choice("a", 1, 9),
        _choice("b", 1, 12),
        _choice("c", 2, 16),
        _choice("x", 1, 9, program="p2"),
    ]
    groups = grouped_newest_first(sessions)
    assert [(g.program_id, g.week_number, [s.session_id for s in g.sessions]) for g in groups] == [
        ("p1", 2, ["c"]),
        ("p1", 1, ["a", "b"]),
        ("p2", 1, ["x"]),
    ]
