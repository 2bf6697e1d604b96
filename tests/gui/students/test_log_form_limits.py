"""The log form takes its limits from the domain: a stored result is shown, and saved, whole."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from gbf_desktop.domain.exercise_types import StandardResult, read_config, read_result
from gbf_desktop.domain.exercise_types import results as rs
from gbf_desktop.domain.review import ExerciseReview
from gbf_desktop.ui.students.log_session_dialog import ExerciseForm

pytestmark = [pytest.mark.gui]


def _review(sets: int) -> ExerciseReview:
    logged = {
        "setsCompleted": sets,
        "repsPerSet": [5] * sets,
        "weightPerSet": [100] * sets,
        "rpe": 8,
        "notes": "",
    }
    return ExerciseReview(
        position=0,
        exercise_id="e1",
        name="Back squat",
        prescription=read_config({"sets": 5, "reps": 5, "weight": 100}, "standard"),
        logged=read_result(logged, "standard"),
        status="completed",
        notes="",
        videos=(),
        lines=(),
    )


def test_thirty_logged_sets_are_all_shown_and_saved_back(qtbot: QtBot) -> None:
    # The dialog once stopped at 20 sets, and saving dropped the others.
    review = _review(30)
    assert review.logged is not None
    assert review.logged.is_valid
    form = ExerciseForm(review)
    qtbot.addWidget(form)
    assert len(form.set_fields) == 30
    result = form.result()
    assert isinstance(result, StandardResult)
    assert len(result.sets) == 30
    assert {s.reps for s in result.sets} == {5}


def test_no_more_sets_than_a_result_may_hold(qtbot: QtBot) -> None:
    form = ExerciseForm(_review(rs.MAX_ENTRIES - 1))
    qtbot.addWidget(form)
    form.add_set_button.click()
    form.add_set_button.click()
    assert len(form.set_fields) == rs.MAX_ENTRIES
    reps_box = form.set_fields[0][0]
    assert reps_box.maximum() == rs.LOGGED_REPS_RULE.high
