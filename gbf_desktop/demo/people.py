"""The demo coach and students, and how each student trains.

Every demo account lives under a domain of its own and carries a `gbfdemo_` pseudo, so the seed can
sit beside the web platform's real users without colliding with them (and `seed` checks anyway).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

DEMO_DOMAIN = "demo.gobeyondfit.app"
DEMO_COACH_EMAIL = f"coach@{DEMO_DOMAIN}"
DEMO_COACH_PASSWORD = "demo-coach-2026"
# Students sign in on the web, not here; they still need a real hash like any platform account.
DEMO_STUDENT_PASSWORD = "demo-student-2026"


class Habit(enum.Enum):
    """How a student logs their sessions: the patterns a coach needs to spot."""

    STEADY = "logs every session in full"
    FADING = "consistent, then drops off in the last two weeks"
    SKIPPER = "turns up but skips finishers and accessories"
    PATCHY = "half-finished sessions, an abandoned one, and the platform's 'completed' bug"
    MESSY = "logs nearly everything, with numbers typed as text and fields left out"
    IRREGULAR = "two sessions out of three, first weeks logged by an older app version"


@dataclass(frozen=True)
class Enrolment:
    program_key: str
    # When the coach assigned it, in days from the Monday the programs start (negative: before).
    assigned_day: int


@dataclass(frozen=True)
class DemoPerson:
    key: str
    first_name: str
    last_name: str
    email: str
    pseudo: str
    # How many days before the program start the account was created.
    joined_days_before: int


@dataclass(frozen=True)
class DemoStudent(DemoPerson):
    habit: Habit = Habit.STEADY
    # Loads scale with it: 1.0 is the programs' reference lifter.
    strength: float = 1.0
    # The hour (UTC) they usually train at, so savedAt looks like a life rather than a loop.
    train_hour: int = 18
    enrolments: tuple[Enrolment, ...] = ()
    in_morning_squad: bool = False


COACH = DemoPerson(
    key="coach",
    first_name="Alex",
    last_name="Moreau",
    email=DEMO_COACH_EMAIL,
    pseudo="gbfdemo_coach_alex",
    joined_days_before=120,
)

STRENGTH = "strength-foundations"
HYBRID = "hybrid-conditioning"


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@{DEMO_DOMAIN}"


def _pseudo(first: str, last: str) -> str:
    return f"gbfdemo_{first}{last[0]}"


STUDENTS: tuple[DemoStudent, ...] = (
    DemoStudent(
        key="camille",
        first_name="Camille",
        last_name="Laurent",
        email=_email("camille", "laurent"),
        pseudo=_pseudo("camille", "laurent"),
        joined_days_before=40,
        habit=Habit.STEADY,
        strength=0.85,
        train_hour=6,
        # The second program follows the first: assigned lately, not started yet.
        enrolments=(Enrolment(STRENGTH, -2), Enrolment(HYBRID, 47)),
        in_morning_squad=True,
    ),
    DemoStudent(
        key="malik",
        first_name="Malik",
        last_name="Haddad",
        email=_email("malik", "haddad"),
        pseudo=_pseudo("malik", "haddad"),
        joined_days_before=75,
        habit=Habit.FADING,
        strength=1.15,
        train_hour=7,
        enrolments=(Enrolment(STRENGTH, -2),),
        in_morning_squad=True,
    ),
    DemoStudent(
        key="sofia",
        first_name="Sofía",
        last_name="Márquez",
        email=_email("sofia", "marquez"),
        pseudo=_pseudo("sofia", "marquez"),
        joined_days_before=30,
        habit=Habit.SKIPPER,
        strength=0.7,
        train_hour=17,
        enrolments=(Enrolment(STRENGTH, -1),),
    ),
    DemoStudent(
        key="jonas",
        first_name="Jonas",
        last_name="Becker",
        email=_email("jonas", "becker"),
        pseudo=_pseudo("jonas", "becker"),
        joined_days_before=95,
        habit=Habit.PATCHY,
        strength=1.05,
        train_hour=19,
        enrolments=(Enrolment(STRENGTH, -2), Enrolment(HYBRID, 42)),
    ),
    DemoStudent(
        key="aisha",
        first_name="Aisha",
        last_name="Okafor",
        email=_email("aisha", "okafor"),
        pseudo=_pseudo("aisha", "okafor"),
        joined_days_before=60,
        habit=Habit.MESSY,
        strength=0.8,
        train_hour=6,
        enrolments=(Enrolment(HYBRID, -3),),
        in_morning_squad=True,
    ),
    DemoStudent(
        key="theo",
        first_name="Théo",
        last_name="Martin",
        email=_email("theo", "martin"),
        pseudo=_pseudo("theo", "martin"),
        joined_days_before=110,
        habit=Habit.IRREGULAR,
        strength=0.95,
        train_hour=20,
        enrolments=(Enrolment(HYBRID, -3),),
    ),
)

MORNING_SQUAD = "Morning squad"
MORNING_SQUAD_DESCRIPTION = "Early risers who train before work: 6-8 am sessions."
