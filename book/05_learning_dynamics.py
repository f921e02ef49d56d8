# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradients during learning (§4.3)
#
# Chapter {doc}`04_initialization` looked at the network before it learns: with the standard
# initialization, back-propagated gradients shrink toward the input (eq. 15), while the
# weight gradients do not (eq. 14). Section 4.3 of the paper asks what becomes of this once
# training starts:
#
# > "The dynamic of learning in such networks is complex and we would like to develop better
# > tools to analyze and track it. In particular, we cannot use simple variance calculations
# > in our theoretical analysis because the weights values are not anymore independent of the
# > activation values and the linearity hypothesis is also violated.
# >
# > As first noted by Bradley (2009), we observe (Figure 7) that at the beginning of training,
# > after the standard initialization (eq. 1), the variance of the back-propagated gradients
# > gets smaller as it is propagated downwards. However we find that this trend is reversed
# > very quickly during learning. Using our normalized initialization we do not see such
# > decreasing back-propagated gradients (bottom of Figure 7)."
#
# This chapter trains a five-layer tanh network with each initialization and follows, layer
# by layer, the back-propagated gradients, the weight gradients (Figure 9) and the
# activations (Figure 10).
#
# **Parameters.** `profile` is `smoke` (seconds, for tests), `quick` (the default, shown from
# the results archive; width 100, tens of thousands of updates) or `paper` (width 1000 and
# 1.9M updates; needs a GPU: `python -m glorot run gradient_dynamics --profile paper --device
# cuda`). `activation` is the hidden units' non-linearity (the paper: tanh). `longer_factor`
# sets the longer run at the end (that many times the profile's updates; 1 for none).

# %% tags=["parameters"]
profile = "quick"
activation = "tanh"
seed = 0
device = "cpu"
use_archive = True
allow_long = False  # run even where the estimate is over 30 minutes on this device
longer_factor = 5

# %% [markdown]
# Everything is validated before any computation: an unknown activation, profile or device
# stops the chapter here, with the list of valid values.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from glorot import experiments, plots_dynamics, probes
from glorot.experiments import gradients, saturation
from glorot.validation import check_device

grad_cfg = experiments.config("gradient_dynamics", profile, activation=activation, seed=seed)
soft_cfg = experiments.config("activation_saturation", profile, seed=seed)
device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
longer, skipped = experiments.longer_run(profile, longer_factor, grad_cfg, ("updates", "probe_every", "eval_every"))
pd.set_option("display.precision", 4)
print(f"profile {profile!r}: {grad_cfg['depth']} hidden layers of {grad_cfg['width']} {activation} units, inits "
      f"{grad_cfg['inits']}, {grad_cfg['updates']:,} updates at learning rates {list(grad_cfg['learning_rates'])}; probed every "
      f"{grad_cfg['early_probe_every']} updates for the first {grad_cfg['early_updates']:,}, then every "
      f"{grad_cfg['probe_every']:,}")

# %% [markdown]
# ## What is measured
#
# Both networks start from the same seed and see the same minibatches; they differ only in
# the initialization (eq. 1 against eq. 16). At every probe, on the 300 fixed test examples,
# we take for each hidden layer $k$ the back-propagated gradient $\partial C/\partial s^k$ of
# each example's own cost (eq. 2), the weight gradient $\partial C/\partial W^k$ of ten
# minibatches of 10 examples, as one SGD step applies it (eq. 3), and the activations. The
# probe is the one of {doc}`02_saturation`; the quantities come from `glorot.probes`:

# %% [markdown]
# ```{literalinclude} ../src/glorot/probes.py
# :language: python
# :pyobject: layer_values
# ```

# %%
res = experiments.run("gradient_dynamics", profile, device=device, use_archive=use_archive, allow_long=allow_long, activation=activation, seed=seed)
stats = res["stats"]
scale = (res.scale() + f"; {grad_cfg['updates']:,} updates = {grad_cfg['updates'] / 20000:g} epochs, seed {seed}; "
         "paper: width 1000, ~95 epochs (1.9M updates), learning rates chosen on validation (not given)")

# %% [markdown]
# ## "Reversed very quickly": the back-propagated gradients over the first updates
#
# At initialization, eq. (15) gives $n\,\mathrm{Var}[W] = 1/3$ with the standard
# initialization, so in the linear regime $\mathrm{Var}[\partial C/\partial s]$ shrinks by
# about 3 per layer going down (chapter {doc}`04_initialization` measures this). We follow the
# variance of each layer's back-propagated gradients, and the ratio of layer 1's to the top
# layer's, over the first updates.

# %%
early = grad_cfg["early_updates"]
fig = plots_dynamics.backprop_variance(stats, max_update=early, scale=scale)
plt.show()
ratio = gradients.gradient_ratio(stats)
fig = plots_dynamics.variance_factor(ratio, scale=scale)
plt.show()
rev = gradients.reversal_update(ratio)
display(ratio.pivot(index="update", columns="init", values=["factor_per_layer", "ratio_first_to_top"]).iloc[::4].round(3))
display(rev.round(4))

# %%
r = rev.set_index("init")
f_std = ratio[ratio["init"] == "standard"].set_index("update")["factor_per_layer"]


def when(u):
    return "at no probe of the run" if pd.isna(u) else f"at update {u:,.0f} (epoch {u / 20000:.2f})"


curves = res["curves"]
err0 = curves[(curves["init"] == "standard") & (curves["update"] == 0)]["error"].iloc[0]
learning = curves[(curves["init"] == "standard") & (curves["error"] < err0 - 0.1)]["update"]
learn_u = learning.min() if len(learning) else float("nan")
display(Markdown(
    f"**Back-propagated gradients during learning (ours).** Standard initialization: going up one layer multiplies "
    f"Var[∂C/∂s] by {r.loc['standard', 'factor_at_0']:.2f} at initialization (eq. 15 predicts about 3 in the linear regime; "
    f"layer 1's variance is {r.loc['standard', 'ratio_at_0']:.4f} times layer {grad_cfg['depth']}'s), still "
    f"{f_std.loc[:learn_u].median() if pd.notna(learn_u) else f_std.median():.2f} (median) until the test error first "
    f"drops 10 points below its initial value ({when(learn_u)}). The factor falls below 1.5 {when(r.loc['standard', 'flat_update'])}, "
    f"below 1 (reversed: larger gradients toward the input) {when(r.loc['standard', 'reversed_update'])}; its lowest value is "
    f"{r.loc['standard', 'factor_min']:.2f} and it ends at {r.loc['standard', 'factor_final']:.2f}; layer 1's variance "
    f"exceeds the top layer's {when(r.loc['standard', 'first_above_top_update'])}. Normalized initialization: factor "
    f"{r.loc['normalized', 'factor_at_0']:.2f} at initialization, below 1.5 {when(r.loc['normalized', 'flat_update'])}, "
    f"ending at {r.loc['normalized', 'factor_final']:.2f}. Paper: the shrinking toward the input \"is reversed very quickly "
    f"during learning\" (no number of updates given). {scale}."
))

# %% [markdown]
# ## Figure 9: weight gradients during learning
#
# > "What was initially really surprising is that even when the back-propagated gradients
# > become smaller (standard initialization), the variance of the weights gradients is
# > roughly constant across layers, as shown on Figure 8. However, this is explained by our
# > theoretical analysis above (eq. 14). Interestingly, as shown in Figure 9, these
# > observations on the weight gradient of standard and normalized initialization change
# > during training (here for a tanh network). Indeed, whereas the gradients have initially
# > roughly the same magnitude, they diverge from each other (with larger gradients in the
# > lower layers) as training progresses, especially with the standard initialization."
#
# The paper's Figure 9 (page 7) draws "standard deviation intervals of the weights gradients"
# per layer over about 95 epochs: standard initialization on top, with the layers spread
# apart (layer 1 widest), normalized below, with the layers together.

# %%
fig = plots_dynamics.fig9_weight_gradients(stats, scale=scale)
plt.show()
wg = stats[stats["quantity"] == "weight_grad"]
spread = wg.pivot_table(index=["init", "update"], columns="layer", values="std")
spread["max/min over layers"] = spread.max(axis=1) / spread.min(axis=1)
display(spread.groupby("init").apply(lambda g: g.iloc[[0, len(g) // 4, len(g) // 2, -1]]).droplevel(0).round(5))

# %%
last_u = wg["update"].max()
sp = spread["max/min over layers"]


def spread_text(init):
    s = sp.loc[init]
    mid = s.loc[s.index[s.index > early]]
    return (f"{s.iloc[0]:.2f} at initialization, median {mid.median():.2f} after update {early:,} "
            f"and {s.iloc[-1]:.2f} at the end")


std_end = spread.loc[("standard", last_u)]
display(Markdown(
    f"**Figure 9 (ours).** Ratio of the largest to the smallest weight-gradient std across the "
    f"{grad_cfg['depth']} layers: standard initialization {spread_text('standard')}; normalized "
    f"{spread_text('normalized')}. At the end, standard initialization, the std is "
    + ", ".join(f"{std_end[k]:.2e}" for k in range(1, grad_cfg["depth"] + 1))
    + f" for layers 1–{grad_cfg['depth']}. Paper: with normalization \"the same variance of the weights gradient "
    f"across layers, during training\"; with the standard initialization the layers diverge, \"with larger "
    f"gradients in the lower layers\". Our gradients are those of the mean cost over minibatches of 10; the paper "
    f"does not say what its intervals are taken over. {scale}."
))

# %% [markdown]
# ## Figure 10: tanh with the normalized initialization looks like softsign
#
# > "Finally, we observe that the softsign networks share similarities with the tanh
# > networks with normalized initialization, as can be seen by comparing the evolution of
# > activations in both cases (resp. Figure 3-bottom and Figure 10)."
#
# The paper's Figure 10 (page 7) is Figure 3 for tanh with the normalized initialization: no
# layer-by-layer saturation; the standard deviations rise quickly and level off, layers
# together. We draw it beside tanh with the standard initialization (same run, Figure 3's
# top panel again) and beside the softsign network of {doc}`02_saturation` (Figure 3's
# bottom panel, loaded from its own archived run and cut to the same number of updates).

# %%
soft = experiments.run("activation_saturation", profile, device=device, use_archive=use_archive, allow_long=allow_long, seed=seed)
soft_stats = soft["stats"]
act = stats[stats["quantity"] == "activation"]
panels = {f"{activation}, normalized init (Fig. 10)": act[act["init"] == "normalized"],
          f"{activation}, standard init (Fig. 3 top)": act[act["init"] == "standard"],
          "softsign, standard init (Fig. 3 bottom)": soft_stats[(soft_stats["activation"] == "softsign")
                                                                & (soft_stats["update"] <= grad_cfg["updates"])]}
fig = plots_dynamics.fig3_percentiles(stats, panels=panels, saturation=True,
                                      scale=scale + " | softsign panel: " + soft.scale())
plt.show()

# %%
# the softsign run is longer: compare over the same number of updates
soft_act = soft_stats[(soft_stats["activation"] == "softsign") & (soft_stats["update"] <= grad_cfg["updates"])]
order = pd.concat([saturation.saturation_order(act, level=0.5, by=("init",)).assign(network=lambda d: activation + ", " + d["init"]),
                   saturation.saturation_order(soft_act, level=0.5).assign(network="softsign, standard")])
settle = pd.concat([saturation.settle_update(act, by=("init",)).assign(network=lambda d: activation + ", " + d["init"]),
                    saturation.settle_update(soft_act).assign(network="softsign, standard")])
final = order.pivot(index="layer", columns="network", values="final")
first = settle.pivot(index="layer", columns="network", values="update")
display(pd.concat({"% saturated units at the end": (100 * final).round(1),
                   "update at which the std reaches 80% of its final value": first}, axis=1))
std_final = settle.pivot(index="layer", columns="network", values="final")


def listing(values, fmt):
    return ", ".join(fmt.format(v) for v in values)


def spread(network):
    u = first[network]
    return f"updates {u.min():,.0f}–{u.max():,.0f}"


norm, stdn, soft_n = f"{activation}, normalized", f"{activation}, standard", "softsign, standard"
display(Markdown(
    f"**Figure 10 (ours).** The activation std of each layer reaches 80% of its final value within {spread(norm)} for "
    f"{activation} with the normalized initialization (layers 1–{grad_cfg['depth']}: {listing(first[norm], '{:,.0f}')}), "
    f"{spread(stdn)} with the standard one ({listing(first[stdn], '{:,.0f}')}) and {spread(soft_n)} for softsign "
    f"({listing(first[soft_n], '{:,.0f}')}). Final std: normalized {listing(std_final[norm], '{:.2f}')}; standard "
    f"{listing(std_final[stdn], '{:.2f}')}; softsign {listing(std_final[soft_n], '{:.2f}')}. Saturated units (|z| > 0.98) at "
    f"the end: normalized {listing(100 * final[norm], '{:.0f}%')}; standard {listing(100 * final[stdn], '{:.0f}%')}; softsign "
    f"{listing(100 * final[soft_n], '{:.0f}%')} (softsign reaches |z| > 0.98 only for |s| > 49, tanh for |s| > 2.3, so this "
    f"share compares the two tanh networks, not tanh with softsign). All over the first {grad_cfg['updates']:,} updates. "
    f"Paper: the normalized tanh network's activations evolve like the softsign's "
    f"(quickly, layers together), without the standard tanh's layer-by-layer saturation. {scale}. Softsign: {soft.scale()}."
))

# %% [markdown]
# ## A longer run on this CPU
#
# The run above covers 2.5 epochs; the paper's Figure 9 covers about 95. The same two
# networks are trained again for `longer_factor` times the updates, probed `longer_factor`
# times less often after the densely probed start (which is kept as it is). Still a small
# fraction of the paper's training; at the `paper` profile the run above is already full
# length and this one is skipped.

# %%
long_res = None
if longer is None:
    display(Markdown(skipped))
else:
    long_res = experiments.run("gradient_dynamics", profile, device=device, use_archive=use_archive, allow_long=allow_long, activation=activation,
                               seed=seed, **longer)
    long_stats = long_res["stats"]
    long_scale = (f"{long_res.scale()}; {long_res.config['updates']:,} updates = "
                  f"{long_res.config['updates'] / 20000:g} epochs")
    long_ratio = gradients.gradient_ratio(long_stats)
    fig = plots_dynamics.variance_factor(long_ratio, scale=long_scale)
    plt.show()
    fig = plots_dynamics.fig9_weight_gradients(long_stats, scale=long_scale)
    plt.show()

# %%
if long_res is not None:
    lr_ = gradients.reversal_update(long_ratio).set_index("init")
    long_wg = long_stats[long_stats["quantity"] == "weight_grad"]
    long_sp = long_wg.pivot_table(index=["init", "update"], columns="layer", values="std")
    long_sp = long_sp.max(axis=1) / long_sp.min(axis=1)
    long_err = long_res["curves"].sort_values("update").groupby("init")["error"].agg(["last", "min"])
    display(Markdown(
        f"**Longer run (ours).** Standard initialization: the per-layer growth factor of Var[∂C/∂s] falls below 1.5 "
        f"{when(lr_.loc['standard', 'flat_update'])} and below 1 {when(lr_.loc['standard', 'reversed_update'])}; lowest "
        f"{lr_.loc['standard', 'factor_min']:.2f}, final {lr_.loc['standard', 'factor_final']:.2f}; layer 1's variance "
        f"exceeds the top layer's {when(lr_.loc['standard', 'first_above_top_update'])}. Normalized: final factor "
        f"{lr_.loc['normalized', 'factor_final']:.2f}. Figure 9's spread (largest over smallest weight-gradient std across "
        f"layers) at the end: standard {long_sp.loc['standard'].iloc[-1]:.2f}, normalized "
        f"{long_sp.loc['normalized'].iloc[-1]:.2f} (medians over the run {long_sp.loc['standard'].median():.2f} and "
        f"{long_sp.loc['normalized'].median():.2f}). Test error at the end (lowest over the run): standard "
        f"{100 * long_err.loc['standard', 'last']:.1f}% ({100 * long_err.loc['standard', 'min']:.1f}%), normalized "
        f"{100 * long_err.loc['normalized', 'last']:.1f}% ({100 * long_err.loc['normalized', 'min']:.1f}%): one seed each, "
        f"at a learning rate that is large for this width, so these say little about which initialization trains "
        f"better; chapter 6 compares them over seeds with a learning-rate search. {long_scale}."
    ))

# %% [markdown]
# ## What differs from the paper
#
# * **Scale.** Width 100 instead of 1000 and tens of thousands of updates instead of about
#   1.9 million at the `quick` profile shown here (exact budget under each figure); learning
#   rates are ours (the paper does not report its choices), and large for the width, so the
#   timing in epochs does not compare with the paper's, only the direction and order of the
#   effects. The longer run stretches this to `longer_factor` times the updates, still a small
#   fraction of the paper's. The `paper` profile runs the paper's width and budget on a GPU.
# * **The first layer at reduced width.** Shapeset has 1024 inputs. At the paper's width of
#   1000 every layer is nearly square, so the normalized initialization (eq. 16) keeps
#   $n\,\mathrm{Var}[W] \approx 1$ both ways. At width 100 the first layer maps 1024 inputs
#   to 100 units: eq. (16) gives it $n_{in}\mathrm{Var}[W] = 1024 \cdot 2/1124 \approx 1.8$, so
#   the normalized network's first layer starts with larger activations, and is more
#   saturated, than it would at width 1000. This is a property of the quick profile, not of
#   the paper's networks; the `paper` profile does not have it.
# * **What "very quickly" means** is not quantified in the paper. We give the first probe at
#   which the variance's growth per layer falls below 1.5 and below 1 (a reversal), and the
#   first at which layer 1's variance exceeds the top layer's, probing every
#   `early_probe_every` updates at the start.
# * **Figure 9's intervals**: the paper does not say over which examples or minibatches its
#   weight-gradient statistics are taken; ours pool ten minibatches of 10 test examples.
# * One seed per network; the Shapeset images come from our re-implementation of the
#   generator (see {doc}`01_setting`).
