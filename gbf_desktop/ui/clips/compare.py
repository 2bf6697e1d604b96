"""Two clips side by side (this week against week one), played, paused, sought, stepped and sped
up together, with an adjustable offset between them.

The left clip leads: the right one is kept at `left position + offset`. Two media players drift
apart by a few milliseconds while playing, so the right one is re-seated only when it is more
than two frames off (seeking on every tick would stutter); a pause, a seek or a frame step puts
it exactly where it belongs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.domain.clips import FPS, MAX_DURATION_S
from gbf_desktop.errors import KnownError
from gbf_desktop.services.annotations import ClipAnnotations
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.onion import DrawingsOverlay, OnionView, alignment_offset_ms
from gbf_desktop.ui.clips.player import (
    CLIP_STYLE,
    SPEEDS,
    ClipPlayer,
    clock,
    recorded_text,
    speed_text,
    tool_button,
)
from gbf_desktop.workers.tasks import Task, TaskRunner

FRAME_MS = 1000 / FPS
# How far the right clip may wander while both play before it is sought back into step.
DRIFT_TOLERANCE_MS = round(2 * FRAME_MS)
MAX_OFFSET_MS = int(MAX_DURATION_S * 1000)


_OVERLAY_PANE_WIDTH = 250
_ANY_WIDTH = 16_777_215  # Qt's QWIDGETSIZE_MAX


class ClipPane(QFrame):
    """One side: which clip it is, its picture, and where it is."""

    def __init__(self, row: ClipRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.row = row
        title = QLabel(f"{row.student_name} · {row.session_label}")
        title.setObjectName("paneTitle")
        detail = QLabel(" · ".join(p for p in (row.where_label, recorded_text(row)) if p))
        detail.setObjectName("mutedLabel")
        for label in (title, detail):
            label.setWordWrap(True)
        self.player = ClipPlayer(transport=False)
        self.drawings = DrawingsOverlay(self.player.view)
        self.time_label = QLabel(clock(0))
        self.time_label.setObjectName("mutedLabel")
        self.align_button = tool_button(
            "Align on this frame", "Overlay: this frame meets the other's"
        )
        self.align_ms: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(detail)
        layout.addWidget(self.player, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.time_label, 1)
        bottom.addWidget(self.align_button)
        layout.addLayout(bottom)
        layout.addStretch(0)

    @Slot(object)
    def on_annotations_loaded(self, annotations: ClipAnnotations) -> None:
        self.drawings.set_drawings(annotations.drawings)


class CompareWindow(QWidget):
    """Fetches both clips, then plays them in step."""

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        coach: SignedInUser,
        left: ClipRow,
        right: ClipRow,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(CLIP_STYLE)
        self.setWindowTitle("Compare clips")
        self._backend = backend
        self._runner = runner
        self._coach = coach
        self._closed = False
        self._tasks: set[Task] = set()
        self._loaded: set[ClipPlayer] = set()

        self.left_pane = ClipPane(left)
        self.right_pane = ClipPane(right)
        self.left = self.left_pane.player
        self.right = self.right_pane.player

        self.status_label = QLabel("Loading both clips…")
        self.status_label.setObjectName("mutedLabel")
        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self._build_controls()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(self._build_header())
        layout.addWidget(self.error_label)
        panes = QHBoxLayout()
        panes.setSpacing(14)
        panes.addWidget(self.left_pane, 1)
        panes.addWidget(self.right_pane, 1)
        # Overlaid (onion skin): the right clip over the left; the panes stay for aligning.
        self.onion = OnionView(
            self.left.view, self.right.view, self.left_pane.drawings, self.right_pane.drawings
        )
        self.onion.hide()
        panes.addWidget(self.onion, 2)
        layout.addLayout(panes, 1)
        layout.addLayout(self._build_transport())
        keys = QLabel(
            "Space play/pause both · ←/→ both one frame · [ / ] shift the right clip by a frame"
        )
        keys.setObjectName("mutedLabel")
        layout.addWidget(keys)

        self.play_action = self._action(Qt.Key.Key_Space)
        self.back_action = self._action(Qt.Key.Key_Left)
        self.forward_action = self._action(Qt.Key.Key_Right)
        self.offset_back_action = self._action(Qt.Key.Key_BracketLeft)
        self.offset_forward_action = self._action(Qt.Key.Key_BracketRight)
        self._show_offset()
        self._set_controls_enabled(False)
        self._wire()
        for player, row in ((self.left, left), (self.right, right)):
            self._fetch(player, row)

    def _build_controls(self) -> None:
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.time_label = QLabel(f"{clock(0)} / {clock(0)}")
        self.play_button = tool_button("Play both", "Play or pause both (Space)")
        self.play_button.setObjectName("playButton")
        self.back_button = tool_button("◀ Frame", "Both one frame back (←)")
        self.forward_button = tool_button("Frame ▶", "Both one frame forward (→)")
        self.speed_combo = QComboBox()
        self.speed_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for rate in SPEEDS:
            self.speed_combo.addItem(speed_text(rate), rate)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.offset_spin = QSpinBox()
        self.offset_spin.setObjectName("offsetSpin")
        self.offset_spin.setRange(-MAX_OFFSET_MS, MAX_OFFSET_MS)
        self.offset_spin.setSingleStep(round(FRAME_MS))
        self.offset_spin.setSuffix(" ms")
        self.offset_spin.setToolTip(
            "How far ahead the right clip runs; negative when it should start later"
        )
        self.offset_frames_label = QLabel("")
        self.offset_frames_label.setObjectName("mutedLabel")
        self.offset_back_button = tool_button("-1 frame", "Right clip one frame earlier ([)")
        self.offset_forward_button = tool_button("+1 frame", "Right clip one frame later (])")
        self.overlay_button = tool_button("Overlay", "One clip over the other (onion skin)")
        self.overlay_button.setCheckable(True)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setObjectName("opacitySlider")
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(50)
        self.opacity_slider.setFixedWidth(110)
        self.opacity_slider.setToolTip("How much of the right clip shows over the left one")
        self.opacity_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _build_header(self) -> QHBoxLayout:
        title = QLabel("Compare clips")
        title.setObjectName("pageTitle")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.status_label)
        header.addSpacing(12)
        header.addWidget(self.overlay_button)
        header.addWidget(QLabel("Opacity"))
        header.addWidget(self.opacity_slider)
        return header

    def _build_transport(self) -> QVBoxLayout:
        timeline = QHBoxLayout()
        timeline.addWidget(self.slider, 1)
        timeline.addWidget(self.time_label)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        controls.addWidget(self.play_button)
        controls.addWidget(self.back_button)
        controls.addWidget(self.forward_button)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Speed"))
        controls.addWidget(self.speed_combo)
        controls.addSpacing(12)
        controls.addWidget(QLabel("Right clip offset"))
        controls.addWidget(self.offset_spin)
        controls.addWidget(self.offset_frames_label)
        controls.addWidget(self.offset_back_button)
        controls.addWidget(self.offset_forward_button)
        controls.addStretch(1)
        transport = QVBoxLayout()
        transport.setSpacing(6)
        transport.addLayout(timeline)
        transport.addLayout(controls)
        return transport

    def _action(self, key: Qt.Key) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(action)
        return action

    # -- public API -----------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return len(self._loaded) == 2

    @property
    def offset_ms(self) -> int:
        return self.offset_spin.value()

    def set_offset(self, ms: int) -> None:
        self.offset_spin.setValue(ms)

    @property
    def is_playing(self) -> bool:
        return self.left.is_playing

    def play(self) -> None:
        if self.left.position >= self.left.duration - 1:
            self.left.seek(0)
        self.left.play()
        self._follow(exact=True)

    def pause(self) -> None:
        self.left.pause()
        self.right.pause()
        self._follow(exact=True)

    def toggle_play(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        self.left.seek(ms)
        self._follow(exact=True, at=ms)

    def step(self, frames: int) -> None:
        """Both clips move by the same number of their own frames.

        Stepping each by frames (rather than seeking the right one to the left one's time plus
        the offset) keeps a millisecond offset that falls between two frames from making the
        right clip skip or repeat one.
        """
        self.left.pause()
        self.right.pause()
        target = self.left.position + self.offset_ms
        self.left.step(frames)
        if 0 <= target < self.right.duration:
            self.right.step(frames)
        else:
            self._follow(exact=True, at=self.left.position)

    def set_rate(self, rate: float) -> None:
        self.left.set_rate(rate)
        self.right.set_rate(rate)

    # -- keeping the right clip in step ---------------------------------------------------------

    def _follow(self, *, exact: bool, at: int | None = None) -> None:
        """Put the right clip at the left one's position plus the offset.

        Before its start or past its end, it waits there, paused, until the left clip's time
        brings it into range.
        """
        lead = self.left.position if at is None else at
        target = lead + self.offset_ms
        right = self.right
        in_range = 0 <= target < right.duration
        if not in_range:
            right.pause()
            right.seek(min(max(target, 0), right.duration))
            return
        playing = self.left.is_playing
        if (
            exact
            or abs(right.position - target) > DRIFT_TOLERANCE_MS
            or (playing and not right.is_playing)
        ):
            right.seek(target)
        if playing and not right.is_playing:
            right.play()
        elif not playing and right.is_playing:
            right.pause()

    # -- wiring ---------------------------------------------------------------------------------

    def _wire(self) -> None:
        for pane in (self.left_pane, self.right_pane):
            pane.player.loaded.connect(self._on_player_loaded)
            pane.player.failed.connect(self._on_player_failed)
            pane.player.position_changed.connect(self._on_player_position_changed)
        self.left.playing_changed.connect(self._on_left_playing_changed)
        self.left.duration_changed.connect(self._on_left_duration_changed)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.forward_button.clicked.connect(self._on_forward_button_clicked)
        self.speed_combo.currentIndexChanged.connect(self._on_speed_combo_current_index_changed)
        self.offset_spin.valueChanged.connect(self._on_offset_spin_value_changed)
        self.offset_back_button.clicked.connect(self._on_offset_back_button_clicked)
        self.offset_forward_button.clicked.connect(self._on_offset_forward_button_clicked)
        self.play_action.triggered.connect(self._on_play_button_clicked)
        self.back_action.triggered.connect(self._on_back_button_clicked)
        self.forward_action.triggered.connect(self._on_forward_button_clicked)
        self.offset_back_action.triggered.connect(self._on_offset_back_button_clicked)
        self.offset_forward_action.triggered.connect(self._on_offset_forward_button_clicked)
        self.overlay_button.toggled.connect(self._on_overlay_button_toggled)
        self.opacity_slider.valueChanged.connect(self._on_opacity_slider_value_changed)
        self.left_pane.align_button.clicked.connect(self._on_align_button_clicked)
        self.right_pane.align_button.clicked.connect(self._on_align_button_clicked)

    def _fetch(self, player: ClipPlayer, row: ClipRow) -> None:
        task = self._runner.read(self._backend.clip_to_temp_file, self._coach.id, row.media_id)

        @Slot(object)
        def on_fetch_task_succeeded(path: Path) -> None:
            if self._closed:
                with contextlib.suppress(OSError):
                    path.unlink()
            else:
                player.load(path)

        drawings = self._runner.read(self._backend.clip_annotations, self._coach.id, row.media_id)
        pane = self.left_pane if player is self.left else self.right_pane
        # A slot of the pane's, so a window closed before the drawings arrive just drops them.
        drawings.succeeded.connect(pane.on_annotations_loaded)

        task.succeeded.connect(on_fetch_task_succeeded)
        task.failed.connect(self._on_fetch_task_failed)
        task.crashed.connect(self._on_fetch_task_crashed)
        task.finished.connect(self._on_fetch_task_finished)
        self._tasks.add(task)

    @Slot(object)
    def _on_fetch_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))

    @Slot(object)
    def _on_fetch_task_crashed(self, _error: BaseException) -> None:
        self._show_error("A bug in the app stopped a clip from loading. Please try again.")

    @Slot()
    def _on_fetch_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._tasks.discard(task)
        if self._closed and not self._tasks:
            self.deleteLater()

    @Slot()
    def _on_player_loaded(self) -> None:
        player = self.sender()
        before = self.ready
        for candidate in (self.left, self.right):
            if candidate is player:
                self._loaded.add(candidate)
        if self.ready and not before:
            self.status_label.setText("")
            self._set_controls_enabled(True)
            self._follow(exact=True)

    @Slot(str)
    def _on_player_failed(self, message: str) -> None:
        self._show_error(message)

    @Slot(int)
    def _on_player_position_changed(self, _ms: int) -> None:
        if self.sender() is self.left and self.left.is_playing:
            self._follow(exact=False)
        self.left_pane.time_label.setText(clock(self.left.position))
        self.right_pane.time_label.setText(clock(self.right.position))
        self.slider.blockSignals(True)
        self.slider.setValue(self.left.position)
        self.slider.blockSignals(False)
        self.time_label.setText(f"{clock(self.left.position)} / {clock(self.left.duration)}")

    @Slot(bool)
    def _on_left_playing_changed(self, playing: bool) -> None:
        self.play_button.setText("Pause both" if playing else "Play both")
        if not playing:
            # The left clip ended or was paused: the right one stops beside it.
            self.right.pause()

    @Slot(int)
    def _on_left_duration_changed(self, ms: int) -> None:
        self.slider.setRange(0, ms)

    @Slot(int)
    def _on_slider_value_changed(self, value: int) -> None:
        self.seek(value)

    @Slot()
    def _on_play_button_clicked(self) -> None:
        if self.ready:
            self.toggle_play()

    @Slot()
    def _on_back_button_clicked(self) -> None:
        if self.ready:
            self.step(-1)

    @Slot()
    def _on_forward_button_clicked(self) -> None:
        if self.ready:
            self.step(1)

    @Slot(int)
    def _on_speed_combo_current_index_changed(self, index: int) -> None:
        rate = self.speed_combo.itemData(index)
        if isinstance(rate, float):
            self.set_rate(rate)

    @Slot(int)
    def _on_offset_spin_value_changed(self, _value: int) -> None:
        self._show_offset()
        if self.ready:
            self._follow(exact=True)

    @Slot()
    def _on_offset_back_button_clicked(self) -> None:
        self.set_offset(self.offset_ms - round(FRAME_MS))

    @Slot()
    def _on_offset_forward_button_clicked(self) -> None:
        self.set_offset(self.offset_ms + round(FRAME_MS))

    # -- overlaid -------------------------------------------------------------------------------

    def set_overlaid(self, on: bool) -> None:
        self.overlay_button.setChecked(on)

    @property
    def overlaid(self) -> bool:
        return self.onion.isVisible()

    def align(self, pane: ClipPane) -> None:
        """This pane's current frame is the one that meets the other's chosen frame."""
        pane.align_ms = pane.player.position
        pane.align_button.setText(f"Aligned {clock(pane.align_ms)}")
        left, right = self.left_pane.align_ms, self.right_pane.align_ms
        if left is not None and right is not None:
            self.set_offset(alignment_offset_ms(left, right))

    @Slot(bool)
    def _on_overlay_button_toggled(self, on: bool) -> None:
        # Overlaid, the panes become narrow columns (which clip, its time, its align button)
        # and the overlay takes the room; their players keep running, unseen.
        for pane in (self.left_pane, self.right_pane):
            pane.player.setVisible(not on)
            pane.setMaximumWidth(_OVERLAY_PANE_WIDTH if on else _ANY_WIDTH)
        self.onion.setVisible(on)
        self.onion.update()

    @Slot(int)
    def _on_opacity_slider_value_changed(self, value: int) -> None:
        self.onion.set_opacity(value / 100)

    @Slot()
    def _on_align_button_clicked(self) -> None:
        sender = self.sender()
        for pane in (self.left_pane, self.right_pane):
            if sender is pane.align_button:
                self.align(pane)

    def _show_offset(self) -> None:
        frames = self.offset_ms / FRAME_MS
        self.offset_frames_label.setText(f"({frames:+.1f} frames)")

    def _set_controls_enabled(self, enabled: bool) -> None:
        for widget in (
            self.play_button,
            self.back_button,
            self.forward_button,
            self.slider,
            self.speed_combo,
        ):
            widget.setEnabled(enabled)

    def _show_error(self, message: str) -> None:
        self.status_label.setText("")
        self.error_label.setText(message)
        self.error_label.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        for player in (self.left, self.right):
            path = player.path
            player.unload()
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()
        super().closeEvent(event)
        if not self._tasks:
            self.deleteLater()
