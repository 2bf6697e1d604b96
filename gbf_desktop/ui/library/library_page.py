"""The Exercises page: search the library as you type, filter, mark favourites, and manage the
coach's own exercises.

`LibraryBrowser` is the logic the page's widgets talk to: it loads the coach's catalogue once on
the read pool, and runs each (debounced) search there too, so typing never waits on a query; the
newest search wins when answers cross. The program builder's docked library uses it as well.

Over 500 lines: the browser (search pacing), the table model, the detail pane and the edit dialog;
the dialog is the part to move out next.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.model import ExerciseRecord
from gbf_desktop.errors import ValidationError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.library import (
    DIFFICULTIES,
    EXERCISE_TYPES,
    ExerciseDetails,
    ExerciseDraft,
    LibraryCatalog,
    LibraryEntry,
    Scope,
)
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.ui.kit.views import row_table
from gbf_desktop.workers.tasks import Task, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex

# Dragging exercises out of the library (into the program builder): their ids, one a line.
EXERCISE_MIME = "application/x-gbf-library-exercises"
# Long enough to skip the keystrokes of a word typed in one go, short enough to feel immediate.
SEARCH_DELAY_MS = 180
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
READ_ONLY_TIP = (
    "Exercises of the shared library are read-only for coaches. Create an exercise of your own "
    "to change it."
)
_STAR_ON = "★"
_STAR_OFF = "☆"
_MUTED = QColor("#6b7280")
_STAR = QColor("#d97706")
# The lists and trees of the library and the builder: the dashboard table's look (white, light
# selection keeping dark text) at its smaller size, so long names fit beside their details.
VIEW_STYLE = """
QTableView, QTreeView {
    background: #ffffff;
    alternate-background-color: #f8fafc;
    border: 1px solid #dde2ea;
    border-radius: 8px;
    font-size: 11pt;
    selection-background-color: #e3ecfd;
    selection-color: #1f2933;
}
"""
TYPE_LABELS = {
    "standard": "Standard",
    "EMOM": "EMOM",
    "AMRAP": "AMRAP",
    "circuit": "Circuit",
    "custom": "Custom",
}


@dataclass(frozen=True)
class LibraryQuery:
    text: str = ""
    exercise_type: str | None = None
    scope: Scope | None = None
    difficulty: str | None = None
    muscle_group: str | None = None
    favourites_only: bool = False


def run_search(catalog: LibraryCatalog, query: LibraryQuery) -> tuple[LibraryEntry, ...]:
    """One search, as the worker runs it (the catalogue is frozen: safe to read from a thread)."""
    return catalog.search(
        query.text,
        exercise_type=query.exercise_type,
        scope=query.scope,
        difficulty=query.difficulty,
        muscle_group=query.muscle_group,
        favourites_only=query.favourites_only,
    )


class LibraryBrowser(QObject):
    """The coach's library catalogue and the current search over it."""

    loaded = Signal(object)  # LibraryCatalog
    results_ready = Signal(object)  # tuple[LibraryEntry, ...]
    failed = Signal(str)

    def __init__(
        self, backend: Backend, runner: TaskRunner, user_id: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._user_id = user_id
        self.catalog: LibraryCatalog | None = None
        self.query = LibraryQuery()
        self.results: tuple[LibraryEntry, ...] = ()
        self._generation = 0
        self._searching: set[Task] = set()
        self._loading: Task | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def busy(self) -> bool:
        return self._loading is not None or bool(self._searching) or self._timer.isActive()

    def load(self) -> None:
        if self._loading is not None:
            return
        self._loading = follow(
            self._runner.read(self._backend.library, self._user_id),
            self,
            done=self._on_load_task_succeeded,
            failed=self.failed.emit,
            finished=self._on_load_task_finished,
        )

    def set_query(self, query: LibraryQuery, *, at_once: bool = False) -> None:
        """Search again; typing is debounced, a filter change (`at_once`) is not."""
        self.query = query
        if at_once:
            self._timer.stop()
            self._search()
        else:
            self._timer.start()

    def replace_catalog(self, catalog: LibraryCatalog) -> None:
        """After a write: the service's updated catalogue, searched again with the same query."""
        self.catalog = catalog
        self._search()

    def _search(self) -> None:
        if self.catalog is None:
            return
        self._generation += 1
        generation = self._generation
        task = follow(
            self._runner.read(run_search, self.catalog, self.query),
            self,
            done=lambda found: self._on_search_done(generation, found),
            finished=self._on_search_task_finished,
        )
        self._searching.add(task)

    def _on_search_done(self, generation: int, found: tuple[LibraryEntry, ...]) -> None:
        # An older search answering late must not replace what the newer one showed.
        if generation == self._generation:
            self.results = found
            self.results_ready.emit(found)

    @Slot()
    def _on_search_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._searching.discard(task)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._search()

    def _on_load_task_succeeded(self, catalog: LibraryCatalog) -> None:
        self.catalog = catalog
        self.loaded.emit(catalog)
        self._search()

    @Slot()
    def _on_load_task_finished(self) -> None:
        self._loading = None


class Column:
    STAR = 0
    NAME = 1
    TYPE = 2
    MUSCLES = 3
    DIFFICULTY = 4
    SCOPE = 5


_HEADERS = ("", "Name", "Type", "Muscle groups", "Difficulty", "Library")


class LibraryTableModel(QAbstractTableModel):
    """Search results, one row per exercise; rows drag into the program builder's tree."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[LibraryEntry, ...] = ()

    def set_rows(self, rows: Sequence[LibraryEntry]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def entry(self, row: int) -> LibraryEntry:
        return self._rows[row]

    def row_of(self, exercise_id: str) -> int:
        return next((i for i, e in enumerate(self._rows) if e.id == exercise_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(  # noqa: PLR0911 - one early return per role reads best
        self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        e = self._rows[index.row()]
        column = index.column()
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(e, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.STAR:
                return _STAR if e.is_favourite else _MUTED
            return _MUTED if column in (Column.SCOPE, Column.DIFFICULTY) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STAR:
                return "Remove from favourites" if e.is_favourite else "Add to favourites"
            return e.description or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.STAR:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def mimeTypes(self) -> list[str]:
        return [EXERCISE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = list(dict.fromkeys(self._rows[i.row()].id for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(EXERCISE_MIME, QByteArray("\n".join(ids).encode()))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def _cell(e: LibraryEntry, column: int) -> str:
    if column == Column.STAR:
        return _STAR_ON if e.is_favourite else _STAR_OFF
    if column == Column.NAME:
        return e.name
    if column == Column.TYPE:
        return TYPE_LABELS.get(e.type, e.type)
    if column == Column.MUSCLES:
        return ", ".join(e.muscle_groups)
    if column == Column.DIFFICULTY:
        return (e.difficulty or "").capitalize()
    return "Mine" if e.mine else "Shared" if e.scope == "global" else "Coach"


def details_html(d: ExerciseDetails) -> str:
    """The detail pane: what `meta` says, links clickable."""
    esc = html.escape
    facts = [TYPE_LABELS.get(d.type, d.type)]
    if d.difficulty:
        facts.append(d.difficulty.capitalize())
    facts.append("Shared library" if d.scope == "global" else "Your exercise")
    parts = [f"<h2>{esc(d.name)}</h2>", f"<p class='facts'>{esc(' · '.join(facts))}</p>"]
    if d.muscle_groups:
        parts.append(f"<p><b>Muscles:</b> {esc(', '.join(d.muscle_groups))}</p>")
    if d.description:
        parts.append(f"<p>{esc(d.description)}</p>")
    if d.instructions:
        steps = "".join(f"<li>{esc(step)}</li>" for step in d.instructions)
        parts.append(f"<p><b>Instructions</b></p><ol>{steps}</ol>")
    if d.default_sets or d.default_reps:
        parts.append(
            f"<p><b>Default:</b> {d.default_sets or '?'} sets of {d.default_reps or '?'} reps</p>"
        )
    if d.links:
        links = "".join(
            f"<li><a href='{esc(link.url, quote=True)}'>{esc(link.label)}</a></li>"
            for link in d.links
        )
        parts.append(f"<p><b>Demonstration</b></p><ul>{links}</ul>")
    return "".join(parts)


class ExerciseDialog(AsksBeforeDiscard, QDialog):
    """Create or edit one of the coach's own exercises; validates with the service's rules."""

    submitted = Signal(object)  # ExerciseDraft

    def __init__(self, details: ExerciseDetails | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit exercise" if details else "New exercise")
        self.setMinimumWidth(520)
        self.name_edit = QLineEdit(details.name if details else "")
        self.type_combo = QComboBox()
        for kind in EXERCISE_TYPES:
            self.type_combo.addItem(TYPE_LABELS[kind], kind)
        self.description_edit = QPlainTextEdit(details.description or "" if details else "")
        self.description_edit.setFixedHeight(70)
        self.difficulty_combo = QComboBox()
        self.difficulty_combo.addItem("Not set", None)
        for level in DIFFICULTIES:
            self.difficulty_combo.addItem(level.capitalize(), level)
        self.muscles_edit = QLineEdit(", ".join(details.muscle_groups) if details else "")
        self.muscles_edit.setPlaceholderText("e.g. Quadriceps, Glutes")
        self.instructions_edit = QPlainTextEdit("\n".join(details.instructions) if details else "")
        self.instructions_edit.setPlaceholderText("One step a line")
        self.instructions_edit.setFixedHeight(90)
        video = (
            next((link.url for link in details.links if link.label == "Video"), "")
            if details
            else ""
        )
        self.video_edit = QLineEdit(video)
        self.video_edit.setPlaceholderText("https://…")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        if details is not None:
            self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(details.type)))
            self.difficulty_combo.setCurrentIndex(
                max(0, self.difficulty_combo.findData(details.difficulty))
            )
        self._defaults = (details.default_sets, details.default_reps) if details else (None, None)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Type", self.type_combo)
        form.addRow("Description", self.description_edit)
        form.addRow("Difficulty", self.difficulty_combo)
        form.addRow("Muscle groups", self.muscles_edit)
        form.addRow("Instructions", self.instructions_edit)
        form.addRow("Video link", self.video_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self._editing = details.name if details else None
        self.mark_unchanged()

    def unsaved_text(self) -> str:
        name = self.name_edit.text().strip()
        if self._editing is not None:
            return f'your changes to the exercise "{self._editing}"'
        if name:
            return f'the new exercise "{name}"'
        return "the new exercise you started"

    def draft(self) -> ExerciseDraft:
        return ExerciseDraft(
            name=self.name_edit.text().strip(),
            type=str(self.type_combo.currentData()),
            description=self.description_edit.toPlainText().strip() or None,
            difficulty=self.difficulty_combo.currentData(),
            muscle_groups=tuple(
                m.strip() for m in self.muscles_edit.text().split(",") if m.strip()
            ),
            instructions=tuple(
                line.strip()
                for line in self.instructions_edit.toPlainText().splitlines()
                if line.strip()
            ),
            video_url=self.video_edit.text().strip() or None,
            sets=self._defaults[0],
            reps=self._defaults[1],
        )

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.buttons.setEnabled(True)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        draft = self.draft()
        try:
            draft.check()
        except ValidationError as err:
            self.show_error(str(err))
            return
        self.error_label.hide()
        # The page writes it; the dialog stays open until the write succeeded.
        self.buttons.setEnabled(False)
        self.submitted.emit(draft)


class LibraryPage(QWidget):
    """The Exercises area of the main window."""

    def __init__(  # noqa: PLR0915 - the whole page is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        user: SignedInUser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._user = user
        self._details: ExerciseDetails | None = None
        self._details_task: Task | None = None
        self._writes: set[Task] = set()
        self._select_after_search: str | None = None
        self.dialog: ExerciseDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.browser = LibraryBrowser(backend, runner, user.id, self)

        title = QLabel("Exercise library")
        title.setObjectName("pageTitle")
        self.new_button = QPushButton("New exercise")
        self.new_button.setObjectName("primaryButton")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.new_button)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText("Search exercises (Ctrl+F)")
        self.search_edit.setToolTip("Matches names, muscle groups and descriptions as you type")
        self.search_edit.setClearButtonEnabled(True)
        self.type_combo = _filter_combo("All types")
        self.scope_combo = _filter_combo("Shared and mine")
        self.scope_combo.addItem("Shared library", "global")
        self.scope_combo.addItem("Mine", "mine")
        self.difficulty_combo = _filter_combo("Any difficulty")
        self.muscle_combo = _filter_combo("Any muscle group")
        self.favourites_check = QCheckBox("Favourites only")
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_edit, 3)
        for combo in (self.type_combo, self.scope_combo, self.difficulty_combo, self.muscle_combo):
            filters.addWidget(combo, 1)
        filters.addWidget(self.favourites_check)

        self.count_label = QLabel("Loading the library…")
        self.count_label.setObjectName("mutedLabel")
        self.message_label = QLabel("")
        self.message_label.setObjectName("errorLabel")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.model = LibraryTableModel(self)
        self.table = self._build_table()

        self.details_view = QTextBrowser()
        self.details_view.setObjectName("detailsView")
        self.details_view.setOpenExternalLinks(True)
        self.details_view.document().setDocumentMargin(14)
        self.favourite_button = QPushButton(f"{_STAR_OFF}  Favourite")
        self.favourite_button.setCheckable(True)
        self.edit_button = QPushButton("Edit")
        self.delete_button = QPushButton("Delete")
        detail_buttons = QHBoxLayout()
        detail_buttons.addWidget(self.favourite_button)
        detail_buttons.addStretch(1)
        detail_buttons.addWidget(self.edit_button)
        detail_buttons.addWidget(self.delete_button)
        detail = QWidget()
        detail.setObjectName("detailPane")
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.details_view, 1)
        detail_layout.addLayout(detail_buttons)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([680, 360])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self._show_details(None)
        self._wire()

    def _build_table(self) -> QTableView:
        widths = {Column.STAR: 32, Column.TYPE: 76, Column.MUSCLES: 140, Column.DIFFICULTY: 116}
        table = row_table(
            self.model, name="libraryTable", row_height=32, stretch=Column.NAME, widths=widths
        )
        table.setStyleSheet(VIEW_STYLE)
        table.setDragEnabled(True)
        table.setColumnWidth(Column.SCOPE, 70)
        return table

    def _wire(self) -> None:
        self.browser.loaded.connect(self._on_browser_loaded)
        self.browser.results_ready.connect(self._on_browser_results_ready)
        self.browser.failed.connect(self._on_browser_failed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        for combo in (self.type_combo, self.scope_combo, self.difficulty_combo, self.muscle_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.favourites_check.toggled.connect(self._on_filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.clicked.connect(self._on_table_clicked)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.favourite_button.clicked.connect(self._on_favourite_button_clicked)
        self.find_shortcut.activated.connect(self._on_find_shortcut_activated)

    # -- public ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.browser.load()

    @property
    def busy(self) -> bool:
        return self.browser.busy or self._details_task is not None or bool(self._writes)

    @property
    def details(self) -> ExerciseDetails | None:
        return self._details

    def select_exercise(self, exercise_id: str) -> bool:
        row = self.model.row_of(exercise_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def current_query(self) -> LibraryQuery:
        scope = self.scope_combo.currentData()
        return LibraryQuery(
            text=self.search_edit.text(),
            exercise_type=self.type_combo.currentData(),
            scope=scope if scope in ("global", "mine") else None,
            difficulty=self.difficulty_combo.currentData(),
            muscle_group=self.muscle_combo.currentData(),
            favourites_only=self.favourites_check.isChecked(),
        )

    # -- library ------------------------------------------------------------------------------

    @Slot(object)
    def _on_browser_loaded(self, catalog: LibraryCatalog) -> None:
        facets = catalog.facets()
        _refill(self.type_combo, [(TYPE_LABELS.get(t, t), t) for t in facets.types])
        _refill(self.difficulty_combo, [(d.capitalize(), d) for d in facets.difficulties])
        _refill(self.muscle_combo, [(m, m) for m in facets.muscle_groups])

    @Slot(object)
    def _on_browser_results_ready(self, found: tuple[LibraryEntry, ...]) -> None:
        current = self._details.id if self._details else None
        self.model.set_rows(found)
        total = len(self.browser.catalog.entries) if self.browser.catalog else 0
        self.count_label.setText(
            f"{len(found)} of {total} exercises" if len(found) != total else f"{total} exercises"
        )
        wanted = self._select_after_search or current
        self._select_after_search = None
        if not (wanted and self.select_exercise(wanted)):
            self._show_details(None)

    @Slot(str)
    def _on_browser_failed(self, message: str) -> None:
        self._show_message(message)
        self.count_label.setText("The library could not be loaded.")

    @Slot(str)
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.browser.set_query(self.current_query())

    @Slot()
    def _on_filter_changed(self) -> None:
        self.browser.set_query(self.current_query(), at_once=True)

    @Slot()
    def _on_find_shortcut_activated(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # -- the selected exercise ---------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._show_details(None)
            return
        entry = self.model.entry(current.row())
        task = self._runner.read(self._backend.exercise_details, self._user.id, entry.id)
        self._details_task = follow(
            task,
            self,
            done=self._on_details_task_succeeded,
            failed=self._on_details_task_failed,
            finished=self._on_details_task_finished,
        )

    @Slot(object)
    def _on_details_task_succeeded(self, details: ExerciseDetails) -> None:
        current = self.table.currentIndex()
        if current.isValid() and self.model.entry(current.row()).id == details.id:
            self._show_details(details)

    def _on_details_task_failed(self, message: str) -> None:
        self._show_details(None)
        self._show_message(message)

    @Slot()
    def _on_details_task_finished(self) -> None:
        if self.sender() is self._details_task:
            self._details_task = None

    def _show_details(self, details: ExerciseDetails | None) -> None:
        self._details = details
        entry = self._entry(details.id) if details else None
        if details is None:
            self.details_view.setHtml(
                "<p style='color:#6b7280'>Select an exercise to see its instructions and "
                "demonstration links.</p>"
            )
        else:
            self.details_view.setHtml(details_html(details))
        editable = details is not None and details.editable
        self.favourite_button.setEnabled(details is not None)
        on = bool(entry and entry.is_favourite)
        self.favourite_button.setChecked(on)
        self.favourite_button.setText(f"{_STAR_ON if on else _STAR_OFF}  Favourite")
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(editable)
            button.setToolTip(READ_ONLY_TIP if details is not None and not editable else "")

    def _entry(self, exercise_id: str) -> LibraryEntry | None:
        catalog = self.browser.catalog
        return catalog.get(exercise_id) if catalog else None

    # -- favourites -----------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == Column.STAR:
            entry = self.model.entry(index.row())
            self.set_favourite(entry.id, not entry.is_favourite)

    @Slot()
    def _on_favourite_button_clicked(self) -> None:
        if self._details is not None:
            self.set_favourite(self._details.id, self.favourite_button.isChecked())

    def set_favourite(self, exercise_id: str, on: bool) -> None:
        self._write(
            self._backend.set_favourite,
            self._user.id,
            exercise_id,
            on,
            done=lambda state: self._on_favourite_saved(exercise_id, state),
        )

    def _on_favourite_saved(self, exercise_id: str, on: bool) -> None:
        if self.browser.catalog is not None:
            self.browser.replace_catalog(self.browser.catalog.with_favourite(exercise_id, on))

    # -- create, edit, delete ------------------------------------------------------------------

    @Slot()
    def _on_new_button_clicked(self) -> None:
        self._open_dialog(None)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        if self._details is not None and self._details.editable:
            self._open_dialog(self._details)

    def _open_dialog(self, details: ExerciseDetails | None) -> None:
        dialog = ExerciseDialog(details, self)
        dialog.submitted.connect(self._on_dialog_submitted)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    @Slot(object)
    def _on_dialog_submitted(self, draft: ExerciseDraft) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        editing = dialog.windowTitle() == "Edit exercise" and self._details is not None
        if editing and self._details is not None:
            self._write(
                self._backend.update_exercise,
                self._user.id,
                self._details.id,
                draft,
                done=self._on_exercise_saved,
                failed=dialog.show_error,
            )
        else:
            self._write(
                self._backend.create_exercise,
                self._user.id,
                draft,
                done=self._on_exercise_saved,
                failed=dialog.show_error,
            )

    @Slot(object)
    def _on_exercise_saved(self, record: ExerciseRecord) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        if self.browser.catalog is not None:
            self._select_after_search = record.id
            self._details = None
            self.browser.replace_catalog(self.browser.catalog.with_record(record))

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        details = self._details
        if details is None or not details.editable:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete exercise",
            f'Delete "{details.name}" from your library? This cannot be undone.',
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._on_delete_confirmed(details.id, result))
        self.confirm_box = box
        box.open()

    def _on_delete_confirmed(self, exercise_id: str, result: int) -> None:
        self.confirm_box = None
        if result != QMessageBox.StandardButton.Yes:
            return
        self._write(
            self._backend.delete_exercise,
            self._user.id,
            exercise_id,
            done=lambda _none: self._on_exercise_deleted(exercise_id),
        )

    def _on_exercise_deleted(self, exercise_id: str) -> None:
        self._show_message(None)
        if self.browser.catalog is not None:
            self._details = None
            self.browser.replace_catalog(self.browser.catalog.without(exercise_id))

    # -- writes ----------------------------------------------------------------------------------

    def _write(
        self,
        fn: Callable[..., Any],
        /,
        *args: object,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> Task:
        task = follow(
            self._runner.write(fn, *args),
            self,
            done=done,
            failed=failed or self._on_write_task_failed,
            finished=self._on_write_task_finished,
        )
        self._writes.add(task)
        return task

    def _on_write_task_failed(self, message: str) -> None:
        # The service's own words: a refused delete names the programs using the exercise.
        self._show_message(message)

    @Slot()
    def _on_write_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._writes.discard(task)

    def _show_message(self, message: str | None) -> None:
        self.message_label.setText(message or "")
        self.message_label.setVisible(bool(message))


def _filter_combo(everything: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(everything, None)
    return combo


def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Offer what the library holds, keeping the coach's choice if it is still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
