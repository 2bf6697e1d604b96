"""Tables that only the desktop app needs, in the `gbf_desktop` schema.

They share `models.Base`'s metadata (and so its Prisma-style naming convention) so that Alembic and
the foreign keys into the platform's tables see one schema description. They live outside `public`
because the platform's `prisma db push` drops from `public` whatever its own model does not declare.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gbf_desktop.db.models import DESKTOP_SCHEMA, NOW, Base, IdMixin


class ClipReview(IdMixin, Base):
    """A coach's review of one clip: the review queue shows the clips without one."""

    __tablename__ = "clip_reviews"
    __table_args__ = (
        # One review per coach and clip: marking it twice from two workstations is a conflict,
        # and the queue's "not reviewed by me" lookup is an index probe.
        Index("clip_reviews_mediaId_reviewerId_key", "mediaId", "reviewerId", unique=True),
        Index(None, "reviewerId"),
        {"schema": DESKTOP_SCHEMA},
    )

    # Cross-schema keys into `public`: a deleted clip (or coach) takes its reviews with it.
    media_id: Mapped[str] = mapped_column(
        "mediaId", ForeignKey("exercise_media.id", onupdate="CASCADE", ondelete="CASCADE")
    )
    reviewer_id: Mapped[str] = mapped_column(
        "reviewerId", ForeignKey("users.id", onupdate="CASCADE", ondelete="CASCADE")
    )
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column("createdAt", server_default=NOW)


class ClipAnnotation(IdMixin, Base):
    """A coach's drawings on one clip, and the clip's bar path as that coach tracked it."""

    __tablename__ = "clip_annotations"
    __table_args__ = (
        # One row per coach and clip: a save from a second workstation replaces, never doubles.
        Index("clip_annotations_mediaId_coachId_key", "mediaId", "coachId", unique=True),
        Index(None, "coachId"),
        {"schema": DESKTOP_SCHEMA},
    )

    media_id: Mapped[str] = mapped_column(
        "mediaId", ForeignKey("exercise_media.id", onupdate="CASCADE", ondelete="CASCADE")
    )
    coach_id: Mapped[str] = mapped_column(
        "coachId", ForeignKey("users.id", onupdate="CASCADE", ondelete="CASCADE")
    )
    # `domain.drawings.to_json` of the coach's drawings; `video.bar_tracker.analysis_json` of
    # the tracked path (None until tracked).
    drawings: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB(), server_default=text("'[]'::jsonb")
    )
    bar_path: Mapped[dict[str, Any] | None] = mapped_column("barPath", JSONB())
    updated_at: Mapped[datetime] = mapped_column("updatedAt", server_default=NOW)
