"""The program editor's document, and the in-place diff that saving it writes.

The web builder saves a program by deleting every block and recreating it, which wipes the
students' logs and clips through the cascades. The desktop instead keeps each row's id in the
document, so saving can compare the loaded document with the edited one row by row and write only
what changed: new rows are inserted, changed rows updated column by column, removed rows deleted.

Positions are not stored in the document: a node's position is its index among its siblings, so
they are 0..n-1 per parent by construction. Week numbers are stored (they are the coach-facing
numbering); the structural edits of weeks renumber them 1..n through the program, and nothing
else touches them, so a program loaded with another numbering keeps it until its weeks change.

Everything here is pure: no database, no clock. New ids are UUID v4 strings, as the platform's
writers generate them.

Over 500 lines: the document types and the in-place diff that saving writes are one algorithm over
one set of types.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, TypeAlias, TypeVar

from gbf_desktop.domain.model import ProgramTree

Level = Literal["block", "week", "session", "exercise"]
LEVELS: tuple[Level, ...] = ("block", "week", "session", "exercise")
PARENT_LEVEL: Mapping[Level, Level | None] = {
    "block": None,
    "week": "block",
    "session": "week",
    "exercise": "session",
}
# The columns each level's rows carry besides id, parent and position.
FIELDS: Mapping[Level, tuple[str, ...]] = {
    "block": ("title", "notes"),
    "week": ("week_number",),
    "session": ("title", "notes", "date", "data"),
    "exercise": ("exercise_id", "config"),
}
PROGRAM_FIELDS = ("title", "description", "is_draft", "data")
# Keys of `Update.changes` that are not columns of the level.
PARENT = "parent"
POSITION = "position"


def fresh_id() -> str:
    """A new row id: the platform stores UUID v4 as text and has no database default."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class ExerciseDoc:
    """One exercise of a session. `config` is the stored JSON as loaded, untouched unless edited."""

    id: str
    exercise_id: str
    config: Any = None


@dataclass(frozen=True)
class SessionDoc:
    id: str
    title: str | None = None
    notes: str | None = None
    date: datetime | None = None
    data: Any = None
    exercises: tuple[ExerciseDoc, ...] = ()


@dataclass(frozen=True)
class WeekDoc:
    id: str
    week_number: int = 1
    sessions: tuple[SessionDoc, ...] = ()


@dataclass(frozen=True)
class BlockDoc:
    id: str
    title: str | None = None
    notes: str | None = None
    weeks: tuple[WeekDoc, ...] = ()


@dataclass(frozen=True)
class ProgramDoc:
    id: str
    title: str
    description: str | None = None
    is_draft: bool = True
    data: Any = None
    blocks: tuple[BlockDoc, ...] = ()

    @classmethod
    def from_tree(cls, tree: ProgramTree) -> ProgramDoc:
        """The editable document of a loaded tree; JSON values are copied, never re-encoded."""
        return cls(
            id=tree.program.id,
            title=tree.program.title,
            description=tree.program.description,
            is_draft=tree.program.is_draft,
            data=copy.deepcopy(tree.data),
            blocks=tuple(
                BlockDoc(
                    id=b.id,
                    title=b.title,
                    notes=b.notes,
                    weeks=tuple(
                        WeekDoc(
                            id=w.id,
                            week_number=w.week_number,
                            sessions=tuple(
                                SessionDoc(
                                    id=s.id,
                                    title=s.title,
                                    notes=s.notes,
                                    date=s.date,
                                    data=copy.deepcopy(s.data),
                                    exercises=tuple(
                                        ExerciseDoc(
                                            id=e.id,
                                            exercise_id=e.exercise_id,
                                            config=copy.deepcopy(e.config),
                                        )
                                        for e in s.exercises
                                    ),
                                )
                                for s in w.sessions
                            ),
                        )
                        for w in b.weeks
                    ),
                )
                for b in tree.blocks
            ),
        )

    def counts(self) -> dict[str, int]:
        """Rows per level, as the `create` audit row reports them."""
        nodes = list(flatten(self).values())
        return {level + "s": sum(1 for n in nodes if n.level == level) for level in LEVELS}


Node: TypeAlias = BlockDoc | WeekDoc | SessionDoc | ExerciseDoc
Parent: TypeAlias = ProgramDoc | BlockDoc | WeekDoc | SessionDoc
# Index path of a node: (block,), (block, week), (block, week, session), (..., exercise).
Address = tuple[int, ...]
_N = TypeVar("_N", bound=Node)

_CHILDREN: Mapping[type, str] = {
    ProgramDoc: "blocks",
    BlockDoc: "weeks",
    WeekDoc: "sessions",
    SessionDoc: "exercises",
}
_LEVEL_OF: Mapping[type, Level] = {
    BlockDoc: "block",
    WeekDoc: "week",
    SessionDoc: "session",
    ExerciseDoc: "exercise",
}


def children(parent: Parent) -> tuple[Node, ...]:
    result: tuple[Node, ...] = getattr(parent, _CHILDREN[type(parent)])
    return result


def _with_children(parent: Parent, kids: Sequence[Node]) -> Parent:
    changes: dict[str, Any] = {_CHILDREN[type(parent)]: tuple(kids)}
    return replace(parent, **changes)


def level_of(node: Node) -> Level:
    return _LEVEL_OF[type(node)]


# ---------------------------------------------------------------------------------------------
# Editing: pure functions from a document to a new document.


def node_at(doc: ProgramDoc, address: Address) -> Node:
    current: Parent | Node = doc
    for index in address:
        if isinstance(current, ExerciseDoc):
            raise IndexError(f"no node at {address}: exercises have no children")
        current = children(current)[index]
    if isinstance(current, ProgramDoc):
        raise IndexError("the empty address is the program itself, not a node")
    return current


def _parent_at(doc: ProgramDoc, address: Address) -> Parent:
    if not address:
        return doc
    node = node_at(doc, address)
    if isinstance(node, ExerciseDoc):
        raise IndexError(f"{address} is an exercise, which has no children")
    return node


def _rebuild(doc: ProgramDoc, address: Address, edit: Callable[[Parent], Parent]) -> ProgramDoc:
    """Replace the parent at `address` by `edit(parent)`, rebuilding the path above it."""

    def walk(parent: Parent, rest: Address) -> Parent:
        if not rest:
            return edit(parent)
        kids = list(children(parent))
        child = kids[rest[0]]
        if isinstance(child, ExerciseDoc):
            raise IndexError(f"{address} goes below an exercise")
        kids[rest[0]] = walk(child, rest[1:])  # type: ignore[assignment]  # a Parent is a Node
        return _with_children(parent, kids)

    result = walk(doc, address)
    assert isinstance(result, ProgramDoc)
    return result


def _check_child(parent: Parent, node: Node) -> None:
    expected = {
        ProgramDoc: BlockDoc,
        BlockDoc: WeekDoc,
        WeekDoc: SessionDoc,
        SessionDoc: ExerciseDoc,
    }
    if not isinstance(node, expected[type(parent)]):
        raise TypeError(f"a {type(node).__name__} cannot go under a {type(parent).__name__}")


def _touches_weeks(*nodes: Node | Parent) -> bool:
    return any(isinstance(n, ProgramDoc | BlockDoc | WeekDoc) for n in nodes)


def insert_node(doc: ProgramDoc, parent: Address, index: int, node: Node) -> ProgramDoc:
    """Insert `node` (with its children) at `index` under the parent at `parent`."""

    def edit(p: Parent) -> Parent:
        _check_child(p, node)
        kids = list(children(p))
        kids.insert(index, node)
        return _with_children(p, kids)

    result = _rebuild(doc, parent, edit)
    return renumber_weeks(result) if _touches_weeks(node) else result


def remove_node(doc: ProgramDoc, address: Address) -> ProgramDoc:
    """Remove the node at `address` and everything under it."""
    removed = node_at(doc, address)

    def edit(p: Parent) -> Parent:
        kids = list(children(p))
        del kids[address[-1]]
        return _with_children(p, kids)

    result = _rebuild(doc, address[:-1], edit)
    return renumber_weeks(result) if _touches_weeks(removed) else result


def replace_node(doc: ProgramDoc, address: Address, node: Node) -> ProgramDoc:
    """Put `node` in place of the node at `address` (a rename, a config edit)."""

    def edit(p: Parent) -> Parent:
        _check_child(p, node)
        kids = list(children(p))
        kids[address[-1]] = node
        return _with_children(p, kids)

    return _rebuild(doc, address[:-1], edit)


def move_node(doc: ProgramDoc, address: Address, new_parent: Address, index: int) -> ProgramDoc:
    """Move a node under `new_parent` (an address in `doc` before the move) at `index`.

    The node keeps its id, so its row is updated in place: a moved session keeps its logs.
    """
    node = node_at(doc, address)
    if new_parent[: len(address)] == address:
        raise ValueError("a node cannot move under itself")
    target = _parent_at(doc, new_parent)
    _check_child(target, node)
    # Removing first shifts the target's address if it sat after the node under the same parent.
    depth = len(address) - 1
    shifted = list(new_parent)
    if (
        len(new_parent) > depth
        and new_parent[:depth] == address[:depth]
        and new_parent[depth] > address[depth]
    ):
        shifted[depth] -= 1
    without = remove_node(doc, address)
    return insert_node(without, tuple(shifted), index, node)


def duplicate_node(
    doc: ProgramDoc, address: Address, new_id: Callable[[], str] = fresh_id
) -> ProgramDoc:
    """Insert a deep copy (fresh ids, same contents) right after the node at `address`."""
    twin = copy_with_new_ids(node_at(doc, address), new_id)
    return insert_node(doc, address[:-1], address[-1] + 1, twin)


def copy_with_new_ids(node: _N, new_id: Callable[[], str] = fresh_id) -> _N:
    """The node and everything under it with fresh ids; JSON values deep-copied."""
    if isinstance(node, ExerciseDoc):
        return replace(node, id=new_id(), config=copy.deepcopy(node.config))
    kids = [copy_with_new_ids(child, new_id) for child in children(node)]
    fresh = _with_children(node, kids)
    if isinstance(fresh, SessionDoc):
        fresh = replace(fresh, data=copy.deepcopy(fresh.data))
    return replace(fresh, id=new_id())  # type: ignore[return-value]  # same type as given


def copy_program(doc: ProgramDoc, new_id: Callable[[], str] = fresh_id) -> ProgramDoc:
    """A deep copy of a whole program with fresh ids everywhere, as a draft titled "… (copy)"."""
    return ProgramDoc(
        id=new_id(),
        title=f"{doc.title} (copy)",
        description=doc.description,
        is_draft=True,
        data=copy.deepcopy(doc.data),
        blocks=tuple(copy_with_new_ids(b, new_id) for b in doc.blocks),
    )


def renumber_weeks(doc: ProgramDoc) -> ProgramDoc:
    """Number weeks 1..n through the program, in order: what a coach reads as "week 5"."""
    number = 0
    blocks = []
    for block in doc.blocks:
        weeks = []
        for week in block.weeks:
            number += 1
            weeks.append(week if week.week_number == number else replace(week, week_number=number))
        blocks.append(replace(block, weeks=tuple(weeks)))
    return replace(doc, blocks=tuple(blocks))


# ---------------------------------------------------------------------------------------------
# Flattening: one row per node, as the tables hold them.


@dataclass(frozen=True)
class FlatNode:
    level: Level
    id: str
    parent: str
    position: int
    fields: Mapping[str, Any]
    address: Address


def _walk(doc: ProgramDoc) -> Iterator[FlatNode]:
    def visit(parent: Parent, parent_id: str, prefix: Address) -> Iterator[FlatNode]:
        for position, node in enumerate(children(parent)):
            level = level_of(node)
            address = (*prefix, position)
            values = {name: getattr(node, name) for name in FIELDS[level]}
            yield FlatNode(level, node.id, parent_id, position, values, address)
            if not isinstance(node, ExerciseDoc):
                yield from visit(node, node.id, address)

    yield from visit(doc, doc.id, ())


def flatten(doc: ProgramDoc) -> dict[str, FlatNode]:
    """Every node by id, parents before children. Ids must be unique within the document."""
    nodes: dict[str, FlatNode] = {}
    for node in _walk(doc):
        if node.id in nodes or node.id == doc.id:
            raise ValueError(f"id {node.id} appears twice in the program")
        nodes[node.id] = node
    return nodes


def canonical_json(value: Any) -> str:
    """A stable text of a JSON value that tells 1 from 1.0 from true, as the database does."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def same_value(a: Any, b: Any) -> bool:
    # Python's == says 1 == 1.0 == True; JSONB keeps them apart, and so must the diff.
    return canonical_json(a) == canonical_json(b)


def fingerprint(doc: ProgramDoc) -> str:
    """A digest of every column of the program's rows, ids included.

    Ids count because the web builder recreates every row with a new id on save: a program saved
    on the web without visible change still invalidates the ids the editor holds.
    """
    rows = [
        [n.level, n.id, n.parent, n.position, {k: n.fields[k] for k in FIELDS[n.level]}]
        for n in _walk(doc)
    ]
    head = [doc.id, {name: getattr(doc, name) for name in PROGRAM_FIELDS}]
    return hashlib.sha256(canonical_json([head, rows]).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The diff.


@dataclass(frozen=True)
class Insert:
    level: Level
    id: str
    parent: str
    position: int
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Update:
    level: Level
    id: str
    # Only what changed: column names of the level, and `parent` / `position`.
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class Delete:
    level: Level
    id: str


@dataclass(frozen=True)
class ProgramDiff:
    program_id: str
    program: Mapping[str, Any] = field(default_factory=dict)
    inserts: tuple[Insert, ...] = ()  # parents before children
    updates: tuple[Update, ...] = ()
    deletes: tuple[Delete, ...] = ()  # children before parents

    @property
    def is_empty(self) -> bool:
        return not (self.program or self.inserts or self.updates or self.deletes)

    def deleted(self, level: Level) -> tuple[str, ...]:
        return tuple(d.id for d in self.deletes if d.level == level)

    def row_counts(self) -> dict[str, int]:
        return {
            "inserted": len(self.inserts),
            "updated": len(self.updates) + (1 if self.program else 0),
            "deleted": len(self.deletes),
        }


def diff(original: ProgramDoc, edited: ProgramDoc) -> ProgramDiff:
    """The row changes that turn `original` into `edited`, matched by id."""
    if original.id != edited.id:
        raise ValueError("the two documents are different programs")
    before, after = flatten(original), flatten(edited)
    program = {
        name: getattr(edited, name)
        for name in PROGRAM_FIELDS
        if not same_value(getattr(original, name), getattr(edited, name))
    }
    inserts, updates = [], []
    for node in after.values():
        old = before.get(node.id)
        if old is None:
            inserts.append(Insert(node.level, node.id, node.parent, node.position, node.fields))
            continue
        if old.level != node.level:
            raise ValueError(
                f"id {node.id} is a {old.level} in one document, a {node.level} in the other"
            )
        changes = {
            name: value
            for name, value in node.fields.items()
            if not same_value(old.fields[name], value)
        }
        if old.parent != node.parent:
            changes[PARENT] = node.parent
        if old.position != node.position:
            changes[POSITION] = node.position
        if changes:
            updates.append(Update(node.level, node.id, changes))
    deletes = [Delete(n.level, n.id) for n in reversed(before.values()) if n.id not in after]
    return ProgramDiff(edited.id, program, tuple(inserts), tuple(updates), tuple(deletes))


def apply(original: ProgramDoc, change: ProgramDiff) -> ProgramDoc:
    """The document `change` produces from `original`: what the database holds after a save."""
    rows = {
        n.id: (n.level, n.parent, n.position, dict(n.fields)) for n in flatten(original).values()
    }
    for d in change.deletes:
        del rows[d.id]
    for i in change.inserts:
        rows[i.id] = (i.level, i.parent, i.position, dict(i.fields))
    for u in change.updates:
        level, parent, position, values = rows[u.id]
        values.update({k: v for k, v in u.changes.items() if k not in (PARENT, POSITION)})
        rows[u.id] = (
            level,
            u.changes.get(PARENT, parent),
            u.changes.get(POSITION, position),
            values,
        )
    kids: dict[str, list[tuple[int, str]]] = {}
    for row_id, (_, parent, position, _) in rows.items():
        kids.setdefault(parent, []).append((position, row_id))

    def build(row_id: str) -> Node:
        level, _, _, values = rows[row_id]
        under = [build(child) for _, child in sorted(kids.get(row_id, []))]
        if level == "block":
            return BlockDoc(id=row_id, weeks=tuple(under), **values)  # type: ignore[arg-type]  # built from this level's rows
        if level == "week":
            return WeekDoc(id=row_id, sessions=tuple(under), **values)  # type: ignore[arg-type]  # built from this level's rows
        if level == "session":
            return SessionDoc(id=row_id, exercises=tuple(under), **values)  # type: ignore[arg-type]  # built from this level's rows
        return ExerciseDoc(id=row_id, **values)

    program = {name: getattr(original, name) for name in PROGRAM_FIELDS} | dict(change.program)
    blocks = [build(child) for _, child in sorted(kids.get(original.id, []))]
    return ProgramDoc(id=original.id, blocks=tuple(blocks), **program)  # type: ignore[arg-type]  # block rows


# ---------------------------------------------------------------------------------------------
# Matching rows recreated elsewhere.


def adopt_ids(
    target: ProgramDoc, reference: ProgramDoc, only: set[str] | None = None
) -> ProgramDoc:
    """`target` with ids taken from `reference` where the same place holds a recreated row.

    The web builder gives every row a new id on each save. Where a node of `target` has an id
    `reference` lacks (and, if `only` is given, that id is in `only`), and `reference` has a node
    of the same level at the same index path whose id `target` lacks, the target node takes that
    id: the two are then compared, and saved, as one row instead of a removal plus an addition.
    """
    theirs = {n.address: n for n in flatten(reference).values()}
    their_ids = {n.id for n in theirs.values()}
    our_ids = set(flatten(target))

    def adopt(node: _N, address: Address) -> _N:
        if not isinstance(node, ExerciseDoc):
            kids = [adopt(child, (*address, i)) for i, child in enumerate(children(node))]
            node = _with_children(node, kids)  # type: ignore[assignment]  # same type as given
        match = theirs.get(address)
        if (
            node.id not in their_ids
            and (only is None or node.id in only)
            and match is not None
            and match.level == level_of(node)
            and match.id not in our_ids
        ):
            node = replace(node, id=match.id)
        return node

    blocks = tuple(adopt(b, (i,)) for i, b in enumerate(target.blocks))
    return replace(target, blocks=blocks)


# ---------------------------------------------------------------------------------------------
# Readable descriptions, for the audit row and the conflict message.


def _label(doc_nodes: Mapping[str, FlatNode], node_id: str, names: Mapping[str, str]) -> str:
    node = doc_nodes[node_id]
    if node.level == "block":
        title = node.fields["title"]
        return f"block {node.position + 1}" + (f' "{title}"' if title else "")
    if node.level == "week":
        return f"week {node.fields['week_number']}"
    if node.level == "session":
        title = node.fields["title"]
        week = _label(doc_nodes, node.parent, names)
        return f"{week} session {node.position + 1}" + (f' "{title}"' if title else "")
    name = names.get(node.fields["exercise_id"], "exercise")
    return f'"{name}" in {_label(doc_nodes, node.parent, names)}'


def _block_of(doc_nodes: Mapping[str, FlatNode], node_id: str, names: Mapping[str, str]) -> str:
    node = doc_nodes[node_id]
    while node.level != "block":
        node = doc_nodes[node.parent]
    return _label(doc_nodes, node.id, names)


def _quoted(value: Any) -> str:
    return f'"{value}"' if value else "(none)"


def describe(
    original: ProgramDoc,
    edited: ProgramDoc,
    change: ProgramDiff | None = None,
    names: Mapping[str, str] | None = None,
    *,
    grouped: bool = False,
) -> tuple[str, ...]:
    """What a diff does, one sentence per change, as a coach would say it.

    `names` maps library exercise ids to names. Rows under an added or removed row are not
    listed separately. With `grouped`, several additions or removals of one level in one block
    read as one line ("2 sessions added in block 2"), for a short conflict message.
    """
    change = change if change is not None else diff(original, edited)
    names = names or {}
    before, after = flatten(original), flatten(edited)
    lines: list[str] = []
    lines += _describe_program(original, change)

    for verb, rows, nodes in (
        ("Added", [i.id for i in change.inserts], after),
        ("Removed", [d.id for d in reversed(change.deletes)], before),
    ):
        top = [r for r in rows if nodes[r].parent not in rows]
        if not grouped:
            lines += [f"{verb} {_label(nodes, r, names)}" for r in top]
            continue
        buckets: dict[tuple[Level, str], list[str]] = {}
        for r in top:
            block = "the program" if nodes[r].level == "block" else _block_of(nodes, r, names)
            buckets.setdefault((nodes[r].level, block), []).append(r)
        for (level, block), ids in buckets.items():
            if len(ids) == 1:
                lines.append(f"{verb} {_label(nodes, ids[0], names)}")
            else:
                lines.append(f"{len(ids)} {level}s {verb.lower()} in {block}")

    reordered: set[str] = set()
    for u in change.updates:
        lines += _describe_update(u, before, after, names)
        if PARENT not in u.changes and POSITION in u.changes:
            reordered.add(after[u.id].parent)
    for parent in sorted(reordered, key=lambda p: after[p].address if p in after else ()):
        if _kept_order(before, after, parent) != _kept_order(after, before, parent):
            where = _label(after, parent, names) if parent in after else "the program"
            lines.append(f"Reordered the contents of {where}")
    return tuple(lines)


def _kept_order(
    nodes: Mapping[str, FlatNode], other: Mapping[str, FlatNode], parent: str
) -> list[str]:
    """The order of `parent`'s children that sit under it in both documents.

    Additions and removals shift positions without anyone reordering; only a change in the
    relative order of the children that stayed is a reorder worth reporting.
    """
    kept = [
        n
        for n in nodes.values()
        if n.parent == parent and n.id in other and other[n.id].parent == parent
    ]
    return [n.id for n in sorted(kept, key=lambda n: n.position)]


def _describe_program(original: ProgramDoc, change: ProgramDiff) -> list[str]:
    lines = []
    p = change.program
    if "title" in p:
        lines.append(f"Title changed from {_quoted(original.title)} to {_quoted(p['title'])}")
    if "description" in p:
        lines.append("Description changed")
    if "is_draft" in p:
        lines.append("Marked as draft" if p["is_draft"] else "Published (no longer a draft)")
    if "data" in p:
        lines.append("Program settings changed")
    return lines


def _describe_update(
    u: Update,
    before: Mapping[str, FlatNode],
    after: Mapping[str, FlatNode],
    names: Mapping[str, str],
) -> list[str]:
    old = _label(before, u.id, names)
    c = u.changes
    lines = []
    if PARENT in c:
        lines.append(f"Moved {old} to {_label(after, c[PARENT], names)}")
    if "title" in c:
        lines.append(f"Renamed {old} to {_quoted(c['title'])}")
    if "notes" in c:
        lines.append(f"Changed the notes of {_label(after, u.id, names)}")
    if "date" in c:
        day = c["date"].date().isoformat() if c["date"] else "no date"
        lines.append(f"Rescheduled {_label(after, u.id, names)} to {day}")
    if "data" in c:
        lines.append(f"Changed the settings of {_label(after, u.id, names)}")
    if "exercise_id" in c:
        old_name = names.get(before[u.id].fields["exercise_id"], "an exercise")
        lines.append(f'Replaced "{old_name}" with {_label(after, u.id, names)}')
    if "config" in c:
        lines.append(f"Changed the prescription of {_label(after, u.id, names)}")
    # Week numbers follow from structural edits, which are described themselves.
    return lines


# ---------------------------------------------------------------------------------------------
# Positions the web reads right.
#
# The web's main builder numbers siblings 0..n-1; its "add exercise" writes max+1, so a stored
# program may hold gaps and ties. The document numbers siblings by index, so its own diff never
# sees them: `settle_positions` adds the writes that number every sibling group a save touches
# 0..n-1 as the document orders it.


def stored_positions(tree: ProgramTree) -> dict[str, int]:
    """Every row's `position` as stored (the document only knows its index)."""
    positions: dict[str, int] = {}
    for block in tree.blocks:
        positions[block.id] = block.position
        for week in block.weeks:
            positions[week.id] = week.position
            for session in week.sessions:
                positions[session.id] = session.position
                for exercise in session.exercises:
                    positions[exercise.id] = exercise.position
    return positions


def touched_groups(current: ProgramDoc, target: ProgramDoc, change: ProgramDiff) -> set[str]:
    """Ids of the parents whose children a change inserts, updates, moves or deletes."""
    before, after = flatten(current), flatten(target)
    touched = {i.parent for i in change.inserts}
    touched |= {before[d.id].parent for d in change.deletes if d.id in before}
    for u in change.updates:
        if u.id in before:
            touched.add(before[u.id].parent)
        if u.id in after:
            touched.add(after[u.id].parent)
    return touched


def settle_positions(
    current: ProgramDoc, target: ProgramDoc, change: ProgramDiff, stored: Mapping[str, int]
) -> ProgramDiff:
    """`change` plus the position writes that leave each touched sibling group 0..n-1."""
    if change.is_empty:
        return change
    touched = touched_groups(current, target, change)
    before = flatten(current)
    updates = {u.id: u for u in change.updates}
    for node in flatten(target).values():
        if node.parent not in touched or node.id not in before:
            continue
        if stored.get(node.id) == node.position:
            continue
        old = updates.get(node.id)
        changes = {**(old.changes if old else {}), POSITION: node.position}
        updates[node.id] = Update(node.level, node.id, changes)
    return replace(change, updates=tuple(updates.values()))


def sessions_to_rewrite(current: ProgramDoc, target: ProgramDoc, change: ProgramDiff) -> list[str]:
    """Sessions of `target`, already stored, whose exercise rows a change writes.

    The web reads a session's exercises without ORDER BY and pairs the i-th row with the i-th
    progress entry, so their physical order must be the document's: these sessions get their
    exercise rows rewritten in order (the rows have no dependents, so their ids are kept).
    """
    before, after = flatten(current), flatten(target)
    touched = touched_groups(current, target, change)
    return [
        node.id
        for node in after.values()
        if node.level == "session" and node.id in touched and node.id in before
    ]


def reordered_containers(change: ProgramDiff) -> bool:
    """Whether a change moves blocks, weeks or sessions among their siblings.

    Their rows cannot be rewritten (logs and clips hang off sessions), so the web, reading some
    lists without ORDER BY, may show them in their old order until its own next save.
    """
    return any(
        u.level != "exercise" and (POSITION in u.changes or PARENT in u.changes)
        for u in change.updates
    )
