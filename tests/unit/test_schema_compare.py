"""compare() and without() on snapshots alone: the rules that need no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gbf_desktop.db.models import Base
from gbf_desktop.db.schema_compare import (
    IndexSnapshot,
    SchemaSnapshot,
    TableSnapshot,
    compare,
    expected_schema,
    without,
)


def _replace_table(snapshot: SchemaSnapshot, table: TableSnapshot) -> SchemaSnapshot:
    return replace(
        snapshot, tables=tuple(table if t.name == table.name else t for t in snapshot.tables)
    )


@pytest.fixture
def expected() -> SchemaSnapshot:
    return expected_schema(Base.metadata)


def _table(snapshot: SchemaSnapshot, name: str) -> TableSnapshot:
    table = snapshot.table(name)
    assert table is not None
    return table


def test_column_order_is_only_a_warning(expected: SchemaSnapshot) -> None:
    weeks = _table(expected, "weeks")
    reordered = replace(weeks, columns=(weeks.columns[0], *reversed(weeks.columns[1:])))

    differences = compare(expected, _replace_table(expected, reordered))

    assert [(d.severity, str(d)) for d in differences] == [
        (
            "warning",
            'warning: table weeks orders its columns id, "position", "weekNumber", "blockId" '
            'instead of id, "blockId", "weekNumber", "position"',
        )
    ]


def test_enum_value_order_is_an_error(expected: SchemaSnapshot) -> None:
    live = replace(
        expected,
        enums=tuple(
            replace(e, values=tuple(reversed(e.values))) if e.name == "Scope" else e
            for e in expected.enums
        ),
    )

    assert [str(d) for d in compare(expected, live)] == [
        'error: enum "Scope" orders its values coach, global instead of global, coach'
    ]


def test_missing_table_is_one_difference_not_one_per_column(expected: SchemaSnapshot) -> None:
    live = without(expected, tables=("exercise_media",))

    assert [str(d) for d in compare(expected, live)] == ["error: table exercise_media is missing"]


def test_any_drift_of_the_known_optional_index_is_a_warning(expected: SchemaSnapshot) -> None:
    media = _table(expected, "exercise_media")
    changed = replace(
        media, indexes=(IndexSnapshot("exercise_media_progressId_idx", True, ('"progressId"',)),)
    )
    extra_elsewhere = replace(
        _table(expected, "weeks"),
        indexes=(IndexSnapshot("exercise_media_progressId_idx", False, ('"blockId"',)),),
    )

    differences = compare(expected, _replace_table(expected, changed))
    moved = compare(
        expected,
        _replace_table(_replace_table(expected, replace(media, indexes=())), extra_elsewhere),
    )

    assert [d.severity for d in differences] == ["warning"]
    assert {(d.kind, d.severity) for d in moved} == {
        ("index missing", "warning"),
        ("index extra", "warning"),
    }


def test_without_refuses_to_leave_a_dangling_foreign_key(expected: SchemaSnapshot) -> None:
    with pytest.raises(ValueError, match="_sessionId_fkey refers to a table being removed"):
        without(expected, tables=("sessions",))


def test_expected_types_and_defaults_are_rendered_as_postgresql_prints_them(
    expected: SchemaSnapshot,
) -> None:
    progress = _table(expected, "session_progress")
    columns = {c.name: (c.type, c.nullable, c.default) for c in progress.columns}

    assert columns["videos"] == ("text[]", True, None)
    assert columns["savedAt"] == ("timestamp(3) without time zone", False, "CURRENT_TIMESTAMP")
    assert columns["weight"] == ("double precision", True, None)
    assert columns["status"] == ("text", True, "'not_started'::text")
    assert _table(expected, "exercises").column("type") is not None
    assert _table(expected, "users").columns[6].type == '"Role"'
