#!/usr/bin/env bash
# The dashboard's browser assets. Solara loads them from a CDN by default; they are npm
# packages, so fetch them from the npm registry and lay them out where Solara's asset proxy
# looks first, $VENV/share/solara/cdn/<package>@<version>/, and the dashboard works offline.
# The package versions are read from the installed Solara's page template.
set -euo pipefail
venv=${1:?usage: tools/dashboard_assets.sh VENV}
cdn="$venv/share/solara/cdn"
if ! command -v npm >/dev/null; then
  echo "npm not found: the dashboard will try the CDN for its assets" >&2
  exit 0
fi
mapfile -t packages < <("$venv/bin/python" - <<'PY'
import pathlib, re
import solara.server
from solara.server.settings import assets
template = pathlib.Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
found = set(re.findall(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@[\d.]+)/", template.read_text()))
found.add(assets.fontawesome_path.strip("/").split("/")[0])
# loaded at run time by Solara's draggable grid, which Mesa's SolaraViz lays components out in
found.add("@widgetti/vue-grid-layout@2.3.13-alpha.2")
print("\n".join(sorted(found)))
PY
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "${packages[@]}" >/dev/null)
for spec in "${packages[@]}"; do
  name=${spec%@*}
  tarball="$work/$(echo "${name#@}" | tr / -)-${spec##*@}.tgz"
  mkdir -p "$cdn/$spec"
  tar -xzf "$tarball" -C "$cdn/$spec" --strip-components=1
done
echo "dashboard assets (${packages[*]}) in $cdn"
