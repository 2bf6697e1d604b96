"""Typed prescriptions: validation messages, the stored config round trip, web-made configs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbf_desktop.domain.exercise_types import (
    AmrapPrescription,
    CircuitPrescription,
    CustomPrescription,
    EmomPrescription,
    ExerciseKind,
    Load,
    LoadUnit,
    MaxReps,
    Prescription,
    RepCount,
    RepRange,
    Rir,
    Rpe,
    StandardPrescription,
    Station,
    Tempo,
    allowed_kinds,
    check_complete,
    new_prescription,
    read_config,
)
from gbf_desktop.errors import ValidationError

# ---------------------------------------------------------------------------------------------
# Strategies for valid prescriptions

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def extras(known: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda key: key not in known),
        json_values,
        max_size=3,
    )


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


halves = st.integers(2, 20).map(lambda n: n / 2)
kg = st.floats(0, 1000, allow_nan=False)
short_text = st.text(max_size=40)
names = st.text(min_size=1, max_size=30).filter(lambda text: bool(text.strip()))
reps_targets = (
    st.integers(1, 100).map(RepCount)
    | st.tuples(st.integers(1, 99), st.integers(1, 99)).map(
        lambda pair: RepRange(min(pair), min(pair) + abs(pair[0] - pair[1]) + 1)
    )
    | st.just(MaxReps())
)
loads = (
    kg.map(Load)
    | st.floats(0, 2200, allow_nan=False).map(lambda v: Load(v, LoadUnit.LB))
    | st.floats(1, 120, allow_nan=False).map(lambda v: Load(v, LoadUnit.PERCENT_1RM))
)
efforts = halves.map(Rpe) | st.integers(0, 18).map(lambda n: Rir(n / 2))
tempos = st.from_regex(r"[0-9X](-[0-9X]){2,3}", fullmatch=True).map(Tempo)

standard = st.builds(
    StandardPrescription,
    sets=opt(st.integers(1, 20)),
    reps=opt(reps_targets),
    load=opt(loads),
    rest_s=opt(st.integers(0, 3600)),
    effort=opt(efforts),
    tempo=opt(tempos),
    set_time_s=opt(st.integers(1, 3600)),
    notes=opt(short_text),
    extra=extras(StandardPrescription.KEYS),
)
emom = st.builds(
    EmomPrescription,
    minutes=opt(st.integers(1, 60)),
    reps_per_minute=opt(st.integers(1, 100)),
    work=opt(short_text),
    alternating=st.lists(names, max_size=4).map(tuple),
    weight_kg=opt(kg),
    rpe=opt(halves),
    notes=opt(short_text),
    extra=extras(EmomPrescription.KEYS),
)
amrap = st.builds(
    AmrapPrescription,
    time_cap_min=opt(st.integers(1, 60)),
    goal=opt(short_text),
    target_reps=opt(st.integers(1, 1000)),
    weight_kg=opt(kg),
    rpe=opt(halves),
    notes=opt(short_text),
    extra=extras(AmrapPrescription.KEYS),
) | st.builds(
    AmrapPrescription,
    time_cap_min=opt(st.integers(1, 60)),
    target_rounds=st.integers(1, 100),
    extra=extras(AmrapPrescription.KEYS),
)
stations = st.builds(
    Station,
    name=opt(names),
    exercise_id=opt(st.uuids().map(str)),
    reps=opt(st.integers(1, 1000)),
    seconds=opt(st.integers(1, 3600)),
    meters=opt(st.integers(1, 10000)),
    weight_kg=opt(kg),
    extra=extras(Station.KEYS),
)
circuit = st.builds(
    CircuitPrescription,
    rounds=opt(st.integers(1, 20)),
    reps_per_round=opt(st.integers(1, 1000)),
    rest_between_rounds_s=opt(st.integers(0, 3600)),
    stations=st.lists(stations, max_size=5).map(tuple),
    weight_kg=opt(kg),
    rpe=opt(halves),
    notes=opt(short_text),
    extra=extras(CircuitPrescription.KEYS),
)
custom = st.builds(
    CustomPrescription,
    instructions=opt(short_text),
    sets=opt(st.integers(1, 20)),
    reps=opt(reps_targets),
    duration_s=opt(st.integers(1, 14400)),
    weight_kg=opt(kg),
    rest_s=opt(st.integers(0, 3600)),
    rpe=opt(halves),
    notes=opt(short_text),
    extra=extras(CustomPrescription.KEYS),
)
prescriptions = standard | emom | amrap | circuit | custom


# ---------------------------------------------------------------------------------------------
# Round trips


@given(prescriptions)
def test_valid_prescription_round_trips_through_the_stored_config(p: Prescription) -> None:
    config = p.to_config()
    # What reaches the database must be plain JSON.
    stored = json.loads(json.dumps(config))
    reading = read_config(stored, p.KIND.value)
    assert reading.kind is p.KIND
    assert reading.prescription == p
    assert [issue for issue in reading.issues if issue.severity != "missing"] == []
    assert reading.prescription.to_config() == config


@given(prescriptions, st.sampled_from(list(ExerciseKind)))
def test_emom_and_amrap_keep_their_kind_on_any_library_exercise(
    p: Prescription, library: ExerciseKind
) -> None:
    """The web builder lets a coach pick EMOM or AMRAP for any library exercise."""
    if p.KIND in (ExerciseKind.EMOM, ExerciseKind.AMRAP):
        assert read_config(p.to_config(), library.value).prescription == p


@given(prescriptions)
def test_config_keeps_the_web_meaning_of_its_keys(p: Prescription) -> None:
    config = p.to_config()
    # The web's workout page picks its inputs by format: circuits must say "circuit".
    expected = {ExerciseKind.CIRCUIT: ("circuit",), ExerciseKind.EMOM: ("EMOM",)}
    expected[ExerciseKind.AMRAP] = ("AMRAP",)
    assert config["format"] in expected.get(p.KIND, ("standard", "for-time", "time", "distance"))
    # The web reads `reps` as a number (a number input and a sum), ranges included.
    if "reps" in config:
        assert isinstance(config["reps"], int)
        assert not isinstance(config["reps"], bool)
    if "sets" in config and not isinstance(p, EmomPrescription | AmrapPrescription):
        assert isinstance(config["sets"], int)
        assert 1 <= config["sets"] <= 20
    if "weight" in config and "weight" not in p.extra:
        assert isinstance(config["weight"], int | float)
        assert 0 <= config["weight"] <= 1000
    if isinstance(p, EmomPrescription | AmrapPrescription) and "duration" in config:
        assert config["duration"] % 60 == 0


@given(prescriptions)
def test_unknown_keys_survive_the_round_trip(p: Prescription) -> None:
    config = p.to_config()
    for key, value in p.extra.items():
        assert config[key] == value


# ---------------------------------------------------------------------------------------------
# Validation messages


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: StandardPrescription(sets=0), "Sets must be a whole number from 1 to 20."),
        (lambda: StandardPrescription(sets=21), "Sets must be a whole number from 1 to 20."),
        (
            # A caller bypassing the types with 2.5 still meets the rule.
            lambda: StandardPrescription(sets=2.5),  # type: ignore[arg-type]
            "Sets must be a whole number from 1 to 20.",
        ),
        (
            lambda: RepCount(0),
            "Reps must be a whole number from 1 to 100, a range such as 8-12, or max.",
        ),
        (
            lambda: RepRange(12, 8),
            "A rep range must go from a lower to a higher number, e.g. 8-12.",
        ),
        (lambda: Rpe(10.5), "Target RPE must be a number from 1 to 10 in steps of 0.5."),
        (lambda: Rpe(7.3), "Target RPE must be a number from 1 to 10 in steps of 0.5."),
        (lambda: Rir(10), "Target RIR must be a number from 0 to 9 in steps of 0.5."),
        (
            lambda: StandardPrescription(rest_s=-1),
            "Rest must be a whole number from 0 to 3600 seconds.",
        ),
        (lambda: Load(1001), "Load must be a number from 0 to 1000 kg."),
        (lambda: Load(-5, LoadUnit.LB), "Load must be a number from 0 to 2200 lb."),
        (
            lambda: Load(0, LoadUnit.PERCENT_1RM),
            "Load must be a number from 1 to 120 % of 1RM.",
        ),
        (
            lambda: Tempo("3-1"),
            "Tempo must be 3 or 4 parts separated by dashes, each a digit or X, "
            "e.g. 3-1-1-0 or 2-0-X-1.",
        ),
        (
            lambda: StandardPrescription(notes="x" * 2001),
            "Notes must be text of at most 2000 characters.",
        ),
        (lambda: EmomPrescription(minutes=61), "Minutes must be a whole number from 1 to 60."),
        (
            lambda: EmomPrescription(reps_per_minute=0),
            "Reps per minute must be a whole number from 1 to 100.",
        ),
        (
            lambda: EmomPrescription(alternating=("Row", " ")),
            "Alternating exercises must be a list of at most 12 names, each 1 to 200 characters.",
        ),
        (
            lambda: AmrapPrescription(time_cap_min=0),
            "Time cap must be a whole number from 1 to 60 minutes.",
        ),
        (
            lambda: AmrapPrescription(target_reps=50, target_rounds=5),
            "Set target reps or target rounds, not both.",
        ),
        (lambda: CircuitPrescription(rounds=0), "Rounds must be a whole number from 1 to 20."),
        (
            lambda: CircuitPrescription(stations=tuple(Station(name="Row") for _ in range(21))),
            "A circuit can have at most 20 stations.",
        ),
        (
            lambda: Station(name="Run", meters=0),
            "Station distance must be a whole number from 1 to 10000 m.",
        ),
        (
            lambda: CustomPrescription(duration_s=0),
            "Duration must be a whole number from 1 to 14400 seconds.",
        ),
    ],
)
def test_validation_names_the_field_and_its_range(build: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("prescription", "message"),
    [
        (StandardPrescription(reps=RepCount(5)), "Sets is required."),
        (StandardPrescription(sets=3), "Reps is required."),
        (EmomPrescription(reps_per_minute=5), "Minutes is required."),
        (EmomPrescription(minutes=10), "Reps per minute is required."),
        (AmrapPrescription(), "Time cap is required."),
        (CircuitPrescription(), "Rounds is required."),
        (CircuitPrescription(rounds=3, stations=(Station(),)), "Station 1 exercise is required."),
        (CustomPrescription(), "Instructions is required."),
    ],
)
def test_saving_needs_the_required_fields(prescription: Prescription, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check_complete(prescription)


@pytest.mark.parametrize(
    "prescription",
    [
        StandardPrescription(sets=3, set_time_s=60),
        EmomPrescription(minutes=10, work="5 burpees + 10 air squats"),
        CircuitPrescription(rounds=3, stations=(Station(exercise_id="abc"),)),
        *(new_prescription(kind) for kind in ExerciseKind if kind is not ExerciseKind.CUSTOM),
    ],
)
def test_complete_prescriptions_pass(prescription: Prescription) -> None:
    check_complete(prescription)


def test_extra_may_not_shadow_a_typed_key() -> None:
    with pytest.raises(ValueError, match="sets"):
        StandardPrescription(extra={"sets": 3})


def test_emom_alternation_cycles_per_minute() -> None:
    p = EmomPrescription(minutes=6, reps_per_minute=10, alternating=("Row", "Burpee", "Swing"))
    assert [p.exercise_for_minute(m) for m in range(5)] == [
        "Row",
        "Burpee",
        "Swing",
        "Row",
        "Burpee",
    ]
    assert EmomPrescription(minutes=6).exercise_for_minute(0) is None


# ---------------------------------------------------------------------------------------------
# The mapping onto the web's keys, written out


def test_standard_config_uses_the_web_keys() -> None:
    p = StandardPrescription(
        sets=4,
        reps=RepRange(8, 12),
        load=Load(225, LoadUnit.LB),
        rest_s=120,
        effort=Rir(2),
        tempo=Tempo("3-1-x-0"),
        notes="Brace hard.",
    )
    assert p.to_config() == {
        "sets": 4,
        "reps": 8,
        "repsTarget": "8-12",
        "format": "standard",
        "weight": 102.06,
        "loadUnit": "lb",
        "loadValue": 225,
        "rest": 120,
        "rpe": 8,
        "rir": 2,
        "tempo": "3-1-X-0",
        "notes": "Brace hard.",
    }


def test_emom_config_stores_seconds_and_reps_per_minute() -> None:
    p = EmomPrescription(minutes=12, reps_per_minute=15, weight_kg=20, alternating=("a", "b"))
    assert p.to_config() == {
        "reps": 15,
        "format": "EMOM",
        "weight": 20,
        "duration": 720,
        "alternating": ["a", "b"],
    }


def test_amrap_and_circuit_and_custom_configs() -> None:
    assert AmrapPrescription(time_cap_min=10, target_rounds=5, goal="Hold pace").to_config() == {
        "format": "AMRAP",
        "duration": 600,
        "goal": "Hold pace",
        "targetRounds": 5,
    }
    circuit = CircuitPrescription(
        rounds=3,
        reps_per_round=25,
        rest_between_rounds_s=60,
        stations=(Station(name="Dead Bug", reps=10), Station(name="Side Plank", seconds=30)),
    )
    assert circuit.to_config() == {
        "sets": 3,
        "reps": 25,
        "format": "circuit",
        "rest": 60,
        "stations": [{"name": "Dead Bug", "reps": 10}, {"name": "Side Plank", "seconds": 30}],
    }
    assert CustomPrescription(instructions="Easy run", duration_s=1800).to_config() == {
        "format": "standard",
        "duration": 1800,
        "instructions": "Easy run",
    }


@pytest.mark.parametrize(
    ("library", "expected"),
    [
        (ExerciseKind.STANDARD, (ExerciseKind.STANDARD, ExerciseKind.EMOM, ExerciseKind.AMRAP)),
        (ExerciseKind.EMOM, (ExerciseKind.STANDARD, ExerciseKind.EMOM, ExerciseKind.AMRAP)),
        (ExerciseKind.AMRAP, (ExerciseKind.STANDARD, ExerciseKind.EMOM, ExerciseKind.AMRAP)),
        (ExerciseKind.CIRCUIT, (ExerciseKind.CIRCUIT, ExerciseKind.EMOM, ExerciseKind.AMRAP)),
        (ExerciseKind.CUSTOM, (ExerciseKind.CUSTOM, ExerciseKind.EMOM, ExerciseKind.AMRAP)),
    ],
)
def test_allowed_kinds(library: ExerciseKind, expected: tuple[ExerciseKind, ...]) -> None:
    assert allowed_kinds(library) == expected


@pytest.mark.parametrize(
    ("prescription", "field"),
    [
        (StandardPrescription(reps=RepCount(8)), "sets"),
        (StandardPrescription(sets=3), "reps"),
        (EmomPrescription(reps_per_minute=5), "duration"),
    ],
)
def test_a_missing_required_value_names_its_field(prescription: Prescription, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_complete(prescription)
    assert caught.value.field == field
    assert "is required" in caught.value.message
