"""Draws the app icon (resources/gbf-desktop.png and .ico): a barbell on the app's dark blue.

Run once when the design changes: `QT_QPA_PLATFORM=offscreen python packaging/make_icon.py`.
Both files are committed; PyInstaller turns the PNG into .icns (with Pillow) on macOS.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

SIZE = 512


def draw() -> QImage:
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    back = QPainterPath()
    back.addRoundedRect(QRectF(16, 16, SIZE - 32, SIZE - 32), 96, 96)
    p.fillPath(back, QColor("#1d2b4f"))
    mid = SIZE / 2
    # The bar, then two plates a side (big outside, small inside), mirrored.
    p.fillRect(QRectF(64, mid - 14, SIZE - 128, 28), QColor("#d8dde8"))
    for side in (-1, 1):
        for offset, half_height, width, colour in (
            (150, 130, 44, "#f26b38"),
            (100, 92, 34, "#ffb347"),
        ):
            x = mid + side * offset - width / 2
            plate = QPainterPath()
            plate.addRoundedRect(QRectF(x, mid - half_height, width, 2 * half_height), 10, 10)
            p.fillPath(plate, QColor(colour))
    p.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv)
    resources = Path(__file__).resolve().parent.parent / "resources"
    image = draw()
    # The PNG for Linux menus and the window; the ICO for the Windows installer and shortcuts.
    ok = image.save(str(resources / "gbf-desktop.png"))
    ok = image.scaled(256, 256).save(str(resources / "gbf-desktop.ico")) and ok
    del app
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
