"""Alembic environment for GoBeyondFit Desktop.

The version table lives in the `gbf_desktop` schema: the platform's `prisma db push` drops whatever
in `public` its model does not declare, so a version table there would vanish at its next start.
The runner in `gbf_desktop.db.migrate` hands over an open connection; nothing here reads a URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from gbf_desktop.db.models import DESKTOP_SCHEMA, Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations through `gbf-desktop db upgrade`, which provides the connection."
    )

connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{DESKTOP_SCHEMA}"'))
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table_schema=DESKTOP_SCHEMA,
    include_schemas=True,
    compare_type=True,
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()
