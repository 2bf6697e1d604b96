"""Attach to session: pick one of the coach's students and a session of their programs, then store.

The choices load on the read pool; storing runs on the write pool (writes never race) as a
generator task, so the progress bar follows the bytes and Cancel rolls the transaction back.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import TypeVar

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.services.backend import Backend
from gbf_desktop.services.media import (
    AttachChoices,
    SessionChoice,
    SessionExerciseContext,
    StoredClip,
    StoreProgress,
    grouped_newest_first,
    nearest_session,
)
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import ReadyClip, store_job

_SESSION_ROLE = Qt.ItemDataRole.UserRole + 1

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """`widget` with an object name, which is how the style sheet picks its look."""
    widget.setObjectName(name)
    return widget


class JobProgress(QWidget):
    """A labelled progress bar with a Cancel button, hidden while nothing runs."""

    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = named(QLabel(), "mutedLabel")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        # Busy indicator until the first figure arrives.
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def set_fraction(self, fraction: float | None, text: str | None = None) -> None:
        if text is not None:
            self.label.setText(text)
        if fraction is None:
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * 1000))

    @property
    def fraction(self) -> float:
        return self.bar.value() / 1000 if self.bar.maximum() else 0.0


def session_text(choice: SessionChoice) -> str:
    title = choice.session_title or "Untitled session"
    return f"{title} · Week {choice.week_number}"


def session_detail(choice: SessionChoice) -> str:
    parts = [choice.program_title]
    if choice.block_title:
        parts.append(choice.block_title)
    return " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} ".join(parts)


def status_text(choice: SessionChoice) -> str:
    logged = "Logged" if choice.logged else "Not logged yet"
    if choice.clip_count:
        return f"{logged} · {choice.clip_count} clip{'s' if choice.clip_count > 1 else ''}"
    return logged


WHOLE_SESSION = "The whole session"


def exercise_text(index: int, item: SessionExerciseContext) -> str:
    return f"{index + 1}. {item.exercise_name}"


class AttachDialog(AsksBeforeDiscard, QDialog):
    """Store `clip` on a session of one of the coach's students; `stored` carries the new row."""

    stored = Signal(object)  # StoredClip

    def __init__(  # noqa: PLR0915 - the whole dialog is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        clip: ReadyClip,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today or date.today()
        self._backend = backend
        self._runner = runner
        self._coach_id = coach_id
        self.clip = clip
        self._choices: AttachChoices | None = None
        self._load_task: Task | None = None
        self._exercises_task: Task | None = None
        self._store_task: Task | None = None
        self.result_clip: StoredClip | None = None

        self.setWindowTitle("Attach to session")
        self.setMinimumSize(720, 520)
        title = named(QLabel("Attach to session"), "dialogTitle")
        subtitle = named(
            QLabel(
                f"{clip.duration_s:.1f} s clip, {human_size(clip.size_bytes)}, "
                f"{clip.width}\N{MULTIPLICATION SIGN}{clip.height}"
            ),
            "dialogSubtitle",
        )
        # A damaged source was patched over: said before the coach stores what came out.
        self.warning_label = named(QLabel(" ".join(clip.warnings)), "errorLabel")
        self.warning_label.setWordWrap(True)
        self.warning_label.setVisible(bool(clip.warnings))
        self.student_combo = QComboBox()
        self.student_combo.setPlaceholderText("Loading students…")
        self.sessions = QTreeWidget()
        # Program, then week (the latest first), then its sessions; it opens on today's or the
        # nearest session, the one a clip filmed now most likely belongs to.
        self.sessions.setHeaderLabels(["Session", "Program", "Date", "Status"])
        self.sessions.setRootIsDecorated(True)
        self.sessions.setUniformRowHeights(True)
        self.sessions.setColumnWidth(0, 230)
        self.sessions.setColumnWidth(1, 170)
        self.sessions.setColumnWidth(2, 150)
        # One exercise of the session, or the whole session: a clip attached to an exercise is
        # linked as the web links an upload (the entry's `videos` and the row's).
        self.exercise_combo = QComboBox()
        self.exercise_combo.addItem(WHOLE_SESSION, None)
        self.exercise_combo.setEnabled(False)
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.progress = JobProgress()
        self.store_button = named(QPushButton("Store clip"), "primaryButton")
        self.store_button.setEnabled(False)
        self.close_button = QPushButton("Close")

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.store_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.warning_label)
        layout.addWidget(QLabel("Student"))
        layout.addWidget(self.student_combo)
        layout.addWidget(QLabel("Session"))
        layout.addWidget(self.sessions, 1)
        layout.addWidget(QLabel("Exercise"))
        layout.addWidget(self.exercise_combo)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._wire()
        self._load()

    def _wire(self) -> None:
        self.student_combo.currentIndexChanged.connect(self._on_student_combo_changed)
        self.sessions.itemSelectionChanged.connect(self._on_sessions_selection_changed)
        self.sessions.itemDoubleClicked.connect(self._on_sessions_double_clicked)
        self.store_button.clicked.connect(self._on_store_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.progress.cancel_clicked.connect(self._on_progress_cancel_clicked)

    # --- loading -----------------------------------------------------------------------------

    def _load(self) -> None:
        task = self._runner.read(self._backend.attach_choices, self._coach_id)
        task.succeeded.connect(self._on_load_succeeded)
        task.failed.connect(self._on_task_failed)
        self._load_task = task

    @property
    def loading(self) -> bool:
        return self._load_task is not None and not self._load_task.is_done

    @property
    def busy(self) -> bool:
        return self._store_task is not None and not self._store_task.is_done

    @Slot(object)
    def _on_load_succeeded(self, choices: AttachChoices) -> None:
        self._choices = choices
        self.student_combo.clear()
        if not choices.students:
            self.student_combo.setPlaceholderText("No students")
            self._show_error("You have no students yet, so there is nowhere to attach the clip.")
            return
        for student in choices.students:
            self.student_combo.addItem(f"{student.name}  ({student.email})", student.student_id)
        self.student_combo.setCurrentIndex(0)
        # Opened on the first student's nearest session: what the coach changes from here counts.
        self.mark_unchanged()

    @Slot(int)
    def _on_student_combo_changed(self, index: int) -> None:
        self.sessions.clear()
        if self._choices is None or index < 0:
            return
        student = self._choices.students[index]
        programs: dict[str, QTreeWidgetItem] = {}
        for group in grouped_newest_first(student.sessions):
            program = programs.get(group.program_id)
            if program is None:
                program = QTreeWidgetItem([group.program_title])
                program.setFlags(Qt.ItemFlag.ItemIsEnabled)
                programs[group.program_id] = program
                self.sessions.addTopLevelItem(program)
            week = QTreeWidgetItem([f"Week {group.week_number}", group.block_title or "", "", ""])
            week.setFlags(Qt.ItemFlag.ItemIsEnabled)
            program.addChild(week)
            for choice in group.sessions:
                item = QTreeWidgetItem(
                    [
                        session_text(choice),
                        session_detail(choice),
                        short_date(choice.session_date) if choice.session_date else "No date",
                        status_text(choice),
                    ]
                )
                item.setData(0, _SESSION_ROLE, choice)
                week.addChild(item)
        self.sessions.expandAll()
        nearest = nearest_session(student.sessions, self._today)
        if nearest is not None:
            self._select_session(nearest.session_id)
        if not student.sessions:
            self._show_error(f"{student.name} has no program assigned, so no session to pick.")
        else:
            self.error_label.hide()
        self._update_buttons()

    def select(self, student_id: str, session_id: str) -> None:
        """Pick a student and session, as a click would (for callers that already know them)."""
        index = self.student_combo.findData(student_id)
        if index < 0:
            raise LookupError(f"student {student_id} is not among the choices")
        self.student_combo.setCurrentIndex(index)
        if not self._select_session(session_id):
            raise LookupError(f"session {session_id} is not among the student's sessions")

    def _session_items(self) -> list[QTreeWidgetItem]:
        found = []
        stack = [self.sessions.topLevelItem(i) for i in range(self.sessions.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            if isinstance(item.data(0, _SESSION_ROLE), SessionChoice):
                found.append(item)
            stack[:0] = [item.child(i) for i in range(item.childCount())]
        return found

    def session_count(self) -> int:
        return len(self._session_items())

    def session_rows(self) -> list[tuple[str, ...]]:
        """What the tree shows, session rows only, top to bottom (the cells' text)."""
        return [tuple(item.text(c) for c in range(4)) for item in self._session_items()]

    def _select_session(self, session_id: str) -> bool:
        for item in self._session_items():
            if item.data(0, _SESSION_ROLE).session_id == session_id:
                self.sessions.setCurrentItem(item)
                self.sessions.scrollToItem(item)
                return True
        return False

    def selected_session(self) -> SessionChoice | None:
        item = self.sessions.currentItem()
        if item is None or not item.isSelected():
            return None
        choice = item.data(0, _SESSION_ROLE)
        return choice if isinstance(choice, SessionChoice) else None

    @Slot()
    def _on_sessions_selection_changed(self) -> None:
        self.exercise_combo.clear()
        self.exercise_combo.addItem(WHOLE_SESSION, None)
        self.exercise_combo.setEnabled(False)
        choice = self.selected_session()
        if choice is not None:
            task = self._runner.read(
                self._backend.clip_exercise_choices, self._coach_id, choice.session_id
            )
            task.succeeded.connect(partial(self._on_exercises_loaded, choice.session_id))
            task.failed.connect(self._on_task_failed)
            self._exercises_task = task
        self._update_buttons()

    @property
    def loading_exercises(self) -> bool:
        return self._exercises_task is not None and not self._exercises_task.is_done

    def _on_exercises_loaded(
        self, session_id: str, exercises: tuple[SessionExerciseContext, ...]
    ) -> None:
        choice = self.selected_session()
        if choice is None or choice.session_id != session_id:
            return  # the coach picked another session meanwhile
        for index, item in enumerate(exercises):
            self.exercise_combo.addItem(
                exercise_text(index, item), (item.exercise_id, item.position)
            )
        self.exercise_combo.setEnabled(bool(exercises) and not self.busy)
        if exercises:
            # A clip shows one exercise: the first of the session until the coach picks another,
            # so it is linked to that entry as the web links an upload.
            self.exercise_combo.setCurrentIndex(1)

    def select_exercise(self, exercise_id: str) -> None:
        """Pick one exercise of the selected session, as the combo would."""
        for index in range(self.exercise_combo.count()):
            data = self.exercise_combo.itemData(index)
            if isinstance(data, tuple) and data[0] == exercise_id:
                self.exercise_combo.setCurrentIndex(index)
                return
        raise LookupError(f"exercise {exercise_id} is not in the selected session")

    @Slot(QTreeWidgetItem, int)
    def _on_sessions_double_clicked(self, _item: QTreeWidgetItem, _column: int) -> None:
        if self.store_button.isEnabled():
            self._on_store_button_clicked()

    def _update_buttons(self) -> None:
        self.store_button.setEnabled(not self.busy and self.selected_session() is not None)
        self.student_combo.setEnabled(not self.busy)
        self.sessions.setEnabled(not self.busy)
        self.exercise_combo.setEnabled(not self.busy and self.exercise_combo.count() > 1)

    # --- storing -----------------------------------------------------------------------------

    @Slot()
    def _on_store_button_clicked(self) -> None:
        choice = self.selected_session()
        student_id = self.student_combo.currentData()
        if choice is None or not isinstance(student_id, str) or self.busy:
            return
        self.error_label.hide()
        exercise = self.exercise_combo.currentData()
        task = self._runner.write(
            store_job,
            self._backend,
            self._coach_id,
            student_id,
            choice.session_id,
            self.clip,
            exercise=exercise if isinstance(exercise, tuple) else None,
        )
        task.progressed.connect(self._on_store_progressed)
        task.succeeded.connect(self._on_store_succeeded)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_store_cancelled)
        task.finished.connect(self._on_store_finished)
        self._store_task = task
        self.progress.start("Checking the clip…")
        self._update_buttons()

    @Slot(object)
    def _on_store_progressed(self, step: StoreProgress) -> None:
        verb = "Checking the clip" if step.stage == "checking" else "Storing"
        text = f"{verb}… {human_size(step.done_bytes)} of {human_size(step.total_bytes)}"
        # Checking is quick and local; sending is what takes time on a remote server.
        overall = 0.1 * step.fraction if step.stage == "checking" else 0.1 + 0.9 * step.fraction
        self.progress.set_fraction(overall, text)

    @Slot(object)
    def _on_store_succeeded(self, stored: StoredClip) -> None:
        self.result_clip = stored
        self.stored.emit(stored)
        self.accept()

    @Slot()
    def _on_store_cancelled(self) -> None:
        self._show_error("Storing was cancelled; nothing was saved.")

    @Slot()
    def _on_store_finished(self) -> None:
        self.progress.hide()
        self._update_buttons()

    @Slot()
    def _on_progress_cancel_clicked(self) -> None:
        if self._store_task is not None:
            self.progress.cancel_button.setEnabled(False)
            self.progress.label.setText("Cancelling…")
            self._store_task.cancel()

    @Slot(object)
    def _on_task_failed(self, error: Exception) -> None:
        self._show_error(str(error))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def entered(self) -> object:
        """The student, the session and the exercise picked; the exercise the dialog picks by
        itself (the session's first, once they load) is not the coach's pick."""
        choice = self.selected_session()
        automatic = 1 if self.exercise_combo.count() > 1 else 0
        exercise = self.exercise_combo.currentIndex()
        return (
            self.student_combo.currentData(),
            choice.session_id if choice is not None else None,
            None if exercise == automatic else self.exercise_combo.currentData(),
        )

    def unsaved_text(self) -> str:
        choice = self.selected_session()
        if choice is None:
            return "the session you picked for this clip"
        exercise = self.exercise_combo.currentText()
        where = session_text(choice) + ("" if exercise == WHOLE_SESSION else f", {exercise}")
        return f"the session you picked for this clip ({where})"

    def unsaved_detail(self) -> str:
        return "The clip is not stored yet."

    def reject(self) -> None:
        # Closing mid-store cancels it: the transaction rolls back, nothing half-written stays.
        if self._store_task is not None and not self._store_task.is_done:
            self._store_task.cancel()
            QDialog.reject(self)  # the coach stopped it: no question on top
            return
        super().reject()
