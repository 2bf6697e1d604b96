"""The look every row table shares: whole rows selected, read-only, no grid, one line per cell
(the delegates draw a second), headers left-aligned, one column taking the width left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

# A page's column enum (an IntEnum) or a plain index.
Col = TypeVar("Col", bound=int)


def row_table(
    model: QAbstractItemModel,
    *,
    name: str,
    row_height: int,
    stretch: int,
    widths: Mapping[Col, int] | None = None,
    multiple: bool = False,
) -> QTableView:
    """A table of `model`'s rows; `stretch` is the column that takes the width left, `widths`
    the starting widths of others (the coach may drag them), `multiple` allows a selection of
    several rows (Ctrl/Shift)."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multiple
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column, width in (widths or {}).items():
        table.setColumnWidth(column, width)
    return table
