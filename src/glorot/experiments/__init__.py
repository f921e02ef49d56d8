"""The experiments of the book, one module per chapter (paper section), each a job with a
typed configuration (see :mod:`glorot.experiments.registry` for the pipeline).

* :mod:`~glorot.experiments.setting`         ch. 1, §2: ``shapeset_frequencies``
* :mod:`~glorot.experiments.saturation`      ch. 2, §3: ``sigmoid_saturation``, ``activation_saturation``
* :mod:`~glorot.experiments.cost`            ch. 3, §4.1: ``cost_surface``, ``cost_comparison``
* :mod:`~glorot.experiments.initialization`  ch. 4, §4.2: ``init_statistics``, ``variance_propagation``
* :mod:`~glorot.experiments.gradients`       ch. 5, §4.3: ``gradient_dynamics``
* :mod:`~glorot.experiments.error_curves`    ch. 6, §5: ``shapeset_curves``, ``finite_curves``, ``svm_baseline``

This is the one place that imports the sections (each registers its experiments with the
registry); the registry itself imports none of them.
"""

from . import setting, saturation, cost, initialization, gradients, error_curves  # noqa: I001 (chapter order: the registry lists them so)
from .registry import EXPERIMENTS, PROFILES, Experiment, Result, check_flags, config, estimate, experiment, longer_run, run

__all__ = ["EXPERIMENTS", "PROFILES", "Experiment", "Result", "check_flags", "config", "estimate", "experiment", "longer_run", "run",
           "cost", "error_curves", "gradients", "initialization", "saturation", "setting"]
