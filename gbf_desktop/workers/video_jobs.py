"""The clip jobs the dialogs run on the task runner, and the camera loop behind the recorder.

Every job is a plain function or generator over plain values (paths, ids, numbers), so it runs on
a `TaskRunner` pool and reports through its `Task`: generators yield progress and stop at the next
yield when cancelled, their `finally` blocks deleting partial files. Only `CameraJob` holds Qt: the
preview must reach the GUI thread as pictures, at the camera's pace, without queueing up behind a
busy screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from gbf_desktop.domain import clips
from gbf_desktop.errors import MediaError
from gbf_desktop.services.backend import Backend
from gbf_desktop.services.media import StoredClip, StoreProgress

# compress's own reader of an encoded clip: the facts its contract check judged, read the same way.
from gbf_desktop.video.compress import EncodedClip, _facts, iter_compress
from gbf_desktop.video.ffmpeg import Progress
from gbf_desktop.video.probe import MediaInfo, probe

_HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ReadyClip:
    """A clip in the stored format, checked, with the digest of the bytes that were checked."""

    path: Path
    sha256: str
    size_bytes: int
    duration_s: float
    width: int
    height: int


def clip_facts(path: Path) -> clips.ClipFacts:
    """What the contract is judged on, for `Backend.iter_store_clip(inspect=...)`."""
    facts, _info = _facts(Path(path))
    return facts


def check_clip(path: Path) -> ReadyClip:
    """Probe the clip, check it against the contract and hash it; `MediaError` if it fails."""
    path = Path(path)
    facts = clip_facts(path)
    problems = clips.contract_violations(facts)
    if problems:
        raise MediaError(
            f"The clip {path.name} does not meet the clip format: " + "; ".join(problems) + ".",
            hint="This is a bug in GoBeyondFit Desktop; please report it with the file.",
        )
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return ReadyClip(
        path=path,
        sha256=digest.hexdigest(),
        size_bytes=facts.size_bytes,
        duration_s=facts.duration_s,
        width=facts.width,
        height=facts.height,
    )


def probe_job(path: Path) -> MediaInfo:
    """Probe before anything else is done with a file; `MediaError` says why it is unusable."""
    return probe(Path(path))


def compress_job(
    source: Path,
    output: Path,
    start_s: float | None = None,
    end_s: float | None = None,
    ffmpeg_path: str | None = None,
) -> Generator[Progress, None, ReadyClip]:
    """Encode (part of) `source` to the contract at `output`, then check and hash it."""
    encoded: EncodedClip = yield from iter_compress(
        Path(source), Path(output), start_s=start_s, end_s=end_s, ffmpeg_path=ffmpeg_path
    )
    return check_clip(encoded.path)


def store_job(
    backend: Backend, coach_id: str, student_id: str, session_id: str, clip: ReadyClip
) -> Generator[StoreProgress, None, StoredClip]:
    """Attach the checked clip to the session, re-checked against its digest first."""
    return backend.iter_store_clip(
        coach_id, student_id, session_id, clip.path, clip.sha256, inspect=clip_facts
    )
