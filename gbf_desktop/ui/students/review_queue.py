"""The review queue: clips the coach's students uploaded that this coach has not reviewed yet,
newest first; play one, write a comment, mark it reviewed, and it leaves the queue.

The queue refreshes live while the coach writes: rows are updated in place by clip id, and the
comment box belongs to the clip it was opened for. A refresh never touches it; a comment is only
set aside (kept as a draft per clip) when the coach picks another clip.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.review import ClipReviewRecord, QueuedClip
from gbf_desktop.errors import ConflictError, KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clip_reviews import COMMENT_LIMIT, ReviewQueue
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.ui.kit.delegates import WrappingDelegate
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.ui.kit.refresh import LiveRefresh
from gbf_desktop.ui.kit.table import ColumnSpec, RowTableModel
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.ui.kit.views import row_table
from gbf_desktop.workers.tasks import Task, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
OpenClip = Callable[[ClipRow], None]


class Column(enum.IntEnum):
    STUDENT = 0
    SESSION = enum.auto()
    RECORDED = enum.auto()
    SIZE = enum.auto()


def uploaded_text(moment: datetime) -> str:
    return f"{moment:%d %b %Y %H:%M}"


# One spec per Column, in order.
COLUMNS: tuple[ColumnSpec[QueuedClip], ...] = (
    ColumnSpec("Student", lambda clip: clip.student_name),
    ColumnSpec("Session", lambda clip: clip.session_title or "Untitled session"),
    ColumnSpec("Uploaded", lambda clip: uploaded_text(clip.created_at)),
    ColumnSpec("Size", lambda clip: human_size(clip.size)),
)


def queue_model(parent: QObject | None = None) -> RowTableModel[QueuedClip]:
    return RowTableModel(lambda clip: clip.id, COLUMNS, parent=parent)


def queued_clip_row(clip: QueuedClip) -> ClipRow:
    """What the player needs to know of a queued clip."""
    return ClipRow(
        media_id=clip.id,
        progress_id=clip.progress_id,
        session_id=clip.session_id,
        student_id=clip.student_id,
        student_name=clip.student_name,
        mime_type=clip.mime_type,
        size=clip.size,
        created_at=clip.created_at,
        program_title=None,
        block_title=None,
        week_number=None,
        session_title=clip.session_title,
        session_date=clip.session_date,
    )


def _review_controls() -> tuple[QCheckBox, QPushButton, QLabel]:
    # Shared by default: the comment goes to the student's log and notifications.
    private = QCheckBox("Keep private (the student does not see this comment)")
    private.setObjectName("reviewPrivateCheck")
    mark = QPushButton("Mark reviewed")
    mark.setObjectName("primaryButton")
    mark.setMinimumWidth(mark.sizeHint().width())
    outcome = QLabel("")
    outcome.setObjectName("mutedLabel")
    outcome.setWordWrap(True)
    return private, mark, outcome


class ReviewQueuePage(QWidget):
    """Signals: `count_changed(n)` with the clips waiting, `reviewed(media_id)` after a review."""

    count_changed = Signal(int)
    reviewed = Signal(str)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        *,
        open_clip: OpenClip | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQueuePage")
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._open_clip = open_clip or self._play_clip
        self._players: list[PlayerWindow] = []
        self._task: Task | None = None
        self._sharing = False
        # The clip the comment box is for, and comments set aside when the coach moved on.
        self.current_id: str | None = None
        self._drafts: dict[str, str] = {}
        self.total = 0

        self.model = queue_model(self)
        self.table = self._build_table()
        self.status_label = QLabel("Loading the clips to review…")
        self.status_label.setObjectName("mutedLabel")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.title_label = QLabel("No clip selected")
        self.title_label.setObjectName("stateTitle")
        self.details_label = QLabel("Pick a clip in the list to review it.")
        self.details_label.setObjectName("mutedLabel")
        # Two short lines rather than wrapped text: a wrapped label in this panel is squeezed
        # by the comment box below it, which takes every spare pixel.
        self.details_label.setWordWrap(False)
        self.play_button = QPushButton("\N{BLACK RIGHT-POINTING TRIANGLE} Play clip")
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("reviewCommentEdit")
        self.comment_edit.setPlaceholderText(
            "Your comment for this clip (optional): what to keep, what to fix"
        )
        self.private_check, self.mark_button, self.outcome_label = _review_controls()
        for widget in (self.play_button, self.comment_edit, self.private_check, self.mark_button):
            widget.setEnabled(False)

        self.live = LiveRefresh(runner, is_shown=self.isVisible, parent=self)
        self.live.set_loader(lambda: backend.review_queue(coach.id))

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_panel())
        splitter.setSizes([560, 420])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)
        self._wire()

    def _build_table(self) -> QTableView:
        table = row_table(self.model, name="studentsTable", row_height=40, stretch=Column.SESSION)
        # The session is what a coach reads to pick a clip: never elided. The other columns take
        # what their one line needs (`_fit_table`), the session the rest; a title longer than
        # that wraps and its row grows (a 1366-wide screen leaves the list about 600 px).
        table.setItemDelegateForColumn(Column.SESSION, WrappingDelegate(table))
        rows = table.verticalHeader()
        rows.setMinimumSectionSize(40)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _build_panel(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("card")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel("Comment"))
        layout.addWidget(self.comment_edit, 1)
        layout.addWidget(self.private_check)
        layout.addWidget(self.outcome_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.mark_button)
        layout.addLayout(buttons)
        return panel

    def _wire(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        # A narrower session column wraps to more lines: the rows follow its width.
        self.table.horizontalHeader().sectionResized.connect(self._on_table_section_resized)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.mark_button.clicked.connect(self._on_mark_button_clicked)
        self.live.loaded.connect(self._on_live_loaded)
        self.live.failed.connect(self._on_live_failed)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def current_clip(self) -> QueuedClip | None:
        if self.current_id is None:
            return None
        row = self.model.row_of(self.current_id)
        return self.model.row_at(row) if row >= 0 else None

    def select_clip(self, media_id: str) -> None:
        row = self.model.row_of(media_id)
        if row >= 0:
            self.table.selectRow(row)

    def mark_reviewed(self) -> None:
        clip = self.current_clip()
        if clip is None or self._task is not None:
            return
        self.error_label.hide()
        self.mark_button.setEnabled(False)
        self.mark_button.setText("Saving…")
        task = self._runner.write(
            self._backend.mark_clip_reviewed,
            self._coach.id,
            clip.id,
            self.comment_edit.toPlainText(),
            private=self.private_check.isChecked(),
        )
        self._sharing = bool(self.comment_edit.toPlainText().strip()) and (
            not self.private_check.isChecked()
        )
        self._task = follow(
            task,
            self,
            done=self._on_mark_task_succeeded,
            on_error=self._on_mark_task_failed,
            failed=self._show_error,
            finished=self._on_mark_task_finished,
        )

    def _show_clip(self, clip: QueuedClip | None) -> None:
        """Bind the panel to `clip` (or to nothing), setting the old comment aside as a draft."""
        new_id = clip.id if clip else None
        if new_id == self.current_id:
            return
        if self.current_id is not None:
            text = self.comment_edit.toPlainText()
            if text.strip():
                self._drafts[self.current_id] = text
            else:
                self._drafts.pop(self.current_id, None)
        self.current_id = new_id
        self.comment_edit.setPlainText(self._drafts.get(new_id, "") if new_id else "")
        self._describe(clip)

    def _describe(self, clip: QueuedClip | None) -> None:
        for widget in (self.play_button, self.comment_edit, self.private_check, self.mark_button):
            widget.setEnabled(clip is not None and self._task is None)
        if clip is None:
            self.title_label.setText("No clip selected")
            self.details_label.setText("Pick a clip in the list to review it.")
            return
        self.title_label.setText(clip.student_name)
        session = clip.session_title or "Untitled session"
        when = f" of {short_date(clip.session_date)}" if clip.session_date else ""
        self.details_label.setText(
            f"{session}{when}\nuploaded {uploaded_text(clip.created_at)} · {human_size(clip.size)}"
        )

    def _set_count(self, total: int) -> None:
        self.total = total
        shown = self.model.rowCount()
        if total == 0:
            text = "Nothing to review: every clip from your students has your review."
        elif shown < total:
            text = f"{total} clips to review; the newest {shown} are listed."
        else:
            text = f"{total} clip{'s' if total != 1 else ''} to review, newest first."
        self.status_label.setText(text)
        self.count_changed.emit(total)

    def _play_clip(self, row: ClipRow) -> None:
        player = PlayerWindow(self._backend, self._runner, self._coach, row)
        player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        player.closed.connect(self._on_player_closed)
        self._players.append(player)
        player.resize(960, 640)
        player.show()

    # -- slots -------------------------------------------------------------------------------

    def _fit_table(self) -> None:
        """The one-line columns as wide as their text, the rows as tall as their titles wrap."""
        for column in (Column.STUDENT, Column.RECORDED, Column.SIZE):
            self.table.resizeColumnToContents(column)
        self.table.resizeRowsToContents()

    @Slot(int, int, int)
    def _on_table_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == Column.SESSION:
            self.table.resizeRowsToContents()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._show_clip(self.model.row_at(rows[0].row()))
        elif self.current_id is not None and self.model.row_of(self.current_id) < 0:
            # The clip left the queue under the coach's eyes (reviewed elsewhere, or deleted):
            # the comment stays on screen to copy, but it can no longer be saved.
            self.details_label.setText(
                "This clip is no longer in the queue\n(reviewed elsewhere, or deleted)."
            )
            self.mark_button.setEnabled(False)
            self.play_button.setEnabled(False)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self._open_clip(queued_clip_row(self.model.row_at(index.row())))

    @Slot()
    def _on_play_button_clicked(self) -> None:
        clip = self.current_clip()
        if clip is not None:
            self._open_clip(queued_clip_row(clip))

    @Slot()
    def _on_mark_button_clicked(self) -> None:
        if len(self.comment_edit.toPlainText().strip()) > COMMENT_LIMIT:
            self.error_label.setText(f"A comment can hold at most {COMMENT_LIMIT} characters.")
            self.error_label.show()
            return
        self.mark_reviewed()

    @Slot(object)
    def _on_live_loaded(self, queue: ReviewQueue) -> None:
        self.error_label.hide()
        self.model.set_rows(queue.clips)
        self._fit_table()
        if self.current_id is not None and self.model.row_of(self.current_id) >= 0:
            self._describe(self.current_clip())
        self._set_count(queue.total)

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        self.error_label.setText(f"The review queue could not be refreshed. {message}")
        self.error_label.show()

    @Slot(object)
    def _on_mark_task_succeeded(self, review: ClipReviewRecord) -> None:
        row = self.model.row_of(review.media_id)
        self._drafts.pop(review.media_id, None)
        self.current_id = None
        self.comment_edit.clear()
        self.private_check.setChecked(False)
        if review.comment and self._sharing:
            self.outcome_label.setText(
                "Sent: the comment is in the student's log and their notifications."
            )
        elif review.comment:
            self.outcome_label.setText("Kept private: only you see this comment.")
        else:
            self.outcome_label.setText("Marked reviewed.")
        self.model.set_rows([c for c in self.model.rows if c.id != review.media_id])
        self._fit_table()
        self._set_count(max(self.total - 1, 0))
        self.reviewed.emit(review.media_id)
        # The next clip down (or the last one) is ready for the coach.
        if self.model.rowCount():
            self.table.selectRow(min(max(row, 0), self.model.rowCount() - 1))
        else:
            self._describe(None)

    @Slot(object)
    def _on_mark_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))
        if isinstance(error, ConflictError):
            self.live.refresh_now()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    @Slot()
    def _on_mark_task_finished(self) -> None:
        self._task = None
        self.mark_button.setText("Mark reviewed")
        self._describe(self.current_clip())

    @Slot()
    def _on_player_closed(self) -> None:
        player = self.sender()
        self._players = [p for p in self._players if p is not player]
