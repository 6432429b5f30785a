"""The speed benchmark runs and prints its table (the figures themselves are the script's
output, quoted in the README, not asserted: the machine is shared)."""

import subprocess
import sys

import pytest

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


def test_the_year_end_benchmark_prints_each_phase_in_ordinary_months_and_decembers():
    script = ROOT / "benchmarks" / "year_end.py"
    args = ["--migrants", "3000", "--years", "1", "--top", "3"]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, check=True
    )
    lines = done.stdout.strip().splitlines()
    rows = {line[:32].strip(): line[32:].split() for line in lines[2:13]}
    assert "outcomes" in rows and "the whole month" in rows
    assert float(rows["outcomes"][0]) == 0.0 < float(rows["outcomes"][1])  # December's only
    ordinary, december = (float(x) for x in rows["the whole month"])
    ratio = float(lines[13].split(": ")[1])
    assert ratio == pytest.approx(december / ordinary, rel=0.1)  # of figures printed to 0.1 ms
    assert lines[14].startswith("year-end outcomes") and len(lines) == 15 + 3
