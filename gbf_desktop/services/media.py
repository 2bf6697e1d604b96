"""Storing form clips: a checked contract clip attached to a student's session, in one transaction.

A clip reaches this module already encoded to the clip contract, with the SHA-256 of the bytes that
were checked. Storing re-checks both (the file may have been touched since) before anything is
written, then, in one unit of work: confirms the student is the coach's and the session is in one of
the student's assigned programs, finds or creates the student's `session_progress` row for that
session in the web runner's shape, and streams the bytes into a new `exercise_media` row. Progress
is yielded while the bytes travel; closing the generator (a cancelled task) rolls everything back.

This layer may not import the video package, so reading a clip's facts comes in as `ClipInspector`:
the worker layer passes the probe-based one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from gbf_desktop.domain import clips
from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.model import ScheduledSession
from gbf_desktop.domain.progress import SessionRow, link_clip, runner_entry
from gbf_desktop.errors import DatabaseUnavailable, MediaError, ValidationError
from gbf_desktop.services.clip_reviews import ClipReviewStore
from gbf_desktop.services.ports import (
    MediaRepository,
    ProgramRepository,
    UnitOfWorkBase,
    UnitOfWorkFactory,
    UserRepository,
)

# Big enough that a 15 MB clip is a handful of round trips, small enough for a progress bar that
# moves and a cancel that answers within a fraction of a second on a slow uplink.
DEFAULT_CHUNK_BYTES = 512 * 1024
NOT_STARTED = "not_started"

ClipInspector = Callable[[Path], clips.ClipFacts]
"""Reads an encoded clip's facts (probe + box layout); supplied by the video-aware layer."""


# --- values --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionChoice:
    """A session a clip can be attached to, placed in its program, with what the student logged."""

    session_id: str
    program_id: str
    program_title: str
    block_title: str | None
    week_number: int
    session_title: str | None
    session_date: datetime | None
    # The progress row's status; None when the student has no row for the session yet.
    status: str | None
    clip_count: int

    @property
    def logged(self) -> bool:
        """Whether the student has logged anything: a row that is more than an empty shell."""
        return self.status is not None and self.status != NOT_STARTED


@dataclass(frozen=True)
class StudentChoice:
    student_id: str
    name: str
    email: str
    sessions: tuple[SessionChoice, ...]


@dataclass(frozen=True)
class SessionGroup:
    """The sessions of one week of one program, for the attach dialog's tree."""

    program_id: str
    program_title: str
    week_number: int
    block_title: str | None
    sessions: tuple[SessionChoice, ...]


def grouped_newest_first(sessions: Sequence[SessionChoice]) -> tuple[SessionGroup, ...]:
    """Sessions grouped by program and week, the latest week first (a clip is mostly filmed in
    the week under way), programs in the order they come, sessions in program order."""
    order: dict[tuple[str, int, str | None], int] = {}
    groups: dict[tuple[str, int, str | None], list[SessionChoice]] = {}
    for index, choice in enumerate(sessions):
        key = (choice.program_id, choice.week_number, choice.block_title)
        order.setdefault(key, index)
        groups.setdefault(key, []).append(choice)
    programs = list(dict.fromkeys(c.program_id for c in sessions))
    keys = sorted(groups, key=lambda k: (programs.index(k[0]), -order[k]))
    return tuple(
        SessionGroup(k[0], groups[k][0].program_title, k[1], k[2], tuple(groups[k])) for k in keys
    )


def nearest_session(sessions: Sequence[SessionChoice], today: date) -> SessionChoice | None:
    """The session the clip most likely belongs to: today's, else the dated one nearest to
    today (the earlier of two as near: a clip is filmed on or after the day), else the first
    the student has not logged, else the first."""
    dated = [s for s in sessions if s.session_date is not None]
    if dated:

        def distance(choice: SessionChoice) -> tuple[int, int]:
            assert choice.session_date is not None
            days = (choice.session_date.date() - today).days
            return (abs(days), 0 if days <= 0 else 1)

        return min(dated, key=distance)
    return next((s for s in sessions if not s.logged), sessions[0] if sessions else None)


@dataclass(frozen=True)
class AttachChoices:
    """The coach's students by name, each with the sessions of their programs in program order."""

    students: tuple[StudentChoice, ...]


@dataclass(frozen=True)
class SessionExerciseContext:
    position: int
    exercise_id: str
    exercise_name: str
    exercise_type: str
    config: dict[str, Any] | None


@dataclass(frozen=True)
class SessionContext:
    """What the web runner copies into a new progress row: the session and where it sits."""

    session_id: str
    session_title: str | None
    session_notes: str | None
    week_number: int
    block_title: str | None
    program_title: str
    exercises: tuple[SessionExerciseContext, ...]


@dataclass(frozen=True)
class NewProgress:
    id: str
    session_id: str
    student_id: str
    status: str
    progress: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class StoreProgress:
    """One step of storing: `stage` is "checking" or "writing"; `fraction` of that stage done."""

    stage: str
    fraction: float
    done_bytes: int
    total_bytes: int


@dataclass(frozen=True)
class StoredClip:
    media_id: str
    progress_id: str
    session_id: str
    student_id: str
    size_bytes: int
    sha256: str
    # True when this store created the student's progress row for the session.
    created_progress: bool


# --- ports ---------------------------------------------------------------------------------------


class ClipStoreRepository(Protocol):
    def session_context(self, session_id: str) -> SessionContext | None: ...

    def ensure_progress(self, row: NewProgress) -> tuple[str, bool]:
        """The id of the (session, student) progress row, inserting `row` when there is none;
        True when it was inserted. An existing row is left exactly as it is."""
        ...

    def insert_media(
        self, media_id: str, progress_id: str, data: bytes, mime_type: str, *, chunk_bytes: int
    ) -> Generator[int, None, None]:
        """Insert the clip, yielding the byte count sent so far; closing it early aborts."""
        ...

    def lock_log(self, progress_id: str) -> tuple[Any, list[str] | None]:
        """(progress JSON, videos) of a progress row, locked until the transaction ends."""
        ...

    def set_log_videos(
        self, progress_id: str, progress: Any, videos: list[str], now: datetime
    ) -> None: ...


class MediaUnitOfWork(UnitOfWorkBase, Protocol):
    """The slice of the unit of work storing needs (the SQL one provides all of it)."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def programs(self) -> ProgramRepository: ...

    @property
    def media(self) -> MediaRepository: ...

    @property
    def clip_store(self) -> ClipStoreRepository: ...

    @property
    def clip_reviews(self) -> ClipReviewStore: ...


MediaUnitOfWorkFactory = Callable[[], MediaUnitOfWork]


# --- the attach dialog's choices ----------------------------------------------------------------


def attach_choices(uow_factory: UnitOfWorkFactory, coach_id: str) -> AttachChoices:
    with uow_factory() as uow:
        students = list(uow.users.students_of(coach_id))
        ids = [s.id for s in students]
        schedule = list(uow.programs.scheduled_sessions(ids))
        statuses = uow.progress.stored_statuses(coach_id, ids)
        stored = uow.media.list_for_students(coach_id, ids)
    status = {(student, session): value or NOT_STARTED for student, session, value in statuses}
    clip_counts = Counter((c.student_id, c.session_id) for c in stored)
    by_student: dict[str, list[ScheduledSession]] = defaultdict(list)
    for item in sorted(schedule, key=lambda s: s.order_key):
        by_student[item.student_id].append(item)
    return AttachChoices(
        students=tuple(
            StudentChoice(
                student_id=student.id,
                name=student.display_name,
                email=student.email,
                sessions=tuple(
                    SessionChoice(
                        session_id=s.session_id,
                        program_id=s.program_id,
                        program_title=s.program_title,
                        block_title=s.block_title,
                        week_number=s.week_number,
                        session_title=s.session_title,
                        session_date=s.session_date,
                        status=status.get((student.id, s.session_id)),
                        clip_count=clip_counts[(student.id, s.session_id)],
                    )
                    for s in by_student[student.id]
                ),
            )
            for student in sorted(students, key=lambda s: s.display_name.casefold())
        )
    )


# --- storing -------------------------------------------------------------------------------------


def utc_now_ms() -> datetime:
    """Now in UTC, naive, cut to milliseconds: how Prisma stores `updatedAt`."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def js_iso(moment: datetime) -> str:
    """A naive UTC time as JavaScript's `toISOString()` writes it, like the web's JSON stamps."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def new_progress(context: SessionContext, student_id: str, now: datetime) -> NewProgress:
    """A progress row as the web workout runner creates it before anything is logged
    (getOrCreateSessionProgress: entry `position` is the exercise's index, `data` the empty
    figures of its library type, `notes` "" and `videos` [])."""
    exercises = [
        runner_entry(
            index,
            SessionRow(
                "", item.exercise_id, item.exercise_name, item.exercise_type, item.config or {}
            ),
        )
        for index, item in enumerate(context.exercises)
    ]
    body: dict[str, Any] = {
        "sessionId": context.session_id,
        "sessionTitle": context.session_title,
        "sessionNotes": context.session_notes,
        "week": context.week_number,
        "block": context.block_title,
        "program": context.program_title,
        "exercises": exercises,
        "summary": {
            "totalExercises": len(exercises),
            "completedExercises": 0,
            "inProgressExercises": 0,
        },
        "metadata": {"lastModifiedAt": js_iso(now)},
    }
    return NewProgress(
        id=str(uuid.uuid4()),
        session_id=context.session_id,
        student_id=student_id,
        status=NOT_STARTED,
        progress=body,
        updated_at=now,
    )


def _check_clip(
    inspect: ClipInspector, path: Path, expected_sha256: str, chunk_bytes: int
) -> Generator[StoreProgress, None, bytes]:
    """The clip's bytes, once they are known to be the checked ones and to meet the contract."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as err:
        raise MediaError(
            f"The clip {path.name} is gone from the disk, so there is nothing to store.",
            hint="Record or import it again.",
        ) from err
    if size > clips.MAX_BYTES:
        # Checked before reading, so an oversize file never lands in memory.
        raise MediaError(
            f"The clip {path.name} is {size} bytes, over the {clips.MAX_BYTES} byte limit.",
            hint="Trim it shorter and try again.",
        )
    problems = clips.contract_violations(inspect(path))
    if problems:
        raise MediaError(
            f"The clip {path.name} does not meet the clip format: " + "; ".join(problems) + ".",
            hint="Import it again so it is re-encoded.",
        )
    digest = hashlib.sha256()
    data = bytearray()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
            data += chunk
            yield StoreProgress("checking", len(data) / max(size, 1), len(data), size)
    if digest.hexdigest() != expected_sha256.lower():
        raise MediaError(
            f"The clip {path.name} changed on the disk after it was checked; it was not stored.",
            hint="Record or import it again.",
        )
    return bytes(data)


def iter_store_clip(
    uow_factory: MediaUnitOfWorkFactory,
    inspect: ClipInspector,
    *,
    coach_id: str,
    student_id: str,
    session_id: str,
    file_path: Path,
    expected_sha256: str,
    exercise: tuple[str, int] | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
    media_id: str | None = None,
) -> Generator[StoreProgress, None, StoredClip]:
    """Attach the clip at `file_path` to the student's session; yields progress, returns the row.

    With `exercise` ((exercise id, position) of one exercise of the session) the clip is also
    linked the web's way: its id goes into that exercise entry's `videos` and the row's `videos`.

    Raises `MediaError` for a clip that is missing, changed since it was checked or off-contract,
    `ValidationError` for a student who is not the coach's or a session outside their programs.
    Nothing is written unless everything succeeds; closing the generator early rolls back.
    `media_id` is the new row's id when the caller must know it beforehand (a take marks it, so a
    store interrupted by a kill can be told from one that committed); a fresh one otherwise.
    """
    rules.check_ids(coach_id=coach_id, student_id=student_id, session_id=session_id)
    path = Path(file_path)
    data = yield from _check_clip(inspect, path, expected_sha256, chunk_bytes)
    try:
        with uow_factory() as uow:
            student = next((s for s in uow.users.students_of(coach_id) if s.id == student_id), None)
            if student is None:
                raise ValidationError(
                    "That person is not one of your students, so the clip was not stored.",
                    hint="Choose one of your students.",
                )
            assigned = {s.session_id for s in uow.programs.scheduled_sessions([student_id])}
            context = uow.clip_store.session_context(session_id) if session_id in assigned else None
            if context is None:
                raise ValidationError(
                    f"The session is not in a program assigned to {student.display_name}, so the "
                    "clip was not stored.",
                    hint="Choose one of the sessions listed for the student.",
                )
            if exercise is not None and not any(
                (item.exercise_id, item.position) == exercise for item in context.exercises
            ):
                raise ValidationError(
                    "That exercise is not in the session any more, so the clip was not stored.",
                    hint="Choose the exercise again, or attach the clip to the whole session.",
                )
            progress_id, created = uow.clip_store.ensure_progress(
                new_progress(context, student_id, utc_now_ms())
            )
            media_id = media_id or str(uuid.uuid4())
            writes = uow.clip_store.insert_media(
                media_id, progress_id, data, clips.MIME_TYPE, chunk_bytes=chunk_bytes
            )
            try:
                for sent in writes:
                    yield StoreProgress("writing", sent / max(len(data), 1), sent, len(data))
            finally:
                # A cancel lands on the yield above: the insert must be aborted before the unit of
                # work rolls back, or the connection would still be in the middle of sending.
                writes.close()
            # The coach filmed or imported this clip and watched it while trimming: it is not one
            # to review. Recorded as their review (no comment) in the same transaction, so every
            # count of the queue leaves it out and a later comment can still be added to it.
            uow.clip_reviews.add(str(uuid.uuid4()), media_id, coach_id, None, utc_now_ms())
            if exercise is not None:
                _link_to_exercise(uow.clip_store, progress_id, exercise, media_id)
            uow.commit()
    except DatabaseUnavailable as err:
        # The transaction died with the connection, so no row of it exists; the file is where
        # the coach left it, which is what they need to know to store it again later.
        raise type(err)(
            f"{err.message} The clip was not stored; it is kept at {path}.",
            hint="Store it again once the database is back.",
        ) from err
    return StoredClip(
        media_id=media_id,
        progress_id=progress_id,
        session_id=session_id,
        student_id=student_id,
        size_bytes=len(data),
        sha256=expected_sha256.lower(),
        created_progress=created,
    )


def _link_to_exercise(
    store: ClipStoreRepository, progress_id: str, exercise: tuple[str, int], media_id: str
) -> None:
    progress, videos = store.lock_log(progress_id)
    try:
        linked = link_clip(progress, exercise[0], exercise[1], media_id)
    except LookupError as err:
        raise ValidationError(
            "The student's log of this session has no entry for that exercise, so the clip "
            "was not stored.",
            hint="Attach the clip to the whole session instead.",
        ) from err
    now = utc_now_ms()
    metadata = linked.get("metadata")
    linked["metadata"] = {
        **(metadata if isinstance(metadata, dict) else {}),
        "lastModifiedAt": js_iso(now),
    }
    listed = list(videos or [])
    if media_id not in listed:
        listed.append(media_id)
    store.set_log_videos(progress_id, linked, listed, now)


def exercise_choices(
    uow_factory: MediaUnitOfWorkFactory, coach_id: str, session_id: str
) -> tuple[SessionExerciseContext, ...]:
    """The exercises of a session a clip can be attached to, in order (empty for a session the
    coach's students do not have)."""
    rules.check_ids(coach_id=coach_id, session_id=session_id)
    with uow_factory() as uow:
        ids = [s.id for s in uow.users.students_of(coach_id)]
        if session_id not in {s.session_id for s in uow.programs.scheduled_sessions(ids)}:
            return ()
        context = uow.clip_store.session_context(session_id)
    return context.exercises if context else ()


def sha256_of(path: Path, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
