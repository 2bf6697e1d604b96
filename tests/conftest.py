"""Shared fixtures: a real PostgreSQL per test session, a fresh database per test.

By default the server is an embedded PostgreSQL in a temporary folder. `GBF_TEST_DATABASE_URL`
points the suite at a server instead (CI runs the database tests again against Debian's
PostgreSQL 15 that way); the URL's role must be allowed to create databases.

Each test that needs a database gets its own, copied from a template migrated once per session, so
tests never see each other's rows and may run in any order.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url

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
        yield server.start()
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
