# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Saturation during training (§3)
#
# > "Two things we want to avoid and that can be revealed from the evolution of activations
# > is excessive saturation of activation functions on one hand (then gradients will not
# > propagate well), and overly linear units (they will not compute something interesting)."
# > {cite}`glorot2010understanding`
#
# Section 3 of the paper watches networks *while they learn*. It trains deep networks on
# Shapeset-3×2 with the sigmoid, the hyperbolic tangent and the softsign, all with the
# standard initialization of eq. (1), and follows the distribution of every hidden layer's
# activations. This chapter reproduces its Figures 2, 3 and 4, and checks the explanation the
# paper proposes for Figure 2 with a measurement of its own.
#
# **Parameters.** `profile` is `smoke` (seconds, for tests), `quick` (the default, shown from
# the results archive: a tenth of the paper's width and a few epochs, minutes on a CPU, and
# for Figures 3 and 4 also the experiment's `wide` profile, the paper's width of 1000 units
# for 3 epochs: about 17 minutes on one CPU core) or `paper` (width 1000 and the paper's
# 1.9–2.8M updates; needs a GPU: `python -m glorot run sigmoid_saturation --profile paper
# --device cuda`, and likewise `activation_saturation`). `activation` and `compare_with` are
# the two networks of Figures 3 and 4 (the paper: tanh and softsign). `longer_factor` sets the
# longer runs near the end (that many times the profile's updates; 1 for none). At the `quick`
# profile the page also shows the experiments' `long` runs, the paper's number of updates at
# width 100, where the results archive has them (it never trains them; section "The paper's
# number of updates, at width 100"). Every parameter is checked before any computation: an
# unknown activation, profile or device stops the chapter in its first code cell, with the
# list of valid values.

# %% tags=["parameters"]
profile = "quick"
activation = "tanh"
compare_with = "softsign"
seed = 0
device = "cpu"
use_archive = True
allow_long = False  # run even where the estimate is over 30 minutes on this device
longer_factor = 5

# %% tags=["remove-cell"]
import pandas as pd

from glorot import claims, experiments, pages, paper, plots_dynamics, probes, scorecard, shapeset
from glorot.claims import saturation as sat_claims
from glorot.experiments import registry, saturation
from glorot.train import UPDATES_PER_EPOCH
from glorot.validation import check_device

sig_cfg = experiments.config("sigmoid_saturation", profile, seed=seed)
sat_cfg = experiments.config("activation_saturation", profile, activations=[activation, compare_with], seed=seed)
device = check_device(device)
experiments.check_flags(use_archive=use_archive, allow_long=allow_long)
longer_keys = ("updates", "probe_every", "eval_every")  # scaled together, so each run keeps its number of probes
sig_longer, skipped = experiments.longer_run(profile, longer_factor, sig_cfg, longer_keys)
sat_longer, _ = experiments.longer_run(profile, longer_factor, sat_cfg, longer_keys)
wide = profile == "quick"  # Figs. 3-4 also at width 1000 on this CPU: the experiment's `wide` profile
ONE_RUN = f"(At the `{profile}` profile there is one run, at one width.)"
ONE_RUN_FIGURE = f"(At the `{profile}` profile the run above is the only one: no second width is shown.)"
"""What the page says in place of the second-width run's sentences and figures where the profile has none (smoke, paper)."""

PAPER_SIG = "paper: width 1000, ~140 epochs (2.8M updates), learning rate chosen on validation (not given)"
PAPER_SAT = "paper: width 1000, ~95 epochs (1.9M updates), learning rates chosen on validation (not given)"


def when(u):
    """Where an event of a run happened: 'at update 58,000 (epoch 2.90)', or 'at no probe of the run'."""
    return "at no probe of the run" if pd.isna(u) else f"at update {u:,.0f} (epoch {u / UPDATES_PER_EPOCH:.2f})"


def scale_line(result, paper_budget):
    """Result.scale() with the run's length in the paper's unit beside the paper's budget."""
    u = result.config["updates"]
    return f"Scale: {result.scale()}; {u:,} updates = {u / UPDATES_PER_EPOCH:g} epochs of 20k; {paper_budget}."


pages.glue_all(sig_width=sig_cfg["width"], sig_updates=sig_cfg["updates"], sig_epochs=sig_cfg["updates"] / UPDATES_PER_EPOCH,
               sat_depth=sat_cfg["depth"], sat_width=sat_cfg["width"], sat_updates=sat_cfg["updates"],
               sat_epochs=sat_cfg["updates"] / UPDATES_PER_EPOCH, width_ratio=1000 / sig_cfg["width"],
               n_probe=sig_cfg["n_probe"], longer_factor_n=longer_factor,
               majority_error=100 * (1 - float(shapeset.class_probabilities().max())))
pages.glue_all(profile_name=f"`{profile}`", sig_depths=pages.and_list(sig_cfg["depths"]),
               sig_lrs=pages.and_list(sig_cfg["learning_rates"], "{:g}"), sat_lrs=pages.and_list(sat_cfg["learning_rates"], "{:g}"),
               activation_name=activation, compare_name=compare_with)
if wide:
    fw_cfg = experiments.config("activation_saturation", "wide", activations=[activation, compare_with], seed=seed)
    pages.glue("fw_sentence", (
        f"Figures 3 and 4 are shown first at the paper's width: {fw_cfg['width']:,} units per layer, "
        f"{fw_cfg['updates']:,} updates ({fw_cfg['updates'] / UPDATES_PER_EPOCH:g} epochs), learning rates "
        f"{pages.and_list(fw_cfg['learning_rates'], '{:g}')}, chosen on validation error at this width (the profile's 0.1 "
        f"leaves tanh on the plateau of the most frequent class; the docstring of `saturation.FULL_WIDTH_CPU`, which "
        f"defines the `wide` profile, gives the search), under half an hour on one CPU core (the wall time is under each figure); then at the profile's width beside it."))
else:
    pages.glue("fw_sentence", ONE_RUN)

# %% tags=["remove-cell"]
pages.glue("sat_eps_pct", 100 * probes.SATURATION_DERIVATIVE)

# %% [markdown]
# At the {glue:md}`profile_name` profile the sigmoid networks of Figure 2 have
# {glue:md}`sig_depths` hidden layers of {glue:text}`sig_width:,d` units and train for
# {glue:text}`sig_updates:,d` updates ({glue:text}`sig_epochs:g` epochs of 20k) at learning
# rates {glue:md}`sig_lrs`; the {glue:md}`activation_name` and {glue:md}`compare_name` networks
# of Figures 3 and 4 have {glue:text}`sat_depth:d` hidden layers of
# {glue:text}`sat_width:,d` units and train for {glue:text}`sat_updates:,d` updates
# ({glue:text}`sat_epochs:g` epochs) at learning rates {glue:md}`sat_lrs`. {glue:md}`fw_sentence`
#
# ## Watching a network learn
#
# > "We want to study possible saturation, by looking at the evolution of activations during
# > training … These statistics along with histograms are computed at different times during
# > learning, by looking at activation values for a fixed set of 300 test examples."
#
# The paper's time axis is "epochs of 20k mini-batch updates" (200,000 examples). We train
# with `glorot.train.train` (plain SGD, batches of 10, fresh Shapeset examples at every
# update, as in §2) and, every `probe_every` updates, hand the network to a probe that reads
# it on {glue:text}`n_probe:d` fixed held-out test examples (the paper's 300): per hidden layer the mean, standard deviation and
# 2nd/98th percentiles of the activations, the share of saturated units, and, at a few times,
# histograms. A unit counts as saturated when its derivative $f'(s)$ is below
# {glue:text}`sat_eps_pct:g`% of its largest value: for tanh, $f' = 1 - z^2 < 0.04$ is
# $|z| > 0.98$; for softsign, $f' = (1 - |z|)^2 < 0.04$ is $|z| > 0.8$, that is $|s| > 4$; for
# the sigmoid ($f'$ at most ¼) $z < 0.0102$ or $z > 0.9898$. It is one measure of what
# saturation costs, a small gradient, for every activation, so tanh and softsign compare. The probe only reads the
# network and draws no random numbers; the tests check that a run with every probe ends
# with bit-identical weights to a run without any.
#
# ```{literalinclude} ../src/glorot/probes.py
# :language: python
# :pyobject: DynamicsProbe.__call__
# ```

# %% [markdown]
# ## Figure 2: the sigmoid's top layer
#
# > "We see that very quickly at the beginning, all the sigmoid activation values of the last
# > hidden layer are pushed to their lower saturation value of 0. Inversely, the others layers
# > have a mean activation value that is above 0.5, and decreasing as we go from the output
# > layer to the input layer. We have found that this kind of saturation can last very long in
# > deeper networks with sigmoid activations, e.g., the depth-five model never escaped this
# > regime during training. The big surprise is that for intermediate number of hidden layers
# > (here four), the saturation regime may be escaped. At the same time that the top hidden
# > layer moves out of saturation, the first hidden layer begins to saturate and therefore to
# > stabilize."
#
# In the paper's Figure 2 (page 3; four hidden layers, about 140 epochs) the top layer's mean
# drops to about 0 within the first epoch, stays there, and "slowly desaturates around epoch
# 100"; its line ends at about 0.07–0.08 at epoch 140 (read off the figure). The other layers
# sit at or above 0.5 until then. We train a depth-4 and a depth-5 sigmoid network side by
# side on the same stream of examples:

# %% tags=["hide-input"]
sig = experiments.run("sigmoid_saturation", profile, device=device, use_archive=use_archive, allow_long=allow_long, seed=seed)
events = saturation.top_layer_events(sig["stats"])
pages.glue("fig2", plots_dynamics.fig2_sigmoid(sig["stats"], events))


# %% tags=["remove-cell"]
def sigmoid_facts(result, events):
    """Fig. 2's events and numbers for the depth-4 and depth-5 networks of ``result``, for the prose."""
    act = result["stats"][result["stats"]["quantity"] == "activation"]
    curves = result["curves"][result["curves"]["split"] == "test"]
    end = result.config["updates"]
    ev = events.set_index("depth")
    e4, e5 = ev.loc[4], ev.loc[5]
    sat_from, sat_to, mid4 = sat_claims.saturated_phase(e4, end)
    fall4 = e4["fall_update"] if pd.notna(e4["fall_update"]) else end  # (at smoke scale it may not fall)
    l1 = act[(act["depth"] == 4) & (act["layer"] == 1)]
    return dict(
        e4=e4, e5=e5, end=end, sat_from=sat_from, sat_to=sat_to, mid4=mid4,
        lower_at_fall=sat_claims.layer_means(result["stats"], 4, fall4),
        lower_at_mid=sat_claims.layer_means(result["stats"], 4, mid4),
        l1_sat_before=float(sat_claims.nearest(l1, sat_to)["saturated"]),
        err=lambda depth, update: 100 * float(sat_claims.nearest(curves[curves["depth"] == depth], update)["error"]),
    )


def fig2_judgement(result):
    """Fig. 2's verdict on ``result``: its three claims together (the top layer's fall, the layers below it, the escape)."""
    return claims.combine(*(claims.judge(key, result) for key in ("fig2.top_layer_falls", "fig2.lower_layers",
                                                                  "fig2.depth4_escapes")))


f2 = sigmoid_facts(sig, events)
e4, e5 = f2["e4"], f2["e5"]
sig_scale = scale_line(sig, PAPER_SIG)
fig2_v = fig2_judgement(sig).sentence()
pages.glue("fig2_caption", pages.caption(sig_scale, fig2_v))
pages.glue_all(fig2_d4_fall_when=when(e4["fall_update"]), fig2_d4_sat_when=when(e4["saturated_update"]),
               fig2_d4_desat_when=when(e4["desaturated_update"]), fig2_d4_recover_when=when(e4["recover_update"]),
               fig2_d5_fall_when=when(e5["fall_update"]), fig2_d5_sat_when=when(e5["saturated_update"]),
               fig2_d5_desat_when=when(e5["desaturated_update"]),
               fig2_d4_after=("it never leaves saturation within the run" if pd.isna(e4["max_mean_after"]) else
                              f"after that its mean reaches at most {e4['max_mean_after']:.3f}"))
pages.glue_all(fig2_d4_min=e4["min_mean"], fig2_d4_min_at=e4["min_at_update"], fig2_d4_final=e4["final_mean"],
               fig2_d5_final=e5["final_mean"], fig2_l1_sat_before=100 * f2["l1_sat_before"],
               fig2_l1_sat_end=100 * e4["layer1_saturated_final"],
               fig2_err4_start=f2["err"](4, 0), fig2_err4_mid=f2["err"](4, f2["mid4"]), fig2_mid4=f2["mid4"],
               fig2_err4_end=f2["err"](4, f2["end"]), fig2_err5_end=f2["err"](5, f2["end"]))
for k in range(3):
    pages.glue(f"fig2_lower{k + 1}_fall", f2["lower_at_fall"][k])
    pages.glue(f"fig2_lower{k + 1}_mid", f2["lower_at_mid"][k])


def events_table(f, with_paper: bool):
    """Fig. 2's events, one row per network (and the paper's, read off its Fig. 2 and §3.1)."""
    def upd(u):
        return "—" if pd.isna(u) else f"{u:,.0f} ({u / UPDATES_PER_EPOCH:.2f})"
    rows = []
    for depth, e in ((4, f["e4"]), (5, f["e5"])):
        rows.append({"network": f"ours, depth {depth}", "top layer < 0.1": upd(e["fall_update"]),
                     "most top units saturated": upd(e["saturated_update"]), "top layer desaturated": upd(e["desaturated_update"]),
                     "lowest top mean": f"{e['min_mean']:.4f}", "final top mean": f"{e['final_mean']:.4f}",
                     "layer 1 saturated at the end": f"{100 * e['layer1_saturated_final']:.1f}%",
                     "test error at the end": f"{f['err'](depth, f['end']):.1f}%"})
    if with_paper:
        rows.append({"network": "paper, depth 4", "top layer < 0.1": "first epoch", "most top units saturated": "first epoch",
                     "top layer desaturated": "≈ epoch 100", "lowest top mean": "≈ 0", "final top mean": "≈ 0.07–0.08",
                     "layer 1 saturated at the end": "“begins to saturate”", "test error at the end": f"≈ {paper.PAPER_FIG11_FINAL['sigmoid-4']:g}% (Fig. 11, read off)"})
        rows.append({"network": "paper, depth 5", "top layer < 0.1": "—", "most top units saturated": "—",
                     "top layer desaturated": "never", "lowest top mean": "—", "final top mean": "—",
                     "layer 1 saturated at the end": "—", "test error at the end": f"{paper.PAPER_TABLE1['sigmoid-5']['shapeset']:g}% (Table 1)"})
    return pd.DataFrame(rows)


pages.glue("tbl_fig2_events", events_table(f2, with_paper=True))
pages.glue("tbl_fig2_caption", pages.caption(
    "Updates (epochs of 20k in brackets) at the first probe where each event is seen; “—”: at no probe of the run. "
    "“Saturated”: sigmoid output below 0.01 or above 0.99. The paper's rows are read off its Fig. 2 and §3.1 "
    "(the depth-4 error off its Fig. 11)", sig_scale, fig2_v))

# %% [markdown]
# ```{glue:figure} fig2
# :name: fig-sigmoid-saturation
# :figwidth: 100%
#
# Mean (lines) and standard deviation (vertical bars) of each hidden layer's sigmoid
# activations on {glue:text}`n_probe:d` test examples during training, depth 4 (top) and depth 5 (bottom); the
# dotted line marks the top layer's fall below 0.1, the dashed one its desaturation (paper:
# Fig. 2, depth 4 only). {glue:md}`fig2_caption`
# ```
#
# In {numref}`fig-sigmoid-saturation`, depth 4: the top hidden layer's mean activation is
# below 0.1 {glue:md}`fig2_d4_fall_when` (paper: "very quickly at the beginning"); most of its
# units are saturated (z < 0.01) {glue:md}`fig2_d4_sat_when`; its lowest mean is
# {glue:text}`fig2_d4_min:.4f` (update {glue:text}`fig2_d4_min_at:,.0f`). Most of its units
# leave saturation {glue:md}`fig2_d4_desat_when`; {glue:md}`fig2_d4_after`, and it ends at
# {glue:text}`fig2_d4_final:.3f`. It is back above 0.1 {glue:md}`fig2_d4_recover_when`
# (paper: "slowly desaturates around epoch 100" of about 140, its line ending at about
# 0.07–0.08). Meanwhile the share of saturated units in layer 1 goes from
# {glue:text}`fig2_l1_sat_before:.1f`% to {glue:text}`fig2_l1_sat_end:.1f`% at the end
# (paper: "the first hidden layer begins to saturate").
#
# When the top layer first fell, the lower layers' means were
# {glue:text}`fig2_lower1_fall:.2f`, {glue:text}`fig2_lower2_fall:.2f` and
# {glue:text}`fig2_lower3_fall:.2f` (layers 1, 2, 3), and halfway through the saturated phase
# (update {glue:text}`fig2_mid4:,.0f`) {glue:text}`fig2_lower1_mid:.2f`,
# {glue:text}`fig2_lower2_mid:.2f` and {glue:text}`fig2_lower3_mid:.2f` (paper: above 0.5,
# higher toward the output). Test error of the depth-4 network:
# {glue:text}`fig2_err4_start:.1f`% at the start, {glue:text}`fig2_err4_mid:.1f`% halfway
# through the saturated phase, {glue:text}`fig2_err4_end:.1f`% at the end.
#
# Depth 5: the top layer is below 0.1 {glue:md}`fig2_d5_fall_when`, saturated
# {glue:md}`fig2_d5_sat_when`, desaturated {glue:md}`fig2_d5_desat_when`; its mean is
# {glue:text}`fig2_d5_final:.4f` at the end and the test error
# {glue:text}`fig2_err5_end:.1f`% (paper: the depth-five model "never escaped this regime";
# about {glue:text}`majority_error:.0f`% is the error of always answering the most frequent class). {numref}`tbl-sigmoid-events`
# lays these events beside the paper's.
#
# :::{table} Figure 2's events, ours beside the paper's. {glue:md}`tbl_fig2_caption`
# :name: tbl-sigmoid-events
#
# ```{glue:md} tbl_fig2_events
# :format: myst
# ```
# :::

# %% [markdown]
# ### Why the top layer goes to 0: the paper's hypothesis, measured
#
# > "The logistic layer output softmax(b + Wh) might initially rely more on its biases b
# > (which are learned very quickly) than on the top hidden activations h derived from the
# > input image (because h would vary in ways that are not predictive of y …). Thus the error
# > gradient would tend to push Wh towards 0, which can be achieved by pushing h towards 0."
#
# The paper does not measure this. We can: the softmax ignores a constant added to all nine
# classes, so we centre its input $s = b + Wh$ over the classes and split its mean square
# over the probe's test examples exactly into the part due to the biases $b$, the part due to the
# example-independent mean $W\,\mathbb{E}[h]$, their cross term, and the part that depends on
# the image, $W(h - \mathbb{E}[h])$:
#
# ```{literalinclude} ../src/glorot/probes.py
# :language: python
# :pyobject: output_decomposition
# ```

# %% tags=["hide-input"]
sig_act = sig["stats"][sig["stats"]["quantity"] == "activation"]
top_mean = sig_act[sig_act["layer"] == sig_act["depth"]][["depth", "epoch", "update", "mean"]]
pages.glue("fig_terms", plots_dynamics.output_terms(sig["output"], top_mean))

# %% tags=["remove-cell"]
out = sig["output"]
shares = out.pivot_table(index=["depth", "update"], columns="term", values="share")
wh = out[out["term"] == "total"].set_index(["depth", "update"]).loc[4, "Wh_rms"]
s4 = shares.loc[4]
s0, s_end = sat_claims.nearest(s4.reset_index(), 0), sat_claims.nearest(s4.reset_index(), f2["end"])
after = s4.loc[f2["sat_to"]:]
terms = sat_claims.bias_shares(sig)  # the shares the claim is judged on
terms_v = claims.judge("fig2.bias_hypothesis", sig).sentence()
pages.glue("fig_terms_caption", pages.caption(sig_scale, terms_v))
pages.glue_all(terms_mean0=100 * s0["mean_input"], terms_image0=100 * s0["input_dependent"], terms_sat_from=f2["sat_from"],
               terms_sat_to=f2["sat_to"], terms_bias=100 * terms["bias"], terms_bias_max=100 * terms["bias_max"],
               terms_mean=100 * terms["mean_input"], terms_image=100 * terms["image"],
               terms_wh0=float(wh.iloc[0]), terms_wh_min=float(wh.loc[f2["sat_from"]:f2["sat_to"]].min()),
               terms_image_after=100 * float(after["input_dependent"].max()), terms_image_end=100 * s_end["input_dependent"])
pages.glue_all(terms_bias_half="is" if terms["bias"] > sat_claims.BIAS_SHARE_MIN else "is not",
               terms_image_small="is" if terms["image"] < sat_claims.IMAGE_SHARE_MAX else "is not")

# %% [markdown]
# ```{glue:figure} fig_terms
# :name: fig-sigmoid-softmax-terms
# :figwidth: 100%
#
# Size (root of the class-centred mean square over {glue:text}`n_probe:d` test examples, log scale) of each
# part of the softmax input $s = b + Wh$ of the sigmoid networks during training, with the
# top hidden layer's mean activation (dashed, right axis); one panel per depth, 4 then 5. Not
# in the paper, which states the hypothesis without a measurement. {glue:md}`fig_terms_caption`
# ```
#
# {numref}`fig-sigmoid-softmax-terms`, the depth-4 network: at initialization (biases 0)
# {glue:text}`terms_mean0:.1f`% of the class-centred mean square of the softmax's input is the
# example-independent $W\,\mathbb{E}[h]$ and {glue:text}`terms_image0:.3f`% depends on the
# image. While the top layer is saturated (updates {glue:text}`terms_sat_from:,.0f`–{glue:text}`terms_sat_to:,.0f`)
# the biases carry {glue:text}`terms_bias:.1f`% on average (at most
# {glue:text}`terms_bias_max:.1f`%), $W\,\mathbb{E}[h]$ {glue:text}`terms_mean:.2f`% and the
# image {glue:text}`terms_image:.3f`%; the root-mean-square of $Wh$ falls from
# {glue:text}`terms_wh0:.3f` at initialization to {glue:text}`terms_wh_min:.3f`. After the top
# layer desaturates, the image-dependent part reaches {glue:text}`terms_image_after:.1f`%
# ({glue:text}`terms_image_end:.1f`% at the end). (A share can exceed 100% when the cross term
# is negative: $b$ and $W\,\mathbb{E}[h]$ then point in opposite directions and partly cancel.)
#
# The paper's hypothesis, that the softmax relies on its biases and that the gradient pushes
# $Wh$, hence $h$, toward 0, predicts a large bias share and a vanishing image-dependent share
# while the top layer is saturated: here the bias share {glue:md}`terms_bias_half` above one
# half and the image-dependent share {glue:md}`terms_image_small` below 1% in that phase.

# %% [markdown]
# ## Figure 3: tanh saturates layer by layer, softsign does not
#
# > "As discussed above, the hyperbolic tangent networks do not suffer from the kind of
# > saturation behavior of the top hidden layer observed with sigmoid networks, because of its
# > symmetry around 0. However, with our standard weight initialization
# > $U[-1/\sqrt n, 1/\sqrt n]$, we observe a sequentially occurring saturation phenomenon
# > starting with layer 1 and propagating up in the network, as illustrated in Figure 3."
# > (§3.2) — and for the softsign: "the saturation does not occur one layer after the other
# > like for the hyperbolic tangent. It is faster at the beginning and then slow, and all
# > layers move together towards larger weights." (§3.3)
#
# The paper's Figure 3 (page 4, five layers, about 95 epochs) shows the 98th percentiles as
# markers and the standard deviations as lines; it does not say which lower percentile it
# draws below 0, so we draw the 2nd. Read off its top panel (approximately), tanh's 98th
# percentiles reach 1 in turn: layer 1 within the first few epochs, layer 2 near epoch 15–20,
# layer 3 near 30–35, layer 4 near 60, and layer 5 is still below about 0.95 at epoch 95. The
# two networks share their initial weights and see the same minibatches:

# %% tags=["hide-input"]
sat = experiments.run("activation_saturation", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                      activations=[activation, compare_with], seed=seed)
sat_full = None
if wide:  # the paper's width on this CPU (quick profile only)
    sat_full = experiments.run("activation_saturation", "wide", device=device, use_archive=use_archive, allow_long=allow_long,
                               activations=[activation, compare_with], seed=seed)
main = sat_full if sat_full is not None else sat
pages.glue("fig3", plots_dynamics.fig3_percentiles(main["stats"], saturation=True))
if sat_full is not None:
    pages.glue("fig3_narrow", plots_dynamics.fig3_percentiles(sat["stats"], saturation=True))

# %% tags=["remove-cell"]
def order_tables(stats):
    """Fig. 3's sequence: first update past each level, per network and layer, and the final saturated share."""
    return dict(share=saturation.saturation_order(stats, level=0.5),
                p95=saturation.saturation_order(stats, level=0.95, column="p98"),
                p99=saturation.saturation_order(stats, level=0.99, column="p98"))


def seq(df, act_name):
    """'layer 1 at update u1, layer 2 at u2, ...' in the order the layers got there."""
    g = df[df["activation"] == act_name].set_index("layer")["update"]
    done = g.dropna().sort_values()
    parts = [f"layer {k} at update {int(u):,}" for k, u in done.items()]
    never = [str(k) for k in g.index if pd.isna(g[k])]
    text = ", ".join(parts) if parts else "no layer"
    return text + (f" (layer{'s' if len(never) > 1 else ''} {', '.join(never)}: not within the run)" if never and parts else
                   " within the run" if not parts else "")


def pcts(values):
    return ", ".join(f"{100 * v:.0f}%" for v in values)


def fig3_judgement(result):
    """Fig. 3's verdict on ``result``: its two claims together (tanh's sequence, softsign's lesser saturation)."""
    return claims.combine(claims.judge("fig3.tanh_sequence", result), claims.judge("fig3.softsign_less", result))


def order_table(runs):
    """The first update at which each layer passes each level, one row per run, network and layer; '—' where it does not."""
    upd = lambda u: "—" if pd.isna(u) else f"{u:,.0f}"
    rows = []
    for width, o in runs.items():
        for a in (activation, compare_with):
            share, p95, p99 = (o[k][o[k]["activation"] == a].set_index("layer") for k in ("share", "p95", "p99"))
            for layer in share.index:
                rows.append({"width": f"{width:,}", "network": a, "layer": int(layer),
                             "saturated share > 0.5": upd(share.loc[layer, "update"]),
                             "98th percentile > 0.95": upd(p95.loc[layer, "update"]),
                             "98th percentile > 0.99": upd(p99.loc[layer, "update"]),
                             "saturated at the end": f"{100 * share.loc[layer, 'final']:.1f}%"})
    return pd.DataFrame(rows)


def crossing_text(o_main, o_narrow, w_main, w_narrow):
    """What changed with width in Fig. 3: each tanh layer's 0.95 crossing and the final saturated shares of both runs."""
    a = o_main["p95"][o_main["p95"]["activation"] == activation].set_index("layer")["update"]
    b = o_narrow["p95"][o_narrow["p95"]["activation"] == activation].set_index("layer")["update"]
    upd = lambda u: "not within the run" if pd.isna(u) else f"{u:,.0f}"
    per_layer = "; ".join(f"layer {k}: {upd(a[k])} against {upd(b[k])}" for k in a.index if pd.notna(a[k]) or pd.notna(b[k]))
    fa = o_main["share"].pivot(index="layer", columns="activation", values="final")
    fb = o_narrow["share"].pivot(index="layer", columns="activation", values="final")
    return (f"The update at which {activation}'s 98th percentile first passes 0.95, width {w_main:,} against width "
            f"{w_narrow:,}: {per_layer or 'no layer in either run'}. Saturated units at the end, layers 1–{len(fa)}: "
            f"{activation} {pcts(fa[activation])} at width {w_main:,} against {pcts(fb[activation])} at width {w_narrow:,}; "
            f"{compare_with} {pcts(fa[compare_with])} against {pcts(fb[compare_with])}.")


o3 = order_tables(main["stats"])
main_scale = scale_line(main, PAPER_SAT)
fig3_v = fig3_judgement(main).sentence()
final3 = o3["share"].pivot(index="layer", columns="activation", values="final")
pages.glue("fig3_caption", pages.caption(main_scale, fig3_v))
pages.glue_all(fig3_share_act=seq(o3["share"], activation), fig3_p95_act=seq(o3["p95"], activation),
               fig3_p99_act=seq(o3["p99"], activation), fig3_share_cmp=seq(o3["share"], compare_with),
               fig3_p95_cmp=seq(o3["p95"], compare_with), fig3_final_act=pcts(final3[activation]),
               fig3_final_cmp=pcts(final3[compare_with]), fig3_main_width=main.config["width"],
               fig3_main_updates=main.config["updates"])
pages.glue("fig3_layers", len(final3))


def errors_sentence(result):
    """The final test error of each network of a run, beside the most-frequent-class error."""
    errs = sat_claims.final_errors(result, "activation")
    plateau = sat_claims.majority_error(result.config["n_test"])
    stuck = [a for a in (activation, compare_with) if a in sat_claims.not_learned(result)]
    return (f"After {result.config['updates']:,} updates at width {result.config['width']:,} the test error is "
            f"{100 * errs[activation]:.1f}% for {activation} and {100 * errs[compare_with]:.1f}% for {compare_with} (always "
            f"answering the most frequent class: {100 * plateau:.1f}%)"
            + (f"; {pages.and_list(stuck)} {'has' if len(stuck) == 1 else 'have'} not left that plateau yet, so "
               f"{'its' if len(stuck) == 1 else 'their'} layers have had no reason to saturate." if stuck else "."))


pages.glue("fig3_errors", errors_sentence(main))
runs3 = {main.config["width"]: o3}
if sat_full is not None:
    o3n = order_tables(sat["stats"])
    runs3[sat.config["width"]] = o3n
    narrow_scale = scale_line(sat, PAPER_SAT)
    fig3n_v = fig3_judgement(sat).sentence()
    pages.glue("fig3_narrow_caption", pages.caption(narrow_scale, fig3n_v))
    pages.glue("fig3_width_change", crossing_text(o3, o3n, main.config["width"], sat.config["width"]))
    pages.glue("fig3_narrow_intro", (
        f"The same two networks at the `{profile}` profile's width, {sat.config['width']:,} units, for "
        f"{sat.config['updates']:,} updates, are in the figure below the main one."))
else:
    pages.glue("fig3_narrow", ONE_RUN_FIGURE)
    pages.glue_all(**dict.fromkeys(["fig3_narrow_caption", "fig3_width_change", "fig3_narrow_intro"], ONE_RUN))
pages.glue("tbl_fig3_order", order_table(runs3))
pages.glue("tbl_fig3_caption", pages.caption(
    f"First update at which each layer's saturated share (f′(s) below {100 * probes.SATURATION_DERIVATIVE:g}% of its peak) "
    "passes one half, and its 98th percentile 0.95 and 0.99; “—”: not within the run", main_scale, fig3_v))

# %% [markdown]
# ```{glue:figure} fig3
# :name: fig-tanh-softsign-percentiles
# :figwidth: 100%
#
# Left: 98th and 2nd percentiles (markers) and ±1 standard deviation (lines) of each hidden
# layer's activations on {glue:text}`n_probe:d` test examples during training, at width
# {glue:text}`fig3_main_width:,d`; right: the share of saturated units (derivative below 4% of
# its peak) per layer; {glue:md}`activation_name` on top, {glue:md}`compare_name` below (paper:
# Fig. 3, tanh on top, softsign below). {glue:md}`fig3_caption`
# ```
#
# ```{glue:figure} fig3_narrow
# :name: fig-tanh-softsign-percentiles-narrow
# :figwidth: 100%
#
# As {numref}`fig-tanh-softsign-percentiles`, for the narrower networks of the profile (paper:
# Fig. 3). {glue:md}`fig3_narrow_caption`
# ```
#
# In {numref}`fig-tanh-softsign-percentiles`, {glue:md}`activation_name`: the share of saturated
# units first exceeds one half for {glue:md}`fig3_share_act`; the 98th percentile first
# exceeds 0.95 for {glue:md}`fig3_p95_act`, and 0.99 for {glue:md}`fig3_p99_act`. Paper:
# "starting with layer 1 and propagating up in the network". {glue:md}`compare_name`:
# saturated share above one half for {glue:md}`fig3_share_cmp`; 98th percentile above 0.95
# for {glue:md}`fig3_p95_cmp`. At the end its layers have {glue:md}`fig3_final_cmp` saturated
# units (layers 1–{glue:text}`fig3_layers:d`), against {glue:md}`fig3_final_act` for
# {glue:md}`activation_name`. Paper: the softsign's layers "saturate less and do so together".
# {glue:md}`fig3_errors` {glue:md}`fig3_narrow_intro` {glue:md}`fig3_width_change`
# {numref}`tbl-tanh-softsign-order` gathers the crossing times.
#
# :::{table} When each layer saturates, both networks. {glue:md}`tbl_fig3_caption`
# :name: tbl-tanh-softsign-order
#
# ```{glue:md} tbl_fig3_order
# :format: myst
# ```
# :::

# %% [markdown]
# ## Figure 4: the activations at the end of training
#
# > "We can also see at the end of training that the histogram of activation values is very
# > different from that seen with the hyperbolic tangent (Figure 4). Whereas the latter yields
# > modes of the activations distribution mostly at the extremes (asymptotes -1 and 1) or
# > around 0, the softsign network has modes of activations around its knees (between the
# > linear regime around 0 and the flat regime around -1 and 1)."
#
# The paper's Figure 4 (page 4) averages over units and the 300 test examples: tanh (top)
# with heavily saturated lower layers, softsign (bottom) with modes "around (-0.6,-0.8) and
# (0.6,0.8)" and a layer 5 peaked at 0.

# %% tags=["hide-input"]
hist = main["hist"]
pages.glue("fig4", plots_dynamics.fig4_histograms(hist, order=(activation, compare_with)))
if sat_full is not None:
    pages.glue("fig4_narrow", plots_dynamics.fig4_histograms(sat["hist"], order=(activation, compare_with)))

# %% tags=["remove-cell"]
modes = sat_claims.end_modes(main)
m4 = modes.set_index(["activation", "layer"])
top = int(modes["layer"].max())
fig4_v = claims.judge("fig4.histograms", main).sentence()
pages.glue("fig4_caption", pages.caption(main_scale, fig4_v))
tables4 = [modes.assign(width=f"{main.config['width']:,}")]
if sat_full is not None:
    modes_n = sat_claims.end_modes(sat)
    fig4n_v = claims.judge("fig4.histograms", sat).sentence()
    pages.glue("fig4_narrow_caption", pages.caption(narrow_scale, fig4n_v))
    tables4.append(modes_n.assign(width=f"{sat.config['width']:,}"))
    mn = modes_n.set_index(["activation", "layer"])
    pages.glue("fig4_width_change", (
        f"At the profile's width, {sat.config['width']:,}, {activation}'s layer 1 has "
        f"{100 * mn.loc[(activation, 1), 'share_at_ends']:.0f}% of its values in the end bins (width {main.config['width']:,}: "
        f"{100 * m4.loc[(activation, 1), 'share_at_ends']:.0f}%), and {compare_with}'s layer 1 peaks at "
        f"{mn.loc[(compare_with, 1), 'mode_neg']:+.2f} / {mn.loc[(compare_with, 1), 'mode_pos']:+.2f} "
        f"(width {main.config['width']:,}: {m4.loc[(compare_with, 1), 'mode_neg']:+.2f} / "
        f"{m4.loc[(compare_with, 1), 'mode_pos']:+.2f})."))
else:
    pages.glue("fig4_narrow", ONE_RUN_FIGURE)
    pages.glue_all(**dict.fromkeys(["fig4_narrow_caption", "fig4_width_change"], ONE_RUN))
modes_tbl = pd.concat(tables4, ignore_index=True)[["width", *modes.columns]].rename(columns={
    "mode_neg": "mode < 0", "mode_pos": "mode > 0", "peak_at": "highest bin",
    "share_at_ends": "share in ±[0.95, 1]", "share_near_zero": "share in (−0.2, 0.2)"})
pages.glue("tbl_fig4_modes", modes_tbl, floatfmt=".3f")
pages.glue("tbl_fig4_caption", pages.caption(
    "Per run, network and layer, the histogram's peak on each side of 0 away from the ends (|z| < 0.95), its highest bin, "
    "and the share of values in the end bins and near 0", main_scale, fig4_v))
pages.glue_all(fig4_updates=int(hist["update"].max()), fig4_bins=int(main.config["hist_bins"]))
for k in range(1, top + 1):
    for a, tag in ((activation, "act"), (compare_with, "cmp")):
        pages.glue(f"fig4_{tag}_ends{k}", 100 * m4.loc[(a, k), "share_at_ends"])
    pages.glue(f"fig4_cmp_neg{k}", m4.loc[(compare_with, k), "mode_neg"])
    pages.glue(f"fig4_cmp_pos{k}", m4.loc[(compare_with, k), "mode_pos"])
pages.glue("fig4_cmp_zero_top", 100 * m4.loc[(compare_with, top), "share_near_zero"])

# %% [markdown]
# ```{glue:figure} fig4
# :name: fig-tanh-softsign-histograms
# :figwidth: 100%
#
# Normalized histograms of each hidden layer's activation values at the end of training,
# over units and {glue:text}`n_probe:d` test examples, at width
# {glue:text}`fig3_main_width:,d`; {glue:md}`activation_name` on top, {glue:md}`compare_name`
# below (paper: Fig. 4). {glue:md}`fig4_caption`
# ```
#
# ```{glue:figure} fig4_narrow
# :name: fig-tanh-softsign-histograms-narrow
# :figwidth: 100%
#
# As {numref}`fig-tanh-softsign-histograms`, for the narrower networks of the profile (paper:
# Fig. 4). {glue:md}`fig4_narrow_caption`
# ```
#
# {numref}`fig-tanh-softsign-histograms` is taken after {glue:text}`fig4_updates:,d` updates.
# {glue:md}`compare_name`: away from the ends (|z| < 0.95), the histogram of layers 1–4 peaks at
# {glue:text}`fig4_cmp_neg1:+.2f` / {glue:text}`fig4_cmp_pos1:+.2f` (layer 1),
# {glue:text}`fig4_cmp_neg2:+.2f` / {glue:text}`fig4_cmp_pos2:+.2f` (layer 2),
# {glue:text}`fig4_cmp_neg3:+.2f` / {glue:text}`fig4_cmp_pos3:+.2f` (layer 3) and
# {glue:text}`fig4_cmp_neg4:+.2f` / {glue:text}`fig4_cmp_pos4:+.2f` (layer 4); layer 5 has
# {glue:text}`fig4_cmp_zero_top:.0f`% of its values within ±0.2 (paper: modes around
# ±(0.6–0.8), layer 5 around 0). {glue:md}`activation_name`: the share of values in the end
# bins (|z| ≥ 0.95) is {glue:text}`fig4_act_ends1:.0f`%, {glue:text}`fig4_act_ends2:.0f`%,
# {glue:text}`fig4_act_ends3:.0f`%, {glue:text}`fig4_act_ends4:.0f`% and
# {glue:text}`fig4_act_ends5:.0f`% for layers 1–5, against {glue:text}`fig4_cmp_ends1:.0f`%,
# {glue:text}`fig4_cmp_ends2:.0f`%, {glue:text}`fig4_cmp_ends3:.0f`%,
# {glue:text}`fig4_cmp_ends4:.0f`% and {glue:text}`fig4_cmp_ends5:.0f`% for
# {glue:md}`compare_name` (paper: tanh's lower layers heavily saturated).
# {glue:md}`fig4_width_change` Each layer's histogram has {glue:text}`fig4_bins:d` bins over
# its own range; the paper's bins are not given. {numref}`tbl-tanh-softsign-modes` has every
# layer of both runs.
#
# :::{table} Where the end-of-training histograms peak. {glue:md}`tbl_fig4_caption`
# :name: tbl-tanh-softsign-modes
#
# ```{glue:md} tbl_fig4_modes
# :format: myst
# ```
# :::

# %% [markdown]
# ## Longer runs on this CPU
#
# The profile's runs above (width {glue:text}`sat_width:,d`) stop after {glue:text}`sig_epochs:g`
# and {glue:text}`sat_epochs:g` epochs of 20k updates; the paper's ran for about 140 and 95. To look further without a GPU, both
# experiments are run again with `longer_factor` times the updates (probing `longer_factor`
# times less often, so each run keeps the same number of probes), everything else unchanged.
# Still only a fraction of the paper's training, at 1/{glue:text}`width_ratio:g` of its
# width; at the `paper` profile the runs above already have the paper's length and these are
# skipped.

# %% tags=["hide-input"]
sig_long = sat_long = None
if sig_longer is not None:
    sig_long = experiments.run("sigmoid_saturation", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                               seed=seed, **sig_longer)
    events_long = saturation.top_layer_events(sig_long["stats"])
    pages.glue("fig2_long", plots_dynamics.fig2_sigmoid(sig_long["stats"], events_long))
    sat_long = experiments.run("activation_saturation", profile, device=device, use_archive=use_archive, allow_long=allow_long,
                               activations=[activation, compare_with], seed=seed, **sat_longer)
    pages.glue("fig3_long", plots_dynamics.fig3_percentiles(sat_long["stats"], saturation=True))

# %% tags=["remove-cell"]
if sig_long is None:  # every name the section cites, so that its page still builds
    for name in ("fig2_long", "fig2_long_caption", "fig3_long", "fig3_long_caption", "tbl_long_events", "tbl_long_caption"):
        pages.glue(name, skipped)
    pages.glue("long_status", skipped + " The numbers below are therefore empty.")
    for name in ("long_d4_final", "long_d5_final", "long_err4", "long_err5", "long_updates_sig", "long_updates_sat",
                 "long_epochs_sig", "long_epochs_sat"):
        pages.glue(name, float("nan"))
    for name in ("long_d4_fall_when", "long_d4_desat_when", "long_d4_recover_when", "long_d5_desat_when", "long_p95_act",
                 "long_p95_cmp", "long_final_act", "long_final_cmp"):
        pages.glue(name, "(skipped)")
else:
    f2l = sigmoid_facts(sig_long, events_long)
    sig_long_scale = scale_line(sig_long, PAPER_SIG)
    fig2_long_v = fig2_judgement(sig_long).sentence()
    pages.glue("fig2_long_caption", pages.caption(sig_long_scale, fig2_long_v))
    pages.glue("tbl_long_events", events_table(f2l, with_paper=False))
    pages.glue("tbl_long_caption", pages.caption("The same events as in the table for the runs above, for the "
                                                 "longer run", sig_long_scale, fig2_long_v))
    o3l = order_tables(sat_long["stats"])
    sat_long_scale = scale_line(sat_long, PAPER_SAT)
    fig3_long_v = fig3_judgement(sat_long).sentence()
    pages.glue("fig3_long_caption", pages.caption(sat_long_scale, fig3_long_v))
    final3l = o3l["share"].pivot(index="layer", columns="activation", values="final")
    pages.glue("long_status", f"The longer runs ({sig_long.source}; the scale of each is under its figure):")
    pages.glue_all(long_d4_final=f2l["e4"]["final_mean"], long_d5_final=f2l["e5"]["final_mean"],
                   long_err4=f2l["err"](4, f2l["end"]), long_err5=f2l["err"](5, f2l["end"]),
                   long_updates_sig=sig_long.config["updates"], long_updates_sat=sat_long.config["updates"],
                   long_epochs_sig=sig_long.config["updates"] / UPDATES_PER_EPOCH,
                   long_epochs_sat=sat_long.config["updates"] / UPDATES_PER_EPOCH)
    pages.glue_all(long_d4_fall_when=when(f2l["e4"]["fall_update"]), long_d4_desat_when=when(f2l["e4"]["desaturated_update"]),
                   long_d4_recover_when=when(f2l["e4"]["recover_update"]), long_d5_desat_when=when(f2l["e5"]["desaturated_update"]),
                   long_p95_act=seq(o3l["p95"], activation), long_p95_cmp=seq(o3l["p95"], compare_with),
                   long_final_act=pcts(final3l[activation]), long_final_cmp=pcts(final3l[compare_with]))

# %% [markdown]
# {glue:md}`long_status`
#
# ```{glue:figure} fig2_long
# :name: fig-sigmoid-saturation-longer
# :figwidth: 100%
#
# As {numref}`fig-sigmoid-saturation`, for {glue:text}`longer_factor_n:d` times the updates (paper: Fig. 2).
# {glue:md}`fig2_long_caption`
# ```
#
# ```{glue:figure} fig3_long
# :name: fig-tanh-softsign-percentiles-longer
# :figwidth: 100%
#
# As {numref}`fig-tanh-softsign-percentiles`, for {glue:text}`longer_factor_n:d` times the updates (paper:
# Fig. 3). {glue:md}`fig3_long_caption`
# ```
#
# Sigmoid, depth 4 ({numref}`fig-sigmoid-saturation-longer`, {glue:text}`long_updates_sig:,.0f`
# updates = {glue:text}`long_epochs_sig:g` epochs): the top layer's mean is below 0.1
# {glue:md}`long_d4_fall_when`, most of its units leave saturation {glue:md}`long_d4_desat_when`,
# and its mean is back above 0.1 {glue:md}`long_d4_recover_when`; it ends at
# {glue:text}`long_d4_final:.3f` (paper: desaturates around epoch 100, its line ending at about
# 0.07–0.08). Depth 5: desaturated {glue:md}`long_d5_desat_when`, final mean
# {glue:text}`long_d5_final:.4f`. Final test errors: depth 4 {glue:text}`long_err4:.1f`%, depth 5
# {glue:text}`long_err5:.1f`%.
#
# {glue:md}`activation_name` and {glue:md}`compare_name`
# ({numref}`fig-tanh-softsign-percentiles-longer`, {glue:text}`long_updates_sat:,.0f` updates =
# {glue:text}`long_epochs_sat:g` epochs): the 98th percentile of {glue:md}`activation_name`
# first exceeds 0.95 for {glue:md}`long_p95_act`; that of {glue:md}`compare_name` for
# {glue:md}`long_p95_cmp`. Saturated units at the end, layers 1–5: {glue:md}`activation_name`
# {glue:md}`long_final_act`, {glue:md}`compare_name` {glue:md}`long_final_cmp`.
#
# :::{table} Figure 2's events in the longer run. {glue:md}`tbl_long_caption`
# :name: tbl-sigmoid-events-longer
#
# ```{glue:md} tbl_long_events
# :format: myst
# ```
# :::

# %% [markdown]
# ## The paper's number of updates, at width 100
#
# The claims of this chapter are about the course of training over the paper's whole run (the
# top layer falls at once and escapes around epoch 100; the tanh layers saturate in turn; the
# histograms at the end), so they are judged for real on runs of the paper's length, at a
# smaller width. The experiments' `long` profile is those runs: the sigmoid networks of
# Figure 2 (depths {glue:md}`budget_sig_depths`) for {glue:text}`budget_sig_updates:,d` updates
# ({glue:text}`budget_sig_epochs:g` epochs) at learning rates {glue:md}`budget_sig_lrs`, and the
# {glue:md}`activation_name` and {glue:md}`compare_name` networks of Figures 3 and 4 for
# {glue:text}`budget_sat_updates:,d` updates ({glue:text}`budget_sat_epochs:g` epochs) at
# learning rates {glue:md}`budget_sat_lrs`, with histograms at the end of learning, all at width
# {glue:text}`budget_width:,d`. The rates are those the search of {doc}`06_error_curves` chose
# on validation error for the same networks (`search_rates.LONG_RATES`). They take a long
# time on one CPU core (each run's wall time is under its figure), so the page never trains
# them: it reads them from the results archive where they are there, and otherwise says so.

# %% tags=["remove-cell"]
budget_sig = scorecard.archived("sigmoid_saturation", "long", seed=seed) if wide else None
budget_sat = (scorecard.archived("activation_saturation", "long", activations=[activation, compare_with], seed=seed)
              if wide else None)
bsig_cfg = experiments.config("sigmoid_saturation", "long", seed=seed)
bsat_cfg = experiments.config("activation_saturation", "long", activations=[activation, compare_with], seed=seed)
pages.glue_all(budget_sig_updates=bsig_cfg["updates"], budget_sig_epochs=bsig_cfg["updates"] / UPDATES_PER_EPOCH,
               budget_sat_updates=bsat_cfg["updates"], budget_sat_epochs=bsat_cfg["updates"] / UPDATES_PER_EPOCH,
               budget_width=bsat_cfg["width"])
pages.glue_all(budget_sig_depths=pages.and_list(bsig_cfg["depths"]),
               budget_sig_lrs=pages.and_list(bsig_cfg["learning_rates"], "{:g}"),
               budget_sat_lrs=pages.and_list(bsat_cfg["learning_rates"], "{:g}"))
BUDGET_SIG_FIGURES, BUDGET_SAT_FIGURES = ("fig2_budget",), ("fig3_budget", "fig4_budget")


def budget_line(result, paper_budget):
    """The `long` run's scale: width, updates and their share of the paper's, learning rates, then Result.scale()."""
    cfg, u = result.config, result.config["updates"]
    paper_u = experiments.experiment(result.experiment).defaults("paper")["updates"]
    return (f"Width {cfg['width']:,}, {u:,} updates = {u / UPDATES_PER_EPOCH:g} epochs of 20k ({100 * u / paper_u:.0f}% of "
            f"the paper's {paper_u:,}), learning rates {pages.and_list(cfg['learning_rates'], '{:g}')}; "
            f"{result.scale()}; {paper_budget}.")


def not_there(result, name, cfg):
    """What the section says for a `long` run it does not show: the profile (not `quick`), or not archived (and the command)."""
    if result is None:
        return f"(At the `{profile}` profile this part is skipped: it reads the `long` run beside the `quick` profile's runs.)"
    return (f"**Not archived yet.** The `long` run of `{name}` is not in the results archive here"
            + (f" ({result.why})" if result.why else "") + ", so this part has no figure and no numbers; "
            f"`{registry.cli_command(name, 'long', cfg, device='cpu')}` makes it.")


if isinstance(budget_sig, experiments.Result):
    bev = saturation.top_layer_events(budget_sig["stats"])
    fb = sigmoid_facts(budget_sig, bev)
    bsig_scale = budget_line(budget_sig, PAPER_SIG)
    bsig_v = fig2_judgement(budget_sig).sentence()
    bterms = sat_claims.bias_shares(budget_sig)
    pages.glue("fig2_budget", plots_dynamics.fig2_sigmoid(budget_sig["stats"], bev))
    pages.glue("fig2_budget_caption", pages.caption(bsig_scale, bsig_v))
    pages.glue("budget_sig_text", " ".join([
        (f"**Figure 2.** The `long` sigmoid run is archived ({budget_sig.provenance['device']}, "
         f"trained in {budget_sig.provenance['wall_time_s'] / 60:.0f} minutes; its scale is under its figure)."),
        (f"Depth 4: the top layer's mean is below 0.1 {when(fb['e4']['fall_update'])}, most of its units are "
         f"saturated {when(fb['e4']['saturated_update'])}, most leave saturation "
         f"{when(fb['e4']['desaturated_update'])} and its mean is back above 0.1 "
         f"{when(fb['e4']['recover_update'])}; it ends at {fb['e4']['final_mean']:.3f}."),
        (f"Halfway through the saturated phase (update {fb['mid4']:,.0f}) the layers below it sit at "
         + ", ".join(f"{m:.2f}" for m in fb["lower_at_mid"]) + " (layers 1–3)."),
        (f"Depth 5: saturated {when(fb['e5']['saturated_update'])}, desaturated "
         f"{when(fb['e5']['desaturated_update'])}, final top mean {fb['e5']['final_mean']:.4f}."),
        (f"Final test errors: depth 4 {fb['err'](4, fb['end']):.1f}%, depth 5 {fb['err'](5, fb['end']):.1f}% "
         f"(always answering the most frequent class: "
         f"{100 * sat_claims.majority_error(budget_sig.config['n_test']):.1f}%)."),
        (f"While the depth-4 top layer is saturated (updates {bterms['start']:,.0f}–{bterms['stop']:,.0f}) the "
         f"biases carry {100 * bterms['bias']:.1f}% of the class-centred mean square of the softmax input and "
         f"the image {100 * bterms['image']:.3f}% (measured as in the section on the paper's hypothesis above). "
         + claims.judge("fig2.bias_hypothesis", budget_sig).sentence())]))
else:
    why = not_there(budget_sig, "sigmoid_saturation", bsig_cfg)
    pages.glue("budget_sig_text", "**Figure 2.** " + why)
    for name in BUDGET_SIG_FIGURES:
        pages.glue(name, why)
        pages.glue(f"{name}_caption", why)

if isinstance(budget_sat, experiments.Result):
    ob = order_tables(budget_sat["stats"])
    bsat_scale = budget_line(budget_sat, PAPER_SAT)
    b3_v, b4_v = fig3_judgement(budget_sat).sentence(), claims.judge("fig4.histograms", budget_sat).sentence()
    finalb = ob["share"].pivot(index="layer", columns="activation", values="final")
    mb = sat_claims.end_modes(budget_sat).set_index(["activation", "layer"])
    btop = int(mb.index.get_level_values("layer").max())
    pages.glue("fig3_budget", plots_dynamics.fig3_percentiles(budget_sat["stats"], saturation=True))
    pages.glue("fig4_budget", plots_dynamics.fig4_histograms(budget_sat["hist"], order=(activation, compare_with)))
    pages.glue("fig3_budget_caption", pages.caption(bsat_scale, b3_v))
    pages.glue("fig4_budget_caption", pages.caption(
        f"Taken after {int(budget_sat['hist']['update'].max()):,} updates, {int(budget_sat.config['hist_bins'])} bins per "
        "layer over its own range", bsat_scale, b4_v))
    pages.glue("budget_sat_text", " ".join([
        (f"**Figures 3 and 4.** The `long` run of {activation} and {compare_with} is archived "
         f"({budget_sat.provenance['device']}, trained in {budget_sat.provenance['wall_time_s'] / 60:.0f} minutes; its scale is under "
         "its figures)."),
        (f"The 98th percentile of {activation} first exceeds 0.95 for {seq(ob['p95'], activation)}, and 0.99 for "
         f"{seq(ob['p99'], activation)}; that of {compare_with} exceeds 0.95 for {seq(ob['p95'], compare_with)}."),
        (f"Saturated units at the end, layers 1–{len(finalb)}: {activation} {pcts(finalb[activation])}, "
         f"{compare_with} {pcts(finalb[compare_with])}."),
        errors_sentence(budget_sat)]))
    pages.glue("budget_fig4_text", (f"At the end, {activation}'s share of values in the end bins (|z| ≥ 0.95) is "
         + pcts(mb.loc[activation, "share_at_ends"]) + f" for layers 1–{btop}, against "
         + pcts(mb.loc[compare_with, "share_at_ends"]) + f" for {compare_with}; away from the ends, "
         f"{compare_with}'s layers peak at "
         + ", ".join(f"{mb.loc[(compare_with, k), 'mode_neg']:+.2f} / {mb.loc[(compare_with, k), 'mode_pos']:+.2f}"
                                 for k in range(1, btop + 1))
         + f" (layers 1–{btop}), and its layer {btop} has "
         f"{100 * mb.loc[(compare_with, btop), 'share_near_zero']:.0f}% of its values within ±0.2 (paper: modes "
                     "around ±(0.6–0.8), the top layer around 0; tanh's lower layers heavily saturated)."))
else:
    why = not_there(budget_sat, "activation_saturation", bsat_cfg)
    pages.glue("budget_sat_text", "**Figures 3 and 4.** " + why)
    pages.glue("budget_fig4_text", "(No `long` run, so no histograms.)")
    for name in BUDGET_SAT_FIGURES:
        pages.glue(name, why)
        pages.glue(f"{name}_caption", why)

# %% [markdown]
# {glue:md}`budget_sig_text` (Paper: the top layer at 0 within the first epoch, the layers
# below above 0.5 and higher toward the output, depth 4 desaturating around epoch 100 and
# ending at about 0.07–0.08, depth 5 never escaping; the bias hypothesis is not measured.)
#
# ```{glue:figure} fig2_budget
# :name: fig-sigmoid-saturation-budget
# :figwidth: 100%
#
# As {numref}`fig-sigmoid-saturation`, for the `long` run: the paper's number of updates at
# width 100 (paper: Fig. 2). {glue:md}`fig2_budget_caption`
# ```
#
# {glue:md}`budget_sat_text` (Paper: tanh's layers 1–4 reach 1 in turn, layer 5 still below
# about 0.95 at epoch 95; softsign's layers saturate less and together.)
#
# ```{glue:figure} fig3_budget
# :name: fig-tanh-softsign-percentiles-budget
# :figwidth: 100%
#
# As {numref}`fig-tanh-softsign-percentiles`, for the `long` run: the paper's number of
# updates at width 100; {glue:md}`activation_name` on top, {glue:md}`compare_name` below
# (paper: Fig. 3). {glue:md}`fig3_budget_caption`
# ```
#
# {glue:md}`budget_fig4_text`
#
# ```{glue:figure} fig4_budget
# :name: fig-tanh-softsign-histograms-budget
# :figwidth: 100%
#
# As {numref}`fig-tanh-softsign-histograms`, at the end of the `long` run (paper: Fig. 4).
# {glue:md}`fig4_budget_caption`
# ```

# %% [markdown]
# ## What differs from the paper
#
# * **Scale.** At the {glue:md}`profile_name` profile the networks are
#   {glue:text}`sig_width:,d` units wide instead of 1000, and train for
#   {glue:text}`sig_updates:,d` and {glue:text}`sat_updates:,d` updates instead of 2.8 and 1.9
#   million (the scale line under each figure gives the exact budget). Figures 3 and 4 are
#   also shown at the paper's width, for a few epochs: what happens early (the first layers
#   saturating) is at its scale, what the paper sees after epoch 5 is not. The events happen
#   within our shorter runs partly because our learning rates are large for the width (the
#   paper chose its rates on validation error after 5M updates and does not report them);
#   their timing in epochs is therefore not comparable to the paper's, only their order and
#   shape. The longer runs stretch this to `longer_factor` times the updates, still a small
#   fraction of the paper's budget; the `long` runs, where archived, have the paper's number of
#   updates at width 100 (the previous section). The `paper` profile runs the paper's width and
#   budgets on a GPU.
# * **One seed.** Each curve is one network. The epoch at which the depth-4 sigmoid network
#   escapes depends on the seed and the learning rate; re-run with `-p seed 1` to see another.
# * **Percentiles and saturation.** The paper's lower percentile is not stated (we draw the
#   2nd); "saturated" (the derivative below {glue:text}`sat_eps_pct:g`% of its peak) is our
#   definition, added to make the order of Figure 3 a number; the paper gives none.
# * The Shapeset images come from our re-implementation of the generator
#   (see {doc}`01_setting`).
