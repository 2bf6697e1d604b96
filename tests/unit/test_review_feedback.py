"""Where a coach's shared review comment goes in a log."""

from __future__ import annotations

from datetime import datetime

from gbf_desktop.services.clip_reviews import with_feedback

AT = datetime(2026, 3, 12, 18, 0)


def _entry(name: str, **extra: object) -> dict[str, object]:
    return {"exerciseName": name, "notes": "", "videos": [], "data": {}, **extra}


def test_the_entry_holding_the_clip_gets_the_comment_after_earlier_notes() -> None:
    progress = {
        "exercises": [
            _entry("Squat", data={"repsPerSet": [5], "notes": "heavy"}),
            _entry("Deadlift", videos=["clip-1"], notes="Coach Sam (2026-03-01): brace"),
        ],
        "clientBuild": "web-2.3",
    }

    feedback = with_feedback(progress, "clip-1", "Sam", "Hips rise first", AT)

    squat, deadlift = feedback.progress["exercises"]
    assert feedback.exercise_name == "Deadlift"
    assert (
        deadlift["notes"]
        == "Coach Sam (2026-03-01): brace\n\nCoach Sam (2026-03-12): Hips rise first"
    )
    assert squat == progress["exercises"][0]  # type: ignore[index]
    assert feedback.progress["clientBuild"] == "web-2.3"
    # The input is left as it was: the caller decides what to store.
    assert progress["exercises"][1]["notes"] == "Coach Sam (2026-03-01): brace"  # type: ignore[index]


def test_without_the_clip_in_any_entry_the_first_logged_one_is_used() -> None:
    progress = {"exercises": [_entry("Warm-up"), _entry("Squat", data={"repsPerSet": [5]})]}
    feedback = with_feedback(progress, "clip-9", "Sam", "Good depth", AT)
    assert feedback.exercise_name == "Squat"
    assert feedback.progress["exercises"][1]["notes"] == "Coach Sam (2026-03-12): Good depth"
    assert feedback.progress["exercises"][0]["notes"] == ""


def test_a_log_without_entries_is_left_alone() -> None:
    feedback = with_feedback({"exercises": []}, "clip-1", "Sam", "Nice", AT)
    assert feedback.exercise_name is None
    assert feedback.progress == {"exercises": []}
