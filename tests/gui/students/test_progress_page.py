# The assertions compare the screen's own text, times signs included.
# ruff: noqa: RUF001
"""A student's progress page on hand-made rows in the web runner's shapes (messy ones included)
and on the demo data: ghost rows beside logged rows, both statuses where they disagree, clips,
and logging a session on the student's behalf."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.clips import ClipRow
from gbf_desktop.ui.kit.delegates import DETAIL_ROLE
from gbf_desktop.ui.students.progress_page import (
    FLAGS_ROLE,
    SESSION_ROLE,
    GhostColumn,
    GhostRowsModel,
    ProgressPage,
    side_text,
)
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.conftest import Seed, SessionSpec, day

pytestmark = [pytest.mark.gui, pytest.mark.db]

DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass(frozen=True)
class Messy:
    coach: SignedInUser
    student_id: str
    heavy_day: str  # every exercise type, logged with numbers as text and a field left out
    light_day: str  # stored "completed" by the web although one exercise was not done
    heavy_progress_id: str


def _entry(position: int, exercise: m.Exercise, config: Any, data: Any, **extra: Any) -> Any:
    return {
        "position": position,
        "exerciseId": exercise.id,
        "exerciseName": exercise.name,
        "exerciseType": str(exercise.type),
        "config": config,
        "status": extra.pop("status", "completed"),
        "notes": extra.pop("notes", ""),
        "videos": [],
        "data": data,
    }


def messy_student(seed: Seed, engine: Engine) -> Messy:
    """A coach, a student, a two-session program and two logs written as the web runner would,
    with the mess real rows hold: numbers as text, an RPE missing, a minute not logged."""
    coach_id = seed.user("maya@example.org", role=m.Role.coach, first="Maya", last="Lind")
    coach = SignedInUser(coach_id, "maya@example.org", "Maya Lind", "coach")
    student = seed.user("rita@example.org", first="Rita", last="Sousa", coach=coach_id)
    heavy, light = seed.program(
        coach_id,
        "Strength base",
        [("Base", [[SessionSpec("Heavy day", day(0)), SessionSpec("Light day", day(2))]])],
    )
    seed.assign("Strength base", student, coach_id)

    def exercise(name: str, kind: m.ExerciseType) -> m.Exercise:
        return m.Exercise(
            id=m.new_id(), name=name, type=kind, scope=m.Scope.coach, owner_id=coach_id
        )

    squat = exercise("Back Squat", m.ExerciseType.standard)
    burpees = exercise("Burpee EMOM", m.ExerciseType.EMOM)
    row = exercise("Row AMRAP", m.ExerciseType.AMRAP)
    carry = exercise("Carry Circuit", m.ExerciseType.circuit)
    mobility = exercise("Hip Mobility", m.ExerciseType.custom)
    bench = exercise("Bench Press", m.ExerciseType.standard)
    configs: list[tuple[str, m.Exercise, dict[str, Any]]] = [
        (heavy, squat, {"sets": 3, "reps": 5, "format": "standard", "weight": 100, "rpe": 8}),
        (heavy, burpees, {"sets": 1, "reps": 10, "format": "EMOM", "duration": 240}),
        (heavy, row, {"reps": 60, "format": "AMRAP", "duration": 600}),
        (heavy, carry, {"sets": 3, "reps": 20, "weight": 24}),
        (heavy, mobility, {"instructions": "Hip flow, 10 minutes"}),
        (light, squat, {"sets": 2, "reps": 8, "format": "standard", "weight": 80}),
        (light, bench, {"sets": 3, "reps": 10, "format": "standard", "weight": 60}),
    ]
    planned = []
    positions: dict[str, int] = {}
    for session_id, item, config in configs:
        position = positions.get(session_id, 0)
        positions[session_id] = position + 1
        planned.append(
            m.SessionExercise(
                id=m.new_id(),
                session_id=session_id,
                exercise_id=item.id,
                config=config,
                position=position,
            )
        )
    c = {(s, e.id): cfg for s, e, cfg in configs}
    heavy_entries = [
        _entry(
            0,
            squat,
            c[(heavy, squat.id)],
            {"setsCompleted": 3, "repsPerSet": ["5", 5, 3], "weightUsed": "100", "rpe": 9},
        ),
        _entry(1, burpees, c[(heavy, burpees.id)], {"repsPerMinute": [10, 12, 8], "rpe": None}),
        _entry(
            2,
            row,
            c[(heavy, row.id)],
            {"totalReps": 54, "rounds": 4, "extraReps": 6, "rpe": "8.5"},
        ),
        _entry(
            3,
            carry,
            c[(heavy, carry.id)],
            {"roundsCompleted": 3, "totalReps": 60, "weightUsed": 24, "rpe": 7},
        ),
        _entry(
            4,
            mobility,
            c[(heavy, mobility.id)],
            {"notes": "Felt tight"},
            notes="Left hip pinched",
        ),
    ]
    light_entries = [
        _entry(
            0,
            squat,
            c[(light, squat.id)],
            {"setsCompleted": 2, "repsPerSet": [8, 8], "repsCompleted": 16, "weightUsed": 80},
        ),
        _entry(1, bench, c[(light, bench.id)], {}, status="not_started"),
    ]

    def progress(session_id: str, title: str, entries: list[Any], notes: str | None) -> Any:
        return m.SessionProgress(
            id=m.new_id(),
            session_id=session_id,
            student_id=student,
            status="completed",  # the web's claim, whatever the exercises say
            notes=notes,
            progress={
                "sessionId": session_id,
                "sessionTitle": title,
                "exercises": entries,
                "summary": {"totalExercises": len(entries), "completedExercises": 1},
            },
        )

    heavy_log = progress(heavy, "Heavy day", heavy_entries, "Tired after work")
    with OrmSession(engine, expire_on_commit=False) as session:
        for item in (squat, burpees, row, carry, mobility, bench, *planned):
            session.add(item)
            session.flush()
        session.add(heavy_log)
        session.add(progress(light, "Light day", light_entries, None))
        session.commit()
    return Messy(coach, student, heavy, light, heavy_log.id)


def open_page(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    coach: SignedInUser,
    student_id: str,
    **kwargs: Any,
) -> ProgressPage:
    page = ProgressPage(backend, runner, coach, **kwargs)
    qtbot.addWidget(page)
    page.resize(1230, 740)
    page.show()
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.show_student(student_id, "Rita Sousa")
    return page


def cells(model: GhostRowsModel, exercise: str, line: str) -> tuple[str, str, str]:
    """(prescribed, logged, check) of one line of one exercise, as the view shows them."""
    parent = model.index(model.exercise_row(exercise), 0)
    for r in range(model.rowCount(parent)):
        if model.index(r, GhostColumn.ITEM, parent).data(DISPLAY) == line:
            return (
                model.index(r, GhostColumn.PRESCRIBED, parent).data(DISPLAY),
                model.index(r, GhostColumn.LOGGED, parent).data(DISPLAY),
                model.index(r, GhostColumn.CHECK, parent).data(DISPLAY),
            )
    raise AssertionError(f"no line {line!r} under {exercise!r}")


def exercise_cells(model: GhostRowsModel, exercise: str) -> tuple[str, str, str]:
    row = model.exercise_row(exercise)
    return (
        model.index(row, GhostColumn.PRESCRIBED).data(DISPLAY),
        model.index(row, GhostColumn.LOGGED).data(DISPLAY),
        model.index(row, GhostColumn.CHECK).data(DISPLAY),
    )


def test_ghost_rows_show_the_prescription_beside_what_was_logged(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.heavy_day)
    model = page.ghost_model

    # Standard, per set: reps x load and RPE; "5" stored as text reads as 5.
    assert cells(model, "Back Squat", "Set 1") == ("5 × 100 kg @ RPE 8", "5 × 100 kg", "")
    assert cells(model, "Back Squat", "Set 3") == (
        "5 × 100 kg @ RPE 8",
        "▼ 3 × 100 kg",
        "▼ short · Reps 3 of 5",
    )
    assert cells(model, "Back Squat", "Effort") == ("RPE 8", "▲ RPE 9", "▲ over · RPE 9 of 8")
    # EMOM, reps per minute: an overshoot, a shortfall, and a minute not logged at all.
    assert cells(model, "Burpee EMOM", "Minute 1") == ("10 reps", "10 reps", "")
    assert cells(model, "Burpee EMOM", "Minute 2") == (
        "10 reps",
        "▲ 12 reps",
        "▲ over · Reps 12 of 10",
    )
    assert cells(model, "Burpee EMOM", "Minute 3")[2] == "▼ short · Reps 8 of 10"
    assert cells(model, "Burpee EMOM", "Minute 4") == (
        "10 reps",
        "▼ —",
        "▼ short · Reps not logged",
    )
    # AMRAP: rounds + reps; the RPE stored as text.
    assert cells(model, "Row AMRAP", "Result") == (
        "Total reps 60",
        "▼ Rounds 4 · Extra reps 6 · Total reps 54",
        "▼ short · Total reps 54 of 60",
    )
    assert cells(model, "Row AMRAP", "Effort")[1] == "RPE 8.5"
    # Circuit, as prescribed.
    assert cells(model, "Carry Circuit", "Totals") == (
        "Rounds 3 · Total reps 60 · Load 24 kg",
        "Rounds 3 · Total reps 60 · Load 24 kg",
        "",
    )
    assert exercise_cells(model, "Carry Circuit")[1:] == ("✓ Completed", "as prescribed")
    # Custom: the instructions beside the student's text, and the exercise note.
    assert cells(model, "Hip Mobility", "Notes")[:2] == ("Hip flow, 10 minutes", "Felt tight")
    assert cells(model, "Hip Mobility", "Student's note")[1] == "Left hip pinched"
    # A shortfall and an overshoot are marked by symbol and word, not by colour alone, and the
    # ghost is greyed and read-only.
    assert exercise_cells(model, "Back Squat")[2] == "▼ 1 short · ▲ 1 over"
    squat = model.index(model.exercise_row("Back Squat"), 0)
    set_3 = model.index(2, GhostColumn.LOGGED, squat)
    assert set_3.data(FLAGS_ROLE) == ("shortfall",)
    assert set_3.data(Qt.ItemDataRole.ForegroundRole) is not None
    ghost = model.index(0, GhostColumn.PRESCRIBED, squat)
    assert ghost.data(Qt.ItemDataRole.FontRole).italic()
    assert not model.flags(ghost) & Qt.ItemFlag.ItemIsEditable

    assert page.computed_chip.text() == "✓ Complete"
    assert page.stored_chip.isHidden()
    assert page.comment_label.text() == "Student's note: Tired after work"


def test_a_session_stored_completed_with_an_exercise_not_done_shows_incomplete_and_both(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.light_day)

    assert page.computed_chip.text() == "◐ Incomplete"
    assert page.stored_chip.isVisible()
    assert page.stored_chip.text() == "⚠ Stored: “completed”"
    assert exercise_cells(page.ghost_model, "Bench Press")[1] == "○ Not done"
    status = page.timeline.currentIndex().siblingAtColumn(1)
    assert status.data(DISPLAY) == "◐ Incomplete"
    assert status.data(DETAIL_ROLE).startswith("stored: completed")


def test_the_session_clips_are_listed_and_open_in_the_player(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    seed.clip(rows.heavy_progress_id, 2_400_000)
    opened: list[ClipRow] = []
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id, open_clip=opened.append)
    assert page.select_session(rows.heavy_day)
    assert page.clips_list.count() == 1
    assert "2.4 MB · not reviewed" in page.clips_list.item(0).text()
    page.clips_list.setCurrentRow(0)
    qtbot.mouseClick(page.play_button, Qt.MouseButton.LeftButton)
    assert [(c.student_name, c.session_title, c.size) for c in opened] == [
        ("Rita Sousa", "Heavy day", 2_400_000)
    ]


def test_the_demo_sessions_show_the_service_figures(
    demo_data: DemoLoader, qtbot: QtBot, backend: Backend, runner: TaskRunner, engine: Engine
) -> None:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        user = SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")
    jonas = next(r for r in backend.students(coach.id) if r.name == "Jonas Becker")
    progress = backend.student_progress(coach.id, jonas.id)
    page = open_page(qtbot, backend, runner, user, jonas.id)

    # The web's "completed" bug in the demo: Jonas's session shows both statuses.
    wrong = [s for p in progress.programs for s in p.sessions if s.status.disagrees]
    assert wrong
    assert page.select_session(wrong[0].id)
    assert page.stored_chip.isVisible()

    # Every line of a logged session, as the service computed it.
    logged = max(progress.logs.values(), key=lambda g: g.saved_at)
    assert page.select_session(logged.session_id)
    detail = progress.session(logged.session_id)
    model = page.ghost_model
    assert model.rowCount() == len(detail.exercises)
    for row, review in enumerate(detail.exercises):
        parent = model.index(row, 0)
        for r, line in enumerate(review.lines):
            assert model.index(r, GhostColumn.PRESCRIBED, parent).data(DISPLAY) == side_text(
                line, "prescribed"
            )
            assert (
                model.index(r, GhostColumn.LOGGED, parent)
                .data(DISPLAY)
                .endswith(side_text(line, "logged"))
            )


def test_logging_a_session_on_the_students_behalf_saves_it_and_reports_a_conflict(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    assert page.select_session(rows.light_day)
    dialog = page.open_log_dialog()
    assert dialog is not None
    # Prefilled from the log where there is one, else from the prescription.
    squat, bench = dialog.forms
    assert [f.get() for f in squat.set_fields[0]] == [8, 80.0, None]
    assert bench.status == "completed"
    assert [[f.get() for f in fields] for fields in bench.set_fields] == [[10, 60.0, None]] * 3
    bench.set_fields[2][0].setValue(7)

    # Meanwhile the student saves on the web.
    with OrmSession(engine) as session:
        row = session.scalars(
            select(m.SessionProgress).where(m.SessionProgress.session_id == rows.light_day)
        ).one()
        row.notes = "Saved from my phone"
        session.commit()
    qtbot.keyClicks(dialog.notes_edit, " Knee ok.")
    with qtbot.waitSignal(dialog.save_button.clicked):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.error_label.isVisible()
    assert "log of" in dialog.error_label.text()
    assert "was changed elsewhere" in dialog.error_label.text()
    assert dialog.reload_button.isVisible()

    # Reload shows their entry and keeps the coach's note; then the save goes through.
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert dialog.notes_edit.toPlainText() == " Knee ok."
    assert not dialog.error_label.isVisible()
    dialog.forms[1].set_fields[2][0].setValue(7)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].status == "completed"

    with OrmSession(engine) as session:
        stored = session.scalars(
            select(m.SessionProgress).where(m.SessionProgress.session_id == rows.light_day)
        ).one()
        bench_entry = stored.progress["exercises"][1]  # type: ignore[index]
        assert stored.status == "completed"
        assert bench_entry["status"] == "completed"
        assert bench_entry["data"]["repsPerSet"] == [10, 10, 7]
        assert bench_entry["data"]["weightUsed"] == 60
        assert stored.notes == "Knee ok."
    # The page reloads after the save: the session is complete on both counts now.
    qtbot.waitUntil(lambda: page.computed_chip.text() == "✓ Complete", timeout=10_000)
    assert page.stored_chip.isHidden()


def test_sessions_in_the_timeline_are_nested_by_block_and_week(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)
    model = page.timeline_model
    program = model.index(0, 0)
    block = model.index(0, 0, program)
    week = model.index(0, 0, block)
    assert (program.data(), block.data(), week.data()) == ("Strength base", "Base", "Week 1")
    # Heavy day is complete; Light day is not, whatever the web stored.
    assert model.index(0, 1).data() == "1 / 2 done"
    sessions = [model.index(r, 0, week) for r in range(model.rowCount(week))]
    assert [s.data() for s in sessions] == ["Heavy day", "Light day"]
    assert [s.data(SESSION_ROLE) for s in sessions] == [rows.heavy_day, rows.light_day]


def test_a_log_that_cannot_be_read_is_shown_as_unreadable_and_the_rest_works(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, engine: Engine
) -> None:
    rows = messy_student(seed, engine)
    deep = "[" * 1000 + "]" * 1000  # past Python's recursion limit when decoded
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE session_progress SET progress = CAST(:v AS jsonb) WHERE id = :id"),
            {"v": deep, "id": rows.heavy_progress_id},
        )
    page = open_page(qtbot, backend, runner, rows.coach, rows.student_id)

    assert page.select_session(rows.heavy_day)
    assert page.comment_label.text() == (
        "\N{WARNING SIGN} The stored log of this session cannot be read: it is nested more "
        "than 64 levels deep. It is left exactly as it is."
    )
    # The other session of the same student still shows what was logged.
    assert page.select_session(rows.light_day)
    assert exercise_cells(page.ghost_model, "Bench Press")[1] == "○ Not done"
