"""Typed results: the round trip through `session_progress` data, and messy logged rows."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbf_desktop.domain.exercise_types import (
    AmrapResult,
    CircuitResult,
    CustomResult,
    EmomResult,
    ExerciseKind,
    Result,
    RoundResult,
    SetResult,
    StandardResult,
    read_result,
)
from gbf_desktop.domain.exercise_types.results import check_loggable
from gbf_desktop.errors import ValidationError

WEB_SHAPES = {
    ExerciseKind.STANDARD: {
        "setsCompleted", "repsPerSet", "repsCompleted", "weightUsed", "rpe", "notes",
    },
    ExerciseKind.EMOM: {"repsPerMinute", "rpe", "notes"},
    ExerciseKind.AMRAP: {"totalReps", "rpe", "notes"},
    ExerciseKind.CIRCUIT: {"roundsCompleted", "totalReps", "weightUsed", "rpe", "notes"},
    # No case of its own in the runner: its default (standard) branch's keys.
    ExerciseKind.CUSTOM: {
        "setsCompleted", "repsPerSet", "repsCompleted", "weightUsed", "rpe", "notes",
    },
}  # fmt: skip


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def extras(known: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    values = st.none() | st.integers() | st.text(max_size=5) | st.lists(st.integers(), max_size=2)
    keys = st.text(min_size=1, max_size=10).filter(lambda key: key not in known)
    return st.dictionaries(keys, values, max_size=2)


rpe = st.integers(2, 20).map(lambda n: n / 2)
kg = st.floats(0, 1000, allow_nan=False)
reps = st.integers(0, 1000)
notes = st.text(max_size=30)

standard = st.builds(
    StandardResult,
    sets=st.lists(st.builds(SetResult, opt(reps), opt(kg), opt(rpe)), max_size=8).map(tuple),
    rpe=opt(rpe),
    notes=notes,
    extra=extras(StandardResult.KEYS),
)
# The common case: one load for every set, as the web logs it.
standard_one_load = st.builds(
    lambda reps_list, load: StandardResult(sets=tuple(SetResult(r, load) for r in reps_list)),
    st.lists(reps, min_size=1, max_size=6),
    opt(kg),
)
emom = st.builds(
    EmomResult,
    reps_per_minute=st.lists(opt(reps), max_size=20).map(tuple),
    completed=opt(st.booleans()),
    rpe=opt(rpe),
    notes=notes,
    extra=extras(EmomResult.KEYS),
)
amrap = st.builds(
    AmrapResult,
    total_reps=opt(st.integers(0, 100000)),
    rounds=opt(st.integers(0, 1000)),
    extra_reps=opt(st.integers(0, 1000)),
    completed=opt(st.booleans()),
    rpe=opt(rpe),
    notes=notes,
    extra=extras(AmrapResult.KEYS),
)
circuit_totals = st.builds(
    CircuitResult,
    rounds_completed=opt(st.integers(0, 1000)),
    total_reps=opt(st.integers(0, 100000)),
    weight_kg=opt(kg),
    rpe=opt(rpe),
    notes=notes,
    extra=extras(CircuitResult.KEYS),
)
circuit_rounds = st.builds(
    CircuitResult.from_rounds,
    st.lists(st.builds(RoundResult, st.booleans(), opt(reps)), min_size=1, max_size=10),
    weight_kg=opt(kg),
    rpe=opt(rpe),
    notes=notes,
)
custom = st.builds(
    CustomResult, notes=notes, completed=opt(st.booleans()), extra=extras(CustomResult.KEYS)
)
results = standard | standard_one_load | emom | amrap | circuit_totals | circuit_rounds | custom


@given(results)
def test_valid_result_round_trips_through_the_stored_data(result: Result) -> None:
    data = result.to_data()
    stored = json.loads(json.dumps(data))
    reading = read_result(stored, result.KIND.value)
    assert reading.result == result
    assert reading.result.to_data() == data
    assert [issue for issue in reading.issues if issue.severity != "missing"] == []


@given(results)
def test_results_are_written_in_the_web_runners_shape(result: Result) -> None:
    data = result.to_data()
    assert set(data) >= WEB_SHAPES[result.KIND]
    if isinstance(result, StandardResult):
        assert data["setsCompleted"] == len(data["repsPerSet"])
        assert data["repsCompleted"] == sum(r for r in data["repsPerSet"] if r is not None)


@given(standard_one_load)
def test_one_load_per_exercise_needs_no_per_set_keys(result: StandardResult) -> None:
    data = result.to_data()
    assert "weightPerSet" not in data
    assert "rpePerSet" not in data


def test_drop_set_stores_per_set_loads_beside_the_top_set() -> None:
    result = StandardResult(
        sets=(SetResult(8, 100, 8), SetResult(8, 80, 9), SetResult(10, 60, 10)), rpe=9
    )
    assert result.to_data() == {
        "setsCompleted": 3,
        "repsPerSet": [8, 8, 10],
        "repsCompleted": 26,
        "weightUsed": 100,
        "rpe": 9,
        "notes": "",
        "weightPerSet": [100, 80, 60],
        "rpePerSet": [8, 9, 10],
    }


def test_amrap_rounds_plus_reps() -> None:
    result = AmrapResult.from_rounds(6, 4, 12, completed=True, rpe=9)
    assert result.total_reps == 76
    assert result.to_data() == {
        "totalReps": 76,
        "rpe": 9,
        "notes": "",
        "rounds": 6,
        "extraReps": 4,
        "completed": True,
    }
    # Without a round size the coach types the total: a score never lacks `totalReps`.
    assert AmrapResult.from_rounds(6, 4, None, total_reps=80).to_data()["totalReps"] == 80
    with pytest.raises(ValidationError, match="Enter the total reps"):
        check_loggable(AmrapResult.from_rounds(6, 4, None))


def test_circuit_totals_must_match_the_rounds() -> None:
    rounds = (RoundResult(True, 30), RoundResult(True, 30), RoundResult(False, 12))
    result = CircuitResult.from_rounds(rounds, weight_kg=16)
    assert (result.rounds_completed, result.total_reps) == (2, 72)
    with pytest.raises(ValidationError, match="must match the rounds logged"):
        CircuitResult(rounds_completed=3, total_reps=72, per_round=rounds)


def test_circuit_detail_that_the_web_outdated_is_not_used() -> None:
    data = CircuitResult.from_rounds((RoundResult(True, 30), RoundResult(True, 30))).to_data()
    reading = read_result({**data, "roundsCompleted": 3}, "circuit")
    assert reading.result == CircuitResult(rounds_completed=3, total_reps=60)
    assert reading.issues_for("perRound")[0].severity == "note"


def test_messy_standard_row() -> None:
    data = {"setsCompleted": "5", "repsPerSet": [5, 5, "5", 5, None], "weightUsed": 100}
    reading = read_result(data, "standard")
    result = reading.result
    assert isinstance(result, StandardResult)
    assert [s.reps for s in result.sets] == [5, 5, 5, 5, None]
    assert all(s.load_kg == 100 for s in result.sets)
    assert {(i.key, i.severity) for i in reading.issues} == {
        ("setsCompleted", "note"),
        ("repsPerSet[2]", "note"),
        ("repsPerSet[4]", "missing"),
    }
    assert reading.to_data() == data


def test_standard_row_without_per_set_reps() -> None:
    reading = read_result({"setsCompleted": 3, "repsCompleted": 24, "weightUsed": "80"}, "standard")
    result = reading.result
    assert isinstance(result, StandardResult)
    assert result.sets == (SetResult(None, 80),) * 3


def test_sums_that_disagree_are_noted() -> None:
    data = {"setsCompleted": 2, "repsPerSet": [5, 5, 5], "repsCompleted": 12, "weightUsed": 50}
    reading = read_result(data, "standard")
    assert {i.key for i in reading.issues} == {"setsCompleted", "repsCompleted"}
    assert reading.is_valid, "notes only: every value is usable"


@pytest.mark.parametrize(
    ("data", "library", "keys"),
    [
        (None, "standard", {""}),
        ("12,12", "EMOM", {""}),
        (
            {"repsPerMinute": "12,12,12", "rpe": "hard", "notes": 5},
            "EMOM",
            {"repsPerMinute", "rpe", "notes"},
        ),
        ({"totalReps": -3, "completed": "yes"}, "AMRAP", {"totalReps", "completed"}),
        ({"perRound": [{"reps": 3}], "roundsCompleted": 1}, "circuit", {"perRound[0]"}),
        ({"notes": ["a"], "completed": 1}, "custom", {"notes", "completed"}),
    ],
)
def test_garbage_is_flagged_never_raised(data: Any, library: str, keys: set[str]) -> None:
    reading = read_result(data, library)
    assert {issue.key for issue in reading.issues} == keys
    assert not reading.is_valid
    assert json.dumps(reading.to_data(), sort_keys=True) == json.dumps(data, sort_keys=True)


odd = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-100, 2000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.lists(st.integers(-5, 50) | st.none() | st.text(max_size=3) | st.booleans(), max_size=5),
    st.lists(
        st.dictionaries(st.sampled_from(["completed", "reps"]), st.booleans() | st.integers())
    ),
)
DESKTOP_KEYS = ["weightPerSet", "rpePerSet", "completed", "rounds", "extraReps", "perRound"]
keys = st.sampled_from([*sorted(set().union(*WEB_SHAPES.values())), *DESKTOP_KEYS, "other"])


@given(
    st.dictionaries(keys, odd, max_size=8) | odd, st.sampled_from([k.value for k in ExerciseKind])
)
def test_any_stored_data_opens_and_is_written_back_unchanged(data: Any, library: str) -> None:
    before = json.dumps(data, sort_keys=True)
    reading = read_result(data, library)
    assert json.dumps(reading.to_data(), sort_keys=True) == before
    written = reading.result.to_data()
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in reading.result.KEYS:
                assert written[key] == value
