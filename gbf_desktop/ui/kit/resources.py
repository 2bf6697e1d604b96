"""Where the style sheet and icons are, in a checkout and in an installed wheel.

The repository keeps them in the top-level `resources/`; the wheel carries the same folder as
`gbf_desktop/_resources` (see pyproject's force-include); a PyInstaller bundle keeps that layout.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

_PACKAGE_DIR = Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    installed = _PACKAGE_DIR / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "resources"


def style_sheet() -> str:
    """The app's style sheet; an empty one (Qt's default look) if it is missing from a build."""
    path = resources_dir() / "style.qss"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def icon(name: str) -> QIcon:
    """An icon drawn for the app (`resources/icons/<name>.svg`); a null icon if it is missing."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def app_icon() -> QIcon:
    """The app's own icon (window, task bar, About); null if a build left it out."""
    path = resources_dir() / "gbf-desktop.png"
    return QIcon(str(path)) if path.is_file() else QIcon()
