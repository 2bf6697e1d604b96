"""Connect to a server: the saved-connections list and the form that edits one.

A connection is host, port, database, user, TLS mode and CA file, saved in `connections.json`
(never the password); the password goes to the operating system's keyring when the coach ticks
the box, else it is only held for this connection. Without a keyring the box is off and says why.
The dialog only collects: the composition root opens the database with what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gbf_desktop.connections import (
    ConnectionTarget,
    KeyringStatus,
    SavedConnections,
    forget_password,
    keyring_status,
    store_password,
    stored_password,
)
from gbf_desktop.errors import KnownError
from gbf_desktop.ui.kit.prompts import AsksBeforeDiscard

# (value, what the combo says)
TLS_CHOICES = (
    ("", "Automatic: verified for a remote server (verify-full)"),
    ("verify-full", "Verified (verify-full)"),
    ("require", "Encrypted, server not verified (require)"),
    ("disable", "Plain, not encrypted (disable)"),
)


@dataclass(frozen=True)
class ConnectionChoice:
    """What the coach chose: where to connect, and a password typed but not saved (or None)."""

    target: ConnectionTarget
    password: str | None


class ConnectDialog(AsksBeforeDiscard, QDialog):
    """Accepted with `choice` set when the coach presses Connect."""

    def __init__(
        self,
        saved: SavedConnections,
        parent: QWidget | None = None,
        *,
        keyring: KeyringStatus | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a server")
        self._saved = saved
        self._keyring = keyring or keyring_status()
        self.choice: ConnectionChoice | None = None
        # The saved connection the form was filled from, if any (what the question names).
        self._filled_from: str | None = None

        self._build_fields()
        self._layout()
        self._reload_list()
        self._on_form_changed()
        self._wire()
        self.mark_unchanged()

    def unsaved_text(self) -> str:
        if self._filled_from:
            return f'your changes to the connection "{self._filled_from}"'
        label = self.name_edit.text().strip() or self.host_edit.text().strip()
        return f'the connection you typed ("{label}")' if label else "the connection you typed"

    def unsaved_detail(self) -> str:
        return "It is not saved: press Save or Connect to keep it."

    def _build_fields(self) -> None:
        self.saved_list = QListWidget()
        self.saved_list.setObjectName("savedConnections")
        self.saved_list.setMinimumWidth(190)
        self.delete_button = QPushButton("Delete")

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Gym server")
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("db.example.org")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit()
        self.database_edit.setPlaceholderText("gobeyondfit")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("Leave empty to use ~/.pgpass")
        self.tls_combo = QComboBox()
        for value, text in TLS_CHOICES:
            self.tls_combo.addItem(text, value)
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("The server's CA certificate (optional)")
        self.ca_button = QPushButton("Browse…")
        self.remember_check = QCheckBox("Save the password in the keyring")
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("mutedLabel")
        self.keyring_note.setWordWrap(True)
        if self._keyring.available:
            self.remember_check.setChecked(True)
            self.keyring_note.setText(f"Keyring: {self._keyring.name}.")
        else:
            self.remember_check.setChecked(False)
            self.remember_check.setEnabled(False)
            self.keyring_note.setText(self._keyring.reason[:1].upper() + self._keyring.reason[1:])
        self.tls_note = QLabel()
        self.tls_note.setObjectName("statusWarning")
        self.tls_note.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.save_button = QPushButton("Save")
        self.connect_button = QPushButton("Connect")
        self.connect_button.setObjectName("primaryButton")
        self.connect_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")

    def _layout(self) -> None:
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_edit, 1)
        ca_row.addWidget(self.ca_button)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow("Name", self.name_edit)
        form.addRow("Host", self.host_edit)
        form.addRow("Port", self.port_spin)
        form.addRow("Database", self.database_edit)
        form.addRow("User", self.user_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.remember_check)
        form.addRow("", self.keyring_note)
        form.addRow("TLS", self.tls_combo)
        form.addRow("CA file", ca_row)

        left = QVBoxLayout()
        left.addWidget(QLabel("Saved connections"))
        left.addWidget(self.saved_list, 1)
        left.addWidget(self.delete_button)

        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.tls_note)
        right.addWidget(self.error_label)
        right.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.connect_button)
        right.addLayout(buttons)

        body = QHBoxLayout(self)
        body.setContentsMargins(20, 20, 20, 16)
        body.setSpacing(18)
        body.addLayout(left)
        body.addLayout(right, 1)
        self.setMinimumWidth(760)
        # Role names are full of underscores: the app's 7 px padding would clip their descent.
        self.setStyleSheet("QLineEdit { padding: 5px 9px; }")

    def _wire(self) -> None:
        self.saved_list.currentItemChanged.connect(self._on_saved_list_current_item_changed)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.connect_button.clicked.connect(self._on_connect_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.ca_button.clicked.connect(self._on_ca_button_clicked)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._on_form_changed)
        self.tls_combo.currentIndexChanged.connect(self._on_form_changed)

    # -- the form -----------------------------------------------------------------------------

    def target(self) -> ConnectionTarget:
        """The form as a connection; ConfigError when a field is not usable."""
        target = ConnectionTarget(
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            database=self.database_edit.text().strip(),
            user=self.user_edit.text().strip(),
            sslmode=str(self.tls_combo.currentData()) or None,
            sslrootcert=self.ca_edit.text().strip() or None,
            name=self.name_edit.text().strip(),
        )
        target.validate()
        return target

    def fill(self, target: ConnectionTarget) -> None:
        self.name_edit.setText(target.name)
        self.host_edit.setText(target.host)
        self.port_spin.setValue(target.port or 5432)
        self.database_edit.setText(target.database)
        self.user_edit.setText(target.user)
        index = self.tls_combo.findData(target.sslmode or "")
        self.tls_combo.setCurrentIndex(max(index, 0))
        self.ca_edit.setText(target.sslrootcert or "")
        self.password_edit.clear()
        if stored_password(target):
            self.password_edit.setPlaceholderText("Saved in the keyring")
        else:
            self.password_edit.setPlaceholderText("Leave empty to use ~/.pgpass")
        # A saved connection shown as it is saved: nothing to lose yet.
        self._filled_from = target.name
        self.mark_unchanged()

    def _reload_list(self) -> None:
        self.saved_list.clear()
        for target in self._saved.targets:
            item = QListWidgetItem(target.name)
            item.setData(Qt.ItemDataRole.UserRole, target.name)
            self.saved_list.addItem(item)
        self.delete_button.setEnabled(bool(self._saved.targets))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _save(self) -> ConnectionTarget | None:
        """Save the form (and the password, if asked) ; None when a field is wrong."""
        try:
            target = self.target()
            saved = self._saved.with_target(target)
            saved.save()
            password = self.password_edit.text()
            if password and self.remember_check.isChecked():
                store_password(target, password)
        except KnownError as err:
            self._show_error(str(err))
            return None
        self._saved = saved
        self._show_error("")
        self._reload_list()
        self._filled_from = target.name
        self.mark_unchanged()
        return target

    @property
    def saved(self) -> SavedConnections:
        return self._saved

    # -- slots --------------------------------------------------------------------------------

    @Slot()
    def _on_form_changed(self) -> None:
        try:
            warning = self.target().plain_warning() if self.host_edit.text().strip() else None
        except KnownError:
            warning = None
        self.tls_note.setText(warning or "")
        self.tls_note.setVisible(bool(warning))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_saved_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        name = current.data(Qt.ItemDataRole.UserRole)
        self.fill(self._saved.get(str(name)))

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        selected = self.saved_list.selectedItems()
        if not selected:
            return
        name = str(selected[0].data(Qt.ItemDataRole.UserRole))
        forget_password(self._saved.get(name))
        self._saved = self._saved.without(name)
        self._saved.save()
        self._reload_list()

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self._save()

    @Slot()
    def _on_connect_button_clicked(self) -> None:
        if not self.name_edit.text().strip():
            # Connecting once without saving: the connection is still checked like a saved one.
            try:
                target = self.target()
            except KnownError as err:
                self._show_error(str(err))
                return
        else:
            saved = self._save()
            if saved is None:
                return
            target = saved
        password = self.password_edit.text() or None
        self.choice = ConnectionChoice(target, password)
        self.accept()

    @Slot()
    def _on_ca_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "The server's CA certificate", "", "Certificates (*.pem *.crt *.cer);;All (*)"
        )
        if path:
            self.ca_edit.setText(path)
