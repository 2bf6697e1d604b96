"""Compare a PostgreSQL schema with the one our models describe.

Both sides are reduced to one canonical `SchemaSnapshot`, written in the strings PostgreSQL itself
prints: types as `format_type` renders them, defaults as `pg_get_expr` does, constraints as
`pg_get_constraintdef` does. The live side reads them straight from the catalog; the expected side
renders the SQLAlchemy metadata into those very strings. Comparing two snapshots is then a plain
comparison of strings, and a difference reads the way a DBA would see it in psql.

Why not Alembic's autogenerate comparison: it compares types loosely, ignores column order, knows
nothing of enum value order and is silent about a renamed constraint; the shared database needs all
of these checked exactly (see platform-db.md, rule 4).

Over 500 lines: reading a live schema and reading the models into one snapshot type, then comparing;
the two readers must stay exactly parallel, so they sit together.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Column,
    Connection,
    Enum,
    ForeignKeyConstraint,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy import types as satypes
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ClauseElement, TextClause

from gbf_desktop.db.models import KNOWN_OPTIONAL_INDEXES

Severity = Literal["error", "warning"]
ConstraintKind = Literal["primary key", "unique", "foreign key", "check", "exclusion"]

# ---------------------------------------------------------------------------------------------
# The snapshot


@dataclass(frozen=True)
class EnumSnapshot:
    name: str
    values: tuple[str, ...]  # in the type's sort order, which is part of its meaning


@dataclass(frozen=True)
class ColumnSnapshot:
    name: str
    type: str  # as format_type() renders it: 'timestamp(3) without time zone', '"Role"', 'text[]'
    nullable: bool
    default: str | None  # as pg_get_expr() renders it: "'member'::text", 'CURRENT_TIMESTAMP'


@dataclass(frozen=True)
class ConstraintSnapshot:
    name: str
    kind: ConstraintKind
    definition: str  # as pg_get_constraintdef() renders it


@dataclass(frozen=True)
class IndexSnapshot:
    """An index that no constraint owns (a primary key's or unique constraint's index is part of
    the constraint, as in the contract). Columns are rendered as pg_get_indexdef shows them."""

    name: str
    unique: bool
    columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSnapshot:
    name: str
    columns: tuple[ColumnSnapshot, ...]  # in ordinal order
    constraints: tuple[ConstraintSnapshot, ...]  # in _constraint_order
    indexes: tuple[IndexSnapshot, ...]  # by name

    def column(self, name: str) -> ColumnSnapshot | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class SchemaSnapshot:
    enums: tuple[EnumSnapshot, ...]  # by name
    tables: tuple[TableSnapshot, ...]  # by name

    def table(self, name: str) -> TableSnapshot | None:
        return next((t for t in self.tables if t.name == name), None)

    def enum(self, name: str) -> EnumSnapshot | None:
        return next((e for e in self.enums if e.name == name), None)

    @property
    def is_empty(self) -> bool:
        return not self.enums and not self.tables


_KIND_ORDER: dict[str, int] = {
    "primary key": 0,
    "unique": 1,
    "check": 2,
    "exclusion": 3,
    "foreign key": 4,
}


def _constraint_order(c: ConstraintSnapshot) -> tuple[int, str]:
    # Primary key, then uniques, then foreign keys: the order platform-tables.txt lists them in.
    return (_KIND_ORDER[c.kind], c.name)


def _snapshot(enums: Iterable[EnumSnapshot], tables: Iterable[TableSnapshot]) -> SchemaSnapshot:
    """Put everything in canonical order, so that equal schemas give equal snapshots."""
    return SchemaSnapshot(
        enums=tuple(sorted(enums, key=lambda e: e.name)),
        tables=tuple(
            replace(
                t,
                constraints=tuple(sorted(t.constraints, key=_constraint_order)),
                indexes=tuple(sorted(t.indexes, key=lambda i: i.name)),
            )
            for t in sorted(tables, key=lambda t: t.name)
        ),
    )


# ---------------------------------------------------------------------------------------------
# Identifier quoting, as PostgreSQL's quote_ident() does it

# Keywords PostgreSQL quotes although they are lower case: the reserved, type/function-name and
# column-name categories (pg_get_keywords() catcode R, T, C). Unreserved keywords ('type', 'key',
# 'data', 'read') are left bare. A test checks this against the server for every name we use.
_QUOTED_KEYWORD_LIST = """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user some
    symmetric table then to trailing true union unique user using variadic when where window with
    authorization binary collation concurrently cross current_schema freeze full ilike inner is
    isnull join left like natural notnull outer overlaps right similar tablesample verbose
    between bigint bit boolean char character coalesce dec decimal exists extract float greatest
    grouping inout int integer interval json json_array json_arrayagg json_exists json_object
    json_objectagg json_query json_scalar json_serialize json_table json_value least merge_action
    national nchar none normalize nullif numeric out overlay position precision real row setof
    smallint substring time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement
    xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
"""
_QUOTED_KEYWORDS = frozenset(_QUOTED_KEYWORD_LIST.split())
_BARE_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_$]*")


def quote_ident(name: str) -> str:
    """`name` as PostgreSQL prints it in a definition: bare when it may be, else double-quoted."""
    if _BARE_IDENTIFIER.fullmatch(name) and name not in _QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# The live side: read from the catalog

_ENUMS_SQL = text(
    """
    SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE n.nspname = :schema AND t.typtype = 'e'
    GROUP BY t.typname
    """
)

_TABLES_SQL = text(
    """
    SELECT c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'p')
    """
)

_COLUMNS_SQL = text(
    """
    SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid)
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'p')
    ORDER BY c.relname, a.attnum
    """
)

# contype 'n' (PostgreSQL 18's NOT NULL constraints) is left out: nullability is a column property
# here, as in the contract, and PostgreSQL 15 has no such rows. 't' (constraint triggers) too.
_CONSTRAINTS_SQL = text(
    """
    SELECT c.relname, con.conname, con.contype::text, pg_get_constraintdef(con.oid)
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'p')
      AND con.contype IN ('p', 'u', 'f', 'c', 'x')
    """
)

# Indexes that back a primary key, unique or exclusion constraint belong to that constraint.
_INDEXES_SQL = text(
    """
    SELECT t.relname, i.relname, ix.indisunique,
           ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true)
                 FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k)
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = :schema AND t.relkind IN ('r', 'p')
      AND NOT EXISTS (
          SELECT 1 FROM pg_constraint con
          WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
            AND con.contype IN ('p', 'u', 'x'))
    """
)

_CONTYPES: dict[str, ConstraintKind] = {
    "p": "primary key",
    "u": "unique",
    "f": "foreign key",
    "c": "check",
    "x": "exclusion",
}


def live_schema(connection: Connection, schema: str = "public") -> SchemaSnapshot:
    """The snapshot of `schema` as the database holds it now. Reads only."""
    # format_type and pg_get_constraintdef qualify a name with its schema when it is not on the
    # search path; with `schema` alone on it they print names exactly as the contract writes them.
    old_path = connection.execute(text("SELECT current_setting('search_path')")).scalar_one()
    connection.execute(
        text("SELECT set_config('search_path', :p, false)"), {"p": quote_ident(schema)}
    )
    try:
        params = {"schema": schema}
        enums = [
            EnumSnapshot(name, tuple(values))
            for name, values in connection.execute(_ENUMS_SQL, params)
        ]
        columns: dict[str, list[ColumnSnapshot]] = {
            name: [] for (name,) in connection.execute(_TABLES_SQL, params)
        }
        for table, name, type_, nullable, default in connection.execute(_COLUMNS_SQL, params):
            columns[table].append(ColumnSnapshot(name, type_, nullable, default))
        constraints: dict[str, list[ConstraintSnapshot]] = {t: [] for t in columns}
        for table, name, contype, definition in connection.execute(_CONSTRAINTS_SQL, params):
            constraints[table].append(ConstraintSnapshot(name, _CONTYPES[contype], definition))
        indexes: dict[str, list[IndexSnapshot]] = {t: [] for t in columns}
        for table, name, unique, cols in connection.execute(_INDEXES_SQL, params):
            indexes[table].append(IndexSnapshot(name, unique, tuple(cols)))
    finally:
        connection.execute(text("SELECT set_config('search_path', :p, false)"), {"p": old_path})
    return _snapshot(
        enums,
        (
            TableSnapshot(t, tuple(cols), tuple(constraints[t]), tuple(indexes[t]))
            for t, cols in columns.items()
        ),
    )


# ---------------------------------------------------------------------------------------------
# The expected side: rendered from the SQLAlchemy metadata

_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped


def _render_type(type_: satypes.TypeEngine[object]) -> str:
    """The type as format_type() would print it once PostgreSQL has created the column."""
    if isinstance(type_, Enum) and type_.name:
        return quote_ident(type_.name)
    if isinstance(type_, ARRAY):
        return _render_type(type_.item_type) + "[]"
    if isinstance(type_, satypes.DateTime):
        precision = getattr(type_, "precision", None)
        zone = "with time zone" if type_.timezone else "without time zone"
        return f"timestamp({precision}) {zone}" if precision is not None else f"timestamp {zone}"
    if isinstance(type_, satypes.String) and not isinstance(type_, satypes.Text) and type_.length:
        return f"character varying({type_.length})"
    # The rest compile to PostgreSQL's own names in upper case: TEXT, JSONB, BYTEA, BOOLEAN,
    # DOUBLE PRECISION, NUMERIC(10, 2); format_type prints them in lower case without spaces
    # after commas.
    return type_.compile(dialect=_DIALECT).lower().replace(", ", ",")


def _render_default(column: Column[object]) -> str | None:
    default = column.server_default
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if isinstance(arg, TextClause):
        # Written in the models as PostgreSQL prints it back ('member'::text), on purpose.
        return arg.text
    if isinstance(arg, str):
        # A bare string default is stored as a literal cast to the column's type.
        return f"{sql_literal(arg)}::{_render_type(column.type)}"
    if isinstance(arg, ClauseElement):
        return str(arg.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
    return str(arg)


def _columns_list(names: Iterable[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


def _render_fk(fk: ForeignKeyConstraint, schema: str) -> str:
    target = fk.referred_table
    target_name = quote_ident(target.name)
    if target.schema is not None and target.schema != schema:
        target_name = f"{quote_ident(target.schema)}.{target_name}"
    local = [element.parent.name for element in fk.elements]
    remote = [element.column.name for element in fk.elements]
    definition = f"FOREIGN KEY ({_columns_list(local)}) REFERENCES {target_name}"
    definition += f"({_columns_list(remote)})"
    if fk.match and fk.match.upper() == "FULL":
        definition += " MATCH FULL"
    # pg_get_constraintdef prints ON UPDATE before ON DELETE and leaves out NO ACTION.
    for verb, action in (("UPDATE", fk.onupdate), ("DELETE", fk.ondelete)):
        if action and action.upper() != "NO ACTION":
            definition += f" ON {verb} {action.upper()}"
    if fk.deferrable:
        definition += " DEFERRABLE"
        if fk.initially and fk.initially.upper() == "DEFERRED":
            definition += " INITIALLY DEFERRED"
    return definition


def _render_constraint(constraint: object, schema: str) -> tuple[ConstraintKind, str] | None:
    if isinstance(constraint, PrimaryKeyConstraint):
        return "primary key", f"PRIMARY KEY ({_columns_list(c.name for c in constraint.columns)})"
    if isinstance(constraint, UniqueConstraint):
        return "unique", f"UNIQUE ({_columns_list(c.name for c in constraint.columns)})"
    if isinstance(constraint, ForeignKeyConstraint):
        return "foreign key", _render_fk(constraint, schema)
    if isinstance(constraint, CheckConstraint):
        # Best effort: PostgreSQL reprints the expression in its own normal form, so a check
        # constraint written loosely in a model may differ here. The contract has none.
        sql = constraint.sqltext.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True})
        return "check", f"CHECK (({sql}))"
    return None


def _render_index_column(expr: object) -> str:
    if isinstance(expr, Column):
        return quote_ident(expr.name)
    if isinstance(expr, str):
        return quote_ident(expr)
    if isinstance(expr, ClauseElement):
        # An expression index; PostgreSQL may reprint it differently, the contract has none.
        return str(expr.compile(dialect=_DIALECT))
    return str(expr)


def _expected_table(table: Table, schema: str) -> TableSnapshot:
    columns = tuple(
        ColumnSnapshot(
            name=column.name,
            type=_render_type(column.type),
            nullable=bool(column.nullable) and not column.primary_key,
            default=_render_default(column),
        )
        for column in table.columns
    )
    constraints = []
    for constraint in table.constraints:
        rendered = _render_constraint(constraint, schema)
        if rendered is not None and constraint.name:
            constraints.append(ConstraintSnapshot(str(constraint.name), *rendered))
    indexes = [
        IndexSnapshot(
            name=str(index.name),
            unique=bool(index.unique),
            columns=tuple(_render_index_column(expr) for expr in index.expressions),
        )
        for index in table.indexes
    ]
    return TableSnapshot(table.name, columns, tuple(constraints), tuple(indexes))


def expected_schema(metadata: MetaData, schema: str = "public") -> SchemaSnapshot:
    """The snapshot PostgreSQL would show for `schema` after creating `metadata` exactly."""

    def in_schema(owner: str | None) -> bool:
        return (owner or "public") == schema

    tables = [t for t in metadata.tables.values() if in_schema(t.schema)]
    enums: dict[str, EnumSnapshot] = {}
    for table in tables:
        for column in table.columns:
            type_ = column.type.item_type if isinstance(column.type, ARRAY) else column.type
            if isinstance(type_, Enum) and type_.name and in_schema(type_.schema):
                enums[type_.name] = EnumSnapshot(type_.name, tuple(type_.enums))
    return _snapshot(enums.values(), (_expected_table(t, schema) for t in tables))


def without(
    snapshot: SchemaSnapshot,
    *,
    tables: Collection[str] = (),
    enum_values: Mapping[str, Collection[str]] | None = None,
) -> SchemaSnapshot:
    """`snapshot` as it stood before some tables and enum values were added.

    Lets an older revision's expected schema be derived from the models instead of being kept as a
    second copy. Refuses to leave a foreign key pointing at a removed table, which would mean the
    revision history is not what the caller thinks it is.
    """
    removed_values = enum_values or {}
    kept = [t for t in snapshot.tables if t.name not in tables]
    for table in kept:
        for constraint in table.constraints:
            if constraint.kind == "foreign key" and any(
                f"REFERENCES {quote_ident(name)}(" in constraint.definition for name in tables
            ):
                raise ValueError(f"{constraint.name} refers to a table being removed")
    enums = [
        replace(e, values=tuple(v for v in e.values if v not in removed_values.get(e.name, ())))
        for e in snapshot.enums
    ]
    return _snapshot(enums, kept)


# ---------------------------------------------------------------------------------------------
# Comparison


@dataclass(frozen=True)
class SchemaDifference:
    """One way the live schema departs from the expected one."""

    kind: str  # e.g. 'column missing', 'column type', 'index extra'
    severity: Severity
    description: str  # one line, for a person
    table: str | None = None
    name: str | None = None  # the column, constraint, index or enum concerned
    expected: str | None = field(default=None, compare=False)
    live: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.severity}: {self.description}"


def _enum_differences(expected: SchemaSnapshot, live: SchemaSnapshot) -> list[SchemaDifference]:
    found: list[SchemaDifference] = []
    live_enums = {e.name: e for e in live.enums}
    expected_enums = {e.name: e for e in expected.enums}
    for enum in expected.enums:
        other = live_enums.get(enum.name)
        if other is None:
            found.append(
                SchemaDifference(
                    "enum missing",
                    "error",
                    f"enum {quote_ident(enum.name)} is missing",
                    name=enum.name,
                )
            )
            continue
        for value in enum.values:
            if value not in other.values:
                found.append(
                    SchemaDifference(
                        "enum value missing",
                        "error",
                        f"enum {quote_ident(enum.name)} lacks the value '{value}'",
                        name=enum.name,
                        expected=value,
                    )
                )
        for value in other.values:
            if value not in enum.values:
                found.append(
                    SchemaDifference(
                        "enum value extra",
                        "error",
                        f"enum {quote_ident(enum.name)} has an unexpected value '{value}'",
                        name=enum.name,
                        live=value,
                    )
                )
        common = [v for v in enum.values if v in other.values]
        if common != [v for v in other.values if v in enum.values]:
            # Order is meaning for an enum: it sorts by it and compares with < and >.
            found.append(
                SchemaDifference(
                    "enum value order",
                    "error",
                    f"enum {quote_ident(enum.name)} orders its values "
                    f"{', '.join(other.values)} instead of {', '.join(enum.values)}",
                    name=enum.name,
                    expected=", ".join(enum.values),
                    live=", ".join(other.values),
                )
            )
    for enum in live.enums:
        if enum.name not in expected_enums:
            found.append(
                SchemaDifference(
                    "enum extra",
                    "error",
                    f"unexpected enum {quote_ident(enum.name)}",
                    name=enum.name,
                )
            )
    return found


def _show_column(column: ColumnSnapshot) -> str:
    return render_column(column).strip()


def _column_differences(expected: TableSnapshot, live: TableSnapshot) -> list[SchemaDifference]:
    found: list[SchemaDifference] = []
    t = expected.name
    for column in expected.columns:
        other = live.column(column.name)
        where = f"{t}.{quote_ident(column.name)}"
        if other is None:
            found.append(
                SchemaDifference(
                    "column missing",
                    "error",
                    f"column {where} is missing (expected {_show_column(column)})",
                    table=t,
                    name=column.name,
                )
            )
            continue
        if other.type != column.type:
            found.append(
                SchemaDifference(
                    "column type",
                    "error",
                    f"column {where} is {other.type}, expected {column.type}",
                    table=t,
                    name=column.name,
                    expected=column.type,
                    live=other.type,
                )
            )
        if other.nullable != column.nullable:
            state = {True: "nullable", False: "NOT NULL"}
            found.append(
                SchemaDifference(
                    "column nullability",
                    "error",
                    f"column {where} is {state[other.nullable]}, expected {state[column.nullable]}",
                    table=t,
                    name=column.name,
                    expected=state[column.nullable],
                    live=state[other.nullable],
                )
            )
        if other.default != column.default:
            found.append(
                SchemaDifference(
                    "column default",
                    "error",
                    f"column {where} has default {other.default or '(none)'}, expected "
                    f"{column.default or '(none)'}",
                    table=t,
                    name=column.name,
                    expected=column.default,
                    live=other.default,
                )
            )
    expected_names = {c.name for c in expected.columns}
    for other in live.columns:
        if other.name not in expected_names:
            found.append(
                SchemaDifference(
                    "column extra",
                    "error",
                    f"unexpected column {t}.{quote_ident(other.name)} ({_show_column(other)})",
                    table=t,
                    name=other.name,
                )
            )
    # Column order is a warning. Every statement the app and the platform run names its columns, so
    # order changes no result; PostgreSQL cannot reorder columns short of rewriting the table, so
    # no migration could fix it without touching every row; and a platform database that gained
    # columns through ALTER TABLE ADD COLUMN has them last. It is still shown, since a platform
    # database and ours are meant to be the same, column for column.
    live_names = {c.name for c in live.columns}
    exp_order = [c.name for c in expected.columns if c.name in live_names]
    live_order = [c.name for c in live.columns if c.name in expected_names]
    if exp_order != live_order:
        found.append(
            SchemaDifference(
                "column order",
                "warning",
                f"table {t} orders its columns {_columns_list(live_order)} instead of "
                f"{_columns_list(exp_order)}",
                table=t,
                expected=", ".join(exp_order),
                live=", ".join(live_order),
            )
        )
    return found


def _constraint_differences(expected: TableSnapshot, live: TableSnapshot) -> list[SchemaDifference]:
    found: list[SchemaDifference] = []
    t = expected.name
    live_by_name = {c.name: c for c in live.constraints}
    expected_by_name = {c.name: c for c in expected.constraints}
    for constraint in expected.constraints:
        other = live_by_name.get(constraint.name)
        if other is None:
            found.append(
                SchemaDifference(
                    "constraint missing",
                    "error",
                    f"constraint {constraint.name} on {t} is missing "
                    f"(expected {constraint.definition})",
                    table=t,
                    name=constraint.name,
                    expected=constraint.definition,
                )
            )
        elif other.definition != constraint.definition:
            found.append(
                SchemaDifference(
                    "constraint definition",
                    "error",
                    f"constraint {constraint.name} on {t} is {other.definition}, expected "
                    f"{constraint.definition}",
                    table=t,
                    name=constraint.name,
                    expected=constraint.definition,
                    live=other.definition,
                )
            )
    for other in live.constraints:
        if other.name not in expected_by_name:
            found.append(
                SchemaDifference(
                    "constraint extra",
                    "error",
                    f"unexpected constraint {other.name} on {t}: {other.definition}",
                    table=t,
                    name=other.name,
                    live=other.definition,
                )
            )
    return found


def render_index(index: IndexSnapshot) -> str:
    unique = "unique index" if index.unique else "index"
    return f"{unique} {index.name}: ({', '.join(index.columns)})"


def _index_differences(
    expected: TableSnapshot, live: TableSnapshot, optional: Collection[str]
) -> list[SchemaDifference]:
    found: list[SchemaDifference] = []
    t = expected.name

    def severity(name: str) -> Severity:
        # The platform's model does not declare these: their state can break neither side.
        return "warning" if name in optional else "error"

    live_by_name = {i.name: i for i in live.indexes}
    expected_by_name = {i.name: i for i in expected.indexes}
    for index in expected.indexes:
        other = live_by_name.get(index.name)
        if other is None:
            found.append(
                SchemaDifference(
                    "index missing",
                    severity(index.name),
                    f"index {index.name} on {t} is missing (expected {render_index(index)})",
                    table=t,
                    name=index.name,
                    expected=render_index(index),
                )
            )
        elif other != index:
            found.append(
                SchemaDifference(
                    "index definition",
                    severity(index.name),
                    f"index {index.name} on {t} is {render_index(other)}, expected "
                    f"{render_index(index)}",
                    table=t,
                    name=index.name,
                    expected=render_index(index),
                    live=render_index(other),
                )
            )
    for other in live.indexes:
        if other.name not in expected_by_name:
            found.append(
                SchemaDifference(
                    "index extra",
                    severity(other.name),
                    f"unexpected index on {t}: {render_index(other)}",
                    table=t,
                    name=other.name,
                    live=render_index(other),
                )
            )
    return found


def compare(
    expected: SchemaSnapshot,
    live: SchemaSnapshot,
    *,
    optional_indexes: Collection[str] = KNOWN_OPTIONAL_INDEXES,
) -> list[SchemaDifference]:
    """Every difference between the expected and the live schema; empty when they are the same.

    A missing or extra table is one difference, not one per column. Differences touching an index
    in `optional_indexes` are warnings; all others but column order are errors.
    """
    found = _enum_differences(expected, live)
    live_tables = {t.name: t for t in live.tables}
    expected_names = {t.name for t in expected.tables}
    for table in expected.tables:
        other = live_tables.get(table.name)
        if other is None:
            found.append(
                SchemaDifference(
                    "table missing", "error", f"table {table.name} is missing", table=table.name
                )
            )
            continue
        found += _column_differences(table, other)
        found += _constraint_differences(table, other)
        found += _index_differences(table, other, optional_indexes)
    for other in live.tables:
        if other.name not in expected_names:
            found.append(
                SchemaDifference(
                    "table extra",
                    "error",
                    f"unexpected table {other.name} ({len(other.columns)} columns)",
                    table=other.name,
                )
            )
    return found


def errors(differences: Iterable[SchemaDifference]) -> list[SchemaDifference]:
    return [d for d in differences if d.severity == "error"]


# ---------------------------------------------------------------------------------------------
# Text form, close to platform-tables.txt


def _display_type(type_: str) -> str:
    # The contract abbreviates Prisma's timestamp type the way Prisma's own SQL writes it.
    match = re.fullmatch(r"timestamp\((\d+)\) without time zone", type_)
    return f"TIMESTAMP({match.group(1)})" if match else type_


def render_column(column: ColumnSnapshot) -> str:
    line = f"  {quote_ident(column.name)} {_display_type(column.type)}"
    if column.default is not None:
        line += f" DEFAULT {column.default}"
    if not column.nullable:
        line += " NOT NULL"
    return line


def render(snapshot: SchemaSnapshot) -> str:
    """The snapshot as text, laid out like platform-tables.txt (one line per object)."""
    lines = [
        f"enum {quote_ident(e.name)}: {', '.join(sql_literal(v) for v in e.values)}"
        for e in snapshot.enums
    ]
    for table in snapshot.tables:
        lines += ["", f"## {table.name}"]
        lines += [render_column(c) for c in table.columns]
        lines += [f"  constraint {c.name}: {c.definition}" for c in table.constraints]
        lines += [f"  {render_index(i)}" for i in table.indexes]
    return "\n".join(lines) + "\n"


def sql_literal(value: str) -> str:
    """A string as an SQL literal."""
    return "'" + value.replace("'", "''") + "'"
