"""Writing programs in place: the row changes of a `ProgramDiff`, assignments and audit rows.

Statements are Core `insert` / `update` / `delete` on the mapped tables, one per row change and
naming only the columns that changed, so a save touches exactly the rows the diff lists and no
other (PostgreSQL would give an untouched-but-rewritten row a new version all the same).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, literal_column, null, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.db.repositories import SqlProgramRepository
from gbf_desktop.domain.model import ProgramSummary, ProgramTree
from gbf_desktop.domain.program_edit import (
    LEVELS,
    PARENT,
    POSITION,
    Level,
    ProgramDiff,
    ProgramDoc,
)
from gbf_desktop.domain.progress import SessionRow
from gbf_desktop.services.programs import AssignmentRecord, LoggedSession

_MODEL: Mapping[Level, type[m.Base]] = {
    "block": m.ProgramBlock,
    "week": m.Week,
    "session": m.Session,
    "exercise": m.SessionExercise,
}
# The attribute holding each level's parent id.
_PARENT_ATTR: Mapping[Level, str] = {
    "block": "program_id",
    "week": "block_id",
    "session": "week_id",
    "exercise": "session_id",
}
_JSON_FIELDS = frozenset({"data", "config"})
_PROGRAM_ATTR = {"title": "title", "description": "description", "is_draft": "is_draft"}


def _column_value(name: str, value: Any) -> Any:
    # None in a JSONB column would be stored as the JSON `null`; the tree reads SQL NULL as None
    # and writes it back as SQL NULL, as the platform leaves an unset column.
    return null() if value is None and name in _JSON_FIELDS else value


def _id_of(model: type[m.Base]) -> InstrumentedAttribute[str]:
    attr: InstrumentedAttribute[str] = getattr(model, "id")  # noqa: B009 - Base declares no id
    return attr


class SqlProgramEditRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    # --- reading ------------------------------------------------------------------------------

    def tree(self, program_id: str, *, lock: bool = False) -> ProgramTree | None:
        """The program's tree; with `lock`, its `programs` row is held until the transaction ends.

        The lock serialises two desktop saves of one program, and a web save that updates the
        program row, so that the conflict check and the writes see the same rows.
        """
        if lock:
            found = self._session.scalar(
                select(m.Program.id).where(m.Program.id == program_id).with_for_update()
            )
            if found is None:
                return None
        return SqlProgramRepository(self._session).tree(program_id)

    def summaries_of(self, coach_id: str) -> Sequence[ProgramSummary]:
        rows = self._session.scalars(
            select(m.Program)
            .where(m.Program.coach_id == coach_id)
            .order_by(func.lower(m.Program.title), m.Program.id)
        ).all()
        return [
            ProgramSummary(
                id=r.id,
                title=r.title,
                description=r.description,
                coach_id=r.coach_id,
                is_draft=r.is_draft,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def exercise_names(self, exercise_ids: Iterable[str], *, visible_to: str) -> dict[str, str]:
        """Names of those exercises the coach may see: global ones and the coach's own.

        Another coach's private exercise is left out, as if it did not exist: its name is not
        ours to show, nor is it ours to put in a program.
        """
        ids = sorted(set(exercise_ids))
        if not ids:
            return {}
        ex = m.Exercise
        rows = self._session.execute(
            select(ex.id, ex.name).where(
                ex.id.in_(ids), (ex.scope == m.Scope.global_) | (ex.owner_id == visible_to)
            )
        ).all()
        return {row.id: row.name for row in rows}

    def exercise_types(self, exercise_ids: Iterable[str]) -> dict[str, str]:
        """Library type of each id that still exists, for checking the configs a save writes."""
        ids = sorted(set(exercise_ids))
        if not ids:
            return {}
        rows = self._session.execute(
            select(m.Exercise.id, m.Exercise.type).where(m.Exercise.id.in_(ids))
        ).all()
        return {row.id: str(row.type) for row in rows}

    def logs_under(self, session_ids: Sequence[str]) -> Sequence[LoggedSession]:
        """Every student's log of these sessions, with the clips each would take with it."""
        if not session_ids:
            return []
        sp, u, em = m.SessionProgress, m.User, m.ExerciseMedia
        clips = (
            select(func.count(em.id)).where(em.progress_id == sp.id).correlate(sp).scalar_subquery()
        )
        rows = self._session.execute(
            select(
                sp.id,
                sp.session_id,
                u.id.label("student_id"),
                u.first_name,
                u.last_name,
                u.pseudo,
                clips.label("clips"),
            )
            .join(u, u.id == sp.student_id)
            .where(sp.session_id.in_(session_ids))
            .order_by(u.pseudo, sp.session_id)
        ).all()
        return [
            LoggedSession(
                progress_id=r.id,
                session_id=r.session_id,
                student_id=r.student_id,
                student_name=" ".join(p for p in (r.first_name, r.last_name) if p) or r.pseudo,
                clips=int(r.clips),
            )
            for r in rows
        ]

    # --- writing the tree ---------------------------------------------------------------------

    def insert_program(self, doc: ProgramDoc, coach_id: str, now: datetime) -> None:
        self._session.execute(
            insert(m.Program).values(
                id=doc.id,
                title=doc.title,
                description=doc.description,
                coach_id=coach_id,
                is_draft=doc.is_draft,
                data=_column_value("data", doc.data),
                created_at=now,
                updated_at=now,
            )
        )

    def apply(self, change: ProgramDiff, now: datetime) -> None:
        """Write a diff: inserts parents first, then updates, then deletes children first.

        Updates follow inserts because a row may move under a parent the same save adds, and
        deletes come last because a row may move out of a parent the same save removes.
        `programs.updatedAt` is bumped whatever changed, so other editors see a new version.
        """
        program_values = {
            _PROGRAM_ATTR.get(k, k): _column_value(k, v) for k, v in change.program.items()
        }
        self._session.execute(
            update(m.Program)
            .where(m.Program.id == change.program_id)
            .values(**program_values, updated_at=now)
        )
        for level in LEVELS:
            rows = [
                {
                    "id": i.id,
                    _PARENT_ATTR[level]: i.parent,
                    "position": i.position,
                    **{k: _column_value(k, v) for k, v in i.fields.items()},
                }
                for i in change.inserts
                if i.level == level
            ]
            if rows:
                self._session.execute(insert(_MODEL[level]).values(rows))
        for u in change.updates:
            model = _MODEL[u.level]
            values = {
                (_PARENT_ATTR[u.level] if k == PARENT else k): _column_value(k, v)
                for k, v in u.changes.items()
            }
            assert POSITION not in values or isinstance(values[POSITION], int)
            self._session.execute(update(model).where(_id_of(model) == u.id).values(**values))
        for level in reversed(LEVELS):
            ids = [d.id for d in change.deletes if d.level == level]
            if ids:
                model = _MODEL[level]
                self._session.execute(delete(model).where(_id_of(model).in_(ids)))

    # --- the physical order the web reads -------------------------------------------------------

    def session_rows(self, session_ids: Sequence[str]) -> dict[str, list[SessionRow]]:
        """Each session's exercise rows in position order, with the library's name and type."""
        se, ex = m.SessionExercise, m.Exercise
        rows = self._session.execute(
            select(se.session_id, se.id, se.exercise_id, ex.name, ex.type, se.config)
            .join(ex, ex.id == se.exercise_id)
            .where(se.session_id.in_(list(session_ids)))
            .order_by(se.session_id, se.position, se.id)
        ).all()
        found: dict[str, list[SessionRow]] = {sid: [] for sid in session_ids}
        for r in rows:
            kind = r.type.value if hasattr(r.type, "value") else str(r.type)
            found[r.session_id].append(SessionRow(r.id, r.exercise_id, r.name, kind, r.config))
        return found

    def rewrite_in_order(self, session_id: str, ordered_ids: Sequence[str]) -> bool:
        """Delete and re-insert a session's exercise rows, same ids, positions 0..n-1, in order.

        PostgreSQL hands back a table's rows in physical order when a query has no ORDER BY, and
        the web reads a session's exercises that way; a fresh insert puts the rows one after the
        other. The order is checked by `ctid` and the rewrite repeated in the rare case the free
        space map put a row on an earlier page. True when the physical order is the one asked for.
        """
        table = m.SessionExercise.__table__
        assert isinstance(table, Table)  # declarative types it as a FromClause
        stored = {
            r["id"]: dict(r)
            for r in self._session.execute(select(table).where(table.c.sessionId == session_id))
            .mappings()
            .all()
        }
        # A row the web added since the program was read (its add-exercise does not lock the
        # program) sorts after the document's rows, and one it removed is skipped: none is lost.
        known = [row_id for row_id in ordered_ids if row_id in stored]
        added = sorted(set(stored) - set(known), key=lambda r: (stored[r]["position"], r))
        ordered_ids = [*known, *added]
        values = [{**stored[row_id], "position": index} for index, row_id in enumerate(ordered_ids)]
        for _ in range(4):
            self._session.execute(delete(table).where(table.c.sessionId == session_id))
            if values:
                self._session.execute(insert(table), values)
            physical = self._session.scalars(
                select(table.c.id)
                .where(table.c.sessionId == session_id)
                .order_by(literal_column("ctid"))
            ).all()
            if list(physical) == list(ordered_ids):
                return True
        return False

    def lock_logs_of(self, session_ids: Sequence[str]) -> list[tuple[str, str, Any]]:
        """(progress id, session id, progress JSON) of every log of these sessions, locked."""
        if not session_ids:
            return []
        sp = m.SessionProgress
        rows = self._session.execute(
            select(sp.id, sp.session_id, sp.progress)
            .where(sp.session_id.in_(list(session_ids)))
            .order_by(sp.id)
            .with_for_update()
        ).all()
        return [(r.id, r.session_id, r.progress) for r in rows]

    def set_log_progress(self, progress_id: str, progress: Any, now: datetime) -> None:
        sp = m.SessionProgress
        self._session.execute(
            update(sp).where(sp.id == progress_id).values(progress=progress, updated_at=now)
        )

    def add_audit(
        self,
        program_id: str,
        *,
        changed_by: str,
        change_type: str,
        diff: Mapping[str, Any],
        now: datetime,
        audit_id: str,
    ) -> None:
        self._session.execute(
            insert(m.ProgramAudit).values(
                id=audit_id,
                program_id=program_id,
                changed_by=changed_by,
                change_type=change_type,
                diff=dict(diff),
                created_at=now,
            )
        )

    # --- assignments --------------------------------------------------------------------------

    def assignments(self, program_id: str) -> Sequence[AssignmentRecord]:
        a = m.ProgramAssignment
        rows = self._session.scalars(
            select(a).where(a.program_id == program_id).order_by(a.assigned_at, a.id)
        ).all()
        return [_assignment(r) for r in rows]

    def assignment(self, assignment_id: str) -> AssignmentRecord | None:
        row = self._session.get(m.ProgramAssignment, assignment_id)
        return _assignment(row) if row else None

    def add_assignment(self, record: AssignmentRecord) -> None:
        self._session.execute(
            insert(m.ProgramAssignment).values(
                id=record.id,
                program_id=record.program_id,
                student_id=record.student_id,
                assigned_by=record.assigned_by,
                assigned_at=record.assigned_at,
            )
        )

    def add_notification(
        self,
        notification_id: str,
        user_id: str,
        kind: str,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> None:
        self._session.execute(
            insert(m.Notification).values(
                id=notification_id,
                user_id=user_id,
                type=kind,
                payload=dict(payload),
                read=False,
                created_at=now,
            )
        )

    def delete_program(self, program_id: str) -> None:
        """Delete the program row; its tree goes with it through the ON DELETE CASCADE keys."""
        self._session.execute(delete(m.Program).where(m.Program.id == program_id))

    def delete_assignment(self, assignment_id: str) -> None:
        self._session.execute(
            delete(m.ProgramAssignment).where(m.ProgramAssignment.id == assignment_id)
        )

    def logs_on_program(self, program_id: str, student_id: str) -> tuple[int, int]:
        """How many of the program's sessions the student logged, and their clips."""
        sp, s, w, b, em = m.SessionProgress, m.Session, m.Week, m.ProgramBlock, m.ExerciseMedia
        logged, clips = self._session.execute(
            select(func.count(func.distinct(sp.id)), func.count(em.id))
            .select_from(sp)
            .join(s, s.id == sp.session_id)
            .join(w, w.id == s.week_id)
            .join(b, b.id == w.block_id)
            .outerjoin(em, em.progress_id == sp.id)
            .where(b.program_id == program_id, sp.student_id == student_id)
        ).one()
        return int(logged), int(clips)


def _assignment(row: m.ProgramAssignment) -> AssignmentRecord:
    return AssignmentRecord(
        id=row.id,
        program_id=row.program_id,
        student_id=row.student_id,
        assigned_by=row.assigned_by,
        assigned_at=row.assigned_at,
    )
