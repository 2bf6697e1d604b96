"""A clip the web stored: up to 40 s, AAC sound, the index (moov) at the end, 854x480 forced.

The desktop's 15 s limit is for what it records and stores; what the web stored is listed,
played and reviewed like any other clip (backend/src/storage/exercise-media.service.ts accepts
uploads up to 40 s and serves them as stored).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.workers.tasks import TaskRunner
from gbf_desktop.workers.video_jobs import clip_facts
from tests import video_inputs
from tests.gui.clips.test_player import LOAD_MS, store_clip
from tests.gui.conftest import MEDIA_WAIT_MS, Seed

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]


@pytest.fixture(scope="module")
def web_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return video_inputs.web_platform_clip(tmp_path_factory.mktemp("web") / "upload.mp4")


@pytest.fixture
def stored(
    seed: Seed, engine: Engine, backend: Backend, web_clip: Path
) -> tuple[SignedInUser, ClipRow]:
    return store_clip(seed, engine, backend, web_clip.read_bytes())


@pytest.fixture
def window(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, stored: tuple[SignedInUser, ClipRow]
) -> Iterator[PlayerWindow]:
    coach, row = stored
    window = PlayerWindow(backend, runner, coach, row)
    window.resize(1000, 700)
    with qtbot.waitSignal(window.player.loaded, timeout=LOAD_MS):
        window.show()
    yield window
    if shiboken6.isValid(window):
        window.close()


def test_the_web_clip_is_what_the_web_stores(web_clip: Path) -> None:
    facts = clip_facts(web_clip)
    assert not facts.moov_before_mdat
    assert facts.duration_s == pytest.approx(40, abs=0.1)


def test_a_40_s_web_clip_plays(qtbot: QtBot, window: PlayerWindow) -> None:
    player = window.player
    assert player.duration == pytest.approx(40_000, abs=100)
    assert player.time_label.text().endswith("/ 0:40.00")
    player.seek(30_000)
    player.play()
    qtbot.waitUntil(
        lambda: player.position >= 30_500 and player.view.frames_received >= 5,
        timeout=MEDIA_WAIT_MS,
    )
    player.pause()


def test_a_40_s_web_clip_is_listed_and_reviewed(
    backend: Backend, stored: tuple[SignedInUser, ClipRow]
) -> None:
    coach, row = stored
    assert [c.media_id for c in backend.clip_library(coach.id).clips] == [row.media_id]
    queue = backend.review_queue(coach.id)
    assert [c.id for c in queue.clips] == [row.media_id]
    backend.mark_clip_reviewed(coach.id, row.media_id, "Depth is good; knees track well.")
    assert backend.review_queue(coach.id).total == 0
