"""Reviewing stored form clips: the listing, a clip's bytes for playing or exporting, deleting.

Every use case is scoped to the coach: a clip is reachable only through one of the coach's students,
so a media id typed or pasted from elsewhere cannot play, export or delete someone else's clip.
Listings carry metadata only; a clip's bytes are read one clip at a time, when a person asks to
play, export or see a thumbnail of it.

The narrow unit of work these functions need is declared here, not in `ports.py`: it is all this
module asks of storage, and a fake for it fits in a test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from gbf_desktop.domain import write_rules as rules
from gbf_desktop.domain.model import ClipInfo, UserRecord
from gbf_desktop.errors import KnownError, MediaError, disk_full, is_disk_full
from gbf_desktop.services.files import write_atomically
from gbf_desktop.services.ports import UnitOfWorkBase

# --- What storage must offer ------------------------------------------------------------------


@dataclass(frozen=True)
class SessionContext:
    """Where a logged session sits in its program, and the old video references it holds."""

    progress_id: str
    session_id: str
    student_id: str
    program_title: str
    block_title: str | None
    week_number: int
    session_title: str | None
    session_date: datetime | None
    saved_at: datetime
    # `session_progress.videos`: strings stored by older web versions (URLs or file names).
    videos: tuple[str, ...]


class ClipsUsers(Protocol):
    def students_of(self, coach_id: str) -> Sequence[UserRecord]: ...


class ClipsMedia(Protocol):
    def list_for_students(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[ClipInfo]: ...

    def sessions_with_clips(
        self, coach_id: str, student_ids: Sequence[str]
    ) -> Sequence[SessionContext]:
        """Logged sessions of the coach's students that hold a clip or an old video reference."""
        ...

    def clip_info(self, media_id: str) -> ClipInfo | None: ...

    def read_bytes(self, media_id: str) -> bytes | None: ...

    def delete(self, media_id: str) -> bool:
        """Delete one clip's row; False when it was already gone."""
        ...


class ClipsUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> ClipsUsers: ...

    @property
    def media(self) -> ClipsMedia: ...


ClipsUowFactory = Callable[[], ClipsUnitOfWork]


# --- What the UI gets -------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentChoice:
    id: str
    name: str


def _where(program: str | None, block: str | None, week: int | None) -> str:
    week_text = f"Week {week}" if week is not None else None
    return " · ".join(part for part in (program, block, week_text) if part)


@dataclass(frozen=True)
class ClipRow:
    """One stored clip as the clips page lists it: who, which session, when, how big."""

    media_id: str
    progress_id: str
    session_id: str
    student_id: str
    student_name: str
    mime_type: str
    size: int
    created_at: datetime
    program_title: str | None
    block_title: str | None
    week_number: int | None
    session_title: str | None
    session_date: datetime | None

    @property
    def session_label(self) -> str:
        return self.session_title or "Untitled session"

    @property
    def where_label(self) -> str:
        """The session's place in its program, e.g. "Strength base · Accumulation · Week 8"."""
        return _where(self.program_title, self.block_title, self.week_number)

    @property
    def description(self) -> str:
        """Names the clip for a person: the student and the session, as a confirmation says."""
        where = f" ({self.where_label})" if self.where_label else ""
        return f"{self.student_name}, {self.session_label}{where}"

    def matches(self, words: str) -> bool:
        """True when every word of the search appears in the clip's student, session or date."""
        haystack = " ".join(
            (
                self.student_name,
                self.session_label,
                self.where_label,
                f"{self.created_at:%Y-%m-%d %d %b %B %Y}",
            )
        ).casefold()
        return all(word in haystack for word in words.casefold().split())


_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class VideoReference:
    """An entry of `session_progress.videos`: older web versions stored a link or a file name
    there instead of the clip. It is shown as it is; only a web link can be opened."""

    progress_id: str
    student_id: str
    student_name: str
    reference: str
    saved_at: datetime
    program_title: str
    block_title: str | None
    week_number: int
    session_title: str | None

    @property
    def url(self) -> str | None:
        text = self.reference.strip()
        return text if _URL.match(text) else None

    @property
    def session_label(self) -> str:
        title = self.session_title or "Untitled session"
        return f"{title} · {_where(self.program_title, self.block_title, self.week_number)}"

    def matches(self, words: str) -> bool:
        haystack = f"{self.student_name} {self.session_label} {self.reference}".casefold()
        return all(word in haystack for word in words.casefold().split())


@dataclass(frozen=True)
class ClipLibrary:
    """Everything the clips page shows, newest clip first; no clip's bytes."""

    students: tuple[StudentChoice, ...]
    clips: tuple[ClipRow, ...]
    references: tuple[VideoReference, ...]


@dataclass(frozen=True)
class ExportedClip:
    path: Path
    size: int


@dataclass(frozen=True)
class Still:
    """One decoded picture of a clip, as PNG bytes, and what decoding it learnt about the clip."""

    png: bytes
    width: int
    height: int
    duration_s: float | None


# Decodes a picture from a clip's bytes; raises MediaError when the bytes are not a playable video.
DecodeStill = Callable[[bytes], Still]


@dataclass(frozen=True)
class Thumbnail:
    media_id: str
    path: Path
    width: int
    height: int
    duration_s: float | None


class ClipNotFound(KnownError):
    """The clip is not (or no longer) among the coach's students' clips."""


def _not_found() -> ClipNotFound:
    return ClipNotFound(
        "This clip is no longer in the database: it may have been deleted from another "
        "workstation or from the web platform.",
        hint="Refresh the clips page (F5) to see the clips as they are now.",
    )


# --- Use cases --------------------------------------------------------------------------------


def list_clips(uow_factory: ClipsUowFactory, coach_id: str) -> ClipLibrary:
    """The coach's students' clips, newest first, with their sessions' titles and old references."""
    with uow_factory() as uow:
        students = list(uow.users.students_of(coach_id))
        ids = [s.id for s in students]
        clips = uow.media.list_for_students(coach_id, ids)
        contexts = {c.progress_id: c for c in uow.media.sessions_with_clips(coach_id, ids)}
    names = {s.id: s.display_name for s in students}

    rows = []
    for clip in clips:
        ctx = contexts.get(clip.progress_id)
        rows.append(
            ClipRow(
                media_id=clip.id,
                progress_id=clip.progress_id,
                session_id=clip.session_id,
                student_id=clip.student_id,
                student_name=names.get(clip.student_id, "Unknown student"),
                mime_type=clip.mime_type,
                size=clip.size,
                created_at=clip.created_at,
                program_title=ctx.program_title if ctx else None,
                block_title=ctx.block_title if ctx else None,
                week_number=ctx.week_number if ctx else None,
                session_title=ctx.session_title if ctx else None,
                session_date=ctx.session_date if ctx else None,
            )
        )
    references = [
        VideoReference(
            progress_id=ctx.progress_id,
            student_id=ctx.student_id,
            student_name=names.get(ctx.student_id, "Unknown student"),
            reference=video,
            saved_at=ctx.saved_at,
            program_title=ctx.program_title,
            block_title=ctx.block_title,
            week_number=ctx.week_number,
            session_title=ctx.session_title,
        )
        for ctx in contexts.values()
        for video in ctx.videos
        if video.strip()
    ]
    references.sort(key=lambda r: (r.saved_at, r.progress_id, r.reference), reverse=True)
    choices = tuple(
        StudentChoice(s.id, s.display_name)
        for s in sorted(students, key=lambda s: s.display_name.casefold())
    )
    return ClipLibrary(students=choices, clips=tuple(rows), references=tuple(references))


def _owned_clip(uow: ClipsUnitOfWork, coach_id: str, media_id: str) -> ClipInfo:
    info = uow.media.clip_info(media_id)
    if info is None:
        raise _not_found()
    if info.student_id not in {s.id for s in uow.users.students_of(coach_id)}:
        # Said the same way as a missing clip: another coach's clips are not ours to confirm.
        raise _not_found()
    return info


def _clip_bytes(uow_factory: ClipsUowFactory, coach_id: str, media_id: str) -> bytes:
    with uow_factory() as uow:
        _owned_clip(uow, coach_id, media_id)
        data = uow.media.read_bytes(media_id)
    if data is None:
        raise _not_found()
    return data


def clip_to_temp_file(
    uow_factory: ClipsUowFactory, coach_id: str, media_id: str, folder: Path | None = None
) -> Path:
    """The clip's bytes in a new temporary file, for a media player that reads files.

    The caller owns the file and deletes it when done with it.
    """
    data = _clip_bytes(uow_factory, coach_id, media_id)
    fd, name = tempfile.mkstemp(prefix="gbf-clip-", suffix=".mp4", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as err:
        # A half-written copy would play as a broken clip; none is left.
        with contextlib.suppress(OSError):
            os.unlink(name)
        if is_disk_full(err):
            raise disk_full(Path(name).parent, "make a copy of the clip to play") from err
        raise MediaError(
            f"The clip could not be copied for playing: {err.strerror or err}.",
            hint="Check that the temporary folder exists and may be written.",
        ) from err
    return Path(name)


def export_clip(
    uow_factory: ClipsUowFactory, coach_id: str, media_id: str, destination: Path
) -> ExportedClip:
    """Write the clip's stored bytes, unchanged, to `destination` (replacing what is there)."""
    data = _clip_bytes(uow_factory, coach_id, media_id)
    write_atomically(destination, data, doing=f"save the clip as {destination.name}")
    return ExportedClip(path=destination, size=len(data))


def delete_clip(uow_factory: ClipsUowFactory, coach_id: str, media_id: str) -> str:
    """Delete one clip of one of the coach's students, in one transaction; returns its id."""
    rules.check_ids(coach_id=coach_id, media_id=media_id)
    with uow_factory() as uow:
        _owned_clip(uow, coach_id, media_id)
        if not uow.media.delete(media_id):
            raise _not_found()
        uow.commit()
    return media_id


_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def _cache_stem(media_id: str) -> str:
    # Platform ids are UUIDs; anything else is hashed so it can never name a path outside the cache.
    if _SAFE_NAME.match(media_id):
        return media_id
    return hashlib.sha256(media_id.encode()).hexdigest()


def cached_thumbnail(cache_dir: Path, media_id: str) -> Thumbnail | None:
    """The thumbnail made earlier for this clip, if the cache still has it."""
    stem = _cache_stem(media_id)
    image, facts = cache_dir / f"{stem}.png", cache_dir / f"{stem}.json"
    try:
        meta = json.loads(facts.read_text(encoding="utf-8"))
        if not image.is_file():
            return None
        duration = meta.get("duration_s")
        return Thumbnail(
            media_id=media_id,
            path=image,
            width=int(meta["width"]),
            height=int(meta["height"]),
            duration_s=float(duration) if duration is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: it is made again


def clip_thumbnail(
    uow_factory: ClipsUowFactory,
    coach_id: str,
    media_id: str,
    cache_dir: Path,
    decode: DecodeStill,
) -> Thumbnail:
    """A picture of the clip, from the disk cache or decoded from its bytes and cached.

    A stored clip's bytes never change under the same id (the platform only inserts and deletes),
    so the media id is a sufficient cache key.
    """
    # One cache folder per coach: a picture gets into it only after this coach's ownership of
    # the clip was checked (below), so a hit needs no query, and a picture another coach cached
    # on this workstation is never served to this one.
    cache_dir = cache_dir / _cache_stem(coach_id)
    found = cached_thumbnail(cache_dir, media_id)
    if found is not None:
        return found
    still = decode(_clip_bytes(uow_factory, coach_id, media_id))
    stem = _cache_stem(media_id)
    facts = {"width": still.width, "height": still.height, "duration_s": still.duration_s}
    write_atomically(cache_dir / f"{stem}.png", still.png, doing="keep the clip's thumbnail")
    write_atomically(
        cache_dir / f"{stem}.json", json.dumps(facts).encode(), doing="keep the clip's thumbnail"
    )
    return Thumbnail(
        media_id=media_id,
        path=cache_dir / f"{stem}.png",
        width=still.width,
        height=still.height,
        duration_s=still.duration_s,
    )
