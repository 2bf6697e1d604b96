"""Composition root: the only module that knows every layer.

It turns settings into an open database (the embedded default or a server), a `Backend` of
services over it, and, for the GUI, the window. Nothing here runs at import time.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import InterfaceError, OperationalError

from gbf_desktop import private_files
from gbf_desktop.connections import (
    ConnectionTarget,
    SavedConnections,
    parse_url,
    stored_password,
)
from gbf_desktop.db import migrate
from gbf_desktop.db.embedded import EmbeddedPostgres
from gbf_desktop.db.engine import build_engine, connection_problem, probe, to_sqlalchemy_url
from gbf_desktop.db.foreign import refuse_foreign
from gbf_desktop.db.uow import SqlUnitOfWork, unreachable, uow_factory
from gbf_desktop.errors import DatabaseUnavailable, KnownError, SchemaMismatch
from gbf_desktop.services.auth import SignedInUser
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.takes import TakeStore
from gbf_desktop.settings import Settings

if TYPE_CHECKING:
    from gbf_desktop.demo import DemoSummary
    from gbf_desktop.ui.app.connect_dialog import ConnectionChoice

log = logging.getLogger(__name__)

EMBEDDED_LABEL = "Built-in database"


@dataclass
class Database:
    """An open database: its engine, what to call it on screen, and the embedded server if any."""

    engine: Engine
    label: str
    embedded: EmbeddedPostgres | None = field(default=None)
    # Where a server connection goes (no password), and the status bar's TLS warning if any.
    target: ConnectionTarget | None = None
    warning: str | None = None

    def close(self) -> None:
        self.engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()


def configure_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Log to a rotating file in the user's data folder; the crash dialog points people there."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "gbf-desktop.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name("gbf-desktop-file")
    root = logging.getLogger()
    # Idempotent: a second call (tests, repeated CLI entry) replaces the file handler.
    for old in [h for h in root.handlers if h.get_name() == "gbf-desktop-file"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path


def make_files_private(settings: Settings) -> None:
    """From now on every file the app writes is the user's alone; older ones are brought in line."""
    private_files.restrict_new_files()
    private_files.private_dir(settings.data_dir)
    private_files.tighten(settings.data_dir, skip=[settings.embedded_pgdata])
    private_files.tighten(settings.cache_dir)


# Asked when the server wants a password that neither the keyring nor ~/.pgpass holds:
# (where, why) -> the password, or None when the person declines.
PasswordAsker = Callable[[ConnectionTarget, str], "str | None"]


def server_target(settings: Settings) -> tuple[ConnectionTarget, str | None]:
    """The server to reach, and the password the URL itself carries (None for a saved one)."""
    if settings.connection is not None:
        saved = SavedConnections.load(settings.saved_connections_file)
        return saved.get(settings.connection), None
    assert settings.database_url is not None
    return parse_url(settings.database_url)


def _server_engine(target: ConnectionTarget, password: str | None) -> Engine:
    # The password goes into the URL object in memory only: never a string, a file or argv.
    url = to_sqlalchemy_url(target.url_without_password())
    return build_engine(url.set(password=password) if password else url)


def _wants_password(err: Exception) -> bool:
    text = str(err).lower()
    return "password" in text and ("no password supplied" in text or "authentication" in text)


def _with_password(engine: Engine, target: ConnectionTarget, ask: PasswordAsker | None) -> Engine:
    """The engine, after asking for a password if the server wants one libpq could not find."""
    try:
        with engine.connect():
            return engine
    except (OperationalError, InterfaceError) as err:
        if not _wants_password(err):
            return engine  # down or unreachable: the first real use reports it
        reason = "The server asks for a password."
    engine.dispose()
    if ask is None:
        raise PasswordNeeded(
            f"The server at {target.label} wants a password and none was found.",
            hint="Save the connection with its password (Connect to a server), add it to "
            "~/.pgpass, or start from a terminal to be asked.",
        )
    for _attempt in range(3):
        password = ask(target, reason)
        if password is None:
            raise DatabaseUnavailable(f"No password given for {target.label}; not connected.")
        engine = _server_engine(target, password)
        try:
            with engine.connect():
                return engine
        except (OperationalError, InterfaceError) as err:
            engine.dispose()
            if not _wants_password(err):
                raise unreachable(engine, err) from err
            reason = "That password was refused."
    raise DatabaseUnavailable(f"The password for {target.label} was refused three times.")


class PasswordNeeded(DatabaseUnavailable):
    """The server wants a password that neither the keyring nor ~/.pgpass holds."""


def open_server(
    target: ConnectionTarget, password: str | None, ask_password: PasswordAsker | None = None
) -> Database:
    """Connect to a server: the given password, else the keyring's, else libpq's, else ask."""
    password = password or stored_password(target)
    engine = _server_engine(target, password)
    if password is None:
        engine = _with_password(engine, target, ask_password)
    try:
        # Connect once now: every command and the window say what is wrong with the URL
        # before doing anything else.
        probe(engine)
    except KnownError:
        engine.dispose()
        raise
    return Database(
        engine=engine, label=target.label, target=target, warning=target.plain_warning()
    )


def open_chosen(
    target: ConnectionTarget, password: str | None, takes_dir: Path | None = None
) -> tuple[Database, Backend]:
    """The server the coach chose in Connect to a server, ready for the sign-in; the caller
    closes the database it used before. Nothing is left open when this fails."""
    db = open_server(target, password)
    try:
        ensure_ready(db)
        return db, build_backend(db, takes_dir)
    except BaseException:
        db.close()
        raise


def open_database(settings: Settings, ask_password: PasswordAsker | None = None) -> Database:
    """Connect to the configured server, or start the embedded one."""
    if not settings.uses_embedded_database:
        target, password = server_target(settings)
        return open_server(target, password, ask_password)
    embedded = EmbeddedPostgres(settings.embedded_pgdata)
    url = embedded.start()
    return Database(engine=build_engine(url), label=EMBEDDED_LABEL, embedded=embedded)


def ensure_ready(db: Database) -> None:
    """Make sure the schema is the one this version expects before any page opens.

    The embedded database is ours: it is migrated to head on the spot. A shared server is not
    changed behind anyone's back: the user is told which command brings it up to date.
    """
    if db.embedded is not None:
        migrate.upgrade_if_behind(db.engine)
        return
    try:
        with db.engine.connect() as connection:
            # Plain SQL and the scripts' text: Alembic is loaded only when a migration runs.
            current = migrate.recorded_revision(connection)
            has_platform_tables = inspect(connection).has_table("users")
            if current is None:
                refuse_foreign(connection, db.label, doing="the app did not use it")
    except (OperationalError, InterfaceError) as err:
        raise connection_problem(db.engine.url, err) from err
    head = migrate.schema_head()
    if current == head:
        return
    if current is None and has_platform_tables:
        raise SchemaMismatch(
            f"The database at {db.label} was made by the web platform and is not yet set up "
            "for the desktop app.",
            hint="Run `gbf-desktop db adopt --database-url URL` once, then start the app again.",
        )
    raise SchemaMismatch(
        f"The database at {db.label} is at schema version {current or 'none'}; "
        f"this app needs {head}.",
        hint="Run `gbf-desktop db upgrade --database-url URL`, then start the app again.",
    )


def build_backend(db: Database, takes_dir: Path | None = None) -> Backend:
    sessions = uow_factory(db.engine)
    return Backend(
        uow_factory=lambda: SqlUnitOfWork(sessions),
        database_label=db.label,
        connection_warning=db.warning,
        takes=TakeStore(takes_dir) if takes_dir is not None else None,
    )


def seed_demo(db: Database, settings: Settings, *, with_clips: bool = True) -> DemoSummary:
    """Insert the demo data (idempotent), with clips encoded by the configured ffmpeg.

    `with_clips=False` leaves the clips to `demo_clip_job`: the GUI shows its window first.
    """
    from gbf_desktop.demo import seed

    make_clip = None
    if with_clips:
        # Only then: the encoder's modules (PyAV, OpenCV) cost a start that defers the clips.
        from gbf_desktop.demo.clips import ffmpeg_clip_maker

        make_clip = ffmpeg_clip_maker(settings.ffmpeg_path)
    return seed(db.engine, make_clip=make_clip)


def demo_clip_job(db: Database, settings: Settings) -> Generator[tuple[int, int], None, int]:
    """Make the demo clips still missing, yielding (done, total); returns how many were stored."""
    from gbf_desktop.demo import iter_seed_clips
    from gbf_desktop.demo.clips import ffmpeg_clip_maker

    steps = iter_seed_clips(db.engine, make_clip=ffmpeg_clip_maker(settings.ffmpeg_path))
    while True:
        try:
            progress = next(steps)
        except StopIteration as stop:
            stored: int = stop.value
            return stored
        yield (progress.done, progress.total)


@dataclass(frozen=True)
class _Opened:
    db: Database
    backend: Backend
    signed_in: SignedInUser | None


def _open_for_gui(settings: Settings, demo: bool, password: str | None = None) -> _Opened:
    # A password typed at start-up is tried once; a refusal is then reported like any other.
    given = [password] if password is not None else []
    db = open_database(settings, (lambda _t, _r: given.pop() if given else None) if given else None)
    try:
        ensure_ready(db)
        backend = build_backend(db, settings.takes_dir)
        signed_in = None
        if demo:
            summary = seed_demo(db, settings, with_clips=False)
            signed_in = backend.sign_in(summary.coach_email, summary.coach_password)
        return _Opened(db, backend, signed_in)
    except BaseException:
        db.close()
        raise


def run_gui(
    settings: Settings, *, demo: bool, exit_when_ready: bool = False, tour: bool = False
) -> int:
    """Open the database, then the window; a start-up failure is shown in a dialog.

    The database starts (mostly a wait on PostgreSQL's own processes) on a thread while this one
    imports Qt and the pages, so a first start pays for the slower of the two, not both.
    `exit_when_ready` closes the app once the dashboard shows its data (for `bench/startup.py`);
    `tour` visits every page once it does, prints a line for each and exits (self-check --pages).
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gbf-open") as pool:
        opening = pool.submit(_open_for_gui, settings, demo)
        from gbf_desktop.ui.app.application import StartupJob, ask_password, show_startup_error
        from gbf_desktop.ui.app.application import run_gui as run_window

        try:
            opened = opening.result()
        except PasswordNeeded as err:
            # Asked here, on the GUI thread, now that Qt is up; then opened once more.
            target, _password = server_target(settings)
            typed = ask_password(target.label, str(err))
            if typed is None:
                return 1
            try:
                opened = _open_for_gui(settings, demo, password=typed)
            except KnownError as again:
                return show_startup_error(str(again))
        except KnownError as err:
            return show_startup_error(str(err))
    current = [opened.db]

    def connect(choice: ConnectionChoice) -> Backend:
        db, backend = open_chosen(choice.target, choice.password, settings.takes_dir)
        current[0].close()
        current[0] = db
        return backend

    try:
        jobs = []
        if demo:
            demo_db = opened.db
            jobs.append(
                StartupJob("Making the demo clips", lambda: demo_clip_job(demo_db, settings))
            )
        return run_window(
            opened.backend,
            signed_in=opened.signed_in,
            log_dir=settings.log_dir,
            camera_spec=settings.camera,
            ffmpeg_path=settings.ffmpeg_path,
            startup_jobs=jobs,
            exit_when_ready=exit_when_ready,
            connections=SavedConnections.load(settings.saved_connections_file),
            connect=connect,
            data_dir=settings.data_dir,
            tour_screenshots=settings.log_dir / "page-tour" if tour else None,
        )
    except KnownError as err:
        return show_startup_error(str(err))
    finally:
        current[0].close()
