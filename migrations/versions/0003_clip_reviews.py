"""Clip reviews: the desktop-owned `gbf_desktop.clip_reviews` table.

Revision ID: add_clip_reviews
Revises: add_exercise_media
Create Date: 2026-12-01

Nothing in `public` changes. The table's foreign keys point into `public` (exercise_media, users);
the platform's `prisma db push` leaves them alone as long as it does not drop those tables. Should a
future platform model drop or rebuild `exercise_media`, its push would stop on this dependency
instead of silently taking the reviews with it (see docs in gbf_desktop/services/clip_reviews.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from gbf_desktop.errors import MigrationRefused

revision: str = "add_clip_reviews"
down_revision: str | None = "add_exercise_media"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "gbf_desktop"


def upgrade() -> None:
    op.create_table(
        "clip_reviews",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("mediaId", sa.Text(), nullable=False),
        sa.Column("reviewerId", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "createdAt",
            pg.TIMESTAMP(precision=3),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="clip_reviews_pkey"),
        sa.ForeignKeyConstraint(
            ["mediaId"],
            ["public.exercise_media.id"],
            name="clip_reviews_mediaId_fkey",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewerId"],
            ["public.users.id"],
            name="clip_reviews_reviewerId_fkey",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "clip_reviews_mediaId_reviewerId_key",
        "clip_reviews",
        ["mediaId", "reviewerId"],
        unique=True,
        schema=SCHEMA,
    )
    op.create_index("clip_reviews_reviewerId_idx", "clip_reviews", ["reviewerId"], schema=SCHEMA)


def downgrade() -> None:
    """Drop the reviews table only when it is empty: no downgrade loses data silently."""
    bind = op.get_bind()
    reviews = bind.execute(sa.text(f'SELECT count(*) FROM "{SCHEMA}".clip_reviews')).scalar_one()
    if reviews:
        raise MigrationRefused(
            f"Cannot go back before clip reviews: {reviews} clip review"
            f"{'s' if reviews != 1 else ''} ({SCHEMA}.clip_reviews) would be lost.",
            hint="Export or delete them first; nothing was changed.",
        )
    op.drop_table("clip_reviews", schema=SCHEMA)
