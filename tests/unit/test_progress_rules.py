from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from gbf_desktop.domain.progress import (
    computed_status,
    session_is_complete,
    session_to_open,
    tally,
)
from gbf_desktop.domain.review import session_status


@pytest.mark.parametrize(
    ("status", "progress", "complete"),
    [
        ("completed", {"exercises": [{"status": "completed"}, {"status": "in_progress"}]}, False),
        ("partial", {"exercises": [{"status": "completed"}, {"status": "skipped"}]}, True),
        ("completed", None, True),
        ("pending", None, False),
        (None, {"exercises": "not a list"}, False),
        ("completed", {"exercises": [None, 3, {"status": " completed "}]}, True),
        ("completed", {"exercises": [{}]}, False),
    ],
)
def test_session_completion(
    status: str | None, progress: dict[str, Any] | None, complete: bool
) -> None:
    assert session_is_complete(status, progress) is complete


@pytest.mark.parametrize("stored", ["Completed", " completed ", "COMPLETED"])
def test_the_dashboard_and_the_review_agree_on_a_stored_completed(stored: str) -> None:
    # An older row without exercise entries: its stored status decides, in any case or spacing,
    # for the dashboard's rule and the review's alike (the dashboard once read only "completed").
    assert session_is_complete(stored, None)
    assert session_status(stored, None).is_complete
    assert not session_status(stored, None).disagrees


@pytest.mark.parametrize(
    ("stored", "exercises", "expected"),
    [
        ("partial", [], "in_progress"),
        ("pending", [], "not_started"),
        ("something new", [], "in_progress"),  # saved, but the platform never wrote this
        (None, [{"status": "completed"}, {"status": "skipped"}], "completed"),
        ("completed", [{"status": "in_progress"}, {"status": "not_started"}], "in_progress"),
        ("completed", [{"status": "not_started"}], "not_started"),
    ],
)
def test_computed_status(
    stored: str | None, exercises: list[dict[str, str]], expected: str
) -> None:
    assert computed_status(stored, tally({"exercises": exercises})) == expected


def test_the_session_logged_last_opens_first() -> None:
    timeline = [("s1", False), ("s2", True), ("s3", False)]
    logged = {"s3": datetime(2025, 5, 1, 9), "s1": datetime(2025, 5, 3, 18)}
    assert session_to_open(timeline, logged) == "s1"


def test_without_a_log_the_first_overdue_session_opens_then_the_first_one() -> None:
    assert session_to_open([("s1", False), ("s2", True), ("s3", True)], {}) == "s2"
    assert session_to_open([("s1", False), ("s2", False)], {}) == "s1"
    # A log of a session no longer in any program does not count.
    assert session_to_open([("s1", False)], {"gone": datetime(2025, 5, 1)}) == "s1"
    assert session_to_open([], {}) is None
