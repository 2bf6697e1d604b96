"""The domain's write rules: each bad value is refused naming its field and the rule."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from typing import Any

import pytest

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain import validation as v
from gbf_desktop.domain import write_rules as rules
from gbf_desktop.errors import ValidationError


def refused(call: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


def test_text_refuses_nul_control_characters_length_and_wrong_types() -> None:
    err = refused(v.text, "Leg\x00day", field="title", label="Title", max_length=50)
    assert err.field == "title"
    assert "NUL character" in err.message
    err = refused(v.text, "Leg\x07day", field="title", label="Title", max_length=50)
    assert err.message == "Title cannot hold line breaks or control characters."
    err = refused(v.text, "two\nlines", field="title", label="Title", max_length=50)
    assert "line breaks" in err.message
    assert v.text("two\nlines\tok", field="n", label="Notes", max_length=50, multiline=True)
    err = refused(v.text, "x" * 51, field="title", label="Title", max_length=50)
    assert err.message == "Title can hold at most 50 characters; this one has 51."
    err = refused(v.text, 12, field="title", label="Title", max_length=50)
    assert err.message == "Title must be text, not a number."
    err = refused(v.text, "  ab ", field="title", label="Title", max_length=50, min_length=3)
    assert err.message == "Title needs at least 3 characters."
    assert v.text(None, field="t", label="T", max_length=5, optional=True) is None
    assert refused(v.text, None, field="t", label="T", max_length=5).message == "T is required."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Sets must be a whole number from 1 to 20; 0 is out of range."),
        (21, "Sets must be a whole number from 1 to 20; 21 is out of range."),
        (3.0, "Sets must be a whole number from 1 to 20, not a number."),
        ("3", "Sets must be a whole number from 1 to 20, not text."),
        (True, "Sets must be a whole number from 1 to 20, not true/false."),
        (math.inf, "Sets must be a whole number from 1 to 20, not inf."),
        (None, "Sets must be a whole number from 1 to 20, not nothing."),
    ],
)
def test_whole_numbers(value: object, message: str) -> None:
    err = refused(v.whole, value, field="sets", label="Sets", low=1, high=20)
    assert (err.field, err.message) == ("sets", message)


def test_numbers_must_be_finite_and_in_range() -> None:
    assert v.number(62.5, field="w", label="Weight", low=0, high=1000) == 62.5
    for bad in (math.nan, math.inf, -1, 1e6, "60"):
        err = refused(v.number, bad, field="weight", label="Weight", low=0, high=1000, unit="kg")
        assert err.field == "weight"
        assert err.message.startswith("Weight must be a number from 0 to 1000 kg")


def test_new_ids_are_uuid_v4_and_existing_ids_have_no_space_or_nul() -> None:
    good = str(uuid.uuid4())
    assert v.uuid4(good, field="id", label="Id") == good
    assert "not version 4" in refused(v.uuid4, str(uuid.uuid1()), field="id", label="Id").message
    assert "UUID v4" in refused(v.uuid4, good.upper(), field="id", label="Id").message
    assert "UUID v4" in refused(v.uuid4, "p1", field="id", label="Id").message
    assert v.row_id("coach-1", field="id", label="Id") == "coach-1"
    assert "NUL" in refused(v.row_id, "a\x00b", field="coach_id", label="Coach id").message
    assert "without spaces" in refused(v.row_id, "a b", field="id", label="Id").message
    assert "without spaces" in refused(v.row_id, "x" * 200, field="id", label="Id").message
    assert (
        refused(v.row_id, 7, field="id", label="Id").message
        == "Id must be an id (text), not a number."
    )


def test_json_values_jsonb_cannot_hold_are_refused_with_their_path() -> None:
    limits = v.JsonLimits(max_bytes=1000, max_depth=5)
    ok = {"a": [1, 2.5, None, True, "x"], "b": {"c": "d"}}
    assert v.json_value(ok, field="meta", label="Meta", limits=limits) == ok
    err = refused(v.json_value, {"a": [1, math.nan]}, field="meta", label="Meta", limits=limits)
    assert (err.field, err.message) == (
        "meta.a[1]",
        "Meta holds nan, which is not a number JSON can store.",
    )
    err = refused(v.json_value, {"a": "x\x00"}, field="meta", label="Meta", limits=limits)
    assert err.field == "meta.a"
    assert "NUL" in err.message
    err = refused(v.json_value, {"k\x00": 1}, field="meta", label="Meta", limits=limits)
    assert "NUL" in err.message
    err = refused(v.json_value, {1: 1}, field="meta", label="Meta", limits=limits)
    assert err.message == "Meta has a key that is not text (a number)."
    err = refused(v.json_value, {"s": {1, 2}}, field="meta", label="Meta", limits=limits)
    assert err.message == "Meta holds a set, which JSON cannot store."
    deep: Any = 1
    for _ in range(10_000):  # far past the recursion limit: the walk has no recursion
        deep = [deep]
    err = refused(v.json_value, deep, field="meta", label="Meta", limits=limits)
    assert err.message == "Meta is nested more than 5 levels deep."
    err = refused(v.json_value, {"a": "x" * 2000}, field="meta", label="Meta", limits=limits)
    assert err.message.startswith("Meta takes 2,008 bytes; at most 1,000")


def test_sign_in_refuses_nul_and_wrong_types_before_any_query() -> None:
    assert rules.check_sign_in("  coach@example.test ", "pw") == ("coach@example.test", "pw")
    err = refused(rules.check_sign_in, "coach\x00@example.test", "pw")
    assert err.field == "email"
    assert "NUL" in err.message
    assert refused(rules.check_sign_in, "a@b.c", "p\x00w").field == "password"
    assert refused(rules.check_sign_in, None, "pw").message == "Email is required."
    assert refused(rules.check_sign_in, "a@b.c", 1234).message == "Password must be text."
    assert refused(rules.check_sign_in, "a" * 300, "pw").field == "email"


def _program(**exercise: Any) -> pe.ProgramDoc:
    ex = pe.ExerciseDoc(
        id=pe.fresh_id(), exercise_id="lib-1", config=exercise or {"sets": 3, "reps": 10}
    )
    session = pe.SessionDoc(id=pe.fresh_id(), title="Day 1", exercises=(ex,))
    week = pe.WeekDoc(id=pe.fresh_id(), week_number=1, sessions=(session,))
    block = pe.BlockDoc(id=pe.fresh_id(), title="Base", weeks=(week,))
    return pe.ProgramDoc(id=pe.fresh_id(), title="Strength", blocks=(block,))


def _as_inserts(doc: pe.ProgramDoc) -> pe.ProgramDiff:
    return pe.diff(pe.ProgramDoc(id=doc.id, title=doc.title), doc)


@pytest.mark.parametrize(
    ("config", "field", "words"),
    [
        ({"sets": 0, "reps": 10}, "config.sets", "Sets must be a whole number from 1 to 20"),
        ({"sets": 25, "reps": 10}, "config.sets", "Sets must be a whole number from 1 to 20"),
        ({"sets": 3, "reps": 0}, "config.reps", "Reps"),
        ({"sets": 3, "reps": 10, "weight": -5}, "config.weight", "Weight must be a number"),
        ({"sets": 3, "reps": 10, "weight": "heavy"}, "config.weight", "Weight must be a number"),
        ({"sets": 3, "reps": 10, "weight": math.inf}, "config.weight", "not a number JSON"),
        ({"sets": 3, "reps": 10, "notes": "a\x00"}, "config.notes", "NUL"),
        ({"format": "EMOM", "duration": 7200, "reps": 5}, "config.duration", "Duration"),
    ],
)
def test_prescription_values_are_checked_by_their_type(
    config: dict[str, Any], field: str, words: str
) -> None:
    doc = _program(**config)
    err = refused(rules.check_program_change, _as_inserts(doc), {"lib-1": "standard"})
    assert err.field == field
    assert words in err.message


def test_a_copy_keeps_stored_configs_but_never_what_jsonb_cannot_hold() -> None:
    odd = _as_inserts(_program(sets="lots", reps=10))
    rules.check_program_change(odd, {"lib-1": "standard"}, check_configs=False)
    assert refused(rules.check_program_change, odd, {"lib-1": "standard"}).field == "config.sets"
    broken = _as_inserts(_program(sets=3, notes="x\x00"))
    err = refused(rules.check_program_change, broken, {}, check_configs=False)
    assert err.field == "config.notes"


def test_program_rows_titles_week_numbers_and_new_ids() -> None:
    doc = _program()
    rules.check_program_change(_as_inserts(doc), {"lib-1": "standard"})
    block = doc.blocks[0]
    long_title = pe.replace_node(doc, (0,), replace(block, title="B" * 201))
    err = refused(rules.check_program_change, _as_inserts(long_title), {})
    assert (err.field, err.message) == (
        "title",
        "Block title can hold at most 200 characters; this one has 201.",
    )
    week = block.weeks[0]
    for number, words in ((0, "0 is out of range"), (9999, "9,999 is out of range")):
        bad = pe.ProgramDoc(
            id=doc.id,
            title=doc.title,
            blocks=(
                pe.BlockDoc(
                    id=block.id, title="Base", weeks=(pe.WeekDoc(id=week.id, week_number=number),)
                ),
            ),
        )
        err = refused(rules.check_program_change, _as_inserts(bad), {})
        assert err.field == "week_number"
        assert words in err.message
    not_v4 = pe.ProgramDoc(id=doc.id, title=doc.title, blocks=(pe.BlockDoc(id="b1", title="Base"),))
    assert refused(rules.check_program_change, _as_inserts(not_v4), {}).message.startswith(
        "Block id must be"
    )
    noisy = pe.ProgramDoc(
        id=doc.id, title=doc.title, blocks=(pe.BlockDoc(id=pe.fresh_id(), title="Ba\x1bse"),)
    )
    assert refused(rules.check_program_change, _as_inserts(noisy), {}).field == "title"
    err = refused(rules.check_program_head, "ab", None, True, None)
    assert (err.field, err.message) == ("title", "Program title needs at least 3 characters.")
    assert refused(rules.check_program_head, "Strength", None, "yes", None).field == "is_draft"
    err = refused(
        rules.check_program_head,
        "Strength",
        None,
        True,
        {"x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
    )
    assert "nested more than 32 levels" in err.message


def test_exercise_drafts_and_meta() -> None:
    ok: dict[str, Any] = {
        "name": "Goblet squat",
        "type": "standard",
        "description": None,
        "difficulty": None,
        "muscle_groups": ("Quads",),
        "instructions": (),
        "video_url": None,
        "sets": 3,
        "reps": 10,
        "types": ("standard", "EMOM"),
        "difficulties": ("beginner",),
    }
    rules.check_exercise_draft(**ok)
    for change, field in (
        ({"name": "Squat\x00"}, "name"),
        ({"name": 5}, "name"),
        ({"type": "yoga"}, "type"),
        ({"sets": "3"}, "sets"),
        ({"reps": 101}, "reps"),
        ({"muscle_groups": "Quads"}, "muscle_groups"),
        ({"muscle_groups": ("Qu\x00ads",)}, "muscle_groups"),
        ({"instructions": ("x",) * 51}, "instructions"),
        ({"difficulty": "godlike"}, "difficulty"),
    ):
        assert refused(rules.check_exercise_draft, **{**ok, **change}).field == field
    err = refused(rules.check_exercise, name="Squat", description=None, meta={"blob": "x" * 70_000})
    assert err.field == "meta"
    assert "at most 65,536 can be stored" in err.message


def test_logged_exercises_and_comments() -> None:
    rules.check_exercise_log("ex-1", 0, "completed", "felt good\nnext time heavier")
    assert refused(rules.check_exercise_log, "ex-1", -1, "completed", "").field == "position"
    assert refused(rules.check_exercise_log, "ex-1", 0, "done", "").field == "status"
    assert refused(rules.check_exercise_log, "ex-1", "0", "completed", "").field == "position"
    assert refused(rules.check_exercise_log, "ex-1", 0, "completed", "a\x00").field == "notes"
    assert refused(rules.check_comment, "x" * 5000).field == "comment"
    assert rules.check_comment(None) is None


def test_stored_json_that_cannot_be_read_becomes_a_marker_with_the_reason() -> None:
    from gbf_desktop.domain.stored_json import UnreadableJson, load_stored_json

    assert load_stored_json(b'{"sets": 3, "w": 62.5}') == {"sets": 3, "w": 62.5}
    deep = load_stored_json("[" * 5000 + "]" * 5000)
    assert isinstance(deep, UnreadableJson)
    assert deep.reason == "it is nested more than 64 levels deep"
    assert isinstance(load_stored_json('{"a": ' * 65 + "1" + "}" * 65), UnreadableJson)
    assert load_stored_json('{"a": ' * 63 + "1" + "}" * 63) is not None
    assert not isinstance(load_stored_json("[" * 64 + "]" * 64), UnreadableJson)
    # jsonb prints 1e400 as its 401 digits: an exact integer the readers flag as out of range.
    assert load_stored_json('{"w": 1' + "0" * 400 + "}") == {"w": 10**400}
    digits = load_stored_json(memoryview(b"[" + b"9" * 5000 + b"]"))
    assert isinstance(digits, UnreadableJson)
    assert digits.reason == "it holds a number of thousands of digits"
    assert isinstance(load_stored_json("not json"), UnreadableJson)
    # Two reads of one row give equal markers: the program editor's diff sees no change.
    assert load_stored_json("[" * 100 + "]" * 100) == load_stored_json("[" * 100 + "]" * 100)
    # ...and the write rules never let a marker into a new row.
    err = refused(
        v.json_value, {"data": deep}, field="data", label="Session data", limits=v.DATA_LIMITS
    )
    assert err.field == "data.data"
    assert "could not be read from the database" in err.message


def test_an_updated_config_is_checked_by_the_type_of_its_exercise() -> None:
    doc = _program()
    old = pe.node_at(doc, (0, 0, 0, 0))
    assert isinstance(old, pe.ExerciseDoc)
    edited = pe.replace_node(doc, (0, 0, 0, 0), replace(old, config={"sets": 99, "reps": 5}))
    change = pe.diff(doc, edited)
    err = refused(
        rules.check_program_change, change, {"lib-1": "standard"}, library_ids={old.id: "lib-1"}
    )
    assert err.field == "config.sets"
