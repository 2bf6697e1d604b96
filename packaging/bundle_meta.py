"""Names, version and the macOS Info.plist of the bundle: one source for the spec, the installer
scripts and their tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "GoBeyondFit Desktop"
BUNDLE_ID = "app.gobeyondfit.desktop"
# What macOS shows when the app first asks for the camera; without this key macOS ends the app
# at its first camera access instead of asking the user.
CAMERA_USAGE = (
    "GoBeyondFit Desktop records short form clips of your athletes with the camera you choose. "
    "Clips stay on this computer until you store them on a student's session."
)


def version() -> str:
    """The app's version, read from the package without importing it."""
    text = (ROOT / "gbf_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise RuntimeError("gbf_desktop/__init__.py has no __version__")
    return match[1]


def info_plist() -> dict[str, Any]:
    """The keys PyInstaller merges into the .app's Info.plist."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version(),
        "CFBundleVersion": version(),
        "NSCameraUsageDescription": CAMERA_USAGE,
        # The recorder never records sound (clips are stored silent), but an imported clip's audio
        # may be kept: no microphone use, so no NSMicrophoneUsageDescription.
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        "LSApplicationCategoryType": "public.app-category.healthcare-fitness",
    }
