"""Faults around a coach's takes: the app killed mid-compress and mid-store, and a full disk.

The app is a separate process running the real code path (tests/take_driver.py, or the CLI),
killed with SIGKILL at a moment it reports itself; then a new process does what the next start
does. A full disk is a file-size limit (RLIMIT_FSIZE) set in the child before it runs: writes past
it fail with EFBIG (Python) or SIGXFSZ (ffmpeg), as they fail with ENOSPC on a full disk.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import Engine, text

from tests import video_inputs
from tests.integration.test_media_store import World, world

pytestmark = [
    pytest.mark.ffmpeg,
    pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL, pidfd and RLIMIT_FSIZE: Linux"),
]

__all__ = ["world"]  # the fixture, imported for the store test

REPO = Path(__file__).resolve().parents[2]
# Generous: the machine may be busy; a healthy run answers in well under a second.
DEADLINE_S = 60.0


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}


def _readline(stream: IO[str]) -> str:
    ready, _, _ = select.select([stream], [], [], DEADLINE_S)
    assert ready, "the driver said nothing in time"
    return stream.readline().strip()


@pytest.fixture
def driver() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.take_driver", *args],
            cwd=REPO,
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.take_driver", *args],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _wait_gone(pid: int) -> bool:
    """True once process `pid` (not our child) has exited, within the deadline."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([handle], [], [], DEADLINE_S)
        return bool(ready)
    finally:
        os.close(handle)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _partials(folder: Path) -> list[str]:
    return [name for name in _files(folder) if ".partial" in name]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Long and big enough that cutting 10 s of it is still encoding when the test kills it.
    folder = tmp_path_factory.mktemp("fault-sources")
    return video_inputs.h264_1080p30(folder / "squat.mp4", duration=12.0)


def _import(data_dir: Path, source: Path) -> Path:
    line = _run("import", str(data_dir), str(source))
    assert line.startswith("take ")
    return Path(line.removeprefix("take "))


# --- the ffmpeg child dies with the app ----------------------------------------------------------

ENDLESS = """
import sys
from pathlib import Path
from gbf_desktop.video.ffmpeg import find_ffmpeg, run
steps = run(
    [find_ffmpeg(), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "null", "-"],
    output=Path(sys.argv[1]),
)
next(steps)
print("running", flush=True)
sys.stdin.readline()
"""


def test_the_ffmpeg_child_dies_when_the_app_is_killed(tmp_path: Path) -> None:
    app = subprocess.Popen(
        [sys.executable, "-c", ENDLESS, str(tmp_path / "never.mp4")],
        cwd=REPO,
        env=_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None
        assert _readline(app.stdout) == "running"
        ffmpeg = _children_of(app.pid)
        assert len(ffmpeg) == 1
        app.send_signal(signal.SIGKILL)
        app.wait()
        # The encode has no end: only the parent-death signal can stop it.
        assert _wait_gone(ffmpeg[0])
    finally:
        app.kill()
        app.communicate()


def _children_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.append(int(entry.name))
    return found


# --- killed mid-compress -------------------------------------------------------------------------


def test_killed_mid_compress_the_take_is_offered_back_and_no_partial_is_left(
    tmp_path: Path, source: Path, driver: Callable[..., subprocess.Popen[str]]
) -> None:
    takes = tmp_path / "takes"
    take = _import(tmp_path, source)
    assert _files(takes) == [f"{take.stem}.json", take.name]

    app = driver("trim", str(tmp_path), str(take), "1.0", "11.0")
    assert app.stdout is not None
    line = _readline(app.stdout)
    assert line.startswith("ffmpeg "), line
    ffmpeg = int(line.split()[1])
    assert _partials(takes), "the cut is being written under a partial name"
    app.send_signal(signal.SIGKILL)
    app.wait()
    assert _wait_gone(ffmpeg)

    # The next start: the partial is swept, the take it was cutting is offered again.
    offered = json.loads(_run("recover", str(tmp_path)))
    assert [t["id"] for t in offered] == [take.stem]
    assert offered[0]["label"] == "Imported from squat.mp4"
    assert _files(takes) == [f"{take.stem}.json", take.name]


# --- killed mid-store ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    url: str
    engine: Engine
    world: World


@pytest.fixture
def platform(db_url: str, engine: Engine, world: World) -> Platform:
    return Platform(db_url, engine, world)


@pytest.mark.db
def test_killed_mid_store_the_take_is_offered_back_and_nothing_is_stored(
    tmp_path: Path,
    source: Path,
    driver: Callable[..., subprocess.Popen[str]],
    platform: Platform,
) -> None:
    db_url, engine, world = platform.url, platform.engine, platform.world
    takes = tmp_path / "takes"
    take = _import(tmp_path, source)
    app = driver(
        "store", str(tmp_path), db_url, world.coach, world.student, world.session, str(take)
    )
    assert app.stdout is not None
    assert _readline(app.stdout).startswith("writing ")
    take_size = take.stat().st_size
    marked = json.loads((takes / f"{take.stem}.json").read_text())
    assert marked["storing_media_id"], "the take says which row it is becoming"
    app.send_signal(signal.SIGKILL)
    app.wait()

    offered = json.loads(_run("recover", str(tmp_path), db_url))
    assert [(t["id"], t["storing"]) for t in offered] == [(take.stem, None)]
    assert _partials(takes) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM exercise_media")).scalar_one() == 0
        # The killed transaction holds no lock: the row is writable again at once.
        assert conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar() == 0

    # Stored now, to the end: the take goes, and the next start offers nothing.
    finished = _run(
        "store", str(tmp_path), db_url, world.coach, world.student, world.session, str(take)
    )
    assert finished == "finished"
    assert json.loads(_run("recover", str(tmp_path), db_url)) == []
    assert _files(takes) == []
    with engine.connect() as conn:
        sizes = conn.execute(text("SELECT size FROM exercise_media")).scalars().all()
    assert sizes == [take_size]


# --- a full disk ---------------------------------------------------------------------------------


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_compress_says_so_and_leaves_no_partial(
    tmp_path: Path, source: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cli = Path(sys.executable).with_name("gbf-desktop")
    done = subprocess.run(
        [str(cli), "clip", "compress", str(source), str(out / "clip.mp4"), "--end", "8"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
        check=False,
        preexec_fn=_limit_file_size(100_000),
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("gbf-desktop: The disk is full: there is not enough room in ")
    assert "Traceback" not in done.stderr
    assert _files(out) == []


EXPORT = """
import sys
from pathlib import Path
from gbf_desktop.errors import DiskFull
from gbf_desktop.services.files import write_atomically
from gbf_desktop.services.takes import TakeStore
store = TakeStore(Path(sys.argv[1]))
[take] = store.pending()
for attempt in ("export", "write"):
    try:
        if attempt == "export":
            store.export(take, Path(sys.argv[2]) / "export.mp4")
        else:
            write_atomically(Path(sys.argv[2]) / "copy.mp4", take.path.read_bytes(), doing="copy")
    except DiskFull as err:
        print(err, flush=True)
"""


def test_a_full_disk_during_an_export_says_so_and_leaves_no_partial(
    tmp_path: Path, source: Path
) -> None:
    take = _import(tmp_path, source)
    destination = tmp_path / "exports"
    destination.mkdir()
    limit = take.stat().st_size // 2
    done = subprocess.run(
        [sys.executable, "-c", EXPORT, str(take.parent), str(destination)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size(limit),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert line.startswith(f"The disk is full: there is not enough room in {destination}")
    assert _files(destination) == []
