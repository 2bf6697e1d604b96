"""Connect to a server: the saved list, the keyring, the TLS warning, and the way in from the
sign-in dialog. The keyring is keyring's own API over an in-memory backend (set in tests only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot

from gbf_desktop.connections import KEYRING_SERVICE, SavedConnections, keyring_status
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.connect_dialog import ConnectDialog
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.ui.app.sign_in import MemoryEmailStore, SignInDialog
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed
from tests.gui.questions import DISCARD, KEEP, answer_question
from tests.keyring_backends import MemoryKeyring

pytestmark = pytest.mark.gui

SECRET = "typed-in-the-dialog-only"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _dialog(qtbot: QtBot, path: Path) -> ConnectDialog:
    dialog = ConnectDialog(SavedConnections.load(path))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(qtbot: QtBot, dialog: ConnectDialog, *, host: str = "db.gym.example") -> None:
    for edit, value in (
        (dialog.name_edit, "Gym server"),
        (dialog.host_edit, host),
        (dialog.database_edit, "gobeyondfit"),
        (dialog.user_edit, "gbf_coach_ana_1a2b3c"),
        (dialog.password_edit, SECRET),
    ):
        edit.clear()
        qtbot.keyClicks(edit, value)


def test_saving_puts_the_password_in_the_keyring_and_never_in_the_file(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "connections.json"
    dialog = _dialog(qtbot, path)
    assert dialog.remember_check.isChecked()
    assert dialog.remember_check.isEnabled()
    _fill(qtbot, dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.error_label.isVisible()
    assert [dialog.saved_list.item(i).text() for i in range(dialog.saved_list.count())] == [
        "Gym server"
    ]
    assert SECRET not in path.read_text()
    assert "db.gym.example" in path.read_text()
    assert list(memory_keyring.entries.values()) == [SECRET]
    assert next(iter(memory_keyring.entries))[0] == KEYRING_SERVICE

    # A fresh dialog lists it; choosing it fills the form, the password stays in the keyring.
    again = _dialog(qtbot, path)
    again.saved_list.setCurrentRow(0)
    assert again.host_edit.text() == "db.gym.example"
    assert again.user_edit.text() == "gbf_coach_ana_1a2b3c"
    assert again.password_edit.text() == ""
    assert again.password_edit.placeholderText() == "Saved in the keyring"

    qtbot.mouseClick(again.delete_button, Qt.MouseButton.LeftButton)
    assert again.saved_list.count() == 0
    assert memory_keyring.entries == {}
    assert SavedConnections.load(path).targets == ()


def test_without_a_keyring_it_says_so_and_connecting_keeps_the_password_in_memory(
    qtbot: QtBot, tmp_path: Path, no_keyring: None
) -> None:
    path = tmp_path / "connections.json"
    dialog = _dialog(qtbot, path)
    assert not dialog.remember_check.isEnabled()
    assert not dialog.remember_check.isChecked()
    assert dialog.keyring_note.isVisible()
    assert "no keyring" in dialog.keyring_note.text()
    assert "asked each time" in dialog.keyring_note.text()
    assert not keyring_status().available

    _fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None
    assert dialog.choice.password == SECRET
    assert dialog.choice.target.effective_sslmode == "verify-full"
    assert SECRET not in path.read_text()


def test_a_tls_mode_without_verification_is_shown_as_a_warning(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    dialog = _dialog(qtbot, tmp_path / "connections.json")
    _fill(qtbot, dialog)
    assert not dialog.tls_note.isVisible()  # automatic: verify-full to a remote host
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("disable"))
    assert dialog.tls_note.isVisible()
    assert "Plain connection" in dialog.tls_note.text()
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("require"))
    assert "not checked" in dialog.tls_note.text()
    dialog.host_edit.setText("localhost")
    assert not dialog.tls_note.isVisible()  # this machine: nothing crosses a network

    dialog.host_edit.setText("db.gym.example")
    dialog.database_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible()
    assert "needs a database name" in dialog.error_label.text()


@pytest.mark.parametrize("size", [QSize(1366, 768), QSize(1920, 1080)], ids=["1366", "1920"])
def test_the_dialog_fits_small_screens_and_shows_every_field(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring, size: QSize
) -> None:
    dialog = _dialog(qtbot, tmp_path / "connections.json")
    _fill(qtbot, dialog)
    dialog.tls_combo.setCurrentIndex(dialog.tls_combo.findData("require"))
    dialog.adjustSize()
    assert dialog.width() <= size.width()
    assert dialog.height() <= size.height() - 60
    for widget in (dialog.host_edit, dialog.ca_edit, dialog.connect_button, dialog.tls_note):
        assert widget.isVisible()
        assert widget.width() > 40
    for label in (dialog.remember_check, dialog.connect_button, dialog.ca_button):
        assert label.width() >= label.sizeHint().width(), f"{label.text()!r} is cut"
    dialog.grab().save(str(tmp_path / f"connect-{size.width()}.png"))


@pytest.mark.db
def test_sign_in_opens_connect_and_ends_with_the_choice(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, tmp_path: Path, no_keyring: None
) -> None:
    saved = SavedConnections(tmp_path / "connections.json")
    dialog = SignInDialog(backend, runner, MemoryEmailStore(), connections=saved)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.connect_button.isVisible()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    connect = dialog.connect_dialog
    assert connect is not None
    assert connect.isVisible()
    _fill(qtbot, connect)
    with qtbot.waitSignal(dialog.finished) as finished:
        qtbot.mouseClick(connect.connect_button, Qt.MouseButton.LeftButton)
    assert finished.args == [SignInDialog.CONNECT]
    assert dialog.choice is not None
    assert dialog.choice.target.name == "Gym server"
    assert [t.name for t in SavedConnections.load(saved.path).targets] == ["Gym server"]


@pytest.mark.db
def test_the_status_bar_warns_of_a_plain_connection(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach_id = seed.user("maya@example.org", role=m.Role.coach, first="Maya")
    coach = SignedInUser(coach_id, "maya@example.org", "Maya Lind", "coach")
    warned = dataclasses.replace(
        backend, connection_warning="Plain connection (sslmode=disable): data crosses the network"
    )
    window = MainWindow(warned, runner, coach)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert window.connection_warning.isVisible()
    assert window.connection_warning.text().startswith("Plain connection")
    assert window.connection_warning.width() > 200

    plain = MainWindow(backend, runner, coach)
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.connection_warning.isVisible()


def test_esc_with_a_typed_connection_asks_first_and_a_chosen_one_closes_at_once(
    qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "connections.json"
    # Untouched: Esc closes at once.
    dialog = _dialog(qtbot, path)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = _dialog(qtbot, path)
    _fill(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == 'Discard the connection you typed ("Gym server")?'
    assert asked.detail == "It is not saved: press Save or Connect to keep it."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    assert dialog.host_edit.text() == "db.gym.example"

    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    answer_question(qtbot, dialog, DISCARD)
    assert not dialog.isVisible()
    assert not path.exists(), "nothing saved"
    assert memory_keyring.entries == {}

    # A saved connection picked from the list is not something typed: Esc closes at once; a
    # change to it is named as a change to that connection.
    saved = _dialog(qtbot, path)
    _fill(qtbot, saved)
    qtbot.mouseClick(saved.save_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(saved, Qt.Key.Key_Escape)
    assert not saved.isVisible()
    again = _dialog(qtbot, path)
    again.saved_list.setCurrentRow(0)
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible()
    again = _dialog(qtbot, path)
    again.saved_list.setCurrentRow(0)
    qtbot.keyClicks(again.user_edit, "_2")
    again.close()
    asked = answer_question(qtbot, again, DISCARD)
    assert asked.text == 'Discard your changes to the connection "Gym server"?'
    assert not again.isVisible()
    assert SavedConnections.load(path).targets[0].user == "gbf_coach_ana_1a2b3c"
