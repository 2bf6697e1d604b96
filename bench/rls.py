"""What row-level security costs a coach's pages: `python bench/rls.py [--coaches N] [--repeat N]`.

Builds the platform of `bench/scale.py` (`tests.scale_platform`: N coaches x 30 students x a year
of logs, clips, 3,200 global exercises), runs `db secure` and gives one coach a role of their own.
Then it times the pages the UI loads through the `Backend`, once over the owner's URL (no row
security: the owner is exempt) and once over the coach's role (every row passes the policies),
and beside them the very SQL the service sent, run with plain psycopg as the coach's role: the
policies' own cost, without the app's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gbf_desktop.db import coach_roles, migrate, secure
from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services.backend import Backend
from tests.integration.test_review_year import counted_statements
from tests.scale_platform import Shape, build, coach_id, student_id

COACH = 7
DATABASE = "gbf_bench_rls"
PAGES: dict[str, Callable[[Backend, str], object]] = {
    "dashboard": lambda b, c: b.dashboard(c),
    "students page": lambda b, c: b.students(c),
    "student progress": lambda b, c: b.student_progress(c, student_id(COACH, 1)),
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


def _recreate(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return plain_libpq_url(make_url(admin_url).set(database=name))


@contextmanager
def _backend(url: str) -> Iterator[tuple[Backend, Engine]]:
    engine = build_engine(url)
    made = uow_factory(engine)
    try:
        yield Backend(uow_factory=lambda: SqlUnitOfWork(made), database_label="bench"), engine
    finally:
        engine.dispose()


def _time(url: str, raw_url: str, coach: str, repeat: int) -> dict[str, tuple[float, float]]:
    found = {}
    with _backend(url) as (backend, engine), psycopg.connect(raw_url, options="-c jit=off") as raw:
        for name, page in PAGES.items():
            with counted_statements(engine) as statements:
                page(backend, coach)
            captured: list[tuple[str, Any]] = list(statements)

            def raw_sql(captured: list[tuple[str, Any]] = captured) -> None:
                with raw.transaction(), raw.cursor() as cursor:
                    for statement, parameters in captured:
                        cursor.execute(statement, parameters)
                        if cursor.description:
                            cursor.fetchall()

            found[name] = (
                _median_ms(lambda page=page: page(backend, coach), repeat),
                _median_ms(raw_sql, repeat),
            )
    return found


def bench(admin_url: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    url = _recreate(admin_url, DATABASE)
    engine = build_engine(url)
    try:
        migrate.upgrade(engine)
        build(url, Shape(coaches=args.coaches), range(1, args.coaches + 1), today=date.today())
        secure.install(engine)
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT email FROM users WHERE id = %s", (coach_id(COACH),))
            email = str(row.fetchone()[0])  # type: ignore[index]
        role = coach_roles.add_coach_role(engine, email)
        print(f"built and secured {DATABASE} in {time.perf_counter() - started:.1f} s")
        role_url = plain_libpq_url(make_url(url).set(username=role.role, password=role.password))
        coach = coach_id(COACH)
        owner = _time(url, role_url, coach, args.repeat)
        as_role = _time(role_url, role_url, coach, args.repeat)
        print(f"\ncoach {COACH} of {args.coaches}, median of {args.repeat} (ms)")
        print(f"{'page':<18}{'owner':>9}{'coach role':>12}{'ratio':>7}{'raw SQL (role)':>16}")
        for page in PAGES:
            o, r = owner[page][0], as_role[page]
            print(f"{page:<18}{o:>9.1f}{r[0]:>12.1f}{r[0] / o:>7.2f}{r[1]:>16.1f}")
        print("(raw SQL: the service's statements in plain psycopg as the coach's role)")
    finally:
        for left in coach_roles.list_coach_roles(engine):
            coach_roles.remove_coach_role(engine, left.role)
        engine.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a server URL (default: an embedded PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--coaches", type=int, default=20)
    args = parser.parse_args()
    if args.coaches < COACH:
        parser.error(f"--coaches must be at least {COACH}: coach {COACH}'s pages are timed")
    if args.database_url:
        bench(plain_libpq_url(args.database_url), args)
        return 0
    with tempfile.TemporaryDirectory(prefix="gbf-bench-") as folder:
        server = EmbeddedPostgres(Path(folder) / "data", database="postgres", delete_on_stop=True)
        try:
            bench(server.start(), args)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
