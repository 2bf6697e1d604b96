"""A small coaching world in any database at head: a coach who can sign in, a student, a program
with one session assigned to the student, exercises of two types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.auth import hash_password
from gbf_desktop.services.backend import Backend

COACH_EMAIL = "coach@robust.example"
COACH_PASSWORD = "coach-pass-2026"
STUDENT_EMAIL = "student@robust.example"
SQUAT_CONFIG = {"sets": 3, "reps": 5, "weight": 100, "format": "standard"}


@dataclass(frozen=True)
class World:
    coach: str
    student: str
    program: str
    block: str
    week: str
    session: str
    squat: str
    burpees: str


def build_world(engine: Engine) -> World:
    password = hash_password(COACH_PASSWORD)
    with Session(engine, expire_on_commit=False) as s:

        def add(row: Any) -> Any:
            s.add(row)
            s.flush()
            return row

        coach = add(m.User(email=COACH_EMAIL, pseudo="coach", password=password,
                           role=m.Role.coach, first_name="Casey"))  # fmt: skip
        student = add(m.User(email=STUDENT_EMAIL, pseudo="ana", password=password,
                             role=m.Role.student, first_name="Ana", coach_id=coach.id))  # fmt: skip
        squat = add(m.Exercise(name="Back squat", type=m.ExerciseType.standard,
                               scope=m.Scope.global_))  # fmt: skip
        burpees = add(m.Exercise(name="Burpees", type=m.ExerciseType.AMRAP,
                                 scope=m.Scope.coach, owner_id=coach.id))  # fmt: skip
        program = add(m.Program(title="Strength 101", coach_id=coach.id, is_draft=False))
        block = add(m.ProgramBlock(program_id=program.id, title="Base", position=0))
        week = add(m.Week(block_id=block.id, week_number=1, position=0))
        session = add(m.Session(week_id=week.id, title="Day 1", position=0,
                                date=datetime(2025, 5, 12)))  # fmt: skip
        add(m.SessionExercise(session_id=session.id, exercise_id=squat.id, position=0,
                              config=SQUAT_CONFIG))  # fmt: skip
        add(m.ProgramAssignment(program_id=program.id, student_id=student.id,
                                assigned_by=coach.id))  # fmt: skip
        s.commit()
        return World(
            coach=coach.id,
            student=student.id,
            program=program.id,
            block=block.id,
            week=week.id,
            session=session.id,
            squat=squat.id,
            burpees=burpees.id,
        )


def backend_on(engine: Engine) -> Backend:
    sessions = uow_factory(engine)
    return Backend(uow_factory=lambda: SqlUnitOfWork(sessions), database_label="test")
