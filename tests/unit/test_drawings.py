"""Drawing rules: angles, visibility, validation, JSON and undo/redo, without a window."""

from __future__ import annotations

import math

import pytest

from gbf_desktop.domain import drawings as dr
from gbf_desktop.domain.drawings import Drawing, DrawingHistory, Kind
from gbf_desktop.errors import ValidationError


def angle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> Drawing:
    return Drawing("a", Kind.ANGLE, (a, b, c))


@pytest.mark.parametrize(
    ("points", "degrees"),
    [
        (((100, 0), (0, 0), (0, 100)), 90.0),
        (((100, 0), (0, 0), (-100, 0)), 180.0),
        (((100, 0), (0, 0), (100, 0)), 0.0),
        # Knee at (200, 200), hip up and left, ankle straight down: 180 - atan(50/100).
        (((150, 100), (200, 200), (200, 300)), 180 - math.degrees(math.atan2(50, 100))),
        (((10, 10), (10, 10), (50, 50)), 0.0),
    ],
)
def test_angle_at_the_vertex(points: tuple, degrees: float) -> None:  # type: ignore[type-arg]
    assert angle(*points).angle_degrees == pytest.approx(degrees)


def test_angle_is_the_same_whichever_arm_comes_first() -> None:
    assert dr.angle_at((3, 1), (0, 0), (1, 4)) == pytest.approx(dr.angle_at((1, 4), (0, 0), (3, 1)))
    assert dr.angle_label(89.6) == "90°"


def test_visibility_from_the_key_time() -> None:
    whole = Drawing("w", Kind.LINE, ((0, 0), (5, 5)))
    timed = Drawing("t", Kind.LINE, ((0, 0), (5, 5)), start_s=2.0, duration_s=1.5)
    assert whole.visible_at(0)
    assert whole.visible_at(14.9)
    assert not timed.visible_at(1.9)
    assert timed.visible_at(2.0 - 1 / 60)  # within half a frame of its key frame
    assert timed.visible_at(3.4)
    assert not timed.visible_at(3.5)


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        (Drawing("x", Kind.LINE, ((0, 0),)), "takes 2 points"),
        (Drawing("x", Kind.ANGLE, ((0, 0), (1, 1))), "takes 3 points"),
        (Drawing("x", Kind.LINE, ((0, 0), (900, 10))), "outside the 854x480"),
        (Drawing("x", Kind.LINE, ((0, 0), (1, 1)), colour="red"), "not a colour"),
        (Drawing("x", Kind.LINE, ((0, 0), (1, 1)), thickness=40), "thick"),
        (Drawing("x", Kind.TEXT, ((5, 5),), text="  "), "needs some words"),
        (Drawing("x", Kind.TEXT, ((5, 5),), text="a" * 201), "at most 200"),
        (Drawing("x", Kind.LINE, ((0, 0), (1, 1)), duration_s=0), "positive time"),
        (Drawing("x", Kind.LINE, ((0, 0), (1, 1)), start_s=-1), "key time"),
        (Drawing("x", Kind.GRID, ((0, 0),), size=1), "outside 6-400"),
        (Drawing("x", Kind.LINE, ((math.nan, 0), (1, 1))), "number of pixels"),
    ],
)
def test_validation_names_what_is_wrong(drawing: Drawing, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        dr.validate(drawing, 854, 480)


def test_json_round_trip_keeps_every_field() -> None:
    items = (
        Drawing("1", Kind.ARROW, ((1.5, 2.25), (300, 400)), 1.0, 2.0, "#ff3b30", 5),
        Drawing("2", Kind.TEXT, ((10, 20),), text="Knees out", size=30),
        Drawing("3", Kind.FREEHAND, tuple((float(i), float(i * 2)) for i in range(50))),
        Drawing("4", Kind.GRID, ((0, 0),), size=64),
    )
    assert dr.from_json(dr.to_json(items)) == items


@pytest.mark.parametrize(
    "data", [{"id": 1}, [{"kind": "line"}], [{"id": "1", "kind": "hexagon", "points": []}]]
)
def test_malformed_json_is_refused_whole(data: object) -> None:
    with pytest.raises(ValidationError, match=r"could not be read|not a list"):
        dr.from_json(data)


def test_history_undo_redo_and_dirty() -> None:
    line = Drawing("l", Kind.LINE, ((0, 0), (10, 10)))
    history = DrawingHistory.loaded([line])
    assert not history.dirty
    assert not history.can_undo
    history.replace(line.moved(5, 5))
    history.add(Drawing("p", Kind.PLUMB, ((100, 0),)))
    assert history.dirty
    assert [d.id for d in history.current] == ["l", "p"]
    assert history.current[0].points == ((5, 5), (15, 15))
    history.remove("l")
    assert [d.id for d in history.current] == ["p"]
    assert history.undo()
    assert history.undo()
    assert history.current[0].points == ((5, 5), (15, 15))
    assert history.redo()
    assert [d.id for d in history.current] == ["l", "p"]
    history.add(Drawing("c", Kind.CIRCLE, ((50, 50), (60, 50))))
    assert not history.can_redo  # a new edit drops the undone future
    history.mark_saved()
    assert not history.dirty
    history.replace(history.current[0])  # no change, no undo step
    assert history.undo()
    assert [d.id for d in history.current] == ["l", "p"]


def test_too_many_drawings_are_refused() -> None:
    many = [Drawing(str(i), Kind.PLUMB, ((10, 0),)) for i in range(dr.MAX_DRAWINGS + 1)]
    with pytest.raises(ValidationError, match="at most 200 drawings"):
        dr.validate_all(many, 854, 480)


def test_picking_finds_the_topmost_shown_drawing_and_its_handle() -> None:
    line = Drawing("line", Kind.LINE, ((0, 0), (100, 0)))
    circle = Drawing("circle", Kind.CIRCLE, ((50, 50), (80, 50)))
    later = Drawing("later", Kind.PLUMB, ((50, 0),), start_s=5.0, duration_s=1.0)
    items = [line, circle, later]
    assert dr.pick(items, (50, 2), 4, 0.0) == ("line", None)
    assert dr.pick(items, (99, 1), 4, 0.0) == ("line", 1)
    assert dr.pick(items, (50, 21), 4, 0.0) == ("circle", None)  # on the rim
    assert dr.pick(items, (50, 50), 4, 0.0) == ("circle", 0)  # the centre's handle
    assert dr.pick(items, (50, 30), 4, 0.0) is None
    assert dr.pick(items, (51, 30), 4, 5.5) == ("later", None)
    text = Drawing("t", Kind.TEXT, ((10, 10),), text="Chest up", size=20)
    assert dr.distance(text, (40, 20)) == 0
    grid = Drawing("g", Kind.GRID, ((0, 0),), size=50)
    assert dr.distance(grid, (101, 120)) == pytest.approx(1)
