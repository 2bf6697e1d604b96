"""One student's progress: their programs as a timeline (blocks → weeks → sessions with status),
a session opened as ghost rows beside logged rows, its notes and clips, and the charts tab.

Ghost rows: for every set, minute or round, the prescription is shown greyed and in italics (it is
read-only: what the coach planned), beside what the student logged. A figure below the
prescription is marked "▼ short", one above it "▲ over", in colour and in words, so the marks read
without colour too. Where the platform's stored status disagrees with the status computed from the
exercises (the web marks a session completed as soon as one exercise is), both are shown.

Everything shown is one `StudentProgress` snapshot, reloaded by the live refresh; the timeline and
the charts' choices are updated in place, so the coach keeps their place while data comes in.

Over 500 lines: the timeline model, the ghost-rows model and the page; the two models are the parts
to move out next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.progress import session_to_open
from gbf_desktop.domain.review import (
    COMPLIANCE_WINDOWS,
    Cell,
    ClipMeta,
    ExerciseReview,
    Line,
    SessionStatus,
)
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.services.review import (
    AssignedProgram,
    SessionDetail,
    StudentProgress,
    TimelineSession,
)
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.ui.kit.delegates import DETAIL_ROLE, TwoLineDelegate
from gbf_desktop.ui.kit.formatting import human_size
from gbf_desktop.ui.kit.prescription_text import TIMES, prescription_line
from gbf_desktop.ui.kit.refresh import LiveRefresh
from gbf_desktop.ui.students.charts import ChartsPanel
from gbf_desktop.ui.students.log_session_dialog import LogSessionDialog
from gbf_desktop.workers.tasks import TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
OpenClip = Callable[[ClipRow], None]

_DASH = "—"
_GHOST = QColor("#8a94a3")
_SHORT = QColor("#b91c1c")
_SHORT_BACK = QColor("#fdecec")
_OVER = QColor("#1d4ed8")
_OVER_BACK = QColor("#e8efff")
_DONE = QColor("#1f7a45")
_WARN = QColor("#b45309")

SHORT_MARK = "\N{BLACK DOWN-POINTING TRIANGLE}"
OVER_MARK = "\N{BLACK UP-POINTING TRIANGLE}"

# -------------------------------------------------------------------------------------------
# Words for statuses

COMPUTED_TEXT = {
    "completed": "\N{CHECK MARK} Complete",
    "in_progress": "\N{CIRCLE WITH LEFT HALF BLACK} Incomplete",
    "not_started": "\N{WHITE CIRCLE} Not started",
}
EXERCISE_STATUS_TEXT = {
    "completed": "\N{CHECK MARK} Completed",
    "skipped": "\N{RIGHTWARDS ARROW WITH HOOK} Skipped",
    "in_progress": "\N{CIRCLE WITH LEFT HALF BLACK} In progress",
    "not_started": "\N{WHITE CIRCLE} Not done",
}


def status_text(status: SessionStatus) -> str:
    """The computed status, with the stored one beside it where they disagree."""
    text = COMPUTED_TEXT[status.computed]
    if status.disagrees:
        text += f" (stored: {status.stored or 'none'})"
    return text


def stored_chip_text(status: SessionStatus) -> str:
    # Short, beside the computed chip; its tooltip (STORED_TIP) says why the two differ.
    stored = status.stored or "none"
    quoted = f"\N{LEFT DOUBLE QUOTATION MARK}{stored}\N{RIGHT DOUBLE QUOTATION MARK}"
    return f"\N{WARNING SIGN} Stored: {quoted}"


STORED_TIP = (
    "The platform's stored status says something the exercises do not show. A session is "
    "complete when every exercise is completed or skipped; the web marks it completed as soon "
    "as one exercise is."
)

# -------------------------------------------------------------------------------------------
# Ghost and logged text of one line


def number_text(value: float | str | None, unit: str = "") -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    text = f"{value:g}"
    return f"{text} {unit}" if unit else text


_SET_LABELS = ("Reps", "Load", "RPE")


def side_text(line: Line, side: Literal["prescribed", "logged"]) -> str:
    """One side of a line in a coach's shorthand: "8 x 80 kg @ RPE 8" (with a times sign),
    "10 reps", "RPE 7"."""
    values = [getattr(cell, side) for cell in line.cells]
    if all(v is None for v in values):
        return _DASH
    labels = tuple(cell.label for cell in line.cells)
    if labels == _SET_LABELS:
        reps, load, rpe = (number_text(v) for v in values)
        text = f"{reps or '?'} {TIMES} {load} kg" if load is not None else f"{reps or '?'} reps"
        return text + (f" @ RPE {rpe}" if rpe is not None else "")
    parts = []
    for cell, value in zip(line.cells, values, strict=True):
        shown = number_text(value, cell.unit)
        if shown is None:
            continue
        if cell.label == "Notes":
            parts.append(shown)
        elif cell.label == "Reps" and len(line.cells) == 1:
            parts.append(f"{shown} reps")
        else:
            parts.append(f"{cell.label} {shown}")
    return " · ".join(parts)


def cell_check(cell: Cell) -> str | None:
    """A flagged cell in words, with its mark: "▼ short · Reps 10 of 12"."""
    if cell.flag is None:
        return None
    mark = f"{SHORT_MARK} short" if cell.flag == "shortfall" else f"{OVER_MARK} over"
    logged = number_text(cell.logged, cell.unit)
    target = number_text(cell.prescribed, cell.unit)
    if logged is None:
        return f"{mark} · {cell.label} not logged"
    if target is None:
        return f"{mark} · {cell.label} {logged}, not prescribed"
    return f"{mark} · {cell.label} {logged} of {target}"


def line_check(line: Line) -> str:
    return "; ".join(text for cell in line.cells if (text := cell_check(cell)))


def exercise_status_text(review: ExerciseReview) -> str:
    if review.status in EXERCISE_STATUS_TEXT:
        return EXERCISE_STATUS_TEXT[review.status]
    return "Logged" if review.logged is not None else "\N{WHITE CIRCLE} Not logged"


def exercise_check(review: ExerciseReview) -> str:
    flags = review.flags
    parts = []
    short, over = flags.count("shortfall"), flags.count("overshoot")
    if short:
        parts.append(f"{SHORT_MARK} {short} short")
    if over:
        parts.append(f"{OVER_MARK} {over} over")
    if not parts and review.logged is not None and review.prescription is not None:
        parts.append("as prescribed")
    if review.prescription_changed:
        parts.append("prescription edited since it was logged")
    if review.kind_mismatch:
        parts.append(review.kind_mismatch)
    return " · ".join(parts)


# -------------------------------------------------------------------------------------------
# The ghost/logged rows model


class GhostColumn:
    ITEM = 0
    PRESCRIBED = 1
    LOGGED = 2
    CHECK = 3


_GHOST_HEADERS = ("Exercise / set", "Prescribed", "Logged", "Check")
# The flags of a row, for tests and for anything that needs them without parsing text.
FLAGS_ROLE = Qt.ItemDataRole.UserRole + 20


@dataclass(frozen=True)
class _Child:
    label: str
    line: Line | None = None
    note: str | None = None


@dataclass(frozen=True)
class _Exercise:
    review: ExerciseReview
    children: tuple[_Child, ...] = field(default_factory=tuple)


def _children(review: ExerciseReview) -> tuple[_Child, ...]:
    children = [_Child(line.label, line=line) for line in review.lines]
    if review.notes:
        children.append(_Child("Student's note", note=review.notes))
    if review.videos:
        children.append(_Child("Video links", note=", ".join(review.videos)))
    return tuple(children)


class GhostRowsModel(QAbstractItemModel):
    """Exercises, each with its lines (sets, minutes, rounds) as children; read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._exercises: tuple[_Exercise, ...] = ()

    def set_exercises(self, reviews: tuple[ExerciseReview, ...]) -> None:
        self.beginResetModel()
        self._exercises = tuple(_Exercise(r, _children(r)) for r in reviews)
        self.endResetModel()

    def exercise_row(self, name: str) -> int:
        return next(i for i, e in enumerate(self._exercises) if e.review.name == name)

    def index(
        self,
        row: int,
        column: int,
        parent: AnyIndex = QModelIndex(),  # noqa: B008 - Qt's signature
    ) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        # internalId 0: an exercise; n > 0: a line of exercise n - 1.
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            return len(self._exercises)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._exercises[parent.row()].children)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return len(_GHOST_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _GHOST_HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # Selectable for copying the eye's place, never editable: the ghost is the plan.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._exercise_data(self._exercises[index.row()].review, index.column(), role)
        exercise = self._exercises[index.internalId() - 1]
        return self._child_data(exercise.children[index.row()], index.column(), role)

    @staticmethod
    def _exercise_data(  # noqa: PLR0911 - one answer per role, as Qt documents roles
        review: ExerciseReview, column: int, role: int
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            reading = review.prescription
            return (
                review.name,
                f"{reading.kind}: {prescription_line(reading.prescription)}"
                if reading
                else "not in the program any more",
                exercise_status_text(review),
                exercise_check(review),
            )[column]
        if role == Qt.ItemDataRole.FontRole and column == GhostColumn.ITEM:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == GhostColumn.PRESCRIBED:
                return _GHOST
            if column == GhostColumn.CHECK and review.flags:
                return _SHORT if "shortfall" in review.flags else _OVER
            if column == GhostColumn.LOGGED and review.status == "completed":
                return _DONE
        if role == FLAGS_ROLE:
            return review.flags
        if role == Qt.ItemDataRole.ToolTipRole:
            # Narrow columns elide: the whole text is one hover away.
            text = GhostRowsModel._exercise_data(review, column, Qt.ItemDataRole.DisplayRole)
            return text or None
        return None

    @staticmethod
    def _child_data(  # noqa: PLR0911, PLR0912 - one answer per role and column
        child: _Child, column: int, role: int
    ) -> object:
        line = child.line
        if role == Qt.ItemDataRole.DisplayRole:
            if column == GhostColumn.ITEM:
                return child.label
            if line is None:
                return child.note if column == GhostColumn.LOGGED else ""
            if column == GhostColumn.PRESCRIBED:
                return side_text(line, "prescribed")
            if column == GhostColumn.LOGGED:
                text = side_text(line, "logged")
                mark = _mark(line)
                return f"{mark} {text}" if mark else text
            return line_check(line)
        if role == FLAGS_ROLE:
            return line.flags if line else ()
        flags = line.flags if line else ()
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == GhostColumn.PRESCRIBED:
                return _GHOST
            if column in (GhostColumn.LOGGED, GhostColumn.CHECK) and flags:
                return _SHORT if "shortfall" in flags else _OVER
        if role == Qt.ItemDataRole.BackgroundRole and column == GhostColumn.LOGGED and flags:
            return _SHORT_BACK if "shortfall" in flags else _OVER_BACK
        if role == Qt.ItemDataRole.FontRole and column == GhostColumn.PRESCRIBED:
            ghost = QFont()
            ghost.setItalic(True)
            return ghost
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == GhostColumn.PRESCRIBED:
                return "The prescription (read-only)"
            if column == GhostColumn.CHECK and flags and line is not None:
                return line_check(line)
            if line is None:
                return child.note
        return None


def _mark(line: Line) -> str:
    flags = line.flags
    if "shortfall" in flags:
        return SHORT_MARK
    return OVER_MARK if flags else ""


# -------------------------------------------------------------------------------------------
# The timeline, updated in place


KEY_ROLE = Qt.ItemDataRole.UserRole + 30
SESSION_ROLE = Qt.ItemDataRole.UserRole + 31

_TIMELINE_HEADERS = ("Program / session", "Status")
_STATUS_COLUMN = 1


@dataclass
class _Node:
    key: str
    texts: tuple[str, str]
    # The smaller second line of each cell (the due date; the stored status, overdue).
    details: tuple[str, str] = ("", "")
    session_id: str | None = None
    tip: str | None = None
    color: QColor | None = None
    children: list[_Node] = field(default_factory=list)


def session_detail_text(session: TimelineSession) -> str:
    """What the status cell's second line says: the stored status where it disagrees, and
    whether the session is overdue."""
    parts = []
    if session.status.disagrees:
        parts.append(f"stored: {session.status.stored or 'none'}")
    if session.overdue:
        parts.append("overdue")
    if session.entered_by_coach:
        performed = f", performed {session.performed_on:%d %b}" if session.performed_on else ""
        parts.append(f"entered by coach{performed}")
    return " · ".join(parts)


def _session_node(session: TimelineSession) -> _Node:
    color = None
    if session.status.disagrees:
        color = _WARN
    elif session.status.is_complete:
        color = _DONE
    elif session.overdue:
        color = _SHORT
    title = session.title or "Untitled session"
    due = f"{session.due:%a %d %b %Y}" if session.session_date else f"by {session.due:%d %b %Y}"
    detail = session_detail_text(session)
    tip = f"{title}, due {due}: {status_text(session.status)}"
    if session.status.disagrees:
        tip += "\n" + STORED_TIP
    return _Node(
        session.id,
        (title, COMPUTED_TEXT[session.status.computed]),
        details=(due, detail),
        session_id=session.id,
        tip=tip,
        color=color,
    )


def timeline_nodes(programs: tuple[AssignedProgram, ...]) -> list[_Node]:
    nodes = []
    for program in programs:
        sessions = program.sessions
        done = sum(1 for s in sessions if s.status.is_complete)
        head = _Node(
            program.assignment_id,
            (program.title, f"{done} / {len(sessions)} done"),
            details=(f"assigned {program.assigned_at:%d %b %Y}", ""),
            tip=f"{program.title}, assigned {program.assigned_at:%d %b %Y}",
        )
        for block in program.blocks:
            block_node = _Node(block.id, (block.title or "Untitled block", ""))
            for week in block.weeks:
                week_done = sum(1 for s in week.sessions if s.status.is_complete)
                week_node = _Node(
                    week.id,
                    (f"Week {week.number}", f"{week_done} / {len(week.sessions)}"),
                    children=[_session_node(s) for s in week.sessions],
                )
                block_node.children.append(week_node)
            head.children.append(block_node)
        nodes.append(head)
    return nodes


def _set(item: QStandardItem, role: int, value: object) -> None:
    # Only real changes reach the view: an unchanged refresh repaints nothing.
    if item.data(role) != value:
        item.setData(value, role)


def sync_items(parent: QStandardItem, nodes: list[_Node]) -> None:
    """Make `parent`'s rows hold `nodes`, matched by key: items keep their identity (and so the
    view's selection and expansion) when their text changes."""
    for target, node in enumerate(nodes):
        found = next(
            (
                r
                for r in range(target, parent.rowCount())
                if parent.child(r, 0).data(KEY_ROLE) == node.key
            ),
            -1,
        )
        if found < 0:
            items = [QStandardItem() for _ in _TIMELINE_HEADERS]
            for item in items:
                item.setEditable(False)
            items[0].setData(node.key, KEY_ROLE)
            items[0].setData(node.session_id, SESSION_ROLE)
            parent.insertRow(target, items)
        elif found != target:
            parent.insertRow(target, parent.takeRow(found))
        for column, text in enumerate(node.texts):
            item = parent.child(target, column)
            _set(item, Qt.ItemDataRole.DisplayRole, text)
            _set(item, DETAIL_ROLE, node.details[column] or None)
            _set(item, Qt.ItemDataRole.ToolTipRole, node.tip)
            color = node.color if column == _STATUS_COLUMN else None
            _set(item, Qt.ItemDataRole.ForegroundRole, color)
        sync_items(parent.child(target, 0), node.children)
    extra = parent.rowCount() - len(nodes)
    if extra > 0:
        parent.removeRows(len(nodes), extra)


class TimelineDelegate(TwoLineDelegate):
    """Two lines where a cell has a detail (sessions, programs), one line elsewhere."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        model, parent = index.model(), index.parent()
        cells = (model.index(index.row(), c, parent) for c in range(len(_TIMELINE_HEADERS)))
        if any(cell.data(DETAIL_ROLE) for cell in cells):
            size.setHeight(max(size.height(), 44))
        return size


def default_session(progress: StudentProgress) -> str | None:
    """The session to open first (the rule is `progress.session_to_open`)."""
    timeline = [(s.id, s.overdue) for p in progress.programs for s in p.sessions]
    return session_to_open(timeline, {sid: log.saved_at for sid, log in progress.logs.items()})


# -------------------------------------------------------------------------------------------
# The page


def clip_row(detail: SessionDetail, clip: ClipMeta, student_id: str, name: str) -> ClipRow:
    """The player's description of a clip, from what the progress snapshot knows."""
    session = detail.session
    return ClipRow(
        media_id=clip.id,
        progress_id=clip.progress_id,
        session_id=clip.session_id,
        student_id=student_id,
        student_name=name,
        mime_type=clip.mime_type,
        size=clip.size,
        created_at=clip.created_at,
        program_title=detail.program_title,
        block_title=detail.block_title,
        week_number=detail.week_number,
        session_title=detail.title,
        session_date=session.session_date if session else None,
    )


def clip_text(clip: ClipMeta) -> str:
    reviewed = (
        f"\N{CHECK MARK} reviewed {clip.reviewed_at:%d %b}" if clip.reviewed_at else "not reviewed"
    )
    return f"Clip recorded {clip.created_at:%d %b %Y %H:%M} · {human_size(clip.size)} · {reviewed}"


def _label(name: str, text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class ProgressPage(QWidget):
    """A student's progress; `back_requested` returns to the students list."""

    back_requested = Signal()
    session_shown = Signal(str)

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
        self.setObjectName("progressPage")
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._open_clip = open_clip or self._play_clip
        self._players: list[PlayerWindow] = []
        self.progress: StudentProgress | None = None
        self.detail: SessionDetail | None = None
        self.student_id: str | None = None
        self.log_dialog: LogSessionDialog | None = None
        self._first_load = True

        self.back_button = QPushButton("\N{LEFTWARDS ARROW} All students")
        self.name_label = _label("sectionTitle", "", wrap=False)
        self.compliance_label = _label("mutedLabel", wrap=False)
        self.log_button = QPushButton("Log session…")
        self.log_button.setToolTip("Enter this session for the student, as they would on the web")
        self.log_button.setObjectName("primaryButton")
        self.error_label = _label("errorLabel")
        self.error_label.setVisible(False)
        self.timeline_model = QStandardItemModel(self)
        self.timeline_model.setHorizontalHeaderLabels(list(_TIMELINE_HEADERS))
        self.timeline = self._build_timeline()
        self.ghost_model = GhostRowsModel(self)
        self.exercises = self._build_exercises()
        self.charts = ChartsPanel(backend, runner, coach)

        self.detail_stack = QStackedWidget()
        self.empty_detail = _label("stateLabel", "Pick a session in the timeline.")
        self.empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_stack.addWidget(self.empty_detail)
        self.detail_stack.addWidget(self._build_detail())

        splitter = QSplitter()
        splitter.addWidget(self.timeline)
        splitter.addWidget(self.detail_stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([370, 680])
        splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(splitter, "Sessions")
        self.tabs.addTab(self.charts, "Charts")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(self._build_header())
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)

        self.live = LiveRefresh(runner, is_shown=self.isVisible, parent=self)
        self._wire()

    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.name_label)
        names.addWidget(self.compliance_label)
        header.addLayout(names, 1)
        header.addSpacing(12)
        header.addWidget(self.log_button)
        self.log_button.setEnabled(False)
        return header

    def _build_timeline(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("timelineTree")
        tree.setModel(self.timeline_model)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setMinimumWidth(360)
        tree.setItemDelegate(TimelineDelegate(tree))
        # Four levels (program, block, week, session) at the default indent eat a third of it.
        tree.setIndentation(12)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_STATUS_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_STATUS_COLUMN, 150)
        return tree

    def _build_exercises(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("ghostTree")
        tree.setModel(self.ghost_model)
        tree.setAlternatingRowColors(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setWordWrap(False)
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(GhostColumn.ITEM, 160)
        header.resizeSection(GhostColumn.PRESCRIBED, 150)
        header.resizeSection(GhostColumn.LOGGED, 125)
        tree.setIndentation(14)
        return tree

    def _build_detail(self) -> QWidget:
        self.session_title_label = _label("stateTitle", wrap=False)
        self.where_label = _label("mutedLabel")
        self.computed_chip = _label("statusChip", wrap=False)
        self.stored_chip = _label("warningChip", wrap=False)
        self.stored_chip.setToolTip(STORED_TIP)
        self.coach_notes_label = _label("notesLabel")
        self.comment_label = _label("notesLabel")
        self.legend_label = _label(
            "mutedLabel",
            f"Grey italics: the prescription. {SHORT_MARK} short of it, {OVER_MARK} over it.",
            wrap=False,
        )
        self.clips_list = QListWidget()
        self.clips_list.setObjectName("clipsList")
        self.clips_list.setMaximumHeight(64)
        self.play_button = QPushButton("Play clip")
        self.play_button.setEnabled(False)
        page = QWidget()
        chips = QHBoxLayout()
        chips.setSpacing(8)
        chips.addWidget(self.computed_chip)
        chips.addWidget(self.stored_chip)
        chips.addStretch(1)
        clips = QHBoxLayout()
        clips.addWidget(self.clips_list, 1)
        clips.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.session_title_label)
        layout.addWidget(self.where_label)
        layout.addLayout(chips)
        layout.addWidget(self.coach_notes_label)
        layout.addWidget(self.comment_label)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.exercises, 1)
        layout.addLayout(clips)
        return page

    def _wire(self) -> None:
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.log_button.clicked.connect(self._on_log_button_clicked)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.clips_list.itemActivated.connect(self._on_clips_list_item_activated)
        self.clips_list.currentRowChanged.connect(self._on_clips_list_current_row_changed)
        self.timeline.selectionModel().selectionChanged.connect(self._on_timeline_selection_changed)
        self.live.loaded.connect(self._on_live_loaded)
        self.live.failed.connect(self._on_live_failed)

    # -- what is shown -----------------------------------------------------------------------

    def show_student(self, student_id: str, name: str) -> None:
        """Open a student's progress (loads in the background; the live refresh keeps it fresh)."""
        if student_id != self.student_id:
            self.student_id = student_id
            self.progress = None
            self._first_load = True
            self.timeline_model.removeRows(0, self.timeline_model.rowCount())
            self._show_session(None)
            self.name_label.setText(name)
            self.compliance_label.setText("Loading…")
            coach_id, backend = self._coach.id, self._backend
            self.live.set_loader(lambda: backend.student_progress(coach_id, student_id))
        self.live.refresh_now()

    def select_session(self, session_id: str) -> bool:
        """Select the session in the timeline (its first place), opening its week."""
        matches = self.timeline_model.match(
            self.timeline_model.index(0, 0),
            SESSION_ROLE,
            session_id,
            1,
            Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
        )
        if not matches:
            return False
        index = matches[0]
        parent = index.parent()
        while parent.isValid():
            self.timeline.expand(parent)
            parent = parent.parent()
        self.timeline.setCurrentIndex(index)
        self.timeline.scrollTo(index)
        return True

    def _show_session(self, session_id: str | None) -> None:
        detail = None
        if session_id is not None and self.progress is not None:
            try:
                detail = self.progress.session(session_id)
            except KnownError:
                detail = None
        if detail == self.detail:
            return
        self.detail = detail
        self.log_button.setEnabled(detail is not None and detail.session is not None)
        if detail is None:
            self.ghost_model.set_exercises(())
            self.detail_stack.setCurrentIndex(0)
            return
        self.detail_stack.setCurrentIndex(1)
        self.session_title_label.setText(detail.title or "Untitled session")
        where = [detail.program_title, detail.block_title]
        if detail.week_number is not None:
            where.append(f"Week {detail.week_number}")
        if detail.session is not None:
            where.append(f"due {detail.session.due:%a %d %b %Y}")
        if detail.logged is not None:
            where.append(f"saved {detail.logged.saved_at:%d %b %Y %H:%M} UTC")
        self.where_label.setText(" · ".join(w for w in where if w))
        self.computed_chip.setText(COMPUTED_TEXT[detail.status.computed])
        self.computed_chip.setProperty("status", detail.status.computed)
        self.computed_chip.style().unpolish(self.computed_chip)
        self.computed_chip.style().polish(self.computed_chip)
        self.stored_chip.setText(stored_chip_text(detail.status))
        self.stored_chip.setVisible(detail.status.disagrees)
        coach_notes = detail.coach_notes
        self.coach_notes_label.setText(f"Your notes: {coach_notes}" if coach_notes else "")
        self.coach_notes_label.setVisible(bool(coach_notes))
        comment = detail.comment
        unreadable = detail.logged.unreadable if detail.logged is not None else None
        if unreadable is not None:
            # The rest of the page works; the row is shown as stored and never rewritten.
            self.comment_label.setText(
                f"\N{WARNING SIGN} The stored log of this session cannot be read: {unreadable}. "
                "It is left exactly as it is."
            )
        else:
            self.comment_label.setText(
                f"Student's note: {comment}"
                if comment
                else "No note from the student on this session."
            )
        self.ghost_model.set_exercises(detail.exercises)
        self.exercises.expandAll()
        self._show_clips(detail)
        self.session_shown.emit(detail.session_id)

    def _show_clips(self, detail: SessionDetail) -> None:
        self.clips_list.clear()
        for clip in detail.clips:
            item = QListWidgetItem(clip_text(clip))
            item.setData(Qt.ItemDataRole.UserRole, clip.id)
            if clip.review_comment:
                item.setToolTip(f"Your review: {clip.review_comment}")
            self.clips_list.addItem(item)
        for video in detail.videos:
            item = QListWidgetItem(f"Older video reference (not stored here): {video}")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.clips_list.addItem(item)
        if not detail.clips and not detail.videos:
            item = QListWidgetItem("No clips for this session.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.clips_list.addItem(item)
        self.play_button.setEnabled(False)

    def _selected_clip(self) -> ClipMeta | None:
        item = self.clips_list.currentItem()
        if item is None or self.detail is None:
            return None
        clip_id = item.data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.detail.clips if c.id == clip_id), None)

    def open_selected_clip(self) -> None:
        clip = self._selected_clip()
        if clip is None or self.detail is None or self.progress is None:
            return
        student = self.progress.student
        self._open_clip(clip_row(self.detail, clip, student.id, student.display_name))

    def _play_clip(self, row: ClipRow) -> None:
        player = PlayerWindow(self._backend, self._runner, self._coach, row)
        player.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        player.closed.connect(self._on_player_closed)
        self._players.append(player)
        player.resize(960, 640)
        player.show()

    def open_log_dialog(self) -> LogSessionDialog | None:
        if self.progress is None or self.detail is None or self.detail.session is None:
            return None
        dialog = LogSessionDialog(
            self._backend,
            self._runner,
            self._coach,
            self.progress,
            self.detail.session_id,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_log_dialog_saved)
        dialog.finished.connect(self._on_log_dialog_finished)
        self.log_dialog = dialog
        dialog.open()
        return dialog

    def _show_progress(self, progress: StudentProgress) -> None:
        self.progress = progress
        figures = []
        for days in COMPLIANCE_WINDOWS:
            value = progress.compliance(days)
            percent = value.percent
            figures.append(f"{days} d {_DASH if percent is None else f'{percent:.0f} %'}")
        self.compliance_label.setText(
            "Compliance " + " · ".join(figures) + f" · updated {datetime.now():%H:%M}"
        )
        self.compliance_label.setToolTip(progress.student.email)
        sync_items(self.timeline_model.invisibleRootItem(), timeline_nodes(progress.programs))
        if self._first_load:
            self._first_load = False
            for row in range(self.timeline_model.rowCount()):
                self.timeline.expand(self.timeline_model.index(row, 0))
            first = default_session(progress)
            if first is None or not self.select_session(first):
                self._show_session(None)
        else:
            self._show_session(self.detail.session_id if self.detail else None)
        self.charts.set_progress(progress)
        if self.log_dialog is not None:
            self.log_dialog.notice_newer(progress)

    # -- slots -------------------------------------------------------------------------------

    @Slot()
    def _on_back_button_clicked(self) -> None:
        self.back_requested.emit()

    @Slot()
    def _on_log_button_clicked(self) -> None:
        self.open_log_dialog()

    @Slot()
    def _on_play_button_clicked(self) -> None:
        self.open_selected_clip()

    @Slot(QListWidgetItem)
    def _on_clips_list_item_activated(self, _item: QListWidgetItem) -> None:
        self.open_selected_clip()

    @Slot(int)
    def _on_clips_list_current_row_changed(self, _row: int) -> None:
        self.play_button.setEnabled(self._selected_clip() is not None)

    @Slot(QItemSelection, QItemSelection)
    def _on_timeline_selection_changed(self, selected: QItemSelection, _old: object) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        session_id = indexes[0].siblingAtColumn(0).data(SESSION_ROLE)
        if isinstance(session_id, str):
            self._show_session(session_id)

    @Slot(object)
    def _on_live_loaded(self, progress: StudentProgress) -> None:
        self.error_label.hide()
        self._show_progress(progress)

    @Slot(str)
    def _on_live_failed(self, message: str) -> None:
        self.error_label.setText(f"The progress could not be loaded. {message}")
        self.error_label.show()

    @Slot(object)
    def _on_log_dialog_saved(self, _saved: object) -> None:
        self.live.refresh_now()

    @Slot(int)
    def _on_log_dialog_finished(self, _result: int) -> None:
        self.log_dialog = None

    @Slot()
    def _on_player_closed(self) -> None:
        player = self.sender()
        self._players = [p for p in self._players if p is not player]
