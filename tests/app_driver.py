"""The real app (`gbf-desktop ARGS`) in a process of its own, saying when each window shows.

Run as `python -m tests.app_driver ARGS` with the app's own arguments. It runs `cli.main(ARGS)`
unchanged and prints one line on stdout, flushed, each time a top-level window first shows:

    shown CLASS loaded=NAME,NAME       the window's class, and which of HEAVY were imported then

then `exit CODE loaded=...` when the app returns. A test waits on those lines (`wait_for_line`)
instead of polling the process: the sign-in dialog showing means the database was opened and
checked; the main window showing, what the start had imported to get there.
"""

from __future__ import annotations

import selectors
import subprocess
import sys
import time

# The modules a start must not need (tests/integration/test_startup_imports.py): video decoding
# and encoding, and Alembic, each loaded only when a clip job or a migration runs.
HEAVY = ("cv2", "numpy", "av", "alembic")


def loaded() -> str:
    return ",".join(name for name in HEAVY if name in sys.modules)


def wait_for_line(process: subprocess.Popen[str], prefix: str, seconds: float) -> str:
    """The first stdout line starting with `prefix`; fails if the process ends or time runs out.

    Lines before it are skipped. The process must have been started with text pipes.
    """
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line {prefix!r} from the app within {seconds:g} s")
            if not selector.select(timeout=left):
                continue
            # The driver prints whole lines and flushes each, so a readable pipe has one.
            line = process.stdout.readline()
            if not line:
                _out, err = process.communicate()
                raise AssertionError(
                    f"the app exited with {process.returncode} before {prefix!r}: "
                    f"{(err or '')[-2000:]}"
                )
            if line.startswith(prefix):
                return line.rstrip("\n")


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
