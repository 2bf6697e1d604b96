"""The start's offer of clips never stored: the rows a coach reads, export, discard, store."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from gbf_desktop.db import models as m
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.takes import IMPORTED, RECORDED, Take, TakeStore
from gbf_desktop.ui.clips.recorder import ImportDialog, RecorderDialog
from gbf_desktop.ui.clips.takes_dialog import TakesDialog, offer_takes, take_cells
from gbf_desktop.video.compress import encode_test_pattern
from gbf_desktop.workers.tasks import TaskRunner
from tests import video_inputs
from tests.gui.conftest import Seed, SessionSpec, day

pytestmark = [pytest.mark.gui, pytest.mark.db, pytest.mark.ffmpeg]

LEFT = Qt.MouseButton.LeftButton


def _take(store: TakeStore, seconds: float, **facts: object) -> Take:
    path = store.new_clip_path()
    encode_test_pattern(path, duration_s=seconds, label=str(facts.get("source_name", "take")))
    return store.keep(path, duration_s=seconds, **facts)  # type: ignore[arg-type]


def test_a_takes_row_says_what_it_is_when_how_long_and_how_big() -> None:
    take = Take(
        id="a",
        path=Path("a.mp4"),
        origin=IMPORTED,
        created_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC),
        size_bytes=1_250_000,
        duration_s=4.25,
        source_name="squat.mov",
        warnings=("squat.mov is damaged: ...",),
    )
    what, when, length, size = take_cells(take, now=datetime(2026, 3, 5, tzinfo=UTC))
    assert what == "Imported from squat.mov (damaged source)"
    assert when.startswith("03 Mar 2026, ")
    assert length == "4.2 s"
    assert size.endswith("MB")


def test_the_start_offers_takes_never_stored_and_each_can_be_exported_discarded_or_stored(
    qtbot: QtBot,
    backend: Backend,
    runner: TaskRunner,
    engine: Engine,
    tmp_path: Path,
) -> None:
    seed = Seed(engine)
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    student = seed.user("ana@example.org", first="Ana", last="Silva", coach=coach)
    [session] = seed.program(coach, "Strength 101", [("Base", [[SessionSpec("Squat", day(0))]])])
    seed.assign("Strength 101", student, coach)
    store = TakeStore(tmp_path / "takes")
    recorded = _take(store, 1.0, origin=RECORDED)
    imported = _take(store, 2.0, origin=IMPORTED, source_name="squat.mov")
    # A store killed half-way at the last run: the row never committed, so it is offered too.
    killed = store.mark_storing(_take(store, 1.5, origin=RECORDED), "never-committed")
    backend = dataclasses.replace(backend, takes=store)

    window = QWidget()
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    task = offer_takes(window, backend, runner, coach)
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    dialog = window.findChild(TakesDialog)
    assert dialog is not None
    assert dialog.isVisible()
    rows = dialog.rows()
    assert [r[0] for r in rows] == [
        "Recorded with the camera",
        "Imported from squat.mov",
        "Recorded with the camera",
    ]
    assert [r[2] for r in rows] == ["1.0 s", "2.0 s", "1.5 s"]
    assert dialog.status_label.text() == "3 clips waiting."
    shots = Path(os.environ.get("GBF_SCREENSHOT_DIR") or tmp_path)
    dialog.grab().save(str(shots / "takes-dialog.png"))

    # Export: a copy, and the take stays.
    dialog.select(imported.id)
    exported = tmp_path / "exports" / "squat.mp4"
    with qtbot.waitSignal(dialog.export_to(imported, exported).finished, timeout=10_000):
        pass
    assert exported.read_bytes() == imported.path.read_bytes()
    assert dialog.status_label.text().startswith(f"Saved as {exported}.")
    assert len(dialog.rows()) == 3

    # Discard asks first: one click arms, the second deletes.
    dialog.select(recorded.id)
    qtbot.mouseClick(dialog.discard_button, LEFT)
    assert dialog.discard_button.text() == "Delete for good"
    assert "will be deleted" in dialog.status_label.text()
    assert recorded.path.exists()
    qtbot.mouseClick(dialog.discard_button, LEFT)
    qtbot.waitUntil(lambda: len(dialog.rows()) == 2, timeout=10_000)
    assert not recorded.path.exists()

    # Store: the attach dialog, then the take leaves the list and the folder.
    dialog.select(killed.id)
    qtbot.mouseClick(dialog.store_button, LEFT)
    qtbot.waitUntil(lambda: dialog.attach_dialog is not None, timeout=10_000)
    attach = dialog.attach_dialog
    assert attach is not None
    qtbot.waitUntil(lambda: not attach.loading and attach.session_count() == 1)
    attach.select(student, session)
    with qtbot.waitSignal(dialog.stored, timeout=20_000):
        qtbot.mouseClick(attach.store_button, LEFT)
    assert [r[0] for r in dialog.rows()] == ["Imported from squat.mov"]
    assert not killed.path.exists()
    with engine.connect() as conn:
        sizes = conn.execute(text("SELECT size FROM exercise_media")).scalars().all()
    assert sizes == [killed.size_bytes]
    assert [t.id for t in store.pending()] == [imported.id]


def test_an_import_closed_before_storing_stays_a_take_and_a_damaged_one_says_so(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, tmp_path: Path
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    store = TakeStore(tmp_path / "data" / "takes")
    backend = dataclasses.replace(backend, takes=store)
    whole = video_inputs.faststart_mp4(tmp_path / "whole.mp4", duration=6.0)
    damaged = video_inputs.damaged_in_the_middle(whole, tmp_path / "squat.mp4", fraction=0.1)
    dialog = ImportDialog(backend, runner, coach)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.import_file(damaged)
    qtbot.waitUntil(lambda: dialog.attach_dialog is not None, timeout=60_000)
    attach = dialog.attach_dialog
    assert attach is not None
    # Said before anything is stored, in the words the compress used.
    assert attach.warning_label.isVisible()
    assert attach.warning_label.text().startswith("squat.mp4 is damaged: ")
    assert "of its 180 pictures" in attach.warning_label.text()
    attach.reject()
    dialog.reject()

    # Closed without storing: the clip is in the data folder, not a temporary one, and the
    # next start offers it, damage and all.
    [take] = store.recover(None)
    assert take.path.parent == tmp_path / "data" / "takes"
    assert take.label == "Imported from squat.mp4"
    assert take.warnings == (attach.warning_label.text(),)
    assert take_cells(take)[0] == "Imported from squat.mp4 (damaged source)"


def test_a_recording_is_a_take_until_recorded_over_and_closing_keeps_it(
    qtbot: QtBot, backend: Backend, runner: TaskRunner, seed: Seed, tmp_path: Path
) -> None:
    coach = seed.user("coach@example.org", role=m.Role.coach, first="Chris", last="Coach")
    store = TakeStore(tmp_path / "data" / "takes")
    backend = dataclasses.replace(backend, takes=store)
    dialog = RecorderDialog(
        backend, runner, coach, camera_spec="test:640x360@30", countdown_s=0, max_duration_s=1.0
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview.image is not None, timeout=10_000)

    def record() -> Take:
        with qtbot.waitSignal(dialog.clip_recorded, timeout=20_000) as recorded:
            qtbot.mouseClick(dialog.record_button, LEFT)
        [take] = store.pending()
        assert take.path == recorded.args[0].clip.path
        assert take.label == "Recorded with the camera"
        return take

    first = record()
    # Record again: the coach did not want that one; it goes.
    qtbot.mouseClick(dialog.again_button, LEFT)
    assert not first.path.exists()
    qtbot.waitUntil(lambda: dialog.stage == "preview", timeout=10_000)
    second = record()
    dialog.reject()
    # Closed without storing: kept in the data folder for the next start.
    assert [t.id for t in store.recover(None)] == [second.id]
    assert sorted(p.name for p in store.folder.iterdir()) == sorted(
        [second.path.name, f"{second.id}.json"]
    )
