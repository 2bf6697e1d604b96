"""Program use cases: open, save in place, create, copy as a template, assign and unassign.

Saving follows three rules the web builder breaks:
- only rows that changed are written (`program_edit.diff`), so students' logs and clips under the
  sessions that remain are never touched;
- removing sessions that students have logged needs an explicit confirmation naming the students
  and the clips that would go with them (`ConfirmationRequired`);
- a program changed elsewhere since it was opened is never overwritten silently
  (`ProgramConflict`); `overwrite=True` saves deliberately, still in place against current rows.

Every save is one transaction: the check, the writes and the audit row commit together or not at
all.

Over 500 lines: open, save in place, create, copy, assign and unassign share the conflict and
removal-impact checks; assignment is the part to move out next.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain import schedule
from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.model import (
    STAFF_ROLES,
    ProgramSummary,
    ProgramTree,
    ScheduledSession,
    UserRecord,
)
from gbf_desktop.domain.program_edit import ProgramDiff, ProgramDoc
from gbf_desktop.domain.progress import SessionRow, realign_entries
from gbf_desktop.errors import ConflictError, KnownError, ValidationError
from gbf_desktop.services.ports import UnitOfWorkBase

MAX_TITLE = 200
# How many change lines a conflict message names before "and N more".
CONFLICT_LINES = 6


class NotAllowed(KnownError):
    """The user may not do this: another coach's program or student, a global exercise."""


class NotFound(KnownError):
    """What the user asked for is no longer in the database."""


# --- what the repositories hand back ---------------------------------------------------------


@dataclass(frozen=True)
class LoggedSession:
    """One student's log of a session, with how many clips hang from it."""

    progress_id: str
    session_id: str
    student_id: str
    student_name: str
    clips: int


@dataclass(frozen=True)
class AssignmentRecord:
    id: str
    program_id: str
    student_id: str
    assigned_by: str | None
    assigned_at: datetime


# --- the unit of work these use cases need -----------------------------------------------------


class ProgramRows(Protocol):
    def tree(self, program_id: str, *, lock: bool = False) -> ProgramTree | None: ...

    def summaries_of(self, coach_id: str) -> Sequence[ProgramSummary]: ...

    def exercise_names(
        self, exercise_ids: Iterable[str], *, visible_to: str
    ) -> Mapping[str, str]: ...

    def exercise_types(self, exercise_ids: Iterable[str]) -> Mapping[str, str]: ...

    def logs_under(self, session_ids: Sequence[str]) -> Sequence[LoggedSession]: ...

    def insert_program(self, doc: ProgramDoc, coach_id: str, now: datetime) -> None: ...

    def apply(self, change: ProgramDiff, now: datetime) -> None: ...

    def add_audit(
        self,
        program_id: str,
        *,
        changed_by: str,
        change_type: str,
        diff: Mapping[str, Any],
        now: datetime,
        audit_id: str,
    ) -> None: ...

    def delete_program(self, program_id: str) -> None: ...

    def assignments(self, program_id: str) -> Sequence[AssignmentRecord]: ...

    def assignment(self, assignment_id: str) -> AssignmentRecord | None: ...

    def add_assignment(self, record: AssignmentRecord) -> None: ...

    def add_notification(
        self,
        notification_id: str,
        user_id: str,
        kind: str,
        payload: Mapping[str, Any],
        now: datetime,
    ) -> None: ...

    def delete_assignment(self, assignment_id: str) -> None: ...

    def logs_on_program(self, program_id: str, student_id: str) -> tuple[int, int]: ...

    def session_rows(self, session_ids: Sequence[str]) -> dict[str, list[SessionRow]]: ...

    def rewrite_in_order(self, session_id: str, ordered_ids: Sequence[str]) -> bool: ...

    def lock_logs_of(self, session_ids: Sequence[str]) -> list[tuple[str, str, Any]]: ...

    def set_log_progress(self, progress_id: str, progress: Any, now: datetime) -> None: ...


class People(Protocol):
    def get(self, user_id: str) -> UserRecord | None: ...

    def students_of(self, coach_id: str) -> Sequence[UserRecord]: ...


class ProgramsUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> People: ...

    @property
    def program_rows(self) -> ProgramRows: ...


class ProgramsUowFactory(Protocol):
    def __call__(self) -> ProgramsUnitOfWork: ...


# --- values the UI gets ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramVersion:
    """What the editor remembers of the rows it loaded, to notice a change made elsewhere."""

    updated_at: datetime
    fingerprint: str


@dataclass(frozen=True)
class OpenedProgram:
    document: ProgramDoc
    version: ProgramVersion
    coach_id: str
    # Library names of the exercises the program uses, for display.
    exercise_names: Mapping[str, str]


@dataclass(frozen=True)
class AffectedStudent:
    student_id: str
    name: str
    sessions_logged: int
    clips: int


@dataclass(frozen=True)
class RemovalImpact:
    """What removing sessions would delete with them, through the cascades."""

    progress_ids: frozenset[str]
    students: tuple[AffectedStudent, ...]

    @property
    def logs(self) -> int:
        return len(self.progress_ids)

    @property
    def clips(self) -> int:
        return sum(s.clips for s in self.students)

    @property
    def message(self) -> str:
        return self.describe("Saving removes")

    def describe(self, action: str) -> str:
        """One sentence naming who loses what, e.g. `action`="Deleting the program removes"."""
        names = ", ".join(s.name for s in self.students)
        clips = f" and {self.clips} clip{'s' if self.clips != 1 else ''}" if self.clips else ""
        return (
            f"{action} sessions that {names} logged: {self.logs} "
            f"log{'s' if self.logs != 1 else ''}{clips} would be deleted for good."
        )

    def covers(self, other: RemovalImpact) -> bool:
        """True when this confirmation includes every log `other` would delete."""
        return other.progress_ids <= self.progress_ids


class ConfirmationRequired(KnownError):
    """Saving would delete students' logs and clips; save again with `confirmed=impact`."""

    def __init__(self, impact: RemovalImpact, *, action: str = "Saving removes") -> None:
        super().__init__(
            impact.describe(action),
            hint="Confirm to delete them, or keep those sessions and try again.",
        )
        self.impact = impact


class ProgramConflict(ConflictError):
    """The program changed in the database since it was opened; nothing was written."""

    def __init__(self, changes: tuple[str, ...], rebuilt: bool) -> None:
        shown = list(changes[:CONFLICT_LINES])
        if len(changes) > CONFLICT_LINES:
            shown.append(f"and {len(changes) - CONFLICT_LINES} more changes")
        where = "on the web or on another workstation"
        if rebuilt:
            # The web builder recreates every row on save; say so, it explains odd differences.
            where = "on the web (which recreates every row of the program when it saves)"
        summary = "; ".join(shown) if shown else "its rows were recreated without visible change"
        super().__init__(
            f"This program was changed {where} since you opened it: {summary}.",
            hint="Reload to see those changes, or overwrite them with your version.",
        )
        self.changes = changes
        self.rebuilt = rebuilt


@dataclass(frozen=True)
class SavedProgram:
    """The outcome of a save: the editor's new starting point and what was written."""

    opened: OpenedProgram
    changes: tuple[str, ...]
    rows: Mapping[str, int]
    # Blocks, weeks or sessions changed places: the web may list them in the old order until
    # its own next save (their rows cannot be rewritten in order; logs and clips hang off them).
    reordered: bool = False

    @property
    def wrote_anything(self) -> bool:
        return any(self.rows.values())

    @property
    def reorder_notice(self) -> str | None:
        """What the builder tells the coach after a save that moved blocks, weeks or sessions."""
        if not self.reordered:
            return None
        return (
            "Saved. Blocks, weeks or sessions changed places: the web app may still list them "
            "in their old order until it next saves this program itself. Students' logs are "
            "unaffected."
        )


@dataclass(frozen=True)
class AssignedStudent:
    student_id: str
    name: str
    assignment_id: str
    assigned_at: datetime


@dataclass(frozen=True)
class AssignmentReport:
    program_title: str
    assigned: tuple[AssignedStudent, ...]
    # Students who already had this program: nothing was added for them.
    already_assigned: tuple[AssignedStudent, ...]

    @property
    def message(self) -> str:
        parts = []
        if self.assigned:
            parts.append(f"Assigned to {', '.join(s.name for s in self.assigned)}.")
        if self.already_assigned:
            names = ", ".join(s.name for s in self.already_assigned)
            parts.append(f"Already assigned to {names}.")
        return " ".join(parts)


@dataclass(frozen=True)
class AssignmentView:
    assignment_id: str
    program_id: str
    program_title: str
    student_id: str
    student_name: str
    assigned_at: datetime
    sessions_logged: int
    clips: int

    @property
    def has_logs(self) -> bool:
        return self.sessions_logged > 0

    @property
    def unassign_message(self) -> str:
        """What the confirmation before unassigning says."""
        if not self.has_logs:
            return f"{self.student_name} has not logged any session of {self.program_title}."
        clips = f" with {self.clips} clip{'s' if self.clips != 1 else ''}" if self.clips else ""
        return (
            f"{self.student_name} logged {self.sessions_logged} session"
            f"{'s' if self.sessions_logged != 1 else ''} of {self.program_title}{clips}. "
            "Unassigning keeps those logs; the program leaves the student's list."
        )


# --- helpers ---------------------------------------------------------------------------------


def utc_now() -> datetime:
    """Now in UTC, naive and truncated to milliseconds, as the platform stores timestamps."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_id() -> str:
    return str(uuid.uuid4())


def js_iso(moment: datetime) -> str:
    """A naive UTC time as JavaScript's `toISOString()` prints it, as the web's payloads hold."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _audit(
    uow: ProgramsUnitOfWork,
    program_id: str,
    user_id: str,
    change_type: str,
    diff: Mapping[str, Any],
    *,
    now: datetime,
) -> None:
    uow.program_rows.add_audit(
        program_id,
        changed_by=user_id,
        change_type=change_type,
        diff=diff,
        now=now,
        audit_id=new_id(),
    )


def _staff(uow: ProgramsUnitOfWork, user_id: str) -> UserRecord:
    user = uow.users.get(user_id)
    if user is None or user.role not in STAFF_ROLES:
        raise NotAllowed("Only coaches and admins can edit programs.")
    return user


def _program_not_found() -> NotFound:
    return NotFound(
        "This program no longer exists: it was deleted on the web or on another workstation."
    )


def _check_owner(user: UserRecord, tree: ProgramTree) -> None:
    if user.role != "admin" and tree.program.coach_id != user.id:
        # Said as for a missing program: another coach's program is not ours to confirm or name.
        raise _program_not_found()


def _load(uow: ProgramsUnitOfWork, program_id: str, *, lock: bool = False) -> ProgramTree:
    tree = uow.program_rows.tree(program_id, lock=lock)
    if tree is None:
        raise _program_not_found()
    return tree


def _exercise_ids(*docs: ProgramDoc) -> set[str]:
    return {
        n.fields["exercise_id"]
        for doc in docs
        for n in pe.flatten(doc).values()
        if n.level == "exercise"
    }


def _opened(uow: ProgramsUnitOfWork, tree: ProgramTree) -> OpenedProgram:
    doc = ProgramDoc.from_tree(tree)
    return OpenedProgram(
        document=doc,
        version=ProgramVersion(tree.program.updated_at, pe.fingerprint(doc)),
        coach_id=tree.program.coach_id,
        exercise_names=dict(
            uow.program_rows.exercise_names(_exercise_ids(doc), visible_to=tree.program.coach_id)
        ),
    )


def _validate(
    doc: ProgramDoc, names: Mapping[str, str], *, already_in: ProgramDoc | None = None
) -> None:
    """Title rules, and every exercise the document adds must be in the coach's library.

    `names` holds only exercises the coach may see, so another coach's private exercise is
    refused exactly like a deleted one. Exercises the stored program already holds (the web may
    have put one there) are kept as they are.
    """
    if not doc.title.strip():
        raise ValidationError("The program needs a title.")
    if len(doc.title) > MAX_TITLE:
        raise ValidationError(f"The title is longer than {MAX_TITLE} characters.")
    kept = _exercise_ids(already_in) if already_in is not None else set()
    gone = _exercise_ids(doc) - set(names) - kept
    if gone:
        raise ValidationError(
            f"{len(gone)} exercise{'s' if len(gone) != 1 else ''} of this program "
            "no longer exist in the library.",
            hint="Replace them with exercises from the library, then save again.",
        )


def _whole(document: ProgramDoc) -> ProgramDiff:
    """Every row of `document` as inserts: what creating it writes."""
    empty = ProgramDoc(
        id=document.id,
        title=document.title,
        description=document.description,
        is_draft=document.is_draft,
        data=document.data,
    )
    return pe.diff(empty, document)


def _impact(logs: Sequence[LoggedSession]) -> RemovalImpact:
    students: dict[str, list[LoggedSession]] = {}
    for log in logs:
        students.setdefault(log.student_id, []).append(log)
    return RemovalImpact(
        progress_ids=frozenset(log.progress_id for log in logs),
        students=tuple(
            AffectedStudent(
                student_id=sid,
                name=rows[0].student_name,
                sessions_logged=len(rows),
                clips=sum(r.clips for r in rows),
            )
            for sid, rows in students.items()
        ),
    )


# --- use cases -------------------------------------------------------------------------------


def list_programs(uow_factory: ProgramsUowFactory, coach_id: str) -> tuple[ProgramSummary, ...]:
    with uow_factory() as uow:
        return tuple(uow.program_rows.summaries_of(coach_id))


def open_program(uow_factory: ProgramsUowFactory, user_id: str, program_id: str) -> OpenedProgram:
    with uow_factory() as uow:
        user = _staff(uow, user_id)
        tree = _load(uow, program_id)
        _check_owner(user, tree)
        return _opened(uow, tree)


def new_document(title: str) -> ProgramDoc:
    """An empty program for the builder, with its id already chosen (the writer's job)."""
    return ProgramDoc(id=new_id(), title=title, is_draft=True)


def create_program(
    uow_factory: ProgramsUowFactory,
    coach_id: str,
    document: ProgramDoc,
    *,
    copied_from: str | None = None,
) -> OpenedProgram:
    """Insert a whole program (a new one, or a copy) and its `create` audit row."""
    rules.check_ids(coach_id=coach_id)
    rules.check_new_id(document.id, label="Program id")
    # Every value is checked before the first query; configs again below, by their types.
    rules.check_program_head(document.title, document.description, document.is_draft, document.data)
    rules.check_program_change(_whole(document), {}, check_configs=False)
    with uow_factory() as uow:
        user = _staff(uow, coach_id)
        names = uow.program_rows.exercise_names(_exercise_ids(document), visible_to=user.id)
        _validate(document, names)
        change = _whole(document)
        # A copy carries the source's configs as stored; only what JSON cannot hold is refused.
        rules.check_program_change(
            change,
            uow.program_rows.exercise_types(_exercise_ids(document)),
            check_configs=copied_from is None,
        )
        now = utc_now()
        uow.program_rows.insert_program(document, user.id, now)
        uow.program_rows.apply(change, now)
        # The web's create audit row: {title, description, isDraft}.
        audit: dict[str, Any] = {
            "title": document.title,
            "description": document.description,
            "isDraft": document.is_draft,
        }
        if copied_from is not None:
            audit["copiedFrom"] = copied_from
        _audit(uow, document.id, user.id, "create", audit, now=now)
        opened = _opened(uow, _load(uow, document.id))
        uow.commit()
    return opened


def duplicate_program(
    uow_factory: ProgramsUowFactory, coach_id: str, program_id: str
) -> OpenedProgram:
    """A deep copy of a program as a draft template: new ids everywhere, configs kept as stored."""
    source = open_program(uow_factory, coach_id, program_id)
    return create_program(
        uow_factory, coach_id, pe.copy_program(source.document), copied_from=program_id
    )


def save_program(
    uow_factory: ProgramsUowFactory,
    user_id: str,
    opened: OpenedProgram,
    edited: ProgramDoc,
    *,
    overwrite: bool = False,
    confirmed: RemovalImpact | None = None,
) -> SavedProgram:
    """Save the edited document in place, in one transaction.

    Raises `ProgramConflict` if the program changed since `opened` (unless `overwrite`), and
    `ConfirmationRequired` if logged sessions would be deleted and `confirmed` does not cover
    them. A save that changes nothing writes nothing, not even an audit row.
    """
    base = opened.document
    if edited.id != base.id:
        raise ValueError("the edited document is not the opened program")
    rules.check_ids(user_id=user_id)
    rules.check_program_change(pe.diff(base, edited), {}, check_configs=False)
    with uow_factory() as uow:
        user = _staff(uow, user_id)
        tree = _load(uow, base.id, lock=True)
        _check_owner(user, tree)
        current = ProgramDoc.from_tree(tree)
        target = edited
        if pe.fingerprint(current) != opened.version.fingerprint:
            if not overwrite:
                names = uow.program_rows.exercise_names(
                    _exercise_ids(base, current), visible_to=tree.program.coach_id
                )
                seen = pe.adopt_ids(current, base)
                rebuilt = seen != current
                raise ProgramConflict(pe.describe(base, seen, names=names, grouped=True), rebuilt)
            # Rows the web recreated under new ids are matched by place, so overwriting updates
            # them rather than deleting them with the logs students made on them since.
            vanished = set(pe.flatten(base)) - set(pe.flatten(current))
            target = pe.adopt_ids(edited, current, only=vanished)
        change = pe.diff(current, target)
        if change.is_empty:
            return SavedProgram(opened=_opened(uow, tree), changes=(), rows=change.row_counts())
        lines_change = change
        change = pe.settle_positions(current, target, change, pe.stored_positions(tree))
        names = uow.program_rows.exercise_names(
            _exercise_ids(current, target), visible_to=tree.program.coach_id
        )
        _validate(target, names, already_in=current)
        rules.check_program_change(
            change,
            uow.program_rows.exercise_types(_exercise_ids(target)),
            library_ids={
                n.id: n.fields["exercise_id"]
                for n in pe.flatten(target).values()
                if n.level == "exercise"
            },
        )
        impact = _impact(uow.program_rows.logs_under(change.deleted("session")))
        if impact.logs and (confirmed is None or not confirmed.covers(impact)):
            raise ConfirmationRequired(impact)
        now = utc_now()
        lines = pe.describe(current, target, lines_change, names)
        rewrite = pe.sessions_to_rewrite(current, target, change)
        old_rows = uow.program_rows.session_rows(rewrite)
        uow.program_rows.apply(change, now)
        _write_in_web_order(uow, target, rewrite, old_rows, now)
        audit = _update_diff(current, target)
        if change.inserts or change.updates or change.deletes:
            audit["blocks"] = {
                "before": current.counts(),
                "after": target.counts(),
                "lines": list(lines),
            }
        _audit(uow, base.id, user.id, "update", audit, now=now)
        saved = _opened(uow, _load(uow, base.id))
        uow.commit()
    return SavedProgram(
        opened=saved,
        changes=lines,
        rows=change.row_counts(),
        reordered=pe.reordered_containers(change),
    )


_AUDITED_FIELDS = {"title": "title", "description": "description", "isDraft": "is_draft"}


def _update_diff(current: ProgramDoc, target: ProgramDoc) -> dict[str, Any]:
    """The `update` audit row in the web's shape, `{field: {before, after}}`.

    The program's own fields are compared as the web's audit service compares them; a change
    under the program is reported under `blocks`, with the rows per level before and after and
    readable lines of what changed (keys the web never reads).
    """
    diff: dict[str, Any] = {}
    for key, name in _AUDITED_FIELDS.items():
        before, after = getattr(current, name), getattr(target, name)
        if not pe.same_value(before, after):
            diff[key] = {"before": before, "after": after}
    return diff


def _write_in_web_order(
    uow: ProgramsUnitOfWork,
    target: ProgramDoc,
    session_ids: Sequence[str],
    old_rows: Mapping[str, Sequence[SessionRow]],
    now: datetime,
) -> None:
    """Rewrite the touched sessions' exercise rows in the document's order, and move the
    students' progress entries of those sessions to the exercises' new indexes (the web pairs
    `progress.exercises[i]` with the i-th row it reads)."""
    if not session_ids:
        return
    nodes = pe.flatten(target)
    order = {
        sid: [e.id for e in pe.node_at(target, nodes[sid].address).exercises]  # type: ignore[union-attr]  # a session's address
        for sid in session_ids
    }
    for sid in session_ids:
        uow.program_rows.rewrite_in_order(sid, order[sid])
    new_rows = uow.program_rows.session_rows(session_ids)
    for progress_id, sid, progress in uow.program_rows.lock_logs_of(session_ids):
        moved = realign_entries(progress, old_rows.get(sid, ()), new_rows.get(sid, ()))
        if moved is not progress:
            uow.program_rows.set_log_progress(progress_id, moved, now)


def _session_ids(tree: ProgramTree) -> list[str]:
    return [s.id for b in tree.blocks for w in b.weeks for s in w.sessions]


def deletion_impact(
    uow_factory: ProgramsUowFactory, user_id: str, program_id: str
) -> RemovalImpact:
    """What deleting the program would take with it: students' logs and clips on its sessions."""
    with uow_factory() as uow:
        user = _staff(uow, user_id)
        tree = _load(uow, program_id)
        _check_owner(user, tree)
        return _impact(uow.program_rows.logs_under(_session_ids(tree)))


def delete_program(
    uow_factory: ProgramsUowFactory,
    user_id: str,
    program_id: str,
    *,
    confirmed: RemovalImpact | None = None,
) -> str:
    """Delete a program with its whole tree; returns its title.

    The cascades would silently take students' logs and clips along, so when there are any the
    deletion needs `confirmed` covering them (from `deletion_impact`), else `ConfirmationRequired`
    is raised and nothing is deleted. Logs made after the confirmation are not covered either.
    """
    rules.check_ids(user_id=user_id, program_id=program_id)
    with uow_factory() as uow:
        user = _staff(uow, user_id)
        tree = _load(uow, program_id, lock=True)
        _check_owner(user, tree)
        impact = _impact(uow.program_rows.logs_under(_session_ids(tree)))
        if impact.logs and (confirmed is None or not confirmed.covers(impact)):
            raise ConfirmationRequired(impact, action="Deleting the program removes")
        uow.program_rows.delete_program(program_id)
        uow.commit()
    return tree.program.title


def assign_program(
    uow_factory: ProgramsUowFactory,
    coach_id: str,
    program_id: str,
    student_ids: Sequence[str],
    *,
    start: date | None = None,
) -> AssignmentReport:
    """Assign a program to some of the coach's students, as the web platform does.

    Each new assignment gets its `assignment` notification and an `assign` audit row; a student
    who already has the program is reported as such and gets nothing new (the web's own rule:
    there is no unique constraint, it checks first). With `start`, the program's sessions are
    dated from that day on its weekly pattern (`domain.schedule`), in the same transaction, with
    an `update` audit row naming the start: `sessions.date` is what the web and the dashboard show.
    """
    rules.check_ids(coach_id=coach_id, program_id=program_id)
    rules.check_id_list(student_ids, field="student_ids", label="Student id")
    with uow_factory() as uow:
        user = _staff(uow, coach_id)
        tree = _load(uow, program_id, lock=True)
        _check_owner(user, tree)
        mine = {s.id: s for s in uow.users.students_of(tree.program.coach_id)}
        strangers = [sid for sid in dict.fromkeys(student_ids) if sid not in mine]
        if strangers:
            # Not named: a foreign id must read exactly like a missing one.
            count = len(strangers)
            raise NotFound(
                f"{count} of the chosen students {'is' if count == 1 else 'are'} not among your "
                "students (or no longer exist); nothing was assigned.",
                hint="Refresh the list of students and choose again.",
            )
        existing = {a.student_id: a for a in uow.program_rows.assignments(program_id)}
        now = utc_now()
        assigned, already = [], []
        for sid in dict.fromkeys(student_ids):
            student = mine[sid]
            if sid in existing:
                old = existing[sid]
                already.append(AssignedStudent(sid, student.display_name, old.id, old.assigned_at))
                continue
            record = AssignmentRecord(new_id(), program_id, sid, user.id, now)
            uow.program_rows.add_assignment(record)
            uow.program_rows.add_notification(
                new_id(),
                sid,
                "assignment",
                {
                    "assignmentId": record.id,
                    "programTitle": tree.program.title,
                    "coachPseudo": user.pseudo,
                    "assignedAt": js_iso(now),
                },
                now,
            )
            # The web's assign audit row: {studentId, assignmentId}.
            diff = {"studentId": sid, "assignmentId": record.id}
            _audit(uow, program_id, user.id, "assign", diff, now=now)
            assigned.append(AssignedStudent(sid, student.display_name, record.id, now))
        if start is not None and assigned:
            _date_sessions(uow, tree, start, user.id, now)
        uow.commit()
    return AssignmentReport(tree.program.title, tuple(assigned), tuple(already))


def _date_sessions(
    uow: ProgramsUnitOfWork, tree: ProgramTree, start: date, user_id: str, now: datetime
) -> None:
    doc = ProgramDoc.from_tree(tree)
    current = {s.id: s.date for b in doc.blocks for w in b.weeks for s in w.sessions}
    updates = tuple(
        pe.Update("session", d.session_id, {"date": d.moment})
        for d in schedule.schedule_from(doc, start)
        if current.get(d.session_id) != d.moment
    )
    if not updates:
        return
    uow.program_rows.apply(ProgramDiff(tree.program.id, updates=updates), now)
    _audit(
        uow,
        tree.program.id,
        user_id,
        "update",
        {"schedule": {"start": start.isoformat(), "sessions": len(updates)}},
        now=now,
    )


@dataclass(frozen=True)
class ScheduleClash:
    """A student who already follows another program in the weeks a new start would cover."""

    student_id: str
    student_name: str
    program_title: str
    first: date
    last: date

    @property
    def message(self) -> str:
        return (
            f"{self.student_name} already follows {self.program_title} "
            f"from {self.first:%d %b} to {self.last:%d %b %Y}."
        )


@dataclass(frozen=True)
class SchedulePreview:
    """What a start day would give: the first and last session days, and who it clashes with."""

    first: date | None
    last: date | None
    sessions: int
    clashes: tuple[ScheduleClash, ...]
    # Students already on this program: its dates are the program's, so theirs move too.
    moves_dates_of: tuple[str, ...]

    @property
    def warning(self) -> str:
        parts = [c.message for c in self.clashes]
        if self.moves_dates_of:
            parts.append(
                "The session dates belong to the program, so they also change for "
                + ", ".join(self.moves_dates_of)
                + "."
            )
        return " ".join(parts)


class ScheduleReads(Protocol):
    def scheduled_sessions(self, student_ids: Sequence[str]) -> Sequence[ScheduledSession]: ...


class ScheduleUnitOfWork(ProgramsUnitOfWork, Protocol):
    @property
    def programs(self) -> ScheduleReads: ...


def schedule_preview(
    uow_factory: Callable[[], ScheduleUnitOfWork],
    coach_id: str,
    program_id: str,
    student_ids: Sequence[str],
    start: date,
) -> SchedulePreview:
    """The dates assigning from `start` would give, and the overlaps to warn about; no write."""
    rules.check_ids(coach_id=coach_id, program_id=program_id)
    rules.check_id_list(student_ids, field="student_ids", label="Student id")
    with uow_factory() as uow:
        user = _staff(uow, coach_id)
        tree = _load(uow, program_id)
        _check_owner(user, tree)
        mine = {s.id: s for s in uow.users.students_of(tree.program.coach_id)}
        chosen = [sid for sid in dict.fromkeys(student_ids) if sid in mine]
        holders = {a.student_id for a in uow.program_rows.assignments(program_id)}
        others = [sid for sid in holders if sid not in chosen and sid in mine]
        booked = uow.programs.scheduled_sessions(chosen)
    dated = schedule.schedule_from(ProgramDoc.from_tree(tree), start)
    span = schedule.span_of([d.day for d in dated])
    clashes = []
    if span is not None:
        by_program: dict[tuple[str, str], list[date]] = {}
        titles: dict[str, str] = {}
        for item in booked:
            if item.program_id == program_id or item.session_date is None:
                continue
            by_program.setdefault((item.student_id, item.program_id), []).append(
                item.session_date.date()
            )
            titles[item.program_id] = item.program_title
        for (sid, pid), days in sorted(by_program.items()):
            theirs = schedule.span_of(days)
            if theirs is not None and theirs.overlaps(span):
                clashes.append(
                    ScheduleClash(
                        sid, mine[sid].display_name, titles[pid], theirs.first, theirs.last
                    )
                )
    return SchedulePreview(
        first=span.first if span else None,
        last=span.last if span else None,
        sessions=len(dated),
        clashes=tuple(clashes),
        moves_dates_of=tuple(sorted(mine[sid].display_name for sid in others)),
    )


def assignments_of(
    uow_factory: ProgramsUowFactory, coach_id: str, program_id: str
) -> tuple[AssignmentView, ...]:
    """Who has the program, and what each logged on it: what the unassign confirmation shows."""
    with uow_factory() as uow:
        user = _staff(uow, coach_id)
        tree = _load(uow, program_id)
        _check_owner(user, tree)
        return tuple(_view(uow, tree, a) for a in uow.program_rows.assignments(program_id))


def _view(uow: ProgramsUnitOfWork, tree: ProgramTree, a: AssignmentRecord) -> AssignmentView:
    student = uow.users.get(a.student_id)
    logged, clips = uow.program_rows.logs_on_program(a.program_id, a.student_id)
    return AssignmentView(
        assignment_id=a.id,
        program_id=a.program_id,
        program_title=tree.program.title,
        student_id=a.student_id,
        student_name=student.display_name if student else "(deleted student)",
        assigned_at=a.assigned_at,
        sessions_logged=logged,
        clips=clips,
    )


def unassign_preview(
    uow_factory: ProgramsUowFactory, coach_id: str, assignment_id: str
) -> AssignmentView:
    """What unassigning would affect, for the confirmation; nothing is written."""
    with uow_factory() as uow:
        return _assignment_view(uow, coach_id, assignment_id)


def _assignment_view(uow: ProgramsUnitOfWork, coach_id: str, assignment_id: str) -> AssignmentView:
    user = _staff(uow, coach_id)
    record = uow.program_rows.assignment(assignment_id)
    gone = NotFound("This assignment no longer exists: it was removed elsewhere.")
    if record is None:
        raise gone
    tree = uow.program_rows.tree(record.program_id)
    if tree is None or (user.role != "admin" and tree.program.coach_id != user.id):
        # Another coach's assignment reads exactly like a removed one.
        raise gone
    return _view(uow, tree, record)


def unassign(uow_factory: ProgramsUowFactory, coach_id: str, assignment_id: str) -> AssignmentView:
    """Remove an assignment. The student's logs and clips stay: they hang from sessions, not
    from the assignment. Writes an `unassign` audit row."""
    rules.check_ids(coach_id=coach_id, assignment_id=assignment_id)
    with uow_factory() as uow:
        view = _assignment_view(uow, coach_id, assignment_id)
        uow.program_rows.delete_assignment(assignment_id)
        _audit(
            uow,
            view.program_id,
            coach_id,
            "unassign",
            {"studentId": view.student_id, "assignmentId": assignment_id},
            now=utc_now(),
        )
        uow.commit()
    return view
