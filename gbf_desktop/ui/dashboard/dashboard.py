"""The Dashboard page: where each of the coach's students stands, and how much room clips take.

The page loads `Backend.dashboard` on the task runner and moves through four states: loading, error
(with the service's message and a Retry button), empty (a coach without students) and the table.
Above the table, three panels list the students who need attention, the clips waiting for the
coach's review and today's sessions; a double click opens the student (or the review queue). The
page reloads itself every 30 s while it is on screen, as the other pages of shared data do.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.clips import MAX_BYTES as MAX_CLIP_BYTES
from gbf_desktop.domain.model import ClipStorage
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.dashboard import DashboardView, StudentNextSession
from gbf_desktop.ui.dashboard import text
from gbf_desktop.ui.kit import states
from gbf_desktop.ui.kit.delegates import (
    FIRST_PAGE_ROLE,
    MUTED,
    PROGRESS_ROLE,
    SORT_ROLE,
    BarDelegate,
    TwoLineDelegate,
)
from gbf_desktop.ui.kit.formatting import human_size
from gbf_desktop.ui.kit.refresh import LiveRefresh
from gbf_desktop.ui.kit.table import ColumnSpec, RowTableModel
from gbf_desktop.ui.kit.views import row_table
from gbf_desktop.workers.tasks import TaskRunner


class Column(enum.IntEnum):
    STUDENT = 0
    PROGRAM = enum.auto()
    NEXT_SESSION = enum.auto()
    PROGRESS = enum.auto()


def _muted_without_program(row: StudentNextSession) -> object:
    # No program, or nothing left to do: nothing the coach must plan around today.
    return MUTED if row.program_title is None else None


_OVERDUE = QColor("#b42318")


def _overdue_or_muted(row: StudentNextSession) -> object:
    # A session dated weeks ago is the first thing a coach must see in that column.
    return _OVERDUE if row.overdue else _muted_without_program(row)


# One spec per Column, in order.
COLUMNS: tuple[ColumnSpec[StudentNextSession], ...] = (
    ColumnSpec("Student", lambda row: row.student_name, detail=lambda row: row.student_email),
    ColumnSpec(
        "Program",
        text.program_text,
        detail=text.block_week_text,
        sort_key=text.program_sort_key,
        roles={Qt.ItemDataRole.ForegroundRole: _muted_without_program},
    ),
    ColumnSpec(
        "Next session",
        text.next_session_text,
        detail=text.next_session_date_text,
        sort_key=text.next_session_sort_key,
        roles={Qt.ItemDataRole.ForegroundRole: _overdue_or_muted},
    ),
    ColumnSpec(
        "Sessions done",
        text.progress_text,
        sort_key=lambda row: row.sessions_done / row.sessions_total if row.sessions_total else -1.0,
        tooltip=text.progress_tip,
        header_tip="Sessions done of the program the next session belongs to",
        roles={
            PROGRESS_ROLE: lambda row: (row.sessions_done, row.sessions_total),
        },
    ),
)


_FILL = QColor("#2f6fed")
_FILL_DONE = QColor("#1f9d55")


def _progress_fill(done: int, total: int) -> QColor:
    return _FILL_DONE if done >= total else _FILL


def students_model(parent: QObject | None = None) -> RowTableModel[StudentNextSession]:
    """One row per student, in the order the service gave (the view sorts), updated in place."""
    return RowTableModel(lambda row: row.student_id, COLUMNS, parent=parent)


class SummaryCard(QFrame):
    """A big figure with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value_label = QLabel(text.DASH)
        self.value_label.setObjectName("cardValue")
        self.caption_label = QLabel(caption)
        self.caption_label.setObjectName("cardCaption")
        self.detail_label = QLabel("")
        self.detail_label.setObjectName("cardDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(2)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)

    def set_value(self, value: str, detail: str = "") -> None:
        self.value_label.setText(value)
        self.detail_label.setText(detail)


# What a panel item carries: a student (id, name) to open, or nothing.
PANEL_ROLE = FIRST_PAGE_ROLE


class ListPanel(QFrame):
    """A titled short list (needs attention, clips to review, today's sessions)."""

    def __init__(self, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._title = title
        self._empty_text = empty_text
        self.title_label = QLabel(title)
        self.title_label.setObjectName("panelTitle")
        self.list = QListWidget()
        self.list.setObjectName("panelList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A reason ("Compliance fell from 90% to 40%") cut to "Compliance f…" says nothing:
        # lines wrap to the panel's width instead, and the list scrolls.
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.list, 1)

    def set_items(self, items: Sequence[tuple[str, str, object]], count: int | None = None) -> None:
        """(text, tooltip, data) per line; `count` in the title when it differs from the lines."""
        total = len(items) if count is None else count
        self.title_label.setText(f"{self._title} ({total})" if total else self._title)
        self.list.clear()
        for line, tip, data in items:
            item = QListWidgetItem(line)
            item.setToolTip(tip)
            item.setData(PANEL_ROLE, data)
            self.list.addItem(item)
        if not items:
            item = QListWidgetItem(self._empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


# Room for typical names and emails at the table's font size; Next session takes the rest, and a
# cut-off cell shows in full as its tooltip.
_COLUMN_WIDTHS = {
    Column.STUDENT: 250,
    Column.PROGRAM: 260,
    Column.PROGRESS: 170,
}


_PANEL_MIN_HEIGHT = 150
_PANEL_MAX_HEIGHT = 320


class DashboardState(enum.IntEnum):
    LOADING = states.LOADING
    ERROR = states.ERROR
    EMPTY = states.EMPTY
    TABLE = states.CONTENT


class DashboardPage(QWidget):
    """Signals: `student_requested(id, name)` and `review_queue_requested()` from the panels."""

    student_requested = Signal(str, str)
    review_queue_requested = Signal()
    # After every load, whatever its outcome: the window is ready once the first one ends.
    load_finished = Signal()

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self.setObjectName("dashboardPage")

        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setToolTip("Load the dashboard again (F5)")
        self.addAction(self.refresh_action)

        self.students_card = SummaryCard("Students")
        self.clips_card = SummaryCard("Clips stored")
        self.storage_card = SummaryCard("Clip storage")
        self.largest_card = SummaryCard("Largest clip")
        self._cards = (self.students_card, self.clips_card, self.storage_card, self.largest_card)
        # Reloads every 30 s while on screen, and on F5; an F5 during a load loads once more.
        self.live = LiveRefresh(runner, is_shown=self.isVisible, parent=self)
        self.live.set_loader(lambda: backend.dashboard(coach.id))

        self.model = students_model(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = self._build_table()

        self.updated_label = QLabel("")
        self.updated_label.setObjectName("mutedLabel")
        self.states = states.StateStack(
            loading="Loading your students…",
            error_title="The dashboard could not be loaded.",
            empty="You have no students yet. Students whose coach you are, or who are in one of "
            "your groups, appear here with their next session.",
            content=self.table,
        )
        self.loading_label = self.states.loading_label
        self.empty_label = self.states.empty_label
        self.error_label = self.states.error_label
        self.retry_button = self.states.retry_button

        cards = QHBoxLayout()
        cards.setSpacing(14)
        for card in self._cards:
            cards.addWidget(card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addLayout(self._build_header())
        layout.addLayout(cards)
        layout.addLayout(self._build_panels())
        layout.addWidget(self.states, 1)

        self._wire()

    def _build_header(self) -> QHBoxLayout:
        title = QLabel("Dashboard")
        title.setObjectName("pageTitle")
        refresh_button = QToolButton()
        refresh_button.setObjectName("refreshButton")
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setText("Refresh  (F5)")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.updated_label)
        header.addSpacing(12)
        header.addWidget(refresh_button)
        return header

    def _build_panels(self) -> QHBoxLayout:
        self.attention_panel = ListPanel("Needs attention", "Every student is on track.")
        self.review_panel = ListPanel("Clips to review", "No clip waits for your review.")
        self.today_panel = ListPanel("Today's sessions", "No session is planned for today.")
        # Monday to Sunday from sessions.date: what a start day set when assigning.
        self.week_panel = ListPanel("This week", "No session is planned this week.")
        self._panels = (self.attention_panel, self.review_panel, self.today_panel, self.week_panel)
        panels = QHBoxLayout()
        panels.setSpacing(14)
        for panel in self._panels:
            panel.setFixedHeight(_PANEL_MIN_HEIGHT)
            panels.addWidget(panel, 1)
        return panels

    def resizeEvent(self, event: QResizeEvent) -> None:
        # A quarter of the page for the panels: more of each list on a big screen, while the
        # table keeps most of a 1366x768 one.
        height = max(_PANEL_MIN_HEIGHT, min(_PANEL_MAX_HEIGHT, event.size().height() // 4))
        for panel in self._panels:
            panel.setFixedHeight(height)
        super().resizeEvent(event)

    def _build_table(self) -> QTableView:
        table = row_table(
            self.proxy,
            name="studentsTable",
            row_height=58,
            stretch=Column.NEXT_SESSION,
            widths=_COLUMN_WIDTHS,
        )
        table.setSortingEnabled(True)
        table.sortByColumn(Column.STUDENT, Qt.SortOrder.AscendingOrder)
        table.setItemDelegate(TwoLineDelegate(table))
        table.setItemDelegateForColumn(
            Column.PROGRESS, BarDelegate(PROGRESS_ROLE, _progress_fill, table)
        )
        return table

    @property
    def state(self) -> DashboardState:
        return DashboardState(self.states.currentIndex())

    @property
    def loading(self) -> bool:
        return self.live.busy

    def refresh(self) -> None:
        """Load the dashboard again; asked during a load, it loads once more when that ends."""
        self.live.refresh_now()

    def _wire(self) -> None:
        self.refresh_action.triggered.connect(self._on_refresh_action_triggered)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.live.started.connect(self._on_live_started)
        self.live.loaded.connect(self._on_live_loaded)
        self.live.failed.connect(self._on_live_failed)
        self.live.finished.connect(self._on_live_finished)
        self.attention_panel.list.itemActivated.connect(self._on_student_item_activated)
        self.today_panel.list.itemActivated.connect(self._on_student_item_activated)
        self.week_panel.list.itemActivated.connect(self._on_student_item_activated)
        self.review_panel.list.itemActivated.connect(self._on_review_item_activated)
        self.live.start()

    @Slot()
    def _on_refresh_action_triggered(self) -> None:
        self.refresh()

    @Slot()
    def _on_retry_button_clicked(self) -> None:
        self.refresh()

    @Slot(QListWidgetItem)
    def _on_student_item_activated(self, item: QListWidgetItem) -> None:
        data = item.data(PANEL_ROLE)
        if isinstance(data, tuple):
            self.student_requested.emit(*data)

    @Slot(QListWidgetItem)
    def _on_review_item_activated(self, _item: QListWidgetItem) -> None:
        self.review_queue_requested.emit()

    @Slot()
    def _on_live_started(self) -> None:
        # Keep the old table on screen during a refresh; only a first load shows the spinner text.
        if self.model.rowCount() == 0:
            self._show_state(DashboardState.LOADING)

    @Slot(object)
    def _on_live_loaded(self, view: DashboardView) -> None:
        self.model.set_rows(view.students)
        self._show_figures(view)
        self._show_panels(view)
        self.updated_label.setText(f"Updated at {datetime.now():%H:%M}")
        self._show_state(DashboardState.TABLE if view.students else DashboardState.EMPTY)

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        self._show_error(message)

    @Slot()
    def _on_live_finished(self) -> None:
        self.load_finished.emit()

    def _show_error(self, message: str) -> None:
        # Old figures would be mistaken for current ones next to an error.
        self.model.set_rows(())
        for card in self._cards:
            card.set_value(text.DASH)
        for panel in self._panels:
            panel.set_items(())
        self.error_label.setText(message)
        self._show_state(DashboardState.ERROR)

    def _show_figures(self, view: DashboardView) -> None:
        students = view.students
        without = sum(1 for s in students if s.sessions_total == 0)
        self.students_card.set_value(
            str(len(students)), f"{without} without a program" if without else ""
        )
        clips: ClipStorage = view.clips
        self.clips_card.set_value(str(clips.count), "form clips" if clips.count else "no clips yet")
        self.storage_card.set_value(human_size(clips.total_bytes), "in the database")
        self.largest_card.set_value(
            human_size(clips.largest_bytes) if clips.count else text.DASH,
            f"limit {human_size(MAX_CLIP_BYTES)} per clip",
        )

    def _show_panels(self, view: DashboardView) -> None:
        self.attention_panel.set_items(
            [
                (f"{row.name} · {row.attention[0]}", "\n".join(row.attention), (row.id, row.name))
                for row in view.needs_attention
            ]
        )
        self.review_panel.set_items(
            [
                (
                    f"{clip.student_name} · {clip.session_title or text.UNTITLED_SESSION} · "
                    f"{clip.created_at:%d %b %H:%M}",
                    "Double-click to open the review queue",
                    None,
                )
                for clip in view.newest_clips
            ],
            count=view.clips_to_review,
        )
        self.today_panel.set_items(
            [
                (*text.today_line(row), (row.student_id, row.student_name))
                for row in view.today_sessions
            ]
        )
        self.week_panel.set_items(
            [
                (*text.week_line(row), (row.student_id, row.student_name))
                for row in view.week_sessions
            ]
        )

    def _show_state(self, state: DashboardState) -> None:
        self.states.setCurrentIndex(state)
