"""The coach's dashboard: where each student stands, and how much room their clips take.

`load_coach_dashboard` (what the Backend serves) reads it in one unit of work, with the students
who need attention, the clips waiting for this coach's review and this week's sessions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from gbf_desktop.domain.model import ClipStorage, ScheduledSession, UserRecord
from gbf_desktop.domain.progress import NO_ENTRIES, tally_is_complete
from gbf_desktop.domain.review import QueuedClip, SessionStatus, tallied_status
from gbf_desktop.services.clip_reviews import ClipReviewStore
from gbf_desktop.services.ports import (
    MediaRepository,
    ProgramRepository,
    ProgressRepository,
    UnitOfWorkBase,
    UserRepository,
)
from gbf_desktop.services.review import (
    ReviewReads,
    StudentRow,
    local_today,
    student_rows,
    utc_now,
)


@dataclass(frozen=True)
class StudentNextSession:
    """A student and the first session of their assigned programs that they have not completed."""

    student_id: str
    student_name: str
    student_email: str
    # None when no program is assigned, or when every session is complete.
    program_title: str | None
    block_title: str | None
    week_number: int | None
    session_title: str | None
    session_date: datetime | None
    # Counted in one program: the next session's (the last one's once all are complete). A sum
    # over every program a student follows reads as nonsense beside one program's length.
    sessions_done: int
    sessions_total: int
    programs: int = 0  # how many programs the student follows
    # Days the next session's date lies before today (None: not dated, or not in the past).
    overdue_days: int | None = None

    @property
    def overdue(self) -> bool:
        return self.overdue_days is not None

    @property
    def state(self) -> str:
        if self.sessions_total == 0:
            return "no program assigned"
        if self.program_title is None:
            return "all sessions complete"
        return "in progress"


@dataclass(frozen=True)
class TodaySession:
    """A session dated today for one of the coach's students, and whether it is done."""

    student_id: str
    student_name: str
    program_title: str
    session_id: str
    session_title: str | None
    status: str  # computed: completed, in_progress or not_started
    session_date: date | None = None

    @property
    def done(self) -> bool:
        return self.status == "completed"


@dataclass(frozen=True)
class DashboardView:
    students: tuple[StudentNextSession, ...]
    clips: ClipStorage
    # Filled by `load_coach_dashboard`; empty by default so a view without them still shows.
    needs_attention: tuple[StudentRow, ...] = ()
    clips_to_review: int = 0
    newest_clips: tuple[QueuedClip, ...] = ()  # newest first
    today_sessions: tuple[TodaySession, ...] = ()
    # Monday to Sunday of today's week, by day then student: what `sessions.date` says.
    week_sessions: tuple[TodaySession, ...] = ()


def _next_session(
    student: UserRecord,
    schedule: list[ScheduledSession],
    done: set[str],
    today: date | None = None,
) -> StudentNextSession:
    schedule.sort(key=lambda s: s.order_key)
    upcoming = next((s for s in schedule if s.session_id not in done), None)
    counted = upcoming or (schedule[-1] if schedule else None)
    program = [s for s in schedule if counted is not None and s.program_id == counted.program_id]
    overdue = None
    if upcoming is not None and upcoming.session_date is not None and today is not None:
        late = (today - upcoming.session_date.date()).days
        overdue = late if late > 0 else None
    return StudentNextSession(
        student_id=student.id,
        student_name=student.display_name,
        student_email=student.email,
        program_title=upcoming.program_title if upcoming else None,
        block_title=upcoming.block_title if upcoming else None,
        week_number=upcoming.week_number if upcoming else None,
        session_title=upcoming.session_title if upcoming else None,
        session_date=upcoming.session_date if upcoming else None,
        sessions_done=sum(1 for s in program if s.session_id in done),
        sessions_total=len(program),
        programs=len({s.program_id for s in schedule}),
        overdue_days=overdue,
    )


def _view_of(
    students: Sequence[UserRecord],
    schedule: Sequence[ScheduledSession],
    done: Mapping[str, set[str]],
    clips: ClipStorage,
    today: date | None = None,
) -> DashboardView:
    by_student: dict[str, list[ScheduledSession]] = defaultdict(list)
    for item in schedule:
        by_student[item.student_id].append(item)
    rows = tuple(
        _next_session(student, by_student[student.id], done.get(student.id, set()), today)
        for student in sorted(students, key=lambda s: s.display_name.casefold())
    )
    return DashboardView(students=rows, clips=clips)


class CoachDashboardUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> UserRepository: ...

    @property
    def programs(self) -> ProgramRepository: ...

    @property
    def progress(self) -> ProgressRepository: ...

    @property
    def media(self) -> MediaRepository: ...

    @property
    def review(self) -> ReviewReads: ...

    @property
    def clip_reviews(self) -> ClipReviewStore: ...


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _sessions_between(
    students: Sequence[UserRecord],
    schedule: Sequence[ScheduledSession],
    first: date,
    last: date,
    status_of: Callable[[tuple[str, str]], SessionStatus],
) -> tuple[TodaySession, ...]:
    names = {s.id: s.display_name for s in students}
    seen: set[tuple[str, str]] = set()
    rows = []

    def order(item: ScheduledSession) -> tuple[date, str, tuple[datetime, str, int, int, int]]:
        day = item.session_date.date() if item.session_date else first
        return (day, names.get(item.student_id, ""), item.order_key)

    # Only the few sessions dated in the range are sorted, not the coach's whole year.
    dated = [
        item
        for item in schedule
        if item.session_date is not None and first <= item.session_date.date() <= last
    ]
    for item in sorted(dated, key=order):
        key = (item.student_id, item.session_id)
        when = item.session_date.date() if item.session_date is not None else None
        if when is None or key in seen:
            continue
        seen.add(key)
        rows.append(
            TodaySession(
                student_id=item.student_id,
                student_name=names.get(item.student_id, "?"),
                program_title=item.program_title,
                session_id=item.session_id,
                session_title=item.session_title,
                status=status_of(key).computed,
                session_date=when,
            )
        )
    return tuple(rows)


def load_coach_dashboard(
    uow_factory: Callable[[], CoachDashboardUnitOfWork],
    coach_id: str,
    *,
    today: date | None = None,
    now: datetime | None = None,
    newest_clips: int = 5,
) -> DashboardView:
    """The whole dashboard in one unit of work: the base view plus attention, clips to review
    (count and the newest few) and today's sessions.

    Progress is read once, as statuses' tallies through the coach's indexed path: never the
    progress JSON, which the dashboard does not show."""
    day = today or local_today()
    with uow_factory() as uow:
        students = list(uow.users.students_of(coach_id))
        ids = [s.id for s in students]
        schedule = uow.programs.scheduled_sessions(ids)
        clips = uow.media.storage_for_students(coach_id, ids)
        states = uow.review.session_states(coach_id, ids)
        total, newest = uow.clip_reviews.queue(coach_id, newest_clips)
    state_of = {(s.student_id, s.session_id): s for s in states}
    done: dict[str, set[str]] = defaultdict(set)
    for state in states:
        if tally_is_complete(state.status, state.tally):
            done[state.student_id].add(state.session_id)

    def status(key: tuple[str, str]) -> SessionStatus:
        state = state_of.get(key)
        return state.computed if state else tallied_status(None, NO_ENTRIES)

    rows = student_rows(students, schedule, states, today=day, now=now or utc_now())
    return replace(
        _view_of(students, schedule, done, clips, day),
        needs_attention=tuple(r for r in rows if r.needs_attention),
        clips_to_review=total,
        newest_clips=tuple(newest),
        today_sessions=_sessions_between(students, schedule, day, day, status),
        week_sessions=_sessions_between(students, schedule, *week_of(day), status),
    )
