"""The program builder driven as a coach drives it, checked against the rows the database holds."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QInputDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.domain.program_edit import ExerciseDoc, SessionDoc, WeekDoc
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.programs.exercise_form import ExerciseForm, TextField, UnitField
from gbf_desktop.ui.programs.program_builder import ConflictDialog, ProgramBuilderPage
from gbf_desktop.ui.programs.program_tree_model import INVALID_ROLE
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.questions import DISCARD, KEEP, answer_question

pytestmark = [pytest.mark.gui, pytest.mark.db]


@pytest.fixture
def coach(demo_data: DemoLoader, engine: Engine, backend: Backend) -> SignedInUser:
    demo_data()
    return backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)


@pytest.fixture
def page(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser
) -> ProgramBuilderPage:
    page = ProgramBuilderPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(
        lambda: (
            not page.busy
            and page.library.catalog is not None
            and page.programs_model.rowCount() > 0
        ),
        timeout=10_000,
    )
    return page


def settle(qtbot: QtBot, page: ProgramBuilderPage) -> None:
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)


def add_from_search(qtbot: QtBot, page: ProgramBuilderPage, name: str) -> ExerciseDoc:
    """Type in the docked library's search box and press Enter: the first hit is added."""
    page.library_search.clear()
    with qtbot.waitSignal(page.library.results_ready, timeout=5_000):
        qtbot.keyClicks(page.library_search, name)
    assert page.library_model.entry(0).name == name
    qtbot.keyClick(page.library_search, Qt.Key.Key_Return)
    item = page.editor.model.item(page.selected_id() or "")
    assert isinstance(item, ExerciseDoc)
    return item


def drag_from_library(
    qtbot: QtBot, page: ProgramBuilderPage, name: str, session_id: str
) -> ExerciseDoc:
    """Drop a library row onto a session, through the models' drag-and-drop interface."""
    page.library_search.clear()
    with qtbot.waitSignal(page.library.results_ready, timeout=5_000):
        qtbot.keyClicks(page.library_search, name)
    row = next(
        r for r in range(page.library_model.rowCount()) if page.library_model.entry(r).name == name
    )
    data = page.library_model.mimeData([page.library_model.index(row, 1)])
    tree = page.editor.model
    target = tree.index_of(session_id)
    assert tree.canDropMimeData(data, Qt.DropAction.CopyAction, -1, 0, target)
    before = len(tree.item(session_id).exercises)  # type: ignore[union-attr]
    assert tree.dropMimeData(data, Qt.DropAction.CopyAction, -1, 0, target)
    session = tree.item(session_id)
    assert isinstance(session, SessionDoc)
    assert len(session.exercises) == before + 1
    added = session.exercises[-1]
    page.select_node(added.id)
    return added


def type_into(qtbot: QtBot, field: TextField | UnitField, value: str) -> None:
    field.line.clear()
    qtbot.keyClicks(field.line, value)


def choose(qtbot: QtBot, combo: QComboBox, label: str) -> None:
    """Pick an entry with the keyboard, as a user does (arrow keys emit `activated`)."""
    combo.setFocus()
    target = combo.findText(label)
    assert target >= 0, label
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        before = combo.currentIndex()
        qtbot.keyClick(combo, key)
        assert combo.currentIndex() != before, f"cannot reach {label!r}"


def new_program(qtbot: QtBot, page: ProgramBuilderPage, title: str) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setTextValue(title)
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        dialog.done(QDialog.DialogCode.Accepted)
    settle(qtbot, page)


def save(qtbot: QtBot, page: ProgramBuilderPage) -> None:
    with qtbot.waitSignal(page.editor.saved, timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert not page.editor.dirty


def rows_of(engine: Engine, program_id: str) -> dict[str, Any]:
    with OrmSession(engine) as s:
        program = s.get(m.Program, program_id)
        assert program is not None
        blocks = s.scalars(
            select(m.ProgramBlock)
            .where(m.ProgramBlock.program_id == program_id)
            .order_by(m.ProgramBlock.position)
        ).all()
        weeks = s.scalars(
            select(m.Week)
            .where(m.Week.block_id.in_([b.id for b in blocks]))
            .order_by(m.Week.position)
        ).all()
        sessions = s.scalars(
            select(m.Session)
            .where(m.Session.week_id.in_([w.id for w in weeks]))
            .order_by(m.Session.position)
        ).all()
        exercises = s.scalars(
            select(m.SessionExercise)
            .where(m.SessionExercise.session_id.in_([x.id for x in sessions]))
            .order_by(m.SessionExercise.session_id, m.SessionExercise.position)
        ).all()
        names = {row[0]: row[1] for row in s.execute(select(m.Exercise.id, m.Exercise.name))}
        return {
            "program": (program.title, program.description, program.is_draft),
            "blocks": [(b.id, b.title, b.position) for b in blocks],
            "weeks": [(w.id, w.block_id, w.week_number, w.position) for w in weeks],
            "sessions": [(x.id, x.week_id, x.title, x.position) for x in sessions],
            "exercises": [
                (e.id, e.session_id, names[e.exercise_id], e.position, e.config) for e in exercises
            ],
        }


def logs_fingerprint(engine: Engine) -> dict[str, str]:
    """Every progress and clip row, digested column by column (clip bytes included)."""
    with engine.connect() as conn:
        progress = conn.execute(
            text(
                'SELECT id, md5(concat_ws(\'|\', "sessionId", "studentId", status, '
                "progress::text, \"updatedAt\"::text, array_to_string(videos, ','))) "
                "FROM session_progress"
            )
        ).all()
        media = conn.execute(
            text(
                'SELECT id, md5(concat_ws(\'|\', "progressId", "mimeType", size::text, '
                "md5(data))) FROM exercise_media"
            )
        ).all()
    return {f"p:{row[0]}": row[1] for row in progress} | {f"m:{row[0]}": row[1] for row in media}


def test_build_a_program_with_all_five_types(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    new_program(qtbot, page, "Hybrid base")
    qtbot.keyClicks(page.description_edit, "Four weeks to build an engine.")

    # A session needs a week, which needs a block: "+ Session" makes what is missing.
    page.add_session_action.trigger()
    session_id = page.selected_id()
    assert session_id is not None
    qtbot.keyClicks(page.node_form.title_edit, " A")  # "Session 1 A"
    page.node_form.title_edit.clear()
    qtbot.keyClicks(page.node_form.title_edit, "Full body A")
    assert page.editor.model.label(page.editor.model.item(session_id)) == "Full body A"

    # 1. Standard, found by searching the docked library.
    add_from_search(qtbot, page, "Barbell Back Squat")
    form = page.exercise_form
    std = form.pages[form.kind]
    assert form.kind.value == "standard"
    type_into(qtbot, std.fields["sets"], "25")  # type: ignore[arg-type]
    assert std.fields["sets"].message.isVisible()
    assert std.fields["sets"].message.text() == "Sets must be a whole number from 1 to 20."
    type_into(qtbot, std.fields["sets"], "4")  # type: ignore[arg-type]
    assert not std.fields["sets"].message.isVisible()
    type_into(qtbot, std.fields["reps"], "12-8")  # type: ignore[arg-type]
    assert "lower to a higher" in std.fields["reps"].message.text()
    type_into(qtbot, std.fields["reps"], "8-12")  # type: ignore[arg-type]
    load = std.fields["weight"]
    assert isinstance(load, UnitField)
    type_into(qtbot, load, "100")
    type_into(qtbot, std.fields["rest"], "120")  # type: ignore[arg-type]
    effort = std.fields["rpe"]
    assert isinstance(effort, UnitField)
    choose(qtbot, effort.unit, "RIR")
    type_into(qtbot, effort, "2")
    type_into(qtbot, std.fields["tempo"], "3-1-1")  # type: ignore[arg-type]
    type_into(qtbot, std.fields["tempo"], "3-1-1-0")  # type: ignore[arg-type]
    assert not form.errors

    # 2. EMOM, dragged from the library onto the session.
    drag_from_library(qtbot, page, "Kettlebell Swing EMOM", session_id)
    assert form.kind.value == "EMOM"
    emom = form.pages[form.kind]
    type_into(qtbot, emom.fields["duration"], "12")  # type: ignore[arg-type]
    type_into(qtbot, emom.fields["reps"], "15")  # type: ignore[arg-type]
    type_into(qtbot, emom.fields["weight"], "24")  # type: ignore[arg-type]

    # 3. AMRAP: a standard library exercise prescribed as AMRAP by choosing the type.
    add_from_search(qtbot, page, "Goblet Squat")
    choose(qtbot, form.type_combo, "AMRAP (as many as possible)")
    assert form.kind.value == "AMRAP"
    amrap = form.pages[form.kind]
    type_into(qtbot, amrap.fields["duration"], "61")  # type: ignore[arg-type]
    assert "Time cap must be a whole number from 1 to 60 minutes." in (
        amrap.fields["duration"].message.text()
    )
    type_into(qtbot, amrap.fields["duration"], "8")  # type: ignore[arg-type]
    qtbot.keyClicks(amrap.fields["goal"].line, "Smooth pace")  # type: ignore[attr-defined]
    target = amrap.fields["reps"]
    assert isinstance(target, UnitField)
    choose(qtbot, target.unit, "rounds")
    type_into(qtbot, target, "6")

    # 4. Circuit, dragged, with its stations typed into the table.
    drag_from_library(qtbot, page, "Engine Circuit", session_id)
    assert form.kind.value == "circuit"
    circuit = form.pages[form.kind]
    type_into(qtbot, circuit.fields["sets"], "4")  # type: ignore[arg-type]
    type_into(qtbot, circuit.fields["rest"], "90")  # type: ignore[arg-type]
    stations = circuit.stations_field  # type: ignore[attr-defined]
    before = stations.model.rowCount()
    qtbot.mouseClick(stations.add_button, Qt.MouseButton.LeftButton)
    row = before
    stations.model.item(row, 0).setText("Sled push")
    stations.model.item(row, 2).setText("30")
    stations.model.item(row, 4).setText("80")

    # 5. Custom, by double-clicking it in the library list.
    page.library_search.clear()
    with qtbot.waitSignal(page.library.results_ready, timeout=5_000):
        qtbot.keyClicks(page.library_search, "Dynamic Warm-up")
    page.select_node(session_id)
    index = page.library_model.index(0, 1)
    page.library_view.doubleClicked.emit(index)
    assert form.kind.value == "custom"
    custom = form.pages[form.kind]
    qtbot.keyClicks(custom.fields["instructions"].box, "Ten minutes, easy, then strides.")  # type: ignore[attr-defined]
    type_into(qtbot, custom.fields["duration"], "600")  # type: ignore[arg-type]

    # Published, not a draft.
    qtbot.mouseClick(page.draft_check, Qt.MouseButton.LeftButton)
    assert not page.editor.document.is_draft
    save(qtbot, page)

    program_id = page.editor.document.id
    rows = rows_of(engine, program_id)
    assert rows["program"] == ("Hybrid base", "Four weeks to build an engine.", False)
    assert [(b[1], b[2]) for b in rows["blocks"]] == [("Block 1", 0)]
    assert [(w[2], w[3]) for w in rows["weeks"]] == [(1, 0)]
    assert [(x[2], x[3]) for x in rows["sessions"]] == [("Full body A", 0)]
    exercises = [(e[2], e[3], e[4]) for e in rows["exercises"]]
    engine_circuit = exercises[3][2]
    assert exercises == [
        (
            "Barbell Back Squat",
            0,
            {
                "sets": 4,
                # The web reads a number here; the range rides beside it.
                "reps": 8,
                "repsTarget": "8-12",
                "format": "standard",
                "weight": 100,
                "rest": 120,
                "rpe": 8,
                "rir": 2,
                "tempo": "3-1-1-0",
            },
        ),
        (
            "Kettlebell Swing EMOM",
            1,
            {"reps": 15, "format": "EMOM", "weight": 24, "duration": 720},
        ),
        (
            "Goblet Squat",
            2,
            {"format": "AMRAP", "duration": 480, "goal": "Smooth pace", "targetRounds": 6},
        ),
        ("Engine Circuit", 3, engine_circuit),
        (
            "Dynamic Warm-up",
            4,
            {
                "format": "standard",
                "duration": 600,
                "instructions": "Ten minutes, easy, then strides.",
            },
        ),
    ]
    assert engine_circuit["format"] == "circuit"
    assert engine_circuit["sets"] == 4
    assert engine_circuit["rest"] == 90
    assert engine_circuit["stations"][-1] == {"name": "Sled push", "seconds": 30, "weight": 80}
    with OrmSession(engine) as s:
        audit = s.scalars(
            select(m.ProgramAudit.change_type).where(m.ProgramAudit.program_id == program_id)
        ).all()
    # Written once, at the first save, as a whole: one create row (nothing was stored before).
    assert sorted(audit) == ["create"]

    # The saved program opens again as saved: the form shows the stored values.
    page.select_node(rows["exercises"][0][0])
    std_page = page.exercise_form.page
    assert std_page.fields["reps"].line.text() == "8-12"  # type: ignore[attr-defined]
    effort_field = std_page.fields["rpe"]
    assert isinstance(effort_field, UnitField)
    assert (effort_field.line.text(), effort_field.unit.currentText()) == ("2", "RIR")


def _demo_program(page: ProgramBuilderPage, title_part: str) -> str:
    for row in range(page.programs_model.rowCount()):
        summary = page.programs_model.summary(row)
        if title_part in summary.title:
            return summary.id
    raise AssertionError(f"no demo program with {title_part!r}")


def _logged_sessions(engine: Engine) -> dict[str, set[str]]:
    with OrmSession(engine) as s:
        rows = s.execute(select(m.SessionProgress.session_id, m.SessionProgress.student_id)).all()
    logged: dict[str, set[str]] = {}
    for session_id, student_id in rows:
        logged.setdefault(session_id, set()).add(student_id)
    return logged


def open_first_demo_program(qtbot: QtBot, page: ProgramBuilderPage) -> str:
    program_id = page.programs_model.summary(0).id
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(program_id)
    settle(qtbot, page)
    return program_id


def test_edit_a_demo_program_keeps_students_logs_and_clips(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    program_id = open_first_demo_program(qtbot, page)
    before_logs = logs_fingerprint(engine)
    assert any(k.startswith("m:") for k in before_logs), "the demo has clips"
    before = rows_of(engine, program_id)
    logged = _logged_sessions(engine)
    model = page.editor.model
    doc = page.editor.document

    # Removing a logged session asks first, naming the students; cancelling saves nothing.
    logged_session = next(s for s in model.nodes_of(SessionDoc) if s.id in logged)
    page.select_node(logged_session.id)
    page.remove_action.trigger()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message_box is not None, timeout=10_000)
    box = page.message_box
    assert box is not None
    assert box.text().startswith("Saving removes sessions that ")
    assert "logged" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    settle(qtbot, page)
    assert "Not saved" in page.editor_message.text()
    page.undo_action.trigger()
    assert model.has(logged_session.id)

    # 1. Reorder: the first exercise of a logged session goes down one, with Alt+Down's action.
    first_session = next(s for s in model.nodes_of(SessionDoc) if s.id in logged)
    assert isinstance(first_session, SessionDoc)
    assert len(first_session.exercises) >= 2
    moved = first_session.exercises[0]
    page.select_node(moved.id)
    page.down_action.trigger()
    assert model.row_of(moved.id) == 1

    # 2. Remove a session nobody logged.
    unlogged = [s for s in model.nodes_of(SessionDoc) if s.id not in logged]
    assert unlogged, "the demo leaves later weeks unlogged"
    removed = unlogged[-1]
    page.select_node(removed.id)
    page.remove_action.trigger()
    assert not model.has(removed.id)

    # 3. Change a config of a standard exercise in a logged session, by typing in the form.
    second = first_session.exercises[1]
    changed = next(
        e
        for e in first_session.exercises[1:]
        if model.reading(e).kind.value == "standard" and model.reading(e).is_valid
    )
    page.select_node(changed.id)
    form: ExerciseForm = page.exercise_form
    sets = form.page.fields.get("sets")
    assert isinstance(sets, TextField)
    type_into(qtbot, sets, "5")
    assert not form.errors

    # 4. Move a session to another week by drag and drop (the model's drop interface).
    weeks = [w for w in model.nodes_of(WeekDoc) if isinstance(w, WeekDoc)]
    travelling = weeks[-1].sessions[0]
    data = model.mimeData([model.index_of(travelling.id)])
    target_week = weeks[-2]
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, model.index_of(target_week.id))
    assert model.parent_id(travelling.id) == target_week.id
    assert model.row_of(travelling.id) == 0

    assert page.editor.dirty
    save(qtbot, page)
    assert page.state_label.text().startswith("Saved:")

    after = rows_of(engine, program_id)
    assert removed.id not in {x[0] for x in after["sessions"]}
    assert len(after["sessions"]) == len(before["sessions"]) - 1
    # Kept rows keep their ids: saving changed them in place.
    assert {x[0] for x in after["sessions"]} == {x[0] for x in before["sessions"]} - {removed.id}
    by_id = {e[0]: e for e in after["exercises"]}
    assert by_id[moved.id][3] == 1
    assert by_id[second.id][3] == 0
    assert by_id[changed.id][4]["sets"] == 5
    old_config = next(e[4] for e in before["exercises"] if e[0] == changed.id)
    # Only the edited value changed; keys the form does not show are kept.
    assert by_id[changed.id][4] == {**old_config, "sets": 5}
    assert {x[0]: x[1] for x in after["sessions"]}[travelling.id] == target_week.id
    # The students' logs and clips are as they were, except that the logs of the reordered
    # session list their entries in the exercises' new order (the web pairs entry i with row i).
    after_logs = logs_fingerprint(engine)
    with engine.connect() as conn:
        realigned = {
            f"p:{row[0]}"
            for row in conn.execute(
                text('SELECT id FROM session_progress WHERE "sessionId" = :s'),
                {"s": first_session.id},
            )
        }
        entries = dict(
            conn.execute(
                text(
                    "SELECT id, progress->'exercises' FROM session_progress"
                    ' WHERE "sessionId" = :s'
                ),
                {"s": first_session.id},
            ).all()
        )
    assert {k for k in after_logs if after_logs[k] != before_logs.get(k)} <= realigned
    assert set(after_logs) == set(before_logs)
    for listed in entries.values():
        assert [e["exerciseId"] for e in listed[:2]] == [second.exercise_id, moved.exercise_id]
    assert doc.id == program_id


def test_undo_and_redo(qtbot: QtBot, page: ProgramBuilderPage) -> None:
    open_first_demo_program(qtbot, page)
    model = page.editor.model
    start = page.editor.document
    assert not page.undo_action.isEnabled()

    page.add_block_action.trigger()
    after_block = page.editor.document
    assert len(after_block.blocks) == len(start.blocks) + 1
    week = page.selected_id()
    assert week is not None
    page.add_session_action.trigger()
    session_id = page.selected_id()
    assert session_id is not None
    add_from_search(qtbot, page, "Front Squat")
    sets = page.exercise_form.page.fields["sets"]
    assert isinstance(sets, TextField)
    type_into(qtbot, sets, "6")
    edited = page.editor.document
    qtbot.keyClicks(page.title_edit, " v2")
    assert page.editor.document.title.endswith(" v2")

    # Ctrl+Z with the focus in the tree: the title typing is one step.
    page.tree.setFocus()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5_000)
    qtbot.keyClick(page.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.document == edited
    assert page.title_edit.text() == start.title
    page.undo_action.trigger()  # the sets typed: one step
    page.undo_action.trigger()  # the exercise added
    page.undo_action.trigger()  # the session
    page.undo_action.trigger()  # the block
    assert page.editor.document == start
    assert not page.editor.dirty

    # Ctrl+Shift+Z redoes, in order, up to the title again.
    for _ in range(5):
        qtbot.keyClick(
            page.tree,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert page.editor.document.title == start.title + " v2"
    assert model.has(session_id)
    assert page.editor.dirty

    # Keyboard reorder: Alt+Up on the new block moves it before the last one.
    block_id = model.parent_id(week)
    page.select_node(block_id)
    row = model.row_of(block_id)
    qtbot.keyClick(page.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert model.row_of(block_id) == row - 1
    page.undo_action.trigger()
    assert model.row_of(block_id) == row


def test_conflict_with_an_edit_made_elsewhere(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    program_id = open_first_demo_program(qtbot, page)
    model = page.editor.model
    block = page.editor.document.blocks[0]
    # Another workstation renames the first block meanwhile.
    with OrmSession(engine) as s:
        s.execute(
            update(m.ProgramBlock)
            .where(m.ProgramBlock.id == block.id)
            .values(title="Renamed on the web")
        )
        s.commit()
    page.select_node(block.id)
    qtbot.keyClicks(page.node_form.title_edit, " (mine)")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, ConflictDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, ConflictDialog)
    changes = [dialog.changes.item(i).text() for i in range(dialog.changes.count())]
    assert any("Renamed block 1" in line and "Renamed on the web" in line for line in changes)

    # Reload: the web's version comes in, the coach's edit goes.
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert page.editor.document.blocks[0].title == "Renamed on the web"
    assert not page.editor.dirty

    # Another change elsewhere, then an overwrite chosen deliberately.
    with OrmSession(engine) as s:
        s.execute(
            update(m.ProgramBlock).where(m.ProgramBlock.id == block.id).values(title="Web again")
        )
        s.commit()
    page.select_node(block.id)
    page.node_form.title_edit.clear()
    qtbot.keyClicks(page.node_form.title_edit, "Coach's title")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.dialog, ConflictDialog), timeout=10_000)
    dialog = page.dialog
    assert isinstance(dialog, ConflictDialog)
    with qtbot.waitSignal(page.editor.saved, timeout=10_000):
        qtbot.mouseClick(dialog.overwrite_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    with OrmSession(engine) as s:
        assert s.get(m.ProgramBlock, block.id).title == "Coach's title"  # type: ignore[union-attr]
    assert model.has(block.id)
    assert program_id == page.editor.document.id


def test_unsaved_changes_prompt_when_leaving(qtbot: QtBot, page: ProgramBuilderPage) -> None:
    open_first_demo_program(qtbot, page)
    qtbot.keyClicks(page.title_edit, " (edited)")
    assert page.editor.dirty
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    box = page.message_box
    assert box is not None
    assert "not saved" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert page.views.currentIndex() == page.EDITOR

    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    box = page.message_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Discard).click()
    assert page.views.currentIndex() == page.LIST
    settle(qtbot, page)


def test_esc_on_a_typed_new_program_title_asks_first(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    def count() -> int:
        with OrmSession(engine) as s:
            return len(s.scalars(select(m.Program.id)).all())

    before = count()
    # Untouched: Esc closes at once.
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, QInputDialog)
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, QInputDialog)
    qtbot.waitExposed(dialog)
    edit = dialog.findChild(QLineEdit)
    assert edit is not None
    qtbot.keyClicks(edit, "Push week")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    asked = answer_question(qtbot, dialog, KEEP)
    assert asked.text == 'Discard the new program "Push week"?'
    assert asked.detail == "No program is created yet."
    assert asked.default_button == "Keep editing"
    assert dialog.isVisible()
    assert dialog.textValue() == "Push week"

    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    answer_question(qtbot, dialog, DISCARD)
    assert not dialog.isVisible()
    assert page.views.currentIndex() == page.LIST
    assert count() == before


def test_a_new_program_writes_nothing_until_its_first_save(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    def count() -> int:
        with OrmSession(engine) as s:
            return len(s.scalars(select(m.Program.id)).all())

    before = count()
    new_program(qtbot, page, "Never saved")
    assert page.editor.is_new
    assert page.editor.dirty
    assert count() == before, "opening a new program writes no row"

    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    box = page.message_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Discard).click()
    assert page.views.currentIndex() == page.LIST
    settle(qtbot, page)
    assert count() == before, "Discard leaves no empty draft"

    new_program(qtbot, page, "Saved at last")
    page.add_block_action.trigger()
    save(qtbot, page)
    assert not page.editor.is_new
    assert page.state_label.text().startswith("Saved:")
    with OrmSession(engine) as s:
        titles = s.scalars(select(m.Program.title)).all()
        program_id = page.editor.document.id
        blocks = s.scalars(
            select(m.ProgramBlock.id).where(m.ProgramBlock.program_id == program_id)
        ).all()
    assert "Saved at last" in titles
    assert "Never saved" not in titles
    assert len(blocks) == 1


def test_duplicate_as_template(qtbot: QtBot, page: ProgramBuilderPage, engine: Engine) -> None:
    source = page.programs_model.summary(0)
    page.programs_view.setCurrentIndex(page.programs_model.index(0, 0))
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        qtbot.mouseClick(page.duplicate_program_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    copy = page.editor.document
    assert copy.id != source.id
    assert copy.title == f"{source.title} (copy)"
    assert copy.is_draft
    original = rows_of(engine, source.id)
    duplicate = rows_of(engine, copy.id)
    assert len(duplicate["sessions"]) == len(original["sessions"])
    assert duplicate["exercises"]
    assert not {e[0] for e in duplicate["exercises"]} & {e[0] for e in original["exercises"]}
    assert sorted(map(str, (e[4] for e in duplicate["exercises"]))) == sorted(
        map(str, (e[4] for e in original["exercises"]))
    )


def test_invalid_stored_config_is_shown_raw_and_kept_until_edited(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    program_id = page.programs_model.summary(0).id
    stored = {"sets": "lots", "reps": "8-12", "format": "standard", "coachTag": "keep me"}
    with OrmSession(engine) as s:
        target = s.scalars(
            select(m.SessionExercise)
            .join(m.Exercise, m.Exercise.id == m.SessionExercise.exercise_id)
            .join(m.Session, m.Session.id == m.SessionExercise.session_id)
            .join(m.Week, m.Week.id == m.Session.week_id)
            .join(m.ProgramBlock, m.ProgramBlock.id == m.Week.block_id)
            .where(m.ProgramBlock.program_id == program_id)
            .where(m.Exercise.type == m.ExerciseType.standard)
            .limit(1)
        ).one()
        target.config = stored
        node_id, session_id = target.id, target.session_id
        s.commit()
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(program_id)
    settle(qtbot, page)
    model = page.editor.model
    assert model.index_of(node_id).data(INVALID_ROLE) is True
    assert "invalid config" in model.index_of(node_id).data()

    page.select_node(node_id)
    form = page.exercise_form
    assert form.banner.isVisible()
    sets = form.page.fields["sets"]
    assert isinstance(sets, TextField)
    assert sets.line.text() == "lots"
    assert sets.message.text() == 'Sets must be a whole number from 1 to 20. Stored: "lots"'

    # Another edit of the program saves without touching the stored config.
    page.select_node(session_id)
    page.node_form.title_edit.clear()
    qtbot.keyClicks(page.node_form.title_edit, "Renamed day")
    save(qtbot, page)
    with OrmSession(engine) as s:
        assert s.get(m.SessionExercise, node_id).config == stored  # type: ignore[union-attr]

    # Editing another field while the stored value is still unusable commits nothing.
    page.select_node(node_id)
    reps = form.page.fields["reps"]
    assert isinstance(reps, TextField)
    type_into(qtbot, reps, "10")
    assert "sets" in form.errors
    assert not page.editor.dirty
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert not page.editor.busy
    # Fixing it commits the whole prescription; the unknown key travels along.
    type_into(qtbot, sets, "3")
    assert not form.errors
    save(qtbot, page)
    with OrmSession(engine) as s:
        assert s.get(m.SessionExercise, node_id).config == {  # type: ignore[union-attr]
            "sets": 3,
            "reps": 10,
            "format": "standard",
            "coachTag": "keep me",
        }


def test_removing_a_logged_session_once_confirmed(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    open_first_demo_program(qtbot, page)
    logged = _logged_sessions(engine)
    model = page.editor.model
    session = next(s for s in model.nodes_of(SessionDoc) if s.id in logged)
    before = logs_fingerprint(engine)
    with OrmSession(engine) as s:
        doomed = set(
            s.scalars(
                select(m.SessionProgress.id).where(m.SessionProgress.session_id == session.id)
            )
        )
    page.select_node(session.id)
    page.remove_action.trigger()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message_box is not None, timeout=10_000)
    box = page.message_box
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete them and save")
    with qtbot.waitSignal(page.editor.saved, timeout=10_000):
        delete.click()
    settle(qtbot, page)
    after = logs_fingerprint(engine)
    gone = {key for key in before if key not in after}
    assert {f"p:{pid}" for pid in doomed} <= gone
    # Only that session's logs (and their clips) went; every other row is untouched.
    assert all(after[key] == value for key, value in before.items() if key not in gone)
    assert all(key.startswith("m:") for key in gone - {f"p:{pid}" for pid in doomed})


def test_deleting_a_program_names_the_students_logs_it_takes_along(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    row = next(
        r
        for r in range(page.programs_model.rowCount())
        if page.programs_model.summary(r).title == "Strength Foundations"
    )
    page.programs_view.setCurrentIndex(page.programs_model.index(row, 0))
    assert page.delete_program_button.isEnabled()

    qtbot.mouseClick(page.delete_program_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.message_box, QMessageBox), timeout=10_000)
    box = page.message_box
    assert isinstance(box, QMessageBox)
    assert "This removes sessions that" in box.text()
    assert "Camille Laurent" in box.text()

    # Cancel keeps everything.
    box.done(QMessageBox.StandardButton.Cancel)
    with OrmSession(engine) as session:
        assert session.scalar(select(m.Program.id).where(m.Program.title == "Strength Foundations"))

    qtbot.mouseClick(page.delete_program_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.message_box, QMessageBox), timeout=10_000)
    assert page.message_box is not None
    page.message_box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(
        lambda: (
            not page.busy
            and all(
                page.programs_model.summary(r).title != "Strength Foundations"
                for r in range(page.programs_model.rowCount())
            )
        ),
        timeout=10_000,
    )
    with OrmSession(engine) as session:
        titles = session.scalars(select(m.Program.title)).all()
    assert titles == ["Hybrid Conditioning"]


def test_a_saved_reorder_of_sessions_says_the_web_may_list_the_old_order(
    qtbot: QtBot, page: ProgramBuilderPage
) -> None:
    """Sessions are renumbered in place, not rewritten (logs hang off them), so a web read
    without ORDER BY may keep the old order: the builder says so after the save."""
    open_first_demo_program(qtbot, page)
    second = page.editor.document.blocks[0].weeks[0].sessions[1]
    page.select_node(second.id)
    page.up_action.trigger()
    with qtbot.waitSignal(page.editor.saved, timeout=10_000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)

    assert page.save_notice.isVisible()
    assert "old order" in page.save_notice.text()
    assert not page.editor_message.isVisible()

    # The next edit clears it.
    page.select_node(second.id)
    page.down_action.trigger()
    assert not page.save_notice.isVisible()


def test_set_a_sessions_date_and_weekday_then_undo_and_save(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine
) -> None:
    open_first_demo_program(qtbot, page)
    session = page.editor.model.nodes_of(SessionDoc)[-1]
    assert isinstance(session, SessionDoc)
    page.select_node(session.id)
    form = page.node_form
    assert form.date_row.isVisible()
    before = session.date

    form.dated_check.setChecked(True)
    form.date_edit.setDate(QDate(2026, 4, 15))  # a Wednesday
    assert form.weekday_label.text() == "Wednesdays"
    assert form.date_edit.text() == "Wed 15 Apr 2026"
    edited = page.editor.model.item(session.id)
    assert isinstance(edited, SessionDoc)
    assert edited.date == datetime(2026, 4, 15, 12, 0)
    assert page.editor.dirty

    while page.undo_action.isEnabled():
        page.undo_action.trigger()
    undone = page.editor.model.item(session.id)
    assert isinstance(undone, SessionDoc)
    assert undone.date == before
    assert not page.editor.dirty, "back to the saved state: nothing unsaved"
    assert "Unsaved" not in page.state_label.text()

    page.select_node(session.id)
    form.dated_check.setChecked(True)
    form.date_edit.setDate(QDate(2026, 4, 16))
    save(qtbot, page)
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT date FROM sessions WHERE id = :i"), {"i": session.id}
        ).scalar_one()
    assert stored == datetime(2026, 4, 16, 12, 0)


def test_a_minute_like_emom_duration_is_shown_as_ambiguous_and_confirmed_by_the_coach(
    qtbot: QtBot, page: ProgramBuilderPage, engine: Engine, tmp_path: Path
) -> None:
    """The web's builder writes seconds, its programs page labels the same key minutes: a stored
    12 is not shown as a 12-second EMOM."""
    program_id = page.programs_model.summary(0).id
    stored = {"sets": 1, "reps": 10, "format": "EMOM", "duration": 12}
    with OrmSession(engine) as s:
        target = s.scalars(
            select(m.SessionExercise)
            .join(m.Session, m.Session.id == m.SessionExercise.session_id)
            .join(m.Week, m.Week.id == m.Session.week_id)
            .join(m.ProgramBlock, m.ProgramBlock.id == m.Week.block_id)
            .where(m.ProgramBlock.program_id == program_id)
            .limit(1)
        ).one()
        target.config = stored
        node_id = target.id
        s.commit()
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(program_id)
    settle(qtbot, page)
    summary = page.editor.model.index_of(node_id).data()
    assert "EMOM 12 min or 12 s?" in summary
    assert "check the duration" in summary

    page.select_node(node_id)
    form = page.exercise_form
    assert form.banner.isVisible()
    assert "minutes" in form.banner.text()
    assert "seconds" in form.banner.text()
    minutes = form.page.fields["duration"]
    assert isinstance(minutes, TextField)
    assert minutes.line.text() == "12"
    assert "12 minutes" in minutes.message.text()
    assert "12 seconds" in minutes.message.text()
    page.grab().save(
        str(Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path) / "emom_ambiguous.png")
    )

    # The coach confirms the minutes: seconds are written, as the web's builder reads them.
    type_into(qtbot, minutes, "12")
    save(qtbot, page)
    with OrmSession(engine) as s:
        config = s.get(m.SessionExercise, node_id).config  # type: ignore[union-attr]
    assert config == {**stored, "duration": 720}
