"""The program tree as a Qt item model: Program → Blocks → Weeks → Sessions → Exercises.

The model shows a `ProgramDoc` (an immutable document) and changes it only through a few
id-based primitives (`insert`, `remove`, `move`, `replace`, `set_program`) that emit Qt's
fine-grained signals, so a view keeps its expansion and selection across edits and undo. It
never decides an edit by itself: drops and renames come out as request signals, and the editor
turns them into undoable commands that call the primitives.

An index's internal id is a small integer standing for a node id; node ids survive every edit
(moves keep them, that is what makes saving in place possible), so the integers do as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.exercise_types import ConfigReading, read_config
from gbf_desktop.domain.program_edit import (
    BlockDoc,
    ExerciseDoc,
    Node,
    ProgramDoc,
    SessionDoc,
    WeekDoc,
)
from gbf_desktop.ui.kit.prescription_text import prescription_summary
from gbf_desktop.ui.library.library_page import EXERCISE_MIME

AnyIndex = QModelIndex | QPersistentModelIndex
Item = ProgramDoc | Node

# Dragging nodes of the tree: their ids, one a line.
NODE_MIME = "application/x-gbf-program-nodes"

# The node id of an index, for tests and for the editor.
NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
# "program", "block", "week", "session" or "exercise".
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
# True when an exercise's stored config has unusable values (shown, never rewritten unread).
INVALID_ROLE = Qt.ItemDataRole.UserRole + 3

_INVALID_COLOR = QColor("#b42318")
_MUTED = QColor("#6b7280")

_PARENT_TYPE: dict[type, type] = {
    BlockDoc: ProgramDoc,
    WeekDoc: BlockDoc,
    SessionDoc: WeekDoc,
    ExerciseDoc: SessionDoc,
}


class ProgramTreeModel(QAbstractItemModel):
    """The program document as a one-column tree with the program itself as its root row."""

    # (node id, new parent id, index among the new parent's children once the node is removed)
    move_requested = Signal(str, str, int)
    # (session id, row, library exercise ids)
    exercises_dropped = Signal(str, int, list)
    # (node id or the program's id, new title)
    rename_requested = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = ProgramDoc(id="", title="")
        self._keys: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        self._where: dict[str, tuple[str, int]] = {}  # node id -> (parent id, row)
        self._items: dict[str, Item] = {}
        # Library lookups, given by the editor: exercise id -> name, and -> library type.
        self._name_of: Callable[[str], str] = lambda exercise_id: "Exercise"
        self._type_of: Callable[[str], str | None] = lambda exercise_id: None
        self._index_tree()

    # -- the document -----------------------------------------------------------------------

    @property
    def document(self) -> ProgramDoc:
        return self._doc

    def set_document(self, doc: ProgramDoc) -> None:
        self.beginResetModel()
        self._doc = doc
        self._index_tree()
        self.endResetModel()

    def set_library(
        self, name_of: Callable[[str], str], type_of: Callable[[str], str | None]
    ) -> None:
        self._name_of = name_of
        self._type_of = type_of
        self._refresh_all()

    def item(self, node_id: str) -> Item:
        return self._items[node_id]

    def nodes_of(self, level: type) -> list[Item]:
        """Every node of a document type (BlockDoc, WeekDoc, ...), in program order."""
        return [item for item in self._items.values() if isinstance(item, level)]

    def has(self, node_id: str) -> bool:
        return node_id in self._items

    def parent_id(self, node_id: str) -> str:
        return self._where[node_id][0]

    def row_of(self, node_id: str) -> int:
        return self._where[node_id][1]

    def exercise_name(self, exercise_id: str) -> str:
        return self._name_of(exercise_id)

    def library_type(self, exercise_id: str) -> str | None:
        return self._type_of(exercise_id)

    def reading(self, node: ExerciseDoc) -> ConfigReading:
        return read_config(node.config, self._type_of(node.exercise_id))

    def _key(self, node_id: str) -> int:
        key = self._keys.get(node_id)
        if key is None:
            # 0 is kept free: an index with internal id 0 looks like a default one in a debugger.
            key = len(self._keys) + 1
            self._keys[node_id] = key
            self._ids[key] = node_id
        return key

    def _index_tree(self) -> None:
        self._where = {}
        self._items = {self._doc.id: self._doc}
        self._key(self._doc.id)

        def visit(parent: pe.Parent) -> None:
            for row, child in enumerate(pe.children(parent)):
                self._where[child.id] = (parent.id, row)
                self._items[child.id] = child
                self._key(child.id)
                if not isinstance(child, ExerciseDoc):
                    visit(child)

        visit(self._doc)

    def _address(self, node_id: str) -> pe.Address:
        path: list[int] = []
        while node_id != self._doc.id:
            parent, row = self._where[node_id]
            path.append(row)
            node_id = parent
        return tuple(reversed(path))

    # -- primitives the editor's commands call ------------------------------------------------

    def insert(self, parent_id: str, row: int, node: Node) -> None:
        self.beginInsertRows(self.index_of(parent_id), row, row)
        self._doc = pe.insert_node(self._doc, self._address(parent_id), row, node)
        self._index_tree()
        self.endInsertRows()
        self._after_structure(node)

    def remove(self, node_id: str) -> tuple[str, int, Node]:
        """Remove a node; returns (parent id, row, node) so it can be put back."""
        node = self._items[node_id]
        assert not isinstance(node, ProgramDoc)
        parent_id, row = self._where[node_id]
        self.beginRemoveRows(self.index_of(parent_id), row, row)
        self._doc = pe.remove_node(self._doc, self._address(node_id))
        self._index_tree()
        self.endRemoveRows()
        self._after_structure(node)
        return parent_id, row, node

    def move(self, node_id: str, parent_id: str, index: int) -> None:
        """Move a node under `parent_id` to `index` (counted once the node is taken out)."""
        old_parent, old_row = self._where[node_id]
        destination = index if (parent_id != old_parent or index < old_row) else index + 1
        if parent_id == old_parent and destination in (old_row, old_row + 1):
            return
        source_index = self.index_of(old_parent)
        ok = self.beginMoveRows(
            source_index, old_row, old_row, self.index_of(parent_id), destination
        )
        assert ok, "the editor asked for a move Qt cannot express"
        self._doc = pe.move_node(self._doc, self._address(node_id), self._address(parent_id), index)
        self._index_tree()
        self.endMoveRows()
        self._after_structure(self._items[node_id])

    def replace(self, node: Node) -> None:
        """Put a changed node (same id) in place: a rename, notes, a config edit."""
        self._doc = pe.replace_node(self._doc, self._address(node.id), node)
        self._index_tree()
        index = self.index_of(node.id)
        self.dataChanged.emit(index, index)

    def set_program(self, doc: ProgramDoc) -> None:
        """Change the program's own fields (title, description, draft, data), not its tree."""
        assert doc.id == self._doc.id
        self._doc = replace(doc, blocks=self._doc.blocks)
        self._items[doc.id] = self._doc
        index = self.index_of(doc.id)
        self.dataChanged.emit(index, index)

    def _after_structure(self, node: Item) -> None:
        # Week numbers follow from the structure: a moved block or week renumbers the others.
        if isinstance(node, BlockDoc | WeekDoc):
            for item in self._items.values():
                if isinstance(item, WeekDoc):
                    index = self.index_of(item.id)
                    self.dataChanged.emit(index, index)

    def _refresh_all(self) -> None:
        for node_id in self._items:
            index = self.index_of(node_id)
            if index.isValid():
                self.dataChanged.emit(index, index)

    # -- Qt's model interface ---------------------------------------------------------------

    def index_of(self, node_id: str) -> QModelIndex:
        if not self._doc.id or node_id not in self._items:
            return QModelIndex()
        row = 0 if node_id == self._doc.id else self._where[node_id][1]
        return self.createIndex(row, 0, self._keys[node_id])

    def node_id(self, index: AnyIndex) -> str | None:
        return self._ids.get(index.internalId()) if index.isValid() else None

    def node(self, index: AnyIndex) -> Item | None:
        node_id = self.node_id(index)
        return self._items.get(node_id) if node_id is not None else None

    def index(
        self,
        row: int,
        column: int,
        parent: AnyIndex = QModelIndex(),  # noqa: B008 - Qt's signature
    ) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return (
                self.createIndex(0, 0, self._keys[self._doc.id])
                if row == 0 and self._doc.id
                else QModelIndex()
            )
        item = self.node(parent)
        if item is None or isinstance(item, ExerciseDoc):
            return QModelIndex()
        kids = pe.children(item)
        if row >= len(kids):
            return QModelIndex()
        return self.createIndex(row, 0, self._keys[kids[row].id])

    def parent(  # type: ignore[override]  # Qt's overload without an argument is QObject's
        self,
        index: AnyIndex = QModelIndex(),  # noqa: B008 - Qt's signature
    ) -> QModelIndex:
        node_id = self.node_id(index)
        if node_id is None or node_id == self._doc.id:
            return QModelIndex()
        return self.index_of(self._where[node_id][0])

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            return 1 if self._doc.id else 0
        item = self.node(parent)
        if item is None or isinstance(item, ExerciseDoc):
            return 0
        return len(pe.children(item))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def label(self, item: Item) -> str:
        if isinstance(item, ProgramDoc):
            return item.title or "Untitled program"
        if isinstance(item, BlockDoc):
            return item.title or f"Block {self._where[item.id][1] + 1}"
        if isinstance(item, WeekDoc):
            return f"Week {item.week_number}"
        if isinstance(item, SessionDoc):
            return item.title or f"Session {self._where[item.id][1] + 1}"
        return self._name_of(item.exercise_id)

    def data(  # noqa: PLR0911 - one early return per role reads best
        self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        item = self.node(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item)
        if role == Qt.ItemDataRole.EditRole:
            titled = isinstance(item, ProgramDoc | BlockDoc | SessionDoc)
            return (item.title or "") if titled else self.label(item)  # type: ignore[union-attr]  # titled
        if role == NODE_ID_ROLE:
            return item.id
        if role == LEVEL_ROLE:
            return "program" if isinstance(item, ProgramDoc) else pe.level_of(item)
        invalid = isinstance(item, ExerciseDoc) and not self.reading(item).is_valid
        if role == INVALID_ROLE:
            return invalid
        if role == Qt.ItemDataRole.ForegroundRole:
            return _INVALID_COLOR if invalid else _MUTED if isinstance(item, WeekDoc) else None
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(item, ExerciseDoc):
            issues = self.reading(item).issues
            return "\n".join(f"{i.label}: {i.message} Stored: {i.raw_text}" for i in issues) or None
        return None

    def _display(self, item: Item) -> str:
        if isinstance(item, ExerciseDoc):
            summary = prescription_summary(self.reading(item))
            return f"{self.label(item)}   —   {summary}" if summary else self.label(item)
        if isinstance(item, ProgramDoc) and item.is_draft:
            return f"{self.label(item)}  (draft)"
        return self.label(item)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        item = self.node(index)
        if item is None:
            # Dropping on the empty area below the tree appends a block.
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if isinstance(item, ProgramDoc | BlockDoc | SessionDoc):
            flags |= Qt.ItemFlag.ItemIsEditable
        if not isinstance(item, ProgramDoc):
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        if not isinstance(item, ExerciseDoc):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node_id = self.node_id(index)
        if node_id is None or role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        # The editor renames through an undoable command, which calls `replace`.
        self.rename_requested.emit(node_id, value.strip())
        return True

    # -- drag and drop ----------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [NODE_MIME, EXERCISE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = [i for i in (self.node_id(index) for index in indexes) if i and i != self._doc.id]
        data = QMimeData()
        data.setData(NODE_MIME, QByteArray("\n".join(ids).encode()))
        return data

    def _drop_target(self, row: int, parent: AnyIndex) -> tuple[Item, int] | None:
        target = self.node(parent) if parent.isValid() else self._doc
        if target is None or not self._doc.id:
            return None
        if isinstance(target, ExerciseDoc):
            # Dropped onto an exercise: it goes right after it, in the same session.
            session_id, at = self._where[target.id]
            return self._items[session_id], at + 1
        count = len(pe.children(target))
        return target, count if row < 0 or row > count else row

    def _accepts(self, data: QMimeData, row: int, parent: AnyIndex) -> bool:
        found = self._drop_target(row, parent)
        if found is None:
            return False
        target, _ = found
        if data.hasFormat(EXERCISE_MIME):
            return isinstance(target, SessionDoc) and bool(_ids(data, EXERCISE_MIME))
        if not data.hasFormat(NODE_MIME):
            return False
        ids = _ids(data, NODE_MIME)
        if len(ids) != 1 or ids[0] not in self._items:
            return False
        node = self._items[ids[0]]
        if _PARENT_TYPE.get(type(node)) is not type(target):
            return False
        # Not under itself: the target's address must not start with the node's.
        own = self._address(node.id)
        return self._address(target.id)[: len(own)] != own

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        return self._accepts(data, row, parent)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self._accepts(data, row, parent):
            return False
        found = self._drop_target(row, parent)
        assert found is not None
        target, at = found
        if data.hasFormat(EXERCISE_MIME):
            self.exercises_dropped.emit(target.id, at, _ids(data, EXERCISE_MIME))
            return True
        node_id = _ids(data, NODE_MIME)[0]
        old_parent, old_row = self._where[node_id]
        # Qt counts the drop row with the node still in place; the document counts without it.
        index = at - 1 if old_parent == target.id and at > old_row else at
        self.move_requested.emit(node_id, target.id, index)
        # The move is done by the editor's command; the view must not remove the source rows
        # itself, and the base class's `removeRows` (which it would call) does nothing.
        return True


def _ids(data: QMimeData, mime: str) -> list[str]:
    raw = bytes(data.data(mime).data()).decode()
    return [line for line in raw.splitlines() if line.strip()]
