"""The clips page with the demo data: listed newest first without loading bytes, thumbnails from
one clip at a time (then from the disk cache), filters, references, playing, comparing, deleting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.clips.clips_page import ClipsPage, ClipsState
from gbf_desktop.ui.clips.compare import CompareWindow
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.ui.kit.delegates import DETAIL_ROLE
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.conftest import MEDIA_WAIT_MS, Seed

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]


@pytest.fixture
def coach(demo_data: DemoLoader, engine: Engine, backend: Backend) -> SignedInUser:
    summary = demo_data("encoded")
    return backend.sign_in(summary.coach_email, summary.coach_password)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def page(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser, tmp_path: Path
) -> Iterator[ClipsPage]:
    page = ClipsPage(backend, runner, coach, thumbnail_dir=tmp_path / "thumbs")
    qtbot.addWidget(page)
    page.resize(1090, 760)
    yield page
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PlayerWindow | CompareWindow) and shiboken6.isValid(widget):
            widget.close()


def _loaded(qtbot: QtBot, page: ClipsPage) -> None:
    qtbot.waitUntil(lambda: page.state is ClipsState.LIST and not page.loading, timeout=10_000)
    qtbot.waitUntil(lambda: page.thumbnails_pending == 0, timeout=15_000)


def _one_clip_lookup(statement: str) -> bool:
    return "where exercise_media.id =" in statement


def _reads_bytes(statement: str) -> bool:
    return "exercise_media.data" in statement or "select data from exercise_media" in statement


def test_lists_the_demo_clips_newest_first_without_loading_their_bytes(
    qtbot: QtBot, page: ClipsPage, statements: list[str]
) -> None:
    page.show()
    qtbot.waitUntil(lambda: page.state is ClipsState.LIST, timeout=10_000)
    listing = list(statements)
    _loaded(qtbot, page)

    rows = page.visible_rows()
    assert len(rows) == 4
    assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)
    assert {r.student_name for r in rows} >= {"Camille Laurent"}
    assert all(r.where_label and r.session_title for r in rows)
    assert page.count_label.text() == "4 clips"
    # The listing itself never names the bytes column.
    assert listing
    assert not [s for s in listing if _reads_bytes(s)]
    # Each thumbnail looks up its one clip by id (whose it is) before reading that clip's bytes.
    # The byte read itself goes through psycopg's binary cursor, which SQLAlchemy's events do not
    # see; the ownership lookup before it stands for it here.
    assert len([s for s in statements if _one_clip_lookup(s)]) == 4
    assert all(page.model.has_thumbnail(r.media_id) for r in rows)
    assert page.model.index(0, 4).data(DETAIL_ROLE).endswith(" s")

    # A page opened afresh finds the thumbnails in the disk cache, not in the database.
    statements.clear()
    fresh = ClipsPage(page._backend, page._runner, page._coach, thumbnail_dir=page._thumbnail_dir)
    qtbot.addWidget(fresh)
    fresh.show()
    _loaded(qtbot, fresh)
    assert all(fresh.model.has_thumbnail(r.media_id) for r in fresh.visible_rows())
    assert not [s for s in statements if _reads_bytes(s) or _one_clip_lookup(s)]

    # F5 loads the listing again, and only the listing: the statements of this second load read
    # the clips' rows (never their bytes) and look no clip up one by one.
    statements.clear()
    fresh.activateWindow()
    qtbot.waitUntil(fresh.isActiveWindow)
    fresh.table.setFocus()
    qtbot.keyClick(fresh.table, Qt.Key.Key_F5)
    assert fresh.loading, "F5 started a load"
    _loaded(qtbot, fresh)
    second = list(statements)
    assert [s for s in second if "from exercise_media" in s], second
    assert not [s for s in second if _reads_bytes(s) or _one_clip_lookup(s)]
    assert len(fresh.visible_rows()) == 4


def test_old_video_references_are_listed_and_links_open(
    qtbot: QtBot, page: ClipsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page.show()
    _loaded(qtbot, page)
    refs = page.references
    texts = [refs.topLevelItem(n).text(2) for n in range(refs.topLevelItemCount())]
    assert sorted(texts) == [
        "https://cdn.gobeyondfit.app/uploads/videos/1698431022417-trapbar.webm",
        "uploads/videos/theo_goblet_squat.webm",
    ]
    opened: list[str] = []
    monkeypatch.setattr(
        "gbf_desktop.ui.clips.clips_page.QDesktopServices.openUrl",
        lambda url: opened.append(url.toString()) or True,
    )
    for n in range(refs.topLevelItemCount()):
        item = refs.topLevelItem(n)
        refs.itemActivated.emit(item, 2)
    assert opened == ["https://cdn.gobeyondfit.app/uploads/videos/1698431022417-trapbar.webm"]


def test_student_filter_and_search(qtbot: QtBot, page: ClipsPage) -> None:
    page.show()
    _loaded(qtbot, page)

    page.student_combo.setCurrentIndex(page.student_combo.findText("Camille Laurent"))
    assert {r.student_name for r in page.visible_rows()} == {"Camille Laurent"}
    assert page.count_label.text() == "2 of 4 clips"

    page.student_combo.setCurrentIndex(0)
    qtbot.keyClicks(page.search_edit, "week 7")
    assert [r.week_number for r in page.visible_rows()] == [7]

    page.search_edit.setText("no such clip anywhere")
    assert page.visible_rows() == []
    assert page.count_label.text() == "0 of 4 clips"


def test_a_coach_without_clips_sees_the_empty_state(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, tmp_path: Path
) -> None:
    coach_id = seed.user("new.coach@example.org", role=m.Role.coach)
    coach = SignedInUser(coach_id, "new.coach@example.org", "New Coach", "coach")
    page = ClipsPage(backend, runner, coach, thumbnail_dir=tmp_path)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.state is ClipsState.EMPTY, timeout=10_000)
    assert "No clips yet" in page.empty_label.text()
    # Without dialog openers the Record and Import buttons stay hidden.
    assert not page.record_button.isVisible()
    assert not page.import_button.isVisible()


def test_record_and_import_open_through_the_given_openers(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser, tmp_path: Path
) -> None:
    opened: list[str] = []
    page = ClipsPage(
        backend,
        runner,
        coach,
        thumbnail_dir=tmp_path,
        open_recorder=lambda parent: opened.append("recorder"),
        open_importer=lambda parent: opened.append("importer"),
    )
    qtbot.addWidget(page)
    page.show()
    _loaded(qtbot, page)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.loading)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert opened == ["recorder", "importer"]


def test_enter_on_a_clip_opens_the_player_and_plays_it(qtbot: QtBot, page: ClipsPage) -> None:
    page.show()
    _loaded(qtbot, page)
    newest = page.visible_rows()[0]
    page.table.setFocus()
    page.table.selectRow(0)
    page.table.setCurrentIndex(page.proxy.index(0, 1))

    with qtbot.waitSignal(page.player_opened) as opened:
        page.play_button.click()
    window = opened.args[0]
    assert isinstance(window, PlayerWindow)
    assert window.row == newest
    qtbot.waitUntil(lambda: window.player.duration > 0, timeout=15_000)
    window.player.play()
    qtbot.waitUntil(
        lambda: window.player.position >= 500 and window.player.view.frames_received > 5,
        timeout=MEDIA_WAIT_MS,
    )
    assert window.player.view.frame_size.width() == 854


def test_two_selected_clips_open_side_by_side_older_on_the_left(
    qtbot: QtBot, page: ClipsPage
) -> None:
    page.show()
    _loaded(qtbot, page)
    camille = [r for r in page.visible_rows() if r.student_name == "Camille Laurent"]
    page.select(*(r.media_id for r in camille))
    assert page.compare_button.isEnabled()

    with qtbot.waitSignal(page.compare_opened) as opened:
        page.compare_button.click()
    window = opened.args[0]
    assert isinstance(window, CompareWindow)
    qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    assert window.left_pane.row.created_at < window.right_pane.row.created_at
    window.play()
    qtbot.waitUntil(
        lambda: window.left.position > 300 and window.right.view.frames_received > 3,
        timeout=MEDIA_WAIT_MS,
    )


def test_delete_from_the_page_confirms_then_the_list_updates(
    qtbot: QtBot, page: ClipsPage, engine: Engine
) -> None:
    page.show()
    _loaded(qtbot, page)
    doomed = page.visible_rows()[1]
    page.select(doomed.media_id)

    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.actions_.confirmation
    assert box is not None
    assert doomed.student_name in box.text()
    assert doomed.session_label in box.text()
    assert page.actions_.delete_button is not None
    with qtbot.waitSignal(page.actions_.deleted, timeout=10_000):
        qtbot.mouseClick(page.actions_.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.visible_rows()) == 3 and not page.loading)

    assert doomed.media_id not in {r.media_id for r in page.visible_rows()}
    with OrmSession(engine) as session:
        left = set(session.scalars(select(m.ExerciseMedia.id)))
    assert doomed.media_id not in left
    assert len(left) == 3
