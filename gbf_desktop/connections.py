"""Server connections a coach can save, with the password in the operating system's keyring.

A saved connection is host, port, database, user and TLS settings, kept in `connections.json` in
the data folder (0600). Its password never goes to that file, a command line or an environment
variable: it goes to the keyring (`keyring`: Secret Service, macOS Keychain, Windows Credential
Manager), under the service `gbf-desktop` and the name `user@host:port/database`.

Where passwords come from, in order: the keyring; libpq's own `~/.pgpass` and service file
(`service=NAME`), which it reads when it connects; else the user is asked (and may save it).
A URL with a password on the command line still works, with a warning: every local user can read
a process's command line.

A server that is not on this machine is reached with `sslmode=verify-full` unless the connection
says otherwise; `require` (encrypted, server not verified) and `disable` (plain) are allowed and
shown as a warning in the status bar.

Qt-free and driver-free: URLs are parsed here with the standard library, libpq does the rest.
"""

from __future__ import annotations

import configparser
import contextlib
import difflib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import keyring
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from gbf_desktop.errors import ConfigError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "gbf-desktop"
SSL_MODES = ("verify-full", "verify-ca", "require", "prefer", "allow", "disable")
DEFAULT_REMOTE_SSLMODE = "verify-full"
_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class ConnectionTarget:
    """Where to connect and how, without the password."""

    host: str = ""
    port: int | None = None
    database: str = ""
    user: str = ""
    sslmode: str | None = None  # None: libpq's default locally, verify-full for a remote host
    sslrootcert: str | None = None  # the CA file that verifies the server
    service: str | None = None  # a section of the PostgreSQL service file
    name: str = ""  # what the saved-connections list calls it

    @classmethod
    def from_url(cls, url: str) -> ConnectionTarget:
        """Parse `postgresql://user@host:port/db?sslmode=..` (any password is ignored) or
        `service=NAME`."""
        return parse_url(url)[0]

    @property
    def is_local(self) -> bool:
        """On this machine: no host (a Unix socket), a socket folder, or a loopback name."""
        host = self.resolved_host
        return host in _LOCAL_HOSTS or host.startswith("/")

    @property
    def resolved_host(self) -> str:
        """The host, looked up in the service file when a service names it."""
        if self.host or not self.service:
            return self.host
        return service_options(self.service).get("host", "")

    @property
    def effective_sslmode(self) -> str | None:
        """The TLS mode the connection will use: set explicitly, by the service file, or
        verify-full for a remote host; None leaves libpq's default (local connections)."""
        if self.sslmode:
            return self.sslmode
        if self.service and service_options(self.service).get("sslmode"):
            return service_options(self.service)["sslmode"]
        return None if self.is_local else DEFAULT_REMOTE_SSLMODE

    @property
    def keyring_name(self) -> str:
        """The keyring entry's user name: one password per role and server."""
        where = self.resolved_host or "local"
        return f"{self.user or os.environ.get('PGUSER', '')}@{where}:{self.port or 5432}/" + (
            self.database or self.service or ""
        )

    @property
    def label(self) -> str:
        """What the status bar shows."""
        if self.service and not self.host:
            return f"service {self.service}"
        host = self.host or "local socket"
        port = f":{self.port}" if self.port else ""
        user = f"{self.user}@" if self.user else ""
        return f"{user}{host}{port}/{self.database}"

    def with_user(self, user: str) -> ConnectionTarget:
        return replace(self, user=user)

    def url_without_password(self) -> str:
        """A libpq URL (no password), with the TLS mode the rules above choose."""
        netloc = quote(self.user, safe="") + "@" if self.user else ""
        host = self.host
        query: dict[str, str] = {}
        if host.startswith("/"):
            query["host"] = host
            host = ""
        netloc += f"[{host}]" if ":" in host else host
        if self.port:
            netloc += f":{self.port}"
        if self.service:
            query["service"] = self.service
        mode = self.effective_sslmode
        if mode:
            query["sslmode"] = mode
        if self.sslrootcert:
            query["sslrootcert"] = self.sslrootcert
        tail = f"?{urlencode(query)}" if query else ""
        return f"postgresql://{netloc}/{quote(self.database, safe='')}{tail}"

    def plain_warning(self) -> str | None:
        """The status bar's warning when the connection is not verified TLS to a remote server."""
        mode = self.effective_sslmode
        if self.is_local or mode in ("verify-full", "verify-ca"):
            return None
        if mode == "require":
            return "Encrypted, but the server's identity is not checked (sslmode=require)"
        return f"Plain connection (sslmode={mode}): passwords and students' data cross the network"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConnectionTarget:
        port = data.get("port")
        target = cls(
            host=str(data.get("host") or ""),
            port=int(port) if isinstance(port, int | str) and str(port).isdigit() else None,
            database=str(data.get("database") or ""),
            user=str(data.get("user") or ""),
            sslmode=str(data["sslmode"]) if data.get("sslmode") else None,
            sslrootcert=str(data["sslrootcert"]) if data.get("sslrootcert") else None,
            service=str(data["service"]) if data.get("service") else None,
            name=str(data.get("name") or ""),
        )
        target.validate()
        return target

    def validate(self) -> None:
        # libpq takes C strings: a NUL would cut the value short, or be refused halfway.
        for label, value in (
            ("host", self.host),
            ("database name", self.database),
            ("user name", self.user),
            ("service", self.service),
            ("TLS root certificate", self.sslrootcert),
            ("name", self.name),
        ):
            if value and "\x00" in value:
                raise ConfigError(
                    f"The connection's {label} contains a NUL character, which no server name "
                    "can hold.",
                    hint="Retype it without the character (it usually comes from pasting).",
                )
        if self.sslmode is not None and self.sslmode not in SSL_MODES:
            raise ConfigError(
                f"The TLS mode {self.sslmode!r} is not one PostgreSQL knows.",
                hint="Use verify-full (the default for a remote server), require or disable.",
            )
        if self.port is not None and not 0 < self.port < 65536:
            raise ConfigError(f"The port {self.port} is not a port number (1 to 65535).")
        if not (self.service or self.database):
            raise ConfigError("The connection needs a database name (or service=NAME).")


# The options a database URL may carry: what a saved connection keeps.
URL_OPTIONS = ("host", "port", "dbname", "user", "password", "sslmode", "sslrootcert", "service")
# libpq's other connection keywords (PostgreSQL 15 to 17). Real ones, but the app either sets them
# itself (application_name, connect_timeout) or has nowhere to keep them, so one in a URL would
# be dropped without a word: refused instead, so nobody counts on an option that does nothing.
LIBPQ_OTHER_OPTIONS = frozenset(
    {
        "hostaddr", "passfile", "channel_binding", "connect_timeout", "client_encoding",
        "options", "application_name", "fallback_application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "gssencmode", "requiressl", "sslcompression", "sslcert", "sslkey",
        "sslpassword", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "ssl_min_protocol_version",
        "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
        "target_session_attrs", "load_balance_hosts", "sslcertmode", "require_auth",
        "sslnegotiation",
    }
)  # fmt: skip


def _refuse_options(names: set[str]) -> None:
    """A ConfigError for the first option in `names` the app does not read (none when empty)."""
    if not names:
        return
    name = sorted(names)[0]
    readable = ", ".join(URL_OPTIONS)
    if name in LIBPQ_OTHER_OPTIONS:
        raise ConfigError(
            f"The database URL sets {name}, which GoBeyondFit Desktop does not pass to the server.",
            hint=f"Remove {name}=… from the URL. The options it reads are: {readable}.",
        )
    close = difflib.get_close_matches(name, [*URL_OPTIONS, *LIBPQ_OTHER_OPTIONS], n=1)
    guess = f" Did you mean {close[0]}?" if close else ""
    raise ConfigError(
        f"The database URL sets {name!r}, which is not a PostgreSQL connection option.{guess}",
        hint=f"The options it reads are: {readable}.",
    )


def parse_url(url: str) -> tuple[ConnectionTarget, str | None]:
    """The target and the password the URL holds (None when it holds none)."""
    text = url.strip()
    if text.startswith("service="):
        text = f"postgresql:///?{text}"
    try:
        parts = urlsplit(text)
    except ValueError as err:  # an unclosed [ of an IPv6 host
        raise ConfigError(
            f"The database URL could not be read ({err}).",
            hint="Example: postgresql://coach@db.example.org:5432/gobeyondfit",
        ) from err
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ConfigError(
            "The database URL must start with postgresql:// (or be service=NAME).",
            hint="Example: postgresql://coach@db.example.org:5432/gobeyondfit",
        )
    query = dict(parse_qsl(parts.query))
    try:
        port = parts.port
    except ValueError as err:
        # urllib says "out of range" for 99999 and "invalid literal" for text.
        what = "is not a port number (1 to 65535)" if "range" in str(err) else "is not a number"
        raise ConfigError(f"The port in the database URL {what}.") from err
    if not query.get("port", "0").isdigit():
        raise ConfigError("The port in the database URL is not a number.")
    target = ConnectionTarget(
        host=query.pop("host", "") or unquote(parts.hostname or ""),
        port=int(query.pop("port")) if query.get("port", "").isdigit() else port,
        database=query.pop("dbname", "") or unquote(parts.path.lstrip("/")),
        user=query.pop("user", "") or unquote(parts.username or ""),
        sslmode=query.pop("sslmode", "") or None,
        sslrootcert=query.pop("sslrootcert", "") or None,
        service=query.pop("service", "") or None,
    )
    password = query.pop("password", "") or (unquote(parts.password) if parts.password else None)
    _refuse_options(set(query))
    target.validate()
    return target, password


# --- the PostgreSQL service file ---------------------------------------------------------------


def _service_files() -> list[Path]:
    files = []
    if os.environ.get("PGSERVICEFILE"):
        files.append(Path(os.environ["PGSERVICEFILE"]))
    else:
        files.append(Path.home() / ".pg_service.conf")
    if os.environ.get("PGSYSCONFDIR"):
        files.append(Path(os.environ["PGSYSCONFDIR"]) / "pg_service.conf")
    return files


def service_options(name: str) -> dict[str, str]:
    """The options of service NAME, as libpq would read them (the user's file first)."""
    for path in _service_files():
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue
        if parser.has_section(name):
            return dict(parser.items(name))
    return {}


# --- the keyring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyringStatus:
    available: bool
    name: str
    # Why there is none, for the user.
    reason: str = ""


def keyring_status() -> KeyringStatus:

    try:
        backend = keyring.get_keyring()
    except Exception as err:  # a broken backend means no keyring, said plainly
        return KeyringStatus(False, "none", f"the keyring could not be opened: {err}")
    chained = getattr(backend, "backends", None)
    if isinstance(backend, fail.Keyring) or (isinstance(chained, list) and not chained):
        return KeyringStatus(
            False,
            "none",
            "this computer has no keyring (no Secret Service, Keychain or Credential Manager), "
            "so the password is asked each time",
        )
    return KeyringStatus(True, type(backend).__name__)


def store_password(target: ConnectionTarget, password: str) -> str:
    """Save the password in the keyring; returns where it went. ConfigError without a keyring."""

    status = keyring_status()
    if not status.available:
        raise ConfigError(f"The password was not saved: {status.reason}.")
    try:
        keyring.set_password(KEYRING_SERVICE, target.keyring_name, password)
    except KeyringError as err:
        raise ConfigError(f"The keyring refused the password: {err}.") from err
    return f"the keyring ({status.name})"


def stored_password(target: ConnectionTarget) -> str | None:

    if not keyring_status().available:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, target.keyring_name)
    except KeyringError as err:
        log.warning("keyring lookup failed: %s", err)
        return None


def forget_password(target: ConnectionTarget) -> None:

    if not keyring_status().available:
        return
    # Nothing stored is nothing to forget.
    with contextlib.suppress(PasswordDeleteError, KeyringError):
        keyring.delete_password(KEYRING_SERVICE, target.keyring_name)


# --- the saved-connections list ----------------------------------------------------------------


@dataclass(frozen=True)
class SavedConnections:
    """The list in `connections.json`: targets only, never a password."""

    path: Path
    targets: tuple[ConnectionTarget, ...] = field(default=())

    @classmethod
    def load(cls, path: Path) -> SavedConnections:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as err:
            raise ConfigError(
                f"The saved connections in {path} could not be read: {err}.",
                hint="Fix or delete the file; the connections can be added again.",
            ) from err
        items = raw.get("connections", []) if isinstance(raw, dict) else []
        targets = []
        for item in items:
            if isinstance(item, dict):
                try:
                    targets.append(ConnectionTarget.from_json(item))
                except ConfigError as err:
                    log.warning("skipped a saved connection in %s: %s", path, err)
        return cls(path, tuple(targets))

    def get(self, name: str) -> ConnectionTarget:
        for target in self.targets:
            if target.name == name:
                return target
        names = ", ".join(t.name for t in self.targets) or "none saved yet"
        raise ConfigError(f"No saved connection is called {name!r} ({names}).")

    def with_target(self, target: ConnectionTarget) -> SavedConnections:
        if not target.name.strip():
            raise ConfigError("Give the connection a name to save it.")
        target.validate()
        others = tuple(t for t in self.targets if t.name != target.name)
        return replace(self, targets=(*others, target))

    def without(self, name: str) -> SavedConnections:
        return replace(self, targets=tuple(t for t in self.targets if t.name != name))

    def save(self) -> None:
        """Write the list atomically, readable by the user alone."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"connections": [t.to_json() for t in self.targets]}, indent=2)
        partial = self.path.with_name(f".{self.path.name}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
        os.replace(partial, self.path)
