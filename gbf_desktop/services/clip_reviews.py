"""The coach's clip review queue: clips their students uploaded that this coach has not reviewed.

Reviews live in the desktop-owned table `gbf_desktop.clip_reviews` (migration `add_clip_reviews`),
one per coach and clip, linked to `public.exercise_media` and `public.users` with ON DELETE
CASCADE: deleting a clip (or, through the platform's cascades, its session, log or student)
deletes its reviews. The web platform never sees them.

Why the table is safe beside the platform's `prisma db push`: the push only rewrites `public`, so
it neither sees nor drops the table, and `db check` compares `public` only (a foreign key pointing
into `public` from another schema belongs to that other schema's table). The consequence to know:
the foreign keys depend on `exercise_media_pkey` and `users_pkey`; a future platform model that
drops or rebuilds `exercise_media` (or its primary key) would have its push stopped by this
dependency, and the administrator would have to drop `gbf_desktop.clip_reviews` (or run
`gbf-desktop db downgrade add_exercise_media` once it is empty) before the push can proceed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.review import ClipReviewRecord, QueuedClip
from gbf_desktop.errors import ConflictError, ValidationError
from gbf_desktop.services.logging_on_behalf import new_uuid, utc_now_ms
from gbf_desktop.services.ports import UnitOfWorkBase

COMMENT_LIMIT = 4000


class ClipReviewStore(Protocol):
    def queue(
        self, coach_id: str, limit: int | None = None
    ) -> tuple[int, Sequence[QueuedClip]]: ...

    def clip_of_students(self, coach_id: str, media_id: str) -> bool: ...

    def review_of(self, media_id: str, reviewer_id: str) -> ClipReviewRecord | None: ...

    def add(
        self, review_id: str, media_id: str, reviewer_id: str, comment: str | None, at: datetime
    ) -> ClipReviewRecord | None: ...


class ClipReviewUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def clip_reviews(self) -> ClipReviewStore: ...


ClipReviewUnitOfWorkFactory = Callable[[], ClipReviewUnitOfWork]


@dataclass(frozen=True)
class ReviewQueue:
    total: int  # clips waiting, all of them
    clips: tuple[QueuedClip, ...]  # the newest first, at most the limit asked for


def load_queue(
    uow_factory: ClipReviewUnitOfWorkFactory, coach_id: str, *, limit: int | None = None
) -> ReviewQueue:
    with uow_factory() as uow:
        total, clips = uow.clip_reviews.queue(coach_id, limit)
    return ReviewQueue(total, tuple(clips))


def mark_reviewed(
    uow_factory: ClipReviewUnitOfWorkFactory,
    coach_id: str,
    media_id: str,
    comment: str,
    *,
    now: Callable[[], datetime] = utc_now_ms,
    new_id: Callable[[], str] = new_uuid,
) -> ClipReviewRecord:
    """Record that the coach reviewed the clip, with their comment (blank is allowed)."""
    rules.check_ids(coach_id=coach_id, media_id=media_id)
    rules.check_comment(comment, label="Review comment")
    text = comment.strip()
    if len(text) > COMMENT_LIMIT:
        raise ValidationError(f"A review comment can hold at most {COMMENT_LIMIT} characters.")
    with uow_factory() as uow:
        store = uow.clip_reviews
        if not store.clip_of_students(coach_id, media_id):
            raise ValidationError(
                "This clip no longer exists, or is not from one of your students.",
                hint="Refresh the review queue.",
            )
        review = store.add(new_id(), media_id, coach_id, text or None, now())
        if review is None:
            earlier = store.review_of(media_id, coach_id)
            when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC") if earlier else "earlier"
            raise ConflictError(
                f"You already reviewed this clip ({when}); nothing was changed.",
                hint="Refresh the review queue.",
            )
        uow.commit()
    return review
