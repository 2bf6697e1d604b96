"""The indexed path from a coach to their students' `session_progress` rows.

The platform has no index on `session_progress."studentId"`, and the desktop cannot add one: the
web's `prisma db push` drops from `public` whatever its model does not declare. Filtering on
`"studentId"` therefore reads the whole platform's progress table, for every coach, on every page.
What is indexed is the unique `("sessionId", "studentId")` key. So a per-coach read first lists
the (session, student) pairs where the coach's students can have logged, from the coach's own
tables (assignments, the program tree: a few thousand rows), and then probes that key once per
pair: the cost follows the coach's history, not the platform's.

The pairs are every session of every program assigned to one of the students, and every session
of the coach's own programs for each student (so logs of a program unassigned since are still
found). A log of another coach's program that is no longer assigned is not the coach's to see.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Subquery,
    Text,
    cast,
    column,
    func,
    literal_column,
    select,
    true,
    type_coerce,
    union,
    values,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.sqltypes import NullType

from gbf_desktop.db import models as m
from gbf_desktop.domain.progress import StatusTally, tally_statuses


def coach_session_pairs(coach_id: str, student_ids: Sequence[str] | Select[Any]) -> Subquery:
    """`(session_id, student_id)`: where the coach's students `student_ids` may have logged.

    First the (program, student) pairs, a few dozen rows: each program assigned to one of the
    students, and each of the coach's own programs for every student. Each session belongs to
    one program, so expanding them to sessions makes no duplicates. `student_ids` is a list
    (not empty: an empty VALUES list is not SQL) or a SELECT of ids.
    """
    a, p, b, w, s = m.ProgramAssignment, m.Program, m.ProgramBlock, m.Week, m.Session
    students: FromClause
    if isinstance(student_ids, Select):
        students = student_ids.subquery("coach_students")
    else:
        students = values(column("id", Text), name="coach_students").data(
            [(sid,) for sid in dict.fromkeys(student_ids)]
        )
    followed = union(
        select(a.program_id.label("program_id"), a.student_id.label("student_id")).where(
            a.student_id.in_(student_ids)
        ),
        select(p.id.label("program_id"), students.c[0].label("student_id"))
        .join(students, true())
        .where(p.coach_id == coach_id),
    ).subquery("followed")
    return (
        select(s.id.label("session_id"), followed.c.student_id)
        .select_from(followed)
        .join(b, b.program_id == followed.c.program_id)
        .join(w, w.block_id == b.id)
        .join(s, s.week_id == w.id)
        .subquery("coach_pairs")
    )


def coach_progress(
    coach_id: str,
    student_ids: Sequence[str] | Select[Any],
    *columns: ColumnElement[Any] | QueryableAttribute[Any],
) -> Select[Any]:
    """`columns` of `session_progress` (unaliased) for each of the coach's students' rows.

    Each pair probes the unique key in a LATERAL subquery: a plain join lets the planner prefer
    hashing the whole platform's table once the coach has a few thousand pairs, which reads every
    coach's logs. `LIMIT 1` (the key is unique) keeps the subquery from being flattened into
    such a join. `student_ids` must not be empty.
    """
    sp = m.SessionProgress
    pairs = coach_session_pairs(coach_id, student_ids)
    row = (
        select(*columns)
        .where(sp.session_id == pairs.c.session_id, sp.student_id == pairs.c.student_id)
        .limit(1)
        # Only the pairs: a query embedding this one may read `session_progress` too.
        .correlate(pairs)
        .lateral("coach_progress")
    )
    return select(*row.c).select_from(pairs).join(row, true())


def coach_rows(coach_id: str, student_ids: Sequence[str] | Select[Any]) -> Subquery:
    """The coach's students' progress rows as a subquery of `id`, `session_id`, `student_id`,
    `saved_at`, `videos` (never the JSON), for joining clips to.

    Clips join it by `"progressId"`: without `exercise_media_progressId_idx` (the web's start
    drops it) the clips table is read once and hashed, which costs little since clip bytes live
    out of line; driving from the clips instead probed every clip of the platform for its
    student, which grew with the platform.
    """
    sp = m.SessionProgress
    return coach_progress(
        coach_id,
        student_ids,
        sp.id.label("id"),
        sp.session_id.label("session_id"),
        sp.student_id.label("student_id"),
        sp.saved_at.label("saved_at"),
        sp.videos.label("videos"),
    ).subquery("coach_rows")


# jsonpath in strict mode with errors silenced: a progress JSON that is no object, whose
# `exercises` is no array, lists nothing, and entries that are no objects are skipped (nested
# arrays are not unwrapped), as `domain.progress.logged_exercises` reads them.
_ENTRIES = 'strict $.exercises[*] ? (@.type() == "object").type()'
_STATUSES = 'strict $.exercises[*] ? (@.type() == "object" && exists(@.status)).status'


def status_columns(
    progress: ColumnElement[Any] | QueryableAttribute[Any] | None = None,
) -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    """Three columns from which `tally_of` makes a progress JSON's `StatusTally`: how many
    exercise entries are objects, the statuses of those that have one (a JSON array, as text),
    and whether an older row says `completed: true` (`domain.progress.legacy_completed`).

    Only these few words travel, never the JSON: two jsonpath calls cost a fifth of expanding
    the entries in a subquery per row. The statuses come as text, not jsonb: a coach's rows
    repeat a handful of them, and decoding each row's array cost more than the rest.
    """
    source = m.SessionProgress.progress if progress is None else progress
    # Constants of this module, written into the SQL: jsonpath has no bind-parameter type.
    empty: ColumnElement[Any] = literal_column("'{}'::jsonb")
    entries_path: ColumnElement[Any] = literal_column(f"'{_ENTRIES}'::jsonpath")
    entries = func.jsonb_array_length(
        func.jsonb_path_query_array(source, entries_path, empty, true())
    )
    statuses = func.jsonb_path_query_array(
        source, literal_column(f"'{_STATUSES}'::jsonpath"), empty, true()
    )
    legacy = func.coalesce(source.op("->")("completed") == literal_column("'true'::jsonb"), False)
    return (
        entries.label("entries"),
        # Untyped: psycopg returns the text as it is; SQLAlchemy's processors only cost time.
        type_coerce(cast(statuses, Text), NullType()).label("statuses"),
        legacy.label("legacy_completed"),
    )


def tally_of(
    entries: int | None, statuses: str | None, legacy_completed: bool = False
) -> StatusTally:
    """The tally of the `status_columns`: statuses are stripped and compared in Python, by the
    domain's own rule; a status that is not a text is no status."""
    text = statuses or "[]"
    if len(text) > _CACHED_TEXT:  # an outsized row's statuses: counted, not kept
        return _count(entries or 0, text, bool(legacy_completed))
    return _tally(entries or 0, text, bool(legacy_completed))


_CACHED_TEXT = 4096


def _count(entries: int, statuses: str, legacy_completed: bool) -> StatusTally:
    # A coach's rows repeat a handful of shapes ("completed" six times...): decoding and
    # counting each once, and sharing the frozen result, is most of what reading a year of
    # tallies cost in Python.
    try:
        values = json.loads(statuses)
    except (ValueError, RecursionError):
        # PostgreSQL wrote it, so only a status nested deeper than Python reads: no text.
        values = []
    texts = values if isinstance(values, list) else []
    counted = tally_statuses(v if isinstance(v, str) else "" for v in texts)
    return StatusTally(entries, counted.done, counted.started, int(legacy_completed))


_tally = functools.lru_cache(maxsize=4096)(_count)
