"""What the paper reports (Glorot & Bengio 2010, §5, Table 1, Figs. 11-12): its configurations,
numbers and bold marks, so that experiments and plots compare against one source."""

from __future__ import annotations

from dataclasses import dataclass

@dataclass(frozen=True)
class Configuration:
    """One curve of Fig. 11 / row of Table 1. ``activation=None``: the experiment's
    ``pretrain_activation`` (the paper does not say which units its pre-trained net used)."""

    key: str
    label: str
    activation: str | None
    init: str
    depth: int
    pretrained: bool = False


CONFIGURATIONS: dict[str, Configuration] = {
    c.key: c
    for c in (
        Configuration("sigmoid-5", "Sigmoid depth 5", "sigmoid", "standard", 5),
        Configuration("sigmoid-4", "Sigmoid depth 4", "sigmoid", "standard", 4),
        Configuration("tanh", "Tanh", "tanh", "standard", 5),
        Configuration("softsign", "Softsign", "softsign", "standard", 5),
        Configuration("softsign-N", "Softsign N", "softsign", "normalized", 5),
        Configuration("tanh-N", "Tanh N", "tanh", "normalized", 5),
        Configuration("pretraining", "Pre-training", None, "standard", 5, pretrained=True),
    )
}
"""Fig. 11's legend, in its order (decreasing final error). ``N``: normalized init (eq. 16)."""

TABLE1_ROWS = {"softsign": "Softsign", "softsign-N": "Softsign N", "tanh": "Tanh", "tanh-N": "Tanh N", "sigmoid-5": "Sigmoid"}
"""Table 1's rows (5 hidden layers) in the paper's order, with its labels."""

TABLE1_COLUMNS = {"shapeset": "Shapeset", "mnist": "MNIST", "cifar10": "CIFAR-10", "small-imagenet": "ImageNet"}

PAPER_TABLE1 = {
    "softsign": {"shapeset": 16.27, "mnist": 1.64, "cifar10": 55.78, "small-imagenet": 69.14},
    "softsign-N": {"shapeset": 16.06, "mnist": 1.72, "cifar10": 53.8, "small-imagenet": 68.13},
    "tanh": {"shapeset": 27.15, "mnist": 1.76, "cifar10": 55.9, "small-imagenet": 70.58},
    "tanh-N": {"shapeset": 15.60, "mnist": 1.64, "cifar10": 52.92, "small-imagenet": 68.57},
    "sigmoid-5": {"shapeset": 82.61, "mnist": 2.21, "cifar10": 57.28, "small-imagenet": 70.66},
}
"""Table 1 of the paper: test error (%), 5 hidden layers."""

PAPER_TABLE1_BOLD = {
    "softsign": {"shapeset": True, "mnist": True, "cifar10": False, "small-imagenet": True},
    "softsign-N": {"shapeset": True, "mnist": True, "cifar10": True, "small-imagenet": True},
    "tanh": {"shapeset": False, "mnist": True, "cifar10": False, "small-imagenet": False},
    "tanh-N": {"shapeset": True, "mnist": True, "cifar10": True, "small-imagenet": True},
    "sigmoid-5": {"shapeset": False, "mnist": False, "cifar10": False, "small-imagenet": False},
}
"""The paper's bold marks ("statistically different from non-bold ones ... p = 0.005")."""

PAPER_FIG11_FINAL = {"sigmoid-5": 82.61, "sigmoid-4": 35.0, "tanh": 27.15, "softsign": 16.27, "softsign-N": 16.06,
                     "tanh-N": 15.60, "pretraining": 11.0}
"""Final test error (%) at 2.5e7 examples in Fig. 11: Table 1's values for the depth-5 rows;
*read off the figure* (approximate) for Sigmoid depth 4 (~35%) and Pre-training (~11%)."""
PAPER_FIG11_READ_OFF = ("sigmoid-4", "pretraining")

PAPER_SVM = {"n_train": 100_000, "svm": 59.47, "tanh-N": 50.47}
"""§5: RBF SVM on 100k Shapeset examples 59.47%; depth-5 tanh net, normalized init, same set 50.47%."""

PAPER_EXAMPLES = 25_000_000
"""The x axis of Figs. 11 and 12: 2.5e7 examples = 2.5M updates of 10."""
