#!/usr/bin/env bash
# Builds the one-folder bundle in dist/gbf-desktop and smoke-tests it: the bundled app must pass
# its own self-check (Qt, the bundled ffmpeg encoding H.264, the bundled PostgreSQL at head).
#   bash packaging/build.sh [PYTHON]    PYTHON: an interpreter with the app and pyinstaller installed
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-.venv/bin/python}
"$py" -m PyInstaller --noconfirm --clean --log-level WARN packaging/gbf-desktop.spec
smoke_data=$(mktemp -d)
trap 'rm -rf "$smoke_data"' EXIT
QT_QPA_PLATFORM=offscreen GBF_DATA_DIR="$smoke_data" dist/gbf-desktop/gbf-desktop self-check
echo "Built and checked: dist/gbf-desktop ($(du -sh dist/gbf-desktop | cut -f1))"
