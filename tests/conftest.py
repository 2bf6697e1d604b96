"""Shared fixtures: a real PostgreSQL per test session, a fresh database per test.

By default the server is an embedded PostgreSQL in a temporary folder. `GBF_TEST_DATABASE_URL`
points the suite at a server instead (CI runs the database tests again against Debian's
PostgreSQL 15 that way); the URL's role must be allowed to create databases.

Each test that needs a database gets its own, copied from a template migrated once per session, so
tests never see each other's rows and may run in any order. A test that needs the demo data asks
`demo_data`: the demo is seeded once per session into a template of its own (per kind of clip and
anchor day), and the test's database becomes a copy of it, in a fraction of a seed's time.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.demo import DemoSummary

TEMPLATE_DB = "gbf_test_template_head"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Any test that reaches the server is a database test, marked or not: CI reruns `-m db`
    # against PostgreSQL 15 and must not miss one.
    for item in items:
        if "pg_admin_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL on the test server with the right to create databases."""
    configured = os.environ.get("GBF_TEST_DATABASE_URL")
    if configured:
        yield plain_libpq_url(configured)
        return
    server = EmbeddedPostgres(
        tmp_path_factory.mktemp("pg") / "data", database="postgres", delete_on_stop=True
    )
    try:
        url = server.start()
        # A throw-away server: durability buys nothing, and every database a test copies or drops
        # waits on a checkpoint, which without fsync costs next to nothing (CI's second run
        # starts its PostgreSQL 15 with fsync=off the same way).
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("ALTER SYSTEM SET synchronous_commit = off")
            conn.execute("ALTER SYSTEM SET full_page_writes = off")
            conn.execute("SELECT pg_reload_conf()")
        yield url
    finally:
        server.stop()


def _url_for(admin_url: str, database: str) -> str:
    return plain_libpq_url(make_url(admin_url).set(database=database))


def _create_database(admin_url: str, name: str, template: str | None = None) -> None:
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        # FILE_COPY is far quicker than the WAL-logged copy for a small template.
        query = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(query)


def _drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def make_empty_database(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """A factory of empty databases (no schema at all), dropped after the test."""
    made: list[str] = []

    def make() -> str:
        name = f"gbf_test_{uuid.uuid4().hex[:12]}"
        _create_database(pg_admin_url, name)
        made.append(name)
        return _url_for(pg_admin_url, name)

    yield make
    for name in made:
        _drop_database(pg_admin_url, name)


@pytest.fixture(scope="session")
def head_template(pg_admin_url: str) -> str:
    """A database migrated to head once per session, copied for each test."""
    from gbf_desktop.db import migrate

    _drop_database(pg_admin_url, TEMPLATE_DB)
    _create_database(pg_admin_url, TEMPLATE_DB)
    engine = build_engine(_url_for(pg_admin_url, TEMPLATE_DB))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return TEMPLATE_DB


@pytest.fixture
def db_url(pg_admin_url: str, head_template: str) -> Iterator[str]:
    """A fresh database at head for this test alone."""
    name = f"gbf_test_{uuid.uuid4().hex[:12]}"
    _create_database(pg_admin_url, name, template=head_template)
    try:
        yield _url_for(pg_admin_url, name)
    finally:
        _drop_database(pg_admin_url, name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = build_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(__file__).parent / "data"


# The clips a demo template holds: one byte each (the pages only list them), bytes that start like
# an MP4 (services that check the container), or clips really encoded by ffmpeg (the player).
ClipKind = Literal["tiny", "fake-mp4", "encoded"]


def fake_mp4(seconds: float, seed: int) -> bytes:
    """Not a playable MP4: only its first bytes and their count matter to the database side."""
    return b"\x00\x00\x00\x18ftypmp42" + bytes([seed]) * 64


@cache
def encoded_clip(seconds: float, seed: int) -> bytes:
    from gbf_desktop.demo.clips import ffmpeg_clip_maker

    return ffmpeg_clip_maker()(seconds, seed)


_CLIP_MAKERS: dict[str, Callable[[float, int], bytes]] = {
    "tiny": lambda _seconds, _seed: b"x",
    "fake-mp4": fake_mp4,
    "encoded": encoded_clip,
}


class DemoTemplates:
    """Databases holding the demo, seeded on first use and kept for the session."""

    def __init__(self, admin_url: str, head_template: str) -> None:
        self._admin_url = admin_url
        self._head = head_template
        self._made: dict[tuple[str, date | None], tuple[str, DemoSummary]] = {}

    def get(self, clips: ClipKind, today: date | None) -> tuple[str, DemoSummary]:
        key = (clips, today)
        if key not in self._made:
            from gbf_desktop.demo import seed

            day = f"{today:%Y%m%d}" if today else "now"
            name = f"gbf_test_demo_{clips.replace('-', '_')}_{day}"
            _drop_database(self._admin_url, name)
            _create_database(self._admin_url, name, template=self._head)
            engine = build_engine(_url_for(self._admin_url, name))
            try:
                summary = seed(engine, make_clip=_CLIP_MAKERS[clips], today=today)
            finally:
                engine.dispose()
            self._made[key] = (name, summary)
        return self._made[key]

    def drop_all(self) -> None:
        for name, _summary in self._made.values():
            _drop_database(self._admin_url, name)


@pytest.fixture(scope="session")
def demo_templates(pg_admin_url: str, head_template: str) -> Iterator[DemoTemplates]:
    templates = DemoTemplates(pg_admin_url, head_template)
    yield templates
    templates.drop_all()


DemoLoader = Callable[..., DemoSummary]


@pytest.fixture
def demo_data(
    pg_admin_url: str, db_url: str, engine: Engine, demo_templates: DemoTemplates
) -> DemoLoader:
    """`demo_data(clips=..., today=...)` turns this test's database into the seeded demo, as
    `demo.seed` would leave it; call it before anything else writes to the database."""

    def load(clips: ClipKind = "tiny", today: date | None = None) -> DemoSummary:
        template, summary = demo_templates.get(clips, today)
        # The copy replaces the database under the engine: its pooled connections must go first.
        engine.dispose()
        name = make_url(db_url).database
        assert name is not None
        _drop_database(pg_admin_url, name)
        _create_database(pg_admin_url, name, template=template)
        return summary

    return load
