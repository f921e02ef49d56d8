"""The claims of §2, the experimental setting (Fig. 1, the task, the datasets, eq. (1)), judged
with the run of :mod:`glorot.experiments.setting` (see :mod:`glorot.claims` for what a claim
is).

Chapter ``01_setting`` prints these verdicts under its figure and tables. Nothing here is
trained (scale ``none``). Only the class frequencies come from the archived run itself
(``shapeset_frequencies``); the other claims are about what the generator draws, which
splits the loaders use and which weights the initialization draws, computed here when judged
(in well under a second), with the seed of that run, which is the chapter's seed. They take
the run as their argument so that every claim is judged the same way (an absent run: not
archived).

The role ``frequencies`` is the run ``shapeset_frequencies`` with the chapter's seed (0).
"""

from __future__ import annotations

import pandas as pd

from .. import data, nets, paper, shapeset
from ..experiments import Result
from .base import Claim, Judgement, register

SECTION = "§2 Experimental setting"
PAGE = "01_setting"
ROLE = "frequencies"

PAPER_SPLITS = {"mnist": (50_000, 10_000, 10_000), "cifar10": (40_000, 10_000, 10_000),
                "small-imagenet": (90_000, 10_000, 10_000)}
"""§2: train / valid / test sizes: MNIST 50,000 / 10,000 / 10,000; CIFAR-10 40,000 / 10,000
(taken from the 50k training set) / 10,000; Small-ImageNet 90,000 / 10,000 / 10,000."""
DATASET_NAMES = {"mnist": "MNIST", "cifar10": "CIFAR-10", "small-imagenet": "Small-ImageNet"}
Z_MAX = 3.0
"""A measured quantity "agrees" with its theory when within 3 standard errors of it (a class's
frequency, a layer's weight variance): with a dozen such tests, a true theory fails one by
chance with probability about 3%."""
FIG1_N = 16
"""Fig. 1 of the chapter: the first 16 images of the seed, at 32×32 and at 64×64."""
NET_SIZES = [shapeset.INPUT_DIM] + [1000] * 5 + [shapeset.N_CLASSES]
"""§2: the paper's Shapeset network, five hidden layers of 1000 units and a softmax over 9
classes."""


def _seed(run: Result) -> int:
    return int(run.config["seed"])


# --------------------------------------------------------------------------- Fig. 1


def fig1_labels(seed: int, n: int = FIG1_N) -> tuple[int, int]:
    """How many of the first ``n`` scenes of ``seed`` have the same label at 32×32 and 64×64."""
    _, y = shapeset.generate(n, seed=seed)
    _, y64 = shapeset.generate(n, seed=seed, image_size=64)
    return int((y == y64).sum()), len(y)


def _fig1(run: Result) -> Judgement:
    """Fig. 1 shows Shapeset-3×2 examples (at 64×64) and Small-ImageNet examples. Ours: the
    generator's images at both sizes, and Small-ImageNet when its files are here. Both: agrees;
    Shapeset only: partly."""
    same, n = fig1_labels(_seed(run))
    imagenet = data.available("small-imagenet")
    reason = (f"the same task (one or two of three shapes, {shapeset.N_CLASSES} classes) drawn at 64×64 by the generator "
              f"itself, as the paper shows it ({same} of the {n} scenes have the same label at both sizes"
              + ("" if same == n else "; the others had a second object rejected at one size only")
              + "); the paper's Fig. 1 also shows Small-ImageNet examples, "
              + ("shown in the chapter on the finite datasets" if imagenet else
                 "which we cannot show: no Small-ImageNet files are here"))
    ours = f"Shapeset-3×2 at 32×32 and 64×64 ({same} of {n} labels the same)" + (
        "; Small-ImageNet in chapter 08" if imagenet else "; no Small-ImageNet files here")
    return Judgement("agrees" if imagenet else "partly", reason, ours, {"same_labels": same, "n": n, "small_imagenet": imagenet})


# --------------------------------------------------------------------------- the class frequencies


def _frequencies(run: Result) -> Judgement:
    """The task's class frequencies (single shape 1/6, same-shape pair 1/18, mixed pair 1/9,
    with the generator's rejections). Ours: each class's z-score against the theory. Every
    class within :data:`Z_MAX` standard errors: agrees; else differs."""
    freq, summary = run["frequencies"], run["summary"].iloc[0]
    at = freq["z_score"].abs().idxmax()
    z, name = float(freq["z_score"].abs().max()), str(freq.loc[at, "name"])
    measured, theory = 100 * float(summary["majority_class_error"]), 100 * float(summary["theory_majority_class_error"])
    sigmoid5 = paper.PAPER_TABLE1["sigmoid-5"]["shapeset"]
    values = {"z_max": z, "z_max_class": name, "majority_measured": measured, "majority_theory": theory,
              "paper_sigmoid5": sigmoid5, "n_images": int(summary["n_images"])}
    ours = f"every class within {z:.1f} standard errors of the theory; majority-class error {measured:.2f}%"
    if z < Z_MAX:
        return Judgement("agrees", f"every class is within {z:.1f} standard errors of the frequency the paper's task implies "
                         f"(largest: {name}), and always answering the most frequent class errs {measured:.2f}% of the time "
                         f"(theory {theory:.2f}%; the paper's depth-5 sigmoid: {sigmoid5:.2f}%)", ours, values)
    return Judgement("differs", f"{name} is {z:.1f} standard errors from the frequency the paper's task implies (at most "
                     f"{Z_MAX:g} expected)", f"{name} {z:.1f} standard errors from the theory", values)


# --------------------------------------------------------------------------- the finite datasets


def _splits(run: Result) -> Judgement:
    """§2's splits (:data:`PAPER_SPLITS`) against the ones the loaders use by default
    (:data:`glorot.data.PAPER_SIZES`). All the same: agrees; else differs. (The run is not
    read: the splits are the code's.)"""
    ours = {k: tuple(data.PAPER_SIZES.get(k, ())) for k in PAPER_SPLITS}
    words = "; ".join(f"{DATASET_NAMES[k]} " + " / ".join(f"{n:,}" for n in v) for k, v in ours.items())
    differ = [DATASET_NAMES[k] for k in PAPER_SPLITS if ours[k] != PAPER_SPLITS[k]]
    values = {"ours": ours, "paper": PAPER_SPLITS}
    if not differ:
        return Judgement("agrees", "our splits are the paper's for every dataset it names", words, values)
    return Judgement("differs", f"our splits differ from the paper's for {', '.join(differ)}", words, values)


# --------------------------------------------------------------------------- the initialization


def weight_table(net: nets.MLPStack, model: int = 0) -> pd.DataFrame:
    """Per weight matrix of ``net``'s model ``model``: its shape, the half-width ``a`` of the
    uniform it is drawn from, its extremes, its variance beside ``a²/3``, and ``z``, the
    variance's relative gap over its standard error √(0.8/N) for N uniform draws."""
    rows = []
    init = net.inits[model]
    for i, W in enumerate(net.weights):
        n_in, n_out = W.shape[1:]
        a = nets.init_bound(init, n_in, n_out)
        w = W[model]
        var, expected = float(w.var()), a * a / 3
        z = (var / expected - 1) / (0.8 / w.numel()) ** 0.5
        rows.append({"layer": f"W{i + 1}", "shape": f"{n_in} × {n_out}", "a": a, "min": float(w.min()), "max": float(w.max()),
                     "variance": var, "a²/3": expected, "z": round(z, 2)})
    return pd.DataFrame(rows)


def _init_rule(init: str):
    def rule(run: Result) -> Judgement:
        """The paper's network drawn with ``init`` from the run's seed (:func:`weight_table`).
        Every weight in [−a, a] and every layer's variance within :data:`Z_MAX` standard errors
        of a²/3: agrees; else differs."""
        net = nets.MLPStack(NET_SIZES, activations="tanh", inits=init, learning_rates=0.01, seeds=_seed(run))
        t = weight_table(net)
        inside = bool((t["max"] <= t["a"] + 1e-7).all() and (t["min"] >= -t["a"] - 1e-7).all())
        worst = float(t["z"].abs().max())
        values = {"inside": inside, "z_max": worst, "seed": _seed(run)}
        ours = f"{len(t)} layers drawn from seed {_seed(run)}: " + ("all in [−a, a]" if inside else "some outside [−a, a]") + (
            f", variances within {worst:.1f} standard errors of a²/3")
        if inside and worst < Z_MAX:
            return Judgement("agrees", f"every weight lies in [−a, a] and every layer's variance is within {worst:.1f} standard "
                             "errors of a²/3", ours, values)
        return Judgement("differs", f"a layer's weights leave [−a, a] or its variance is {worst:.1f} standard errors from a²/3",
                         ours, values)
    return rule


# --------------------------------------------------------------------------- the claims

register(
    Claim("fig1.examples", "Fig. 1", "Fig. 1: Shapeset-3×2 examples (and Small-ImageNet examples)",
          "one or two triangles, parallelograms or ellipses per 32×32 image, shown at 64×64; Small-ImageNet images",
          PAGE, ROLE, _fig1, "none", SECTION),
    Claim("setting.class_frequencies", "§2, Table 1", "§2: Shapeset-3×2's nine classes, at the frequencies its task implies",
          "single shapes 1/6 each, same-shape pairs 1/18, mixed pairs 1/9 (implied; no frequencies given); the majority "
          "class errs 83.33%", PAGE, ROLE, _frequencies, "none", SECTION),
    Claim("setting.dataset_splits", "§2", "§2: the splits of MNIST, CIFAR-10 and Small-ImageNet",
          "; ".join(f"{DATASET_NAMES[k]} " + " / ".join(f"{n:,}" for n in v) for k, v in PAPER_SPLITS.items()),
          PAGE, ROLE, _splits, "none", SECTION),
    Claim("setting.init_draws.standard", "eq. (1)", "Eq. (1): the standard initialization draws W ~ U[−1/√n, 1/√n]",
          "W_ij ~ U[−1/√n, 1/√n], n the fan-in; biases 0", PAGE, ROLE, _init_rule("standard"), "none", SECTION),
    Claim("setting.init_draws.normalized", "eq. (16)", "Eq. (16): the normalized initialization draws "
          "W ~ U[−√6/√(n_j + n_j+1), √6/√(n_j + n_j+1)]", "W ~ U[−√6/√(n_j + n_j+1), √6/√(n_j + n_j+1)]; biases 0",
          PAGE, ROLE, _init_rule("normalized"), "none", SECTION),
)
