"""The Dashboard page: where each of the coach's students stands, and how much room clips take.

The page loads `Backend.dashboard` on the task runner and moves through four states: loading, error
(with the service's message and a Retry button), empty (a coach without students) and the table.
Above the table, three panels list the students who need attention, the clips waiting for the
coach's review and today's sessions; a double click opens the student (or the review queue). The
page reloads itself every 30 s while it is on screen, as the other pages of shared data do.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.clips import MAX_BYTES as MAX_CLIP_BYTES
from gbf_desktop.domain.model import ClipStorage
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.dashboard import DashboardView, StudentNextSession, TodaySession
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.ui.kit.refresh import REFRESH_INTERVAL_MS
from gbf_desktop.workers.tasks import Task, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex

# What the proxy sorts by: a number or a string per column, so mixed rows compare sensibly.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# (done, total) for the progress delegate.
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
# The smaller second line of a cell: the email under the name, block and week under the program,
# the date under the session. Two lines per cell keep the table readable at 1100 px wide.
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3

NO_PROGRAM_TEXT = "No program assigned"
ALL_DONE_TEXT = "All sessions complete"
_DASH = "—"
_MUTED = QColor("#6b7280")


class Column(enum.IntEnum):
    STUDENT = 0
    PROGRAM = enum.auto()
    NEXT_SESSION = enum.auto()
    PROGRESS = enum.auto()


_HEADERS = {
    Column.STUDENT: "Student",
    Column.PROGRAM: "Program",
    Column.NEXT_SESSION: "Next session",
    Column.PROGRESS: "Sessions done",
}


def program_text(row: StudentNextSession) -> str:
    if row.sessions_total == 0:
        return NO_PROGRAM_TEXT
    return row.program_title or ALL_DONE_TEXT


def block_week_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return ""
    week = f"Week {row.week_number}" if row.week_number is not None else ""
    return " · ".join(part for part in (row.block_title, week) if part)


def next_session_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return _DASH
    return row.session_title or "Untitled session"


def next_session_date_text(row: StudentNextSession) -> str:
    if row.program_title is None:
        return ""
    return short_date(row.session_date) if row.session_date else "No date set"


def _progress_text(row: StudentNextSession) -> str:
    return f"{row.sessions_done} / {row.sessions_total}" if row.sessions_total else _DASH


_DISPLAY: dict[Column, Callable[[StudentNextSession], str]] = {
    Column.STUDENT: lambda row: row.student_name,
    Column.PROGRAM: program_text,
    Column.NEXT_SESSION: next_session_text,
    Column.PROGRESS: _progress_text,
}

_DETAIL: dict[Column, Callable[[StudentNextSession], str]] = {
    Column.STUDENT: lambda row: row.student_email,
    Column.PROGRAM: block_week_text,
    Column.NEXT_SESSION: next_session_date_text,
    Column.PROGRESS: lambda _row: "",
}


class StudentsTableModel(QAbstractTableModel):
    """One row per student, read-only, in the order the service gave (the view sorts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[StudentNextSession, ...] = ()

    def set_rows(self, rows: Sequence[StudentNextSession]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_at(self, row: int) -> StudentNextSession:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        value: object = None
        if role == Qt.ItemDataRole.DisplayRole:
            value = _DISPLAY[column](row)
        elif role == DETAIL_ROLE:
            value = _DETAIL[column](row)
        elif role == SORT_ROLE:
            value = self._sort_key(row, column)
        elif role == PROGRESS_ROLE and column is Column.PROGRESS:
            value = (row.sessions_done, row.sessions_total)
        elif role == Qt.ItemDataRole.ToolTipRole:
            # Narrow columns elide; the full text is one hover away.
            lines = (_DISPLAY[column](row), _DETAIL[column](row))
            value = "\n".join(line for line in lines if line) or None
        elif (
            role == Qt.ItemDataRole.ForegroundRole
            and row.program_title is None
            and column in (Column.PROGRAM, Column.NEXT_SESSION)
        ):
            # No program, or nothing left to do: nothing the coach must plan around today.
            value = _MUTED
        return value

    @staticmethod
    def _sort_key(row: StudentNextSession, column: Column) -> str | float:
        match column:
            case Column.PROGRAM:
                # Within a program, week 10 after week 9, not after week 1.
                week = row.week_number if row.week_number is not None else -1
                return f"{program_text(row).casefold()}\x00{week:06d}"
            case Column.NEXT_SESSION:
                # Soonest first; dateless sessions after dated ones, students with none last.
                if row.session_date is not None:
                    return f"0 {row.session_date.isoformat()}"
                return "1" if row.program_title is not None else "2"
            case Column.PROGRESS:
                return row.sessions_done / row.sessions_total if row.sessions_total else -1.0
            case _:
                return _DISPLAY[column](row).casefold()


# The sheet's item padding plus the style's text margin: painted cells line up with plain ones.
_CELL_PADDING = 11


class TwoLineDelegate(QStyledItemDelegate):
    """The cell's text, with its detail in a smaller, muted line under it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        detail = index.data(DETAIL_ROLE)
        if not detail:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = opt.rect.adjusted(_CELL_PADDING, 0, -_CELL_PADDING, 0)
        middle = rect.center().y()
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.85)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        main_color = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(foreground if isinstance(foreground, QColor) else main_color)
        top = QRect(rect.left(), rect.top(), rect.width(), middle - rect.top())
        elided = QFontMetrics(opt.font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, elided)
        painter.setFont(small)
        painter.setPen(_MUTED)
        bottom = QRect(rect.left(), middle + 2, rect.width(), rect.bottom() - middle - 2)
        elided = QFontMetrics(small).elidedText(
            str(detail), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()


class ProgressBarDelegate(QStyledItemDelegate):
    """Paints "done / total" over a slim bar, so a glance down the column compares students."""

    _TRACK = QColor("#e4e8ef")
    _FILL = QColor("#2f6fed")
    _FILL_DONE = QColor("#1f9d55")

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        counts = index.data(PROGRESS_ROLE)
        if not isinstance(counts, tuple) or counts[1] == 0:
            super().paint(painter, option, index)
            return
        done, total = counts
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        # The cell's own background (selection, alternating rows) first, then the bar on top.
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = QRectF(opt.rect).adjusted(_CELL_PADDING, 0, -_CELL_PADDING - 6, 0)
        bar = QRectF(rect.left(), rect.center().y() + 4, rect.width(), 7)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._TRACK)
        painter.drawRoundedRect(bar, 3.5, 3.5)
        if done:
            filled = QRectF(bar.left(), bar.top(), bar.width() * done / total, bar.height())
            painter.setBrush(self._FILL_DONE if done >= total else self._FILL)
            painter.drawRoundedRect(filled, 3.5, 3.5)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        text_rect = QRectF(rect.left(), rect.top(), rect.width(), bar.top() - rect.top() - 3)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)
        painter.restore()


class SummaryCard(QFrame):
    """A big figure with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.value_label = QLabel(_DASH)
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
PANEL_ROLE = Qt.ItemDataRole.UserRole + 4
_TODAY_STATUS = {
    "completed": "\N{CHECK MARK} done",
    "in_progress": "\N{CIRCLE WITH LEFT HALF BLACK} started",
    "not_started": "\N{WHITE CIRCLE} not yet",
}


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
        for text, tip, data in items:
            item = QListWidgetItem(text)
            item.setToolTip(tip)
            item.setData(PANEL_ROLE, data)
            self.list.addItem(item)
        if not items:
            item = QListWidgetItem(self._empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


def _today_line(row: TodaySession) -> tuple[str, str, object]:
    session = row.session_title or "Untitled session"
    status = _TODAY_STATUS.get(row.status, row.status)
    return (
        f"{row.student_name} · {session} · {status}",
        f"{row.student_name}: {session} ({row.program_title})",
        (row.student_id, row.student_name),
    )


# Room for typical names and emails at the table's font size; Next session takes the rest, and a
# cut-off cell shows in full as its tooltip.
_COLUMN_WIDTHS = {
    Column.STUDENT: 250,
    Column.PROGRAM: 260,
    Column.PROGRESS: 170,
}


def _state_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("stateLabel")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class DashboardState(enum.IntEnum):
    LOADING = 0
    ERROR = enum.auto()
    EMPTY = enum.auto()
    TABLE = enum.auto()


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
        self._task: Task | None = None
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
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(REFRESH_INTERVAL_MS)

        self.model = StudentsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = self._build_table()

        self.updated_label = QLabel("")
        self.updated_label.setObjectName("mutedLabel")
        self.loading_label = _state_label("Loading your students…")
        self.empty_label = _state_label(
            "You have no students yet. Students whose coach you are, or who are in one of your "
            "groups, appear here with their next session."
        )
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("primaryButton")

        self.states = QStackedWidget()
        self.states.insertWidget(DashboardState.LOADING, self.loading_label)
        self.states.insertWidget(DashboardState.ERROR, self._build_error_page())
        self.states.insertWidget(DashboardState.EMPTY, self.empty_label)
        self.states.insertWidget(DashboardState.TABLE, self.table)

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
        self._panels = (self.attention_panel, self.review_panel, self.today_panel)
        panels = QHBoxLayout()
        panels.setSpacing(14)
        for panel in self._panels:
            panel.setFixedHeight(150)
            panels.addWidget(panel, 1)
        return panels

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("studentsTable")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.STUDENT, Qt.SortOrder.AscendingOrder)
        table.setItemDelegate(TwoLineDelegate(table))
        table.setItemDelegateForColumn(Column.PROGRESS, ProgressBarDelegate(table))
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(58)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NEXT_SESSION, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS.items():
            table.setColumnWidth(column, width)
        return table

    def _build_error_page(self) -> QWidget:
        title = QLabel("The dashboard could not be loaded.")
        title.setObjectName("stateTitle")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setSpacing(14)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.error_label)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    @property
    def state(self) -> DashboardState:
        return DashboardState(self.states.currentIndex())

    @property
    def loading(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Load the dashboard again; ignored while a load is under way."""
        if self._task is not None:
            return
        self.refresh_action.setEnabled(False)
        self.retry_button.setEnabled(False)
        # Keep the old table on screen during a refresh; only a first load shows the spinner text.
        if self.model.rowCount() == 0:
            self._show_state(DashboardState.LOADING)
        task = self._runner.read(self._backend.dashboard, self._coach.id)
        task.succeeded.connect(self._on_load_task_succeeded)
        task.failed.connect(self._on_load_task_failed)
        task.crashed.connect(self._on_load_task_crashed)
        task.finished.connect(self._on_load_task_finished)
        self._task = task

    def _wire(self) -> None:
        self.refresh_action.triggered.connect(self._on_refresh_action_triggered)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.poll_timer.timeout.connect(self._on_poll_timer_timeout)
        self.attention_panel.list.itemActivated.connect(self._on_student_item_activated)
        self.today_panel.list.itemActivated.connect(self._on_student_item_activated)
        self.review_panel.list.itemActivated.connect(self._on_review_item_activated)
        self.poll_timer.start()

    @Slot()
    def _on_refresh_action_triggered(self) -> None:
        self.refresh()

    @Slot()
    def _on_retry_button_clicked(self) -> None:
        self.refresh()

    @Slot()
    def _on_poll_timer_timeout(self) -> None:
        # Only what the coach can see is polled; a hidden dashboard reloads when asked.
        if self.isVisible():
            self.refresh()

    @Slot(QListWidgetItem)
    def _on_student_item_activated(self, item: QListWidgetItem) -> None:
        data = item.data(PANEL_ROLE)
        if isinstance(data, tuple):
            self.student_requested.emit(*data)

    @Slot(QListWidgetItem)
    def _on_review_item_activated(self, _item: QListWidgetItem) -> None:
        self.review_queue_requested.emit()

    @Slot(object)
    def _on_load_task_succeeded(self, view: DashboardView) -> None:
        self.model.set_rows(view.students)
        self._show_figures(view)
        self._show_panels(view)
        self.updated_label.setText(f"Updated at {datetime.now():%H:%M}")
        self._show_state(DashboardState.TABLE if view.students else DashboardState.EMPTY)

    @Slot(object)
    def _on_load_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))

    @Slot(object)
    def _on_load_task_crashed(self, _error: BaseException) -> None:
        self._show_error("A bug in the app stopped the dashboard from loading. Please try again.")

    @Slot()
    def _on_load_task_finished(self) -> None:
        self._task = None
        self.refresh_action.setEnabled(True)
        self.retry_button.setEnabled(True)
        self.load_finished.emit()

    def _show_error(self, message: str) -> None:
        # Old figures would be mistaken for current ones next to an error.
        self.model.set_rows(())
        for card in self._cards:
            card.set_value(_DASH)
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
            human_size(clips.largest_bytes) if clips.count else _DASH,
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
                    f"{clip.student_name} · {clip.session_title or 'Untitled session'} · "
                    f"{clip.created_at:%d %b %H:%M}",
                    "Double-click to open the review queue",
                    None,
                )
                for clip in view.newest_clips
            ],
            count=view.clips_to_review,
        )
        self.today_panel.set_items([_today_line(row) for row in view.today_sessions])

    def _show_state(self, state: DashboardState) -> None:
        self.states.setCurrentIndex(state)
