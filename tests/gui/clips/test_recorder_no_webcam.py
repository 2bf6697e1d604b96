"""No webcam: the recorder says what to check, in plain words, and offers the demo camera."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gbf_desktop.db import models as m
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.clips.recorder import RecorderDialog
from gbf_desktop.workers.tasks import TaskRunner
from tests.gui.conftest import Seed

pytestmark = [pytest.mark.gui, pytest.mark.db]


def test_a_missing_webcam_says_what_to_check_and_offers_the_demo_camera(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    # Device 57 exists on no machine: the webcam cannot be opened, as when none is plugged in.
    dialog = RecorderDialog(backend, runner, coach, camera_spec="57", countdown_s=1)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)

    text = dialog.error_label.text()
    assert text.startswith("Webcam 57 could not be opened.")
    for check in ("plugged in", "no other app", "privacy settings", "demo camera"):
        assert check in text
    assert "--camera" not in text, "no command-line flags for a coach"
    assert dialog.demo_camera_button.isVisible()

    qtbot.mouseClick(dialog.demo_camera_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview.image is not None, timeout=10_000)
    assert not dialog.error_label.isVisible()
    assert not dialog.demo_camera_button.isVisible()
    assert dialog.camera_combo.currentText() == "Demo camera (test pattern)"
