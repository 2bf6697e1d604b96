"""Telling a GoBeyondFit database from someone else's, before anything is built in it.

A mistyped URL (another database on the same server, a colleague's inventory) must not get the
platform's twenty tables created beside its own, and `db check` on it should say in one line that
it is the wrong database rather than list every missing table.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from gbf_desktop.db.models import DESKTOP_SCHEMA, Base
from gbf_desktop.errors import SchemaMismatch

# Prisma's own bookkeeping, present when the web platform ever ran `prisma migrate`.
_PLATFORM_EXTRAS = frozenset({"_prisma_migrations"})
# How many foreign table names a message names before "and N more".
_NAMED = 5


def platform_tables() -> frozenset[str]:
    return frozenset(t.name for t in Base.metadata.tables.values() if t.schema is None)


def foreign_tables(connection: Connection) -> list[str]:
    """Tables of this database that are neither the platform's nor the desktop's, sorted.

    Tables in other schemas count too (as schema.table): an application database seldom keeps
    everything in `public`.
    """
    rows = connection.execute(
        text(
            "SELECT schemaname, tablename FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema', :desktop) "
            "AND schemaname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
        ),
        {"desktop": DESKTOP_SCHEMA},
    ).all()
    known = platform_tables() | _PLATFORM_EXTRAS
    return [
        name if schema == "public" else f"{schema}.{name}"
        for schema, name in rows
        if not (schema == "public" and name in known)
    ]


class NotGoBeyondFit(SchemaMismatch):
    """The database holds another application's tables; nothing was built or changed in it."""


def refuse_foreign(connection: Connection, label: str, *, doing: str) -> None:
    """Raise `NotGoBeyondFit` if the database holds tables that are not GoBeyondFit's."""
    found = foreign_tables(connection)
    if not found:
        return
    named = ", ".join(found[:_NAMED])
    more = f" and {len(found) - _NAMED} more" if len(found) > _NAMED else ""
    raise NotGoBeyondFit(
        f"The database at {label} is not a GoBeyondFit database: it holds other tables "
        f"({named}{more}); {doing}.",
        hint="Check the database name in the URL: use the web platform's database, or an "
        "empty one to start afresh.",
    )
