"""The Programs page: the coach's programs, and the builder that edits one in place.

Two views in a stack. The list: new, open, duplicate as a template, delete. The editor: the
library docked on the left (search, then drag an exercise onto a session or press Enter), the
program tree in the middle, and on the right the form of what the tree has selected (a block's
or a session's title and notes, an exercise's prescription). Every change is undoable; saving
goes through the programs service on the write pool, which writes only the rows that changed.

Over 500 lines: the list view, the editor's three panes and their wiring; the list and the node form
are the parts to move out next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.model import ProgramSummary
from gbf_desktop.domain.program_edit import BlockDoc, ExerciseDoc, ProgramDoc, SessionDoc, WeekDoc
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.library import LibraryCatalog, LibraryEntry
from gbf_desktop.services.programs import (
    OpenedProgram,
    ProgramConflict,
    RemovalImpact,
    SavedProgram,
)
from gbf_desktop.ui.kit.formatting import short_date
from gbf_desktop.ui.kit.prompts import GuardedInputDialog
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.ui.library.library_page import (
    VIEW_STYLE,
    Column,
    LibraryBrowser,
    LibraryQuery,
    LibraryTableModel,
)
from gbf_desktop.ui.programs.assign_dialog import AssignDialog
from gbf_desktop.ui.programs.exercise_form import ExerciseForm
from gbf_desktop.ui.programs.program_editor import ProgramEditor
from gbf_desktop.workers.tasks import Task, TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1


class ProgramListModel(QAbstractListModel):
    """The coach's programs, newest change first, as the service lists them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ProgramSummary, ...] = ()

    def set_rows(self, rows: Sequence[ProgramSummary]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def summary(self, row: int) -> ProgramSummary:
        return self._rows[row]

    def row_of(self, program_id: str) -> int:
        return next((i for i, p in enumerate(self._rows) if p.id == program_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = "Draft" if p.is_draft else "Published"
            return f"{p.title}\n{state} · changed {short_date(p.updated_at)}"
        if role == SUMMARY_ROLE:
            return p
        if role == Qt.ItemDataRole.ToolTipRole:
            return p.description or None
        return None


class ConflictDialog(QDialog):
    """The program changed elsewhere: what changed, and the coach's two deliberate choices."""

    RELOAD = 10
    OVERWRITE = 11

    def __init__(self, conflict: ProgramConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Program changed elsewhere")
        self.setMinimumWidth(560)
        intro = QLabel(conflict.message)
        intro.setWordWrap(True)
        self.changes = QListWidget()
        self.changes.setObjectName("conflictChanges")
        self.changes.addItems(list(conflict.changes) or ["Its rows were recreated."])
        hint = QLabel(conflict.hint or "")
        hint.setObjectName("mutedLabel")
        hint.setWordWrap(True)
        self.reload_button = QPushButton("Reload (drop my changes)")
        self.overwrite_button = QPushButton("Overwrite with my version")
        self.overwrite_button.setObjectName("dangerButton")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.changes)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)
        self.overwrite_button.clicked.connect(self._on_overwrite_button_clicked)
        buttons.rejected.connect(self.reject)

    @Slot()
    def _on_reload_button_clicked(self) -> None:
        self.done(self.RELOAD)

    @Slot()
    def _on_overwrite_button_clicked(self) -> None:
        self.done(self.OVERWRITE)


class NodeForm(QWidget):
    """Title and notes of a block or a session; the week and program levels have their own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("")
        self.heading.setObjectName("sectionTitle")
        self.title_edit = QLineEdit()
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(110)
        self.notes_edit.setTabChangesFocus(True)
        # A session's day (sessions.date, what the web shows): its weekday is the program's
        # weekly pattern when it is assigned from a start day.
        self.dated_check = QCheckBox("Dated")
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("sessionDateEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setMinimumWidth(160)
        self.weekday_label = QLabel("")
        self.weekday_label.setObjectName("mutedLabel")
        self.date_row = QWidget()
        row = QHBoxLayout(self.date_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dated_check)
        row.addWidget(self.date_edit)
        row.addWidget(self.weekday_label)
        row.addStretch(1)
        self.hint = QLabel("")
        self.hint.setObjectName("mutedLabel")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Notes", self.notes_edit)
        form.addRow("Date", self.date_row)
        self.form = form
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def show_date(self, value: datetime | None, *, visible: bool) -> None:
        self.form.setRowVisible(self.date_row, visible)
        self.dated_check.setChecked(value is not None)
        self.date_edit.setEnabled(value is not None)
        day = value.date() if value is not None else date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.weekday_label.setText(f"{day:%A}s" if value is not None else "no date: undated")

    def chosen_date(self) -> datetime | None:
        if not self.dated_check.isChecked():
            return None
        picked = self.date_edit.date()
        # Noon UTC: the same calendar day wherever the web is opened around Europe.
        return datetime(picked.year(), picked.month(), picked.day(), 12, 0)


class ProgramBuilderPage(QWidget):
    """The Programs area of the main window."""

    LIST, EDITOR = 0, 1

    def __init__(
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
        self._list_task: Task | None = None
        self._after_leave: Callable[[], None] | None = None
        self._loading_fields = False
        self.dialog: QDialog | None = None
        self.message_box: QMessageBox | None = None

        self.editor = ProgramEditor(backend, runner, user.id, self)
        self.library = LibraryBrowser(backend, runner, user.id, self)
        self.programs_model = ProgramListModel(self)

        self.views = QStackedWidget()
        self.views.addWidget(self._build_list_view())
        self.views.addWidget(self._build_editor_view())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.views)
        self._build_actions()
        self._wire()
        self._on_tree_selection_changed()
        self._update_list_buttons()

    # -- construction --------------------------------------------------------------------------

    def _build_list_view(self) -> QWidget:
        title = QLabel("Programs")
        title.setObjectName("pageTitle")
        self.new_button = QPushButton("New program")
        self.new_button.setObjectName("primaryButton")
        self.open_button = QPushButton("Open")
        self.duplicate_program_button = QPushButton("Duplicate as template")
        self.duplicate_program_button.setToolTip(
            "Copy the whole program, with new ids, as a draft to adapt for another student"
        )
        self.delete_program_button = QPushButton("Delete")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        for button in (self.open_button, self.duplicate_program_button):
            header.addWidget(button)
        header.addWidget(self.delete_program_button)
        header.addWidget(self.new_button)
        self.programs_view = QListView()
        self.programs_view.setObjectName("programsList")
        self.programs_view.setModel(self.programs_model)
        self.programs_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.programs_view.setSpacing(2)
        self.list_message = QLabel("")
        self.list_message.setObjectName("errorLabel")
        self.list_message.setWordWrap(True)
        self.list_message.hide()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.list_message)
        layout.addWidget(self.programs_view, 1)
        return page

    def _build_editor_view(self) -> QWidget:  # noqa: PLR0915 - one place lays out the header
        self.back_button = QToolButton()
        self.back_button.setText("\u2039 Programs")  # a single angle quote: "back"
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("programTitleEdit")
        self.title_edit.setPlaceholderText("Program title")
        self.draft_check = QCheckBox("Draft")
        self.draft_check.setToolTip("Drafts are not shown to students as ready")
        self.state_label = QLabel("")
        self.state_label.setObjectName("mutedLabel")
        self.undo_button = QToolButton()
        self.redo_button = QToolButton()
        self.assign_button = QPushButton("Assign…")
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("primaryButton")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.back_button)
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.draft_check)
        top.addWidget(self.state_label)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        top.addWidget(self.assign_button)
        top.addWidget(self.save_button)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("programNotes")
        self.description_edit.setPlaceholderText("Program notes: goal, progression, what to watch")
        self.description_edit.setFixedHeight(54)
        self.description_edit.setTabChangesFocus(True)
        self.add_block_button = QToolButton()
        self.add_week_button = QToolButton()
        self.add_session_button = QToolButton()
        self.duplicate_button = QToolButton()
        self.remove_button = QToolButton()
        self.up_button = QToolButton()
        self.down_button = QToolButton()
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for button in (self.add_block_button, self.add_week_button, self.add_session_button):
            bar.addWidget(button)
        bar.addSpacing(18)
        for button in (self.duplicate_button, self.remove_button):
            bar.addWidget(button)
        bar.addSpacing(18)
        bar.addWidget(self.up_button)
        bar.addWidget(self.down_button)
        bar.addStretch(1)
        self.editor_message = QLabel("")
        self.editor_message.setObjectName("errorLabel")
        self.editor_message.setWordWrap(True)
        self.editor_message.hide()
        # What a save left for the coach to know (the web may list moved sessions in the old
        # order); cleared by the next edit or save.
        self.save_notice = QLabel("")
        self.save_notice.setObjectName("noticeLabel")
        self.save_notice.setWordWrap(True)
        self.save_notice.hide()

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_library_dock())
        splitter.addWidget(self._build_tree_panel())
        splitter.addWidget(self._build_details_panel())
        splitter.setSizes([250, 400, 390])
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 1)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.description_edit)
        layout.addLayout(bar)
        layout.addWidget(self.editor_message)
        layout.addWidget(self.save_notice)
        layout.addWidget(splitter, 1)
        return page

    def _build_library_dock(self) -> QWidget:
        caption = QLabel("Library")
        caption.setObjectName("sectionTitle")
        self.library_search = QLineEdit()
        self.library_search.setObjectName("librarySearch")
        self.library_search.setPlaceholderText("Search; Enter adds")
        self.library_search.setClearButtonEnabled(True)
        self.library_model = LibraryTableModel(self)
        self.library_view = QTableView()
        self.library_view.setObjectName("builderLibrary")
        self.library_view.setStyleSheet(VIEW_STYLE)
        self.library_view.setModel(self.library_model)
        self.library_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.library_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.library_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.library_view.setDragEnabled(True)
        self.library_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.library_view.setShowGrid(False)
        # Names wrap onto a second line rather than being cut ("Barbell Bench Pr…"): every row
        # has room for two lines, so the 3,000-row library never measures each row.
        self.library_view.setWordWrap(True)
        self.library_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.library_view.verticalHeader().hide()
        self.library_view.verticalHeader().setDefaultSectionSize(44)
        for column in (Column.STAR, Column.MUSCLES, Column.DIFFICULTY, Column.SCOPE):
            self.library_view.hideColumn(column)
        header = self.library_view.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.TYPE, QHeaderView.ResizeMode.ResizeToContents)
        self.add_exercise_button = QPushButton("Add to session")
        self.add_exercise_button.setToolTip(
            "Add the selected library exercise to the selected session (or drag it there)"
        )
        dock = QWidget()
        dock.setObjectName("libraryDock")
        layout = QVBoxLayout(dock)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(6)
        layout.addWidget(caption)
        layout.addWidget(self.library_search)
        layout.addWidget(self.library_view, 1)
        layout.addWidget(self.add_exercise_button)
        return dock

    def _build_tree_panel(self) -> QWidget:
        self.tree = QTreeView()
        self.tree.setObjectName("programTree")
        self.tree.setStyleSheet(VIEW_STYLE)
        self.tree.setModel(self.editor.model)
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.tree.setUniformRowHeights(True)
        self.tree.setIndentation(18)
        # A prescription cut to "Circuit 4 rounds …" hides the numbers that matter: the column
        # sizes to its content and the tree scrolls sideways instead.
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        caption = QLabel("Program")
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        layout.addWidget(self.tree, 1)
        return panel

    def _build_details_panel(self) -> QWidget:
        self.details = QStackedWidget()
        self.details.setObjectName("detailsPanel")
        self.empty_details = QLabel(
            "Select a block, a session or an exercise to edit it. Drag exercises from the "
            "library onto a session; Alt+Up and Alt+Down move the selected item."
        )
        self.empty_details.setObjectName("placeholderLabel")
        self.empty_details.setWordWrap(True)
        self.empty_details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.node_form = NodeForm()
        self.exercise_form = ExerciseForm()
        self.details.addWidget(self.empty_details)
        self.details.addWidget(self.node_form)
        self.details.addWidget(self.exercise_form)
        scroll = QScrollArea()
        scroll.setObjectName("detailsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.details)
        # The form follows the panel's width; only a long form scrolls, downwards.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        return scroll

    def _action(
        self, text: str, keys: QKeySequence | QKeySequence.StandardKey | None, tip: str
    ) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        # Own actions rather than QUndoStack's: theirs carry the step in their text ("Undo Add
        # exercise"), too long for the header; here the step goes in the tooltip.
        stack = self.editor.undo_stack
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.redo_action = QAction("Redo", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setEnabled(False)
        self.undo_action.triggered.connect(stack.undo)
        self.redo_action.triggered.connect(stack.redo)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button.setDefaultAction(self.redo_action)
        self.save_action = self._action(
            "Save", QKeySequence(QKeySequence.StandardKey.Save), "Save the program"
        )
        self.add_block_action = self._action("+ Block", None, "Add a block at the end")
        self.add_week_action = self._action("+ Week", None, "Add a week to the selected block")
        self.add_session_action = self._action(
            "+ Session", None, "Add a session to the selected week"
        )
        self.duplicate_action = self._action(
            "Duplicate", QKeySequence("Ctrl+D"), "Duplicate the selected week, session or item"
        )
        self.remove_action = self._action(
            "Remove", QKeySequence(Qt.Key.Key_Delete), "Remove the selected item"
        )
        self.up_action = self._action("↑", QKeySequence("Alt+Up"), "Move the selected item up")
        self.down_action = self._action(
            "↓", QKeySequence("Alt+Down"), "Move the selected item down"
        )
        for button, action in (
            (self.add_block_button, self.add_block_action),
            (self.add_week_button, self.add_week_action),
            (self.add_session_button, self.add_session_action),
            (self.duplicate_button, self.duplicate_action),
            (self.remove_button, self.remove_action),
            (self.up_button, self.up_action),
            (self.down_button, self.down_action),
        ):
            button.setDefaultAction(action)

    # -- wiring: every signal of the page, in one place ----------------------------------------

    def _wire(self) -> None:
        # list view
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.programs_view.doubleClicked.connect(self._on_programs_view_double_clicked)
        self.programs_view.selectionModel().currentChanged.connect(
            self._on_programs_view_current_changed
        )
        self.duplicate_program_button.clicked.connect(self._on_duplicate_program_button_clicked)
        self.delete_program_button.clicked.connect(self._on_delete_program_button_clicked)
        # editor header
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.title_edit.textEdited.connect(self._on_title_edit_text_edited)
        self.draft_check.clicked.connect(self._on_draft_check_clicked)
        self.description_edit.textChanged.connect(self._on_description_edit_text_changed)
        self.assign_button.clicked.connect(self._on_assign_button_clicked)
        self.save_button.clicked.connect(self._on_save_action_triggered)
        # actions
        self.save_action.triggered.connect(self._on_save_action_triggered)
        self.add_block_action.triggered.connect(self._on_add_block_action_triggered)
        self.add_week_action.triggered.connect(self._on_add_week_action_triggered)
        self.add_session_action.triggered.connect(self._on_add_session_action_triggered)
        self.duplicate_action.triggered.connect(self._on_duplicate_action_triggered)
        self.remove_action.triggered.connect(self._on_remove_action_triggered)
        self.up_action.triggered.connect(self._on_up_action_triggered)
        self.down_action.triggered.connect(self._on_down_action_triggered)
        # tree and forms
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection_changed)
        self.editor.model.dataChanged.connect(self._on_model_data_changed)
        self.editor.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.node_form.title_edit.textEdited.connect(self._on_node_title_edited)
        self.node_form.notes_edit.textChanged.connect(self._on_node_notes_changed)
        self.node_form.dated_check.toggled.connect(self._on_node_date_changed)
        self.node_form.date_edit.dateChanged.connect(self._on_node_date_changed)
        self.exercise_form.config_edited.connect(self._on_exercise_form_config_edited)
        # library dock
        self.library.loaded.connect(self._on_library_loaded)
        self.library.results_ready.connect(self._on_library_results_ready)
        self.library_search.textChanged.connect(self._on_library_search_text_changed)
        self.library_search.returnPressed.connect(self._on_library_search_return_pressed)
        self.library_view.doubleClicked.connect(self._on_library_view_double_clicked)
        self.add_exercise_button.clicked.connect(self._on_add_exercise_button_clicked)
        # the editor's outcomes
        self.editor.opened.connect(self._on_editor_opened)
        self.editor.open_failed.connect(self._on_editor_failed)
        self.editor.save_failed.connect(self._on_editor_failed)
        self.editor.saved.connect(self._on_editor_saved)
        self.editor.confirmation_needed.connect(self._on_editor_confirmation_needed)
        self.editor.conflict.connect(self._on_editor_conflict)
        self.editor.dirty_changed.connect(self._on_editor_dirty_changed)
        self.editor.busy_changed.connect(self._on_editor_busy_changed)
        self.editor.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)

    # -- public --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the program list (and the library, once)."""
        if self.library.catalog is None:
            self.library.load()
        if self._list_task is not None:
            return
        self._list_task = follow(
            self._runner.read(self._backend.programs, self._user.id),
            self,
            done=self._on_list_task_succeeded,
            failed=self._show_list_message,
            finished=self._on_list_task_finished,
        )

    @property
    def busy(self) -> bool:
        return self._list_task is not None or self.editor.busy or self.library.busy

    def open_program(self, program_id: str) -> None:
        self.request_leave(lambda: self.editor.open(program_id))

    def request_leave(self, proceed: Callable[[], None]) -> bool:
        """Run `proceed` now if nothing is unsaved, else after the coach chose; True if now."""
        if not self.editor.dirty:
            proceed()
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f'"{self.editor.document.title}" has changes that are not saved.',
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.finished.connect(lambda result: self._on_leave_answered(result, proceed))
        self.message_box = box
        box.open()
        return False

    def _on_leave_answered(self, result: int, proceed: Callable[[], None]) -> None:
        self.message_box = None
        if result == QMessageBox.StandardButton.Discard:
            if self.editor.is_new:
                # Never saved: discarding it leaves nothing, not even an empty draft.
                self.editor.close()
                self.views.setCurrentIndex(self.LIST)
            else:
                self.editor.undo_stack.setClean()
            proceed()
        elif result == QMessageBox.StandardButton.Save:
            self._after_leave = proceed
            self._save()

    # -- selection helpers ---------------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.tree.currentIndex()
        return self.editor.model.node_id(index) if index.isValid() else None

    def select_node(self, node_id: str) -> None:
        index = self.editor.model.index_of(node_id)
        self.tree.expand(index.parent())
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.tree.scrollTo(index)

    def _ancestor(self, level: type) -> str | None:
        """The selected node or its nearest ancestor of `level` (BlockDoc, WeekDoc, SessionDoc)."""
        node_id = self.selected_id()
        model = self.editor.model
        while node_id is not None and model.has(node_id):
            item = model.item(node_id)
            if isinstance(item, level):
                return node_id
            if isinstance(item, ProgramDoc):
                return None
            node_id = model.parent_id(node_id)
        return None

    def _last(self, level: type) -> str | None:
        """The last node of `level` in the program, for adding with nothing selected."""
        found = self.editor.model.nodes_of(level)
        return found[-1].id if found else None

    # -- list ----------------------------------------------------------------------------------

    @Slot(object)
    def _on_list_task_succeeded(self, rows: tuple[ProgramSummary, ...]) -> None:
        self.programs_model.set_rows(rows)
        self.list_message.hide()
        self._update_list_buttons()

    def _show_list_message(self, message: str) -> None:
        self.list_message.setText(message)
        self.list_message.show()

    @Slot()
    def _on_list_task_finished(self) -> None:
        self._list_task = None

    def _current_summary(self) -> ProgramSummary | None:
        index = self.programs_view.currentIndex()
        return self.programs_model.summary(index.row()) if index.isValid() else None

    def _update_list_buttons(self) -> None:
        chosen = self._current_summary() is not None
        for button in (self.open_button, self.duplicate_program_button, self.delete_program_button):
            button.setEnabled(chosen)

    @Slot(QModelIndex, QModelIndex)
    def _on_programs_view_current_changed(self, _c: QModelIndex, _p: QModelIndex) -> None:
        self._update_list_buttons()

    @Slot()
    def _on_new_button_clicked(self) -> None:
        dialog = GuardedInputDialog(
            self,
            lost=lambda typed: f'the new program "{typed}"' if typed else "the new program",
            detail="No program is created yet.",
        )
        dialog.setWindowTitle("New program")
        dialog.setLabelText("Title of the new program:")
        dialog.textValueSelected.connect(self._on_new_title_chosen)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_new_title_chosen(self, title: str) -> None:
        if title.strip():
            self.editor.create(title.strip())

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    @Slot()
    def _on_open_button_clicked(self) -> None:
        summary = self._current_summary()
        if summary is not None:
            self.open_program(summary.id)

    @Slot(QModelIndex)
    def _on_programs_view_double_clicked(self, index: QModelIndex) -> None:
        self.open_program(self.programs_model.summary(index.row()).id)

    @Slot()
    def _on_duplicate_program_button_clicked(self) -> None:
        summary = self._current_summary()
        if summary is not None:
            self.editor.duplicate_program(summary.id)

    @Slot()
    def _on_delete_program_button_clicked(self) -> None:
        summary = self._current_summary()
        if summary is None:
            return
        # First ask what the cascades would take along, so the one confirmation names it.
        follow(
            self._runner.read(self._backend.program_deletion_impact, self._user.id, summary.id),
            self,
            done=lambda impact: self._confirm_delete(summary, impact),
            failed=self._show_list_message,
        )

    def _confirm_delete(self, summary: ProgramSummary, impact: RemovalImpact) -> None:
        text = f'Delete "{summary.title}" with all its blocks, weeks and sessions?'
        if impact.logs:
            text += "\n\n" + impact.describe("This removes")
        else:
            text += " No student has logged any of its sessions."
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete program",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._on_delete_answered(result, summary.id, impact))
        self.message_box = box
        box.open()

    def _on_delete_answered(self, result: int, program_id: str, impact: RemovalImpact) -> None:
        self.message_box = None
        if result != QMessageBox.StandardButton.Yes:
            return
        follow(
            self._runner.write(
                self._backend.delete_program, self._user.id, program_id, confirmed=impact
            ),
            self,
            done=lambda _title: self.refresh(),
            failed=self._show_list_message,
        )

    # -- editor header -------------------------------------------------------------------------

    @Slot()
    def _on_back_button_clicked(self) -> None:
        self.request_leave(self._show_list)

    def _show_list(self) -> None:
        self.editor.close()
        self.views.setCurrentIndex(self.LIST)
        self.refresh()

    @Slot(str)
    def _on_title_edit_text_edited(self, text: str) -> None:
        if text.strip():
            self.editor.set_field(self.editor.document.id, "title", text, "Rename program")

    @Slot(bool)
    def _on_draft_check_clicked(self, checked: bool) -> None:
        self.editor.set_field(self.editor.document.id, "is_draft", checked, "Draft flag")

    @Slot()
    def _on_description_edit_text_changed(self) -> None:
        if self._loading_fields or not self.editor.is_open:
            return
        text = self.description_edit.toPlainText()
        self.editor.set_field(self.editor.document.id, "description", text or None, "Program notes")

    def _sync_program_fields(self) -> None:
        doc = self.editor.document
        self._loading_fields = True
        if self.title_edit.text() != doc.title:
            self.title_edit.setText(doc.title)
        self.draft_check.setChecked(doc.is_draft)
        if self.description_edit.toPlainText() != (doc.description or ""):
            self.description_edit.setPlainText(doc.description or "")
        self._loading_fields = False

    # -- tree edits ----------------------------------------------------------------------------

    @Slot()
    def _on_add_block_action_triggered(self) -> None:
        block = self.editor.add_block()
        self.select_node(block.weeks[0].id if block.weeks else block.id)

    @Slot()
    def _on_add_week_action_triggered(self) -> None:
        block_id = self._ancestor(BlockDoc) or self._last(BlockDoc)
        if block_id is None:
            block_id = self.editor.add_block().id
        self.select_node(self.editor.add_week(block_id).id)

    @Slot()
    def _on_add_session_action_triggered(self) -> None:
        week_id = self._ancestor(WeekDoc) or self._last(WeekDoc)
        if week_id is None:
            block = self.editor.add_block()
            week_id = block.weeks[0].id
        self.select_node(self.editor.add_session(week_id).id)

    @Slot()
    def _on_duplicate_action_triggered(self) -> None:
        node_id = self.selected_id()
        if node_id is not None and node_id != self.editor.document.id:
            self.select_node(self.editor.duplicate(node_id).id)

    @Slot()
    def _on_remove_action_triggered(self) -> None:
        node_id = self.selected_id()
        if node_id is None or node_id == self.editor.document.id:
            return
        parent_id = self.editor.model.parent_id(node_id)
        self.editor.remove(node_id)
        self.select_node(parent_id)

    @Slot()
    def _on_up_action_triggered(self) -> None:
        self._move_selected(-1)

    @Slot()
    def _on_down_action_triggered(self) -> None:
        self._move_selected(1)

    def _move_selected(self, step: int) -> None:
        node_id = self.selected_id()
        if node_id is not None and node_id != self.editor.document.id:
            self.editor.move_by(node_id, step)
            self.select_node(node_id)

    @Slot()
    def _on_tree_selection_changed(self) -> None:
        node_id = self.selected_id()
        model = self.editor.model
        item = model.item(node_id) if node_id and model.has(node_id) else None
        has_node = item is not None and not isinstance(item, ProgramDoc)
        for action in (self.duplicate_action, self.remove_action, self.up_action, self.down_action):
            action.setEnabled(has_node)
        self._show_details(item)

    def _show_details(self, item: object) -> None:
        model = self.editor.model
        if isinstance(item, ExerciseDoc):
            self.exercise_form.load(
                item.id,
                model.exercise_name(item.exercise_id),
                item.config,
                model.library_type(item.exercise_id),
            )
            self.details.setCurrentWidget(self.exercise_form)
        elif isinstance(item, BlockDoc | SessionDoc):
            self._loading_fields = True
            level = "Block" if isinstance(item, BlockDoc) else "Session"
            self.node_form.heading.setText(f"{level}: {model.label(item)}")
            self.node_form.title_edit.setText(item.title or "")
            self.node_form.notes_edit.setPlainText(item.notes or "")
            self.node_form.show_date(
                item.date if isinstance(item, SessionDoc) else None,
                visible=isinstance(item, SessionDoc),
            )
            self.node_form.hint.setText(
                "F2 renames in the tree too. Duplicate (Ctrl+D) copies it with its contents."
            )
            self._loading_fields = False
            self.details.setCurrentWidget(self.node_form)
        else:
            self.details.setCurrentWidget(self.empty_details)

    @Slot(QModelIndex, QModelIndex)
    def _on_model_data_changed(self, top_left: QModelIndex, _bottom: QModelIndex) -> None:
        model = self.editor.model
        node_id = model.node_id(top_left)
        if node_id == self.editor.document.id:
            self._sync_program_fields()
            return
        if node_id is None or node_id != self.selected_id():
            return
        item = model.item(node_id)
        # Undo and redo change what the form shows; the coach's own typing is already there.
        if isinstance(item, ExerciseDoc):
            if self.exercise_form.last_config != item.config:
                self._show_details(item)
        elif isinstance(item, BlockDoc | SessionDoc):
            form = self.node_form
            if (
                form.title_edit.text() != (item.title or "")
                or form.notes_edit.toPlainText() != (item.notes or "")
                or (isinstance(item, SessionDoc) and form.chosen_date() != item.date)
            ):
                self._show_details(item)

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        self.tree.expand(parent)

    @Slot(str)
    def _on_node_title_edited(self, text: str) -> None:
        node_id = self.selected_id()
        if node_id is not None:
            self.editor.set_field(node_id, "title", text.strip() or None, "Rename")

    @Slot()
    def _on_node_notes_changed(self) -> None:
        node_id = self.selected_id()
        if self._loading_fields or node_id is None:
            return
        text = self.node_form.notes_edit.toPlainText()
        self.editor.set_field(node_id, "notes", text or None, "Notes")

    @Slot()
    def _on_node_date_changed(self) -> None:
        node_id = self.selected_id()
        if self._loading_fields or node_id is None:
            return
        form = self.node_form
        value = form.chosen_date()
        form.date_edit.setEnabled(value is not None)
        form.weekday_label.setText(f"{value:%A}s" if value is not None else "no date: undated")
        self.editor.set_field(node_id, "date", value, "Session date")

    @Slot(str, object, str)
    def _on_exercise_form_config_edited(self, node_id: str, config: object, field: str) -> None:
        self.editor.set_config(node_id, config, field)

    # -- library dock --------------------------------------------------------------------------

    @Slot(object)
    def _on_library_loaded(self, catalog: LibraryCatalog) -> None:
        def name_of(exercise_id: str) -> str:
            entry = catalog.get(exercise_id)
            if entry is not None:
                return entry.name
            opened = self.editor.opened_program
            return opened.exercise_names.get(exercise_id, "Exercise") if opened else "Exercise"

        def type_of(exercise_id: str) -> str | None:
            entry = catalog.get(exercise_id)
            return entry.type if entry else None

        self.editor.set_library(name_of, type_of)
        self._on_tree_selection_changed()

    @Slot(object)
    def _on_library_results_ready(self, found: tuple[LibraryEntry, ...]) -> None:
        self.library_model.set_rows(found)

    @Slot(str)
    def _on_library_search_text_changed(self, text: str) -> None:
        self.library.set_query(LibraryQuery(text=text))

    @Slot()
    def _on_library_search_return_pressed(self) -> None:
        if self.library_model.rowCount() > 0:
            self._add_from_library(self.library_model.entry(0).id)

    @Slot(QModelIndex)
    def _on_library_view_double_clicked(self, index: QModelIndex) -> None:
        self._add_from_library(self.library_model.entry(index.row()).id)

    @Slot()
    def _on_add_exercise_button_clicked(self) -> None:
        index = self.library_view.currentIndex()
        if index.isValid():
            self._add_from_library(self.library_model.entry(index.row()).id)

    def _add_from_library(self, exercise_id: str) -> None:
        """Add to the selected session (after the selected exercise, if one is selected)."""
        session_id = self._ancestor(SessionDoc)
        if session_id is None:
            self._show_editor_message("Select a session first, then add the exercise to it.")
            return
        model = self.editor.model
        session = model.item(session_id)
        assert isinstance(session, SessionDoc)
        selected = self.selected_id()
        row = len(session.exercises)
        if selected is not None and selected != session_id:
            row = model.row_of(selected) + 1
        configs = self.editor.starting_configs([exercise_id])
        added = self.editor.add_exercises(session_id, row, [exercise_id], configs)
        self._show_editor_message(None)
        self.select_node(added[0].id)

    # -- saving --------------------------------------------------------------------------------

    @Slot()
    def _on_save_action_triggered(self) -> None:
        self._save()

    def _save(self) -> None:
        if not self.editor.is_open or self.editor.busy:
            return
        errors = (
            self.exercise_form.errors if self.details.currentWidget() is self.exercise_form else {}
        )
        if errors:
            self._show_editor_message(
                "Fix the highlighted field of the selected exercise first: "
                + next(iter(errors.values()))
            )
            self._after_leave = None
            return
        self._show_editor_message(None)
        self.editor.save()

    @Slot(object)
    def _on_editor_saved(self, result: SavedProgram) -> None:
        rows = result.rows
        if result.wrote_anything:
            self.state_label.setText(
                f"Saved: {rows.get('inserted', 0)} added, {rows.get('updated', 0)} changed, "
                f"{rows.get('deleted', 0)} removed"
            )
        else:
            self.state_label.setText("Saved: nothing had changed")
        self.save_notice.setText(result.reorder_notice or "")
        self.save_notice.setVisible(result.reorder_notice is not None)
        proceed, self._after_leave = self._after_leave, None
        if proceed is not None:
            proceed()

    @Slot(object)
    def _on_editor_confirmation_needed(self, impact: RemovalImpact) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete students' logs?",
            impact.message,
            QMessageBox.StandardButton.Cancel,
            self,
        )
        details = "\n".join(
            f"{s.name}: {s.sessions_logged} session(s) logged, {s.clips} clip(s)"
            for s in impact.students
        )
        box.setInformativeText(details)
        delete = box.addButton("Delete them and save", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._on_confirmation_answered(box, delete, impact))
        self.message_box = box
        box.open()

    def _on_confirmation_answered(
        self, box: QMessageBox, delete: QPushButton, impact: RemovalImpact
    ) -> None:
        self.message_box = None
        if box.clickedButton() is delete:
            self.editor.save(confirmed=impact)
        else:
            self._after_leave = None
            self._show_editor_message(
                "Not saved: those sessions stay until you confirm. Undo the removal to keep them."
            )

    @Slot(object)
    def _on_editor_conflict(self, conflict: ProgramConflict) -> None:
        dialog = ConflictDialog(conflict, self)
        dialog.finished.connect(self._on_conflict_dialog_finished)
        self.dialog = dialog
        dialog.open()

    @Slot(int)
    def _on_conflict_dialog_finished(self, result: int) -> None:
        self.dialog = None
        if result == ConflictDialog.RELOAD:
            self.editor.undo_stack.setClean()
            self.editor.reload()
        elif result == ConflictDialog.OVERWRITE:
            self.editor.save(overwrite=True)
        else:
            self._after_leave = None

    @Slot(str)
    def _on_editor_failed(self, message: str) -> None:
        self._after_leave = None
        if self.views.currentIndex() == self.LIST:
            self.list_message.setText(message)
            self.list_message.show()
        else:
            self._show_editor_message(message)

    @Slot(object)
    def _on_editor_opened(self, opened: OpenedProgram) -> None:
        self.views.setCurrentIndex(self.EDITOR)
        self._show_editor_message(None)
        self.save_notice.hide()
        self._sync_program_fields()
        self.state_label.setText("")
        self.tree.expandToDepth(2)
        self.select_node(opened.document.id)
        self.tree.setFocus()
        self._on_editor_dirty_changed(False)

    @Slot(bool)
    def _on_editor_dirty_changed(self, dirty: bool) -> None:
        if dirty:
            self.state_label.setText("Unsaved changes")
            self.save_notice.hide()
        elif self.state_label.text() == "Unsaved changes":
            # Undone back to the saved state: nothing is unsaved any more.
            self.state_label.setText("No unsaved changes")
        self.save_action.setEnabled(dirty)
        self.save_button.setEnabled(dirty and not self.editor.busy)

    @Slot(int)
    def _on_undo_stack_index_changed(self, _index: int) -> None:
        stack = self.editor.undo_stack
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        self.undo_action.setToolTip(f"Undo {stack.undoText()} (Ctrl+Z)" if stack.canUndo() else "")
        self.redo_action.setToolTip(
            f"Redo {stack.redoText()} (Ctrl+Shift+Z)" if stack.canRedo() else ""
        )

    @Slot(bool)
    def _on_editor_busy_changed(self, busy: bool) -> None:
        if busy:
            self.state_label.setText("Saving…" if self.editor.is_open else "Opening…")
        self.save_button.setEnabled(self.editor.dirty and not busy)

    def _show_editor_message(self, message: str | None) -> None:
        self.editor_message.setText(message or "")
        self.editor_message.setVisible(bool(message))

    # -- assignment ----------------------------------------------------------------------------

    @Slot()
    def _on_assign_button_clicked(self) -> None:
        opened = self.editor.opened_program
        if opened is None:
            return
        dialog = AssignDialog(
            self._backend,
            self._runner,
            self._user.id,
            (opened.document.id, self.editor.document.title),
            self,
        )
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        dialog.refresh()
