"""The SHA-256 of a file, read in chunks so a clip never sits in memory twice."""

from __future__ import annotations

import hashlib
from pathlib import Path

_HASH_CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
