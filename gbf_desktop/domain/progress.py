"""Progress rules shared by the dashboard and the progress review.

The web platform marks a session `completed` as soon as one exercise is, so its stored status cannot
be trusted on its own: a session is complete when every exercise it lists is completed or skipped.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

DONE_EXERCISE_STATUSES = frozenset({"completed", "skipped"})
# An exercise someone has begun (done ones included): the session is under way.
STARTED_EXERCISE_STATUSES = DONE_EXERCISE_STATUSES | {"in_progress"}


@dataclass(frozen=True)
class StatusTally:
    """What completion rules need of a progress JSON: how many exercise entries it lists, how
    many are done (completed or skipped) and how many were begun. Listings read this (counted in
    SQL) instead of the whole JSON, which can hold years of sets or megabytes of notes."""

    entries: int
    done: int
    started: int
    # 1 when an older row says `progress.completed: true` (see `legacy_completed`).
    legacy_completed: int = 0


NO_ENTRIES = StatusTally(0, 0, 0)


def tally(progress: Mapping[str, Any] | None) -> StatusTally:
    # Stored entries only: the entries read from an older row's `sets[]` say nothing of its
    # completion beyond its `completed` flag, which is counted on its own.
    stored = [
        str(entry.get("status", ""))
        for entry in logged_exercises(progress)
        if not entry.get(LEGACY_KEY)
    ]
    counted = tally_statuses(stored)
    if legacy_completed(progress):
        return StatusTally(counted.entries, counted.done, counted.started, 1)
    return counted


def tally_statuses(statuses: Iterable[str]) -> StatusTally:
    entries = done = started = 0
    for raw in statuses:
        status = raw.strip()
        entries += 1
        done += status in DONE_EXERCISE_STATUSES
        started += status in STARTED_EXERCISE_STATUSES
    return StatusTally(entries, done, started)


ComputedStatus = Literal["completed", "in_progress", "not_started"]
# How the stored statuses read, whatever their case or spacing ("Completed" is completed).
_STORED_AS: dict[str, ComputedStatus] = {
    "completed": "completed",
    "partial": "in_progress",
    "in_progress": "in_progress",
    "pending": "not_started",
    "not_started": "not_started",
    "": "not_started",
}


def stored_as(stored: str) -> ComputedStatus | None:
    """What a stored session status means; None for a value the platform never writes."""
    return _STORED_AS.get(stored.strip().lower())


def computed_status(stored: str | None, counted: StatusTally) -> ComputedStatus:
    """The one rule for where a session stands, from its stored status and its entries' tally.

    Complete when every exercise entry is completed or skipped; under way when one was begun.
    Without entries (older rows) the stored status is all there is, beside the older workout
    service's `completed` flag (it left the status at its default); an unknown one reads as
    under way, since something was saved.
    """
    if not counted.entries:
        if counted.legacy_completed:
            return "completed"
        return stored_as(stored or "") or "in_progress"
    if counted.done == counted.entries:
        return "completed"
    return "in_progress" if counted.started else "not_started"


def tally_is_complete(status: str | None, counted: StatusTally) -> bool:
    """`session_is_complete` from a tally."""
    return computed_status(status, counted) == "completed"


def logged_exercises(progress: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The exercise entries of a stored progress JSON, skipping anything that is not an object.

    A row of the web's older workout service has no `exercises`: it holds `sets[]` (each with
    `weight` and `reps`, as its statistics read them) and `completed`/`completedAt`. Its sets are
    read as standard entries, one per exercise they name (`LEGACY_NAME` when they name none).
    """
    if not isinstance(progress, Mapping):
        return []
    exercises = progress.get("exercises")
    if isinstance(exercises, list) and exercises:
        return [entry for entry in exercises if isinstance(entry, Mapping)]
    return _legacy_entries(progress)


LEGACY_NAME = "Logged sets (older web format)"
# Marks an entry read from `progress.sets[]`: its data is standard-shaped whatever the library
# type (the older service did not know types). Never stored: such entries are only read.
LEGACY_KEY = "_legacySets"


def legacy_completed(progress: object) -> bool:
    """Whether an older row says the session was completed (`progress.completed`)."""
    return isinstance(progress, Mapping) and progress.get("completed") is True


def _legacy_entries(progress: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    sets = progress.get("sets")
    if not isinstance(sets, list):
        return []
    groups: dict[object, list[Mapping[str, Any]]] = {}
    for item in sets:
        if isinstance(item, Mapping):
            key = item.get("exerciseId") if isinstance(item.get("exerciseId"), str) else None
            groups.setdefault(key, []).append(item)
    status = "completed" if legacy_completed(progress) else "in_progress"
    entries: list[Mapping[str, Any]] = []
    for exercise_id, items in groups.items():
        reps = [item.get("reps") for item in items]
        entry: dict[str, Any] = {
            "exerciseId": exercise_id,
            "exerciseName": next(
                (i["exerciseName"] for i in items if isinstance(i.get("exerciseName"), str)),
                LEGACY_NAME,
            ),
            "exerciseType": "standard",
            LEGACY_KEY: True,
            "status": status,
            "notes": "",
            "videos": [],
            "data": {
                "setsCompleted": len(items),
                "repsPerSet": reps,
                "weightPerSet": [item.get("weight") for item in items],
            },
        }
        entries.append(entry)
    return entries


def session_is_complete(status: str | None, progress: Mapping[str, Any] | None) -> bool:
    """Whether a student finished a session, judged from what they logged.

    Without per-exercise data (older rows, or rows written by other tools) the stored status is
    all there is, so it is believed, and so is an older row's `progress.completed`.
    """
    return tally_is_complete(status, tally(progress))


def link_clip(progress: Any, exercise_id: str, position: int, media_id: str) -> dict[str, Any]:
    """The progress JSON with `media_id` in the `videos` of the entry of one exercise.

    The web's workout page puts an uploaded clip's id there (handleVideoUpload, then the runner
    merges `videos` into the entry), and reads an exercise's clip from `videos[0]`. The entry is
    the one with this exercise at this position, else the only one with this exercise. Raises
    `LookupError` when the log has no such entry.
    """
    body = copy.deepcopy(dict(progress)) if isinstance(progress, Mapping) else {}
    entries = body.get("exercises")
    if not isinstance(entries, list):
        raise LookupError("the log lists no exercises")
    objects = [e for e in entries if isinstance(e, dict)]
    same = [e for e in objects if e.get("exerciseId") == exercise_id]
    placed = [e for e in same if e.get("position") == position]
    found = placed[0] if placed else (same[0] if len(same) == 1 else None)
    if found is None:
        raise LookupError("the log has no entry for this exercise")
    videos = found.get("videos")
    listed = [v for v in videos if isinstance(v, str)] if isinstance(videos, list) else []
    if media_id not in listed:
        found["videos"] = [*(videos if isinstance(videos, list) else []), media_id]
    return body


# The web runner's empty `data` per library type, for an entry it would have created.
RUNNER_EMPTY_DATA: dict[str, dict[str, Any]] = {
    "EMOM": {"repsPerMinute": [], "rpe": None, "notes": ""},
    "AMRAP": {"totalReps": 0, "rpe": None, "notes": ""},
    "circuit": {"roundsCompleted": 0, "totalReps": 0, "weightUsed": None, "rpe": None, "notes": ""},
    "standard": {
        "setsCompleted": 0,
        "repsCompleted": 0,
        "weightUsed": None,
        "rpe": None,
        "notes": "",
    },
}


@dataclass(frozen=True)
class SessionRow:
    """A `session_exercises` row as the realignment of progress entries needs it."""

    id: str
    exercise_id: str
    exercise_name: str | None
    library_type: str
    config: Any


def runner_entry(index: int, row: SessionRow) -> dict[str, Any]:
    """An untouched exercise entry exactly as the web runner creates one."""
    data = RUNNER_EMPTY_DATA.get(row.library_type, RUNNER_EMPTY_DATA["standard"])
    return {
        "position": index,
        "exerciseId": row.exercise_id,
        "exerciseName": row.exercise_name,
        "exerciseType": row.library_type,
        "config": copy.deepcopy(row.config),
        "status": "not_started",
        "data": copy.deepcopy(data),
        "notes": "",
        "videos": [],
    }


def realign_entries(
    progress: Any, old_rows: Sequence[SessionRow], new_rows: Sequence[SessionRow]
) -> Any:
    """A progress JSON whose `exercises[i]` is the entry of the session's i-th exercise again.

    The web pairs `progress.exercises[i]` with the i-th exercise row, so after the desktop
    reorders, adds or removes a session's exercises, the entries follow: each entry moves to its
    exercise's new index (its `position` with it), an exercise added gets the runner's untouched
    entry, and entries of exercises removed are kept after the others, so nothing logged is lost.
    Returns `progress`
    itself when there is nothing to change.
    """
    if not isinstance(progress, Mapping):
        return progress
    entries = progress.get("exercises")
    if not isinstance(entries, list) or not entries:
        return progress
    by_row: dict[str, Any] = {}
    left: list[Any] = []
    # Entries were written in the order the web read the rows; each goes to the first row not
    # yet paired that holds its exercise, which is its own row unless the order drifted.
    for entry in entries:
        exercise_id = entry.get("exerciseId") if isinstance(entry, Mapping) else None
        row = next(
            (r for r in old_rows if r.id not in by_row and r.exercise_id == exercise_id), None
        )
        if row is None:
            left.append(entry)
        else:
            by_row[row.id] = entry
    realigned: list[Any] = []
    for index, row in enumerate(new_rows):
        entry = by_row.get(row.id)
        if entry is None:
            realigned.append(runner_entry(index, row))
            continue
        moved = copy.deepcopy(dict(entry))
        moved["position"] = index
        realigned.append(moved)
    realigned += [copy.deepcopy(e) for e in left]
    realigned += [
        copy.deepcopy(by_row[r.id])
        for r in old_rows
        if r.id in by_row and r.id not in {n.id for n in new_rows}
    ]
    if realigned == entries:
        return progress
    result = copy.deepcopy(dict(progress))
    result["exercises"] = realigned
    summary = result.get("summary")
    if isinstance(summary, Mapping):
        result["summary"] = {**summary, "totalExercises": len(realigned)}
    return result


def session_to_open(
    timeline: Sequence[tuple[str, bool]], logged_at: Mapping[str, datetime]
) -> str | None:
    """Which session a student's progress opens on: the one logged last, else the first one
    overdue, else the first one of the timeline; None for an empty timeline.

    `timeline` is the sessions in program order as (id, overdue); `logged_at` the moment each
    logged session was saved. The coach comes to look at what the student did last.
    """
    logged = [sid for sid, _overdue in timeline if sid in logged_at]
    if logged:
        return max(logged, key=lambda sid: logged_at[sid])
    overdue = [sid for sid, is_overdue in timeline if is_overdue]
    if overdue:
        return overdue[0]
    return timeline[0][0] if timeline else None
