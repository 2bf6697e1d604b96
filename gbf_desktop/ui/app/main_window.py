"""The main window: the app's areas on the left, the chosen one on the right, and a status bar
saying which database is in use and who is signed in."""

from __future__ import annotations

import enum
from collections.abc import Callable, Generator

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from gbf_desktop.errors import KnownError
from gbf_desktop.licences import installed_notices
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.settings import APP_NAME
from gbf_desktop.ui.app.about import AboutDialog, AboutFacts
from gbf_desktop.ui.clips.clips_page import (
    ClipsPage,
    DialogOpener,
    importer_opener,
    recorder_opener,
)
from gbf_desktop.ui.dashboard.dashboard import DashboardPage
from gbf_desktop.ui.kit.resources import icon
from gbf_desktop.ui.library.library_page import LibraryPage
from gbf_desktop.ui.programs.program_builder import ProgramBuilderPage
from gbf_desktop.ui.students.students_page import StudentsPage, StudentsTab
from gbf_desktop.workers.tasks import Task, TaskRunner

MINIMUM_SIZE = QSize(1100, 700)


class Area(enum.IntEnum):
    DASHBOARD = 0
    EXERCISES = enum.auto()
    PROGRAMS = enum.auto()
    STUDENTS = enum.auto()
    CLIPS = enum.auto()

    @property
    def title(self) -> str:
        return self.name.capitalize()


class MainWindow(QMainWindow):
    """Signals: `ready()` once, when the dashboard's first load has ended."""

    ready = Signal()

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        user: SignedInUser,
        parent: QWidget | None = None,
        *,
        camera_spec: str = "auto",
        ffmpeg_path: str | None = None,
        open_recorder: DialogOpener | None = None,
        open_importer: DialogOpener | None = None,
        about: AboutFacts | None = None,
    ) -> None:
        super().__init__(parent)
        self._about = about or AboutFacts(backend.database_label, None, None)
        self._ffmpeg_path = ffmpeg_path
        self._runner = runner
        self._jobs: list[Task] = []
        self._ready_sent = False
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(MINIMUM_SIZE)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(22, 22))
        self.navigation.setFixedWidth(190)
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.dashboard = DashboardPage(backend, runner, user)
        # Record and Import open the recorder and import dialogs with the configured camera
        # (`--camera`) and ffmpeg; tests may hand in other openers.
        self.clips = ClipsPage(
            backend,
            runner,
            user,
            open_recorder=open_recorder
            or recorder_opener(
                backend, runner, user, camera_spec=camera_spec, ffmpeg_path=ffmpeg_path
            ),
            open_importer=open_importer
            or importer_opener(backend, runner, user, ffmpeg_path=ffmpeg_path),
        )
        self.students = StudentsPage(backend, runner, user)
        self.library = LibraryPage(backend, runner, user)
        self.programs = ProgramBuilderPage(backend, runner, user)
        pages: dict[Area, QWidget] = {
            Area.DASHBOARD: self.dashboard,
            Area.EXERCISES: self.library,
            Area.PROGRAMS: self.programs,
            Area.STUDENTS: self.students,
            Area.CLIPS: self.clips,
        }
        for area in Area:
            QListWidgetItem(icon(area.name.lower()), area.title, self.navigation)
            self.pages.insertWidget(area, pages[area])

        central = QWidget()
        central.setObjectName("central")
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_status_bar(backend, user)
        self._build_menu()

        self._wire()
        self.navigation.setCurrentRow(Area.DASHBOARD)
        self.dashboard.refresh()
        self.students.start()

    def _build_status_bar(self, backend: Backend, user: SignedInUser) -> None:
        self.database_label = QLabel(f"Database: {backend.database_label}")
        self.database_label.setObjectName("statusDatabase")
        self.user_label = QLabel(f"Signed in as {user.display_name} ({user.email})")
        self.user_label.setObjectName("statusUser")
        # Work that waited for the window (the demo clips) reports here, then the line hides.
        self.job_label = QLabel()
        self.job_label.setObjectName("statusJob")
        self.job_progress = QProgressBar()
        self.job_progress.setObjectName("statusJobProgress")
        self.job_progress.setFixedWidth(140)
        self.job_progress.setTextVisible(False)
        self.job_label.hide()
        self.job_progress.hide()
        # Not verified TLS to a remote server: said in the status bar for as long as it lasts.
        self.connection_warning = QLabel(backend.connection_warning or "")
        self.connection_warning.setObjectName("statusWarning")
        self.connection_warning.setVisible(bool(backend.connection_warning))
        self.statusBar().addWidget(self.database_label, 1)
        self.statusBar().addWidget(self.connection_warning)
        self.statusBar().addPermanentWidget(self.job_label)
        self.statusBar().addPermanentWidget(self.job_progress)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().setSizeGripEnabled(False)

    def _build_menu(self) -> None:
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        # On macOS Qt moves it to the application menu, where people look for it.
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.licences_action = QAction("&Licences", self)
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.licences_action)

    def open_about(self, tab: int = AboutDialog.ABOUT_TAB) -> AboutDialog:
        """The About dialog (non-modal, one at a time), on the given tab."""
        dialog = AboutDialog(self._about, installed_notices(self._ffmpeg_path), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tabs.setCurrentIndex(tab)
        dialog.show()
        return dialog

    @Slot()
    def _on_about_action_triggered(self) -> None:
        self.open_about(AboutDialog.ABOUT_TAB)

    @Slot()
    def _on_licences_action_triggered(self) -> None:
        self.open_about(AboutDialog.LICENCES_TAB)

    def start_job(
        self, title: str, work: Callable[[], Generator[tuple[int, int], None, object]]
    ) -> Task:
        """Run `work` on the write pool, its (done, total) shown beside the status bar's user."""
        self.job_label.setText(f"{title}…")
        self.job_label.show()
        self.job_progress.setRange(0, 0)  # busy until the first count arrives
        self.job_progress.show()
        task = self._runner.write(work)
        task.progressed.connect(lambda step: self._on_job_progressed(title, step))
        task.succeeded.connect(lambda _result: self._on_job_succeeded(title))
        task.failed.connect(lambda error: self._on_job_failed(title, error))
        task.finished.connect(self._on_job_finished)
        self._jobs.append(task)
        return task

    def _on_job_progressed(self, title: str, step: tuple[int, int]) -> None:
        done, total = step
        self.job_progress.setRange(0, max(1, total))
        self.job_progress.setValue(done)
        self.job_label.setText(f"{title}: {done} of {total}" if total else f"{title}…")

    def _on_job_succeeded(self, title: str) -> None:
        self.job_progress.hide()
        self.job_label.setText(f"{title}: done")
        # What the job wrote (the clips) shows on the pages that count or list it.
        self.dashboard.refresh()
        self.clips.refresh()
        QTimer.singleShot(4000, self.job_label.hide)

    def _on_job_failed(self, title: str, error: KnownError) -> None:
        self.job_progress.hide()
        self.job_label.setText(f"{title} failed: {error}")
        self.job_label.setToolTip(str(error))

    @Slot()
    def _on_job_finished(self) -> None:
        self._jobs = [task for task in self._jobs if not task.is_done]

    @Slot()
    def _on_dashboard_load_finished(self) -> None:
        if not self._ready_sent:
            self._ready_sent = True
            self.ready.emit()

    @property
    def current_area(self) -> Area:
        return Area(self.pages.currentIndex())

    def show_area(self, area: Area) -> None:
        self.navigation.setCurrentRow(area)

    def _wire(self) -> None:
        self.navigation.currentRowChanged.connect(self._on_navigation_current_row_changed)
        self.about_action.triggered.connect(self._on_about_action_triggered)
        self.licences_action.triggered.connect(self._on_licences_action_triggered)
        self.dashboard.load_finished.connect(self._on_dashboard_load_finished)
        self.dashboard.student_requested.connect(self._on_dashboard_student_requested)
        self.dashboard.review_queue_requested.connect(self._on_dashboard_review_queue_requested)
        self.students.review_queue.reviewed.connect(self._on_review_queue_reviewed)

    @Slot(int)
    def _on_navigation_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if (
            self.pages.currentWidget() is self.programs
            and row != Area.PROGRAMS
            and self.programs.editor.dirty
        ):
            # Stay until the coach chose what happens to the unsaved program.
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(Area.PROGRAMS)
            self.navigation.blockSignals(False)
            self.programs.request_leave(lambda: self.show_area(Area(row)))
            return
        self.pages.setCurrentIndex(row)
        # These pages load when first shown: most sessions never open them.
        if row == Area.EXERCISES and self.library.browser.catalog is None:
            self.library.refresh()
        elif row == Area.PROGRAMS and not self.programs.editor.is_open:
            self.programs.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.programs.editor.dirty:
            event.ignore()
            self.show_area(Area.PROGRAMS)
            self.programs.request_leave(self._close_after_programs)
            return
        super().closeEvent(event)

    def _close_after_programs(self) -> None:
        self.close()

    @Slot(str, str)
    def _on_dashboard_student_requested(self, student_id: str, name: str) -> None:
        self.show_area(Area.STUDENTS)
        self.students.open_student(student_id, name)

    @Slot()
    def _on_dashboard_review_queue_requested(self) -> None:
        self.show_area(Area.STUDENTS)
        self.students.tabs.setCurrentIndex(StudentsTab.REVIEW)

    @Slot(str)
    def _on_review_queue_reviewed(self, _media_id: str) -> None:
        # The dashboard counts the clips to review: reload it (in the background) after each.
        self.dashboard.refresh()
