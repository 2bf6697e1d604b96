"""Instant replay at the rack: the recorder's delay mode.

The screen shows the camera as it was N seconds ago (0-30, changed while it runs), so an athlete
lifts, walks back and watches. "Keep the last 15 s" turns what was just shown into a take in the
clip contract, encoded in the background while the replay goes on; the take can then be attached
to a session like a recording. The counts under the picture say what the replay did: pictures
captured, shown, dropped, and the memory its compressed store takes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.services.backend import Backend
from gbf_desktop.services.takes import TakeStore
from gbf_desktop.ui.clips.attach import AttachDialog, named
from gbf_desktop.ui.clips.trim import PreviewLabel
from gbf_desktop.ui.kit.formatting import human_size
from gbf_desktop.workers.replay_jobs import (
    DEFAULT_DELAY_S,
    KEEP_S,
    MAX_DELAY_S,
    MIN_DELAY_S,
    KeptPictures,
    ReplayControl,
    ReplayStats,
    ReplayUpdate,
    keep_job,
    replay_job,
)
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import CameraFactory, ReadyClip, open_camera


def counts_text(update: ReplayUpdate) -> str:
    return (
        f"Captured {update.captured} · shown {update.shown} · dropped {update.dropped} · "
        f"memory {human_size(update.memory_bytes)} for {update.stored_s:.0f} s"
    )


class ReplayDialog(QDialog):
    """The camera delayed; see the module's doc. `kept(ReadyClip)` when a take is encoded."""

    kept = Signal(object)
    stored = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole window is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        takes: TakeStore,
        *,
        camera_spec: str = "auto",
        camera_factory: CameraFactory = open_camera,
        ffmpeg_path: str | None = None,
        delay_s: float = DEFAULT_DELAY_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach_id = coach_id
        self._takes = takes
        self._ffmpeg_path = ffmpeg_path
        self.control = ReplayControl(delay_s)
        self.pictures_drawn = 0
        self.last_update: ReplayUpdate | None = None
        self.take: ReadyClip | None = None
        self.stats: ReplayStats | None = None
        self.attach_dialog: AttachDialog | None = None
        self._keep_task: Task | None = None

        self.setWindowTitle("Instant replay")
        self.resize(980, 720)
        title = named(QLabel("Instant replay"), "dialogTitle")
        subtitle = named(
            QLabel("The camera as it was a few seconds ago: lift, walk back, watch."),
            "dialogSubtitle",
        )
        self.preview = PreviewLabel()
        self.delay_spin = QDoubleSpinBox()
        self.delay_spin.setObjectName("delaySpin")
        self.delay_spin.setRange(MIN_DELAY_S, MAX_DELAY_S)
        self.delay_spin.setDecimals(0)
        self.delay_spin.setSuffix(" s")
        self.delay_spin.setValue(delay_s)
        self.delay_spin.setKeyboardTracking(False)
        self.delay_label = named(QLabel(f"Showing the camera of {delay_s:.0f} s ago"), "cardValue")
        self.counts_label = named(QLabel("Opening the camera…"), "mutedLabel")
        self.status_label = named(QLabel(""), "mutedLabel")
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.keep_button = named(QPushButton(f"Keep the last {KEEP_S:g} s"), "primaryButton")
        self.attach_button = QPushButton("Attach to session…")
        self.attach_button.setEnabled(False)
        self.close_button = QPushButton("Close")

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(subtitle)
        top.addLayout(heading, 1)
        top.addWidget(QLabel("Delay"))
        top.addWidget(self.delay_spin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status_label)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.attach_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.delay_label)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

        self.delay_spin.valueChanged.connect(self._on_delay_spin_value_changed)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.task = runner.read(
            replay_job, camera_spec, self.control, camera_factory=camera_factory
        )
        self.task.progressed.connect(self._on_replay_task_progressed)
        self.task.succeeded.connect(self._on_replay_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.task.crashed.connect(self._on_task_crashed)

    @Slot(float)
    def _on_delay_spin_value_changed(self, value: float) -> None:
        self.control.set_delay(value)
        self.delay_label.setText(f"Showing the camera of {value:.0f} s ago")

    @Slot(object)
    def _on_replay_task_progressed(self, item: ReplayUpdate | KeptPictures | None) -> None:
        if isinstance(item, KeptPictures):
            self._encode(item)
            return
        if item is None:
            return
        self.last_update = item
        if item.jpeg is not None:
            image = QImage.fromData(item.jpeg)
            self.preview.set_image(image)
            self.pictures_drawn += 1
        self.control.picture_shown()
        self.counts_label.setText(counts_text(item))

    @Slot(object)
    def _on_replay_task_succeeded(self, stats: ReplayStats) -> None:
        self.stats = stats

    def keep_last(self) -> None:
        self.keep_button.setEnabled(False)
        self.status_label.setText("Keeping the last 15 s…")
        self.control.keep_last()

    @Slot()
    def _on_keep_button_clicked(self) -> None:
        self.keep_last()

    def _encode(self, kept: KeptPictures) -> None:
        output = self._takes.new_clip_path()
        task = self._runner.read(keep_job, kept.pictures, output, self._ffmpeg_path)
        task.succeeded.connect(self._on_keep_task_succeeded)
        task.failed.connect(self._on_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_keep_task_finished)
        self._keep_task = task

    @Slot(object)
    def _on_keep_task_succeeded(self, clip: ReadyClip) -> None:
        self.take = clip
        self.status_label.setText(
            f"Kept a {clip.duration_s:.1f} s take ({human_size(clip.size_bytes)})"
        )
        self.attach_button.setEnabled(True)
        self.kept.emit(clip)

    @Slot()
    def _on_keep_task_finished(self) -> None:
        self._keep_task = None
        self.keep_button.setEnabled(True)

    @Slot()
    def _on_attach_button_clicked(self) -> None:
        if self.take is None:
            return
        self.attach_dialog = AttachDialog(
            self._backend, self._runner, self._coach_id, self.take, parent=self
        )
        self.attach_dialog.stored.connect(self.stored)
        self.attach_dialog.open()

    @Slot(object)
    def _on_task_failed(self, error: Exception) -> None:
        self.status_label.setText("")
        self.error_label.setText(str(error))
        self.error_label.show()

    @Slot(object)
    def _on_task_crashed(self, _error: Exception) -> None:
        self.error_label.setText(
            "The replay stopped because of an internal error; it has been reported."
        )
        self.error_label.show()

    def done(self, result: int) -> None:
        # The job leaves its loop at the next picture and lets go of the camera, returning its
        # counts; a take being encoded finishes on its own.
        self.control.close()
        super().done(result)
