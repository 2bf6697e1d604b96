"""Painting a coach's drawings with QPainter, the same way on screen, in a still and burned in.

The drawings are in the clip's picture pixels; callers give the rectangle the picture occupies
(on screen: scaled to the window; in an export: the picture itself), so one function paints the
player, the compare, the exported PNG and every frame of the burned-in clip, and what the coach
sees is what the student gets. Works on a QImage in a worker thread too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from gbf_desktop.domain import drawings as dr
from gbf_desktop.domain.drawings import Drawing, Kind

_HANDLE_PX = 7.0  # selection handles, in screen pixels whatever the zoom
_LABEL_BACK = QColor(0, 0, 0, 150)


def _pen(drawing: Drawing, *, width: float | None = None) -> QPen:
    pen = QPen(QColor(drawing.colour))
    pen.setWidthF(width if width is not None else float(drawing.thickness))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _label(painter: QPainter, anchor: QPointF, text: str, drawing: Drawing, size: float) -> None:
    """Text over a dark backing, readable on any picture."""
    font = QFont()
    font.setPixelSize(max(6, round(size)))
    font.setBold(True)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    box = QRectF(metrics.boundingRect(text)).adjusted(-4, -2, 4, 2)
    box.moveTopLeft(anchor)
    painter.fillRect(box, _LABEL_BACK)
    painter.setPen(QColor(drawing.colour))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _arrow_head(painter: QPainter, a: QPointF, b: QPointF, drawing: Drawing) -> None:
    angle = math.atan2(b.y() - a.y(), b.x() - a.x())
    length = 8.0 + 4.0 * drawing.thickness
    points = [b]
    for side in (-1, 1):
        theta = angle + math.pi - side * math.radians(25)
        points.append(QPointF(b.x() + length * math.cos(theta), b.y() + length * math.sin(theta)))
    painter.setBrush(QBrush(QColor(drawing.colour)))
    painter.drawPolygon(QPolygonF(points))
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _angle(painter: QPainter, drawing: Drawing) -> None:
    a, b, c = (QPointF(x, y) for x, y in drawing.points)
    painter.drawLine(b, a)
    painter.drawLine(b, c)
    arms = min(math.dist(drawing.points[0], drawing.points[1]), math.dist(*drawing.points[1:]))
    radius = max(8.0, min(40.0, arms * 0.35))
    start = math.degrees(math.atan2(-(a.y() - b.y()), a.x() - b.x()))
    end = math.degrees(math.atan2(-(c.y() - b.y()), c.x() - b.x()))
    span = (end - start + 540) % 360 - 180  # the short way round, as the angle is measured
    arc = QRectF(b.x() - radius, b.y() - radius, 2 * radius, 2 * radius)
    painter.drawArc(arc, round(start * 16), round(span * 16))
    degrees = drawing.angle_degrees or 0.0
    # The label sits outside the arc, on the bisector, so it never covers the joint.
    mid = math.radians(start + span / 2)
    anchor = QPointF(
        b.x() + (radius + 6) * math.cos(mid) - 4, b.y() - (radius + 6) * math.sin(mid) - 10
    )
    _label(painter, anchor, dr.angle_label(degrees), drawing, 14 + drawing.thickness * 2)


def paint_one(painter: QPainter, drawing: Drawing, picture: QSize) -> None:
    pts = [QPointF(x, y) for x, y in drawing.points]
    painter.setPen(_pen(drawing))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    kind = drawing.kind
    if kind is Kind.LINE:
        painter.drawLine(pts[0], pts[1])
    elif kind is Kind.ARROW:
        painter.drawLine(pts[0], pts[1])
        _arrow_head(painter, pts[0], pts[1], drawing)
    elif kind is Kind.CIRCLE:
        r = math.dist(drawing.points[0], drawing.points[1])
        painter.drawEllipse(pts[0], r, r)
    elif kind is Kind.ANGLE:
        _angle(painter, drawing)
    elif kind is Kind.FREEHAND:
        path = QPainterPath(pts[0])
        for p in pts[1:]:
            path.lineTo(p)
        painter.drawPath(path)
    elif kind is Kind.TEXT:
        _label(painter, pts[0], drawing.text, drawing, drawing.shown_size)
    elif kind is Kind.PLUMB:
        x = pts[0].x()
        painter.drawLine(QPointF(x, 0), QPointF(x, picture.height()))
        painter.drawEllipse(pts[0], 3 + drawing.thickness, 3 + drawing.thickness)
    else:
        _grid(painter, drawing, picture)


def _grid(painter: QPainter, drawing: Drawing, picture: QSize) -> None:
    size = drawing.shown_size
    ox, oy = drawing.points[0]
    painter.setPen(_pen(drawing, width=max(1.0, drawing.thickness / 2)))
    x = ox % size
    while x <= picture.width():
        painter.drawLine(QPointF(x, 0), QPointF(x, picture.height()))
        x += size
    y = oy % size
    while y <= picture.height():
        painter.drawLine(QPointF(0, y), QPointF(picture.width(), y))
        y += size


def paint_drawings(
    painter: QPainter,
    drawings: Sequence[Drawing],
    target: QRectF,
    picture: QSize,
    t_s: float | None,
    *,
    selected: str | None = None,
) -> None:
    """Paint the drawings shown at `t_s` (all when None) over the picture drawn in `target`."""
    if picture.isEmpty() or target.isEmpty():
        return
    scale = target.width() / picture.width()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(target.topLeft())
    painter.scale(scale, scale)
    painter.setClipRect(QRectF(0, 0, picture.width(), picture.height()))
    for drawing in drawings:
        if t_s is None or drawing.visible_at(t_s):
            paint_one(painter, drawing, picture)
            if drawing.id == selected:
                _handles(painter, drawing, scale)
    painter.restore()


def _handles(painter: QPainter, drawing: Drawing, scale: float) -> None:
    half = _HANDLE_PX / scale / 2
    painter.setPen(QPen(QColor("#1f2933"), 1.0 / scale))
    painter.setBrush(QBrush(QColor("#ffffff")))
    for x, y in drawing.points[:1] if drawing.kind is Kind.FREEHAND else drawing.points:
        painter.drawRect(QRectF(x - half, y - half, 2 * half, 2 * half))
    painter.setBrush(Qt.BrushStyle.NoBrush)


def still_with_drawings(image: QImage, drawings: Sequence[Drawing], t_s: float | None) -> QImage:
    """A copy of the frame at its own size with the drawings shown at `t_s` painted on."""
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(out)
    paint_drawings(painter, drawings, QRectF(out.rect()), out.size(), t_s)
    painter.end()
    return out


def frame_painter(drawings: Sequence[Drawing]) -> Callable[[QImage, float], None]:
    """What burning drawings in paints on each frame (`workers.review_jobs.burn_in_job`): the
    drawings shown at the frame's time, over the whole picture. Runs on the job's thread, over a
    snapshot of the drawings (frozen values), never the editor's live list."""
    shown = tuple(drawings)

    def paint(canvas: QImage, t_s: float) -> None:
        size = canvas.size()
        painter = QPainter(canvas)
        try:
            paint_drawings(painter, shown, QRectF(0, 0, size.width(), size.height()), size, t_s)
        finally:
            painter.end()

    return paint
