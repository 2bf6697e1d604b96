"""Clip annotations: the desktop-owned `gbf_desktop.clip_annotations` table.

Revision ID: add_clip_annotations
Revises: add_clip_reviews
Create Date: 2026-12-01

One row per coach and clip: the coach's drawings (lines, angles, text...) and the bar path tracked
on the clip. As for the clip reviews, nothing in `public` changes, and the foreign keys into
`public` cascade: deleting a clip (or a coach) deletes its annotations.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from gbf_desktop.errors import MigrationRefused

revision: str = "add_clip_annotations"
down_revision: str | None = "add_clip_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "gbf_desktop"


def upgrade() -> None:
    op.create_table(
        "clip_annotations",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("mediaId", sa.Text(), nullable=False),
        sa.Column("coachId", sa.Text(), nullable=False),
        sa.Column(
            "drawings",
            pg.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("barPath", pg.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "updatedAt",
            pg.TIMESTAMP(precision=3),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="clip_annotations_pkey"),
        sa.ForeignKeyConstraint(
            ["mediaId"],
            ["public.exercise_media.id"],
            name="clip_annotations_mediaId_fkey",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coachId"],
            ["public.users.id"],
            name="clip_annotations_coachId_fkey",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "clip_annotations_mediaId_coachId_key",
        "clip_annotations",
        ["mediaId", "coachId"],
        unique=True,
        schema=SCHEMA,
    )
    op.create_index("clip_annotations_coachId_idx", "clip_annotations", ["coachId"], schema=SCHEMA)


def downgrade() -> None:
    """Drop the table only when it is empty: no downgrade loses a coach's drawings silently."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(f'SELECT count(*) FROM "{SCHEMA}".clip_annotations')).scalar_one()
    if rows:
        raise MigrationRefused(
            f"Cannot go back before clip annotations: the drawings and bar paths of {rows} "
            f"clip{'s' if rows != 1 else ''} ({SCHEMA}.clip_annotations) would be lost.",
            hint="Delete them first; nothing was changed.",
        )
    op.drop_table("clip_annotations", schema=SCHEMA)
