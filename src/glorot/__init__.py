"""glorot: the package behind the executable reproduction of Glorot & Bengio (2010).

Modules, one job each, arrows pointing down (a module imports only modules below it):

- :mod:`glorot.sweep`         the paper's grid on a Dask cluster: the plan's chunks as tasks, one
  device each, merged into the archive; :mod:`glorot.clusters` the cluster to run them on
  (``LocalCluster``, SLURM, a running scheduler); :mod:`glorot.locks` the per-entry file lock

- :mod:`glorot.experiments`   the experiments, one module per chapter (``setting``, ``saturation``,
  ``cost``, ``initialization``, ``gradients``, ``error_curves``) and ``registry``, the job pipeline
  (typed configuration -> validation -> estimate -> verified archive hit or checkpointed run)
- :mod:`glorot.plots`, :mod:`glorot.plots_dynamics`, :mod:`glorot.plots_errors`   the paper's figures
- :mod:`glorot.archive`       results with provenance, verified at load; :mod:`glorot.fingerprint`
  the code a result was computed with
- :mod:`glorot.monitoring`    stacks trained side by side on one stream and probed as they learn
- :mod:`glorot.budget`        wall-time estimates before a run; :mod:`glorot.configs` typed configurations
- :mod:`glorot.train`         batch-10 SGD over a stack, evaluation, divergence, the lockstep trainer;
  :mod:`glorot.checkpoints` checkpoint files, read without running code;
  :mod:`glorot.run_settings` how a run is carried out (engine, kernels, TF32, a chunk's work
  budget): one frozen object passed down to every training loop
- :mod:`glorot.pretrain`      greedy denoising auto-encoder pre-training (Fig. 11)
- :mod:`glorot.probes`        per-layer statistics and Jacobian singular values (eq. 17)
- :mod:`glorot.nets`          activations, initializations (eqs. 1, 16), a stack of MLPs (eqs. 2, 3)
- :mod:`glorot.shapeset`, :mod:`glorot.data`   the inputs (Shapeset-3x2; MNIST, CIFAR-10, Small-ImageNet)
- :mod:`glorot.paper`         the paper's numbers (Table 1, Figs. 11-12)
- :mod:`glorot.stats`, :mod:`glorot.validation`   the significance test; shared checks
"""

__version__ = "0.1.0"
