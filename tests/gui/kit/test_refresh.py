"""Live refresh: rows updated in place by id (a held index, hence the selection, survives), and
loads that never overlap, never arrive stale and only poll what is shown. The typing test is in
test_refresh_typing.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from gbf_desktop.ui.kit.refresh import LiveRefresh
from gbf_desktop.ui.kit.table import KeyedTableModel
from gbf_desktop.workers.tasks import TaskRunner

pytestmark = [pytest.mark.gui]

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Item:
    id: str
    text: str


class ItemsModel(KeyedTableModel[Item]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda item: item.id, parent)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self.row_at(index.row()).text
        return None


def _texts(model: ItemsModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_rows_are_updated_in_place_and_a_held_index_follows_its_row(qtbot: QtBot) -> None:
    model = ItemsModel()
    model.set_rows([Item("a", "A"), Item("b", "B"), Item("c", "C")])
    held = QPersistentModelIndex(model.index(1, 0))  # "b", as a selection holds it
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))

    # New first, one gone, one moved, one changed: all at once.
    model.set_rows([Item("n", "New"), Item("c", "C"), Item("b", "B2")])
    assert _texts(model) == ["New", "C", "B2"]
    assert held.isValid()
    assert held.row() == 2
    assert held.data() == "B2"
    assert changed == [2]
    assert resets == []

    model.set_rows([Item("n", "New"), Item("c", "C"), Item("b", "B2")])
    assert changed == [2]  # nothing changed, nothing repainted


def test_loads_never_overlap_and_a_stale_result_is_dropped(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    live = LiveRefresh(runner)
    results: list[object] = []
    live.loaded.connect(results.append)
    calls: list[str] = []

    def load(name: str) -> str:
        calls.append(name)
        return name

    live.set_loader(lambda: load("first"))
    live.refresh_now()
    live.refresh_now()  # while the first runs: remembered, run once after it
    assert live.busy
    with qtbot.waitSignals([live.loaded, live.loaded], timeout=5_000):
        pass
    assert results == ["first", "first"]

    live.set_loader(lambda: load("old student"))
    live.refresh_now()
    live.set_loader(lambda: load("new student"))  # the coach moved on before it returned
    qtbot.waitUntil(lambda: not live.busy and "new student" in results, timeout=5_000)
    assert "old student" not in results


def test_the_timer_polls_only_while_the_page_is_shown(qtbot: QtBot, runner: TaskRunner) -> None:
    shown = [False]
    live = LiveRefresh(runner, is_shown=lambda: shown[0], interval_ms=20)
    live.set_loader(lambda: "rows")
    started: list[bool] = []
    live.started.connect(lambda: started.append(True))
    live.start()
    with qtbot.waitSignal(live.timer.timeout, timeout=2_000):
        pass
    assert started == []
    shown[0] = True
    with qtbot.waitSignal(live.loaded, timeout=2_000):
        pass
    live.stop()
