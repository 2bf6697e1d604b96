"""Fixtures of the bad-input corpus: a throwaway cluster with password sign-in, and the checks
every case makes (one line, no traceback, no password, stored rows unchanged)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.robustness.cluster import ThrowawayCluster

# A database of another application: `db upgrade` must not build the platform's tables in it.
INVENTORY_SQL = (
    "CREATE TABLE items (sku text PRIMARY KEY, name text NOT NULL, stock integer NOT NULL);"
    "INSERT INTO items VALUES ('A-1', 'Kettlebell 16 kg', 4), ('A-2', 'Bench', 1);"
    "CREATE TABLE suppliers (id serial PRIMARY KEY, name text);"
)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayCluster]:
    server = ThrowawayCluster(tmp_path_factory.mktemp("cluster"))
    server.init()
    server.start()
    server.sql("CREATE DATABASE inventory")
    server.sql(INVENTORY_SQL, database="inventory")
    try:
        yield server
    finally:
        server.stop("immediate")


@pytest.fixture
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commands read GBF_* variables; none of the developer's own may leak in."""
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GBF_DATABASE_URL", raising=False)
    return tmp_path / "data"


def assert_one_clear_line(text: str, *, secret: str | None = None) -> str:
    """The message a user sees: exactly one line, no traceback, no password.

    A warning of its own line (a password typed on the command line) may come before it.
    """
    lines = [
        line
        for line in text.splitlines()
        if line.strip() and not line.startswith("gbf-desktop: warning:")
    ]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    assert "something went wrong inside the app" not in text
    if secret:
        assert secret not in text
    return lines[0]
