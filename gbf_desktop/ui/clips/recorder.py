"""Recording a form clip from a camera, and importing one from a file.

RecorderDialog: a live preview from the camera the setting names (or one picked in the dialog), a
3-2-1 countdown, then recording with the elapsed and remaining time on screen until Stop or the
15 s limit. Frames are encoded while recording (`video.recorder`), so the clip is ready about a
second after the stop; then it can be trimmed or attached to a session.

ImportDialog: a file picked or dropped is probed first; an unusable file gets its message inline
and nothing else happens. A file longer than the limit opens the trim view; a shorter one is
compressed whole to the clip format, then attached.

All camera reading, encoding and probing runs on the task runner; this module only shows results.

Every recording, import and cut is a take (`services.takes`) in the user's data folder: it stays
there until it is stored or the coach records again over it, so closing a dialog, a crash or a
kill loses nothing; the next start offers what was never stored.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain import clips
from gbf_desktop.errors import CameraUnavailable
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.takes import TakeStore
from gbf_desktop.ui.clips.attach import AttachDialog, JobProgress, named
from gbf_desktop.ui.clips.replay import ReplayDialog
from gbf_desktop.ui.clips.trim import PreviewLabel, TrimDialog
from gbf_desktop.ui.kit.formatting import human_size
from gbf_desktop.video.ffmpeg import Progress
from gbf_desktop.video.probe import MediaInfo
from gbf_desktop.workers.tasks import Task, TaskRunner
from gbf_desktop.workers.video_jobs import (
    CameraControl,
    CameraFactory,
    CameraUpdate,
    ReadyClip,
    RecordedClip,
    camera_job,
    compress_job,
    list_cameras_job,
    open_camera,
    probe_job,
)

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".avi", ".mkv")
VIDEO_FILTER = "Videos (*.mp4 *.mov *.webm *.avi *.mkv)"
TEST_PATTERN_SPEC = "test:"
_PLAY_FILE = "__play_file__"
COUNTDOWN_S = 3


def takes_of(backend: Backend) -> tuple[TakeStore, bool]:
    """The take store to use, and whether it is a scratch one of this dialog (to delete on close).

    The app's Backend always has one in the data folder; a Backend built without it (tests of
    other pages) gets a folder that lives as long as the dialog.
    """
    if backend.takes is not None:
        return backend.takes, False
    return TakeStore(Path(tempfile.mkdtemp(prefix="gbf-takes-"))), True


def _discard_takes(takes: TakeStore, paths: list[Path]) -> None:
    for path in paths:
        take = takes.find(path)
        if take is not None:
            takes.discard(take)


def stopwatch(seconds: float) -> str:
    """Seconds as m:ss.s, the way a stopwatch reads."""
    seconds = max(0.0, seconds)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


class _Stage:
    PREVIEW = "preview"
    COUNTDOWN = "countdown"
    RECORDING = "recording"
    FINISHING = "finishing"
    DONE = "done"
    ERROR = "error"


class RecorderDialog(QDialog):
    """Record a clip, then trim it or attach it to a session.

    `camera_spec` is the setting's value (`auto`, a device number, `file:PATH`, `test:`);
    `camera_factory` turns a spec into a source (tests give the test pattern a fake clock).
    Signals: `clip_recorded(RecordedClip)` when a recording is ready, `stored(StoredClip)` once
    it is attached to a session.
    """

    clip_recorded = Signal(object)
    stored = Signal(object)

    def __init__(  # noqa: PLR0915 - the whole window is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        *,
        camera_spec: str = "auto",
        ffmpeg_path: str | None = None,
        camera_factory: CameraFactory = open_camera,
        countdown_s: int = COUNTDOWN_S,
        max_duration_s: float = clips.MAX_DURATION_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach_id = coach_id
        self._ffmpeg_path = ffmpeg_path
        self._camera_factory = camera_factory
        self._countdown_s = countdown_s
        self._max_duration_s = max_duration_s
        # Recordings and cuts are takes, kept until stored or recorded over (see `done`).
        self._takes, self._scratch = takes_of(backend)
        self._work_dir = self._takes.folder
        self._made: list[Path] = []
        self._spec = camera_spec
        self._control: CameraControl | None = None
        self._task: Task | None = None
        self._pending_spec: str | None = None
        self._countdown_left = 0
        self.stage = _Stage.PREVIEW
        self.recorded: RecordedClip | None = None
        self.trim_dialog: TrimDialog | None = None
        self.attach_dialog: AttachDialog | None = None
        self.last_update: CameraUpdate | None = None

        self.setWindowTitle("Record a clip")
        self.setAcceptDrops(False)
        self.resize(980, 720)
        title = named(QLabel("Record a clip"), "dialogTitle")
        self.subtitle = named(
            QLabel(f"Up to {clips.MAX_DURATION_S:g} s; the clip is encoded while you record."),
            "dialogSubtitle",
        )
        self.camera_combo = QComboBox()
        self.camera_combo.setMinimumWidth(260)
        self.preview = PreviewLabel()
        self.time_label = named(QLabel("0:00.0"), "cardValue")
        self.remaining_label = named(QLabel(f"{stopwatch(max_duration_s)} left"), "mutedLabel")
        self.dropped_label = named(QLabel("Dropped frames: 0"), "mutedLabel")
        self.camera_label = named(QLabel("Opening the camera…"), "mutedLabel")
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        # Offered when no webcam opens: the coach can go on with the demo camera at once.
        self.demo_camera_button = QPushButton("Use the demo camera")
        self.demo_camera_button.hide()
        self.record_button = named(QPushButton("Record"), "primaryButton")
        self.stop_button = QPushButton("Stop")
        self.again_button = QPushButton("Record again")
        self.trim_button = QPushButton("Trim…")
        self.attach_button = named(QPushButton("Attach to session…"), "primaryButton")
        self.close_button = QPushButton("Close")
        # Delay mode: the camera shown N seconds late, for an athlete to watch their own lift.
        self.replay_button = QPushButton("Delay mode…")
        self.replay_button.setToolTip("Instant replay: show the camera a few seconds late")
        self.replay_dialog: ReplayDialog | None = None
        self._replay_pending = False

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.subtitle)
        top.addLayout(heading, 1)
        top.addWidget(QLabel("Camera"))
        top.addWidget(self.camera_combo)
        top.addWidget(self.replay_button)

        status = QGridLayout()
        status.addWidget(self.time_label, 0, 0)
        status.addWidget(self.remaining_label, 1, 0)
        status.addWidget(self.dropped_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        status.addWidget(self.camera_label, 1, 1, Qt.AlignmentFlag.AlignRight)

        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        for button in (
            self.again_button,
            self.trim_button,
            self.stop_button,
            self.record_button,
            self.attach_button,
        ):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addLayout(status)
        layout.addWidget(self.error_label)
        layout.addWidget(self.demo_camera_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(buttons)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._fill_cameras([])
        self._wire()
        self._set_stage(_Stage.PREVIEW)
        self._start_camera(camera_spec)
        camera_list = self._runner.read(list_cameras_job)
        camera_list.succeeded.connect(self._on_camera_list_succeeded)

    def _wire(self) -> None:
        self.demo_camera_button.clicked.connect(self._on_demo_camera_button_clicked)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.again_button.clicked.connect(self._on_again_button_clicked)
        self.trim_button.clicked.connect(self._on_trim_button_clicked)
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.replay_button.clicked.connect(self._on_replay_button_clicked)
        self.camera_combo.activated.connect(self._on_camera_combo_activated)
        self._countdown.timeout.connect(self._on_countdown_timeout)

    # --- the camera list ---------------------------------------------------------------------

    def _fill_cameras(self, devices: list[int]) -> None:
        self.camera_combo.blockSignals(True)
        self.camera_combo.clear()
        self.camera_combo.addItem("First available webcam", "auto")
        for index in devices:
            self.camera_combo.addItem(f"Webcam {index}", str(index))
        self.camera_combo.addItem("Demo camera (test pattern)", TEST_PATTERN_SPEC)
        if self._spec.startswith("file:"):
            self.camera_combo.addItem(f"File: {Path(self._spec[5:]).name}", self._spec)
        elif self._spec.startswith(TEST_PATTERN_SPEC) and self._spec != TEST_PATTERN_SPEC:
            size = self._spec[len(TEST_PATTERN_SPEC) :]
            self.camera_combo.addItem(f"Test pattern {size}", self._spec)
        elif self.camera_combo.findData(self._spec) < 0:
            # A spec the list does not name (a device not found yet): keep it choosable.
            self.camera_combo.addItem(self._spec, self._spec)
        self.camera_combo.addItem("Play a file…", _PLAY_FILE)
        current = self.camera_combo.findData(self._spec)
        self.camera_combo.setCurrentIndex(max(0, current))
        self.camera_combo.blockSignals(False)

    @Slot(object)
    def _on_camera_list_succeeded(self, devices: list[int]) -> None:
        self._fill_cameras(devices)

    @Slot(int)
    def _on_camera_combo_activated(self, index: int) -> None:
        spec = self.camera_combo.itemData(index)
        if spec == _PLAY_FILE:
            path, _ = QFileDialog.getOpenFileName(
                self, "Play a video as the camera", "", VIDEO_FILTER
            )
            if not path:
                self._fill_cameras([])
                return
            spec = f"file:{path}"
        if isinstance(spec, str) and spec != self._spec:
            self.switch_camera(spec)

    def switch_camera(self, spec: str) -> None:
        """Preview another camera; the current one is closed first."""
        if self.stage in (_Stage.RECORDING, _Stage.FINISHING, _Stage.COUNTDOWN):
            return
        self._spec = spec
        self._fill_cameras([])
        if self._task is not None and not self._task.is_done:
            # Opened once the current source has let go of its device (`finished`).
            self._pending_spec = spec
            self._stop_camera()
        else:
            self._start_camera(spec)

    # --- the camera task ---------------------------------------------------------------------

    def _start_camera(self, spec: str) -> None:
        output = self._takes.new_clip_path()
        self._made.append(output)
        self._control = CameraControl()
        self.error_label.hide()
        self.demo_camera_button.hide()
        self.camera_label.setText("Opening the camera…")
        task = self._runner.read(
            camera_job,
            spec,
            self._control,
            output,
            camera_factory=self._camera_factory,
            ffmpeg_path=self._ffmpeg_path,
            max_duration_s=self._max_duration_s,
            takes=self._takes,
        )
        task.progressed.connect(self._on_camera_progressed)
        task.succeeded.connect(self._on_camera_succeeded)
        task.failed.connect(self._on_camera_failed)
        task.crashed.connect(self._on_camera_crashed)
        task.finished.connect(self._on_camera_finished)
        self._task = task
        self._set_stage(_Stage.PREVIEW)

    def _stop_camera(self) -> None:
        if self._task is not None and not self._task.is_done:
            self._task.cancel()
        if self._control is not None:
            self._control.close()

    @Slot(object)
    def _on_camera_progressed(self, update: CameraUpdate | None) -> None:
        if update is None:
            return
        self.last_update = update
        if update.image is not None:
            self.preview.set_image(update.image)
        if self._control is not None:
            self._control.picture_shown()
        self.camera_label.setText(update.camera_name)
        self.dropped_label.setText(f"Dropped frames: {update.dropped_frames}")
        if update.recording:
            self.time_label.setText(stopwatch(update.elapsed_s))
            self.remaining_label.setText(f"{stopwatch(update.remaining_s)} left")
        if update.image is None and not update.recording and self.stage == _Stage.RECORDING:
            # The camera job's last word (no picture): the recorder stopped by itself at the
            # limit and the clip is being finished. Preview pictures queued before the start
            # of the recording also say "not recording", so they cannot mean this.
            self._set_stage(_Stage.FINISHING)

    @property
    def elapsed_s(self) -> float:
        update = self.last_update
        return update.elapsed_s if update is not None and update.recording else 0.0

    @Slot(object)
    def _on_camera_succeeded(self, result: RecordedClip | None) -> None:
        if result is None:
            return
        self.recorded = result
        if result.last_picture is not None:
            self.preview.set_image(result.last_picture)
        self.time_label.setText(stopwatch(result.clip.duration_s))
        self.remaining_label.setText(
            f"{human_size(result.clip.size_bytes)} · ready {result.stop_to_ready_s:.1f} s "
            "after the stop"
        )
        self.dropped_label.setText(f"Dropped frames: {result.dropped_frames}")
        self._set_stage(_Stage.DONE)
        self.clip_recorded.emit(result)

    @Slot(object)
    def _on_camera_failed(self, error: Exception) -> None:
        self._show_error(str(error))
        self.demo_camera_button.setVisible(isinstance(error, CameraUnavailable))
        self._set_stage(_Stage.ERROR)

    @Slot()
    def _on_demo_camera_button_clicked(self) -> None:
        self.demo_camera_button.hide()
        self.switch_camera(TEST_PATTERN_SPEC)

    @Slot(object)
    def _on_camera_crashed(self, _error: Exception) -> None:
        # The runner's bug signal has the crash report; here the dialog only stops waiting.
        self._show_error("Recording stopped because of an internal error; it has been reported.")
        self._set_stage(_Stage.ERROR)

    @Slot()
    def _on_camera_finished(self) -> None:
        if self._replay_pending:
            self._replay_pending = False
            self._open_replay()
            return
        if self._pending_spec is not None:
            spec, self._pending_spec = self._pending_spec, None
            self._start_camera(spec)

    # --- delay mode ---------------------------------------------------------------------------

    @Slot()
    def _on_replay_button_clicked(self) -> None:
        self.open_delay_mode()

    def open_delay_mode(self) -> None:
        """Show the camera delayed; the preview lets go of the camera first (a webcam opens
        once), and takes it back when the replay closes."""
        if self.stage not in (_Stage.PREVIEW, _Stage.ERROR):
            return
        if self._task is not None and not self._task.is_done:
            self._replay_pending = True
            self._stop_camera()
        else:
            self._open_replay()

    def _open_replay(self) -> None:
        self.replay_dialog = ReplayDialog(
            self._backend,
            self._runner,
            self._coach_id,
            self._takes,
            camera_spec=self._spec,
            camera_factory=self._camera_factory,
            ffmpeg_path=self._ffmpeg_path,
            parent=self,
        )
        self.replay_dialog.stored.connect(self.stored)
        self.replay_dialog.finished.connect(self._on_replay_dialog_finished)
        self.replay_dialog.open()

    @Slot(int)
    def _on_replay_dialog_finished(self, _result: int) -> None:
        self._start_camera(self._spec)

    # --- countdown and recording -------------------------------------------------------------

    @Slot()
    def _on_record_button_clicked(self) -> None:
        if self.stage != _Stage.PREVIEW or self._control is None:
            return
        self._countdown_left = self._countdown_s
        if self._countdown_left <= 0:
            self._begin_recording()
            return
        self._set_stage(_Stage.COUNTDOWN)
        self.preview.overlay.setText(str(self._countdown_left))
        self.preview.overlay.show()
        self._countdown.start()

    @Slot()
    def _on_countdown_timeout(self) -> None:
        self._countdown_left -= 1
        if self._countdown_left > 0:
            self.preview.overlay.setText(str(self._countdown_left))
            return
        self._countdown.stop()
        self._begin_recording()

    def _begin_recording(self) -> None:
        self.preview.overlay.hide()
        assert self._control is not None
        self._control.start_recording()
        self._set_stage(_Stage.RECORDING)

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        if self.stage == _Stage.COUNTDOWN:
            self._countdown.stop()
            self.preview.overlay.hide()
            self._set_stage(_Stage.PREVIEW)
            return
        if self.stage == _Stage.RECORDING and self._control is not None:
            self._control.stop_recording()
            self._set_stage(_Stage.FINISHING)

    @Slot()
    def _on_again_button_clicked(self) -> None:
        # Recording again says the last take was not the one: it goes, cuts of it too.
        _discard_takes(self._takes, self._made)
        self._made.clear()
        self.recorded = None
        self._stop_camera()
        self._pending_spec = None
        self.time_label.setText("0:00.0")
        self.remaining_label.setText(f"{stopwatch(self._max_duration_s)} left")
        self._start_camera(self._spec)

    def _set_stage(self, stage: str) -> None:
        self.stage = stage
        live = stage in (_Stage.PREVIEW, _Stage.COUNTDOWN, _Stage.RECORDING, _Stage.FINISHING)
        self.record_button.setVisible(stage in (_Stage.PREVIEW, _Stage.COUNTDOWN))
        self.record_button.setEnabled(stage == _Stage.PREVIEW)
        self.stop_button.setVisible(live and stage != _Stage.PREVIEW)
        self.stop_button.setEnabled(stage in (_Stage.COUNTDOWN, _Stage.RECORDING))
        self.stop_button.setText("Cancel countdown" if stage == _Stage.COUNTDOWN else "Stop")
        self.again_button.setVisible(stage in (_Stage.DONE, _Stage.ERROR))
        self.trim_button.setVisible(stage == _Stage.DONE)
        self.attach_button.setVisible(stage == _Stage.DONE)
        self.camera_combo.setEnabled(stage in (_Stage.PREVIEW, _Stage.ERROR))
        self.replay_button.setEnabled(stage in (_Stage.PREVIEW, _Stage.ERROR))
        if stage == _Stage.RECORDING:
            self.time_label.setStyleSheet("color: #c81e1e;")
        else:
            self.time_label.setStyleSheet("")
        if stage == _Stage.FINISHING:
            self.remaining_label.setText("Finishing the clip…")

    # --- after recording ---------------------------------------------------------------------

    @Slot()
    def _on_trim_button_clicked(self) -> None:
        if self.recorded is None:
            return
        self.trim_dialog = TrimDialog(
            self._runner,
            self.recorded.clip.path,
            work_dir=self._work_dir,
            ffmpeg_path=self._ffmpeg_path,
            takes=self._takes,
            parent=self,
        )
        self.trim_dialog.trimmed.connect(self._on_trim_dialog_trimmed)
        self.trim_dialog.open()

    @Slot(object)
    def _on_trim_dialog_trimmed(self, clip: ReadyClip) -> None:
        self._made.append(clip.path)
        self._open_attach(clip)

    @Slot()
    def _on_attach_button_clicked(self) -> None:
        if self.recorded is not None:
            self._open_attach(self.recorded.clip)

    def _open_attach(self, clip: ReadyClip) -> None:
        self.attach_dialog = AttachDialog(
            self._backend, self._runner, self._coach_id, clip, parent=self
        )
        self.attach_dialog.stored.connect(self._on_attach_dialog_stored)
        self.attach_dialog.open()

    @Slot(object)
    def _on_attach_dialog_stored(self, stored: object) -> None:
        # The stored clip's take is gone already; the take it was cut from is done with too.
        _discard_takes(self._takes, self._made)
        self.stored.emit(stored)
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def done(self, result: int) -> None:
        # Closing, whatever the way: the camera lets go, a recording in progress is discarded.
        self._countdown.stop()
        self._pending_spec = None
        self._stop_camera()
        super().done(result)
        # Takes not stored stay in the data folder, offered at the next start. A recording cut
        # short by the close is deleted by its own task (a partial, never a take).
        if self._scratch:
            shutil.rmtree(self._work_dir, ignore_errors=True)


class ImportDialog(QDialog):
    """Import a video file: probe, then compress (or trim when too long), then attach.

    `import_file(path)` does what choosing or dropping a file does. Signals: `clip_ready(ReadyClip)`
    once the file is in the clip format, `stored(StoredClip)` once it is attached.
    """

    clip_ready = Signal(object)
    stored = Signal(object)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach_id: str,
        *,
        ffmpeg_path: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._coach_id = coach_id
        self._ffmpeg_path = ffmpeg_path
        # The converted clip is a take, kept until stored (see `done`).
        self._takes, self._scratch = takes_of(backend)
        self._work_dir = self._takes.folder
        self._task: Task | None = None
        self.source: Path | None = None
        self.ready: ReadyClip | None = None
        self.trim_dialog: TrimDialog | None = None
        self.attach_dialog: AttachDialog | None = None

        self.setWindowTitle("Import a clip")
        self.setAcceptDrops(True)
        self.setMinimumWidth(620)
        title = named(QLabel("Import a clip"), "dialogTitle")
        subtitle = named(
            QLabel(
                "MP4, MOV, WebM, AVI or MKV. Longer than "
                f"{clips.MAX_DURATION_S:g} s? You pick the part to keep."
            ),
            "dialogSubtitle",
        )
        subtitle.setWordWrap(True)
        self.drop_label = named(QLabel("Drop a video here"), "placeholderLabel")
        self.drop_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_label.setMinimumHeight(150)
        self.drop_label.setStyleSheet(
            "border: 2px dashed #c5ccd6; border-radius: 10px; background: #ffffff;"
        )
        self.choose_button = named(QPushButton("Choose a file…"), "primaryButton")
        self.error_label = named(QLabel(), "errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        # Offered when no webcam opens: the coach can go on with the demo camera at once.
        self.demo_camera_button = QPushButton("Use the demo camera")
        self.demo_camera_button.hide()
        self.progress = JobProgress()
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.drop_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.progress.cancel_clicked.connect(self._on_progress_cancel_clicked)

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_done

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a video", "", VIDEO_FILTER)
        if path:
            self.import_file(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile() and not self.busy:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()
            self.import_file(Path(urls[0].toLocalFile()))

    def import_file(self, path: Path) -> None:
        """Probe `path`; the rest follows from what the probe finds."""
        if self.busy:
            return
        self.source = Path(path)
        self.error_label.hide()
        self.drop_label.setText(self.source.name)
        task = self._runner.read(probe_job, self.source)
        task.succeeded.connect(self._on_probe_succeeded)
        self._watch(task, f"Reading {self.source.name}…")

    def _watch(self, task: Task, text: str) -> None:
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        task.finished.connect(self._on_task_finished)
        self._task = task
        self.choose_button.setEnabled(False)
        self.progress.start(text)

    @Slot(object)
    def _on_probe_succeeded(self, info: MediaInfo) -> None:
        if info.duration_s > clips.MAX_DURATION_S + 1e-6:
            self.trim_dialog = TrimDialog(
                self._runner,
                info.path,
                info=info,
                work_dir=self._work_dir,
                ffmpeg_path=self._ffmpeg_path,
                takes=self._takes,
                parent=self,
            )
            self.trim_dialog.trimmed.connect(self._on_clip_ready)
            self.trim_dialog.open()
            return
        output = self._work_dir / f"{info.path.stem}-clip.mp4"
        task = self._runner.read(
            compress_job, info.path, output, None, None, self._ffmpeg_path, takes=self._takes
        )
        task.progressed.connect(self._on_compress_progressed)
        task.succeeded.connect(self._on_clip_ready)
        self._watch(task, f"Converting {info.path.name} to the clip format…")

    @Slot(object)
    def _on_compress_progressed(self, progress: Progress) -> None:
        self.progress.set_fraction(progress.fraction)

    @Slot(object)
    def _on_clip_ready(self, clip: ReadyClip) -> None:
        self.ready = clip
        self.clip_ready.emit(clip)
        self.attach_dialog = AttachDialog(
            self._backend, self._runner, self._coach_id, clip, parent=self
        )
        self.attach_dialog.stored.connect(self._on_attach_dialog_stored)
        self.attach_dialog.open()

    @Slot(object)
    def _on_attach_dialog_stored(self, stored: object) -> None:
        self.stored.emit(stored)
        self.accept()

    @Slot(object)
    def _on_task_failed(self, error: Exception) -> None:
        self.error_label.setText(str(error))
        self.error_label.show()
        self.drop_label.setText("Drop a video here")

    @Slot()
    def _on_task_cancelled(self) -> None:
        self.error_label.setText("Cancelled; nothing was imported.")
        self.error_label.show()

    @Slot()
    def _on_task_finished(self) -> None:
        self.progress.hide()
        self.choose_button.setEnabled(True)

    @Slot()
    def _on_progress_cancel_clicked(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def done(self, result: int) -> None:
        if self._task is not None and not self._task.is_done:
            self._task.cancel()
        super().done(result)
        if self._scratch:
            shutil.rmtree(self._work_dir, ignore_errors=True)
