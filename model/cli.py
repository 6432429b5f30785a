"""The command line (also `python -m model ...`).

    run             one scenario on one seed -> a results folder
    compare         scenarios on common seeds, paired differences, plots (and a report)
    check           validate scenario files without running them
    sweep           an experiment file: many runs, each written as it finishes, resumable
    sweep-collect   gather a sweep folder's finished runs into runs.parquet
    analyse         means, paired differences, sensitivity indices, response surfaces
    validate        the historical scenario against 2015-2017 statistics
    calibrate       fit the historical scenario's uncertainties to those statistics
    app             the browser dashboard

Results go under `--out`, or `results/` of the project (`model/output/folders.py`).

Bad input (a scenario that does not validate, a missing file, an output folder that cannot be
written) is reported in one paragraph on standard error with exit code 2, before any run starts.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from model.scenario import ScenarioError
from model.scenario.inputs import InputError

EXIT_BAD_INPUT = 2


def _int_at_least(minimum: int, maximum: int | None = None):
    """An argparse type: a whole number of at least `minimum` (and at most `maximum`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            valid = f"{minimum}-{maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"expected a number {valid}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_non_negative_int = _int_at_least(0)
#: seeds are stored as 64-bit integers in every results table
_seed = _int_at_least(0, 2**63 - 1)


def _add_size_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--migrants",
        type=_positive_int,
        metavar="N",
        help="agent rows (default: the scenario's simulation.migrants)",
    )
    parser.add_argument(
        "--years",
        type=_positive_int,
        metavar="Y",
        help="simulated years (default: the scenario's simulation.years)",
    )


def _add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into an --out folder that already holds files (default: refuse)",
    )


def _add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=["en", "zh"],
        default="en",
        help="language of figures and tables: en (default) or zh (中文; needs the CJK font "
        "`make` installs, else English)",
    )


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("citizenization")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citizenization",
        description="Agent-based model of the citizenization of rural poor migrants in China.",
    )
    parser.add_argument("--version", action="version", version=f"citizenization {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run one scenario and write a results folder")
    run.add_argument("scenario", type=Path, help="scenario file (YAML)")
    _add_size_options(run)
    run.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    run.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default results/<scenario>/<UTC timestamp>)",
    )
    run.add_argument(
        "--posterior",
        type=Path,
        metavar="FILE",
        help="run under one draw of this posterior.parquet (the same draw K as compare "
        "--posterior with --first-seed 0)",
    )
    run.add_argument(
        "--draw",
        type=_non_negative_int,
        default=0,
        metavar="K",
        help="with --posterior (default 0)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_lang_option(run)
    _add_force_option(run)

    compare = commands.add_parser(
        "compare", help="run scenarios on common seeds and compare them, paired by seed"
    )
    compare.add_argument(
        "scenarios",
        type=Path,
        nargs="+",
        help="scenario files; the first is the reference the others are compared with",
    )
    _add_size_options(compare)
    compare.add_argument(
        "--seeds", type=_positive_int, default=5, metavar="K", help="seeds per scenario (default 5)"
    )
    compare.add_argument(
        "--first-seed",
        type=_seed,
        default=0,
        metavar="S",
        help="seeds are S, S+1, ..., S+K-1 (default 0)",
    )
    compare.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default results/compare/<UTC timestamp>)",
    )
    compare.add_argument(
        "--report",
        action="store_true",
        help="also write report.html: the table and figures on one page",
    )
    compare.add_argument(
        "--posterior",
        type=Path,
        metavar="FILE",
        help="posterior.parquet (e.g. model/data/posterior.parquet): run every scenario under "
        "--draws parameter sets from it, --seeds seeds each; intervals include parameter "
        "uncertainty",
    )
    compare.add_argument(
        "--draws",
        type=_positive_int,
        default=20,
        metavar="K",
        help="posterior draws with --posterior (default 20)",
    )
    compare.add_argument("--quiet", action="store_true", help="no progress bar")
    compare.add_argument(
        "--wide",
        action="store_true",
        help="one table with every confidence interval (default: a narrow table per population)",
    )
    _add_lang_option(compare)
    _add_force_option(compare)

    check = commands.add_parser("check", help="validate scenario files without running them")
    check.add_argument("files", type=Path, nargs="+", help="scenario files (YAML)")

    sweep = commands.add_parser(
        "sweep", help="run an experiment file: many runs, each written as it finishes, resumable"
    )
    sweep.add_argument("experiment", type=Path, help="experiment file (YAML)")
    sweep.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="local worker processes (default: the number of cores)",
    )
    sweep.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786"
    )
    where = sweep.add_mutually_exclusive_group()
    where.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default results/sweeps/<name>-<UTC timestamp>)",
    )
    where.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue the sweep in DIR, skipping its finished runs",
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

    collect = commands.add_parser(
        "sweep-collect",
        help="gather a sweep folder's finished runs into runs.parquet (at any time)",
    )
    collect.add_argument("folder", type=Path, help="sweep results folder")

    analyse = commands.add_parser(
        "analyse",
        help="means, paired differences, sensitivity indices and response surfaces of a sweep",
    )
    analyse.add_argument("folder", type=Path, help="sweep results folder")
    analyse.add_argument(
        "--outcome",
        default="hukou_citizenization_rate",
        help="outcome to analyse (default hukou_citizenization_rate)",
    )
    analyse.add_argument("--population", default="all", choices=["all", "poor"])
    analyse.add_argument("--city-class", default="all", help="all or a size class")
    analyse.add_argument("--year", type=_positive_int, help="year (default: the last)")
    analyse.add_argument(
        "--reference", help="scenario others are compared with (default: the experiment's first)"
    )
    _add_lang_option(analyse)
    historical = "scenarios/historical_2015.yaml"
    validate = commands.add_parser(
        "validate",
        help="simulated against observed statistics for every target key and simulated year",
    )
    validate.add_argument("--scenario", type=Path, help=f"default {historical}")
    validate.add_argument(
        "--seeds", type=_positive_int, default=3, metavar="K", help="runs (default 3)"
    )
    validate.add_argument(
        "--migrants", type=_positive_int, metavar="N", help="agent rows (default: the scenario's)"
    )
    validate.add_argument(
        "--targets", type=Path, help="targets CSV (default: the packaged calibration_targets.csv)"
    )
    validate.add_argument(
        "--out", type=Path, metavar="DIR", help="default results/validation/<UTC timestamp>"
    )
    validate.add_argument(
        "--posterior",
        type=Path,
        metavar="FILE",
        help="posterior.parquet: predictive intervals for every key and year instead of seeds",
    )
    validate.add_argument(
        "--draws",
        type=_positive_int,
        default=60,
        metavar="K",
        help="posterior draws with --posterior (default 60)",
    )
    validate.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="local worker processes with --posterior (default: the number of cores)",
    )
    validate.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_lang_option(validate)
    _add_force_option(validate)

    calibrate = commands.add_parser(
        "calibrate",
        help="a posterior over the uncertainties from the 2015-2017 statistics (ABC-SMC with "
        "pyabc), with predictive intervals through 2020",
    )
    calibrate.add_argument("--scenario", type=Path, help=f"default {historical}")
    calibrate.add_argument("--targets", type=Path, help="targets CSV (default: packaged)")
    calibrate.add_argument(
        "--parameters",
        metavar="KEY,...",
        help="dotted keys to infer (default: every uncertainty with a prior the scenario has)",
    )
    calibrate.add_argument(
        "--particles", type=_int_at_least(2), metavar="N", help="default 200 (--resume: as started)"
    )
    calibrate.add_argument(
        "--generations",
        type=_positive_int,
        metavar="G",
        help="default 6 (--resume: as started; more extends a finished calibration)",
    )
    calibrate.add_argument(
        "--migrants",
        type=_positive_int,
        metavar="N",
        help="agent rows per simulation (default 10000; --resume: as started)",
    )
    calibrate.add_argument(
        "--draws",
        type=_positive_int,
        default=60,
        metavar="K",
        help="posterior draws for the predictive check (default 60)",
    )
    calibrate.add_argument("--seed", type=_seed, help="default 0 (--resume: as started)")
    calibrate.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="local worker processes (default: the number of cores)",
    )
    calibrate.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786"
    )
    where = calibrate.add_mutually_exclusive_group()
    where.add_argument(
        "--out", type=Path, metavar="DIR", help="default results/calibration/<UTC timestamp>"
    )
    where.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="continue a calibration that was stopped, from its last finished generation",
    )
    calibrate.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_lang_option(calibrate)
    _add_force_option(calibrate)

    app = commands.add_parser("app", help="start the browser dashboard (Mesa SolaraViz)")
    app.add_argument("--port", type=_int_at_least(1, 65535), default=8765, help="default 8765")
    app.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (this machine)")
    return parser


def _terminate_as_interrupt(signum, frame) -> None:
    """SIGTERM ends a command as Ctrl-C does: finished results kept, workers stopped."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import signal
    import threading

    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt) if on_main_thread else None
    handler = {
        "run": cmd_run,
        "compare": cmd_compare,
        "check": cmd_check,
        "sweep": cmd_sweep,
        "sweep-collect": cmd_sweep_collect,
        "analyse": cmd_analyse,
        "app": cmd_app,
        "validate": cmd_validate,
        "calibrate": cmd_calibrate,
    }[args.command]
    try:
        return handler(args)
    except InputError as err:
        print(f"citizenization {args.command}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader went away (`| head`): results are written already
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no more output, and no error at exit
        return 141
    except KeyboardInterrupt:
        print(
            f"citizenization {args.command}: interrupted; results already written are kept.",
            file=sys.stderr,
        )
        return 130
    except OSError as err:
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        print(
            f"citizenization {args.command}: no space left on the device while writing "
            f"{err.filename or 'results'}; what was written before is kept (a sweep keeps "
            "every finished run: free space, then --resume).",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def cmd_check(args: argparse.Namespace) -> int:
    from model.scenario import load_scenario

    failed = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as err:
            failed += 1
            print(f"FAIL {path}: {err}", file=sys.stderr)
        else:
            print(f"ok   {path}: scenario '{scenario.name}' ({scenario.hash()})")
    return EXIT_BAD_INPUT if failed else 0


def cmd_run(args: argparse.Namespace) -> int:
    from model.output import folders, results
    from model.runner import run_scenario, sized
    from model.scenario import load_scenario

    scenario = sized(load_scenario(args.scenario), args.migrants, args.years)
    if args.posterior:
        from model.validity import calibration

        draw = calibration.draws(
            calibration.read_posterior(args.posterior), args.draw + 1, seed=0
        ).iloc[args.draw]
        scenario = scenario.override(
            {k: float(v) for k, v in draw.items() if calibration.has_parameter(scenario, k)}
        )
    out = results.prepare_folder(
        args.out or folders.default_folder(scenario.name), force=args.force
    )
    started = time.perf_counter()
    outcomes = run_scenario(scenario, args.seed, progress=not args.quiet)
    wall = time.perf_counter() - started
    summary = folders.write_run(
        out, scenario, args.seed, outcomes, wall, args.scenario, lang=args.lang
    )

    print(
        f"{scenario.name}, seed {args.seed}, {scenario.simulation.migrants:,} agent rows, "
        f"{scenario.simulation.years} year(s) in {wall:.1f} s; {summary['year']}:"
    )
    print(headline_block(summary["outcomes"], args.lang))
    print(f"every outcome: {out / 'summary.json'} and outcomes.parquet; results: {out}")
    return 0


def headline_block(values: dict[str, float], lang: str) -> str:
    """The headline outcomes of a run's final year, all and poor side by side."""
    from model.experiments.compare import format_value, text_table
    from model.outcomes import HEADLINE
    from model.output.names import display_name

    rows = []
    for outcome in HEADLINE:
        cells = [display_name("outcome", outcome, lang)]
        for population in ("all", "poor"):
            value = values.get(f"{outcome}_{population}")
            cells.append("" if value is None else format_value(outcome, value, lang))
        if any(cells[1:]):
            rows.append(cells)
    header = [
        "",
        display_name("population", "all", lang),
        display_name("population", "poor", lang),
    ]
    return "\n".join("  " + line for line in text_table(header, rows))


def cmd_compare(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from model.experiments.compare import compare_scenarios, format_summary
    from model.output import folders, results
    from model.runner import sized
    from model.scenario import load_scenario

    scenarios = [sized(load_scenario(p), args.migrants, args.years) for p in args.scenarios]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(
            f"Scenarios {', '.join(map(str, args.scenarios))} have names "
            f"{names}; compared scenarios need distinct names."
        )
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    posterior = None
    if args.posterior:  # read before anything is written: a broken file is refused first
        from model.experiments.compare import compare_over_posterior
        from model.output.results import sha256_of
        from model.validity import calibration

        parameters = calibration.draws(
            calibration.read_posterior(args.posterior), args.draws, args.first_seed
        )
        posterior = {
            "file": str(args.posterior),
            "sha256": sha256_of(args.posterior),
            "draws": args.draws,
            "seeds_per_draw": args.seeds,
        }
        seeds = list(range(args.first_seed, args.first_seed + args.seeds * args.draws))
    out = results.prepare_folder(args.out or folders.default_folder("compare"), force=args.force)

    started = time.perf_counter()
    with tqdm(
        total=len(scenarios) * len(seeds), desc="runs", unit="run", disable=args.quiet
    ) as bar:
        if posterior:
            comparison = compare_over_posterior(
                scenarios, parameters, args.seeds, args.first_seed, on_run_done=bar.update
            )
        else:
            comparison = compare_scenarios(scenarios, seeds, on_run_done=bar.update)
    wall = time.perf_counter() - started
    summary = folders.write_comparison(
        out,
        comparison,
        scenarios,
        seeds,
        wall,
        args.scenarios,
        report=args.report,
        lang=args.lang,
        posterior=posterior,
    )
    if posterior:
        print(
            f"intervals: 95 % of the {args.draws} posterior draws (parameter and seed "
            f"uncertainty), each draw the mean of {args.seeds} seeds"
        )
    print(format_summary(comparison, summary, lang=args.lang, wide=args.wide))
    if len(scenarios) > 1:
        import pandas as pd

        from model.experiments.cost import format_cost_effectiveness

        cost = pd.read_csv(out / "cost_effectiveness.csv")
        print("\n" + format_cost_effectiveness(cost, args.lang))
    print(
        f"\n{len(scenarios) * len(seeds)} runs in {wall:.1f} s; results: {out}"
        + (f" (report: {out / 'report.html'})" if args.report else "")
    )
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from model.experiments.spec import read_spec
    from model.experiments.sweep import sweep
    from model.output import folders, results

    folder = (
        args.resume
        or args.out
        or (
            folders.results_root()
            / "sweeps"
            / f"{read_spec(args.experiment).name}-{results.timestamp()}"
        )
    )
    try:
        summary = sweep(
            args.experiment,
            out=None if args.resume else folder,
            resume=args.resume,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
        )
    except KeyboardInterrupt:
        print(
            f"citizenization sweep: interrupted; every finished run is kept in {folder}. "
            f"Continue with: citizenization sweep {args.experiment} --resume {folder}",
            file=sys.stderr,
        )
        return 130
    print(
        f"{summary.total} runs: {summary.skipped} finished before, {summary.done} done now, "
        f"{summary.failed} failed, in {summary.wall_seconds:.1f} s; results: {summary.folder}"
    )
    if summary.failed:
        print(
            f"{summary.failed} runs failed (tracebacks in {summary.folder}/manifest.json and "
            f"runs/*.failed.json); retry them with --resume {summary.folder}",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_sweep_collect(args: argparse.Namespace) -> int:
    from model.experiments.store import SweepStore

    store = SweepStore.open_existing(args.folder)
    runs, broken = store.collect()
    print(
        f"{runs['run_id'].nunique()} finished runs gathered into {args.folder / 'runs.parquet'}"
        + (f"; {broken} unreadable run files left out (redo them with --resume)" if broken else "")
    )
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    import pandas as pd

    from model.experiments import analysis
    from model.experiments.spec import read_spec
    from model.experiments.store import SweepStore
    from model.output import plots, results
    from model.output.names import display_name

    store = SweepStore.open_existing(args.folder)
    spec = read_spec(args.folder / "experiment.yaml")
    runs = analysis.load_runs(args.folder)
    out = results.prepare_folder(args.folder / "analysis", force=True)  # derived: rewritten
    (out / "manifest.json").unlink(missing_ok=True)  # written again last: the finished mark
    written: list[str] = []

    def write_csv(frame: pd.DataFrame, name: str, index: bool = False) -> None:
        results.write_text(frame.to_csv(index=index), out / name)
        written.append(name)

    selection = dict(population=args.population, city_class=args.city_class, year=args.year)
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)

    means = analysis.point_means(runs, args.outcome, **selection)
    write_csv(means, "point_means.csv")
    print(
        f"{args.outcome} ({args.population}, {args.city_class}): mean over replications "
        "[95% CI] per scenario and design point"
    )
    print(means.head(30).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(means) > 30:
        print(f"... {len(means) - 30} more rows in {out / 'point_means.csv'}")

    scenarios = list(store.info["scenarios"])
    if len(scenarios) > 1:
        reference = args.reference or scenarios[0]
        diffs = analysis.paired_differences(runs, reference, args.outcome, **selection)
        write_csv(diffs, "paired_differences.csv")
        print(f"\npaired differences from {reference} (by replication seed):")
        print(diffs.head(30).to_string(index=False, float_format=lambda v: f"{v:.4g}"))

    if spec.design.kind in ("sobol", "morris"):
        for scenario in scenarios:
            indices = analysis.sensitivity(args.folder, args.outcome, scenario, **selection)
            write_csv(indices, f"sensitivity_{scenario}.csv", index=True)
            written.append(f"sensitivity_{scenario}.png")
            plots.plot_sensitivity(
                indices,
                out / f"sensitivity_{scenario}.png",
                (
                    f"{spec.design.kind} 指数：{display_name('outcome', args.outcome, 'zh')}，"
                    f"{scenario}"
                    if args.lang == "zh"
                    else f"{spec.design.kind} indices of {args.outcome}, {scenario}"
                ),
                lang=args.lang,
            )
            print(
                f"\n{spec.design.kind} indices, {scenario} "
                f"({spec.design.samples} base samples; wide intervals mean too few):"
            )
            print(indices.to_string(float_format=lambda v: f"{v:.3f}"))

    numeric = [
        c
        for c in analysis.factor_columns(runs)
        if pd.api.types.is_numeric_dtype(runs[c]) and runs[c].nunique() > 1
    ]
    if len(numeric) >= 2:
        written.append("response_surface.png")
        plots.plot_response_surface(
            runs,
            numeric[0],
            numeric[1],
            args.outcome,
            out / "response_surface.png",
            population=args.population,
            lang=args.lang,
        )
    results.write_json(
        results.manifest(outcome=args.outcome, **selection, files=written), out / "manifest.json"
    )
    print(f"\ntables and figures: {out}")
    return 0


def _die_with_parent() -> None:
    """In the dashboard's server process (Linux): be sent SIGTERM when the parent dies, so that
    killing `citizenization app`, even with kill -9, stops the server."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _check_port_free(host: str, port: int) -> None:
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, port))
    except OSError as err:
        raise InputError(
            f"Cannot serve the dashboard on {host}:{port}: "
            + (
                "the port is in use (another dashboard?)"
                if err.errno == errno.EADDRINUSE
                else (err.strerror or str(err))
            )
            + "; choose another with --port (1-65535), or --host for another address."
        ) from None


def cmd_app(args: argparse.Namespace) -> int:
    import subprocess

    _check_port_free(args.host, args.port)
    print(f"Dashboard at http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True)
    # by module name: given a file path, solara would put model/ on sys.path and shadow
    # the package with model/model.py
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "solara",
            "run",
            "model.dashboard.page",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--production",
            "--no-open",
        ],
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,  # noqa: PLW1509
    )
    try:
        return server.wait()
    finally:  # Ctrl-C or SIGTERM here: the server goes too
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _historical(path: Path | None) -> Path:
    from model.output.results import PROJECT_ROOT

    return path or PROJECT_ROOT / "scenarios" / "historical_2015.yaml"


def cmd_validate(args: argparse.Namespace) -> int:
    import pandas as pd
    from tqdm import tqdm

    from model.output import folders, results
    from model.runner import sized
    from model.scenario import load_scenario
    from model.validity import validation

    targets = validation.load_targets(args.targets)
    scenario = sized(load_scenario(_historical(args.scenario)), args.migrants)
    if args.posterior:
        return _validate_posterior(args, scenario, targets)
    out = results.prepare_folder(args.out or folders.default_folder("validation"), force=args.force)
    seeds = list(range(args.seeds))
    with tqdm(total=len(seeds), desc="validation runs", unit="run", disable=args.quiet) as bar:
        simulated = validation.simulate_targets(scenario, seeds, on_run_done=bar.update)
    table = validation.against_targets(simulated, targets)
    folders.write_validation(out, scenario, seeds, simulated, table, targets, args.lang)
    pd.set_option("display.width", 200)
    shown = table[table["simulated"].notna()].drop(columns=["how"])
    print(f"{scenario.name}: simulated (mean of {len(seeds)} seeds) against observed")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    missing = sorted(set(table.loc[table["simulated"].isna(), "key"]))
    if missing:
        print(f"not modelled yet: {', '.join(missing)} (see docs/validation.md)")
    print(f"results: {out}")
    return 0


def _validate_posterior(args: argparse.Namespace, scenario, targets) -> int:
    """`validate --posterior`: predictive intervals from posterior draws for every key and year."""
    from tqdm import tqdm

    from model.experiments.executors import make_executor
    from model.output import folders, results
    from model.validity import calibration, predictive

    posterior = calibration.read_posterior(args.posterior)
    out = results.prepare_folder(args.out or folders.default_folder("validation"), force=args.force)
    executor = make_executor(args.workers, None)
    try:
        with tqdm(total=args.draws, desc="predictive runs", unit="run", disable=args.quiet) as bar:
            table = predictive.predictive(
                scenario,
                posterior,
                targets,
                draws=args.draws,
                executor=executor,
                on_run_done=bar.update,
            )
    finally:
        executor.close()
    predictive.write_predictive(table, out, args.lang)
    shown = table[["key", "year", "observed", "median", "q05", "q95", "inside_90"]]
    print(f"{scenario.name}: posterior predictive ({args.draws} draws of {args.posterior})")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    for fitted, label in ((True, "fitted (2015-2017)"), (False, "not fitted")):
        inside, count = predictive.coverage(table, calibrated=fitted)
        if count:
            print(f"observations {label} inside their 90 % interval: {inside:.0%} of {count}")
    print(f"results: {out} (predictive.csv, predictive.png)")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from model.experiments.executors import make_executor
    from model.output import folders, results
    from model.scenario import load_scenario
    from model.validity import calibration, predictive, validation

    targets = validation.load_targets(args.targets)
    scenario = load_scenario(_historical(args.scenario))
    started = {}  # on --resume, options not given are the folder's
    if args.resume:
        started = calibration.started_settings(args.resume)
    names = [n.strip() for n in args.parameters.split(",")] if args.parameters else None
    priors = calibration.chosen_priors(scenario, names or started.get("parameters"))
    rows = calibration.calibration_rows(
        targets,
        f"Targets file {args.targets or 'packaged'}, scenario {scenario.name} (starting "
        f"{scenario.simulation.start_year})",
        first_year=scenario.simulation.start_year,
    )
    options = {}
    for name in ("particles", "generations", "migrants", "seed"):
        given = getattr(args, name)
        default = calibration.Settings.__dataclass_fields__[name].default
        options[name] = given if given is not None else started.get(name, default)
    settings = calibration.Settings(
        scenario=scenario.name, parameters=list(priors), stats=rows["stat"].tolist(), **options
    )
    if args.resume:
        out = args.resume
    else:
        out = results.prepare_folder(
            args.out or folders.default_folder("calibration"), force=args.force
        )
    executor = make_executor(args.workers, args.scheduler)
    bars: dict[int, tqdm] = {}

    def progress(generation: int, generations: int, done: int, total: int) -> None:
        if generation not in bars:
            for bar in bars.values():
                bar.close()
            label = "prior sample" if generation == 0 else f"generation {generation}/{generations}"
            bars[generation] = tqdm(
                total=total, desc=label, unit="particle", disable=args.quiet, leave=True
            )
        bars[generation].update(done - bars[generation].n)

    try:
        print(
            f"calibrating {len(priors)} parameters to {len(rows)} target rows "
            f"({settings.particles} particles, {settings.generations} generations, "
            f"{settings.migrants:,} agent rows per simulation) on {executor.name}; "
            f"folder {out}"
        )
        try:
            fit = calibration.calibrate(
                scenario,
                targets,
                out,
                settings,
                executor=executor,
                resume=bool(args.resume),
                on_progress=progress,
                lang=args.lang,
            )
        except KeyboardInterrupt:
            print(
                f"citizenization calibrate: interrupted; finished generations are kept in {out}. "
                f"Continue with: citizenization calibrate --resume {out}",
                file=sys.stderr,
            )
            return 130
        finally:
            for bar in bars.values():
                bar.close()
        with tqdm(total=args.draws, desc="predictive runs", unit="run", disable=args.quiet) as bar:
            table = predictive.predictive(
                scenario,
                fit.posterior,
                targets,
                draws=args.draws,
                migrants=settings.migrants,
                seed=settings.seed,
                executor=executor,
                on_run_done=bar.update,
            )
    finally:
        executor.close()
    predictive.write_predictive(table, out, args.lang)
    print(calibration.describe(fit, table))
    print(
        f"results: {out} (posterior.parquet, posterior.png, history.csv, identifiability.csv, "
        "predictive.csv, predictive.png)"
    )
    return 0
