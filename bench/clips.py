"""Clip benchmarks against the raw tools: `python bench/clips.py` (takes about two minutes).

(a) `compress` of a generated noisy 15-s 1080p30 clip against the plain command a person would
    type for the same format (`PLAIN_ARGS`: veryfast, crf 23, 1 Mbit/s cap), interleaved: time
    (target: ratio <= 1.1), size (target: no larger) and SSIM against the source scaled the same
    way (target: no lower). The encoder settings in `domain.clips` were chosen with it.
(b) a 15-s recording from the synthetic 720p camera: time from the stop (here the automatic stop
    at 15.0 s) to a checked file in place (target <= 1 s), the dropped frames (target 0), and
    the time on to the clip stored in the database.
(c) storing and reading back a 15 MB clip through the app's unit of work and ORM models against
    plain psycopg with binary parameters and results (target: ratio <= 1.2).
(d) peak memory while storing that clip, Python-level (tracemalloc) and process RSS.

Everything runs on generated data in a temporary folder, with an embedded PostgreSQL started
there. `--quick` shortens (a) to 5 s and one repetition, for a smoke run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import Engine, select

# A script run as `python bench/clips.py` has bench/ on its path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gbf_desktop.db import migrate
from gbf_desktop.db import models as m
from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from gbf_desktop.db.uow import SqlUnitOfWork, uow_factory
from gbf_desktop.domain import clips
from gbf_desktop.video.camera import TestPatternCamera
from gbf_desktop.video.compress import compress
from gbf_desktop.video.ffmpeg import find_ffmpeg
from gbf_desktop.video.recorder import record

MB = 1_000_000
BLOB_BYTES = 15 * MB


@dataclass(frozen=True)
class Row:
    part: str
    measure: str
    value: str
    target: str = ""


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_time(action: Callable[[], object], repeats: int) -> float:
    return statistics.median(timed(action) for _ in range(repeats))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# --- (a) compress against plain ffmpeg ---------------------------------------------------------

# What a person would type to get a clip of the same format (the reference command).
PLAIN_ARGS = (
    "-an",
    "-vf",
    "scale=-2:480,setsar=1,fps=24",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "23",
    "-maxrate",
    "1M",
    "-bufsize",
    "2M",
    "-profile:v",
    "main",
    "-pix_fmt",
    "yuv420p",
    "-g",
    "48",
    "-movflags",
    "+faststart",
)


def plain_command(exe: str, source: Path, output: Path) -> list[str]:
    quiet = ("-hide_banner", "-nostdin", "-y", "-loglevel", "error")
    return [exe, *quiet, "-i", str(source), *PLAIN_ARGS, str(output)]


def noisy_camera_clip(path: Path, duration_s: float) -> Path:
    """A 1080p30 clip with moving detail and sensor-like grain, at a phone's 20 Mbit/s.

    Grain is what makes a camera clip hard to compress: a clean test pattern flatters any preset.
    """
    subprocess.run(
        [
            find_ffmpeg(),
            *("-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi"),
            *("-i", f"testsrc2=size=1920x1080:rate=30:duration={duration_s}"),
            *("-vf", "noise=alls=24:allf=t+u", "-c:v", "libx264", "-preset", "ultrafast"),
            *("-b:v", "20M", "-pix_fmt", "yuv420p", str(path)),
        ],
        check=True,
    )
    return path


def ssim(output: Path, source: Path) -> float:
    """ffmpeg's SSIM of `output` against the source scaled the way the plain command scales it."""
    result = subprocess.run(
        [
            find_ffmpeg(),
            *("-hide_banner", "-nostdin", "-i", str(output), "-i", str(source), "-lavfi"),
            "[1:v]scale=-2:480,setsar=1,fps=24[ref];[0:v][ref]ssim",
            *("-f", "null", "-"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"All:([0-9.]+)", result.stderr)
    assert found is not None, result.stderr[-500:]
    return float(found.group(1))


def cpu_and_wall(action: Callable[[], object]) -> tuple[float, float]:
    """CPU seconds of this process and its children during `action`, and the wall time."""

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    before = cpu()
    wall = timed(action)
    return cpu() - before, wall


def bench_compress(folder: Path, duration_s: float, repeats: int) -> list[Row]:
    source = noisy_camera_clip(folder / "noisy-1080p30.mp4", duration_s)
    exe = find_ffmpeg()
    ours, plain = folder / "ours.mp4", folder / "plain.mp4"
    command = plain_command(exe, source, plain)
    print("plain command:", shlex.join(command), flush=True)

    def run_plain() -> None:
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL)

    def run_ours() -> None:
        compress(source, ours)

    run_plain()  # warm the page cache and ffmpeg's own start-up files for both sides
    ours_times, plain_times, ratios, cpu_ratios = [], [], [], []
    for _ in range(repeats):
        # Interleaved, so a slow spell of the machine (other work on it) hits both sides alike;
        # the ratio of each pair is what is compared, not absolute times. CPU seconds (ours:
        # the app's own and ffmpeg's) are beside them: on a shared machine they wobble less.
        plain_cpu, plain_wall = cpu_and_wall(run_plain)
        ours_cpu, ours_wall = cpu_and_wall(run_ours)
        plain_times.append(plain_wall)
        ours_times.append(ours_wall)
        ratios.append(ours_wall / plain_wall)
        cpu_ratios.append(ours_cpu / plain_cpu)
    ours_s, plain_s = statistics.median(ours_times), statistics.median(plain_times)
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(cpu_ratios)
    ours_size, plain_size = ours.stat().st_size, plain.stat().st_size
    ours_ssim, plain_ssim = ssim(ours, source), ssim(plain, source)
    size_ratio = ours_size / plain_size
    pairs = ", ".join(f"{r:.2f}" for r in ratios)
    label = f"{duration_s:g}-s noisy 1080p30"
    return [
        Row("a", f"clip compress, {label} (median of {repeats})", f"{ours_s:.2f} s"),
        Row("a", "plain ffmpeg command (veryfast, crf 23)", f"{plain_s:.2f} s"),
        Row(
            "a",
            f"time ratio compress / plain (median of pairs: {pairs})",
            f"{ratio:.3f}",
            f"<= 1.1 {verdict(ratio <= 1.1)}",
        ),
        Row(
            "a",
            "CPU-time ratio compress / plain (median of pairs)",
            f"{cpu_ratio:.3f}",
            f"<= 1.1 {verdict(cpu_ratio <= 1.1)}",
        ),
        Row("a", "size, compress", f"{ours_size / MB:.3f} MB"),
        Row("a", "size, plain", f"{plain_size / MB:.3f} MB"),
        Row(
            "a",
            "size ratio compress / plain",
            f"{size_ratio:.3f}",
            f"<= 1 {verdict(size_ratio <= 1.0)}",
        ),
        Row("a", "SSIM against the scaled source, compress", f"{ours_ssim:.5f}"),
        Row("a", "SSIM against the scaled source, plain", f"{plain_ssim:.5f}"),
        Row(
            "a",
            "SSIM difference compress - plain",
            f"{ours_ssim - plain_ssim:+.6f}",
            # SSIM is printed to 6 places by ffmpeg: a difference under 1e-6 is a tie.
            f">= 0 {verdict(ours_ssim >= plain_ssim - 1e-6)}",
        ),
        Row("a", "compress against real time", f"{ours_s / duration_s:.2f}x clip length"),
    ]


# --- (b) recording -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    engine_url: str
    libpq_url: str
    progress_id: str


def bench_recording(folder: Path, database: Database | None) -> list[Row]:
    output = folder / "recorded.mp4"
    result = record(TestPatternCamera(clips.Size(1280, 720), 30), output)
    rows = [
        Row(
            "b",
            "15-s recording, synthetic 1280x720 at 30 fps",
            f"{result.clip.duration_s:.2f} s, "
            f"{result.frames} frames, {result.clip.size_bytes / MB:.2f} MB",
        ),
        Row(
            "b",
            "stop to checked file in place",
            f"{result.stop_to_ready_s:.3f} s",
            f"<= 1 s {verdict(result.stop_to_ready_s <= 1.0)}",
        ),
        Row(
            "b",
            "dropped frames (encoder could not take them)",
            str(result.dropped_frames),
            f"0 {verdict(result.dropped_frames == 0)}",
        ),
        Row("b", "camera frames resampled away (30 -> 24 fps)", str(result.skipped_frames)),
    ]
    if database is not None:
        store_s = timed(lambda: store_orm(database, output.read_bytes()))
        total = result.stop_to_ready_s + store_s
        rows.append(
            Row(
                "b",
                "stop to stored in the database",
                f"{total:.3f} s",
                f"<= 1 s {verdict(total <= 1.0)}",
            )
        )
    return rows


# --- (c) and (d) storing -----------------------------------------------------------------------


@contextmanager
def embedded_database(folder: Path) -> Iterator[Database]:
    server = EmbeddedPostgres(folder / "pgdata", database="bench", delete_on_stop=True)
    url = server.start()
    try:
        engine = build_engine(url)
        try:
            migrate.upgrade(engine)
            with SqlUnitOfWork(uow_factory(engine)) as uow:
                progress_id = seed_progress(uow)
                uow.commit()
        finally:
            engine.dispose()
        yield Database(url, plain_libpq_url(url), progress_id)
    finally:
        server.stop()


def seed_progress(uow: SqlUnitOfWork) -> str:
    """The chain a clip hangs from: coach, student, program, block, week, session, progress."""
    session = uow.session
    coach = m.User(email="coach@bench.test", pseudo="coach", password="x", role=m.Role.coach)
    student = m.User(
        email="student@bench.test", pseudo="student", password="x", role=m.Role.student
    )
    session.add_all([coach, student])
    session.flush()
    program = m.Program(title="Bench", coach_id=coach.id)
    session.add(program)
    session.flush()
    block = m.ProgramBlock(program_id=program.id, position=0)
    session.add(block)
    session.flush()
    week = m.Week(block_id=block.id, week_number=1, position=0)
    session.add(week)
    session.flush()
    training = m.Session(week_id=week.id, position=0)
    session.add(training)
    session.flush()
    progress = m.SessionProgress(session_id=training.id, student_id=student.id)
    session.add(progress)
    session.flush()
    return progress.id


_engines: dict[str, Engine] = {}


def _uow(database: Database) -> SqlUnitOfWork:
    # One engine per database, as the app holds one: connecting is not what is measured.
    engine = _engines.get(database.engine_url)
    if engine is None:
        engine = _engines[database.engine_url] = build_engine(database.engine_url)
    return SqlUnitOfWork(uow_factory(engine))


def store_orm(database: Database, data: bytes) -> str:
    with _uow(database) as uow:
        media = m.ExerciseMedia(
            progress_id=database.progress_id, data=data, mime_type=clips.MIME_TYPE, size=len(data)
        )
        uow.session.add(media)
        uow.commit()
        return media.id


def read_orm(database: Database, media_id: str) -> bytes:
    with _uow(database) as uow:
        data = uow.media.read_bytes(media_id)
    assert data is not None
    return data


def store_psycopg(
    conn: psycopg.Connection[tuple[object, ...]], progress_id: str, data: bytes
) -> str:
    media_id = m.new_id()
    with conn.transaction():
        conn.execute(
            'INSERT INTO exercise_media (id, "progressId", data, "mimeType", size) '
            "VALUES (%s, %s, %b, %s, %s)",
            (media_id, progress_id, data, clips.MIME_TYPE, len(data)),
            binary=True,
        )
    return media_id


def read_psycopg(conn: psycopg.Connection[tuple[object, ...]], media_id: str) -> bytes:
    row = conn.execute(
        "SELECT data FROM exercise_media WHERE id = %s", (media_id,), binary=True
    ).fetchone()
    assert row is not None
    data = row[0]
    assert isinstance(data, bytes)
    return data


def bench_storing(folder: Path, database: Database, repeats: int) -> list[Row]:
    blob = os.urandom(BLOB_BYTES)  # video does not compress, and neither does this
    with psycopg.connect(database.libpq_url) as conn:
        store_orm(database, blob)  # warm both paths: connections, statement caches
        store_psycopg(conn, database.progress_id, blob)
        orm_ids: list[str] = []
        raw_ids: list[str] = []
        orm_store = median_time(lambda: orm_ids.append(store_orm(database, blob)), repeats)
        raw_store = median_time(
            lambda: raw_ids.append(store_psycopg(conn, database.progress_id, blob)), repeats
        )
        assert read_orm(database, orm_ids[0]) == blob
        assert read_psycopg(conn, raw_ids[0]) == blob
        orm_read = median_time(lambda: read_orm(database, orm_ids[0]), repeats)
        raw_read = median_time(lambda: read_psycopg(conn, raw_ids[0]), repeats)
    store_ratio, read_ratio = orm_store / raw_store, orm_read / raw_read
    return [
        Row(
            "c", f"store 15 MB, repository/ORM (median of {repeats})", f"{orm_store * 1000:.0f} ms"
        ),
        Row("c", "store 15 MB, psycopg binary INSERT", f"{raw_store * 1000:.0f} ms"),
        Row("c", "ratio store", f"{store_ratio:.2f}", f"<= 1.2 {verdict(store_ratio <= 1.2)}"),
        Row("c", "read 15 MB, repository read_bytes", f"{orm_read * 1000:.0f} ms"),
        Row("c", "read 15 MB, psycopg binary SELECT", f"{raw_read * 1000:.0f} ms"),
        Row("c", "ratio read", f"{read_ratio:.2f}", f"<= 1.2 {verdict(read_ratio <= 1.2)}"),
    ]


def _status_mb(key: str) -> float | None:
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return None


def _peak_rss_mb() -> float:
    high_water = _status_mb("VmHWM")
    if high_water is not None:
        return high_water
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _reset_peak_rss() -> None:
    # Linux lets a process reset its RSS high-water mark, so the peak of one step can be read.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def store_child(path: Path, how: str, database: Database) -> None:
    """Run in a fresh process: store `path` once, print peak Python and RSS rise in MB as JSON.

    A fresh process, because a warm one keeps freed heap around and hides the rise.
    """
    conn = psycopg.connect(database.libpq_url)
    with _uow(database) as uow:  # connect and load the ORM before the baseline
        uow.session.execute(select(m.ExerciseMedia.id).limit(1)).all()

    def store() -> None:
        data = path.read_bytes()
        if how == "orm":
            store_orm(database, data)
        else:
            store_psycopg(conn, database.progress_id, data)

    _reset_peak_rss()
    rss_before = _status_mb("VmRSS") or _peak_rss_mb()
    tracemalloc.start()
    store()
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"python": python_peak / MB, "rss": _peak_rss_mb() - rss_before}))
    conn.close()


def bench_memory(folder: Path, database: Database) -> list[Row]:
    clip = folder / "15mb.mp4"
    clip.write_bytes(os.urandom(BLOB_BYTES))
    found: dict[str, dict[str, float]] = {}
    for how in ("orm", "psycopg"):
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--store-child",
                how,
                str(clip),
                database.engine_url,
                database.progress_id,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        found[how] = json.loads(child.stdout.strip().splitlines()[-1])

    def shown(how: str) -> str:
        return f"{found[how]['python']:.1f} MB Python, +{found[how]['rss']:.0f} MB RSS"

    return [
        Row("d", "peak memory, read + store 15 MB, repository/ORM", shown("orm"), "clip is 15 MB"),
        Row("d", "peak memory, read + store 15 MB, psycopg binary", shown("psycopg")),
    ]


# --- the table ---------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    widths = [max(len(getattr(r, f)) for r in rows) for f in ("part", "measure", "value")]
    for row in rows:
        print(
            f"{row.part:<{widths[0]}}  {row.measure:<{widths[1]}}  {row.value:<{widths[2]}}  "
            f"{row.target}".rstrip()
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--no-db", action="store_true", help="skip (c), (d) and storing in (b)")
    parser.add_argument("--only-compress", action="store_true", help="run (a) alone")
    parser.add_argument("--repeats", type=int, default=None, help="pairs of encodes in (a)")
    parser.add_argument("--store-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.store_child:
        how, path, url, progress_id = args.store_child
        store_child(Path(path), how, Database(url, plain_libpq_url(url), progress_id))
        return 0
    duration = 5.0 if args.quick else clips.MAX_DURATION_S
    repeats = args.repeats or (1 if args.quick else 5)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="gbf-bench-") as temp:
        folder = Path(temp)
        print(f"ffmpeg {find_ffmpeg()}, {os.cpu_count()} CPUs", flush=True)
        rows += bench_compress(folder, duration, repeats)
        if args.only_compress:
            pass
        elif args.no_db:
            rows += bench_recording(folder, None)
        else:
            with embedded_database(folder) as database:
                rows += bench_recording(folder, database)
                rows += bench_storing(folder, database, 1 if args.quick else 5)
                rows += bench_memory(folder, database)
                for engine in _engines.values():
                    engine.dispose()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
