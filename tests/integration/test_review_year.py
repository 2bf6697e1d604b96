"""A student with a year of history: their whole progress loads in at most five SQL statements.

`build_year` writes, in the web platform's shapes, one program of 13 blocks x 4 weeks x 4 dated
sessions x 8 exercises, assigned a year ago, and a `session_progress` row for every session; the
benchmark `bench/progress.py` uses the same year.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.logging_on_behalf import js_iso
from gbf_desktop.services.review import load_student_progress

WEEKS, SESSIONS_PER_WEEK, EXERCISES_PER_SESSION = 52, 4, 8
WEEKS_PER_BLOCK = 4
HASH = "$2b$10$abcdefghijklmnopqrstuuJ0J1JqgW6p3fUj3Zk8b5o0n9kXH7Q2e"  # never signed in with


@dataclass(frozen=True)
class Year:
    coach_id: str
    student_id: str
    today: date
    sessions: int
    exercises: int


def _id(*parts: object) -> str:
    # Stable, UUID-shaped ids: a failure is reproducible.
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, "gbf-year/" + "/".join(map(str, parts))))


def build_year(engine: Engine, *, today: date, seed: int = 7) -> Year:
    """Write the year (see the module docstring) and return who and what it holds."""
    rng = random.Random(seed)
    start = today - timedelta(days=7 * WEEKS)
    start -= timedelta(days=start.weekday())  # the Monday
    moment = datetime.combine(start, time(9)) - timedelta(days=3)
    coach, student = _id("coach"), _id("student")
    users = [
        {"id": coach, "email": "year.coach@example.org", "pseudo": "year_coach", "role": "coach"},
        {
            "id": student,
            "email": "year.student@example.org",
            "pseudo": "year_student",
            "role": "student",
            "coachId": coach,
            "firstName": "Yara",
            "lastName": "Long",
        },
    ]
    for user in users:
        user.update(password=HASH, updatedAt=moment)
        user.setdefault("coachId", None)
        user.setdefault("firstName", None)
        user.setdefault("lastName", None)
    exercises = [
        {
            "id": _id("exercise", n),
            "name": f"Lift {n + 1}",
            "type": "standard",
            "scope": "coach",
            "ownerId": coach,
            "meta": {"difficulty": "Intermediate"},
            "updatedAt": moment,
        }
        for n in range(EXERCISES_PER_SESSION)
    ]
    program = _id("program")
    rows: dict[str, list[dict[str, Any]]] = {
        "blocks": [],
        "weeks": [],
        "sessions": [],
        "items": [],
        "progress": [],
    }
    for week in range(WEEKS):
        block_no, week_in_block = divmod(week, WEEKS_PER_BLOCK)
        block = _id("block", block_no)
        if week_in_block == 0:
            rows["blocks"].append(
                {
                    "id": block,
                    "programId": program,
                    "title": f"Block {block_no + 1}",
                    "position": block_no,
                }
            )
        week_id = _id("week", week)
        rows["weeks"].append(
            {"id": week_id, "blockId": block, "weekNumber": week + 1, "position": week_in_block}
        )
        for day in range(SESSIONS_PER_WEEK):
            session = _id("session", week, day)
            when = datetime.combine(start + timedelta(days=7 * week + 2 * day), time(0))
            rows["sessions"].append(
                {
                    "id": session,
                    "weekId": week_id,
                    "title": f"W{week + 1} D{day + 1}",
                    "notes": None,
                    "date": when,
                    "position": day,
                }
            )
            entries = []
            for n, exercise in enumerate(exercises):
                config = {"sets": 4, "reps": 8, "format": "standard", "weight": 40 + 5 * n}
                rows["items"].append(
                    {
                        "id": _id("item", week, day, n),
                        "sessionId": session,
                        "exerciseId": exercise["id"],
                        "config": config,
                        "position": n,
                    }
                )
                reps = [8, 8, rng.choice((7, 8)), rng.choice((6, 7, 8))]
                weight = 40 + 5 * n + week // 4 * 2.5
                entries.append(
                    {
                        "position": n,
                        "exerciseId": exercise["id"],
                        "exerciseName": exercise["name"],
                        "exerciseType": "standard",
                        "config": config,
                        "status": "completed",
                        "notes": "",
                        "videos": [],
                        "data": {
                            "setsCompleted": 4,
                            "repsPerSet": reps,
                            "repsCompleted": sum(reps),
                            "weightUsed": weight,
                            "rpe": 8,
                            "notes": "",
                        },
                    }
                )
            if when.date() >= today:
                continue
            saved = when + timedelta(hours=18, minutes=rng.randint(0, 59))
            rows["progress"].append(
                {
                    "id": _id("progress", week, day),
                    "sessionId": session,
                    "studentId": student,
                    "progress": {
                        "sessionId": session,
                        "sessionTitle": f"W{week + 1} D{day + 1}",
                        "sessionNotes": None,
                        "week": week + 1,
                        "block": f"Block {block_no + 1}",
                        "program": "A year of lifting",
                        "exercises": entries,
                        "summary": {
                            "totalExercises": 8,
                            "completedExercises": 8,
                            "inProgressExercises": 0,
                            "skippedExercises": 0,
                        },
                        "metadata": {"lastModifiedAt": js_iso(saved)},
                    },
                    "notes": None,
                    "videos": None,
                    "savedAt": saved,
                    "status": "completed",
                    "updatedAt": saved,
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(m.User), users)
        conn.execute(insert(m.Exercise), exercises)
        conn.execute(
            insert(m.Program),
            [
                {
                    "id": program,
                    "title": "A year of lifting",
                    "coachId": coach,
                    "isDraft": False,
                    "updatedAt": moment,
                }
            ],
        )
        conn.execute(insert(m.ProgramBlock), rows["blocks"])
        conn.execute(insert(m.Week), rows["weeks"])
        conn.execute(insert(m.Session), rows["sessions"])
        conn.execute(insert(m.SessionExercise), rows["items"])
        conn.execute(
            insert(m.ProgramAssignment),
            [
                {
                    "id": _id("assignment"),
                    "programId": program,
                    "studentId": student,
                    "assignedBy": coach,
                    "assignedAt": moment,
                }
            ],
        )
        conn.execute(insert(m.SessionProgress), rows["progress"])
    return Year(coach, student, today, len(rows["sessions"]), len(rows["items"]))


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement the engine sends while the block runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.db
def test_a_year_of_progress_loads_in_at_most_five_statements(engine: Engine) -> None:
    year = build_year(engine, today=date(2026, 3, 12))
    factory = uow_factory(engine)

    with counted_statements(engine) as statements:
        progress = load_student_progress(
            lambda: SqlUnitOfWork(factory), year.coach_id, year.student_id, today=year.today
        )

    assert len(statements) <= 5, [s for s, _ in statements]
    assert year.sessions == WEEKS * SESSIONS_PER_WEEK
    assert year.exercises == WEEKS * SESSIONS_PER_WEEK * EXERCISES_PER_SESSION
    (program,) = progress.programs
    assert len(program.blocks) == 13
    assert len(program.sessions) == 208
    assert sum(len(items) for items in progress.planned.values()) == 1664
    # Every session before today was logged in full.
    done = [s for s in program.sessions if s.status.is_complete]
    assert len(done) == len(progress.logs) == sum(1 for s in program.sessions if s.is_due)
    # Details and charts come from the snapshot: no statement more.
    with counted_statements(engine) as later:
        detail = progress.session(program.sessions[0].id)
        series = progress.exercise_series()
        progress.weekly()
    assert later == []
    assert len(detail.exercises) == 8
    assert len(series) == 8
    assert len(series[0].points) == len(progress.logs)
