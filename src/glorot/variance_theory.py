"""Eqs. (5)-(6) of §4.2 carried through the non-linearity, one layer at a time.

The paper derives eqs. (5)-(6) in the linear regime (``f'(s) = 1``, eq. 4) and for inputs of
unit variance. With tanh and Shapeset's pixels neither holds, so each layer shrinks the
activations' variance a little and multiplies the back-propagated gradient by ``f'(s)``. Keeping
``f`` in the same argument, with zero-mean weights drawn independently of the layer's input
and the pre-activation ``s`` taken Gaussian, gives the recursion

    Var[s^i]       = n_i Var[W^i] E[(z^i)^2]                       (eq. 5's step; z^1 = x)
    z^{i+1}        = f(s^i)
    Var[dC/ds^i]   = E[f'(s^i)^2] n_{i+1} Var[W^{i+1}] Var[dC/ds^{i+1}]   (eq. 6's step)

whose Gaussian expectations are computed here by numerical integration on a fine grid. Nothing is fitted:
the inputs' second moment and the initializations' nominal ``Var[W]`` are all it uses. The
experiments do not import this module; chapter 04 compares it with the measured statistics.
"""

from __future__ import annotations

import math

import pandas as pd
import torch

from .nets import ACTIVATIONS, INITS, init_variance
from .validation import check_choice


def gaussian_expectation(g, std: float, n_points: int = 20_001) -> float:
    """``E[g(S)]`` for ``S ~ N(0, std²)``: the trapezoid rule on ``n_points`` equally spaced
    points over ±12 std, weighted by the Gaussian density. (Gauss-Hermite quadrature would
    converge slowly here: softsign's derivative has a kink at 0.) ``g`` maps a float64 tensor
    of points to a tensor of the same shape."""
    s = torch.linspace(-12.0 * std, 12.0 * std, n_points, dtype=torch.float64)
    density = torch.exp(-0.5 * (s / std) ** 2)
    return float(torch.trapezoid(g(s) * density, s) / torch.trapezoid(density, s))


def propagate(activation: str, sizes: list[int], init: str, input_second_moment: float, n_points: int = 20_001) -> pd.DataFrame:
    """Eqs. (5)-(6) with ``f`` kept, for the hidden layers of a net of layer ``sizes``
    (``[n_in, n_1, ..., n_d, n_out]``), initialized by ``init`` (eq. 1 or eq. 16), whose inputs
    have ``E[x²] = input_second_moment``.

    One row per hidden layer ``k = 1..d``: ``var_s`` (Var[s] of its pre-activation), ``std_z``
    (the std of its activations ``z = f(s)``), ``e_fprime2`` (E[f'(s)²]) and ``fan_out_n_var``
    (``n_{k+1} Var[W^{k+1}]``, the weights above it). The predicted layer-to-layer ratio of
    back-propagated gradient variances, Var[∂C/∂s^k] / Var[∂C/∂s^{k+1}], is
    ``e_fprime2 * fan_out_n_var`` (eq. 6's step)."""
    check_choice("activation", activation, tuple(ACTIVATIONS))
    check_choice("init", init, INITS)
    if not isinstance(sizes, (list, tuple)) or len(sizes) < 3 or not all(isinstance(n, int) and n > 0 for n in sizes):
        raise ValueError(f"sizes must list at least 3 positive int layer sizes [n_in, hidden..., n_out], got {sizes!r}")
    if not isinstance(input_second_moment, (int, float)) or not math.isfinite(input_second_moment) or input_second_moment <= 0:
        raise ValueError(f"input_second_moment must be a finite number > 0, got {input_second_moment!r}")
    if not isinstance(n_points, int) or not 101 <= n_points <= 10_000_001:
        raise ValueError(f"n_points must be an int in [101, 10,000,001], got {n_points!r}")
    act = ACTIVATIONS[activation]
    e_z2, rows = float(input_second_moment), []
    for k in range(len(sizes) - 2):
        var_s = sizes[k] * init_variance(init, sizes[k], sizes[k + 1]) * e_z2
        std = math.sqrt(var_s)
        mean_z = gaussian_expectation(act.f, std, n_points)
        e_z2 = gaussian_expectation(lambda s: act.f(s) ** 2, std, n_points)
        rows.append({"layer": k + 1, "var_s": var_s, "std_z": math.sqrt(max(e_z2 - mean_z**2, 0.0)),
                     "e_fprime2": gaussian_expectation(lambda s: act.grad_from_output(act.f(s)) ** 2, std, n_points),
                     "fan_out_n_var": sizes[k + 2] * init_variance(init, sizes[k + 1], sizes[k + 2])})
    return pd.DataFrame(rows).set_index("layer")
