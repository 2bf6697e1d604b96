"""Students' logged sessions, in the web workout runner's `session_progress` shapes.

Each (student, session) pair draws from its own `random.Random`, seeded by text, so the log is the
same on every run and on every machine, and changing one student leaves the others as they were.

The log is deliberately imperfect, as the platform's real rows are: numbers typed as text, fields
left out, nulls, rows written by an older app version (flat columns, no metadata), and a row that
says `completed` while an exercise is still in progress (the web's known bug).
"""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gbf_desktop.demo.people import DemoStudent, Habit
from gbf_desktop.demo.programs import Slot

# Load multipliers: each block starts heavier, each week adds a little, the fourth week deloads.
BLOCK_LOAD = (1.0, 1.1, 1.18)
WEEK_LOAD = (1.0, 1.03, 1.06, 0.9)
# Effort when the coach set no RPE target, by exercise type.
DEFAULT_RPE = {"standard": 7.5, "EMOM": 7.0, "AMRAP": 8.5, "circuit": 8.0, "custom": 5.0}

EXERCISE_NOTES = (
    "Felt strong today",
    "Grip gave out on the last set",
    "Lower back a bit tight, kept it light",
    "Bar speed good",
    "Knees fine today",
    "Tough one",
    "Easier than last week",
    "Could have done one more",
)
SKIP_NOTES = ("Ran out of time", "Shoulder niggle, skipped", "Gym too busy", "")
SESSION_COMMENTS = (
    "Slept badly, kept it honest.",
    "Great session!",
    "Trained with a friend, good energy.",
    "Short on time, rushed the warm-up.",
    "New PB on the main lift!",
)
CUSTOM_NOTES = ("Done", "Hips opened up nicely", "Felt easy", "Did it at home", "")


@dataclass(frozen=True)
class PlannedExercise:
    position: int
    exercise_id: str
    name: str
    type: str
    config: dict[str, Any]
    slot: Slot


@dataclass(frozen=True)
class PlannedSession:
    """One session of a program as the seed wrote it: what a student's log refers to."""

    id: str
    program_key: str
    program_title: str
    block_index: int
    block_title: str
    week_number: int  # 1-based across the program
    week_in_block: int  # 0-based
    day_index: int
    title: str
    notes: str | None
    date: datetime
    exercises: tuple[PlannedExercise, ...]


class Kind(enum.Enum):
    DONE = "completed"
    PARTIAL = "partial"
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    # The web marks a session completed as soon as one exercise is: stored "completed", one
    # exercise still in progress.
    BUGGED = "completed (bug)"


STORED_STATUS = {
    Kind.DONE: "completed",
    Kind.PARTIAL: "partial",
    Kind.PENDING: "pending",
    Kind.IN_PROGRESS: "in_progress",
    Kind.BUGGED: "completed",
}


@dataclass(frozen=True)
class Visit:
    """What happened when a student opened a session."""

    kind: Kind
    skipped: frozenset[int] = field(default_factory=frozenset)
    # Written by an older platform version: flat columns filled, no metadata, leaner JSON.
    legacy: bool = False
    # Typed on a phone in a hurry: numbers as text, fields left out.
    messy: bool = False
    logged_next_day: bool = False
    old_video_refs: tuple[str, ...] = ()


def _steady(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    return Visit(Kind.DONE)


def _fading(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    if week <= 6 or (week, day) == (7, 0):
        return Visit(Kind.DONE)
    return Visit(Kind.PARTIAL) if (week, day) == (7, 1) else None


def _skipper(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    if (week, day) == (5, 2):
        return None  # ill that day
    skipped = set()
    if rng.random() < 0.5:
        skipped.add(last)  # the finisher
    if rng.random() < 0.25:
        skipped.add(last - 1)  # an accessory
    return Visit(Kind.DONE, skipped=frozenset(skipped))


# The stored-as-completed row comes first, so the dashboard (which judges by the exercises, not
# the stored status) shows Jonas still due in week 4 while the web thinks he moved on.
_PATCHY_DAYS: dict[tuple[int, int], Visit | None] = {
    (4, 2): Visit(Kind.BUGGED),
    (5, 2): None,
    (6, 1): Visit(Kind.PARTIAL),
    (7, 0): Visit(Kind.PENDING),
    (8, 2): Visit(Kind.IN_PROGRESS),
}


def _patchy(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    return _PATCHY_DAYS.get((week, day), Visit(Kind.DONE))


def _messy(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    if (week, day) == (8, 2):
        return None  # the last session of the log: a coach would chase that up
    return Visit(Kind.DONE, messy=True, logged_next_day=rng.random() < 0.25)


# Video references as the first web versions stored them, before clips lived in the database.
_OLD_VIDEO_REFS = {
    (1, 1): ("https://cdn.gobeyondfit.app/uploads/videos/1698431022417-trapbar.webm",),
    (3, 0): ("uploads/videos/theo_goblet_squat.webm",),
}


def _irregular(week: int, day: int, last: int, rng: random.Random) -> Visit | None:
    refs = _OLD_VIDEO_REFS.get((week, day), ())
    if not (week == 1 or refs or rng.random() < 0.7):
        return None
    kind = Kind.PARTIAL if week > 1 and rng.random() < 0.15 else Kind.DONE
    return Visit(kind, legacy=week <= 3, old_video_refs=refs)


_HABITS = {
    Habit.STEADY: _steady,
    Habit.FADING: _fading,
    Habit.SKIPPER: _skipper,
    Habit.PATCHY: _patchy,
    Habit.MESSY: _messy,
    Habit.IRREGULAR: _irregular,
}


def visit_for(student: DemoStudent, session: PlannedSession, rng: random.Random) -> Visit | None:
    """The student's visit to a session, or None when they never logged it."""
    last = len(session.exercises) - 1
    return _HABITS[student.habit](session.week_number, session.day_index, last, rng)


def js_iso(moment: datetime) -> str:
    """A naive UTC time as JavaScript's `toISOString()` writes it (the web's JSON timestamps)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _number(value: float) -> int | float:
    # JSON from the web has 60, not 60.0, for whole numbers.
    return int(value) if float(value).is_integer() else round(value, 2)


def _load(slot: Slot, student: DemoStudent, session: PlannedSession, rng: random.Random) -> float:
    assert slot.load is not None
    raw = (
        slot.load
        * student.strength
        * BLOCK_LOAD[session.block_index]
        * WEEK_LOAD[session.week_in_block]
        * rng.uniform(0.98, 1.02)
    )
    # Barbells go up in 2.5 kg, dumbbells in 2 kg.
    step = 2.5 if slot.load >= 30 else 2.0
    return max(step, round(raw / step) * step)


def _target_reps(reps: object, week_in_block: int, rng: random.Random) -> int:
    if isinstance(reps, int):
        return reps
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", str(reps))
    if not match:
        return 8
    low, high = int(match[1]), int(match[2])
    # Double progression: climb through the range over the block.
    return min(high, low + week_in_block + rng.randint(0, 1))


def _rpe(config: dict[str, Any], kind: str, rng: random.Random) -> int | float:
    base = float(config.get("rpe", DEFAULT_RPE[kind]))
    return _number(min(10.0, max(5.0, base + rng.choice((-0.5, 0.0, 0.0, 0.5, 1.0)))))


def _standard(
    item: PlannedExercise,
    student: DemoStudent,
    session: PlannedSession,
    rng: random.Random,
    finished: bool,
) -> dict[str, Any]:
    sets = int(item.config["sets"])
    target = _target_reps(item.config["reps"], session.week_in_block, rng)
    if item.slot.load is None:
        # Bodyweight work: weaker students miss reps early on and catch up over the weeks.
        ability = min(1.0, 0.55 + 0.3 * student.strength + 0.03 * session.week_number)
        target = max(1, round(target * ability))
    done_sets = sets if finished else max(1, sets // 2)
    reps_per_set = []
    for index in range(done_sets):
        fatigue = 1 if index == sets - 1 and rng.random() < 0.35 else 0
        slip = 1 if rng.random() < 0.08 else 0
        reps_per_set.append(max(1, target - fatigue - slip))
    weight = None if item.slot.load is None else _number(_load(item.slot, student, session, rng))
    return {
        "setsCompleted": done_sets,
        "repsPerSet": reps_per_set,
        "repsCompleted": sum(reps_per_set),
        "weightUsed": weight,
        "rpe": _rpe(item.config, "standard", rng) if finished else None,
        "notes": rng.choice(EXERCISE_NOTES) if rng.random() < 0.2 else "",
    }


def _emom(
    item: PlannedExercise, session: PlannedSession, rng: random.Random, finished: bool
) -> dict[str, Any]:
    minutes = int(item.config.get("duration", 600)) // 60
    if not finished:
        minutes = max(1, minutes // 2)
    target = int(item.config["reps"])
    per_minute = []
    for minute in range(minutes):
        tired = minute >= minutes * 2 // 3 and rng.random() < 0.3
        per_minute.append(target - (rng.randint(1, 2) if tired else 0))
    return {
        "repsPerMinute": per_minute,
        "rpe": _rpe(item.config, "EMOM", rng),
        "notes": rng.choice(EXERCISE_NOTES) if rng.random() < 0.15 else "",
    }


def _amrap(
    item: PlannedExercise, student: DemoStudent, session: PlannedSession, rng: random.Random
) -> dict[str, Any]:
    target = int(item.config["reps"])
    fitness = (0.85 + 0.2 * student.strength) * (1 + 0.02 * session.week_number)
    return {
        "totalReps": round(target * fitness * rng.uniform(0.94, 1.06)),
        "rpe": _rpe(item.config, "AMRAP", rng),
        "notes": rng.choice(EXERCISE_NOTES) if rng.random() < 0.15 else "",
    }


def _circuit(item: PlannedExercise, rng: random.Random, finished: bool) -> dict[str, Any]:
    rounds = int(item.config["sets"])
    completed = rounds if finished and rng.random() > 0.15 else rounds - 1
    weight = item.config.get("weight")
    return {
        "roundsCompleted": completed,
        "totalReps": completed * int(item.config["reps"]),
        "weightUsed": weight,
        "rpe": _rpe(item.config, "circuit", rng),
        "notes": rng.choice(EXERCISE_NOTES) if rng.random() < 0.15 else "",
    }


def _custom(item: PlannedExercise, rng: random.Random) -> dict[str, Any]:
    # The runner has no fields for a custom exercise beyond a note; some students add the time.
    data: dict[str, Any] = {"notes": rng.choice(CUSTOM_NOTES)}
    if "duration" in item.config and rng.random() < 0.5:
        data["durationMinutes"] = int(item.config["duration"]) // 60 + rng.randint(-2, 3)
    return data


def _data(
    item: PlannedExercise,
    student: DemoStudent,
    session: PlannedSession,
    rng: random.Random,
    finished: bool,
) -> dict[str, Any]:
    match item.type:
        case "standard":
            return _standard(item, student, session, rng, finished)
        case "EMOM":
            return _emom(item, session, rng, finished)
        case "AMRAP":
            return _amrap(item, student, session, rng)
        case "circuit":
            return _circuit(item, rng, finished)
        case _:
            return _custom(item, rng)


def _make_messy(data: dict[str, Any], rng: random.Random) -> None:
    """What a phone keyboard and an older runner did to numbers: text, gaps and nulls."""
    for key in ("weightUsed", "totalReps", "roundsCompleted", "setsCompleted"):
        if isinstance(data.get(key), int | float) and rng.random() < 0.4:
            data[key] = str(data[key])
    if isinstance(data.get("repsPerSet"), list) and rng.random() < 0.3:
        data["repsPerSet"] = [str(reps) for reps in data["repsPerSet"]]
    if "rpe" in data and rng.random() < 0.3:
        del data["rpe"]
    if "notes" in data and rng.random() < 0.3:
        data["notes"] = None


def _exercise_statuses(
    kind: Kind, count: int, skipped: frozenset[int], rng: random.Random
) -> list[str]:
    match kind:
        case Kind.DONE:
            return ["skipped" if i in skipped else "completed" for i in range(count)]
        case Kind.PENDING:
            return ["not_started"] * count
        case Kind.IN_PROGRESS:
            return ["completed", "in_progress", *["not_started"] * (count - 2)][:count]
        case Kind.BUGGED:
            return ["completed"] * (count - 1) + ["in_progress"]
        case Kind.PARTIAL:
            done = max(1, count // 2)
            middle = "in_progress" if rng.random() < 0.5 else "not_started"
            return (["completed"] * done + [middle] + ["not_started"] * count)[:count]
    raise AssertionError(kind)  # pragma: no cover


def _entry(
    item: PlannedExercise,
    *,
    status: str,
    student: DemoStudent,
    session: PlannedSession,
    visit: Visit,
    rng: random.Random,
) -> dict[str, Any]:
    data: dict[str, Any] | None
    notes = ""
    if status in ("completed", "in_progress"):
        data = _data(item, student, session, rng, finished=status == "completed")
        if visit.messy:
            _make_messy(data, rng)
        elif rng.random() < 0.05:
            # Even tidy loggers leave a field out now and then.
            data.pop("rpe", None)
    elif status == "skipped":
        data = {}
        notes = rng.choice(SKIP_NOTES)
    else:
        # The runner leaves untouched exercises empty; older versions stored null.
        data = None if visit.legacy or rng.random() < 0.4 else {}
    entry: dict[str, Any] = {
        "position": item.position,
        "exerciseId": item.exercise_id,
        "exerciseName": item.name,
        "exerciseType": item.type,
        "config": dict(item.config),
        "status": status,
        "notes": notes,
        "videos": [],
        "data": data,
    }
    if visit.legacy:
        # The first runner had no per-exercise notes or videos.
        del entry["notes"], entry["videos"]
    return entry


def _moment(day: datetime, hour: int, rng: random.Random) -> datetime:
    return day + timedelta(
        hours=hour,
        minutes=rng.randint(0, 50),
        seconds=rng.randint(0, 59),
        milliseconds=rng.randint(0, 999),
    )


def progress_row(
    row_id: str,
    *,
    student_id: str,
    student: DemoStudent,
    session: PlannedSession,
    visit: Visit,
    rng: random.Random,
) -> dict[str, Any]:
    """A `session_progress` row, keyed by column name, as the web platform would have saved it."""
    statuses = _exercise_statuses(visit.kind, len(session.exercises), visit.skipped, rng)
    entries = [
        _entry(item, status=status, student=student, session=session, visit=visit, rng=rng)
        for item, status in zip(session.exercises, statuses, strict=True)
    ]
    started = _moment(session.date, student.train_hour, rng)
    if visit.logged_next_day:
        saved = _moment(session.date + timedelta(days=1), 21, rng)
    elif visit.kind is Kind.PENDING:
        saved = started
    else:
        saved = started + timedelta(minutes=rng.randint(45, 80))
    # Students often come back a few minutes later to fix a number or add a note.
    edited = rng.random() < 0.3 and visit.kind is not Kind.PENDING
    updated = saved + timedelta(minutes=rng.randint(2, 30)) if edited else saved

    summary: dict[str, Any] = {
        "totalExercises": len(entries),
        "completedExercises": statuses.count("completed"),
        "inProgressExercises": statuses.count("in_progress"),
    }
    if not visit.legacy:
        summary["skippedExercises"] = statuses.count("skipped")
    progress: dict[str, Any] = {
        "sessionId": session.id,
        "sessionTitle": session.title,
        "sessionNotes": session.notes,
        "week": session.week_number,
        "block": session.block_title,
        "program": session.program_title,
        "exercises": entries,
        "summary": summary,
    }
    if not visit.legacy:
        progress["metadata"] = {"lastModifiedAt": js_iso(updated)}

    flat = _flat_columns(entries) if visit.legacy else {}
    comment = rng.choice(SESSION_COMMENTS) if rng.random() < 0.12 else None
    return {
        "id": row_id,
        "sessionId": session.id,
        "studentId": student_id,
        "progress": progress,
        "notes": comment,
        "videos": list(visit.old_video_refs) or None,
        "savedAt": saved,
        "reps": flat.get("reps"),
        "sets": flat.get("sets"),
        "weight": flat.get("weight"),
        "format": flat.get("format"),
        "status": STORED_STATUS[visit.kind],
        "updatedAt": updated,
    }


def _flat_columns(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Older platform versions kept one exercise's figures in flat columns: the first lift."""
    for entry in entries:
        data = entry.get("data")
        config = entry["config"]
        if entry["exerciseType"] != "standard" or not isinstance(data, dict) or not data:
            continue
        reps = config.get("reps")
        weight = data.get("weightUsed")
        return {
            "sets": int(config["sets"]),
            "reps": reps if isinstance(reps, int) else None,
            "weight": float(weight) if weight is not None else None,
            "format": "standard",
        }
    return {}
