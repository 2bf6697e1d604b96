"""Repositories over the shared schema: rows in, plain domain values out.

Every method returns frozen values built before the unit of work closes, never ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import delete, func, select, text, union
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.db.coach_scope import coach_progress, coach_rows
from gbf_desktop.domain.model import (
    BlockNode,
    ClipInfo,
    ClipStorage,
    Credentials,
    ExerciseRecord,
    ProgramSummary,
    ProgramTree,
    ProgressRecord,
    ScheduledSession,
    SessionExerciseNode,
    SessionNode,
    UserRecord,
    WeekNode,
)
from gbf_desktop.errors import AuthError
from gbf_desktop.services.clips import SessionContext


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
        # A coach's own database role (`db secure`) may not read the hashes column: it reads its
        # own coach's hash through the function made for that, and no other.
        readable, own_hash = self._session.execute(
            text(
                "SELECT has_column_privilege('public.users', 'password', 'SELECT'), "
                # From the catalog: naming a schema this login may not use would be refused.
                "EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'gbf_desktop' AND p.proname = 'my_password_hash' "
                "AND has_schema_privilege(n.oid, 'USAGE') "
                "AND has_function_privilege(p.oid, 'EXECUTE'))"
            )
        ).one()
        if not (readable or own_hash):
            raise AuthError(
                "This database login may not read the platform's passwords, so it cannot sign "
                "anyone in.",
                hint="Connect with the platform's database login, or ask the administrator for "
                "a coach login (`gbf-desktop db secure`, then `db coach-role add`).",
            )
        password = m.User.password if readable else func.gbf_desktop.my_password_hash()
        # The platform stores emails as typed; people type them in any case.
        rows = self._session.execute(
            select(m.User, password)
            .where(func.lower(m.User.email) == email.strip().lower())
            .limit(2)
        ).all()
        if len(rows) != 1 or rows[0][1] is None:
            return None
        return Credentials(user=_user(rows[0][0]), password_hash=rows[0][1])

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


class SqlExerciseRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def visible_to(self, coach_id: str) -> Sequence[ExerciseRecord]:
        """The global library and the coach's own exercises, by name."""
        ex = m.Exercise
        rows = self._session.scalars(
            select(ex)
            .where((ex.scope == m.Scope.global_) | (ex.owner_id == coach_id))
            .order_by(func.lower(ex.name), ex.id)
        ).all()
        return [
            ExerciseRecord(
                id=r.id,
                name=r.name,
                description=r.description,
                type=r.type.value,
                scope=r.scope.value,
                owner_id=r.owner_id,
                meta=r.meta,
                updated_at=r.updated_at,
            )
            for r in rows
        ]


def _summary(row: m.Program) -> ProgramSummary:
    return ProgramSummary(
        id=row.id,
        title=row.title,
        description=row.description,
        coach_id=row.coach_id,
        is_draft=row.is_draft,
        updated_at=row.updated_at,
    )


class SqlProgramRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def of_coach(self, coach_id: str) -> Sequence[ProgramSummary]:
        rows = self._session.scalars(
            select(m.Program)
            .where(m.Program.coach_id == coach_id)
            .order_by(func.lower(m.Program.title), m.Program.id)
        ).all()
        return [_summary(r) for r in rows]

    def tree(self, program_id: str) -> ProgramTree | None:
        """The whole program in four queries, one per level, whatever its size."""
        program = self._session.get(m.Program, program_id)
        if program is None:
            return None
        blocks = self._session.scalars(
            select(m.ProgramBlock)
            .where(m.ProgramBlock.program_id == program_id)
            .order_by(m.ProgramBlock.position, m.ProgramBlock.id)
        ).all()
        weeks = self._session.scalars(
            select(m.Week)
            .where(m.Week.block_id.in_([b.id for b in blocks]))
            .order_by(m.Week.position, m.Week.id)
        ).all()
        sessions = self._session.scalars(
            select(m.Session)
            .where(m.Session.week_id.in_([w.id for w in weeks]))
            .order_by(m.Session.position, m.Session.id)
        ).all()
        items = self._session.scalars(
            select(m.SessionExercise)
            .where(m.SessionExercise.session_id.in_([s.id for s in sessions]))
            .order_by(m.SessionExercise.position, m.SessionExercise.id)
        ).all()

        items_of: dict[str, list[SessionExerciseNode]] = {}
        for it in items:
            items_of.setdefault(it.session_id, []).append(
                SessionExerciseNode(
                    id=it.id, exercise_id=it.exercise_id, position=it.position, config=it.config
                )
            )
        sessions_of: dict[str, list[SessionNode]] = {}
        for s in sessions:
            sessions_of.setdefault(s.week_id, []).append(
                SessionNode(
                    id=s.id,
                    title=s.title,
                    notes=s.notes,
                    date=s.date,
                    position=s.position,
                    data=s.data,
                    exercises=tuple(items_of.get(s.id, ())),
                )
            )
        weeks_of: dict[str, list[WeekNode]] = {}
        for w in weeks:
            weeks_of.setdefault(w.block_id, []).append(
                WeekNode(
                    id=w.id,
                    week_number=w.week_number,
                    position=w.position,
                    sessions=tuple(sessions_of.get(w.id, ())),
                )
            )
        return ProgramTree(
            program=_summary(program),
            data=program.data,
            blocks=tuple(
                BlockNode(
                    id=b.id,
                    title=b.title,
                    position=b.position,
                    notes=b.notes,
                    weeks=tuple(weeks_of.get(b.id, ())),
                )
                for b in blocks
            ),
        )

    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]:
        """Every session of every program assigned to these students, in assignment order then
        the program tree's.

        Two statements: the assignments, then each assigned program's sessions once. A coach
        gives one program to many students; joining them in SQL sent the same year of sessions
        once per student (30 times the rows), and turning those rows into values was most of
        the dashboard's time.
        """
        if not student_ids:
            return []
        a, p, b, w, s = m.ProgramAssignment, m.Program, m.ProgramBlock, m.Week, m.Session
        assignments = self._session.execute(
            select(a.student_id, a.program_id, p.title, a.assigned_at)
            .join(p, p.id == a.program_id)
            .where(a.student_id.in_(student_ids))
            # Byte order ("C") on the ids: the database's collation costs more, and callers
            # only need the rows grouped and stable.
            .order_by(a.student_id.collate("C"), a.assigned_at, p.id.collate("C"))
        ).all()
        if not assignments:
            return []
        sessions_of: dict[str, list[tuple[Any, ...]]] = {}
        rows = self._session.execute(
            select(
                b.program_id,
                b.position,
                b.title,
                w.position,
                w.week_number,
                s.id,
                s.position,
                s.title,
                s.date,
            )
            .join(w, w.block_id == b.id)
            .join(s, s.week_id == w.id)
            .where(b.program_id.in_({row[1] for row in assignments}))
            .order_by(b.position, w.position, s.position)
        ).all()
        for row in rows:
            sessions_of.setdefault(row[0], []).append(tuple(row)[1:])
        return [
            ScheduledSession(student, program, title, assigned_at, *session)
            for student, program, title, assigned_at in assignments
            for session in sessions_of.get(program, ())
        ]


class SqlProgressRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def for_students(self, student_ids: Sequence[str]) -> Sequence[ProgressRecord]:
        if not student_ids:
            return []
        sp = m.SessionProgress
        rows = self._session.execute(
            select(
                sp.id, sp.session_id, sp.student_id, sp.status, sp.progress, sp.updated_at
            ).where(sp.student_id.in_(student_ids))
        ).all()
        return [ProgressRecord(*row) for row in rows]

    def stored_statuses(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[tuple[str, str, str | None]]:
        """`(student_id, session_id, status)` of the coach's students' rows, as stored; through
        the coach's indexed path (`coach_scope`), without the progress JSON."""
        if not student_ids:
            return []
        sp = m.SessionProgress
        rows = self._session.execute(
            coach_progress(coach_id, student_ids, sp.student_id, sp.session_id, sp.status)
        ).all()
        return [(row[0], row[1], row[2]) for row in rows]


class SqlMediaRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def list_for_students(self, coach_id: str, student_ids: Sequence[str]) -> Sequence[ClipInfo]:
        """The coach's students' clips' metadata, newest first, found through the coach's
        progress rows (`coach_scope.coach_rows`). `data` is never fetched."""
        if not student_ids:
            return []
        em = m.ExerciseMedia
        rows_of = coach_rows(coach_id, student_ids)
        rows = self._session.execute(
            select(
                em.id,
                em.progress_id,
                rows_of.c.session_id,
                rows_of.c.student_id,
                em.mime_type,
                em.size,
                em.created_at,
            )
            .join(rows_of, rows_of.c.id == em.progress_id)
            .order_by(em.created_at.desc(), em.id)
        ).all()
        return [ClipInfo(*row) for row in rows]

    def clip_info(self, media_id: str) -> ClipInfo | None:
        """One clip's metadata (never its bytes), to check whose it is before touching it."""
        em, sp = m.ExerciseMedia, m.SessionProgress
        row = self._session.execute(
            select(
                em.id,
                em.progress_id,
                sp.session_id,
                sp.student_id,
                em.mime_type,
                em.size,
                em.created_at,
            )
            .join(sp, sp.id == em.progress_id)
            .where(em.id == media_id)
        ).one_or_none()
        return ClipInfo(*row) if row else None

    def sessions_with_clips(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[SessionContext]:
        """The logged sessions of the coach's students that hold a clip or an old `videos`
        entry, with their program, block, week and session titles, in one query.

        Both kinds are found among the coach's progress rows (`coach_scope.coach_rows`): never
        a scan of the platform's logs."""
        if not student_ids:
            return []
        em = m.ExerciseMedia
        s, w, b, p = m.Session, m.Week, m.ProgramBlock, m.Program
        row = coach_rows(coach_id, student_ids)
        # `IN (SELECT ...)` is hashed once; a correlated EXISTS would scan the clips per row
        # when the platform lacks exercise_media_progressId_idx.
        has_clip = row.c.id.in_(select(em.progress_id))
        rows = self._session.execute(
            select(
                row.c.id,
                row.c.session_id,
                row.c.student_id,
                p.title,
                b.title,
                w.week_number,
                s.title,
                s.date,
                row.c.saved_at,
                row.c.videos,
            )
            .select_from(row)
            .join(s, s.id == row.c.session_id)
            .join(w, w.id == s.week_id)
            .join(b, b.id == w.block_id)
            .join(p, p.id == b.program_id)
            .where(has_clip | (func.cardinality(row.c.videos) > 0))
        ).all()
        return [
            SessionContext(
                progress_id=row[0],
                session_id=row[1],
                student_id=row[2],
                program_title=row[3],
                block_title=row[4],
                week_number=row[5],
                session_title=row[6],
                session_date=row[7],
                saved_at=row[8],
                # The platform's TEXT[] may hold NULL elements; they reference nothing.
                videos=tuple(v for v in (row[9] or ()) if v is not None),
            )
            for row in rows
        ]

    def delete(self, media_id: str) -> bool:
        """Delete one clip's row (by id, without loading it); False when it was already gone."""
        em = m.ExerciseMedia
        deleted = self._session.execute(
            delete(em).where(em.id == media_id).returning(em.id)
        ).scalar_one_or_none()
        return deleted is not None

    def read_bytes(self, media_id: str) -> bytes | None:
        """One clip's bytes, for playing or exporting it.

        Asks psycopg for the binary wire format: in text format PostgreSQL sends bytea as hex,
        twice the size, and decoding 30 MB of hex made reading a clip about nine times slower.
        """
        dbapi = cast(
            "psycopg.Connection[Any]", self._session.connection().connection.dbapi_connection
        )
        with dbapi.cursor(binary=True) as cursor:
            cursor.execute("SELECT data FROM exercise_media WHERE id = %s", (media_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        data = row[0]
        return data if isinstance(data, bytes) else bytes(data)

    def storage_for_students(self, coach_id: str, student_ids: Sequence[str]) -> ClipStorage:
        """Count and size of the coach's students' clips, through their progress rows."""
        if not student_ids:
            return ClipStorage(count=0, total_bytes=0, largest_bytes=0)
        em = m.ExerciseMedia
        rows_of = coach_rows(coach_id, student_ids)
        # `size` is the platform's own byte count of `data`; aggregating it never reads the bytes.
        count, total, largest = self._session.execute(
            select(
                func.count(em.id),
                func.coalesce(func.sum(em.size), 0),
                func.coalesce(func.max(em.size), 0),
            ).join(rows_of, rows_of.c.id == em.progress_id)
        ).one()
        return ClipStorage(count=int(count), total_bytes=int(total), largest_bytes=int(largest))
