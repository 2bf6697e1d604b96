"""The composition root's GUI start: what `gbf-desktop --demo` and a failed start look like."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gbf_desktop import app
from gbf_desktop.db import models as m
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.settings import Settings
from gbf_desktop.ui.app.main_window import MainWindow
from gbf_desktop.ui.clips.recorder import RecorderDialog
from gbf_desktop.ui.dashboard.dashboard import DashboardState
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed
from tests.gui.driving import drive, record_and_close_main_window

pytestmark = [pytest.mark.gui]


@pytest.mark.db
@pytest.mark.ffmpeg
def test_demo_start_seeds_and_opens_the_dashboard_signed_in_as_the_demo_coach(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=db_url)
    seen: dict[str, object] = {}
    drive([lambda: record_and_close_main_window(seen)], seen)

    assert app.run_gui(settings, demo=True) == 0

    assert "timed_out" not in seen
    assert seen["state"] is DashboardState.TABLE
    assert DEMO_COACH_EMAIL in str(seen["user"])
    with Session(engine) as session:
        students = session.scalar(
            select(func.count()).select_from(m.User).where(m.User.role == m.Role.student)
        )
    assert students == 6


def test_an_unreachable_server_is_explained_on_screen_not_in_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://coach:s3cret@127.0.0.1:1/gbf")
    seen: dict[str, object] = {}

    def read_and_close_the_message() -> bool:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return False
        seen["title"] = box.windowTitle()
        seen["text"] = box.text()
        box.close()
        return True

    drive([read_and_close_the_message], seen)

    assert app.run_gui(settings, demo=False) == 1

    assert "timed_out" not in seen
    assert seen["title"] == "GoBeyondFit Desktop cannot start"
    assert "Nothing accepts database connections at 127.0.0.1:1 (postgresql://coach:***@" in str(
        seen["text"]
    )
    assert "s3cret" not in str(seen["text"])
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.db
@pytest.mark.ffmpeg
def test_the_record_button_uses_the_configured_camera(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach_id = seed.user("coach@example.org", role=m.Role.coach, first="Maya", last="Lind")
    coach = SignedInUser(coach_id, "coach@example.org", "Maya Lind", "coach")
    window = MainWindow(backend, runner, coach, camera_spec="test:640x360@24")
    qtbot.addWidget(window)

    qtbot.mouseClick(window.clips.record_button, Qt.MouseButton.LeftButton)

    dialog = window.clips.clip_dialog
    assert isinstance(dialog, RecorderDialog)
    qtbot.waitUntil(lambda: "640x360" in dialog.camera_label.text(), timeout=10_000)
    dialog.close()
