"""The speed benchmark runs and prints its table (the figures themselves are the script's
output, quoted in the README, not asserted: the machine is shared)."""

import subprocess
import sys

from conftest import ROOT


def test_the_speed_benchmark_prints_rates_against_a_plain_mesa_model():
    script = ROOT / "benchmarks" / "speed_memory.py"
    args = ["--sizes", "3000", "--months", "13", "--no-make-run"]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    lines = done.stdout.strip().splitlines()
    toy = lines[1].split(": ")[-1].split()[0]
    assert lines[1].startswith("plain Mesa toy") and float(toy.replace(",", "")) > 0
    row = lines[-1].split()
    assert row[0] == "3,000"
    rate, ratio, columns, peak, year_end = (float(x.replace(",", "")) for x in row[3:8])
    assert rate > 0 and ratio > 0 and 0 < columns <= peak and year_end > 0
