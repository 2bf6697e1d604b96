"""Saved connections and where passwords come from: the keyring, ~/.pgpass, service files, a
question; TLS by default to a remote server; a password on the command line warns."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from gbf_desktop import cli
from gbf_desktop.app import open_database
from gbf_desktop.connections import (
    ConnectionTarget,
    SavedConnections,
    keyring_status,
    parse_url,
    store_password,
    stored_password,
)
from gbf_desktop.errors import ConfigError, DatabaseUnavailable
from gbf_desktop.settings import Settings
from tests.keyring_backends import MemoryKeyring
from tests.password_server import PASSWORD, ROLE, PasswordServer, password_server


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GBF_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("GBF_DATABASE_URL", "GBF_CONNECTION", "PGPASSFILE", "PGSERVICEFILE", "PGUSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no real ~/.pgpass or service file


# --- parsing and TLS -----------------------------------------------------------------------


def target_fields(target: ConnectionTarget) -> tuple[str, int | None, str, str]:
    return (target.host, target.port, target.database, target.user)


def test_a_remote_server_gets_verify_full_unless_told_otherwise() -> None:
    target, password = parse_url("postgresql://coach:s3cret@db.example.org:6432/gbf")
    assert password == "s3cret"
    assert (target.host, target.port, target.database, target.user) == (
        "db.example.org",
        6432,
        "gbf",
        "coach",
    )
    assert target.effective_sslmode == "verify-full"
    assert "s3cret" not in target.url_without_password()
    assert "sslmode=verify-full" in target.url_without_password()
    assert target.plain_warning() is None

    # Every option a URL may carry is read, a password among them; no other is let through.
    queried, query_password = parse_url(
        "postgresql:///?host=db.example.org&port=6432&dbname=gbf&user=coach&password=pw"
        "&sslmode=verify-ca&sslrootcert=/etc/gym-ca.pem"
    )
    assert query_password == "pw"
    assert (queried.host, queried.port, queried.database, queried.user) == target_fields(target)
    assert (queried.sslmode, queried.sslrootcert) == ("verify-ca", "/etc/gym-ca.pem")
    with pytest.raises(ConfigError, match="does not pass to the server"):
        parse_url("postgresql://coach@db.example.org/gbf?application_name=mine")
    with pytest.raises(ConfigError, match="The port in the database URL is not a number"):
        parse_url("postgresql:///gbf?host=db.example.org&port=abc")

    required = parse_url("postgresql://coach@db.example.org/gbf?sslmode=require")[0]
    assert "not checked" in (required.plain_warning() or "")
    plain = parse_url("postgresql://coach@db.example.org/gbf?sslmode=disable")[0]
    assert "Plain connection" in (plain.plain_warning() or "")


def test_a_local_server_keeps_libpqs_default_and_no_warning() -> None:
    for url in (
        "postgresql://coach@localhost/gbf",
        "postgresql://coach@127.0.0.1:5432/gbf",
        "postgresql://coach@/gbf?host=/var/run/postgresql",
    ):
        target = parse_url(url)[0]
        assert target.is_local, url
        assert target.effective_sslmode is None
        assert target.plain_warning() is None


def test_bad_tls_modes_and_ports_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ConfigError, match="TLS mode 'sometimes'"):
        parse_url("postgresql://c@db.example.org/gbf?sslmode=sometimes")
    with pytest.raises(ConfigError, match="must start with postgresql://"):
        parse_url("mysql://c@db/gbf")


def test_a_service_names_its_host_and_tls_in_the_service_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text("[gym]\nhost=db.example.org\ndbname=gbf\nuser=coach\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    target = parse_url("service=gym")[0]
    assert target.service == "gym"
    assert not target.is_local
    assert target.effective_sslmode == "verify-full"
    assert target.label == "service gym"
    services.write_text("[gym]\nhost=db.example.org\nsslmode=require\n")
    assert parse_url("service=gym")[0].effective_sslmode == "require"


# --- the saved list and the keyring ----------------------------------------------------------


def test_saved_connections_hold_no_password_and_only_the_user_reads_them(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "data" / "connections.json"
    target = ConnectionTarget(
        host="db.example.org",
        port=5432,
        database="gbf",
        user="gbf_coach_ana",
        sslmode="verify-full",
        sslrootcert="/etc/ssl/gym-ca.pem",
        name="Gym server",
    )
    SavedConnections(path).with_target(target).save()
    store_password(target, "keyring-only-secret")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "keyring-only-secret" not in path.read_text()
    loaded = SavedConnections.load(path).get("Gym server")
    assert loaded == target
    assert stored_password(loaded) == "keyring-only-secret"
    assert json.loads(path.read_text())["connections"][0]["sslrootcert"] == "/etc/ssl/gym-ca.pem"
    with pytest.raises(ConfigError, match="No saved connection is called 'Home'"):
        SavedConnections.load(path).get("Home")


def test_without_a_keyring_it_says_so_and_saves_no_password(no_keyring: None) -> None:
    status = keyring_status()
    assert not status.available
    assert "asked each time" in status.reason
    target = parse_url("postgresql://coach@db.example.org/gbf")[0]
    with pytest.raises(ConfigError, match="no keyring"):
        store_password(target, "x")
    assert stored_password(target) is None


# --- against a server that asks for passwords ------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PasswordServer]:
    if os.name != "posix":
        pytest.skip("the password server listens on a Unix socket")
    with password_server(tmp_path_factory.mktemp("pwserver")) as running:
        yield running


def _connects(settings: Settings, **kwargs: object) -> str:
    db = open_database(settings, **kwargs)  # type: ignore[arg-type]
    try:
        with db.engine.connect() as conn:
            return str(conn.exec_driver_sql("SELECT current_user").scalar())
    finally:
        db.close()


@pytest.mark.db
def test_a_url_without_password_asks_and_the_keyring_answers_instead(
    server: PasswordServer, memory_keyring: MemoryKeyring
) -> None:
    settings = Settings.load(database_url=server.url)
    with pytest.raises(DatabaseUnavailable, match="wants a password"):
        open_database(settings)

    asked: list[str] = []

    def ask(target: ConnectionTarget, reason: str) -> str | None:
        asked.append(reason)
        return "wrong" if len(asked) == 1 else PASSWORD

    assert _connects(settings, ask_password=ask) == ROLE
    assert asked == ["The server asks for a password.", "That password was refused."]

    store_password(parse_url(server.url)[0], PASSWORD)
    assert _connects(settings, ask_password=None) == ROLE


@pytest.mark.db
def test_pgpass_and_service_files_work(
    server: PasswordServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)  # libpq ignores a password file others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert _connects(Settings.load(database_url=server.url)) == ROLE

    services = tmp_path / "pg_service.conf"
    services.write_text(f"[gym]\nhost={server.socket_dir}\ndbname=postgres\nuser={ROLE}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    settings = Settings.load(database_url="service=gym")
    assert _connects(settings) == ROLE
    db = open_database(settings)
    try:
        assert db.label == "service gym"
    finally:
        db.close()


@pytest.mark.db
def test_a_password_on_the_command_line_works_but_warns(
    server: PasswordServer, capsys: pytest.CaptureFixture[str], no_keyring: None
) -> None:
    code = cli.main(["db", "check", "--database-url", server.with_password()])
    shown = capsys.readouterr()
    assert "can be read by every user of this computer" in shown.err
    assert "schema:" in shown.out  # it did connect and compare
    assert PASSWORD not in shown.out + shown.err
    assert code == cli.EXIT_FAILED  # it connected: the empty database has no schema yet
