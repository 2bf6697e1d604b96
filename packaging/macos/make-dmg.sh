#!/usr/bin/env bash
# macOS: packs dist/"GoBeyondFit Desktop.app" (made by the spec's BUNDLE step) into a disk image
# with an Applications link, so a coach drags the app across. Run on a Mac after build.sh.
#   bash packaging/macos/make-dmg.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/gbf_desktop/__init__.py")
app="$root/dist/GoBeyondFit Desktop.app"
[ -d "$app" ] || { echo "no $app: run packaging/build.sh first" >&2; exit 1; }
# The Info.plist must carry the camera sentence, or macOS ends the app at its first camera use.
/usr/libexec/PlistBuddy -c "Print :NSCameraUsageDescription" "$app/Contents/Info.plist" >/dev/null
# PyInstaller signs ad hoc (enough to run on Apple silicon). A release build signs with the team's
# Developer ID here (codesign --deep --options runtime) and notarises the image (xcrun notarytool).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="$root/dist/GoBeyondFit-Desktop-$version-macos-$(uname -m).dmg"
rm -f "$dmg"
hdiutil create -volname "GoBeyondFit Desktop" -srcfolder "$stage" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 "$dmg" >/dev/null
echo "built $dmg ($(du -h "$dmg" | cut -f1))"
