"""Assign a program to some of the coach's students, or take it back from one.

The students come from the coach's list; those who already have the program are shown checked,
with when they got it, and cannot be assigned twice (the service would skip them anyway). What
the service answers ("Assigned to ...", "Already assigned to ...") is shown as it is.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.schedule import next_monday
from gbf_desktop.errors import KnownError
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.programs import AssignmentReport, AssignmentView, SchedulePreview
from gbf_desktop.services.review import StudentRow
from gbf_desktop.ui.kit.formatting import short_date
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.workers.tasks import Task, TaskRunner

STUDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ASSIGNMENT_ROLE = Qt.ItemDataRole.UserRole + 2


class AssignDialog(AsksBeforeDiscard, QDialog):
    def __init__(  # noqa: PLR0915 - the whole dialog is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        program: tuple[str, str],
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        """`program` is the (id, title) of the program to assign; the start defaults to the
        Monday after `today`."""
        super().__init__(parent)
        program_id, program_title = program
        self._backend = backend
        self._runner = runner
        self._coach_id = coach_id
        self._program_id = program_id
        self._tasks: set[Task] = set()
        self._students: tuple[StudentRow, ...] | None = None
        self._assignments: tuple[AssignmentView, ...] | None = None
        self.confirm_box: QMessageBox | None = None
        self._program_title = program_title
        # After an assignment, the list reloads: what it shows then is the new opening state.
        self._settle_after_fill = False
        self.setWindowTitle(f"Assign {program_title}")
        self.setMinimumSize(520, 460)

        intro = QLabel(
            f"Tick the students who should follow <b>{program_title}</b>. Each gets a "
            "notification, as when you assign it on the web."
        )
        intro.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.list_view = QListView()
        self.list_view.setObjectName("assignList")
        self.list_view.setModel(self.model)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._build_schedule_fields(next_monday(today or date.today()))
        self.message_label = QLabel("Loading your students…")
        self.message_label.setObjectName("mutedLabel")
        self.message_label.setWordWrap(True)
        self.assign_button = QPushButton("Assign")
        self.assign_button.setObjectName("primaryButton")
        self.unassign_button = QPushButton("Unassign selected")
        buttons = QHBoxLayout()
        buttons.addWidget(self.unassign_button)
        buttons.addStretch(1)
        buttons.addWidget(self.assign_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        schedule = QFormLayout()
        schedule.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        schedule.addRow("Starts on", self.start_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(schedule)
        layout.addWidget(self.schedule_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        layout.addWidget(close)

        self.assign_button.clicked.connect(self._on_assign_button_clicked)
        self.unassign_button.clicked.connect(self._on_unassign_button_clicked)
        self.model.itemChanged.connect(self._on_model_item_changed)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        close.rejected.connect(self.reject)
        self._update_buttons()
        self.mark_unchanged()

    def entered(self) -> object:
        return (tuple(self.checked_students()), self.start)

    def unsaved_text(self) -> str:
        ticked = [
            item.text()
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked and item.data(ASSIGNMENT_ROLE) is None
        ]
        start = f"{self.start:%a %d %b %Y}"
        if not ticked:
            return f"the start day you picked ({start})"
        return f"the assignment of {self._program_title} to {', '.join(ticked)}, from {start}"

    def unsaved_detail(self) -> str:
        return "Nothing is assigned until you press Assign."

    def _build_schedule_fields(self, start: date) -> None:
        self._preview_task: Task | None = None
        self.start_edit = QDateEdit(QDate(start.year, start.month, start.day))
        self.start_edit.setObjectName("startEdit")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("ddd d MMM yyyy")
        self.start_edit.setMinimumWidth(160)
        self.schedule_label = QLabel("")
        self.schedule_label.setObjectName("mutedLabel")
        self.schedule_label.setWordWrap(True)
        self.warning_label = QLabel("")
        self.warning_label.setObjectName("warningLabel")
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()
        self.start_edit.dateChanged.connect(self._on_start_edit_date_changed)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def start(self) -> date:
        picked = self.start_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def set_start(self, day: date) -> None:
        self.start_edit.setDate(QDate(day.year, day.month, day.day))

    def refresh(self) -> None:
        self._students = None
        self._assignments = None
        students = self._start(self._runner.read(self._backend.students, self._coach_id))
        students.succeeded.connect(self._on_students_task_succeeded)
        self._load_assignments()
        self.preview_schedule()

    def preview_schedule(self) -> None:
        """Ask what the start day gives for the ticked students (dates, overlaps); no write."""
        if self._preview_task is not None:
            self._preview_task.cancel()
        task = self._runner.read(
            self._backend.schedule_preview,
            self._coach_id,
            self._program_id,
            self.checked_students(),
            self.start,
        )
        task.succeeded.connect(self._on_preview_schedule_task_succeeded)
        task.failed.connect(self._on_task_failed)
        self._preview_task = task

    @Slot(object)
    def _on_preview_schedule_task_succeeded(self, preview: SchedulePreview) -> None:
        if self.sender() is not self._preview_task:
            return  # an answer for a start or a choice that has changed since
        self._preview_task = None
        if preview.first is None or preview.last is None:
            self.schedule_label.setText("This program has no sessions to date yet.")
        else:
            self.schedule_label.setText(
                f"{preview.sessions} sessions, dated from {preview.first:%a %d %b} to "
                f"{preview.last:%a %d %b %Y} on the program's weekly pattern."
            )
        self.warning_label.setText(preview.warning)
        self.warning_label.setVisible(bool(preview.warning))

    def _load_assignments(self) -> None:
        task = self._start(
            self._runner.read(self._backend.program_assignments, self._coach_id, self._program_id)
        )
        task.succeeded.connect(self._on_assignments_task_succeeded)

    def _start(self, task: Task) -> Task:
        task.failed.connect(self._on_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        self._tasks.add(task)
        self._update_buttons()
        return task

    def checked_students(self) -> list[str]:
        """Students ticked who do not have the program yet."""
        return [
            str(item.data(STUDENT_ID_ROLE))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked and item.data(ASSIGNMENT_ROLE) is None
        ]

    def set_checked(self, student_id: str, on: bool) -> None:
        for item in self._items():
            if item.data(STUDENT_ID_ROLE) == student_id and item.isCheckable():
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def select_student(self, student_id: str) -> None:
        for row, item in enumerate(self._items()):
            if item.data(STUDENT_ID_ROLE) == student_id:
                self.list_view.setCurrentIndex(self.model.index(row, 0))

    def _items(self) -> list[QStandardItem]:
        return [self.model.item(row) for row in range(self.model.rowCount())]

    def _fill(self) -> None:
        if self._students is None or self._assignments is None:
            return
        by_student = {a.student_id: a for a in self._assignments}
        current = self.list_view.currentIndex().row()
        self.model.blockSignals(True)
        self.model.clear()
        for student in self._students:
            assignment = by_student.get(student.id)
            item = QStandardItem(student.name)
            item.setData(student.id, STUDENT_ID_ROLE)
            item.setEditable(False)
            if assignment is not None:
                item.setText(f"{student.name}  —  assigned {short_date(assignment.assigned_at)}")
                item.setData(assignment.assignment_id, ASSIGNMENT_ROLE)
                item.setCheckState(Qt.CheckState.Checked)
                item.setCheckable(False)
                item.setToolTip("Already has this program; select it to unassign")
            else:
                item.setCheckable(True)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setToolTip(student.email)
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.list_view.reset()
        if 0 <= current < self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(current, 0))
        had = len(by_student)
        if self.message_label.text().startswith("Loading"):
            self.message_label.setText(
                f"{had} of your {len(self._students)} students have this program."
                if self._students
                else "You have no students yet."
            )
        self._update_buttons()
        if self._settle_after_fill:
            self._settle_after_fill = False
            self.mark_unchanged()

    def _update_buttons(self) -> None:
        self.assign_button.setEnabled(not self.busy and bool(self.checked_students()))
        index = self.list_view.currentIndex()
        assigned = index.isValid() and index.data(ASSIGNMENT_ROLE) is not None
        self.unassign_button.setEnabled(not self.busy and assigned)

    @Slot(object)
    def _on_students_task_succeeded(self, students: tuple[StudentRow, ...]) -> None:
        self._students = students
        self._fill()

    @Slot(object)
    def _on_assignments_task_succeeded(self, assignments: tuple[AssignmentView, ...]) -> None:
        self._assignments = assignments
        self._fill()

    @Slot(QStandardItem)
    def _on_model_item_changed(self, _item: QStandardItem) -> None:
        self._update_buttons()
        self.preview_schedule()

    @Slot(QDate)
    def _on_start_edit_date_changed(self, _day: QDate) -> None:
        self.preview_schedule()

    @Slot()
    def _on_list_current_changed(self) -> None:
        self._update_buttons()

    @Slot()
    def _on_assign_button_clicked(self) -> None:
        chosen = self.checked_students()
        if not chosen:
            return
        task = self._start(
            self._runner.write(
                self._backend.assign_program,
                self._coach_id,
                self._program_id,
                chosen,
                start=self.start,
            )
        )
        task.succeeded.connect(self._on_assign_task_succeeded)

    @Slot(object)
    def _on_assign_task_succeeded(self, report: AssignmentReport) -> None:
        text = report.message
        if report.assigned:
            text += f" Sessions dated from {self.start:%a %d %b %Y}."
        self.message_label.setText(text)
        self._settle_after_fill = True
        self._load_assignments()

    @Slot()
    def _on_unassign_button_clicked(self) -> None:
        assignment_id = self.list_view.currentIndex().data(ASSIGNMENT_ROLE)
        if assignment_id is None:
            return
        task = self._start(
            self._runner.read(self._backend.unassign_preview, self._coach_id, str(assignment_id))
        )
        task.succeeded.connect(self._on_preview_task_succeeded)

    @Slot(object)
    def _on_preview_task_succeeded(self, view: AssignmentView) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unassign program",
            f"Unassign {view.program_title} from {view.student_name}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(view.unassign_message)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._on_unassign_answered(result, view))
        self.confirm_box = box
        box.open()

    def _on_unassign_answered(self, result: int, view: AssignmentView) -> None:
        self.confirm_box = None
        if result != QMessageBox.StandardButton.Yes:
            return
        task = self._start(
            self._runner.write(self._backend.unassign, self._coach_id, view.assignment_id)
        )
        task.succeeded.connect(self._on_unassign_task_succeeded)

    @Slot(object)
    def _on_unassign_task_succeeded(self, view: AssignmentView) -> None:
        self.message_label.setText(f"Unassigned {view.program_title} from {view.student_name}.")
        self._load_assignments()

    @Slot(object)
    def _on_task_failed(self, error: KnownError) -> None:
        self.message_label.setText(str(error))

    @Slot(object)
    def _on_task_crashed(self, _error: BaseException) -> None:
        self.message_label.setText("A bug in the app stopped this; nothing was changed.")

    @Slot()
    def _on_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._tasks.discard(task)
        self._update_buttons()
