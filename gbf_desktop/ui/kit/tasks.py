"""One way for a page to follow a background task: what to do with its value, with the message
for the coach when it fails, and when it ends.

A known failure (`KnownError`) reaches the page as its own message; a bug (any other exception)
as `BUG_MESSAGE`, the one sentence every page shows, while the task runner has already handed
the bug to the crash handler and its log. The callbacks run in the GUI thread, through a small
QObject owned by the page: when the page goes, the wiring goes with it, so a task finishing after
its page closed calls nothing.

The callbacks are usually the page's own bound methods, so the wiring may hold the last Python
reference to its page (a dialog closed while its load ran, a test's page once the test returned).
That reference must never be dropped while the wiring itself is being destroyed: the page would
then be deleted from inside its child's destructor, delete that half-destroyed child a second time
and crash the process. A finished wiring therefore parks its callbacks and lets go of them from a
zero-delay timer, a point where nothing of the page is being torn down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QTimer, Slot

from gbf_desktop.errors import KnownError
from gbf_desktop.workers.tasks import Task

BUG_MESSAGE = "A bug in the app stopped this. The details are in the log file; please try again."

Done = Callable[[Any], None]
Failed = Callable[[str], None]
OnError = Callable[[KnownError], None]


class _Wiring(QObject):
    # Callbacks of finished wirings, waiting for the timer that lets go of them (GUI thread only).
    _parked: ClassVar[list[tuple[object, ...]]] = []

    def __init__(
        self, owner: QObject, done: Done | None, failed: Failed | None, on_error: OnError | None
    ) -> None:
        super().__init__(owner)
        self._done = done
        self._failed = failed
        self._on_error = on_error

    @Slot(object)
    def _on_task_succeeded(self, value: object) -> None:
        if self._done is not None:
            self._done(value)

    @Slot(object)
    def _on_task_failed(self, error: KnownError) -> None:
        if self._on_error is not None:
            self._on_error(error)
        elif self._failed is not None:
            self._failed(str(error))

    @Slot(object)
    def _on_task_crashed(self, _error: BaseException) -> None:
        if self._failed is not None:
            self._failed(BUG_MESSAGE)

    @Slot()
    def _on_task_finished(self) -> None:
        # Not dropped here either: this slot runs inside the task's signal, on this very object.
        if not _Wiring._parked:
            QTimer.singleShot(0, _release_parked)
        _Wiring._parked.append((self._done, self._failed, self._on_error))
        self._done = self._failed = self._on_error = None
        self.deleteLater()


def _release_parked() -> None:
    # Whatever page loses its last reference here is deleted from a timer's call, whole. A fresh
    # list first, so that a wiring finishing meanwhile schedules its own release.
    parked, _Wiring._parked = _Wiring._parked, []
    del parked


def follow(
    task: Task,
    owner: QObject,
    *,
    done: Done | None = None,
    failed: Failed | None = None,
    finished: Callable[[], None] | None = None,
    on_error: OnError | None = None,
) -> Task:
    """Call `done(value)` when `task` succeeds, `failed(message)` when it fails or crashes, then
    `finished()` either way; all of it only while `owner` lives. Returns `task`.

    `on_error(error)`, when given, takes a known failure instead of `failed`, for a page that
    acts on the kind of error (a save that needs a confirmation); a bug still goes to `failed`.
    """
    wiring = _Wiring(owner, done, failed, on_error)
    task.succeeded.connect(wiring._on_task_succeeded)
    task.failed.connect(wiring._on_task_failed)
    task.crashed.connect(wiring._on_task_crashed)
    if finished is not None:
        # Connected straight to the owner's slot, so the slot may still ask `sender()`.
        task.finished.connect(finished)
    task.finished.connect(wiring._on_task_finished)
    return task
