"""Settlement outcomes (prov. 14, 16): the hukou citizenization rate, settlements by route, the
points rounds, and the citizenization funnel."""

import numpy as np

from model.enums import SizeClass
from model.flows import Flow
from model.kernels import Rows
from model.outcomes.registry import outcome, register_family
from model.outcomes.snapshot import (
    TARGET_GROUP_MONTHS,
    Snapshot,
    by_group,
    once_per_snapshot,
    per_city,
    ratio,
    table,
    tally,
)


@outcome(unit="share", theme="settlement")
def hukou_citizenization_rate(s: Snapshot) -> np.ndarray:
    """Settled migrants / (settled migrants + unsettled migrants who have lived in their city
    for at least 12 months) (DESIGN §6; prov. 2's target group). Settlers include those who took
    local hukou before the start (in the spin-up), so the rate has its level from year one."""
    settled = tally(s, s.settled)
    waiting = tally(s, s.unsettled & (s.population.months_in_city >= TARGET_GROUP_MONTHS))
    return ratio(settled, settled + waiting)


@outcome(unit="people", theme="settlement")
def settled_people(s: Snapshot) -> np.ndarray:
    """Former migrant workers living in a city with its local hukou, whether they settled before
    the start (in the spin-up) or during the run (stock)."""
    return tally(s, s.settled)


@outcome(unit="people", theme="settlement")
def settlements_per_year(s: Snapshot) -> np.ndarray:
    """People who took local hukou during the year (flow)."""
    return by_group(s.flows[Flow.SETTLEMENTS])


@outcome(unit="people", theme="settlement")
def settlements_with_families_per_year(s: Snapshot) -> np.ndarray:
    """People who took local hukou during the year with their families: settling workers and
    the family members living with them, each counted once (what the national accounts add to
    the urban-hukou population)."""
    return by_group(s.flows[Flow.SETTLEMENTS] + s.flows[Flow.SETTLED_FAMILY])


@outcome(unit="share", theme="settlement")
def settlement_eligible_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) who meet their city's settlement rule or are exempted
    by a priority group (points queues included) / migrants in cities, at year end."""
    eligible, _ = s.settlement_position
    return ratio(tally(s, eligible), tally(s, s.unsettled))


@outcome(unit="share", theme="settlement")
def settlement_willing_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) who want local hukou / migrants in cities."""
    _, willing = s.settlement_position
    return ratio(tally(s, willing), tally(s, s.unsettled))


@outcome(unit="people", theme="settlement")
def flowing_not_settling(s: Snapshot) -> np.ndarray:
    """People who could settle but do not want to (流而不迁): eligible, unwilling, year end."""
    eligible, willing = s.settlement_position
    return tally(s, eligible & ~willing)


def _flow(name: str, flow: Flow, definition: str) -> None:
    """Register the outcome `name`: the year's people in `flow`, by group."""
    register_family(
        globals(), name, lambda s: by_group(s.flows[flow]), definition, "people", "settlement"
    )


register_family(
    globals(),
    "paid_exit_yuan",
    lambda s: by_group(s.flows[Flow.PAID_EXIT_YUAN]),
    "Paid during the year for the contract land and homesteads settlers gave up (voluntary "
    "paid exit, prov. 16; yuan, by the class of the settlers' city). Paid at the origin "
    "(collectives and local governments there), outside the cities' accounts.",
    "yuan",
    "fiscal",
)
_flow(
    "settled_by_rule_open",
    Flow.SETTLED_OPEN,
    "Settlements during the year through an open rule, all conditions met (people).",
)
_flow(
    "settled_by_rule_conditions",
    Flow.SETTLED_CONDITIONS,
    "Settlements during the year through a conditions rule, all conditions met (people).",
)
_flow(
    "settled_by_rule_points",
    Flow.SETTLED_POINTS,
    "Settlements during the year through a points rule and its quota (people).",
)
_flow(
    "settled_by_rule_priority",
    Flow.SETTLED_PRIORITY,
    "Settlements during the year that needed a priority group's exemption (people).",
)


@outcome(unit="people", theme="settlement")
def points_applicants(s: Snapshot) -> np.ndarray:
    """People applying in the year's points rounds (willing and eligible to apply)."""
    return by_group(s.flows[Flow.POINTS_APPLICANTS])


@outcome(unit="share", theme="settlement")
def points_success_rate(s: Snapshot) -> np.ndarray:
    """People admitted in the year's points rounds / points applicants (NaN with none)."""
    return ratio(by_group(s.flows[Flow.POINTS_ADMITTED]), by_group(s.flows[Flow.POINTS_APPLICANTS]))


@outcome(unit="months", theme="settlement")
def median_months_to_settlement(s: Snapshot) -> np.ndarray:
    """Median months lived in the city by the people who settled during the year."""
    hist = s.months_at_settlement  # (SizeClass, poor, months)
    out = table()
    groups = {(0, 0): hist.sum(axis=(0, 1)), (1, 0): hist[:, 1].sum(axis=0)}
    for c in SizeClass:
        groups[(0, 1 + c)] = hist[c].sum(axis=0)
        groups[(1, 1 + c)] = hist[c, 1]
    for (population, column), counts in groups.items():
        total = counts.sum()
        if total > 0:
            out[population, column] = float(np.searchsorted(np.cumsum(counts), total / 2))
    return out


@outcome(unit="people", theme="settlement")
def settlement_quota_total(s: Snapshot) -> np.ndarray:
    """Next year's points quotas set by the governments, summed (people)."""
    return per_city(s, np.where(np.isfinite(s.quota_people), s.quota_people, 0.0))


# --- the funnel: nested stages, each a subset of the one before ---------------------------------


@once_per_snapshot
def funnel_masks(s: Snapshot) -> dict[str, Rows]:
    """Nested stages of citizenization over all rows, each a subset of the one before:
    in a city >= 12 months (or settled) -> with a residence permit -> eligible to settle ->
    eligible and willing -> settled. Settlers count at every stage."""
    pop = s.population
    settled = s.settled
    eligible, willing = s.settlement_position
    stage = settled | (s.unsettled & s.in_city & (pop.months_in_city >= TARGET_GROUP_MONTHS))
    stages = {"in_city_12_months": stage}
    stage = stage & (settled | s.rows("permit"))
    stages["with_permit"] = stage
    stage = stage & (settled | eligible)
    stages["eligible"] = stage
    stage = stage & (settled | willing)
    stages["willing"] = stage
    stages["settled"] = settled
    return stages


@outcome(unit="people", theme="settlement")
def funnel_in_city_12_months(s: Snapshot) -> np.ndarray:
    """Funnel stage 1: people in a city for 12 months or more, settlers included."""
    return tally(s, funnel_masks(s)["in_city_12_months"])


@outcome(unit="people", theme="settlement")
def funnel_with_permit(s: Snapshot) -> np.ndarray:
    """Funnel stage 2: of stage 1, those holding a residence permit (or settled)."""
    return tally(s, funnel_masks(s)["with_permit"])


@outcome(unit="people", theme="settlement")
def funnel_eligible(s: Snapshot) -> np.ndarray:
    """Funnel stage 3: of stage 2, those eligible to settle (or settled)."""
    return tally(s, funnel_masks(s)["eligible"])


@outcome(unit="people", theme="settlement")
def funnel_willing(s: Snapshot) -> np.ndarray:
    """Funnel stage 4: of stage 3, those who also want local hukou (or settled)."""
    return tally(s, funnel_masks(s)["willing"])


#: The funnel's stages in order; the last is the settled stock.
FUNNEL = (
    "funnel_in_city_12_months",
    "funnel_with_permit",
    "funnel_eligible",
    "funnel_willing",
    "settled_people",
)
