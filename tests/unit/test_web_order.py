"""Pure rules behind the order the web reads (see tests/platform/test_order.py for the rows)."""

from __future__ import annotations

from typing import Any

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.progress import SessionRow, realign_entries


def _row(row_id: str, exercise_id: str) -> SessionRow:
    return SessionRow(row_id, exercise_id, exercise_id.title(), "standard", {"sets": 3})


def _entry(exercise_id: str, position: int, status: str = "completed") -> dict[str, Any]:
    return {"exerciseId": exercise_id, "position": position, "status": status, "data": {"x": 1}}


def test_entries_follow_their_exercise_to_its_new_index() -> None:
    old = [_row("r1", "squat"), _row("r2", "bench"), _row("r3", "row")]
    progress = {
        "exercises": [_entry("squat", 0), _entry("bench", 1), _entry("row", 2)],
        "summary": {"totalExercises": 3},
        "kept": True,
    }
    new = [old[2], old[0], old[1]]
    moved = realign_entries(progress, old, new)
    assert [e["exerciseId"] for e in moved["exercises"]] == ["row", "squat", "bench"]
    assert [e["position"] for e in moved["exercises"]] == [0, 1, 2]
    assert moved["kept"] is True
    assert progress["exercises"][0]["exerciseId"] == "squat", "the input is not changed"


def test_an_added_exercise_gets_the_runners_entry_and_a_removed_ones_entry_is_kept() -> None:
    old = [_row("r1", "squat"), _row("r2", "bench")]
    progress = {"exercises": [_entry("squat", 0), _entry("bench", 1)]}
    new = [_row("r9", "lunge"), old[0]]
    moved = realign_entries(progress, old, new)["exercises"]
    assert moved[0]["exerciseId"] == "lunge"
    assert moved[0]["status"] == "not_started"
    assert moved[0]["videos"] == []
    assert moved[0]["notes"] == ""
    assert moved[1]["exerciseId"] == "squat"
    # Bench left the session; what the student logged on it stays, after the others.
    assert moved[2] == _entry("bench", 1)


def test_nothing_to_move_returns_the_progress_itself() -> None:
    old = [_row("r1", "squat")]
    progress = {"exercises": [_entry("squat", 0)]}
    assert realign_entries(progress, old, old) is progress
    assert realign_entries(None, old, old) is None


def test_a_touched_group_with_gaps_and_ties_is_numbered_0_to_n_minus_1() -> None:
    exercises = tuple(pe.ExerciseDoc(f"e{i}", "squat", {"sets": i + 1}) for i in range(3))
    doc = pe.ProgramDoc(
        id="p",
        title="Plan",
        blocks=(
            pe.BlockDoc(
                id="b",
                weeks=(
                    pe.WeekDoc(
                        id="w",
                        week_number=1,
                        sessions=(pe.SessionDoc(id="s", exercises=exercises),),
                    ),
                ),
            ),
        ),
    )
    edited = pe.replace_node(doc, (0, 0, 0, 0), pe.ExerciseDoc("e0", "squat", {"sets": 9}))
    change = pe.diff(doc, edited)
    # As stored: the web's add wrote max+1 twice (a tie) after a gap.
    stored = {"b": 0, "w": 0, "s": 0, "e0": 0, "e1": 4, "e2": 4}
    settled = pe.settle_positions(doc, edited, change, stored)
    positions = {u.id: u.changes.get(pe.POSITION) for u in settled.updates}
    assert positions == {"e0": None, "e1": 1, "e2": 2}
    assert pe.sessions_to_rewrite(doc, edited, settled) == ["s"]
    assert not pe.reordered_containers(settled)
