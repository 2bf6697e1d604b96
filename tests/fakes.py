"""In-memory fakes of the storage ports, for fast service tests (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from gbf_desktop.domain.model import (
    ClipStorage,
    Credentials,
    ProgressRecord,
    ScheduledSession,
    UserRecord,
)
from gbf_desktop.domain.progress import tally
from gbf_desktop.domain.review import QueuedClip, SessionState


@dataclass
class FakeStore:
    users: dict[str, Credentials] = field(default_factory=dict)
    coach_of: dict[str, str] = field(default_factory=dict)
    schedule: list[ScheduledSession] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    clip_sizes: dict[str, list[int]] = field(default_factory=dict)


class FakeUsers:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def credentials_by_email(self, email: str) -> Credentials | None:
        matches = [c for c in self._store.users.values() if c.user.email.lower() == email.lower()]
        return matches[0] if len(matches) == 1 else None

    def get(self, user_id: str) -> UserRecord | None:
        found = self._store.users.get(user_id)
        return found.user if found else None

    def students_of(self, coach_id: str) -> Sequence[UserRecord]:
        return [
            c.user
            for c in self._store.users.values()
            if c.user.role == "student" and self._store.coach_of.get(c.user.id) == coach_id
        ]


class FakePrograms:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]:
        return [s for s in self._store.schedule if s.student_id in student_ids]


class FakeProgress:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def for_students(self, student_ids: Sequence[str]) -> Sequence[ProgressRecord]:
        return [p for p in self._store.progress if p.student_id in student_ids]

    def stored_statuses(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[tuple[str, str, str | None]]:
        return [(p.student_id, p.session_id, p.status) for p in self.for_students(student_ids)]


class FakeMedia:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def storage_for_students(self, coach_id: str, student_ids: Sequence[str]) -> ClipStorage:
        sizes = [s for sid in student_ids for s in self._store.clip_sizes.get(sid, [])]
        return ClipStorage(
            count=len(sizes), total_bytes=sum(sizes), largest_bytes=max(sizes, default=0)
        )


class FakeReview:
    """The listings' reads of progress: each row's stored status beside its entries' tally."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def session_states(self, coach_id: str, student_ids: Sequence[str]) -> Sequence[SessionState]:
        return [
            SessionState(
                student_id=p.student_id,
                session_id=p.session_id,
                status=p.status,
                tally=tally(p.progress),
                saved_at=p.updated_at,
                updated_at=p.updated_at,
            )
            for p in self._store.progress
            if p.student_id in student_ids
        ]


class FakeClipReviews:
    """No clip waits for review (the dashboard's service tests are about sessions)."""

    def queue(self, coach_id: str, limit: int | None = None) -> tuple[int, Sequence[QueuedClip]]:
        return 0, ()


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self.users = FakeUsers(store)
        self.programs = FakePrograms(store)
        self.progress = FakeProgress(store)
        self.media = FakeMedia(store)
        self.review = FakeReview(store)
        self.clip_reviews = FakeClipReviews()
        self.committed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def commit(self) -> None:
        self.committed = True

    def rollback(self) -> None:
        pass
