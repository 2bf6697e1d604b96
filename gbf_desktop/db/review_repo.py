"""Reads for the progress review and the clip review queue, and the writes they need.

Each method is one SQL statement, whatever the amount of history: a student's whole progress page
is five (`student_of`, `timeline`, `planned_exercises`, `logged_sessions`, `clips`). Clip bytes
are never selected here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, and_, exists, func, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.db.coach_scope import coach_progress, coach_rows, status_columns, tally_of
from gbf_desktop.db.desktop_models import ClipReview
from gbf_desktop.domain.model import UserRecord
from gbf_desktop.domain.review import (
    ClipMeta,
    ClipReviewRecord,
    LoggedSession,
    PlannedExercise,
    QueuedClip,
    SessionState,
    TimelineRow,
)


def students_of_coach(coach_id: str) -> Select[str]:
    """Ids of the coach's students: `coachId` is the coach, or they are in one of its groups."""
    direct = select(m.User.id).where(m.User.coach_id == coach_id)
    grouped = (
        select(m.GroupMember.user_id)
        .join(m.Group, m.Group.id == m.GroupMember.group_id)
        .where(m.Group.owner_id == coach_id)
    )
    ids = union(direct, grouped).subquery()
    return select(m.User.id).where(m.User.id.in_(select(ids.c[0])), m.User.role == m.Role.student)


def _assigned_session_ids(student_id: str) -> Select[str]:
    a, b, w, s = m.ProgramAssignment, m.ProgramBlock, m.Week, m.Session
    return (
        select(s.id)
        .join(w, w.id == s.week_id)
        .join(b, b.id == w.block_id)
        .join(a, a.program_id == b.program_id)
        .where(a.student_id == student_id)
    )


def _table(model: type[m.Base]) -> Table:
    # Declarative types `__table__` as a plain FromClause; these models map real Tables.
    table = model.__table__
    assert isinstance(table, Table)
    return table


PROGRESS = _table(m.SessionProgress)
REVIEWS = _table(ClipReview)


def _videos(value: list[str] | None) -> tuple[str, ...]:
    return tuple(v for v in value or () if isinstance(v, str))


class SqlReviewRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def student_of(self, coach_id: str, student_id: str) -> UserRecord | None:
        """The student, if they are one of this coach's students."""
        row = self._session.scalars(
            select(m.User).where(
                m.User.id == student_id, m.User.id.in_(students_of_coach(coach_id))
            )
        ).one_or_none()
        if row is None:
            return None
        return UserRecord(
            id=row.id,
            email=row.email,
            pseudo=row.pseudo,
            role=row.role.value,
            first_name=row.first_name,
            last_name=row.last_name,
            coach_id=row.coach_id,
        )

    def timeline(self, student_id: str) -> Sequence[TimelineRow]:
        a, p, b, w, s = m.ProgramAssignment, m.Program, m.ProgramBlock, m.Week, m.Session
        stmt = (
            select(
                a.id,
                p.id,
                p.title,
                a.assigned_at,
                b.id,
                b.title,
                b.position,
                w.id,
                w.week_number,
                w.position,
                s.id,
                s.title,
                s.notes,
                s.date,
                s.position,
            )
            .join(p, p.id == a.program_id)
            .outerjoin(b, b.program_id == p.id)
            .outerjoin(w, w.block_id == b.id)
            .outerjoin(s, s.week_id == w.id)
            .where(a.student_id == student_id)
            .order_by(a.assigned_at, a.id, b.position, b.id, w.position, w.id, s.position, s.id)
        )
        return [TimelineRow(*row) for row in self._session.execute(stmt).all()]

    def planned_exercises(self, student_id: str) -> Sequence[PlannedExercise]:
        se, e = m.SessionExercise, m.Exercise
        stmt = (
            select(se.id, se.session_id, se.exercise_id, e.name, e.type, se.position, se.config)
            .join(e, e.id == se.exercise_id)
            .where(se.session_id.in_(_assigned_session_ids(student_id)))
            .order_by(se.session_id, se.position, se.id)
        )
        return [
            PlannedExercise(
                id=row[0],
                session_id=row[1],
                exercise_id=row[2],
                exercise_name=row[3],
                library_type=row[4].value,
                position=row[5],
                config=row[6],
            )
            for row in self._session.execute(stmt).all()
        ]

    def logged_sessions(self, coach_id: str, student_id: str) -> Sequence[LoggedSession]:
        """The student's rows, whole: through the coach's indexed path (`coach_scope`)."""
        sp = m.SessionProgress
        stmt = coach_progress(
            coach_id,
            [student_id],
            sp.id,
            sp.session_id,
            sp.student_id,
            sp.status,
            sp.progress,
            sp.notes,
            sp.videos,
            sp.saved_at,
            sp.updated_at,
        )
        return [
            LoggedSession(
                id=row[0],
                session_id=row[1],
                student_id=row[2],
                status=row[3],
                progress=row[4],
                notes=row[5],
                videos=_videos(row[6]),
                saved_at=row[7],
                updated_at=row[8],
            )
            for row in self._session.execute(stmt).all()
        ]

    def clips(self, student_id: str, reviewer_id: str) -> Sequence[ClipMeta]:
        """The student's clips, newest first, with `reviewer_id`'s review where there is one;
        found through the reviewing coach's path to the student's rows (`coach_rows`)."""
        em, cr = m.ExerciseMedia, ClipReview
        logged = coach_rows(reviewer_id, [student_id])
        stmt = (
            select(
                em.id,
                em.progress_id,
                logged.c.session_id,
                em.mime_type,
                em.size,
                em.created_at,
                cr.created_at,
                cr.comment,
            )
            .join(logged, logged.c.id == em.progress_id)
            .outerjoin(cr, and_(cr.media_id == em.id, cr.reviewer_id == reviewer_id))
            .order_by(em.created_at.desc(), em.id)
        )
        return [ClipMeta(*row) for row in self._session.execute(stmt).all()]

    def session_states(self, coach_id: str, student_ids: Sequence[str]) -> Sequence[SessionState]:
        """The coach's students' rows with their statuses' tally (see `coach_scope`)."""
        if not student_ids:
            return []
        sp = m.SessionProgress
        stmt = coach_progress(
            coach_id,
            student_ids,
            sp.student_id,
            sp.session_id,
            sp.status,
            *status_columns(),
            sp.saved_at,
            sp.updated_at,
        )
        return [
            SessionState(row[0], row[1], row[2], tally_of(row[3], row[4], row[5]), row[6], row[7])
            for row in self._session.execute(stmt).all()
        ]

    # -- writing a log on a student's behalf ------------------------------------------------

    def lock_progress(self, session_id: str, student_id: str) -> dict[str, Any] | None:
        """The student's row for the session, locked until the transaction ends (or None)."""
        table = PROGRESS
        row = (
            self._session.execute(
                select(table)
                .where(table.c.sessionId == session_id, table.c.studentId == student_id)
                .with_for_update()
            )
            .mappings()
            .one_or_none()
        )
        return dict(row) if row is not None else None

    def insert_progress(self, values: dict[str, Any]) -> bool:
        """Insert a new row; False when one appeared meanwhile (the unique key said so)."""
        table = PROGRESS
        stmt = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["sessionId", "studentId"])
            .returning(table.c.id)
        )
        return self._session.execute(stmt).scalar_one_or_none() is not None

    def update_progress(self, progress_id: str, values: dict[str, Any]) -> None:
        table = PROGRESS
        self._session.execute(table.update().where(table.c.id == progress_id).values(**values))

    def user_names(self, user_ids: Sequence[str]) -> dict[str, UserRecord]:
        rows = self._session.scalars(select(m.User).where(m.User.id.in_(user_ids))).all()
        return {
            r.id: UserRecord(r.id, r.email, r.pseudo, r.role.value, r.first_name, r.last_name)
            for r in rows
        }


class SqlClipReviewRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def queue(self, coach_id: str, limit: int | None = None) -> tuple[int, Sequence[QueuedClip]]:
        """How many clips of the coach's students this coach has not reviewed, and the newest
        `limit` of them (all when None), newest first; one statement, bytes never read."""
        em, s, u = m.ExerciseMedia, m.Session, m.User
        reviewed = exists().where(ClipReview.media_id == em.id, ClipReview.reviewer_id == coach_id)
        # The coach's students' progress rows through the indexed path, then their clips.
        logged = coach_rows(coach_id, students_of_coach(coach_id))
        stmt = (
            select(
                em.id,
                em.progress_id,
                logged.c.session_id,
                s.title,
                s.date,
                u.id,
                u.first_name,
                u.last_name,
                u.pseudo,
                em.mime_type,
                em.size,
                em.created_at,
                func.count().over(),
            )
            .join(logged, logged.c.id == em.progress_id)
            .join(s, s.id == logged.c.session_id)
            .join(u, u.id == logged.c.student_id)
            .where(~reviewed)
            .order_by(em.created_at.desc(), em.id)
            .limit(limit)
        )
        rows = self._session.execute(stmt).all()
        clips = [
            QueuedClip(
                id=r[0],
                progress_id=r[1],
                session_id=r[2],
                session_title=r[3],
                session_date=r[4],
                student_id=r[5],
                student_name=" ".join(p for p in (r[6], r[7]) if p) or r[8],
                mime_type=r[9],
                size=r[10],
                created_at=r[11],
            )
            for r in rows
        ]
        return (int(rows[0][12]) if rows else 0), clips

    def clip_of_students(self, coach_id: str, media_id: str) -> bool:
        """Whether the clip exists and was recorded by one of the coach's students."""
        em, sp = m.ExerciseMedia, m.SessionProgress
        found = self._session.scalar(
            select(em.id)
            .join(sp, sp.id == em.progress_id)
            .where(em.id == media_id, sp.student_id.in_(students_of_coach(coach_id)))
        )
        return found is not None

    def review_of(self, media_id: str, reviewer_id: str) -> ClipReviewRecord | None:
        row = self._session.scalars(
            select(ClipReview).where(
                ClipReview.media_id == media_id, ClipReview.reviewer_id == reviewer_id
            )
        ).one_or_none()
        return None if row is None else _review(row)

    def add(
        self, review_id: str, media_id: str, reviewer_id: str, comment: str | None, at: datetime
    ) -> ClipReviewRecord | None:
        """Insert the review; None when this reviewer has one already (another workstation)."""
        table = REVIEWS
        stmt = (
            insert(table)
            .values(
                id=review_id,
                mediaId=media_id,
                reviewerId=reviewer_id,
                comment=comment,
                createdAt=at,
            )
            .on_conflict_do_nothing(index_elements=["mediaId", "reviewerId"])
            .returning(table.c.id)
        )
        if self._session.execute(stmt).scalar_one_or_none() is None:
            return None
        return ClipReviewRecord(review_id, media_id, reviewer_id, comment, at)

    def set_comment(self, media_id: str, reviewer_id: str, comment: str) -> bool:
        """Give a review that has none its comment; False when there is no such review."""
        table = REVIEWS
        done = self._session.execute(
            table.update()
            .where(
                table.c.mediaId == media_id,
                table.c.reviewerId == reviewer_id,
                table.c.comment.is_(None),
            )
            .values(comment=comment)
            .returning(table.c.id)
        ).scalar_one_or_none()
        return done is not None

    def feedback_target(self, media_id: str) -> dict[str, Any] | None:
        """The clip's log row (locked until the transaction ends) with its session's and
        program's titles: where a shared review comment goes."""
        em, sp, s, w, b, p = (
            m.ExerciseMedia,
            m.SessionProgress,
            m.Session,
            m.Week,
            m.ProgramBlock,
            m.Program,
        )
        row = self._session.execute(
            select(
                sp.id,
                sp.student_id,
                sp.session_id,
                sp.progress,
                s.title,
                p.title,
            )
            .join(em, em.progress_id == sp.id)
            .join(s, s.id == sp.session_id)
            .join(w, w.id == s.week_id)
            .join(b, b.id == w.block_id)
            .join(p, p.id == b.program_id)
            .where(em.id == media_id)
            .with_for_update(of=sp)
        ).one_or_none()
        if row is None:
            return None
        keys = ("progressId", "studentId", "sessionId", "progress", "sessionTitle", "programTitle")
        return dict(zip(keys, row, strict=True))

    def write_progress(self, progress_id: str, progress: Any, updated_at: datetime) -> None:
        table = PROGRESS
        self._session.execute(
            table.update()
            .where(table.c.id == progress_id)
            .values(progress=progress, updatedAt=updated_at)
        )

    def notify(
        self, notification_id: str, user_id: str, kind: str, payload: dict[str, Any], at: datetime
    ) -> None:
        self._session.execute(
            insert(m.Notification).values(
                id=notification_id,
                user_id=user_id,
                type=kind,
                payload=payload,
                read=False,
                created_at=at,
            )
        )

    def pseudo_of(self, user_id: str) -> str | None:
        return self._session.scalar(select(m.User.pseudo).where(m.User.id == user_id))


def _review(row: ClipReview) -> ClipReviewRecord:
    return ClipReviewRecord(row.id, row.media_id, row.reviewer_id, row.comment, row.created_at)
