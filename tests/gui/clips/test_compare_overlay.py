"""Compare with drawings and overlaid (onion skin): each clip shows its coach's drawings side by
side and overlaid, the right clip shows over the left at the chosen opacity, and a chosen frame in
each clip makes them meet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.domain.drawings import Drawing, Kind
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.clips.compare import CompareWindow
from gbf_desktop.ui.clips.onion import alignment_offset_ms
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.clips.test_drawings import near, screenshot_dir
from tests.gui.conftest import MEDIA_WAIT_MS, Seed, SessionSpec
from tests.synthetic_lift import LiftScene, RepPlan, render_clip

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

REPS = (RepPlan(0.8, 0.2, 0.6, 0.4, 130.0),)
# The same lift, the second starting half a second later.
EARLY = LiftScene(start_pause_s=0.4, reps=REPS, occluder=None)
LATE = LiftScene(start_pause_s=0.9, reps=REPS, occluder=None)
LEFT_LINE = Drawing("l", Kind.LINE, ((60, 60), (300, 60)), colour="#ff3b30", thickness=8)
RIGHT_LINE = Drawing("r", Kind.LINE, ((60, 400), (300, 400)), colour="#0a84ff", thickness=8)


@pytest.fixture(scope="module")
def two_lifts(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    folder = tmp_path_factory.mktemp("lifts")
    return (
        render_clip(EARLY, folder / "early.mp4").read_bytes(),
        render_clip(LATE, folder / "late.mp4").read_bytes(),
    )


@pytest.fixture
def window(
    qtbot: QtBot,
    seed: Seed,
    engine: Engine,
    *,
    backend: Backend,
    runner: TaskRunner,
    two_lifts: tuple[bytes, bytes],
) -> Iterator[CompareWindow]:
    coach_id = seed.user("coach@example.org", role=m.Role.coach)
    student = seed.user("alice@example.org", first="Alice", last="Moreau", coach=coach_id)
    weeks = [[SessionSpec("Squat day")], [SessionSpec("Squat day")]]
    sessions = seed.program(coach_id, "Strength base", [("Accumulation", weeks)])
    with OrmSession(engine) as session:
        for session_id, data in zip(sessions, two_lifts, strict=True):
            progress = seed.progress(session_id, student, status="completed")
            session.add(
                m.ExerciseMedia(
                    id=m.new_id(), progress_id=progress, data=data, mime_type="video/mp4",
                    size=len(data),
                )
            )  # fmt: skip
            session.flush()
        session.commit()
    coach = SignedInUser(coach_id, "coach@example.org", "Coach", "coach")
    week1, week2 = sorted(backend.clip_library(coach_id).clips, key=lambda r: r.week_number or 0)
    backend.save_clip_drawings(coach_id, week1.media_id, (LEFT_LINE,), 854, 480)
    backend.save_clip_drawings(coach_id, week2.media_id, (RIGHT_LINE,), 854, 480)
    window = CompareWindow(backend, runner, coach, week1, week2)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    qtbot.waitUntil(
        lambda: bool(window.left_pane.drawings.drawings and window.right_pane.drawings.drawings)
    )
    yield window
    if shiboken6.isValid(window):
        window.close()


def probe(window: CompareWindow, which: str, x: float, y: float, colour: str) -> bool:
    """Whether the picture point (x, y) shows `colour` in the left/right pane or the overlay."""
    widget = {"left": window.left.view, "right": window.right.view, "onion": window.onion}[which]
    rect = widget.picture_rect()
    scale = rect.width() / 854
    shot = widget.grab().toImage()
    return near(shot, rect.x() + x * scale, rect.y() + y * scale, colour, tolerance=45)


def test_each_clip_shows_its_drawings_side_by_side_and_overlaid(
    qtbot: QtBot, window: CompareWindow
) -> None:
    window.seek(500)
    # Both panes must show the sought frame before their drawings are looked at.
    qtbot.waitUntil(
        lambda: (
            window.left.view.frame_start_us >= 400_000
            and window.right.view.frame_start_us >= 400_000
        ),
        timeout=MEDIA_WAIT_MS,
    )
    assert window.width() <= 1366
    assert probe(window, "left", 180, 60, "#ff3b30")
    assert not probe(window, "left", 180, 400, "#0a84ff")
    assert probe(window, "right", 180, 400, "#0a84ff")
    assert not probe(window, "right", 180, 60, "#ff3b30")

    window.set_overlaid(True)
    qtbot.waitUntil(lambda: window.overlaid)
    window.opacity_slider.setValue(100)
    assert probe(window, "onion", 180, 400, "#0a84ff")  # the right clip on top, opaque
    window.opacity_slider.setValue(0)
    assert probe(window, "onion", 180, 60, "#ff3b30")  # only the left clip shows
    assert not probe(window, "onion", 180, 400, "#0a84ff")


def test_a_chosen_frame_in_each_clip_makes_them_meet(
    qtbot: QtBot, window: CompareWindow, tmp_path: Path
) -> None:
    assert alignment_offset_ms(1000, 1500) == 500
    window.set_overlaid(True)
    # The left clip's lift starts descending at 0.4 s, the right one's at 0.9 s: a coach picks
    # 1.0 s in the left clip and the same moment of the movement, 1.5 s, in the right one.
    window.seek(1000)
    qtbot.waitUntil(lambda: abs(window.left.position - 1000) <= 42, timeout=MEDIA_WAIT_MS)
    qtbot.mouseClick(window.left_pane.align_button, Qt.MouseButton.LeftButton)
    window.seek(1500)
    qtbot.waitUntil(lambda: abs(window.right.position - 1500) <= 42, timeout=MEDIA_WAIT_MS)
    qtbot.mouseClick(window.right_pane.align_button, Qt.MouseButton.LeftButton)
    assert window.offset_ms == 500
    assert window.left_pane.align_button.text() == "Aligned 0:01.00"

    window.seek(1200)
    qtbot.waitUntil(lambda: abs(window.right.view.time_s - 1.7) < 0.05, timeout=MEDIA_WAIT_MS)
    # The plates coincide: where the left clip's plate is, the right clip's is too.
    x, y = EARLY.position(1.2)
    assert LATE.position(1.7)[1] == pytest.approx(y, abs=0.5)
    window.opacity_slider.setValue(100)
    rect = window.onion.picture_rect()
    scale = rect.width() / 854
    shot = window.onion.grab().toImage()
    hub = shot.pixelColor(round(rect.x() + x * scale), round(rect.y() + y * scale))
    assert hub.lightness() > 200  # the sleeve's bright end, at the left clip's plate centre
    window.opacity_slider.setValue(50)
    window.grab().save(str(screenshot_dir(tmp_path) / "compare_overlaid.png"))
