#!/usr/bin/env bash
# Packs a built bundle (dist/gbf-desktop) for Linux:
#   dist/gbf-desktop_<version>_<arch>.deb      installs under /opt/gbf-desktop, `gbf-desktop` on PATH,
#                                              a menu entry with its icon
#   dist/gbf-desktop-<version>-linux-<arch>.tar.xz   the same folder, portable (unpack and run)
# and prints the unpacked and compressed sizes.
#   bash packaging/linux/package.sh dist/gbf-desktop
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "${1:-$root/dist/gbf-desktop}" && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/gbf_desktop/__init__.py")
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
out=$root/dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# --- .deb
pkg=$stage/deb
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/512x512/apps" "$pkg/usr/share/doc/gbf-desktop"
cp -a "$bundle" "$pkg/opt/gbf-desktop"
# The .deb uses Debian's ffmpeg (Depends: ffmpeg, built with libx264) instead of carrying the
# 165 MB static one: Debian wants one shared copy of a program the system has, and imageio-ffmpeg
# finds /usr/bin/ffmpeg by itself when its own binary is absent. The portable archive keeps it.
rm -f "$pkg"/opt/gbf-desktop/_internal/imageio_ffmpeg/binaries/ffmpeg-*
# The bootloader finds its folder through /proc/self/exe, so a link on PATH is enough.
ln -s /opt/gbf-desktop/gbf-desktop "$pkg/usr/bin/gbf-desktop"
install -m 0644 "$here/gbf-desktop.desktop" "$pkg/usr/share/applications/gbf-desktop.desktop"
install -m 0644 "$root/resources/gbf-desktop.png" \
  "$pkg/usr/share/icons/hicolor/512x512/apps/gbf-desktop.png"
cat > "$pkg/usr/share/doc/gbf-desktop/copyright" <<TXT
GoBeyondFit Desktop $version
The notices of every component this package carries (Qt for Python under the LGPL, FFmpeg and
x264 under the GPL, PostgreSQL, OpenCV, ...) are in
/opt/gbf-desktop/_internal/gbf_desktop/_licences/index.json and in the app under About > Licences.
The ffmpeg program this package runs is Debian's (package ffmpeg), under its own licence.
TXT
installed_kb=$(du -sk "$pkg" | cut -f1)
# Depends: what Qt's xcb platform plugin loads from the system (the same list scripts/install.sh
# installs for a pip install).
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_kb/" \
  "$here/control.in" > "$pkg/DEBIAN/control"
install -m 0755 "$here/postrm" "$pkg/DEBIAN/postrm"
deb=$out/gbf-desktop_${version}_${arch}.deb
# xz at level 9 with threads: 3 MB (2 %) smaller than Debian's usual level 6 on this bundle, for
# about 15 % more time and 700 MB of memory per thread while packing (unpacking costs the same).
dpkg-deb --root-owner-group -Zxz -z9 --threads-max="$(nproc)" --build "$pkg" "$deb" >/dev/null 2>&1 \
  || dpkg-deb --root-owner-group -Zxz -z9 --build "$pkg" "$deb" >/dev/null

mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }
echo "sizes: $(basename "$deb") $(mb "$(stat -c %s "$deb")"), unpacked under /opt" \
  "$(mb "$(du -sb "$pkg/opt/gbf-desktop" | cut -f1)")"

# --- portable tar.xz (GBF_PACKAGES=deb leaves it out: CI checks the .deb, and xz over the whole
# folder costs minutes)
if [ "${GBF_PACKAGES:-deb tar}" != deb ]; then
  tarball=$out/gbf-desktop-${version}-linux-${arch}.tar.xz
  tar -C "$(dirname "$bundle")" -cf - "$(basename "$bundle")" | xz -T0 -9 > "$tarball"
  echo "sizes: $(basename "$tarball") $(mb "$(stat -c %s "$tarball")"), unpacked" \
    "$(mb "$(du -sb "$bundle" | cut -f1)")"
fi
