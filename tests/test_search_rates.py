"""The long profiles' learning rates are those the archived search chose (issue 23)."""

import pytest

from glorot.experiments import config, registry
from glorot.experiments.search_rates import LONG_RATES
from glorot.paper import CONFIGURATIONS


def _search():
    search = registry.load_archived("shapeset_curves", "search", config("shapeset_curves", "search"))
    if search is None:
        pytest.skip("the search (shapeset_curves --profile search) is not archived in this checkout")
    return search.frames["search"]


def test_long_rates_are_the_archived_search_choice():
    picks = _search()
    chosen = picks[picks["chosen"]]
    assert dict(zip(chosen["config"], chosen["lr"].astype(float))) == LONG_RATES


def test_every_configuration_has_a_long_rate():
    assert set(LONG_RATES) == set(CONFIGURATIONS)


def test_long_profiles_state_the_rates():
    assert config("shapeset_curves", "long").config_learning_rates == tuple(LONG_RATES[c] for c in CONFIGURATIONS)
    assert config("gradient_dynamics", "long").learning_rates == (LONG_RATES["tanh"], LONG_RATES["tanh-N"])
    assert config("activation_saturation", "long").learning_rates == (LONG_RATES["tanh"], LONG_RATES["softsign"])
    assert config("sigmoid_saturation", "long").learning_rates == (LONG_RATES["sigmoid-4"], LONG_RATES["sigmoid-5"])
