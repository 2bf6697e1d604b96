"""The `gbf_desktop.clip_annotations` table: a coach's drawings and bar path per clip."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.db.desktop_models import ClipAnnotation
from gbf_desktop.db.review_repo import students_of_coach
from gbf_desktop.services.annotations import AnnotationRecord


class SqlAnnotationRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def clip_of_students(self, coach_id: str, media_id: str) -> bool:
        em, sp = m.ExerciseMedia, m.SessionProgress
        found = self._session.scalar(
            select(em.id)
            .join(sp, sp.id == em.progress_id)
            .where(em.id == media_id, sp.student_id.in_(students_of_coach(coach_id)))
        )
        return found is not None

    def get(self, media_id: str, coach_id: str) -> AnnotationRecord | None:
        row = self._session.scalars(
            select(ClipAnnotation).where(
                ClipAnnotation.media_id == media_id, ClipAnnotation.coach_id == coach_id
            )
        ).one_or_none()
        if row is None:
            return None
        return AnnotationRecord(
            row.media_id, row.coach_id, list(row.drawings), row.bar_path, row.updated_at
        )

    def save(
        self,
        new_id: str,
        media_id: str,
        coach_id: str,
        at: datetime,
        *,
        drawings: list[dict[str, Any]] | None = None,
        bar_path: dict[str, Any] | None = None,
    ) -> None:
        table = ClipAnnotation.__table__
        assert isinstance(table, Table)
        changes: dict[str, Any] = {"updatedAt": at}
        if drawings is not None:
            changes["drawings"] = drawings
        if bar_path is not None:
            changes["barPath"] = bar_path
        # One statement: a second workstation saving at the same moment updates the row the
        # first one inserted instead of failing on the unique index.
        stmt = (
            insert(table)
            .values(id=new_id, mediaId=media_id, coachId=coach_id, **changes)
            .on_conflict_do_update(index_elements=["mediaId", "coachId"], set_=changes)
        )
        self._session.execute(stmt)
        # The ORM identity map may hold the row from an earlier read in this unit of work.
        self._session.expire_all()
