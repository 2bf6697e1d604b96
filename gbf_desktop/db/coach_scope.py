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

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    Text,
    column,
    literal_column,
    select,
    true,
    union,
    values,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.sqltypes import NullType

from gbf_desktop.db import models as m
from gbf_desktop.domain.progress import (
    DONE_EXERCISE_STATUSES,
    STARTED_EXERCISE_STATUSES,
    WHITESPACE,
)


def coach_session_pairs(coach_id: str, student_ids: Sequence[str]) -> Subquery:
    """`(session_id, student_id)`: where the coach's students `student_ids` may have logged.

    First the (program, student) pairs, a few dozen rows: each program assigned to one of the
    students, and each of the coach's own programs for every student. Each session belongs to
    one program, so expanding them to sessions makes no duplicates. `student_ids` must not be
    empty (an empty VALUES list is not SQL).
    """
    a, p, b, w, s = m.ProgramAssignment, m.Program, m.ProgramBlock, m.Week, m.Session
    students = values(column("id", Text), name="coach_students").data(
        [(sid,) for sid in dict.fromkeys(student_ids)]
    )
    followed = union(
        select(a.program_id.label("program_id"), a.student_id.label("student_id")).where(
            a.student_id.in_(student_ids)
        ),
        select(p.id.label("program_id"), students.c.id.label("student_id"))
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
    student_ids: Sequence[str],
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


def _sql_text(values: Iterable[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(values)) + "]"


# Python's `str.strip()` set as SQL, built from code points (constant-folded by the planner).
_WHITESPACE = "||".join(f"chr({ord(c)})" for c in WHITESPACE)


def status_tally(progress: str = '"session_progress".progress') -> ColumnElement[Any]:
    """`ARRAY[entries, done, started, legacy completed]` of a progress JSON, counted in SQL.

    The same reading as `domain.progress.tally`: only objects of a `exercises` array count (strict
    jsonpath, errors silenced: anything else lists nothing), a status is compared stripped, and a
    missing one is no status. The JSON never travels to Python.
    """
    return literal_column(
        "(SELECT ARRAY[count(*), count(*) FILTER (WHERE status = ANY("
        f"{_sql_text(DONE_EXERCISE_STATUSES)})), count(*) FILTER (WHERE status = ANY("
        f"{_sql_text(STARTED_EXERCISE_STATUSES)})), CASE WHEN {progress} -> 'completed' = "
        "'true'::jsonb THEN 1 ELSE 0 END] FROM (SELECT btrim(entry->>'status', "
        f"{_WHITESPACE}) AS status FROM jsonb_path_query({progress}, 'strict $.exercises[*]',"
        " '{}', true) AS entry WHERE jsonb_typeof(entry) = 'object') AS entries)",
        # Untyped: psycopg already returns a list of ints, and SQLAlchemy's ARRAY result
        # processor cost 25 us a row, more than counting in SQL.
        type_=NullType(),
    )
