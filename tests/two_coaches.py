"""Two coaches side by side, each with a whole world of rows, for the isolation tests.

Every row of the second coach carries the word `Foreign` in its visible text, so a test can check
that no message or listing shown to the first coach names any of it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gbf_desktop.db import desktop_models as dm
from gbf_desktop.db import models as m

FOREIGN_MARK = "Foreign"
# bcrypt of "coach-password" (cost 10), as node's bcrypt writes it.
PASSWORD = "coach-password"


@dataclass(frozen=True)
class CoachWorld:
    """The ids of one coach's rows."""

    coach: str
    email: str
    student: str
    group_student: str
    group: str
    group_member: str
    exercise: str
    program: str
    block: str
    week: str
    session: str
    session_exercise: str
    assignment: str
    audit: str
    progress: str
    media: str
    review: str
    annotation: str
    favourite: str
    notification: str
    global_exercise: str


def _id() -> str:
    return str(uuid.uuid4())


def add_coach_world(engine: Engine, tag: str, *, clip: bytes, global_exercise: str) -> CoachWorld:
    """One coach, a direct student and a group student, a private exercise, a program with its
    tree assigned to the student, the student's log with a clip, a review, a favourite."""
    from gbf_desktop.services.auth import hash_password

    hashed = hash_password(PASSWORD)
    ids = {name: _id() for name in CoachWorld.__dataclass_fields__ if name != "email"}
    ids["global_exercise"] = global_exercise
    email = f"{tag.lower()}.coach@example.org"
    now = datetime(2026, 3, 1, 9, 0, 0)
    with Session(engine) as s:

        def add(row: Any) -> None:
            s.add(row)
            s.flush()

        add(
            m.User(
                id=ids["coach"],
                email=email,
                pseudo=f"{tag.lower()}-coach",
                password=hashed,
                role=m.Role.coach,
                first_name=f"{tag}coach",
                last_name="Trainer",
            )
        )
        for key, first in (("student", "student"), ("group_student", "groupie")):
            add(
                m.User(
                    id=ids[key],
                    email=f"{tag.lower()}.{first}@example.org",
                    pseudo=f"{tag.lower()}-{first}",
                    password=hashed,
                    role=m.Role.student,
                    first_name=f"{tag}{first}",
                    last_name="Athlete",
                    coach_id=ids["coach"] if key == "student" else None,
                )
            )
        add(m.Group(id=ids["group"], owner_id=ids["coach"], name=f"{tag} squad"))
        add(
            m.GroupMember(
                id=ids["group_member"], group_id=ids["group"], user_id=ids["group_student"]
            )
        )
        add(
            m.Exercise(
                id=ids["exercise"],
                name=f"{tag} private press",
                type=m.ExerciseType.standard,
                scope=m.Scope.coach,
                owner_id=ids["coach"],
                meta={"difficulty": "beginner", "muscleGroups": ["Chest"]},
            )
        )
        add(
            m.Program(
                id=ids["program"], title=f"{tag} program", coach_id=ids["coach"], is_draft=False
            )
        )
        add(m.ProgramBlock(id=ids["block"], program_id=ids["program"], title=f"{tag} block",
                           position=0))  # fmt: skip
        add(m.Week(id=ids["week"], block_id=ids["block"], week_number=1, position=0))
        add(
            m.Session(
                id=ids["session"],
                week_id=ids["week"],
                title=f"{tag} session",
                position=0,
                date=datetime(2026, 3, 2),
            )
        )
        add(
            m.SessionExercise(
                id=ids["session_exercise"],
                session_id=ids["session"],
                exercise_id=ids["exercise"],
                position=0,
                config={"sets": 3, "reps": 5, "format": "standard"},
            )
        )
        add(
            m.SessionExercise(
                session_id=ids["session"],
                exercise_id=global_exercise,
                position=1,
                config={"sets": 2, "reps": 8, "format": "standard"},
            )
        )
        add(
            m.ProgramAssignment(
                id=ids["assignment"],
                program_id=ids["program"],
                student_id=ids["student"],
                assigned_by=ids["coach"],
            )
        )
        add(
            m.ProgramAudit(
                id=ids["audit"],
                program_id=ids["program"],
                changed_by=ids["coach"],
                change_type="create",
                diff={"title": f"{tag} program"},
            )
        )
        add(
            m.SessionProgress(
                id=ids["progress"],
                session_id=ids["session"],
                student_id=ids["student"],
                progress={"sessionTitle": f"{tag} session", "exercises": []},
                notes=f"{tag} felt heavy",
                status="partial",
                updated_at=now,
            )
        )
        add(
            m.ExerciseMedia(
                id=ids["media"],
                progress_id=ids["progress"],
                data=clip,
                mime_type="video/mp4",
                size=len(clip),
            )
        )
        add(
            dm.ClipReview(
                id=ids["review"],
                media_id=ids["media"],
                reviewer_id=ids["coach"],
                comment=f"{tag} good depth",
            )
        )
        add(
            dm.ClipAnnotation(
                id=ids["annotation"],
                media_id=ids["media"],
                coach_id=ids["coach"],
                drawings=[],
                bar_path={"note": f"{tag} bar path"},
            )
        )
        add(
            m.FavoriteExercise(
                id=ids["favourite"], user_id=ids["coach"], exercise_id=ids["exercise"]
            )
        )
        add(
            m.Notification(
                id=ids["notification"],
                user_id=ids["student"],
                type="assignment",
                payload={"programTitle": f"{tag} program"},
            )
        )
        s.commit()
    return CoachWorld(email=email, **ids)


def add_global_exercise(engine: Engine) -> str:
    exercise = _id()
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO exercises (id, name, type, scope, meta, "updatedAt") '
                "VALUES (:i, 'Shared squat', 'standard', 'global', '{}', now())"
            ),
            {"i": exercise},
        )
    return exercise


@dataclass(frozen=True)
class TwoCoaches:
    mine: CoachWorld
    theirs: CoachWorld


def two_coaches(engine: Engine, clip: bytes) -> TwoCoaches:
    shared = add_global_exercise(engine)
    return TwoCoaches(
        mine=add_coach_world(engine, "Home", clip=clip, global_exercise=shared),
        theirs=add_coach_world(engine, FOREIGN_MARK, clip=clip, global_exercise=shared),
    )


def all_fingerprints(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table the desktop may write: public and gbf_desktop."""
    found: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT schemaname, tablename FROM pg_tables "
                "WHERE schemaname IN ('public', 'gbf_desktop') ORDER BY 1, 2"
            )
        ).all()
        for schema, table in tables:
            count, digest = conn.execute(
                text(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    f' FROM "{schema}"."{table}" AS t'
                )
            ).one()
            found[f"{schema}.{table}"] = (count, digest)
    return found
