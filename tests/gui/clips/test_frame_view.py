"""The frame view's overlays: painted over each frame while their owner lives, and neither kept
alive nor called by the view once the owner is gone."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from pytestqt.qtbot import QtBot

from gbf_desktop.ui.clips.player import FrameView

pytestmark = [pytest.mark.gui]


class _Marker:
    """Paints a red square in the picture's top-left corner, as a panel's overlay would."""

    def __init__(self, view: FrameView) -> None:
        self.calls = 0
        view.add_overlay(self.paint)

    def paint(self, painter: QPainter, target: QRectF) -> None:
        self.calls += 1
        painter.fillRect(QRectF(target.topLeft(), target.size() / 4), QColor("red"))


def _shown_frame(qtbot: QtBot) -> FrameView:
    view = FrameView()
    qtbot.addWidget(view)
    view.resize(320, 180)
    picture = QImage(320, 180, QImage.Format.Format_RGB32)
    picture.fill(QColor("blue"))
    with qtbot.waitSignal(view.frame_received, timeout=5_000):
        view.show_frame(picture, 1_000_000)
    assert view.frame_start_us == 1_000_000
    assert view.time_s == 1.0
    return view


def test_an_overlay_paints_while_its_owner_lives_and_is_dropped_after(qtbot: QtBot) -> None:
    view = _shown_frame(qtbot)
    marker = _Marker(view)
    shot = view.grab().toImage()
    assert marker.calls >= 1
    assert shot.pixelColor(10, 10) == QColor("red")
    assert shot.pixelColor(300, 170) == QColor("blue")
    assert view.overlay_count == 1

    del marker
    gc.collect()
    # The view held no strong reference: the owner went, and so does its paint.
    shot = view.grab().toImage()
    assert shot.pixelColor(10, 10) == QColor("blue")
    assert view.overlay_count == 0


def test_a_plain_function_overlay_stays(qtbot: QtBot) -> None:
    view = _shown_frame(qtbot)
    painted: list[QRectF] = []
    view.add_overlay(lambda _painter, target: painted.append(target))
    view.grab()
    assert painted
    assert painted[-1] == view.picture_rect()
