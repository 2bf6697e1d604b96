"""Engines and database URLs.

Users and the platform give URLs as `postgresql://…`; SQLAlchemy needs the psycopg 3 driver named.
Every URL shown to a person goes through `mask_url`, so a password never reaches a screen or a log.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gbf_desktop.domain.stored_json import load_stored_json
from gbf_desktop.errors import ConfigError, DatabaseGone, DatabaseUnavailable

# Shown in pg_stat_activity, so a DBA can tell the desktop's sessions from the web backend's.
APPLICATION_NAME = "gbf-desktop"


def to_sqlalchemy_url(url: str) -> URL:
    """Parse a user's PostgreSQL URL and name the psycopg 3 driver."""
    if not isinstance(url, str) or "\x00" in url:
        raise ConfigError(
            "The database URL contains a NUL character (or is no text at all).",
            hint=_URL_FORM,
        )
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ConfigError("The database URL could not be read.", hint=_URL_FORM) from err
    except ValueError as err:
        # SQLAlchemy parses the port with int(): "host:abc" ends here.
        raise ConfigError(
            "The database URL could not be read: what follows the host is not a port number.",
            hint=_URL_FORM,
        ) from err
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise ConfigError(
            f"The port in the database URL must be from 1 to 65535, not {parsed.port}.",
            hint=_URL_FORM,
        )
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ConfigError(
            f"GoBeyondFit needs a PostgreSQL database, not {parsed.get_backend_name()!r}.",
            hint="Write the URL as postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
        )
    return parsed.set(drivername="postgresql+psycopg")


_URL_FORM = "Write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE."

# What libpq and psycopg say, lower-cased, for each cause a person can act on. libpq's texts are
# stable across versions (tools match them too); anything else falls through to a general line.
_UNKNOWN_HOST = ("failed to resolve host", "could not translate host name", "name or service not")
_REFUSED = ("connection refused", "no such file or directory")
_TIMEOUT = ("timeout expired", "timed out")
_BAD_LOGIN = ("password authentication failed", "no password supplied", "authentication failed")
_NOT_ALLOWED = ("no pg_hba.conf entry",)
_BAD_SETTING = ("invalid connection option", "invalid sslmode", "invalid port", "invalid integer")
_GONE = (
    "server closed the connection",
    "terminating connection",
    "consuming input failed",
    "connection is closed",
    "connection already closed",
    "connection is lost",
    "could not receive data",
    "could not send data",
    "the database system is shutting down",
    "ssl syscall error",
    "connection has been closed",
)


def _has(text: str, markers: tuple[str, ...]) -> bool:
    return any(marker in text for marker in markers)


def connection_problem(url: str | URL, err: BaseException) -> DatabaseUnavailable:
    """One line saying what is wrong with reaching the database and what to do.

    `err` is what the driver raised (wrapped by SQLAlchemy or not). A connection lost in the middle
    of work is a `DatabaseGone`, which callers can complete with what was kept. The password never
    shows.
    """
    shown = mask_url(url)
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        parsed = None
    detail = str(getattr(err, "orig", None) or err).strip()
    first = detail.splitlines()[0] if detail else type(err).__name__
    low = detail.lower()
    host = (parsed.host if parsed else None) or "the local socket"
    where = f"{host}:{(parsed.port if parsed else None) or 5432}"
    user = (parsed.username if parsed else None) or "(default)"
    database = (parsed.database if parsed else None) or "(default)"
    problem: DatabaseUnavailable
    if _has(low, _GONE):
        problem = DatabaseGone(
            f"The database at {shown} went away (the connection was lost).",
            hint="Nothing was written. Try again once the server is back.",
        )
    elif _has(low, _UNKNOWN_HOST):
        problem = DatabaseUnavailable(
            f"The database server {host!r} of {shown} is not known: no computer has that name.",
            hint="Check the host name in the URL (and your network or VPN).",
        )
    elif _has(low, _REFUSED):
        problem = DatabaseUnavailable(
            f"Nothing accepts database connections at {where} ({shown}).",
            hint="Check the port in the URL, and that PostgreSQL is running there.",
        )
    elif _has(low, _TIMEOUT):
        problem = DatabaseUnavailable(
            f"The database server at {shown} did not answer in time.",
            hint="Check the host and port in the URL, and any firewall in between.",
        )
    elif _has(low, _BAD_LOGIN) or ("role" in low and "does not exist" in low):
        problem = DatabaseUnavailable(
            f"The server at {shown} refused the user {user!r}: wrong password or unknown user.",
            hint="Check the user name and password in the URL.",
        )
    elif "database" in low and "does not exist" in low:
        problem = DatabaseUnavailable(
            f"There is no database named {database!r} on the server at {shown}.",
            hint="Check the database name at the end of the URL, or create it (createdb).",
        )
    elif _has(low, _NOT_ALLOWED):
        problem = DatabaseUnavailable(
            f"The server at {shown} does not let this computer in as {user!r}.",
            hint="Ask its administrator to allow it (pg_hba.conf).",
        )
    elif _has(low, _BAD_SETTING):
        problem = DatabaseUnavailable(
            f"The database URL {shown} has a setting the driver cannot use ({first}).",
            hint=_URL_FORM,
        )
    else:
        problem = DatabaseUnavailable(
            f"Cannot reach the database at {shown} ({first}).",
            hint="Check that the server is running and the network is up, then try again.",
        )
    secret = parsed.password if parsed else None
    if secret and len(str(secret)) >= 3 and str(secret) in problem.message:
        problem.message = problem.message.replace(str(secret), "***")
    return problem


def probe(engine: Engine) -> None:
    """Open one connection now, so a bad URL or a server that is not there is said at start."""
    try:
        with engine.connect():
            pass
    except DBAPIError as err:
        raise connection_problem(engine.url, err) from err


def mask_url(url: str | URL) -> str:
    """The URL with its password replaced by ***, for messages and the status bar."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "<unreadable database URL>"
    shown = parsed.set(drivername=parsed.get_backend_name())
    return shown.render_as_string(hide_password=True)


def plain_libpq_url(url: str | URL) -> str:
    """The URL as libpq (psycopg.connect, psql) understands it: no driver suffix."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def build_engine(url: str | URL, *, pool_size: int = 5) -> Engine:
    """An engine for the app. Connections check that they are alive before use: a workstation
    often sits idle for hours and servers drop idle connections."""
    sa_url = to_sqlalchemy_url(url) if isinstance(url, str) else url
    engine = create_engine(
        sa_url,
        # Whatever a JSON column holds, reading it never raises (see domain.stored_json).
        json_deserializer=load_stored_json,
        pool_pre_ping=True,
        pool_size=pool_size,
        connect_args={"application_name": APPLICATION_NAME, "connect_timeout": 10},
    )

    @event.listens_for(engine, "connect")
    def _utc_session(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # The platform stores naive UTC timestamps; CURRENT_TIMESTAMP defaults must agree.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
            # The desktop's reads are short and indexed; on a big platform their cost estimates
            # pass `jit_above_cost` and compiling them took longer (about 110 ms a statement,
            # bench/scale.py) than running them. This session only: the server is untouched.
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    return engine
