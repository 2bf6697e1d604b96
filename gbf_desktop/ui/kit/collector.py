"""Python's cyclic garbage collector, run on the GUI thread only.

A cycle of Python objects that holds Qt objects (a page, its models, a closure connected to a
signal) is freed whenever the collector happens to run, and that is whichever thread allocated
the object that tipped the count: a worker thread, in the middle of a job. Qt objects destroyed
there, or while the GUI thread is inside Qt, crash the process. So automatic collection is turned
off and the same generational thresholds are checked from a timer on the GUI thread, the approach
PyQt's own documentation recommends for threaded apps.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Collects on the GUI thread when Python would have collected on its own."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def install(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def uninstall(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold; -1 when none did."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if threshold and count > threshold:
                generation = level
        if generation >= 0:
            gc.collect(generation)
        return generation

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.collect_due()


def collect_on_gui_thread(app: QObject) -> MainThreadCollector:
    """The application's collector, installed on first call (it lives as the app's child)."""
    existing = app.findChild(MainThreadCollector)
    if existing is not None:
        return existing
    collector = MainThreadCollector(app)
    collector.install()
    return collector
