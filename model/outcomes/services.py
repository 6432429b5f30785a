"""Public-service outcomes (prov. 3-12, 14, 19): residence permits, the service citizenization
rate, and each service's eligible, enrolled, queue and capacity use."""

import numpy as np

from model.enums import IS_LEGAL_HOME, Employment, Housing
from model.flows import Flow
from model.kernels import Rows
from model.outcomes.registry import outcome
from model.outcomes.snapshot import (
    Classes,
    Snapshot,
    by_group,
    once_per_snapshot,
    per_city,
    poor_only,
    ratio,
    tally,
)
from model.processes import services
from model.processes.access import NEEDS_HOUSING, basis, identified_poor


@once_per_snapshot
def _access_basis(s: Snapshot, access: str) -> Rows:
    """Living in a city with a service's access basis `access` (`access.basis`)."""
    return s.in_city & basis(access, s.settled, s.rows("permit"), s.in_city)


def _with_access(s: Snapshot, need: Rows | np.ndarray, access: str) -> Rows:
    """Rows in a city that need a service and have its access basis."""
    return need & _access_basis(s, access)


def _eligible_or_enrolled(s: Snapshot, access: str, enrolled: Rows) -> np.ndarray:
    """Migrants in cities with a service's access basis, or already enrolled in it."""
    return tally(s, s.unsettled & (_access_basis(s, access) | enrolled))


def _children(s: Snapshot) -> Classes:
    """School-age children per row, each child counted once (see `children_counted_once`)."""
    return s.children_classes


# --- residence permits (prov. 14) -------------------------------------------------------------


@outcome(unit="share", theme="services")
def residence_permit_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) holding a residence permit / migrants in cities."""
    return ratio(tally(s, s.migrants_with("permit")), tally(s, s.unsettled))


@outcome(unit="people", theme="services")
def permits_issued_per_year(s: Snapshot) -> np.ndarray:
    """Residence permits issued during the year (people)."""
    return by_group(s.flows[Flow.PERMITS])


@outcome(unit="people", theme="services")
def permit_holders(s: Snapshot) -> np.ndarray:
    """Migrants in cities holding a residence permit at year end (people)."""
    return tally(s, s.migrants_with("permit"))


# --- the basic package ------------------------------------------------------------------------


@outcome(unit="share", theme="services")
def service_citizenization_rate(s: Snapshot) -> np.ndarray:
    """Share of the target group (unsettled migrants >= 12 months in their city, and settlers)
    with the full basic package: a residence permit or hukou, children (if any) in a local
    school, local medical insurance, pension cover and a legal stable home (DESIGN §6)."""
    package = (
        (s.settled | s.rows("permit"))
        & (s.rows("children", 0) | (s.rows("family_with") & s.rows("schooled")))
        & s.rows("local_medical")
        & s.rows("pension")
        & s.looked_up(IS_LEGAL_HOME, "housing")
    )
    return ratio(tally(s, s.target_group & package), tally(s, s.target_group))


@outcome(unit="share", theme="services")
def identified_poor_share(s: Snapshot) -> np.ndarray:
    """Poor migrants in cities identified as poor at their destination / poor migrants in
    cities (prov. 19); the same figure in both population rows."""
    return poor_only(ratio(tally(s, _identified_poor(s)), tally(s, s.poor)))


@once_per_snapshot
def _identified_poor(s: Snapshot) -> Rows:
    """Poor migrants their destination has identified as poor (prov. 19), wherever they live."""
    share = s.scenario.services.identified_poor_share
    return Rows.of(identified_poor(s.population, slice(None), share))


# --- schooling (prov. 5, 6) -------------------------------------------------------------------


@outcome(unit="children", theme="services")
@once_per_snapshot
def migrant_children_in_cities(s: Snapshot) -> np.ndarray:
    """School-age children living in the city with a migrant parent (rural hukou), counted
    once per family (随迁子女 of school age), year end."""
    return tally(s, s.migrants_with("family_with"), _children(s))


@outcome(unit="children", theme="services")
def migrant_pupils(s: Snapshot) -> np.ndarray:
    """Migrants' children in compulsory schooling in the city, public or other schools: those
    holding a local public school place, plus the other children living with a migrant parent
    times the enrolment share (the statistic E5: 随迁子女 in compulsory education), year end."""
    share = s.scenario.population.school_enrolment_share
    public = _public_pupils(s)
    return public + share * (migrant_children_in_cities(s) - public)


@once_per_snapshot
def _public_pupils(s: Snapshot) -> np.ndarray:
    return tally(s, s.migrants_with("family_with") & s.rows("schooled"), _children(s))


@outcome(unit="share", theme="services")
def migrant_pupils_public_share(s: Snapshot) -> np.ndarray:
    """Migrants' pupils holding a local public school place / migrants' pupils (E5: the share
    of 随迁子女 in public schools), year end."""
    return ratio(_public_pupils(s), migrant_pupils(s))


@outcome(unit="children", theme="services")
def left_behind_children(s: Snapshot) -> np.ndarray:
    """School-age children of migrants in cities (rural hukou) who live at the rural origin
    with both parents away, counted once per family (农村留守儿童 by the 2016 definition E5
    uses), year end."""
    return tally(s, s.unsettled & ~s.rows("family_with"), s.left_behind_classes)


@outcome(unit="share", theme="services")
def children_schooled_locally_share(s: Snapshot) -> np.ndarray:
    """Migrants' school-age children in a local public school place / all school-age
    children of migrants in cities (rural hukou; with them or left behind)."""
    return ratio(_public_pupils(s), tally(s, s.unsettled, _children(s)))


@outcome(unit="children", theme="services")
def schooling_eligible(s: Snapshot) -> np.ndarray:
    """Children of migrants whose family lives in the city and who have the access basis for
    a local school, in a school or not (children)."""
    need = s.rows("family_with") & ~s.rows("children", 0)
    return tally(
        s,
        _with_access(s, need, s.scenario.services.schooling.access) | (need & s.rows("schooled")),
        _children(s),
    )


@outcome(unit="children", theme="services")
def schooling_queue(s: Snapshot) -> np.ndarray:
    """Children eligible for a local school (family in the city, access basis met) without a
    place, year end (children)."""
    need = s.rows("family_with") & ~s.rows("children", 0) & ~s.rows("schooled")
    return tally(s, _with_access(s, need, s.scenario.services.schooling.access), _children(s))


@outcome(unit="ratio", theme="services")
def school_place_occupancy(s: Snapshot) -> np.ndarray:
    """Pupils in local public school places / those places for migrants' children, by the
    cities' class: at most 1 in expectation; a realisation may pass 1 by part of one row where
    a city's last place went by lottery to a family of several children."""
    # pupils (`services.pupils`): the children counted once of rows holding a school place
    # (schooled, living with their family), migrants' and settlers'; places are the cities'
    pupils = tally(s, s.rows("schooled") & s.rows("family_with"), _children(s))
    pupils[1] = np.nan  # places are not the poor's: per_city's `poor` row
    return ratio(pupils, per_city(s, services.school_places(s.world, s.scenario.services)))


# --- public rental housing (prov. 12) ---------------------------------------------------------


@outcome(unit="share", theme="services")
def public_rental_housing_share(s: Snapshot) -> np.ndarray:
    """People in cities (migrants and settlers) living in public rental housing / all."""
    return ratio(tally(s, s.rows("housing", Housing.PUBLIC_RENTAL)), tally(s, s.in_city))


@outcome(unit="people", theme="services")
def public_rental_housing_eligible(s: Snapshot) -> np.ndarray:
    """People with the access basis for public rental housing who rent, live in dormitories or
    sheds, or already have a flat."""
    need = s.looked_up(NEEDS_HOUSING, "housing")
    tenants = s.rows("housing", Housing.PUBLIC_RENTAL)
    return tally(
        s, _with_access(s, need, s.scenario.services.public_rental_housing.access) | tenants
    )


@outcome(unit="people", theme="services")
def public_rental_housing_enrolled(s: Snapshot) -> np.ndarray:
    """People living in public rental housing (tenants)."""
    return tally(s, s.rows("housing", Housing.PUBLIC_RENTAL))


@outcome(unit="people", theme="services")
def public_rental_housing_queue(s: Snapshot) -> np.ndarray:
    """People eligible for public rental housing (access basis met, renting or in dormitories
    or sheds) without a flat, year end."""
    need = s.looked_up(NEEDS_HOUSING, "housing")
    return tally(s, _with_access(s, need, s.scenario.services.public_rental_housing.access))


@outcome(unit="ratio", theme="services")
def public_rental_occupancy(s: Snapshot) -> np.ndarray:
    """Tenants / public rental places, by the cities' class: at most 1 in expectation; a
    realisation may pass 1 by part of one row (the lottery at a city's last flat)."""
    pop = s.population
    tenants = s.rows("housing", Housing.PUBLIC_RENTAL).positions()
    used = np.bincount(pop.city[tenants], pop.weight[tenants], minlength=s.world.n_cities)
    return ratio(
        per_city(s, used), per_city(s, services.housing_places(s.world, s.scenario.services))
    )


# --- insurance (prov. 7-10) -------------------------------------------------------------------


@outcome(unit="share", theme="services")
def local_medical_insurance_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities (rural hukou) in local medical insurance / migrants in cities."""
    return ratio(tally(s, s.migrants_with("local_medical")), tally(s, s.unsettled))


@outcome(unit="people", theme="services")
def medical_insurance_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for local medical insurance or covered."""
    access = s.scenario.services.medical_insurance.access
    return _eligible_or_enrolled(s, access, s.rows("local_medical"))


@outcome(unit="share", theme="services")
def pension_coverage_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities covered by a local or employee pension / migrants in cities."""
    return ratio(tally(s, s.migrants_with("pension")), tally(s, s.unsettled))


@outcome(unit="people", theme="services")
def pension_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for local pension cover or covered."""
    return _eligible_or_enrolled(s, s.scenario.services.pension.access, s.rows("pension"))


@outcome(unit="share", theme="services")
def work_injury_cover_share(s: Snapshot) -> np.ndarray:
    """Employed migrants with work-injury cover (every formal worker; the covered share of
    informal ones) / employed migrants in cities (prov. 10)."""
    share = s.scenario.services.other_insurance.informal_injury_cover_share
    covered = tally(s, s.migrants_with("employment", Employment.FORMAL)) + share * tally(
        s, s.migrants_with("employment", Employment.INFORMAL)
    )
    return ratio(covered, tally(s, s.unsettled & s.employed))


# --- employment services and training (prov. 3, 4) --------------------------------------------


@outcome(unit="share", theme="services")
def employment_service_reach_poor(s: Snapshot) -> np.ndarray:
    """Poor job-seekers in cities served by employment services (identified, services on) /
    poor job-seekers in cities, year end (prov. 3); the same figure in both rows."""
    seeking = s.poor & (s.population.employment == Employment.UNEMPLOYED)
    enabled = s.scenario.services.employment_services.enabled  # none served where off
    served = tally(s, seeking & _identified_poor(s)) * enabled
    return poor_only(ratio(served, tally(s, seeking)))


@outcome(unit="share", theme="services")
def training_uptake_share(s: Snapshot) -> np.ndarray:
    """Migrants in cities who have been trained (prov. 4) / migrants in cities (the `poor` row:
    among poor migrants)."""
    return ratio(tally(s, s.migrants_with("trained")), tally(s, s.unsettled))


@outcome(unit="people", theme="services")
def training_eligible(s: Snapshot) -> np.ndarray:
    """Migrants in cities with the access basis for subsidised training (trained or not)."""
    return _eligible_or_enrolled(s, s.scenario.services.training.access, s.rows("trained"))


@outcome(unit="people", theme="services")
def training_enrolled(s: Snapshot) -> np.ndarray:
    """Migrants in cities who have been trained (people)."""
    return tally(s, s.migrants_with("trained"))
