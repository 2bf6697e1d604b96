"""The sign-in dialog: email and password, checked in the background against the platform.

The check runs on the task runner, so a slow or unreachable server never freezes the window. A
refusal (wrong credentials, a student account, the database out of reach) is shown inline, under the
fields, with the service's own message; the dialog stays open for another try.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.connections import SavedConnections
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.settings import APP_NAME
from gbf_desktop.ui.app.connect_dialog import ConnectDialog, ConnectionChoice
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard
from gbf_desktop.workers.tasks import Task, TaskRunner


class EmailStore(Protocol):
    """Remembers the last email that signed in, so a coach only types the password."""

    def load(self) -> str: ...

    def save(self, email: str) -> None: ...


class QSettingsEmailStore:
    """The real store: the system's settings (registry, plist or ini file) under the app's name."""

    _KEY = "sign_in/last_email"

    def load(self) -> str:
        value = QSettings().value(self._KEY, "")
        return value if isinstance(value, str) else ""

    def save(self, email: str) -> None:
        QSettings().setValue(self._KEY, email)


class MemoryEmailStore:
    """A store that forgets on exit: for tests, and for machines shared by several coaches."""

    def __init__(self, email: str = "") -> None:
        self.email = email

    def load(self) -> str:
        return self.email

    def save(self, email: str) -> None:
        self.email = email


class SignInDialog(AsksBeforeDiscard, QDialog):
    """Accepted once a coach or admin signed in; `signed_in_user` then says who.

    With `connections`, a "Connect to a server…" button opens the saved-connections dialog; the
    dialog then ends with `CONNECT` and `choice` says where to go (the caller connects).
    """

    CONNECT = 2

    def __init__(  # noqa: PLR0915 - the whole dialog is built and laid out in one place
        self,
        backend: Backend,
        runner: TaskRunner,
        store: EmailStore,
        parent: QWidget | None = None,
        *,
        connections: SavedConnections | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._store = store
        self._task: Task | None = None
        self._user: SignedInUser | None = None

        self.setWindowTitle(f"Sign in · {APP_NAME}")
        self.setObjectName("signInDialog")

        title = QLabel("Sign in to GoBeyondFit")
        title.setObjectName("dialogTitle")
        subtitle = QLabel("Use the email and password of your coach account.")
        subtitle.setObjectName("dialogSubtitle")
        subtitle.setWordWrap(True)

        self.email_edit = QLineEdit(store.load())
        self.email_edit.setPlaceholderText("coach@example.com")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Password")

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setObjectName("primaryButton")
        # The default button is what Enter presses, from either field.
        self.sign_in_button.setDefault(True)

        database = QLabel(f"Database: {backend.database_label}")
        database.setObjectName("mutedLabel")
        database.setWordWrap(True)

        for edit in (self.email_edit, self.password_edit):
            edit.setMinimumWidth(320)
        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.setHorizontalSpacing(14)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("Email", self.email_edit)
        form.addRow("Password", self.password_edit)

        layout = QVBoxLayout(self)
        # The dialog takes the size its content needs, and grows when a message appears under
        # the fields instead of squeezing them.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.sign_in_button)
        layout.addSpacing(4)
        layout.addWidget(database)
        self._add_connection_rows(layout, backend.connection_warning, connections)

        (self.password_edit if self.email_edit.text() else self.email_edit).setFocus()
        self._wire()
        self._opened_email = self.email_edit.text()
        self.mark_unchanged()

    def entered(self) -> object:
        return (self.email_edit.text(), self.password_edit.text())

    def unsaved_text(self) -> str:
        typed = [
            what
            for what, changed in (
                ("email", self.email_edit.text() != self._opened_email),
                ("password", bool(self.password_edit.text())),
            )
            if changed
        ]
        return f"the {' and '.join(typed)} you typed"

    def unsaved_detail(self) -> str:
        return "You are not signed in yet."

    @property
    def signed_in_user(self) -> SignedInUser | None:
        return self._user

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _add_connection_rows(
        self, layout: QVBoxLayout, warning: str | None, connections: SavedConnections | None
    ) -> None:
        self.connections = connections
        self.choice: ConnectionChoice | None = None
        self.connect_dialog: ConnectDialog | None = None
        # Not verified TLS to a remote server: said before the password is typed.
        self.connection_warning = QLabel(warning or "")
        self.connection_warning.setObjectName("statusWarning")
        self.connection_warning.setWordWrap(True)
        self.connection_warning.setVisible(bool(warning))
        layout.addWidget(self.connection_warning)
        self.connect_button = QPushButton("Connect to a server…")
        self.connect_button.setVisible(self.connections is not None)
        layout.addWidget(self.connect_button)

    def _wire(self) -> None:
        self.sign_in_button.clicked.connect(self._on_sign_in_button_clicked)
        self.connect_button.clicked.connect(self._on_connect_button_clicked)

    @Slot()
    def _on_connect_button_clicked(self) -> None:
        if self.connections is None:
            return
        self.connect_dialog = ConnectDialog(self.connections, self)
        self.connect_dialog.finished.connect(self._on_connect_dialog_finished)
        self.connect_dialog.open()

    @Slot(int)
    def _on_connect_dialog_finished(self, result: int) -> None:
        dialog = self.connect_dialog
        if dialog is None:
            return
        self.connections = dialog.saved
        if result == QDialog.DialogCode.Accepted and dialog.choice is not None:
            self.choice = dialog.choice
            self.done(self.CONNECT)

    @Slot()
    def _on_sign_in_button_clicked(self) -> None:
        if self._task is not None:
            return
        self.error_label.hide()
        self._set_busy(True)
        # Plain strings go to the worker, never the line edits themselves.
        task = self._runner.read(
            self._backend.sign_in, self.email_edit.text(), self.password_edit.text()
        )
        task.succeeded.connect(self._on_sign_in_task_succeeded)
        task.failed.connect(self._on_sign_in_task_failed)
        task.crashed.connect(self._on_sign_in_task_crashed)
        task.finished.connect(self._on_sign_in_task_finished)
        self._task = task

    @Slot(object)
    def _on_sign_in_task_succeeded(self, user: SignedInUser) -> None:
        self._user = user
        self._store.save(user.email)
        self.accept()

    @Slot(object)
    def _on_sign_in_task_failed(self, error: KnownError) -> None:
        self._show_error(str(error))
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    @Slot(object)
    def _on_sign_in_task_crashed(self, _error: BaseException) -> None:
        # The crash handler shows the details; this only keeps the dialog honest and usable.
        self._show_error("Signing in failed because of a bug in the app. Please try again.")

    @Slot()
    def _on_sign_in_task_finished(self) -> None:
        self._task = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.sign_in_button.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")
        self.email_edit.setReadOnly(busy)
        self.password_edit.setReadOnly(busy)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
