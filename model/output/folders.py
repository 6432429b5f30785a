"""What a results folder holds, for each kind of work: one function per kind, used by the
command line and notebooks alike.

    run/         outcomes.parquet, summary.json, scenario.resolved.yaml, trajectories.png,
                 manifest.json
    compare/     comparison.parquet, summary.parquet, cost_effectiveness.csv and .png,
                 <name>.resolved.yaml per scenario,
                 comparison.png, funnel.png, funnel_poor.png, fiscal.png, manifest.json
                 (report.html on request)
    validation/  simulated.csv, against_targets.csv, validation.png, manifest.json

The manifest is written last, so a folder with a manifest is a finished one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from model.outcomes import headline_values
from model.output import plots, results
from model.output.names import Language
from model.scenario import Scenario


def results_root() -> Path:
    """Where results go by default: $CITIZENIZATION_RESULTS, else `results/` of the project
    checkout the code runs from (whatever the working directory), else ./results for an
    installed package."""
    if os.environ.get("CITIZENIZATION_RESULTS"):
        return Path(os.environ["CITIZENIZATION_RESULTS"])
    if (results.PROJECT_ROOT / "pyproject.toml").is_file():
        return results.PROJECT_ROOT / "results"
    return Path("results").resolve()


def default_folder(*parts: str) -> Path:
    """results_root()/PARTS/<UTC timestamp>: a new folder for each piece of work."""
    return results_root().joinpath(*parts, results.timestamp())


def write_run(
    out: Path,
    scenario: Scenario,
    seed: int,
    outcomes: pd.DataFrame,
    wall_seconds: float,
    scenario_file: Path | None = None,
    lang: Language = "en",
) -> dict:
    """A single run's folder; returns its summary (headline outcomes of the last year).
    `lang`: the language of its figure (en or zh)."""
    summary = {
        "scenario": scenario.name,
        "seed": seed,
        "year": int(outcomes["year"].max()),
        "outcomes": headline_values(outcomes),
    }
    results.write_parquet(outcomes, out / "outcomes.parquet")
    results.write_json(summary, out / "summary.json")
    results.write_text(scenario.to_yaml(), out / "scenario.resolved.yaml")
    plots.plot_trajectories(
        outcomes, out / "trajectories.png", f"{scenario.name}, seed {seed}", lang=lang
    )
    results.write_json(
        results.manifest(
            scenario=scenario.name,
            scenario_file=str(scenario_file) if scenario_file else None,
            scenario_hash=scenario.hash(),
            seed=seed,
            migrants=scenario.simulation.migrants,
            years=scenario.simulation.years,
            wall_time_seconds=round(wall_seconds, 3),
        ),
        out / "manifest.json",
    )
    return summary


def write_comparison(
    out: Path,
    comparison,
    scenarios: Sequence[Scenario],
    seeds: Sequence[int],
    wall_seconds: float,
    scenario_files: Sequence[Path] | None = None,
    report: bool = False,
    lang: Language = "en",
    posterior: dict | None = None,
) -> pd.DataFrame:
    """A paired comparison's folder (`comparison` from `compare_scenarios`, or from
    `compare_over_posterior` with `posterior` saying which file and how many draws); returns
    the summary table."""
    summary = comparison.summary()
    results.write_parquet(comparison.runs, out / "comparison.parquet")
    results.write_parquet(summary, out / "summary.parquet")
    for scenario in scenarios:
        results.write_text(scenario.to_yaml(), out / f"{scenario.name}.resolved.yaml")
    title = f"{' vs '.join(s.name for s in scenarios)}: " + (
        f"{posterior['draws']} posterior draws x {posterior['seeds_per_draw']} seeds"
        if posterior
        else f"{len(seeds)} seeds"
    )
    runs = comparison.runs
    trajectories = "Citizenization over time (bands: min-max over seeds) and by city class"
    figures = {
        trajectories: plots.plot_trajectories(
            runs, out / "comparison.png", f"{title} (bands: min-max)", lang=lang
        ),
        "The citizenization funnel, all migrants": plots.plot_funnel(
            runs, out / "funnel.png", f"{title}: all migrants", lang=lang
        ),
        "The citizenization funnel, poor migrants": plots.plot_funnel(
            runs, out / "funnel_poor.png", f"{title}: poor migrants", population="poor", lang=lang
        ),
        "Fiscal flows (prov. 15)": plots.plot_fiscal(runs, out / "fiscal.png", title, lang=lang),
    }
    if len(scenarios) > 1:
        from model.experiments.cost import cost_effectiveness

        cost = cost_effectiveness(comparison)
        results.write_text(cost.to_csv(index=False), out / "cost_effectiveness.csv")
        figures["What the centre's money buys (prov. 15)"] = plots.plot_cost_effectiveness(
            cost, out / "cost_effectiveness.png", f"{title}: cost-effectiveness", lang=lang
        )
    if report:
        from model.output.report import write_report

        write_report(comparison, summary, figures, out / "report.html", scenarios, lang=lang)
    files = scenario_files or [None] * len(scenarios)
    results.write_json(
        results.manifest(
            scenarios={
                s.name: {"file": str(f) if f else None, "hash": s.hash()}
                for s, f in zip(scenarios, files, strict=True)
            },
            seeds=list(seeds),
            migrants=[s.simulation.migrants for s in scenarios],
            years=[s.simulation.years for s in scenarios],
            wall_time_seconds=round(wall_seconds, 3),
            **({"posterior": posterior} if posterior else {}),
        ),
        out / "manifest.json",
    )
    return summary


def write_validation(
    out: Path,
    scenario: Scenario,
    seeds: Sequence[int],
    simulated: pd.DataFrame,
    table: pd.DataFrame,
    targets: pd.DataFrame,
    lang: Language = "en",
) -> None:
    """A validation's folder: simulated targets, the comparison table and its plot."""
    from model.validity import validation

    results.write_text(simulated.to_csv(index=False), out / "simulated.csv")
    results.write_text(table.to_csv(index=False), out / "against_targets.csv")
    validation.plot_against_targets(simulated, targets, out / "validation.png", lang)
    results.write_json(
        results.manifest(
            scenario=scenario.name,
            scenario_hash=scenario.hash(),
            seeds=list(seeds),
            migrants=scenario.simulation.migrants,
        ),
        out / "manifest.json",
    )
