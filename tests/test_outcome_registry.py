"""The outcome registry: every outcome carries a unit, a theme and a definition, and the docs
are generated from it."""

import importlib.util
import pickle

import numpy as np
import pytest

from conftest import ROOT
from model.outcomes import HEADLINE, OUTCOMES, THEMES, outcome

spec = importlib.util.spec_from_file_location("outcome_docs", ROOT / "tools" / "outcome_docs.py")
outcome_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(outcome_docs)


def test_every_outcome_has_unit_theme_and_a_definition():
    assert set(HEADLINE) <= set(OUTCOMES)
    for name, entry in OUTCOMES.items():
        assert entry.name == name and entry.theme in THEMES
        assert len(entry.definition) > 20, name
        # rates are shares; a share is never named as a count
        if name.endswith(("_rate", "_share")):
            assert entry.unit == "share", name


def test_outcome_functions_pickle_by_name():
    for entry in OUTCOMES.values():
        assert pickle.loads(pickle.dumps(entry.function)) is entry.function


def test_registering_twice_or_without_a_definition_is_refused():
    with pytest.raises(ValueError, match="twice"):
        outcome(unit="people", theme="labour")(OUTCOMES["migrants_in_cities"].function)

    def undocumented(s):
        return np.zeros((2, 8))

    with pytest.raises(ValueError, match="docstring"):
        outcome(unit="people", theme="labour")(undocumented)
    assert "undocumented" not in OUTCOMES


def test_outcome_docs_are_current():
    """docs/outcomes.md and README's headline table are what `make docs` writes now."""
    assert outcome_docs.OUTCOMES_DOC.read_text(encoding="utf-8") == outcome_docs.outcomes_doc(), (
        "docs/outcomes.md is out of date: run `make docs`"
    )
    readme = outcome_docs.README.read_text(encoding="utf-8")
    assert readme == outcome_docs.readme_with_block(readme), (
        "README's outcome table is out of date: run `make docs`"
    )
    for name in OUTCOMES:
        assert f"`{name}`" in outcome_docs.OUTCOMES_DOC.read_text(encoding="utf-8")


def test_a_year_end_snapshot_is_freed_as_soon_as_it_is_dropped(policy_2019):
    """What the outcomes cache in a snapshot (packed sets, classes of values) holds no
    reference back to it: a snapshot is freed when the record is taken and dropped, not at
    the next garbage collection (a cycle kept ~15 bytes a migrant alive between Decembers)."""
    import gc
    import weakref

    from model.model import CitizenizationModel
    from model.outcomes import record

    model = CitizenizationModel(
        policy_2019.override({"simulation.migrants": 2000, "simulation.years": 1}), seed=1
    )
    for _ in range(model.months):
        model.step()
    gc.disable()
    try:
        snapshot = model.snapshot()
        table = record(snapshot, model.clock.year)
        assert snapshot.memo  # the outcomes cached what they share
        freed = weakref.ref(snapshot)
        del snapshot
        assert freed() is None
    finally:
        gc.enable()
    assert len(table) > 0
