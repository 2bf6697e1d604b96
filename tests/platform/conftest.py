"""Fixtures for the coexistence tests: the demo platform, seeded as the web would hold it.

Each test in this folder states one rule by which the web app reads a row (with the web file the
rule comes from), writes the row through the desktop's services, and checks the rule on the row
the database then holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.services.backend import Backend
from tests.conftest import DemoLoader

TODAY = date(2026, 3, 9)


@dataclass(frozen=True)
class Platform:
    engine: Engine
    backend: Backend
    coach_id: str
    strength: str
    hybrid: str

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(sql), params)


@pytest.fixture
def platform(demo_data: DemoLoader, engine: Engine) -> Platform:
    demo_data("fake-mp4", TODAY)
    factory = uow_factory(engine)
    backend = Backend(lambda: SqlUnitOfWork(factory), "test")
    with engine.connect() as conn:
        coach = conn.execute(
            text("SELECT id FROM users WHERE email = :e"), {"e": DEMO_COACH_EMAIL}
        ).scalar_one()
        titles = dict(conn.execute(text("SELECT title, id FROM programs")).all())
    return Platform(
        engine, backend, coach, titles["Strength Foundations"], titles["Hybrid Conditioning"]
    )
