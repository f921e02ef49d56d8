"""Training dynamics: saturation during learning (paper §3) and gradients during learning (§4.3).

The paper monitors its networks while they learn: "These statistics along with histograms are
computed at different times during learning, by looking at activation values for a fixed set
of 300 test examples" (§3.1). Its time axis is "epochs of 20k mini-batch updates". This module
trains stacks of networks on Shapeset-3x2 with :func:`glorot.train.train` and records, every
``probe_every`` updates (and densely over the first ``early_updates``), per model and hidden
layer, on the 300 fixed test examples:

* activations ``z``: mean, std, 2nd/98th percentiles, the share of saturated units (within 1%
  of either end of the activation's range) and, at chosen times, histograms (Figs. 2, 3, 4, 10);
* back-propagated gradients ``dC/ds`` (eq. 2): variance (the §4.3 claim);
* weight gradients ``dC/dW`` (eq. 3) of minibatches of 10: mean and std (Fig. 9);
* for the softmax layer, how its pre-activation ``s = b + W h`` splits into the part due to the
  biases ``b`` and the part due to ``W h`` (the paper's explanation of Fig. 2, §3.1).

Experiments registered here (see :mod:`glorot.experiments` for profiles):

* ``sigmoid_saturation``   Fig. 2 and §3.1: sigmoid networks of depth 4 and 5.
* ``activation_saturation`` Figs. 3 and 4: tanh and softsign, depth 5, standard init.
* ``gradient_dynamics``    Figs. 9, 10 and §4.3: tanh, standard vs normalized init.

Probing only reads the stack and draws no random numbers, so it does not change training
(tests/test_dynamics.py checks this through the experiment runner).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from . import experiments, nets, probes, shapeset
from .experiments import Experiment
from .train import UPDATES_PER_EPOCH, cpu_threads, train

STAT_COLUMNS = ["mean", "std", "var", "p2", "p98"]
"""The statistics kept per layer and quantity (the paper plots mean/std, Fig. 2; the 98th
percentile and std, Figs. 3 and 10; std intervals, Fig. 9; variances, §4.3)."""

SATURATION_MARGIN = 0.01
"""A unit counts as saturated when its output lies within this share of the activation's range
from either end (sigmoid: z < 0.01 or z > 0.99; tanh and softsign: |z| > 0.98)."""


# --------------------------------------------------------------------------- measurements


@torch.no_grad()
def output_decomposition(stack: nets.MLPStack, x: torch.Tensor) -> pd.DataFrame:
    """How much of the softmax's input ``s = b + W h`` comes from the biases (§3.1).

    The paper's explanation of Fig. 2: "The logistic layer output softmax(b + Wh) might
    initially rely more on its biases b (which are learned very quickly) than on the top
    hidden activations h ... Thus the error gradient would tend to push Wh towards 0, which
    can be achieved by pushing h towards 0."

    The softmax ignores a constant added to all classes, so we centre ``s`` over the classes
    (``c(v) = v - mean_class(v)``) and split its mean square over the examples ``x`` exactly::

        E_x ||c(s)||^2 = ||c(b)||^2 + ||c(W E[h])||^2 + 2 <c(b), c(W E[h])> + E_x ||c(W (h - E[h]))||^2
                         bias         mean_input       cross                 input_dependent

    ``bias`` and ``mean_input`` do not depend on the example (they act as class priors);
    ``input_dependent`` is all the network tells the softmax about *this* image. Columns:
    configuration, ``term``, ``share`` (of the total; the four shares sum to 1), ``rms`` (the
    root of the term's magnitude; for ``cross`` the signed root), plus ``Wh_rms``
    (the uncentred ``sqrt(E ||W h||^2)``) and ``b_rms`` on the ``total`` row.
    """
    h = stack.forward(x).z[-1].double()  # top hidden layer, [M, N, n]
    W, b = stack.weights[-1].double(), stack.biases[-1].double()
    wh = torch.bmm(h, W)  # [M, N, C]
    m = wh.mean(1)
    r = wh - m.unsqueeze(1)

    def c(v):
        return v - v.mean(-1, keepdim=True)

    cb, cm, cr = c(b), c(m), c(r)
    terms = {
        "bias": cb.square().sum(-1),
        "mean_input": cm.square().sum(-1),
        "cross": 2 * (cb * cm).sum(-1),
        "input_dependent": cr.square().sum(-1).mean(1),
    }
    total = sum(terms.values())
    config = pd.DataFrame(stack.describe())
    rows = []
    for name, v in terms.items():
        df = config.assign(term=name, share=(v / total).cpu().numpy(), rms=(v.sign() * v.abs().sqrt()).cpu().numpy())
        rows.append(df)
    rows.append(config.assign(term="total", share=1.0, rms=total.sqrt().cpu().numpy(),
                              Wh_rms=wh.square().sum(-1).mean(1).sqrt().cpu().numpy(), b_rms=b.square().sum(-1).sqrt().cpu().numpy()))
    return pd.concat(rows, ignore_index=True)


@torch.no_grad()
def output_gradients(stack: nets.MLPStack, x: torch.Tensor, y: torch.Tensor, tiny: float = 0.01) -> pd.DataFrame:
    """The plateau of §4.1 seen from the training examples: per model, the norm of each
    example's own output gradient ``||dC/ds^d||`` (with the model's cost), its median over
    the examples, and the share of examples that the model misclassifies *and* whose output
    gradient is below ``tiny`` (wrong, yet hardly pushed to change: the quadratic cost's
    plateau when the softmax is confidently wrong)."""
    fwd = stack.forward(x)
    delta = stack.output_delta(fwd, y) * y.shape[0]  # per-example gradients of each example's own cost
    norm = delta.norm(dim=-1).double().cpu()  # [M, N]
    wrong = (fwd.log_probs.argmax(-1).cpu() != y.cpu().view(1, -1))
    config = pd.DataFrame(stack.describe())
    return config.assign(grad_median=norm.median(1).values.numpy(), grad_mean=norm.mean(1).numpy(),
                         wrong_share=wrong.double().mean(1).numpy(),
                         stuck_share=(wrong & (norm < tiny)).double().mean(1).numpy(), tiny=tiny)


def saturated_share(stack: nets.MLPStack, layers: Sequence[torch.Tensor], margin: float = SATURATION_MARGIN) -> np.ndarray:
    """Share of each layer's activations within ``margin`` of the ends of the activation's
    range, ``[M, d]`` (unbounded activations: NaN)."""
    out = np.full((stack.n_models, len(layers)), np.nan)
    for m, act in enumerate(stack.activations):
        lo, hi = nets.ACTIVATIONS[act].range
        if not (np.isfinite(lo) and np.isfinite(hi)):
            continue
        eps = margin * (hi - lo)
        for k, v in enumerate(layers):
            out[m, k] = float(((v[m] <= lo + eps) | (v[m] >= hi - eps)).double().mean())
    return out


class DynamicsProbe:
    """The probe of every experiment of this module, for :func:`glorot.train.train`.

    ``probe(stack)`` returns one tidy DataFrame whose ``kind`` column says what a row is:
    ``stats`` (per model, layer and quantity: :data:`STAT_COLUMNS`, and ``saturated`` for
    activations), ``hist`` (normalized histograms, bins shared over layers and models) and
    ``output`` (:func:`output_decomposition`) and ``outgrad`` (:func:`output_gradients`).
    Only reads the stack.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor, quantities: Iterable[str] = ("activation",), hist_bins: int = 0,
                 output: bool = False, weight_grad_batches: int = 10, output_grad: bool = False):
        self.x, self.y = x, y
        self.quantities = list(quantities)
        self.hist_bins = int(hist_bins)
        self.output = output
        self.output_grad = output_grad
        self.weight_grad_batches = weight_grad_batches

    def __call__(self, stack: nets.MLPStack) -> pd.DataFrame:
        vals = probes.layer_values(stack, self.x, self.y, self.quantities, weight_grad_batches=self.weight_grad_batches)
        stats = probes.layer_stats(stack, self.x, self.y, self.quantities, values=vals)
        keep = [c for c in stats.columns if c not in ("abs_mean", "min", "max")]
        stats = stats[keep].assign(kind="stats")
        if "activation" in vals:
            sat = saturated_share(stack, vals["activation"])
            rows = stats["quantity"] == "activation"
            stats.loc[rows, "saturated"] = sat[stats.loc[rows, "model"].to_numpy(), stats.loc[rows, "layer"].to_numpy() - 1]
        parts = [stats]
        if self.hist_bins and "activation" in vals:
            hist = probes.histograms(stack, self.x, self.y, ["activation"], bins=self.hist_bins, values={"activation": vals["activation"]})
            parts.append(hist.drop(columns=["left", "right"]).assign(kind="hist"))
        if self.output:
            parts.append(output_decomposition(stack, self.x).assign(kind="output"))
        if self.output_grad:
            parts.append(output_gradients(stack, self.x, self.y).assign(kind="outgrad"))
        return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- training


def _shift(df: pd.DataFrame, offset: int, batch_size: int) -> pd.DataFrame:
    if df.empty or not offset:
        return df
    df = df.copy()
    df["update"] += offset
    df["examples"] = df["update"] * batch_size
    df["epoch"] = df["update"] / UPDATES_PER_EPOCH
    return df


class SharedStream:
    """One online stream read by several stacks in turn: every reader gets the examples of
    ``source`` in the same order, as if each had its own copy of the stream, but each example
    is generated once. ``source.next_batch`` is called in blocks of ``block`` examples (for
    :class:`glorot.shapeset.ShapesetStream` the examples served do not depend on the batch
    sizes asked for); a block is freed once every reader is past it."""

    def __init__(self, source, n_readers: int, block: int = 1000):
        self.source, self.block = source, int(block)
        self.blocks: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.pos = [0] * int(n_readers)
        self._next = 0

    def reader(self, i: int) -> "_Reader":
        return _Reader(self, i)

    def _take(self, i: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        start, end = self.pos[i], self.pos[i] + n
        while self._next * self.block < end:
            self.blocks[self._next] = self.source.next_batch(self.block)
            self._next += 1
        xs, ys = [], []
        for j in range(start // self.block, (end - 1) // self.block + 1):
            bx, by = self.blocks[j]
            lo, hi = max(start - j * self.block, 0), min(end - j * self.block, self.block)
            xs.append(bx[lo:hi])
            ys.append(by[lo:hi])
        self.pos[i] = end
        for j in [j for j in self.blocks if (j + 1) * self.block <= min(self.pos)]:
            del self.blocks[j]
        if len(xs) == 1:
            return xs[0], ys[0]
        return torch.cat(xs), torch.cat(ys)


class _Reader:
    """One stack's view of a :class:`SharedStream` (a :class:`glorot.train.BatchStream`)."""

    def __init__(self, shared: SharedStream, i: int):
        self.shared, self.i = shared, i

    def next_batch(self, batch_size: int):
        return self.shared._take(self.i, int(batch_size))

    def state_dict(self) -> dict:
        return {"position": self.shared.pos[self.i]}

    def load_state_dict(self, state: dict) -> None:
        raise NotImplementedError("a SharedStream reader cannot be restored; run without checkpoints")


def segments(updates: int, probe_every: int, early_updates: int = 0, early_probe_every: int = 0) -> list[int]:
    """The run cut at its probe times: every ``early_probe_every`` updates over the first
    ``early_updates`` (to see §4.3's "very quickly"), then every ``probe_every`` updates."""
    out, done = [], 0
    while early_updates and early_probe_every and done < min(early_updates, updates):
        n = min(early_probe_every, early_updates - done, updates - done)
        out.append(n)
        done += n
    while done < updates:
        n = min(probe_every, updates - done)
        out.append(n)
        done += n
    return out


def train_lockstep(stacks: Sequence[nets.MLPStack], stream, cuts: Sequence[int], probes_=None, eval_every: int | None = None,
                   eval_sets=None, batch_size: int = 10, block: int = 1000) -> list[dict[str, pd.DataFrame]]:
    """Train several stacks (e.g. of different depths) on one online stream, side by side:
    the run is cut into ``cuts`` (segment lengths, e.g. from :func:`segments`); each segment
    trains every stack in turn with :func:`glorot.train.train`, which probes at the segment's
    start and end. Each stack sees exactly the batches ``stream`` serves, in order, and takes
    exactly the updates one uninterrupted :func:`~glorot.train.train` call would.

    Records are shifted to the run's update count; a segment's record at its start (equal to
    the previous segment's last) is dropped; held-out error is evaluated at 0, at the end of
    the first segment reaching each multiple of ``eval_every``, and at the end.
    Returns, per stack, ``curves``, ``probes``, ``diverged``.
    """
    shared = SharedStream(stream, len(stacks), block=block)
    readers = [shared.reader(i) for i in range(len(stacks))]
    probes_ = list(probes_) if probes_ is not None else [None] * len(stacks)
    eval_sets = dict(eval_sets or {})
    out = [{"curves": [], "probes": [], "diverged": []} for _ in stacks]
    offset = 0
    total = sum(cuts)
    for j, n in enumerate(cuts):
        end = offset + n
        due = end == total or (eval_every is not None and end // eval_every > offset // eval_every)
        for stack, reader, probe, rec in zip(stacks, readers, probes_, out):
            res = train(stack, reader, n, batch_size=batch_size, probe=probe, probe_every=n,
                        eval_sets=eval_sets if (due or j == 0) else None)
            c, p = res.curves, res.probes
            if not c.empty:
                c = c[((c["update"] == 0) & (j == 0)) | ((c["update"] == n) & due)]
            if j > 0 and not p.empty:
                p = p[p["update"] > 0]
            rec["curves"].append(_shift(c, offset, batch_size))
            rec["probes"].append(_shift(p, offset, batch_size))
            if not res.diverged.empty:
                rec["diverged"].append(res.diverged.assign(update=res.diverged["update"] + offset))
        offset = end
    results = []
    for stack, rec in zip(stacks, out):
        div = pd.concat(rec["diverged"], ignore_index=True) if rec["diverged"] else pd.DataFrame(columns=["model", "update"])
        results.append({
            "curves": pd.concat(rec["curves"], ignore_index=True),
            "probes": pd.concat(rec["probes"], ignore_index=True),
            "diverged": div,
        })
    return results


def _hist_updates(all_updates: Sequence[int], fractions: Sequence[float], total: int) -> list[int]:
    """The probed updates nearest to the given fractions of training (for the histograms)."""
    ups = np.asarray(sorted(set(all_updates)))
    return sorted({int(ups[np.abs(ups - f * total).argmin()]) for f in fractions})


def build_runs(cfg: dict, device: str, specs: Sequence[dict]) -> tuple[list[nets.MLPStack], list[DynamicsProbe], dict]:
    """The stacks, probes and held-out sets of a run, before any training. Each spec gives
    ``depth``, ``activations``, ``inits``, ``lrs`` (and optionally ``costs``, ``quantities``,
    ``output``, ``output_grad``) for one stack; every model starts from ``cfg['seed']``."""
    n_in, n_out = experiments.input_dim("shapeset")
    x, y = experiments.examples("shapeset", cfg["n_probe"])
    x, y = x.to(device), y.to(device)
    stacks, probes_ = [], []
    for spec in specs:
        lengths = [len(spec[k]) for k in ("activations", "inits", "lrs", "costs") if isinstance(spec.get(k), (list, tuple))]
        m = max(lengths, default=1)
        stacks.append(nets.MLPStack([n_in] + [cfg["width"]] * spec["depth"] + [n_out], activations=spec["activations"],
                                    inits=spec["inits"], lrs=spec["lrs"], seeds=[cfg["seed"]] * m, device=device,
                                    costs=spec.get("costs", "cross_entropy")))
        probes_.append(DynamicsProbe(x, y, spec.get("quantities", ("activation",)), hist_bins=cfg.get("hist_bins", 0),
                                     output=spec.get("output", False), output_grad=spec.get("output_grad", False)))
    # Held-out sets: the fixed test set (its first n_probe examples are the probe set) and a
    # validation set drawn with another seed; the training stream uses train_seed.
    eval_sets = {}
    if cfg.get("n_test"):
        eval_sets["test"] = tuple(t.to(device) for t in experiments.examples("shapeset", cfg["n_test"]))
    if cfg.get("n_valid"):
        eval_sets["valid"] = tuple(t.to(device) for t in shapeset.generate(cfg["n_valid"], seed=experiments.SHAPESET_TEST_SEED + 1))
    return stacks, probes_, eval_sets


def run_dynamics(cfg: dict, device: str, specs: Sequence[dict]) -> tuple[dict[str, pd.DataFrame], list[nets.MLPStack]]:
    """Train the stacks of ``specs`` side by side on one online Shapeset stream (as in the
    paper: every example is new) and probe them as they learn.

    ``cfg`` gives: width, updates, probe_every, early_updates, early_probe_every, eval_every,
    n_probe (300: the paper's fixed test examples), n_test, n_valid (held-out error sets; 0 for
    none), hist_bins and hist_at (histograms at these fractions of training), seed (initial
    weights), train_seed (the training stream), cpu_threads.
    Returns tidy frames ``stats``, ``curves``, ``diverged``, ``final_weights`` and, when
    recorded, ``hist`` and ``output`` (a ``depth`` column tells the stacks apart; every row
    carries ``update``, ``examples`` and ``epoch`` of 20k updates), and the trained stacks.
    """
    with cpu_threads(cfg.get("cpu_threads") if torch.device(device).type == "cpu" else None):
        stacks, probes_, eval_sets = build_runs(cfg, device, specs)
        stream = shapeset.ShapesetStream(seed=cfg["train_seed"], device=device)
        cuts = segments(cfg["updates"], cfg["probe_every"], cfg.get("early_updates", 0), cfg.get("early_probe_every", 0))
        results = train_lockstep(stacks, stream, cuts, probes_, eval_every=cfg.get("eval_every"), eval_sets=eval_sets)
    parts: dict[str, list[pd.DataFrame]] = {}
    for spec, stack, res in zip(specs, stacks, results):
        p = res["probes"]
        frames = {"stats": _drop_empty(p[p["kind"] == "stats"]), "curves": res["curves"], "diverged": res["diverged"]}
        if cfg.get("hist_bins"):
            h = _drop_empty(p[p["kind"] == "hist"])
            keep = _hist_updates(h["update"].unique(), cfg.get("hist_at", [1.0]), cfg["updates"])
            frames["hist"] = h[h["update"].isin(keep)]
        if spec.get("output"):
            frames["output"] = _drop_empty(p[p["kind"] == "output"])
        if spec.get("output_grad"):
            frames["outgrad"] = _drop_empty(p[p["kind"] == "outgrad"])
        frames["final_weights"] = _weight_summary(stack)
        for name, df in frames.items():
            parts.setdefault(name, []).append(df.assign(depth=spec["depth"]))
    return {name: pd.concat(dfs, ignore_index=True) for name, dfs in parts.items()}, stacks


def _drop_empty(df: pd.DataFrame) -> pd.DataFrame:
    df = df.dropna(axis=1, how="all").drop(columns="kind").reset_index(drop=True)
    if "layer" in df:
        df["layer"] = df["layer"].astype(int)
    return df


def _weight_summary(stack: nets.MLPStack) -> pd.DataFrame:
    """Per model and layer: a checksum of the final weights (sum and sum of squares), so two
    runs can be compared for identical training without storing weights."""
    rows = []
    for i, (W, b) in enumerate(zip(stack.weights, stack.biases)):
        for rec, w, bb in zip(stack.describe(), W.double().cpu(), b.double().cpu()):
            rows.append(rec | {"layer": i + 1, "w_sum": float(w.sum()), "w_sumsq": float(w.square().sum()), "b_sum": float(bb.sum())})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- runners


def _sigmoid_saturation(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Fig. 2: one sigmoid network per depth (standard init), on the same stream, probed."""
    specs = [{"depth": d, "activations": cfg["activation"], "inits": cfg["init"], "lrs": cfg["lr"], "output": True} for d in cfg["depths"]]
    return run_dynamics(cfg, device, specs)[0]


def _activation_saturation(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Figs. 3 and 4: one network per activation (same init, same seed, same minibatches)."""
    acts, lrs = cfg["activations"], cfg["lrs"]
    if len(lrs) != len(acts):
        raise ValueError(f"lrs must give one learning rate per activation {acts}, got {lrs}")
    return run_dynamics(cfg, device, [{"depth": cfg["depth"], "activations": acts, "inits": cfg["init"], "lrs": lrs}])[0]


def _gradient_dynamics(cfg: dict, device: str) -> dict[str, pd.DataFrame]:
    """Figs. 9, 10 and §4.3: one network per initialization, activations and both gradients."""
    inits, lrs = cfg["inits"], cfg["lrs"]
    if len(lrs) != len(inits):
        raise ValueError(f"lrs must give one learning rate per init {inits}, got {lrs}")
    spec = {"depth": cfg["depth"], "activations": cfg["activation"], "inits": inits, "lrs": lrs,
            "quantities": ("activation", "backprop_grad", "weight_grad")}
    return run_dynamics(cfg, device, [spec])[0]


# --------------------------------------------------------------------------- analysis


def _series(stats: pd.DataFrame, quantity: str = "activation", **where) -> pd.DataFrame:
    df = stats[stats["quantity"] == quantity] if "quantity" in stats else stats
    for k, v in where.items():
        df = df[df[k] == v]
    return df.sort_values("update")


def first_crossing(t: Sequence[float], v: Sequence[float], threshold: float, below: bool = True, after: float | None = None) -> float:
    """The first time in ``t`` (at or after ``after``) at which ``v`` is below (or, with
    ``below=False``, above) ``threshold``; NaN if it never is. Times are probe times: the
    event happened between the previous probe and this one."""
    t, v = np.asarray(t, dtype=float), np.asarray(v, dtype=float)
    ok = (v < threshold) if below else (v > threshold)
    if after is not None:
        ok &= t >= after
    idx = np.flatnonzero(ok)
    return float(t[idx[0]]) if len(idx) else float("nan")


def top_layer_events(stats: pd.DataFrame, threshold: float = 0.1, by: Sequence[str] = ("depth",)) -> pd.DataFrame:
    """Fig. 2's events for each sigmoid network, in updates and in epochs of 20k updates:

    * ``fall``: the first probe at which the top hidden layer's mean activation is below
      ``threshold`` (the paper: "very quickly at the beginning");
    * ``saturated``: the first probe at which most of the top layer's values are saturated
      (share of ``z < 0.01`` or ``z > 0.99`` above one half);
    * ``desaturated``: the first probe after that at which they no longer are (the paper:
      "slowly desaturates around epoch 100"); NaN if not within the run;
    * ``recover``: the first probe after the fall at which the mean is above ``threshold``
      again (NaN if never), and ``max_mean_after``: the highest mean after the desaturation;
    * ``layer1_saturated_final``: the share of saturated units in layer 1 at the end (the
      paper: as the top layer escapes, "the first hidden layer begins to saturate").
    """
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        top = g[g["layer"] == g["layer"].max()].sort_values("update")
        first = g[g["layer"] == 1].sort_values("update")
        t, mean, sat = top["update"].to_numpy(float), top["mean"].to_numpy(float), top["saturated"].to_numpy(float)
        fall = first_crossing(t, mean, threshold, below=True)
        rec = first_crossing(t, mean, threshold, below=False, after=fall) if not np.isnan(fall) else float("nan")
        on = first_crossing(t, sat, 0.5, below=False)
        off = first_crossing(t, sat, 0.5, below=True, after=on) if not np.isnan(on) else float("nan")
        after = mean[t >= off] if not np.isnan(off) else np.array([])
        row = dict(zip(by, key))
        row |= {"top_layer": int(top["layer"].iloc[0]), "fall_update": fall, "saturated_update": on, "desaturated_update": off,
                "recover_update": rec, "min_mean": float(mean.min()), "min_at_update": float(t[int(mean.argmin())]),
                "max_mean_after": float(after.max()) if len(after) else float("nan"), "final_mean": float(mean[-1]),
                "layer1_saturated_final": float(first["saturated"].iloc[-1]), "updates": float(t.max())}
        rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("fall", "saturated", "desaturated", "recover", "min_at"):
        out[f"{c}_epoch"] = out[f"{c}_update"].astype(float) / UPDATES_PER_EPOCH
    return out


def settle_update(stats: pd.DataFrame, column: str = "std", frac: float = 0.8, by: Sequence[str] = ("activation",)) -> pd.DataFrame:
    """For each network and layer, the first probe at which ``column`` (default: the
    activations' std) reaches ``frac`` of its final value: layers that "move together"
    (softsign; tanh with the normalized init, Fig. 10) settle at about the same time,
    layers that saturate "one after the other" (tanh, standard init, Fig. 3) in sequence."""
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby([*by, "layer"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("update")
        final = float(g[column].iloc[-1])
        rows.append(dict(zip([*by, "layer"], key)) | {"final": final,
                                                      "update": first_crossing(g["update"], g[column], frac * final, below=False)})
    out = pd.DataFrame(rows)
    out["epoch"] = out["update"] / UPDATES_PER_EPOCH
    return out


def saturation_order(stats: pd.DataFrame, level: float = 0.5, column: str = "saturated", by: Sequence[str] = ("activation",)) -> pd.DataFrame:
    """Fig. 3's sequence: for each network and hidden layer, the first update at which
    ``column`` (default: the share of saturated units) exceeds ``level``; NaN if never.
    The paper: for tanh "the first hidden layer saturating first, then the second, etc.";
    for softsign "the different layers saturate less and do so together"."""
    rows = []
    act = stats[stats["quantity"] == "activation"]
    for key, g in act.groupby([*by, "layer"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("update")
        t = first_crossing(g["update"], g[column], level, below=False)
        rows.append(dict(zip([*by, "layer"], key)) | {"level": level, "update": t, "final": float(g[column].iloc[-1]),
                                                      "max": float(g[column].max())})
    out = pd.DataFrame(rows)
    out["epoch"] = out["update"].astype(float) / UPDATES_PER_EPOCH
    return out


def histogram_modes(hist: pd.DataFrame, by: Sequence[str] = ("activation", "layer"), exclude_ends: float = 0.05) -> pd.DataFrame:
    """Fig. 4's description: per network and layer, where the histogram peaks on each side of
    0 (the paper: softsign "modes of the activations around (-0.6,-0.8) and (0.6,0.8)"), the
    peak inside ``(-1 + exclude_ends, 1 - exclude_ends)`` so that the saturated ends do not
    hide a knee mode, and the density share in the end bins (|z| >= 1 - exclude_ends)."""
    rows = []
    for key, g in hist.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("center")
        width = float(np.diff(g["center"]).mean())
        inner = g[g["center"].abs() < 1 - exclude_ends]
        neg, pos = inner[inner["center"] < 0], inner[inner["center"] > 0]
        ends = g[g["center"].abs() >= 1 - exclude_ends]
        rows.append(dict(zip(by, key)) | {
            "mode_neg": float(neg["center"].iloc[int(neg["density"].argmax())]) if len(neg) else np.nan,
            "mode_pos": float(pos["center"].iloc[int(pos["density"].argmax())]) if len(pos) else np.nan,
            "peak_at": float(g["center"].iloc[int(g["density"].argmax())]),
            "share_at_ends": float(ends["density"].sum() * width),
            "share_near_zero": float(g.loc[g["center"].abs() < 0.2, "density"].sum() * width),
        })
    return pd.DataFrame(rows)


def gradient_ratio(stats: pd.DataFrame, quantity: str = "backprop_grad", by: Sequence[str] = ("init",)) -> pd.DataFrame:
    """§4.3: per network and probe, each layer's ``Var[dC/ds]``, the ratio of layer 1's to the
    top layer's (below 1: gradients shrink toward the input, as after the standard
    initialization, eq. 15; above 1: the trend is reversed), and ``factor_per_layer``, the
    growth of the variance per layer going up, ``exp`` of the least-squares slope of
    ``log Var`` against the layer number (about 3 at the standard initialization, eq. 15;
    1: flat; below 1: reversed)."""
    df = stats[stats["quantity"] == quantity]
    wide = df.pivot_table(index=[*by, "update", "epoch"], columns="layer", values="var").reset_index()
    layers = sorted(c for c in wide.columns if isinstance(c, (int, np.integer)))
    wide["ratio_first_to_top"] = wide[layers[0]] / wide[layers[-1]]
    logv = np.log(wide[layers].to_numpy(float))
    x = np.asarray(layers, dtype=float) - np.mean(layers)
    wide["factor_per_layer"] = np.exp((logv - logv.mean(1, keepdims=True)) @ x / (x @ x))
    wide.columns = [f"var_layer{c}" if isinstance(c, (int, np.integer)) else c for c in wide.columns]
    return wide


def reversal_update(ratio: pd.DataFrame, by: Sequence[str] = ("init",), flat: float = 1.5) -> pd.DataFrame:
    """When the shrinking toward the input goes: per network, the first probe at which the
    variance's growth per layer (``factor_per_layer``) is below ``flat`` (the trend mostly
    gone), the first at which it is below 1 (reversed: larger toward the input), and the first
    at which layer 1's variance exceeds the top layer's; NaN where not within the run."""
    rows = []
    for key, g in ratio.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("update")
        rows.append(dict(zip(by, key)) | {
            "factor_at_0": float(g["factor_per_layer"].iloc[0]), "ratio_at_0": float(g["ratio_first_to_top"].iloc[0]),
            "flat_update": first_crossing(g["update"], g["factor_per_layer"], flat, below=True),
            "reversed_update": first_crossing(g["update"], g["factor_per_layer"], 1.0, below=True),
            "first_above_top_update": first_crossing(g["update"], g["ratio_first_to_top"], 1.0, below=False),
            "factor_min": float(g["factor_per_layer"].min()), "factor_final": float(g["factor_per_layer"].iloc[-1]),
            "ratio_final": float(g["ratio_first_to_top"].iloc[-1])})
    out = pd.DataFrame(rows)
    for c in ("flat", "reversed", "first_above_top"):
        out[f"{c}_epoch"] = out[f"{c}_update"] / UPDATES_PER_EPOCH
    return out


# --------------------------------------------------------------------------- registry


def _activations() -> tuple:
    return tuple(nets.ACTIVATIONS)


_TRAIN_PAPER = {"dataset": "shapeset", "width": 1000, "probe_every": 20_000, "early_updates": 0, "early_probe_every": 0,
                "eval_every": 20_000, "n_probe": 300, "n_test": 10_000, "n_valid": 0, "hist_bins": 0, "hist_at": [1.0],
                "seed": 0, "train_seed": 1, "cpu_threads": None}
_TRAIN_SMOKE = {"width": 16, "updates": 200, "probe_every": 50, "eval_every": 100, "n_probe": 60, "n_test": 200, "cpu_threads": 1}

_SIGMOID_PAPER = _TRAIN_PAPER | {"activation": "sigmoid", "init": "standard", "depths": [4, 5], "lr": 0.01, "updates": 2_800_000}
_SATURATION_PAPER = _TRAIN_PAPER | {"activations": ["tanh", "softsign"], "init": "standard", "depth": 5, "lrs": [0.01, 0.01],
                                    "updates": 1_900_000, "hist_bins": 100, "hist_at": [0.0, 0.5, 1.0]}
_GRADIENT_PAPER = _TRAIN_PAPER | {"activation": "tanh", "inits": ["standard", "normalized"], "depth": 5, "lrs": [0.01, 0.01],
                                  "updates": 1_900_000, "early_updates": 100_000, "early_probe_every": 2_000}

experiments.register(
    Experiment(
        name="sigmoid_saturation",
        paper="Fig. 2, §3.1",
        profiles={
            "smoke": _SIGMOID_PAPER | _TRAIN_SMOKE,
            "quick": _SIGMOID_PAPER | {"width": 100, "lr": 0.5, "updates": 70_000, "probe_every": 1_000, "eval_every": 5_000,
                                       "n_test": 2_000, "cpu_threads": 1},
            "paper": _SIGMOID_PAPER,
        },
        runner=_sigmoid_saturation,
        choices={"activation": _activations, "init": lambda: nets.INITS, "dataset": lambda: ("shapeset",)},
        note={"quick": "width 100 instead of 1000, 70k updates (3.5 epochs of 20k) instead of 2.8M (140 epochs), learning rate 0.5"},
    ),
    Experiment(
        name="activation_saturation",
        paper="Figs. 3 and 4, §3.2-3.3",
        profiles={
            "smoke": _SATURATION_PAPER | _TRAIN_SMOKE | {"hist_bins": 20},
            "quick": _SATURATION_PAPER | {"width": 100, "lrs": [0.1, 0.1], "updates": 80_000, "probe_every": 1_000,
                                          "eval_every": 5_000, "n_test": 2_000, "hist_bins": 50, "cpu_threads": 1},
            "paper": _SATURATION_PAPER,
        },
        runner=_activation_saturation,
        choices={"activations": _activations, "init": lambda: nets.INITS, "dataset": lambda: ("shapeset",)},
        note={"quick": "width 100 instead of 1000, 80k updates (4 epochs of 20k) instead of 1.9M (95 epochs)"},
    ),
    Experiment(
        name="gradient_dynamics",
        paper="Figs. 9 and 10, §4.3",
        profiles={
            "smoke": _GRADIENT_PAPER | _TRAIN_SMOKE | {"early_updates": 50, "early_probe_every": 10},
            "quick": _GRADIENT_PAPER | {"width": 100, "lrs": [0.1, 0.1], "updates": 50_000, "probe_every": 2_000,
                                        "early_updates": 20_000, "early_probe_every": 500, "eval_every": 5_000, "n_test": 2_000,
                                        "cpu_threads": 1},
            "paper": _GRADIENT_PAPER,
        },
        runner=_gradient_dynamics,
        choices={"activation": _activations, "inits": lambda: nets.INITS, "dataset": lambda: ("shapeset",)},
        note={"quick": "width 100 instead of 1000, 50k updates (2.5 epochs of 20k) instead of 1.9M (95 epochs)"},
    ),
)
