"""Progress rules shared by the dashboard and the progress review.

The web platform marks a session `completed` as soon as one exercise is, so its stored status cannot
be trusted on its own: a session is complete when every exercise it lists is completed or skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DONE_EXERCISE_STATUSES = frozenset({"completed", "skipped"})


def logged_exercises(progress: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The exercise entries of a stored progress JSON, skipping anything that is not an object."""
    if not isinstance(progress, Mapping):
        return []
    exercises = progress.get("exercises")
    if not isinstance(exercises, list):
        return []
    return [entry for entry in exercises if isinstance(entry, Mapping)]


def session_is_complete(status: str | None, progress: Mapping[str, Any] | None) -> bool:
    """Whether a student finished a session, judged from what they logged.

    Without per-exercise data (older rows, or rows written by other tools) the stored status is
    all there is, so it is believed.
    """
    exercises = logged_exercises(progress)
    if not exercises:
        return status == "completed"
    return all(
        str(entry.get("status", "")).strip() in DONE_EXERCISE_STATUSES for entry in exercises
    )
