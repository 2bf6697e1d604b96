"""What the services need from storage, as protocols.

The database adapter (`gbf_desktop.db`) implements these; unit tests implement them with fakes.
A unit of work rolls back unless `commit()` is called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol, Self

from gbf_desktop.domain.model import (
    ClipInfo,
    ClipStorage,
    Credentials,
    ExerciseRecord,
    ProgramSummary,
    ProgramTree,
    ProgressRecord,
    ScheduledSession,
    UserRecord,
)


class UserRepository(Protocol):
    def credentials_by_email(self, email: str) -> Credentials | None: ...

    def get(self, user_id: str) -> UserRecord | None: ...

    def students_of(self, coach_id: str) -> Sequence[UserRecord]:
        """The coach's students: their `coachId` is the coach, or they are in the coach's groups."""
        ...


class ExerciseRepository(Protocol):
    def visible_to(self, coach_id: str) -> Sequence[ExerciseRecord]: ...


class ProgramRepository(Protocol):
    def of_coach(self, coach_id: str) -> Sequence[ProgramSummary]: ...

    def tree(self, program_id: str) -> ProgramTree | None: ...

    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]:
        """Every session of every program assigned to these students."""
        ...


class ProgressRepository(Protocol):
    def for_students(self, student_ids: Sequence[str]) -> Sequence[ProgressRecord]: ...

    def stored_statuses(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[tuple[str, str, str | None]]:
        """`(student_id, session_id, stored status)` of the coach's students' progress rows."""
        ...


class MediaRepository(Protocol):
    def list_for_students(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[ClipInfo]: ...

    def read_bytes(self, media_id: str) -> bytes | None: ...

    def storage_for_students(self, coach_id: str, student_ids: Sequence[str]) -> ClipStorage: ...


class UnitOfWorkBase(Protocol):
    """What every unit of work does: a `with` block that rolls back unless `commit()` is called.

    Each service module declares its own narrow unit of work on top of this one, naming only the
    repositories it uses.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class UnitOfWork(UnitOfWorkBase, Protocol):
    # Read-only properties, so an implementation may expose its concrete repository types.
    @property
    def users(self) -> UserRepository: ...

    @property
    def exercises(self) -> ExerciseRepository: ...

    @property
    def programs(self) -> ProgramRepository: ...

    @property
    def progress(self) -> ProgressRepository: ...

    @property
    def media(self) -> MediaRepository: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
