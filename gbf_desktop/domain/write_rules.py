"""What each kind of row the desktop writes must hold, checked before any SQL.

The limits are those the web's columns and screens carry: its builder refuses program titles under
3 characters, its lists show a title on one line, its forms keep notes to a few paragraphs. Each
check names the field (`ValidationError.field`) and the rule; see `validation` for the primitives.

Program saves are checked on the change only (`check_program_change`): a program the web stored
with an odd value in some row must stay savable when the coach edits another row, and the desktop
never rewrites a row it only read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from gbf_desktop.domain import validation as v
from gbf_desktop.domain.exercise_types import read_config
from gbf_desktop.domain.program_edit import (
    PARENT,
    POSITION,
    Insert,
    Level,
    ProgramDiff,
    Update,
)

TITLE_MIN = 3  # the web builder's own rule for program titles
TITLE_MAX = 200
NAME_MAX = 200
DESCRIPTION_MAX = 4000
NOTES_MAX = 5000
WEEK_NUMBER_MAX = 520  # ten years of weekly numbering
# Siblings per parent: far beyond any program a coach builds, far below what an integer holds.
POSITION_MAX = 999
EMAIL_MAX = 254  # the longest address mail systems deliver (RFC 5321)
PASSWORD_MAX = 1024
COMMENT_MAX = 4000  # as the clip review comment allows

_LEVEL_LABEL: Mapping[Level, str] = {
    "block": "Block",
    "week": "Week",
    "session": "Session",
    "exercise": "Exercise",
}


def check_sign_in(email: object, password: object) -> tuple[str, str]:
    """The typed email (spaces around it dropped) and password; a message when one is wrong."""
    address = v.text(email, field="email", label="Email", max_length=EMAIL_MAX)
    assert address is not None
    if not isinstance(password, str):
        raise v.refuse("password", "Password must be text.")
    v.no_nul(password, field="password", label="Password")
    if len(password) > PASSWORD_MAX:
        raise v.refuse("password", f"Password can hold at most {PASSWORD_MAX} characters.")
    return address.strip(), password


def check_program_head(title: object, description: object, is_draft: object, data: object) -> None:
    v.text(title, field="title", label="Program title", max_length=TITLE_MAX, min_length=TITLE_MIN)
    v.text(
        description,
        field="description",
        label="Program description",
        max_length=DESCRIPTION_MAX,
        multiline=True,
        optional=True,
    )
    v.flag(is_draft, field="is_draft", label="Draft")
    if data is not None:
        v.json_value(data, field="data", label="Program data", limits=v.DATA_LIMITS)


_HEAD_FIELDS = {"title", "description", "is_draft", "data"}


def check_program_change(
    change: ProgramDiff,
    exercise_types: Mapping[str, str],
    *,
    check_configs: bool = True,
    library_ids: Mapping[str, str] | None = None,
) -> None:
    """Every value `change` would write: the program's changed columns, each inserted row, each
    updated column. `exercise_types` maps library ids to their type, for the configs' rules;
    `library_ids` maps the program's exercise rows to their library ids (an update carries only
    what changed, often the config alone); `check_configs=False` (a copy of stored rows) keeps
    only the checks of what JSON can store.
    """
    v.row_id(change.program_id, field="id", label="Program id")
    head = change.program
    if head:
        unknown = set(head) - _HEAD_FIELDS
        if unknown:
            raise v.refuse(sorted(unknown)[0], "The program has no such field.")
        check_program_head(
            head.get("title", "Untitled"),
            head.get("description"),
            head.get("is_draft", True),
            head.get("data"),
        )
    for insert in change.inserts:
        _check_row(insert, exercise_types, check_configs)
    for update in change.updates:
        checked = update
        if update.level == "exercise" and "exercise_id" not in update.changes and library_ids:
            checked = Update(
                update.level,
                update.id,
                {**update.changes, "exercise_id": library_ids.get(update.id, "")},
            )
        _check_row(checked, exercise_types, check_configs)


def _check_row(
    row: Insert | Update, exercise_types: Mapping[str, str], check_configs: bool
) -> None:
    label = _LEVEL_LABEL[row.level]
    if isinstance(row, Insert):
        v.uuid4(row.id, field="id", label=f"{label} id")
        v.row_id(row.parent, field="parent", label=f"{label}'s parent id")
        values: Mapping[str, Any] = {**row.fields, POSITION: row.position}
    else:
        values = row.changes
        if PARENT in values:
            v.row_id(values[PARENT], field="parent", label=f"{label}'s parent id")
    if POSITION in values:
        v.whole(
            values[POSITION],
            field="position",
            label=f"{label} position",
            low=0,
            high=POSITION_MAX,
        )
    for name, value in values.items():
        if name in (PARENT, POSITION):
            continue
        _check_column(
            row.level,
            name,
            value,
            row_values=values,
            exercise_types=exercise_types,
            check_configs=check_configs,
        )


def _check_column(
    level: Level,
    name: str,
    value: object,
    *,
    row_values: Mapping[str, Any],
    exercise_types: Mapping[str, str],
    check_configs: bool,
) -> None:
    label = _LEVEL_LABEL[level]
    match name:
        case "title":
            v.text(value, field="title", label=f"{label} title", max_length=NAME_MAX, optional=True)
        case "notes":
            v.text(
                value,
                field="notes",
                label=f"{label} notes",
                max_length=NOTES_MAX,
                multiline=True,
                optional=True,
            )
        case "week_number":
            v.whole(value, field="week_number", label="Week number", low=1, high=WEEK_NUMBER_MAX)
        case "date":
            if value is not None and not isinstance(value, datetime):
                raise v.refuse("date", "Session date must be a date.")
        case "data":
            if value is not None:
                v.json_value(value, field="data", label="Session data", limits=v.DATA_LIMITS)
        case "exercise_id":
            v.row_id(value, field="exercise_id", label="Library exercise id")
        case "config":
            check_config(
                value,
                exercise_types.get(str(row_values.get("exercise_id", ""))),
                check_values=check_configs,
            )
        case _:
            raise v.refuse(name, f"{label} has no field {name!r}.")


def check_config(config: object, library_type: str | None, *, check_values: bool = True) -> None:
    """A prescription as it is written to `session_exercises.config`.

    The values of the exercise's type are checked by the type's own rules (sets 1-20, reps 1-100,
    minutes 1-60, loads finite and in range, ...): the first value that breaks one is refused with
    that rule's message. A config without a library type (the exercise is gone) is checked as
    JSON only; saving such a program is refused elsewhere.
    """
    v.json_object(config, field="config", label="Prescription", limits=v.CONFIG_LIMITS)
    if not check_values or library_type is None:
        return
    reading = read_config(config, library_type)
    for issue in reading.issues:
        if issue.severity == "invalid":
            raise v.refuse(f"config.{issue.key}" if issue.key else "config", issue.message)


def check_exercise(
    *,
    name: object,
    description: object,
    meta: object,
) -> None:
    """An exercise row's free columns (its type and scope are chosen from fixed lists)."""
    v.text(name, field="name", label="Exercise name", max_length=NAME_MAX, min_length=1)
    v.text(
        description,
        field="description",
        label="Description",
        max_length=DESCRIPTION_MAX,
        multiline=True,
        optional=True,
    )
    if meta is not None:
        v.json_object(meta, field="meta", label="Exercise details", limits=v.META_LIMITS)


MUSCLE_GROUPS_MAX = 20
INSTRUCTIONS_MAX = 50


def check_exercise_draft(
    *,
    name: object,
    type: object,
    description: object,
    difficulty: object,
    muscle_groups: object,
    instructions: object,
    video_url: object,
    sets: object,
    reps: object,
    types: Sequence[str],
    difficulties: Sequence[str],
) -> None:
    """What the coach's exercise form holds, before it becomes a row and its `meta`."""
    v.text(name, field="name", label="Exercise name", max_length=NAME_MAX, min_length=1)
    v.choice(type, field="type", label="Type", allowed=types)
    v.text(
        description,
        field="description",
        label="Description",
        max_length=DESCRIPTION_MAX,
        multiline=True,
        optional=True,
    )
    if difficulty is not None and (
        not isinstance(difficulty, str) or difficulty.lower() not in difficulties
    ):
        raise v.refuse("difficulty", f"Difficulty must be one of {', '.join(difficulties)}.")
    for field, label, items, most, length in (
        ("muscle_groups", "Muscle group", muscle_groups, MUSCLE_GROUPS_MAX, NAME_MAX),
        ("instructions", "Instruction", instructions, INSTRUCTIONS_MAX, DESCRIPTION_MAX),
    ):
        if isinstance(items, str) or not isinstance(items, Sequence):
            raise v.refuse(field, f"{label}s must be a list of texts.")
        if len(items) > most:
            raise v.refuse(field, f"At most {most} {label.lower()}s can be stored.")
        for item in items:
            v.text(item, field=field, label=label, max_length=length)
    v.text(video_url, field="video_url", label="Video link", max_length=2000, optional=True)
    if sets is not None:
        v.whole(sets, field="sets", label="Sets", low=1, high=20)
    if reps is not None:
        v.whole(reps, field="reps", label="Reps", low=1, high=100)


def check_ids(**ids: object) -> None:
    """Each keyword's value is an id of an existing row (the keyword is the field: coach_id...)."""
    for field, value in ids.items():
        v.row_id(value, field=field, label=field.replace("_", " ").capitalize())


def check_new_id(value: object, *, field: str = "id", label: str = "Id") -> str:
    """An id the desktop gives a new row: a UUID v4, as the platform's writers make them."""
    return v.uuid4(value, field=field, label=label)


def check_id_list(values: object, *, field: str, label: str, max_items: int = 1000) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise v.refuse(field, f"{label} must be a list of ids.")
    if len(values) > max_items:
        raise v.refuse(field, f"{label} can hold at most {max_items} ids.")
    return [v.row_id(item, field=field, label=label) for item in values]


EXERCISE_STATUSES = ("not_started", "in_progress", "completed", "skipped")


def check_exercise_log(
    exercise_id: object, position: object, status: object, notes: object
) -> None:
    """One exercise of a session logged on a student's behalf (its result is typed already)."""
    v.row_id(exercise_id, field="exercise_id", label="Exercise id")
    v.whole(position, field="position", label="Exercise position", low=0, high=POSITION_MAX)
    v.choice(status, field="status", label="Exercise status", allowed=EXERCISE_STATUSES)
    check_notes(notes, label="Exercise notes")


def check_comment(value: object, *, field: str = "comment", label: str = "Comment") -> str | None:
    return v.text(
        value, field=field, label=label, max_length=COMMENT_MAX, multiline=True, optional=True
    )


def check_notes(value: object, *, field: str = "notes", label: str = "Notes") -> str | None:
    return v.text(
        value, field=field, label=label, max_length=NOTES_MAX, multiline=True, optional=True
    )
