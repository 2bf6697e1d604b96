"""Help > About: what is installed (version, database in use, data folder) and the licences of
everything the app carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop import __version__
from gbf_desktop.licences import Notice
from gbf_desktop.settings import APP_NAME
from gbf_desktop.ui.kit.resources import app_icon


@dataclass(frozen=True)
class AboutFacts:
    """What About shows; gathered by the window, which knows the database and the folders."""

    database: str
    data_dir: Path | None
    log_dir: Path | None


def notice_title(notice: Notice) -> str:
    """Two lines: the component and its version, then its licence (long ones wrap, never cut)."""
    return f"{notice.component} {notice.version}\n{notice.licence}"


class AboutDialog(QDialog):
    """Two tabs: About (the facts) and Licences (one row a component, its texts beside)."""

    ABOUT_TAB = 0
    LICENCES_TAB = 1

    def __init__(
        self, facts: AboutFacts, notices: list[Notice], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setObjectName("aboutDialog")
        self.resize(920, 580)
        self._facts = facts
        self._notices = notices
        self.tabs = QTabWidget()
        self.tabs.addTab(self._about_tab(facts), "About")
        self.tabs.addTab(self._licences_tab(notices), f"Licences ({len(notices)})")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._wire()
        if notices:
            self.notice_list.setCurrentRow(0)

    def _about_tab(self, facts: AboutFacts) -> QWidget:
        page = QWidget()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(96, 96))
        name = QLabel(f"<b>{APP_NAME}</b>")
        name.setObjectName("aboutName")
        self.version_label = QLabel(f"Version {__version__}")
        self.version_label.setObjectName("aboutVersion")
        heading = QVBoxLayout()
        heading.addWidget(name)
        heading.addWidget(self.version_label)
        heading.addWidget(QLabel("The coach's workstation for the GoBeyondFit platform."))
        heading.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(logo)
        top.addLayout(heading, 1)

        self.database_label = QLabel(facts.database)
        self.data_dir_label = QLabel(str(facts.data_dir) if facts.data_dir else "—")
        self.log_dir_label = QLabel(str(facts.log_dir) if facts.log_dir else "—")
        for label in (self.database_label, self.data_dir_label, self.log_dir_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_data_button = QPushButton("Open data folder")
        self.open_data_button.setEnabled(facts.data_dir is not None)
        form = QFormLayout()
        form.addRow("Database in use:", self.database_label)
        form.addRow("Data folder:", self.data_dir_label)
        form.addRow("Log files:", self.log_dir_label)

        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.open_data_button)
        layout.addStretch(1)
        return page

    def _licences_tab(self, notices: list[Notice]) -> QWidget:
        page = QWidget()
        self.notice_list = QListWidget()
        self.notice_list.setObjectName("licenceList")
        self.notice_list.setWordWrap(True)
        self.notice_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.notice_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notice_list.setSpacing(2)
        for notice in notices:
            item = QListWidgetItem(notice_title(notice))
            item.setToolTip(notice.role or notice.component)
            self.notice_list.addItem(item)
        self.notice_text = QPlainTextEdit()
        self.notice_text.setObjectName("licenceText")
        self.notice_text.setReadOnly(True)
        split = QSplitter()
        split.addWidget(self.notice_list)
        split.addWidget(self.notice_text)
        split.setSizes([360, 520])
        intro = QLabel(
            "These components are part of the app. Their licences let you use, copy and share "
            "them as each text says; the GPL and LGPL parts come with their source offers."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        return page

    def _wire(self) -> None:
        self.notice_list.currentRowChanged.connect(self._on_notice_list_current_row_changed)
        self.open_data_button.clicked.connect(self._on_open_data_button_clicked)

    @Slot(int)
    def _on_notice_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self._notices):
            self.notice_text.clear()
            return
        notice = self._notices[row]
        parts = [f"{notice.component} {notice.version}: {notice.licence}"]
        if notice.role:
            parts.append(f"In this app: {notice.role}.")
        for name, text in notice.texts:
            parts.append(f"——— {name} ———\n{text.strip()}")
        self.notice_text.setPlainText("\n\n".join(parts))

    @Slot()
    def _on_open_data_button_clicked(self) -> None:
        if self._facts.data_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._facts.data_dir)))
