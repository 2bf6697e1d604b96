#!/usr/bin/env bash
# Installs GoBeyondFit Desktop into ./.venv.
#   bash scripts/install.sh         the app
#   bash scripts/install.sh --dev   the app, editable, with the test and lint tools
# On Debian/Ubuntu it first installs the few system libraries Qt's wheels load at run time
# (as root directly, otherwise through sudo when available).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

# The second line is what Qt's xcb plugin loads on an X11 desktop (libxcb-cursor0 is the one
# most desktops lack: without it Qt cannot open a window at all).
qt_libs=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${qt_libs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd=(sudo)
    if [ "$(id -u)" -eq 0 ] || [ ${#sudo_cmd[@]} -gt 0 ]; then
      echo "Installing system libraries for Qt: ${missing[*]}"
      "${sudo_cmd[@]}" apt-get update -qq
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
      echo "Note: Qt needs these system libraries, please install them: ${missing[*]}" >&2
    fi
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$dev" -eq 1 ]; then
  .venv/bin/python -m pip install --quiet -e ".[test]"
else
  .venv/bin/python -m pip install --quiet .
fi
echo "Installed into $(pwd)/.venv"
