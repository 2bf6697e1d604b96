"""The coach's dashboard: where each student stands, and how much room their clips take."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from gbf_desktop.domain.model import ClipStorage, ScheduledSession, UserRecord
from gbf_desktop.domain.progress import session_is_complete
from gbf_desktop.services.ports import UnitOfWorkFactory


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
    sessions_done: int
    sessions_total: int

    @property
    def state(self) -> str:
        if self.sessions_total == 0:
            return "no program assigned"
        if self.program_title is None:
            return "all sessions complete"
        return "in progress"


@dataclass(frozen=True)
class DashboardView:
    students: tuple[StudentNextSession, ...]
    clips: ClipStorage


def _next_session(
    student: UserRecord,
    schedule: list[ScheduledSession],
    done: set[str],
) -> StudentNextSession:
    schedule.sort(key=lambda s: s.order_key)
    upcoming = next((s for s in schedule if s.session_id not in done), None)
    return StudentNextSession(
        student_id=student.id,
        student_name=student.display_name,
        student_email=student.email,
        program_title=upcoming.program_title if upcoming else None,
        block_title=upcoming.block_title if upcoming else None,
        week_number=upcoming.week_number if upcoming else None,
        session_title=upcoming.session_title if upcoming else None,
        session_date=upcoming.session_date if upcoming else None,
        sessions_done=sum(1 for s in schedule if s.session_id in done),
        sessions_total=len(schedule),
    )


def load_dashboard(uow_factory: UnitOfWorkFactory, coach_id: str) -> DashboardView:
    with uow_factory() as uow:
        students = list(uow.users.students_of(coach_id))
        ids = [s.id for s in students]
        schedule = uow.programs.scheduled_sessions(ids)
        progress = uow.progress.for_students(ids)
        clips = uow.media.storage_for_students(ids)

    by_student: dict[str, list[ScheduledSession]] = defaultdict(list)
    for item in schedule:
        by_student[item.student_id].append(item)
    done: dict[str, set[str]] = defaultdict(set)
    for row in progress:
        if session_is_complete(row.status, row.progress):
            done[row.student_id].add(row.session_id)

    rows = tuple(
        _next_session(student, by_student[student.id], done[student.id])
        for student in sorted(students, key=lambda s: s.display_name.casefold())
    )
    return DashboardView(students=rows, clips=clips)
