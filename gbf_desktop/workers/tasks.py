"""Background work on QThreadPool, with results handed back to the GUI thread.

Following Picard and superqt: a task is a plain callable given plain values (never a widget), run on
a pool chosen by purpose. Reads share a pool; writes go through a pool of one thread so that two
writes never race each other. The caller gets a `Task`, a QObject living in the GUI thread whose
signals report the outcome there:

- `progressed(value)` for each value a generator task yields;
- `succeeded(result)` with the return value (a generator's `return` value);
- `failed(error)` with a `KnownError`, whose `str()` is meant for the user as it is;
- `crashed(error)` with any other exception: a bug, logged with its traceback here and also
  announced on `TaskRunner.bug` so one crash handler can report every bug the same way;
- `cancelled()` when `cancel()` stopped the task before it ran or between two yields;
- `finished()` last, whatever happened.

A long loop is written as a generator that yields progress: cancellation is checked between yields,
and the generator is closed (its `finally` blocks run) when cancelled. A plain callable that has
already started cannot be interrupted; it runs to the end and reports as usual.
"""

from __future__ import annotations

import enum
import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from gbf_desktop.errors import KnownError

log = logging.getLogger(__name__)


# Enough parallel reads for a page that loads a few things at once, without flooding a shared
# server with connections (the engine's pool holds five).
DEFAULT_READ_THREADS = 4


class _Kind(enum.Enum):
    SUCCEEDED = enum.auto()
    FAILED = enum.auto()
    CRASHED = enum.auto()
    CANCELLED = enum.auto()


@dataclass(frozen=True)
class _Outcome:
    kind: _Kind
    value: Any = None


class Task(QObject):
    """The GUI thread's handle on one piece of background work."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    crashed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    # Emitted from the worker thread. The explicit queued connections in __init__ make the slots
    # run in this object's thread (the GUI thread) whatever receivers the public signals get.
    _worker_progressed = Signal(object)
    _worker_done = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        # A threading.Event, not a Python bool: the worker reads it from another thread.
        self._cancel_requested = threading.Event()
        self._done = False
        self._worker_progressed.connect(
            self._on_worker_progressed, Qt.ConnectionType.QueuedConnection
        )
        self._worker_done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)

    @property
    def is_done(self) -> bool:
        return self._done

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested.is_set()

    def cancel(self) -> None:
        """Ask the task to stop: before it starts, or at a generator task's next yield."""
        self._cancel_requested.set()

    @Slot(object)
    def _on_worker_progressed(self, value: object) -> None:
        # A progress value queued just before the cancel took effect is no longer wanted.
        if not self._done and not self.cancel_requested:
            self.progressed.emit(value)

    @Slot(object)
    def _on_worker_done(self, outcome: _Outcome) -> None:
        self._done = True
        if outcome.kind is _Kind.SUCCEEDED:
            self.succeeded.emit(outcome.value)
        elif outcome.kind is _Kind.FAILED:
            self.failed.emit(outcome.value)
        elif outcome.kind is _Kind.CRASHED:
            self.crashed.emit(outcome.value)
        else:
            self.cancelled.emit()
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(
        self,
        task: Task,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: Any,
        released: threading.Event,
    ):
        super().__init__()
        self._task: Task | None = task
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._released = released

    def run(self) -> None:
        task = self._task
        assert task is not None
        outcome = self._execute(task)
        task._worker_done.emit(outcome)
        # Let go of the handle here, then say so: the runner keeps its own reference until then,
        # so the last reference to the Task (a QObject of the GUI thread) is never dropped, and
        # the object never deleted, in this worker thread.
        self._task = None
        del task, outcome
        self._released.set()

    def _execute(self, task: Task) -> _Outcome:
        if task.cancel_requested:
            return _Outcome(_Kind.CANCELLED)
        try:
            result = self._fn(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                return self._drive(task, result)
            return _Outcome(_Kind.SUCCEEDED, result)
        except KnownError as err:
            return _Outcome(_Kind.FAILED, err)
        except Exception as err:
            # Logged here, where the traceback is fresh; the GUI decides how to show it.
            log.error("Task %r failed with a bug", task.name, exc_info=err)
            return _Outcome(_Kind.CRASHED, err)

    def _drive(self, task: Task, gen: Any) -> _Outcome:
        while True:
            if task.cancel_requested:
                gen.close()
                return _Outcome(_Kind.CANCELLED)
            try:
                value = next(gen)
            except StopIteration as stop:
                return _Outcome(_Kind.SUCCEEDED, stop.value)
            task._worker_progressed.emit(value)


class TaskRunner(QObject):
    """Runs tasks on a read pool and on a one-thread write pool."""

    # Every bug of every task, in the GUI thread: the application connects its crash handler here.
    bug = Signal(object)

    def __init__(self, read_threads: int = DEFAULT_READ_THREADS, parent: QObject | None = None):
        super().__init__(parent)
        # Own pools rather than QThreadPool.globalInstance(): Qt itself uses the global one, and
        # shutting down must wait only for our work.
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(read_threads)
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        # Handles stay referenced until they report, so Python cannot collect a QObject that a
        # worker thread is about to emit on. The event is set once the worker let go of it.
        self._active: dict[Task, threading.Event] = {}
        # Finished handles, let go of a turn of the event loop later. A Task is a QObject that
        # Python owns: dropped inside its own `finished` (a page clearing `self._task`, the
        # runner's bookkeeping), it would be deleted while Qt is still delivering that very
        # signal's queued event to it, and Qt then reads freed memory (a segfault in a later
        # processEvents). Dropped by a worker thread, it would be deleted off the GUI thread.
        self._retired: list[tuple[Task, threading.Event]] = []
        # A one-off timer per sweep, not a child QTimer wired to this runner: a runner whose
        # last reference goes in Python's cyclic GC must have no connection left to undo then
        # (undoing one there can wait forever on a signal-slot lock Qt already holds).
        self._release_scheduled = False

    def read(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Task:
        """Run `fn(*args, **kwargs)` on the read pool; reads may run side by side."""
        return self._start(self._read_pool, fn, args, kwargs)

    def write(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Task:
        """Run `fn(*args, **kwargs)` on the write pool, after every write submitted before it."""
        return self._start(self._write_pool, fn, args, kwargs)

    @property
    def active_count(self) -> int:
        return len(self._active)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel what can be cancelled and wait for the rest; True when every worker ended."""
        for task in self._active:
            task.cancel()
        read_done = self._read_pool.waitForDone(timeout_ms)
        write_done = self._write_pool.waitForDone(timeout_ms)
        return read_done and write_done

    def _start(
        self, pool: QThreadPool, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
    ) -> Task:
        task = Task(getattr(fn, "__qualname__", repr(fn)))
        task.crashed.connect(self._on_task_crashed)
        task.finished.connect(self._on_task_finished)
        released = threading.Event()
        self._active[task] = released
        pool.start(_Runnable(task, fn, args, kwargs, released))
        return task

    @Slot(object)
    def _on_task_crashed(self, error: object) -> None:
        self.bug.emit(error)

    @Slot()
    def _on_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task) and task in self._active:
            self._retired.append((task, self._active.pop(task)))
            self._schedule_release()

    def _schedule_release(self) -> None:
        if not self._release_scheduled:
            self._release_scheduled = True
            QTimer.singleShot(0, self._on_release_timer_timeout)

    @Slot()
    def _on_release_timer_timeout(self) -> None:
        self._release_scheduled = False
        # Runs from the timer's event, not the task's: a Task whose last reference goes here is
        # deleted safely. One whose worker has not yet let go waits for the next turn.
        self._retired = [
            (task, released) for task, released in self._retired if not released.is_set()
        ]
        if self._retired:
            self._schedule_release()
