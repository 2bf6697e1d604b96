"""Takes: clips the coach recorded or imported that are not stored in the database yet.

A take lives in the user's data folder (`Settings.takes_dir`), never in a temporary folder the
system may clear, from the moment its encode finishes until it is stored or the coach discards it.
Each take is two files: the clip, `<id>.mp4`, and beside it `<id>.json`, what the coach would want
to know about it (recorded or imported, from which file, when, how long). Both are written whole
or not at all (`files`), so a crash leaves a take complete or absent, never half of one.

Storing marks the take first with the media id its database row will carry. If the app dies
during the store, the next start asks the database whether that row exists: it does when the
transaction committed just before the kill (the take is then done with), it does not when the
store rolled back (the take is offered again). A take is therefore never both stored and offered,
nor lost.

At the start, `recover` sweeps the partial files that killed encodes and writes left, settles
interrupted stores, and returns the takes to offer: store, export or discard.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from gbf_desktop.errors import KnownError, MediaError, disk_full, is_disk_full
from gbf_desktop.services.files import partial_path, sweep_partials, write_atomically
from gbf_desktop.services.ports import UnitOfWorkBase

_log = logging.getLogger(__name__)

RECORDED = "recorded"
IMPORTED = "imported"
TRIMMED = "trimmed"
CLIP_SUFFIX = ".mp4"
_FACTS_SUFFIX = ".json"


@dataclass(frozen=True)
class Take:
    """One clip waiting to be stored."""

    id: str
    path: Path
    origin: str  # RECORDED, IMPORTED or TRIMMED
    created_at: datetime
    size_bytes: int
    duration_s: float | None = None
    # The imported file's name, for "squat.mov, imported 3 Mar".
    source_name: str | None = None
    warnings: tuple[str, ...] = ()
    # Set while a store is under way: the id the new exercise_media row carries.
    storing_media_id: str | None = None

    @property
    def label(self) -> str:
        """How the take is named to the coach, e.g. "Imported from squat.mov"."""
        if self.origin == IMPORTED and self.source_name:
            return f"Imported from {self.source_name}"
        if self.origin == TRIMMED:
            return f"Cut from {self.source_name}" if self.source_name else "Cut from a recording"
        return "Recorded with the camera" if self.origin == RECORDED else "Clip"


class _MediaLookup(Protocol):
    def clip_info(self, media_id: str) -> object | None: ...


class TakesUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def media(self) -> _MediaLookup: ...


TakesUowFactory = Callable[[], TakesUnitOfWork]


def _now() -> datetime:
    return datetime.now(UTC)


class TakeStore:
    """The takes folder. Every method is safe from a worker thread; none holds a file open."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    # --- making takes ------------------------------------------------------------------------

    def new_clip_path(self) -> Path:
        """Where the next take's encode should put its clip (the encoder writes a partial beside
        it and renames it into place when the clip is complete)."""
        self._make_folder()
        return self.folder / f"{uuid.uuid4().hex}{CLIP_SUFFIX}"

    def keep(
        self,
        clip: Path,
        *,
        origin: str,
        duration_s: float | None = None,
        source_name: str | None = None,
        warnings: tuple[str, ...] = (),
    ) -> Take:
        """Record the finished clip at `clip` (a path from `new_clip_path`) as a take."""
        clip = Path(clip)
        if clip.parent.resolve() != self.folder.resolve():
            raise ValueError(f"{clip} is not in the takes folder {self.folder}")
        take = Take(
            id=clip.stem,
            path=clip,
            origin=origin,
            created_at=_now(),
            size_bytes=clip.stat().st_size,
            duration_s=duration_s,
            source_name=source_name,
            warnings=tuple(warnings),
        )
        self._write_facts(take)
        return take

    def find(self, clip: Path) -> Take | None:
        """The take whose clip is at `clip`, if it is one."""
        clip = Path(clip)
        if clip.parent.resolve() != self.folder.resolve() or not clip.is_file():
            return None
        return self._read(clip)

    def pending(self) -> list[Take]:
        """Every take in the folder, oldest first."""
        try:
            clips = sorted(self.folder.glob(f"*{CLIP_SUFFIX}"))
        except OSError:
            return []
        found = [
            take
            for clip in clips
            if not clip.name.startswith(".") and (take := self._read(clip)) is not None
        ]
        return sorted(found, key=lambda take: (take.created_at, take.id))

    # --- storing, exporting, discarding ------------------------------------------------------

    def mark_storing(self, take: Take, media_id: str | None) -> Take:
        """Say (or, with None, unsay) that `take` is being stored as `media_id`."""
        marked = replace(take, storing_media_id=media_id)
        self._write_facts(marked)
        return marked

    def discard(self, take: Take) -> None:
        """Delete the take's files (after a store, or because the coach said so)."""
        for path in (take.path, self._facts_path(take.path)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def export(self, take: Take, destination: Path) -> Path:
        """Copy the take's clip to `destination`, whole or not at all; the take stays."""
        destination = Path(destination)
        if destination.is_dir():
            destination = destination / f"clip-{take.created_at:%Y%m%d-%H%M%S}{CLIP_SUFFIX}"
        partial = partial_path(destination)
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(take.path, partial)
            partial.replace(destination)
        except OSError as err:
            with contextlib.suppress(OSError):
                partial.unlink()
            if is_disk_full(err):
                raise disk_full(destination.parent, f"save the clip as {destination.name}") from err
            raise MediaError(
                f"The clip could not be saved to {destination}: {err.strerror or err}.",
                hint="Choose a folder you can write to.",
            ) from err
        return destination

    # --- the start ---------------------------------------------------------------------------

    def recover(self, uow_factory: TakesUowFactory | None) -> list[Take]:
        """Sweep partials, settle stores a kill interrupted, and return the takes to offer.

        Without a database (`uow_factory` None, or one that cannot be reached) an interrupted
        store cannot be settled; its take is offered, still marked, and asked about again at the
        next start.
        """
        sweep_partials([self.folder])
        offered: list[Take] = []
        for take in self.pending():
            if take.storing_media_id is None:
                offered.append(take)
                continue
            if uow_factory is None:
                offered.append(take)
                continue
            try:
                with uow_factory() as uow:
                    stored = uow.media.clip_info(take.storing_media_id) is not None
            except KnownError:
                # The database cannot say (unreachable): offered still marked, asked again later.
                offered.append(take)
                continue
            if stored:
                _log.info("take %s was stored as %s before a stop", take.id, take.storing_media_id)
                self.discard(take)
            else:
                offered.append(self.mark_storing(take, None))
        return offered

    # --- the files ---------------------------------------------------------------------------

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise MediaError(
                f"The folder for unsaved clips, {self.folder}, cannot be made: "
                f"{err.strerror or err}.",
                hint="Check the data folder (GBF_DATA_DIR) exists and may be written.",
            ) from err

    @staticmethod
    def _facts_path(clip: Path) -> Path:
        return clip.with_suffix(_FACTS_SUFFIX)

    def _write_facts(self, take: Take) -> None:
        facts = asdict(take)
        facts.pop("path")
        facts["created_at"] = take.created_at.isoformat()
        facts["warnings"] = list(take.warnings)
        write_atomically(
            self._facts_path(take.path),
            json.dumps(facts, indent=1).encode(),
            doing="keep the clip until it is stored",
        )

    def _read(self, clip: Path) -> Take | None:
        try:
            size = clip.stat().st_size
        except OSError:
            return None
        try:
            facts = json.loads(self._facts_path(clip).read_text(encoding="utf-8"))
            return Take(
                id=clip.stem,
                path=clip,
                origin=str(facts.get("origin") or RECORDED),
                created_at=datetime.fromisoformat(str(facts["created_at"])),
                size_bytes=size,
                duration_s=_number(facts.get("duration_s")),
                source_name=facts.get("source_name") or None,
                warnings=tuple(str(w) for w in facts.get("warnings") or ()),
                storing_media_id=facts.get("storing_media_id") or None,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A clip whose facts are missing or unreadable (killed between the clip's rename and
            # the facts' write) is still the coach's work: offered with what the file says.
            try:
                modified = datetime.fromtimestamp(clip.stat().st_mtime, UTC)
            except OSError:
                return None
            return Take(id=clip.stem, path=clip, origin="", created_at=modified, size_bytes=size)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None
