"""The Clips page: the coach's students' form clips, newest first, with a picture of each.

The listing is metadata only (`Backend.clip_library`). Thumbnails come afterwards, one background
task per clip as its row scrolls into view: a task reads that one clip's bytes, decodes a picture
and caches it on disk by media id, so the next visit shows it without touching the database.
Old `session_progress.videos` entries are listed under the clips as references.

Recording and importing belong to their own dialogs; the page shows their buttons only when the
window hands it a way to open them.

Over 500 lines: the page, its table model, filter and thumbnail queue; the model and filter could
move to their own module next.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipLibrary, ClipRow, Thumbnail, VideoReference
from gbf_desktop.settings import APP_SLUG
from gbf_desktop.ui.clips.compare import CompareWindow
from gbf_desktop.ui.clips.player import CLIP_STYLE, ClipActions, PlayerWindow
from gbf_desktop.ui.clips.recorder import ImportDialog, RecorderDialog
from gbf_desktop.ui.kit import states
from gbf_desktop.ui.kit.delegates import TwoLineDelegate
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.ui.kit.table import ColumnSpec, RowTableModel
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.ui.kit.views import row_table
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import clip_thumbnail_job

AnyIndex = QModelIndex | QPersistentModelIndex

# Opens the recorder or the import dialog over the page. It returns the dialog when it leaves it
# open (the page refreshes when the dialog finishes), or None once a modal dialog has closed.
DialogOpener = Callable[[QWidget], QDialog | None]


def recorder_opener(
    backend: Backend,
    runner: TaskRunner,
    coach: SignedInUser,
    *,
    camera_spec: str = "auto",
    ffmpeg_path: str | None = None,
) -> DialogOpener:
    """Opens the recorder (record, trim, attach) window-modal over the page."""

    def open_recorder(parent: QWidget) -> QDialog:
        dialog = RecorderDialog(
            backend,
            runner,
            coach.id,
            camera_spec=camera_spec,
            ffmpeg_path=ffmpeg_path,
            parent=parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    return open_recorder


def importer_opener(
    backend: Backend, runner: TaskRunner, coach: SignedInUser, *, ffmpeg_path: str | None = None
) -> DialogOpener:
    """Opens the import dialog (probe, compress or trim, attach) window-modal over the page."""

    def open_importer(parent: QWidget) -> QDialog:
        dialog = ImportDialog(backend, runner, coach.id, ffmpeg_path=ffmpeg_path, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    return open_importer


THUMB_SIZE = QSize(128, 72)
_DASH = "—"


def default_thumbnail_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_SLUG, appauthor=False)) / "thumbnails"


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return _DASH
    return f"{seconds:.1f} s"


class Column(enum.IntEnum):
    CLIP = 0
    STUDENT = enum.auto()
    SESSION = enum.auto()
    RECORDED = enum.auto()
    SIZE = enum.auto()


class ClipsTableModel(RowTableModel[ClipRow]):
    """One row per clip, in the service's order (newest first), with thumbnails as they come."""

    def __init__(self, parent: QObject | None = None) -> None:
        self._thumbnails: dict[str, QPixmap] = {}
        self._durations: dict[str, float | None] = {}
        columns: tuple[ColumnSpec[ClipRow], ...] = (
            ColumnSpec(
                "Clip",
                lambda _row: "",
                roles={
                    Qt.ItemDataRole.DecorationRole: lambda row: self._thumbnails.get(row.media_id)
                },
            ),
            ColumnSpec("Student", lambda row: row.student_name),
            ColumnSpec(
                "Session",
                lambda row: row.session_label,
                detail=lambda row: row.where_label or "Session not in a program",
            ),
            ColumnSpec(
                "Recorded",
                lambda row: short_date(row.created_at),
                detail=lambda row: f"{row.created_at:%H:%M}",
            ),
            ColumnSpec(
                "Size",
                lambda row: human_size(row.size),
                detail=lambda row: duration_text(self._durations.get(row.media_id)),
            ),
        )
        super().__init__(lambda row: row.media_id, columns, parent=parent)

    def has_thumbnail(self, media_id: str) -> bool:
        return media_id in self._thumbnails

    def set_thumbnail(self, thumbnail: Thumbnail, pixmap: QPixmap) -> None:
        self._thumbnails[thumbnail.media_id] = pixmap
        self._durations[thumbnail.media_id] = thumbnail.duration_s
        row = self.row_of(thumbnail.media_id)
        if row >= 0:
            self.row_changed(row)


class ClipFilter(QSortFilterProxyModel):
    """Keeps the clips of the chosen student that match every word of the search."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._student_id: str | None = None
        self._words = ""

    def set_student(self, student_id: str | None) -> None:
        self._refilter(lambda: setattr(self, "_student_id", student_id))

    def set_search(self, words: str) -> None:
        self._refilter(lambda: setattr(self, "_words", words))

    def _refilter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 replaced invalidateRowsFilter (now deprecated, a warning) by a begin/end pair
        # around the change; older Qt, which the app still supports, has only the former.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def accepts(self, row: ClipRow | VideoReference) -> bool:
        if self._student_id is not None and row.student_id != self._student_id:
            return False
        return row.matches(self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ClipsTableModel)
        return self.accepts(model.row_at(source_row))


class ClipsState(enum.IntEnum):
    LOADING = states.LOADING
    ERROR = states.ERROR
    EMPTY = states.EMPTY
    LIST = states.CONTENT


class ClipsPage(QWidget):
    """Lists the clips; opens the player, the comparison, export and delete."""

    # Each player or comparison window the page opens, for whoever wants to follow them.
    player_opened = Signal(object)
    compare_opened = Signal(object)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        *,
        thumbnail_dir: Path | None = None,
        open_recorder: DialogOpener | None = None,
        open_importer: DialogOpener | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clipsPage")
        self.setStyleSheet(CLIP_STYLE)
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._thumbnail_dir = thumbnail_dir or default_thumbnail_dir()
        self._open_recorder = open_recorder
        self._open_importer = open_importer
        self._task: Task | None = None
        self._loaded_once = False
        self._thumbnail_tasks: dict[str, Task] = {}
        self._references: tuple[VideoReference, ...] = ()
        self.actions_ = ClipActions(backend, runner, coach, self)
        # The recorder or import dialog open over the page, if any.
        self.clip_dialog: QDialog | None = None

        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.setToolTip("Load the clips again (F5)")
        self.addAction(self.refresh_action)

        self.model = ClipsTableModel(self)
        self.proxy = ClipFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = self._build_table()
        self.references = self._build_references()
        self._build_widgets()
        self._build_layout()
        self._wire()
        self._update_selection_buttons()

    # -- building -------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.updated_label = QLabel("")
        self.updated_label.setObjectName("mutedLabel")
        self.record_button = QPushButton("Record…")
        self.import_button = QPushButton("Import…")
        self.record_button.setVisible(self._open_recorder is not None)
        self.import_button.setVisible(self._open_importer is not None)
        self.student_combo = QComboBox()
        self.student_combo.setObjectName("studentFilter")
        self.student_combo.setMinimumWidth(220)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("clipSearch")
        self.search_edit.setPlaceholderText("Search student, session, program or date")
        self.search_edit.setClearButtonEnabled(True)
        self.count_label = QLabel("")
        self.count_label.setObjectName("mutedLabel")
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("primaryButton")
        self.play_button.setToolTip("Open the selected clip in the player (Enter)")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Play two selected clips side by side (Ctrl+click two)")
        self.export_button = QPushButton("Export…")
        self.delete_button = QPushButton("Delete…")
        self.message_label = QLabel("")
        self.message_label.setObjectName("mutedLabel")

    def _build_layout(self) -> None:
        title = QLabel("Clips")
        title.setObjectName("pageTitle")
        refresh_button = QToolButton()
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setText("Refresh  (F5)")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.updated_label)
        header.addSpacing(12)
        header.addWidget(self.record_button)
        header.addWidget(self.import_button)
        header.addWidget(refresh_button)

        filters = QHBoxLayout()
        filters.setSpacing(10)
        filters.addWidget(self.student_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.count_label)

        buttons = QHBoxLayout()
        for button in (self.play_button, self.compare_button, self.export_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message_label, 1)
        buttons.addWidget(self.delete_button)

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(10)
        list_layout.addLayout(filters)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.references_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        list_layout.addWidget(splitter, 1)
        list_layout.addLayout(buttons)

        self.states = states.StateStack(
            loading="Loading your students' clips…",
            error_title="The clips could not be loaded.",
            empty="No clips yet. Form clips your students upload on the web, and clips you "
            "record or import here, appear in this list, newest first.",
            content=list_page,
        )
        self.loading_label = self.states.loading_label
        self.empty_label = self.states.empty_label
        self.error_label = self.states.error_label
        self.retry_button = self.states.retry_button

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addWidget(self.states, 1)

    def _build_table(self) -> QTableView:
        table = row_table(
            self.proxy,
            name="clipsTable",
            row_height=THUMB_SIZE.height() + 16,
            stretch=Column.SESSION,
            widths={
                Column.CLIP: THUMB_SIZE.width() + 28,
                Column.STUDENT: 220,
                Column.RECORDED: 170,
                Column.SIZE: 120,
            },
            multiple=True,
        )
        table.setItemDelegate(TwoLineDelegate(table))
        table.setIconSize(THUMB_SIZE)
        return table

    def _build_references(self) -> QTreeWidget:
        self.references_box = QWidget()
        box = QVBoxLayout(self.references_box)
        box.setContentsMargins(0, 6, 0, 0)
        box.setSpacing(6)
        self.references_title = QLabel("Older video references")
        self.references_title.setObjectName("sectionTitle")
        note = QLabel(
            "Links and file names that earlier web versions stored with a session instead of "
            "the clip. Double-click a link to open it in your browser."
        )
        note.setObjectName("mutedLabel")
        note.setWordWrap(True)
        tree = QTreeWidget()
        tree.setObjectName("referencesList")
        tree.setColumnCount(3)
        tree.setHeaderLabels(["Student", "Session", "Reference"])
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setColumnWidth(0, 200)
        tree.setColumnWidth(1, 360)
        box.addWidget(self.references_title)
        box.addWidget(note)
        box.addWidget(tree, 1)
        return tree

    # -- public API -----------------------------------------------------------------------------

    @property
    def state(self) -> ClipsState:
        return ClipsState(self.states.currentIndex())

    @property
    def loading(self) -> bool:
        return self._task is not None

    @property
    def thumbnails_pending(self) -> int:
        return len(self._thumbnail_tasks)

    def visible_rows(self) -> list[ClipRow]:
        """The clips the filters keep, in the order shown."""
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(n, 0)).row())
            for n in range(self.proxy.rowCount())
        ]

    def selected_rows(self) -> list[ClipRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(n, 0)).row()) for n in rows
        ]

    def select(self, *media_ids: str) -> None:
        """Select these clips in the table (what Ctrl+click does)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        for n in range(self.proxy.rowCount()):
            index = self.proxy.index(n, 0)
            if self.model.row_at(self.proxy.mapToSource(index).row()).media_id in media_ids:
                selection.select(
                    index,
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def refresh(self) -> None:
        """Load the clips again; ignored while a load is under way."""
        self._loaded_once = True
        if self._task is not None:
            return
        self.refresh_action.setEnabled(False)
        self.retry_button.setEnabled(False)
        if self.model.rowCount() == 0:
            self._show_state(ClipsState.LOADING)
        self._task = follow(
            self._runner.read(self._backend.clip_library, self._coach.id),
            self,
            done=self._on_load_task_succeeded,
            failed=self._show_error,
            finished=self._on_load_task_finished,
        )

    def open_player(self, row: ClipRow) -> PlayerWindow:
        window = PlayerWindow(self._backend, self._runner, self._coach, row, parent=self)
        window.actions_.deleted.connect(self._on_actions_deleted)
        window.resize(1100, 760)
        window.show()
        self.player_opened.emit(window)
        return window

    def open_compare(self, first: ClipRow, second: ClipRow) -> CompareWindow:
        # The older clip on the left: "week one" against "this week" reads left to right.
        older, newer = sorted((first, second), key=lambda r: r.created_at)
        window = CompareWindow(self._backend, self._runner, self._coach, older, newer, parent=self)
        window.resize(1280, 800)
        window.show()
        self.compare_opened.emit(window)
        return window

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Loaded when first shown: a coach who never opens the page costs the database nothing.
        if not self._loaded_once:
            self._loaded_once = True
            self.refresh()
        self._request_visible_thumbnails()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._request_visible_thumbnails()

    # -- wiring ---------------------------------------------------------------------------------

    def _wire(self) -> None:
        self.refresh_action.triggered.connect(self._on_refresh_action_triggered)
        self.retry_button.clicked.connect(self._on_refresh_action_triggered)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.student_combo.currentIndexChanged.connect(self._on_student_combo_current_index_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.verticalScrollBar().valueChanged.connect(self._on_table_scrolled)
        self.references.itemActivated.connect(self._on_references_item_activated)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.compare_button.clicked.connect(self._on_compare_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.actions_.deleted.connect(self._on_actions_deleted)
        self.actions_.exported.connect(self._on_actions_exported)
        self.actions_.failed.connect(self._on_actions_failed)

    @Slot()
    def _on_refresh_action_triggered(self) -> None:
        self.refresh()

    @Slot()
    def _on_record_button_clicked(self) -> None:
        if self._open_recorder is not None:
            self._follow_dialog(self._open_recorder(self))

    @Slot()
    def _on_import_button_clicked(self) -> None:
        if self._open_importer is not None:
            self._follow_dialog(self._open_importer(self))

    def _follow_dialog(self, dialog: QDialog | None) -> None:
        """Refresh once the recorder or importer is done: it may have stored a clip."""
        if dialog is None:
            self.refresh()
        else:
            self.clip_dialog = dialog
            dialog.finished.connect(self._on_clip_dialog_finished)

    @Slot(int)
    def _on_clip_dialog_finished(self, _result: int) -> None:
        self.clip_dialog = None
        self.refresh()

    @Slot(object)
    def _on_load_task_succeeded(self, library: ClipLibrary) -> None:
        self._fill_students(library)
        self.model.set_rows(library.clips)
        self._references = library.references
        self._apply_filters()
        self.updated_label.setText(f"Updated at {datetime.now():%H:%M}")
        has_any = bool(library.clips or library.references)
        self._show_state(ClipsState.LIST if has_any else ClipsState.EMPTY)
        self._request_visible_thumbnails()

    @Slot()
    def _on_load_task_finished(self) -> None:
        self._task = None
        self.refresh_action.setEnabled(True)
        self.retry_button.setEnabled(True)

    @Slot(int)
    def _on_student_combo_current_index_changed(self, _index: int) -> None:
        data = self.student_combo.currentData()
        self.proxy.set_student(data if isinstance(data, str) else None)
        self._apply_filters()

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._apply_filters()

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        self.open_player(self.model.row_at(self.proxy.mapToSource(index).row()))

    @Slot()
    def _on_table_selection_changed(self) -> None:
        self._update_selection_buttons()

    @Slot(int)
    def _on_table_scrolled(self, _value: int) -> None:
        self._request_visible_thumbnails()

    @Slot(QTreeWidgetItem, int)
    def _on_references_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        url = item.data(2, Qt.ItemDataRole.UserRole)
        if isinstance(url, str):
            QDesktopServices.openUrl(QUrl(url))

    @Slot()
    def _on_play_button_clicked(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.open_player(rows[0])

    @Slot()
    def _on_compare_button_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 2:
            self.open_compare(rows[0], rows[1])

    @Slot()
    def _on_export_button_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self.actions_.ask_export(rows[0], self)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            self.actions_.ask_delete(rows[0], self)

    @Slot(str)
    def _on_actions_deleted(self, _media_id: str) -> None:
        self.message_label.setText("Clip deleted.")
        self.refresh()

    @Slot(object)
    def _on_actions_exported(self, exported: object) -> None:
        path = getattr(exported, "path", None)
        self.message_label.setText(f"Saved to {path}" if path else "Saved.")

    @Slot(str)
    def _on_actions_failed(self, message: str) -> None:
        self.message_label.setText(message)

    @Slot(object)
    def _on_thumbnail_task_succeeded(self, thumbnail: Thumbnail) -> None:
        pixmap = QPixmap(str(thumbnail.path))
        if not pixmap.isNull():
            scaled = pixmap.scaled(
                THUMB_SIZE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.model.set_thumbnail(thumbnail, scaled)

    @Slot()
    def _on_thumbnail_task_finished(self) -> None:
        task = self.sender()
        for media_id, pending in list(self._thumbnail_tasks.items()):
            if pending is task:
                del self._thumbnail_tasks[media_id]

    # -- helpers --------------------------------------------------------------------------------

    def _fill_students(self, library: ClipLibrary) -> None:
        current = self.student_combo.currentData()
        self.student_combo.blockSignals(True)
        self.student_combo.clear()
        self.student_combo.addItem("All students", None)
        for student in library.students:
            self.student_combo.addItem(student.name, student.id)
        index = self.student_combo.findData(current) if current else 0
        self.student_combo.setCurrentIndex(max(index, 0))
        self.student_combo.blockSignals(False)
        data = self.student_combo.currentData()
        self.proxy.set_student(data if isinstance(data, str) else None)

    def _apply_filters(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "clip" if total == 1 else "clips"
        self.count_label.setText(
            f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"
        )
        self._fill_references()
        self._update_selection_buttons()
        self._request_visible_thumbnails()

    def _fill_references(self) -> None:
        self.references.clear()
        kept = [r for r in self._references if self.proxy.accepts(r)]
        for ref in kept:
            item = QTreeWidgetItem([ref.student_name, ref.session_label, ref.reference])
            url = ref.url
            if url is not None:
                item.setData(2, Qt.ItemDataRole.UserRole, url)
                item.setForeground(2, self.palette().link())
                item.setToolTip(2, f"Open {url} in your browser")
            else:
                item.setToolTip(
                    2, "A file name kept by an older web version; the file is not in the database."
                )
            self.references.addTopLevelItem(item)
        self.references_title.setText(f"Older video references ({len(kept)})")
        self.references_box.setVisible(bool(self._references))

    def _update_selection_buttons(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.play_button.setEnabled(count >= 1)
        self.compare_button.setEnabled(count == 2)
        self.export_button.setEnabled(count == 1)
        self.delete_button.setEnabled(count == 1)

    def _request_visible_thumbnails(self) -> None:
        """Start thumbnail tasks for the rows on screen (and a few below) that lack one."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return
        first = max(self.table.rowAt(0), 0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        # Before the first layout no row reads as on screen: start with a screenful.
        last = min(rows - 1, first + 8) if last < 0 else last
        for n in range(first, min(last + 4, rows)):
            row = self.model.row_at(self.proxy.mapToSource(self.proxy.index(n, 0)).row())
            if self.model.has_thumbnail(row.media_id) or row.media_id in self._thumbnail_tasks:
                continue
            task = self._runner.read(
                clip_thumbnail_job, self._backend, self._coach.id, row.media_id, self._thumbnail_dir
            )
            task.succeeded.connect(self._on_thumbnail_task_succeeded)
            task.finished.connect(self._on_thumbnail_task_finished)
            self._thumbnail_tasks[row.media_id] = task

    def _show_error(self, message: str) -> None:
        self.model.set_rows(())
        self._references = ()
        self.error_label.setText(message)
        self._show_state(ClipsState.ERROR)

    def _show_state(self, state: ClipsState) -> None:
        self.states.setCurrentIndex(state)
