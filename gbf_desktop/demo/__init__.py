"""Demo data: a coach, six students, a library, two programs, eight weeks of logs and a few clips.

This package composes the database and video layers (it writes rows and asks for encoded clips), so
it sits beside them rather than inside one. `seed` is safe to run any number of times, on an empty
database or on one the web platform already uses.
"""

from gbf_desktop.demo.people import DEMO_COACH_EMAIL, DEMO_COACH_PASSWORD, DEMO_STUDENT_PASSWORD
from gbf_desktop.demo.seed import (
    ClipProgress,
    DemoDataConflict,
    DemoSummary,
    MakeClip,
    iter_seed_clips,
    seed,
)

__all__ = [
    "DEMO_COACH_EMAIL",
    "DEMO_COACH_PASSWORD",
    "DEMO_STUDENT_PASSWORD",
    "ClipProgress",
    "DemoDataConflict",
    "DemoSummary",
    "MakeClip",
    "iter_seed_clips",
    "seed",
]
