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
# Section 4.2 of the paper is where Xavier initialization comes from. It studies the
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

# %% [markdown]
# The parameters are checked before any computation: an unknown activation, dataset or
# profile stops the chapter here with the list of valid values.

# %%

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from glorot import experiments, nets, plots, probes
from glorot.validation import check_device

init_cfg = experiments.config("init_statistics", profile, activation=activation, dataset=dataset, seed=seed,
                              weight_grad_batch_size=weight_grad_batch_size)
var_cfg = experiments.config("variance_propagation", profile, seed=seed)
device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
pd.set_option("display.precision", 4)
print(f"profile {profile!r}: {init_cfg['depth']} hidden layers of {init_cfg['width']} {activation} units, "
      f"{init_cfg['n_examples']} {dataset} test examples")

# %% [markdown]
# ## The two equations of back-propagation
#
# The paper writes layer $i$ of the network as $s^i = z^i W^i + b^i$ and
# $z^{i+1} = f(s^i)$, with $f$ symmetric and $f'(0) = 1$. Back-propagation is then
#
# $$
# \frac{\partial \mathrm{Cost}}{\partial s^i_k} = f'(s^i_k)\, W^{i+1}_{k,\cdot}\,
# \frac{\partial \mathrm{Cost}}{\partial s^{i+1}} \qquad (2)
# \qquad\qquad
# \frac{\partial \mathrm{Cost}}{\partial w^i_{l,k}} = z^i_l\,
# \frac{\partial \mathrm{Cost}}{\partial s^i_k} \qquad (3)
# $$
#
# `glorot.nets` writes exactly these two lines, for a whole stack of networks at once
# (weights of shape `[models, n_in, n_out]`), instead of calling autograd; the tests check
# them against `torch.autograd` to a relative error of $10^{-5}$ in float64 for every
# activation.

# %% [markdown]
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
# In the linear regime ($f'(s) \approx 1$), with independent weights and inputs of equal
# variance, the paper derives
#
# $$
# \mathrm{Var}[z^i] = \mathrm{Var}[x] \prod_{i'=0}^{i-1} n_{i'} \mathrm{Var}[W^{i'}] \quad (5)
# \qquad
# \mathrm{Var}\Big[\frac{\partial \mathrm{Cost}}{\partial s^i}\Big] =
# \mathrm{Var}\Big[\frac{\partial \mathrm{Cost}}{\partial s^d}\Big]
# \prod_{i'=i}^{d} n_{i'+1} \mathrm{Var}[W^{i'}] \quad (6)
# $$
#
# We build a network whose non-linearity is the identity (the linear regime exactly), feed
# it i.i.d. $N(0, 1)$ inputs, and compare the variance measured at each layer with the
# product the equations predict from each layer's realised weight variance. The
# `predicted_nominal` column uses the nominal $n\,\mathrm{Var}[W]$ instead (1/3 for the
# standard initialization, eq. 15).

# %%
var_result = experiments.run("variance_propagation", profile, device=device, use_archive=use_archive, allow_long=allow_long, seed=seed)
variance = var_result["variance"]
display(variance.round(6))
fig = plots.variance_check(variance, scale=var_result.scale())
plt.show()

# %%
worst = variance.assign(dev=(variance["ratio"] - 1).abs()).sort_values("dev").iloc[-1]
factor = variance.pivot_table(index=["init", "quantity"], columns="layer", values="measured")
per_layer = (factor[1] / factor[var_cfg["depth"]]) ** (1 / (var_cfg["depth"] - 1))
display(Markdown(
    f"**Measured against eqs. (5)–(6)** ({var_result.scale()}): over {len(variance)} layer × quantity × "
    f"initialization cells the measured variance is within {100 * worst['dev']:.0f}% of the equation "
    f"(largest gap: {worst['quantity']}, layer {worst['layer']}, {worst['init']} init). From layer 1 to layer "
    f"{var_cfg['depth']}, the activation variance changes by a factor of "
    f"{1 / per_layer[('standard', 'Var[z] (eq. 5)')]:.2f} per layer with the standard initialization "
    f"(eq. 15 predicts 1/3 = 0.33) and {1 / per_layer[('normalized', 'Var[z] (eq. 5)')]:.2f} with the "
    f"normalized one; the back-propagated gradient variance by "
    f"{1 / per_layer[('standard', 'Var[dC/ds] (eq. 6)')]:.2f} per layer upward (standard: it shrinks toward "
    f"the input) and {1 / per_layer[('normalized', 'Var[dC/ds] (eq. 6)')]:.2f} (normalized). "
    f"Sampling noise: {var_cfg['n_examples']} examples × {var_cfg['width']} units."
))

# %% [markdown]
# ### Why the standard initialization gives $n\,\mathrm{Var}[W] = 1/3$
#
# The paper's standard initialization (eq. 1) is $W_{ij} \sim U[-1/\sqrt n, 1/\sqrt n]$
# with $n$ the fan-in. A uniform on $[-a, a]$ has variance $a^2/3$, so
# $n\,\mathrm{Var}[W] = 1/3$ (eq. 15): each layer multiplies the variance by a third, going up
# for the activations and going down for the gradients. The forward condition
# $n_i \mathrm{Var}[W^i] = 1$ (10) and the backward condition $n_{i+1} \mathrm{Var}[W^i] = 1$
# (11) cannot both hold unless consecutive layers have the same width; the compromise
# $\mathrm{Var}[W^i] = 2/(n_i + n_{i+1})$ (12) is the **normalized initialization** (16):
#
# $$ W \sim U\left[-\frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}}, \frac{\sqrt 6}{\sqrt{n_j + n_{j+1}}}\right]. \quad (16) $$

# %% [markdown]
# ```{literalinclude} ../src/glorot/nets.py
# :language: python
# :pyobject: init_bound
# ```

# %%
stack = nets.MLPStack([1024] + [init_cfg["width"]] * init_cfg["depth"] + [9], inits=["standard", "normalized"], seeds=[seed, seed])
n_var = pd.DataFrame([
    {"layer": i + 1, "n_in": W.shape[1], "n_out": W.shape[2],
     "n·Var[W] standard (eq. 15: 1/3)": W.shape[1] * float(W[0].double().var()),
     "n·Var[W] normalized": W.shape[1] * float(W[1].double().var()),
     "Var[W] normalized / (2/(n_in+n_out))": float(W[1].double().var()) / (2 / (W.shape[1] + W.shape[2]))}
    for i, W in enumerate(stack.weights)
])
display(n_var.round(4))

# %% [markdown]
# ## Figures 6–8: activations and gradients at initialization
#
# The paper shows, for a five-layer tanh network at initialization, normalized histograms of
# the activations (Fig. 6), of the back-propagated gradients $\partial\mathrm{Cost}/\partial s$
# (Fig. 7) and of the weight gradients (Fig. 8), per layer, for the standard (top) and the
# normalized (bottom) initialization. The paper does not state on how many examples; we use
# the same fixed set of held-out Shapeset examples as the paper's monitoring (§3: 300), the
# back-propagated gradients of each example's own cost, and the weight gradients of the
# mean cost of ten minibatches of `weight_grad_batch_size` examples (10: what one SGD step
# applies). Every layer of one figure shares one set of
# bins, so peak heights compare across layers; they depend on the bin width, which the paper
# does not give, so compare shapes and ranges first.

# %%
init_result = experiments.run("init_statistics", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                              activation=activation, dataset=dataset, seed=seed,
                              weight_grad_batch_size=weight_grad_batch_size)
hist, stats = init_result["hist"], init_result["stats"]
summary = probes.histogram_summary(hist, stats)
scale = init_result.scale() + f"; paper: 5 x 1000 tanh, Shapeset, sample size not stated"


def peaks(quantity):
    s = summary[summary["quantity"] == quantity]
    return {init: s[s["init"] == init].set_index("layer") for init in ("standard", "normalized")}


# %% [markdown]
# ### Figure 6: activation values

# %%
fig = plots.layer_histograms(hist, "activation", f"{activation} activations at initialization", "activation value", scale=scale)
plt.show()
p = peaks("activation")
display(summary[summary["quantity"] == "activation"].drop(columns="quantity").round(4))
display(Markdown(
    f"**Figure 6 (ours).** Paper: with the standard initialization the peak at 0 grows with the layer "
    f"(layer 5 peak density about 14), while with the normalized initialization all layers look alike "
    f"(peak about 1.3). Ours: standard, peak density {p['standard']['peak_density'].iloc[0]:.2f} at layer 1 "
    f"rising to {p['standard']['peak_density'].iloc[-1]:.2f} at layer {p['standard'].index[-1]} "
    f"(std {p['standard']['std'].iloc[0]:.3f} → {p['standard']['std'].iloc[-1]:.3f}); normalized, peaks "
    f"{p['normalized']['peak_density'].min():.2f}–{p['normalized']['peak_density'].max():.2f} "
    f"(std {p['normalized']['std'].min():.3f}–{p['normalized']['std'].max():.3f}). Bin width "
    f"{p['standard']['bin_width'].iloc[0]:.3f}; the paper's bins are not given, so the absolute peak "
    f"heights are comparable only roughly. {scale}."
))

# %% [markdown]
# ### Figure 7: back-propagated gradients

# %%
fig = plots.layer_histograms(hist, "backprop_grad", "back-propagated gradients ∂C/∂s at initialization", "∂Cost/∂s", scale=scale)
plt.show()
p = peaks("backprop_grad")
display(summary[summary["quantity"] == "backprop_grad"].drop(columns="quantity").round(5))
display(Markdown(
    f"**Figure 7 (ours).** Paper: with the standard initialization the peak at 0 is highest at layer 1 "
    f"(about 85) and falls with the layer number: gradients shrink toward the input (x range about ±0.2); "
    f"with the normalized initialization all layers alike (range ±0.3, peaks about 9). Ours: standard, "
    f"std {p['standard']['std'].iloc[0]:.4f} at layer 1 to {p['standard']['std'].iloc[-1]:.4f} at layer "
    f"{p['standard'].index[-1]} (peak density {p['standard']['peak_density'].iloc[0]:.0f} → "
    f"{p['standard']['peak_density'].iloc[-1]:.0f}); normalized, std "
    f"{p['normalized']['std'].min():.4f}–{p['normalized']['std'].max():.4f} (peaks "
    f"{p['normalized']['peak_density'].min():.0f}–{p['normalized']['peak_density'].max():.0f}). "
    f"2nd–98th percentiles of layer 1: standard [{p['standard']['p2'].iloc[0]:.3f}, {p['standard']['p98'].iloc[0]:.3f}], "
    f"normalized [{p['normalized']['p2'].iloc[0]:.3f}, {p['normalized']['p98'].iloc[0]:.3f}]. {scale}."
))

# %% [markdown]
# ### Figure 8: weight gradients
#
# Eq. (14) predicts that, with equal widths, the variance of the *weight* gradients is the
# same for every layer whatever the initialization: the shrinking of $\partial C/\partial s$
# toward the input is compensated by the growth of $z$. The paper's Fig. 8 shows this.

# %%
fig = plots.layer_histograms(hist, "weight_grad", "weight gradients ∂C/∂W at initialization", "∂Cost/∂W", scale=scale)
plt.show()
p = peaks("weight_grad")
display(summary[summary["quantity"] == "weight_grad"].drop(columns="quantity").round(5))
display(Markdown(
    f"**Figure 8 (ours).** Paper: even with the standard initialization the weight gradients do not shrink "
    f"with depth (standard: range about ±0.025, peak about 270; normalized: ±0.1, peak about 40). Ours: "
    f"standard, std {p['standard']['std'].min():.2e}–{p['standard']['std'].max():.2e} across layers "
    f"(peaks {p['standard']['peak_density'].min():.0f}–{p['standard']['peak_density'].max():.0f}); normalized, std "
    f"{p['normalized']['std'].min():.2e}–{p['normalized']['std'].max():.2e} (peaks "
    f"{p['normalized']['peak_density'].min():.0f}–{p['normalized']['peak_density'].max():.0f}): flat across "
    f"layers, as eq. (14) says. Ours are gradients of the *mean* cost over a minibatch of "
    f"{init_cfg['weight_grad_batch_size']}; the paper does not say over how many examples its gradients were "
    f"taken, and gradients of fewer examples are wider (re-run with `-p weight_grad_batch_size 1` for "
    f"per-example gradients). {scale}."
))

# %% [markdown]
# ## The Jacobian's singular values (eq. 17)
#
# The paper summarises the layer-to-layer transformation by the Jacobian
# $J^i = \partial z^{i+1}/\partial z^i$ and reports that "the average singular value"
# is about 0.8 with the normalized initialization and about 0.5 with the standard one
# (activation, layer and sample not stated; tanh is likely). For $z^{i+1} = f(z^i W^i + b^i)$,
# $J^i = \mathrm{diag}(f'(s^i))\,(W^i)^\top$; we take its singular values by SVD at each of
# a few test examples (the tests check this against `torch.autograd.functional.jacobian`).

# %%
jac = init_result["jacobian"]
jac_table = jac.groupby(["init", "layer"], sort=False)["mean_singular_value"].agg(["mean", "std"]).unstack(0)
display(jac_table.round(3))
fig = plots.jacobian_singular_values(jac, {"standard": 0.5, "normalized": 0.8}, scale=scale)
plt.show()
overall = jac.groupby("init")["mean_singular_value"].mean()
display(Markdown(
    f"**Mean singular value of $J^i$, averaged over layers and {init_cfg['jacobian_examples']} examples:** "
    f"standard {overall['standard']:.3f} (paper ≈ 0.5), normalized {overall['normalized']:.3f} "
    f"(paper ≈ 0.8); {activation} network. {scale}."
))

# %% [markdown]
# ## What differs from the paper
#
# * The paper does not give its sample sizes or bins for Figs. 6–8; we use 300 held-out
#   Shapeset examples, ten minibatches of 10 for the weight gradients, and 100 shared bins
#   per figure. Peak *heights* therefore compare only roughly; signs, orderings and ranges
#   compare directly.
# * The paper reports a single average singular value per initialization; we show it per
#   layer, from 10 examples, and the average over layers.
# * The Shapeset images come from our re-implementation of the generator (see
#   {doc}`01_setting`), not from the original pygame code.
