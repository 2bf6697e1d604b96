"""GUI fixtures: offscreen Qt, the app's real look, a Backend on the test database, and a small
helper that writes the rows a test needs through the ORM models."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine
from sqlalchemy.orm import Session as OrmSession

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.auth import hash_password
from gbf_desktop.services.backend import Backend
from gbf_desktop.ui.app.application import apply_look
from gbf_desktop.ui.kit.collector import MainThreadCollector
from gbf_desktop.workers.tasks import TaskRunner

# Importing Qt creates no QApplication; pytest-qt makes it at the first test that asks, so this
# still applies: no display is needed, on CI or on a developer's machine.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PASSWORD = "correct horse battery staple"
# How long a GUI test waits for the media pipeline (a seek, a decoded frame, playback reaching a
# point): pytest-qt's 5 s default is easily outlasted by a seek or a pipeline start on a CI
# machine shared by other jobs. The waits are on conditions, so a healthy run never sits it out.
MEDIA_WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def _app_look(qapp: QApplication) -> None:
    # Tests see the widgets as users do, style sheet included (it changes sizes and wrapping).
    apply_look(qapp)


@pytest.fixture(autouse=True)
def _collect_on_gui_thread(qapp: QApplication) -> Iterator[None]:
    # Garbage is collected as the app's is, on the GUI thread only; what a test left in cycles is
    # collected here, at a safe point, before the collector is back to its usual ways.
    collector = MainThreadCollector()
    collector.install()
    yield
    collector.uninstall()
    gc.collect()
    collector.deleteLater()


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    assert runner.shutdown(10_000), "a background task outlived the test"


@pytest.fixture
def backend(engine: Engine) -> Backend:
    return Backend(
        uow_factory=lambda: SqlUnitOfWork(uow_factory(engine)),
        database_label="test database",
    )


@dataclass
class SessionSpec:
    title: str | None
    date: datetime | None = None


class Seed:
    """Writes platform rows the way the web platform would, one commit per call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # bcrypt at the platform's cost is slow; one hash serves every account of a test.
        self._hash = hash_password(PASSWORD)

    def _add(self, *rows: Any) -> None:
        # Ids stay readable after the commit: tests pass them on to the next rows.
        with OrmSession(self._engine, expire_on_commit=False) as session:
            # The models declare no relationships, so the ORM cannot order parents before
            # children by itself: rows are flushed in the order given.
            for row in rows:
                session.add(row)
                session.flush()
            session.commit()

    def user(
        self,
        email: str,
        *,
        role: m.Role = m.Role.student,
        first: str | None = None,
        last: str | None = None,
        coach: str | None = None,
    ) -> str:
        """A platform account; returns its id."""
        user = m.User(
            id=m.new_id(),
            email=email,
            pseudo=email.split("@", maxsplit=1)[0],
            password=self._hash,
            first_name=first,
            last_name=last,
            role=role,
            coach_id=coach,
        )
        self._add(user)
        return user.id

    def program(
        self,
        coach: str,
        title: str,
        blocks: Sequence[tuple[str, Sequence[Sequence[SessionSpec]]]],
    ) -> list[str]:
        """A program tree; returns its session ids in program order."""
        program = m.Program(id=m.new_id(), title=title, coach_id=coach, is_draft=False)
        rows: list[Any] = [program]
        session_ids: list[str] = []
        for b_pos, (block_title, weeks) in enumerate(blocks):
            block = m.ProgramBlock(
                id=m.new_id(), program_id=program.id, title=block_title, position=b_pos
            )
            rows.append(block)
            for w_pos, sessions in enumerate(weeks):
                week = m.Week(
                    id=m.new_id(), block_id=block.id, week_number=w_pos + 1, position=w_pos
                )
                rows.append(week)
                for s_pos, spec in enumerate(sessions):
                    session = m.Session(
                        id=m.new_id(),
                        week_id=week.id,
                        title=spec.title,
                        date=spec.date,
                        position=s_pos,
                    )
                    rows.append(session)
                    session_ids.append(session.id)
        self._add(*rows)
        self.program_ids = getattr(self, "program_ids", {}) | {title: program.id}
        return session_ids

    def assign(self, program_title: str, student: str, coach: str) -> None:
        self._add(
            m.ProgramAssignment(
                id=m.new_id(),
                program_id=self.program_ids[program_title],
                student_id=student,
                assigned_by=coach,
            )
        )

    def progress(
        self,
        session_id: str,
        student: str,
        *,
        status: str,
        exercises: Sequence[str] | None = None,
    ) -> str:
        """A progress row in the platform's JSON shape; returns its id."""
        body = (
            None
            if exercises is None
            else {"exercises": [{"exerciseId": m.new_id(), "status": s} for s in exercises]}
        )
        row = m.SessionProgress(
            id=m.new_id(),
            session_id=session_id,
            student_id=student,
            status=status,
            progress=body,
        )
        self._add(row)
        return row.id

    def clip(self, progress_id: str, size: int) -> None:
        # A few real bytes stand for the clip; the platform's `size` column is what gets counted.
        self._add(
            m.ExerciseMedia(
                id=m.new_id(),
                progress_id=progress_id,
                data=b"\x00" * 16,
                mime_type="video/mp4",
                size=size,
            )
        )


@pytest.fixture
def seed(engine: Engine) -> Seed:
    return Seed(engine)


def day(n: int) -> datetime:
    """A fixed planned date, n days after Monday 12 May 2025."""
    return datetime(2025, 5, 12) + timedelta(days=n)
