"""Chapter 1, the experimental setting (paper §2): the Shapeset-3x2 task itself.

``shapeset_frequencies``: the class frequencies of many generated images beside the
generator's theory, and the error of always answering the majority class (the 82.61% of the
depth-5 sigmoid network in Table 1 sits near it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import torch

from .. import shapeset
from ..configs import Config, knob
from ..run_settings import DEFAULT, RunSettings
from .registry import Experiment, register


@dataclass(frozen=True)
class ShapesetFrequenciesConfig(Config):
    """Class frequencies of ``n_images`` generated images (defaults: the paper profile)."""

    NAME = "shapeset_frequencies"
    n_images: int = knob(1_000_000, "int", lo=1, hi=100_000_000, unit="images")
    seed: int = knob(0, "int", lo=0, hi=2**31 - 1, doc="the generator's seed (chunk i uses seed + i)")


def shapeset_frequencies(cfg: ShapesetFrequenciesConfig, device: str, checkpoint_dir=None, *,
                         settings: RunSettings = DEFAULT) -> dict[str, pd.DataFrame]:
    """Class frequencies of ``n_images`` Shapeset-3x2 images beside the theory (§2)."""
    counts = torch.zeros(9, dtype=torch.long)
    given_up = 0
    chunk = 50_000
    for i, start in enumerate(range(0, cfg.n_images, chunk)):
        n = min(chunk, cfg.n_images - start)
        _, y, info = shapeset.generate(n, seed=cfg.seed + i, device=device, return_info=True)
        counts += torch.bincount(y.cpu(), minlength=9)
        given_up += int(info["gave_up"].sum())
    n = cfg.n_images
    theory = shapeset.class_probabilities().double()
    with_rejections = shapeset.class_probabilities(include_rejections=True).double()
    freq = counts.double() / n
    df = pd.DataFrame({
        "label": range(9),
        "name": shapeset.LABEL_NAMES,
        "count": counts.numpy(),
        "frequency": freq.numpy(),
        "theory": theory.numpy(),
        "theory_with_rejections": with_rejections.numpy(),
        "std_error": (with_rejections * (1 - with_rejections) / n).sqrt().numpy(),
    })
    # Deviation from the theory that accounts for the given-up second objects.
    df["z_score"] = (df["frequency"] - df["theory_with_rejections"]) / df["std_error"]
    summary = pd.DataFrame([{"n_images": n, "given_up_objects": given_up, "majority_class_error": 1 - float(freq.max()),
                             "theory_majority_class_error": 1 - float(theory.max())}])
    return {"frequencies": df, "summary": summary}


register(
    Experiment(
        name="shapeset_frequencies",
        paper="§2 and Table 1 (the 82.61% of the depth-5 sigmoid)",
        config_class=ShapesetFrequenciesConfig,
        profiles={"smoke": {"n_images": 5_000}, "quick": {"n_images": 200_000}, "paper": {}},
        runner=shapeset_frequencies,
        module=__name__,
    ),
)
