"""The program editor's logic: the open program, its undo stack, and saving through the service.

`ProgramEditor` is the QObject the builder page's widgets talk to. Every change of the document
is a `QUndoCommand` built from the tree model's id-based primitives, so undo and redo replay
exactly the signals a view needs. Saving runs on the task runner's write pool; what the service
refuses (a conflict, logs that would be deleted) comes back as signals the page turns into dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from gbf_desktop.domain import program_edit as pe
from gbf_desktop.domain.exercise_types import ExerciseKind, new_prescription
from gbf_desktop.domain.program_edit import (
    BlockDoc,
    ExerciseDoc,
    Node,
    ProgramDoc,
    SessionDoc,
    WeekDoc,
)
from gbf_desktop.errors import KnownError
from gbf_desktop.services import programs as programs_service
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.programs import (
    ConfirmationRequired,
    OpenedProgram,
    ProgramConflict,
    ProgramVersion,
    RemovalImpact,
    SavedProgram,
)
from gbf_desktop.ui.kit.tasks import follow
from gbf_desktop.ui.programs.program_tree_model import ProgramTreeModel
from gbf_desktop.workers.tasks import Task, TaskRunner

# Typing in a title field merges into one undo step per field, as long as the typing goes on.
_MERGE_PROGRAM_FIELD = 1001
_MERGE_NODE_FIELD = 1002


class _Command(QUndoCommand):
    """A change made of two closures over the model's primitives."""

    def __init__(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._do = do
        self._undo = undo

    def redo(self) -> None:
        self._do()

    def undo(self) -> None:
        self._undo()


class _FieldCommand(QUndoCommand):
    """A change of one field of the program or of one node; consecutive ones merge."""

    def __init__(
        self,
        model: ProgramTreeModel,
        target_id: str,
        field: str,
        change: tuple[Any, Any],
        text: str,
    ) -> None:
        super().__init__(text)
        self._model = model
        self._target = target_id
        self._field = field
        self._old, self._new = change

    # For configs: which form field made the change. Typing in one field is one undo step;
    # a change of type, or of another field, is a step of its own.
    merge_key = ""

    def id(self) -> int:
        is_program = self._target == self._model.document.id
        if self._field == "config" and not self.merge_key:
            return -1
        return _MERGE_PROGRAM_FIELD if is_program else _MERGE_NODE_FIELD

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, _FieldCommand)
            or other._target != self._target
            or other._field != self._field
            or other.merge_key != self.merge_key
            or self.merge_key == "type"
        ):
            return False
        self._new = other._new
        return True

    def _set(self, value: Any) -> None:
        item = self._model.item(self._target)
        changes: dict[str, Any] = {self._field: value}
        if isinstance(item, ProgramDoc):
            self._model.set_program(replace(item, **changes))
        else:
            self._model.replace(replace(item, **changes))

    def redo(self) -> None:
        self._set(self._new)

    def undo(self) -> None:
        self._set(self._old)


class ProgramEditor(QObject):
    """One open program: the model the tree shows, the undo stack, and saving."""

    # The program was loaded (opened, reloaded or created): the page shows the editor.
    opened = Signal(object)  # OpenedProgram
    open_failed = Signal(str)
    save_started = Signal()
    saved = Signal(object)  # SavedProgram (or OpenedProgram for a first save)
    save_failed = Signal(str)
    # The service refuses until the coach confirms: the logs and clips that would go.
    confirmation_needed = Signal(object)  # RemovalImpact
    # The program changed elsewhere: the service's message and its list of changes.
    conflict = Signal(object)  # ProgramConflict
    dirty_changed = Signal(bool)
    busy_changed = Signal(bool)

    def __init__(
        self,
        backend: Backend,
        runner: TaskRunner,
        user_id: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._user_id = user_id
        self.model = ProgramTreeModel(self)
        self.undo_stack = QUndoStack(self)
        self._opened: OpenedProgram | None = None
        # A program made with "New program" lives only here until its first save: Discard
        # (or closing the app) then leaves no empty draft behind.
        self._unsaved_new = False
        self._task: Task | None = None
        self._wire()

    def _wire(self) -> None:
        self.model.move_requested.connect(self._on_model_move_requested)
        self.model.exercises_dropped.connect(self._on_model_exercises_dropped)
        self.model.rename_requested.connect(self._on_model_rename_requested)
        self.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)

    # -- state ------------------------------------------------------------------------------

    @property
    def document(self) -> ProgramDoc:
        return self.model.document

    @property
    def opened_program(self) -> OpenedProgram | None:
        return self._opened

    @property
    def is_open(self) -> bool:
        return self._opened is not None

    @property
    def dirty(self) -> bool:
        return self.is_open and (self._unsaved_new or not self.undo_stack.isClean())

    @property
    def is_new(self) -> bool:
        """Opened with "New program" and not saved yet: nothing of it is in the database."""
        return self.is_open and self._unsaved_new

    @property
    def busy(self) -> bool:
        return self._task is not None

    # -- loading ----------------------------------------------------------------------------

    def open(self, program_id: str) -> None:
        self._run(
            self._runner.read(self._backend.open_program, self._user_id, program_id),
            self._on_open_task_succeeded,
            self._on_open_task_failed,
        )

    def reload(self) -> None:
        if self._opened is not None:
            self.open(self._opened.document.id)

    def load(self, opened: OpenedProgram) -> None:
        """Show a program the caller already has (a new one, a duplicate)."""
        self._unsaved_new = False
        self._opened = opened
        self.undo_stack.clear()
        self.model.set_document(opened.document)
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        self.opened.emit(opened)

    def close(self) -> None:
        self._unsaved_new = False
        self._opened = None
        self.undo_stack.clear()
        self.model.set_document(ProgramDoc(id="", title=""))

    def create(self, title: str) -> None:
        """Open a new, empty draft program; nothing is written until its first save."""
        document = programs_service.new_document(title)
        self.load(
            OpenedProgram(
                document=document,
                version=ProgramVersion(updated_at=programs_service.utc_now(), fingerprint=""),
                coach_id=self._user_id,
                exercise_names={},
            )
        )
        self._unsaved_new = True
        self.dirty_changed.emit(True)

    def duplicate_program(self, program_id: str) -> None:
        """Copy a program as a draft template (new ids everywhere) and open the copy."""
        task = self._runner.write(self._backend.duplicate_program, self._user_id, program_id)
        self._run(task, self._on_open_task_succeeded, self._on_open_task_failed)

    def set_library(
        self, name_of: Callable[[str], str], type_of: Callable[[str], str | None]
    ) -> None:
        self.model.set_library(name_of, type_of)

    def starting_configs(self, exercise_ids: list[str]) -> dict[str, Any]:
        """A new exercise's prescription: the web builder's defaults for its library type."""
        return {
            eid: new_prescription(
                ExerciseKind.from_library(self.model.library_type(eid))
            ).to_config()
            for eid in exercise_ids
        }

    # -- edits (each one undoable) ----------------------------------------------------------

    def insert(self, parent_id: str, row: int, node: Node, text: str) -> None:
        self.undo_stack.push(
            _Command(
                text,
                lambda: self.model.insert(parent_id, row, node),
                lambda: self._remove(node.id),
            )
        )

    def add_block(self) -> BlockDoc:
        count = len(self.document.blocks)
        week = WeekDoc(id=pe.fresh_id())
        block = BlockDoc(id=pe.fresh_id(), title=f"Block {count + 1}", weeks=(week,))
        self.insert(self.document.id, count, block, "Add block")
        return block

    def add_week(self, block_id: str) -> WeekDoc:
        block = self.model.item(block_id)
        assert isinstance(block, BlockDoc)
        week = WeekDoc(id=pe.fresh_id())
        self.insert(block_id, len(block.weeks), week, "Add week")
        return week

    def add_session(self, week_id: str) -> SessionDoc:
        week = self.model.item(week_id)
        assert isinstance(week, WeekDoc)
        session = SessionDoc(id=pe.fresh_id(), title=f"Session {len(week.sessions) + 1}")
        self.insert(week_id, len(week.sessions), session, "Add session")
        return session

    def add_exercises(
        self, session_id: str, row: int, exercise_ids: list[str], configs: dict[str, Any]
    ) -> list[ExerciseDoc]:
        """Add library exercises to a session; `configs` gives each a starting prescription."""
        nodes = [
            ExerciseDoc(id=pe.fresh_id(), exercise_id=eid, config=configs.get(eid))
            for eid in exercise_ids
        ]
        if not nodes:
            return []
        self.undo_stack.beginMacro("Add exercise" if len(nodes) == 1 else "Add exercises")
        for offset, node in enumerate(nodes):
            self.insert(session_id, row + offset, node, "Add exercise")
        self.undo_stack.endMacro()
        return nodes

    def remove(self, node_id: str) -> None:
        node = self.model.item(node_id)
        assert not isinstance(node, ProgramDoc)
        parent_id, row = self.model.parent_id(node_id), self.model.row_of(node_id)
        self.undo_stack.push(
            _Command(
                f"Remove {self.model.label(node)}",
                lambda: self._remove(node_id),
                lambda: self.model.insert(parent_id, row, node),
            )
        )

    def _remove(self, node_id: str) -> None:
        self.model.remove(node_id)

    def move(self, node_id: str, parent_id: str, index: int) -> None:
        """Move a node to `index` under `parent_id`, counted without the node itself."""
        old_parent, old_row = self.model.parent_id(node_id), self.model.row_of(node_id)
        if old_parent == parent_id and old_row == index:
            return
        self.undo_stack.push(
            _Command(
                f"Move {self.model.label(self.model.item(node_id))}",
                lambda: self.model.move(node_id, parent_id, index),
                lambda: self.model.move(node_id, old_parent, old_row),
            )
        )

    def move_by(self, node_id: str, step: int) -> bool:
        """Move a node one place up (-1) or down (+1) among its siblings; False at an end."""
        parent_id, row = self.model.parent_id(node_id), self.model.row_of(node_id)
        siblings = pe.children(self.model.item(parent_id))  # type: ignore[arg-type]  # a parent
        target = row + step
        if not 0 <= target < len(siblings):
            return False
        self.move(node_id, parent_id, target)
        return True

    def duplicate(self, node_id: str) -> Node:
        node = self.model.item(node_id)
        assert not isinstance(node, ProgramDoc)
        twin = pe.copy_with_new_ids(node)
        if isinstance(twin, SessionDoc) and twin.title:
            twin = replace(twin, title=f"{twin.title} (copy)")
        parent_id, row = self.model.parent_id(node_id), self.model.row_of(node_id)
        self.insert(parent_id, row + 1, twin, f"Duplicate {self.model.label(node)}")
        return twin

    def set_field(
        self, target_id: str, field: str, value: Any, text: str, merge_key: str = ""
    ) -> None:
        item = self.model.item(target_id)
        old = getattr(item, field)
        if pe.same_value(old, value):
            return
        command = _FieldCommand(self.model, target_id, field, (old, value), text)
        command.merge_key = merge_key
        self.undo_stack.push(command)

    def set_config(self, node_id: str, config: Any, merge_key: str = "") -> None:
        """A prescription edit; successive edits of one form field merge into one undo step."""
        self.set_field(node_id, "config", config, "Change prescription", merge_key)

    # -- saving -----------------------------------------------------------------------------

    def save(self, *, overwrite: bool = False, confirmed: RemovalImpact | None = None) -> None:
        if self._opened is None or self.busy:
            return
        self.save_started.emit()
        if self._unsaved_new:
            # The first save inserts the whole program, as it stands, in one transaction.
            task = self._runner.write(self._backend.create_program, self._user_id, self.document)
            self._run(task, self._on_create_task_succeeded, self._on_save_task_failed)
            return
        task = self._runner.write(
            self._backend.save_program,
            self._user_id,
            self._opened,
            self.document,
            overwrite=overwrite,
            confirmed=confirmed,
        )
        self._run(task, self._on_save_task_succeeded, self._on_save_task_failed)

    def _run(
        self, task: Task, succeeded: Callable[[Any], None], failed: Callable[[KnownError], None]
    ) -> None:
        self._task = follow(
            task,
            self,
            done=succeeded,
            on_error=failed,
            failed=self.save_failed.emit,
            finished=self._on_task_finished,
        )
        self.busy_changed.emit(True)

    @Slot(object)
    def _on_open_task_succeeded(self, opened: OpenedProgram) -> None:
        self.load(opened)

    @Slot(object)
    def _on_open_task_failed(self, error: KnownError) -> None:
        self.open_failed.emit(str(error))

    @Slot(object)
    def _on_create_task_succeeded(self, opened: OpenedProgram) -> None:
        self._unsaved_new = False
        self._opened = opened
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        counts = opened.document.counts()
        self.saved.emit(
            SavedProgram(
                opened=opened,
                changes=(f"Created {opened.document.title}",),
                rows={"inserted": 1 + sum(counts.values()), "updated": 0, "deleted": 0},
            )
        )

    @Slot(object)
    def _on_save_task_succeeded(self, result: SavedProgram) -> None:
        kept = pe.fingerprint(result.opened.document) == pe.fingerprint(self.document)
        self._opened = result.opened
        if kept:
            # The rows are what the editor shows: keep the undo history, mark this point saved.
            self.undo_stack.setClean()
        else:
            # An overwrite matched rows the web recreated: the ids changed under the history.
            self.undo_stack.clear()
            self.model.set_document(result.opened.document)
            self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        self.saved.emit(result)

    @Slot(object)
    def _on_save_task_failed(self, error: KnownError) -> None:
        if isinstance(error, ConfirmationRequired):
            self.confirmation_needed.emit(error.impact)
        elif isinstance(error, ProgramConflict):
            self.conflict.emit(error)
        else:
            self.save_failed.emit(str(error))

    @Slot()
    def _on_task_finished(self) -> None:
        self._task = None
        self.busy_changed.emit(False)

    # -- requests from the model ------------------------------------------------------------

    @Slot(str, str, int)
    def _on_model_move_requested(self, node_id: str, parent_id: str, index: int) -> None:
        self.move(node_id, parent_id, index)

    @Slot(str, int, list)
    def _on_model_exercises_dropped(self, session_id: str, row: int, ids: list[str]) -> None:
        self.add_exercises(session_id, row, ids, self.starting_configs(ids))

    @Slot(str, str)
    def _on_model_rename_requested(self, node_id: str, title: str) -> None:
        item = self.model.item(node_id)
        if isinstance(item, ProgramDoc) and not title:
            return  # a program needs a title; the edit is dropped rather than saved empty
        self.set_field(node_id, "title", title or None, "Rename")

    @Slot(bool)
    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(self.is_open and (self._unsaved_new or not clean))
