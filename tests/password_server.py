"""A PostgreSQL server that really asks for passwords (SCRAM), for the credential tests.

The shared test server trusts local connections, so a missing password would never be noticed
there. This one is the same embedded PostgreSQL with `pg_hba.conf` changed: the superuser keeps
trust (to set things up), every other role must give its password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import plain_libpq_url

ROLE = "gbf_pw_coach"
PASSWORD = "pw-secret-4-tests"  # a test server's role, not a secret


@dataclass(frozen=True)
class PasswordServer:
    admin_url: str  # trusted superuser
    url: str  # ROLE on the `postgres` database, no password in it
    socket_dir: str

    def with_password(self) -> str:
        return plain_libpq_url(make_url(self.url).set(password=PASSWORD))


@contextmanager
def password_server(folder: Path) -> Iterator[PasswordServer]:
    server = EmbeddedPostgres(folder / "data", database="postgres", delete_on_stop=True)
    admin_url = server.start()
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
            hba = Path(str(conn.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
            hba.write_text(
                "local all postgres trust\n"
                "local all all scram-sha-256\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
                "host all all ::1/128 scram-sha-256\n",
                encoding="utf-8",
            )
            conn.execute("SELECT pg_reload_conf()")
        parsed = make_url(admin_url)
        socket_dir = str(parsed.query.get("host", ""))
        url = plain_libpq_url(parsed.set(username=ROLE))
        yield PasswordServer(admin_url=admin_url, url=url, socket_dir=socket_dir)
    finally:
        server.stop()
