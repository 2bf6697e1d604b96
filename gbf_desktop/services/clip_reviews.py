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

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.review import ClipReviewRecord, QueuedClip
from gbf_desktop.errors import ConflictError, ValidationError
from gbf_desktop.services.logging_on_behalf import js_iso, new_uuid, utc_now_ms
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

    def set_comment(self, media_id: str, reviewer_id: str, comment: str) -> bool: ...

    def feedback_target(self, media_id: str) -> dict[str, Any] | None: ...

    def write_progress(self, progress_id: str, progress: Any, updated_at: datetime) -> None: ...

    def notify(
        self, notification_id: str, user_id: str, kind: str, payload: dict[str, Any], at: datetime
    ) -> None: ...

    def pseudo_of(self, user_id: str) -> str | None: ...


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


# The web's notification centre (`notification-center.tsx`) lists `assignment` rows only, as the
# card "Programme assigné: <coachPseudo> vous a assigné le programme "<programTitle>"" dated by
# `assignedAt`, and only those rows can be marked read or deleted there; its sidebar badge counts
# every unread row. A row of any other type would raise a badge the student can never clear and
# show nothing. So feedback rides on that card: `programTitle` carries the program and the
# comment, and `kind` tells a feedback row from a real assignment for any reader that cares.
FEEDBACK_NOTIFICATION = "assignment"
FEEDBACK_KIND = "clipReview"


def feedback_card_text(program_title: str | None, about: str, comment: str) -> str:
    """The card's program slot: the program, then the coach's words and what they are about."""
    lead = f"{program_title} — " if program_title else ""
    return f"{lead}retour sur votre vidéo ({about}) : « {comment} »"


@dataclass(frozen=True)
class Feedback:
    """Where a shared comment went: the log's exercise entry (None if the log has none)."""

    exercise_name: str | None
    progress: dict[str, Any]


def with_feedback(
    progress: object, media_id: str, coach_name: str, comment: str, at: datetime
) -> Feedback:
    """The log's `progress` with the coach's comment added to the clip's exercise entry notes.

    The clip's entry is the one whose `videos` holds the clip's id (the web puts an upload's id
    there); else the first entry the student logged; else the first entry. The student's own
    notes (`data.notes`) are never touched: the comment goes to the entry's `notes`, after any
    earlier feedback, one paragraph each, so nothing already written is lost.
    """
    body: dict[str, Any] = copy.deepcopy(dict(progress)) if isinstance(progress, Mapping) else {}
    entries = [e for e in body.get("exercises") or [] if isinstance(e, dict)]
    if not entries:
        return Feedback(None, body)

    def logged(entry: Mapping[str, Any]) -> bool:
        data = entry.get("data")
        return isinstance(data, Mapping) and bool(data)

    entry = next(
        (e for e in entries if media_id in (e.get("videos") or [])),
        next((e for e in entries if logged(e)), entries[0]),
    )
    line = f"Coach {coach_name} ({at:%Y-%m-%d}): {comment}"
    earlier = entry.get("notes")
    entry["notes"] = f"{earlier}\n\n{line}" if isinstance(earlier, str) and earlier else line
    name = entry.get("exerciseName")
    return Feedback(name if isinstance(name, str) else None, body)


def mark_reviewed(
    uow_factory: ClipReviewUnitOfWorkFactory,
    coach_id: str,
    media_id: str,
    comment: str,
    *,
    private: bool = False,
    now: Callable[[], datetime] = utc_now_ms,
    new_id: Callable[[], str] = new_uuid,
) -> ClipReviewRecord:
    """Record that the coach reviewed the clip, with their comment (blank is allowed).

    A comment reaches the student unless `private`: it is added to the notes of the clip's
    exercise entry (where the web's workout page shows an exercise's notes) and a notification
    row tells the student (`FEEDBACK_NOTIFICATION`, with a payload in the fields the web's centre
    renders, plus the ids a later screen needs). A private review stays in the
    desktop's own table. A clip the coach stored (reviewed without comment on storing) takes
    its first comment here.
    """
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
        moment = now()
        review = store.add(new_id(), media_id, coach_id, text or None, moment)
        if review is None:
            earlier = store.review_of(media_id, coach_id)
            if earlier is not None and earlier.comment is None and text:
                store.set_comment(media_id, coach_id, text)
                review = ClipReviewRecord(earlier.id, media_id, coach_id, text, earlier.created_at)
            else:
                when = earlier.created_at.strftime("%Y-%m-%d %H:%M UTC") if earlier else "earlier"
                raise ConflictError(
                    f"You already reviewed this clip ({when}); nothing was changed.",
                    hint="Refresh the review queue.",
                )
        if text and not private:
            _share(
                store, coach_id=coach_id, media_id=media_id, text=text, moment=moment, new_id=new_id
            )
        uow.commit()
    return review


def _share(
    store: ClipReviewStore,
    *,
    coach_id: str,
    media_id: str,
    text: str,
    moment: datetime,
    new_id: Callable[[], str],
) -> None:
    target = store.feedback_target(media_id)
    if target is None:
        return  # checked above; only a concurrent delete gets here, and takes the clip along
    coach = store.pseudo_of(coach_id) or "your coach"
    feedback = with_feedback(target["progress"], media_id, coach, text, moment)
    metadata = feedback.progress.get("metadata")
    feedback.progress["metadata"] = {
        **(dict(metadata) if isinstance(metadata, Mapping) else {}),
        "lastModifiedAt": js_iso(moment),
        "lastModifiedBy": coach_id,
    }
    store.write_progress(target["progressId"], feedback.progress, moment)
    about = feedback.exercise_name or target["sessionTitle"] or "votre séance"
    store.notify(
        new_id(),
        target["studentId"],
        FEEDBACK_NOTIFICATION,
        {
            # The fields the web centre's card reads: coachPseudo, programTitle, assignedAt.
            "coachPseudo": coach,
            "programTitle": feedback_card_text(target["programTitle"], about, text),
            "assignedAt": js_iso(moment),
            "kind": FEEDBACK_KIND,
            "comment": text,
            "mediaId": media_id,
            "progressId": target["progressId"],
            "sessionId": target["sessionId"],
            "sessionTitle": target["sessionTitle"],
            "program": target["programTitle"],
            "exerciseName": feedback.exercise_name,
            "reviewedAt": js_iso(moment),
        },
        moment,
    )
