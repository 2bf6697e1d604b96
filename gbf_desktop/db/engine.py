"""Engines and database URLs.

Users and the platform give URLs as `postgresql://…`; SQLAlchemy needs the psycopg 3 driver named.
Every URL shown to a person goes through `mask_url`, so a password never reaches a screen or a log.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from gbf_desktop.errors import ConfigError

# Shown in pg_stat_activity, so a DBA can tell the desktop's sessions from the web backend's.
APPLICATION_NAME = "gbf-desktop"


def to_sqlalchemy_url(url: str) -> URL:
    """Parse a user's PostgreSQL URL and name the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise ConfigError(
            "The database URL could not be read.",
            hint="Write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
        ) from err
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ConfigError(
            f"GoBeyondFit needs a PostgreSQL database, not {parsed.get_backend_name()!r}.",
            hint="Write the URL as postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
        )
    return parsed.set(drivername="postgresql+psycopg")


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
