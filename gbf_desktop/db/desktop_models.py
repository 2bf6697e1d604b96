"""Tables that only the desktop app needs, in the `gbf_desktop` schema.

They share `models.Base`'s metadata (and so its Prisma-style naming convention) so that Alembic and
the foreign keys into the platform's tables see one schema description. They live outside `public`
because the platform's `prisma db push` drops from `public` whatever its own model does not declare.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
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
