"""Logging a session on a student's behalf (the coach at the gym PC), as the web runner would.

The row written is the web workout runner's `session_progress` exactly: the whole `progress` object
(sessionId, sessionTitle, sessionNotes, week, block, program, exercises[], summary, metadata), the
row's `status` and `updatedAt`. Rules:

- `status` is computed from the exercises, honestly: `completed` only when every exercise is
  completed or skipped; `in_progress` while any exercise is in progress; `partial` when some are
  done and the others untouched; `not_started` when none was touched. (The web marks a session
  completed as soon as one exercise is; the desktop does not repeat that.)
- Never overwrite a newer entry made elsewhere: the caller passes the `updatedAt` it loaded
  (None when there was no row) and the row's content fingerprint (`LoggedSession.fingerprint`),
  because a web write can leave `updatedAt` unchanged. The row is read `FOR UPDATE`; if either
  differs, or a row appeared (or vanished) since, `ConflictError` says so and nothing is written.
  It names who changed the row only when that is known: a desktop save records its coach, and
  that record still describes the row only while its `lastModifiedAt` is the row's `updatedAt`.
- Keys the desktop does not know, in the progress object, its summary and metadata, in each
  exercise entry and in each entry's data, are kept. Exercises the coach did not log keep their
  entry as it was; entries for exercises no longer in the session are kept too.
- `metadata.lastModifiedBy` (the coach's id) and `lastModifiedDigest` (of the progress it wrote),
  keys the web ignores, let a later conflict say who, while the row is still what they wrote.
- Who entered it and when it was performed: `metadata.enteredBy` (the coach's id) and
  `metadata.performedOn` (an ISO date), keys the web ignores, so it still reads the row as the
  student's own; the timeline shows "entered by coach". The web's statistics date a log by its
  `savedAt`, so a performed date also sets `savedAt` (that day at noon UTC, or now for today).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol

from gbf_desktop.domain import validation
from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.exercise_types import Result
from gbf_desktop.domain.exercise_types.results import check_loggable
from gbf_desktop.domain.exercise_types.values import ExerciseKind
from gbf_desktop.domain.model import UserRecord
from gbf_desktop.domain.review import (
    PlannedExercise,
    TimelineRow,
    log_fingerprint,
    match_entries,
)
from gbf_desktop.domain.stored_json import UnreadableJson
from gbf_desktop.errors import ConflictError, ValidationError
from gbf_desktop.services.ports import UnitOfWorkBase

EXERCISE_STATUSES = ("not_started", "in_progress", "completed", "skipped")
DONE = frozenset({"completed", "skipped"})


class LoggingStore(Protocol):
    def student_of(self, coach_id: str, student_id: str) -> UserRecord | None: ...

    def timeline(self, student_id: str) -> Sequence[TimelineRow]: ...

    def planned_exercises(self, student_id: str) -> Sequence[PlannedExercise]: ...

    def lock_progress(self, session_id: str, student_id: str) -> dict[str, Any] | None: ...

    def insert_progress(self, values: dict[str, Any]) -> bool: ...

    def update_progress(self, progress_id: str, values: dict[str, Any]) -> None: ...

    def user_names(self, user_ids: Sequence[str]) -> dict[str, UserRecord]: ...


class LoggingUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def review(self) -> LoggingStore: ...


@dataclass(frozen=True)
class ExerciseLog:
    """What the coach entered for one exercise of the session."""

    exercise_id: str
    position: int
    status: str  # one of EXERCISE_STATUSES
    result: Result | None = None  # None for a skipped or untouched exercise
    notes: str = ""


@dataclass(frozen=True)
class SavedLog:
    progress_id: str
    status: str
    updated_at: datetime  # pass it back as `expected_updated_at` for the next save
    created: bool


def utc_now_ms() -> datetime:
    """Now in UTC, naive and truncated to milliseconds: `updatedAt` as the platform stores it, so
    the value handed back compares equal to the one read later."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_uuid() -> str:
    return str(uuid.uuid4())


def js_iso(moment: datetime) -> str:
    """A naive UTC time as JavaScript's `toISOString()` writes it (the web's JSON timestamps)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def session_status_for(statuses: Sequence[str]) -> str:
    """The row status the desktop writes, from the exercise statuses (see the module's rules)."""
    if statuses and all(s in DONE for s in statuses):
        return "completed"
    if "in_progress" in statuses:
        return "in_progress"
    if any(s in DONE for s in statuses):
        return "partial"
    return "not_started"


def _summary(entries: Sequence[Mapping[str, Any]], old: object) -> dict[str, Any]:
    statuses = [str(e.get("status", "")) for e in entries]
    summary = dict(old) if isinstance(old, Mapping) else {}
    summary.update(
        totalExercises=len(entries),
        completedExercises=statuses.count("completed"),
        inProgressExercises=statuses.count("in_progress"),
        skippedExercises=statuses.count("skipped"),
    )
    return summary


def _check(logs: Sequence[ExerciseLog], planned: Sequence[PlannedExercise]) -> None:
    known = {(p.exercise_id, p.position): p for p in planned}
    seen = set()
    for log in logs:
        key = (log.exercise_id, log.position)
        item = known.get(key)
        if item is None:
            raise ValidationError(
                "An exercise entered is not in this session any more.",
                hint="Reload the session and enter it again.",
            )
        if key in seen:
            raise ValidationError("The same exercise is entered twice.")
        seen.add(key)
        if log.status not in EXERCISE_STATUSES:
            raise ValidationError(f"Exercise status must be one of {', '.join(EXERCISE_STATUSES)}.")
        kind = ExerciseKind.from_library(item.library_type)
        if log.result is not None and log.result.KIND is not kind:
            raise ValidationError(
                f"{item.exercise_name} is a {kind} exercise; its result must be logged as one."
            )
        if log.result is not None:
            try:
                check_loggable(log.result)
            except ValidationError as err:
                raise ValidationError(f"{item.exercise_name}: {err.message}") from err


def _entry(
    item: PlannedExercise, log: ExerciseLog, old: Mapping[str, Any] | None
) -> dict[str, Any]:
    entry: dict[str, Any] = copy.deepcopy(dict(old)) if old else {}
    old_data = entry.get("data")
    if log.result is not None:
        data = log.result.to_data()
        if isinstance(old_data, Mapping):
            # Unknown keys of the old data survive; the result's own keys win.
            data = {**{k: v for k, v in old_data.items() if k not in data}, **data}
    else:
        data = {}  # the runner's empty object for a skipped or untouched exercise
    entry.update(
        position=item.position,
        exerciseId=item.exercise_id,
        exerciseName=item.exercise_name,
        exerciseType=item.library_type,
        config=copy.deepcopy(item.config),
        status=log.status,
        notes=log.notes,
        data=data,
    )
    entry.setdefault("videos", [])
    return entry


def performed_moment(performed_on: date, now: datetime) -> datetime:
    """The `savedAt` of a session performed on `performed_on`: now if that is today (UTC),
    else noon UTC that day, so the day reads the same in every time zone around Europe."""
    if performed_on == now.date():
        return now
    return datetime.combine(performed_on, time(12, 0))


def build_progress(
    *,
    session: TimelineRow,
    planned: Sequence[PlannedExercise],
    logs: Sequence[ExerciseLog],
    old: object,
    coach_id: str,
    now: datetime,
    performed_on: date | None = None,
) -> dict[str, Any]:
    """The `progress` JSON to store: the old one updated with the coach's entries."""
    progress: dict[str, Any] = copy.deepcopy(dict(old)) if isinstance(old, Mapping) else {}
    old_entries = progress.get("exercises")
    entries: list[Any] = list(old_entries) if isinstance(old_entries, list) else []
    objects = [e for e in entries if isinstance(e, Mapping)]
    ordered = sorted(planned, key=lambda p: (p.position, p.id))
    matched, _ = match_entries(ordered, objects)
    log_of = {(log.exercise_id, log.position): log for log in logs}
    for item in ordered:
        old_entry = matched.get(item.id)
        log = log_of.get((item.exercise_id, item.position))
        if log is None:
            if old_entry is None:
                # Listed as the runner lists an exercise nobody touched yet.
                entries.append(
                    _entry(item, ExerciseLog(item.exercise_id, item.position, "not_started"), None)
                )
            continue
        new_entry = _entry(item, log, old_entry)
        if old_entry is None:
            entries.append(new_entry)
        else:
            entries[next(i for i, e in enumerate(entries) if e is old_entry)] = new_entry
    entries.sort(key=lambda e: e.get("position", 0) if isinstance(e, Mapping) else 0)
    metadata = progress.get("metadata")
    progress.update(
        sessionId=session.session_id,
        sessionTitle=session.session_title,
        sessionNotes=session.session_notes,
        week=session.week_number,
        block=session.block_title,
        program=session.program_title,
        exercises=entries,
        summary=_summary([e for e in entries if isinstance(e, Mapping)], progress.get("summary")),
        metadata={
            **(dict(metadata) if isinstance(metadata, Mapping) else {}),
            "lastModifiedAt": js_iso(now),
            "lastModifiedBy": coach_id,
            "enteredBy": coach_id,
            **({"performedOn": performed_on.isoformat()} if performed_on is not None else {}),
        },
    )
    return progress


def _conflict(
    store: LoggingStore, student: UserRecord, title: str, row: Mapping[str, Any] | None
) -> ConflictError:
    if row is None:
        return ConflictError(
            f"{student.display_name}'s log of {title} was deleted since you opened it; "
            "nothing was saved.",
            hint="Reload the session to start a new log.",
        )
    progress = row.get("progress")
    metadata = progress.get("metadata") if isinstance(progress, Mapping) else None
    by_id = metadata.get("lastModifiedBy") if isinstance(metadata, Mapping) else None
    at = metadata.get("lastModifiedAt") if isinstance(metadata, Mapping) else None
    when = row["updatedAt"].strftime("%Y-%m-%d %H:%M:%S UTC")
    # The web keeps `metadata` as it finds it, so a desktop's record of who saved describes the
    # row only while its time is the row's and its digest the row's progress (a web write can
    # keep `updatedAt`); otherwise who changed it is not known.
    digest = metadata.get("lastModifiedDigest") if isinstance(metadata, Mapping) else None
    who = None
    still_ours = at == js_iso(row["updatedAt"]) and digest == progress_digest(progress)
    if isinstance(by_id, str) and still_ours:
        user = store.user_names([by_id]).get(by_id)
        who = f"{user.display_name} (GoBeyondFit Desktop)" if user else "another coach"
    if who is None:
        return ConflictError(
            f"{student.display_name}'s log of {title} was changed elsewhere (last saved {when}) "
            "after you opened it; nothing was saved.",
            hint="Reload the session to see the entry as it is now, then enter your changes again.",
        )
    return ConflictError(
        f"{student.display_name}'s log of {title} was changed by {who} at {when}, after you "
        "opened it; nothing was saved.",
        hint="Reload the session to see their entry, then enter your changes again.",
    )


def progress_digest(progress: object) -> str | None:
    """A digest of a progress JSON without its `metadata` (which holds the digest itself)."""
    if not isinstance(progress, Mapping):
        return None
    body = {k: v for k, v in progress.items() if k != "metadata"}
    return log_fingerprint(None, body, None, ())


def row_fingerprint(row: Mapping[str, Any]) -> str:
    """`LoggedSession.fingerprint` of a locked `session_progress` row."""
    videos = tuple(v for v in row.get("videos") or () if isinstance(v, str))
    return log_fingerprint(row.get("status"), row.get("progress"), row.get("notes"), videos)


def log_session(
    uow_factory: Callable[[], LoggingUnitOfWork],
    *,
    coach_id: str,
    student_id: str,
    session_id: str,
    exercises: Sequence[ExerciseLog],
    expected_updated_at: datetime | None,
    expected_fingerprint: str | None = None,
    comment: str | None = None,
    performed_on: date | None = None,
    now: Callable[[], datetime] = utc_now_ms,
    new_id: Callable[[], str] = new_uuid,
) -> SavedLog:
    """Write (or update) the student's log of a session; see the module's rules.

    `comment` is the session note (`session_progress.notes`); None keeps the stored one.
    `performed_on` is the day the student trained: None is today for a new log and keeps the
    stored day of an existing one. A day in the future is refused.
    `expected_fingerprint` is the loaded row's `LoggedSession.fingerprint` (None: not checked,
    for a caller that loaded no row).
    """
    rules.check_ids(coach_id=coach_id, student_id=student_id, session_id=session_id)
    rules.check_notes(comment, field="comment", label="Session note")
    for log in exercises:
        rules.check_exercise_log(log.exercise_id, log.position, log.status, log.notes)
    with uow_factory() as uow:
        store = uow.review
        student = store.student_of(coach_id, student_id)
        if student is None:
            raise ValidationError(
                "This student is not one of your students (or no longer exists).",
                hint="Refresh the students page and pick the student again.",
            )
        session = next((r for r in store.timeline(student_id) if r.session_id == session_id), None)
        if session is None:
            raise ValidationError(
                "This session is not in a program assigned to the student, so the web app would "
                "not show a log of it.",
                hint="Assign the program first, or pick a session of an assigned program.",
            )
        planned = [p for p in store.planned_exercises(student_id) if p.session_id == session_id]
        _check(exercises, planned)
        title = repr(session.session_title or "this session")

        row = store.lock_progress(session_id, student_id)
        if row is not None and isinstance(row["progress"], UnreadableJson):
            # Writing would replace what the student stored with the coach's entries only.
            raise ValidationError(
                f"The stored log of {title} cannot be read ({row['progress'].reason}), so it "
                "is left as it is and nothing was saved.",
                hint="Fix the stored row on the web side (or ask its administrator) first.",
                field="progress",
            )
        found = row["updatedAt"] if row else None
        if found != expected_updated_at:
            raise _conflict(store, student, title, row)
        changed = row is not None and expected_fingerprint not in (None, row_fingerprint(row))
        if changed:
            raise _conflict(store, student, title, row)

        moment = now()
        if performed_on is not None and performed_on > moment.date():
            raise ValidationError(
                f"The session cannot have been performed on {performed_on:%d %b %Y}: "
                "that day has not come yet.",
                hint="Pick today or an earlier day.",
            )
        day = performed_on if performed_on is not None or row else moment.date()
        progress = build_progress(
            session=session,
            planned=planned,
            logs=exercises,
            old=row["progress"] if row else None,
            coach_id=coach_id,
            now=moment,
            performed_on=day,
        )
        # The entries of an old row come along as stored: refuse before writing what jsonb
        # cannot hold or what no screen could show.
        validation.json_value(
            progress, field="progress", label="The session's log", limits=validation.PROGRESS_LIMITS
        )
        progress["metadata"]["lastModifiedDigest"] = progress_digest(progress)
        statuses = [
            str(e.get("status", "")) for e in progress["exercises"] if isinstance(e, Mapping)
        ]
        status = session_status_for(statuses)
        values: dict[str, Any] = {"progress": progress, "status": status, "updatedAt": moment}
        if comment is not None:
            values["notes"] = comment.strip() or None
        if day is not None:
            values["savedAt"] = performed_moment(day, moment)
        if row is None:
            progress_id = new_id()
            inserted = store.insert_progress(
                {
                    **values,
                    "id": progress_id,
                    "sessionId": session_id,
                    "studentId": student_id,
                    "savedAt": values.get("savedAt", moment),
                }
            )
            if not inserted:
                # Another writer inserted between our check and our insert.
                raise _conflict(store, student, title, store.lock_progress(session_id, student_id))
        else:
            progress_id = row["id"]
            store.update_progress(progress_id, values)
        uow.commit()
    return SavedLog(progress_id, status, moment, created=row is None)
