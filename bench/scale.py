"""A coach's pages on a whole platform: `python bench/scale.py [--database-url URL] [--repeat N]`.

Builds, in plain SQL (`tests.scale_platform`), a platform of 50 coaches x 30 students x a year of
logs (about 200,000 `session_progress` rows), 2,000 clips and 3,200 global exercises, and beside
it a database holding one of those coaches alone (the same rows, and the global library). For
that coach it times the five loads the pages make through the `Backend` the UI calls: the
dashboard, the students page, the clips page, the attach dialog and the exercise library. Beside
each, the very SQL the service sent (captured with a `before_cursor_execute` listener) is run with
plain psycopg, fetching every row: the gap is what the Python side costs. `--outsized` adds a
15 MB progress row to one of the coach's students and a 10 MB global exercise, to show that a
listing that does not show them does not pay for them.

Without --database-url an embedded PostgreSQL is started in a temporary folder; with one, the
URL's role must be allowed to create databases. `--keep` keeps both databases (and prints their
names) for EXPLAIN; `--reuse` uses kept ones instead of building them again.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

# A script run as `python bench/scale.py` has bench/ on its path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gbf_desktop.db import migrate
from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.backend import Backend
from tests.integration.test_review_year import counted_statements
from tests.scale_platform import Shape, build, coach_id, student_id

COACH = 7  # the coach whose pages are timed
PLATFORM_DB, ALONE_DB = "gbf_scale_platform", "gbf_scale_alone"
PAGES: dict[str, Callable[[Backend, str], object]] = {
    "dashboard": lambda b, c: b.dashboard(c),
    "students page": lambda b, c: b.students(c),
    "clips page": lambda b, c: b.clip_library(c),
    "attach dialog": lambda b, c: b.attach_choices(c),
    "library load": lambda b, c: b.library(c),
}


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: connection pool, statement caches, the server's buffers
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _url(admin_url: str, name: str) -> str:
    return plain_libpq_url(make_url(admin_url).set(database=name))


def _recreate(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return _url(admin_url, name)


def _outsized(url: str, coach: int) -> None:
    """A 15 MB progress row (a student pasted a diary into an exercise's notes) and a 10 MB
    exercise meta, both incompressible enough to stay that big on disk."""
    student = student_id(coach, 1)
    with psycopg.connect(url) as conn:
        conn.execute(
            """
            UPDATE session_progress SET progress = jsonb_set(progress, '{exercises,0,notes}',
                to_jsonb((SELECT string_agg(md5(g::text), ' ') FROM generate_series(1, 450000) g)))
            WHERE id = (SELECT id FROM session_progress WHERE "studentId" = %s
                        ORDER BY "savedAt" DESC LIMIT 1)
            """,
            (student,),
        )
        conn.execute(
            """
            UPDATE exercises SET meta = meta || jsonb_build_object('inDepthExplanation',
                (SELECT string_agg(md5(g::text), ' ') FROM generate_series(1, 300000) g))
            WHERE id = (SELECT id FROM exercises WHERE scope = 'global' ORDER BY id LIMIT 1)
            """
        )


@dataclass(frozen=True)
class Timing:
    service_ms: float
    raw_ms: float
    statements: int


@contextmanager
def _backend(url: str) -> Iterator[tuple[Backend, Engine]]:
    engine = build_engine(url)
    made = uow_factory(engine)
    try:
        yield Backend(uow_factory=lambda: SqlUnitOfWork(made), database_label="bench"), engine
    finally:
        engine.dispose()


def _time_pages(url: str, coach: str, repeat: int) -> dict[str, Timing]:
    timings = {}
    # The raw connection runs the statements as the app's sessions do (`db.engine`: no JIT).
    with _backend(url) as (backend, engine), psycopg.connect(url, options="-c jit=off") as raw:
        for name, page in PAGES.items():
            with counted_statements(engine) as statements:
                page(backend, coach)
            captured: list[tuple[str, Any]] = list(statements)

            def raw_sql(captured: list[tuple[str, Any]] = captured) -> int:
                rows = 0
                with raw.transaction(), raw.cursor() as cursor:
                    for statement, parameters in captured:
                        cursor.execute(statement, parameters)
                        rows += len(cursor.fetchall()) if cursor.description else 0
                return rows

            timings[name] = Timing(
                service_ms=_median_ms(lambda page=page: page(backend, coach), repeat),
                raw_ms=_median_ms(raw_sql, repeat),
                statements=len(captured),
            )
    return timings


def _counts(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM users WHERE role = 'coach'),"
            " (SELECT count(*) FROM users WHERE role = 'student'),"
            " (SELECT count(*) FROM session_progress), (SELECT count(*) FROM exercise_media),"
            " (SELECT count(*) FROM exercises WHERE scope = 'global'),"
            " pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
    assert row is not None
    return (
        f"{row[0]} coaches, {row[1]} students, {row[2]} progress rows, {row[3]} clips, "
        f"{row[4]} global exercises ({row[5]})"
    )


def bench(admin_url: str, args: argparse.Namespace) -> None:
    shape = Shape(coaches=args.coaches)
    today = date.today()
    urls = {PLATFORM_DB: _url(admin_url, PLATFORM_DB), ALONE_DB: _url(admin_url, ALONE_DB)}
    if not args.reuse:
        for name, coaches in ((PLATFORM_DB, range(1, shape.coaches + 1)), (ALONE_DB, [COACH])):
            started = time.perf_counter()
            url = _recreate(admin_url, name)
            engine = build_engine(url)
            try:
                migrate.upgrade(engine)
            finally:
                engine.dispose()
            build(url, shape, coaches, today=today)
            if args.outsized:
                _outsized(url, COACH)
            print(f"built {name} in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        for name, url in urls.items():
            print(f"{name}: {_counts(url)}")
        coach = coach_id(COACH)
        alone = _time_pages(urls[ALONE_DB], coach, args.repeat)
        platform = _time_pages(urls[PLATFORM_DB], coach, args.repeat)
        print(f"\ncoach {COACH}, median of {args.repeat} (ms)")
        header = f"{'page':<15}{'platform':>10}{'alone':>9}{'ratio':>7}{'raw SQL':>9}{'stmts':>7}"
        print(header)
        for page in PAGES:
            p, a = platform[page], alone[page]
            print(
                f"{page:<15}{p.service_ms:>10.1f}{a.service_ms:>9.1f}"
                f"{p.service_ms / a.service_ms:>7.2f}{p.raw_ms:>9.1f}{p.statements:>7}"
            )
        print("(raw SQL: the statements the service sent on the platform, in plain psycopg)")
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                for name in urls:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
        else:
            print(f"kept: {', '.join(urls.values())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a server URL (default: an embedded PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--coaches", type=int, default=50)
    parser.add_argument("--outsized", action="store_true", help="add a 15 MB and a 10 MB row")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="use databases kept by --keep")
    args = parser.parse_args()
    if args.database_url:
        bench(plain_libpq_url(args.database_url), args)
        return 0
    if args.keep or args.reuse:
        parser.error("--keep and --reuse need --database-url (an embedded server is thrown away)")
    with tempfile.TemporaryDirectory(prefix="gbf-bench-") as folder:
        server = EmbeddedPostgres(Path(folder) / "data", database="postgres", delete_on_stop=True)
        try:
            bench(server.start(), args)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
