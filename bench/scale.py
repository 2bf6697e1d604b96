"""A coach's pages on a whole platform: `python bench/scale.py [--database-url URL] [--repeat N]`.

Builds, in plain SQL (`tests.scale_platform`), a platform of 50 coaches x 30 students x a year of
logs (about 200,000 `session_progress` rows), 2,000 clips and 3,200 global exercises, and beside
it a database holding one of those coaches alone (the same rows, and the global library). For
that coach it times the five loads the pages make through the `Backend` the UI calls: the
dashboard, the students page, the clips page, the attach dialog and the exercise library, and
one student's progress page. Beside each, the very SQL the service sent (captured with a
`before_cursor_execute` listener) is run with plain psycopg, fetching every row: the gap is what
the Python side costs. The two databases are timed interleaved (the load of a shared machine
drifts), and the Python side's CPU time is shown too. `--outsized` adds a 15 MB progress row to
one of the coach's students (the one whose progress page is timed) and a 10 MB global exercise,
to show that a listing that does not show them does not pay for them.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
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
    # Not a listing: one student's whole year, JSON and all (the page that shows it).
    "progress page": lambda b, c: b.student_progress(c, student_id(COACH, 1)),
}


@dataclass(frozen=True)
class Figure:
    median_ms: float
    min_ms: float  # the least disturbed run: on a shared machine the median carries others' load
    cpu_ms: float  # this process's CPU time (median): the Python side, whatever the server does


def _measure(runs: Sequence[Callable[[], object]], repeat: int) -> list[Figure]:
    """Each of `runs`, `repeat` times, interleaved: on a shared machine the load drifts, and
    timing one database after the other would charge the drift to one of them."""
    for run in runs:
        run()  # warm-up: connection pool, statement caches, the server's buffers
    times: list[list[float]] = [[] for _ in runs]
    cpu: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for index, run in enumerate(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            times[index].append(time.perf_counter() - start)
            cpu[index].append(time.process_time() - start_cpu)
    return [
        Figure(statistics.median(t) * 1000, min(t) * 1000, statistics.median(c) * 1000)
        for t, c in zip(times, cpu, strict=True)
    ]


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


@contextmanager
def _backend(url: str) -> Iterator[tuple[Backend, Engine]]:
    engine = build_engine(url)
    made = uow_factory(engine)
    try:
        yield Backend(uow_factory=lambda: SqlUnitOfWork(made), database_label="bench"), engine
    finally:
        engine.dispose()


def _time_pages(
    urls: Sequence[str], coach: str, repeat: int
) -> list[dict[str, tuple[Figure, Figure, int]]]:
    """Per database: each page's service figure, raw SQL figure and statement count."""
    with ExitStack() as stack:
        backends = [stack.enter_context(_backend(url)) for url in urls]
        # The raw connections run the statements as the app's sessions do (`db.engine`: no JIT).
        raws = [stack.enter_context(psycopg.connect(url, options="-c jit=off")) for url in urls]
        results: list[dict[str, tuple[Figure, Figure, int]]] = [{} for _ in urls]
        for name, page in PAGES.items():
            services, raw_runs, counts = [], [], []
            for (backend, engine), raw in zip(backends, raws, strict=True):
                with counted_statements(engine) as statements:
                    page(backend, coach)
                captured: list[tuple[str, Any]] = list(statements)

                def raw_sql(captured: list[tuple[str, Any]] = captured, raw: Any = raw) -> int:
                    rows = 0
                    with raw.transaction(), raw.cursor() as cursor:
                        for statement, parameters in captured:
                            cursor.execute(statement, parameters)
                            rows += len(cursor.fetchall()) if cursor.description else 0
                    return rows

                services.append(lambda page=page, backend=backend: page(backend, coach))
                raw_runs.append(raw_sql)
                counts.append(len(captured))
            service_figures = _measure(services, repeat)
            raw_figures = _measure(raw_runs, repeat)
            for index in range(len(urls)):
                results[index][name] = (
                    service_figures[index],
                    raw_figures[index],
                    counts[index],
                )
        return results


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
    elif args.outsized:
        for url in urls.values():
            _outsized(url, COACH)  # the same values again: safe on databases that hold them
    try:
        for name, url in urls.items():
            print(f"{name}: {_counts(url)}")
        coach = coach_id(COACH)
        platform, alone = _time_pages([urls[PLATFORM_DB], urls[ALONE_DB]], coach, args.repeat)
        print(f"\ncoach {COACH}, {args.repeat} runs each, ms: median (min)")
        print(
            f"{'page':<15}{'platform':>17}{'alone':>17}{'ratio':>7}"
            f"{'raw SQL (platform)':>20}{'py cpu':>8}{'stmts':>6}"
        )
        for page in PAGES:
            (p, raw, statements), (a, _, _) = platform[page], alone[page]
            print(
                f"{page:<15}{p.median_ms:>9.1f} ({p.min_ms:>5.1f})"
                f"{a.median_ms:>9.1f} ({a.min_ms:>5.1f})"
                f"{p.median_ms / a.median_ms:>7.2f}"
                f"{raw.median_ms:>12.1f} ({raw.min_ms:>5.1f})"
                f"{p.cpu_ms:>8.1f}{statements:>6}"
            )
        print(
            "ratio: platform / alone, medians; raw SQL: the statements the service sent on the"
            " platform, in plain psycopg;\npy cpu: this process's CPU time per load on the"
            " platform (the Python side)"
        )
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
