"""Garbage cycles are collected on the GUI thread, from the event loop, never in a worker."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gbf_desktop.ui.kit.collector import MainThreadCollector, collect_on_gui_thread


class _Cycle:
    """A cycle holding a Qt object, as a page and its closures make."""

    freed_in: list[str] = []  # noqa: RUF012 (the test reads what the finaliser saw)

    def __init__(self) -> None:
        self.me = self
        self.obj = QObject()

    def __del__(self) -> None:
        _Cycle.freed_in.append(threading.current_thread().name)


def test_a_cycle_made_and_dropped_is_freed_on_the_gui_thread(
    qtbot: QtBot, qapp: QApplication
) -> None:
    before = gc.isenabled()
    collector = MainThreadCollector(interval_ms=10)
    collector.install()
    try:
        assert not gc.isenabled()
        _Cycle.freed_in.clear()
        _Cycle()
        # Allocations from a worker would have triggered a collection there; now they cannot.
        worker = threading.Thread(target=lambda: [object() for _ in range(50_000)], name="worker")
        worker.start()
        worker.join()
        # Enough live allocations to pass generation 0's threshold, as a busy page makes.
        alive = [[] for _ in range(5000)]
        qtbot.waitUntil(lambda: bool(_Cycle.freed_in), timeout=5000)
        assert len(alive) == 5000
        assert _Cycle.freed_in == [threading.main_thread().name]
    finally:
        collector.uninstall()
    # Back to what it was (the GUI tests' own collector keeps it off during a test).
    assert gc.isenabled() is before


def test_the_application_has_one_collector(qapp: QApplication) -> None:
    first = collect_on_gui_thread(qapp)
    assert collect_on_gui_thread(qapp) is first
    assert first.active
    first.uninstall()
    first.deleteLater()
