"""The per-exercise prescription form: its fields follow the exercise type, and validate inline.

Every rule and message comes from the domain (`exercise_types`): the form parses what the coach
typed with the same rules that read stored configs, and shows each rule's own message under the
field it concerns. A stored config with unusable values is shown as stored (the raw value in the
field, the reason under it) and is not rewritten: the form emits a new config only when the
coach edits, and only once every field holds a valid value.

Over 500 lines: one field page per exercise type (five) over shared field widgets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.exercise_types import (
    AmrapPrescription,
    CircuitPrescription,
    ConfigReading,
    CustomPrescription,
    EmomPrescription,
    ExerciseKind,
    FieldIssue,
    Load,
    LoadUnit,
    Prescription,
    Rir,
    Rpe,
    StandardPrescription,
    Station,
    Tempo,
    allowed_kinds,
    check_complete,
    new_prescription,
    parse_reps,
    read_config,
)
from gbf_desktop.domain.exercise_types import prescriptions as rx
from gbf_desktop.domain.exercise_types.fields import NameListRule, NumberRule, TextRule
from gbf_desktop.domain.exercise_types.values import LOAD_RULES, RIR_RULE, RPE_RULE
from gbf_desktop.errors import ValidationError

KIND_LABELS = {
    ExerciseKind.STANDARD: "Standard (sets and reps)",
    ExerciseKind.EMOM: "EMOM (every minute)",
    ExerciseKind.AMRAP: "AMRAP (as many as possible)",
    ExerciseKind.CIRCUIT: "Circuit (rounds of stations)",
    ExerciseKind.CUSTOM: "Custom (free instructions)",
}


class _Invalid(Exception):
    """A field's value breaks its rule; the message is shown under the field."""


def _raw_text(issue: FieldIssue) -> str:
    # A stored text is shown as typed; anything else as JSON, so 5 and "5" look different.
    return issue.raw if isinstance(issue.raw, str) else issue.raw_text


class FieldRow(QWidget):
    """One input with its message line under it."""

    edited = Signal()

    def __init__(self, key: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.editor = editor
        self.message = QLabel("")
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.message)

    def show_message(self, text: str | None, *, note: bool = False) -> None:
        self.message.setObjectName("fieldNote" if note else "fieldError")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text or "")
        self.message.setVisible(bool(text))


class TextField(FieldRow):
    """A one-line input parsed by `parse` (None for an empty field)."""

    def __init__(self, key: str, placeholder: str = "", parent: QWidget | None = None) -> None:
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        super().__init__(key, self.line, parent)
        self.line.textEdited.connect(self._on_line_text_edited)

    @Slot(str)
    def _on_line_text_edited(self, _text: str) -> None:
        self.edited.emit()

    def text(self) -> str:
        return self.line.text().strip()

    def set_text(self, text: str) -> None:
        self.line.setText(text)


class LongTextField(FieldRow):
    def __init__(self, key: str, placeholder: str = "", parent: QWidget | None = None) -> None:
        self.box = QPlainTextEdit()
        self.box.setPlaceholderText(placeholder)
        self.box.setTabChangesFocus(True)
        self.box.setFixedHeight(64)
        super().__init__(key, self.box, parent)
        self._loading = False
        self.box.textChanged.connect(self._on_box_text_changed)

    @Slot()
    def _on_box_text_changed(self) -> None:
        # QPlainTextEdit has no "edited by the user" signal; programmatic loads are muted.
        if not self._loading:
            self.edited.emit()

    def text(self) -> str:
        return self.box.toPlainText().strip()

    def set_text(self, text: str) -> None:
        self._loading = True
        self.box.setPlainText(text)
        self._loading = False


class UnitField(FieldRow):
    """A value with a unit chosen beside it (load in kg/lb/%1RM, effort as RPE/RIR)."""

    def __init__(
        self, key: str, units: list[str], placeholder: str = "", parent: QWidget | None = None
    ) -> None:
        box = QWidget()
        self.line = QLineEdit()
        self.line.setPlaceholderText(placeholder)
        self.unit = QComboBox()
        self.unit.addItems(units)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.unit)
        super().__init__(key, box, parent)
        self.line.textEdited.connect(self._on_line_text_edited)
        self.unit.activated.connect(self._on_unit_activated)

    @Slot(str)
    def _on_line_text_edited(self, _text: str) -> None:
        self.edited.emit()

    @Slot(int)
    def _on_unit_activated(self, _index: int) -> None:
        self.edited.emit()

    def text(self) -> str:
        return self.line.text().strip()

    def set_value(self, text: str, unit: str) -> None:
        self.line.setText(text)
        self.unit.setCurrentText(unit)


def _num(field: TextField | UnitField, rule: NumberRule) -> float | None:
    text = field.text()
    if not text:
        return None
    value, problem, _ = rule.read(text)
    if problem is not None:
        raise _Invalid(problem)
    return value


def _whole(field: TextField, rule: NumberRule) -> int | None:
    value = _num(field, rule)
    return None if value is None else int(value)


def _text(field: TextField | LongTextField, rule: TextRule) -> str | None:
    text = field.text()
    if not text:
        return None
    problem = rule.problem(text)
    if problem is not None:
        raise _Invalid(problem)
    return text


def _names(field: TextField, rule: NameListRule) -> tuple[str, ...]:
    items = [part.strip() for part in field.text().replace("\n", ",").split(",")]
    names = [item for item in items if item]
    problem = rule.problem(names)
    if problem is not None:
        raise _Invalid(problem)
    return tuple(names)


def _reps(field: TextField) -> Any:
    if not field.text():
        return None
    try:
        return parse_reps(field.text())[0]
    except ValidationError as err:
        raise _Invalid(err.message) from err


def _show_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass
class _Parsed:
    values: dict[str, Any]
    errors: dict[str, str]


class _KindPage(QWidget):
    """The fields of one exercise type."""

    # The stored key of the field the coach edited.
    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(8)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, FieldRow] = {}

    def add(self, label: str, field: FieldRow, *, span: bool = False) -> Any:
        """Add a field beside its label, or under it across the form (`span`, for tables)."""
        self.fields[field.key] = field
        caption = QLabel(label)
        caption.setObjectName("formLabel")
        if span:
            self.form.addRow(caption)
            self.form.addRow(field)
        else:
            self.form.addRow(caption, field)
        field.edited.connect(self._on_field_edited)
        return field

    @Slot()
    def _on_field_edited(self) -> None:
        field = self.sender()
        self.edited.emit(field.key if isinstance(field, FieldRow) else "")

    def parse(self, extra: Mapping[str, Any]) -> tuple[Prescription | None, dict[str, str]]:
        """The prescription the fields describe, or None and each field's message."""
        parsed = _Parsed({}, {})
        for key, reader in self.readers():
            try:
                reader(parsed.values)
            except _Invalid as err:
                parsed.errors[key] = str(err)
        if parsed.errors:
            return None, parsed.errors
        try:
            prescription = self.build(parsed.values, extra)
            check_complete(prescription)
        except ValidationError as err:
            # The error names its field when it is one field's (a required one left empty).
            return None, {err.field or "": err.message}
        return prescription, {}

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        raise NotImplementedError

    def prescription_type(self) -> type:
        raise NotImplementedError

    def build(self, values: dict[str, Any], extra: Mapping[str, Any]) -> Prescription:
        keys: frozenset[str] = self.prescription_type().KEYS  # type: ignore[attr-defined]  # every prescription type declares KEYS
        kept = {k: v for k, v in extra.items() if k not in keys}
        result: Prescription = self.prescription_type()(**values, extra=kept)
        return result

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields, not QWidget.show
        raise NotImplementedError


class _StandardPage(_KindPage):
    def __init__(self) -> None:
        super().__init__()
        self.sets: TextField = self.add("Sets", TextField("sets", "3"))
        self.reps: TextField = self.add("Reps", TextField("reps", "10, 8-12 or max"))
        self.load: UnitField = self.add(
            "Load", UnitField("weight", [u.value for u in LoadUnit], "e.g. 80")
        )
        self.rest: TextField = self.add("Rest (s)", TextField("rest", "e.g. 120"))
        self.effort: UnitField = self.add(
            "Effort", UnitField("rpe", ["RPE", "RIR"], "RPE 1-10 or RIR 0-9")
        )
        self.tempo: TextField = self.add("Tempo", TextField("tempo", "e.g. 3-1-1-0"))
        self.set_time: TextField = self.add(
            "Time per set (s)", TextField("duration", "optional, instead of reps")
        )
        self.notes: LongTextField = self.add(
            "Notes", LongTextField("notes", "Cues for the student")
        )

    def prescription_type(self) -> type:
        return StandardPrescription

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        def load(v: dict[str, Any]) -> None:
            unit = LoadUnit(self.load.unit.currentText())
            value = _num(self.load, LOAD_RULES[unit])
            v["load"] = None if value is None else Load(value, unit)

        def effort(v: dict[str, Any]) -> None:
            rir = self.effort.unit.currentText() == "RIR"
            value = _num(self.effort, RIR_RULE if rir else RPE_RULE)
            v["effort"] = None if value is None else Rir(value) if rir else Rpe(value)

        def tempo(v: dict[str, Any]) -> None:
            try:
                v["tempo"] = Tempo(self.tempo.text()) if self.tempo.text() else None
            except ValidationError as err:
                raise _Invalid(err.message) from err

        return [
            ("sets", lambda v: v.__setitem__("sets", _whole(self.sets, rx.SETS_RULE))),
            ("reps", lambda v: v.__setitem__("reps", _reps(self.reps))),
            ("weight", load),
            ("rest", lambda v: v.__setitem__("rest_s", _whole(self.rest, rx.REST_RULE))),
            ("rpe", effort),
            ("tempo", tempo),
            (
                "duration",
                lambda v: v.__setitem__("set_time_s", _whole(self.set_time, rx.SET_TIME_RULE)),
            ),
            ("notes", lambda v: v.__setitem__("notes", _text(self.notes, rx.NOTES_RULE))),
        ]

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields
        assert isinstance(p, StandardPrescription)
        self.sets.set_text(_show_number(p.sets))
        self.reps.set_text("" if p.reps is None else str(p.reps))
        if p.load is None:
            self.load.set_value("", LoadUnit.KG.value)
        else:
            self.load.set_value(_show_number(p.load.value), p.load.unit.value)
        if p.effort is None:
            self.effort.set_value("", "RPE")
        else:
            kind = "RIR" if isinstance(p.effort, Rir) else "RPE"
            self.effort.set_value(_show_number(p.effort.value), kind)
        self.rest.set_text(_show_number(p.rest_s))
        self.tempo.set_text(p.tempo.text if p.tempo else "")
        self.set_time.set_text(_show_number(p.set_time_s))
        self.notes.set_text(p.notes or "")


class _EmomPage(_KindPage):
    def __init__(self) -> None:
        super().__init__()
        self.minutes: TextField = self.add("Minutes", TextField("duration", "1-60"))
        self.reps: TextField = self.add("Reps per minute", TextField("reps", "e.g. 8"))
        self.work: TextField = self.add(
            "Work per minute", TextField("work", "optional, e.g. 12 cal row")
        )
        self.alternating: TextField = self.add(
            "Alternating", TextField("alternating", "optional: names, comma separated")
        )
        self.weight: TextField = self.add("Weight (kg)", TextField("weight", "optional"))
        self.rpe: TextField = self.add("Target RPE", TextField("rpe", "optional, 1-10"))
        self.notes: LongTextField = self.add("Notes", LongTextField("notes"))

    def prescription_type(self) -> type:
        return EmomPrescription

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        return [
            ("duration", lambda v: v.__setitem__("minutes", _whole(self.minutes, rx.MINUTES_RULE))),
            (
                "reps",
                lambda v: v.__setitem__(
                    "reps_per_minute", _whole(self.reps, rx.REPS_PER_MINUTE_RULE)
                ),
            ),
            ("work", lambda v: v.__setitem__("work", _text(self.work, rx.WORK_RULE))),
            (
                "alternating",
                lambda v: v.__setitem__(
                    "alternating", _names(self.alternating, rx.ALTERNATING_RULE)
                ),
            ),
            ("weight", lambda v: v.__setitem__("weight_kg", _num(self.weight, rx.WEIGHT_RULE))),
            ("rpe", lambda v: v.__setitem__("rpe", _num(self.rpe, RPE_RULE))),
            ("notes", lambda v: v.__setitem__("notes", _text(self.notes, rx.NOTES_RULE))),
        ]

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields
        assert isinstance(p, EmomPrescription)
        self.minutes.set_text(_show_number(p.minutes))
        self.reps.set_text(_show_number(p.reps_per_minute))
        self.work.set_text(p.work or "")
        self.alternating.set_text(", ".join(p.alternating))
        self.weight.set_text(_show_number(p.weight_kg))
        self.rpe.set_text(_show_number(p.rpe))
        self.notes.set_text(p.notes or "")


class _AmrapPage(_KindPage):
    def __init__(self) -> None:
        super().__init__()
        self.time_cap: TextField = self.add("Time cap (min)", TextField("duration", "1-60"))
        self.goal: TextField = self.add("Goal", TextField("goal", "e.g. steady pace, no rest"))
        self.target: UnitField = self.add(
            "Target", UnitField("reps", ["reps", "rounds"], "optional")
        )
        self.weight: TextField = self.add("Weight (kg)", TextField("weight", "optional"))
        self.rpe: TextField = self.add("Target RPE", TextField("rpe", "optional, 1-10"))
        self.notes: LongTextField = self.add("Notes", LongTextField("notes"))

    def prescription_type(self) -> type:
        return AmrapPrescription

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        def target(v: dict[str, Any]) -> None:
            rounds = self.target.unit.currentText() == "rounds"
            rule = rx.TARGET_ROUNDS_RULE if rounds else rx.TARGET_REPS_RULE
            value = _num(self.target, rule)
            number = None if value is None else int(value)
            v["target_rounds"], v["target_reps"] = (number, None) if rounds else (None, number)

        return [
            (
                "duration",
                lambda v: v.__setitem__("time_cap_min", _whole(self.time_cap, rx.TIME_CAP_RULE)),
            ),
            ("goal", lambda v: v.__setitem__("goal", _text(self.goal, rx.GOAL_RULE))),
            ("reps", target),
            ("weight", lambda v: v.__setitem__("weight_kg", _num(self.weight, rx.WEIGHT_RULE))),
            ("rpe", lambda v: v.__setitem__("rpe", _num(self.rpe, RPE_RULE))),
            ("notes", lambda v: v.__setitem__("notes", _text(self.notes, rx.NOTES_RULE))),
        ]

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields
        assert isinstance(p, AmrapPrescription)
        self.time_cap.set_text(_show_number(p.time_cap_min))
        self.goal.set_text(p.goal or "")
        if p.target_rounds is not None:
            self.target.set_value(_show_number(p.target_rounds), "rounds")
        else:
            self.target.set_value(_show_number(p.target_reps), "reps")
        self.weight.set_text(_show_number(p.weight_kg))
        self.rpe.set_text(_show_number(p.rpe))
        self.notes.set_text(p.notes or "")


class StationsField(FieldRow):
    """The stations of a circuit, as a small table: exercise, reps, seconds, metres, kg."""

    COLUMNS = ("Exercise", "Reps", "Sec", "m", "Kg")
    _RULES: tuple[NumberRule, ...] = (
        rx.STATION_REPS_RULE,
        rx.STATION_SECONDS_RULE,
        rx.STATION_METERS_RULE,
        rx.STATION_WEIGHT_RULE,
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        box = QWidget()
        self.model = QStandardItemModel(0, len(self.COLUMNS))
        self.model.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table = QTableView()
        self.table.setObjectName("stationsTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(150)
        self.table.setStyleSheet("QTableView { font-size: 11pt; background: #ffffff; }")
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, 52)
        self.add_button = QPushButton("Add")
        self.add_button.setToolTip("Add a station at the end")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected station")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        super().__init__("stations", box, parent)
        # Stations as loaded: fields the table does not show (distance, library id, unknown
        # keys) travel with them.
        self._stations: list[Station] = []
        self._loading = False
        self.model.itemChanged.connect(self._on_model_item_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def set_stations(self, stations: tuple[Station, ...]) -> None:
        self._loading = True
        self._stations = list(stations)
        self.model.setRowCount(0)
        for s in stations:
            self._append(s)
        self._loading = False

    def _append(self, s: Station) -> None:
        numbers = (s.reps, s.seconds, s.meters, s.weight_kg)
        cells = [s.name or "", *(_show_number(n) for n in numbers)]
        self.model.appendRow([QStandardItem(text) for text in cells])

    @Slot(QStandardItem)
    def _on_model_item_changed(self, _item: QStandardItem) -> None:
        if not self._loading:
            self.edited.emit()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self._loading = True
        self._stations.append(Station())
        self._append(Station())
        self._loading = False
        self.table.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))
        self.edited.emit()

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        row = self.table.currentIndex().row()
        if 0 <= row < len(self._stations):
            del self._stations[row]
            self.model.removeRow(row)
            self.edited.emit()

    def stations(self) -> tuple[Station, ...]:
        result = []
        for row, old in enumerate(self._stations):
            name = self.model.item(row, 0).text().strip() or None
            numbers: list[float | None] = []
            for column, rule in enumerate(self._RULES, start=1):
                text = self.model.item(row, column).text().strip()
                value, problem, _ = rule.read(text) if text else (None, None, False)
                if problem is not None:
                    raise _Invalid(f"Station {row + 1}: {problem}")
                numbers.append(value)
            if name is not None and (problem := rx.STATION_NAME_RULE.problem(name)):
                raise _Invalid(f"Station {row + 1}: {problem}")
            reps, seconds, meters, weight = numbers
            result.append(
                Station(
                    name=name,
                    exercise_id=old.exercise_id,
                    reps=None if reps is None else int(reps),
                    seconds=None if seconds is None else int(seconds),
                    meters=None if meters is None else int(meters),
                    weight_kg=weight,
                    extra=old.extra,
                )
            )
        return tuple(result)


class _CircuitPage(_KindPage):
    def __init__(self) -> None:
        super().__init__()
        self.rounds: TextField = self.add("Rounds", TextField("sets", "1-20"))
        self.reps: TextField = self.add("Reps per round", TextField("reps", "optional"))
        self.rest: TextField = self.add("Rest (s)", TextField("rest", "between rounds, e.g. 90"))
        self.stations_field: StationsField = self.add("Stations", StationsField(), span=True)
        self.weight: TextField = self.add("Weight (kg)", TextField("weight", "optional"))
        self.rpe: TextField = self.add("Target RPE", TextField("rpe", "optional, 1-10"))
        self.notes: LongTextField = self.add("Notes", LongTextField("notes"))

    def prescription_type(self) -> type:
        return CircuitPrescription

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        return [
            ("sets", lambda v: v.__setitem__("rounds", _whole(self.rounds, rx.ROUNDS_RULE))),
            (
                "reps",
                lambda v: v.__setitem__(
                    "reps_per_round", _whole(self.reps, rx.REPS_PER_ROUND_RULE)
                ),
            ),
            (
                "rest",
                lambda v: v.__setitem__("rest_between_rounds_s", _whole(self.rest, rx.REST_RULE)),
            ),
            ("stations", lambda v: v.__setitem__("stations", self.stations_field.stations())),
            ("weight", lambda v: v.__setitem__("weight_kg", _num(self.weight, rx.WEIGHT_RULE))),
            ("rpe", lambda v: v.__setitem__("rpe", _num(self.rpe, RPE_RULE))),
            ("notes", lambda v: v.__setitem__("notes", _text(self.notes, rx.NOTES_RULE))),
        ]

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields
        assert isinstance(p, CircuitPrescription)
        self.rounds.set_text(_show_number(p.rounds))
        self.reps.set_text(_show_number(p.reps_per_round))
        self.rest.set_text(_show_number(p.rest_between_rounds_s))
        self.stations_field.set_stations(p.stations)
        self.weight.set_text(_show_number(p.weight_kg))
        self.rpe.set_text(_show_number(p.rpe))
        self.notes.set_text(p.notes or "")


class _CustomPage(_KindPage):
    def __init__(self) -> None:
        super().__init__()
        self.instructions: LongTextField = self.add(
            "Instructions", LongTextField("instructions", "What the student does")
        )
        self.sets: TextField = self.add("Sets", TextField("sets", "optional"))
        self.reps: TextField = self.add("Reps", TextField("reps", "optional: 10, 8-12 or max"))
        self.duration: TextField = self.add("Duration (s)", TextField("duration", "optional"))
        self.weight: TextField = self.add("Weight (kg)", TextField("weight", "optional"))
        self.rest: TextField = self.add("Rest (s)", TextField("rest", "optional"))
        self.rpe: TextField = self.add("Target RPE", TextField("rpe", "optional, 1-10"))
        self.notes: LongTextField = self.add("Notes", LongTextField("notes"))

    def prescription_type(self) -> type:
        return CustomPrescription

    def readers(self) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
        return [
            (
                "instructions",
                lambda v: v.__setitem__(
                    "instructions", _text(self.instructions, rx.INSTRUCTIONS_RULE)
                ),
            ),
            ("sets", lambda v: v.__setitem__("sets", _whole(self.sets, rx.SETS_RULE))),
            ("reps", lambda v: v.__setitem__("reps", _reps(self.reps))),
            (
                "duration",
                lambda v: v.__setitem__(
                    "duration_s", _whole(self.duration, rx.CUSTOM_DURATION_RULE)
                ),
            ),
            ("weight", lambda v: v.__setitem__("weight_kg", _num(self.weight, rx.WEIGHT_RULE))),
            ("rest", lambda v: v.__setitem__("rest_s", _whole(self.rest, rx.REST_RULE))),
            ("rpe", lambda v: v.__setitem__("rpe", _num(self.rpe, RPE_RULE))),
            ("notes", lambda v: v.__setitem__("notes", _text(self.notes, rx.NOTES_RULE))),
        ]

    def show(self, p: Prescription) -> None:  # type: ignore[override]  # fills fields
        assert isinstance(p, CustomPrescription)
        self.instructions.set_text(p.instructions or "")
        self.sets.set_text(_show_number(p.sets))
        self.reps.set_text("" if p.reps is None else str(p.reps))
        self.duration.set_text(_show_number(p.duration_s))
        self.weight.set_text(_show_number(p.weight_kg))
        self.rest.set_text(_show_number(p.rest_s))
        self.rpe.set_text(_show_number(p.rpe))
        self.notes.set_text(p.notes or "")


class ExerciseForm(QWidget):
    """The prescription of one exercise of a session."""

    # (node id, the new stored config, the field edited: consecutive edits of it merge)
    config_edited = Signal(str, object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exerciseForm")
        self.title_label = QLabel("")
        self.title_label.setObjectName("sectionTitle")
        self.title_label.setWordWrap(True)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("typeCombo")
        # Sized to the panel, not to its longest entry, so the form never runs off the side.
        self.type_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.type_combo.setMinimumContentsLength(14)
        for kind in ExerciseKind:
            self.type_combo.addItem(KIND_LABELS[kind], kind.value)
        self.banner = QLabel("")
        self.banner.setObjectName("invalidBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.pages = {
            ExerciseKind.STANDARD: _StandardPage(),
            ExerciseKind.EMOM: _EmomPage(),
            ExerciseKind.AMRAP: _AmrapPage(),
            ExerciseKind.CIRCUIT: _CircuitPage(),
            ExerciseKind.CUSTOM: _CustomPage(),
        }
        self.stack = QStackedWidget()
        for kind in ExerciseKind:
            self.stack.addWidget(self.pages[kind])
        type_row = QFormLayout()
        type_row.setHorizontalSpacing(12)
        caption = QLabel("Type")
        caption.setObjectName("formLabel")
        type_row.addRow(caption, self.type_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.title_label)
        layout.addLayout(type_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack)
        layout.addStretch(1)

        self._node_id = ""
        self._kind = ExerciseKind.STANDARD
        self._library = ExerciseKind.STANDARD
        self._extra: Mapping[str, Any] = {}
        self._last_config: Any = None
        self._errors: dict[str, str] = {}
        self._wire()

    def _wire(self) -> None:
        self.type_combo.activated.connect(self._on_type_combo_activated)
        for page in self.pages.values():
            page.edited.connect(self._on_page_edited)

    # -- what the editor asks ----------------------------------------------------------------

    @property
    def node_id(self) -> str:
        return self._node_id

    @property
    def kind(self) -> ExerciseKind:
        return self._kind

    @property
    def page(self) -> _KindPage:
        return self.pages[self._kind]

    @property
    def last_config(self) -> Any:
        """The config the form shows: as stored, or as last emitted."""
        return self._last_config

    @property
    def errors(self) -> dict[str, str]:
        """Messages of fields the coach edited into an invalid state (not saved until fixed)."""
        return dict(self._errors)

    def load(self, node_id: str, name: str, config: Any, library_type: str | None) -> None:
        """Show an exercise's stored config as it is, flagging what is unusable."""
        reading = read_config(config, library_type)
        self._node_id = node_id
        self._library = ExerciseKind.from_library(library_type)
        self._last_config = config
        self._errors = {}
        self.title_label.setText(name)
        self._show(reading.kind, reading.prescription, reading)

    def _show(
        self, kind: ExerciseKind, prescription: Prescription, reading: ConfigReading | None
    ) -> None:
        self._kind = kind
        self._extra = prescription.extra
        allowed = allowed_kinds(self._library)
        if kind not in allowed:
            # The web's circuit format can sit on any library exercise: keep it choosable.
            allowed = (*allowed, kind)
        model = self.type_combo.model()
        assert isinstance(model, QStandardItemModel)
        for row, option in enumerate(ExerciseKind):
            item = model.item(row)
            item.setEnabled(option in allowed)
            item.setToolTip(
                ""
                if option in allowed
                else f"{KIND_LABELS[option].split(' (')[0]} needs a library exercise of that "
                "type: the stored config cannot say it."
            )
        self.type_combo.setCurrentIndex(list(ExerciseKind).index(kind))
        page = self.pages[kind]
        page.show(prescription)
        for field in page.fields.values():
            field.show_message(None)
        blocking = [i for i in (reading.issues if reading else ()) if i.blocks_value]
        for issue in reading.issues if reading else ():
            self._show_issue(page, issue)
        if blocking and all(i.severity == "ambiguous" for i in blocking):
            self.banner.setText(
                "The stored duration reads as minutes on the web's programs page and as seconds "
                "in its builder; it is kept as stored until you set the minutes."
            )
        elif blocking:
            self.banner.setText(
                "The stored prescription has values this app cannot use; they are shown as "
                "stored and kept until you edit this exercise."
            )
        self.banner.setVisible(bool(blocking))
        self.stack.setCurrentWidget(page)

    @staticmethod
    def _show_issue(page: _KindPage, issue: FieldIssue) -> None:
        key = issue.key.split("[")[0].split(".")[0]
        field = page.fields.get(key)
        if field is None:
            return
        if issue.blocks_value and issue.raw is not None:
            if isinstance(field, TextField | LongTextField):
                field.set_text(_raw_text(issue))
            elif isinstance(field, UnitField):
                field.line.setText(_raw_text(issue))
        message = issue.message
        if issue.severity == "invalid":
            message = f"{issue.message} Stored: {issue.raw_text}"
        field.show_message(message, note=not issue.blocks_value)

    # -- the coach's edits ---------------------------------------------------------------------

    @Slot(int)
    def _on_type_combo_activated(self, index: int) -> None:
        kind = ExerciseKind(self.type_combo.itemData(index))
        if kind is self._kind:
            return
        fresh = new_prescription(kind)
        cls = type(fresh)
        kept = {k: v for k, v in self._extra.items() if k not in cls.KEYS}
        prescription = cls(**{**_fields(fresh), "extra": kept})
        self._errors = {}
        self._show(kind, prescription, None)
        self._emit(prescription.to_config(), "type")

    @Slot(str)
    def _on_page_edited(self, field_key: str) -> None:
        page = self.page
        prescription, errors = page.parse(self._extra)
        for key, field in page.fields.items():
            field.show_message(errors.get(key))
        general = errors.get("")
        self.banner.setText(general or "")
        self.banner.setVisible(bool(general))
        self._errors = errors
        if prescription is None:
            return
        self._emit(prescription.to_config(), field_key)

    def _emit(self, config: dict[str, Any], field_key: str) -> None:
        if json.dumps(config, sort_keys=True) == json.dumps(self._last_config, sort_keys=True):
            return
        self._last_config = config
        self.config_edited.emit(self._node_id, config, field_key)


def _fields(p: Prescription) -> dict[str, Any]:
    return {f.name: getattr(p, f.name) for f in dataclass_fields(p) if f.name != "extra"}
