"""Writing files so that a crash, a kill or a full disk never leaves half of one behind.

Every file the app makes (a compressed clip, a recorded take, an export, a cached thumbnail) is
written under a *partial* name beside its target and renamed onto the target only once complete:
the rename is atomic on one file system, so the target holds the whole file or nothing. A write
that fails deletes its partial at once. A process killed mid-write cannot, so a partial's name
carries the id of the process writing it: `sweep_partials` deletes the partials of processes that
no longer run, and leaves those of a second copy of the app still at work.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable
from pathlib import Path

from gbf_desktop.errors import MediaError, disk_full, is_disk_full

_log = logging.getLogger(__name__)

PARTIAL_MARK = ".partial"
# ".clip.4242-1a2b3c4d.partial.mp4": the target's stem, the writer's pid and a random tag.
_PARTIAL = re.compile(r"^\..*\.(?P<pid>\d+)-[0-9a-f]{8}\.partial(\.[A-Za-z0-9]+)?$")
# Where a process's liveness cannot be asked (Windows), a partial this old is abandoned.
_STALE_S = 24 * 3600


def partial_path(target: Path) -> Path:
    """A fresh partial name beside `target`: same folder (so the final rename is atomic), hidden,
    with this process's id, and `target`'s suffix so tools that go by suffix (ffmpeg) still work."""
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    return target.with_name(f".{target.stem}.{tag}{PARTIAL_MARK}{target.suffix}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, and not ours to judge
    except OSError:
        return True
    return True


def _abandoned(path: Path) -> bool:
    found = _PARTIAL.match(path.name)
    if found is None:
        return False
    if os.name == "posix":
        return not _alive(int(found.group("pid")))
    try:
        return time.time() - path.stat().st_mtime > _STALE_S
    except OSError:
        return False


def sweep_partials(folders: Iterable[Path]) -> list[Path]:
    """Delete the partial files left in `folders` by processes that died; returns what went."""
    swept: list[Path] = []
    for folder in folders:
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue  # a folder that is not there holds no partials
        for entry in entries:
            if entry.is_file() and _abandoned(entry):
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    swept.append(entry)
    if swept:
        _log.info("swept %d partial file(s) left by a stopped process: %s", len(swept), swept)
    return swept


def write_atomically(destination: Path, data: bytes, *, doing: str) -> None:
    """Write `data` to `destination` whole or not at all.

    Raises `DiskFull` when there is no room (the partial is gone), `MediaError` for any other
    failure to write, naming `doing` ("save the clip").
    """
    partial = partial_path(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("xb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, destination)
    except OSError as err:
        with contextlib.suppress(OSError):
            partial.unlink()
        if is_disk_full(err):
            raise disk_full(destination.parent, doing) from err
        raise MediaError(
            f"Could not {doing} in {destination.parent}: {err.strerror or err}.",
            hint="Choose a folder you can write to.",
        ) from err
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
