"""Plain values of the coaching domain, as the rest of the app sees them.

Frozen dataclasses, free of Qt and SQLAlchemy: the repositories turn rows into these before the unit
of work closes, so nothing that crosses a thread or reaches the UI can lazily touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

STAFF_ROLES = frozenset({"coach", "admin"})


@dataclass(frozen=True)
class UserRecord:
    id: str
    email: str
    pseudo: str
    role: str
    first_name: str | None = None
    last_name: str | None = None
    coach_id: str | None = None

    @property
    def display_name(self) -> str:
        full = " ".join(part for part in (self.first_name, self.last_name) if part)
        return full or self.pseudo


@dataclass(frozen=True)
class Credentials:
    """A user's id, role and stored bcrypt hash: only the sign-in service sees the hash."""

    user: UserRecord
    password_hash: str


@dataclass(frozen=True)
class ScheduledSession:
    """One session of a program assigned to a student, with where it sits in the program."""

    student_id: str
    program_id: str
    program_title: str
    assigned_at: datetime
    block_position: int
    block_title: str | None
    week_position: int
    week_number: int
    session_id: str
    session_position: int
    session_title: str | None
    session_date: datetime | None

    @property
    def order_key(self) -> tuple[datetime, str, int, int, int]:
        """Programs in the order they were assigned, then the program tree's own order."""
        return (
            self.assigned_at,
            self.program_id,
            self.block_position,
            self.week_position,
            self.session_position,
        )


@dataclass(frozen=True)
class ProgressRecord:
    id: str
    session_id: str
    student_id: str
    status: str | None
    progress: dict[str, Any] | None
    updated_at: datetime


@dataclass(frozen=True)
class ClipStorage:
    """How much room the clips take: counted by the database, never by loading the bytes."""

    count: int
    total_bytes: int
    largest_bytes: int


@dataclass(frozen=True)
class ExerciseRecord:
    id: str
    name: str
    description: str | None
    type: str
    scope: str
    owner_id: str | None
    meta: dict[str, Any] | None
    updated_at: datetime


@dataclass(frozen=True)
class ClipInfo:
    """A stored clip without its bytes: what a listing needs."""

    id: str
    progress_id: str
    session_id: str
    student_id: str
    mime_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class SessionExerciseNode:
    id: str
    exercise_id: str
    position: int
    config: dict[str, Any] | None


@dataclass(frozen=True)
class SessionNode:
    id: str
    title: str | None
    notes: str | None
    date: datetime | None
    position: int
    data: dict[str, Any] | None
    exercises: tuple[SessionExerciseNode, ...]


@dataclass(frozen=True)
class WeekNode:
    id: str
    week_number: int
    position: int
    sessions: tuple[SessionNode, ...]


@dataclass(frozen=True)
class BlockNode:
    id: str
    title: str | None
    position: int
    notes: str | None
    weeks: tuple[WeekNode, ...]


@dataclass(frozen=True)
class ProgramSummary:
    id: str
    title: str
    description: str | None
    coach_id: str
    is_draft: bool
    updated_at: datetime


@dataclass(frozen=True)
class ProgramTree:
    """A program with its blocks, weeks, sessions and exercises, each level in position order."""

    program: ProgramSummary
    data: dict[str, Any] | None
    blocks: tuple[BlockNode, ...]
