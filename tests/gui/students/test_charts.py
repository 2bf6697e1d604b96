"""Charts of a demo student's progress: the series drawn are the service's figures, and a chart
saves as PNG and the history as CSV. The chart screenshot goes to $GBF_SCREENSHOT_DIR when set."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop import demo
from gbf_desktop.db import models as m
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.review import CSV_COLUMNS, write_history_csv
from gbf_desktop.ui.app.main_window import Area, MainWindow
from gbf_desktop.ui.students.charts import Metric, offered_metrics
from gbf_desktop.ui.students.progress_page import ProgressPage
from gbf_desktop.workers.tasks import TaskRunner
from tests.conftest import DemoLoader

pytestmark = [pytest.mark.gui, pytest.mark.db]


@pytest.fixture
def demo_coach(demo_data: DemoLoader, engine: Engine) -> SignedInUser:
    demo_data()
    with OrmSession(engine) as session:
        coach = session.scalars(select(m.User).where(m.User.email == demo.DEMO_COACH_EMAIL)).one()
        return SignedInUser(coach.id, coach.email, "Alex Moreau", "coach")


def _student(backend: Backend, coach: SignedInUser, name: str) -> str:
    return next(r.id for r in backend.students(coach.id) if r.name == name)


def _page(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, coach: SignedInUser, student_id: str
) -> ProgressPage:
    page = ProgressPage(backend, runner, coach)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    with qtbot.waitSignal(page.live.loaded, timeout=10_000):
        page.show_student(student_id, "student")
    page.tabs.setCurrentWidget(page.charts)
    return page


def _ms(day: object) -> float:
    assert hasattr(day, "year")
    moment = QDateTime(QDate(day.year, day.month, day.day), QTime(12, 0))  # type: ignore[attr-defined]
    return float(moment.toMSecsSinceEpoch())


def _number(value: object) -> float | None:
    # The demo stores some figures as text, as a phone keyboard did.
    try:
        return float(value)  # type: ignore[arg-type] # a JSON scalar or None
    except (TypeError, ValueError):
        return None


def _strength_by_hand(
    engine: Engine, student_id: str, exercise_id: str
) -> list[tuple[float | None, float | None]]:
    """(top set kg, e1RM kg) of each logged session of the exercise, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT progress FROM session_progress WHERE "studentId" = :s '
                'ORDER BY "savedAt", id'
            ),
            {"s": student_id},
        ).all()
    figures = []
    for (progress,) in rows:
        for entry in (progress or {}).get("exercises") or []:
            if not isinstance(entry, dict) or entry.get("exerciseId") != exercise_id:
                continue
            data = entry.get("data") or {}
            load = _number(data.get("weightUsed"))
            reps = [r for r in map(_number, data.get("repsPerSet") or []) if r]
            if not reps:
                continue
            if load is None or load <= 0:
                figures.append((None, None))
                continue
            estimates = [load if r == 1 else load * (1 + r / 30) for r in reps if r <= 12]
            figures.append((load, max(estimates) if estimates else None))
    return figures


def test_every_exercise_chart_draws_the_services_figures(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser, engine: Engine
) -> None:
    student = _student(backend, demo_coach, "Sofía Márquez")
    progress = backend.student_progress(demo_coach.id, student)
    page = _page(qtbot, backend, runner, demo_coach, student)
    charts = page.charts
    series = progress.exercise_series()
    assert charts.exercise_combo.count() == len(series)
    checked = 0
    for item in series:
        for metric in offered_metrics(item):
            charts.select_exercise(item.exercise_id, metric)
            # Each point of the service's series that holds the figure, in order; none other.
            expected = [
                (p.day, getattr(p, metric.attribute))
                for p in item.points
                if getattr(p, metric.attribute) is not None
            ]
            drawn = charts.exercise_chart.values()
            assert [x for x, _ in drawn] == [_ms(day) for day, _ in expected]
            assert [y for _, y in drawn] == pytest.approx([v for _, v in expected])
            checked += len(expected)
    assert checked > 100

    # The strength figures of one loaded exercise, worked out here from the stored JSON itself:
    # the top set is the load used, the e1RM Epley's load x (1 + reps / 30) of the best set
    # (a single is its own load; past 12 reps there is no estimate).
    loaded = next(s for s in series if any(p.e1rm_kg for p in s.points))
    by_hand = _strength_by_hand(engine, student, loaded.exercise_id)
    assert len(by_hand) >= 3
    charts.select_exercise(loaded.exercise_id, Metric.TOP_SET)
    assert [y for _, y in charts.exercise_chart.values()] == pytest.approx(
        [top for top, _ in by_hand if top is not None]
    )
    charts.select_exercise(loaded.exercise_id, Metric.E1RM)
    assert [y for _, y in charts.exercise_chart.values()] == pytest.approx(
        [e1rm for _, e1rm in by_hand if e1rm is not None]
    )

    weeks = progress.weekly()
    weekly = charts.weekly_chart
    assert [weekly.volume_set.at(i) for i in range(weekly.volume_set.count())] == pytest.approx(
        [w.volume_kg for w in weeks]
    )
    points = weekly.compliance_line.points()
    # A week with nothing due has no point: a gap, not a false 0 %.
    due = [(i, w.compliance.percent) for i, w in enumerate(weeks) if w.compliance.due]
    assert [p.x() for p in points] == [float(i) for i, _ in due]
    assert [p.y() for p in points] == pytest.approx([percent for _, percent in due])


def test_the_figure_list_offers_only_what_the_exercise_type_has(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser
) -> None:
    student = _student(backend, demo_coach, "Aisha Okafor")
    progress = backend.student_progress(demo_coach.id, student)
    page = _page(qtbot, backend, runner, demo_coach, student)
    charts = page.charts
    kinds = {s.kind.value for s in progress.exercise_series()}
    assert kinds - {"standard"}, "the hybrid program has EMOM, AMRAP or circuit work"
    for item in progress.exercise_series():
        charts.select_exercise(item.exercise_id)
        shown = charts.metric_labels()
        if item.kind.value == "standard":
            assert Metric.E1RM.label in shown
        else:
            assert Metric.E1RM.label not in shown, item.name
            assert Metric.TOP_SET.label not in shown, item.name
            assert Metric.RPE.label in shown
        assert charts.current_metric().label in shown


def test_a_chart_saves_as_png_and_the_history_as_csv(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    tmp_path: Path,
) -> None:
    student = _student(backend, demo_coach, "Jonas Becker")
    page = _page(qtbot, backend, runner, demo_coach, student)
    charts = page.charts
    asked: list[str] = []

    def choose(_parent: QWidget, _caption: str, suggested: str, _filters: str) -> Path:
        asked.append(suggested)
        return tmp_path / suggested

    charts.ask_path = choose
    with qtbot.waitSignal(charts.png_saved, timeout=5_000) as png:
        qtbot.mouseClick(charts.exercise_png_button, Qt.MouseButton.LeftButton)
    image = QImage(str(png.args[0]))
    assert not image.isNull()
    assert image.size() == charts.exercise_chart.size()
    assert asked[0].startswith("jonas-becker-")
    assert asked[0].endswith(".png")

    with qtbot.waitSignal(charts.csv_exported, timeout=10_000) as exported:
        qtbot.mouseClick(charts.csv_button, Qt.MouseButton.LeftButton)
    path = exported.args[0]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    # The file is the service's CSV, row for row.
    progress = backend.student_progress(demo_coach.id, student)
    expected = io.StringIO(newline="")
    count = write_history_csv(progress, expected)
    expected.seek(0)
    assert count > 50
    assert rows == list(csv.DictReader(expected))
    assert f"{len(rows)} rows written" in charts.status_label.text()


def test_an_export_that_cannot_be_written_is_a_message_not_a_crash(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    demo_coach: SignedInUser,
    tmp_path: Path,
) -> None:
    student = _student(backend, demo_coach, "Jonas Becker")
    page = _page(qtbot, backend, runner, demo_coach, student)
    charts = page.charts
    # A "folder" that is a file: no write can succeed there, whoever runs the test.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    charts.ask_path = lambda *_args: blocker / "history.csv"
    bugs: list[object] = []
    runner.bug.connect(bugs.append)

    qtbot.mouseClick(charts.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not charts.exporting, timeout=10_000)

    assert bugs == [], "no crash dialog for a file that cannot be written"
    text = charts.status_label.text()
    assert text.startswith("The history could not be exported. Could not save the history")
    assert "Choose a folder you can write to." in text
    assert not (blocker / "history.csv").exists()


def test_chart_screenshot(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, demo_coach: SignedInUser, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    window = MainWindow(backend, runner, demo_coach)
    qtbot.addWidget(window)
    window.resize(QSize(1280, 800))
    window.show()
    student = _student(backend, demo_coach, "Camille Laurent")
    window.show_area(Area.STUDENTS)
    progress_page = window.students.progress_page
    with qtbot.waitSignal(progress_page.live.loaded, timeout=10_000):
        window.students.open_student(student, "Camille Laurent")
    progress_page.tabs.setCurrentWidget(progress_page.charts)
    assert window.grab().save(str(folder / "chart.png"))
