"""Repositories over the shared schema: rows in, plain domain values out.

Every method returns frozen values built before the unit of work closes, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.domain.model import (
    ClipStorage,
    Credentials,
    ProgressRecord,
    ScheduledSession,
    UserRecord,
)


def _user(row: m.User) -> UserRecord:
    return UserRecord(
        id=row.id,
        email=row.email,
        pseudo=row.pseudo,
        role=row.role.value,
        first_name=row.first_name,
        last_name=row.last_name,
        coach_id=row.coach_id,
    )


class SqlUserRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def credentials_by_email(self, email: str) -> Credentials | None:
        # The platform stores emails as typed; people type them in any case.
        row = self._session.scalars(
            select(m.User).where(func.lower(m.User.email) == email.strip().lower()).limit(2)
        ).all()
        if len(row) != 1:
            return None
        return Credentials(user=_user(row[0]), password_hash=row[0].password)

    def get(self, user_id: str) -> UserRecord | None:
        row = self._session.get(m.User, user_id)
        return _user(row) if row else None

    def students_of(self, coach_id: str) -> Sequence[UserRecord]:
        direct = select(m.User.id).where(m.User.coach_id == coach_id)
        grouped = (
            select(m.GroupMember.user_id)
            .join(m.Group, m.Group.id == m.GroupMember.group_id)
            .where(m.Group.owner_id == coach_id)
        )
        ids = union(direct, grouped).subquery()
        rows = self._session.scalars(
            select(m.User)
            .where(m.User.id.in_(select(ids.c[0])), m.User.role == m.Role.student)
            .order_by(m.User.pseudo)
        ).all()
        return [_user(r) for r in rows]


class SqlProgramRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]:
        if not student_ids:
            return []
        a, p, b, w, s = (
            m.ProgramAssignment,
            m.Program,
            m.ProgramBlock,
            m.Week,
            m.Session,
        )
        stmt = (
            select(
                a.student_id.label("student_id"),
                p.id.label("program_id"),
                p.title.label("program_title"),
                a.assigned_at.label("assigned_at"),
                b.position.label("block_position"),
                b.title.label("block_title"),
                w.position.label("week_position"),
                w.week_number.label("week_number"),
                s.id.label("session_id"),
                s.position.label("session_position"),
                s.title.label("session_title"),
                s.date.label("session_date"),
            )
            .join(p, p.id == a.program_id)
            .join(b, b.program_id == p.id)
            .join(w, w.block_id == b.id)
            .join(s, s.week_id == w.id)
            .where(a.student_id.in_(student_ids))
            .order_by(a.student_id, a.assigned_at, p.id, b.position, w.position, s.position)
        )
        return [ScheduledSession(**row._mapping) for row in self._session.execute(stmt).all()]


class SqlProgressRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def for_students(self, student_ids: Sequence[str]) -> Sequence[ProgressRecord]:
        if not student_ids:
            return []
        sp = m.SessionProgress
        rows = self._session.execute(
            select(sp.id, sp.session_id, sp.student_id, sp.status, sp.progress, sp.updated_at).where(
                sp.student_id.in_(student_ids)
            )
        ).all()
        return [ProgressRecord(*row.tuple()) for row in rows]


class SqlMediaRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def storage_for_students(self, student_ids: Sequence[str]) -> ClipStorage:
        if not student_ids:
            return ClipStorage(count=0, total_bytes=0, largest_bytes=0)
        em, sp = m.ExerciseMedia, m.SessionProgress
        # `size` is the platform's own byte count of `data`; aggregating it never reads the bytes.
        count, total, largest = self._session.execute(
            select(
                func.count(em.id),
                func.coalesce(func.sum(em.size), 0),
                func.coalesce(func.max(em.size), 0),
            )
            .join(sp, sp.id == em.progress_id)
            .where(sp.student_id.in_(student_ids))
        ).one()
        return ClipStorage(count=int(count), total_bytes=int(total), largest_bytes=int(largest))
