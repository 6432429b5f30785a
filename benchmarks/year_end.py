"""Where a December's time goes: each phase's milliseconds in an ordinary month and in
December, and the costliest year-end outcomes.

    python benchmarks/year_end.py [--migrants 1000000] [--years 3]
                                  [--scenario scenarios/policy_2019.yaml] [--top 12]

Runs the scenario's calendar on one core (kernels compiled and loaded before the clock
starts) and prints, per phase, the median milliseconds over the ordinary months (not January,
not December) and over the Decembers, then December's median over the ordinary month's (the
bound issue 17 sets: 2x). Then the outcomes of the last December, each timed as the year-end
record computes them (in registration order, sharing what they share): the costliest first.
Phases are timed by wrapping the functions `CitizenizationModel` calls; nothing in the model
changes.
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from model import governments, outcomes  # noqa: E402
from model.model import CitizenizationModel  # noqa: E402
from model.outcomes.registry import OUTCOMES  # noqa: E402
from model.processes import fiscal, labour, migration, permits, services, settlement  # noqa: E402
from model.runner import sized  # noqa: E402
from model.scenario import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "scenarios" / "policy_2019.yaml"

#: What the model calls each month (or each December), by the name printed.
PHASES = {
    "migration": (migration, "step"),
    "labour": (labour, "step"),
    "permits": (permits, "step"),
    "services": (services, "step"),
    "assessment of every candidate": (settlement, "assess"),
    "settlement": (settlement, "step"),
    "fiscal": (fiscal, "step"),
    "fiscal year close": (fiscal, "close_year"),
    "governments": (governments, "decide_all"),
    "outcomes": (outcomes, "record"),
}


def timed_phases(spent: dict[str, float]) -> None:
    """Wrap each phase so that its seconds add up in `spent` (a call inside another, as the
    monthly assessment inside the settlement phase, counts in both)."""
    for name, (module, attribute) in PHASES.items():
        function = getattr(module, attribute)

        def wrapper(*args, _function=function, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - started

        setattr(module, attribute, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrants", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=POLICY)
    parser.add_argument("--top", type=int, default=12, help="outcomes listed")
    args = parser.parse_args()
    scenario = sized(load_scenario(args.scenario), migrants=args.migrants, years=args.years)
    # every kernel compiled or loaded from the disk cache before the clock starts
    CitizenizationModel(sized(scenario, migrants=2_000, years=1), seed=1).run()

    model = CitizenizationModel(scenario, seed=1)
    spent: dict[str, float] = defaultdict(float)
    timed_phases(spent)
    months: list[tuple[int, float, dict[str, float]]] = []
    for _ in range(model.months):
        spent.clear()
        started = time.perf_counter()
        model.step()
        months.append((model.clock.month, time.perf_counter() - started, dict(spent)))

    ordinary = [m for m in months if m[0] not in (1, 12)]
    december = [m for m in months if m[0] == 12]

    def median_ms(chosen, phase=None) -> float:
        values = [total if phase is None else parts.get(phase, 0.0) for _, total, parts in chosen]
        return 1000 * float(np.median(values))

    print(
        f"scenario {args.scenario.name}, {args.migrants:,} migrants, {model.months} months "
        f"({len(december)} Decembers), one core; medians in ms"
    )
    print(f"{'phase':<32}{'ordinary month':>16}{'December':>10}")
    for phase in PHASES:
        print(f"{phase:<32}{median_ms(ordinary, phase):>16.1f}{median_ms(december, phase):>10.1f}")
    whole_ordinary, whole_december = median_ms(ordinary), median_ms(december)
    print(f"{'the whole month':<32}{whole_ordinary:>16.1f}{whole_december:>10.1f}")
    print(f"December / ordinary month: {whole_december / whole_ordinary:.2f}")

    snapshot = model.snapshot()  # the last December's, as its outcome record read it
    cost = {}
    for name, entry in OUTCOMES.items():
        started = time.perf_counter()
        entry(snapshot)
        cost[name] = time.perf_counter() - started
    print(
        f"year-end outcomes, the last December again: {1000 * sum(cost.values()):.1f} ms for "
        f"{len(cost)}; the costliest:"
    )
    for name, seconds in sorted(cost.items(), key=lambda item: -item[1])[: args.top]:
        print(f"  {1000 * seconds:7.2f}  {name}")


if __name__ == "__main__":
    main()
