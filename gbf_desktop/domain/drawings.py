"""What a coach draws over a clip: lines, arrows, circles, angles, free-hand, text, plumb, grid.

A drawing lives in the clip's own picture coordinates (pixels of the upright stored picture, which
is at most 854x480), so it sits at the same place in the player at any window size, in the
side-by-side compare, in an exported still and burned into an exported clip. Each one shows from
its key time for a chosen duration, or for the whole clip.

The set of a coach's drawings on one clip is an immutable tuple; every edit (add, move, change,
delete) makes a new one, which is what `DrawingHistory` keeps for undo and redo. The JSON form is
what `gbf_desktop.clip_annotations.drawings` stores; `from_json` reads it back and refuses
anything malformed with a message instead of half-loading it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from gbf_desktop.errors import ValidationError

Point = tuple[float, float]


class Kind(StrEnum):
    LINE = "line"
    ARROW = "arrow"
    CIRCLE = "circle"  # centre, then a point on the rim
    ANGLE = "angle"  # first arm's end, the vertex, second arm's end
    FREEHAND = "freehand"
    TEXT = "text"  # the text's top-left corner
    PLUMB = "plumb"  # a vertical line through the point, the picture's full height
    GRID = "grid"  # squares of `size` pixels over the whole picture, through the point


# How many points each kind takes: (at least, at most).
POINTS: Mapping[Kind, tuple[int, int]] = {
    Kind.LINE: (2, 2),
    Kind.ARROW: (2, 2),
    Kind.CIRCLE: (2, 2),
    Kind.ANGLE: (3, 3),
    Kind.FREEHAND: (2, 2000),
    Kind.TEXT: (1, 1),
    Kind.PLUMB: (1, 1),
    Kind.GRID: (1, 1),
}
LABELS: Mapping[Kind, str] = {
    Kind.LINE: "Line",
    Kind.ARROW: "Arrow",
    Kind.CIRCLE: "Circle",
    Kind.ANGLE: "Angle",
    Kind.FREEHAND: "Free-hand",
    Kind.TEXT: "Text",
    Kind.PLUMB: "Plumb line",
    Kind.GRID: "Grid",
}
DEFAULT_COLOUR = "#ffd400"  # a yellow that reads over gym floors, skin and black plates alike
COLOURS = ("#ffd400", "#ff3b30", "#34c759", "#0a84ff", "#ffffff", "#000000")
MIN_THICKNESS, MAX_THICKNESS, DEFAULT_THICKNESS = 1, 12, 3
TEXT_LIMIT = 200
MAX_DRAWINGS = 200
DEFAULT_TEXT_SIZE = 22.0
DEFAULT_GRID_SIZE = 48.0
MIN_SIZE, MAX_SIZE = 6.0, 400.0
# A picture coordinate may sit a little outside the picture (a line dragged past the edge).
_SLACK = 2.0
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True)
class Drawing:
    id: str
    kind: Kind
    points: tuple[Point, ...]
    start_s: float = 0.0
    duration_s: float | None = None  # None: shown for the whole clip
    colour: str = DEFAULT_COLOUR
    thickness: int = DEFAULT_THICKNESS
    text: str = ""
    size: float = 0.0  # text height or grid square, in picture pixels; 0: the kind's default

    def visible_at(self, t_s: float, frame_s: float = 1 / 24) -> bool:
        """Whether the drawing shows at time `t_s` (half a frame of slack at the key frame)."""
        if self.duration_s is None:
            return True
        return self.start_s - frame_s / 2 <= t_s < self.start_s + self.duration_s

    @property
    def shown_size(self) -> float:
        if self.size:
            return self.size
        return DEFAULT_GRID_SIZE if self.kind is Kind.GRID else DEFAULT_TEXT_SIZE

    @property
    def angle_degrees(self) -> float | None:
        """For an angle: the angle at its vertex between its two arms, 0-180 degrees."""
        if self.kind is not Kind.ANGLE:
            return None
        return angle_at(*self.points)

    def normalised(self) -> Drawing:
        """Rounded as stored (points to 1/100 px, times to 0.1 ms): what comes back is equal."""
        return replace(
            self,
            points=tuple((round(x, 2), round(y, 2)) for x, y in self.points),
            start_s=round(self.start_s, 4),
            duration_s=None if self.duration_s is None else round(self.duration_s, 4),
        )

    def moved(self, dx: float, dy: float) -> Drawing:
        return replace(self, points=tuple((x + dx, y + dy) for x, y in self.points))

    def with_point(self, index: int, point: Point) -> Drawing:
        points = list(self.points)
        points[index] = point
        return replace(self, points=tuple(points))


def angle_at(a: Point, vertex: Point, c: Point) -> float:
    """The angle ABC in degrees (0-180); 0 when an arm has no length."""
    ax, ay = a[0] - vertex[0], a[1] - vertex[1]
    cx, cy = c[0] - vertex[0], c[1] - vertex[1]
    if math.hypot(ax, ay) == 0 or math.hypot(cx, cy) == 0:
        return 0.0
    return abs(math.degrees(math.atan2(ax * cy - ay * cx, ax * cx + ay * cy)))


def angle_label(degrees: float) -> str:
    return f"{degrees:.0f}°"


def validate(drawing: Drawing, width: int, height: int) -> Drawing:
    """Check a drawing against its kind and the picture; raises `ValidationError`."""
    low, high = POINTS[drawing.kind]
    name = LABELS[drawing.kind].lower()
    if not low <= len(drawing.points) <= high:
        raise ValidationError(
            f"A {name} takes {low if low == high else f'{low} to {high}'} points, "
            f"not {len(drawing.points)}."
        )
    for x, y in drawing.points:
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValidationError(f"A {name}'s point must be a number of pixels.")
        if not (-_SLACK <= x <= width + _SLACK and -_SLACK <= y <= height + _SLACK):
            raise ValidationError(
                f"A {name}'s point ({x:.0f}, {y:.0f}) is outside the {width}x{height} picture.",
                hint="Draw inside the picture.",
            )
    if not _COLOUR.match(drawing.colour):
        raise ValidationError(f"{drawing.colour!r} is not a colour like #ffd400.")
    if not MIN_THICKNESS <= drawing.thickness <= MAX_THICKNESS:
        raise ValidationError(
            f"A line is {MIN_THICKNESS} to {MAX_THICKNESS} pixels thick, not {drawing.thickness}."
        )
    if not math.isfinite(drawing.start_s) or drawing.start_s < 0:
        raise ValidationError("A drawing's key time must be at or after the clip's start.")
    if drawing.duration_s is not None and not (
        math.isfinite(drawing.duration_s) and drawing.duration_s > 0
    ):
        raise ValidationError("A drawing shows for a positive time, or for the whole clip.")
    if drawing.kind is Kind.TEXT:
        text = drawing.text.strip()
        if not text:
            raise ValidationError("A text needs some words.", hint="Type the text, or delete it.")
        if len(text) > TEXT_LIMIT:
            raise ValidationError(f"A text holds at most {TEXT_LIMIT} characters.")
    if drawing.size and not MIN_SIZE <= drawing.size <= MAX_SIZE:
        raise ValidationError(
            f"A size of {drawing.size:g} px is outside {MIN_SIZE:g}-{MAX_SIZE:g} px."
        )
    return drawing


def validate_all(drawings: Sequence[Drawing], width: int, height: int) -> tuple[Drawing, ...]:
    if len(drawings) > MAX_DRAWINGS:
        raise ValidationError(
            f"A clip holds at most {MAX_DRAWINGS} drawings; this one would have {len(drawings)}.",
            hint="Delete some drawings first.",
        )
    ids = [d.id for d in drawings]
    if len(set(ids)) != len(ids):
        raise ValidationError("Two drawings share an id; this is a bug, please report it.")
    return tuple(validate(d, width, height) for d in drawings)


# --- JSON, as stored ---------------------------------------------------------------------------


def to_json(drawings: Sequence[Drawing]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in drawings:
        item: dict[str, Any] = {
            "id": d.id,
            "kind": d.kind.value,
            "points": [[round(x, 2), round(y, 2)] for x, y in d.points],
            "start_s": round(d.start_s, 4),
            "duration_s": None if d.duration_s is None else round(d.duration_s, 4),
            "colour": d.colour,
            "thickness": d.thickness,
        }
        if d.text:
            item["text"] = d.text
        if d.size:
            item["size"] = d.size
        out.append(item)
    return out


def from_json(data: Any) -> tuple[Drawing, ...]:
    """Drawings from their stored JSON; `ValidationError` when any of it is malformed."""
    if not isinstance(data, list):
        raise ValidationError("The stored drawings are not a list; they cannot be shown.")
    out: list[Drawing] = []
    for item in data:
        try:
            duration = item.get("duration_s")
            out.append(
                Drawing(
                    id=str(item["id"]),
                    kind=Kind(item["kind"]),
                    points=tuple((float(p[0]), float(p[1])) for p in item["points"]),
                    start_s=float(item.get("start_s", 0.0)),
                    duration_s=None if duration is None else float(duration),
                    colour=str(item.get("colour", DEFAULT_COLOUR)),
                    thickness=int(item.get("thickness", DEFAULT_THICKNESS)),
                    text=str(item.get("text", "")),
                    size=float(item.get("size", 0.0)),
                )
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
            raise ValidationError(
                f"A stored drawing could not be read ({err!r}); the drawings were not loaded.",
                hint="Another version of the app may have saved them; update this one.",
            ) from err
    return tuple(out)


# --- editing with undo -------------------------------------------------------------------------


@dataclass
class DrawingHistory:
    """The drawings of one clip with undo and redo: every edit is a new immutable tuple.

    `saved` is the tuple last stored, so `dirty` says whether there is something to save.
    """

    current: tuple[Drawing, ...] = ()
    saved: tuple[Drawing, ...] = ()
    _undo: list[tuple[Drawing, ...]] = field(default_factory=list)
    _redo: list[tuple[Drawing, ...]] = field(default_factory=list)

    @classmethod
    def loaded(cls, drawings: Sequence[Drawing]) -> DrawingHistory:
        return cls(current=tuple(drawings), saved=tuple(drawings))

    @property
    def dirty(self) -> bool:
        return self.current != self.saved

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def get(self, drawing_id: str) -> Drawing | None:
        return next((d for d in self.current if d.id == drawing_id), None)

    def _push(self, drawings: tuple[Drawing, ...]) -> None:
        drawings = tuple(d.normalised() for d in drawings)
        if drawings == self.current:
            return
        self._undo.append(self.current)
        self._redo.clear()
        self.current = drawings

    def add(self, drawing: Drawing) -> None:
        self._push((*self.current, drawing))

    def replace(self, drawing: Drawing) -> None:
        """Put an edited drawing in place of the one with its id (moved, recoloured...)."""
        self._push(tuple(drawing if d.id == drawing.id else d for d in self.current))

    def remove(self, drawing_id: str) -> None:
        self._push(tuple(d for d in self.current if d.id != drawing_id))

    def clear(self) -> None:
        self._push(())

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.current)
        self.current = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.current)
        self.current = self._redo.pop()
        return True

    def mark_saved(self, drawings: Sequence[Drawing] | None = None) -> None:
        self.saved = self.current if drawings is None else tuple(drawings)


# --- picking a drawing under the pointer -------------------------------------------------------

# A text's width per character, as a share of its height: near enough for picking it.
_TEXT_WIDTH = 0.6


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    ax, ay, bx, by = a[0], a[1], b[0], b[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return math.dist(p, a)
    f = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2))
    return math.dist(p, (ax + f * dx, ay + f * dy))


def text_box(drawing: Drawing) -> tuple[float, float, float, float]:
    """Roughly where a text sits: x, y, width, height in picture pixels."""
    x, y = drawing.points[0]
    size = drawing.shown_size
    return x, y, max(size, len(drawing.text) * size * _TEXT_WIDTH), size * 1.3


def distance(drawing: Drawing, p: Point) -> float:
    """How far `p` is from the drawing's lines (0 inside a text), in picture pixels."""
    pts = drawing.points
    kind = drawing.kind
    segments: list[tuple[Point, Point]] = []
    if kind in (Kind.LINE, Kind.ARROW):
        segments = [(pts[0], pts[1])]
    elif kind is Kind.ANGLE:
        segments = [(pts[1], pts[0]), (pts[1], pts[2])]
    elif kind is Kind.FREEHAND:
        segments = list(itertools.pairwise(pts))
    if segments:
        return min(_segment_distance(p, a, b) for a, b in segments)
    if kind is Kind.CIRCLE:
        return abs(math.dist(p, pts[0]) - math.dist(pts[0], pts[1]))
    if kind is Kind.TEXT:
        x, y, w, h = text_box(drawing)
        dx = max(x - p[0], 0.0, p[0] - (x + w))
        dy = max(y - p[1], 0.0, p[1] - (y + h))
        return math.hypot(dx, dy)
    if kind is Kind.PLUMB:
        return abs(p[0] - pts[0][0])
    size = drawing.shown_size  # a grid: the nearest of its lines
    ox, oy = pts[0]
    rx, ry = (p[0] - ox) % size, (p[1] - oy) % size
    return min(rx, size - rx, ry, size - ry)


def handle_at(drawing: Drawing, p: Point, tolerance: float) -> int | None:
    """The index of the drawing's point under `p`, if any (free-hand lines move only whole)."""
    if drawing.kind is Kind.FREEHAND:
        return None
    best = min(range(len(drawing.points)), key=lambda i: math.dist(p, drawing.points[i]))
    return best if math.dist(p, drawing.points[best]) <= tolerance else None


def pick(
    drawings: Sequence[Drawing], p: Point, tolerance: float, t_s: float | None = None
) -> tuple[str, int | None] | None:
    """The topmost drawing shown at `t_s` under `p` and the handle hit: (id, point index)."""
    for drawing in reversed(drawings):
        if t_s is not None and not drawing.visible_at(t_s):
            continue
        handle = handle_at(drawing, p, tolerance)
        if handle is not None:
            return drawing.id, handle
        if distance(drawing, p) <= tolerance:
            return drawing.id, None
    return None
