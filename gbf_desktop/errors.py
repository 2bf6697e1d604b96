"""Errors the user can act on, as opposed to bugs.

Following qutebrowser's split: a `KnownError` comes from the environment or from what the user typed
(wrong password, database down, a file that is not a video). It carries a message for a person,
saying what went wrong and what to do, and is shown as it is. Anything else is a bug: the UI shows a
crash dialog and writes the traceback to the log file.
"""

from __future__ import annotations

import errno
from pathlib import Path

# A write refused for lack of room: a full disk, a quota, or a file-size limit (RLIMIT_FSIZE).
_NO_ROOM = frozenset({errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)})


class KnownError(Exception):
    """A failure the user can understand and act on; `str(err)` is the message to show."""

    def __init__(self, message: str, *, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # Which input the message is about (a form key such as "title" or "config.sets"), so a
        # page can mark that input without matching the message's words; None when it is no one
        # input's fault.
        self.field = field

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ConfigError(KnownError):
    """A setting, option or environment variable has a value the app cannot use."""


class DatabaseUnavailable(KnownError):
    """The database could not be reached or started."""


class DatabaseGone(DatabaseUnavailable):
    """The connection was lost in the middle of work (the server stopped or restarted)."""


class SchemaMismatch(KnownError):
    """The database's schema is not the one this version of the app expects."""


class AuthError(KnownError):
    """Sign-in refused: unknown email, wrong password, or a role that may not use the app."""


class ConflictError(KnownError):
    """Someone else changed the data since it was read; nothing was written."""


class ValidationError(KnownError):
    """Input that breaks a domain rule; nothing was written."""


class MediaError(KnownError):
    """A video could not be read, encoded or stored; nothing was stored."""


class CameraUnavailable(MediaError):
    """No webcam could be opened; the recorder offers the demo camera instead."""


class DiskFull(MediaError):
    """A file could not be written for lack of room; no partial file was left."""


def is_disk_full(err: OSError) -> bool:
    return err.errno in _NO_ROOM


def disk_full(folder: Path, doing: str) -> DiskFull:
    """The message for a write that ran out of room, e.g. `disk_full(dir, "save the clip")`."""
    return DiskFull(
        f"The disk is full: there is not enough room in {folder} to {doing}, so nothing was "
        "left there.",
        hint="Free some space on that disk, or choose a folder on another disk, and try again.",
    )


class MigrationRefused(KnownError):
    """A migration step would lose data or meets a schema it does not recognise; nothing changed."""
