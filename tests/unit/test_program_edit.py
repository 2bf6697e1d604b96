"""The program editor's document and its in-place diff, without a database."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.program_edit import (
    BlockDoc,
    ExerciseDoc,
    ProgramDoc,
    SessionDoc,
    WeekDoc,
)

NAMES = {"squat": "Back Squat", "bench": "Bench Press", "row": "Row"}


def _ids() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"id-{next(counter)}"


def sample() -> ProgramDoc:
    """Two blocks of two weeks of two sessions of two exercises, ids by place."""
    return ProgramDoc(
        id="p",
        title="Strength",
        description="Base",
        is_draft=False,
        data={"x": 1},
        blocks=tuple(
            BlockDoc(
                id=f"b{b}",
                title=f"Block {b}",
                notes=None,
                weeks=tuple(
                    WeekDoc(
                        id=f"b{b}w{w}",
                        week_number=b * 2 + w + 1,
                        sessions=tuple(
                            SessionDoc(
                                id=f"b{b}w{w}s{s}",
                                title=f"Day {s}",
                                date=datetime(2026, 1, 5 + 7 * (b * 2 + w) + s),
                                data=None,
                                exercises=tuple(
                                    ExerciseDoc(
                                        id=f"b{b}w{w}s{s}e{e}",
                                        exercise_id=("squat", "bench")[e],
                                        config={"sets": 3, "reps": "8-12", "odd": [1, 2.0]},
                                    )
                                    for e in range(2)
                                ),
                            )
                            for s in range(2)
                        ),
                    )
                    for w in range(2)
                ),
            )
            for b in range(2)
        ),
    )


def test_no_edit_means_an_empty_diff() -> None:
    doc = sample()
    change = pe.diff(doc, doc)
    assert change.is_empty
    assert pe.describe(doc, doc) == ()


def test_rename_touches_one_row_and_reads_well() -> None:
    doc = sample()
    session = pe.node_at(doc, (1, 0, 1))
    assert isinstance(session, SessionDoc)
    edited = pe.replace_node(doc, (1, 0, 1), replace(session, title="Heavy day"))
    change = pe.diff(doc, edited)
    assert change.updates == (pe.Update("session", "b1w0s1", {"title": "Heavy day"}),)
    assert not change.inserts
    assert not change.deletes
    assert pe.describe(doc, edited) == ('Renamed week 3 session 2 "Day 1" to "Heavy day"',)


def test_reorder_updates_positions_only_and_is_described_once() -> None:
    doc = sample()
    edited = pe.move_node(doc, (0, 0, 1), (0, 0), 0)
    change = pe.diff(doc, edited)
    assert {u.id: dict(u.changes) for u in change.updates} == {
        "b0w0s1": {"position": 0},
        "b0w0s0": {"position": 1},
    }
    assert pe.describe(doc, edited) == ("Reordered the contents of week 1",)


def test_removing_a_session_shifts_its_siblings_without_calling_it_a_reorder() -> None:
    doc = sample()
    edited = pe.remove_node(doc, (0, 1, 0))
    change = pe.diff(doc, edited)
    assert change.deleted("session") == ("b0w1s0",)
    assert set(change.deleted("exercise")) == {"b0w1s0e0", "b0w1s0e1"}
    assert [u.id for u in change.updates] == ["b0w1s1"]
    assert pe.describe(doc, edited, names=NAMES) == ('Removed week 2 session 1 "Day 0"',)


def test_removing_a_week_renumbers_the_later_weeks() -> None:
    doc = sample()
    edited = pe.remove_node(doc, (0, 0))
    numbers = [w.week_number for b in edited.blocks for w in b.weeks]
    assert numbers == [1, 2, 3]
    change = pe.diff(doc, edited)
    assert change.deleted("week") == ("b0w0",)
    assert pe.describe(doc, edited) == ("Removed week 1",)


def test_moving_a_session_to_another_week_keeps_its_id() -> None:
    doc = sample()
    edited = pe.move_node(doc, (0, 0, 0), (1, 1), 2)
    moved = pe.node_at(edited, (1, 1, 2))
    assert moved.id == "b0w0s0"
    change = pe.diff(doc, edited)
    assert not change.inserts
    assert not change.deletes
    first = next(u for u in change.updates if u.id == "b0w0s0")
    assert first.changes == {"parent": "b1w1", "position": 2}
    assert 'Moved week 1 session 1 "Day 0" to week 4' in pe.describe(doc, edited)


def test_config_change_is_one_update_and_unknown_json_types_are_told_apart() -> None:
    doc = sample()
    item = pe.node_at(doc, (0, 0, 0, 0))
    assert isinstance(item, ExerciseDoc)
    # 2.0 -> 2: equal for Python, different JSON for the database.
    odd = dict(item.config, odd=[1, 2])
    edited = pe.replace_node(doc, (0, 0, 0, 0), replace(item, config=odd))
    change = pe.diff(doc, edited)
    assert change.updates == (pe.Update("exercise", item.id, {"config": odd}),)
    assert pe.describe(doc, edited, names=NAMES) == (
        'Changed the prescription of "Back Squat" in week 1 session 1 "Day 0"',
    )


def test_program_fields_and_grouped_summary() -> None:
    doc = sample()
    edited = pe.duplicate_node(doc, (1, 0, 0))
    edited = pe.duplicate_node(edited, (1, 0, 0))
    edited = replace(edited, title="Strength 2")
    summary = pe.describe(doc, edited, grouped=True)
    assert summary == (
        'Title changed from "Strength" to "Strength 2"',
        '2 sessions added in block 2 "Block 1"',
    )


def test_copy_program_is_a_deep_copy_with_fresh_ids() -> None:
    doc = sample()
    twin = pe.copy_program(doc)
    assert twin.title == "Strength (copy)"
    assert twin.is_draft
    assert not set(pe.flatten(twin)) & set(pe.flatten(doc))
    assert [n.fields for n in pe.flatten(twin).values()] == [
        n.fields for n in pe.flatten(doc).values()
    ]
    assert twin.counts() == {"blocks": 2, "weeks": 4, "sessions": 8, "exercises": 16}


def test_adopt_ids_matches_rows_recreated_at_the_same_place() -> None:
    doc = sample()
    rebuilt = pe.copy_program(doc)
    rebuilt = replace(rebuilt, id=doc.id, title=doc.title, is_draft=doc.is_draft)
    aligned = pe.adopt_ids(rebuilt, doc)
    assert pe.diff(doc, aligned).is_empty


def test_a_node_cannot_move_under_itself() -> None:
    with pytest.raises(ValueError, match="under itself"):
        pe.move_node(sample(), (0,), (0, 1), 0)


def test_fingerprint_changes_with_ids_and_contents() -> None:
    doc = sample()
    assert pe.fingerprint(doc) == pe.fingerprint(sample())
    assert pe.fingerprint(doc) != pe.fingerprint(replace(doc, title="x"))
    assert pe.fingerprint(doc) != pe.fingerprint(pe.adopt_ids(pe.copy_program(doc), doc))


# --- random edit sequences ---------------------------------------------------------------------


def _addresses(doc: ProgramDoc) -> list[pe.Address]:
    return [n.address for n in pe.flatten(doc).values()]


def _parents(doc: ProgramDoc) -> list[pe.Address]:
    return [(), *(a for a in _addresses(doc) if len(a) < 4)]


def _fresh_child(parent: pe.Parent, new_id: Callable[[], str], label: str) -> pe.Node:
    if isinstance(parent, ProgramDoc):
        return BlockDoc(id=new_id(), title=label, weeks=(WeekDoc(id=new_id()),))
    if isinstance(parent, BlockDoc):
        return WeekDoc(id=new_id(), sessions=(SessionDoc(id=new_id(), title=label),))
    if isinstance(parent, WeekDoc):
        return SessionDoc(id=new_id(), title=label, exercises=(ExerciseDoc(new_id(), "row"),))
    return ExerciseDoc(id=new_id(), exercise_id="row", config={"sets": len(label)})


def _parent(doc: ProgramDoc, address: pe.Address) -> pe.Parent:
    return doc if not address else pe.node_at(doc, address)  # type: ignore[return-value]  # parents only


@st.composite
def edited_documents(draw: st.DrawFn) -> tuple[ProgramDoc, ProgramDoc]:
    original = sample()
    doc = original
    new_id = _ids()
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "remove", "move", "rename", "config", "dup", "prog"]))
        nodes = _addresses(doc)
        if op == "insert":
            parent = draw(st.sampled_from(_parents(doc)))
            p = _parent(doc, parent)
            index = draw(st.integers(0, len(pe.children(p))))
            doc = pe.insert_node(
                doc, parent, index, _fresh_child(p, new_id, draw(st.text(max_size=5)))
            )
        elif op == "prog":
            doc = replace(
                doc, title=draw(st.text(min_size=1, max_size=5)), is_draft=draw(st.booleans())
            )
        elif not nodes:
            continue
        elif op == "remove":
            doc = pe.remove_node(doc, draw(st.sampled_from(nodes)))
        elif op == "dup":
            doc = pe.duplicate_node(doc, draw(st.sampled_from(nodes)), new_id)
        elif op == "move":
            address = draw(st.sampled_from(nodes))
            targets = [
                p
                for p in _parents(doc)
                if len(p) == len(address) - 1 and p[: len(address)] != address
            ]
            target = draw(st.sampled_from(targets))
            size = len(pe.children(_parent(doc, target)))
            same = target == address[:-1]
            doc = pe.move_node(
                doc, address, target, draw(st.integers(0, size - 1 if same else size))
            )
        elif op == "rename":
            address = draw(st.sampled_from([a for a in nodes if len(a) in (1, 3)] or [None]))
            if address is not None:
                node = pe.node_at(doc, address)
                doc = pe.replace_node(doc, address, replace(node, title=draw(st.text(max_size=5))))  # type: ignore[call-arg]  # blocks and sessions have titles
        else:
            address = draw(st.sampled_from([a for a in nodes if len(a) == 4] or [None]))
            if address is not None:
                node = pe.node_at(doc, address)
                config = draw(
                    st.dictionaries(st.sampled_from(["sets", "reps", "x"]), st.integers(1, 9))
                )
                doc = pe.replace_node(doc, address, replace(node, config=config))  # type: ignore[call-arg]  # exercise
    return original, doc


@settings(max_examples=300, deadline=None)
@given(edited_documents())
def test_applying_the_diff_to_the_original_yields_the_edited_document(
    pair: tuple[ProgramDoc, ProgramDoc],
) -> None:
    original, edited = pair
    change = pe.diff(original, edited)
    assert pe.apply(original, change) == edited
    assert pe.diff(edited, edited).is_empty
    # Only rows that differ are written, and removing never lists a row twice.
    assert len({d.id for d in change.deletes}) == len(change.deletes)
    assert change.is_empty == (pe.fingerprint(original) == pe.fingerprint(edited))
    assert isinstance(pe.describe(original, edited, change, NAMES, grouped=True), tuple)
    # Positions are 0..n-1 under every parent.
    by_parent: dict[str, list[int]] = {}
    for node in pe.flatten(edited).values():
        by_parent.setdefault(node.parent, []).append(node.position)
    assert all(sorted(p) == list(range(len(p))) for p in by_parent.values())
