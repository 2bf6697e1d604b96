"""Configs and logged data as the web platform (and older tools) really stored them.

Whatever is stored must open without an error, show its raw value where it is unusable, and be
written back byte for byte when the coach did not edit it.
"""

from __future__ import annotations

import json
from pathlib import Path
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
    RepCount,
    RepRange,
    Rir,
    Rpe,
    StandardPrescription,
    Station,
    Tempo,
    read_config,
    read_result,
)

DATA = Path(__file__).parents[1] / "data" / "web_configs"
WEB_KEYS = ("sets", "reps", "format", "weight", "duration", "notes", "rest", "rpe")
DESKTOP_KEYS = (
    "rir", "tempo", "loadUnit", "loadValue", "work", "alternating", "goal", "targetRounds",
    "stations", "instructions", "rounds", "restBetweenRounds",
)  # fmt: skip


def dumped(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


# Values a stored field may hold: right ones, text numbers, ranges, nonsense and wrong types.
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 100_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["60", " 8 ", "8-12", "8 \u2013 12", "12-8", "max", "AMRAP", "lots", "", "7.5"]
    ),
    st.sampled_from(["standard", "EMOM", "AMRAP", "emom", "circuit", "3-1-1-0", "lb", "%1RM"]),
    st.text(max_size=8),
    st.lists(st.integers(-5, 50) | st.none() | st.text(max_size=3), max_size=4),
    st.lists(
        st.dictionaries(
            st.sampled_from(["name", "exerciseId", "reps", "seconds", "meters", "weight", "x"]),
            st.integers(-5, 2000) | st.text(max_size=6) | st.none(),
        ),
        max_size=3,
    ),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
odd_configs = st.dictionaries(
    st.sampled_from(WEB_KEYS + DESKTOP_KEYS) | st.text(max_size=10), odd_values, max_size=10
)
stored_configs = odd_configs | st.none() | st.lists(st.integers(), max_size=2) | st.text(max_size=5)
library_types = st.sampled_from([kind.value for kind in ExerciseKind] + ["", "Standard", None, 7])


@given(stored_configs, library_types)
def test_any_stored_config_opens_and_is_written_back_unchanged(
    config: Any, library_type: Any
) -> None:
    before = dumped(config)
    reading = read_config(config, library_type)
    assert dumped(reading.to_config()) == before
    assert dumped(config) == before, "reading must not change the caller's dict"
    # The typed view can always be written, should the coach edit the exercise.
    edited = reading.prescription.to_config()
    if isinstance(config, dict):
        for key, value in config.items():
            if key not in reading.prescription.KEYS:
                assert edited[key] == value, f"unknown key {key!r} lost on edit"
        for issue in reading.issues:
            top = issue.key.split("[")[0].split(".")[0]
            if issue.severity == "invalid" and top in config and "[" not in issue.key:
                assert issue.raw == config[top], "an invalid value is shown as stored"


@given(
    st.fixed_dictionaries(
        {"sets": st.integers(1, 20), "reps": st.integers(1, 100)},
        optional={
            "weight": st.integers(0, 300) | st.floats(0, 300, allow_nan=False),
            "duration": st.integers(1, 3600),
            "notes": st.text(max_size=30),
            "rest": st.integers(0, 600),
            "rpe": st.integers(2, 20).map(lambda n: n / 2),
        },
    ),
    st.sampled_from(["standard", "EMOM", "AMRAP"]),
    st.dictionaries(st.sampled_from(["superset", "videoUrl", "legacy"]), st.text(max_size=5)),
)
def test_web_builder_configs_open_faithfully(
    config: dict[str, Any], fmt: str, unknown: dict[str, Any]
) -> None:
    config = {**config, "format": fmt, **unknown}
    reading = read_config(config, "standard")
    p = reading.prescription
    assert p.extra.items() >= unknown.items()
    if isinstance(p, StandardPrescription):
        assert p.sets == config["sets"]
        assert p.reps == RepCount(config["reps"])
        assert (p.load and p.load.kg) == config.get("weight")
        assert (p.effort and p.effort.rpe) == config.get("rpe")
        assert reading.is_valid
    elif isinstance(p, EmomPrescription):
        assert p.reps_per_minute == config["reps"]
        assert p.extra["sets"] == config["sets"], "sets has no EMOM meaning: kept untouched"
    else:
        assert isinstance(p, AmrapPrescription)
        assert p.target_reps == config["reps"]
    assert p.notes == config.get("notes")


def test_web_made_sample_configs() -> None:
    for case in json.loads((DATA / "configs.json").read_text()):
        reading = read_config(case["config"], case["libraryType"])
        assert reading.is_valid is case["valid"], case["about"]
        assert dumped(reading.to_config()) == dumped(case["config"]), case["about"]


def test_web_made_sample_progress() -> None:
    for case in json.loads((DATA / "progress_data.json").read_text()):
        reading = read_result(case["data"], case["libraryType"])
        assert reading.is_valid is case["valid"], case["about"]
        assert dumped(reading.to_data()) == dumped(case["data"]), case["about"]


def test_older_builder_config_reads_text_numbers_and_ranges() -> None:
    config = {"sets": "3", "reps": "8-12", "format": "standard", "weight": "60", "tempo": "3-1-1"}
    reading = read_config({**config, "superset": "A1"}, "standard")
    assert reading.prescription == StandardPrescription(
        sets=3, reps=RepRange(8, 12), load=Load(60), tempo=Tempo("3-1-1"), extra={"superset": "A1"}
    )
    assert {(i.key, i.severity) for i in reading.issues} == {
        ("sets", "note"),
        ("reps", "note"),
        ("weight", "note"),
    }
    assert reading.is_valid


def test_nonsense_is_flagged_with_its_raw_value() -> None:
    config = {"sets": -2, "reps": "lots", "weight": "heavy", "rest": None, "rpe": 11}
    reading = read_config(config, "standard")
    issues = {issue.key: issue for issue in reading.issues}
    assert issues["sets"].message == "Sets must be a whole number from 1 to 20."
    assert issues["sets"].raw_text == "-2"
    assert issues["reps"].raw_text == '"lots"'
    assert issues["weight"].raw == "heavy"
    assert issues["rpe"].severity == "invalid"
    assert "rest" not in issues, "a null optional field is simply not set"
    assert reading.prescription == StandardPrescription()
    assert not reading.is_valid


@pytest.mark.parametrize(
    ("config", "library", "expected"),
    [
        (None, "EMOM", EmomPrescription()),
        ([1, 2], "standard", StandardPrescription()),
        ({}, "circuit", CircuitPrescription()),
    ],
)
def test_missing_or_broken_config_opens_empty(config: Any, library: str, expected: Any) -> None:
    reading = read_config(config, library)
    assert reading.prescription == expected
    assert not reading.is_valid
    assert reading.to_config() == config


def test_format_decides_emom_and_amrap_library_type_decides_the_rest() -> None:
    assert read_config({"format": "EMOM"}, "standard").kind is ExerciseKind.EMOM
    assert read_config({"format": "AMRAP"}, "circuit").kind is ExerciseKind.AMRAP
    assert read_config({"format": "standard"}, "circuit").kind is ExerciseKind.CIRCUIT
    assert read_config({"format": "standard"}, "custom").kind is ExerciseKind.CUSTOM
    assert read_config({"format": "standard"}, "EMOM").kind is ExerciseKind.STANDARD
    assert read_config({}, "EMOM").kind is ExerciseKind.EMOM
    reading = read_config({"format": "emom", "duration": 300}, "standard")
    assert reading.kind is ExerciseKind.EMOM
    assert reading.issues_for("format")[0].severity == "note"


def test_emom_duration_must_be_whole_minutes() -> None:
    reading = read_config({"format": "EMOM", "duration": 450, "reps": 10}, "standard")
    assert reading.prescription == EmomPrescription(reps_per_minute=10)
    assert reading.issues_for("duration")[0].message == (
        "Duration must be a number from 60 to 3600 seconds in steps of 60."
    )


def test_circuit_reads_the_aliases_other_writers_used() -> None:
    config = json.loads((DATA / "configs.json").read_text())[5]["config"]
    reading = read_config(config, "circuit")
    p = reading.prescription
    assert isinstance(p, CircuitPrescription)
    assert (p.rounds, p.reps_per_round, p.rest_between_rounds_s, p.weight_kg) == (4, 37, 90, 16)
    assert p.stations[0] == Station(name="Row", meters=250)
    assert reading.is_valid
    assert reading.issues == ()
    # `sets` is the web's key: if the web changed it, it wins over a stale `rounds`.
    stale = read_config({**config, "sets": 5}, "circuit")
    assert isinstance(stale.prescription, CircuitPrescription)
    assert stale.prescription.rounds == 5
    assert stale.issues_for("rounds")[0].severity == "note"


def test_station_problems_point_at_the_station() -> None:
    config = {"sets": 3, "stations": [{"name": "Row", "meters": -1}, "Burpees", {"reps": 5}]}
    reading = read_config(config, "circuit")
    keys = {(issue.key, issue.severity) for issue in reading.issues}
    assert keys == {
        ("stations[0].meters", "invalid"),
        ("stations[1]", "invalid"),
        ("stations[2].name", "missing"),
    }
    p = reading.prescription
    assert isinstance(p, CircuitPrescription)
    assert p.stations == (Station(name="Row"), Station(reps=5))


def test_a_load_in_pounds_or_percent_gives_way_to_a_weight_changed_on_the_web() -> None:
    lb = StandardPrescription(sets=3, reps=RepCount(5), load=Load(225, LoadUnit.LB))
    stored = lb.to_config()
    assert read_config(stored, "standard").prescription == lb
    changed = read_config({**stored, "weight": 105}, "standard")
    assert isinstance(changed.prescription, StandardPrescription)
    assert changed.prescription.load == Load(105)
    assert changed.issues_for("loadUnit")[0].severity == "note"
    percent = {"sets": 3, "reps": 5, "loadUnit": "%1RM", "loadValue": 75}
    p = read_config(percent, "standard").prescription
    assert isinstance(p, StandardPrescription)
    assert p.load == Load(75, LoadUnit.PERCENT_1RM)
    bad_unit = read_config({**percent, "loadUnit": "stone", "weight": 50}, "standard")
    assert isinstance(bad_unit.prescription, StandardPrescription)
    assert bad_unit.prescription.load == Load(50)
    assert bad_unit.issues_for("loadUnit")[0].severity == "invalid"


def test_an_rir_target_gives_way_to_an_rpe_changed_on_the_web() -> None:
    config = StandardPrescription(sets=3, reps=RepCount(5), effort=Rir(2)).to_config()
    assert config["rpe"] == 8
    changed = read_config({**config, "rpe": 9}, "standard")
    assert isinstance(changed.prescription, StandardPrescription)
    assert changed.prescription.effort == Rpe(9)
    assert changed.issues_for("rir")[0].severity == "note"


def test_amrap_target_reps_win_over_target_rounds() -> None:
    reading = read_config({"format": "AMRAP", "duration": 600, "reps": 50, "targetRounds": 5}, "")
    assert reading.prescription == AmrapPrescription(time_cap_min=10, target_reps=50)
    assert reading.issues_for("targetRounds")[0].severity == "note"


def test_custom_without_instructions_says_so() -> None:
    reading = read_config({"sets": 3, "reps": 10, "format": "standard"}, "custom")
    assert reading.prescription == CustomPrescription(sets=3, reps=RepCount(10))
    assert reading.issues_for("instructions")[0].severity == "missing"


# ---------------------------------------------------------------------------------------------
# Issue 8: what the web's other screens write, and numbers where the web reads numbers


@pytest.mark.parametrize("fmt", ["for-time", "time", "distance"])
def test_other_web_formats_open_as_standard_prescriptions(fmt: str) -> None:
    """The programs page writes "for-time", the builder and "my exercises" "time"/"distance"."""
    config = {"sets": 3, "reps": 10, "format": fmt, "duration": 45}
    reading = read_config(config, "standard")
    assert reading.kind is ExerciseKind.STANDARD
    assert reading.is_valid
    assert reading.issues == ()
    assert isinstance(reading.prescription, StandardPrescription)
    assert reading.prescription.variant == fmt
    assert reading.prescription.to_config() == config


def test_circuit_format_opens_as_a_circuit_on_any_library_exercise() -> None:
    config = {"sets": 4, "reps": 20, "format": "circuit", "rest": 90}
    reading = read_config(config, "standard")
    assert reading.prescription == CircuitPrescription(
        rounds=4, reps_per_round=20, rest_between_rounds_s=90
    )
    assert reading.prescription.to_config() == config


def test_older_desktop_circuit_in_standard_format_is_written_back_as_circuit() -> None:
    reading = read_config({"sets": 3, "reps": 12, "format": "standard"}, "circuit")
    assert reading.kind is ExerciseKind.CIRCUIT
    assert reading.prescription.to_config()["format"] == "circuit"


def test_a_range_keeps_a_number_in_reps_and_its_text_beside() -> None:
    p = StandardPrescription(sets=3, reps=RepRange(8, 12))
    config = p.to_config()
    assert config["reps"] == 8
    assert config["repsTarget"] == "8-12"
    assert read_config(config, "standard").prescription == p


def test_a_web_edit_of_reps_wins_over_a_stale_range() -> None:
    reading = read_config({"sets": 3, "reps": 10, "repsTarget": "8-12"}, "standard")
    assert reading.prescription.reps == RepCount(10)  # type: ignore[union-attr]
    assert [(i.key, i.severity) for i in reading.issues] == [("repsTarget", "note")]


@pytest.mark.parametrize("kind", ["EMOM", "AMRAP"])
def test_minute_like_duration_reads_as_ambiguous_not_as_seconds(kind: str) -> None:
    """The web builder writes seconds, its programs page labels the same key minutes."""
    reading = read_config({"format": kind, "duration": 12, "reps": 10}, "standard")
    issue = reading.issues_for("duration")[0]
    assert issue.severity == "ambiguous"
    assert "12 minutes" in issue.message
    assert "12 seconds" in issue.message
    assert not reading.is_valid
    assert reading.to_config() == {"format": kind, "duration": 12, "reps": 10}


def test_duration_in_seconds_reads_as_minutes() -> None:
    reading = read_config({"format": "EMOM", "duration": 600, "reps": 10}, "standard")
    assert reading.prescription == EmomPrescription(minutes=10, reps_per_minute=10)
    assert reading.is_valid
