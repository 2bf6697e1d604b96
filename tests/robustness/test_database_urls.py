"""Database trouble, for every command: one line saying what is wrong and what to do.

Each case of `CASES` is a URL a person could type (or mistype) and a piece of the line they must
read; each runs through every entry point: `db check|upgrade|adopt`, `demo seed`, `self-check`
and the GUI's start (`open_database` then `ensure_ready`, which `run_gui` shows in a dialog).
Add a case by adding a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from gbf_desktop import cli
from gbf_desktop.app import ensure_ready, open_database
from gbf_desktop.db.engine import to_sqlalchemy_url
from gbf_desktop.errors import KnownError
from gbf_desktop.settings import Settings
from tests.platform_db import table_fingerprints
from tests.robustness.cluster import PASSWORD, ThrowawayCluster, free_port
from tests.robustness.conftest import assert_one_clear_line

pytestmark = pytest.mark.db


@dataclass(frozen=True)
class UrlCase:
    name: str
    url: Callable[[ThrowawayCluster], str]
    says: str | tuple[str, ...]  # a piece of the one line the user reads (or one of several)


CASES = [
    UrlCase("not-a-url", lambda c: "not a url", "The database URL must start with postgresql://"),
    UrlCase(
        "unclosed-ipv6-bracket",
        lambda c: "postgresql://gbf:pw@[::1/db",
        "The database URL could not be read (Invalid IPv6 URL).",
    ),
    UrlCase(
        "port-not-a-number",
        lambda c: "postgresql://gbf:pw@127.0.0.1:fivefour/db",
        "The port in the database URL is not a number.",
    ),
    UrlCase(
        "port-out-of-range",
        lambda c: "postgresql://gbf:pw@127.0.0.1:99999/db",
        "The port in the database URL is not a port number (1 to 65535).",
    ),
    UrlCase("not-postgres", lambda c: "mysql://gbf:pw@127.0.0.1/db", "postgresql://"),
    UrlCase(
        "unknown-host",
        lambda c: f"postgresql://gbf:{PASSWORD}@no-such-host.invalid/postgres",
        "The database server 'no-such-host.invalid' of postgresql://gbf:***@no-such-host.invalid/",
    ),
    UrlCase(
        "closed-port",
        lambda c: f"postgresql://gbf:{PASSWORD}@127.0.0.1:{free_port()}/postgres",
        "Nothing accepts database connections at 127.0.0.1:",
    ),
    UrlCase(
        "wrong-password",
        lambda c: c.url(password="not-the-password"),
        "refused the user 'gbf': wrong password or unknown user",
    ),
    UrlCase(
        "no-password",
        lambda c: f"postgresql://gbf@127.0.0.1:{c.port}/postgres",
        # The window cannot ask on a terminal; the commands ask, and hear nothing on a pipe.
        ("wants a password and none was found", "No password given for gbf@127.0.0.1:"),
    ),
    UrlCase(
        "unknown-user",
        lambda c: c.url().replace("gbf:", "nobody:"),
        "refused the user 'nobody'",
    ),
    UrlCase(
        "missing-database",
        lambda c: c.url("gobeyondfit_prod"),
        "There is no database named 'gobeyondfit_prod'",
    ),
    UrlCase(
        "unknown-tls-mode",
        lambda c: c.url("gobeyondfit_prod") + "?sslmode=sometimes",
        "The TLS mode 'sometimes' is not one PostgreSQL knows.",
    ),
    UrlCase(
        "misspelt-option",
        lambda c: c.url("gobeyondfit_prod") + "?sslmod=require",
        "sets 'sslmod', which is not a PostgreSQL connection option. Did you mean sslmode?",
    ),
    UrlCase(
        "option-the-app-does-not-pass",
        lambda c: c.url("gobeyondfit_prod") + "?sslmode=disable&connect_timeout=3",
        "sets connect_timeout, which GoBeyondFit Desktop does not pass to the server.",
    ),
    UrlCase(
        "nul-in-database-name",
        lambda c: c.url("gbf%00prod"),
        "The connection's database name contains a NUL character",
    ),
    UrlCase(
        "nul-in-user-name",
        lambda c: c.url().replace("gbf:", "gbf%00:"),
        "The connection's user name contains a NUL character",
    ),
    UrlCase(
        "another-applications-database",
        lambda c: c.url("inventory"),
        "is not a GoBeyondFit database: it holds other tables (items, suppliers)",
    ),
]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    assert code == cli.EXIT_FAILED, captured
    return captured.err + captured.out


def _self_check(capsys: pytest.CaptureFixture[str], url: str) -> str:
    """The self-check's database line (its Qt and ffmpeg lines are not about the URL)."""
    shown = _cli(capsys, "self-check", "--database-url", url).splitlines()
    return "\n".join(
        line for line in shown if not line.startswith(("ok  ", "FAIL  Qt", "FAIL  ffmpeg"))
    )


def _open_for_the_window(url: str) -> None:
    # What `run_gui` does before its window; it shows the KnownError's text in a dialog (see
    # tests/gui/test_startup.py for the dialog itself).
    db = open_database(Settings.load(database_url=url))
    try:
        ensure_ready(db)
    finally:
        db.close()


def _gui_start(url: str) -> str:
    with pytest.raises(KnownError) as refused:
        _open_for_the_window(url)
    return str(refused.value)


COMMANDS: dict[str, Callable[[pytest.CaptureFixture[str], str], str]] = {
    "db-check": lambda cap, url: _cli(cap, "db", "check", "--database-url", url),
    "db-upgrade": lambda cap, url: _cli(cap, "db", "upgrade", "--database-url", url),
    "db-adopt": lambda cap, url: _cli(cap, "db", "adopt", "--database-url", url),
    "demo-seed": lambda cap, url: _cli(cap, "demo", "seed", "--database-url", url),
    "self-check": _self_check,
    "gui-start": lambda cap, url: _gui_start(url),
}


def _inventory_prints(cluster: ThrowawayCluster) -> dict[str, tuple[int, str]]:
    engine = create_engine(to_sqlalchemy_url(cluster.url("inventory")))
    try:
        return table_fingerprints(engine)
    finally:
        engine.dispose()


@pytest.mark.usefixtures("private_data_dir")
@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_database_trouble_is_one_line_saying_what_to_do(
    case: UrlCase,
    command: str,
    cluster: ThrowawayCluster,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _inventory_prints(cluster)
    line = assert_one_clear_line(COMMANDS[command](capsys, case.url(cluster)), secret=PASSWORD)
    pieces = (case.says,) if isinstance(case.says, str) else case.says
    assert any(piece in line for piece in pieces), line
    # Nothing was built in, or taken from, someone else's database.
    assert _inventory_prints(cluster) == before


@pytest.mark.usefixtures("private_data_dir")
def test_upgrading_a_web_platform_database_points_to_adopt(
    cluster: ThrowawayCluster, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster.sql("DROP DATABASE IF EXISTS web_made")
    cluster.sql("CREATE DATABASE web_made")
    for migration in sorted((data_dir / "platform_sql").glob("*/migration.sql")):
        cluster.sql(migration.read_text(), database="web_made")
    url = cluster.url("web_made")
    line = assert_one_clear_line(_cli(capsys, "db", "upgrade", "--database-url", url))
    assert "was made by the web platform; `db upgrade` builds the schema only in an empty" in line
    assert "Run `gbf-desktop db adopt` once" in line
