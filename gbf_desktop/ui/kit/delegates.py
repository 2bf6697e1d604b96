"""The item roles and delegates the tables share: two-line cells, bars and wrapped text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

AnyIndex = QModelIndex | QPersistentModelIndex

# What the proxy sorts by: a number or a string per column, so mixed rows compare sensibly.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# (done, total) for the progress delegate.
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2
# The smaller second line of a cell: the email under the name, block and week under the program,
# the date under the session. Two lines per cell keep the table readable at 1100 px wide.
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3
# Pages number their own roles from here, so they never answer a kit role by mistake.
FIRST_PAGE_ROLE = Qt.ItemDataRole.UserRole + 10

# Text that matters less: a detail line, "no program", a shared exercise's scope.
MUTED = QColor("#6b7280")
# The sheet's item padding plus the style's text margin: painted cells line up with plain ones.
CELL_PADDING = 11


class TwoLineDelegate(QStyledItemDelegate):
    """The cell's text, with its detail in a smaller, muted line under it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        detail = index.data(DETAIL_ROLE)
        if not detail:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = opt.rect.adjusted(CELL_PADDING, 0, -CELL_PADDING, 0)
        middle = rect.center().y()
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.85)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        main_color = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(foreground if isinstance(foreground, QColor) else main_color)
        top = QRect(rect.left(), rect.top(), rect.width(), middle - rect.top())
        elided = QFontMetrics(opt.font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, elided)
        painter.setFont(small)
        painter.setPen(MUTED)
        bottom = QRect(rect.left(), middle + 2, rect.width(), rect.bottom() - middle - 2)
        elided = QFontMetrics(small).elidedText(
            str(detail), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()


class BarDelegate(QStyledItemDelegate):
    """Paints the cell's text over a slim bar filled to `done / total`, read from `role` as a
    (done, total) pair, in the colour `fill(done, total)` gives; a glance down the column
    compares students. A cell without a pair (or with nothing to count) is a plain cell."""

    _TRACK = QColor("#e4e8ef")

    def __init__(
        self,
        role: int,
        fill: Callable[[int, int], QColor],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._role = role
        self._fill = fill

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        counts = index.data(self._role)
        if not isinstance(counts, tuple) or counts[1] <= 0:
            super().paint(painter, option, index)
            return
        done, total = counts
        share = min(done / total, 1.0)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        # The cell's own background (selection, alternating rows) first, then the bar on top.
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        rect = QRectF(opt.rect).adjusted(CELL_PADDING, 0, -CELL_PADDING - 6, 0)
        bar = QRectF(rect.left(), rect.center().y() + 4, rect.width(), 7)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._TRACK)
        painter.drawRoundedRect(bar, 3.5, 3.5)
        if share > 0:
            filled = QRectF(bar.left(), bar.top(), bar.width() * share, bar.height())
            painter.setBrush(self._fill(done, total))
            painter.drawRoundedRect(filled, 3.5, 3.5)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        text_rect = QRectF(rect.left(), rect.top(), rect.width(), bar.top() - rect.top() - 3)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)
        painter.restore()


class WrappingDelegate(QStyledItemDelegate):
    """The cell's text wrapped onto as many lines as its column's width needs, never elided.

    For a column whose text a coach must read whole (a session title) in a table whose other
    columns stay on one line: the view keeps `wordWrap` off, and its rows size to contents, so
    the row grows to the lines this delegate asks for.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        # A view without word wrap asks for a row's height without the column's width: given
        # that width, the style counts the lines the text wraps to.
        view = option.widget
        if isinstance(view, QTableView):
            option = QStyleOptionViewItem(option)
            option.rect = QRect(0, 0, view.columnWidth(index.column()), 1)
        return super().sizeHint(option, index)
