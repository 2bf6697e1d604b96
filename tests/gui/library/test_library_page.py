"""The Exercises page as a coach uses it: search, filters, favourites, own exercises, refusals."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.library import fold
from gbf_desktop.ui.library.library_page import READ_ONLY_TIP, Column, LibraryPage
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = [pytest.mark.gui, pytest.mark.db]


@pytest.fixture
def coach(demo_data: DemoLoader, engine: Engine, backend: Backend) -> SignedInUser:
    demo_data()
    return backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)


@pytest.fixture
def page(qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser) -> LibraryPage:
    page = LibraryPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() > 0, timeout=10_000)
    return page


def names(page: LibraryPage) -> list[str]:
    return [page.model.entry(row).name for row in range(page.model.rowCount())]


def settle(qtbot: QtBot, page: LibraryPage) -> None:
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)


def choose(qtbot: QtBot, page: LibraryPage, name: str) -> None:
    row = names(page).index(name)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.details is not None and page.details.name == name)


def test_search_as_you_type_and_filters(qtbot: QtBot, page: LibraryPage) -> None:
    total = page.model.rowCount()
    assert page.count_label.text() == f"{total} exercises"

    with qtbot.waitSignal(page.browser.results_ready, timeout=5_000):
        qtbot.keyClicks(page.search_edit, "squat")
    found = [page.model.entry(r) for r in range(page.model.rowCount())]
    assert found, "the demo library has squats"
    assert all(
        "squat" in fold(" ".join((e.name, *e.muscle_groups, e.description or ""))) for e in found
    )
    # Names starting with the words come first.
    assert fold(found[0].name).startswith("squat") or "squat" in fold(found[0].name)
    assert page.count_label.text() == f"{len(found)} of {total} exercises"

    # A muscle group matches too, and so does a word of a description.
    page.search_edit.clear()
    with qtbot.waitSignal(page.browser.results_ready, timeout=5_000):
        qtbot.keyClicks(page.search_edit, "glutes")
    assert any("Glutes" in page.model.entry(r).muscle_groups for r in range(page.model.rowCount()))

    page.search_edit.clear()
    settle(qtbot, page)
    page.type_combo.setCurrentIndex(page.type_combo.findData("circuit"))
    settle(qtbot, page)
    assert names(page)
    assert {page.model.entry(r).type for r in range(page.model.rowCount())} == {"circuit"}

    page.type_combo.setCurrentIndex(0)
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("mine"))
    settle(qtbot, page)
    assert all(page.model.entry(r).mine for r in range(page.model.rowCount()))

    page.scope_combo.setCurrentIndex(page.scope_combo.findData("global"))
    page.difficulty_combo.setCurrentIndex(page.difficulty_combo.findData("advanced"))
    settle(qtbot, page)
    rows = [page.model.entry(r) for r in range(page.model.rowCount())]
    assert rows
    assert all(e.scope == "global" and e.difficulty == "advanced" for e in rows)

    page.scope_combo.setCurrentIndex(0)
    page.difficulty_combo.setCurrentIndex(0)
    page.muscle_combo.setCurrentIndex(page.muscle_combo.findText("Quadriceps"))
    settle(qtbot, page)
    assert all(
        "Quadriceps" in page.model.entry(r).muscle_groups for r in range(page.model.rowCount())
    )


def test_details_favourites_and_read_only_global(
    qtbot: QtBot, page: LibraryPage, engine: Engine, coach: SignedInUser
) -> None:
    choose(qtbot, page, "Barbell Back Squat")
    text = page.details_view.toPlainText()
    assert "Barbell Back Squat" in text
    assert "Quadriceps" in text
    html = page.details_view.toHtml()
    assert "href=" in html
    assert "youtube" in html.lower()
    # Global: read-only, and the coach is told why.
    assert not page.edit_button.isEnabled()
    assert not page.delete_button.isEnabled()
    assert page.edit_button.toolTip() == READ_ONLY_TIP

    # The star in the list toggles the favourite, and the database keeps it.
    row = names(page).index("Barbell Back Squat")
    star = page.model.index(row, Column.STAR)
    assert star.data() == "☆"
    rect = page.table.visualRect(star)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.model.index(row, Column.STAR).data() == "★", timeout=5_000)
    settle(qtbot, page)
    with OrmSession(engine) as s:
        favourites = s.scalars(
            select(m.FavoriteExercise.exercise_id).where(m.FavoriteExercise.user_id == coach.id)
        ).all()
    assert page.model.entry(names(page).index("Barbell Back Squat")).id in favourites

    page.favourites_check.setChecked(True)
    settle(qtbot, page)
    assert names(page) == ["Barbell Back Squat"]
    assert page.favourite_button.isChecked()

    # The detail pane's button takes it back off.
    qtbot.mouseClick(page.favourite_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5_000)


def test_create_edit_and_delete_own_exercise(
    qtbot: QtBot, page: LibraryPage, engine: Engine, coach: SignedInUser
) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    # Inline validation with the service's rule: a name is needed.
    dialog.buttons.accepted.emit()
    assert dialog.error_label.text() == "The exercise needs a name."

    qtbot.keyClicks(dialog.name_edit, "Sled Push Intervals")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("circuit"))
    qtbot.keyClicks(dialog.description_edit, "Heavy sled, 20 m pushes.")
    dialog.difficulty_combo.setCurrentIndex(dialog.difficulty_combo.findData("advanced"))
    qtbot.keyClicks(dialog.muscles_edit, "Quadriceps, Glutes")
    qtbot.keyClicks(dialog.instructions_edit, "Low hips")
    qtbot.keyClick(dialog.instructions_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.instructions_edit, "Drive through the toes")
    qtbot.keyClicks(dialog.video_edit, "not a link")
    dialog.buttons.accepted.emit()
    assert "https://" in dialog.error_label.text()
    dialog.video_edit.clear()
    qtbot.keyClicks(dialog.video_edit, "https://example.org/sled.mp4")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: page.dialog is None, timeout=5_000)
    qtbot.waitUntil(
        lambda: page.details is not None and page.details.name == "Sled Push Intervals",
        timeout=5_000,
    )
    assert page.edit_button.isEnabled()
    assert page.delete_button.isEnabled()
    assert "Drive through the toes" in page.details_view.toPlainText()
    with OrmSession(engine) as s:
        row = s.scalars(select(m.Exercise).where(m.Exercise.name == "Sled Push Intervals")).one()
    assert row.scope == m.Scope.coach
    assert row.owner_id == coach.id
    assert row.type == m.ExerciseType.circuit
    assert row.meta is not None
    assert row.meta["muscleGroups"] == ["Quadriceps", "Glutes"]
    assert row.meta["instructions"] == ["Low hips", "Drive through the toes"]
    assert row.meta["videoUrl"] == "https://example.org/sled.mp4"
    assert row.meta["difficulty"] == "Advanced"

    # Edit: rename it.
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    assert dialog.name_edit.text() == "Sled Push Intervals"
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "Heavy Sled Drill")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(
        lambda: page.details is not None and page.details.name == "Heavy Sled Drill", timeout=5_000
    )

    # Delete it (unused): confirmation, then gone from the list and the database.
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "Heavy Sled Drill" not in names(page), timeout=5_000)
    settle(qtbot, page)
    with OrmSession(engine) as s:
        assert (
            s.scalars(select(m.Exercise).where(m.Exercise.name == "Heavy Sled Drill")).first()
            is None
        )


def test_delete_refused_names_the_programs(qtbot: QtBot, page: LibraryPage, engine: Engine) -> None:
    choose(qtbot, page, "Engine Circuit")
    assert page.delete_button.isEnabled()
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    box = page.confirm_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(page.message_label.isVisible, timeout=5_000)
    message = page.message_label.text()
    with OrmSession(engine) as s:
        titles = s.scalars(select(m.Program.title)).all()
    assert message.startswith('"Engine Circuit" is used in')
    assert any(f'"{title}"' in message for title in titles)
    assert "Replace it in those programs first" in message
    assert "Engine Circuit" in names(page)


def test_esc_with_a_typed_exercise_asks_before_dropping_it(
    qtbot: QtBot, page: LibraryPage, engine: Engine
) -> None:
    # Untouched: Esc closes at once, no question.
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name_edit, "Farmer carry")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == 'Discard the new exercise "Farmer carry"?'
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "Farmer carry"

    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert dialog.isVisible(), "still open while it asks"
    answer_question(qtbot, dialog, DISCARD)
    assert not dialog.isVisible()
    with OrmSession(engine) as s:
        assert s.scalars(select(m.Exercise).where(m.Exercise.name == "Farmer carry")).all() == []
