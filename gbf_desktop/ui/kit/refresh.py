"""Live refresh: shared data read again in the background every 30 s and on demand (F5), applied
without disturbing what the coach is doing.

Students log sessions and upload clips on the web while the coach has a page open, so the pages
that show shared data poll. Two pieces make polling safe for someone typing:

- `LiveRefresh` runs the page's loader on the task runner's read pool (the window never waits on
  the database), at most one load at a time, and only while its page is on screen. A load asked
  for while one runs is remembered and run once the first ends, so F5 is never lost. A result
  that arrives after the page changed what it shows (another student) is dropped.
- `ui.kit.table.KeyedTableModel` applies the new rows in place, matched by key, so the
  selection, the scroll position and any editor bound to the selected row survive a refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gbf_desktop.errors import KnownError
from gbf_desktop.ui.kit.tasks import BUG_MESSAGE
from gbf_desktop.workers.tasks import Task, TaskRunner

# The pace the issue asks for: fresh enough to see a student's upload while they are still at
# the gym, rare enough that a dozen open desktops do not load a shared server.
REFRESH_INTERVAL_MS = 30_000

Loader = Callable[[], object]


class LiveRefresh(QObject):
    """Runs a page's loader in the background on a timer and on demand; see the module doc.

    Signals, all in the GUI thread: `started()` when a load begins, `loaded(result)` with the
    loader's value, `failed(message)` with a message for the coach, `finished()` after either.
    """

    started = Signal()
    loaded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        *,
        is_shown: Callable[[], bool] = lambda: True,
        interval_ms: int = REFRESH_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._is_shown = is_shown
        self._loader: Loader | None = None
        # Bumped whenever the loader changes: a result of an older generation is stale.
        self._generation = 0
        self._task: Task | None = None
        self._task_generation = -1
        self._pending = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def set_loader(self, loader: Loader | None) -> None:
        """What to load from now on (None: nothing); a load under way for the old one is dropped."""
        self._loader = loader
        self._generation += 1

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def refresh_now(self) -> None:
        """Load now; if a load is under way, load again as soon as it ends."""
        if self._loader is None:
            return
        if self._task is not None:
            self._pending = True
            return
        self._pending = False
        task = self._runner.read(self._loader)
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        self._task = task
        self._task_generation = self._generation
        self.started.emit()

    def _current(self) -> bool:
        return self._task_generation == self._generation

    @Slot()
    def _on_timer_timeout(self) -> None:
        # A hidden page is refreshed when it is shown again (its page calls refresh_now), so the
        # timer only polls for what the coach can see.
        if self._is_shown():
            self.refresh_now()

    @Slot(object)
    def _on_task_succeeded(self, result: object) -> None:
        if self._current():
            self.loaded.emit(result)

    @Slot(object)
    def _on_task_failed(self, error: KnownError) -> None:
        if self._current():
            self.failed.emit(str(error))

    @Slot(object)
    def _on_task_crashed(self, _error: BaseException) -> None:
        # The task runner has already reported the bug to the crash handler.
        if self._current():
            self.failed.emit(BUG_MESSAGE)

    @Slot()
    def _on_task_finished(self) -> None:
        stale = not self._current()
        self._task = None
        self.finished.emit()
        if self._pending or (stale and self._loader is not None):
            self.refresh_now()
