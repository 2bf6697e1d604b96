"""A look at the top-level boxes of an MP4/MOV file, without decoding anything.

Two facts matter to the app and are cheap to read from the box headers: whether the index (`moov`)
comes before the media data (`mdat`), which browsers need to start playing before the whole file has
arrived; and whether the file is shorter than its boxes claim, the signature of an interrupted copy
or upload.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# Box types that can open an ISO base media file (MP4) or a QuickTime movie (MOV).
_LEADING_TYPES = frozenset({"ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid"})
_HEADER = struct.Struct(">I4s")
_LARGE_SIZE = struct.Struct(">Q")


@dataclass(frozen=True)
class Box:
    kind: str
    offset: int
    size: int


@dataclass(frozen=True)
class BoxLayout:
    boxes: tuple[Box, ...]
    file_size: int
    # True when the last box claims more bytes than the file holds.
    truncated: bool

    @property
    def is_mp4(self) -> bool:
        return bool(self.boxes) and self.boxes[0].kind in _LEADING_TYPES

    @property
    def moov_before_mdat(self) -> bool:
        kinds = [box.kind for box in self.boxes]
        if "moov" not in kinds:
            return False
        return "mdat" not in kinds or kinds.index("moov") < kinds.index("mdat")


def read_layout(path: Path) -> BoxLayout:
    """Walk the top-level boxes; stops at the first header that makes no sense."""
    boxes: list[Box] = []
    truncated = False
    with path.open("rb") as handle:
        file_size = handle.seek(0, 2)
        offset = 0
        while offset + _HEADER.size <= file_size:
            handle.seek(offset)
            size, raw_kind = _HEADER.unpack(handle.read(_HEADER.size))
            header_size = _HEADER.size
            if size == 1:
                large = handle.read(_LARGE_SIZE.size)
                if len(large) < _LARGE_SIZE.size:
                    truncated = True
                    break
                (size,) = _LARGE_SIZE.unpack(large)
                header_size += _LARGE_SIZE.size
            elif size == 0:
                # A zero size means "to the end of the file" (a stream that could not seek back).
                size = file_size - offset
            kind = raw_kind.decode("latin-1")
            if size < header_size or not kind.isprintable():
                break
            boxes.append(Box(kind, offset, size))
            if offset + size > file_size:
                truncated = True
                break
            offset += size
    return BoxLayout(tuple(boxes), file_size, truncated)
