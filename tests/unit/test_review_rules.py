"""Progress review rules on hand-made values: due dates, compliance, attention, status, ghost rows,
chart figures and the JSON a log on a student's behalf writes. Every expected figure is worked out
by hand in the test."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from gbf_desktop.domain.exercise_types import ExerciseKind, SetResult, StandardResult
from gbf_desktop.domain.model import ScheduledSession
from gbf_desktop.domain.progress import SessionRow, runner_entry
from gbf_desktop.domain.review import (
    Compliance,
    ExercisePoint,
    ExerciseSeries,
    PlannedExercise,
    TimelineRow,
    attention_reasons,
    chart_measures,
    compliance_in,
    default_measure,
    due_dates,
    exercise_point,
    review_exercise,
    review_exercises,
    session_status,
    weekly_figures,
)
from gbf_desktop.services.logging_on_behalf import (
    ExerciseLog,
    build_progress,
    session_status_for,
)

ASSIGNED = datetime(2026, 1, 5, 10, 30)  # a Monday


def scheduled(
    session_id: str, block: int, week: int, position: int, when: datetime | None
) -> ScheduledSession:
    return ScheduledSession(
        student_id="s1",
        program_id="p1",
        program_title="Strength",
        assigned_at=ASSIGNED,
        block_position=block,
        block_title=f"Block {block}",
        week_position=week,
        week_number=week + 1,
        session_id=session_id,
        session_position=position,
        session_title=session_id,
        session_date=when,
    )


def test_undated_sessions_fall_due_at_the_end_of_their_program_week() -> None:
    dues = due_dates(
        [
            scheduled("a", 0, 0, 0, None),
            scheduled("b", 0, 0, 1, None),
            scheduled("c", 0, 1, 0, None),
            # Block 1's first week is the program's third week, whatever its weekNumber says.
            scheduled("d", 1, 0, 0, None),
            scheduled("e", 1, 0, 1, datetime(2026, 1, 20, 0, 0)),
        ]
    )
    assert dues == {
        "a": date(2026, 1, 11),
        "b": date(2026, 1, 11),
        "c": date(2026, 1, 18),
        "d": date(2026, 1, 25),
        "e": date(2026, 1, 20),
    }


def test_compliance_counts_sessions_due_in_the_window_that_are_complete() -> None:
    dues = {
        "a": date(2026, 3, 10),
        "b": date(2026, 3, 11),
        "c": date(2026, 3, 12),
        "d": date(2026, 3, 5),
        "future": date(2026, 3, 13),
    }
    done = {"a", "d", "future"}
    today = date(2026, 3, 12)

    week = compliance_in(dues, done, end=today, days=7)  # 6 to 12 March: a, b, c
    month = compliance_in(dues, done, end=today, days=30)  # a, b, c, d

    assert (week.due, week.done) == (3, 1)
    assert week.percent == pytest.approx(100 / 3)
    assert (month.due, month.done, month.ratio) == (4, 2, 0.5)
    assert compliance_in(dues, done, end=date(2026, 1, 1), days=7).ratio is None


def window(due: int, done: int) -> Compliance:
    return Compliance(days=30, end=date(2026, 3, 12), due=due, done=done)


NOW = datetime(2026, 3, 12, 12, 0)


@pytest.mark.parametrize(
    ("activity", "current", "previous", "due_so_far", "expected"),
    [
        (NOW - timedelta(days=2), window(3, 3), window(3, 3), 6, ()),
        (
            NOW - timedelta(days=8, hours=1),
            window(3, 3),
            window(3, 3),
            6,
            ("No activity for 8 days (last on 2026-03-04).",),
        ),
        # 80 % after 100 %: exactly 20 points, which counts (float noise must not hide it).
        (
            NOW,
            window(5, 4),
            window(5, 5),
            10,
            ("Compliance fell from 100 % to 80 % (last 30 days against the 30 before).",),
        ),
        (NOW, window(100, 81), window(100, 100), 200, ()),  # 19 points
        (NOW, window(3, 0), window(0, 0), 3, ()),  # nothing due before: no comparison
        (None, window(0, 0), window(0, 0), 0, ()),  # a new student with nothing due yet
        (None, window(2, 0), window(0, 0), 2, ("Nothing logged yet; 2 sessions due.",)),
    ],
)
def test_needs_attention_rules(
    activity: datetime | None,
    current: Compliance,
    previous: Compliance,
    due_so_far: int,
    expected: tuple[str, ...],
) -> None:
    reasons = attention_reasons(
        activity=activity, now=NOW, current=current, previous=previous, due_so_far=due_so_far
    )
    assert reasons == expected


def entry(status: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, **extra}


@pytest.mark.parametrize(
    ("stored", "exercises", "computed", "disagrees"),
    [
        ("completed", [entry("completed"), entry("in_progress")], "in_progress", True),
        ("completed", [entry("completed"), entry("skipped")], "completed", False),
        ("partial", [entry("completed"), entry("skipped")], "completed", True),
        ("partial", [entry("completed"), entry("not_started")], "in_progress", False),
        ("pending", [entry("not_started"), {"nostatus": 1}], "not_started", False),
        (None, [entry("completed")], "completed", True),
    ],
)
def test_a_session_is_complete_only_when_every_exercise_is_done_or_skipped(
    stored: str | None, exercises: list[dict[str, Any]], computed: str, disagrees: bool
) -> None:
    status = session_status(stored, {"exercises": exercises})
    assert (status.computed, status.disagrees) == (computed, disagrees)


def test_without_exercises_the_stored_status_is_believed() -> None:
    assert session_status("completed", {"exercises": "garbage"}).computed == "completed"
    assert not session_status("completed", None).disagrees


def planned(
    position: int, config: Any, library_type: str = "standard", exercise_id: str | None = None
) -> PlannedExercise:
    exercise_id = exercise_id or f"ex{position}"
    return PlannedExercise(
        id=f"se{position}",
        session_id="s1",
        exercise_id=exercise_id,
        exercise_name=f"Exercise {position}",
        library_type=library_type,
        position=position,
        config=config,
    )


def logged(position: int, data: Any, status: str = "completed", **extra: Any) -> dict[str, Any]:
    return {
        "position": position,
        "exerciseId": extra.pop("exercise_id", f"ex{position}"),
        "status": status,
        "data": data,
        **extra,
    }


def test_standard_ghost_rows_beside_messy_logged_sets_with_flags() -> None:
    item = planned(0, {"sets": 3, "reps": 8, "weight": 60, "rpe": 8, "format": "standard"})
    progress = {
        "exercises": [
            logged(
                0,
                # Numbers as text, as phones type them.
                {"setsCompleted": 3, "repsPerSet": [8, 7, "9"], "weightUsed": "62.5", "rpe": 9},
                notes="Grip gave out",
            )
        ]
    }

    (review,) = review_exercises([item], progress)

    set1, set2, set3, effort = review.lines
    assert (set1.cell("Reps").prescribed, set1.cell("Reps").logged) == (8.0, 8.0)
    assert (set1.cell("Load").prescribed, set1.cell("Load").logged) == (60.0, 62.5)
    assert set1.cell("Load").flag == "overshoot"
    assert set1.cell("Reps").flag is None
    assert set2.cell("Reps").flag == "shortfall"
    assert set3.cell("Reps").flag == "overshoot"
    assert (effort.cell("RPE").prescribed, effort.cell("RPE").logged) == (8.0, 9.0)
    assert effort.cell("RPE").flag == "overshoot"
    assert review.notes == "Grip gave out"
    assert review.logged is not None
    assert review.logged.issues_for("weightUsed")[0].severity == "note"


def test_a_prescribed_set_not_logged_is_a_shortfall_and_a_rep_range_is_respected() -> None:
    item = planned(0, {"sets": 3, "reps": "8-12", "format": "standard"})
    progress = {"exercises": [logged(0, {"repsPerSet": [12, 13], "weightUsed": None})]}

    (review,) = review_exercises([item], progress)

    assert [line.cell("Reps").flag for line in review.lines[:3]] == [
        None,
        "overshoot",
        "shortfall",
    ]
    assert review.lines[0].cell("Reps").prescribed == "8-12"
    assert review.lines[2].cell("Reps").logged is None


def test_emom_amrap_circuit_and_custom_rows() -> None:
    items = [
        planned(0, {"format": "EMOM", "duration": 300, "reps": 10}, "EMOM"),
        planned(1, {"format": "AMRAP", "duration": 600, "reps": 100}, "AMRAP"),
        planned(2, {"sets": 3, "reps": 10, "weight": 16, "format": "standard"}, "circuit"),
        planned(3, {"format": "standard", "instructions": "20 min hips"}, "custom"),
    ]
    progress = {
        "exercises": [
            logged(0, {"repsPerMinute": [10, 10, 9, 10], "rpe": 7}),
            logged(1, {"totalReps": "95", "rpe": None}),
            logged(2, {"roundsCompleted": 2, "totalReps": 20, "weightUsed": 16}),
            logged(3, {"notes": "Done", "durationMinutes": 22}),
        ]
    }

    emom, amrap, circuit, custom = review_exercises(items, progress)

    minutes = [line.cell("Reps") for line in emom.lines[:-1]]
    assert [c.logged for c in minutes] == [10.0, 10.0, 9.0, 10.0, None]
    assert [c.flag for c in minutes] == [None, None, "shortfall", None, "shortfall"]
    result = amrap.lines[0]
    assert (result.cell("Total reps").prescribed, result.cell("Total reps").logged) == (100, 95)
    assert result.cell("Total reps").flag == "shortfall"
    totals = circuit.lines[-2]
    assert (totals.cell("Rounds").logged, totals.cell("Rounds").flag) == (2, "shortfall")
    assert (totals.cell("Total reps").prescribed, totals.cell("Total reps").logged) == (30, 20)
    assert totals.cell("Load").flag is None
    notes = custom.lines[0].cell("Notes")
    assert (notes.prescribed, notes.logged) == ("20 min hips", "Done")


def test_an_emom_format_on_a_standard_library_exercise_is_shown_without_comparison() -> None:
    # The web runner logs by the library type: standard data under an EMOM prescription.
    (review,) = review_exercises(
        [planned(0, {"format": "EMOM", "duration": 300, "reps": 10})],
        {"exercises": [logged(0, {"repsPerSet": [10, 10], "weightUsed": 20})]},
    )
    assert review.kind_mismatch is not None
    assert review.flags == ()
    assert [line.cell("Reps").logged for line in review.lines[:2]] == [10.0, 10.0]


def test_entries_match_by_exercise_and_position_and_leftovers_are_kept() -> None:
    items = [planned(0, {"sets": 1, "reps": 5}), planned(1, {"sets": 1, "reps": 5})]
    progress = {
        "exercises": [
            logged(1, {"repsPerSet": [5], "weightUsed": 50}),
            # The coach moved exercise 0 to position "4" since; it still matches by its id.
            logged(4, {"repsPerSet": [4], "weightUsed": 40}, exercise_id="ex0"),
            logged(7, {"repsPerSet": [3]}, exercise_id="gone", exerciseName="Removed lift"),
            "not an object",
        ]
    }

    first, second, orphan = review_exercises(items, progress)

    assert first.lines[0].cell("Load").logged == 40
    assert second.lines[0].cell("Load").logged == 50
    assert (orphan.name, orphan.prescription) == ("Removed lift", None)


def test_an_untouched_exercise_shows_its_ghost_only() -> None:
    (review,) = review_exercises(
        [planned(0, {"sets": 2, "reps": 5, "weight": 80})],
        {"exercises": [logged(0, None, status="not_started")]},
    )
    assert review.logged is None
    assert [line.cell("Reps").prescribed for line in review.lines[:2]] == [5.0, 5.0]
    assert review.flags == ()


def test_chart_point_of_a_standard_exercise() -> None:
    result = StandardResult(
        sets=(SetResult(5, 100.0), SetResult(13, 105.0), SetResult(0, 110.0)), rpe=8
    )
    point = exercise_point(date(2026, 3, 2), "s1", result)
    assert point is not None
    # Top set ignores the missed attempt (0 reps); e1RM ignores the 13-rep set:
    # Epley 100 kg x 5 = 100 * (1 + 5/30) = 116.67 kg. Volume: 500 + 1365 + 0.
    assert point.top_set_kg == 105.0
    assert point.e1rm_kg == pytest.approx(116.6667, abs=1e-4)
    assert point.volume_kg == 1865.0
    assert (point.rpe, point.total_reps) == (8.0, 18)


def test_weekly_figures_run_from_the_first_week_to_the_current_one() -> None:
    dues = {"a": date(2026, 3, 2), "b": date(2026, 3, 4), "c": date(2026, 3, 11)}
    weeks = weekly_figures(
        [(date(2026, 3, 2), 1000.0), (date(2026, 3, 3), 500.0)], dues, {"a"}, date(2026, 3, 12)
    )
    assert [(w.week, w.volume_kg) for w in weeks] == [
        (date(2026, 3, 2), 1500.0),
        (date(2026, 3, 9), 0.0),
    ]
    assert [(w.compliance.due, w.compliance.done) for w in weeks] == [(2, 1), (1, 0)]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["completed", "skipped"], "completed"),
        (["completed", "not_started"], "partial"),
        (["completed", "in_progress"], "in_progress"),
        (["not_started", "not_started"], "not_started"),
        ([], "not_started"),
    ],
)
def test_the_status_written_is_computed_honestly(statuses: list[str], expected: str) -> None:
    assert session_status_for(statuses) == expected


def test_a_log_keeps_unknown_keys_and_untouched_entries() -> None:
    items = [planned(0, {"sets": 2, "reps": 5}), planned(1, {"sets": 1, "reps": 5})]
    old = {
        "sessionId": "s1",
        "appVersion": "web-2.3",
        "summary": {"totalExercises": 2, "streak": 4},
        "metadata": {"lastModifiedAt": "2026-03-01T10:00:00.000Z", "device": "iPhone"},
        "exercises": [
            {**logged(0, {"repsPerSet": [5], "weightUsed": 50, "tempoNote": "slow"}), "x": 1},
            logged(1, {"repsPerSet": [5]}, status="completed"),
        ],
    }
    session = TimelineRow(
        assignment_id="a1",
        program_id="p1",
        program_title="Strength",
        assigned_at=ASSIGNED,
        block_title="Block A",
        week_number=3,
        session_id="s1",
        session_title="Lower A",
        session_notes="Brace hard",
    )
    log = ExerciseLog(
        "ex0", 0, "completed", StandardResult(sets=(SetResult(5, 60.0), SetResult(5, 60.0)))
    )

    progress = build_progress(
        session=session,
        planned=items,
        logs=[log],
        old=old,
        coach_id="coach-1",
        now=datetime(2026, 3, 12, 18, 5, 7, 123000),
    )

    assert progress["appVersion"] == "web-2.3"
    assert progress["summary"] == {
        "totalExercises": 2,
        "completedExercises": 2,
        "inProgressExercises": 0,
        "skippedExercises": 0,
        "streak": 4,
    }
    assert progress["metadata"] == {
        "lastModifiedAt": "2026-03-12T18:05:07.123Z",
        "lastModifiedBy": "coach-1",
        # Who typed it in: the timeline's "entered by coach" (the web ignores the key).
        "enteredBy": "coach-1",
        "device": "iPhone",
    }
    first, second = progress["exercises"]
    assert first["x"] == 1
    assert first["data"]["tempoNote"] == "slow"
    assert first["data"]["repsPerSet"] == [5, 5]
    assert first["data"]["weightUsed"] == 60
    assert second == old["exercises"][1]
    assert (progress["sessionTitle"], progress["week"], progress["block"]) == (
        "Lower A",
        3,
        "Block A",
    )


def test_an_easier_rpe_than_prescribed_is_no_shortfall_a_harder_one_is_flagged() -> None:
    item = planned(0, {"sets": 2, "reps": 5, "weight": 100, "rpe": 8, "format": "standard"})
    easier = {"exercises": [logged(0, {"repsPerSet": [5, 5], "weightUsed": 100, "rpe": 6})]}
    harder = {"exercises": [logged(0, {"repsPerSet": [5, 5], "weightUsed": 100, "rpe": 9.5})]}

    (review,) = review_exercises([item], easier)
    assert review.lines[-1].cell("RPE").logged == 6.0
    assert review.lines[-1].cell("RPE").flag is None
    assert "shortfall" not in review.flags
    (review,) = review_exercises([item], harder)
    assert review.lines[-1].cell("RPE").flag == "overshoot"


def test_charts_offer_only_the_measures_a_type_has() -> None:
    assert chart_measures(ExerciseKind.STANDARD)[:2] == ("e1rm_kg", "top_set_kg")
    for kind in (ExerciseKind.EMOM, ExerciseKind.AMRAP, ExerciseKind.CIRCUIT, ExerciseKind.CUSTOM):
        measures = chart_measures(kind)
        assert "e1rm_kg" not in measures
        assert "top_set_kg" not in measures
        assert "rpe" in measures
    assert chart_measures(ExerciseKind.CUSTOM) == ("rpe",)


def _point(**figures: float | None) -> ExercisePoint:
    values: dict[str, Any] = {
        "top_set_kg": None,
        "e1rm_kg": None,
        "volume_kg": None,
        "rpe": None,
        "total_reps": None,
    }
    values.update(figures)
    return ExercisePoint(day=date(2025, 5, 1), session_id="s1", **values)


def test_the_default_chart_measure_is_the_best_one_with_data() -> None:
    def series(kind: ExerciseKind, *points: ExercisePoint) -> ExerciseSeries:
        return ExerciseSeries("e1", "Back squat", kind, points)

    loaded = series(ExerciseKind.STANDARD, _point(e1rm_kg=116.7, top_set_kg=100, rpe=8))
    assert default_measure(loaded) == "e1rm_kg"
    # Sets without a load: no strength figure, so the reps done.
    bodyweight = series(ExerciseKind.STANDARD, _point(total_reps=30, rpe=7))
    assert default_measure(bodyweight) == "total_reps"
    assert default_measure(series(ExerciseKind.AMRAP, _point(rpe=9))) == "rpe"
    assert default_measure(series(ExerciseKind.CUSTOM)) == "rpe"


@pytest.mark.parametrize("library_type", ["standard", "EMOM", "AMRAP", "circuit"])
def test_an_entry_the_runner_created_untouched_is_not_a_log(library_type: str) -> None:
    """workout-runner.service.ts fills an untouched entry with empty figures of its type."""
    item = planned(0, {"sets": 3, "reps": 5, "format": "standard"}, library_type)
    entry = runner_entry(0, SessionRow("se0", "ex0", "Exercise 0", library_type, item.config))
    review = review_exercise(item, entry)
    assert review.logged is None
    assert review.status == "not_started"
