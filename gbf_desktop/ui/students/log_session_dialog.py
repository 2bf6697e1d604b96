"""Logging a session on a student's behalf: one form per exercise, by type, saved through
`Backend.log_session` (the web runner's JSON shape, never over a newer entry).

The form is prefilled with what the student already logged, else with the prescription (the
coach enters what happened and corrects only what differed). A save that meets a newer entry made
elsewhere is refused by the service; the dialog says who changed it and offers to reload, and it
keeps the session note the coach typed. While the dialog is open, the progress page's live refresh
calls `notice_newer` when it sees a newer entry, so the coach learns of it before saving.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.exercise_types import (
    AmrapPrescription,
    AmrapResult,
    CircuitPrescription,
    CircuitResult,
    CustomPrescription,
    CustomResult,
    EmomPrescription,
    EmomResult,
    ExerciseKind,
    RepCount,
    RepRange,
    Result,
    SetResult,
    StandardPrescription,
    StandardResult,
)
from gbf_desktop.domain.exercise_types import results as rs
from gbf_desktop.domain.exercise_types.fields import NumberRule
from gbf_desktop.domain.review import ExerciseReview
from gbf_desktop.errors import ConflictError, KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.logging_on_behalf import EXERCISE_STATUSES, ExerciseLog, SavedLog
from gbf_desktop.services.review import SessionDetail, StudentProgress
from gbf_desktop.ui.kit.prescription_text import prescription_line
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.workers.tasks import Task, TaskRunner

_BLANK = "\N{EN DASH}"
_STATUS_LABELS = {
    "completed": "Completed",
    "in_progress": "In progress",
    "skipped": "Skipped",
    "not_started": "Not done",
}
assert set(_STATUS_LABELS) == set(EXERCISE_STATUSES)
# Rows of the standard form start at this many sets when neither a log nor a prescription says.
_DEFAULT_SETS = 3
# Sets of a standard exercise and minutes of an EMOM: as many as a stored result may hold, so a
# result the web stored is shown, and saved back, whole.
_MAX_SETS = rs.MAX_ENTRIES
_MAX_MINUTES = rs.MAX_ENTRIES


def _without_arrows(box: QAbstractSpinBox) -> None:
    # Not ButtonSymbols.NoButtons: under any style sheet rule on spin boxes, Qt then lays the
    # text out 1 px wide and every value is invisible. The arrows stay, sized to nothing by the
    # style sheet's numberBox rule, and the text gets the whole box.
    box.setProperty("numberBox", True)


class IntField(QSpinBox):
    """A whole number that may be left blank (shown as a dash, read as None)."""

    def __init__(self, maximum: int, value: int | None = None, minimum: int = 0) -> None:
        super().__init__()
        # The value just below the minimum stands for "blank".
        self.setRange(minimum - 1, maximum)
        self.setSpecialValueText(_BLANK)
        _without_arrows(self)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(64)
        self.set(value)

    def set(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else value)

    def get(self) -> int | None:
        value = self.value()
        return None if value == self.minimum() else value


class FloatField(QDoubleSpinBox):
    """A decimal (kg, RPE) that may be left blank."""

    def __init__(
        self, maximum: float, value: float | None = None, *, minimum: float = 0.0, step: float = 0.5
    ) -> None:
        super().__init__()
        self.setDecimals(1 if step >= 0.5 else 2)
        self.setSingleStep(step)
        self.setRange(minimum - step, maximum)
        self.setSpecialValueText(_BLANK)
        _without_arrows(self)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(72)
        self.set(value)

    def set(self, value: float | None) -> None:
        self.setValue(self.minimum() if value is None else value)

    def get(self) -> float | None:
        value = self.value()
        return None if value <= self.minimum() else value


def _int_field(rule: NumberRule, value: int | None) -> IntField:
    """A box that accepts what the domain's rule accepts, and no more."""
    return IntField(int(rule.high), value, minimum=int(rule.low))


def _float_field(rule: NumberRule, value: float | None) -> FloatField:
    # A rule without a step takes any decimal; the arrows still move by half a unit.
    return FloatField(rule.high, value, minimum=rule.low, step=rule.step or 0.5)


def _rpe_field(value: float | None) -> FloatField:
    return _float_field(rs.LOGGED_RPE_RULE, value)


def _reps_of(prescription: StandardPrescription) -> int | None:
    match prescription.reps:
        case RepCount(reps=reps):
            return reps
        case RepRange(high=high):
            return high  # the top of the range: the set the student works up to
    return None


class ExerciseForm(QFrame):
    """One exercise: its status, the figures of its type, and the student's note on it."""

    def __init__(self, review: ExerciseReview) -> None:
        super().__init__()
        self.setObjectName("card")
        assert review.prescription is not None
        self.review = review
        self.kind = review.prescription.kind
        self.prescription = review.prescription.prescription
        logged = review.logged.result if review.logged else None
        self.logged: Result | None = logged if logged and logged.KIND is self.kind else None

        title = QLabel(review.name)
        title.setObjectName("formTitle")
        kind = QLabel(f"{self.kind} · prescribed: {prescription_line(self.prescription)}")
        kind.setObjectName("mutedLabel")
        kind.setWordWrap(True)
        self.status_combo = QComboBox()
        for status, label in _STATUS_LABELS.items():
            self.status_combo.addItem(label, status)
        status = review.status if review.status in _STATUS_LABELS else "completed"
        if review.logged is None and review.status in (None, "not_started"):
            status = "completed"  # a coach logging a session logs what was done
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))
        self.notes_edit = QLineEdit(review.notes)
        self.notes_edit.setPlaceholderText("The student's note on this exercise")
        self.rpe_field: FloatField | None = None

        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(title)
        titles.addWidget(kind)
        head.addLayout(titles, 1)
        head.addWidget(self.status_combo)
        self.fields = QWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.fields)
        layout.addWidget(self.notes_edit)
        self._build_fields()

    # -- per type --------------------------------------------------------------------------

    def _build_fields(self) -> None:
        grid = QGridLayout(self.fields)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.grid = grid
        p, logged = self.prescription, self.logged
        match p:
            case StandardPrescription():
                self._build_standard(p, logged if isinstance(logged, StandardResult) else None)
            case EmomPrescription():
                self._build_emom(p, logged if isinstance(logged, EmomResult) else None)
            case AmrapPrescription():
                self._build_amrap(p, logged if isinstance(logged, AmrapResult) else None)
            case CircuitPrescription():
                self._build_circuit(p, logged if isinstance(logged, CircuitResult) else None)
            case CustomPrescription():
                text = logged.notes if isinstance(logged, CustomResult) else ""
                self.custom_edit = QPlainTextEdit(text)
                self.custom_edit.setPlaceholderText("What the student did")
                self.custom_edit.setFixedHeight(64)
                grid.addWidget(self.custom_edit, 0, 0)

    def _build_standard(self, p: StandardPrescription, r: StandardResult | None) -> None:
        self.set_fields: list[tuple[IntField, FloatField, FloatField]] = []
        if r is not None and r.sets:
            sets = list(r.sets)
        else:
            load = p.load.kg if p.load is not None else None
            target_rpe = p.effort.rpe if p.effort is not None else None
            sets = [SetResult(_reps_of(p), load, target_rpe)] * (p.sets or _DEFAULT_SETS)
        for column, text in enumerate(("", "Reps", "Load (kg)", "RPE")):
            if text:
                label = QLabel(text)
                label.setObjectName("mutedLabel")
                self.grid.addWidget(label, 0, column)
        for item in sets[:_MAX_SETS]:
            self._add_set(item)
        self.add_set_button = QPushButton("+ Set")
        self.remove_set_button = QPushButton("\N{MINUS SIGN} Set")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_set_button)
        buttons.addWidget(self.remove_set_button)
        buttons.addStretch(1)
        self.grid.addLayout(buttons, _MAX_SETS + 2, 0, 1, 4)
        self.add_set_button.clicked.connect(self._on_add_set_button_clicked)
        self.remove_set_button.clicked.connect(self._on_remove_set_button_clicked)
        self.grid.setColumnStretch(4, 1)

    def _add_set(self, item: SetResult) -> None:
        row = len(self.set_fields) + 1
        fields = (
            _int_field(rs.LOGGED_REPS_RULE, item.reps),
            _float_field(rs.LOGGED_WEIGHT_RULE, item.load_kg),
            _rpe_field(item.rpe),
        )
        self.grid.addWidget(QLabel(f"Set {row}"), row, 0)
        for column, field in enumerate(fields, start=1):
            self.grid.addWidget(field, row, column)
        self.set_fields.append(fields)

    @Slot()
    def _on_add_set_button_clicked(self) -> None:
        if len(self.set_fields) >= _MAX_SETS:
            return
        last = self.set_fields[-1] if self.set_fields else None
        self._add_set(
            SetResult(last[0].get(), last[1].get(), None) if last else SetResult(None, None, None)
        )

    @Slot()
    def _on_remove_set_button_clicked(self) -> None:
        if not self.set_fields:
            return
        row = len(self.set_fields)
        for column in range(4):
            item = self.grid.itemAtPosition(row, column)
            widget = item.widget() if item is not None else None
            if widget is not None:
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.set_fields.pop()

    def _build_emom(self, p: EmomPrescription, r: EmomResult | None) -> None:
        if r is not None and r.reps_per_minute:
            minutes = list(r.reps_per_minute)
        else:
            minutes = [p.reps_per_minute] * (p.minutes or 1)
        self.minute_fields = []
        per_row = 10
        for index, reps in enumerate(minutes[:_MAX_MINUTES]):
            field = _int_field(rs.LOGGED_REPS_RULE, reps)
            field.setMinimumWidth(48)
            field.setToolTip(f"Reps in minute {index + 1}")
            row, column = divmod(index, per_row)
            self.grid.addWidget(QLabel(f"{index + 1}"), row * 2, column)
            self.grid.addWidget(field, row * 2 + 1, column)
            self.minute_fields.append(field)
        self.rpe_field = _rpe_field(r.rpe if r else p.rpe)
        # Minute boxes keep their own width; the space left goes past the last column.
        self.grid.setColumnStretch(min(len(self.minute_fields), per_row), 1)
        rows = (len(self.minute_fields) + per_row - 1) // per_row
        self.grid.addWidget(QLabel("RPE"), rows * 2, 0)
        self.grid.addWidget(self.rpe_field, rows * 2, 1, 1, 2)

    def _build_amrap(self, p: AmrapPrescription, r: AmrapResult | None) -> None:
        self.rounds_field = _int_field(rs.AMRAP_ROUNDS_RULE, r.rounds if r else p.target_rounds)
        self.extra_reps_field = _int_field(rs.EXTRA_REPS_RULE, r.extra_reps if r else None)
        self.total_reps_field = _int_field(rs.TOTAL_REPS_RULE, r.total_reps if r else p.target_reps)
        self.rpe_field = _rpe_field(r.rpe if r else p.rpe)
        self._row_of_fields(
            ("Rounds", self.rounds_field),
            ("+ reps", self.extra_reps_field),
            ("Total reps", self.total_reps_field),
            ("RPE", self.rpe_field),
        )

    def _build_circuit(self, p: CircuitPrescription, r: CircuitResult | None) -> None:
        total = None
        if p.rounds is not None and p.reps_per_round is not None:
            total = p.rounds * p.reps_per_round
        self.rounds_completed_field = _int_field(
            rs.ROUNDS_COMPLETED_RULE, r.rounds_completed if r else p.rounds
        )
        self.circuit_reps_field = _int_field(rs.TOTAL_REPS_RULE, r.total_reps if r else total)
        self.circuit_weight_field = _float_field(
            rs.LOGGED_WEIGHT_RULE, r.weight_kg if r else p.weight_kg
        )
        self.rpe_field = _rpe_field(r.rpe if r else p.rpe)
        self._row_of_fields(
            ("Rounds", self.rounds_completed_field),
            ("Total reps", self.circuit_reps_field),
            ("Load (kg)", self.circuit_weight_field),
            ("RPE", self.rpe_field),
        )

    def _row_of_fields(self, *pairs: tuple[str, QWidget]) -> None:
        for column, (text, field) in enumerate(pairs):
            label = QLabel(text)
            label.setObjectName("mutedLabel")
            self.grid.addWidget(label, 0, column)
            self.grid.addWidget(field, 1, column)
        self.grid.setColumnStretch(len(pairs), 1)

    # -- reading the form ----------------------------------------------------------------------

    @property
    def status(self) -> str:
        return str(self.status_combo.currentData())

    def result(self) -> Result | None:
        """What was entered, as a typed result (the domain checks each figure's range)."""
        if self.status in ("skipped", "not_started"):
            return None
        extra = dict(self.logged.extra) if self.logged is not None else {}
        rpe = self.rpe_field.get() if self.rpe_field is not None else None
        notes = self.notes_edit.text().strip()
        match self.kind:
            case ExerciseKind.STANDARD:
                sets = tuple(
                    SetResult(reps.get(), load.get(), set_rpe.get())
                    for reps, load, set_rpe in self.set_fields
                )
                overall = self.logged.rpe if isinstance(self.logged, StandardResult) else None
                return StandardResult(sets=sets, rpe=overall, notes=notes, extra=extra)
            case ExerciseKind.EMOM:
                minutes = tuple(f.get() for f in self.minute_fields)
                return EmomResult(reps_per_minute=minutes, rpe=rpe, notes=notes, extra=extra)
            case ExerciseKind.AMRAP:
                return AmrapResult(
                    total_reps=self.total_reps_field.get(),
                    rounds=self.rounds_field.get(),
                    extra_reps=self.extra_reps_field.get(),
                    rpe=rpe,
                    notes=notes,
                    extra=extra,
                )
            case ExerciseKind.CIRCUIT:
                return CircuitResult(
                    rounds_completed=self.rounds_completed_field.get(),
                    total_reps=self.circuit_reps_field.get(),
                    weight_kg=self.circuit_weight_field.get(),
                    rpe=rpe,
                    notes=notes,
                    extra=extra,
                )
        return CustomResult(notes=self.custom_edit.toPlainText().strip(), extra=extra)

    def log(self) -> ExerciseLog:
        return ExerciseLog(
            exercise_id=self.review.exercise_id,
            position=self.review.position,
            status=self.status,
            result=self.result(),
            notes=self.notes_edit.text().strip(),
        )


def _performed_edit() -> QDateEdit:
    """The day the student trained: today for a new log, the stored day for an existing one."""
    edit = QDateEdit()
    edit.setObjectName("performedEdit")
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    today = datetime.now(UTC).date()
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    edit.setMinimumWidth(150)
    return edit


class LogSessionDialog(AsksBeforeDiscard, QDialog):
    """Enter a session for a student; `saved(SavedLog)` after the service wrote it."""

    saved = Signal(object)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        progress: StudentProgress,
        session_id: str,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("logSessionDialog")
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._task: Task | None = None
        self.student = progress.student
        self.session_id = session_id
        self.detail: SessionDetail = progress.session(session_id)
        self.setWindowTitle(f"Log a session for {self.student.display_name}")
        self.resize(820, 720)

        self.title_label = QLabel("")
        self.title_label.setObjectName("dialogTitle")
        self.subtitle_label = QLabel("")
        self.subtitle_label.setObjectName("dialogSubtitle")
        self.subtitle_label.setWordWrap(True)
        self.forms_host = QWidget()
        self.forms_layout = QVBoxLayout(self.forms_host)
        self.forms_layout.setContentsMargins(0, 0, 8, 0)
        self.forms_layout.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.forms_host)
        self.notes_edit = QPlainTextEdit(self.detail.comment or "")
        self.notes_edit.setObjectName("sessionNotesEdit")
        self.notes_edit.setPlaceholderText("The student's note on the whole session")
        self.notes_edit.setFixedHeight(72)
        self.performed_edit = _performed_edit()
        self.entered_by_label = QLabel("Entered by you, on the student's behalf")
        self.entered_by_label.setObjectName("mutedLabel")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.reload_button = QPushButton("Reload their entry")
        self.reload_button.hide()
        self.cancel_button = QPushButton("Cancel")
        self.save_button = QPushButton("Save log")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setDefault(True)

        self._lay_out(scroll)
        self.forms: list[ExerciseForm] = []
        self._show_detail(self.detail)
        self._wire()

    def _lay_out(self, scroll: QScrollArea) -> None:
        notes_form = QFormLayout()
        performed = QHBoxLayout()
        performed.addWidget(self.performed_edit)
        performed.addWidget(self.entered_by_label)
        performed.addStretch(1)
        notes_form.addRow("Performed on", performed)
        notes_form.addRow("Session note", self.notes_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(scroll, 1)
        layout.addLayout(notes_form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    @property
    def expected_updated_at(self) -> datetime | None:
        logged = self.detail.logged
        return logged.updated_at if logged else None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _show_detail(self, detail: SessionDetail) -> None:
        self.detail = detail
        self.title_label.setText(detail.title or "Untitled session")
        where = " · ".join(
            part
            for part in (
                detail.program_title,
                detail.block_title,
                f"Week {detail.week_number}" if detail.week_number is not None else None,
            )
            if part
        )
        logged = detail.logged
        state = (
            f"last saved {logged.updated_at:%Y-%m-%d %H:%M} UTC; your entries update that log"
            if logged
            else "nothing logged yet; prefilled from the prescription"
        )
        self.subtitle_label.setText(f"{self.student.display_name} · {where} · {state}")
        while self.forms_layout.count():
            item = self.forms_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.forms = [ExerciseForm(r) for r in detail.exercises if r.prescription is not None]
        for form in self.forms:
            self.forms_layout.addWidget(form)
        self.forms_layout.addStretch(1)
        session = detail.session
        day = (session.performed_on if session else None) or datetime.now(UTC).date()
        self.performed_edit.setDate(QDate(day.year, day.month, day.day))
        self._initial_day = day
        if not self.forms:
            self.save_button.setEnabled(False)
            self._show_error("This session has no exercises to log.")
        self.mark_unchanged()

    @property
    def performed_on(self) -> date:
        picked = self.performed_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def entered(self) -> tuple[object, ...]:
        """Everything the coach can type or pick, to tell whether anything was changed."""
        boxes = tuple(box.text() for box in self.findChildren(QAbstractSpinBox))
        lines = tuple(edit.text() for edit in self.findChildren(QLineEdit))
        combos = tuple(combo.currentIndex() for combo in self.findChildren(QComboBox))
        texts = tuple(edit.toPlainText() for edit in self.findChildren(QPlainTextEdit))
        return (boxes, lines, combos, texts, len(self.forms))

    def unsaved_text(self) -> str:
        title = self.detail.title or "this session"
        return f"the log you entered for {title} ({self.student.display_name})"

    def unsaved_detail(self) -> str:
        return "Its figures and notes are not saved."

    def reject(self) -> None:
        """Esc, Cancel and the window's close button: ask before dropping what was typed."""
        if self.busy:
            return  # a save under way finishes (or fails) first
        super().reject()

    def _wire(self) -> None:
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.reload_button.clicked.connect(self._on_reload_button_clicked)

    def notice_newer(self, progress: StudentProgress) -> None:
        """Called by a refresh: warn (without touching the form) when the log changed elsewhere."""
        if self.busy:
            return
        newer = progress.logs.get(self.session_id)
        if newer is None:
            return
        loaded = self.detail.logged
        # A web write can leave `updatedAt` as it was: the content says it changed all the same.
        moved = newer.updated_at != self.expected_updated_at
        if moved or (loaded is not None and newer.fingerprint != loaded.fingerprint):
            self._show_conflict(
                f"This log was changed elsewhere (last saved {newer.updated_at:%Y-%m-%d %H:%M} "
                "UTC) since you opened it; saving now would be refused."
            )

    def save(self) -> None:
        try:
            logs = [form.log() for form in self.forms]
        except KnownError as err:
            self._show_error(str(err))
            return
        self.error_label.hide()
        self._set_busy(True)
        task = self._runner.write(
            self._backend.log_session,
            self._coach.id,
            self.student.id,
            self.session_id,
            logs,
            expected_updated_at=self.expected_updated_at,
            expected_fingerprint=self.detail.logged.fingerprint if self.detail.logged else None,
            comment=self.notes_edit.toPlainText(),
            # An existing log keeps its day (and its savedAt) unless the coach picked another.
            performed_on=(
                self.performed_on
                if self.detail.logged is None or self.performed_on != self._initial_day
                else None
            ),
        )
        task.succeeded.connect(self._on_save_task_succeeded)
        task.failed.connect(self._on_save_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        self._task = task

    def reload(self) -> None:
        self._set_busy(True)
        task = self._runner.read(self._backend.student_progress, self._coach.id, self.student.id)
        task.succeeded.connect(self._on_reload_task_succeeded)
        task.failed.connect(self._on_reload_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        self._task = task

    def _set_busy(self, busy: bool) -> None:
        for button in (self.save_button, self.reload_button):
            button.setEnabled(not busy)
        self.save_button.setText("Saving…" if busy else "Save log")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _show_conflict(self, message: str) -> None:
        self._show_error(message + " Reload to see their entry, then enter your changes again.")
        self.reload_button.show()

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.save()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.reject()

    @Slot()
    def _on_reload_button_clicked(self) -> None:
        self.reload()

    @Slot(object)
    def _on_save_task_succeeded(self, saved: SavedLog) -> None:
        self.saved.emit(saved)
        self.accept()

    @Slot(object)
    def _on_save_task_failed(self, error: KnownError) -> None:
        if isinstance(error, ConflictError):
            self._show_error(str(error))
            self.reload_button.show()
        else:
            self._show_error(str(error))

    @Slot(object)
    def _on_reload_task_succeeded(self, progress: StudentProgress) -> None:
        # The coach's session note is theirs: it survives the reload; the exercises show the
        # newer entry, which the coach now edits.
        typed = self.notes_edit.toPlainText()
        try:
            detail = progress.session(self.session_id)
        except KnownError as err:
            self._show_error(str(err))
            return
        self._show_detail(detail)
        self.notes_edit.setPlainText(typed)
        self.error_label.hide()
        self.reload_button.hide()

    @Slot(object)
    def _on_reload_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))

    @Slot(object)
    def _on_task_crashed(self, _error: BaseException) -> None:
        self._show_error("A bug stopped this. The details are in the log file; please try again.")

    @Slot()
    def _on_task_finished(self) -> None:
        self._task = None
        self._set_busy(False)
