"""A coach's drawings and bar path on a clip, kept in `gbf_desktop.clip_annotations`.

One row per coach and clip (migration `add_clip_annotations`), linked to `public.exercise_media`
and `public.users` with ON DELETE CASCADE, like the clip reviews (see services/clip_reviews.py for
why a table in the desktop's schema is safe beside the platform's `prisma db push`). Only a clip of
one of the coach's students can be annotated; a clip id from elsewhere reads as "no such clip".

Drawings are validated against the clip's picture before anything is written; a save replaces the
coach's drawings on that clip as a whole, in one statement, so a failed save leaves the previous
drawings untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from gbf_desktop.domain import drawings as drawing_rules
from gbf_desktop.domain import validation
from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.drawings import Drawing
from gbf_desktop.errors import ValidationError
from gbf_desktop.services.logging_on_behalf import new_uuid, utc_now_ms
from gbf_desktop.services.ports import UnitOfWorkBase


@dataclass(frozen=True)
class AnnotationRecord:
    media_id: str
    coach_id: str
    drawings: list[dict[str, Any]]
    bar_path: dict[str, Any] | None
    updated_at: datetime


class AnnotationStore(Protocol):
    def clip_of_students(self, coach_id: str, media_id: str) -> bool: ...

    def get(self, media_id: str, coach_id: str) -> AnnotationRecord | None: ...

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
        """Insert the coach's row for the clip, or update the given column(s) of it."""
        ...


class AnnotationUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def annotations(self) -> AnnotationStore: ...


AnnotationUowFactory = Callable[[], AnnotationUnitOfWork]


@dataclass(frozen=True)
class ClipAnnotations:
    media_id: str
    drawings: tuple[Drawing, ...]
    bar_path: dict[str, Any] | None  # `video.bar_tracker.analysis_json` plus the marks
    updated_at: datetime | None  # None: never annotated


def _check_clip(store: AnnotationStore, coach_id: str, media_id: str) -> None:
    if not store.clip_of_students(coach_id, media_id):
        raise ValidationError(
            "This clip no longer exists, or is not from one of your students.",
            hint="Refresh the clips page.",
        )


def _view(media_id: str, record: AnnotationRecord | None) -> ClipAnnotations:
    if record is None:
        return ClipAnnotations(media_id, (), None, None)
    return ClipAnnotations(
        media_id, drawing_rules.from_json(record.drawings), record.bar_path, record.updated_at
    )


def load(uow_factory: AnnotationUowFactory, coach_id: str, media_id: str) -> ClipAnnotations:
    with uow_factory() as uow:
        _check_clip(uow.annotations, coach_id, media_id)
        return _view(media_id, uow.annotations.get(media_id, coach_id))


def save_drawings(
    uow_factory: AnnotationUowFactory,
    coach_id: str,
    media_id: str,
    drawings: Sequence[Drawing],
    *,
    width: int,
    height: int,
    now: Callable[[], datetime] = utc_now_ms,
    new_id: Callable[[], str] = new_uuid,
) -> ClipAnnotations:
    """Replace the coach's drawings on the clip (checked against its `width`x`height` picture)."""
    rules.check_ids(coach_id=coach_id, media_id=media_id)
    checked = drawing_rules.validate_all(drawings, width, height)
    with uow_factory() as uow:
        store = uow.annotations
        _check_clip(store, coach_id, media_id)
        store.save(new_id(), media_id, coach_id, now(), drawings=drawing_rules.to_json(checked))
        record = store.get(media_id, coach_id)
        uow.commit()
    return _view(media_id, record)


def save_bar_path(
    uow_factory: AnnotationUowFactory,
    coach_id: str,
    media_id: str,
    result: dict[str, Any],
    *,
    now: Callable[[], datetime] = utc_now_ms,
    new_id: Callable[[], str] = new_uuid,
) -> ClipAnnotations:
    """Store a tracked bar path (as `video.bar_tracker.analysis_json` gives it) with the clip."""
    rules.check_ids(coach_id=coach_id, media_id=media_id)
    if not isinstance(result.get("path"), list) or not isinstance(result.get("reps"), list):
        raise ValidationError("A bar path needs its samples and its reps; nothing was stored.")
    # A tracker's samples are floats: a NaN or an infinity would not survive jsonb.
    validation.json_value(
        result, field="bar_path", label="The bar path", limits=validation.BAR_PATH_LIMITS
    )
    with uow_factory() as uow:
        store = uow.annotations
        _check_clip(store, coach_id, media_id)
        store.save(new_id(), media_id, coach_id, now(), bar_path=result)
        record = store.get(media_id, coach_id)
        uow.commit()
    return _view(media_id, record)
