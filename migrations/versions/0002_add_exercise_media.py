"""Form clips: the `circuit` exercise type and the `exercise_media` table.

Revision ID: add_exercise_media
Revises: baseline
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from gbf_desktop.errors import MigrationRefused

revision: str = "add_exercise_media"
down_revision: str | None = "baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # IF NOT EXISTS: a database adopted mid-way may have the value already.
    op.execute("""ALTER TYPE "ExerciseType" ADD VALUE IF NOT EXISTS 'circuit' BEFORE 'custom'""")
    op.create_table(
        "exercise_media",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("progressId", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mimeType", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column(
            "createdAt",
            pg.TIMESTAMP(precision=3),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="exercise_media_pkey"),
    )
    op.create_index("exercise_media_progressId_idx", "exercise_media", ["progressId"])
    op.create_foreign_key(
        "exercise_media_progressId_fkey",
        "exercise_media",
        "session_progress",
        ["progressId"],
        ["id"],
        onupdate="CASCADE",
        ondelete="CASCADE",
    )


def downgrade() -> None:
    """Remove clips support only when nothing uses it: no downgrade loses data silently."""
    bind = op.get_bind()
    clips = bind.execute(sa.text("SELECT count(*) FROM exercise_media")).scalar_one()
    circuits = bind.execute(
        sa.text("SELECT count(*) FROM exercises WHERE type::text = 'circuit'")
    ).scalar_one()
    if clips or circuits:
        in_the_way = []
        if clips:
            in_the_way.append(f"{clips} stored clip{'s' if clips != 1 else ''} (exercise_media)")
        if circuits:
            in_the_way.append(
                f"{circuits} circuit exercise{'s' if circuits != 1 else ''} (exercises)"
            )
        raise MigrationRefused(
            "Cannot go back before form clips: " + " and ".join(in_the_way) + " would be lost.",
            hint="Export or delete them first; nothing was changed.",
        )

    op.drop_table("exercise_media")
    # PostgreSQL cannot drop one value of an enum: rebuild the type without it.
    op.execute("""ALTER TYPE "ExerciseType" RENAME TO "ExerciseType_with_circuit\"""")
    op.execute("""CREATE TYPE "ExerciseType" AS ENUM ('standard', 'EMOM', 'AMRAP', 'custom')""")
    op.execute(
        """ALTER TABLE exercises ALTER COLUMN type TYPE "ExerciseType" """
        """USING type::text::"ExerciseType\""""
    )
    op.execute('DROP TYPE "ExerciseType_with_circuit"')
