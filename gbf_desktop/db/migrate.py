"""Running the Alembic migrations: upgrade, downgrade, where a database stands, and adoption.

The migrations live in the top-level `migrations/` folder of the source tree and inside the
installed package (`gbf_desktop/_migrations`); `migrations_dir()` finds whichever is there.
"""

from __future__ import annotations

import ast
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


def declared_head() -> str | None:
    """The head revision the migration scripts declare, read without importing Alembic.

    Each script's module-level `revision` and `down_revision` literals are read (not run); the head
    is the one revision no other names as its parent. None when that is not plain (no script, a
    branch, a value that is not a literal): the caller then asks Alembic (`head_revision`).
    """
    try:
        folder = migrations_dir() / "versions"
    except FileNotFoundError:
        return None
    # The files Alembic itself reads as scripts (it skips packages' __init__ and editor locks).
    scripts = [p for p in sorted(folder.glob("*.py")) if not p.name.startswith(("__init__", ".#"))]
    if not scripts:
        return None
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in scripts:
        try:
            values = _module_literals(script, ("revision", "down_revision"))
        except (OSError, SyntaxError, ValueError):
            return None  # Alembic says what is wrong with it
        revision, parent = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(parent, str):
            parents.add(parent)
        elif isinstance(parent, tuple | list):
            parents.update(str(p) for p in parent)
        elif parent is not None:
            return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


_NOT_A_LITERAL = object()


def _module_literals(script: Path, names: tuple[str, ...]) -> dict[str, object]:
    """The literal values `script` assigns to `names` at its top level (`_NOT_A_LITERAL` else)."""
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8"), str(script)).body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError):
                found[target.id] = _NOT_A_LITERAL
    return found


def recorded_revision(connection: Connection) -> str | None:
    """The revision the database's version table holds, by plain SQL (no Alembic loaded).

    None when the table does not exist or is empty; several rows (branches, which this history
    never has) come back joined, so they never equal a single head.
    """
    table = f"{DESKTOP_SCHEMA}.alembic_version"
    if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is None:
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {table} ORDER BY 1")).scalars()
    return ", ".join(rows) or None


def schema_head() -> str:
    """The head revision: from the scripts' text when plain, else from Alembic itself."""
    return declared_head() or head_revision()


def upgrade_if_behind(engine: Engine) -> MigrationOutcome | None:
    """Upgrade to head only when the database is not there already; None when nothing ran.

    An app start checks with one query instead of loading Alembic (about half a second) and taking
    the migration lock each time; a database behind head (or not yet built) is upgraded as before.
    """
    with engine.connect() as connection:
        current = recorded_revision(connection)
    if current is not None and current == schema_head():
        return None
    return upgrade(engine)


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
