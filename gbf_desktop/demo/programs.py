"""The two demo programs as templates: 3 blocks x 4 weeks x 3 sessions each.

A template says what each session slot prescribes per block; `config_for` turns a slot into the
`session_exercises.config` JSON the web builder would save. The builder only knows the formats
standard, EMOM and AMRAP, so circuit and custom slots keep `format: "standard"` (what the builder
would show and re-save unharmed) and carry their own extra keys beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gbf_desktop.demo.people import HYBRID, STRENGTH
from gbf_desktop.domain.exercise_types.values import REPS_TARGET_KEY, parse_reps

BLOCKS = 3
WEEKS_PER_BLOCK = 4
# Monday, Wednesday, Friday.
SESSION_WEEKDAYS = (0, 2, 4)

PerBlock = tuple[int, int, int]
RepsPerBlock = tuple[int | str, int | str, int | str]


@dataclass(frozen=True)
class Slot:
    """One exercise of a session template; tuples hold one value per block."""

    exercise: str
    sets: PerBlock
    reps: RepsPerBlock
    # Working load in kg of the reference lifter in the block's first week; None: bodyweight.
    load: float | None = None
    rpe: tuple[float, float, float] | None = None
    rest: int | None = None
    duration: PerBlock | None = None
    # A load the coach writes into the config itself (kettlebells, medicine balls).
    weight: float | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Day:
    title: str
    notes: str | None
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class ProgramTemplate:
    key: str
    title: str
    description: str
    blocks: tuple[tuple[str, str], ...]  # (title, notes)
    days: tuple[Day, ...]


def config_for(slot: Slot, exercise_type: str, block: int, week_in_block: int) -> dict[str, Any]:
    """The config JSON of a slot in a given block and week (both 0-based)."""
    deload = week_in_block == WEEKS_PER_BLOCK - 1
    fmt = exercise_type if exercise_type in ("EMOM", "AMRAP", "circuit") else "standard"
    reps = slot.reps[block]
    config: dict[str, Any] = {"sets": slot.sets[block], "reps": reps, "format": fmt}
    if isinstance(reps, str):
        # The web reads `reps` as a number: a range such as "8-12" keeps its lower bound there
        # and its text beside, as the desktop's builder writes it.
        target, _ = parse_reps(reps)
        if target is not None:
            config["reps"] = target.lower_bound
            if target.web_text is not None:
                config[REPS_TARGET_KEY] = target.web_text
    if slot.weight is not None:
        config["weight"] = slot.weight
    if slot.duration is not None:
        config["duration"] = slot.duration[block]
    if slot.rest is not None:
        config["rest"] = slot.rest
    if slot.rpe is not None:
        # The last week of each block is a deload: a step down in effort the student can see.
        rpe = slot.rpe[block] - (1.5 if deload else 0)
        # The builder's number input gives 7, not 7.0, for whole values.
        config["rpe"] = int(rpe) if float(rpe).is_integer() else rpe
    notes = slot.notes
    if deload and exercise_type == "standard" and slot.load is not None:
        notes = "Deload week: about 10% lighter than last week, same sets."
    if notes:
        config["notes"] = notes
    config.update(slot.extra)
    if exercise_type == "circuit":
        config["rounds"] = slot.sets[block]
    return config


STRENGTH_FOUNDATIONS = ProgramTemplate(
    key=STRENGTH,
    title="Strength Foundations",
    description="Twelve weeks of barbell basics: squat, bench and deadlift three times a week, "
    "with short conditioning finishers.",
    blocks=(
        ("Accumulation", "Moderate loads, more volume: own the technique."),
        ("Intensification", "Fewer reps, heavier bars. Leave one or two reps in the tank."),
        ("Realisation", "Heavy triples and doubles; week 12 is a test week."),
    ),
    days=(
        Day(
            "Day A - Squat & legs",
            "Mobility flow first, then squat. Log every working set.",
            (
                Slot(
                    "Hip & Ankle Mobility Flow",
                    (1, 1, 1),
                    (1, 1, 1),
                    duration=(480, 480, 420),
                    extra={"instructions": "90/90 switches, ankle rocks, deep squat hold."},
                ),
                Slot(
                    "Barbell Back Squat",
                    (4, 5, 5),
                    (8, 5, 3),
                    load=60,
                    rpe=(7, 8, 8.5),
                    rest=180,
                ),
                Slot(
                    "Romanian Deadlift",
                    (3, 3, 3),
                    ("8-12", 8, 6),
                    load=50,
                    rpe=(7, 7.5, 8),
                    rest=120,
                ),
                Slot("Walking Lunge", (3, 3, 3), (12, 10, 8), load=12, rest=90),
                Slot(
                    "Kettlebell Swing EMOM",
                    (1, 1, 1),
                    (12, 15, 15),
                    duration=(480, 600, 600),
                    weight=20,
                    notes="Scale the bell down rather than the reps.",
                ),
            ),
        ),
        Day(
            "Day B - Press & pull",
            "Superset rows with presses if the gym is busy.",
            (
                Slot(
                    "Barbell Bench Press",
                    (4, 5, 5),
                    (8, 5, 3),
                    load=45,
                    rpe=(7, 8, 8.5),
                    rest=180,
                ),
                Slot(
                    "Pull-up",
                    (4, 5, 5),
                    (6, 5, 4),
                    rest=120,
                    notes="Use a band if you cannot get all reps strict.",
                ),
                Slot("Standing Overhead Press", (3, 4, 4), (10, 6, 5), load=30, rest=120),
                Slot("One-Arm Dumbbell Row", (3, 3, 3), ("10-12", "8-10", 8), load=20, rest=60),
                Slot(
                    "Core Circuit",
                    (3, 3, 2),
                    (35, 35, 35),
                    extra={
                        "stations": [
                            {"name": "Dead Bug", "reps": 10},
                            {"name": "Side Plank", "seconds": 30},
                            {"name": "Hollow Rock", "reps": 15},
                        ],
                        "restBetweenRounds": 60,
                    },
                ),
            ),
        ),
        Day(
            "Day C - Hinge & conditioning",
            None,
            (
                Slot(
                    "Conventional Deadlift",
                    (3, 4, 3),
                    (6, 4, 3),
                    load=80,
                    rpe=(7, 8, 8.5),
                    rest=180,
                ),
                Slot("Push-up", (3, 3, 3), (15, 12, 12), rest=60),
                Slot("Hip Thrust", (3, 3, 3), ("10-12", 10, 8), load=60, rest=90),
                Slot(
                    "Burpee AMRAP",
                    (1, 1, 1),
                    (60, 70, 75),
                    duration=(480, 600, 600),
                    notes="Steady pace: the same number of reps every minute.",
                ),
            ),
        ),
    ),
)


HYBRID_CONDITIONING = ProgramTemplate(
    key=HYBRID,
    title="Hybrid Conditioning",
    description="Engine and strength together: circuits, intervals and compound lifts for "
    "people who want to run, row and lift.",
    blocks=(
        ("Aerobic base", "Lots of easy volume; circuits at a conversational pace."),
        ("Threshold", "Intervals get harder; lifting stays crisp, never grinding."),
        ("Race prep", "Race-pace efforts and short, sharp strength work."),
    ),
    days=(
        Day(
            "Day A - Engine",
            "Warm up properly: the circuit starts fast.",
            (
                Slot(
                    "Dynamic Warm-up",
                    (1, 1, 1),
                    (1, 1, 1),
                    duration=(600, 600, 600),
                    extra={"instructions": "Skips, leg swings, inchworms, two strides."},
                ),
                Slot(
                    "Engine Circuit",
                    (4, 5, 5),
                    (37, 37, 37),
                    weight=16,
                    extra={
                        "stations": [
                            {"name": "Row", "meters": 250},
                            {"name": "Kettlebell Swing", "reps": 15},
                            {"name": "Box Jump", "reps": 10},
                            {"name": "Wall Ball", "reps": 12},
                        ],
                        "restBetweenRounds": 90,
                    },
                ),
                Slot(
                    "Row & Burpee EMOM",
                    (1, 1, 1),
                    (10, 12, 12),
                    duration=(600, 720, 720),
                ),
                Slot("Goblet Squat", (3, 3, 3), (12, "10-12", 10), load=20, rest=60),
            ),
        ),
        Day(
            "Day B - Strength & power",
            None,
            (
                Slot(
                    "Trap Bar Deadlift",
                    (4, 4, 5),
                    (5, 5, 3),
                    load=90,
                    rpe=(7, 7.5, 8),
                    rest=150,
                ),
                Slot("Push Press", (4, 4, 5), (6, 5, 3), load=40, rpe=(7, 8, 8), rest=120),
                Slot("Box Jump", (4, 4, 4), (5, 5, 4), rest=60, notes="Step down, do not jump."),
                Slot(
                    "Kettlebell Chipper AMRAP",
                    (1, 1, 1),
                    (150, 170, 180),
                    duration=(720, 720, 600),
                    weight=16,
                ),
            ),
        ),
        Day(
            "Day C - Intervals & durability",
            "Long day: bring water.",
            (
                Slot("Bike Calorie EMOM", (1, 1, 1), (10, 12, 14), duration=(600, 600, 480)),
                Slot(
                    "Carry & Push Circuit",
                    (3, 4, 4),
                    (20, 20, 20),
                    weight=24,
                    extra={
                        "stations": [
                            {"name": "Farmer's Carry", "meters": 40},
                            {"name": "Sled Push", "meters": 20},
                            {"name": "Walking Lunge", "reps": 20},
                        ],
                        "restBetweenRounds": 120,
                    },
                ),
                Slot("Walking Lunge", (3, 3, 3), (12, 12, 10), load=16, rest=60),
                Slot(
                    "Zone 2 Run",
                    (1, 1, 1),
                    (1, 1, 1),
                    duration=(1800, 2400, 2700),
                    extra={"instructions": "Easy pace, nasal breathing if you can."},
                ),
            ),
        ),
    ),
)

PROGRAMS: tuple[ProgramTemplate, ...] = (STRENGTH_FOUNDATIONS, HYBRID_CONDITIONING)
