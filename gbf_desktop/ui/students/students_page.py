"""The Students area: the coach's students with activity, compliance and needs-attention marks,
one student's progress (opened from the table), and the clip review queue in a second tab.

The table is refreshed live (`ui.refresh`): rows are updated in place by student id, so the
selection and the search survive a refresh, and the search filters on screen without a query.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.metrics import ComplianceGrade, compliance_grade
from gbf_desktop.domain.review import COMPLIANCE_WINDOWS, Compliance
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.services.review import StudentRow
from gbf_desktop.ui.kit.delegates import (
    FIRST_PAGE_ROLE,
    MUTED,
    SORT_ROLE,
    BarDelegate,
    TwoLineDelegate,
)
from gbf_desktop.ui.kit.refresh import LiveRefresh
from gbf_desktop.ui.kit.table import ColumnSpec, RowTableModel
from gbf_desktop.ui.kit.views import row_table
from gbf_desktop.ui.students.progress_page import ProgressPage
from gbf_desktop.ui.students.review_queue import ReviewQueuePage
from gbf_desktop.ui.students.text import activity_text, compliance_text, compliance_tip
from gbf_desktop.workers.tasks import TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex

# (done, due) of a compliance window, for the bar delegate; None when nothing was due.
COMPLIANCE_ROLE = FIRST_PAGE_ROLE
STUDENT_ID_ROLE = FIRST_PAGE_ROLE + 1

ATTENTION_TEXT = "\N{WARNING SIGN} Needs attention"
_DASH = "—"
_ATTENTION = QColor("#b45309")

OpenClip = Callable[[ClipRow], None]


class Column(enum.IntEnum):
    STUDENT = 0
    LAST_ACTIVITY = enum.auto()
    WEEK = enum.auto()
    MONTH = enum.auto()
    QUARTER = enum.auto()
    ATTENTION = enum.auto()


_WINDOW_OF = {Column.WEEK: 7, Column.MONTH: 30, Column.QUARTER: 90}
assert tuple(_WINDOW_OF.values()) == COMPLIANCE_WINDOWS

_HEADERS = {
    Column.STUDENT: "Student",
    Column.LAST_ACTIVITY: "Last activity",
    Column.WEEK: "7 days",
    Column.MONTH: "30 days",
    Column.QUARTER: "90 days",
    Column.ATTENTION: "Attention",
}

_HEADER_TIPS = {
    Column.WEEK: "Compliance: sessions completed ÷ sessions due in the last 7 days",
    Column.MONTH: "Compliance: sessions completed ÷ sessions due in the last 30 days",
    Column.QUARTER: "Compliance: sessions completed ÷ sessions due in the last 90 days",
    Column.ATTENTION: "No activity for 7 days, or compliance down 20 points or more",
}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _compliance_column(column: Column) -> ColumnSpec[StudentRow]:
    days = _WINDOW_OF[column]

    def of(row: StudentRow) -> Compliance:
        return row.compliance_over(days)

    def ratio(row: StudentRow) -> float:
        value = of(row).ratio
        return -1.0 if value is None else value

    def counts(row: StudentRow) -> tuple[int, int] | None:
        value = of(row)
        return None if value.due == 0 else (value.done, value.due)

    return ColumnSpec(
        _HEADERS[column],
        lambda row: compliance_text(of(row)),
        sort_key=ratio,
        tooltip=lambda row: compliance_tip(of(row)),
        header_tip=_HEADER_TIPS[column],
        roles={COMPLIANCE_ROLE: counts},
    )


def _last_activity_tip(row: StudentRow) -> str | None:
    when = row.last_activity
    return f"Last saved a session {when:%Y-%m-%d %H:%M} UTC" if when else None


class StudentsModel(RowTableModel[StudentRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        # Relative activity is measured from the last load, not from each repaint.
        self.now = utc_now()
        columns: tuple[ColumnSpec[StudentRow], ...] = (
            ColumnSpec(
                _HEADERS[Column.STUDENT], lambda row: row.name, detail=lambda row: row.email
            ),
            ColumnSpec(
                _HEADERS[Column.LAST_ACTIVITY],
                lambda row: activity_text(row.last_activity, self.now),
                detail=lambda row: f"{row.last_activity:%d %b %Y}" if row.last_activity else "",
                sort_key=lambda row: row.last_activity.isoformat() if row.last_activity else "",
                tooltip=_last_activity_tip,
            ),
            _compliance_column(Column.WEEK),
            _compliance_column(Column.MONTH),
            _compliance_column(Column.QUARTER),
            ColumnSpec(
                _HEADERS[Column.ATTENTION],
                lambda row: ATTENTION_TEXT if row.needs_attention else "",
                sort_key=lambda row: len(row.attention),
                tooltip=lambda row: "\n".join(row.attention) or None,
                header_tip=_HEADER_TIPS[Column.ATTENTION],
                roles={Qt.ItemDataRole.ForegroundRole: lambda _row: _ATTENTION},
            ),
        )
        super().__init__(
            lambda row: row.id,
            columns,
            row_roles={STUDENT_ID_ROLE: lambda row: row.id},
            parent=parent,
        )


class StudentsFilter(QSortFilterProxyModel):
    """Keeps the students whose name, email or pseudo holds the search text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = ""
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        # Qt 6.10 deprecated invalidateRowsFilter (a warning) for a begin/end pair that older
        # Qt versions, still supported, lack.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._search = text
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt before 6.10
            self._search = text
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, StudentsModel)
        return model.row_at(source_row).matches(self._search)


_GRADE_COLOURS = {
    ComplianceGrade.GOOD: QColor("#1f9d55"),
    ComplianceGrade.FAIR: QColor("#d97706"),
    ComplianceGrade.POOR: QColor("#dc2626"),
}


def _compliance_fill(done: int, due: int) -> QColor:
    # The bar's colour repeats what the number says.
    grade = compliance_grade(done, due)
    return _GRADE_COLOURS[grade] if grade is not None else MUTED


_COLUMN_WIDTHS = {
    Column.STUDENT: 300,
    Column.LAST_ACTIVITY: 160,
    Column.WEEK: 110,
    Column.MONTH: 110,
    Column.QUARTER: 110,
}


class StudentsListPage(QWidget):
    """The searchable table of students; `open_requested(student_id, name)` opens one."""

    open_requested = Signal(str, str)

    def __init__(self, backend: Backend, runner: TaskRunner, coach: SignedInUser) -> None:
        super().__init__()
        self._backend = backend
        self._coach = coach
        self.model = StudentsModel(self)
        self.proxy = StudentsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search by name, email or pseudo")
        self.search_edit.setClearButtonEnabled(True)
        self.open_button = QPushButton("Open progress")
        self.open_button.setObjectName("primaryButton")
        self.open_button.setEnabled(False)
        self.status_label = QLabel("Loading your students…")
        self.status_label.setObjectName("mutedLabel")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.table = self._build_table()

        self.live = LiveRefresh(runner, is_shown=self.isVisible, parent=self)
        self.live.set_loader(lambda: backend.students(coach.id))

        self.search_edit.setMaximumWidth(440)
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        bar.addSpacing(12)
        bar.addWidget(self.status_label, 1)
        bar.addSpacing(12)
        bar.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        self._wire()

    def _build_table(self) -> QTableView:
        table = row_table(
            self.proxy,
            name="studentsTable",
            row_height=58,
            stretch=Column.ATTENTION,
            widths=_COLUMN_WIDTHS,
        )
        table.setSortingEnabled(True)
        table.sortByColumn(Column.STUDENT, Qt.SortOrder.AscendingOrder)
        table.setItemDelegate(TwoLineDelegate(table))
        compliance = BarDelegate(COMPLIANCE_ROLE, _compliance_fill, table)
        for column in _WINDOW_OF:
            table.setItemDelegateForColumn(column, compliance)
        return table

    def _wire(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.live.loaded.connect(self._on_live_loaded)
        self.live.failed.connect(self._on_live_failed)

    def selected_student(self) -> StudentRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def select_student(self, student_id: str) -> None:
        source = self.model.row_of(student_id)
        if source >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(source, 0)).row())

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(self.proxy.mapToSource(index).row())
        self.open_requested.emit(row.id, row.name)

    @Slot()
    def _on_table_selection_changed(self) -> None:
        self.open_button.setEnabled(self.selected_student() is not None)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        row = self.selected_student()
        if row is not None:
            self.open_requested.emit(row.id, row.name)

    @Slot(object)
    def _on_live_loaded(self, rows: tuple[StudentRow, ...]) -> None:
        self.error_label.hide()
        self.model.now = utc_now()
        self.model.set_rows(rows)
        attention = sum(1 for r in rows if r.needs_attention)
        counts = f"{len(rows)} students" if len(rows) != 1 else "1 student"
        if attention:
            counts += f" · {attention} need attention"
        if not rows:
            counts = "No students yet: students you coach, or in your groups, appear here."
        self.status_label.setText(f"{counts} · updated {datetime.now():%H:%M}")

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        # The rows already on screen stay; the message says they may be out of date.
        self.error_label.setText(f"The students could not be refreshed. {message}")
        self.error_label.show()


class StudentsTab(enum.IntEnum):
    STUDENTS = 0
    REVIEW = enum.auto()


class StudentsPage(QWidget):
    """The Students area: the list or one student's progress, and the review queue tab."""

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
        self.setObjectName("studentsPage")
        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setToolTip("Load what is shown again (F5); it also reloads every 30 s")
        self.addAction(self.refresh_action)

        self.list_page = StudentsListPage(backend, runner, coach)
        self.progress_page = ProgressPage(backend, runner, coach, open_clip=open_clip)
        self.review_queue = ReviewQueuePage(backend, runner, coach, open_clip=open_clip)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list_page)
        self.stack.addWidget(self.progress_page)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("studentsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.insertTab(StudentsTab.STUDENTS, self.stack, "Students")
        self.tabs.insertTab(StudentsTab.REVIEW, self.review_queue, "Review queue")

        title = QLabel("Students")
        title.setObjectName("pageTitle")
        refresh_button = QToolButton()
        refresh_button.setObjectName("refreshButton")
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setText("Refresh  (F5)")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self._wire()

    def _wire(self) -> None:
        self.refresh_action.triggered.connect(self._on_refresh_action_triggered)
        self.list_page.open_requested.connect(self._on_list_page_open_requested)
        self.progress_page.back_requested.connect(self._on_progress_page_back_requested)
        self.review_queue.count_changed.connect(self._on_review_queue_count_changed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def start(self) -> None:
        """Load now and keep every part polling (each polls only while it is on screen)."""
        for live in (self.list_page.live, self.progress_page.live, self.review_queue.live):
            live.start()
        self.list_page.live.refresh_now()
        self.review_queue.live.refresh_now()

    def refresh(self) -> None:
        """Reload what is on screen now."""
        if self.tabs.currentIndex() == StudentsTab.REVIEW:
            self.review_queue.live.refresh_now()
        elif self.stack.currentWidget() is self.progress_page:
            self.progress_page.live.refresh_now()
        else:
            self.list_page.live.refresh_now()

    def open_student(self, student_id: str, name: str) -> None:
        self.tabs.setCurrentIndex(StudentsTab.STUDENTS)
        self.stack.setCurrentWidget(self.progress_page)
        self.progress_page.show_student(student_id, name)

    @Slot()
    def _on_refresh_action_triggered(self) -> None:
        self.refresh()

    @Slot(str, str)
    def _on_list_page_open_requested(self, student_id: str, name: str) -> None:
        self.open_student(student_id, name)

    @Slot()
    def _on_progress_page_back_requested(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        self.list_page.live.refresh_now()

    @Slot(int)
    def _on_review_queue_count_changed(self, count: int) -> None:
        self.tabs.setTabText(
            StudentsTab.REVIEW, f"Review queue ({count})" if count else "Review queue"
        )

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        # What was hidden did not poll: bring it up to date as it comes back on screen.
        self.refresh()
