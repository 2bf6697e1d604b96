"""The review queue on the demo data: newest first, a clip opens in the player, marking it
reviewed with a comment stores the review and the clip leaves the queue (and the dashboard's
count)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.db.desktop_models import ClipReview
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.kit.delegates import CELL_PADDING
from gbf_desktop.ui.students.review_queue import Column, ReviewQueuePage
from gbf_desktop.ui.students.students_page import StudentsTab
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]

LONG_TITLE = "Day B - Strength & power: heavy triples, then the paused squats from week three"


@pytest.fixture
def demo_coach(demo_data: DemoLoader, engine: Engine) -> SignedInUser:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        return SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")


def _page(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser, **kwargs: object
) -> ReviewQueuePage:
    page = ReviewQueuePage(backend, runner, coach, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.live.refresh_now()
    return page


def test_the_queue_lists_unreviewed_clips_newest_first_and_opens_one_in_the_player(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser
) -> None:
    opened: list[ClipRow] = []
    page = _page(qtbot, backend, runner, demo_coach, open_clip=opened.append)
    queue = backend.review_queue(demo_coach.id)
    assert [c.id for c in page.model.rows] == [c.id for c in queue.clips]
    times = [c.created_at for c in page.model.rows]
    assert times == sorted(times, reverse=True)
    assert page.status_label.text() == f"{queue.total} clips to review, newest first."

    page.table.selectRow(0)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert [(c.media_id, c.student_name) for c in opened] == [
        (queue.clips[0].id, queue.clips[0].student_name)
    ]


def test_marking_a_clip_reviewed_stores_the_comment_and_the_clip_leaves_the_queue(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser, engine: Engine
) -> None:
    page = _page(qtbot, backend, runner, demo_coach)
    counts: list[int] = []
    page.count_changed.connect(counts.append)
    before = page.model.rowCount()
    page.table.selectRow(0)
    clip = page.current_clip()
    assert clip is not None
    qtbot.keyClicks(page.comment_edit, "Knees track well; brace before the descent.")
    with qtbot.waitSignal(page.reviewed, timeout=10_000) as reviewed:
        qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)

    assert reviewed.args == [clip.id]
    assert page.model.row_of(clip.id) < 0
    assert page.model.rowCount() == before - 1
    assert counts[-1] == before - 1
    # The next clip is ready, with an empty comment box.
    assert page.current_clip() is not None
    assert page.comment_edit.toPlainText() == ""
    with OrmSession(engine) as session:
        review = session.scalars(select(ClipReview).where(ClipReview.media_id == clip.id)).one()
        assert review.reviewer_id == demo_coach.id
        assert review.comment == "Knees track well; brace before the descent."
    # A refresh agrees: the clip does not come back.
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.live.refresh_now()
    assert page.model.row_of(clip.id) < 0
    assert backend.dashboard(demo_coach.id).clips_to_review == before - 1


def test_a_shared_comment_reaches_the_students_notifications_and_a_private_one_does_not(  # noqa: PLR0917
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    engine: Engine,
    tmp_path: Path,
) -> None:
    page = _page(qtbot, backend, runner, demo_coach)
    page.table.selectRow(0)
    shared = page.current_clip()
    assert shared is not None
    assert page.private_check.isVisible()
    assert not page.private_check.isChecked()
    qtbot.keyClicks(page.comment_edit, "Bar drifts forward at the bottom: sit back.")
    with qtbot.waitSignal(page.reviewed, timeout=10_000):
        qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    assert page.outcome_label.text() == (
        "Sent: the comment is in the student's log and their notifications."
    )
    button = page.mark_button
    assert button.width() >= button.fontMetrics().horizontalAdvance(button.text())
    shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(shots / "review-sent-to-student.png"))

    with OrmSession(engine) as session:
        (note,) = [
            n
            for n in session.scalars(
                select(m.Notification).where(m.Notification.user_id == shared.student_id)
            )
            if n.payload.get("kind") == "clipReview"
        ]
        log = session.get(m.SessionProgress, shared.progress_id)
        assert log is not None
        notes = [e.get("notes", "") for e in log.progress["exercises"]]
    assert note.read is False
    # The one type the web's notification centre shows as a card (see test_clip_reviews).
    assert note.type == "assignment"
    assert note.payload["comment"] == "Bar drifts forward at the bottom: sit back."
    assert any(n.endswith("Bar drifts forward at the bottom: sit back.") for n in notes)

    private = page.current_clip()
    assert private is not None
    qtbot.keyClicks(page.comment_edit, "Check the left knee next week")
    page.private_check.setChecked(True)
    with qtbot.waitSignal(page.reviewed, timeout=10_000):
        qtbot.mouseClick(page.mark_button, Qt.MouseButton.LeftButton)
    assert page.outcome_label.text() == "Kept private: only you see this comment."
    assert not page.private_check.isChecked(), "the next clip starts shared again"
    with OrmSession(engine) as session:
        messages = session.scalars(
            select(m.Notification).where(m.Notification.user_id == private.student_id)
        ).all()
    assert all(n.payload.get("mediaId") != private.id for n in messages)


def _shown_whole(table: QTableView, index: QModelIndex) -> bool:
    """Whether the cell's text is all on screen: inside the viewport, and on one line that fits
    between the cell's paddings, or wrapped (as the cell is drawn) in lines the row has room for."""
    rect = table.visualRect(index)
    if rect.left() < 0 or rect.right() > table.viewport().width():
        return False
    text = str(index.data())
    metrics = table.fontMetrics()
    room = rect.width() - 2 * CELL_PADDING
    if metrics.horizontalAdvance(text) <= room:
        return True
    delegate = table.itemDelegateForIndex(index)
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    assert isinstance(delegate, QStyledItemDelegate)
    delegate.initStyleOption(option, index)
    if not option.features & QStyleOptionViewItem.ViewItemFeature.WrapText:
        return False  # one line, too long: elided
    lines = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
    return lines.width() <= room and lines.height() <= rect.height()


@pytest.mark.parametrize("size", [QSize(1366, 768), QSize(1920, 1080)], ids=["1366", "1920"])
def test_the_session_column_shows_every_title_whole(  # noqa: PLR0917 - pytest fixtures
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    engine: Engine,
    size: QSize,
    tmp_path: Path,
) -> None:
    # A title as long as a coach may write on the web: it wraps, whole, on both screens.
    clip = backend.review_queue(demo_coach.id).clips[1]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE sessions SET title = :t WHERE id = :i"),
            {"t": LONG_TITLE, "i": clip.session_id},
        )
    window = MainWindow(backend, runner, demo_coach)
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    window.show_area(Area.STUDENTS)
    window.students.tabs.setCurrentIndex(StudentsTab.REVIEW)
    page = window.students.review_queue
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert window.size() == size
    shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(shots / f"review-queue-{size.width()}.png"))
    table = page.table
    # Every cell, the session's above all: the other columns are what the coach tells rows by.
    cut = [
        str(page.model.index(row, column).data())
        for row in range(page.model.rowCount())
        for column in Column
        if not _shown_whole(table, page.model.index(row, column))
    ]
    assert cut == []
    assert LONG_TITLE in [c.session_title for c in page.model.rows]
