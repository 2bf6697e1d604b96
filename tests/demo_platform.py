"""The demo platform as the program and coexistence tests use it: the demo data seeded for a
given day, a Backend on it, the demo coach and the two demo programs' ids, and SQL helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, text

from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.demo import DEMO_COACH_EMAIL
from gbf_desktop.services.backend import Backend
from tests.conftest import DemoLoader


@dataclass(frozen=True)
class DemoPlatform:
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


def demo_platform(demo_data: DemoLoader, engine: Engine, today: date) -> DemoPlatform:
    """The demo data (fake clips) as of `today`, with the ids the tests name."""
    demo_data("fake-mp4", today)
    factory = uow_factory(engine)
    backend = Backend(lambda: SqlUnitOfWork(factory), "test")
    with engine.connect() as conn:
        coach = conn.execute(
            text("SELECT id FROM users WHERE email = :e"), {"e": DEMO_COACH_EMAIL}
        ).scalar_one()
        titles = dict(conn.execute(text("SELECT title, id FROM programs")).all())
    return DemoPlatform(
        engine, backend, coach, titles["Strength Foundations"], titles["Hybrid Conditioning"]
    )
