"""The one table model of the app: frozen rows, columns described by specs, updated in place.

Every table page shows a sequence of frozen rows from a service. `KeyedTableModel` applies a new
list of rows in place, matched by key: rows that vanished are removed, new ones inserted, moved
ones moved and changed ones announced with `dataChanged`. It never resets, so the selection, the
scroll position and any editor bound to the selected row survive a live refresh (see
`ui.kit.refresh`).

`RowTableModel` adds the columns: a page lists `ColumnSpec`s (header, text, the smaller detail
line, sort key, tooltip, any other role) instead of writing its own rowCount / columnCount /
headerData / data. Pages keep their editors (notes, comments) outside the models and only ever
fill them when the coach picks another item, never from a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from gbf_desktop.ui.kit.delegates import DETAIL_ROLE, SORT_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex

R = TypeVar("R")


class KeyedTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table of frozen rows, updated in place by key (see the module doc).

    Subclasses give `columnCount`, `headerData` and `data`, reading rows with `row_at`; most
    pages use `RowTableModel`, which gives them from column specs.
    """

    def __init__(self, key: Callable[[R], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = key
        self._rows: list[R] = []

    @property
    def rows(self) -> tuple[R, ...]:
        return tuple(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def row_of(self, key: str) -> int:
        """The row holding `key`, -1 when none does."""
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Make the model hold `rows`, in that order, by the smallest in-place changes."""
        wanted = list(rows)
        keys = {self._key(r) for r in wanted}
        # Removals first, from the bottom so the indexes still to visit stay valid.
        for index in range(len(self._rows) - 1, -1, -1):
            if self._key(self._rows[index]) not in keys:
                self.beginRemoveRows(QModelIndex(), index, index)
                del self._rows[index]
                self.endRemoveRows()
        for target, row in enumerate(wanted):
            key = self._key(row)
            found = next(
                (i for i in range(target, len(self._rows)) if self._key(self._rows[i]) == key), -1
            )
            if found < 0:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, row)
                self.endInsertRows()
                continue
            if found != target:
                # Qt's move destination is the index before which the row lands, in the old list.
                self.beginMoveRows(QModelIndex(), found, found, QModelIndex(), target)
                self._rows.insert(target, self._rows.pop(found))
                self.endMoveRows()
            if self._rows[target] != row:
                self._rows[target] = row
                self.row_changed(target)

    def row_changed(self, row: int) -> None:
        """Tell the views every cell of `row` reads differently now."""
        last_column = max(self.columnCount() - 1, 0)
        self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))

    def clear(self) -> None:
        self.set_rows(())

    def data(self, index: AnyIndex, role: int = 0) -> Any:  # pragma: no cover - subclasses
        return None


@dataclass(frozen=True)
class ColumnSpec(Generic[R]):
    """What one column shows of a row.

    `text` is the cell; `detail` the smaller second line the `TwoLineDelegate` draws under it;
    `sort_key` what the sort proxy compares (the text, case-folded, by default); `tooltip` the
    hover text (by default text and detail, so a narrow, elided cell is one hover away); `roles`
    any other role the column answers (a colour, an icon, a pair for a delegate).
    """

    header: str
    text: Callable[[R], str]
    detail: Callable[[R], str] | None = None
    sort_key: Callable[[R], object] | None = None
    tooltip: Callable[[R], str | None] | None = None
    header_tip: str | None = None
    roles: Mapping[int, Callable[[R], object]] = field(default_factory=dict)

    def value(self, row: R, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row)
        if role == DETAIL_ROLE:
            return self.detail(row) if self.detail else ""
        if role == SORT_ROLE:
            return self.sort_key(row) if self.sort_key else self.text(row).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.tooltip is not None:
                return self.tooltip(row)
            lines = (self.text(row), self.detail(row) if self.detail else "")
            return "\n".join(line for line in lines if line) or None
        answer = self.roles.get(role)
        return answer(row) if answer is not None else None


class RowTableModel(KeyedTableModel[R]):
    """A keyed table whose columns are `ColumnSpec`s; `row_roles` answer for every column (an id
    or the row itself for the page to read back)."""

    def __init__(
        self,
        key: Callable[[R], str],
        columns: Sequence[ColumnSpec[R]],
        *,
        row_roles: Mapping[int, Callable[[R], object]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(key, parent)
        self.columns = tuple(columns)
        self._row_roles = dict(row_roles or {})

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].header_tip
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        answer = self._row_roles.get(role)
        if answer is not None:
            return answer(row)
        return self.columns[index.column()].value(row, role)
