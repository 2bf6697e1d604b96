"""The trim view: pick at most 15 s of a video, to the frame, and cut it to the clip format.

Pictures come from the decoder in a worker (`frames_job`), not from QMediaPlayer: they are exact to
the frame for stepping, and they work the same offscreen, in tests, as on screen. The timeline's
thumbnails are decoded in another worker and appear as they come. The cut re-encodes with
`compress(start, end)`, so it starts on the chosen frame rather than on the keyframe before it.

Keys: ←/→ step one frame, I and O set the in and out points, Space plays the range in a loop.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain import clips
from gbf_desktop.errors import ValidationError
from gbf_desktop.services.takes import TakeStore
from gbf_desktop.ui.clips.attach import JobProgress, named
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.video.ffmpeg import Progress
from gbf_desktop.video.probe import MediaInfo
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import (
    FrameControl,
    ReadyClip,
    ShownFrame,
    Thumbnail,
    compress_job,
    frames_job,
    probe_job,
    thumbnails_job,
)

THUMBNAIL_COUNT = 12
_RANGE_COLOUR = QColor("#2f6fed")
_PLAYHEAD_COLOUR = QColor("#e02424")
_OUTSIDE_SHADE = QColor(17, 20, 24, 170)


def format_clock(seconds: float) -> str:
    """Seconds as m:ss.ss, precise enough to tell frames apart at 24 fps."""
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}"


class PreviewLabel(QLabel):
    """A picture scaled to fit with its shape kept, on black, with a large centred overlay text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(480, 270))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # The picture is the one dark area of the light look: video reads best on black.
        self.setStyleSheet("background: #111418; color: #e4e7eb; border-radius: 8px;")
        self._image: QImage | None = None
        self.overlay = QLabel(self)
        self.overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay.setStyleSheet(
            "background: transparent; color: #ffffff; font-size: 96pt; font-weight: 700;"
        )
        self.overlay.hide()

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self._rescale()

    @property
    def image(self) -> QImage | None:
        return self._image

    def _rescale(self) -> None:
        if self._image is None or self._image.isNull():
            self.setPixmap(QPixmap())
            return
        self.setPixmap(
            QPixmap.fromImage(self._image).scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())
        # Scaling from the kept image, not the shown pixmap, so shrinking then growing stays sharp.
        self._rescale()


class TimelineStrip(QWidget):
    """Thumbnails across the video's length, the kept range outlined, the playhead in red.

    Clicking or dragging scrubs (`scrubbed(seconds)`).
    """

    scrubbed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(64)
        self.setMaximumHeight(80)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.duration_s = 0.0
        self.in_s = 0.0
        self.out_s = 0.0
        self.position_s = 0.0
        self.thumbnails: list[QImage | None] = [None] * THUMBNAIL_COUNT

    def sizeHint(self) -> QSize:
        return QSize(800, 72)

    def set_thumbnail(self, index: int, image: QImage) -> None:
        if 0 <= index < len(self.thumbnails):
            self.thumbnails[index] = image
            self.update()

    def set_marks(self, in_s: float, out_s: float, position_s: float) -> None:
        self.in_s, self.out_s, self.position_s = in_s, out_s, position_s
        self.update()

    def _x(self, seconds: float) -> float:
        if self.duration_s <= 0:
            return 0.0
        return seconds / self.duration_s * self.width()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(self.rect(), QColor("#111418"))
        width, height = self.width(), self.height()
        slot = width / len(self.thumbnails)
        for index, image in enumerate(self.thumbnails):
            if image is None:
                continue
            target = QRectF(index * slot, 0, slot, height)
            # Crop the thumbnail to the slot's shape instead of squashing it.
            source_width = min(image.width(), image.height() * slot / height)
            source = QRectF((image.width() - source_width) / 2, 0, source_width, image.height())
            painter.drawImage(target, image, source)
        left, right = self._x(self.in_s), self._x(self.out_s)
        painter.fillRect(QRectF(0, 0, left, height), _OUTSIDE_SHADE)
        painter.fillRect(QRectF(right, 0, width - right, height), _OUTSIDE_SHADE)
        painter.setPen(QPen(_RANGE_COLOUR, 3))
        painter.drawRect(QRectF(left + 1.5, 1.5, max(0.0, right - left - 3), height - 3))
        playhead = self._x(self.position_s)
        painter.setPen(QPen(_PLAYHEAD_COLOUR, 2))
        painter.drawLine(QPointF(playhead, 0), QPointF(playhead, height))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._scrub(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._scrub(event.position().x())

    def _scrub(self, x: float) -> None:
        if self.duration_s > 0 and self.width() > 0:
            self.scrubbed.emit(max(0.0, min(1.0, x / self.width())) * self.duration_s)


class TrimDialog(AsksBeforeDiscard, QDialog):
    """Choose in and out points on `source` and cut that part into a clip.

    `info` is the source's probe when the caller already has it (otherwise it is probed here).
    The cut clip goes to `work_dir`, or becomes a take in `takes`. Signal: `trimmed(ReadyClip)`,
    then the dialog accepts.
    """

    trimmed = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole view is built and laid out in one place
        self,
        runner: TaskRunner,
        source: Path,
        *,
        info: MediaInfo | None = None,
        work_dir: Path,
        ffmpeg_path: str | None = None,
        takes: TakeStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self.source = Path(source)
        self._work_dir = Path(work_dir)
        self._takes = takes
        self._ffmpeg_path = ffmpeg_path
        self.info: MediaInfo | None = None
        self.fps = float(clips.FPS)
        self.frame_count = 1
        self.position_frame = 0
        self.in_s = 0.0
        self.out_s = 0.0
        self.playing = False
        self.shown_time_s: float | None = None
        self.result_clip: ReadyClip | None = None
        self._control = FrameControl()
        self._frames_task: Task | None = None
        self._thumbs_task: Task | None = None
        self._cut_task: Task | None = None

        self.setWindowTitle("Trim the clip")
        self.resize(1000, 760)
        title = named(QLabel("Trim the clip"), "dialogTitle")
        self.subtitle = named(QLabel(self.source.name), "dialogSubtitle")
        self.picture = PreviewLabel()
        self.timeline = TimelineStrip()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.position_label = named(QLabel("0:00.00"), "mutedLabel")
        self.range_label = named(QLabel(), "stateTitle")
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.back_button = QPushButton("◀ Frame")
        self.forward_button = QPushButton("Frame ▶")
        self.in_button = QPushButton("Set in  (I)")
        self.out_button = QPushButton("Set out  (O)")
        self.play_button = QPushButton("Play range  (Space)")
        self.progress = JobProgress()
        self.cut_button = named(QPushButton("Cut clip"), "primaryButton")
        self.close_button = QPushButton("Cancel")
        for button in (
            self.back_button,
            self.forward_button,
            self.in_button,
            self.out_button,
            self.play_button,
            self.cut_button,
            self.close_button,
        ):
            # The keys belong to the view: a focused button would take Space and the arrows.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        controls = QHBoxLayout()
        controls.addWidget(self.back_button)
        controls.addWidget(self.forward_button)
        controls.addWidget(self.position_label)
        controls.addStretch(1)
        controls.addWidget(self.in_button)
        controls.addWidget(self.out_button)
        controls.addWidget(self.play_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.range_label, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.cut_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.timeline)
        layout.addWidget(self.slider)
        layout.addLayout(controls)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._wire()
        self._set_enabled(False)
        if info is not None:
            self._on_probe_succeeded(info)
        else:
            probe_task = self._runner.read(probe_job, self.source)
            probe_task.succeeded.connect(self._on_probe_succeeded)
            probe_task.failed.connect(self._on_task_failed)

    def _wire(self) -> None:
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.timeline.scrubbed.connect(self._on_timeline_scrubbed)
        self.back_button.clicked.connect(self.step_back)
        self.forward_button.clicked.connect(self.step_forward)
        self.in_button.clicked.connect(self.set_in)
        self.out_button.clicked.connect(self.set_out)
        self.play_button.clicked.connect(self.toggle_play)
        self.cut_button.clicked.connect(self._on_cut_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.progress.cancel_clicked.connect(self._on_progress_cancel_clicked)

    # --- the source --------------------------------------------------------------------------

    @Slot(object)
    def _on_probe_succeeded(self, info: MediaInfo) -> None:
        self.info = info
        self.fps = info.fps or float(clips.FPS)
        self.frame_count = max(1, round(info.duration_s * self.fps))
        self.in_s = 0.0
        self.out_s = min(info.duration_s, clips.MAX_DURATION_S)
        width, height = info.display_size
        self.subtitle.setText(
            f"{info.path.name} · {format_clock(info.duration_s)} · "
            f"{width}\N{MULTIPLICATION SIGN}{height} · {self.fps:g} fps"
        )
        self.timeline.duration_s = info.duration_s
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.frame_count - 1)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self._set_enabled(True)
        self._frames_task = self._runner.read(frames_job, info, self._control)
        self._frames_task.progressed.connect(self._on_frames_progressed)
        self._frames_task.failed.connect(self._on_task_failed)
        self._thumbs_task = self._runner.read(thumbnails_job, info, THUMBNAIL_COUNT)
        self._thumbs_task.progressed.connect(self._on_thumbnails_progressed)
        self._show_position()
        self._control.seek(0.0)
        # The first 15 s are what the view opens with; in and out points set after that count.
        self.mark_unchanged()

    @Slot(object)
    def _on_frames_progressed(self, shown: ShownFrame | None) -> None:
        if shown is None:
            return
        self.picture.set_image(shown.image)
        self.shown_time_s = shown.time_s
        self._control.picture_shown()
        if self.playing:
            # The slider follows playback without asking for the picture it already has.
            self.position_frame = min(self.frame_count - 1, round(shown.time_s * self.fps))
            self.slider.blockSignals(True)
            self.slider.setValue(self.position_frame)
            self.slider.blockSignals(False)
            self._show_position()

    @Slot(object)
    def _on_thumbnails_progressed(self, thumbnail: Thumbnail) -> None:
        self.timeline.set_thumbnail(thumbnail.index, thumbnail.image)

    # --- moving around -----------------------------------------------------------------------

    @property
    def position_s(self) -> float:
        return self.position_frame / self.fps

    def seek_frame(self, frame: int) -> None:
        self.pause()
        self.position_frame = max(0, min(self.frame_count - 1, frame))
        self.slider.blockSignals(True)
        self.slider.setValue(self.position_frame)
        self.slider.blockSignals(False)
        self._control.seek(self.position_s)
        self._show_position()

    @Slot(int)
    def _on_slider_value_changed(self, value: int) -> None:
        self.seek_frame(value)

    @Slot(float)
    def _on_timeline_scrubbed(self, seconds: float) -> None:
        self.seek_frame(round(seconds * self.fps))

    @Slot()
    def step_back(self) -> None:
        self.seek_frame(self.position_frame - 1)

    @Slot()
    def step_forward(self) -> None:
        self.seek_frame(self.position_frame + 1)

    @Slot()
    def set_in(self) -> None:
        self.in_s = self.position_s
        if self.out_s <= self.in_s:
            self.out_s = min(self._duration, self.in_s + clips.MAX_DURATION_S)
        self._show_position()

    @Slot()
    def set_out(self) -> None:
        # The frame on screen is the last one kept, so the cut ends where it ends.
        self.out_s = min(self._duration, self.position_s + 1 / self.fps)
        if self.out_s <= self.in_s:
            self.in_s = max(0.0, self.out_s - 1 / self.fps)
        self._show_position()

    @Slot()
    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
            return
        self.playing = True
        self.play_button.setText("Pause  (Space)")
        self._control.play(self.in_s, self.out_s)

    def pause(self) -> None:
        if self.playing:
            self.playing = False
            self.play_button.setText("Play range  (Space)")
            self._control.pause()

    @property
    def _duration(self) -> float:
        return self.info.duration_s if self.info is not None else 0.0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        actions = {
            Qt.Key.Key_Left: self.step_back,
            Qt.Key.Key_Right: self.step_forward,
            Qt.Key.Key_I: self.set_in,
            Qt.Key.Key_O: self.set_out,
            Qt.Key.Key_Space: self.toggle_play,
        }
        action = actions.get(Qt.Key(event.key()))
        if action is None or self.info is None or self.busy:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    # --- the chosen range --------------------------------------------------------------------

    def entered(self) -> object:
        return (round(self.in_s, 4), round(self.out_s, 4))

    def unsaved_text(self) -> str:
        return (
            f"the part you chose ({format_clock(self.in_s)} to {format_clock(self.out_s)}) "
            f"of {self.source.name}"
        )

    def unsaved_detail(self) -> str:
        return "Nothing is cut yet."

    def validation_error(self) -> str | None:
        """Why the chosen range cannot be cut, or None when it can."""
        try:
            clips.validate_trim(self.in_s, self.out_s, self._duration)
        except ValidationError as err:
            return str(err)
        return None

    def _show_position(self) -> None:
        self.position_label.setText(
            f"{format_clock(self.position_s)}  ·  frame {self.position_frame + 1} of "
            f"{self.frame_count}"
        )
        length = self.out_s - self.in_s
        self.range_label.setText(
            f"In {format_clock(self.in_s)}   Out {format_clock(self.out_s)}   Length {length:.2f} s"
        )
        self.timeline.set_marks(self.in_s, self.out_s, self.position_s)
        problem = self.validation_error() if self.info is not None else None
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
        elif self._cut_task is None or self._cut_task.is_done:
            self.error_label.hide()
        self.cut_button.setEnabled(self.info is not None and problem is None and not self.busy)

    # --- cutting -----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._cut_task is not None and not self._cut_task.is_done

    @Slot()
    def _on_cut_button_clicked(self) -> None:
        if self.info is None or self.busy or self.validation_error() is not None:
            return
        self.pause()
        output = self._work_dir / f"{self.source.stem}-{self.in_s:.2f}-{self.out_s:.2f}.mp4"
        task = self._runner.read(
            compress_job,
            self.source,
            output,
            self.in_s,
            self.out_s,
            self._ffmpeg_path,
            takes=self._takes,
        )
        task.progressed.connect(self._on_cut_progressed)
        task.succeeded.connect(self._on_cut_succeeded)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_cut_cancelled)
        task.finished.connect(self._on_cut_finished)
        self._cut_task = task
        self.progress.start(f"Cutting {self.out_s - self.in_s:.2f} s to the clip format…")
        self._set_enabled(False)

    @Slot(object)
    def _on_cut_progressed(self, progress: Progress) -> None:
        self.progress.set_fraction(progress.fraction)

    @Slot(object)
    def _on_cut_succeeded(self, clip: ReadyClip) -> None:
        self.result_clip = clip
        self.trimmed.emit(clip)
        self.accept()

    @Slot()
    def _on_cut_cancelled(self) -> None:
        self.error_label.setText("The cut was cancelled; nothing was kept.")
        self.error_label.show()

    @Slot()
    def _on_cut_finished(self) -> None:
        self.progress.hide()
        self._set_enabled(self.info is not None)
        self._show_position()

    @Slot()
    def _on_progress_cancel_clicked(self) -> None:
        if self._cut_task is not None:
            self._cut_task.cancel()

    @Slot(object)
    def _on_task_failed(self, error: Exception) -> None:
        self.error_label.setText(str(error))
        self.error_label.show()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.slider,
            self.timeline,
            self.back_button,
            self.forward_button,
            self.in_button,
            self.out_button,
            self.play_button,
        ):
            widget.setEnabled(enabled)
        self.cut_button.setEnabled(enabled and self.validation_error() is None)

    def done(self, result: int) -> None:
        # Whatever closes the view, its workers stop: a cut in progress leaves no file.
        self._control.close()
        for task in (self._frames_task, self._thumbs_task, self._cut_task):
            if task is not None and not task.is_done:
                task.cancel()
        super().done(result)
