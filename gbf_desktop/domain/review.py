"""Progress review rules: when a session is due, compliance, needs attention, ghost vs logged rows
and the series the charts draw. Pure Python over plain values; nothing here touches a database.

Rules decided here (and shown to coaches in the same words):

Due dates
    A session with a `date` is due on that date (its UTC calendar day). An undated session (the
    web builder does not require dates) is due on the last day of its program week, counted from
    the assignment: the program's weeks, in block then week position order, are weeks 0, 1, 2...
    and week k runs from `assignedAt + 7k days` to `assignedAt + 7k + 6 days`. The web gives such a
    session no day, so the student may train any day of that week; it is not due before the week
    is over. A session dated before the program was assigned to the student is not due for them
    at all: a program's dates are shared by every student it is assigned to, and one assigned
    late must not start with weeks of "missed" sessions.
Compliance over N days
    Among the sessions due in the N days ending today (today included), the share that is
    complete now, whenever it was logged, capped at 100 % (`metrics.compliance`). No figure
    (None) when nothing was due.
Needs attention
    No activity (latest `savedAt`/`updatedAt` of any session_progress row) for 7 days or more;
    nothing ever logged while sessions are due; or compliance over the last 30 days at least 20
    points below the 30 days before. Each mark carries its reasons.
Session status
    Computed from the exercises (`progress.session_is_complete`): complete when every exercise is
    completed or skipped; in progress when any was started, completed or skipped; not started
    otherwise. The stored status is normalised (`partial`, `in_progress` → in progress;
    `pending`, `not_started`, null → not started) and shown beside the computed one where they
    differ.

Over 500 lines: due dates, compliance, attention, ghost rows and chart series are separate rule
sets; chart series and ghost rows are the parts to move out next.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from gbf_desktop.domain.exercise_types import (
    AmrapPrescription,
    AmrapResult,
    CircuitPrescription,
    CircuitResult,
    ConfigReading,
    CustomPrescription,
    CustomResult,
    EmomPrescription,
    EmomResult,
    ExerciseKind,
    MaxReps,
    Prescription,
    RepCount,
    RepsTarget,
    Result,
    ResultReading,
    StandardPrescription,
    StandardResult,
    empty_result,
    read_config,
    read_result,
)
from gbf_desktop.domain.metrics import (
    best_e1rm,
    compliance,
    epley_e1rm,
    top_set_load,
    volume,
)
from gbf_desktop.domain.model import ScheduledSession
from gbf_desktop.domain.progress import (
    LEGACY_KEY,
    RUNNER_EMPTY_DATA,
    ComputedStatus,
    StatusTally,
    computed_status,
    logged_exercises,
    stored_as,
    tally,
)
from gbf_desktop.domain.stored_json import UnreadableJson

INACTIVITY_DAYS = 7
ATTENTION_WINDOW_DAYS = 30
ATTENTION_DROP_POINTS = 20
COMPLIANCE_WINDOWS = (7, 30, 90)
# Float noise must not decide a 20-point threshold: 0.8 - 0.6 is 0.20000000000000007.
_POINT_TOLERANCE = 1e-9

# ---------------------------------------------------------------------------------------------
# What the review reads: plain rows, built by the repository before its unit of work closes


@dataclass(frozen=True)
class TimelineRow:
    """One session of a program assigned to the student, where it sits; the block, week and
    session parts are None for a program (or block, week) that has nothing under it."""

    assignment_id: str
    program_id: str
    program_title: str
    assigned_at: datetime
    block_id: str | None = None
    block_title: str | None = None
    block_position: int | None = None
    week_id: str | None = None
    week_number: int | None = None
    week_position: int | None = None
    session_id: str | None = None
    session_title: str | None = None
    session_notes: str | None = None
    session_date: datetime | None = None
    session_position: int | None = None


@dataclass(frozen=True)
class LoggedSession:
    """A `session_progress` row as stored."""

    id: str
    session_id: str
    student_id: str
    status: str | None
    progress: Any
    notes: str | None
    videos: tuple[str, ...]
    saved_at: datetime
    updated_at: datetime

    @property
    def unreadable(self) -> str | None:
        """Why the stored progress cannot be read (the row shows as unreadable), or None."""
        return self.progress.reason if isinstance(self.progress, UnreadableJson) else None

    @property
    def fingerprint(self) -> str:
        """A digest of what the row says (see `log_fingerprint`)."""
        return log_fingerprint(self.status, self.progress, self.notes, self.videos)


def log_fingerprint(status: object, progress: object, notes: object, videos: object) -> str:
    """A digest of a `session_progress` row's content: status, progress, notes and videos.

    A web write can leave `updatedAt` as it was (its older session-complete path changes only
    the progress JSON), so a save on the student's behalf compares this too. JSONB hands keys
    back in one order, so the text is stable between two reads of the same row.
    """
    listed = list(videos) if isinstance(videos, list | tuple) else videos
    text = json.dumps(
        [status, progress, notes, listed], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class LogOrigin:
    """Who entered a log and the day it was performed, as far as the row says."""

    entered_by: str | None  # a user id other than the student's: a coach logged it for them
    performed_on: date | None


def log_origin(log: LoggedSession) -> LogOrigin:
    """Read `metadata.enteredBy` / `performedOn` (written by the desktop; the web has neither).

    Without them the log is the student's own, performed the day it was saved.
    """
    metadata = log.progress.get("metadata") if isinstance(log.progress, Mapping) else None
    entered = metadata.get("enteredBy") if isinstance(metadata, Mapping) else None
    performed = metadata.get("performedOn") if isinstance(metadata, Mapping) else None
    day: date | None = log.saved_at.date()
    if isinstance(performed, str):
        with contextlib.suppress(ValueError):  # a hand-edited value: keep the save day
            day = date.fromisoformat(performed)
    by = entered if isinstance(entered, str) and entered and entered != log.student_id else None
    return LogOrigin(by, day)


@dataclass(frozen=True)
class ClipMeta:
    """A clip of a logged session without its bytes, with this coach's review if any."""

    id: str
    progress_id: str
    session_id: str
    mime_type: str
    size: int
    created_at: datetime
    reviewed_at: datetime | None = None
    review_comment: str | None = None


@dataclass(frozen=True)
class SessionState:
    """What the listings need of a `session_progress` row: its stored status, the tally of its
    exercise entries' statuses (never the JSON itself), and when it was written."""

    student_id: str
    session_id: str
    status: str | None
    tally: StatusTally
    saved_at: datetime
    updated_at: datetime

    @property
    def computed(self) -> SessionStatus:
        return tallied_status(self.status, self.tally)


# ---------------------------------------------------------------------------------------------
# Due dates and compliance


def due_date(session_date: datetime | None, assigned_at: datetime, week_index: int) -> date:
    """When a session is due: its own date, else the last day of its program week (see above)."""
    if session_date is not None:
        return session_date.date()
    return assigned_at.date() + timedelta(days=7 * week_index + 6)


def is_due_for_student(due: date, assigned_at: datetime) -> bool:
    """False for a session dated before its program was assigned to the student."""
    return due >= assigned_at.date()


def due_dates(schedule: Iterable[ScheduledSession]) -> dict[str, date]:
    """Each scheduled session's due date, by session id, for ONE student's schedule.

    Week indexes are counted per assignment (program and assignment time). Sessions dated before
    their assignment are left out (see the module's rules). A session listed twice (the same
    program assigned twice, which the web refuses but old rows may hold) keeps its earliest due
    date.
    """
    items = list(schedule)
    weeks: dict[tuple[str, datetime], list[tuple[int, int]]] = defaultdict(list)
    for item in items:
        weeks[(item.program_id, item.assigned_at)].append((item.block_position, item.week_position))
    index_of = {
        key: {pair: index for index, pair in enumerate(sorted(set(pairs)))}
        for key, pairs in weeks.items()
    }
    dues: dict[str, date] = {}
    for item in items:
        key = (item.program_id, item.assigned_at)
        week = index_of[key][(item.block_position, item.week_position)]
        due = due_date(item.session_date, item.assigned_at, week)
        if not is_due_for_student(due, item.assigned_at):
            continue
        if item.session_id not in dues or due < dues[item.session_id]:
            dues[item.session_id] = due
    return dues


@dataclass(frozen=True)
class Compliance:
    """Sessions due and done in a window of `days` days ending on `end`."""

    days: int
    end: date
    due: int
    done: int

    @property
    def ratio(self) -> float | None:
        return compliance(self.done, self.due)

    @property
    def percent(self) -> float | None:
        ratio = self.ratio
        return None if ratio is None else ratio * 100


def compliance_in(dues: Mapping[str, date], done: Set[str], *, end: date, days: int) -> Compliance:
    """Compliance over the `days` days ending on `end` (included)."""
    start = end - timedelta(days=days - 1)
    due_ids = [sid for sid, day in dues.items() if start <= day <= end]
    return Compliance(
        days=days, end=end, due=len(due_ids), done=sum(1 for sid in due_ids if sid in done)
    )


def last_activity(moments: Iterable[datetime | None]) -> datetime | None:
    """The latest of the given `savedAt`/`updatedAt` moments, None when there is none."""
    return max((m for m in moments if m is not None), default=None)


def attention_reasons(
    *,
    activity: datetime | None,
    now: datetime,
    current: Compliance,
    previous: Compliance,
    due_so_far: int,
) -> tuple[str, ...]:
    """Why a student needs attention (empty when they do not); see the module's rules."""
    reasons = []
    if activity is None:
        if due_so_far:
            plural = "s" if due_so_far != 1 else ""
            reasons.append(f"Nothing logged yet; {due_so_far} session{plural} due.")
    elif now - activity >= timedelta(days=INACTIVITY_DAYS):
        days = (now - activity).days
        reasons.append(f"No activity for {days} days (last on {activity.date().isoformat()}).")
    before, after = previous.percent, current.percent
    dropped = (
        before is not None
        and after is not None
        and before - after >= ATTENTION_DROP_POINTS - _POINT_TOLERANCE
    )
    if dropped:
        reasons.append(
            f"Compliance fell from {before:.0f} % to {after:.0f} % (last {current.days} "
            f"days against the {previous.days} before)."
        )
    return tuple(reasons)


# ---------------------------------------------------------------------------------------------
# Session status


@dataclass(frozen=True)
class SessionStatus:
    computed: ComputedStatus
    stored: str | None

    @property
    def disagrees(self) -> bool:
        """True when the stored status claims something the exercises do not show."""
        if self.stored is None:
            return self.computed != "not_started"
        return stored_as(self.stored) != self.computed

    @property
    def is_complete(self) -> bool:
        return self.computed == "completed"


def session_status(stored: str | None, progress: Mapping[str, Any] | None) -> SessionStatus:
    """The computed status of a logged session beside the stored one."""
    return tallied_status(stored, tally(progress))


def tallied_status(stored: str | None, counted: StatusTally) -> SessionStatus:
    """`session_status` from the entries' tally (what listings read, see `StatusTally`)."""
    return SessionStatus(computed_status(stored, counted), stored)


# ---------------------------------------------------------------------------------------------
# Ghost rows beside logged rows

Flag = Literal["shortfall", "overshoot"]
Value = float | str | None


@dataclass(frozen=True)
class Cell:
    """One figure of a row: what was prescribed (the ghost), what was logged, and a flag."""

    label: str
    prescribed: Value
    logged: Value
    unit: str = ""
    flag: Flag | None = None


@dataclass(frozen=True)
class Line:
    """One row of the comparison: a set, a minute, a round, or the exercise as a whole."""

    label: str
    cells: tuple[Cell, ...]

    def cell(self, label: str) -> Cell:
        return next(c for c in self.cells if c.label == label)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(c.flag for c in self.cells if c.flag is not None)


@dataclass(frozen=True)
class PlannedExercise:
    """A `session_exercises` row with its library exercise's name and type."""

    id: str
    session_id: str
    exercise_id: str
    exercise_name: str
    library_type: str
    position: int
    config: Any


@dataclass(frozen=True)
class ExerciseReview:
    """One exercise of a session: the prescription (ghost) beside what was logged."""

    position: int
    exercise_id: str
    name: str
    prescription: ConfigReading | None  # None for a logged entry no longer in the program
    logged: ResultReading | None  # None when nothing was logged for it
    status: str | None  # the exercise's stored status ("completed", "skipped", ...)
    notes: str
    videos: tuple[str, ...]
    lines: tuple[Line, ...]
    # The config copied into the log differs from today's prescription: the coach edited it
    # after the student trained, so the ghost is not what the student saw.
    prescription_changed: bool = False
    kind_mismatch: str | None = None

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(flag for line in self.lines for flag in line.flags)


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # A 401-digit int (jsonb's 1e400) is no figure anyone logged, and float() cannot hold it.
    if isinstance(value, int) and abs(value) > _FLOAT_INT_LIMIT:
        return None
    return float(value) if math.isfinite(value) else None


_FLOAT_INT_LIMIT = 10**300


def _compare(prescribed: float | None, logged: float | None) -> Flag | None:
    if prescribed is None or logged is None:
        return None
    if logged < prescribed - _POINT_TOLERANCE:
        return "shortfall"
    if logged > prescribed + _POINT_TOLERANCE:
        return "overshoot"
    return None


def _reps_flag(target: RepsTarget | None, reps: int | None) -> Flag | None:
    if reps is None or target is None or isinstance(target, MaxReps):
        return None
    if isinstance(target, RepCount):
        return _compare(target.reps, reps)
    if reps < target.low:
        return "shortfall"
    return "overshoot" if reps > target.high else None


def _reps_text(target: RepsTarget | None) -> Value:
    if target is None:
        return None
    if isinstance(target, RepCount):
        return float(target.reps)
    return str(target)


def _number_cell(
    label: str, prescribed: float | None, logged: float | None, unit: str = ""
) -> Cell:
    return Cell(label, prescribed, logged, unit, _compare(prescribed, logged))


def _rpe_cell(prescribed: float | None, logged: float | None) -> Cell:
    """RPE is effort, not output: a lower RPE than prescribed means the work felt easier, which
    is no shortfall; only a harder effort than planned is worth the coach's eye."""
    flag = _compare(prescribed, logged)
    return Cell("RPE", prescribed, logged, "", flag if flag == "overshoot" else None)


def _standard_lines(p: StandardPrescription, r: StandardResult, logged: bool) -> list[Line]:
    load = p.load.kg if p.load is not None else None
    target_rpe = p.effort.rpe if p.effort is not None else None
    count = max(p.sets or 0, len(r.sets))
    lines = []
    for index in range(count):
        prescribed = p.sets is None or index < p.sets
        done = r.sets[index] if index < len(r.sets) else None
        reps_target = p.reps if prescribed else None
        if done is None:
            # A prescribed set with nothing logged: a shortfall once the student logged anything.
            flag: Flag | None = "shortfall" if logged and r.sets else None
            cells = (
                Cell("Reps", _reps_text(reps_target), None, "", flag),
                Cell("Load", load, None, "kg"),
                Cell("RPE", target_rpe, None),
            )
        else:
            extra: Flag | None = None if prescribed else "overshoot"
            cells = (
                Cell(
                    "Reps",
                    _reps_text(reps_target),
                    None if done.reps is None else float(done.reps),
                    "",
                    extra or _reps_flag(reps_target, done.reps),
                ),
                _number_cell("Load", load if prescribed else None, done.load_kg, "kg"),
                _rpe_cell(target_rpe if prescribed else None, done.rpe),
            )
        lines.append(Line(f"Set {index + 1}", cells))
    lines.append(Line("Effort", (_rpe_cell(target_rpe, r.rpe),)))
    return lines


def _emom_lines(p: EmomPrescription, r: EmomResult) -> list[Line]:
    target = None if p.reps_per_minute is None else float(p.reps_per_minute)
    count = max(p.minutes or 0, len(r.reps_per_minute))
    lines = []
    for index in range(count):
        prescribed = p.minutes is None or index < p.minutes
        reps = r.reps_per_minute[index] if index < len(r.reps_per_minute) else None
        logged = None if reps is None else float(reps)
        flag: Flag | None
        if index >= len(r.reps_per_minute):
            flag = "shortfall" if r.reps_per_minute else None
        elif not prescribed:
            flag = "overshoot"
        else:
            flag = _compare(target, logged)
        lines.append(
            Line(
                f"Minute {index + 1}",
                (Cell("Reps", target if prescribed else None, logged, "", flag),),
            )
        )
    lines.append(Line("Effort", (_rpe_cell(p.rpe, r.rpe),)))
    return lines


def _amrap_lines(p: AmrapPrescription, r: AmrapResult) -> list[Line]:
    cells = [
        _number_cell("Rounds", _num(p.target_rounds), _num(r.rounds)),
        Cell("Extra reps", None, _num(r.extra_reps)),
        _number_cell("Total reps", _num(p.target_reps), _num(r.total_reps)),
    ]
    return [Line("Result", tuple(cells)), Line("Effort", (_rpe_cell(p.rpe, r.rpe),))]


def _circuit_lines(p: CircuitPrescription, r: CircuitResult) -> list[Line]:
    per_round = None if p.reps_per_round is None else float(p.reps_per_round)
    lines = []
    if r.per_round:
        for index in range(max(p.rounds or 0, len(r.per_round))):
            prescribed = p.rounds is None or index < p.rounds
            done = r.per_round[index] if index < len(r.per_round) else None
            if done is None:
                lines.append(
                    Line(
                        f"Round {index + 1}",
                        (
                            Cell("Completed", "yes", None, "", "shortfall"),
                            Cell("Reps", per_round, None),
                        ),
                    )
                )
                continue
            completed_flag: Flag | None = (
                "overshoot" if not prescribed else (None if done.completed else "shortfall")
            )
            reps = None if done.reps is None else float(done.reps)
            lines.append(
                Line(
                    f"Round {index + 1}",
                    (
                        Cell(
                            "Completed",
                            "yes" if prescribed else None,
                            "yes" if done.completed else "no",
                            "",
                            completed_flag,
                        ),
                        _number_cell("Reps", per_round if prescribed else None, reps),
                    ),
                )
            )
    total_target = None
    if p.rounds is not None and p.reps_per_round is not None:
        total_target = float(p.rounds * p.reps_per_round)
    lines.append(
        Line(
            "Totals",
            (
                _number_cell("Rounds", _num(p.rounds), _num(r.rounds_completed)),
                _number_cell("Total reps", total_target, _num(r.total_reps)),
                _number_cell("Load", p.weight_kg, r.weight_kg, "kg"),
            ),
        )
    )
    lines.append(Line("Effort", (_rpe_cell(p.rpe, r.rpe),)))
    return lines


def _custom_lines(p: CustomPrescription, r: CustomResult) -> list[Line]:
    return [Line("Notes", (Cell("Notes", p.instructions or p.notes, r.notes or None),))]


def _empty_prescription(kind: ExerciseKind) -> Prescription:
    match kind:
        case ExerciseKind.STANDARD:
            return StandardPrescription()
        case ExerciseKind.EMOM:
            return EmomPrescription()
        case ExerciseKind.AMRAP:
            return AmrapPrescription()
        case ExerciseKind.CIRCUIT:
            return CircuitPrescription()
    return CustomPrescription()


def comparison_lines(
    prescription: Prescription, result: Result, *, logged: bool
) -> tuple[Line, ...]:
    """The ghost/logged rows of one exercise; `prescription` and `result` must be of one kind."""
    match prescription, result:
        case StandardPrescription(), StandardResult():
            return tuple(_standard_lines(prescription, result, logged))
        case EmomPrescription(), EmomResult():
            return tuple(_emom_lines(prescription, result))
        case AmrapPrescription(), AmrapResult():
            return tuple(_amrap_lines(prescription, result))
        case CircuitPrescription(), CircuitResult():
            return tuple(_circuit_lines(prescription, result))
        case CustomPrescription(), CustomResult():
            return tuple(_custom_lines(prescription, result))
    raise ValueError(f"cannot compare a {prescription.KIND} prescription with a {result.KIND} log")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _videos(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if isinstance(item, str) and item.strip())


def _position(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def match_entries(
    planned: Sequence[PlannedExercise], entries: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Logged entries by planned exercise id, and the entries left over.

    Matched by exerciseId and position; an entry whose position moved (the coach reordered the
    session) still matches the one planned exercise left with its exerciseId.
    """
    matched: dict[str, Mapping[str, Any]] = {}
    left = list(entries)
    for item in planned:
        for entry in left:
            if entry.get("exerciseId") == item.exercise_id and (
                _position(entry.get("position")) == item.position
            ):
                matched[item.id] = entry
                left.remove(entry)
                break
    for item in planned:
        if item.id in matched:
            continue
        same = [entry for entry in left if entry.get("exerciseId") == item.exercise_id]
        if len(same) == 1:
            matched[item.id] = same[0]
            left.remove(same[0])
    return matched, left


def review_exercise(
    item: PlannedExercise | None, entry: Mapping[str, Any] | None
) -> ExerciseReview:
    """One exercise's ghost and logged rows; `item` None for a logged entry no longer planned."""
    library_type: object = item.library_type if item else (entry or {}).get("exerciseType")
    if entry is not None and entry.get(LEGACY_KEY):
        library_type = "standard"
    reading = read_config(item.config, library_type) if item else None
    raw_data = entry.get("data") if entry else None
    status = (_text(entry.get("status")) or None) if entry else None
    # Nothing logged: the runner's null or {} for an untouched or skipped exercise, or the empty
    # figures it fills an untouched entry with when it creates the row.
    untouched = status == "not_started" and raw_data == RUNNER_EMPTY_DATA.get(
        str(library_type), RUNNER_EMPTY_DATA["standard"]
    )
    has_log = (
        entry is not None and isinstance(raw_data, Mapping) and bool(raw_data) and not untouched
    )
    logged = read_result(raw_data, library_type) if has_log else None
    prescription = reading.prescription if reading else None
    kind_mismatch = None
    if logged is not None:
        result = logged.result
        if prescription is None or prescription.KIND != result.KIND:
            if prescription is not None:
                kind_mismatch = (
                    f"Prescribed as {prescription.KIND}, logged as {result.KIND}: "
                    "the logged figures are shown without comparison."
                )
            prescription = _empty_prescription(result.KIND)
        lines = comparison_lines(prescription, result, logged=status != "skipped")
    elif reading is not None:
        lines = comparison_lines(reading.prescription, empty_result(reading.kind), logged=False)
    else:
        lines = ()
    copied = entry.get("config") if entry else None
    changed = (
        item is not None
        and isinstance(copied, Mapping)
        and isinstance(item.config, Mapping)
        and dict(copied) != dict(item.config)
    )
    name = item.exercise_name if item else _text((entry or {}).get("exerciseName")) or "?"
    position = item.position if item else (_position((entry or {}).get("position")) or 0)
    exercise_id = item.exercise_id if item else str((entry or {}).get("exerciseId", ""))
    return ExerciseReview(
        position=position,
        exercise_id=exercise_id,
        name=name,
        prescription=reading,
        logged=logged,
        status=status,
        notes=_text(entry.get("notes")) if entry else "",
        videos=_videos(entry.get("videos")) if entry else (),
        lines=lines,
        prescription_changed=changed,
        kind_mismatch=kind_mismatch,
    )


def review_exercises(
    planned: Sequence[PlannedExercise], progress: Mapping[str, Any] | None
) -> tuple[ExerciseReview, ...]:
    """Every planned exercise in position order, then logged entries no longer planned."""
    ordered = sorted(planned, key=lambda p: (p.position, p.id))
    matched, left = match_entries(ordered, logged_exercises(progress))
    reviews = [review_exercise(item, matched.get(item.id)) for item in ordered]
    reviews += [review_exercise(None, entry) for entry in left]
    return tuple(reviews)


# ---------------------------------------------------------------------------------------------
# Chart series


@dataclass(frozen=True)
class ExercisePoint:
    """One exercise on one day: the figures a chart draws (None where not applicable)."""

    day: date
    session_id: str
    top_set_kg: float | None
    e1rm_kg: float | None
    volume_kg: float | None
    rpe: float | None
    total_reps: int | None


@dataclass(frozen=True)
class ExerciseSeries:
    exercise_id: str
    name: str
    kind: ExerciseKind
    points: tuple[ExercisePoint, ...] = field(default_factory=tuple)


# The figures a chart may draw for each exercise type, best first: e1RM and top set need sets of
# reps at a load, which only standard work has; EMOM, AMRAP and circuit count reps (a circuit's
# load times reps is its volume); custom work has only the effort the student felt.
CHART_MEASURES: Mapping[ExerciseKind, tuple[str, ...]] = MappingProxyType(
    {
        ExerciseKind.STANDARD: ("e1rm_kg", "top_set_kg", "volume_kg", "total_reps", "rpe"),
        ExerciseKind.EMOM: ("total_reps", "rpe"),
        ExerciseKind.AMRAP: ("total_reps", "rpe"),
        ExerciseKind.CIRCUIT: ("total_reps", "volume_kg", "rpe"),
        ExerciseKind.CUSTOM: ("rpe",),
    }
)


def chart_measures(kind: ExerciseKind) -> tuple[str, ...]:
    """The `ExercisePoint` figures a chart of this exercise type offers, best first."""
    return CHART_MEASURES.get(kind, ("rpe",))


def default_measure(series: ExerciseSeries) -> str:
    """The figure a coach looks at first: the best one of the exercise's type that the series has
    a point of (strength for loaded sets, else the work done, else the effort felt)."""
    for name in chart_measures(series.kind):
        if any(getattr(point, name) is not None for point in series.points):
            return name
    return "rpe"


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def exercise_point(  # noqa: PLR0911 - one early return per type reads best as a match
    day: date, session_id: str, result: Result
) -> ExercisePoint | None:
    """A chart point for one logged result, None when it holds no figure at all."""
    match result:
        case StandardResult():
            if not result.sets:
                return None
            rpe = result.rpe
            if rpe is None:
                rpe = _mean([s.rpe for s in result.sets if s.rpe is not None])
            loads = [s for s in result.sets if s.load_kg is not None]
            return ExercisePoint(
                day=day,
                session_id=session_id,
                top_set_kg=top_set_load(result.sets),
                e1rm_kg=best_e1rm(result.sets),
                volume_kg=volume(result.sets) if loads else None,
                rpe=rpe,
                total_reps=result.reps_completed,
            )
        case EmomResult():
            if not result.reps_per_minute and result.rpe is None:
                return None
            return ExercisePoint(day, session_id, None, None, None, result.rpe, result.total_reps)
        case AmrapResult():
            if result.total_reps is None and result.rpe is None:
                return None
            return ExercisePoint(day, session_id, None, None, None, result.rpe, result.total_reps)
        case CircuitResult():
            if result.total_reps is None and result.rounds_completed is None:
                return None
            tonnage = None
            if result.total_reps is not None and result.weight_kg:
                tonnage = result.total_reps * result.weight_kg
            return ExercisePoint(
                day, session_id, result.weight_kg, None, tonnage, result.rpe, result.total_reps
            )
    return None


def set_e1rm(load_kg: float | None, reps: int | None) -> float | None:
    """Epley estimate of one set (None when the set says nothing about a max)."""
    if load_kg is None or reps is None:
        return None
    return epley_e1rm(load_kg, reps)


def week_start(day: date) -> date:
    """The Monday of `day`'s week: charts group by ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekFigure:
    week: date  # the Monday
    volume_kg: float
    compliance: Compliance


def weekly_figures(
    volumes: Iterable[tuple[date, float]],
    dues: Mapping[str, date],
    done: Set[str],
    today: date,
) -> tuple[WeekFigure, ...]:
    """Volume and compliance per week, from the first week with anything due or logged to the
    current one; a week's compliance counts only sessions due up to today."""
    totals: dict[date, float] = defaultdict(float)
    for day, amount in volumes:
        totals[week_start(day)] += amount
    starts = set(totals) | {week_start(day) for day in dues.values() if day <= today}
    if not starts:
        return ()
    weeks = []
    current = min(starts)
    last = week_start(today)
    while current <= last:
        end = min(current + timedelta(days=6), today)
        days = (end - current).days + 1
        weeks.append(
            WeekFigure(
                current, totals.get(current, 0.0), compliance_in(dues, done, end=end, days=days)
            )
        )
        current += timedelta(days=7)
    return tuple(weeks)


# ---------------------------------------------------------------------------------------------
# The review queue


@dataclass(frozen=True)
class QueuedClip:
    """A clip waiting for this coach's review: metadata and where it was recorded, no bytes."""

    id: str
    progress_id: str
    session_id: str
    session_title: str | None
    session_date: datetime | None
    student_id: str
    student_name: str
    mime_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class ClipReviewRecord:
    id: str
    media_id: str
    reviewer_id: str
    comment: str | None
    created_at: datetime
