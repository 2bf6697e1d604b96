"""The exercise library's rows: what a coach sees, favourites, their own exercises' writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.domain.model import ExerciseRecord
from gbf_desktop.services.library import LISTED_META_KEYS, ExerciseRow, SqlSearch, fold

# Accented letters folded in SQL without the `unaccent` extension, which the platform's schema
# does not have (and whose objects in `public` its `db push` would not keep).
_ACCENTED = "àáâãäåāçćčèéêëēėęìíîïīłñńòóôõöøōùúûüūýÿžźżß"
_PLAIN = "aaaaaaacccèeeeeeeiiiiilnnoooooooouuuuuyyzzzs".replace("è", "e")


def _record(row: m.Exercise) -> ExerciseRecord:
    return ExerciseRecord(
        id=row.id,
        name=row.name,
        description=row.description,
        type=row.type.value,
        scope=row.scope.value,
        owner_id=row.owner_id,
        meta=row.meta,
        updated_at=row.updated_at,
    )


def _fold(expr: ColumnElement[Any]) -> ColumnElement[str]:
    return func.translate(func.lower(expr), _ACCENTED, _PLAIN)


def _visible(coach_id: str) -> ColumnElement[bool]:
    ex = m.Exercise
    return or_(ex.scope == m.Scope.global_, ex.owner_id == coach_id)


class SqlLibraryRepository:
    def __init__(self, session: OrmSession) -> None:
        self._session = session

    def visible_to(self, coach_id: str) -> Sequence[ExerciseRecord]:
        """The list's rows, by name. Their `meta` holds only the keys the list shows (difficulty
        and muscle groups): a row's whole meta can be megabytes, and `get` reads it when the
        coach opens the exercise."""
        ex = m.Exercise
        listed = func.jsonb_build_object(
            *(part for key in LISTED_META_KEYS for part in (key, ex.meta[key]))
        )
        rows = self._session.execute(
            select(
                ex.id,
                ex.name,
                ex.description,
                ex.type,
                ex.scope,
                ex.owner_id,
                listed,
                ex.updated_at,
            )
            .where(_visible(coach_id))
            .order_by(func.lower(ex.name), ex.id)
        ).all()
        return [
            ExerciseRecord(
                id=r[0],
                name=r[1],
                description=r[2],
                type=r[3].value,
                scope=r[4].value,
                owner_id=r[5],
                meta={k: v for k, v in r[6].items() if v is not None},
                updated_at=r[7],
            )
            for r in rows
        ]

    def get(self, exercise_id: str) -> ExerciseRecord | None:
        row = self._session.get(m.Exercise, exercise_id)
        return _record(row) if row else None

    def favourites(self, user_id: str) -> frozenset[str]:
        fav = m.FavoriteExercise
        return frozenset(
            self._session.scalars(select(fav.exercise_id).where(fav.user_id == user_id))
        )

    def set_favourite(
        self, favourite_id: str, user_id: str, exercise_id: str, on: bool, now: datetime
    ) -> None:
        fav = m.FavoriteExercise
        if on:
            # The unique (userId, exerciseId) index: a second click elsewhere is not an error.
            self._session.execute(
                insert(fav)
                .values(id=favourite_id, user_id=user_id, exercise_id=exercise_id, added_at=now)
                .on_conflict_do_nothing(index_elements=[fav.user_id, fav.exercise_id])
            )
        else:
            self._session.execute(
                delete(fav).where(fav.user_id == user_id, fav.exercise_id == exercise_id)
            )

    def insert(self, row: ExerciseRow, now: datetime) -> None:
        self._session.execute(
            insert(m.Exercise).values(
                id=row.id,
                name=row.name,
                description=row.description,
                type=m.ExerciseType(row.type),
                meta=row.meta,
                scope=m.Scope(row.scope),
                owner_id=row.owner_id,
                created_at=now,
                updated_at=now,
            )
        )

    def update(self, row: ExerciseRow, now: datetime) -> None:
        self._session.execute(
            update(m.Exercise)
            .where(m.Exercise.id == row.id)
            .values(
                name=row.name,
                description=row.description,
                type=m.ExerciseType(row.type),
                meta=row.meta,
                updated_at=now,
            )
        )

    def delete(self, exercise_id: str) -> None:
        self._session.execute(delete(m.Exercise).where(m.Exercise.id == exercise_id))

    def programs_using(self, exercise_id: str) -> Sequence[str]:
        """Titles of the programs whose sessions use the exercise (any coach's: the foreign key
        refuses the delete whoever owns them)."""
        p, b, w, s, se = m.Program, m.ProgramBlock, m.Week, m.Session, m.SessionExercise
        return self._session.scalars(
            select(p.title)
            .distinct()
            .join(b, b.program_id == p.id)
            .join(w, w.block_id == b.id)
            .join(s, s.week_id == w.id)
            .join(se, se.session_id == s.id)
            .where(se.exercise_id == exercise_id)
            .order_by(p.title)
        ).all()

    def search(self, coach_id: str, query: SqlSearch) -> Sequence[str]:
        """The SQL design of the library search, kept for the benchmark that compares it with
        the in-memory catalogue: ids of matching exercises, by name."""
        return self._session.scalars(search_statement(coach_id, query)).all()


def search_statement(coach_id: str, query: SqlSearch) -> Select[Any]:
    """The library search as one SELECT (also sent as plain SQL by the benchmark)."""
    ex = m.Exercise
    muscles = func.concat_ws(
        " ",
        ex.meta["targetMuscleGroup"].astext,
        ex.meta["muscleGroups"].astext,
    )
    haystack = _fold(func.concat_ws(" ", ex.name, muscles, ex.description))
    stmt = select(ex.id).where(_visible(coach_id))
    for token in query.tokens:
        stmt = stmt.where(haystack.contains(token, autoescape=True))
    if query.type:
        stmt = stmt.where(ex.type == m.ExerciseType(query.type))
    if query.scope == "global":
        stmt = stmt.where(ex.scope == m.Scope.global_)
    elif query.scope == "mine":
        stmt = stmt.where(ex.owner_id == coach_id)
    if query.difficulty:
        level = func.lower(
            func.coalesce(ex.meta["difficultyLevel"].astext, ex.meta["difficulty"].astext)
        )
        stmt = stmt.where(level == query.difficulty)
    if query.muscle_group:
        stmt = stmt.where(_fold(muscles).contains(fold(query.muscle_group), autoescape=True))
    return stmt.order_by(func.lower(ex.name), ex.id)
