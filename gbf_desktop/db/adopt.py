"""`db check` and `db adopt`: where a database stands against the schema this app expects.

A database the web platform created has the shared tables but no Alembic version: the platform
migrates itself with Prisma. Adopting it means finding which of our revisions its schema is,
recording that revision (in `gbf_desktop`, out of the platform's reach) and upgrading from there.
Nothing in `public` is dropped or rewritten on the way: the schema must already be what a revision
describes, or adoption refuses and changes nothing.

The expected schema at an older revision is derived from the models by taking away what later
revisions added (`_ADDED_BY`), so the schema is described once, in models.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, MetaData, text

from gbf_desktop.db import migrate
from gbf_desktop.db.engine import mask_url
from gbf_desktop.db.foreign import refuse_foreign
from gbf_desktop.db.models import DESKTOP_SCHEMA, Base
from gbf_desktop.db.schema_compare import (
    SchemaDifference,
    SchemaSnapshot,
    compare,
    errors,
    expected_schema,
    live_schema,
    without,
)
from gbf_desktop.errors import MigrationRefused, SchemaMismatch


@dataclass(frozen=True)
class _Addition:
    tables: tuple[str, ...] = ()
    enum_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Tables added to the desktop's own schema. A platform-made database never has them, so a
    # revision that adds one can only be matched where they already exist: otherwise adoption
    # would stamp it while its tables are missing, and the upgrade after the stamp skip them.
    desktop_tables: tuple[str, ...] = ()


# What each revision after the baseline added to the public schema. A new revision that changes the
# public schema must say here what it adds, or `expected_at` fails loudly for older revisions.
_ADDED_BY: dict[str, _Addition] = {
    "add_exercise_media": _Addition(
        tables=("exercise_media",), enum_values={"ExerciseType": ("circuit",)}
    ),
    "add_clip_reviews": _Addition(desktop_tables=("clip_reviews",)),
    "add_clip_annotations": _Addition(desktop_tables=("clip_annotations",)),
}


def revisions_newest_first() -> list[str]:
    return [script.revision for script in migrate.script_directory().walk_revisions()]


def expected_at(revision: str, metadata: MetaData = Base.metadata) -> SchemaSnapshot:
    """The public schema a database at `revision` has, derived from the models (the head)."""
    snapshot = expected_schema(metadata)
    for newer in revisions_newest_first():
        if newer == revision:
            return snapshot
        try:
            added = _ADDED_BY[newer]
        except KeyError:
            raise LookupError(
                f"revision {newer!r} does not say what it added to the schema (adopt._ADDED_BY)"
            ) from None
        snapshot = without(snapshot, tables=added.tables, enum_values=added.enum_values)
    raise LookupError(f"unknown revision {revision!r}")


@dataclass(frozen=True)
class CheckReport:
    """The live schema against the one expected at the database's revision (head if unknown)."""

    differences: tuple[SchemaDifference, ...]
    revision: str | None  # recorded in the database; None when never migrated nor adopted
    head: str
    compared_with: str  # the revision whose schema the live one was compared with

    @property
    def errors(self) -> list[SchemaDifference]:
        return errors(self.differences)

    @property
    def warnings(self) -> list[SchemaDifference]:
        return [d for d in self.differences if d.severity == "warning"]

    @property
    def schema_ok(self) -> bool:
        return not self.errors

    @property
    def ok(self) -> bool:
        """The schema is right and at the head: the app can use this database as it is."""
        return self.schema_ok and self.revision == self.head

    def lines(self) -> list[str]:
        """What `db check` prints: one line per fact, then one per difference."""
        if self.revision is None:
            state = "no GoBeyondFit Desktop revision recorded (run `gbf-desktop db adopt`"
            state += " for a platform-made database, `db upgrade` for an empty one)"
        elif self.revision == self.head:
            state = f"at revision {self.revision} (the latest)"
        else:
            state = f"at revision {self.revision}; the latest is {self.head} (run `db upgrade`)"
        lines = [f"database: {state}", f"schema compared with revision {self.compared_with}"]
        if not self.differences:
            lines.append("schema: no difference")
        else:
            lines.append(f"schema: {len(self.errors)} error(s), {len(self.warnings)} warning(s)")
            lines += [f"  {d}" for d in self.differences]
        return lines


def check(engine: Engine) -> CheckReport:
    """Compare the live public schema with the models. Reads only."""
    with engine.connect() as connection:
        return check_connection(connection)


def check_connection(connection: Connection) -> CheckReport:
    """`check` on a connection the caller holds: it sees the caller's uncommitted changes."""
    head = migrate.head_revision()
    revision = migrate.current_revision(connection)
    if revision is None:
        label = mask_url(connection.engine.url)
        refuse_foreign(connection, label, doing="it was not compared with the platform's schema")
    live = live_schema(connection)
    compared_with = revision if revision in revisions_newest_first() else head
    differences = compare(expected_at(compared_with), live)
    return CheckReport(tuple(differences), revision, head, compared_with)


@dataclass(frozen=True)
class AdoptReport:
    matched_revision: str  # the revision the platform's schema was found to be, and stamped
    after: str  # the revision the database is at now (the head)
    warnings: tuple[SchemaDifference, ...]  # harmless drift found when matching (never errors)

    def lines(self) -> list[str]:
        lines = [f"adopted: the schema matched revision {self.matched_revision}"]
        if self.after != self.matched_revision:
            lines.append(f"upgraded to {self.after}")
        lines += [f"  {w}" for w in self.warnings]
        return lines


class SchemaDrift(SchemaMismatch):
    """The live schema is not what any revision describes; `differences` says how."""

    def __init__(self, message: str, differences: list[SchemaDifference], *, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.differences = differences


def desktop_tables_at(revision: str) -> frozenset[str]:
    """The desktop-schema tables a database at `revision` has (what it and older ones added)."""
    revisions = revisions_newest_first()
    older = revisions[revisions.index(revision) :]
    return frozenset(name for r in older for name in _ADDED_BY.get(r, _Addition()).desktop_tables)


def _live_desktop_tables(connection: Connection) -> frozenset[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": DESKTOP_SCHEMA}
    ).scalars()
    return frozenset(rows)


def _match(
    live: SchemaSnapshot, desktop_tables: frozenset[str] = frozenset()
) -> tuple[str, list[SchemaDifference]]:
    """The newest revision whose schema `live` is (harmless drift allowed), or SchemaDrift.

    Revisions whose desktop-schema tables are not all in `desktop_tables` are passed over: their
    `public` schema may well match (they add nothing there), but stamping them would skip
    creating those tables.
    """
    attempts: list[tuple[str, list[SchemaDifference]]] = []
    for revision in revisions_newest_first():
        if not desktop_tables_at(revision) <= desktop_tables:
            continue
        differences = compare(expected_at(revision), live)
        if not errors(differences):
            return revision, differences
        attempts.append((revision, differences))
    # Show the differences against the closest revision: the others only add noise.
    closest, differences = min(attempts, key=lambda a: len(errors(a[1])))
    listing = "\n".join(f"  {d}" for d in differences)
    raise SchemaDrift(
        "This database's schema is not one GoBeyondFit Desktop knows, so it was not adopted and "
        f"nothing was changed. Differences from the closest known schema (revision {closest}):\n"
        + listing
        + "\n",
        differences,
        hint="Bring the database back to the web platform's schema (or ask its administrator), "
        "then run `gbf-desktop db adopt` again.",
    )


def adopt(engine: Engine) -> AdoptReport:
    """Take over a database the web platform created: record its revision, then upgrade.

    Refuses, changing nothing, when the database is already managed, is empty, or has a schema
    that matches no revision.
    """
    # One transaction, holding the migration lock, from reading the schema to stamping: another
    # workstation cannot adopt or upgrade in between and invalidate what was checked.
    with engine.begin() as connection:
        migrate.take_migration_lock(connection)
        revision = migrate.current_revision(connection)
        if revision is not None:
            raise MigrationRefused(
                f"This database is already managed by GoBeyondFit Desktop (revision {revision}); "
                "there is nothing to adopt.",
                hint="Run `gbf-desktop db upgrade` to bring it to the latest revision and "
                "`gbf-desktop db check` to compare it with the app.",
            )
        refuse_foreign(connection, mask_url(engine.url), doing="nothing was changed in it")
        live = live_schema(connection)
        if live.is_empty:
            raise MigrationRefused(
                "This database is empty: there is no web platform schema to adopt.",
                hint="Run `gbf-desktop db upgrade` to build the schema in it.",
            )
        matched, differences = _match(live, _live_desktop_tables(connection))
        migrate.stamp(connection, matched)
        # Same transaction: should the upgrade fail, even the stamp is rolled back.
        outcome = migrate.run_in(connection, "upgrade", "head")
    assert outcome.after is not None
    return AdoptReport(matched, outcome.after, tuple(differences))
