"""Library search per keystroke over 5,000 exercises: `python bench/library_search.py`.

Compares the two designs a search-as-you-type box could call on every keystroke:
(a) memory: the coach's visible library loaded once into a `LibraryCatalog` (what the app uses),
    then `catalog.search(...)` per keystroke;
(b) sql: the same search in SQL per keystroke through the app's unit of work and repository
    (`SqlLibraryRepository.search`), as a UI would call it: one unit of work per keystroke;
beside (c) raw: the bare SQL of (b) sent with plain psycopg on an open connection, prepared,
which is the floor any SQL design pays per keystroke (on a local server, with no network).

The data: 4,800 global exercises in the admin catalogue's meta shape and 200 of the coach's own
in the web form's shape, with accented names and descriptions, in an embedded PostgreSQL started
in a temporary folder. Keystrokes: each prefix of a few typed queries, with and without filters.
"""

from __future__ import annotations

import argparse
import enum
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session as OrmSession

# A script run as `python bench/library_search.py` has bench/ on its path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gbf_desktop.db import migrate
from gbf_desktop.db import models as m
from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.db.library_repo import search_statement
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.services import library as lib

TOTAL = 5000
OWN = 200
TYPED = ("barbell squat", "déadlift", "press quadri", "row", "glute bridge")
FILTERED: dict[str, Any] = {"difficulty": "intermediate", "muscle_group": "Quadriceps"}

MOVES = "Squat Deadlift Press Row Lunge Curl Raise Pull-up Push-up Bridge Swing Thruster Clean"
TOOLS = "Barbell Dumbbell Kettlebell Cable Band Machine Bodyweight Smith Landmine Trap-bar"
STYLES = "Paused Tempo Single-arm Single-leg Deficit Incline Décliné Front Back Sumo Bulgarian"
MUSCLES = (
    "Quadriceps Hamstrings Glutes Chest Back Shoulders Biceps Triceps Core Calves Fessiers Dorsaux"
)
LEVELS = ("Beginner", "Intermediate", "Advanced")


def _rows(coach_id: str) -> list[dict[str, Any]]:
    rng = random.Random(7)
    moves, tools, styles, muscles = (s.split() for s in (MOVES, TOOLS, STYLES, MUSCLES))
    rows = []
    for index in range(TOTAL):
        name = f"{rng.choice(styles)} {rng.choice(tools)} {rng.choice(moves)} {index}"
        muscle = rng.choice(muscles)
        description = (
            f"{rng.choice(tools)} work for the {muscle.lower()}: keep the spine neutral, "
            f"control the descent, drive through the mid-foot. Variante n°{index}."
        )
        own = index < OWN
        rows.append(
            {
                "id": str(uuid.uuid4()),
                "name": name,
                "description": description,
                "type": rng.choice(list(m.ExerciseType)) if own else m.ExerciseType.standard,
                "scope": m.Scope.coach if own else m.Scope.global_,
                "owner_id": coach_id if own else None,
                "meta": (
                    {
                        "difficulty": rng.choice(LEVELS).lower(),
                        "muscleGroups": [muscle, rng.choice(muscles)],
                        "instructions": ["Brace", "Move"],
                        "videoUrl": None,
                        "sets": 3,
                        "reps": 10,
                    }
                    if own
                    else {
                        "exercise": name,
                        "shortDemonstration": "Video Demonstration",
                        "inDepthExplanation": "Video Explanation",
                        "shortDemonstrationLink": "https://youtube.com/shorts/x",
                        "inDepthExplanationLink": "https://www.youtube.com/watch?v=x",
                        "difficultyLevel": rng.choice(LEVELS),
                        "targetMuscleGroup": muscle,
                    }
                ),
                "updated_at": m.utc_now(),
            }
        )
    return rows


@contextmanager
def database() -> Iterator[tuple[Engine, str, str]]:
    with tempfile.TemporaryDirectory(prefix="gbf-bench-library-") as folder:
        server = EmbeddedPostgres(Path(folder) / "pgdata", database="bench", delete_on_stop=True)
        url = server.start()
        try:
            engine = build_engine(url)
            migrate.upgrade(engine)
            coach_id = str(uuid.uuid4())
            # An ORM session, so the rows' keys are the models' attribute names.
            with OrmSession(engine) as conn:
                conn.execute(
                    insert(m.User).values(
                        id=coach_id,
                        email="bench@example.com",
                        pseudo="bench",
                        password="x",
                        role=m.Role.coach,
                        updated_at=m.utc_now(),
                    )
                )
                conn.execute(insert(m.Exercise), _rows(coach_id))
                conn.commit()
            with engine.connect() as analyze:
                analyze.exec_driver_sql("ANALYZE exercises")
            try:
                yield engine, plain_libpq_url(url), coach_id
            finally:
                engine.dispose()
        finally:
            server.stop()


def keystrokes() -> list[tuple[str, dict[str, Any]]]:
    strokes = []
    for filters in ({}, FILTERED):
        for typed in TYPED:
            strokes += [(typed[:n], filters) for n in range(1, len(typed) + 1)]
    return strokes


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def raw_sql(engine: Engine, coach_id: str, query: lib.SqlSearch) -> tuple[str, dict[str, Any]]:
    """The repository's statement as plain SQL text with psycopg's own %(name)s parameters."""
    compiled = search_statement(coach_id, query).compile(dialect=engine.dialect)
    params = {k: v.value if isinstance(v, enum.Enum) else v for k, v in compiled.params.items()}
    return compiled.string, params


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each keystroke")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    strokes = keystrokes()

    started = time.perf_counter()
    with database() as (engine, libpq_url, coach_id):
        print(f"(database ready in {time.perf_counter() - started:.0f} s)", flush=True)
        factory = uow_factory(engine)

        def unit_of_work() -> SqlUnitOfWork:  # the factory the Backend holds
            return SqlUnitOfWork(factory)

        load = timed(lambda: lib.load_library(unit_of_work, coach_id), args.repeats)
        catalog = lib.load_library(unit_of_work, coach_id)
        assert len(catalog.entries) == TOTAL, len(catalog.entries)

        memory: list[float] = []
        sql: list[float] = []
        raw: list[float] = []
        hits: list[int] = []
        with psycopg.connect(libpq_url, autocommit=True) as conn:
            for text, filters in strokes:
                query = lib.SqlSearch(tokens=tuple(lib.fold(text).split()), **filters)
                statement, params = raw_sql(engine, coach_id, query)

                def in_memory(t: str = text, f: dict[str, Any] = filters) -> object:
                    return catalog.search(t, **f)

                def in_sql(q: lib.SqlSearch = query) -> list[str]:
                    with SqlUnitOfWork(factory) as work:
                        return list(work.library.search(coach_id, q))

                def bare(s: str = statement, p: dict[str, Any] = params) -> object:
                    return conn.execute(s, p, prepare=True).fetchall()

                found = catalog.search(text, **filters)
                assert {e.id for e in found} == set(in_sql()), (text, filters)
                hits.append(len(found))
                memory += timed(in_memory, args.repeats)
                sql += timed(in_sql, args.repeats)
                raw += timed(bare, args.repeats)

    figures = {
        "exercises": TOTAL,
        "keystrokes": len(strokes),
        "median hits": statistics.median(hits),
        "catalogue load ms (once)": round(median_ms(load), 1),
        "memory search ms per keystroke": round(median_ms(memory), 3),
        "sql search ms per keystroke (app)": round(median_ms(sql), 3),
        "raw sql ms per keystroke (psycopg)": round(median_ms(raw), 3),
    }
    print(
        f"Library search over {TOTAL} exercises, {len(strokes)} keystrokes, "
        f"{args.repeats} runs each (median hits {figures['median hits']}):"
    )
    lines = (
        ("catalogue load (once per page)", "catalogue load ms (once)", ".1f"),
        ("in memory, per keystroke", "memory search ms per keystroke", ".3f"),
        ("SQL via the app, per keystroke", "sql search ms per keystroke (app)", ".3f"),
        ("raw SQL (psycopg), per keystroke", "raw sql ms per keystroke (psycopg)", ".3f"),
    )
    for label, key, form in lines:
        print(f"  {label:<34}{format(figures[key], form):>10} ms")
    ratio = median_ms(raw) / median_ms(memory)
    print(f"  in memory is {ratio:.0f}x faster than the raw SQL query alone")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
