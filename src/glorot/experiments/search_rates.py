"""The learning rates of the ``long`` profiles: those the ``search`` profile of
``shapeset_curves`` chose (issue 23: "the dynamics runs use the rate that the search chose for
the same network").

The search (archived as ``results/shapeset_curves/search-1b69bd533a``: seed 0, width 100, 500k
updates per configuration and rate, grid 0.003-0.3, extended past an edge up to twice, chosen on
10,000 validation examples; Intel Xeon, one torch thread, 61 minutes) picked these. The paper
chose its rates the same way, "after a large number of updates" (§2.3); its own values are not
given. ``tests/test_search_rates.py`` checks them against the archived search's ``chosen`` rows,
so an edit here that the archive does not back fails.

Two choices are ties: the depth-5 sigmoid net did not learn at any rate (validation error 0.84
at 0.003-0.03, 0.83 at 0.1 and 0.3), and the tie went to the lower rate (0.1).
"""

LONG_RATES = {
    "sigmoid-5": 0.1,
    "sigmoid-4": 0.3,
    "tanh": 0.03,
    "softsign": 0.03,
    "softsign-N": 0.01,
    "tanh-N": 0.01,
    "pretraining": 0.01,
}
"""Configuration (:data:`glorot.paper.CONFIGURATIONS` key) -> learning rate of its ``long`` run."""
