"""Compare, overlaid: one clip over the other (onion skin), each with its coach's drawings.

`OnionView` paints the left clip's frame, then the right clip's frame over it at the chosen
opacity, both fitted to the same rectangle, and each clip's drawings over its own picture. The two
players keep running as in the side-by-side compare (their views receive frames while hidden), so
play, pause, steps and the offset work the same. "Align on this frame" in each pane picks the
frame that should coincide (the bar leaving the floor in both, say): the compare's offset becomes
the right clip's chosen time minus the left clip's.

`DrawingsOverlay` shows a clip's stored drawings, read-only, on a pane's picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from gbf_desktop.domain.drawings import Drawing
from gbf_desktop.ui.clips.drawing_paint import paint_drawings

if TYPE_CHECKING:
    # Types only: the compare module builds on this one and on the player.
    from gbf_desktop.ui.clips.player import FrameView

_BACKDROP = QColor("#101418")


def alignment_offset_ms(left_align_ms: int, right_align_ms: int) -> int:
    """The compare's offset (right = left + offset) that makes the two chosen frames meet."""
    return right_align_ms - left_align_ms


class DrawingsOverlay:
    """A clip's drawings, painted over a view's picture at the view's time."""

    def __init__(self, view: FrameView) -> None:
        self.view = view
        self.drawings: tuple[Drawing, ...] = ()
        view.add_overlay(self.paint)

    def set_drawings(self, drawings: tuple[Drawing, ...]) -> None:
        self.drawings = drawings
        self.view.update()

    def paint(self, painter: QPainter, target: QRectF) -> None:
        paint_drawings(painter, self.drawings, target, self.view.image.size(), self.view.time_s)


class OnionView(QWidget):
    """The right clip over the left one at `opacity` (0-1); see the module's doc."""

    def __init__(
        self,
        left: FrameView,
        right: FrameView,
        left_drawings: DrawingsOverlay,
        right_drawings: DrawingsOverlay,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("onionView")
        self.left = left
        self.right = right
        self._left_drawings = left_drawings
        self._right_drawings = right_drawings
        self.opacity = 0.5
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        left.frame_received.connect(self._on_view_frame_received)
        right.frame_received.connect(self._on_view_frame_received)

    def set_opacity(self, opacity: float) -> None:
        self.opacity = min(1.0, max(0.0, opacity))
        self.update()

    @Slot()
    def _on_view_frame_received(self) -> None:
        if self.isVisible():
            self.update()

    def picture_rect(self) -> QRectF:
        base = self.left.image if not self.left.image.isNull() else self.right.image
        if base.isNull():
            return QRectF()
        scaled = base.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - scaled.width()) / 2
        y = (self.height() - scaled.height()) / 2
        return QRectF(x, y, scaled.width(), scaled.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKDROP)
        target = self.picture_rect()
        if target.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        left, right = self.left.image, self.right.image
        if not left.isNull():
            painter.drawImage(target, left)
            paint_drawings(
                painter, self._left_drawings.drawings, target, left.size(), self.left.time_s
            )
        if not right.isNull():
            # The right clip fitted into the same rectangle, so the two bodies overlap.
            fit = right.size().scaled(target.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
            over = QRectF(
                target.x() + (target.width() - fit.width()) / 2,
                target.y() + (target.height() - fit.height()) / 2,
                fit.width(),
                fit.height(),
            )
            painter.setOpacity(self.opacity)
            painter.drawImage(over, right)
            paint_drawings(
                painter, self._right_drawings.drawings, over, right.size(), self.right.time_s
            )
            painter.setOpacity(1.0)
