"""The learning rates the `search` profile of shapeset_curves chose, as the `--set` options of
the long campaign's other runs (issue 23: "the dynamics runs use the rate that the search
chose for the same network"). Prints one line per run: EXPERIMENT --set KEY=VALUE...; prints
nothing (exit 1) while the search is not archived."""

import json
import shlex
import sys

from glorot.experiments import config, registry

search = registry.load_archived("shapeset_curves", "search", config("shapeset_curves", "search"))
if search is None:
    print("the search (shapeset_curves --profile search) is not archived yet", file=sys.stderr)
    sys.exit(1)
picks = search["search"]
chosen = dict(zip(picks.loc[picks["chosen"], "config"], picks.loc[picks["chosen"], "lr"]))
rate = {k: float(v) for k, v in chosen.items()}
runs = {
    "gradient_dynamics": {"learning_rates": [rate["tanh"], rate["tanh-N"]]},
    "activation_saturation": {"learning_rates": [rate["tanh"], rate["softsign"]]},
    "sigmoid_saturation": {"learning_rates": [rate["sigmoid-4"], rate["sigmoid-5"]]},
    "shapeset_curves": {"config_learning_rates": [rate[c] for c in config("shapeset_curves", "long").configurations]},
}
for name, sets in runs.items():
    print(name, " ".join(f"--set {shlex.quote(f'{k}={json.dumps(v, separators=(",", ":"))}')}" for k, v in sets.items()))
