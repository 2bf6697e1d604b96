"""`gbf-desktop self-check --pages`: the real window opens each area in turn and says how it went.

It is the smoke test of an installed package or bundle: a page whose module the bundle lacks, or
which fails on the demo data, shows here as a failed line instead of at a coach's first click. Each
area is shown, its background loads are waited for, and a screenshot is kept beside the log. Last,
Help > About opens as a coach would open it: its version, database and data folder, and the
licence notices the bundle carries, with a screenshot of each tab.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from gbf_desktop import __version__
from gbf_desktop.ui.app.about import AboutDialog
from gbf_desktop.ui.app.crash import CrashHandler
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.workers.tasks import TaskRunner

POLL_MS = 100
# Long enough for the demo clips (the start-up job) on a slow machine; a hang still ends.
FIRST_IDLE_TIMEOUT_S = 240.0
PAGE_IDLE_TIMEOUT_S = 60.0
# Shortest time on a page, so loads a page starts on its first paint have begun.
SETTLE_S = 0.3


@dataclass(frozen=True)
class PageVisit:
    area: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.passed else 'FAIL'}  page {self.area}: {self.detail}"


class PageTour(QObject):
    """Visits every area of `window`; `finished(list[PageVisit])` at the end."""

    finished = Signal(list)

    def __init__(
        self,
        window: MainWindow,
        runner: TaskRunner,
        crash: CrashHandler,
        screenshots: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._runner = runner
        self._crash = crash
        self._screenshots = screenshots
        self._bugs: list[str] = []
        self._visits: list[PageVisit] = []
        self._areas = list(Area)
        self._current: Area | None = None
        self._about: AboutDialog | None = None
        self._since = time.monotonic()
        self._bugs_before = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        runner.bug.connect(self._on_runner_bug)

    @property
    def visits(self) -> list[PageVisit]:
        return list(self._visits)

    def start(self) -> None:
        self._screenshots.mkdir(parents=True, exist_ok=True)
        self._since = time.monotonic()
        self._timer.start()

    @Slot(object)
    def _on_runner_bug(self, error: object) -> None:
        self._bugs.append(repr(error))

    def _idle(self) -> bool:
        return self._runner.active_count == 0 and self._crash.dialog is None

    @Slot()
    def _on_timer_timeout(self) -> None:
        waited = time.monotonic() - self._since
        timeout = FIRST_IDLE_TIMEOUT_S if self._current is None else PAGE_IDLE_TIMEOUT_S
        if self._crash.dialog is not None:
            self._record(passed=False, detail="the crash dialog opened")
        elif waited < SETTLE_S or not (self._idle() or waited > timeout):
            return
        elif self._about is not None and self._about.tabs.currentIndex() == 0:
            # Its first tab, then the licences at the next tick: the tab bar lays itself out
            # again for the newly selected (bold) tab only once events have run.
            self._about.grab().save(str(self._screenshots / "about.png"))
            self._about.tabs.setCurrentIndex(AboutDialog.LICENCES_TAB)
            return
        elif self._about is not None:
            self._record_about()
        elif self._current is not None:
            self._record_current(waited, timed_out=waited > timeout)
        self._next()

    def _record_current(self, waited: float, *, timed_out: bool) -> None:
        assert self._current is not None
        page = self._window.pages.widget(self._current)
        new_bugs = self._bugs[self._bugs_before :]
        shot = self._screenshots / f"page-{self._current.name.lower()}.png"
        saved = self._window.grab().save(str(shot))
        if new_bugs:
            self._record(passed=False, detail=f"a bug in the app: {new_bugs[0]}")
        elif timed_out:
            self._record(passed=False, detail=f"still loading after {waited:.0f} s")
        elif page is None or not page.isVisible() or page.width() < 200:
            self._record(passed=False, detail="the page is not shown")
        else:
            size = f"{page.width()}x{page.height()}"
            where = f", screenshot {shot}" if saved else ""
            self._record(passed=True, detail=f"shown at {size} after {waited:.1f} s{where}")

    def _record_about(self) -> None:
        assert self._about is not None
        about, self._about = self._about, None
        shot = self._screenshots / "about.png"
        saved = about.grab().save(str(self._screenshots / "about-licences.png")) and shot.exists()
        notices = about.notice_list.count()
        version = about.version_label.text()
        folder = about.data_dir_label.text()
        about.close()
        if version != f"Version {__version__}":
            self._record(passed=False, detail=f"About shows {version!r}", name="About")
        elif notices == 0:
            self._record(
                passed=False,
                detail="About lists no licence notice (none were bundled)",
                name="About",
            )
        elif folder == "—":
            self._record(passed=False, detail="About shows no data folder", name="About")
        else:
            where = f", screenshots {shot} and about-licences.png" if saved else ""
            self._record(
                passed=True,
                detail=f"{version}, data folder {folder}, {notices} licence notices{where}",
                name="About",
            )

    def _record(self, *, passed: bool, detail: str, name: str | None = None) -> None:
        if name is None:
            name = self._current.title if self._current is not None else "start"
        self._visits.append(PageVisit(name, passed, detail))
        if self._crash.dialog is not None:
            self._crash.dialog.close()

    def _next(self) -> None:
        if not self._areas and self._current is not None:
            # After the pages, About, from the Help menu (recorded at the next tick, painted).
            self._current = None
            self._since = time.monotonic()
            self._about = self._window.open_about()
            return
        if not self._areas:
            self._timer.stop()
            self.finished.emit(self.visits)
            return
        self._current = self._areas.pop(0)
        self._bugs_before = len(self._bugs)
        self._since = time.monotonic()
        self._window.show_area(self._current)
