"""The one object the UI talks to: every use case, bound to a unit-of-work factory.

It holds no Qt and no open connection; its methods are safe to call from a worker thread and
return plain frozen values.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from gbf_desktop.services import auth, dashboard, media
from gbf_desktop.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Backend:
    uow_factory: UnitOfWorkFactory
    # What the status bar shows: "built-in database" or the server URL with its password masked.
    database_label: str

    def sign_in(self, email: str, password: str) -> auth.SignedInUser:
        return auth.sign_in(self.uow_factory, email, password)

    def dashboard(self, coach_id: str) -> dashboard.DashboardView:
        return dashboard.load_dashboard(self.uow_factory, coach_id)

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
    ) -> Generator[media.StoreProgress, None, media.StoredClip]:
        """Store a checked clip on the student's session (see `media.iter_store_clip`)."""
        # The SQL unit of work carries `clip_store` besides the ports' repositories; the ports'
        # protocol stays as small as the read-only services need.
        factory = cast("media.MediaUnitOfWorkFactory", self.uow_factory)
        return media.iter_store_clip(
            factory,
            inspect,
            coach_id=coach_id,
            student_id=student_id,
            session_id=session_id,
            file_path=file_path,
            expected_sha256=expected_sha256,
        )

    def store_clip(
        self,
        coach_id: str,
        student_id: str,
        session_id: str,
        file_path: Path,
        expected_sha256: str,
        *,
        inspect: media.ClipInspector,
    ) -> media.StoredClip:
        """`iter_store_clip` run to the end, for callers without an event loop."""
        steps = self.iter_store_clip(
            coach_id, student_id, session_id, file_path, expected_sha256, inspect=inspect
        )
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return cast("media.StoredClip", done.value)
