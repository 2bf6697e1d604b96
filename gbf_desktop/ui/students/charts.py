"""Charts of a student's progress (QtCharts): one exercise over time, and weekly volume beside
weekly compliance; each chart saves as PNG and the history exports as CSV.

The figures are the service's (`StudentProgress.exercise_series` and `.weekly`); this module only
draws them, so a chart and the CSV can never disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QMargins, QPointF, Qt, QTime, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.review import (
    ExercisePoint,
    ExerciseSeries,
    WeekFigure,
    chart_measures,
    default_measure,
)
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.review import StudentProgress
from gbf_desktop.workers.tasks import Task, TaskRunner

_BLUE = QColor("#2f6fed")
_GREEN = QColor("#1f9d55")
_GRID = QColor("#e4e8ef")
_TEXT = QColor("#52606d")


class Metric(enum.Enum):
    TOP_SET = ("Top set load", "kg", "top_set_kg")
    E1RM = ("Estimated 1RM (Epley)", "kg", "e1rm_kg")
    VOLUME = (
        "Volume (sets \N{MULTIPLICATION SIGN} reps \N{MULTIPLICATION SIGN} load)",
        "kg",
        "volume_kg",
    )
    RPE = ("RPE", "", "rpe")
    TOTAL_REPS = ("Total reps", "reps", "total_reps")

    def __init__(self, label: str, unit: str, attribute: str) -> None:
        self.label = label
        self.unit = unit
        self.attribute = attribute

    def of(self, point: ExercisePoint) -> float | None:
        raw = getattr(point, self.attribute)
        return None if raw is None else float(raw)


def metric_points(series: ExerciseSeries, metric: Metric) -> list[tuple[date, float]]:
    """The (day, value) pairs a chart draws: points without the figure are left out."""
    pairs = []
    for point in series.points:
        value = metric.of(point)
        if value is not None:
            pairs.append((point.day, value))
    return pairs


def offered_metrics(series: ExerciseSeries) -> list[Metric]:
    """The figures the chart offers for this exercise: only those its type has, best first."""
    by_attribute = {m.attribute: m for m in Metric}
    return [by_attribute[name] for name in chart_measures(series.kind) if name in by_attribute]


def default_metric(series: ExerciseSeries) -> Metric:
    """The metric of `review.default_measure`: the figure a coach looks at first."""
    measure = default_measure(series)
    return next(m for m in Metric if m.attribute == measure)


def _msecs(day: date) -> float:
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0)).toMSecsSinceEpoch())


def _new_chart() -> QChart:
    chart = QChart()
    chart.setBackgroundRoundness(10)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    title_font = QFont()
    title_font.setPointSizeF(12)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    return chart


def _style_axis(axis: QValueAxis | QDateTimeAxis | QBarCategoryAxis, title: str) -> None:
    axis.setTitleText(title)
    axis.setGridLineColor(_GRID)
    axis.setLabelsColor(_TEXT)
    font = QFont()
    font.setPointSizeF(9.5)
    axis.setLabelsFont(font)
    axis.setTitleFont(font)


def _nice_max(value: float) -> float:
    """A round top for an axis, a little above the highest point."""
    if value <= 0:
        return 1.0
    top = value * 1.1
    step = 10 ** max(len(str(int(top))) - 2, 0)
    return float(-(-top // step) * step)


class ExerciseChart(QChartView):
    """One exercise's figure over time, one point per logged session."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exerciseChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.line = QLineSeries()
        self.line.setPointsVisible(True)
        self.line.setPen(QPen(_BLUE, 2.5))
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("d MMM")
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%g")
        _style_axis(self.x_axis, "")
        _style_axis(self.y_axis, "")
        chart = _new_chart()
        chart.addSeries(self.line)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.line.attachAxis(self.x_axis)
        self.line.attachAxis(self.y_axis)
        chart.legend().hide()
        self.setChart(chart)
        self.show_series(None, Metric.E1RM)

    def show_series(self, series: ExerciseSeries | None, metric: Metric) -> None:
        pairs = metric_points(series, metric) if series else []
        self.line.replace([QPointF(_msecs(day), value) for day, value in pairs])
        self.line.setName(metric.label)
        name = series.name if series else "No exercise"
        if not pairs:
            what = metric.label.lower()
            self.chart().setTitle(f"{name}: no {what} logged")
        else:
            self.chart().setTitle(f"{name} · {metric.label}")
        self.y_axis.setTitleText(metric.unit)
        if pairs:
            first, last = pairs[0][0], pairs[-1][0]
            # A single day still needs a span for the axis to draw.
            self.x_axis.setRange(
                QDateTime.fromMSecsSinceEpoch(int(_msecs(first)) - 3 * 86_400_000),
                QDateTime.fromMSecsSinceEpoch(int(_msecs(last)) + 3 * 86_400_000),
            )
            low = min(v for _, v in pairs)
            self.y_axis.setRange(0 if low >= 0 else low * 1.1, _nice_max(max(v for _, v in pairs)))
            # Round ticks (0, 20, 40...) rather than quarters of an odd maximum.
            self.y_axis.applyNiceNumbers()
        else:
            self.y_axis.setRange(0, 1)

    def values(self) -> list[tuple[float, float]]:
        """The points drawn, as (ms since epoch, value): what tests compare with the service."""
        return [(p.x(), p.y()) for p in self.line.points()]


class WeeklyChart(QChartView):
    """Weekly volume as bars (kg, left axis) and compliance as a line (%, right axis)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.volume_set = QBarSet("Volume (kg)")
        self.volume_set.setColor(QColor("#9db8f2"))
        self.volume_set.setBorderColor(QColor("#9db8f2"))
        self.bars = QBarSeries()
        self.bars.append(self.volume_set)
        self.compliance_line = QLineSeries()
        self.compliance_line.setName("Compliance (%)")
        self.compliance_line.setPointsVisible(True)
        self.compliance_line.setPen(QPen(_GREEN, 2.5))
        self.weeks_axis = QBarCategoryAxis()
        self.volume_axis = QValueAxis()
        self.volume_axis.setLabelFormat("%.0f")
        self.compliance_axis = QValueAxis()
        self.compliance_axis.setRange(0, 100)
        self.compliance_axis.setLabelFormat("%.0f %%")
        _style_axis(self.weeks_axis, "")
        _style_axis(self.volume_axis, "kg")
        _style_axis(self.compliance_axis, "compliance")
        chart = _new_chart()
        chart.setTitle("Weekly volume and compliance")
        chart.addSeries(self.bars)
        chart.addSeries(self.compliance_line)
        chart.addAxis(self.weeks_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.volume_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.compliance_axis, Qt.AlignmentFlag.AlignRight)
        self.bars.attachAxis(self.weeks_axis)
        self.bars.attachAxis(self.volume_axis)
        self.compliance_line.attachAxis(self.weeks_axis)
        self.compliance_line.attachAxis(self.compliance_axis)
        self.setChart(chart)
        self.weeks: tuple[WeekFigure, ...] = ()

    def show_weeks(self, weeks: tuple[WeekFigure, ...]) -> None:
        self.weeks = weeks
        self.volume_set.remove(0, self.volume_set.count())
        self.volume_set.append([w.volume_kg for w in weeks])
        # Bars sit at category indexes 0, 1, 2...; the line's x uses the same indexes. A week
        # with nothing due has no compliance and no point (a gap, not a false 0 %).
        self.compliance_line.replace(
            [
                QPointF(float(i), w.compliance.percent)
                for i, w in enumerate(weeks)
                if w.compliance.percent is not None
            ]
        )
        self.weeks_axis.clear()
        self.weeks_axis.append([f"{w.week.day} {w.week:%b}" for w in weeks] or [""])
        self.volume_axis.setRange(0, _nice_max(max((w.volume_kg for w in weeks), default=0.0)))
        self.volume_axis.applyNiceNumbers()


@dataclass(frozen=True)
class _Choice:
    exercise_id: str
    label: str


AskSavePath = Callable[[QWidget, str, str, str], Path | None]


def ask_save_path(parent: QWidget, caption: str, suggested: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return Path(name) if name else None


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.casefold()).strip("-") or "chart"


class ChartsPanel(QWidget):
    """The Charts tab of a student's progress: pick an exercise and a figure; save or export."""

    csv_exported = Signal(object)  # the Path written
    png_saved = Signal(object)  # the Path written

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._progress: StudentProgress | None = None
        self._series: dict[str, ExerciseSeries] = {}
        self._task: Task | None = None
        # Replaced in tests; a file dialog by default.
        self.ask_path: AskSavePath = ask_save_path

        self.exercise_combo = QComboBox()
        self.exercise_combo.setMinimumWidth(260)
        self.metric_combo = QComboBox()
        for metric in Metric:
            self.metric_combo.addItem(metric.label, metric)
        self.exercise_chart = ExerciseChart()
        self.weekly_chart = WeeklyChart()
        self.exercise_png_button = QPushButton("Save chart as PNG…")
        self.weekly_png_button = QPushButton("Save weekly chart as PNG…")
        self.csv_button = QPushButton("Export history as CSV…")
        self.status_label = QLabel("")
        self.status_label.setObjectName("mutedLabel")
        self.status_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel("Exercise"))
        top.addWidget(self.exercise_combo, 2)
        top.addSpacing(8)
        top.addWidget(QLabel("Figure"))
        top.addWidget(self.metric_combo, 1)
        top.addSpacing(8)
        top.addWidget(self.exercise_png_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.weekly_png_button)
        bottom.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.exercise_chart, 1)
        layout.addWidget(self.weekly_chart, 1)
        layout.addLayout(bottom)
        self._wire()

    def _wire(self) -> None:
        self.exercise_combo.currentIndexChanged.connect(self._on_exercise_combo_index_changed)
        self.metric_combo.currentIndexChanged.connect(self._on_metric_combo_index_changed)
        self.exercise_png_button.clicked.connect(self._on_exercise_png_button_clicked)
        self.weekly_png_button.clicked.connect(self._on_weekly_png_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)

    @property
    def exporting(self) -> bool:
        return self._task is not None

    def set_progress(self, progress: StudentProgress) -> None:
        """Show this progress; the chosen exercise and figure stay chosen across refreshes."""
        student_changed = self._progress is None or self._progress.student.id != (
            progress.student.id
        )
        self._progress = progress
        series = progress.exercise_series()
        self._series = {s.exercise_id: s for s in series}
        current = None if student_changed else self.exercise_combo.currentData()
        choices = [_Choice(s.exercise_id, f"{s.name} ({s.kind})") for s in series]
        self.exercise_combo.blockSignals(True)
        self.exercise_combo.clear()
        for choice in choices:
            self.exercise_combo.addItem(choice.label, choice.exercise_id)
        index = self.exercise_combo.findData(current) if current else -1
        if index < 0 and series:
            # The most logged exercise: the one with a story to tell.
            busiest = max(series, key=lambda s: len(s.points))
            index = self.exercise_combo.findData(busiest.exercise_id)
            self._select_metric(default_metric(busiest))
        self.exercise_combo.setCurrentIndex(index)
        self.exercise_combo.blockSignals(False)
        self._offer_metrics(self.current_series())
        self._redraw()
        self.weekly_chart.show_weeks(progress.weekly())

    def select_exercise(self, exercise_id: str, metric: Metric | None = None) -> None:
        index = self.exercise_combo.findData(exercise_id)
        if index >= 0:
            self.exercise_combo.setCurrentIndex(index)
        if metric is not None:
            self._select_metric(metric)
        self._redraw()

    def current_series(self) -> ExerciseSeries | None:
        data = self.exercise_combo.currentData()
        return self._series.get(data) if isinstance(data, str) else None

    def current_metric(self) -> Metric:
        metric = self.metric_combo.currentData()
        return metric if isinstance(metric, Metric) else Metric.E1RM

    def _select_metric(self, metric: Metric) -> None:
        self.metric_combo.blockSignals(True)
        self.metric_combo.setCurrentIndex(self.metric_combo.findData(metric))
        self.metric_combo.blockSignals(False)

    def _offer_metrics(self, series: ExerciseSeries | None) -> None:
        """Fill the figure list with what this exercise's type has (no e1RM for an EMOM)."""
        current = self.current_metric()
        offered = offered_metrics(series) if series is not None else list(Metric)
        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for metric in offered:
            self.metric_combo.addItem(metric.label, metric)
        self.metric_combo.blockSignals(False)
        if current in offered and series is not None and metric_points(series, current):
            self._select_metric(current)
        elif series is not None:
            self._select_metric(default_metric(series))

    def metric_labels(self) -> list[str]:
        return [self.metric_combo.itemText(i) for i in range(self.metric_combo.count())]

    def _redraw(self) -> None:
        self.exercise_chart.show_series(self.current_series(), self.current_metric())

    # -- exports -------------------------------------------------------------------------------

    def save_png(self, view: QChartView, path: Path) -> bool:
        """Write what the chart shows, at its size on screen, as a PNG file."""
        saved = view.grab().save(str(path), "PNG")
        if saved:
            self.status_label.setText(f"Chart saved to {path}.")
            self.png_saved.emit(path)
        else:
            self.status_label.setText(
                f"The chart could not be saved to {path}. Choose a folder you can write to."
            )
        return saved

    def export_csv(self, path: Path) -> None:
        """Write the student's history to `path` in the background; `csv_exported` tells."""
        if self._progress is None or self._task is not None:
            return
        self.csv_button.setEnabled(False)
        self.status_label.setText("Exporting the history…")
        task = self._runner.read(
            self._backend.export_history_csv, self._coach.id, self._progress.student.id, path
        )
        task.succeeded.connect(self._on_csv_task_succeeded)
        task.failed.connect(self._on_csv_task_failed)
        task.crashed.connect(self._on_csv_task_crashed)
        task.finished.connect(self._on_csv_task_finished)
        self._task = task
        self._csv_path = path

    def _suggested(self, what: str, suffix: str) -> str:
        name = self._progress.student.display_name if self._progress else "student"
        return f"{_slug(name)}-{_slug(what)}{suffix}"

    @Slot(int)
    def _on_exercise_combo_index_changed(self, _index: int) -> None:
        self._offer_metrics(self.current_series())
        self._redraw()

    @Slot(int)
    def _on_metric_combo_index_changed(self, _index: int) -> None:
        self._redraw()

    @Slot()
    def _on_exercise_png_button_clicked(self) -> None:
        series = self.current_series()
        what = f"{series.name}-{self.current_metric().name}" if series else "exercise"
        path = self.ask_path(
            self, "Save chart as PNG", self._suggested(what, ".png"), "PNG images (*.png)"
        )
        if path is not None:
            self.save_png(self.exercise_chart, path)

    @Slot()
    def _on_weekly_png_button_clicked(self) -> None:
        path = self.ask_path(
            self, "Save chart as PNG", self._suggested("weekly", ".png"), "PNG images (*.png)"
        )
        if path is not None:
            self.save_png(self.weekly_chart, path)

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        path = self.ask_path(
            self, "Export history as CSV", self._suggested("history", ".csv"), "CSV (*.csv)"
        )
        if path is not None:
            self.export_csv(path)

    @Slot(object)
    def _on_csv_task_succeeded(self, rows: int) -> None:
        self.status_label.setText(f"{rows} rows written to {self._csv_path}.")
        self.csv_exported.emit(self._csv_path)

    @Slot(object)
    def _on_csv_task_failed(self, error: KnownError) -> None:
        self.status_label.setText(f"The history could not be exported. {error}")

    @Slot(object)
    def _on_csv_task_crashed(self, error: BaseException) -> None:
        # Writing a file fails for reasons the coach can fix (a full disk, a locked folder).
        if isinstance(error, OSError):
            self.status_label.setText(
                f"The history could not be written to {self._csv_path}: {error.strerror or error}."
                " Choose another folder."
            )
        else:
            self.status_label.setText("A bug stopped the export. The details are in the log file.")

    @Slot()
    def _on_csv_task_finished(self) -> None:
        self._task = None
        self.csv_button.setEnabled(True)
