"""The one object the UI talks to: every use case, bound to a unit-of-work factory.

It holds no Qt and no open connection; its methods are safe to call from a worker thread and
return plain frozen values.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from gbf_desktop.domain.drawings import Drawing
from gbf_desktop.domain.model import ExerciseRecord, ProgramSummary
from gbf_desktop.domain.program_edit import ProgramDoc
from gbf_desktop.domain.review import ClipReviewRecord
from gbf_desktop.services import annotations as annotation_service
from gbf_desktop.services import (
    auth,
    clip_reviews,
    clips,
    dashboard,
    files,
    logging_on_behalf,
    media,
    review,
)
from gbf_desktop.services import library as library_service
from gbf_desktop.services import programs as programs_service
from gbf_desktop.services.ports import MediaRepository, UnitOfWork
from gbf_desktop.services.takes import Take, TakeStore, TakesUnitOfWork


class ReviewStore(review.ReviewReads, logging_on_behalf.LoggingStore, Protocol):
    """The progress review's reads and the writes of logging on a student's behalf."""


class BackendMedia(MediaRepository, clips.ClipsMedia, Protocol):
    """The clip rows as the dashboard's port and the clips page's service both read them."""


class BackendUnitOfWork(
    UnitOfWork,
    library_service.LibraryUnitOfWork,
    programs_service.ScheduleUnitOfWork,
    clips.ClipsUnitOfWork,
    media.MediaUnitOfWork,
    annotation_service.AnnotationUnitOfWork,
    TakesUnitOfWork,
    Protocol,
):
    """Every service's narrow unit of work in one: what the composition root must provide.

    Each service module declares the subset it needs; `app.py` builds the Backend from a factory
    of `SqlUnitOfWork`, so mypy checks there, once, that it provides all of them.
    """

    @property
    def media(self) -> BackendMedia: ...

    @property
    def review(self) -> ReviewStore: ...

    @property
    def clip_reviews(self) -> clip_reviews.ClipReviewStore: ...


@dataclass(frozen=True)
class Backend:
    uow_factory: Callable[[], BackendUnitOfWork]
    # What the status bar shows: "built-in database" or the server URL with its password masked.
    database_label: str
    # Shown in the status bar when the server connection is not verified TLS (sslmode=require or
    # disable to a remote server); None when it is, or for the built-in database.
    connection_warning: str | None = None
    # Recorded and imported clips not stored yet, in the user's data folder (app.py gives it;
    # a Backend built without one, in tests, keeps takes in a folder of the dialog's own).
    takes: TakeStore | None = None
    # The day the dashboard counts as today; None for the computer's own (tests pin a day, so
    # what "today's sessions" holds does not depend on the weekday they run on).
    today: Callable[[], date] | None = None

    def recover_takes(self) -> list[Take]:
        """At the start: sweep partial files, settle interrupted stores, list the takes to offer."""
        if self.takes is None:
            return []
        return self.takes.recover(self.uow_factory)

    def sign_in(self, email: str, password: str) -> auth.SignedInUser:
        return auth.sign_in(self.uow_factory, email, password)

    def dashboard(self, coach_id: str) -> dashboard.DashboardView:
        today = self.today() if self.today is not None else None
        return dashboard.load_coach_dashboard(self.uow_factory, coach_id, today=today)

    # -- progress review ---------------------------------------------------------------------

    def students(self, coach_id: str, search: str = "") -> tuple[review.StudentRow, ...]:
        return review.load_students(self.uow_factory, coach_id, search=search)

    def student_progress(self, coach_id: str, student_id: str) -> review.StudentProgress:
        return review.load_student_progress(self.uow_factory, coach_id, student_id)

    def export_history_csv(self, coach_id: str, student_id: str, path: Path) -> int:
        """Write the student's history to `path` as CSV; returns the number of data rows.

        UTF-8 with a byte-order mark, so Excel shows accented names right; other tools skip it.
        """
        progress = self.student_progress(coach_id, student_id)
        text = io.StringIO(newline="")
        rows = review.write_history_csv(progress, text)
        # Whole or not at all; a missing folder, a locked file or a full disk is a message.
        files.write_atomically(
            path, text.getvalue().encode("utf-8-sig"), doing=f"save the history as {path.name}"
        )
        return rows

    def log_session(
        self,
        coach_id: str,
        student_id: str,
        session_id: str,
        exercises: Sequence[logging_on_behalf.ExerciseLog],
        *,
        expected_updated_at: datetime | None,
        expected_fingerprint: str | None = None,
        comment: str | None = None,
        performed_on: date | None = None,
    ) -> logging_on_behalf.SavedLog:
        return logging_on_behalf.log_session(
            self.uow_factory,
            coach_id=coach_id,
            student_id=student_id,
            session_id=session_id,
            exercises=exercises,
            expected_updated_at=expected_updated_at,
            expected_fingerprint=expected_fingerprint,
            comment=comment,
            performed_on=performed_on,
        )

    # -- clip review queue -------------------------------------------------------------------

    def review_queue(self, coach_id: str, limit: int | None = None) -> clip_reviews.ReviewQueue:
        return clip_reviews.load_queue(self.uow_factory, coach_id, limit=limit)

    def mark_clip_reviewed(
        self, coach_id: str, media_id: str, comment: str, *, private: bool = False
    ) -> ClipReviewRecord:
        """Mark the clip reviewed; a comment reaches the student unless `private`."""
        return clip_reviews.mark_reviewed(
            self.uow_factory, coach_id, media_id, comment, private=private
        )

    def attach_choices(self, coach_id: str) -> media.AttachChoices:
        """The coach's students and their programs' sessions, for attaching a clip."""
        return media.attach_choices(self.uow_factory, coach_id)

    def iter_store_clip(
        self,
        coach_id: str,
        student_id: str,
        session_id: str,
        file_path: Path,
        expected_sha256: str,
        *,
        inspect: media.ClipInspector,
        exercise: tuple[str, int] | None = None,
        media_id: str | None = None,
    ) -> Generator[media.StoreProgress, None, media.StoredClip]:
        """Store a checked clip on the student's session (see `media.iter_store_clip`)."""
        return media.iter_store_clip(
            self.uow_factory,
            inspect,
            coach_id=coach_id,
            student_id=student_id,
            session_id=session_id,
            file_path=file_path,
            expected_sha256=expected_sha256,
            exercise=exercise,
            media_id=media_id,
        )

    def clip_exercise_choices(
        self, coach_id: str, session_id: str
    ) -> tuple[media.SessionExerciseContext, ...]:
        """The exercises of a session a clip can be attached to (see `media.exercise_choices`)."""
        return media.exercise_choices(self.uow_factory, coach_id, session_id)

    def store_clip(
        self,
        coach_id: str,
        student_id: str,
        session_id: str,
        file_path: Path,
        expected_sha256: str,
        *,
        inspect: media.ClipInspector,
        exercise: tuple[str, int] | None = None,
    ) -> media.StoredClip:
        """`iter_store_clip` run to the end, for callers without an event loop."""
        steps = self.iter_store_clip(
            coach_id,
            student_id,
            session_id,
            file_path,
            expected_sha256,
            inspect=inspect,
            exercise=exercise,
        )
        while True:
            try:
                next(steps)
            except StopIteration as done:
                stored: media.StoredClip = done.value
                return stored

    # --- exercise library ----------------------------------------------------------------------

    @property
    def _library_uow(self) -> library_service.LibraryUowFactory:
        return self.uow_factory

    def library(self, user_id: str) -> library_service.LibraryCatalog:
        """The visible library in memory; search it with `catalog.search(...)` per keystroke."""
        return library_service.load_library(self._library_uow, user_id)

    def exercise_details(self, user_id: str, exercise_id: str) -> library_service.ExerciseDetails:
        return library_service.exercise_details(self._library_uow, user_id, exercise_id)

    def set_favourite(self, user_id: str, exercise_id: str, on: bool) -> bool:
        return library_service.set_favourite(self._library_uow, user_id, exercise_id, on)

    def create_exercise(self, user_id: str, draft: library_service.ExerciseDraft) -> ExerciseRecord:
        return library_service.create_exercise(self._library_uow, user_id, draft)

    def update_exercise(
        self, user_id: str, exercise_id: str, draft: library_service.ExerciseDraft
    ) -> ExerciseRecord:
        return library_service.update_exercise(self._library_uow, user_id, exercise_id, draft)

    def delete_exercise(self, user_id: str, exercise_id: str) -> None:
        library_service.delete_exercise(self._library_uow, user_id, exercise_id)

    # --- programs: the builder, assignment and templates -------------------------------------

    @property
    def _programs_uow(self) -> programs_service.ProgramsUowFactory:
        return self.uow_factory

    def programs(self, coach_id: str) -> tuple[ProgramSummary, ...]:
        return programs_service.list_programs(self._programs_uow, coach_id)

    def open_program(self, user_id: str, program_id: str) -> programs_service.OpenedProgram:
        return programs_service.open_program(self._programs_uow, user_id, program_id)

    def create_program(self, coach_id: str, document: ProgramDoc) -> programs_service.OpenedProgram:
        return programs_service.create_program(self._programs_uow, coach_id, document)

    def save_program(
        self,
        user_id: str,
        opened: programs_service.OpenedProgram,
        edited: ProgramDoc,
        *,
        overwrite: bool = False,
        confirmed: programs_service.RemovalImpact | None = None,
    ) -> programs_service.SavedProgram:
        return programs_service.save_program(
            self._programs_uow, user_id, opened, edited, overwrite=overwrite, confirmed=confirmed
        )

    def program_deletion_impact(
        self, user_id: str, program_id: str
    ) -> programs_service.RemovalImpact:
        return programs_service.deletion_impact(self._programs_uow, user_id, program_id)

    def delete_program(
        self,
        user_id: str,
        program_id: str,
        *,
        confirmed: programs_service.RemovalImpact | None = None,
    ) -> str:
        return programs_service.delete_program(
            self._programs_uow, user_id, program_id, confirmed=confirmed
        )

    def duplicate_program(self, coach_id: str, program_id: str) -> programs_service.OpenedProgram:
        return programs_service.duplicate_program(self._programs_uow, coach_id, program_id)

    def assign_program(
        self,
        coach_id: str,
        program_id: str,
        student_ids: Sequence[str],
        *,
        start: date | None = None,
    ) -> programs_service.AssignmentReport:
        """Assign; with `start`, the program's sessions are dated from that day."""
        return programs_service.assign_program(
            self._programs_uow, coach_id, program_id, student_ids, start=start
        )

    def schedule_preview(
        self, coach_id: str, program_id: str, student_ids: Sequence[str], start: date
    ) -> programs_service.SchedulePreview:
        """The dates a start day gives and the students it would double-book; no write."""
        return programs_service.schedule_preview(
            self.uow_factory, coach_id, program_id, student_ids, start
        )

    def program_assignments(
        self, coach_id: str, program_id: str
    ) -> tuple[programs_service.AssignmentView, ...]:
        return programs_service.assignments_of(self._programs_uow, coach_id, program_id)

    def unassign_preview(
        self, coach_id: str, assignment_id: str
    ) -> programs_service.AssignmentView:
        return programs_service.unassign_preview(self._programs_uow, coach_id, assignment_id)

    def unassign(self, coach_id: str, assignment_id: str) -> programs_service.AssignmentView:
        return programs_service.unassign(self._programs_uow, coach_id, assignment_id)

    # -- clips page, player, comparison ------------------------------------------------------

    def _clips_uow(self) -> clips.ClipsUowFactory:
        return self.uow_factory

    def clip_library(self, coach_id: str) -> clips.ClipLibrary:
        """The coach's students' clips, newest first, without their bytes."""
        return clips.list_clips(self._clips_uow(), coach_id)

    def clip_to_temp_file(self, coach_id: str, media_id: str, folder: Path | None = None) -> Path:
        """The clip's bytes in a new temporary file, for playing; the caller deletes it."""
        return clips.clip_to_temp_file(self._clips_uow(), coach_id, media_id, folder)

    def export_clip(self, coach_id: str, media_id: str, destination: Path) -> clips.ExportedClip:
        return clips.export_clip(self._clips_uow(), coach_id, media_id, destination)

    def delete_clip(self, coach_id: str, media_id: str) -> str:
        return clips.delete_clip(self._clips_uow(), coach_id, media_id)

    def clip_thumbnail(
        self, coach_id: str, media_id: str, cache_dir: Path, decode: clips.DecodeStill
    ) -> clips.Thumbnail:
        return clips.clip_thumbnail(self._clips_uow(), coach_id, media_id, cache_dir, decode)

    # -- drawings and bar paths on clips -----------------------------------------------------

    def _annotations_uow(self) -> annotation_service.AnnotationUowFactory:
        return self.uow_factory

    def clip_annotations(self, coach_id: str, media_id: str) -> annotation_service.ClipAnnotations:
        return annotation_service.load(self._annotations_uow(), coach_id, media_id)

    def save_clip_drawings(
        self, coach_id: str, media_id: str, drawings: Sequence[Drawing], width: int, height: int
    ) -> annotation_service.ClipAnnotations:
        return annotation_service.save_drawings(
            self._annotations_uow(), coach_id, media_id, drawings, width=width, height=height
        )

    def save_clip_bar_path(
        self, coach_id: str, media_id: str, result: dict[str, Any]
    ) -> annotation_service.ClipAnnotations:
        return annotation_service.save_bar_path(self._annotations_uow(), coach_id, media_id, result)
