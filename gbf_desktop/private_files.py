"""Files only the user can read: the data folder 0700, logs, settings, takes and caches 0600.

A gym workstation is shared between accounts, and what the app keeps (logs naming students, clip
thumbnails, recorded takes, the embedded database) is the students' data. Two steps:

- `restrict_new_files()` sets the process umask to 077 at start, so everything the app and the
  tools it starts (ffmpeg, PostgreSQL) create from then on is private, whoever creates it;
- `tighten()` brings what an older version left behind (0644 logs, a 0755 folder) down to the same
  modes, once at start.

On Windows the modes mean little (the profile folder's ACL protects it) and chmod only toggles the
read-only flag, so nothing is changed there.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
_UMASK = 0o077


def _posix() -> bool:
    return os.name == "posix"


def restrict_new_files() -> None:
    """Every file and folder the process (and its children) creates is the user's alone."""
    if _posix():
        os.umask(_UMASK)


def private_dir(path: Path) -> Path:
    """Create the folder if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    if _posix():
        path.chmod(DIR_MODE)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(path.lstat().st_mode)
        if current != mode:
            path.chmod(mode)
    except OSError as err:
        # A file owned by someone else (or vanished meanwhile): say so in the log, carry on.
        log.warning("could not make %s private: %s", path, err)


def tighten(folder: Path, *, skip: Iterable[Path] = ()) -> None:
    """Folders 0700 and regular files 0600 under `folder` (itself included), if it exists.

    Symbolic links are not followed: a link planted in the folder must not make the app chmod a
    file elsewhere. `skip` names subfolders managed by another program (PostgreSQL's data folder
    keeps its own modes, already private).
    """
    if not _posix() or not folder.is_dir() or folder.is_symlink():
        return
    skipped = {p.resolve() for p in skip}
    _chmod(folder, DIR_MODE)
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        dirs[:] = [d for d in dirs if (base / d).resolve() not in skipped]
        for name in dirs:
            if not (base / name).is_symlink():
                _chmod(base / name, DIR_MODE)
        for name in files:
            path = base / name
            if path.is_file() and not path.is_symlink():
                _chmod(path, FILE_MODE)


def tighten_file(path: Path) -> None:
    """One file 0600 (a settings file whose folder is shared with other programs)."""
    if _posix() and path.is_file() and not path.is_symlink():
        _chmod(path, FILE_MODE)
