"""Progress review: the students page, one student's progress, session detail, charts and CSV.

A student's whole progress is read in one unit of work of five statements (see
`db.review_repo`) into a `StudentProgress` snapshot; session details, chart series and the CSV
export are computed from that snapshot, without going back to the database. The rules (due dates,
compliance, needs attention, computed status) are in `gbf_desktop.domain.review`.

Over 500 lines: the review's frozen values and the loaders that build them in one unit of work; the
CSV export is the part to move out next.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any, Protocol

from gbf_desktop.domain.exercise_types import (
    AmrapResult,
    CircuitResult,
    CustomResult,
    EmomResult,
    ExerciseKind,
    StandardResult,
    read_result,
)
from gbf_desktop.domain.model import ScheduledSession, UserRecord
from gbf_desktop.domain.progress import logged_exercises
from gbf_desktop.domain.review import (
    ATTENTION_WINDOW_DAYS,
    COMPLIANCE_WINDOWS,
    ClipMeta,
    Compliance,
    ExercisePoint,
    ExerciseReview,
    ExerciseSeries,
    LoggedSession,
    PlannedExercise,
    SessionState,
    SessionStatus,
    TimelineRow,
    WeekFigure,
    attention_reasons,
    compliance_in,
    due_date,
    due_dates,
    exercise_point,
    is_due_for_student,
    last_activity,
    log_origin,
    review_exercises,
    session_status,
    set_e1rm,
    weekly_figures,
)
from gbf_desktop.errors import ValidationError
from gbf_desktop.services.ports import UnitOfWorkBase

# ---------------------------------------------------------------------------------------------
# What this service needs from storage


class StudentDirectory(Protocol):
    def students_of(self, coach_id: str) -> Sequence[UserRecord]: ...


class Schedule(Protocol):
    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]: ...


class ReviewReads(Protocol):
    def student_of(self, coach_id: str, student_id: str) -> UserRecord | None: ...

    def timeline(self, student_id: str) -> Sequence[TimelineRow]: ...

    def planned_exercises(self, student_id: str) -> Sequence[PlannedExercise]: ...

    def logged_sessions(self, coach_id: str, student_id: str) -> Sequence[LoggedSession]: ...

    def clips(self, student_id: str, reviewer_id: str) -> Sequence[ClipMeta]: ...

    def session_states(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[SessionState]: ...


class ReviewUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> StudentDirectory: ...

    @property
    def programs(self) -> Schedule: ...

    @property
    def review(self) -> ReviewReads: ...


ReviewUnitOfWorkFactory = Callable[[], ReviewUnitOfWork]


def utc_now() -> datetime:
    """Now in UTC, naive, as the platform stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    # Session dates are calendar days; the coach's "today" is the one on their wall clock.
    return date.today()


def _not_your_student() -> ValidationError:
    return ValidationError(
        "This student is not one of your students (or no longer exists).",
        hint="Refresh the students page and pick the student again.",
    )


# ---------------------------------------------------------------------------------------------
# Students page


@dataclass(frozen=True)
class StudentRow:
    id: str
    name: str
    email: str
    pseudo: str
    last_activity: datetime | None
    compliance: tuple[Compliance, ...]  # over COMPLIANCE_WINDOWS days, in that order
    attention: tuple[str, ...]  # why the student needs attention; empty when they do not

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)

    def compliance_over(self, days: int) -> Compliance:
        return next(c for c in self.compliance if c.days == days)

    def matches(self, search: str) -> bool:
        needle = search.strip().casefold()
        return not needle or any(
            needle in text.casefold() for text in (self.name, self.email, self.pseudo)
        )


def student_row(
    student: UserRecord,
    schedule: Iterable[ScheduledSession],
    states: Iterable[SessionState],
    *,
    today: date,
    now: datetime,
) -> StudentRow:
    """One student's line of the students page, from their schedule and progress rows."""
    rows = list(states)
    dues = due_dates(schedule)
    done = {s.session_id for s in rows if s.computed.is_complete}
    windows = tuple(compliance_in(dues, done, end=today, days=n) for n in COMPLIANCE_WINDOWS)
    activity = last_activity(m for s in rows for m in (s.saved_at, s.updated_at))
    current = compliance_in(dues, done, end=today, days=ATTENTION_WINDOW_DAYS)
    previous = compliance_in(
        dues, done, end=today - timedelta(days=ATTENTION_WINDOW_DAYS), days=ATTENTION_WINDOW_DAYS
    )
    reasons = attention_reasons(
        activity=activity,
        now=now,
        current=current,
        previous=previous,
        due_so_far=sum(1 for day in dues.values() if day <= today),
    )
    return StudentRow(
        id=student.id,
        name=student.display_name,
        email=student.email,
        pseudo=student.pseudo,
        last_activity=activity,
        compliance=windows,
        attention=reasons,
    )


def read_student_rows(
    uow: ReviewUnitOfWork, coach_id: str, *, today: date, now: datetime
) -> tuple[StudentRow, ...]:
    """The students page inside the caller's unit of work (the dashboard shares it)."""
    students = list(uow.users.students_of(coach_id))
    ids = [s.id for s in students]
    schedule = uow.programs.scheduled_sessions(ids)
    states = uow.review.session_states(coach_id, ids)
    return student_rows(students, schedule, states, today=today, now=now)


def student_rows(
    students: Sequence[UserRecord],
    schedule: Iterable[ScheduledSession],
    states: Iterable[SessionState],
    *,
    today: date,
    now: datetime,
) -> tuple[StudentRow, ...]:
    """The students page's rows, by name, from every student's schedule and progress rows."""
    schedule_of: dict[str, list[ScheduledSession]] = defaultdict(list)
    for item in schedule:
        schedule_of[item.student_id].append(item)
    states_of: dict[str, list[SessionState]] = defaultdict(list)
    for state in states:
        states_of[state.student_id].append(state)
    rows = (
        student_row(s, schedule_of[s.id], states_of[s.id], today=today, now=now) for s in students
    )
    return tuple(sorted(rows, key=lambda r: r.name.casefold()))


def load_students(
    uow_factory: ReviewUnitOfWorkFactory,
    coach_id: str,
    *,
    search: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> tuple[StudentRow, ...]:
    """The coach's students by name, with activity, compliance and needs-attention marks."""
    with uow_factory() as uow:
        rows = read_student_rows(uow, coach_id, today=today or local_today(), now=now or utc_now())
    return tuple(r for r in rows if r.matches(search))


# ---------------------------------------------------------------------------------------------
# A student's progress


@dataclass(frozen=True)
class TimelineSession:
    id: str
    title: str | None
    notes: str | None
    session_date: datetime | None  # the date the coach set, if any
    due: date
    position: int
    status: SessionStatus
    # Due today or earlier; never for a session dated before the program was assigned.
    is_due: bool
    progress_id: str | None  # the session_progress row, when the student opened the session
    updated_at: datetime | None  # that row's updatedAt: what a log on their behalf checks against
    # Set when a coach logged the session for the student (the id of who entered it).
    entered_by: str | None = None
    performed_on: date | None = None  # the day it was trained, when logged

    @property
    def entered_by_coach(self) -> bool:
        return self.entered_by is not None

    @property
    def overdue(self) -> bool:
        return self.is_due and not self.status.is_complete


@dataclass(frozen=True)
class TimelineWeek:
    id: str
    number: int
    position: int
    sessions: tuple[TimelineSession, ...]


@dataclass(frozen=True)
class TimelineBlock:
    id: str
    title: str | None
    position: int
    weeks: tuple[TimelineWeek, ...]


@dataclass(frozen=True)
class AssignedProgram:
    assignment_id: str
    program_id: str
    title: str
    assigned_at: datetime
    blocks: tuple[TimelineBlock, ...]

    @property
    def sessions(self) -> tuple[TimelineSession, ...]:
        return tuple(s for b in self.blocks for w in b.weeks for s in w.sessions)


@dataclass(frozen=True)
class SessionDetail:
    """A session opened: ghost rows beside logged rows, notes, clips and video references."""

    session: TimelineSession | None  # None for a logged session no longer in any program
    session_id: str
    program_title: str | None
    block_title: str | None
    week_number: int | None
    status: SessionStatus
    exercises: tuple[ExerciseReview, ...]
    comment: str | None  # the student's note on the session (session_progress.notes)
    clips: tuple[ClipMeta, ...]
    videos: tuple[str, ...]  # older references stored as text in session_progress.videos
    logged: LoggedSession | None

    @property
    def title(self) -> str | None:
        return self.session.title if self.session else None

    @property
    def coach_notes(self) -> str | None:
        return self.session.notes if self.session else None


@dataclass(frozen=True)
class _Place:
    program_title: str
    block_title: str | None
    week_number: int | None
    session: TimelineSession


@dataclass(frozen=True)
class StudentProgress:
    """One student's assigned programs and everything they logged, read at `today`."""

    student: UserRecord
    coach_id: str
    today: date
    programs: tuple[AssignedProgram, ...]
    planned: Mapping[str, tuple[PlannedExercise, ...]] = field(repr=False)
    logs: Mapping[str, LoggedSession] = field(repr=False)
    clips_of: Mapping[str, tuple[ClipMeta, ...]] = field(repr=False)

    # -- the timeline ------------------------------------------------------------------------

    def _places(self) -> dict[str, _Place]:
        places: dict[str, _Place] = {}
        for program in self.programs:
            for block in program.blocks:
                for week in block.weeks:
                    for session in week.sessions:
                        places.setdefault(
                            session.id, _Place(program.title, block.title, week.number, session)
                        )
        return places

    @property
    def unassigned_logs(self) -> tuple[LoggedSession, ...]:
        """Logged sessions whose program is no longer assigned (history the charts still use)."""
        places = self._places()
        return tuple(log for sid, log in self.logs.items() if sid not in places)

    def compliance(self, days: int) -> Compliance:
        return compliance_in(self._dues(), self._done(), end=self.today, days=days)

    def _dues(self) -> dict[str, date]:
        dues: dict[str, date] = {}
        for program in self.programs:
            for session in program.sessions:
                if not is_due_for_student(session.due, program.assigned_at):
                    continue
                if session.id not in dues or session.due < dues[session.id]:
                    dues[session.id] = session.due
        return dues

    def _done(self) -> set[str]:
        return {
            sid
            for sid, log in self.logs.items()
            if session_status(log.status, log.progress).is_complete
        }

    # -- a session ---------------------------------------------------------------------------

    def session(self, session_id: str) -> SessionDetail:
        place = self._places().get(session_id)
        log = self.logs.get(session_id)
        if place is None and log is None:
            raise ValidationError(
                "This session is neither in the student's programs nor in their log.",
                hint="Refresh the student's progress.",
            )
        progress = log.progress if log else None
        status = session_status(log.status if log else None, progress)
        return SessionDetail(
            session=place.session if place else None,
            session_id=session_id,
            program_title=place.program_title if place else _text_of(progress, "program"),
            block_title=place.block_title if place else _text_of(progress, "block"),
            week_number=place.week_number if place else None,
            status=status,
            exercises=review_exercises(self.planned.get(session_id, ()), progress),
            comment=log.notes if log else None,
            clips=self.clips_of.get(log.id, ()) if log else (),
            videos=log.videos if log else (),
            logged=log,
        )

    # -- charts ------------------------------------------------------------------------------

    def _library_types(self) -> dict[str, str]:
        return {p.exercise_id: p.library_type for items in self.planned.values() for p in items}

    def _names(self) -> dict[str, str]:
        return {p.exercise_id: p.exercise_name for items in self.planned.values() for p in items}

    def exercise_series(self) -> tuple[ExerciseSeries, ...]:
        """Per exercise, one point per logged session, oldest first; by exercise name."""
        types, names = self._library_types(), self._names()
        points: dict[str, list[ExercisePoint]] = defaultdict(list)
        kinds: dict[str, ExerciseKind] = {}
        for log in sorted(self.logs.values(), key=lambda g: (g.saved_at, g.id)):
            for entry in logged_exercises(log.progress):
                exercise_id = entry.get("exerciseId")
                data = entry.get("data")
                if not isinstance(exercise_id, str) or not isinstance(data, Mapping) or not data:
                    continue
                names.setdefault(exercise_id, str(entry.get("exerciseName") or "?"))
                reading = read_result(data, types.get(exercise_id, entry.get("exerciseType")))
                point = exercise_point(log.saved_at.date(), log.session_id, reading.result)
                if point is not None:
                    points[exercise_id].append(point)
                    kinds[exercise_id] = reading.kind
        series = (
            ExerciseSeries(eid, names[eid], kinds[eid], tuple(pts)) for eid, pts in points.items()
        )
        return tuple(sorted(series, key=lambda s: (s.name.casefold(), s.exercise_id)))

    def weekly(self) -> tuple[WeekFigure, ...]:
        """Weekly volume (kg, by the day logged) and weekly compliance (by due date)."""
        volumes = [
            (point.day, point.volume_kg)
            for series in self.exercise_series()
            for point in series.points
            if point.volume_kg is not None
        ]
        return weekly_figures(volumes, self._dues(), self._done(), self.today)


def _text_of(progress: object, key: str) -> str | None:
    value = progress.get(key) if isinstance(progress, Mapping) else None
    return value if isinstance(value, str) else None


def _week_indexes(rows: Sequence[TimelineRow]) -> dict[tuple[str, str], int]:
    """Program week index (0-based, block then week order) per (assignment, week id)."""
    indexes: dict[tuple[str, str], int] = {}
    counter: dict[str, int] = defaultdict(int)
    for row in rows:  # already in block, week order within each assignment
        if row.week_id is None or (row.assignment_id, row.week_id) in indexes:
            continue
        indexes[(row.assignment_id, row.week_id)] = counter[row.assignment_id]
        counter[row.assignment_id] += 1
    return indexes


def build_timeline(
    rows: Sequence[TimelineRow], logs: Mapping[str, LoggedSession], today: date
) -> tuple[AssignedProgram, ...]:
    """Nest the flat timeline rows into programs → blocks → weeks → sessions, with statuses."""
    week_index = _week_indexes(rows)
    programs: dict[str, tuple[TimelineRow, dict[str, Any]]] = {}
    for row in rows:
        _, blocks = programs.setdefault(row.assignment_id, (row, {}))
        if row.block_id is None:
            continue
        _, weeks = blocks.setdefault(row.block_id, (row, {}))
        if row.week_id is None:
            continue
        _, sessions = weeks.setdefault(row.week_id, (row, []))
        if row.session_id is None:
            continue
        log = logs.get(row.session_id)
        origin = log_origin(log) if log else None
        due = due_date(
            row.session_date, row.assigned_at, week_index[(row.assignment_id, row.week_id)]
        )
        sessions.append(
            TimelineSession(
                id=row.session_id,
                title=row.session_title,
                notes=row.session_notes,
                session_date=row.session_date,
                due=due,
                position=row.session_position or 0,
                status=session_status(log.status if log else None, log.progress if log else None),
                is_due=due <= today and is_due_for_student(due, row.assigned_at),
                progress_id=log.id if log else None,
                updated_at=log.updated_at if log else None,
                entered_by=origin.entered_by if origin else None,
                performed_on=origin.performed_on if origin else None,
            )
        )
    return tuple(
        AssignedProgram(
            assignment_id=head.assignment_id,
            program_id=head.program_id,
            title=head.program_title,
            assigned_at=head.assigned_at,
            blocks=tuple(
                TimelineBlock(
                    id=block_id,
                    title=block_row.block_title,
                    position=block_row.block_position or 0,
                    weeks=tuple(
                        TimelineWeek(
                            id=week_id,
                            number=week_row.week_number or 0,
                            position=week_row.week_position or 0,
                            sessions=tuple(sessions),
                        )
                        for week_id, (week_row, sessions) in weeks.items()
                    ),
                )
                for block_id, (block_row, weeks) in blocks.items()
            ),
        )
        for head, blocks in programs.values()
    )


def load_student_progress(
    uow_factory: ReviewUnitOfWorkFactory,
    coach_id: str,
    student_id: str,
    *,
    today: date | None = None,
) -> StudentProgress:
    """Everything about one student's progress, in five SQL statements whatever its size."""
    with uow_factory() as uow:
        student = uow.review.student_of(coach_id, student_id)
        if student is None:
            raise _not_your_student()
        rows = uow.review.timeline(student_id)
        planned = uow.review.planned_exercises(student_id)
        logged = uow.review.logged_sessions(coach_id, student_id)
        clips = uow.review.clips(student_id, coach_id)
    day = today or local_today()
    logs = {log.session_id: log for log in logged}
    planned_of: dict[str, list[PlannedExercise]] = defaultdict(list)
    for item in planned:
        planned_of[item.session_id].append(item)
    clips_of: dict[str, list[ClipMeta]] = defaultdict(list)
    for clip in clips:
        clips_of[clip.progress_id].append(clip)
    return StudentProgress(
        student=student,
        coach_id=coach_id,
        today=day,
        programs=build_timeline(rows, logs, day),
        planned={sid: tuple(items) for sid, items in planned_of.items()},
        logs=logs,
        clips_of={pid: tuple(items) for pid, items in clips_of.items()},
    )


# ---------------------------------------------------------------------------------------------
# CSV export

CSV_COLUMNS = (
    "performed_on",  # the day the student saved the session (savedAt, UTC)
    "program",
    "block",
    "week",
    "session",
    "session_date",  # the date the coach set on the session, if any
    "session_status",  # computed from the exercises
    "stored_status",  # as the platform stored it
    "position",  # the exercise's position in the session
    "exercise",
    "type",  # standard, EMOM, AMRAP, circuit, custom
    "exercise_status",
    "set",  # 1, 2, ... for a standard exercise's sets; blank for a whole-exercise row
    "reps",
    "load_kg",
    "rpe",
    "e1rm_kg",  # Epley, sets of 1-12 reps
    "volume_kg",  # reps x load of the set (circuit: total reps x load)
    "rounds",
    "total_reps",
    "detail",  # EMOM reps per minute, AMRAP extra reps
    "notes",
)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _history_rows(progress: StudentProgress) -> Iterable[dict[str, str]]:
    places = progress._places()
    types = progress._library_types()
    for log in sorted(progress.logs.values(), key=lambda g: (g.saved_at, g.id)):
        place = places.get(log.session_id)
        status = session_status(log.status, log.progress)
        base = {
            "performed_on": log.saved_at.date().isoformat(),
            "program": place.program_title if place else (_text_of(log.progress, "program") or ""),
            "block": (place.block_title if place else _text_of(log.progress, "block")) or "",
            "week": str(place.week_number) if place and place.week_number is not None else "",
            "session": (place.session.title if place else _text_of(log.progress, "sessionTitle"))
            or "",
            "session_date": (
                place.session.session_date.date().isoformat()
                if place and place.session.session_date
                else ""
            ),
            "session_status": status.computed,
            "stored_status": log.status or "",
        }
        entries = sorted(
            logged_exercises(log.progress),
            key=lambda e: (_position_key(e.get("position")), str(e.get("exerciseId"))),
        )
        for entry in entries:
            data = entry.get("data")
            entry_status = str(entry.get("status") or "")
            has_data = isinstance(data, Mapping) and bool(data)
            if not has_data and entry_status != "skipped":
                continue
            exercise_id = entry.get("exerciseId")
            library = (
                types.get(exercise_id, entry.get("exerciseType"))
                if isinstance(exercise_id, str)
                else entry.get("exerciseType")
            )
            reading = read_result(data if has_data else {}, library)
            notes = entry.get("notes")
            row = dict(base)
            row.update(
                position=str(entry.get("position", "")),
                exercise=str(entry.get("exerciseName") or ""),
                type=reading.kind.value,
                exercise_status=entry_status,
                notes=" ".join(
                    part
                    for part in (
                        notes if isinstance(notes, str) else "",
                        getattr(reading.result, "notes", "") or "",
                    )
                    if part
                ),
            )
            yield from _result_rows(row, reading.result)


def _position_key(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]  # messy rows: text or null positions
    except (TypeError, ValueError, OverflowError):
        return float("inf")


def _result_rows(row: dict[str, str], result: object) -> Iterable[dict[str, str]]:
    match result:
        case StandardResult(sets=sets) if sets:
            for index, item in enumerate(sets, start=1):
                rpe = item.rpe if item.rpe is not None else result.rpe
                tonnage = (
                    item.reps * item.load_kg
                    if item.reps is not None and item.load_kg is not None
                    else None
                )
                yield {
                    **row,
                    "set": str(index),
                    "reps": "" if item.reps is None else str(item.reps),
                    "load_kg": _fmt(item.load_kg),
                    "rpe": _fmt(rpe),
                    "e1rm_kg": _fmt(set_e1rm(item.load_kg, item.reps)),
                    "volume_kg": _fmt(tonnage),
                }
        case StandardResult():
            yield {**row, "rpe": _fmt(result.rpe)}
        case EmomResult():
            minutes = " ".join("-" if r is None else str(r) for r in result.reps_per_minute)
            yield {
                **row,
                "total_reps": str(result.total_reps) if result.reps_per_minute else "",
                "rpe": _fmt(result.rpe),
                "detail": f"reps per minute: {minutes}" if minutes else "",
            }
        case AmrapResult():
            yield {
                **row,
                "rounds": "" if result.rounds is None else str(result.rounds),
                "total_reps": "" if result.total_reps is None else str(result.total_reps),
                "rpe": _fmt(result.rpe),
                "detail": f"+{result.extra_reps} reps" if result.extra_reps is not None else "",
            }
        case CircuitResult():
            tonnage = None
            if result.total_reps is not None and result.weight_kg is not None:
                tonnage = result.total_reps * result.weight_kg
            yield {
                **row,
                "rounds": "" if result.rounds_completed is None else str(result.rounds_completed),
                "total_reps": "" if result.total_reps is None else str(result.total_reps),
                "load_kg": _fmt(result.weight_kg),
                "volume_kg": _fmt(tonnage),
                "rpe": _fmt(result.rpe),
            }
        case CustomResult():
            yield dict(row)


def write_history_csv(progress: StudentProgress, out: IO[str]) -> int:
    """Write the student's logged history as CSV (header, then one row per logged set or
    exercise); returns the number of data rows. `out` should be opened with newline=""."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in _history_rows(progress):
        writer.writerow(row)
        count += 1
    return count
