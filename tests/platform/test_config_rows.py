"""Prescriptions saved from the builder, as the web's workout page and builders read them.

Web rules (Baptiste0103/GoBeyondFit):
- frontend/app/workouts/[id]/page.tsx shows the rounds and total-reps inputs only when
  `config.format === "circuit"` (total only for "AMRAP"); otherwise sets x reps.
- The same page feeds `config.reps` to a number input and sums reps as numbers, and
  frontend/components/program-builder-advanced.tsx edits reps as a number from 1 to 100: a range
  or "max" must leave a number there.
- program-builder-advanced.tsx writes `weight` in kg and `duration` in seconds.
"""

from __future__ import annotations

from typing import Any

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.exercise_types import (
    CircuitPrescription,
    EmomPrescription,
    Load,
    LoadUnit,
    MaxReps,
    RepRange,
    StandardPrescription,
    Station,
)
from tests.platform.conftest import Platform


def _save_configs(p: Platform, configs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add one exercise per config to the first session of the strength program; the stored
    configs of the rows added, in order."""
    opened = p.backend.open_program(p.coach_id, p.strength)
    session = opened.document.blocks[0].weeks[0].sessions[0]
    exercise_id = session.exercises[0].exercise_id
    doc = opened.document
    ids = []
    for config in configs:
        node = pe.ExerciseDoc(pe.fresh_id(), exercise_id, config)
        ids.append(node.id)
        doc = pe.insert_node(doc, (0, 0, 0), len(pe.node_at(doc, (0, 0, 0)).exercises), node)  # type: ignore[union-attr]
    p.backend.save_program(p.coach_id, opened, doc)
    return [p.scalar("SELECT config FROM session_exercises WHERE id = :i", i=i) for i in ids]


def test_a_circuit_is_stored_with_the_circuit_format(platform: Platform) -> None:
    circuit = CircuitPrescription(
        rounds=4, reps_per_round=30, stations=(Station(name="Burpee", reps=10),)
    )
    (stored,) = _save_configs(platform, [circuit.to_config()])
    assert stored["format"] == "circuit"
    assert stored["sets"] == 4
    assert isinstance(stored["reps"], int)


def test_ranges_and_max_keep_a_number_in_reps(platform: Platform) -> None:
    ranged = StandardPrescription(sets=3, reps=RepRange(8, 12), load=Load(225, LoadUnit.LB))
    most = StandardPrescription(sets=2, reps=MaxReps())
    stored = _save_configs(platform, [ranged.to_config(), most.to_config()])
    assert [c["reps"] for c in stored] == [8, 1]
    assert all(type(c["reps"]) is int for c in stored)
    assert [c["repsTarget"] for c in stored] == ["8-12", "max"]
    # The web's weight is kg: 225 lb, rounded to 10 g.
    assert stored[0]["weight"] == 102.06


def test_emom_duration_is_stored_in_seconds(platform: Platform) -> None:
    (stored,) = _save_configs(
        platform, [EmomPrescription(minutes=12, reps_per_minute=8).to_config()]
    )
    assert stored["format"] == "EMOM"
    assert stored["duration"] == 720
