"""Ship a finished calibration: copy its posterior to model/data/posterior.parquet (what
`compare/validate/run --posterior` and the notebooks use) and write each parameter's weighted
posterior mean into the scenario file that holds it (behaviour in baseline.yaml, the national
accounts in historical_2015.yaml), with its 90 % interval in the comment. Only the value and
comment of those lines change; the rest of each file is kept as written.

    python tools/ship_posterior.py results/calibration/<run>
    python tools/golden.py --update   # the golden outcomes follow the new values
"""

import argparse
import re
import shutil
from datetime import date
from pathlib import Path

from model.validity import calibration

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "model" / "data" / "posterior.parquet"
FILES = {"behaviour": "baseline.yaml", "national": "historical_2015.yaml"}
LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_0-9]+):(?P<rest>.*)$")


def set_values(text: str, values: dict[str, tuple[float, str]]) -> str:
    """`text` (a scenario file) with each dotted key's value and comment replaced; refuses a
    key it does not find, or finds twice."""
    path: list[tuple[int, str]] = []
    lines = text.splitlines(keepends=True)
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        match = LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match["key"]))
        key = ".".join(k for _, k in path)
        if key in values:
            if key in found:
                raise SystemExit(f"{key} appears twice in the scenario file")
            value, comment = values[key]
            lines[i] = f"{match['indent']}{match['key']}: {value:.4g}  # {comment}\n"
            found[key] = i
    missing = set(values) - set(found)
    if missing:
        raise SystemExit(f"not found in the scenario file: {', '.join(sorted(missing))}")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a finished calibration folder")
    args = parser.parse_args()

    posterior = calibration.read_posterior(args.folder / "posterior.parquet")
    report = calibration.identifiability(posterior).set_index("parameter")
    stamp = f"citizenization calibrate, {date.today().isoformat()}; docs/validation.md"
    for section, name in FILES.items():
        values = {}
        for key, row in report.iterrows():
            if key.split(".")[0] == section:
                informed = "" if row["informed"] else "; the data barely inform it"
                interval = f"[{row['q05']:.4g}, {row['q95']:.4g}]"
                values[key] = (
                    row["posterior_mean"],
                    f"posterior mean, 90 % {interval} ({stamp}{informed})",
                )
        if values:
            path = ROOT / "scenarios" / name
            path.write_text(set_values(path.read_text(encoding="utf-8"), values), "utf-8")
            print(f"{path.relative_to(ROOT)}: {len(values)} posterior means")
    shutil.copyfile(args.folder / "posterior.parquet", SHIPPED)
    print(f"{SHIPPED.relative_to(ROOT)}: {len(posterior)} particles")


if __name__ == "__main__":
    main()
