"""A running GUI started from a saved connection holds no password in its command line or its
environment, where other local users (ps, /proc) could read it; its files are private after.

The app runs as a real offscreen subprocess against a server that really asks for the password,
which comes from the keyring (the test's file backend, set through keyring's own
PYTHON_KEYRING_BACKEND variable).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from gbf_desktop.connections import KEYRING_SERVICE, ConnectionTarget
from gbf_desktop.db import migrate
from gbf_desktop.db.engine import build_engine, plain_libpq_url
from tests.app_driver import AppLines
from tests.password_server import PASSWORD, ROLE, PasswordServer, password_server

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads Linux's /proc"),
]

DATABASE = "gbf_proc_test"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PasswordServer]:
    with password_server(tmp_path_factory.mktemp("pwserver")) as running:
        with psycopg.connect(running.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
        # Migrated by the role itself, as the owner of its database would do it.
        owner = plain_libpq_url(make_url(running.with_password()).set(database=DATABASE))
        engine = build_engine(owner)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        yield running


def _app_sessions(server: PasswordServer) -> int:
    with psycopg.connect(server.admin_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s "
            "AND application_name = 'gbf-desktop'",
            (ROLE, DATABASE),
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_gui_from_a_saved_connection_shows_no_password_in_proc(
    server: PasswordServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    target = ConnectionTarget.from_url(plain_libpq_url(make_url(server.url).set(database=DATABASE)))
    saved = ConnectionTarget(host=target.host, database=DATABASE, user=ROLE, name="Gym server")
    (data / "connections.json").write_text(json.dumps({"connections": [saved.to_json()]}))
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({f"{KEYRING_SERVICE}\n{saved.keyring_name}": PASSWORD}))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GBF_", "PG")) and "PASSWORD" not in key
    }
    env |= {
        "GBF_DATA_DIR": str(data),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path / "home"),  # no ~/.pgpass: the keyring must give the password
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backends.FileKeyring",
        "GBF_TEST_KEYRING_FILE": str(keyring_file),
        "PYTHONPATH": str(REPO),
    }
    # The real app, through a driver that prints a line when a window shows: the sign-in shows
    # once the database was opened with the keyring's password and checked.
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.app_driver", "--connection", "Gym server"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        AppLines(process).wait_for("shown SignInDialog ", 60)
        assert _app_sessions(server) > 0  # connected, with the password from the keyring
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes()
        environ = Path(f"/proc/{process.pid}/environ").read_bytes()
        assert b"Gym server" in cmdline  # what it was started with is there...
        assert PASSWORD.encode() not in cmdline  # ...and no password
        assert PASSWORD.encode() not in environ
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()

    for path in [data, *data.rglob("*")]:
        if path.is_symlink() or "pgdata" in path.parts:
            continue
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path
    assert (data / "logs" / "gbf-desktop.log").is_file()


def test_a_chosen_connection_opens_with_the_typed_password_or_says_what_is_wrong(
    server: PasswordServer,
) -> None:
    from gbf_desktop.app import PasswordNeeded, open_chosen

    target = ConnectionTarget.from_url(plain_libpq_url(make_url(server.url).set(database=DATABASE)))
    with pytest.raises(PasswordNeeded, match="wants a password"):
        open_chosen(target, None)
    db, backend = open_chosen(target, PASSWORD)
    try:
        assert backend.database_label == target.label
        assert backend.connection_warning is None  # a local socket: nothing crosses a network
        assert backend.programs(str(uuid.uuid4())) == ()
    finally:
        db.close()
