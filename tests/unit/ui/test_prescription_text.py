"""One line per prescription, the same in the program tree, the log dialog and the progress page."""

from __future__ import annotations

import pytest

from gbf_desktop.domain.exercise_types import read_config
from gbf_desktop.ui.kit.prescription_text import prescription_line, prescription_summary


@pytest.mark.parametrize(
    ("config", "library_type", "expected"),
    [
        ({"sets": 3, "reps": 8, "weight": 80, "rpe": 8}, "standard", "3 \u00d7 8 · 80 kg · RPE 8"),
        # An RIR target stays an RIR target on screen (the log dialog once said "RPE 8" here).
        ({"sets": 3, "reps": 8, "rpe": 8, "rir": 2}, "standard", "3 \u00d7 8 · RIR 2"),
        ({"format": "EMOM", "duration": 600, "reps": 5}, "standard", "EMOM 10 min · 5/min"),
        (
            {"format": "AMRAP", "duration": 720, "reps": 100},
            "standard",
            "AMRAP 12 min · target 100 reps",
        ),
        ({"instructions": "Row 2 km easy\nthen stretch"}, "custom", "Custom · Row 2 km easy"),
    ],
)
def test_prescription_line(config: dict[str, object], library_type: str, expected: str) -> None:
    reading = read_config(config, library_type)
    assert reading.is_valid, reading.issues
    assert prescription_line(reading.prescription) == expected
    assert prescription_summary(reading) == expected


def test_an_unusable_config_is_flagged_but_still_read() -> None:
    reading = read_config({"sets": "lots", "reps": 8}, "standard")
    assert not reading.is_valid
    assert prescription_summary(reading).startswith("⚠ invalid config · ")
