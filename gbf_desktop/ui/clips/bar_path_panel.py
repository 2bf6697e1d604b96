"""Bar path and bar speed beside the player: mark the plate, track it, read the reps.

The coach presses "Mark plate" and drags on the picture from the plate's centre to its rim; "Track"
runs the tracker (`workers.review_jobs.track_job`) as a background task with a progress bar and
Cancel. The path is drawn over the picture (up to the frame on screen), a chart shows height and
velocity over time with a cursor that follows the frame and seeks the clip where it is clicked, and
a table gives each rep's range of motion, mean and peak concentric velocity and loss from the
best rep. A lost plate is said with its frame; "Mark again there" goes to it for a new mark, and
tracking resumes from there. The result is stored with the clip (`Backend.save_clip_bar_path`) and
shown again when the clip is opened; "CSV…" exports the samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain import bar_path as bp
from gbf_desktop.domain.bar_path import PlateMark, TrackingLost, TrackProgress
from gbf_desktop.errors import KnownError
from gbf_desktop.workers.review_jobs import track_job
from gbf_desktop.workers.tasks import Task, TaskRunner

if TYPE_CHECKING:
    # Types only: the player module builds on this one.
    from gbf_desktop.ui.clips.player import FrameView

PATH_COLOUR = QColor("#00e0ff")
HEIGHT_COLOUR = QColor("#2f6fed")
VELOCITY_COLOUR = QColor("#e8590c")


def analysis_from_json(result: dict[str, Any]) -> bp.BarPathAnalysis:
    samples = [bp.PathSample(float(t), float(x), float(y)) for t, x, y in result["path"]]
    return bp.analyse(samples, float(result["radius_px"]), float(result["plate_cm"]))


def recalibrated(result: dict[str, Any], plate_cm: float) -> dict[str, Any]:
    """A stored result measured again for another plate diameter (the path stays as tracked)."""
    analysis = bp.analyse(
        [bp.PathSample(float(t), float(x), float(y)) for t, x, y in result["path"]],
        float(result["radius_px"]),
        plate_cm,
    )
    return {**result, **bp.measures_json(analysis)}


def rep_rows(analysis: bp.BarPathAnalysis) -> list[tuple[str, ...]]:
    """The reps table's text: rep, ROM, mean, peak, loss from the best."""
    best = analysis.best_rep
    return [
        (
            f"{r.number}" + (" ★" if best is not None and r.number == best.number else ""),
            f"{r.rom_cm:.0f} cm",
            f"{r.mean_velocity_m_s:.2f}",
            f"{r.peak_velocity_m_s:.2f}",
            f"{analysis.rep_loss_pct(r):.0f} %",
        )
        for r in analysis.reps
    ]


def summary_text(analysis: bp.BarPathAnalysis) -> str:
    if not analysis.reps:
        return "No rep found: the plate did not rise and fall enough."
    best = analysis.best_rep
    assert best is not None
    loss = analysis.velocity_loss_pct
    parts = [
        f"{len(analysis.reps)} rep{'s' if len(analysis.reps) != 1 else ''}",
        f"best {best.mean_velocity_m_s:.2f} m/s (rep {best.number})",
    ]
    if loss is not None:
        parts.append(f"velocity loss {loss:.0f} %")
    return " · ".join(parts)


class BarPathChart(QWidget):
    """Height (cm, blue) and vertical velocity (m/s, orange) over time; a cursor at the frame on
    screen; a click asks to seek there (`seek_requested` in milliseconds)."""

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("barPathChart")
        self.setMinimumSize(300, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.analysis: bp.BarPathAnalysis | None = None
        self.duration_s = 0.0
        self.cursor_s = 0.0

    def set_analysis(self, analysis: bp.BarPathAnalysis | None, duration_s: float) -> None:
        self.analysis = analysis
        self.duration_s = duration_s
        self.update()

    def set_cursor(self, t_s: float) -> None:
        self.cursor_s = t_s
        self.update()

    def plot_rect(self) -> QRectF:
        return QRectF(40, 10, max(10, self.width() - 80), max(10, self.height() - 34))

    def _span(self) -> float:
        if self.analysis and self.analysis.samples:
            return max(self.duration_s, self.analysis.samples[-1].t_s, 0.1)
        return max(self.duration_s, 0.1)

    def x_of(self, t_s: float) -> float:
        plot = self.plot_rect()
        return plot.left() + plot.width() * t_s / self._span()

    def time_at(self, x: float) -> float:
        plot = self.plot_rect()
        return max(0.0, min(self._span(), (x - plot.left()) / plot.width() * self._span()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.analysis is not None:
            self.seek_requested.emit(round(self.time_at(event.position().x()) * 1000))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        plot = self.plot_rect()
        painter.setPen(QPen(QColor("#dde2ea"), 1))
        painter.drawRect(plot)
        analysis = self.analysis
        if analysis is None or not analysis.samples:
            painter.setPen(QColor("#6b7785"))
            painter.drawText(
                plot,
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                "Track the plate to see its height and speed",
            )
            return
        times = [s.t_s for s in analysis.samples]
        top_h = max(10.0, max(analysis.heights_cm) * 1.1)
        v_max = max(0.2, max(abs(v) for v in analysis.velocities_m_s) * 1.1)
        for rep in analysis.reps:  # the concentric phases, shaded
            x0, x1 = self.x_of(rep.concentric_start_s), self.x_of(rep.end_s)
            painter.fillRect(
                QRectF(x0, plot.top(), x1 - x0, plot.height()), QColor(232, 89, 12, 28)
            )
        zero = plot.center().y()
        painter.setPen(QPen(QColor("#c5ccd6"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), zero), QPointF(plot.right(), zero))
        self._curve(
            painter,
            times,
            analysis.heights_cm,
            lambda h: plot.bottom() - plot.height() * h / top_h,
            HEIGHT_COLOUR,
        )
        self._curve(
            painter,
            times,
            analysis.velocities_m_s,
            lambda v: zero - plot.height() / 2 * v / v_max,
            VELOCITY_COLOUR,
        )
        painter.setPen(QPen(QColor("#1f2933"), 2))
        x = self.x_of(self.cursor_s)
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(HEIGHT_COLOUR)
        painter.drawText(QRectF(0, plot.top(), 38, 16), Qt.AlignmentFlag.AlignRight, f"{top_h:.0f}")
        painter.drawText(QRectF(0, plot.bottom() - 14, 38, 16), Qt.AlignmentFlag.AlignRight, "0")
        painter.setPen(VELOCITY_COLOUR)
        painter.drawText(QRectF(plot.right() + 4, plot.top(), 40, 16), 0, f"{v_max:.1f}")
        painter.drawText(QRectF(plot.right() + 4, plot.bottom() - 14, 40, 16), 0, f"-{v_max:.1f}")
        legend = QRectF(plot.left(), plot.bottom() + 4, plot.width(), 18)
        painter.setPen(HEIGHT_COLOUR)
        painter.drawText(legend, Qt.AlignmentFlag.AlignLeft, "height (cm)")
        painter.setPen(VELOCITY_COLOUR)
        painter.drawText(legend, Qt.AlignmentFlag.AlignRight, "velocity (m/s)")

    @staticmethod
    def _curve(
        painter: QPainter,
        times: Sequence[float],
        values: Sequence[float],
        y_of: Callable[[float], float],
        colour: QColor,
    ) -> None:
        chart = painter.device()
        assert isinstance(chart, BarPathChart)
        path = QPainterPath()
        for i, (t, v) in enumerate(zip(times, values, strict=True)):
            point = QPointF(chart.x_of(t), y_of(v))
            if i == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        painter.setPen(QPen(colour, 2))
        painter.drawPath(path)


class BarPathPanel(QWidget):
    """The bar path beside a player; see the module's doc."""

    seek_requested = Signal(int)  # ms: the window seeks its player
    result_ready = Signal(object)  # the JSON to store with the clip
    marking_changed = Signal(bool)  # True while the coach marks the plate (drawing pauses)

    def __init__(self, view: FrameView, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("barPathPanel")
        self.view = view
        self._runner = runner
        self.clip: Path | None = None
        self.duration_s = 0.0
        self.marks: list[PlateMark] = []
        self.analysis: bp.BarPathAnalysis | None = None
        self.result: dict[str, Any] | None = None
        self.lost: TrackingLost | None = None
        self._task: Task | None = None
        self._press: QPointF | None = None
        self._drag: tuple[float, float, float] | None = None

        title = QLabel("Bar path and speed")
        title.setObjectName("paneTitle")
        self.mark_button = QPushButton("Mark plate")
        self.mark_button.setCheckable(True)
        self.mark_button.setToolTip("Drag on the picture from the plate's centre to its rim")
        self.plate_spin = QDoubleSpinBox()
        self.plate_spin.setObjectName("plateDiameter")
        self.plate_spin.setRange(bp.MIN_PLATE_CM, bp.MAX_PLATE_CM)
        self.plate_spin.setValue(bp.DEFAULT_PLATE_CM)
        self.plate_spin.setDecimals(1)
        self.plate_spin.setSuffix(" cm")
        self.plate_spin.setToolTip("The plate's diameter: 45 cm for standard plates")
        self.track_button = QPushButton("Track")
        self.track_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status_label = QLabel("Mark the plate on a frame where it shows clearly.")
        self.status_label.setObjectName("mutedLabel")
        self.status_label.setWordWrap(True)
        self.remark_button = QPushButton("Mark again there")
        self.remark_button.hide()
        self.chart = BarPathChart()
        self.table = self._build_table()
        self.csv_button = QPushButton("CSV…")
        self.csv_button.setEnabled(False)
        self.log_button = QPushButton("Offer to the log…")
        self.log_button.setToolTip("Add the best rep's bar speed to this session's log notes")
        self.log_button.setEnabled(False)
        for widget in (
            self.mark_button,
            self.track_button,
            self.cancel_button,
            self.csv_button,
            self.remark_button,
            self.plate_spin,
        ):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self._build_layout(title)
        self._wire()
        view.add_overlay(self.paint_path)
        view.installEventFilter(self)

    @staticmethod
    def _build_table() -> QTableWidget:
        table = QTableWidget(0, 5)
        table.setObjectName("repsTable")
        table.setHorizontalHeaderLabels(["Rep", "ROM", "Mean", "Peak", "Loss"])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setToolTip("Mean and peak concentric velocity in m/s; loss from the best rep")
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setMinimumHeight(110)
        return table

    def _build_layout(self, title: QLabel) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(title)
        controls = QHBoxLayout()
        controls.addWidget(self.mark_button)
        controls.addWidget(self.track_button)
        controls.addWidget(self.cancel_button)
        layout.addLayout(controls)
        plate = QHBoxLayout()
        plate.addWidget(QLabel("Plate diameter"))
        plate.addWidget(self.plate_spin)
        plate.addStretch(1)
        layout.addLayout(plate)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.remark_button)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.table)
        bottom = QHBoxLayout()
        bottom.addWidget(self.log_button)
        bottom.addStretch(1)
        bottom.addWidget(self.csv_button)
        layout.addLayout(bottom)

    def _wire(self) -> None:
        self.mark_button.toggled.connect(self._on_mark_button_toggled)
        self.plate_spin.valueChanged.connect(self._on_plate_spin_value_changed)
        self.track_button.clicked.connect(self._on_track_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.remark_button.clicked.connect(self._on_remark_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.chart.seek_requested.connect(self.seek_requested)
        self.view.frame_received.connect(self._on_view_frame_received)

    # --- loading -------------------------------------------------------------------------------

    def set_clip(self, clip: Path, duration_s: float) -> None:
        self.clip = clip
        self.duration_s = duration_s
        self.chart.set_analysis(self.analysis, duration_s)

    def show_stored(self, result: dict[str, Any] | None) -> None:
        if result is None:
            return
        try:
            self.marks = [PlateMark(*map(float, m)) for m in result.get("marks", [])]
            self.plate_spin.blockSignals(True)
            self.plate_spin.setValue(float(result["plate_cm"]))
            self.plate_spin.blockSignals(False)
            self._show(result, analysis_from_json(result))
        except (KeyError, TypeError, ValueError, KnownError):
            self.status_label.setText("The stored bar path could not be read; track it again.")

    # --- marking the plate ----------------------------------------------------------------------

    def start_marking(self) -> None:
        self.mark_button.setChecked(True)

    def mark(self, x_px: float, y_px: float, radius_px: float, time_s: float) -> None:
        """Add a mark (what a drag on the picture does); after a loss it resumes from there."""
        mark = PlateMark(x_px, y_px, radius_px, time_s)
        if self.lost is None:
            self.marks = [mark]
        else:
            self.marks = [*self.marks, mark]
        self.mark_button.setChecked(False)
        self.track_button.setEnabled(self.clip is not None)
        self.status_label.setText(
            f"Plate marked at {time_s:.2f} s ({2 * radius_px:.0f} px wide). Press Track."
        )
        self.view.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view or not self.mark_button.isChecked():
            return False
        if not isinstance(event, QMouseEvent):
            return False
        point = self._picture_point(event.position())
        if point is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self._press = QPointF(*point)
            self._drag = (point[0], point[1], 0.0)
        elif kind == QEvent.Type.MouseMove and self._press is not None:
            r = math.dist((self._press.x(), self._press.y()), point)
            self._drag = (self._press.x(), self._press.y(), r)
            self.view.update()
        elif kind == QEvent.Type.MouseButtonRelease and self._press is not None:
            x, y = self._press.x(), self._press.y()
            r = math.dist((x, y), point)
            self._press = None
            self._drag = None
            if r >= 3:
                self.mark(x, y, r, self.view.time_s)
            else:
                self.status_label.setText("Drag from the plate's centre out to its rim.")
        else:
            return False
        return True

    def _picture_point(self, pos: QPointF) -> tuple[float, float] | None:
        rect = self.view.picture_rect()
        size = self.view.image.size()
        if rect.isEmpty() or size.isEmpty():
            return None
        scale = size.width() / rect.width()
        return ((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    # --- tracking -------------------------------------------------------------------------------

    def track(self) -> Task | None:
        if self.clip is None or not self.marks or self._task is not None:
            return None
        self.lost = None
        self.remark_button.hide()
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.track_button.setEnabled(False)
        self.mark_button.setEnabled(False)
        self.status_label.setText("Tracking the plate…")
        task = self._runner.read(track_job, self.clip, tuple(self.marks), self.plate_spin.value())
        task.progressed.connect(self._on_track_task_progressed)
        task.succeeded.connect(self._on_track_task_succeeded)
        task.failed.connect(self._on_track_task_failed)
        task.crashed.connect(self._on_track_task_crashed)
        task.cancelled.connect(self._on_track_task_cancelled)
        task.finished.connect(self._on_track_task_finished)
        self._task = task
        return task

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _show(self, result: dict[str, Any], analysis: bp.BarPathAnalysis) -> None:
        self.result = result
        self.analysis = analysis
        self.chart.set_analysis(analysis, self.duration_s)
        rows = rep_rows(analysis)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self.status_label.setText(summary_text(analysis))
        self.csv_button.setEnabled(True)
        self.log_button.setEnabled(bool(analysis.reps))
        self.view.update()

    @Slot(object)
    def _on_track_task_progressed(self, progress: TrackProgress) -> None:
        self.progress.setValue(round(100 * progress.fraction))

    @Slot(object)
    def _on_track_task_succeeded(self, result: dict[str, Any]) -> None:
        self._show(result, analysis_from_json(result))
        self.result_ready.emit(result)

    @Slot(object)
    def _on_track_task_failed(self, error: KnownError) -> None:
        if isinstance(error, TrackingLost):
            self.lost = error
            self.remark_button.show()
        self.status_label.setText(str(error))

    @Slot(object)
    def _on_track_task_crashed(self, _error: BaseException) -> None:
        self.status_label.setText("A bug in the app stopped the tracking. Please try again.")

    @Slot()
    def _on_track_task_cancelled(self) -> None:
        self.status_label.setText("Tracking cancelled; nothing was stored.")

    @Slot()
    def _on_track_task_finished(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.mark_button.setEnabled(True)
        self.track_button.setEnabled(bool(self.marks))

    # --- painting the path ----------------------------------------------------------------------

    def paint_path(self, painter: QPainter, target: QRectF) -> None:
        size = self.view.image.size()
        if size.isEmpty():
            return
        scale = target.width() / size.width()

        def at(x: float, y: float) -> QPointF:
            return QPointF(target.x() + x * scale, target.y() + y * scale)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.analysis is not None and self.analysis.samples:
            now = self.view.time_s
            shown = [s for s in self.analysis.samples if s.t_s <= now + 1e-6]
            if len(shown) >= 2:
                path = QPainterPath(at(shown[0].x_px, shown[0].y_px))
                for s in shown[1:]:
                    path.lineTo(at(s.x_px, s.y_px))
                painter.setPen(QPen(PATH_COLOUR, 3))
                painter.drawPath(path)
            if shown:
                painter.setBrush(PATH_COLOUR)
                painter.drawEllipse(at(shown[-1].x_px, shown[-1].y_px), 5, 5)
        marks = [(m.x_px, m.y_px, m.radius_px) for m in self.marks]
        if self._drag is not None:
            marks.append(self._drag)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#ffffff"), 2, Qt.PenStyle.DashLine))
        for x, y, r in marks[-1:]:
            painter.drawEllipse(at(x, y), r * scale, r * scale)
            painter.drawLine(at(x - 4, y), at(x + 4, y))
            painter.drawLine(at(x, y - 4), at(x, y + 4))
        painter.restore()

    # --- the rest -------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        assert self.analysis is not None
        with path.open("w", encoding="utf-8", newline="") as out:
            return bp.write_csv(self.analysis, out)

    @Slot()
    def _on_view_frame_received(self) -> None:
        self.chart.set_cursor(self.view.time_s)

    @Slot(float)
    def _on_plate_spin_value_changed(self, plate_cm: float) -> None:
        # Another plate: the same path, measured again, and stored again.
        if self.result is None or self._task is not None:
            return
        if abs(float(self.result.get("plate_cm", 0)) - plate_cm) < 1e-6:
            return
        result = recalibrated(self.result, plate_cm)
        self._show(result, analysis_from_json(result))
        self.result_ready.emit(result)

    @Slot(bool)
    def _on_mark_button_toggled(self, on: bool) -> None:
        self.view.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        if on:
            self.status_label.setText("Drag from the plate's centre out to its rim.")
        self.marking_changed.emit(on)

    @Slot()
    def _on_track_button_clicked(self) -> None:
        self.track()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    @Slot()
    def _on_remark_button_clicked(self) -> None:
        if self.lost is not None:
            self.seek_requested.emit(round(self.lost.time_s * 1000))
        self.start_marking()

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Export the bar path", "bar-path.csv", "CSV (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self._on_csv_dialog_file_selected)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot(str)
    def _on_csv_dialog_file_selected(self, name: str) -> None:
        try:
            rows = self.export_csv(Path(name))
        except OSError as err:
            self.status_label.setText(f"The CSV could not be written ({err.strerror or err}).")
            return
        self.status_label.setText(f"Saved {rows} samples to {Path(name).name}")
