"""Clips not stored yet, offered at the start: store each on a session, export it, or discard it.

A take (`services.takes`) outlives the dialog it was made in: the coach closed the recorder
without storing, or the app was stopped or killed mid-store. At the next start `offer_takes` asks
the backend, off the GUI thread, which takes remain (sweeping partial files and settling
interrupted stores on the way) and, when there are any, opens `TakesDialog` over the window.

Discarding deletes the coach's work, so it asks twice: the first click arms the button and says
that the clip will be deleted, the second (on the same take) deletes it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.services.backend import Backend
from gbf_desktop.services.takes import Take, TakeStore
from gbf_desktop.ui.clips.attach import AttachDialog, named
from gbf_desktop.ui.kit.formatting import human_size
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, check_clip

_ID_ROLE = Qt.ItemDataRole.UserRole


def take_cells(take: Take, now: datetime | None = None) -> tuple[str, str, str, str]:
    """The take's row: what it is, when it was made, how long, how big."""
    made = take.created_at.astimezone()
    today = (now or datetime.now(made.tzinfo)).date()
    when = f"{made:%H:%M}" if made.date() == today else f"{made:%d %b %Y, %H:%M}"
    length = f"{take.duration_s:.1f} s" if take.duration_s is not None else "—"
    what = take.label + (" (damaged source)" if take.warnings else "")
    return what, when, length, human_size(take.size_bytes)


def suggested_file_name(take: Take) -> str:
    stem = Path(take.source_name).stem if take.source_name else "clip"
    return f"{stem}-{take.created_at.astimezone():%Y%m%d-%H%M}.mp4"


class TakesDialog(QDialog):
    """The takes never stored, one row each; signals `stored(StoredClip)` for each one stored."""

    stored = Signal(object)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        takes: list[Take],
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert backend.takes is not None, "takes come from a backend with a take store"
        self._backend = backend
        self._store: TakeStore = backend.takes
        self._runner = runner
        self._coach_id = coach_id
        self._takes = {take.id: take for take in takes}
        self._armed: str | None = None
        # The outcome of the last export, shown until the coach picks another clip.
        self._notice: str | None = None
        self._task: Task | None = None
        self.attach_dialog: AttachDialog | None = None

        self.setWindowTitle("Clips not stored yet")
        self.setMinimumSize(680, 380)
        title = named(QLabel("Clips not stored yet"), "dialogTitle")
        subtitle = named(
            QLabel(
                "These clips were recorded or imported but never stored: the app was closed or "
                "stopped first. Store each on a session, save it as a file, or discard it."
            ),
            "dialogSubtitle",
        )
        subtitle.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(["Clip", "Made", "Length", "Size"])
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setColumnWidth(0, 270)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 80)
        self.status_label = named(QLabel(), "mutedLabel")
        self.status_label.setWordWrap(True)
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.store_button = named(QPushButton("Store on a session…"), "primaryButton")
        self.export_button = QPushButton("Export…")
        self.discard_button = QPushButton("Discard")
        self.close_button = QPushButton("Decide later")
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.store_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._fill()
        self._wire()

    def _wire(self) -> None:
        self.table.currentItemChanged.connect(self._on_table_current_changed)
        self.store_button.clicked.connect(self._on_store_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)
        self.close_button.clicked.connect(self.reject)

    # --- what the coach sees -----------------------------------------------------------------

    def _fill(self) -> None:
        self.table.clear()
        for take in self._takes.values():
            item = QTreeWidgetItem(list(take_cells(take)))
            item.setData(0, _ID_ROLE, take.id)
            if take.warnings:
                item.setToolTip(0, " ".join(take.warnings))
            self.table.addTopLevelItem(item)
        first = self.table.topLevelItem(0)
        if first is not None:
            self.table.setCurrentItem(first)
        self._update()

    def rows(self) -> list[tuple[str, ...]]:
        """The table's text, row by row, as the coach reads it."""
        rows = []
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            assert item is not None
            rows.append(tuple(item.text(column) for column in range(4)))
        return rows

    @property
    def current(self) -> Take | None:
        item = self.table.currentItem()
        return None if item is None else self._takes.get(str(item.data(0, _ID_ROLE)))

    def select(self, take_id: str) -> None:
        for index in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(index)
            if item is not None and item.data(0, _ID_ROLE) == take_id:
                self.table.setCurrentItem(item)

    def _update(self) -> None:
        chosen = self.current is not None
        busy = self._task is not None and not self._task.is_done
        for button in (self.store_button, self.export_button, self.discard_button):
            button.setEnabled(chosen and not busy)
        armed = chosen and self._armed == (self.current.id if self.current else None)
        self.discard_button.setText("Delete for good" if armed else "Discard")
        count = len(self._takes)
        self.status_label.setText(
            "The clip will be deleted from this computer; click Delete for good to confirm."
            if armed
            else self._notice
            if self._notice
            else f"{count} clip{'s' if count != 1 else ''} waiting."
            if count
            else "Nothing left to decide."
        )

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _remove(self, take_id: str) -> None:
        self._takes.pop(take_id, None)
        self._armed = None
        self._fill()
        if not self._takes:
            self.accept()

    @Slot()
    def _on_table_current_changed(self) -> None:
        self._armed = None
        self._notice = None
        self._show_error("")
        self._update()

    # --- store -------------------------------------------------------------------------------

    @Slot()
    def _on_store_button_clicked(self) -> None:
        take = self.current
        if take is None:
            return
        task = self._runner.read(check_clip, take.path)
        task.succeeded.connect(
            lambda clip, take=take: self._open_attach(replace(clip, warnings=take.warnings))
        )
        self._watch(task)

    def _open_attach(self, clip: ReadyClip) -> None:
        self.attach_dialog = AttachDialog(
            self._backend, self._runner, self._coach_id, clip, parent=self
        )
        self.attach_dialog.stored.connect(self._on_attach_dialog_stored)
        self.attach_dialog.open()

    @Slot(object)
    def _on_attach_dialog_stored(self, stored: object) -> None:
        take = self.current
        self.stored.emit(stored)
        if take is not None:
            self._remove(take.id)

    # --- export ------------------------------------------------------------------------------

    @Slot()
    def _on_export_button_clicked(self) -> None:
        take = self.current
        if take is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the clip", suggested_file_name(take), "MP4 video (*.mp4)"
        )
        if path:
            self.export_to(take, Path(path))

    def export_to(self, take: Take, destination: Path) -> Task:
        """Copy `take` to `destination` (what Export does once a file name is chosen)."""
        task = self._runner.write(self._store.export, take, destination)
        task.succeeded.connect(self._on_export_succeeded)
        self._watch(task)
        return task

    @Slot(object)
    def _on_export_succeeded(self, path: Path) -> None:
        self._notice = f"Saved as {path}. The clip is still here until you store it."
        self._update()

    # --- discard -----------------------------------------------------------------------------

    @Slot()
    def _on_discard_button_clicked(self) -> None:
        take = self.current
        if take is None:
            return
        if self._armed != take.id:
            self._armed = take.id
            self._update()
            return
        task = self._runner.write(self._store.discard, take)
        task.succeeded.connect(lambda _none, take_id=take.id: self._remove(take_id))
        self._watch(task)

    # --- tasks -------------------------------------------------------------------------------

    def _watch(self, task: Task) -> None:
        self._task = task
        self._show_error("")
        task.failed.connect(self._on_task_failed)
        task.finished.connect(self._on_task_finished)
        self._update()

    @Slot(object)
    def _on_task_failed(self, error: Exception) -> None:
        self._show_error(str(error))

    @Slot()
    def _on_task_finished(self) -> None:
        self._task = None
        self._update()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_done


def offer_takes(
    parent: QWidget, backend: Backend, runner: TaskRunner, coach_id: str
) -> Task | None:
    """At the start: find the takes never stored and, if any, open `TakesDialog` over `parent`.

    Returns the look-up task (None without a take store); the dialog is a child of `parent`.
    """
    if backend.takes is None:
        return None
    task = runner.read(backend.recover_takes)

    def show(takes: list[Take]) -> None:
        if not takes:
            return
        dialog = TakesDialog(backend, runner, coach_id, takes, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    task.succeeded.connect(show)
    return task
