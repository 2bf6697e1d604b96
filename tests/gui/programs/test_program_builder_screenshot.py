"""A screenshot of the builder: a session holding all five exercise types, and the form of one,
to be looked at by a person:

    GBF_SCREENSHOT_DIR=/tmp/shots .venv/bin/pytest \
        tests/gui/programs/test_program_builder_screenshot.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from gbf_desktop import demo
from gbf_desktop.domain.program_edit import SessionDoc
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.library.library_page import Column
from gbf_desktop.ui.programs.program_builder import ProgramBuilderPage
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]

SIZE = QSize(1280, 800)


def test_builder_screenshot(
    demo_data: DemoLoader,
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    demo_data()
    coach = backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)
    window = MainWindow(backend, runner, coach)
    qtbot.addWidget(window)
    window.resize(SIZE)
    window.show()
    window.show_area(Area.PROGRAMS)
    page = window.programs
    qtbot.waitUntil(
        lambda: (
            not page.busy
            and page.programs_model.rowCount() > 0
            and page.library.catalog is not None
        ),
        timeout=10_000,
    )
    row = next(
        r
        for r in range(page.programs_model.rowCount())
        if page.programs_model.summary(r).title == "Hybrid Conditioning"
    )
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(page.programs_model.summary(row).id)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)

    # Day A holds custom, circuit, EMOM and standard work; an AMRAP finisher makes five.
    model = page.editor.model
    day_a = next(s for s in model.nodes_of(SessionDoc) if isinstance(s, SessionDoc))
    page.select_node(day_a.exercises[-1].id)
    with qtbot.waitSignal(page.library.results_ready, timeout=5_000):
        qtbot.keyClicks(page.library_search, "Burpee AMRAP")
    qtbot.keyClick(page.library_search, Qt.Key.Key_Return)
    page.library_search.clear()
    qtbot.waitUntil(lambda: not page.library.busy, timeout=5_000)
    session = model.item(day_a.id)
    assert isinstance(session, SessionDoc)
    kinds = {model.reading(e).kind.value for e in session.exercises}
    assert kinds == {"standard", "EMOM", "AMRAP", "circuit", "custom"}
    circuit = next(e for e in session.exercises if model.reading(e).kind.value == "circuit")
    page.select_node(circuit.id)
    page.tree.collapseAll()
    page.select_node(circuit.id)
    qtbot.waitUntil(lambda: not window.dashboard.loading, timeout=10_000)
    assert window.grab().save(str(folder / "builder.png"))
    # The added finisher is a scratch edit: discard it, so that closing the window at teardown
    # closes it rather than opening the unsaved-changes prompt over a window being deleted.
    page.editor.undo_stack.setClean()
    assert not page.editor.dirty


def test_library_names_and_prescriptions_are_not_cut_at_1366x768(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, engine: Engine
) -> None:
    demo.seed(engine, make_clip=lambda seconds, n: b"x")
    coach = backend.sign_in(demo.DEMO_COACH_EMAIL, demo.DEMO_COACH_PASSWORD)
    page = ProgramBuilderPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1366 - 190, 768 - 60)
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
    with qtbot.waitSignal(page.editor.opened, timeout=10_000):
        page.open_program(page.programs_model.summary(0).id)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    page.tree.expandAll()

    view = page.library_view
    metrics = view.fontMetrics()
    for row in range(min(40, page.library_model.rowCount())):
        index = page.library_model.index(row, Column.NAME)
        rect = view.visualRect(index)
        needed = metrics.boundingRect(
            0, 0, rect.width() - 8, 10_000, int(Qt.TextFlag.TextWordWrap), index.data()
        )
        assert needed.height() <= rect.height(), f"{index.data()!r} is cut"
    tree = page.tree
    column = tree.columnWidth(0)
    model = page.editor.model
    stack = [model.index(r, 0) for r in range(model.rowCount())]
    while stack:
        index = stack.pop()
        text = index.data()
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        assert column >= metrics.horizontalAdvance(text) + tree.indentation() * depth, text
        stack += [model.index(r, 0, index) for r in range(model.rowCount(index))]
