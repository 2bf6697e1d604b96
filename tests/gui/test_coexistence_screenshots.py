"""Screenshots of what the web wrote, as the desktop shows it, to be looked at by a person:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest tests/gui/test_coexistence_screenshots.py

- the builder on a circuit (stored with the web's `format: "circuit"`) and on a ranged-reps
  exercise (`reps` 8 with `repsTarget` "8-12");
- a student's timeline holding a session logged by the web's older workout service
  (`progress.completed`, `progress.sets[]`, status left at `not_started`).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QTreeView
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gbf_desktop import demo
from gbf_desktop.domain.exercise_types import RepRange, StandardPrescription
from gbf_desktop.domain.program_edit import SessionDoc
from gbf_desktop.domain.progress import LEGACY_NAME
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.students.progress_page import GhostColumn
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader
from tests.gui.students.test_progress_page import open_page

pytestmark = [pytest.mark.gui, pytest.mark.db]

SIZE = QSize(1366, 768)
DISPLAY = Qt.ItemDataRole.DisplayRole


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_builder_shows_a_web_circuit_and_a_ranged_reps_exercise(
    demo_data: DemoLoader, qtbot: QtBot, backend: Backend, runner: TaskRunner, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    demo_data()
    coach = backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)
    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    window.show_area(Area.PROGRAMS)
    page = window.programs
    qtbot.waitUntil(lambda: not page.busy and page.programs_model.rowCount() > 0, timeout=10_000)
    titles = [page.programs_model.summary(r).title for r in range(page.programs_model.rowCount())]
    row = titles.index("Hybrid Conditioning")
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(page.programs_model.summary(row).id)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    model = page.editor.model

    sessions = [s for s in model.nodes_of(SessionDoc) if isinstance(s, SessionDoc)]
    circuit = next(
        e for s in sessions for e in s.exercises if model.reading(e).kind.value == "circuit"
    )
    assert circuit.config is not None
    assert circuit.config["format"] == "circuit"
    page.tree.collapseAll()
    page.select_node(circuit.id)
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
    form = page.exercise_form
    assert form.isVisible()
    assert form.type_combo.currentText().startswith("Circuit")
    assert form.page.fields["sets"].line.text() == str(circuit.config["sets"])  # type: ignore[attr-defined]
    summary = page.tree.currentIndex().data(DISPLAY)
    assert "Circuit" in summary
    assert window.grab().save(str(folder / "builder_circuit.png"))

    ranged = next(
        e
        for s in sessions
        for e in s.exercises
        if isinstance(model.reading(e).prescription, StandardPrescription)
        and isinstance(model.reading(e).prescription.reps, RepRange)  # type: ignore[union-attr]
    )
    assert ranged.config is not None
    assert isinstance(ranged.config["reps"], int)
    page.tree.collapseAll()
    page.select_node(ranged.id)
    reps = page.exercise_form.page.fields["reps"]
    low, high = ranged.config["repsTarget"].split("-")
    assert reps.line.text() == f"{low}-{high}"  # type: ignore[attr-defined]
    assert f"{low}-{high}" in page.tree.currentIndex().data(DISPLAY)
    assert not page.exercise_form.banner.isVisible()
    assert window.grab().save(str(folder / "builder_ranged_reps.png"))


def test_a_web_made_legacy_session_in_the_students_timeline(
    demo_data: DemoLoader,
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    *,
    engine: Engine,
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    demo_data()
    coach = backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)
    student = next(r for r in backend.students(coach.id))
    progress = backend.student_progress(coach.id, student.id)
    session = next(s for p in progress.programs for s in p.sessions if s.id not in progress.logs)
    planned = progress.planned[session.id]
    standard = next(p for p in planned if p.library_type == "standard")
    body = {
        "completed": True,
        "completedAt": "2026-03-02T18:00:00.000Z",
        "sets": [
            {"exerciseId": standard.exercise_id, "weight": 60, "reps": 8},
            {"exerciseId": standard.exercise_id, "weight": 62.5, "reps": 6},
            {"weight": 20, "reps": 15},
        ],
    }
    with engine.begin() as conn:
        conn.execute(
            text(
                """INSERT INTO session_progress (id, "sessionId", "studentId", progress,
                                                 status, "savedAt", "updatedAt")
                   VALUES (:i, :s, :t, CAST(:g AS jsonb), 'not_started', now(), now())"""
            ),
            {"i": str(uuid.uuid4()), "s": session.id, "t": student.id, "g": json.dumps(body)},
        )

    page = open_page(qtbot, backend, runner, coach, student.id)
    page.resize(SIZE)
    assert page.select_session(session.id)
    model = page.ghost_model
    legacy_row = model.exercise_row(LEGACY_NAME)
    assert model.index(legacy_row, GhostColumn.ITEM).data(DISPLAY) == LEGACY_NAME
    squat_row = model.exercise_row(standard.exercise_name)
    parent = model.index(squat_row, 0)
    logged = [
        model.index(r, GhostColumn.LOGGED, parent).data(DISPLAY)
        for r in range(model.rowCount(parent))
    ]
    assert any("8 \u00d7 60 kg" in str(text_) for text_ in logged), logged
    status = page.timeline.currentIndex().siblingAtColumn(1).data(DISPLAY)
    assert str(status).endswith("Complete")
    # Bring the web's sets into view: the two exercises the older service did not log collapse.
    view = page.findChild(QTreeView, "ghostTree")
    assert view is not None
    for name in (p.exercise_name for p in planned if p.exercise_id != standard.exercise_id):
        view.collapse(model.index(model.exercise_row(name), 0))
    view.scrollTo(model.index(legacy_row, 0))
    assert view.visualRect(model.index(legacy_row, 0)).intersects(view.viewport().rect())
    assert page.grab().save(str(folder / "timeline_legacy.png"))
