"""Running the Alembic migrations: upgrade, downgrade, where a database stands, and adoption.

The migrations live in the top-level `migrations/` folder of the source tree and inside the
installed package (`gbf_desktop/_migrations`); `migrations_dir()` finds whichever is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from gbf_desktop.db.engine import mask_url
from gbf_desktop.db.foreign import refuse_foreign
from gbf_desktop.db.models import DESKTOP_SCHEMA
from gbf_desktop.errors import MigrationRefused

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported inside the functions that use it: loading it (command machinery, every
# dialect's DDL module) costs the GUI's start about a second, and most imports of this module
# (the app, the CLI) only need it once a migration actually runs.

# Any constant: two workstations upgrading one server at once take turns instead of colliding.
_MIGRATION_LOCK_KEY = 0x6762_6664_6573_6B


def migrations_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_migrations", here.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError(
        "The migrations folder is missing from this installation; reinstall GoBeyondFit Desktop."
    )


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # noqa: PLC0415 (deferred: see the module's top)

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory  # noqa: PLC0415 (deferred: see the module's top)

    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None, "the migration history has no head"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None for a database Alembic never touched."""
    from alembic.runtime.migration import MigrationContext  # noqa: PLC0415 (deferred)

    context = MigrationContext.configure(connection, opts={"version_table_schema": DESKTOP_SCHEMA})
    return context.get_current_revision()


@dataclass(frozen=True)
class MigrationOutcome:
    before: str | None
    after: str | None


def take_migration_lock(connection: Connection) -> None:
    """Serialise schema changes across workstations until the transaction ends."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})


def run_in(connection: Connection, action: str, target: str) -> MigrationOutcome:
    """Upgrade or downgrade inside the caller's transaction (which must hold the lock)."""
    from alembic import command  # noqa: PLC0415 (deferred: see the module's top)

    before = current_revision(connection)
    cfg = _config(connection)
    if action == "upgrade":
        command.upgrade(cfg, target)
    else:
        command.downgrade(cfg, target)
    return MigrationOutcome(before=before, after=current_revision(connection))


def _run(engine: Engine, action: str, target: str) -> MigrationOutcome:
    # One transaction for the whole run: PostgreSQL's DDL is transactional, so a refused or failing
    # step leaves the database exactly as it was.
    with engine.begin() as connection:
        take_migration_lock(connection)
        if action == "upgrade" and current_revision(connection) is None:
            # Never build the schema beside another application's tables, nor over the web
            # platform's own (creating them again would fail halfway).
            label = mask_url(engine.url)
            refuse_foreign(connection, label, doing="nothing was built in it")
            if inspect(connection).has_table("users"):
                raise MigrationRefused(
                    f"The database at {label} was made by the web platform; `db upgrade` builds "
                    "the schema only in an empty database, so nothing was changed.",
                    hint="Run `gbf-desktop db adopt` once: it records the schema version "
                    "without changing a row.",
                )
        return run_in(connection, action, target)


def upgrade(engine: Engine, target: str = "head") -> MigrationOutcome:
    return _run(engine, "upgrade", target)


def downgrade(engine: Engine, target: str) -> MigrationOutcome:
    return _run(engine, "downgrade", target)


def stamp(connection: Connection, revision: str) -> None:
    """Record `revision` without running anything (adoption of a platform-made database)."""
    from alembic import command  # noqa: PLC0415 (deferred: see the module's top)

    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{DESKTOP_SCHEMA}"'))
    command.stamp(_config(connection), revision)
