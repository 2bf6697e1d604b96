#!/usr/bin/env bash
# Builds the one-folder bundle in dist/gbf-desktop, slims it, smoke-tests it, and on Linux packs it
# as a .deb and a portable .tar.xz (packaging/linux/package.sh).
#   bash packaging/build.sh [PYTHON]    PYTHON: an interpreter with the app and pyinstaller installed
# It fails when the bundle cannot start, lacks a module a page imports, or cannot encode a clip.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-.venv/bin/python}
rm -rf build/licences
"$py" packaging/notices.py build/licences
"$py" -m PyInstaller --noconfirm --clean --log-level WARN packaging/gbf-desktop.spec
"$py" packaging/slim.py dist/gbf-desktop

smoke_data=$(mktemp -d)
trap 'rm -rf "$smoke_data"' EXIT
# Its own self-check (Qt, the bundled ffmpeg encoding H.264, OpenCV and PyAV reading the clip back,
# the bundled PostgreSQL at head), then every page opened offscreen on demo data.
QT_QPA_PLATFORM=offscreen GBF_DATA_DIR="$smoke_data" dist/gbf-desktop/gbf-desktop self-check
QT_QPA_PLATFORM=offscreen GBF_DATA_DIR="$smoke_data" dist/gbf-desktop/gbf-desktop self-check --pages
if [ "$(uname -s)" = Linux ]; then
  bash packaging/linux/package.sh dist/gbf-desktop
fi
