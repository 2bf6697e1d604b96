"""Screenshots of the clips page with the demo data, the player and the side-by-side comparison,
at 1280x800, to be looked at by a person:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest tests/gui/clips/test_clips_page_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.clips.clips_page import ClipsState
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.conftest import MEDIA_WAIT_MS

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

SIZE = QSize(1280, 800)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: QWidget, path: Path) -> None:
    assert widget.grab().save(str(path)), f"could not write {path}"


@pytest.fixture(autouse=True)
def _thumbnails_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The main window builds its own clips page: its thumbnails go to the test's folder, not to
    # the user's cache.
    monkeypatch.setattr(
        "gbf_desktop.ui.clips.clips_page.default_thumbnail_dir", lambda: tmp_path / "thumbs"
    )


def test_clips_page_player_and_compare_screenshots(
    demo_data: DemoLoader,
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    shots: Path,
) -> None:
    summary = demo_data("encoded")
    coach = backend.sign_in(summary.coach_email, summary.coach_password)

    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    window.show_area(Area.CLIPS)
    page = window.clips
    qtbot.waitUntil(lambda: page.state is ClipsState.LIST and not page.loading, timeout=10_000)
    qtbot.waitUntil(lambda: page.thumbnails_pending == 0, timeout=15_000)
    rows = page.visible_rows()
    assert all(page.model.has_thumbnail(r.media_id) for r in rows)
    page.select(rows[0].media_id)
    _save(window, shots / "clips_page.png")

    player = page.open_player(rows[0])
    player.resize(SIZE)
    qtbot.waitUntil(lambda: player.player.duration > 0, timeout=15_000)
    player.player.set_rate(0.5)
    player.player.play()
    qtbot.waitUntil(lambda: player.player.position >= 600, timeout=10_000)
    player.player.pause()
    player.player.mark_in()
    assert not player.player.view.image.isNull()
    _save(player, shots / "player.png")
    player.close()

    camille = sorted(
        (r for r in rows if r.student_name == "Camille Laurent"), key=lambda r: r.created_at
    )
    compare = page.open_compare(camille[0], camille[1])
    compare.resize(SIZE)
    qtbot.waitUntil(lambda: compare.ready, timeout=15_000)
    compare.set_offset(250)
    compare.play()
    qtbot.waitUntil(lambda: compare.left.position >= 900, timeout=10_000)
    compare.pause()
    qtbot.waitUntil(
        lambda: compare.right.position == compare.left.position + 250, timeout=MEDIA_WAIT_MS
    )
    qtbot.waitUntil(lambda: not compare.right.view.image.isNull(), timeout=MEDIA_WAIT_MS)
    _save(compare, shots / "compare.png")
    compare.close()
