"""Playing a stored clip: the picture, frame stepping, speed, an in/out loop, full screen, and the
clip's delete and export actions.

Decoding is the engine's (`workers.playback.Playback`): a thread of its own decodes with PyAV
and hands over ordinary images with their times, which `FrameView` paints, so the picture shows
the same on a desktop, offscreen (tests, screenshots) and in a `grab()`. Seeks and frame steps are
exact to the frame, and a step back comes from the engine's cache of the frames it decoded last.

Clips are played without sound: they carry none by default, and the coach reviews form, not audio.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.clips import FPS
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow, ExportedClip
from gbf_desktop.ui.clips.review_tools import ReviewTools
from gbf_desktop.ui.kit.formatting import human_size, short_date
from gbf_desktop.workers.playback import Playback, ShownPicture
from gbf_desktop.workers.tasks import Task, TaskRunner

Overlay = Callable[[QPainter, QRectF], None]

SPEEDS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
_BACKDROP = QColor("#101418")

# The clip windows' part of the look, in the colours and sizes of resources/style.qss: their own
# windows' background (the shared sheet styles QMainWindow and QDialog, not plain windows), the
# clips table like the dashboard's, and the combo and spin boxes like its line edits. Kept here,
# applied to the clip widgets only, so it cannot change how any other page looks.
CLIP_STYLE = """
QWidget#playerWindow, QWidget#compareWindow { background: #f4f6f9; }
QLabel#paneTitle { font-weight: 600; }
QLabel#sectionTitle { font-size: 13pt; font-weight: 600; }
QComboBox, QSpinBox {
    background: #ffffff;
    border: 1px solid #c5ccd6;
    border-radius: 6px;
    padding: 6px 9px;
}
QComboBox:focus, QSpinBox:focus { border-color: #2f6fed; }
QTableView#clipsTable, QTreeWidget#referencesList {
    background: #ffffff;
    alternate-background-color: #f8fafc;
    border: 1px solid #dde2ea;
    border-radius: 10px;
    selection-background-color: #e3ecfd;
    selection-color: #1f2933;
    font-size: 11pt;
}
QTableView#clipsTable::item { padding: 0 8px; }
QTreeWidget#referencesList::item { padding: 4px 2px; }
QPushButton#dangerButton { color: #9b1c1c; }
QPushButton#dangerButton:hover { background: #fdecec; border-color: #f5c2c2; }
"""


def clock(ms: int) -> str:
    """ "0:04.25": minutes, seconds and hundredths, the precision a coach scrubs at."""
    ms = max(0, ms)
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest / 1000:05.2f}"


def speed_text(rate: float) -> str:
    return f"{rate:g}\N{MULTIPLICATION SIGN}"


class FrameView(QWidget):
    """Paints the latest frame given to `show_frame`, scaled to fit, on a dark backdrop."""

    frame_received = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frameView")
        self._image = QImage()
        self.frames_received = 0
        self.frame_size = QSize()
        # Start time of the frame on screen, in microseconds; -1 before the first one.
        self.frame_start_us = -1
        # Painted over the picture, in order (the coach's drawings, a bar path): each gets the
        # painter and the rectangle the picture fills. Held weakly (`add_overlay`): a panel that
        # paints here must not be kept alive by the view, nor be called once it is gone.
        self._overlays: list[Callable[[], Overlay | None]] = []
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def image(self) -> QImage:
        return self._image

    def add_overlay(self, paint: Overlay) -> None:
        """Paint `paint(painter, picture_rect)` over every frame while its owner lives."""
        if inspect.ismethod(paint):
            self._overlays.append(weakref.WeakMethod(paint))
        else:
            self._overlays.append(lambda: paint)
        self.update()

    @property
    def overlay_count(self) -> int:
        """The overlays still painted (those whose owner lives)."""
        return sum(ref() is not None for ref in self._overlays)

    @property
    def time_s(self) -> float:
        """The time of the frame on screen, in seconds (0 before the first one)."""
        return max(0, self.frame_start_us) / 1_000_000

    def picture_rect(self) -> QRectF:
        """Where the picture is painted: scaled to fit, centred."""
        if self._image.isNull():
            return QRectF()
        scaled = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - scaled.width()) // 2
        y = (self.height() - scaled.height()) // 2
        return QRectF(x, y, scaled.width(), scaled.height())

    def clear(self) -> None:
        self._image = QImage()
        self.frame_start_us = -1
        self.update()

    def show_frame(self, image: QImage, start_us: int) -> None:
        """Show `image`, the frame that starts `start_us` microseconds into the clip."""
        self._image = image
        self.frames_received += 1
        self.frame_size = image.size()
        self.frame_start_us = start_us
        self.update()
        self.frame_received.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKDROP)
        if self._image.isNull():
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.picture_rect()
        painter.drawImage(target, self._image)
        live = []
        for ref in self._overlays:
            overlay = ref()
            if overlay is not None:
                live.append(ref)
                overlay(painter, target)
        self._overlays = live


def tool_button(text: str, tooltip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tooltip)
    # Keys belong to the player's shortcuts (Space, arrows), not to whichever button has focus.
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


@dataclass(frozen=True)
class LoopRange:
    start_ms: int
    end_ms: int


class ClipPlayer(QWidget):
    """One clip file: the picture, and (unless `transport` is False) its own controls.

    A player without transport is driven from outside, as the comparison drives its two.
    """

    position_changed = Signal(int)
    duration_changed = Signal(int)
    playing_changed = Signal(bool)
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, transport: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("clipPlayer")
        self.frame_ms = 1000 / FPS
        self.in_ms: int | None = None
        self.out_ms: int | None = None
        self._scrubbing = False
        self._path: Path | None = None
        self._announced = False

        self.view = FrameView()
        self.engine = Playback(self)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("positionSlider")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.time_label = QLabel(f"{clock(0)} / {clock(0)}")
        self.time_label.setObjectName("timeLabel")
        self.loop_label = QLabel("")
        self.loop_label.setObjectName("mutedLabel")

        self.play_button = tool_button("Play", "Play or pause (Space)")
        self.play_button.setObjectName("playButton")
        self.back_button = tool_button("◀ Frame", "One frame back (←)")
        self.forward_button = tool_button("Frame ▶", "One frame forward (→)")
        self.in_button = tool_button("Set in", "Loop from here (I)")
        self.out_button = tool_button("Set out", "Loop up to here (O)")
        self.clear_loop_button = tool_button("Clear loop", "Play the whole clip again")
        self.full_screen_button = tool_button("Full screen", "Full screen (F); Esc leaves it")
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        self.speed_combo.setToolTip("Playback speed")
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in SPEEDS:
            self.speed_combo.addItem(speed_text(rate), rate)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))

        self.transport = self._build_transport()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.transport)
        self.transport.setVisible(transport)
        self._update_loop_label()
        self._wire()

    def _build_transport(self) -> QWidget:
        transport = QWidget()
        transport.setObjectName("transport")
        bar = QVBoxLayout(transport)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        timeline = QHBoxLayout()
        timeline.addWidget(self.slider, 1)
        timeline.addWidget(self.time_label)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        for widget in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(widget)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Speed"))
        controls.addWidget(self.speed_combo)
        controls.addSpacing(12)
        for widget in (self.in_button, self.out_button, self.clear_loop_button):
            controls.addWidget(widget)
        # The loop label takes the free room, so its longest text is never cut off.
        controls.addWidget(self.loop_label, 1)
        controls.addWidget(self.full_screen_button)
        bar.addLayout(timeline)
        bar.addLayout(controls)
        return transport

    # -- public API -----------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Open a clip file, paused on its first frame."""
        self._path = path
        self._announced = False
        self.clear_loop()
        self.view.clear()
        self.frame_ms = 1000 / FPS  # until the file says its own rate
        self.engine.open(path)

    def unload(self) -> None:
        """Let go of the file (so it can be deleted): its decoding thread ends."""
        self.engine.close()
        self._path = None

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def is_playing(self) -> bool:
        return self.engine.is_playing

    @property
    def position(self) -> int:
        return self.engine.position

    @property
    def duration(self) -> int:
        return self.engine.duration

    @property
    def rate(self) -> float:
        return self.engine.rate

    @property
    def loop(self) -> LoopRange | None:
        if self.in_ms is None or self.out_ms is None:
            return None
        return LoopRange(self.in_ms, self.out_ms)

    def play(self) -> None:
        loop = self.loop
        if loop is not None and not loop.start_ms <= self.position < loop.end_ms:
            self.engine.seek(loop.start_ms)
        # From the end, the engine starts again at the beginning.
        self.engine.play()

    def pause(self) -> None:
        self.engine.pause()

    def toggle_play(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        self.engine.seek(max(0, min(ms, self.duration or ms)))

    def current_frame(self) -> int:
        """The index of the frame on screen (from its timestamp when one has been shown), or of
        the one asked for while it is on its way (so quick steps add up)."""
        if self.view.frame_start_us >= 0 and not self.engine.awaiting:
            return round(self.view.frame_start_us / (1000 * self.frame_ms))
        return math.floor(self.position / self.frame_ms)

    def frame_position(self, frame: int) -> int:
        """Where to seek to show `frame`: its middle, so rounding to milliseconds never lands
        on the edge of the frame before it."""
        return round((frame + 0.5) * self.frame_ms)

    def step(self, frames: int) -> None:
        """Pause and move by whole frames (1/24 s each for a stored clip; an uploaded 30 or 60 fps
        one steps by its own frames, none skipped)."""
        self.pause()
        last = max(0, math.ceil(self.duration / self.frame_ms) - 1) if self.duration else 0
        target = min(max(self.current_frame() + frames, 0), last)
        self.engine.seek(self.frame_position(target))

    def set_rate(self, rate: float) -> None:
        self.engine.set_rate(rate)
        index = self.speed_combo.findData(rate)
        if index >= 0 and index != self.speed_combo.currentIndex():
            self.speed_combo.setCurrentIndex(index)

    def mark_in(self) -> None:
        self.in_ms = self.position
        if self.out_ms is not None and self.out_ms <= self.in_ms:
            self.out_ms = None
        self._update_loop_label()

    def mark_out(self) -> None:
        self.out_ms = self.position
        if self.in_ms is None or self.in_ms >= self.out_ms:
            self.in_ms = 0 if self.out_ms > 0 else None
        self._update_loop_label()

    def clear_loop(self) -> None:
        self.in_ms = self.out_ms = None
        self._update_loop_label()

    # -- wiring ---------------------------------------------------------------------------------

    def _wire(self) -> None:
        self.engine.position_changed.connect(self._on_engine_position_changed)
        self.engine.opened.connect(self._on_engine_opened)
        self.engine.playing_changed.connect(self._on_engine_playing_changed)
        self.engine.picture.connect(self._on_engine_picture)
        self.engine.ended.connect(self._on_engine_ended)
        self.engine.failed.connect(self._on_engine_failed)
        self.slider.sliderPressed.connect(self._on_slider_slider_pressed)
        self.slider.sliderReleased.connect(self._on_slider_slider_released)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.forward_button.clicked.connect(self._on_forward_button_clicked)
        self.in_button.clicked.connect(self._on_in_button_clicked)
        self.out_button.clicked.connect(self._on_out_button_clicked)
        self.clear_loop_button.clicked.connect(self._on_clear_loop_button_clicked)
        self.speed_combo.currentIndexChanged.connect(self._on_speed_combo_current_index_changed)

    @Slot(int)
    def _on_engine_position_changed(self, ms: int) -> None:
        loop = self.loop
        if loop is not None and self.is_playing and ms >= loop.end_ms:
            self.engine.seek(loop.start_ms)
            return
        if not self._scrubbing:
            self.slider.blockSignals(True)
            self.slider.setValue(ms)
            self.slider.blockSignals(False)
        self.time_label.setText(f"{clock(ms)} / {clock(self.duration)}")
        self.position_changed.emit(ms)

    @Slot(int)
    def _on_engine_opened(self, ms: int) -> None:
        self.frame_ms = 1000 / self.engine.fps
        self.slider.setRange(0, ms)
        self.slider.setPageStep(max(1, ms // 10))
        self.time_label.setText(f"{clock(self.position)} / {clock(ms)}")
        self.duration_changed.emit(ms)

    @Slot(bool)
    def _on_engine_playing_changed(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.playing_changed.emit(playing)

    @Slot(object)
    def _on_engine_picture(self, picture: ShownPicture) -> None:
        self.view.show_frame(picture.image, picture.start_us)
        if not self._announced:
            # Once per file, with its first picture on screen.
            self._announced = True
            self.loaded.emit()

    @Slot()
    def _on_engine_ended(self) -> None:
        loop = self.loop
        if loop is not None:
            # The out point may sit on the last frame, past which no position is reported.
            self.engine.seek(loop.start_ms)
            self.engine.play()

    @Slot(str)
    def _on_engine_failed(self, message: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_slider_slider_pressed(self) -> None:
        self._scrubbing = True

    @Slot()
    def _on_slider_slider_released(self) -> None:
        self._scrubbing = False
        self.seek(self.slider.value())

    @Slot(int)
    def _on_slider_value_changed(self, value: int) -> None:
        # Dragging scrubs live; a click on the groove jumps by a page.
        self.seek(value)

    @Slot()
    def _on_play_button_clicked(self) -> None:
        self.toggle_play()

    @Slot()
    def _on_back_button_clicked(self) -> None:
        self.step(-1)

    @Slot()
    def _on_forward_button_clicked(self) -> None:
        self.step(1)

    @Slot()
    def _on_in_button_clicked(self) -> None:
        self.mark_in()

    @Slot()
    def _on_out_button_clicked(self) -> None:
        self.mark_out()

    @Slot()
    def _on_clear_loop_button_clicked(self) -> None:
        self.clear_loop()

    @Slot(int)
    def _on_speed_combo_current_index_changed(self, index: int) -> None:
        rate = self.speed_combo.itemData(index)
        if isinstance(rate, float):
            self.engine.set_rate(rate)

    def _update_loop_label(self) -> None:
        loop = self.loop
        if loop is not None:
            text = f"Loop {clock(loop.start_ms)} to {clock(loop.end_ms)}"
        elif self.in_ms is not None:
            text = f"In {clock(self.in_ms)}: set the out point (O)"
        else:
            text = ""
        self.loop_label.setText(text)
        self.clear_loop_button.setEnabled(self.in_ms is not None or self.out_ms is not None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "clip"


def export_file_name(row: ClipRow) -> str:
    """ "alice-test-squat-day-2025-05-19.mp4": says whose clip it is once it leaves the app."""
    return f"{_slug(row.student_name)}-{_slug(row.session_label)}-{row.created_at:%Y-%m-%d}.mp4"


def recorded_text(row: ClipRow) -> str:
    return f"{short_date(row.created_at)}, {row.created_at:%H:%M}"


class ClipActions(QObject):
    """Delete (after a confirmation that names the student and session) and export, for the
    clips page and the player alike. The dialogs open window-modal and do not block, so the
    event loop keeps running (and tests can answer them)."""

    deleted = Signal(str)
    exported = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(
        self, backend: Backend, runner: TaskRunner, coach: SignedInUser, parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._row: ClipRow | None = None
        self._task: Task | None = None
        self.confirmation: QMessageBox | None = None
        self.save_dialog: QFileDialog | None = None
        self.delete_button: QPushButton | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def ask_delete(self, row: ClipRow, parent: QWidget) -> None:
        if self.busy:
            return
        self._row = row
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete clip",
            f"Delete {row.student_name}'s clip of {row.session_label}?",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        box.setInformativeText(
            f"{row.description}, recorded {recorded_text(row)}, {human_size(row.size)}.\n\n"
            "The clip is removed from the shared database: the student and the web platform "
            "lose it too. This cannot be undone; export it first to keep a copy."
        )
        self.delete_button = box.addButton("Delete clip", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(self._on_confirmation_finished)
        self.confirmation = box
        box.open()

    def ask_export(self, row: ClipRow, parent: QWidget) -> None:
        if self.busy:
            return
        self._row = row
        dialog = QFileDialog(parent, "Export clip", str(Path.home() / export_file_name(row)))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("MP4 video (*.mp4)")
        dialog.setDefaultSuffix("mp4")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.fileSelected.connect(self._on_save_dialog_file_selected)
        dialog.finished.connect(self._on_save_dialog_finished)
        self.save_dialog = dialog
        dialog.open()

    @Slot(int)
    def _on_confirmation_finished(self, _result: int) -> None:
        box, self.confirmation = self.confirmation, None
        confirmed = box is not None and box.clickedButton() is self.delete_button
        if box is not None:
            box.deleteLater()
        if not confirmed or self._row is None:
            return
        task = self._runner.write(self._backend.delete_clip, self._coach.id, self._row.media_id)
        task.succeeded.connect(self._on_delete_task_succeeded)
        self._start(task)

    @Slot(str)
    def _on_save_dialog_file_selected(self, name: str) -> None:
        if not name or self._row is None:
            return
        task = self._runner.read(
            self._backend.export_clip, self._coach.id, self._row.media_id, Path(name)
        )
        task.succeeded.connect(self._on_export_task_succeeded)
        self._start(task)

    @Slot(int)
    def _on_save_dialog_finished(self, _result: int) -> None:
        dialog, self.save_dialog = self.save_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _start(self, task: Task) -> None:
        task.failed.connect(self._on_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        self._task = task
        self.busy_changed.emit(True)

    @Slot(object)
    def _on_delete_task_succeeded(self, media_id: str) -> None:
        self.deleted.emit(media_id)

    @Slot(object)
    def _on_export_task_succeeded(self, exported: ExportedClip) -> None:
        self.exported.emit(exported)

    @Slot(object)
    def _on_task_failed(self, error: KnownError) -> None:
        self.failed.emit(str(error))

    @Slot(object)
    def _on_task_crashed(self, _error: BaseException) -> None:
        self.failed.emit("A bug in the app stopped this action. Nothing else was changed.")

    @Slot()
    def _on_task_finished(self) -> None:
        self._task = None
        self.busy_changed.emit(False)


class PlayerWindow(QWidget):
    """A stored clip in its own window: fetched to a temporary file, then played."""

    closed = Signal()

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        row: ClipRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("playerWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(CLIP_STYLE)
        self.setWindowTitle(f"{row.student_name} · {row.session_label}")
        self.row = row
        self._closed = False
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._task: Task | None = None
        self.actions_ = ClipActions(backend, runner, coach, self)

        self.title_label = QLabel(row.student_name)
        self.title_label.setObjectName("pageTitle")
        facts = [row.session_label, row.where_label, recorded_text(row), human_size(row.size)]
        self.details_label = QLabel(" · ".join(f for f in facts if f))
        self.details_label.setObjectName("mutedLabel")
        self.status_label = QLabel("Loading the clip…")
        self.status_label.setObjectName("mutedLabel")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the clip's file, exactly as stored")
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("dangerButton")
        for button in (self.export_button, self.delete_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.player = ClipPlayer()
        # Drawings, exports with them and the bar path.
        self.review = ReviewTools(
            self, player=self.player, backend=backend, runner=runner, coach=coach, row=row
        )
        self.keys_label = QLabel(
            "Space play/pause · ←/→ one frame · I/O loop in/out · F full screen, Esc leaves it · "
            "V select · L line · A arrow · C circle · N angle · D pen · T text · "
            "P plumb · G grid · Del delete · Ctrl+Z undo"
        )
        self.keys_label.setWordWrap(True)
        self.keys_label.setObjectName("mutedLabel")

        self.header = self._build_header()
        self._build_layout()

        self.play_action = self._action("Play/pause", Qt.Key.Key_Space)
        self.back_action = self._action("Frame back", Qt.Key.Key_Left)
        self.forward_action = self._action("Frame forward", Qt.Key.Key_Right)
        self.in_action = self._action("Set in", Qt.Key.Key_I)
        self.out_action = self._action("Set out", Qt.Key.Key_O)
        self.full_screen_action = self._action("Full screen", Qt.Key.Key_F)
        self.leave_full_screen_action = self._action("Leave full screen", Qt.Key.Key_Escape)
        self._wire()
        self._fetch()

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.error_label)
        layout.addWidget(self.review.bar)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.player, 1)
        self.review.panel.setFixedWidth(300)
        body.addWidget(self.review.panel)
        layout.addLayout(body, 1)
        layout.addWidget(self.keys_label)

    def _build_header(self) -> QWidget:
        header = QWidget()
        top = QHBoxLayout(header)
        top.setContentsMargins(0, 0, 0, 0)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.title_label)
        titles.addWidget(self.details_label)
        top.addLayout(titles, 1)
        top.addWidget(self.status_label)
        top.addSpacing(12)
        top.addWidget(self.review.still_button)
        top.addWidget(self.review.burn_button)
        top.addWidget(self.export_button)
        top.addWidget(self.delete_button)
        return header

    def _action(self, text: str, key: Qt.Key) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    @property
    def loading(self) -> bool:
        return self._task is not None

    def _fetch(self) -> None:
        self.export_button.setEnabled(False)
        self.delete_button.setEnabled(False)
        task = self._runner.read(self._backend.clip_to_temp_file, self._coach.id, self.row.media_id)
        task.succeeded.connect(self._on_fetch_task_succeeded)
        task.failed.connect(self._on_fetch_task_failed)
        task.crashed.connect(self._on_fetch_task_crashed)
        task.finished.connect(self._on_fetch_task_finished)
        self._task = task

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.leave_full_screen()
            return
        for widget in (self.header, self.keys_label):
            widget.hide()
        self.showFullScreen()

    def leave_full_screen(self) -> None:
        if not self.isFullScreen():
            return
        for widget in (self.header, self.keys_label):
            widget.show()
        self.showNormal()

    def _wire(self) -> None:
        self.play_action.triggered.connect(self._on_play_action_triggered)
        self.back_action.triggered.connect(self._on_back_action_triggered)
        self.forward_action.triggered.connect(self._on_forward_action_triggered)
        self.in_action.triggered.connect(self._on_in_action_triggered)
        self.out_action.triggered.connect(self._on_out_action_triggered)
        self.full_screen_action.triggered.connect(self._on_full_screen_action_triggered)
        self.leave_full_screen_action.triggered.connect(self._on_leave_full_screen_action_triggered)
        self.player.full_screen_button.clicked.connect(self._on_full_screen_action_triggered)
        self.player.failed.connect(self._on_player_failed)
        self.player.loaded.connect(self._on_player_loaded)
        self.review.failed.connect(self._on_player_failed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.actions_.deleted.connect(self._on_actions_deleted)
        self.actions_.exported.connect(self._on_actions_exported)
        self.actions_.failed.connect(self._on_actions_failed)
        self.actions_.busy_changed.connect(self._on_actions_busy_changed)

    @Slot(object)
    def _on_fetch_task_succeeded(self, path: Path) -> None:
        if self._closed:
            path.unlink(missing_ok=True)  # closed while the clip was being fetched
            return
        self.status_label.setText("")
        self.export_button.setEnabled(True)
        self.delete_button.setEnabled(True)
        self.player.load(path)

    @Slot(object)
    def _on_fetch_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))

    @Slot(object)
    def _on_fetch_task_crashed(self, _error: BaseException) -> None:
        self._show_error("A bug in the app stopped the clip from loading. Please try again.")

    @Slot()
    def _on_fetch_task_finished(self) -> None:
        self._task = None
        if self._closed:
            self.deleteLater()

    @Slot()
    def _on_play_action_triggered(self) -> None:
        self.player.toggle_play()

    @Slot()
    def _on_back_action_triggered(self) -> None:
        self.player.step(-1)

    @Slot()
    def _on_forward_action_triggered(self) -> None:
        self.player.step(1)

    @Slot()
    def _on_in_action_triggered(self) -> None:
        self.player.mark_in()

    @Slot()
    def _on_out_action_triggered(self) -> None:
        self.player.mark_out()

    @Slot()
    def _on_full_screen_action_triggered(self) -> None:
        self.toggle_full_screen()

    @Slot()
    def _on_leave_full_screen_action_triggered(self) -> None:
        self.leave_full_screen()

    @Slot(str)
    def _on_player_failed(self, message: str) -> None:
        self._show_error(message)

    @Slot()
    def _on_player_loaded(self) -> None:
        if self.player.path is not None:
            self.review.clip_ready(self.player.path)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        self.actions_.ask_export(self.row, self)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        self.player.pause()
        self.actions_.ask_delete(self.row, self)

    @Slot(str)
    def _on_actions_deleted(self, _media_id: str) -> None:
        self.close()

    @Slot(object)
    def _on_actions_exported(self, exported: ExportedClip) -> None:
        self.status_label.setText(f"Saved {human_size(exported.size)} to {exported.path.name}")
        self.status_label.setToolTip(str(exported.path))

    @Slot(str)
    def _on_actions_failed(self, message: str) -> None:
        self._show_error(message)

    @Slot(bool)
    def _on_actions_busy_changed(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)

    def _show_error(self, message: str) -> None:
        self.status_label.setText("")
        self.error_label.setText(message)
        self.error_label.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        path = self.player.path
        self.player.unload()
        if path is not None:
            # The temporary copy is ours; should the system still hold it, the temp folder's
            # own cleanup takes it later.
            with contextlib.suppress(OSError):
                path.unlink()
        self.closed.emit()
        super().closeEvent(event)
        # Kept alive while a fetch runs, so its temporary file can still be removed.
        if self._task is None:
            self.deleteLater()
