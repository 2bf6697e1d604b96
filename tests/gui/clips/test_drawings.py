"""Drawing on a real player, offscreen: every tool by the pointer, stored, shown after a restart,
and in the exported still and burned-in clip at its place (pixel checks); angles against
hand-computed values; select, move, delete, undo and redo by the keyboard."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gbf_desktop.domain import clips
from gbf_desktop.domain.drawings import Drawing, Kind
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.clips.drawing_editor import DrawingEditor
from gbf_desktop.ui.clips.drawing_paint import still_with_drawings
from gbf_desktop.ui.clips.player import PlayerWindow
from gbf_desktop.workers.tasks import TaskRunner
from gbf_desktop.workers.video_jobs import clip_facts
from tests.gui.clips.test_player import store_clip
from tests.gui.conftest import MEDIA_WAIT_MS, Seed
from tests.synthetic_lift import LiftScene, RepPlan, render_clip

pytestmark = [
    pytest.mark.gui,
    pytest.mark.db,
    pytest.mark.ffmpeg,
]

LOAD_MS = 15_000
SCENE = LiftScene(
    start_pause_s=0.4,
    reps=(RepPlan(0.8, 0.2, 0.6, 0.4, 130.0), RepPlan(0.8, 0.2, 0.8, 0.4, 128.0)),
    occluder=None,
)
RED, GREEN, BLUE, YELLOW = "#ff3b30", "#34c759", "#0a84ff", "#ffd400"


@pytest.fixture(scope="module")
def lift_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    clip = render_clip(SCENE, tmp_path_factory.mktemp("lift") / "lift.mp4")
    assert clips.contract_violations(clip_facts(clip)) == []
    return clip.read_bytes()


@pytest.fixture
def stored(
    seed: Seed, engine: Engine, backend: Backend, lift_bytes: bytes
) -> tuple[SignedInUser, ClipRow]:
    coach, row = store_clip(seed, engine, backend, lift_bytes)
    # Assigned, so a clip can be stored on the session (as the student's own would be).
    seed.assign("Strength base", row.student_id, coach.id)
    return coach, row


Opener = Callable[[], PlayerWindow]


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go to be looked at: $GBF_SCREENSHOT_DIR, or the test's own folder."""
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_window(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, stored: tuple[SignedInUser, ClipRow]
) -> Iterator[Opener]:
    opened: list[PlayerWindow] = []

    def open_() -> PlayerWindow:
        coach, row = stored
        window = PlayerWindow(backend, runner, coach, row)
        window.resize(1366, 768)
        with qtbot.waitSignal(window.review.loaded, timeout=LOAD_MS):
            window.show()
        # The editor takes the pointer only over a picture: on a busy machine the first decoded
        # frame can arrive well after the clip loaded, and a drag before it draws nothing.
        qtbot.waitUntil(lambda: not window.player.view.image.isNull(), timeout=MEDIA_WAIT_MS)
        # Everything fits a 1366x768 screen: the tools do not widen the window.
        assert window.width() <= 1366
        window.activateWindow()
        qtbot.waitActive(window)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        if shiboken6.isValid(window):
            window.close()


def move(widget: QWidget, pos: QPoint, *, held: bool = False) -> None:
    """A pointer move, sent straight to the widget: QTest's synthetic moves are sometimes
    dropped offscreen when the pointer has not left the widget."""
    button = Qt.MouseButton.LeftButton if held else Qt.MouseButton.NoButton
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(pos),
        QPointF(widget.mapToGlobal(pos)),
        Qt.MouseButton.NoButton,
        button,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def at(editor: DrawingEditor, x: float, y: float) -> QPoint:
    return editor.to_view((x, y)).toPoint()


def drag(
    qtbot: QtBot, editor: DrawingEditor, a: tuple[float, float], b: tuple[float, float]
) -> None:
    view = editor.view
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=at(editor, *a))
    for k in range(1, 6):
        f = k / 5
        move(view, at(editor, a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])), held=True)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=at(editor, *b))


def click(qtbot: QtBot, editor: DrawingEditor, x: float, y: float) -> None:
    qtbot.mouseClick(editor.view, Qt.MouseButton.LeftButton, pos=at(editor, x, y))


def choose(qtbot: QtBot, window: PlayerWindow, key: str, colour: str, thickness: int = 6) -> None:
    """The tool by its shortcut, as a coach would, then its colour and thickness."""
    bar = window.review.bar
    qtbot.keyClick(window, key)
    bar.colour_combo.setCurrentIndex(bar.colour_combo.findData(colour))
    bar.thickness_spin.setValue(thickness)


def near(qimage: QImage, x: float, y: float, colour: str, tolerance: int = 60) -> bool:
    """Whether a pixel within 2 px of (x, y) has `colour` (compression and smoothing allowed)."""
    want = QColor(colour)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            got = QColor(qimage.pixel(round(x) + dx, round(y) + dy))
            if all(
                abs(a - b) <= tolerance
                for a, b in zip(
                    (got.red(), got.green(), got.blue()),
                    (want.red(), want.green(), want.blue()),
                    strict=True,
                )
            ):
                return True
    return False


# Where each drawing goes, in picture pixels, and a point on it that must show its colour.
def draw_everything(qtbot: QtBot, window: PlayerWindow) -> None:
    editor = window.review.editor
    choose(qtbot, window, "L", RED)
    drag(qtbot, editor, (60, 60), (260, 60))
    choose(qtbot, window, "A", GREEN)
    drag(qtbot, editor, (60, 120), (260, 220))
    choose(qtbot, window, "C", BLUE)
    drag(qtbot, editor, (650, 120), (710, 120))
    choose(qtbot, window, "N", YELLOW)
    click(qtbot, editor, 300, 300)
    click(qtbot, editor, 300, 420)
    # Between the second and third click the angle follows the pointer, degrees live.
    move(editor.view, at(editor, 420, 420))
    assert editor.shown()[-1].angle_degrees == pytest.approx(90, abs=1.5)
    click(qtbot, editor, 400, 320)
    choose(qtbot, window, "D", RED)
    drag(qtbot, editor, (500, 380), (600, 440))
    choose(qtbot, window, "T", GREEN)
    click(qtbot, editor, 520, 30)
    qtbot.waitUntil(editor.text_input.isVisible)
    qtbot.keyClicks(editor.text_input, "Knees out")
    qtbot.keyClick(editor.text_input, Qt.Key.Key_Return)
    choose(qtbot, window, "P", BLUE)
    click(qtbot, editor, 780, 200)
    choose(qtbot, window, "G", YELLOW, thickness=2)
    click(qtbot, editor, 0, 0)


PROBES = [  # (picture point on the drawing, colour)
    ((160, 60), RED),  # line
    ((160, 170), GREEN),  # arrow, halfway
    ((710, 120), BLUE),  # circle, rim
    ((300, 360), YELLOW),  # angle, first arm
    ((780, 300), BLUE),  # plumb line, far below its point
]


def test_every_tool_draws_stores_and_comes_back_after_a_restart(
    qtbot: QtBot,
    open_window: Opener,
    backend: Backend,
    stored: tuple[SignedInUser, ClipRow],
    tmp_path: Path,
) -> None:
    window = open_window()
    draw_everything(qtbot, window)
    editor = window.review.editor
    kinds = [d.kind for d in editor.drawings]
    assert kinds == [
        Kind.LINE, Kind.ARROW, Kind.CIRCLE, Kind.ANGLE, Kind.FREEHAND, Kind.TEXT, Kind.PLUMB,
        Kind.GRID,
    ]  # fmt: skip
    line, _arrow, circle, angle, free, text, plumb, grid = editor.drawings
    for drawing, points in (
        (line, [(60, 60), (260, 60)]),
        (circle, [(650, 120), (710, 120)]),
        (angle, [(300, 300), (300, 420), (400, 320)]),
        (plumb, [(780, 200)]),
    ):
        for got, want in zip(drawing.points, points, strict=True):
            assert math.dist(got, want) < 1.5  # the screen's pixel is ~0.9 picture pixel
    # The angle at the joint (300, 420) between (300, 300) and (400, 320): hand-computed.
    a, b, c = angle.points
    u, v = (a[0] - b[0], a[1] - b[1]), (c[0] - b[0], c[1] - b[1])
    hand = math.degrees(math.acos((u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))))
    assert angle.angle_degrees == pytest.approx(hand, abs=1e-9)
    assert hand == pytest.approx(math.degrees(math.atan2(100, 100)), abs=1.0)
    assert text.text == "Knees out"
    assert len(free.points) >= 5
    assert grid.size == 48

    qtbot.waitUntil(lambda: not editor.history.dirty, timeout=10_000)
    coach, row = stored
    assert backend.clip_annotations(coach.id, row.media_id).drawings == editor.drawings

    window.close()
    again = open_window()
    assert again.review.editor.drawings == editor.drawings
    again.player.seek(500)
    qtbot.waitUntil(lambda: again.player.view.frame_start_us >= 400_000, timeout=MEDIA_WAIT_MS)
    shot = again.player.view.grab().toImage()
    again.grab().save(str(screenshot_dir(tmp_path) / "player_drawings.png"))
    view_editor = again.review.editor
    for (x, y), colour in PROBES:
        p = view_editor.to_view((x, y))
        assert near(shot, p.x(), p.y(), colour), (x, y, colour)


def test_the_still_and_the_burned_in_clip_carry_the_drawings_at_their_place(
    qtbot: QtBot,
    open_window: Opener,
    tmp_path: Path,
    backend: Backend,
    stored: tuple[SignedInUser, ClipRow],
) -> None:
    window = open_window()
    draw_everything(qtbot, window)
    editor = window.review.editor
    # One more that shows for 1 s only, from the clip's start.
    window.review.bar.duration_combo.setCurrentIndex(2)
    choose(qtbot, window, "L", GREEN)
    drag(qtbot, editor, (60, 450), (300, 450))
    assert editor.drawings[-1].duration_s == 1.0
    qtbot.waitUntil(lambda: not editor.history.dirty, timeout=10_000)

    still = window.review.export_still(tmp_path / "still.png")
    image = QImage(str(still))
    assert (image.width(), image.height()) == (854, 480)
    plain = still_with_drawings(window.player.view.image, (), 0.0)
    for (x, y), colour in [*PROBES, ((180, 450), GREEN)]:
        assert near(image, x, y, colour, tolerance=30), (x, y, colour)
        assert not near(plain, x, y, colour, tolerance=30), (x, y, colour)

    errors: list[str] = []
    window.review.failed.connect(errors.append)
    done: list[object] = []
    window.review.burned.connect(done.append)
    window.review.burn_to_file(tmp_path / "drawn.mp4")
    qtbot.waitUntil(lambda: bool(done or errors), timeout=60_000)
    assert errors == []
    ready = done.pop()
    assert clips.contract_violations(clip_facts(ready.path)) == []
    frames = decode(ready.path)
    assert len(frames) == round(SCENE.duration_s * 24)
    early, late = frames[12], frames[60]  # 0.5 s and 2.5 s
    for (x, y), colour in PROBES:
        assert near(early, x, y, colour), (x, y, colour)
        assert near(late, x, y, colour), (x, y, colour)
    assert near(early, 180, 450, GREEN)
    assert not near(late, 180, 450, GREEN)  # its second is over

    coach, row = stored
    window.review.burn_to_session()
    qtbot.waitUntil(lambda: bool(done or errors), timeout=60_000)
    assert errors == []
    library = backend.clip_library(coach.id).clips
    assert len(library) == 2
    new = next(c for c in library if c.media_id != row.media_id)
    assert (new.session_id, new.student_id) == (row.session_id, row.student_id)


def decode(path: Path) -> list[QImage]:
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            rgb = np.ascontiguousarray(frame.to_ndarray(format="rgb24"))
            h, w = rgb.shape[:2]
            out.append(QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy())
    return out


def test_select_move_edit_delete_undo_redo(qtbot: QtBot, open_window: Opener) -> None:
    window = open_window()
    editor = window.review.editor
    choose(qtbot, window, "N", RED)
    for point in ((200, 100), (200, 300), (400, 300)):
        click(qtbot, editor, *point)
    assert editor.drawings[0].angle_degrees == pytest.approx(90, abs=1)
    choose(qtbot, window, "L", BLUE)
    drag(qtbot, editor, (500, 100), (700, 100))
    qtbot.keyClick(window, "V")

    # Drag the angle's far arm end: the degrees follow live, then the edit is kept.
    view = editor.view
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=at(editor, 400, 300))
    move(view, at(editor, 300, 200), held=True)
    live = next(d for d in editor.shown() if d.kind is Kind.ANGLE)
    assert live.angle_degrees == pytest.approx(45, abs=1.5)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=at(editor, 300, 200))
    assert editor.drawings[0].angle_degrees == pytest.approx(45, abs=1.5)

    # Move the line by its body.
    drag(qtbot, editor, (600, 100), (600, 160))
    line = editor.drawings[1]
    assert line.points[0][1] == pytest.approx(160, abs=1.5)
    # Recolour the selected line.
    window.review.bar.colour_combo.setCurrentIndex(window.review.bar.colour_combo.findData(GREEN))
    assert editor.drawings[1].colour == GREEN

    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert [d.kind for d in editor.drawings] == [Kind.ANGLE]
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert editor.drawings[1].colour == GREEN
    qtbot.keyClick(window, "z", Qt.KeyboardModifier.ControlModifier)
    assert editor.drawings[1].colour == BLUE
    qtbot.keyClick(
        window, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert editor.drawings[1].colour == GREEN
    qtbot.waitUntil(lambda: not editor.history.dirty, timeout=10_000)

    # A text is edited by a double click.
    choose(qtbot, window, "T", YELLOW)
    click(qtbot, editor, 100, 400)
    qtbot.keyClicks(editor.text_input, "Chest")
    qtbot.keyClick(editor.text_input, Qt.Key.Key_Return)
    qtbot.keyClick(window, "V")
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=at(editor, 110, 410))
    qtbot.waitUntil(editor.text_input.isVisible)
    editor.text_input.setText("Chest up")
    qtbot.keyClick(editor.text_input, Qt.Key.Key_Return)
    assert editor.drawings[-1].text == "Chest up"
    assert isinstance(editor.drawings[-1], Drawing)
