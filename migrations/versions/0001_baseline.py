"""Baseline: the platform's public schema as it stood before form clips existed.

Everything of the contract except the `circuit` exercise type and the `exercise_media` table, with
Prisma's exact names, so a fresh database built here is the database the platform would have built.
This revision is self-contained on purpose: it must keep building the same schema whatever the
models become later.

Revision ID: baseline
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from gbf_desktop.errors import MigrationRefused

revision: str = "baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = pg.TIMESTAMP(precision=3)
NOW = sa.text("CURRENT_TIMESTAMP")

ROLE = pg.ENUM("admin", "coach", "student", name="Role", create_type=False)
SCOPE = pg.ENUM("global", "coach", name="Scope", create_type=False)
INVITATION_STATUS = pg.ENUM(
    "pending", "accepted", "rejected", name="InvitationStatus", create_type=False
)
EXERCISE_TYPE = pg.ENUM(
    "standard", "EMOM", "AMRAP", "custom", name="ExerciseType", create_type=False
)
ENUMS = (EXERCISE_TYPE, INVITATION_STATUS, ROLE, SCOPE)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.Text(), nullable=False)


def _text(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _created(name: str = "createdAt") -> sa.Column[object]:
    return sa.Column(name, TS, server_default=NOW, nullable=False)


def _updated() -> sa.Column[object]:
    # No default: the platform (and this app) sets updatedAt on every write.
    return sa.Column("updatedAt", TS, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"{table}_pkey")


def _fk(table: str, column: str, target: str, ondelete: str) -> None:
    op.create_foreign_key(
        f"{table}_{column}_fkey",
        table,
        target,
        [column],
        ["id"],
        onupdate="CASCADE",
        ondelete=ondelete,
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    suffix = "key" if unique else "idx"
    op.create_index(f"{table}_{'_'.join(columns)}_{suffix}", table, list(columns), unique=unique)


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind, checkfirst=False)

    op.create_table(
        "users",
        _id(),
        _text("email"),
        _text("pseudo"),
        _text("password"),
        _text("firstName", nullable=True),
        _text("lastName", nullable=True),
        sa.Column("role", ROLE, nullable=False),
        _text("profileUrl", nullable=True),
        _text("coachId", nullable=True),
        _created(),
        _updated(),
        _pk("users"),
    )
    op.create_table(
        "badges",
        _id(),
        _text("key"),
        sa.Column("title", pg.JSONB(), nullable=False),
        sa.Column("description", pg.JSONB(), nullable=False),
        sa.Column("criteria", pg.JSONB(), nullable=False),
        _pk("badges"),
    )
    op.create_table(
        "user_badges",
        _id(),
        _text("userId"),
        _text("badgeId"),
        _created("awardedAt"),
        _pk("user_badges"),
    )
    op.create_table(
        "exercises",
        _id(),
        _text("name"),
        _text("description", nullable=True),
        sa.Column("type", EXERCISE_TYPE, nullable=False),
        sa.Column("meta", pg.JSONB(), nullable=True),
        sa.Column("scope", SCOPE, nullable=False),
        _text("ownerId", nullable=True),
        _created(),
        _updated(),
        _pk("exercises"),
    )
    op.create_table(
        "exercise_history",
        _id(),
        _text("userId"),
        _text("exerciseId"),
        _created("viewedAt"),
        _pk("exercise_history"),
    )
    op.create_table(
        "exercise_ratings",
        _id(),
        _text("exerciseId"),
        _text("userId"),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        _text("comment", nullable=True),
        _created(),
        _updated(),
        _pk("exercise_ratings"),
    )
    op.create_table(
        "favorite_exercises",
        _id(),
        _text("userId"),
        _text("exerciseId"),
        _created("addedAt"),
        _pk("favorite_exercises"),
    )
    op.create_table(
        "groups",
        _id(),
        _text("ownerId"),
        _text("name"),
        _text("description", nullable=True),
        _created(),
        _updated(),
        _pk("groups"),
    )
    op.create_table(
        "group_members",
        _id(),
        _text("groupId"),
        _text("userId"),
        sa.Column(
            "roleInGroup", sa.Text(), server_default=sa.text("'member'::text"), nullable=False
        ),
        _created("joinedAt"),
        _pk("group_members"),
    )
    op.create_table(
        "invitations",
        _id(),
        _text("groupId"),
        _text("fromCoachId"),
        _text("toUserId"),
        sa.Column("status", INVITATION_STATUS, nullable=False),
        _created(),
        sa.Column("respondedAt", TS, nullable=True),
        _pk("invitations"),
    )
    op.create_table(
        "notifications",
        _id(),
        _text("userId"),
        _text("type"),
        sa.Column("payload", pg.JSONB(), nullable=True),
        sa.Column("read", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        _created(),
        _pk("notifications"),
    )
    op.create_table(
        "programs",
        _id(),
        _text("title"),
        _text("description", nullable=True),
        _text("coachId"),
        sa.Column("isDraft", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created(),
        _updated(),
        sa.Column("data", pg.JSONB(), nullable=True),
        _text("ownerId", nullable=True),
        _pk("programs"),
    )
    op.create_table(
        "program_assignments",
        _id(),
        _text("programId"),
        _text("studentId"),
        _text("assignedBy", nullable=True),
        _created("assignedAt"),
        _pk("program_assignments"),
    )
    op.create_table(
        "program_audit",
        _id(),
        _text("programId"),
        _text("changedBy"),
        _text("changeType"),
        sa.Column("diff", pg.JSONB(), nullable=True),
        _created(),
        _pk("program_audit"),
    )
    op.create_table(
        "program_blocks",
        _id(),
        _text("programId"),
        _text("title", nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _text("notes", nullable=True),
        _pk("program_blocks"),
    )
    op.create_table(
        "weeks",
        _id(),
        _text("blockId"),
        sa.Column("weekNumber", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _pk("weeks"),
    )
    op.create_table(
        "sessions",
        _id(),
        _text("weekId"),
        _text("title", nullable=True),
        _text("notes", nullable=True),
        sa.Column("date", TS, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("data", pg.JSONB(), nullable=True),
        _pk("sessions"),
    )
    op.create_table(
        "session_exercises",
        _id(),
        _text("sessionId"),
        _text("exerciseId"),
        sa.Column("config", pg.JSONB(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _pk("session_exercises"),
    )
    op.create_table(
        "session_progress",
        _id(),
        _text("sessionId"),
        _text("studentId"),
        sa.Column("progress", pg.JSONB(), nullable=True),
        _text("notes", nullable=True),
        sa.Column("videos", pg.ARRAY(sa.Text()), nullable=True),
        _created("savedAt"),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Double(), nullable=True),
        _text("format", nullable=True),
        sa.Column(
            "status", sa.Text(), server_default=sa.text("'not_started'::text"), nullable=True
        ),
        _updated(),
        _pk("session_progress"),
        sa.UniqueConstraint(
            "sessionId", "studentId", name="session_progress_sessionId_studentId_key"
        ),
    )

    _index("badges", "key", unique=True)
    _index("exercise_history", "exerciseId")
    _index("exercise_history", "userId")
    _index("exercise_history", "viewedAt")
    _index("exercise_ratings", "exerciseId")
    _index("exercise_ratings", "exerciseId", "userId", unique=True)
    _index("exercise_ratings", "userId")
    _index("favorite_exercises", "exerciseId")
    _index("favorite_exercises", "userId", "exerciseId", unique=True)
    _index("favorite_exercises", "userId")
    _index("group_members", "groupId", "userId", unique=True)
    _index("users", "email", unique=True)
    _index("users", "pseudo", unique=True)

    _fk("users", "coachId", "users", "SET NULL")
    _fk("user_badges", "userId", "users", "RESTRICT")
    _fk("user_badges", "badgeId", "badges", "RESTRICT")
    _fk("exercises", "ownerId", "users", "SET NULL")
    _fk("exercise_history", "userId", "users", "CASCADE")
    _fk("exercise_history", "exerciseId", "exercises", "CASCADE")
    _fk("exercise_ratings", "exerciseId", "exercises", "CASCADE")
    _fk("exercise_ratings", "userId", "users", "CASCADE")
    _fk("favorite_exercises", "userId", "users", "CASCADE")
    _fk("favorite_exercises", "exerciseId", "exercises", "CASCADE")
    _fk("groups", "ownerId", "users", "CASCADE")
    _fk("group_members", "groupId", "groups", "CASCADE")
    _fk("group_members", "userId", "users", "CASCADE")
    _fk("invitations", "groupId", "groups", "CASCADE")
    _fk("invitations", "fromCoachId", "users", "RESTRICT")
    _fk("invitations", "toUserId", "users", "RESTRICT")
    _fk("notifications", "userId", "users", "RESTRICT")
    _fk("programs", "coachId", "users", "CASCADE")
    _fk("program_assignments", "programId", "programs", "CASCADE")
    _fk("program_assignments", "studentId", "users", "CASCADE")
    _fk("program_assignments", "assignedBy", "users", "SET NULL")
    _fk("program_audit", "programId", "programs", "CASCADE")
    _fk("program_audit", "changedBy", "users", "RESTRICT")
    _fk("program_blocks", "programId", "programs", "CASCADE")
    _fk("weeks", "blockId", "program_blocks", "CASCADE")
    _fk("sessions", "weekId", "weeks", "CASCADE")
    _fk("session_exercises", "sessionId", "sessions", "CASCADE")
    _fk("session_exercises", "exerciseId", "exercises", "RESTRICT")
    _fk("session_progress", "sessionId", "sessions", "CASCADE")
    _fk("session_progress", "studentId", "users", "CASCADE")


def downgrade() -> None:
    """Refuse to drop a database that holds anyone's data; drop an empty one."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM exercises)"
            " + (SELECT count(*) FROM programs)"
        )
    ).scalar_one()
    if rows:
        raise MigrationRefused(
            f"Refusing to remove the GoBeyondFit schema: {rows} users, exercises or programs "
            "are stored in it.",
            hint="Back the database up and remove it by hand if that is really meant.",
        )
    for table in (
        "session_progress",
        "session_exercises",
        "sessions",
        "weeks",
        "program_blocks",
        "program_audit",
        "program_assignments",
        "programs",
        "notifications",
        "invitations",
        "group_members",
        "groups",
        "favorite_exercises",
        "exercise_ratings",
        "exercise_history",
        "exercises",
        "user_badges",
        "badges",
        "users",
    ):
        op.drop_table(table)
    for enum in ENUMS:
        enum.drop(bind, checkfirst=False)
