"""glorot: the package behind the executable reproduction of Glorot & Bengio (2010).

Modules, one job each:

- :mod:`glorot.shapeset`    the Shapeset-3x2 generator (paper §2, Fig. 1)
- :mod:`glorot.data`        the finite datasets (MNIST, CIFAR-10, Small-ImageNet)
- :mod:`glorot.nets`        activations, initializations (eqs. 1, 16), a stack of MLPs (eqs. 2, 3)
- :mod:`glorot.train`       batch-10 SGD over a stack, evaluation, divergence handling
- :mod:`glorot.probes`      per-layer statistics and Jacobian singular values (eq. 17)
- :mod:`glorot.experiments` named experiments, profiles and the results archive
- :mod:`glorot.plots`       the paper's figures
"""

__version__ = "0.1.0"
