"""Every plot renders for a tiny run, and `compare --report` writes its one-page report."""

import pandas as pd

from conftest import ROOT, SCENARIOS
from model.cli import main
from model.experiments.compare import compare_scenarios
from model.output import plots
from model.scenario import load_scenario

PNG = b"\x89PNG\r\n\x1a\n"


def test_every_comparison_plot_renders(tmp_path):
    scenarios = [load_scenario(SCENARIOS / f"{n}.yaml") for n in ("baseline", "policy_2019")]
    runs = compare_scenarios(scenarios, seeds=[0, 1], migrants=1500, years=2).runs
    for name, draw in (
        ("trajectories", plots.plot_trajectories),
        ("funnel", plots.plot_funnel),
        ("fiscal", plots.plot_fiscal),
    ):
        path = draw(runs, tmp_path / f"{name}.png", name)
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 10_000


def test_sweep_plots_render(tmp_path):
    runs = pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(8)],
            "scenario": "s",
            "point": [0, 1, 2, 3] * 2,
            "replication": [0] * 4 + [1] * 4,
            "seed": [1] * 4 + [2] * 4,
            "year": 2020,
            "outcome": "hukou_citizenization_rate",
            "population": "all",
            "city_class": "all",
            "value": [0.1, 0.2, 0.3, 0.4, 0.12, 0.22, 0.28, 0.41],
            "a": [0, 1, 0, 1] * 2,
            "b": [0, 0, 1, 1] * 2,
        }
    )
    path = plots.plot_response_surface(
        runs, "a", "b", "hukou_citizenization_rate", tmp_path / "surface.png"
    )
    assert path.read_bytes()[:8] == PNG
    indices = pd.DataFrame(
        {
            "kind": ["lever", "uncertainty"],
            "mu_star": [0.3, 0.1],
            "mu_star_conf": [0.05, 0.02],
            "sigma": [0.1, 0.0],
        },
        index=["a", "b"],
    )
    assert plots.plot_sensitivity(indices, tmp_path / "s.png", "t").read_bytes()[:8] == PNG


def test_compare_report_is_one_self_contained_page(tmp_path, capsys):
    out = tmp_path / "report"
    assert (
        main(
            [
                "compare",
                str(SCENARIOS / "baseline.yaml"),
                str(SCENARIOS / "policy_2019.yaml"),
                "--seeds",
                "2",
                "--migrants",
                "1500",
                "--years",
                "2",
                "--out",
                str(out),
                "--report",
                "--quiet",
            ]
        )
        == 0
    )
    page = (out / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 5  # figures embedded, no side files
    assert "policy_2019 − baseline" in page and "Hukou citizenization rate" in page
    assert "The pre-2019 policy" in page  # each scenario's description
    # a real table (printable), not preformatted text; and what the variant changes, by name
    assert "<table>" in page and "<pre>" not in page and "size: A4 portrait" in page
    # the README lists every file compare writes
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in out.iterdir():
        listed = path.name if not path.name.endswith(".resolved.yaml") else "resolved YAML"
        assert listed in readme, path.name
    assert "Rural rights protected: no → yes" in page
    assert "Type-II large cities: Settlement rule: conditions → open" in page
