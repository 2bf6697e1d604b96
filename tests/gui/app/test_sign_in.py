"""Signing in through the dialog, against the real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gbf_desktop.db import models as m
from gbf_desktop.db.engine import build_engine, mask_url
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.app.sign_in import MemoryEmailStore, SignInDialog
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import PASSWORD, Seed
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = pytest.mark.gui


def _dialog(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, store: MemoryEmailStore
) -> SignInDialog:
    dialog = SignInDialog(backend, runner, store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _submit(qtbot: QtBot, dialog: SignInDialog, email: str, password: str) -> None:
    dialog.email_edit.clear()
    qtbot.keyClicks(dialog.email_edit, email)
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, password)
    # Enter in the password field is how coaches sign in.
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def _refused(qtbot: QtBot, dialog: SignInDialog, email: str, password: str) -> str:
    _submit(qtbot, dialog, email, password)
    assert not dialog.sign_in_button.isEnabled(), "the button stays enabled while signing in"
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible()
    assert dialog.signed_in_user is None
    assert dialog.error_label.isVisible()
    assert dialog.sign_in_button.isEnabled()
    return dialog.error_label.text()


@pytest.mark.db
def test_a_coach_signs_in_and_the_main_window_opens(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    seed.user("Coach@Example.org", role=m.Role.coach, first="Maya", last="Lind")
    store = MemoryEmailStore()
    dialog = _dialog(qtbot, backend, runner, store)

    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        # People type emails in any case.
        _submit(qtbot, dialog, "coach@example.org", PASSWORD)

    user = dialog.signed_in_user
    assert user is not None
    assert user.display_name == "Maya Lind"
    assert store.email == "Coach@Example.org"

    window = MainWindow(backend, runner, user)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "GoBeyondFit Desktop"
    assert window.current_area is Area.DASHBOARD
    assert window.user_label.text() == "Signed in as Maya Lind (Coach@Example.org)"
    assert window.database_label.text() == "Database: test database"
    qtbot.waitUntil(lambda: not window.dashboard.loading)


@pytest.mark.db
def test_the_remembered_email_is_filled_in(
    qtbot: QtBot, backend: Backend, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, backend, runner, MemoryEmailStore("coach@example.org"))
    assert dialog.email_edit.text() == "coach@example.org"
    assert dialog.password_edit.text() == ""


@pytest.mark.db
def test_a_wrong_password_is_refused_inline(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    seed.user("coach@example.org", role=m.Role.coach)
    dialog = _dialog(qtbot, backend, runner, MemoryEmailStore())

    message = _refused(qtbot, dialog, "coach@example.org", "not the password")

    assert message.startswith("Email or password is not right.")
    # The coach can try again straight away: the password is selected for retyping.
    assert dialog.password_edit.hasSelectedText()


@pytest.mark.db
def test_an_unknown_email_gets_the_same_message(
    qtbot: QtBot, backend: Backend, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, backend, runner, MemoryEmailStore())
    message = _refused(qtbot, dialog, "nobody@example.org", PASSWORD)
    assert message.startswith("Email or password is not right.")


@pytest.mark.db
def test_a_student_account_is_sent_to_the_web_app(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    seed.user("student@example.org", role=m.Role.student)
    store = MemoryEmailStore()
    dialog = _dialog(qtbot, backend, runner, store)

    message = _refused(qtbot, dialog, "student@example.org", PASSWORD)

    assert message.startswith("This is a student account; the desktop app is for coaches.")
    assert "web app" in message
    assert store.email == ""


@pytest.fixture
def unreachable_backend() -> Iterator[Backend]:
    # Port 1 is closed on any normal machine: the connection is refused at once.
    engine = build_engine("postgresql://x:secret@127.0.0.1:1/x")
    try:
        yield Backend(
            uow_factory=lambda: SqlUnitOfWork(uow_factory(engine)),
            database_label=mask_url(engine.url),
        )
    finally:
        engine.dispose()


def test_an_unreachable_database_is_named_without_its_password(
    qtbot: QtBot, unreachable_backend: Backend, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, unreachable_backend, runner, MemoryEmailStore())

    message = _refused(qtbot, dialog, "coach@example.org", PASSWORD)

    assert message.startswith(
        "Nothing accepts database connections at 127.0.0.1:1 (postgresql://x:***@127.0.0.1:1/x)."
    )
    assert "secret" not in message
    assert "secret" not in unreachable_backend.database_label


def test_an_empty_form_says_what_is_missing(
    qtbot: QtBot, unreachable_backend: Backend, runner: TaskRunner
) -> None:
    dialog = _dialog(qtbot, unreachable_backend, runner, MemoryEmailStore())
    message = _refused(qtbot, dialog, "", "")
    assert message == "Enter your email and your password."


@pytest.mark.db
def test_a_pasted_nul_character_is_refused_at_the_form(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    # Copying from a binary file or a broken PDF brings NUL characters along; PostgreSQL cannot
    # hold one, so it is named here instead of failing inside the database driver.
    seed.user("coach@example.org", role=m.Role.coach)
    dialog = _dialog(qtbot, backend, runner, MemoryEmailStore())
    QApplication.clipboard().setText("coach@example.org\x00")
    dialog.email_edit.clear()
    dialog.email_edit.setFocus()
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "\x00" in dialog.email_edit.text()
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)

    assert dialog.signed_in_user is None
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text().startswith(
        "Email contains a NUL character (\\0), which the database cannot store."
    )


def test_esc_with_a_typed_password_asks_first(
    qtbot: QtBot, unreachable_backend: Backend, runner: TaskRunner
) -> None:
    store = MemoryEmailStore("coach@example.org")
    # The remembered email is what it opened with: Esc closes at once.
    dialog = _dialog(qtbot, unreachable_backend, runner, store)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = _dialog(qtbot, unreachable_backend, runner, store)
    qtbot.keyClicks(dialog.password_edit, "half typed")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == "Discard the password you typed?"
    assert asked.detail == "You are not signed in yet."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    assert dialog.password_edit.text() == "half typed"

    dialog.email_edit.setText("other@example.org")
    dialog.close()
    asked = answer_question(qtbot, dialog, DISCARD)
    assert asked.text == "Discard the email and password you typed?"
    assert not dialog.isVisible()
    assert dialog.signed_in_user is None
    assert store.email == "coach@example.org"
