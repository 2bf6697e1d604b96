"""Sign-in and dashboard rules, on in-memory fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import bcrypt
import pytest

from gbf_desktop.domain.model import Credentials, ProgressRecord, ScheduledSession, UserRecord
from gbf_desktop.errors import AuthError
from gbf_desktop.services.auth import hash_password, sign_in
from gbf_desktop.services.dashboard import load_coach_dashboard, week_of
from tests.fakes import FakeStore, FakeUnitOfWork

# Cost 4 keeps the unit tests quick; the cost-10 platform format is checked separately.
FAST_HASH = bcrypt.hashpw(b"right-password", bcrypt.gensalt(rounds=4)).decode()


def _store_with(*users: tuple[str, str, str]) -> FakeStore:
    store = FakeStore()
    for user_id, email, role in users:
        store.users[user_id] = Credentials(
            user=UserRecord(id=user_id, email=email, pseudo=user_id, role=role),
            password_hash=FAST_HASH,
        )
    return store


def test_coach_signs_in_with_any_letter_case_in_email() -> None:
    store = _store_with(("c1", "Coach@Example.org", "coach"))
    user = sign_in(lambda: FakeUnitOfWork(store), "  coach@example.ORG ", "right-password")
    assert (user.id, user.role) == ("c1", "coach")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("coach@example.org", "wrong", "Email or password is not right."),
        ("nobody@example.org", "right-password", "Email or password is not right."),
        ("student@example.org", "right-password", "This is a student account"),
        ("", "x", "Enter your email and your password."),
    ],
)
def test_refusals_say_what_to_do(email: str, password: str, message: str) -> None:
    store = _store_with(
        ("c1", "coach@example.org", "coach"), ("s1", "student@example.org", "student")
    )
    with pytest.raises(AuthError) as caught:
        sign_in(lambda: FakeUnitOfWork(store), email, password)
    assert message in str(caught.value)


def test_a_malformed_stored_hash_is_a_refusal_not_a_crash() -> None:
    store = _store_with(("c1", "coach@example.org", "coach"))
    store.users["c1"] = Credentials(user=store.users["c1"].user, password_hash="$2b$10$short")
    with pytest.raises(AuthError):
        sign_in(lambda: FakeUnitOfWork(store), "coach@example.org", "right-password")


def test_hashes_have_the_platform_format() -> None:
    hashed = hash_password("s3cret")
    assert hashed.startswith("$2b$10$")
    assert bcrypt.checkpw(b"s3cret", hashed.encode())


def _session(student: str, sid: str, pos: int, *, program: str = "p1") -> ScheduledSession:
    return ScheduledSession(
        student_id=student,
        program_id=program,
        program_title=f"Program {program}",
        assigned_at=datetime(2026, 1, 1),
        block_position=0,
        block_title="Block A",
        week_position=pos // 3,
        week_number=pos // 3 + 1,
        session_id=sid,
        session_position=pos % 3,
        session_title=f"Session {sid}",
        session_date=datetime(2026, 1, 1) + timedelta(days=pos * 2),
    )


def _progress(student: str, sid: str, status: str, exercise_statuses: list[str]) -> ProgressRecord:
    return ProgressRecord(
        id=f"{student}-{sid}",
        session_id=sid,
        student_id=student,
        status=status,
        progress={"exercises": [{"status": s} for s in exercise_statuses]},
        updated_at=datetime(2026, 1, 2),
    )


def test_dashboard_next_session_uses_logged_exercises_not_the_stored_status() -> None:
    store = _store_with(
        ("coach", "coach@example.org", "coach"),
        ("ann", "ann@example.org", "student"),
        ("bob", "bob@example.org", "student"),
        ("cat", "cat@example.org", "student"),
    )
    store.coach_of.update({"ann": "coach", "bob": "coach", "cat": "coach"})
    for student in ("ann", "bob"):
        store.schedule += [_session(student, f"s{i}", i) for i in range(3)]
    # Ann finished s0 (one exercise skipped counts as done).
    store.progress.append(_progress("ann", "s0", "completed", ["completed", "skipped"]))
    # Bob's row claims completed while one exercise is still in progress: the platform's bug.
    store.progress.append(_progress("bob", "s0", "completed", ["completed", "in_progress"]))
    store.clip_sizes = {"ann": [1_000, 5_000], "bob": [2_000], "stranger": [9_999_999]}

    view = load_coach_dashboard(lambda: FakeUnitOfWork(store), "coach")

    rows = {r.student_id: r for r in view.students}
    assert rows["ann"].session_title == "Session s1"
    assert (rows["ann"].sessions_done, rows["ann"].sessions_total) == (1, 3)
    assert rows["bob"].session_title == "Session s0"
    assert rows["cat"].state == "no program assigned"
    assert (view.clips.count, view.clips.total_bytes, view.clips.largest_bytes) == (3, 8_000, 5_000)


def test_dashboard_student_who_finished_everything() -> None:
    store = _store_with(("coach", "c@x.org", "coach"), ("ann", "ann@x.org", "student"))
    store.coach_of["ann"] = "coach"
    store.schedule = [_session("ann", "s0", 0)]
    store.progress = [_progress("ann", "s0", "partial", ["completed"])]
    (row,) = load_coach_dashboard(lambda: FakeUnitOfWork(store), "coach").students
    assert row.state == "all sessions complete"
    assert row.program_title is None


def test_sessions_done_counts_the_next_sessions_program_only_and_old_dates_are_overdue() -> None:
    store = _store_with(("coach", "c@x.org", "coach"), ("ann", "ann@x.org", "student"))
    store.coach_of["ann"] = "coach"
    # Two programs of 3 sessions (dated 1, 3, 5 January): the first is done, the second begun.
    store.schedule = [_session("ann", f"a{i}", i, program="p1") for i in range(3)]
    store.schedule += [
        replace(_session("ann", f"b{i}", i, program="p2"), assigned_at=datetime(2026, 1, 2))
        for i in range(3)
    ]
    store.progress = [_progress("ann", f"a{i}", "completed", ["completed"]) for i in range(3)]
    store.progress.append(_progress("ann", "b0", "completed", ["completed"]))

    (row,) = load_coach_dashboard(
        lambda: FakeUnitOfWork(store), "coach", today=date(2026, 1, 24)
    ).students

    assert row.program_title == "Program p2"
    assert (row.sessions_done, row.sessions_total, row.programs) == (1, 3, 2)
    # b1 was due on 3 January: three weeks before the 24th.
    assert row.overdue
    assert row.overdue_days == 21
    (on_time,) = load_coach_dashboard(
        lambda: FakeUnitOfWork(store), "coach", today=date(2026, 1, 3)
    ).students
    assert not on_time.overdue


def test_this_week_lists_the_sessions_dated_monday_to_sunday() -> None:
    store = _store_with(("coach", "c@x.org", "coach"), ("ann", "ann@x.org", "student"))
    store.coach_of["ann"] = "coach"
    # Dated 1, 3, 5, 7, 9 January 2026 (a Thursday first).
    store.schedule = [_session("ann", f"s{i}", i) for i in range(5)]
    view = load_coach_dashboard(lambda: FakeUnitOfWork(store), "coach", today=date(2026, 1, 7))

    assert week_of(date(2026, 1, 7)) == (date(2026, 1, 5), date(2026, 1, 11))
    assert [(s.session_id, s.session_date) for s in view.week_sessions] == [
        ("s2", date(2026, 1, 5)),
        ("s3", date(2026, 1, 7)),
        ("s4", date(2026, 1, 9)),
    ]
    assert [s.session_id for s in view.today_sessions] == ["s3"]
