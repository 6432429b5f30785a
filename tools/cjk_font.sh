#!/usr/bin/env bash
# A CJK font for figures in Chinese (issue 16): Noto Sans SC Regular (SIL Open Font License),
# taken from the npm registry package @expo-google-fonts/noto-sans-sc (npm checks the tarball's
# integrity against the registry) and put where model/output/names.py looks for it:
# $VENV/share/citizenization/fonts/NotoSansSC-Regular.ttf. Without npm, figures fall back to
# English labels (never to boxes).
set -euo pipefail
venv=${1:?usage: tools/cjk_font.sh VENV}
package="@expo-google-fonts/noto-sans-sc@0.4.3"
target="$venv/share/citizenization/fonts"
if [ -s "$target/NotoSansSC-Regular.ttf" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm not found: figures will use English labels (no CJK font)" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/400Regular/NotoSansSC_400Regular.ttf package/LICENSE_FONT
mkdir -p "$target"
cp "$work/package/400Regular/NotoSansSC_400Regular.ttf" "$target/NotoSansSC-Regular.ttf"
cp "$work/package/LICENSE_FONT" "$target/NotoSansSC-LICENSE.txt"
echo "CJK font (Noto Sans SC, $package) in $target"
