"""glorot.scorecard: the front page's rows are computed from the archive, never trained, never typed."""

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from glorot import archive, experiments, pages, paper, scorecard  # noqa: E402
from glorot.experiments import registry  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    got = scorecard.load_runs("quick", 5)
    if all(isinstance(r, scorecard.Missing) for r in got.values()):
        pytest.skip("no quick-profile run is archived here")
    return got


@pytest.fixture(scope="module")
def card(runs):
    return scorecard.rows(runs)


def _archived(runs, role):
    run = runs[role]
    if isinstance(run, scorecard.Missing):
        pytest.skip(f"the {role} run is not archived here")
    return run


def _with_frame(run, name, frame):
    return replace(run, frames={**run.frames, name: frame})


def test_every_row_has_a_verdict_a_scale_and_a_page(card):
    assert len(card) == len(scorecard.ROWS)
    for row in card:
        if row.verdict == scorecard.NOT_ARCHIVED:
            assert row.ours == scorecard.NOT_ARCHIVED and "not archived" in row.scale and row.below_paper is None
        else:
            assert row.verdict in pages.VERDICTS and row.reason and row.below_paper in (True, False)
        assert row.scale.split(":")[0].split(" ")[0].rstrip(",") == "quick"
        assert row.page[:2].isdigit() and row.claim and row.paper
    assert sum(scorecard.counts(card).values()) == len(card)


def test_paper_values_are_glorot_paper(card):
    by_claim = {r.claim: r for r in card}
    for key, label in paper.TABLE1_ROWS.items():
        row = by_claim[f"Table 1, Shapeset, {label}"]
        assert row.values["paper"] == paper.PAPER_TABLE1[key]["shapeset"]
        assert row.paper.startswith(f"{paper.PAPER_TABLE1[key]['shapeset']:g}%")
        assert ("(bold)" in row.paper) == paper.PAPER_TABLE1_BOLD[key]["shapeset"]
    order = next(r for r in card if r.claim.startswith("Fig. 11: the configurations"))
    assert order.values["paper_final"] == paper.PAPER_FIG11_FINAL
    for key, value in paper.PAPER_FIG11_FINAL.items():
        assert f"{paper.CONFIGURATIONS[key].label} {'≈' if key in paper.PAPER_FIG11_READ_OFF else ''}{value:g}" in order.paper
    svm = next(r for r in card if r.claim.startswith("§5: an RBF SVM"))
    assert f"{paper.PAPER_SVM['svm']:g}%" in svm.paper and f"{paper.PAPER_SVM['tanh-N']:g}%" in svm.paper
    for ds in ("mnist", "cifar10", "small-imagenet"):
        col = next(r for r in card if r.claim.startswith(f"Table 1 and Fig. 12, {paper.TABLE1_COLUMNS[ds]}"))
        assert all(f"{paper.TABLE1_ROWS[k]} {v[ds]:g}" in col.paper for k, v in paper.PAPER_TABLE1.items())
    for init, value in scorecard.PAPER_JACOBIAN.items():
        assert by_claim[f"Eq. (17): mean singular value of the layer Jacobians, {init} init"].paper == f"≈ {value:g}"


def test_a_table1_cell_is_computed_from_the_final_frame(runs):
    shapeset = _archived(runs, "shapeset")
    final = shapeset["final"].copy()
    final.loc[final["config"] == "sigmoid-5", "test_error"] = paper.PAPER_TABLE1["sigmoid-5"]["shapeset"] / 100
    close = scorecard.table1_cell(_with_frame(shapeset, "final", final), "sigmoid-5")
    assert close.verdict == "agrees" and close.values["ours"] == pytest.approx(82.61)
    final.loc[final["config"] == "sigmoid-5", "test_error"] = 0.40
    far = scorecard.table1_cell(_with_frame(shapeset, "final", final), "sigmoid-5")
    assert far.verdict == "not yet at paper scale" and far.ours.startswith("40.0")
    # the same numbers from a run at the paper's scale: the verdict is "differs"
    at_paper = replace(_with_frame(shapeset, "final", final), config=experiments.config("shapeset_curves", "paper"))
    assert not scorecard.below_paper_scale(at_paper)
    assert scorecard.table1_cell(at_paper, "sigmoid-5").verdict == "differs"


def test_the_jacobian_and_variance_rows_follow_their_frames(runs):
    init = _archived(runs, "init")
    jac = init["jacobian"].copy()
    for value, kind in ((0.8, "agrees"), (0.72, "partly"), (0.5, "differs")):
        jac.loc[jac["init"] == "normalized", "mean_singular_value"] = value
        assert scorecard.jacobian(_with_frame(init, "jacobian", jac), "normalized").verdict == kind
    var = _archived(runs, "variance")
    v = var["variance"].copy()
    assert scorecard.variance_equations(var).verdict == "agrees"
    v.loc[0, "ratio"] = 1.5
    assert scorecard.variance_equations(_with_frame(var, "variance", v)).verdict == "differs"


def test_the_saturation_order_row_follows_the_stats(runs):
    sat = _archived(runs, "saturation")
    stats = sat["stats"].copy()
    tanh = (stats["activation"] == "tanh") & (stats["quantity"] == "activation")
    # layers 2-5 saturate at once, layer 1 never: out of order
    stats.loc[tanh & (stats["layer"] > 1), "p98"] = 0.99
    stats.loc[tanh & (stats["layer"] == 1), "p98"] = 0.5
    row = scorecard.fig3_tanh_sequence(_with_frame(sat, "stats", stats))
    assert row.verdict == "differs" and "layer 1" in row.ours
    stats.loc[tanh, "p98"] = 0.5
    assert scorecard.fig3_tanh_sequence(_with_frame(sat, "stats", stats)).verdict == "not yet at paper scale"


def test_a_missing_archive_gives_not_archived_rows_and_never_trains(monkeypatch, tmp_path):
    monkeypatch.setattr(archive, "DEFAULT_ARCHIVE", tmp_path / "empty")

    def no_training(*args, **kwargs):
        raise AssertionError("the scorecard must never train")

    monkeypatch.setattr(registry, "_execute", no_training)
    runs = scorecard.load_runs("quick", 5)
    assert all(isinstance(r, scorecard.Missing) for r in runs.values())
    card = scorecard.rows(runs)
    assert {r.verdict for r in card} == {scorecard.NOT_ARCHIVED}
    assert all(r.ours == scorecard.NOT_ARCHIVED for r in card)
    assert scorecard.counts(card)[scorecard.NOT_ARCHIVED] == len(card)
    assert "no archived run" in scorecard.counts_sentence(card)
    assert scorecard.seed_spread(runs["shapeset"]) is None
    fig = scorecard.thumbnail(runs["shapeset"])
    assert fig.get_size_inches()[0] <= 6.8
    plt.close(fig)


def test_the_page_table_escapes_pipes_and_links_chapters(card):
    df = scorecard.frame(card)
    assert list(df.columns) == ["#", "claim", "paper", "ours", "verdict", "scale"]
    text = pages.as_markdown_table(df)
    # every data line has exactly the table's cell separators: no "|" leaked out of a cell
    lines = text.splitlines()
    n_sep = lines[0].count("|")
    assert all(line.replace("\\|", "").count("|") == n_sep for line in lines)
    assert all("{doc}`ch. " in c for c in df["claim"])
    assert all(v.startswith("**") for v in df["verdict"])


def test_the_thumbnail_has_legible_fonts(runs):
    fig = scorecard.thumbnail(runs["shapeset"])
    w, h = fig.get_size_inches()
    assert w <= 6.8
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
    assert sizes and min(sizes) >= 9
    plt.close(fig)


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="profile"):
        scorecard.load_runs("huge")
    with pytest.raises(ValueError, match="longer_factor"):
        scorecard.load_runs("quick", 0)


def test_profiles_table_and_shares():
    table = scorecard.profiles_table()
    assert list(table["profile"]) == ["smoke", "quick", "paper"]
    assert isinstance(table, pd.DataFrame) and (table["archived runs"] >= 0).all()
    assert scorecard.longer_shares("paper", 5) is None and scorecard.longer_shares("quick", 1) is None
    shares = scorecard.longer_shares("quick", 5)
    assert shares and all(0 < v < 100 for v in shares.values())


def test_the_full_width_run_is_preferred_where_archived(runs):
    """Figs. 3-4 and 9-10: the row reads the chapter's main figure, the full-width CPU run, when it
    is archived (its scale says "full width"), and the chapter's other runs otherwise."""
    for role, overrides in scorecard.FULL_WIDTH.items():
        run = runs[role]
        name, chapter_overrides, _ = scorecard.RUNS[role]
        full = scorecard.archived(name, "quick", **chapter_overrides, **overrides)
        if isinstance(full, scorecard.Missing):
            assert isinstance(run, scorecard.Missing) or run.config["width"] != overrides["width"]
            continue
        assert run.config.to_dict() == full.config.to_dict()
        assert scorecard.scale(run).startswith("quick, full width: width 1000 (the paper's)")


def test_the_fig9_row_reads_the_ordering_of_weight_gradients(runs):
    grad = _archived(runs, "gradients")
    stats = grad["stats"].copy()
    wg = (stats["quantity"] == "weight_grad") & (stats["init"] == "standard")
    stats.loc[wg, "std"] = 0.01 / stats.loc[wg, "layer"]  # layer 1 widest at every probe, std falling with every layer
    row = scorecard.fig9_weight_gradients(_with_frame(grad, "stats", stats))
    assert row.values["standard widest in layer 1"] and "layer 1 widest at 100% of the probes" in row.ours
    stats.loc[wg, "std"] = 0.01 * stats.loc[wg, "layer"]  # layer 5 widest
    row = scorecard.fig9_weight_gradients(_with_frame(grad, "stats", stats))
    assert not row.values["standard widest in layer 1"] and "most often layer 5" in row.ours
