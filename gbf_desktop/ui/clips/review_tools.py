"""The player window's review tools: drawings (saved per coach), exports, and the bar path.

One object wires the drawing editor and bar, the bar-path panel and the exports to the player
window, so the player itself only gains a place for them. Drawings are saved after every edit on
the write pool (one thread, so saves land in order); they and the bar path are loaded with the clip.
Exports: a PNG still of the frame on screen with its drawings, and the clip with its drawings
burned in, either stored as a new clip on the same session (the student sees it on the web) or
written to a file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QProgressBar, QToolButton, QWidget

from gbf_desktop.domain import bar_path
from gbf_desktop.domain.drawings import Drawing
from gbf_desktop.errors import KnownError
from gbf_desktop.services.annotations import ClipAnnotations
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.services.media import StoredClip
from gbf_desktop.services.review import StudentProgress
from gbf_desktop.ui.clips.bar_path_panel import BarPathPanel
from gbf_desktop.ui.clips.drawing_editor import TOOLS, DrawingBar, DrawingEditor
from gbf_desktop.ui.clips.drawing_paint import frame_painter, still_with_drawings
from gbf_desktop.ui.students.log_session_dialog import LogSessionDialog
from gbf_desktop.workers.review_jobs import burn_in_job
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, store_job

if TYPE_CHECKING:
    # Types only: the player window builds these tools, so the player module imports this one.
    from gbf_desktop.ui.clips.player import ClipPlayer


class ReviewTools(QObject):
    """Drawings, exports and the bar path for one clip in one window."""

    loaded = Signal()  # the stored drawings and bar path are on screen
    saved = Signal()  # the drawings as they are now are stored
    still_exported = Signal(object)  # Path
    burned = Signal(object)  # ReadyClip written to a file, or StoredClip on the session
    failed = Signal(str)
    log_offered = Signal(object)  # the session's log dialog, opened with the bar speed

    def __init__(
        self,
        window: QWidget,
        *,
        player: ClipPlayer,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        row: ClipRow,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.player = player
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self.row = row
        self.editor = DrawingEditor(player.view, self)
        self.bar = DrawingBar(self.editor)
        self.panel = BarPathPanel(player.view, runner)
        self.still_button = QToolButton()
        self.still_button.setText("Still…")
        self.still_button.setToolTip("Save the frame on screen with its drawings as a PNG")
        self.burn_button = QToolButton()
        self.burn_button.setText("With drawings…")
        self.burn_button.setToolTip("The clip with its drawings burned in")
        self.burn_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.burn_button)
        self.burn_to_session_action = menu.addAction("As a new clip on this session")
        self.burn_to_file_action = menu.addAction("To a file…")
        self.burn_button.setMenu(menu)
        for button in (self.still_button, self.burn_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.burn_progress = QProgressBar()
        self.burn_progress.setRange(0, 100)
        self.burn_progress.setMaximumWidth(140)
        self.burn_progress.hide()
        self.bar.layout().addWidget(self.burn_progress)  # type: ignore[union-attr]
        self.save_label = QLabel("")
        self.save_label.setObjectName("mutedLabel")
        self.bar.layout().addWidget(self.save_label)  # type: ignore[union-attr]
        self.clip: Path | None = None
        self.log_dialog: LogSessionDialog | None = None
        self._saving = 0
        self._burn_task: Task | None = None
        self._shortcuts()
        self._wire()

    def _shortcuts(self) -> None:
        def action(keys: list[QKeySequence], slot: Any) -> QAction:
            act = QAction(self.window)
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.window.addAction(act)
            return act

        for tool, _text, key in TOOLS:
            action([QKeySequence(key)], lambda _=False, t=tool: self.bar.choose(t))
        action(
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
            self.editor.delete_selected,
        )
        action([QKeySequence(QKeySequence.StandardKey.Undo)], self.editor.undo)
        action(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")],
            self.editor.redo,
        )

    def _wire(self) -> None:
        self.editor.changed.connect(self._on_editor_changed)
        self.panel.seek_requested.connect(self._on_panel_seek_requested)
        self.panel.result_ready.connect(self._on_panel_result_ready)
        self.panel.marking_changed.connect(self._on_panel_marking_changed)
        self.panel.log_button.clicked.connect(self.offer_to_log)
        self.still_button.clicked.connect(self._on_still_button_clicked)
        self.burn_to_session_action.triggered.connect(self.burn_to_session)
        self.burn_to_file_action.triggered.connect(self._on_burn_to_file_action_triggered)

    # --- loading and saving ---------------------------------------------------------------------

    def clip_ready(self, clip: Path) -> None:
        self.clip = clip
        self.panel.set_clip(clip, self.player.duration / 1000)
        task = self._runner.read(self._backend.clip_annotations, self._coach.id, self.row.media_id)
        task.succeeded.connect(self._on_load_task_succeeded)
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_load_task_succeeded(self, annotations: ClipAnnotations) -> None:
        self.editor.load(annotations.drawings)
        self.panel.show_stored(annotations.bar_path)
        self.panel.set_clip(self.clip or Path(), self.player.duration / 1000)
        self.loaded.emit()

    @Slot()
    def _on_editor_changed(self) -> None:
        size = self.player.view.image.size()
        drawings: tuple[Drawing, ...] = self.editor.drawings
        self._saving += 1
        self.save_label.setText("Saving…")
        task = self._runner.write(
            self._backend.save_clip_drawings,
            self._coach.id,
            self.row.media_id,
            drawings,
            size.width(),
            size.height(),
        )
        # What was sent is what is stored now (the history's drawings are already rounded
        # as stored), so an edit made while this save ran still counts as unsaved.
        task.succeeded.connect(lambda _: self.editor.history.mark_saved(drawings))
        task.failed.connect(self._on_task_failed)
        task.finished.connect(self._on_save_task_finished)

    @Slot()
    def _on_save_task_finished(self) -> None:
        self._saving -= 1
        if self._saving == 0:
            self.save_label.setText("Drawings saved" if not self.editor.history.dirty else "")
            if not self.editor.history.dirty:
                self.saved.emit()

    @Slot(object)
    def _on_panel_result_ready(self, result: dict[str, Any]) -> None:
        task = self._runner.write(
            self._backend.save_clip_bar_path, self._coach.id, self.row.media_id, result
        )
        task.failed.connect(self._on_task_failed)

    @Slot(object)
    def _on_task_failed(self, error: KnownError) -> None:
        self.save_label.setText("")
        self.failed.emit(str(error))

    @Slot(int)
    def _on_panel_seek_requested(self, ms: int) -> None:
        self.player.pause()
        self.player.seek(ms)

    @Slot(bool)
    def _on_panel_marking_changed(self, marking: bool) -> None:
        self.editor.enabled = not marking

    # --- the bar speed, offered to the session's log ----------------------------------------------

    @Slot()
    def offer_to_log(self) -> Task | None:
        """Open the session's log for the student with the best rep's bar speed in its notes;
        the coach reads it and saves (or not) as for any log."""
        if self.panel.analysis is None or bar_path.bar_speed_note(self.panel.analysis) is None:
            return None
        task = self._runner.read(
            self._backend.student_progress, self._coach.id, self.row.student_id
        )
        task.succeeded.connect(self._on_progress_task_succeeded)
        task.failed.connect(self._on_task_failed)
        return task

    @Slot(object)
    def _on_progress_task_succeeded(self, progress: StudentProgress) -> None:
        analysis = self.panel.analysis
        note = bar_path.bar_speed_note(analysis) if analysis is not None else None
        if note is None:
            return
        dialog = LogSessionDialog(
            self._backend,
            self._runner,
            self._coach,
            progress,
            self.row.session_id,
            parent=self.window,
        )
        notes = dialog.notes_edit.toPlainText().rstrip()
        dialog.notes_edit.setPlainText(f"{notes}\n{note}" if notes else note)
        self.log_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.log_offered.emit(dialog)

    # --- exports --------------------------------------------------------------------------------

    def export_still(self, path: Path) -> Path:
        """The frame on screen with the drawings shown at its time, as a PNG at `path`."""
        view = self.player.view
        image = still_with_drawings(view.image, self.editor.drawings, view.time_s)
        # The stubs ask for bytes; PySide itself takes the format as str.
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
            raise OSError(f"could not write {path}")
        self.still_exported.emit(path)
        return path

    @Slot()
    def _on_still_button_clicked(self) -> None:
        self._ask_file("Save the still", "still.png", "PNG image (*.png)", self._on_still_chosen)

    def _ask_file(self, title: str, name: str, filters: str, slot: Any) -> None:
        dialog = QFileDialog(self.window, title, name, filters)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(slot)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot(str)
    def _on_still_chosen(self, name: str) -> None:
        try:
            self.export_still(Path(name))
        except OSError as err:
            self.failed.emit(f"The still could not be saved ({err}). Choose another folder.")
            return
        self.save_label.setText(f"Saved {Path(name).name}")

    def burn_to_file(self, path: Path) -> Task | None:
        return self._burn(path, store=False)

    @Slot()
    def burn_to_session(self) -> Task | None:
        folder = Path(tempfile.mkdtemp(prefix="gbf-drawn-"))
        return self._burn(folder / "with-drawings.mp4", store=True)

    @Slot()
    def _on_burn_to_file_action_triggered(self) -> None:
        self._ask_file(
            "Save the clip with its drawings",
            "with-drawings.mp4",
            "MP4 video (*.mp4)",
            lambda name: self.burn_to_file(Path(name)),
        )

    def _burn(self, output: Path, *, store: bool) -> Task | None:
        if self.clip is None or self._burn_task is not None:
            return None
        self.burn_progress.setValue(0)
        self.burn_progress.show()
        self.burn_button.setEnabled(False)
        task = self._runner.read(
            burn_in_job, self.clip, frame_painter(self.editor.drawings), output
        )
        task.progressed.connect(self._on_burn_task_progressed)
        task.succeeded.connect(self._on_burn_task_stored if store else self._on_burn_task_succeeded)
        task.failed.connect(self._on_burn_task_failed)
        task.finished.connect(self._on_burn_task_finished)
        self._burn_task = task
        return task

    @Slot(object)
    def _on_burn_task_progressed(self, fraction: float) -> None:
        self.burn_progress.setValue(round(100 * fraction))

    @Slot(object)
    def _on_burn_task_succeeded(self, ready: ReadyClip) -> None:
        self.save_label.setText(f"Saved {ready.path.name}")
        self.burned.emit(ready)

    @Slot(object)
    def _on_burn_task_stored(self, ready: ReadyClip) -> None:
        task = self._runner.write(
            store_job,
            self._backend,
            self._coach.id,
            self.row.student_id,
            self.row.session_id,
            ready,
        )
        task.succeeded.connect(self._on_store_task_succeeded)
        task.failed.connect(self._on_burn_task_failed)
        task.finished.connect(lambda: ready.path.unlink(missing_ok=True))

    @Slot(object)
    def _on_store_task_succeeded(self, stored: StoredClip) -> None:
        self.save_label.setText("Stored on the session as a new clip")
        self.burned.emit(stored)

    @Slot(object)
    def _on_burn_task_failed(self, error: KnownError) -> None:
        self.failed.emit(str(error))

    @Slot()
    def _on_burn_task_finished(self) -> None:
        self._burn_task = None
        self.burn_progress.hide()
        self.burn_button.setEnabled(True)
