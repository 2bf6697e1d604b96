"""Every demo row, built in memory as the platform would store it, before anything is written.

Rows are dicts keyed by the database's own column names, so what is written here is literally
what lands in the table. Ids are derived from stable names (`demo_id`), never drawn at random, so a
second run computes the very same ids and the database's primary keys make the seed idempotent.
Nothing in an id depends on the date: only timestamps move with `today`.

Passwords and clip bytes are left out: they cost time (bcrypt, ffmpeg), so `seed` makes them only
for rows that are actually missing from the database.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from gbf_desktop.demo import catalogue, people
from gbf_desktop.demo.logbook import (
    PlannedExercise,
    PlannedSession,
    js_iso,
    progress_row,
    visit_for,
)
from gbf_desktop.demo.programs import (
    PROGRAMS,
    SESSION_WEEKDAYS,
    WEEKS_PER_BLOCK,
    ProgramTemplate,
    config_for,
)

# Weeks of progress the students have logged: the current week is the one after.
LOGGED_WEEKS = 8

Row = dict[str, Any]


def demo_id(*parts: object) -> str:
    """A stable UUID v4 for a named demo row: the same name gives the same id on every run."""
    digest = hashlib.sha256("/".join(["gbf-demo", *map(str, parts)]).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _video_id(*parts: str) -> str:
    # YouTube ids are 11 characters of URL-safe base64.
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:11]


@dataclass(frozen=True)
class ClipSpec:
    """A clip to attach to a logged session: the row without its bytes, and how to make them."""

    row: Row
    seconds: float
    seed: int


@dataclass(frozen=True)
class ProgramRows:
    """A program with its whole tree: written together or not at all."""

    program: Row
    audit: Row
    blocks: tuple[Row, ...]
    weeks: tuple[Row, ...]
    sessions: tuple[Row, ...]
    session_exercises: tuple[Row, ...]


@dataclass(frozen=True)
class DemoPlan:
    start: date  # Monday of week 1 of both programs
    users: tuple[Row, ...]  # without "password"
    passwords: dict[str, str]  # user id -> plain password, hashed only if the user is missing
    groups: tuple[Row, ...]
    group_members: tuple[Row, ...]
    exercises: tuple[Row, ...]
    programs: tuple[ProgramRows, ...]
    assignments: tuple[tuple[Row, Row], ...]  # (program_assignments row, its notification)
    progress: tuple[Row, ...]
    clips: tuple[ClipSpec, ...]
    sessions: tuple[PlannedSession, ...]


# (student, program, week, day, seconds, seed): form checks on main lifts, late in the log where a
# coach would look first.
CLIP_TARGETS = (
    ("camille", people.STRENGTH, 8, 0, 6.0, 1),
    ("camille", people.STRENGTH, 6, 2, 5.0, 2),
    ("sofia", people.STRENGTH, 7, 1, 8.0, 3),
    ("aisha", people.HYBRID, 8, 1, 6.0, 4),
)


class _Clock:
    """Timestamps relative to the programs' first Monday, naive UTC with milliseconds."""

    def __init__(self, start: date) -> None:
        self.origin = datetime(start.year, start.month, start.day)

    def at(
        self, day: int, hour: int = 0, minute: int = 0, second: int = 0, ms: int = 0
    ) -> datetime:
        return self.origin + timedelta(
            days=day, hours=hour, minutes=minute, seconds=second, milliseconds=ms
        )


def _user_rows(clock: _Clock) -> tuple[list[Row], dict[str, str]]:
    coach_id = demo_id("user", people.COACH.key)
    rows: list[Row] = []
    passwords: dict[str, str] = {}
    persons: list[tuple[people.DemoPerson, str, str | None]] = [(people.COACH, "coach", None)]
    persons += [(s, "student", coach_id) for s in people.STUDENTS]
    for index, (person, role, coach) in enumerate(persons):
        user_id = demo_id("user", person.key)
        created = clock.at(-person.joined_days_before, 9 + index, 7 * index, 13, 100 + index)
        rows.append(
            {
                "id": user_id,
                "email": person.email,
                "pseudo": person.pseudo,
                "firstName": person.first_name,
                "lastName": person.last_name,
                "role": role,
                "profileUrl": None,
                "coachId": coach,
                "createdAt": created,
                "updatedAt": created,
            }
        )
        passwords[user_id] = (
            people.DEMO_COACH_PASSWORD if role == "coach" else people.DEMO_STUDENT_PASSWORD
        )
    return rows, passwords


def _exercise_rows(clock: _Clock, coach_id: str) -> list[Row]:
    rows: list[Row] = []
    # The admin catalogue was imported long before the coach joined, in one go.
    imported = clock.at(-400, 3, 12, 45, 512)
    for item in catalogue.GLOBAL_EXERCISES:
        rows.append(
            {
                "id": demo_id("exercise", item.name),
                "name": item.name,
                "description": item.description,
                "type": "standard",
                "meta": {
                    "exercise": item.name,
                    "shortDemonstration": "Video Demonstration",
                    "inDepthExplanation": "Video Explanation",
                    "shortDemonstrationLink": "https://youtube.com/shorts/"
                    + _video_id("short", item.name),
                    "inDepthExplanationLink": "https://www.youtube.com/watch?v="
                    + _video_id("explain", item.name),
                    "difficultyLevel": item.level,
                    "targetMuscleGroup": item.muscle,
                },
                "scope": "global",
                "ownerId": None,
                "createdAt": imported,
                "updatedAt": imported,
            }
        )
    for index, coached in enumerate(catalogue.COACH_EXERCISES):
        created = clock.at(-90 + 3 * index, 21, 5 + index, 30, 250)
        video = (
            "https://www.youtube.com/watch?v=" + _video_id("coach", coached.name)
            if coached.has_video
            else ""  # what the web's exercise form stores for no video
        )
        rows.append(
            {
                "id": demo_id("exercise", coached.name),
                "name": coached.name,
                "description": coached.description,
                "type": coached.type,
                "meta": {
                    # Spelt as the web exercise form offers it: Beginner, Intermediate, Advanced.
                    "difficulty": coached.level.capitalize(),
                    "muscleGroups": list(coached.muscles),
                    "instructions": list(coached.instructions),
                    "videoUrl": video,
                    "sets": coached.sets,
                    "reps": coached.reps,
                },
                "scope": "coach",
                "ownerId": coach_id,
                "createdAt": created,
                "updatedAt": created,
            }
        )
    return rows


def _program_rows(
    template: ProgramTemplate,
    clock: _Clock,
    coach_id: str,
    exercises: dict[str, Row],
) -> tuple[ProgramRows, list[PlannedSession]]:
    program_id = demo_id("program", template.key)
    created = clock.at(-6, 20, 15, 42, 318)
    blocks: list[Row] = []
    weeks: list[Row] = []
    sessions: list[Row] = []
    items: list[Row] = []
    planned: list[PlannedSession] = []
    for b, (block_title, block_notes) in enumerate(template.blocks):
        block_id = demo_id("block", template.key, b)
        blocks.append(
            {
                "id": block_id,
                "programId": program_id,
                "title": block_title,
                "position": b,
                "notes": block_notes,
            }
        )
        for w in range(WEEKS_PER_BLOCK):
            week_number = b * WEEKS_PER_BLOCK + w + 1
            week_id = demo_id("week", template.key, week_number)
            weeks.append(
                {"id": week_id, "blockId": block_id, "weekNumber": week_number, "position": w}
            )
            for d, day in enumerate(template.days):
                session_id = demo_id("session", template.key, week_number, d)
                # The web's date picker stores midnight UTC of the chosen day.
                when = clock.at((week_number - 1) * 7 + SESSION_WEEKDAYS[d])
                sessions.append(
                    {
                        "id": session_id,
                        "weekId": week_id,
                        "title": day.title,
                        "notes": day.notes,
                        "date": when,
                        "position": d,
                    }
                )
                planned_items = []
                for position, slot in enumerate(day.slots):
                    exercise = exercises.get(slot.exercise)
                    if exercise is None:
                        raise LookupError(
                            f"{template.title} names {slot.exercise!r}, not in the catalogue"
                        )
                    config = config_for(slot, exercise["type"], b, w)
                    items.append(
                        {
                            "id": demo_id("session-exercise", session_id, position),
                            "sessionId": session_id,
                            "exerciseId": exercise["id"],
                            "config": config,
                            "position": position,
                        }
                    )
                    planned_items.append(
                        PlannedExercise(
                            position=position,
                            exercise_id=exercise["id"],
                            name=exercise["name"],
                            type=exercise["type"],
                            config=config,
                            slot=slot,
                        )
                    )
                planned.append(
                    PlannedSession(
                        id=session_id,
                        program_key=template.key,
                        program_title=template.title,
                        block_index=b,
                        block_title=block_title,
                        week_number=week_number,
                        week_in_block=w,
                        day_index=d,
                        title=day.title,
                        notes=day.notes,
                        date=when,
                        exercises=tuple(planned_items),
                    )
                )
    program = {
        "id": program_id,
        "title": template.title,
        "description": template.description,
        "coachId": coach_id,
        "isDraft": False,
        "createdAt": created,
        "updatedAt": created,
    }
    audit = {
        "id": demo_id("audit", template.key, "create"),
        "programId": program_id,
        "changedBy": coach_id,
        "changeType": "create",
        "diff": {
            "title": template.title,
            "isDraft": False,
            "blocks": len(blocks),
            "weeks": len(weeks),
            "sessions": len(sessions),
        },
        "createdAt": created,
    }
    rows = ProgramRows(
        program=program,
        audit=audit,
        blocks=tuple(blocks),
        weeks=tuple(weeks),
        sessions=tuple(sessions),
        session_exercises=tuple(items),
    )
    return rows, planned


def _assignment_rows(clock: _Clock, coach_id: str, today: date) -> list[tuple[Row, Row]]:
    titles = {t.key: t.title for t in PROGRAMS}
    pairs: list[tuple[Row, Row]] = []
    for index, student in enumerate(people.STUDENTS):
        for enrolment in student.enrolments:
            assignment_id = demo_id("assignment", enrolment.program_key, student.key)
            assigned = clock.at(enrolment.assigned_day, 18, 30 + index, 11, 640 + index)
            pairs.append(
                (
                    {
                        "id": assignment_id,
                        "programId": demo_id("program", enrolment.program_key),
                        "studentId": demo_id("user", student.key),
                        "assignedBy": coach_id,
                        "assignedAt": assigned,
                    },
                    {
                        "id": demo_id("notification", assignment_id),
                        "userId": demo_id("user", student.key),
                        "type": "assignment",
                        "payload": {
                            "assignmentId": assignment_id,
                            "programTitle": titles[enrolment.program_key],
                            "coachPseudo": people.COACH.pseudo,
                            "assignedAt": js_iso(assigned),
                        },
                        # Students have read the old news; the last fortnight's is still unread.
                        "read": assigned.date() < today - timedelta(days=14),
                        "createdAt": assigned,
                    },
                )
            )
    return pairs


def _progress_rows(sessions: list[PlannedSession], today: date) -> list[Row]:
    rows: list[Row] = []
    for student in people.STUDENTS:
        # Students work through the program they were given first; a later one is still ahead.
        program_key = student.enrolments[0].program_key
        student_id = demo_id("user", student.key)
        for session in sessions:
            if session.program_key != program_key or session.week_number > LOGGED_WEEKS:
                continue
            if session.date.date() >= today:
                continue
            rng = random.Random(f"{student.key}/{session.id}")
            visit = visit_for(student, session, rng)
            if visit is None:
                continue
            row_id = demo_id("progress", session.id, student_id)
            rows.append(
                progress_row(
                    row_id,
                    student_id=student_id,
                    student=student,
                    session=session,
                    visit=visit,
                    rng=rng,
                )
            )
    return rows


def _clip_specs(progress: list[Row]) -> list[ClipSpec]:
    by_key = {(row["sessionId"], row["studentId"]): row for row in progress}
    specs = []
    for student_key, program_key, week, day, seconds, seed in CLIP_TARGETS:
        session_id = demo_id("session", program_key, week, day)
        row = by_key.get((session_id, demo_id("user", student_key)))
        if row is None:
            continue  # that student did not log the session (only if `today` cuts the log short)
        specs.append(
            ClipSpec(
                row={
                    "id": demo_id("media", row["id"]),
                    "progressId": row["id"],
                    "mimeType": "video/mp4",
                    "createdAt": row["savedAt"] + timedelta(minutes=2),
                },
                seconds=seconds,
                seed=seed,
            )
        )
    return specs


def build_plan(today: date) -> DemoPlan:
    """All demo rows for a seed run on `today` (a UTC date)."""
    # Week 1 starts on the Monday eight weeks before this week's: today falls in week 9.
    start = today - timedelta(days=today.weekday(), weeks=LOGGED_WEEKS)
    clock = _Clock(start)
    users, passwords = _user_rows(clock)
    coach_id = users[0]["id"]

    group_id = demo_id("group", people.MORNING_SQUAD)
    group_created = clock.at(-20, 7, 45, 3, 77)
    members = [s for s in people.STUDENTS if s.in_morning_squad]
    group_members = [
        {
            "id": demo_id("group-member", group_id, s.key),
            "groupId": group_id,
            "userId": demo_id("user", s.key),
            "roleInGroup": "member",
            "joinedAt": group_created + timedelta(days=i, hours=3, milliseconds=211 * i),
        }
        for i, s in enumerate(members)
    ]

    exercises = _exercise_rows(clock, coach_id)
    by_name = {row["name"]: row for row in exercises}
    programs: list[ProgramRows] = []
    planned: list[PlannedSession] = []
    for template in PROGRAMS:
        rows, sessions = _program_rows(template, clock, coach_id, by_name)
        programs.append(rows)
        planned.extend(sessions)

    progress = _progress_rows(planned, today)
    return DemoPlan(
        start=start,
        users=tuple(users),
        passwords=passwords,
        groups=(
            {
                "id": group_id,
                "ownerId": coach_id,
                "name": people.MORNING_SQUAD,
                "description": people.MORNING_SQUAD_DESCRIPTION,
                "createdAt": group_created,
                "updatedAt": group_created,
            },
        ),
        group_members=tuple(group_members),
        exercises=tuple(exercises),
        programs=tuple(programs),
        assignments=tuple(_assignment_rows(clock, coach_id, today)),
        progress=tuple(progress),
        clips=tuple(_clip_specs(progress)),
        sessions=tuple(planned),
    )
