"""The built-in PostgreSQL never outlives the app that started it.

A real app process is played by a child Python that starts the server and then waits; the test
kills it with SIGKILL (no atexit, no cleanup) and watches what happens to the server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from gbf_desktop.db.embedded import EmbeddedPostgres, stop_if_abandoned

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(os.name != "posix", reason="the watchdog pipe and SIGKILL are POSIX"),
]

APP = """
import sys
from pathlib import Path
from gbf_desktop.db.embedded import EmbeddedPostgres, stop_if_abandoned
server = EmbeddedPostgres(Path(sys.argv[1]), watchdog=sys.argv[2] == "watchdog")
server.start()
print(server.server_pid, flush=True)
sys.stdin.read()  # until killed
"""


def _watchdogs_of(folder: Path) -> list[psutil.Process]:
    """The watchdog processes guarding a server over `folder`, whoever started them."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "gbf_desktop.db.pg_watchdog" in cmdline and str(folder.resolve()) in cmdline:
            found.append(process)
    return found


def _server_over(folder: Path) -> psutil.Process | None:
    """The running postmaster over `folder`, by its postmaster.pid, if that pid is really it.

    A server that died uncleanly leaves postmaster.pid behind, and its pid may since belong to
    anything, such as a backend of the session's test server: only a postgres process started
    on this folder is ours.
    """
    info = folder / "postmaster.pid"
    try:
        process = psutil.Process(int(info.read_text().split()[0]))
        cmdline = process.cmdline()
    except (OSError, ValueError, IndexError, psutil.Error):
        return None
    return process if str(folder.resolve()) in cmdline else None


@pytest.fixture
def pgdata(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "pgdata"
    yield folder
    # Whatever a test started (or a failing test left behind) must not outlive it: a watchdog
    # waking later would act on this folder while later tests run.
    for process in [*_watchdogs_of(folder), _server_over(folder)]:
        if process is not None:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
                process.wait(timeout=60)


def _wait_gone(pid: int) -> None:
    """Wait for a process to end (a stopped postmaster takes a moment to exit), or fail."""
    try:
        process = psutil.Process(pid)
        process.wait(timeout=60)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        pytest.fail(f"process {pid} still runs ({process.status()})")


def _kill_an_app_that_started(pgdata: Path, *, watchdog: bool) -> int:
    """Start the server from a child process, SIGKILL the child; returns the server's pid."""
    app = subprocess.Popen(
        [sys.executable, "-c", APP, str(pgdata), "watchdog" if watchdog else "none"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None
        line = app.stdout.readline()
        assert line.strip().isdigit(), f"the app did not report its server: {line!r}"
        server_pid = int(line)
        assert psutil.pid_exists(server_pid)
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
        if app.stdin is not None:
            app.stdin.close()
        if app.stdout is not None:
            app.stdout.close()
    return server_pid


def test_the_server_of_a_killed_app_stops_by_itself(pgdata: Path) -> None:
    server_pid = _kill_an_app_that_started(pgdata, watchdog=True)

    # The watchdog notices the app's end and stops the server; wait for that, up to a minute.
    _wait_gone(server_pid)
    assert not (pgdata / "postmaster.pid").exists(), "the server was not shut down cleanly"
    # Its work done, the watchdog leaves too.
    for watchdog in _watchdogs_of(pgdata):
        _wait_gone(watchdog.pid)


def test_a_server_left_by_a_dead_app_is_taken_over_and_stopped_on_exit(pgdata: Path) -> None:
    # Without a watchdog (an app killed before it started one), the server survives its app.
    stale_pid = _kill_an_app_that_started(pgdata, watchdog=False)
    assert psutil.pid_exists(stale_pid)

    server = EmbeddedPostgres(pgdata, watchdog=False)
    url = server.start()
    assert server.server_pid == stale_pid, "the running server was not reused"
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)

    # Before the fix, the dead app's pid in the owners list kept this clean exit from stopping it.
    server.stop()
    assert not (pgdata / "postmaster.pid").exists()
    _wait_gone(stale_pid)


def test_a_clean_exit_stops_the_server_and_its_watchdog(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    server.start()
    pid = server.server_pid
    assert pid is not None
    # This server's watchdog: the suite's own test server has one too.
    watchdogs = [
        child
        for child in psutil.Process().children()
        if "gbf_desktop.db.pg_watchdog" in (line := child.cmdline())
        and str(pgdata.resolve()) in line
    ]
    assert len(watchdogs) == 1

    server.stop()

    assert not (pgdata / "postmaster.pid").exists()
    _wait_gone(pid)
    # Its first flush of the new cluster to disk can outlast stop()'s own wait on a busy machine.
    _wait_gone(watchdogs[0].pid)


def test_a_late_watchdog_leaves_a_newer_server_over_its_folder_running(pgdata: Path) -> None:
    # A server left by a dead app: the owners list holds only that dead pid.
    stale_pid = _kill_an_app_that_started(pgdata, watchdog=False)
    assert psutil.pid_exists(stale_pid)

    # A watchdog that was started beside an earlier server (some other pid) wakes only now.
    assert not stop_if_abandoned(pgdata, dead_owner=os.getpid(), server_pid=stale_pid + 1)
    assert psutil.pid_exists(stale_pid), "a watchdog stopped a server it was not guarding"

    # The watchdog of this very server does stop it.
    assert stop_if_abandoned(pgdata, dead_owner=os.getpid(), server_pid=stale_pid)
    _wait_gone(stale_pid)
    assert not (pgdata / "postmaster.pid").exists()
