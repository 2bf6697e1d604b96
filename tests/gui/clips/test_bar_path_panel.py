"""The bar-path panel on a real player, offscreen: mark the plate by a drag, track in the
background with progress, the reps table and chart (cursor follows the frame, a click seeks), CSV,
stored with the clip and shown again; a lost plate is said with its frame and marked again."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.clips.test_drawings import at, move, screenshot_dir
from tests.gui.clips.test_player import store_clip
from tests.gui.conftest import MEDIA_WAIT_MS, Seed
from tests.synthetic_lift import LiftScene, RepPlan, render_clip

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

TWO_REPS = LiftScene(
    start_pause_s=0.4,
    reps=(RepPlan(0.8, 0.2, 0.6, 0.4, 130.0), RepPlan(0.8, 0.2, 0.8, 0.4, 128.0)),
    occluder=(1.2, 900.0, 40.0),
)
HIDDEN = LiftScene(
    start_pause_s=0.4,
    reps=(RepPlan(0.8, 0.2, 0.6, 0.4, 130.0), RepPlan(0.8, 0.2, 0.8, 0.4, 128.0)),
    occluder=(0.0, 260.0, 380.0),
)
Opener = Callable[[LiftScene], PlayerWindow]


@pytest.fixture(scope="module")
def clips_by_scene(tmp_path_factory: pytest.TempPathFactory) -> dict[int, bytes]:
    folder = tmp_path_factory.mktemp("lifts")
    return {
        id(scene): render_clip(scene, folder / f"{k}.mp4").read_bytes()
        for k, scene in enumerate((TWO_REPS, HIDDEN))
    }


@pytest.fixture
def open_window(
    qtbot: QtBot,
    seed: Seed,
    engine: Engine,
    *,
    backend: Backend,
    runner: TaskRunner,
    clips_by_scene: dict[int, bytes],
) -> Iterator[Opener]:
    opened: list[PlayerWindow] = []
    stored: dict[int, tuple[SignedInUser, ClipRow]] = {}

    def open_(scene: LiftScene) -> PlayerWindow:
        if id(scene) not in stored:
            coach, row = store_clip(seed, engine, backend, clips_by_scene[id(scene)])
            seed.assign("Strength base", row.student_id, coach.id)
            stored[id(scene)] = coach, row
        coach, row = stored[id(scene)]
        window = PlayerWindow(backend, runner, coach, row)
        window.resize(1366, 768)
        with qtbot.waitSignal(window.review.loaded, timeout=15_000):
            window.show()
        # The plate is marked on the picture, which can arrive well after the clip loaded.
        qtbot.waitUntil(lambda: not window.player.view.image.isNull(), timeout=MEDIA_WAIT_MS)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        if shiboken6.isValid(window):
            window.close()


def mark_plate(qtbot: QtBot, window: PlayerWindow, scene: LiftScene, t: float) -> None:
    """Press "Mark plate" and drag from the plate's centre to its rim on the picture."""
    panel, editor = window.review.panel, window.review.editor
    x, y = scene.position(t)
    qtbot.mouseClick(panel.mark_button, Qt.MouseButton.LeftButton)
    view = window.player.view
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=at(editor, x, y))
    move(view, at(editor, x + scene.radius_px / 2, y), held=True)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=at(editor, x + scene.radius_px, y))
    assert not panel.mark_button.isChecked()
    assert editor.drawings == ()  # marking the plate drew nothing


def track(qtbot: QtBot, window: PlayerWindow) -> None:
    panel = window.review.panel
    assert panel.track_button.isEnabled()
    qtbot.mouseClick(panel.track_button, Qt.MouseButton.LeftButton)
    assert panel.progress.isVisible()
    assert panel.cancel_button.isVisible()
    qtbot.waitUntil(lambda: panel._task is None, timeout=60_000)


def test_mark_track_read_seek_export_and_see_it_again(
    qtbot: QtBot, open_window: Opener, backend: Backend, tmp_path: Path
) -> None:
    window = open_window(TWO_REPS)
    panel = window.review.panel
    mark_plate(qtbot, window, TWO_REPS, 0.0)
    mark = panel.marks[0]
    assert mark.radius_px == pytest.approx(TWO_REPS.radius_px, abs=2)
    track(qtbot, window)

    assert panel.table.rowCount() == 2
    assert panel.table.item(0, 0).text() == "1 ★"  # the faster rep is the best
    assert panel.table.item(0, 1).text() == "53 cm"  # 130 px at 45 cm per 110 px
    assert panel.status_label.text().startswith("2 reps · best ")
    assert "velocity loss" in panel.status_label.text()
    assert not panel.progress.isVisible()

    # The chart's cursor follows the frame on screen; a click on the chart seeks there.
    player = window.player
    player.seek(2000)
    qtbot.waitUntil(lambda: abs(panel.chart.cursor_s - 2.0) < 0.05, timeout=MEDIA_WAIT_MS)
    chart = panel.chart
    target_x = round(chart.x_of(3.0))
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(target_x, 60))
    qtbot.waitUntil(lambda: abs(player.position - 3000) <= 60, timeout=MEDIA_WAIT_MS)
    window.grab().save(str(screenshot_dir(tmp_path) / "player_bar_path.png"))

    rows = panel.export_csv(tmp_path / "path.csv")
    with (tmp_path / "path.csv").open(encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == rows == round(TWO_REPS.duration_s * 24)
    assert {r["rep"] for r in table} >= {"1", "2"}
    assert {r["phase"] for r in table} >= {"concentric", "eccentric"}

    coach, row = window.review._coach, window.row
    qtbot.waitUntil(
        lambda: backend.clip_annotations(coach.id, row.media_id).bar_path is not None,
        timeout=10_000,
    )
    # The best rep's bar speed is offered to the session's log, in its notes.
    with qtbot.waitSignal(window.review.log_offered, timeout=10_000) as offered:
        qtbot.mouseClick(panel.log_button, Qt.MouseButton.LeftButton)
    dialog = offered.args[0]
    assert dialog.isVisible()
    notes = dialog.notes_edit.toPlainText()
    assert notes.endswith(
        "(rep 1 of 2); velocity loss " + panel.status_label.text().split()[-2] + " %."
    )
    assert "Bar speed: best rep " in notes
    assert dialog.has_typed_data  # offered, not saved: the coach decides
    QDialog.reject(dialog)  # closed without its "discard?" question

    # A 35 cm plate: the same path, measured again: 45/35 more centimetres per pixel.
    panel.plate_spin.setValue(35.0)
    assert panel.table.item(0, 1).text() == "41 cm"
    qtbot.waitUntil(
        lambda: (
            (backend.clip_annotations(coach.id, row.media_id).bar_path or {}).get("plate_cm")
            == 35.0
        ),
        timeout=10_000,
    )
    summary = panel.status_label.text()
    window.close()
    again = open_window(TWO_REPS)
    assert again.review.panel.table.rowCount() == 2
    assert again.review.panel.status_label.text() == summary
    assert again.review.panel.plate_spin.value() == 35.0


def test_a_lost_plate_names_its_frame_and_is_marked_again_there(
    qtbot: QtBot, open_window: Opener
) -> None:
    window = open_window(HIDDEN)
    panel = window.review.panel
    mark_plate(qtbot, window, HIDDEN, 0.0)
    track(qtbot, window)
    assert panel.lost is not None
    assert panel.status_label.text().startswith(f"The plate was lost at {panel.lost.time_s:.2f} s")
    assert f"(frame {panel.lost.frame + 1})" in panel.status_label.text()
    assert panel.remark_button.isVisible()
    assert panel.table.rowCount() == 0

    qtbot.mouseClick(panel.remark_button, Qt.MouseButton.LeftButton)
    lost_ms = round(panel.lost.time_s * 1000)
    qtbot.waitUntil(lambda: abs(window.player.position - lost_ms) <= 60, timeout=MEDIA_WAIT_MS)
    assert panel.mark_button.isChecked()
    # The board still hides the plate there: the coach steps on to where it shows again.
    again = panel.lost.time_s + 1.0
    window.player.seek(round(again * 1000))
    qtbot.waitUntil(lambda: abs(window.player.view.time_s - again) < 0.05, timeout=MEDIA_WAIT_MS)
    t = window.player.view.time_s
    panel.mark_button.setChecked(False)
    mark_plate(qtbot, window, HIDDEN, t)
    assert len(panel.marks) == 2
    track(qtbot, window)
    assert panel.lost is None
    assert panel.table.rowCount() >= 1
