"""The real app (`gbf-desktop ARGS`) in a process of its own, saying when each window shows.

Run as `python -m tests.app_driver ARGS` with the app's own arguments. It runs `cli.main(ARGS)`
unchanged and prints one line on stdout, flushed, each time a top-level window first shows:

    shown CLASS loaded=NAME,NAME       the window's class, and which of HEAVY were imported then

then `exit CODE loaded=...` when the app returns. A test waits on those lines (`AppLines`)
instead of polling the process: the sign-in dialog showing means the database was opened and
checked; the main window showing, what the start had imported to get there.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from typing import IO

# The modules a start must not need (tests/integration/test_startup_imports.py): video decoding
# and encoding, and Alembic, each loaded only when a clip job or a migration runs.
HEAVY = ("cv2", "numpy", "av", "alembic")


def loaded() -> str:
    return ",".join(name for name in HEAVY if name in sys.modules)


class AppLines:
    """The stdout lines of the driver's process (started with text pipes), read on a thread.

    `wait_for(prefix, seconds)` blocks on the next lines until one starts with `prefix`: a wait on
    the process's own output, never a poll of its state.
    """

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._process = process
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)  # the process closed its output: it is ending

    def wait_for(self, prefix: str, seconds: float) -> str:
        """The first line from now on starting with `prefix` (the ones before it are skipped)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line {prefix!r} from the app in {seconds:g} s") from None
            if line is None:
                self._lines.put(None)  # every later wait sees the end too
                self._process.wait(timeout=60)
                err = self._process.stderr.read() if self._process.stderr else ""
                raise AssertionError(
                    f"the app exited with {self._process.returncode} before {prefix!r}: "
                    f"{err[-2000:]}"
                )
            if line.startswith(prefix):
                return line


def main() -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    from gbf_desktop import cli

    class WindowsShown(QObject):
        def __init__(self) -> None:
            super().__init__()
            self._seen: set[int] = set()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Show
                and isinstance(watched, QWidget)
                and watched.isWindow()
                and id(watched) not in self._seen
            ):
                self._seen.add(id(watched))
                print(f"shown {type(watched).__name__} loaded={loaded()}", flush=True)
            return False

    # The app takes this QApplication over (`application()` reuses an existing one).
    app = QApplication(sys.argv[:1])
    shown = WindowsShown()
    app.installEventFilter(shown)
    code = cli.main(sys.argv[1:])
    print(f"exit {code} loaded={loaded()}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
