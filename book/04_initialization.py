# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Gradients at initialization and the normalized initialization (§4.2)
#
# Section 4.2 of the paper {cite}`glorot2010understanding` is where Xavier initialization comes from. It studies the
# network *before any training*: how the variance of the activations and of the
# back-propagated gradients changes from layer to layer, and what initialization keeps it
# constant. This chapter follows the argument equation by equation, checks each step
# numerically, and reproduces Figs. 6, 7 and 8 and the Jacobian singular values of eq. (17)
# at the paper's full size (five hidden layers of 1000 tanh units, Shapeset-3×2 inputs).
#
# **Parameters.** The next cell holds the chapter's parameters; change them with
# `papermill book/04_initialization.ipynb out.ipynb -p activation softsign`, say.
# `profile` is `smoke` (seconds, reduced width, for tests), `quick` or `paper` (the paper's
# full size for both: at initialization nothing is trained, so a CPU is enough).

# %% tags=["parameters"]
profile = "quick"
activation = "tanh"
dataset = "shapeset"
seed = 0
device = "cpu"
use_archive = True
allow_long = False  # run even where the estimate is over 30 minutes on this device
weight_grad_batch_size = 10

# %% tags=["remove-cell"]
# Parameter checks (an unknown activation, dataset or profile stops the chapter here, with
# the list of valid values), imports and the page's helpers.
import pandas as pd

from glorot import claims, experiments, pages, plots
from glorot.claims import initialization as init_claims
from glorot.validation import check_device

init_cfg = experiments.config("init_statistics", profile, activation=activation, dataset=dataset, seed=seed,
                              weight_grad_batch_size=weight_grad_batch_size)
var_cfg = experiments.config("variance_propagation", profile, seed=seed)
device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
PAPER_WIDTH = experiments.config("init_statistics", "paper")["width"]
INITS = init_claims.INITS

pages.glue("setup", f"profile '{profile}': {init_cfg['depth']} hidden layers of {init_cfg['width']:,} {activation} units, "
                    f"{init_cfg['n_examples']:,} {dataset} test examples")


def at_paper_width(width):
    """The width of the page's network beside the paper's, where they differ."""
    return "" if width == PAPER_WIDTH else f" (width {width:,}, not the paper's {PAPER_WIDTH:,})"


# %% [markdown]
# This page was executed with {glue:md}`setup`. An unknown activation, dataset or profile
# stops it in its first cell, with the list of valid values.
#
# ## The two equations of back-propagation
#
# > "For a dense artificial neural network using symmetric activation function $f$ with unit
# > derivative at 0 (i.e. $f'(0) = 1$), if we write $\mathbf z^i$ for the activation vector of
# > layer $i$, and $\mathbf s^i$ the argument vector of the activation function at layer $i$,
# > we have $\mathbf s^i = \mathbf z^i W^i + \mathbf b^i$ and $\mathbf z^{i+1} = f(\mathbf s^i)$.
# > From these definitions we obtain the following:"
#
# $$
# \frac{\partial \mathrm{Cost}}{\partial s^i_k} = f'(s^i_k)\, W^{i+1}_{k,\bullet}\,
# \frac{\partial \mathrm{Cost}}{\partial \mathbf s^{i+1}} \tag{2}
# $$
#
# $$
# \frac{\partial \mathrm{Cost}}{\partial w^i_{l,k}} = z^i_l\,
# \frac{\partial \mathrm{Cost}}{\partial s^i_k} \tag{3}
# $$
#
# `glorot.nets` writes exactly these two lines, for a whole stack of networks at once
# (weights of shape `[models, n_in, n_out]`), instead of calling autograd; the tests check
# them against `torch.autograd` to a relative error of $10^{-5}$ in float64 for every
# activation. Eq. (2) is `backward`, eq. (3) `weight_grads`:
#
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: MLPStack.backward
# ```
#
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: MLPStack.weight_grads
# ```

# %% [markdown]
# ## The variance argument, checked
#
# > "Consider the hypothesis that we are in a linear regime at the initialization, that the
# > weights are initialized independently and that the inputs features variances are the same
# > ($= Var[x]$). Then we can say that, with $n_i$ the size of layer $i$ and $x$ the network
# > input,"
#
# $$
# f'(s^i_k) \approx 1, \tag{4}
# $$
#
# $$
# \mathrm{Var}[z^i] = \mathrm{Var}[x] \prod_{i'=0}^{i-1} n_{i'}\, \mathrm{Var}[W^{i'}], \tag{5}
# $$
#
# and, for a network with $d$ layers,
#
# $$
# \begin{aligned}
# \mathrm{Var}\Big[\frac{\partial \mathrm{Cost}}{\partial s^i}\Big]
#   &= \mathrm{Var}\Big[\frac{\partial \mathrm{Cost}}{\partial s^d}\Big]
#      \prod_{i'=i}^{d} n_{i'+1}\, \mathrm{Var}[W^{i'}].
# \end{aligned} \tag{6}
# $$
#
# We build a network whose non-linearity is the identity (the linear regime exactly), feed
# it i.i.d. $N(0, 1)$ inputs, and compare the variance measured at each layer with the
# product the equations predict from each layer's realised weight variance (the "eq." columns
# of {numref}`tbl-init-variance`); the "nominal" columns use the nominal $n\,\mathrm{Var}[W]$
# instead (1/3 for the standard initialization, eq. 15). The whole experiment is one function of the
# package; the two `rows.append` lines are eqs. (5) and (6):
#
# ```{literalinclude} ../src/glorot/experiments/initialization.py
# :language: python
# :pyobject: variance_propagation
# ```

# %% tags=["hide-input"]
var_result = experiments.run("variance_propagation", profile, device=device, use_archive=use_archive,
                             allow_long=allow_long, seed=seed)

# %% tags=["remove-cell"]
variance = var_result["variance"]
var_depth = var_cfg["depth"]
worst = init_claims.variance_gap(var_result)
fz = init_claims.per_layer_factor(var_result, "Var[z] (eq. 5)")  # growth per layer, going up
fg = init_claims.per_layer_factor(var_result, "Var[dC/ds] (eq. 6)")
pages.glue("var_worst_within", init_claims.sided(100 * worst["gap"], (), 1, up=True))  # "within X%": X rounded up
pages.glue_all(var_cells=len(variance), var_worst_layer=worst["layer"],
               var_fz_std=float(fz["standard"]), var_fz_norm=float(fz["normalized"]), var_fg_std=float(1 / fg["standard"]),
               var_fg_norm=float(1 / fg["normalized"]), var_examples=var_cfg["n_examples"], var_width=var_cfg["width"])
pages.glue("var_worst_what", f"{worst['quantity'].replace('dC/ds', '∂C/∂s')}, {worst['init']} initialization")
var_verdict = claims.combine(claims.judge("eq5_6.linear_regime", var_result), claims.judge("eq5.activation_factor", var_result),
                             claims.judge("eq6.gradient_factor", var_result)).sentence()
var_scale = (f"Scale: {var_result.scale()}; ours: {var_depth} linear layers of {var_cfg['width']:,} units, "
             f"{var_cfg['n_examples']:,} N(0, 1) inputs; paper: a derivation, no measurement")
var_table = variance.pivot_table(index=["init", "layer"], columns="quantity", values=["measured", "predicted", "predicted_nominal"],
                                 sort=False)
var_table = pd.DataFrame({
    "init": var_table.index.get_level_values("init"), "layer": var_table.index.get_level_values("layer"),
    **{label: var_table[(col, q)].to_numpy()
       for q, eq, name in (("Var[z] (eq. 5)", "eq. (5)", "Var[z]"), ("Var[dC/ds] (eq. 6)", "eq. (6)", "Var[∂C/∂s]"))
       for col, label in (("measured", name), ("predicted", eq), ("predicted_nominal", f"{eq} nominal"))}})
pages.glue("var_table", var_table)
pages.glue("var_table_caption", pages.caption(var_scale, var_verdict))
pages.glue("fig_var_caption", pages.caption(var_scale, var_verdict))


# %% tags=["remove-cell"]
pages.glue("fig_var", plots.variance_check(variance))


# %% [markdown]
# ```{glue:figure} fig_var
# :name: fig-init-variance-check
# :figwidth: 100%
#
# Variance of the activations (eq. 5) and of the back-propagated gradients (eq. 6) at each
# layer of a linear network, measured (markers) beside the equations' products (lines), log
# scale, standard and normalized initialization. {glue:md}`fig_var_caption`
# ```
#
# Over the {glue:text}`var_cells:d` layer × quantity × initialization cells of
# {numref}`fig-init-variance-check` and {numref}`tbl-init-variance`, the measured variance is
# within {glue:md}`var_worst_within`% of the equation (largest gap: {glue:md}`var_worst_what`,
# layer {glue:text}`var_worst_layer:d`). Going up one layer multiplies the activation variance
# by {glue:text}`var_fz_std:.2f` with the standard initialization (eq. 15 predicts 1/3) and by
# {glue:text}`var_fz_norm:.2f` with the normalized one; going *down* one layer multiplies the
# back-propagated gradient variance by {glue:text}`var_fg_std:.2f` (standard: it shrinks toward
# the input) and {glue:text}`var_fg_norm:.2f` (normalized). The sampling noise is that of
# {glue:text}`var_examples:,d` examples × {glue:text}`var_width:,d` units.
#
# :::{table} Measured variances Var[z] and Var[∂C/∂s] beside eqs. (5)–(6): "eq." from each layer's realised n·Var[W], "eq. nominal" from the nominal one. {glue:md}`var_table_caption`
# :name: tbl-init-variance
#
# ```{glue:md} var_table
# :format: myst
# ```
# :::

# %% [markdown]
# ### Why the standard initialization gives $n\,\mathrm{Var}[W] = 1/3$
#
# The paper's standard initialization (eq. 1) is $W_{ij} \sim U[-1/\sqrt n, 1/\sqrt n]$
# with $n$ the fan-in. A uniform on $[-a, a]$ has variance $a^2/3$, so
# $n\,\mathrm{Var}[W] = 1/3$ (eq. 15): each layer multiplies the variance by a third, going up
# for the activations and going down for the gradients. The forward condition
# $n_i \mathrm{Var}[W^i] = 1$ (10) and the backward condition $n_{i+1} \mathrm{Var}[W^i] = 1$
# (11) cannot both hold unless consecutive layers have the same width; the compromise
# $\mathrm{Var}[W^i] = 2/(n_i + n_{i+1})$ (12) is the **normalized initialization**:
#
# > "The normalization factor may therefore be important when initializing deep networks
# > because of the multiplicative effect through layers, and we suggest the following
# > initialization procedure to approximately satisfy our objectives of maintaining activation
# > variances and back-propagated gradients variance as one moves up or down the network. We
# > call it the **normalized initialization**:"
#
# $$
# W \sim U\left[-\frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}},\ \frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}}\right]. \tag{16}
# $$
#
# In the package, eqs. (1) and (16) are the half-width of the uniform, and eqs. (15) and
# (12) the variance it gives:
#
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: init_bound
# ```
#
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: init_variance
# ```

# %% tags=["remove-cell"]
sizes = init_claims.layer_sizes(init_cfg)
n_in, n_out = sizes[0], sizes[-1]
n_var = init_claims.weight_variances(init_cfg)  # the weights of the network of Figs. 6-8, drawn from its seed
std_dev, norm_dev = init_claims.weight_deviations(n_var)
pages.glue_all(nvar_std_within=init_claims.sided(100 * std_dev, (), 1, up=True),
               nvar_norm_within=init_claims.sided(100 * norm_dev, (), 1, up=True))
pages.glue_all(nvar_out=float(n_var["n·Var[W] normalized"].iloc[-1]),
               nvar_first=float(n_var["n·Var[W] normalized"].iloc[0]), nvar_n_in=n_in, nvar_n_out=n_out,
               nvar_width=init_cfg["width"])
pages.glue("nvar_table", n_var)
nvar_scale = (f"Scale: computed live on this page from seed {seed}, layer sizes {' → '.join(f'{s:,}' for s in sizes)}"
              + at_paper_width(init_cfg["width"]) + "; paper: eqs. (12), (15), no measurement")
# (its caption's verdict is glued below, with the run of Figs. 6-8 whose network these weights are)

# %% [markdown]
# :::{table} The weights the two initializations draw, layer by layer: realised n·Var[W] (n the fan-in) against eq. (15), and Var[W] against eq. (12). {glue:md}`nvar_caption`
# :name: tbl-init-nvar
#
# ```{glue:md} nvar_table
# :format: myst
# ```
# :::
#
# {numref}`tbl-init-nvar` draws the weights of the network of Figs. 6–8. The realised
# $n\,\mathrm{Var}[W]$ of the standard initialization is within
# {glue:md}`nvar_std_within`% of 1/3 in every layer, and the normalized
# initialization's variance within {glue:md}`nvar_norm_within`% of
# $2/(n_{in} + n_{out})$. Where consecutive widths differ, the normalized initialization meets
# neither condition (10) nor (11) exactly: the first layer ({glue:text}`nvar_n_in:,d` →
# {glue:text}`nvar_width:,d`) has $n_{in}\mathrm{Var}[W] =$ {glue:text}`nvar_first:.3f`, and the
# output layer ({glue:text}`nvar_width:,d` → {glue:text}`nvar_n_out:d`) has
# {glue:text}`nvar_out:.2f`.

# %% [markdown]
# ## Figures 6–8: activations and gradients at initialization
#
# > "To empirically validate the above theoretical ideas, we have plotted some normalized
# > histograms of activation values, weight gradients and of the back-propagated gradients at
# > initialization with the two different initialization methods. The results displayed
# > (Figures 6, 7 and 8) are from experiments on **Shapeset-3 × 2**, but qualitatively similar
# > results were obtained with the other datasets."
#
# The paper shows, for a five-layer tanh network at initialization, normalized histograms of
# the activations (Fig. 6), of the back-propagated gradients $\partial\mathrm{Cost}/\partial s$
# (Fig. 7) and of the weight gradients (Fig. 8), per layer, for the standard (top) and the
# normalized (bottom) initialization. The paper does not state on how many examples; we use
# the same fixed set of held-out examples as the paper's monitoring (§3), the
# back-propagated gradients of each example's own cost, and the weight gradients of the mean
# cost of minibatches of `weight_grad_batch_size` examples (what one SGD step applies). Each
# layer of each panel gets its own range (the central 99.9% of its own values) and the same
# number of bins over it, so a layer ten times narrower than its neighbours (standard layer 1
# of Fig. 7) has as many bins across its spread as they do, and peak heights compare across
# layers. Peaks still depend on the bins per spread, which the paper does not give, so
# compare shapes and ranges first.
# The probe is one function of the package, and the experiment calls it once per network:
#
# ```{literalinclude} ../src/glorot/experiments/initialization.py
# :language: python
# :pyobject: init_statistics
# ```

# %% tags=["hide-input"]
init_result = experiments.run("init_statistics", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              activation=activation, dataset=dataset, seed=seed,
                              weight_grad_batch_size=weight_grad_batch_size)

# %% tags=["remove-cell"]
hist = init_result["hist"]
depth, width = init_cfg["depth"], init_cfg["width"]
init_scale = (f"Scale: {init_result.scale()}; ours: {depth} × {width:,} {activation}, {init_cfg['n_examples']:,} {dataset} "
              f"test examples, {init_cfg['bins']} bins per layer over its own range; paper: 5 × 1,000 tanh, Shapeset, sample size and bins not stated")
pages.glue_all(n_examples=init_cfg["n_examples"], wg_batches=init_cfg["weight_grad_batches"],
               wg_batch_size=init_cfg["weight_grad_batch_size"], n_bins=init_cfg["bins"], depth=depth)


pages.glue("nvar_caption", pages.caption(nvar_scale, claims.judge("eq12_15.weights_drawn", init_result).sentence()))


def peak_table(p, digits):
    """Per layer and initialization: the histogram's peak density, std and 2nd–98th percentiles."""
    rows = []
    for layer in p["standard"].index:
        row = {"layer": int(layer)}
        for init, short in (("standard", "std. init"), ("normalized", "norm. init")):
            r = p[init].loc[layer]
            row[f"{short}: peak density"] = f"{r['peak_density']:.{max(0, 3 - len(str(int(r['peak_density']))))}f}"
            row[f"{short}: std"] = f"{r['std']:.{digits}g}"
            row[f"{short}: 2nd–98th pct"] = f"{r['p2']:.{digits}g} … {r['p98']:.{digits}g}"
        rows.append(row)
    return pd.DataFrame(rows)


def x_range(quantity, init):
    h = hist[(hist["quantity"] == quantity) & (hist["init"] == init)]
    return float(h["left"].min()), float(h["right"].max())


def alike(ratio):
    """Whether peaks that vary ×``ratio`` across layers are alike, by the rule of Figs. 6-7."""
    return init_claims.within(ratio, init_claims.RATIO_ALIKE)


# %% [markdown]
# ### Figure 6: activation values

# %% tags=["remove-cell"]
p6 = init_claims.peaks(init_result, "activation")
s6, n6 = p6["standard"], p6["normalized"]
fig6_norm_ratio = float(n6["peak_density"].max() / n6["peak_density"].min())
fig6_std_ratio = float(s6["peak_density"].iloc[-1] / s6["peak_density"].iloc[0])
pages.glue_all(f6_std_peak1=float(s6["peak_density"].iloc[0]), f6_std_peak_top=float(s6["peak_density"].iloc[-1]),
               f6_std_std1=float(s6["std"].iloc[0]), f6_std_std_top=float(s6["std"].iloc[-1]),
               f6_norm_peak1=float(n6["peak_density"].iloc[0]), f6_norm_peak_top=float(n6["peak_density"].iloc[-1]),
               f6_norm_std1=float(n6["std"].iloc[0]), f6_norm_std_top=float(n6["std"].iloc[-1]),
               f6_norm_ratio=fig6_norm_ratio, f6_std_ratio=fig6_std_ratio,
               f6_bin_lo=float(s6["bin_width"].min()), f6_bin_lo_layer=int(s6["bin_width"].idxmin()),
               f6_bin_hi=float(max(s6["bin_width"].max(), n6["bin_width"].max())))
f6_verdict = claims.judge("fig6.activations", init_result).sentence()
if alike(fig6_norm_ratio):
    pages.glue("f6_norm_sentence", f"Ours are alike too: their peaks stay within ×{fig6_norm_ratio:.2f} of each other.")
else:
    pages.glue("f6_norm_sentence", (
        f"Ours are not alike: their peaks {'rise' if n6['peak_density'].iloc[-1] > n6['peak_density'].iloc[0] else 'change'} from "
        f"{n6['peak_density'].iloc[0]:.2f} at layer 1 to {n6['peak_density'].iloc[-1]:.2f} at layer {depth} (×{fig6_norm_ratio:.2f} "
        f"largest over smallest, against ×{fig6_std_ratio:.1f} with the standard initialization), and the std goes from "
        f"{n6['std'].iloc[0]:.3f} to {n6['std'].iloc[-1]:.3f}: much flatter than with the standard initialization, but "
        + ("a steady decline layer by layer, which the next section explains." if init_claims.monotone(n6["std"], rising=False)
           else "not flat; the next section compares it with the equations.")))
pages.glue("fig6_caption", pages.caption(init_scale, f6_verdict))
pages.glue("fig6_table", peak_table(p6, 3))
pages.glue("fig6_table_caption", pages.caption(f"Bins: {init_cfg['bins']} per layer over its own range", init_scale, f6_verdict))


# %% tags=["remove-cell"]
pages.glue("fig6", plots.layer_histograms(hist, "activation", f"{activation} activations at initialization", "activation value"))


# %% [markdown]
# ```{glue:figure} fig6
# :name: fig-init-fig6
# :figwidth: 100%
#
# Normalized histograms of each layer's activations at initialization, standard (top) and
# normalized (bottom) initialization (paper: Fig. 6). {glue:md}`fig6_caption`
# ```
#
# The paper's caption: "Top: 0-peak increases for higher layers." So it does in
# {numref}`fig-init-fig6`: with the standard initialization the peak density rises from
# {glue:text}`f6_std_peak1:.2f` at layer 1 to {glue:text}`f6_std_peak_top:.2f` at layer
# {glue:text}`depth:d` (paper: about 14 at layer 5), as the std falls from
# {glue:text}`f6_std_std1:.3f` to {glue:text}`f6_std_std_top:.3f` (×1/3 in variance per layer,
# eq. 15). The paper's normalized panel has all layers alike (peak about 1.3).
# {glue:md}`f6_norm_sentence` The bins of each layer span its own range (from
# {glue:text}`f6_bin_lo:.4f` wide at layer {glue:text}`f6_bin_lo_layer:d` of the standard panel
# to {glue:text}`f6_bin_hi:.3f`); the paper's are not given, so absolute peak heights compare
# only roughly ({numref}`tbl-init-fig6`).
#
# :::{table} The histograms of {numref}`fig-init-fig6` in numbers: per layer and initialization, peak density, std and 2nd–98th percentiles of the activations. {glue:md}`fig6_table_caption`
# :name: tbl-init-fig6
#
# ```{glue:md} fig6_table
# :format: myst
# ```
# :::

# %% [markdown]
# ### Figure 7: back-propagated gradients

# %% tags=["remove-cell"]
p7 = init_claims.peaks(init_result, "backprop_grad")
s7, n7 = p7["standard"], p7["normalized"]
fig7_std_falls = init_claims.monotone(s7["peak_density"], rising=False)
fig7_norm_ratio = float(n7["peak_density"].max() / n7["peak_density"].min())
lo7_s, hi7_s = x_range("backprop_grad", "standard")
lo7_n, hi7_n = x_range("backprop_grad", "normalized")
pages.glue_all(f7_std_std1=float(s7["std"].iloc[0]), f7_std_std_top=float(s7["std"].iloc[-1]),
               f7_std_peak1=float(s7["peak_density"].iloc[0]), f7_std_peak_top=float(s7["peak_density"].iloc[-1]),
               f7_norm_std1=float(n7["std"].iloc[0]), f7_norm_std_top=float(n7["std"].iloc[-1]),
               f7_norm_peak1=float(n7["peak_density"].iloc[0]), f7_norm_peak_top=float(n7["peak_density"].iloc[-1]),
               f7_norm_ratio=fig7_norm_ratio,
               f7_std_p2=float(s7["p2"].iloc[0]), f7_std_p98=float(s7["p98"].iloc[0]),
               f7_norm_p2=float(n7["p2"].iloc[0]), f7_norm_p98=float(n7["p98"].iloc[0]),
               f7_std_range=max(abs(lo7_s), hi7_s), f7_norm_range=max(abs(lo7_n), hi7_n),
               f7_std_bin=float(s7["bin_width"].iloc[0]), f7_std_std1_bins=float(s7["std"].iloc[0] / s7["bin_width"].iloc[0]),
               f7_std_top_bins=float(s7["std"].iloc[-1] / s7["bin_width"].iloc[-1]))
f7_verdict = claims.judge("fig7.backprop", init_result).sentence()
pages.glue("f7_std_order", "the paper's ordering" if fig7_std_falls else "not the paper's ordering at every layer")
if alike(fig7_norm_ratio):
    pages.glue("f7_norm_sentence", f"With the normalized initialization the layers are alike: peaks within ×{fig7_norm_ratio:.2f}.")
else:
    shrink = init_claims.monotone(n7["std"], rising=True)
    pages.glue("f7_norm_sentence", (
        f"With the normalized initialization the layers are closer, std {n7['std'].iloc[0]:.4f} at layer 1 to "
        f"{n7['std'].iloc[-1]:.4f} at layer {depth}, but not alike: the peaks go from {n7['peak_density'].iloc[0]:.0f} to "
        f"{n7['peak_density'].iloc[-1]:.0f} (×{fig7_norm_ratio:.1f} largest over smallest)"
        + (", so the gradients still shrink toward the input, more gently." if shrink else ".")))
pages.glue("fig7_caption", pages.caption(init_scale, f7_verdict))
pages.glue("fig7_table", peak_table(p7, 3))
pages.glue("fig7_table_caption", pages.caption(f"Bins: {init_cfg['bins']} per layer over its own range", init_scale, f7_verdict))


# %% tags=["remove-cell"]
pages.glue("fig7", plots.layer_histograms(hist, "backprop_grad", "back-propagated gradients ∂C/∂s at initialization", "∂Cost/∂s"))


# %% [markdown]
# ```{glue:figure} fig7
# :name: fig-init-fig7
# :figwidth: 100%
#
# Normalized histograms of each layer's back-propagated gradients ∂Cost/∂s at
# initialization, standard (top) and normalized (bottom) initialization (paper: Fig. 7).
# {glue:md}`fig7_caption`
# ```
#
# The paper's caption: "Top: 0-peak decreases for higher layers", that is, gradients shrink
# toward the input (its standard panel spans about ±0.2, layer 1's peak about 85; its
# normalized panel about ±0.3, all peaks about 9). In {numref}`fig-init-fig7`, with the
# standard initialization, the std grows from {glue:text}`f7_std_std1:.4f` at layer 1 to
# {glue:text}`f7_std_std_top:.4f` at layer {glue:text}`depth:d` (peak density
# {glue:text}`f7_std_peak1:.0f` → {glue:text}`f7_std_peak_top:.0f`): {glue:md}`f7_std_order`.
# {glue:md}`f7_norm_sentence` Our distributions are narrower than the paper's: the 2nd–98th percentiles of layer 1
# are {glue:text}`f7_std_p2:.4f` … {glue:text}`f7_std_p98:.4f` (standard) and
# {glue:text}`f7_norm_p2:.3f` … {glue:text}`f7_norm_p98:.3f` (normalized), and our histograms
# span ±{glue:text}`f7_std_range:.3f` and ±{glue:text}`f7_norm_range:.3f`. Standard layer 1's
# histogram has bins {glue:text}`f7_std_bin:.5f` wide, {glue:text}`f7_std_std1_bins:.0f` to one
# std (layer {glue:text}`depth:d`: {glue:text}`f7_std_top_bins:.0f`), so its narrow peak is
# resolved rather than one bin wide.
#
# :::{table} The histograms of {numref}`fig-init-fig7` in numbers: per layer and initialization, peak density, std and 2nd–98th percentiles of ∂Cost/∂s. {glue:md}`fig7_table_caption`
# :name: tbl-init-fig7
#
# ```{glue:md} fig7_table
# :format: myst
# ```
# :::

# %% [markdown]
# ### What eqs. (5)–(6) predict for the normalized layers of Figs. 6 and 7
#
# Eqs. (5)–(6) assume the linear regime, $f'(s) \approx 1$ (eq. 4), and inputs of variance
# $\mathrm{Var}[x]$. Neither holds exactly here. Our Shapeset pixels are not unit-variance,
# and tanh's slope is below 1 away from 0, so each layer shrinks the activations' variance
# a little (forward) and multiplies the back-propagated gradient by $f'(s)$ (eq. 2, backward).
# Keeping $f$ in the same argument gives a layer-by-layer recursion: with zero-mean weights
# independent of the layer's input,
#
# $$
# \mathrm{Var}[s^i] = n_i\,\mathrm{Var}[W^i]\;\mathbb E[(z^i)^2]
# $$
#
# (eq. 5's step, with $\mathbb E[x^2]$ of the actual inputs at the first layer). Taking $s^i$
# Gaussian, $z^{i+1} = f(s^i)$ then has a computable variance, and eq. (6)'s step becomes
#
# $$
# \begin{aligned}
# \mathrm{Var}\Big[\frac{\partial C}{\partial s^i}\Big]
#   &= \mathbb E[f'(s^i)^2]\; n_{i+1}\mathrm{Var}[W^{i+1}] \\
#   &\quad \times \mathrm{Var}\Big[\frac{\partial C}{\partial s^{i+1}}\Big].
# \end{aligned}
# $$
#
# `glorot.variance_theory.propagate` computes both, integrating the Gaussian expectations
# numerically, from the realised inputs' $\mathbb E[x^2]$ and the nominal weight variances; it
# is a check of the equations, not a fit (`tests/test_variance_theory.py` checks it against
# the closed forms of the linear regime and against simulated width-1000 nets):
#
# ```{literalinclude} ../src/glorot/variance_theory.py
# :language: python
# :pyobject: propagate
# ```

# %% tags=["hide-input"]
with_f = init_claims.eqs_with_f(init_result)  # variance_theory.propagate for both inits, beside the measured network


# %% tags=["remove-cell"]
mf = with_f["table"]
mf_shown = mf.copy()
for col in mf.columns[2:]:
    mf_shown[col] = [("—" if pd.isna(v) else f"{v:.3f}") for v in mf[col]]
norm_pred = with_f["predicted"]["normalized"]
ex2 = with_f["ex2"]
lin_std = float(norm_pred["var_s"].iloc[0] ** 0.5)
z_err = max(e[0] for e in with_f["errors"].values())
g_err = max(e[1] for e in with_f["errors"].values())
z_within, g_within = (init_claims.sided(100 * e, (), 1, up=True) for e in (z_err, g_err))  # "within X%": X rounded up
pages.glue_all(mf_z_within=z_within, mf_g_within=g_within)
pages.glue_all(mf_ex2=ex2, mf_xmean=with_f["x_mean"], mf_lin_std=lin_std,
               mf_norm_pred1=float(norm_pred["std_z"].iloc[0]), mf_norm_pred_top=float(norm_pred["std_z"].iloc[-1]),
               mf_fp2_1=float(norm_pred["e_fprime2"].iloc[0]), mf_fp2_top=float(norm_pred["e_fprime2"].iloc[-2]), mf_fp2_top_layer=depth - 1,
               mf_peak_ratio=fig6_norm_ratio, mf_std_ratio=float(n6["std"].iloc[0] / n6["std"].iloc[-1]))
mf_verdict = claims.judge("eq5_6.with_f", init_result).sentence()
pages.glue("mf_table", mf_shown)
if not (alike(fig6_norm_ratio) and alike(fig7_norm_ratio)):
    pages.glue("differs_alike", (f"The normalized panels of Figs. 6 and 7 are not alike across layers as the paper's are (peaks vary "
                                 f"×{fig6_norm_ratio:.2f} and ×{fig7_norm_ratio:.2f} from layer to layer): with our inputs {activation} "
                                 f"is not in its linear regime, and eqs. (5)–(6) carried through {activation} predict the activation "
                                 f"std to within {z_within}% and the gradient ratios to within {g_within}%"))
else:
    pages.glue("differs_alike", f"The normalized panels of Figs. 6 and 7 are alike across layers, as the paper's are; eqs. (5)–(6) "
                                f"carried through {activation} predict the activation std to within {z_within}%")
pages.glue("mf_caption", pages.caption(
    f"Measured: {init_scale[len('Scale: '):]}",
    f"Predicted: computed on this page from the same {init_cfg['n_examples']:,} inputs (E[x²] = {ex2:.3f}) and the nominal Var[W]",
    mf_verdict))

# %% [markdown]
# :::{table} Eqs. (5)–(6) carried through the non-linearity, beside the measured networks of Figs. 6–7: each layer's activation std, and the factor by which the back-propagated gradient variance changes from layer k+1 down to layer k. {glue:md}`mf_caption`
# :name: tbl-init-eqs-with-f
#
# ```{glue:md} mf_table
# :format: myst
# ```
# :::
#
# Our inputs have mean {glue:text}`mf_xmean:.3f` and $\mathbb E[x^2] =$
# {glue:text}`mf_ex2:.3f`, not 1. With the normalized initialization the first layer's
# pre-activations then have std {glue:text}`mf_lin_std:.2f`, and the purely linear eq. (5)
# would keep that std in every layer. But tanh is not linear there: the recursion predicts an
# activation std of {glue:text}`mf_norm_pred1:.3f` at layer 1 falling to
# {glue:text}`mf_norm_pred_top:.3f` at layer {glue:text}`depth:d`, and
# $\mathbb E[f'(s)^2]$ of {glue:text}`mf_fp2_1:.2f` (layer 1) to {glue:text}`mf_fp2_top:.2f`
# (layer {glue:text}`mf_fp2_top_layer:d`), the factor by which each layer scales the gradient variance
# on its way down. {numref}`tbl-init-eqs-with-f` puts this beside the measurements: the
# predicted std is within {glue:md}`mf_z_within`% of the measured one in every layer,
# and the gradient ratio within {glue:md}`mf_g_within`%. The normalized peaks of
# {numref}`fig-init-fig6` rise by ×{glue:text}`mf_peak_ratio:.2f` from layer 1 to
# {glue:text}`depth:d`, close to the ×{glue:text}`mf_std_ratio:.2f` fall of the std (for a
# bell-shaped histogram the peak height goes as 1/std). So the normalized initialization
# keeps the variances far flatter than the standard one, but with our inputs it cannot keep
# them equal: the linear-regime hypothesis (eq. 4) is what the paper's "alike" panels need.
# We do not know the scale of the paper's inputs; smaller inputs would keep tanh closer to
# linear and the layers closer alike.

# %% [markdown]
# ### Figure 8: weight gradients
#
# Eq. (14) predicts that, with equal widths, the variance of the *weight* gradients is the
# same for every layer whatever the initialization: the shrinking of $\partial C/\partial s$
# toward the input is compensated by the growth of $z$. The paper's Fig. 8 shows this:
#
# > "Even though with standard initialization the back-propagated gradients get smaller, the
# > weight gradients do not!"

# %% tags=["remove-cell"]
p8 = init_claims.peaks(init_result, "weight_grad")
s8, n8 = p8["standard"], p8["normalized"]
f8_judgement = claims.judge("fig8.weight_gradients", init_result)
flat_s, flat_n = f8_judgement.values["ratio_standard"], f8_judgement.values["ratio_normalized"]
peak_gap = f8_judgement.values["peak_gap"]  # our median peak over the paper's, per init (reported, not judged)
pages.glue_all(f8_std_lo=float(s8["std"].min()), f8_std_hi=float(s8["std"].max()),
               f8_norm_lo=float(n8["std"].min()), f8_norm_hi=float(n8["std"].max()),
               f8_std_peak_lo=float(s8["peak_density"].min()), f8_std_peak_hi=float(s8["peak_density"].max()),
               f8_norm_peak_lo=float(n8["peak_density"].min()), f8_norm_peak_hi=float(n8["peak_density"].max()),
               f8_flat_s=flat_s, f8_flat_n=flat_n, f8_gap_s=peak_gap["standard"], f8_gap_n=peak_gap["normalized"],
               f8_std_p98=float(s8["p98"].max()), f8_norm_p98=float(n8["p98"].max()),
               f8_norm_over_std=float(n8["std"].median() / s8["std"].median()))
close = all(1 / 2 < g < 2 for g in peak_gap.values())  # the prose's "within a factor 2 of the paper's peaks"
f8_verdict = f8_judgement.sentence()
pages.glue("fig8_caption", pages.caption(init_scale, f8_verdict))
pages.glue("f8_flat_words", ("flat across layers, as eq. (14) says" if init_claims.within(max(flat_s, flat_n), init_claims.WEIGHT_GRAD_FLAT)
                             else f"not flat across layers to within ×{init_claims.WEIGHT_GRAD_FLAT:g}, though eq. (14) says it should be"))
narrow7 = max(abs(lo7_s), hi7_s) < init_claims.PAPER_FIG7_RANGE / 2
pages.glue("differs_narrow", (
    (f"Our back-propagated gradients (Fig. 7) span ±{max(abs(lo7_s), hi7_s):.3f} with the standard initialization, against about "
     f"±{init_claims.PAPER_FIG7_RANGE:g} in the paper. " if narrow7 else "")
    + (f"Our weight gradients (Fig. 8) are narrower than the paper's (median peaks {peak_gap['standard']:.1f} and "
       f"{peak_gap['normalized']:.1f} times its about {init_claims.PAPER_FIG8_PEAKS['standard']:g} and "
       f"{init_claims.PAPER_FIG8_PEAKS['normalized']:g}); part of that is the minibatch mean over "
       f"{init_cfg['weight_grad_batch_size']} examples, which the paper does not specify."
       if not close else "Our weight-gradient peaks are within a factor 2 of the paper's.")))
pages.glue("fig8_table", peak_table(p8, 2))
pages.glue("fig8_table_caption", pages.caption(
    f"Gradients of the mean cost of {init_cfg['weight_grad_batches']} minibatches of {init_cfg['weight_grad_batch_size']} examples",
    init_scale, f8_verdict))


# %% tags=["remove-cell"]
pages.glue("fig8", plots.layer_histograms(hist, "weight_grad", "weight gradients ∂C/∂W at initialization", "∂Cost/∂W"))


# %% [markdown]
# ```{glue:figure} fig8
# :name: fig-init-fig8
# :figwidth: 100%
#
# Normalized histograms of each layer's weight gradients ∂Cost/∂W at initialization,
# standard (top) and normalized (bottom) initialization (paper: Fig. 8).
# {glue:md}`fig8_caption`
# ```
#
# In {numref}`fig-init-fig8` the weight-gradient std is {glue:text}`f8_std_lo:.2e` to
# {glue:text}`f8_std_hi:.2e` across layers with the standard initialization (largest over
# smallest ×{glue:text}`f8_flat_s:.2f`; peaks {glue:text}`f8_std_peak_lo:.0f` to
# {glue:text}`f8_std_peak_hi:.0f`) and {glue:text}`f8_norm_lo:.2e` to
# {glue:text}`f8_norm_hi:.2e` with the normalized one (×{glue:text}`f8_flat_n:.2f`; peaks
# {glue:text}`f8_norm_peak_lo:.0f` to {glue:text}`f8_norm_peak_hi:.0f`): {glue:md}`f8_flat_words`,
# and {glue:text}`f8_norm_over_std:.1f` times wider with the normalized
# initialization. The paper's panels span about ±0.025 (standard, peak about 270) and ±0.1
# (normalized, peak about 40); ours reach ±{glue:text}`f8_std_p98:.4f` and
# ±{glue:text}`f8_norm_p98:.4f` at the 98th percentile, with median peaks
# {glue:text}`f8_gap_s:.1f` and {glue:text}`f8_gap_n:.1f` times the paper's. Ours are gradients
# of the *mean* cost over a minibatch of {glue:text}`wg_batch_size:d` examples; the paper
# does not say over how many examples its gradients were taken, and gradients of fewer
# examples are wider (re-run with `-p weight_grad_batch_size 1` for per-example gradients).
#
# :::{table} The histograms of {numref}`fig-init-fig8` in numbers: per layer and initialization, peak density, std and 2nd–98th percentiles of ∂Cost/∂W. {glue:md}`fig8_table_caption`
# :name: tbl-init-fig8
#
# ```{glue:md} fig8_table
# :format: myst
# ```
# :::

# %% [markdown]
# ## The Jacobian's singular values (eq. 17)
#
# > "We monitor the singular values of the Jacobian matrix associated with layer $i$:
# > $J^i = \frac{\partial \mathbf z^{i+1}}{\partial \mathbf z^i}$ (17). When consecutive
# > layers have the same dimension, the average singular value corresponds to the average
# > ratio of infinitesimal volumes mapped from $\mathbf z^i$ to $\mathbf z^{i+1}$, as well as
# > to the ratio of average activation variance going from $\mathbf z^i$ to
# > $\mathbf z^{i+1}$. With our normalized initialization, this ratio is around 0.8 whereas
# > with the standard initialization, it drops down to 0.5."
#
# The paper does not state the activation, the layer or the sample (tanh is likely). For
# $z^{i+1} = f(z^i W^i + b^i)$, $J^i = \mathrm{diag}(f'(s^i))\,(W^i)^\top$; we take its
# singular values by SVD at each of a few test examples (the tests check the Jacobian against
# `torch.autograd.functional.jacobian`):
#
# ```{literalinclude} ../src/glorot/probes.py
# :language: python
# :pyobject: layer_jacobians
# ```
#
# ```{literalinclude} ../src/glorot/probes.py
# :language: python
# :pyobject: jacobian_singular_values
# ```

# %% tags=["remove-cell"]
jac = init_result["jacobian"]
PAPER_JAC = init_claims.PAPER_JACOBIAN
jac_table = (jac.groupby(["layer", "init"], sort=False)["mean_singular_value"].agg(["mean", "std"]).unstack("init"))
jac_table = pd.DataFrame({"layer": jac_table.index,
                          **{f"{init}: mean": jac_table[("mean", init)].to_numpy() for init in PAPER_JAC},
                          **{f"{init}: std over examples": jac_table[("std", init)].to_numpy() for init in PAPER_JAC}})
gaps = {init: init_claims.jacobian_gap(init_result, init) for init in INITS}
pages.glue_all(jac_std=gaps["standard"]["ours"], jac_norm=gaps["normalized"]["ours"],
               jac_examples=init_cfg["jacobian_examples"],
               jac_norm_lo=float(jac_table["normalized: mean"].min()), jac_norm_hi=float(jac_table["normalized: mean"].max()),
               jac_std_lo=float(jac_table["standard: mean"].min()), jac_std_hi=float(jac_table["standard: mean"].max()),
               jac_tolerance=init_claims.JACOBIAN_TOLERANCE)
pages.glue("jac_gaps", " and ".join(
    f"{init_claims.sided(g['gap'], (init_claims.JACOBIAN_TOLERANCE, 2 * init_claims.JACOBIAN_TOLERANCE), 3)} "
    f"({100 * g['relative_gap']:.1f}%) {'below' if g['ours'] < g['paper'] else 'above'} the paper's {g['paper']:g} ({init})"
    for init, g in gaps.items()))
jac_verdict = claims.combine(claims.judge("eq17.jacobian_standard", init_result),
                             claims.judge("eq17.jacobian_normalized", init_result)).sentence()
lowest = {init: int(jac_table.set_index("layer")[f"{init}: mean"].idxmin()) for init in PAPER_JAC}
fp2_layer = int(norm_pred["e_fprime2"].idxmin())
pages.glue("jac_lowest", ((f"lowest in layer {lowest['standard']} with both initializations" if lowest["standard"] == lowest["normalized"]
                           else f"lowest in layer {lowest['standard']} (standard) and {lowest['normalized']} (normalized)")
                          + (f"; layer {fp2_layer} is also where the equations above put the smallest E[f′(s)²]" if
                             lowest["normalized"] == fp2_layer else "")))
pages.glue("act_name", activation)
jac_scale = init_scale + f"; {init_cfg['jacobian_examples']} examples decomposed"
pages.glue("fig_jac_caption", pages.caption(jac_scale, jac_verdict))
pages.glue("jac_table", jac_table)
pages.glue("jac_table_caption", pages.caption(jac_scale, jac_verdict))


# %% tags=["remove-cell"]
pages.glue("fig_jac", plots.jacobian_singular_values(jac, PAPER_JAC))


# %% [markdown]
# ```{glue:figure} fig_jac
# :name: fig-init-jacobian
# :figwidth: 100%
#
# Mean singular value of each layer's Jacobian $J^i$ (eq. 17) at initialization, standard
# and normalized initialization, beside the paper's two numbers (dashed).
# {glue:md}`fig_jac_caption`
# ```
#
# Averaged over the layers and {glue:text}`jac_examples:d` examples, the mean singular value
# of $J^i$ is {glue:text}`jac_std:.3f` with the standard initialization (paper ≈ 0.5) and
# {glue:text}`jac_norm:.3f` with the normalized one (paper ≈ 0.8), in a {glue:md}`act_name`
# network ({numref}`fig-init-jacobian`): {glue:md}`jac_gaps`. The paper gives one digit, so
# ours agrees with a value when it is within half a unit of that digit,
# {glue:text}`jac_tolerance:g`. It varies with the layer
# ({numref}`tbl-init-jacobian`): {glue:text}`jac_std_lo:.3f` to {glue:text}`jac_std_hi:.3f`
# (standard) and {glue:text}`jac_norm_lo:.3f` to {glue:text}`jac_norm_hi:.3f` (normalized),
# {glue:md}`jac_lowest`.
#
# :::{table} The mean singular value of $J^i$ per layer: its mean and its std over the examples. {glue:md}`jac_table_caption`
# :name: tbl-init-jacobian
#
# ```{glue:md} jac_table
# :format: myst
# ```
# :::

# %% [markdown]
# ## What differs from the paper
#
# * The paper does not give its sample sizes or bins for Figs. 6–8; we use
#   {glue:text}`n_examples:d` held-out examples, {glue:text}`wg_batches:d` minibatches of
#   {glue:text}`wg_batch_size:d` for the weight gradients, and {glue:text}`n_bins:d` bins
#   per layer over its own range. Peak *heights* therefore compare only roughly; signs,
#   orderings and ranges compare directly.
# * {glue:md}`differs_alike` ({numref}`tbl-init-eqs-with-f`).
# * {glue:md}`differs_narrow`
# * The paper reports a single average singular value per initialization; we show it per
#   layer, from {glue:text}`jac_examples:d` examples, and the average over layers.
# * The Shapeset images come from our re-implementation of the generator (see
#   {doc}`01_setting`), not from the original pygame code.
