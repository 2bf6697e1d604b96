"""Writing clips: the session a progress row describes, the row itself, and the clip's bytes.

The bytes go in with `COPY ... FROM STDIN (FORMAT BINARY)`, framed here and sent in chunks: the
binary wire format avoids bytea's hex text (twice the size, and slow to encode, see bench/clips.py
section c), and chunks let the caller show progress and abort between them. COPY runs inside the
unit of work's transaction, so an abort or a rollback leaves no row behind.
"""

from __future__ import annotations

import struct
from collections.abc import Generator
from datetime import datetime
from typing import Any, cast

import psycopg
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.media import NewProgress, SessionContext, SessionExerciseContext

# PostgreSQL's binary COPY framing: signature, flags, header extension length; each tuple is a
# field count then length-prefixed fields; -1 as the field count ends the data.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = struct.pack("!h", -1)
# data last, so its bytes can follow the other fields in chunks.
_COPY_MEDIA = (
    'COPY exercise_media (id, "progressId", "mimeType", size, data) FROM STDIN (FORMAT BINARY)'
)
_INT4 = struct.Struct("!i")


def _text_field(value: str) -> bytes:
    raw = value.encode("utf-8")
    return _INT4.pack(len(raw)) + raw


class SqlClipStoreRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def session_context(self, session_id: str) -> SessionContext | None:
        s, w, b, p = m.Session, m.Week, m.ProgramBlock, m.Program
        head = self._session.execute(
            select(s.title, s.notes, w.week_number, b.title, p.title)
            .join(w, w.id == s.week_id)
            .join(b, b.id == w.block_id)
            .join(p, p.id == b.program_id)
            .where(s.id == session_id)
        ).one_or_none()
        if head is None:
            return None
        se, ex = m.SessionExercise, m.Exercise
        items = self._session.execute(
            select(se.position, se.exercise_id, ex.name, ex.type, se.config)
            .join(ex, ex.id == se.exercise_id)
            .where(se.session_id == session_id)
            .order_by(se.position, se.id)
        ).all()
        session_title, notes, week_number, block_title, program_title = head
        return SessionContext(
            session_id=session_id,
            session_title=session_title,
            session_notes=notes,
            week_number=week_number,
            block_title=block_title,
            program_title=program_title,
            exercises=tuple(
                SessionExerciseContext(
                    position=position,
                    exercise_id=exercise_id,
                    exercise_name=name,
                    exercise_type=kind.value,
                    config=config,
                )
                for position, exercise_id, name, kind, config in items
            ),
        )

    def ensure_progress(self, row: NewProgress) -> tuple[str, bool]:
        sp = m.SessionProgress
        # ON CONFLICT rather than look-then-insert: a student logging the same session on the web
        # at this moment makes the insert a no-op instead of a unique-violation failure.
        inserted = self._session.execute(
            pg_insert(sp)
            .values(
                id=row.id,
                session_id=row.session_id,
                student_id=row.student_id,
                status=row.status,
                progress=row.progress,
                # The runner creates the row with an empty list of clips.
                videos=[],
                updated_at=row.updated_at,
            )
            .on_conflict_do_nothing(index_elements=[sp.session_id, sp.student_id])
            .returning(sp.id)
        ).scalar_one_or_none()
        if inserted is not None:
            return inserted, True
        existing = self._session.execute(
            select(sp.id).where(sp.session_id == row.session_id, sp.student_id == row.student_id)
        ).scalar_one()
        return existing, False

    def lock_log(self, progress_id: str) -> tuple[Any, list[str] | None]:
        sp = m.SessionProgress
        row = self._session.execute(
            select(sp.progress, sp.videos).where(sp.id == progress_id).with_for_update()
        ).one()
        return row.progress, row.videos

    def set_log_videos(
        self, progress_id: str, progress: Any, videos: list[str], now: datetime
    ) -> None:
        sp = m.SessionProgress
        self._session.execute(
            update(sp)
            .where(sp.id == progress_id)
            .values(progress=progress, videos=videos, updated_at=now)
        )

    def insert_media(
        self, media_id: str, progress_id: str, data: bytes, mime_type: str, *, chunk_bytes: int
    ) -> Generator[int, None, None]:
        dbapi = cast(
            "psycopg.Connection[Any]", self._session.connection().connection.dbapi_connection
        )
        view = memoryview(data)
        with dbapi.cursor() as cursor, cursor.copy(_COPY_MEDIA) as copy:
            copy.write(
                _COPY_HEADER
                + struct.pack("!h", 5)
                + _text_field(media_id)
                + _text_field(progress_id)
                + _text_field(mime_type)
                + _INT4.pack(4)
                + _INT4.pack(len(data))
                + _INT4.pack(len(data))
            )
            for start in range(0, len(data), chunk_bytes):
                copy.write(view[start : start + chunk_bytes])
                yield min(len(data), start + chunk_bytes)
            copy.write(_COPY_TRAILER)
        if not data:
            yield 0
