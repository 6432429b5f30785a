"""Ship a calibration's posterior with the model.

    python tools/ship_posterior.py results/calibration/<folder>

Copies the folder's posterior.parquet to model/data/posterior.parquet and writes each
parameter's posterior mean into the scenario file that sets it (scenarios/baseline.yaml for
behaviour, scenarios/historical_2015.yaml for the national accounts), in place of the old
value, with a comment saying where it comes from; the rest of each file (and its comments) is
left as it is. tests/test_calibration.py checks that the two agree.
"""

import re
import shutil
import sys
from pathlib import Path

import numpy as np

from model.validity.calibration import read_posterior

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "model" / "data" / "posterior.parquet"


def significant(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def posterior_means(path: Path) -> dict[str, float]:
    frame = read_posterior(path)
    weights = frame["weight"].to_numpy()
    return {
        name: significant(float(np.average(frame[name], weights=weights)))
        for name in frame.columns
        if name != "weight"
    }


def write_means(means: dict[str, float]) -> None:
    for name, value in means.items():
        section, leaf = name.split(".")[0], name.split(".")[-1]
        path = (
            ROOT
            / "scenarios"
            / ("historical_2015.yaml" if section == "national" else "baseline.yaml")
        )
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(rf"^(\s+{re.escape(leaf)}:\s*)([^\s#]+)(.*)$", re.MULTILINE)
        matches = pattern.findall(text)
        if len(matches) != 1:
            raise SystemExit(f"{path}: expected one line setting {leaf}, found {len(matches)}")
        text = pattern.sub(
            lambda m, v=value: f"{m.group(1)}{v}  # posterior mean (model/data/posterior.parquet)",
            text,
        )
        path.write_text(text, encoding="utf-8")


def main() -> None:
    folder = Path(sys.argv[1])
    means = posterior_means(folder / "posterior.parquet")
    shutil.copyfile(folder / "posterior.parquet", SHIPPED)
    write_means(means)
    for name, value in means.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
