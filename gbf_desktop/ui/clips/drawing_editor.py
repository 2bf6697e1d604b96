"""Drawing on the player's picture: the tools, the pointer, selection, undo and redo.

`DrawingEditor` turns pointer events on a `FrameView` into drawings (domain/drawings.py) and keeps
them in a `DrawingHistory`; it paints them as one of the view's overlays. It decides nothing about
storage: `changed` says the drawings were edited, and the window saves them. `DrawingBar` is the
row of tools, colour, thickness, "shows for" and undo/redo above the picture; the shortcuts are
the window's actions (see `DRAWING_KEYS`).

Tools: select (move a drawing by its body, a point by its handle), line, arrow and circle (press,
drag, release), angle (three clicks: one arm's end, the joint, the other arm's end; its degrees
follow the pointer), free-hand (press and drag), text (click, type, Enter), plumb line and grid
(one click). Every drawing starts at the frame on screen and shows for the chosen time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from gbf_desktop.domain import drawings as dr
from gbf_desktop.domain.drawings import Drawing, DrawingHistory, Kind, Point
from gbf_desktop.ui.clips.drawing_paint import paint_drawings

if TYPE_CHECKING:
    # Types only: the player module builds on this one.
    from gbf_desktop.ui.clips.player import FrameView

# The select tool is None; the keys are the window's shortcuts for each tool.
TOOLS: tuple[tuple[Kind | None, str, str], ...] = (
    (None, "Select", "V"),
    (Kind.LINE, "Line", "L"),
    (Kind.ARROW, "Arrow", "A"),
    (Kind.CIRCLE, "Circle", "C"),
    (Kind.ANGLE, "Angle", "N"),
    (Kind.FREEHAND, "Pen", "D"),
    (Kind.TEXT, "Text", "T"),
    (Kind.PLUMB, "Plumb", "P"),
    (Kind.GRID, "Grid", "G"),
)
DURATIONS: tuple[tuple[str, float | None], ...] = (
    ("Whole clip", None),
    ("0.5 s", 0.5),
    ("1 s", 1.0),
    ("2 s", 2.0),
    ("5 s", 5.0),
)
COLOUR_NAMES = {
    "#ffd400": "Yellow",
    "#ff3b30": "Red",
    "#34c759": "Green",
    "#0a84ff": "Blue",
    "#ffffff": "White",
    "#000000": "Black",
}
# How close the pointer must come to a drawing to pick it, in screen pixels.
_PICK_PX = 8.0
_MIN_DRAG_PX = 3.0


def new_drawing_id() -> str:
    return uuid.uuid4().hex[:12]


class DrawingEditor(QObject):
    """The drawings of one clip on one view, edited with the pointer; see the module's doc."""

    changed = Signal()  # the drawings were edited (the window stores them)
    selection_changed = Signal()

    def __init__(self, view: FrameView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.history = DrawingHistory()
        self.tool: Kind | None = None
        self.colour = dr.DEFAULT_COLOUR
        self.thickness = dr.DEFAULT_THICKNESS
        self.duration_s: float | None = None
        self.enabled = True
        self.selected: str | None = None
        self._draft: Drawing | None = None  # being drawn, not yet in the history
        self._dragged: Drawing | None = None  # the selected drawing as being dragged
        self._drag_from: Point | None = None
        self._drag_handle: int | None = None
        self._angle_points: list[Point] = []
        self.text_input = QLineEdit(view)
        self.text_input.setObjectName("drawingTextInput")
        self.text_input.setPlaceholderText("Type, then Enter")
        self.text_input.setFixedWidth(220)
        self.text_input.hide()
        self._text_at: Point | None = None
        self._text_editing: str | None = None
        self.text_input.returnPressed.connect(self._on_text_input_return_pressed)
        self.text_input.installEventFilter(self)
        view.setMouseTracking(True)
        view.installEventFilter(self)
        view.add_overlay(self.paint)

    # --- what is shown --------------------------------------------------------------------------

    @property
    def drawings(self) -> tuple[Drawing, ...]:
        return self.history.current

    def shown(self) -> list[Drawing]:
        """The drawings as on screen now: the history, a drag in progress, a draft."""
        items = [
            self._dragged if self._dragged and d.id == self._dragged.id else d
            for d in self.history.current
        ]
        if self._draft is not None:
            items.append(self._draft)
        return items

    def paint(self, painter: QPainter, target: QRectF) -> None:
        paint_drawings(
            painter,
            self.shown(),
            target,
            self._picture_size(),
            self.view.time_s,
            selected=self.selected,
        )

    def _picture_size(self) -> QSize:
        return self.view.image.size()

    def load(self, drawings: tuple[Drawing, ...]) -> None:
        self.history = DrawingHistory.loaded(drawings)
        self._select(None)
        self.view.update()

    # --- coordinates --------------------------------------------------------------------------

    def to_picture(self, pos: QPointF) -> Point | None:
        rect = self.view.picture_rect()
        size = self._picture_size()
        if rect.isEmpty() or size.isEmpty():
            return None
        scale = size.width() / rect.width()
        return ((pos.x() - rect.x()) * scale, (pos.y() - rect.y()) * scale)

    def to_view(self, point: Point) -> QPointF:
        rect = self.view.picture_rect()
        scale = rect.width() / max(1, self._picture_size().width())
        return QPointF(rect.x() + point[0] * scale, rect.y() + point[1] * scale)

    def _tolerance(self) -> float:
        rect = self.view.picture_rect()
        return _PICK_PX * self._picture_size().width() / max(1.0, rect.width())

    def _clamped(self, point: Point) -> Point:
        size = self._picture_size()
        return (
            min(max(point[0], 0.0), float(size.width())),
            min(max(point[1], 0.0), float(size.height())),
        )

    # --- commands (toolbar and shortcuts) -------------------------------------------------------

    def set_tool(self, tool: Kind | None) -> None:
        self._cancel_draft()
        if tool is not None:
            # A new drawing is coming: the colour and thickness chosen next are for it, not for
            # the drawing selected last.
            self._select(None)
        self.tool = tool
        self.view.setCursor(
            Qt.CursorShape.ArrowCursor if tool is None else Qt.CursorShape.CrossCursor
        )

    def set_colour(self, colour: str) -> None:
        self.colour = colour
        self._restyle(colour=colour)

    def set_thickness(self, thickness: int) -> None:
        self.thickness = thickness
        self._restyle(thickness=thickness)

    def set_duration(self, duration_s: float | None) -> None:
        self.duration_s = duration_s
        self._restyle(duration_s=duration_s)

    def _restyle(self, **changes: object) -> None:
        current = self.history.get(self.selected) if self.selected else None
        if current is None:
            return
        restyled = replace(current, **changes)  # type: ignore[arg-type]
        self._commit(lambda: self.history.replace(restyled))

    def delete_selected(self) -> None:
        if self.selected is None:
            return
        doomed = self.selected
        self._select(None)
        self._commit(lambda: self.history.remove(doomed))

    def undo(self) -> None:
        self._cancel_draft()
        if self.history.undo():
            self._after_history_jump()

    def redo(self) -> None:
        self._cancel_draft()
        if self.history.redo():
            self._after_history_jump()

    def _after_history_jump(self) -> None:
        if self.selected and self.history.get(self.selected) is None:
            self._select(None)
        self.view.update()
        self.changed.emit()

    def _commit(self, edit: Callable[[], None]) -> None:
        before = self.history.current
        edit()
        self.view.update()
        if self.history.current != before:
            self.changed.emit()

    def _select(self, drawing_id: str | None) -> None:
        if drawing_id != self.selected:
            self.selected = drawing_id
            self.selection_changed.emit()
        self.view.update()

    def _cancel_draft(self) -> None:
        self._draft = None
        self._angle_points = []
        self._dragged = None
        self._drag_from = None
        self.text_input.hide()
        self.view.update()

    def _new(self, kind: Kind, points: tuple[Point, ...], **extra: object) -> Drawing:
        return Drawing(
            new_drawing_id(),
            kind,
            points,
            start_s=round(self.view.time_s, 4),
            duration_s=self.duration_s,
            colour=self.colour,
            thickness=self.thickness,
            **extra,  # type: ignore[arg-type]
        )

    def _add(self, drawing: Drawing) -> None:
        size = self._picture_size()
        dr.validate(drawing, size.width(), size.height())
        self._commit(lambda: self.history.add(drawing))
        self._select(drawing.id)

    # --- the pointer --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text_input and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self._cancel_draft()
                return True
            return False
        if watched is not self.view or not self.enabled or self.view.image.isNull():
            return False
        if not isinstance(event, QMouseEvent):
            return False
        left = event.button() == Qt.MouseButton.LeftButton
        handlers = {
            QEvent.Type.MouseButtonPress: self._press if left else None,
            QEvent.Type.MouseMove: self._move,
            QEvent.Type.MouseButtonRelease: self._release if left else None,
            QEvent.Type.MouseButtonDblClick: self._double_click,
        }
        handler = handlers.get(event.type())
        return handler(event.position()) if handler is not None else False

    def _press(self, pos: QPointF) -> bool:
        point = self.to_picture(pos)
        if point is None:
            return False
        point = self._clamped(point)
        tool = self.tool
        if tool is None:
            hit = dr.pick(self.history.current, point, self._tolerance(), self.view.time_s)
            self._select(hit[0] if hit else None)
            if hit is not None:
                self._dragged = self.history.get(hit[0])
                self._drag_from = point
                self._drag_handle = hit[1]
            return True
        if tool in (Kind.LINE, Kind.ARROW, Kind.CIRCLE):
            self._draft = self._new(tool, (point, point))
        elif tool is Kind.FREEHAND:
            self._draft = self._new(tool, (point,))
        elif tool is Kind.ANGLE:
            self._angle_points.append(point)
            if len(self._angle_points) == 3:
                self._draft = None
                self._add(self._new(tool, tuple(self._angle_points)))
                self._angle_points = []
            else:
                self._angle_preview(point)
        elif tool is Kind.TEXT:
            self._open_text(point, None, "")
        elif tool is Kind.PLUMB:
            self._add(self._new(tool, (point,)))
        elif tool is Kind.GRID:
            self._add(self._new(tool, (point,), size=dr.DEFAULT_GRID_SIZE))
        self.view.update()
        return True

    def _angle_preview(self, point: Point) -> None:
        """One arm while the joint is not placed, then both arms with their degrees, live."""
        clicks = self._angle_points
        if len(clicks) == 1:
            self._draft = self._new(Kind.LINE, (clicks[0], point))
        elif len(clicks) == 2:
            self._draft = self._new(Kind.ANGLE, (clicks[0], clicks[1], point))

    def _move(self, pos: QPointF) -> bool:
        point = self.to_picture(pos)
        if point is None:
            return False
        point = self._clamped(point)
        if self._draft is not None and self.tool in (Kind.LINE, Kind.ARROW, Kind.CIRCLE):
            self._draft = self._draft.with_point(1, point)
        elif self._draft is not None and self.tool is Kind.FREEHAND:
            if self._draft.points[-1] != point:
                self._draft = replace(self._draft, points=(*self._draft.points, point))
        elif self.tool is Kind.ANGLE and self._angle_points:
            self._angle_preview(point)
        elif self._dragged is not None and self._drag_from is not None:
            original = self.history.get(self._dragged.id)
            if original is not None:
                if self._drag_handle is None:
                    dx, dy = point[0] - self._drag_from[0], point[1] - self._drag_from[1]
                    self._dragged = original.moved(dx, dy)
                else:
                    self._dragged = original.with_point(self._drag_handle, point)
        else:
            return False
        self.view.update()
        return True

    def _release(self, pos: QPointF) -> bool:
        point = self.to_picture(pos)
        if self._draft is not None and self.tool in (Kind.LINE, Kind.ARROW, Kind.CIRCLE):
            draft = (
                self._draft if point is None else self._draft.with_point(1, self._clamped(point))
            )
            self._draft = None
            a, b = draft.points
            if max(abs(a[0] - b[0]), abs(a[1] - b[1])) >= _MIN_DRAG_PX:
                self._add(draft)
        elif self._draft is not None and self.tool is Kind.FREEHAND:
            draft, self._draft = self._draft, None
            if len(draft.points) >= 2:
                self._add(draft)
        elif self._dragged is not None:
            dragged, self._dragged = self._dragged, None
            self._drag_from = None
            original = self.history.get(dragged.id)
            if original is not None and dragged != original:
                size = self._picture_size()
                dr.validate(dragged, size.width(), size.height())
                self._commit(lambda: self.history.replace(dragged))
        else:
            return False
        self.view.update()
        return True

    def _double_click(self, pos: QPointF) -> bool:
        # Qt sends a quick second press as a double click instead: for the drawing tools (the
        # angle's clicks, a plumb line after another) it is a press like any other.
        if self.tool is not None:
            return self._press(pos)
        point = self.to_picture(pos)
        if point is None:
            return False
        hit = dr.pick(self.history.current, point, self._tolerance(), self.view.time_s)
        drawing = self.history.get(hit[0]) if hit else None
        if drawing is None or drawing.kind is not Kind.TEXT:
            return False
        self._open_text(drawing.points[0], drawing.id, drawing.text)
        return True

    # --- text -----------------------------------------------------------------------------------

    def _open_text(self, point: Point, editing: str | None, text: str) -> None:
        self._text_at = point
        self._text_editing = editing
        self.text_input.setText(text)
        at = self.to_view(point)
        self.text_input.move(round(at.x()), round(at.y()))
        self.text_input.show()
        self.text_input.raise_()
        self.text_input.setFocus()

    @Slot()
    def _on_text_input_return_pressed(self) -> None:
        text = self.text_input.text().strip()
        self.text_input.hide()
        if self._text_at is None or not text:
            return
        if self._text_editing is not None:
            current = self.history.get(self._text_editing)
            if current is not None:
                edited = replace(current, text=text)
                self._commit(lambda: self.history.replace(edited))
        else:
            self._add(self._new(Kind.TEXT, (self._text_at,), text=text))
        self._text_at = None
        self._text_editing = None


def _swatch(colour: str) -> QPixmap:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return pixmap


class DrawingBar(QWidget):
    """The drawing tools above the picture; drives a `DrawingEditor`."""

    def __init__(self, editor: DrawingEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawingBar")
        # Compact: the tools share a 1366-pixel-wide window with the bar-path panel.
        self.setStyleSheet(
            "QToolButton { padding: 4px 6px; } QComboBox, QSpinBox { padding: 3px 6px; }"
        )
        self.editor = editor
        self.tool_buttons: dict[Kind | None, QToolButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for tool, text, key in TOOLS:
            button = QToolButton()
            button.setText(text)
            button.setToolTip(f"{dr.LABELS[tool] if tool else text} ({key})")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button)
            self.tool_buttons[tool] = button
            row.addWidget(button)
            button.toggled.connect(self._on_tool_button_toggled)
        self.tool_buttons[None].setChecked(True)
        row.addSpacing(8)
        self._build_style(row)
        self.delete_button = self._button("Delete", "Delete the selected drawing (Del)")
        self.undo_button = self._button("Undo", "Undo (Ctrl+Z)")
        self.redo_button = self._button("Redo", "Redo (Ctrl+Shift+Z)")
        for button in (self.delete_button, self.undo_button, self.redo_button):
            row.addWidget(button)
        row.addStretch(1)
        self.colour_combo.currentIndexChanged.connect(self._on_colour_combo_index_changed)
        self.thickness_spin.valueChanged.connect(self._on_thickness_spin_value_changed)
        self.duration_combo.currentIndexChanged.connect(self._on_duration_combo_index_changed)
        self.delete_button.clicked.connect(editor.delete_selected)
        self.undo_button.clicked.connect(editor.undo)
        self.redo_button.clicked.connect(editor.redo)
        editor.changed.connect(self.refresh)
        editor.selection_changed.connect(self.refresh)
        self.refresh()

    def _build_style(self, row: QHBoxLayout) -> None:
        self.colour_combo = QComboBox()
        self.colour_combo.setObjectName("drawingColour")
        self.colour_combo.setToolTip("Colour")
        for colour in dr.COLOURS:
            self.colour_combo.addItem(_swatch(colour), COLOUR_NAMES[colour], colour)
        self.thickness_spin = QSpinBox()
        self.thickness_spin.setObjectName("drawingThickness")
        self.thickness_spin.setToolTip("Line thickness (picture pixels)")
        self.thickness_spin.setRange(dr.MIN_THICKNESS, dr.MAX_THICKNESS)
        self.thickness_spin.setValue(dr.DEFAULT_THICKNESS)
        self.thickness_spin.setSuffix(" px")
        self.duration_combo = QComboBox()
        self.duration_combo.setObjectName("drawingDuration")
        self.duration_combo.setToolTip("How long a drawing shows from the frame it was drawn on")
        for text, seconds in DURATIONS:
            self.duration_combo.addItem(text, seconds)
        for widget in (self.colour_combo, self.thickness_spin, self.duration_combo):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(self.colour_combo)
        row.addWidget(self.thickness_spin)
        row.addWidget(QLabel("Shows"))
        row.addWidget(self.duration_combo)
        row.addSpacing(8)

    @staticmethod
    def _button(text: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def choose(self, tool: Kind | None) -> None:
        self.tool_buttons[tool].setChecked(True)

    @Slot()
    def refresh(self) -> None:
        editor = self.editor
        self.delete_button.setEnabled(editor.selected is not None)
        self.undo_button.setEnabled(editor.history.can_undo)
        self.redo_button.setEnabled(editor.history.can_redo)
        selected = editor.history.get(editor.selected) if editor.selected else None
        if selected is not None:
            # The controls show the selected drawing's style, without restyling it.
            for widget, value in (
                (self.colour_combo, self.colour_combo.findData(selected.colour)),
                (self.thickness_spin, selected.thickness),
                (self.duration_combo, self.duration_combo.findData(selected.duration_s)),
            ):
                widget.blockSignals(True)
                if isinstance(widget, QSpinBox):
                    widget.setValue(int(value))
                elif isinstance(widget, QComboBox) and int(value) >= 0:
                    widget.setCurrentIndex(int(value))
                widget.blockSignals(False)

    @Slot(bool)
    def _on_tool_button_toggled(self, on: bool) -> None:
        if not on:
            return
        for tool, button in self.tool_buttons.items():
            if button.isChecked():
                self.editor.set_tool(tool)

    @Slot(int)
    def _on_colour_combo_index_changed(self, index: int) -> None:
        self.editor.set_colour(str(self.colour_combo.itemData(index)))

    @Slot(int)
    def _on_thickness_spin_value_changed(self, value: int) -> None:
        self.editor.set_thickness(value)

    @Slot(int)
    def _on_duration_combo_index_changed(self, index: int) -> None:
        data = self.duration_combo.itemData(index)
        self.editor.set_duration(None if data is None else float(data))
