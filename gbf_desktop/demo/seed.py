"""Writing the demo plan into a database, once, beside whatever is already there.

Idempotent by construction: every row has a stable id (see `plan.demo_id`) and is inserted with
`ON CONFLICT DO NOTHING`, so a second run inserts nothing. Aggregates the web app may have reshaped
since the first run are left alone rather than patched: a program that exists keeps its tree as the
coach edited it (the web builder recreates blocks with new ids on every save, so re-adding ours
would duplicate weeks), an assignment is added only if that student has none for that program
(the web's own rule), and progress or clips are added only under sessions and logs that still exist.

It never touches a row it did not create: the web platform's users stay as they are. If a demo
email or pseudo is already held by someone else's account, it stops before writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import InterfaceError, OperationalError

from gbf_desktop.db import models as m
from gbf_desktop.db.uow import unreachable
from gbf_desktop.demo.people import COACH, DEMO_COACH_PASSWORD
from gbf_desktop.demo.plan import DemoPlan, Row, build_plan
from gbf_desktop.errors import KnownError
from gbf_desktop.services.auth import hash_password

# (seconds, seed) -> the bytes of an MP4 that meets the clip contract.
MakeClip = Callable[[float, int], bytes]

# Serialises concurrent seeds (the GUI's --demo and the CLI at once) on one database.
_ADVISORY_LOCK = 0x6762_6664_656D_6F31  # "gbfdemo1"


def _table(model: type[m.Base]) -> Table:
    # Declarative types `__table__` as a plain FromClause; these models all map a real Table.
    table = model.__table__
    assert isinstance(table, Table)
    return table


USERS = _table(m.User)
GROUPS = _table(m.Group)
GROUP_MEMBERS = _table(m.GroupMember)
EXERCISES = _table(m.Exercise)
PROGRAMS = _table(m.Program)
PROGRAM_AUDIT = _table(m.ProgramAudit)
BLOCKS = _table(m.ProgramBlock)
WEEKS = _table(m.Week)
SESSIONS = _table(m.Session)
SESSION_EXERCISES = _table(m.SessionExercise)
ASSIGNMENTS = _table(m.ProgramAssignment)
NOTIFICATIONS = _table(m.Notification)
PROGRESS = _table(m.SessionProgress)
MEDIA = _table(m.ExerciseMedia)

# Order of the summary lines: parents before children, as they are written.
TABLES: tuple[Table, ...] = (
    USERS,
    GROUPS,
    GROUP_MEMBERS,
    EXERCISES,
    PROGRAMS,
    PROGRAM_AUDIT,
    BLOCKS,
    WEEKS,
    SESSIONS,
    SESSION_EXERCISES,
    ASSIGNMENTS,
    NOTIFICATIONS,
    PROGRESS,
    MEDIA,
)


class DemoDataConflict(KnownError):
    """A demo account's email or pseudo belongs to an account the demo did not create."""


@dataclass(frozen=True)
class DemoSummary:
    coach_email: str
    coach_password: str
    # Rows written by this run, per table.
    inserted: Mapping[str, int]
    # Rows of the demo found in place (or left out because the coach has since reshaped their
    # parent on the web), per table.
    already_there: Mapping[str, int]

    @property
    def total_inserted(self) -> int:
        return sum(self.inserted.values())

    def lines(self) -> list[str]:
        """What the `demo seed` command prints."""
        width = max(len(name) for name in self.inserted)
        verdict = (
            f"Demo data loaded: {self.total_inserted} rows added."
            if self.total_inserted
            else "Demo data already in place: nothing added."
        )
        lines = [verdict]
        for name, count in self.inserted.items():
            lines.append(f"  {name:<{width}}  {count:>4} new, {self.already_there[name]:>4} kept")
        lines.append(f"Sign in as {self.coach_email} with password {self.coach_password}")
        return lines


def seed(engine: Engine, *, make_clip: MakeClip | None, today: date | None = None) -> DemoSummary:
    """Load the demo coach, students, library, programs, progress and clips, in one transaction.

    `today` (a UTC date) anchors the schedule: the programs started eight weeks before its week,
    so an on-track student is due in week 9. `make_clip` is only called for clips not yet stored.
    Without `make_clip` the clips are left for `iter_seed_clips`: encoding them is most of a
    seed's time, and the app does it after its window is shown.
    """
    plan = build_plan(today or datetime.now(UTC).date())
    try:
        with engine.begin() as conn:
            conn.execute(select(func.pg_advisory_xact_lock(_ADVISORY_LOCK)))
            writer = _Writer(conn)
            _write(writer, plan, make_clip)
    except (OperationalError, InterfaceError) as err:
        raise unreachable(engine, err) from err
    return DemoSummary(
        coach_email=COACH.email,
        coach_password=DEMO_COACH_PASSWORD,
        inserted=MappingProxyType(dict(writer.inserted)),
        already_there=MappingProxyType(
            {name: writer.planned[name] - writer.inserted[name] for name in writer.planned}
        ),
    )


class _Writer:
    """Inserts rows that are missing and counts, per table, what was planned and what was new."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.planned = {table.name: 0 for table in TABLES}
        self.inserted = {table.name: 0 for table in TABLES}

    def insert(self, table: Table, rows: Sequence[Row], *, by_id: bool = True) -> set[str]:
        """Insert what is missing; returns the ids actually inserted.

        `by_id` names the primary key as the conflict target, so any other unique clash still
        fails loudly; without it, any unique clash (such as a second membership of the same
        student in the same group) just skips the row.
        """
        self.planned[table.name] += len(rows)
        if not rows:
            return set()
        statement = insert(table)
        statement = (
            statement.on_conflict_do_nothing(index_elements=[table.c.id])
            if by_id
            else statement.on_conflict_do_nothing()
        )
        new_ids = set(self.conn.scalars(statement.returning(table.c.id), list(rows)))
        self.inserted[table.name] += len(new_ids)
        return new_ids

    def skip(self, table: Table, count: int) -> None:
        self.planned[table.name] += count

    def existing_ids(self, table: Table, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        if not wanted:
            return set()
        return set(self.conn.scalars(select(table.c.id).where(table.c.id.in_(wanted))))


@dataclass(frozen=True)
class ClipProgress:
    """How far `iter_seed_clips` got: `done` of `total` missing clips made and stored."""

    done: int
    total: int


def iter_seed_clips(
    engine: Engine, *, make_clip: MakeClip, today: date | None = None
) -> Generator[ClipProgress, None, int]:
    """Make and store the demo clips still missing, one transaction each; returns how many.

    Yields before each clip (so a caller can show "2 of 4" and cancel between clips) and once at
    the end. Safe beside a concurrent seed: each insert skips a clip that is already there.
    """
    plan = build_plan(today or datetime.now(UTC).date())
    try:
        with engine.connect() as conn:
            logs = _Writer(conn).existing_ids(PROGRESS, (c.row["progressId"] for c in plan.clips))
            stored = _Writer(conn).existing_ids(MEDIA, (c.row["id"] for c in plan.clips))
        missing = [
            c for c in plan.clips if c.row["progressId"] in logs and c.row["id"] not in stored
        ]
        inserted = 0
        for done, clip in enumerate(missing):
            yield ClipProgress(done, len(missing))
            data = make_clip(clip.seconds, clip.seed)
            with engine.begin() as conn:
                inserted += len(
                    _Writer(conn).insert(MEDIA, [{**clip.row, "data": data, "size": len(data)}])
                )
        yield ClipProgress(len(missing), len(missing))
    except (OperationalError, InterfaceError) as err:
        raise unreachable(engine, err) from err
    return inserted


def _write(writer: _Writer, plan: DemoPlan, make_clip: MakeClip | None) -> None:
    _refuse_foreign_accounts(writer.conn, plan.users)
    _write_users(writer, plan)
    writer.insert(GROUPS, plan.groups)
    writer.insert(GROUP_MEMBERS, plan.group_members, by_id=False)
    writer.insert(EXERCISES, plan.exercises)
    _write_programs(writer, plan)
    _write_assignments(writer, plan)
    _write_progress(writer, plan)
    if make_clip is not None:
        _write_clips(writer, plan, make_clip)


def _refuse_foreign_accounts(conn: Connection, users: Sequence[Row]) -> None:
    by_email = {row["email"].lower(): row["id"] for row in users}
    by_pseudo = {row["pseudo"]: row["id"] for row in users}
    found = conn.execute(
        select(USERS.c.id, USERS.c.email, USERS.c.pseudo).where(
            or_(
                func.lower(USERS.c.email).in_(list(by_email)),
                USERS.c.pseudo.in_(list(by_pseudo)),
            )
        )
    ).all()
    for user_id, email, pseudo in found:
        if by_email.get(email.lower(), user_id) != user_id:
            taken = f"the email {email}"
        elif by_pseudo.get(pseudo, user_id) != user_id:
            taken = f"the pseudo {pseudo}"
        else:
            continue  # a demo account from an earlier run
        raise DemoDataConflict(
            f"Cannot load the demo data: {taken} already belongs to an account the demo did "
            "not create. Nothing was written and that account was left untouched.",
            hint="Load the demo into another database, or rename that account first.",
        )


def _write_users(writer: _Writer, plan: DemoPlan) -> None:
    users = USERS
    present = writer.existing_ids(users, (row["id"] for row in plan.users))
    # bcrypt is slow on purpose (~0.15 s a hash): hash only for the accounts that are missing,
    # and each distinct demo password once (the students share one).
    hashes: dict[str, str] = {}
    missing = [
        {**row, "password": _hash_once(hashes, plan.passwords[row["id"]])}
        for row in plan.users
        if row["id"] not in present
    ]
    writer.insert(users, missing)
    writer.skip(users, len(present))


def _hash_once(hashes: dict[str, str], password: str) -> str:
    if password not in hashes:
        hashes[password] = hash_password(password)
    return hashes[password]


def _write_programs(writer: _Writer, plan: DemoPlan) -> None:
    new = writer.insert(PROGRAMS, [p.program for p in plan.programs])
    parts: list[tuple[Table, str]] = [
        (PROGRAM_AUDIT, "audit"),
        (BLOCKS, "blocks"),
        (WEEKS, "weeks"),
        (SESSIONS, "sessions"),
        (SESSION_EXERCISES, "session_exercises"),
    ]
    for rows in plan.programs:
        fresh = rows.program["id"] in new
        for table, attribute in parts:
            value: Any = getattr(rows, attribute)
            children: Sequence[Row] = (value,) if isinstance(value, dict) else value
            if fresh:
                writer.insert(table, children)
            else:
                writer.skip(table, len(children))


def _write_assignments(writer: _Writer, plan: DemoPlan) -> None:
    table = ASSIGNMENTS
    student_ids = list({a["studentId"] for a, _ in plan.assignments})
    # The web refuses a second assignment of a program to a student by looking first; so do we.
    taken = {
        (program_id, student_id)
        for program_id, student_id in writer.conn.execute(
            select(table.c.programId, table.c.studentId).where(table.c.studentId.in_(student_ids))
        )
    }
    wanted = [(a, n) for a, n in plan.assignments if (a["programId"], a["studentId"]) not in taken]
    writer.skip(table, len(plan.assignments) - len(wanted))
    new = writer.insert(table, [a for a, _ in wanted])
    notifications = [n for a, n in wanted if a["id"] in new]
    writer.insert(NOTIFICATIONS, notifications)
    writer.skip(NOTIFICATIONS, len(plan.assignments) - len(notifications))


def _write_progress(writer: _Writer, plan: DemoPlan) -> None:
    table = PROGRESS
    sessions = writer.existing_ids(SESSIONS, {r["sessionId"] for r in plan.progress})
    rows = [r for r in plan.progress if r["sessionId"] in sessions]
    writer.skip(table, len(plan.progress) - len(rows))
    # Any unique clash skips: a student may since have logged that session on the web.
    writer.insert(table, rows, by_id=False)


def _write_clips(writer: _Writer, plan: DemoPlan, make_clip: MakeClip) -> None:
    table = MEDIA
    logs = writer.existing_ids(PROGRESS, (c.row["progressId"] for c in plan.clips))
    stored = writer.existing_ids(table, (c.row["id"] for c in plan.clips))
    # Encoding is the slow part of the seed: only clips that are missing get made.
    rows = []
    for clip in plan.clips:
        if clip.row["progressId"] not in logs or clip.row["id"] in stored:
            continue
        data = make_clip(clip.seconds, clip.seed)
        rows.append({**clip.row, "data": data, "size": len(data)})
    writer.skip(table, len(plan.clips) - len(rows))
    writer.insert(table, rows)
