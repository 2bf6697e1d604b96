#!/usr/bin/env bash
# Installs the .deb the way a coach would (apt resolves its Depends), runs the installed app's
# self-check and an offscreen run that opens every page on the built-in database with demo data,
# removes the package, and checks that nothing it put outside the user's data folder is left.
#   sudo bash packaging/linux/install-test.sh dist/gbf-desktop_<version>_<arch>.deb
set -euo pipefail
deb=$(readlink -f "$1")
export DEBIAN_FRONTEND=noninteractive
data=$(mktemp -d /tmp/gbf-installed-data.XXXXXX)
apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
# From here on, anything written outside the data folder is the app's doing (the packages apt
# brought for Depends are the system's, and stay).
marker=$(mktemp /tmp/gbf-install-marker.XXXXXX)
trap 'rm -rf "$data" "$marker" "$marker.files"' EXIT
dpkg -L gbf-desktop > "$marker.files"
command -v gbf-desktop >/dev/null || { echo "FAIL: gbf-desktop is not on PATH" >&2; exit 1; }
test -f /usr/share/applications/gbf-desktop.desktop
test -f /usr/share/icons/hicolor/512x512/apps/gbf-desktop.png
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/gbf-desktop.desktop
fi
echo "installed: $(gbf-desktop --version)"
QT_QPA_PLATFORM=offscreen GBF_DATA_DIR="$data" gbf-desktop self-check
QT_QPA_PLATFORM=offscreen GBF_DATA_DIR="$data" gbf-desktop self-check --pages

apt-get remove --purge -y -qq gbf-desktop >/dev/null
left=()
while read -r path; do
  # Folders the package shares with the system (/usr/bin, /opt, …) stay; its own files must not.
  if [ -e "$path" ] && [ ! -d "$path" ]; then left+=("$path"); fi
done < "$marker.files"
[ ! -e /opt/gbf-desktop ] || left+=(/opt/gbf-desktop)
# Anything else the run (or the removal) wrote outside its data folder, the package manager's
# own books aside.
while read -r path; do left+=("$path"); done < <(
  find /opt /usr /etc /var/lib /var/tmp -xdev -newer "$marker" -not -type d 2>/dev/null \
    | grep -vE '^/var/lib/(dpkg|apt|ucf)/|^/etc/ld.so.cache$|^/usr/share/(applications|icons/hicolor)/.*cache|^/usr/share/mime/' || true)
rm -f "$marker.files"
if [ ${#left[@]} -gt 0 ]; then
  printf 'FAIL: left after removal: %s\n' "${left[@]}" >&2
  exit 1
fi
echo "removed: nothing left outside the data folder"
