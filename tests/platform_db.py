"""Databases as the web platform leaves them, built from its own SQL, and row fingerprints."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

DATA = Path(__file__).resolve().parent / "data"
BEFORE_CLIPS = ("0001_init",)
WITH_CLIPS = ("0001_init", "0002_exercise_media")


def run_sql_file(engine: Engine, path: Path) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(path.read_text())


def platform_database(
    new_engine: Callable[[], Engine], stages: tuple[str, ...], *, rows: bool = True
) -> Engine:
    """A database as the web platform left it: its migrations, then rows written in plain SQL."""
    engine = new_engine()
    for stage in stages:
        run_sql_file(engine, DATA / "platform_sql" / stage / "migration.sql")
    if rows:
        run_sql_file(engine, DATA / "platform_rows.sql")
        if "0002_exercise_media" in stages:
            run_sql_file(engine, DATA / "platform_clip_rows.sql")
    return engine


def table_fingerprints(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row's full text, per public table."""
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        quote = connection.dialect.identifier_preparer.quote
        prints = {}
        for table in tables:
            query = (
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f" FROM {quote(table)} AS t"
            )
            count, checksum = connection.execute(text(query)).one()
            prints[table] = (count, checksum)
    return prints
