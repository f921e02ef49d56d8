"""glorot.scorecard: the front page's rows are computed from the archive, never trained, never typed."""

import re
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from glorot import archive, claims, experiments, pages, scorecard  # noqa: E402
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


def test_one_row_per_claim_in_the_paper_order(card):
    assert [r.claim.key for r in card] == list(claims.CLAIMS)
    for row in card:
        if row.verdict == scorecard.NOT_ARCHIVED:
            assert row.ours == scorecard.NOT_ARCHIVED and "not archived" in row.scale and row.below_paper is None
        else:
            assert row.verdict in pages.VERDICTS and row.reason and row.below_paper in (True, False)
        assert row.scale.split(":")[0].split(" ")[0].rstrip(",") in ("quick", "wide", "long", "search")
        assert row.page[:2].isdigit() and row.claim.text and row.claim.paper
    assert sum(scorecard.counts(card).values()) == len(card)


def test_every_role_a_claim_names_is_read(runs):
    assert {c.role for c in claims.CLAIMS.values()} <= set(scorecard.RUNS)


def test_a_row_is_its_claims_judgement_on_its_roles_run(runs, card):
    """The row and the chapter call the same rule: a changed table changes the row exactly as it
    changes the claim's own judgement."""
    shapeset = _archived(runs, "shapeset")
    final = shapeset["final"].copy()
    final.loc[final["config"] == "sigmoid-5", "test_error"] = 0.40
    changed = dict(runs, shapeset=_with_frame(shapeset, "final", final))
    row = scorecard.row(scorecard.rows(changed), "table1.shapeset.sigmoid-5")
    assert row.judgement == claims.judge("table1.shapeset.sigmoid-5", changed["shapeset"])
    assert row.judgement != scorecard.row(card, "table1.shapeset.sigmoid-5").judgement
    assert row.ours.startswith("40.0")


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


def test_the_page_table_escapes_pipes_and_badges_verdicts(card):
    df = scorecard.frame(card)
    assert list(df.columns) == ["#", "section", "verdict", "claim", "paper", "ours", "measured at"]
    assert list(dict.fromkeys(df["section"])) == list(dict.fromkeys(c.section for c in claims.CLAIMS.values()))
    text = pages.as_markdown_table(df)
    # every data line has exactly the table's cell separators: no "|" leaked out of a cell
    lines = text.splitlines()
    n_sep = lines[0].count("|")
    assert all(line.replace("\\|", "").count("|") == n_sep for line in lines)
    for r, v in zip(card, df["verdict"], strict=True):
        assert v == f'<span class="verdict verdict-{r.verdict.replace(" ", "-")}">{r.verdict}</span>'
    # every cell is words: no profile names ("long:", "quick ×5:") left in the scale column
    assert not any(re.match(rf"({'|'.join(registry.PROFILES)})( ×\d+)?:", m) for m in df["measured at"])


def test_the_page_groups_rows_by_section_with_counts(card):
    text = scorecard.markdown(card)
    sections = list(dict.fromkeys(c.section for c in claims.CLAIMS.values()))
    headings = [line for line in text.splitlines() if line.startswith("**§")]
    assert [h.split("**")[1] for h in headings] == sections
    for heading, (section, idx) in zip(headings, scorecard.groups(card), strict=True):
        assert f"{{doc}}`chapter {int(card[idx[0]].page[:2])} <{card[idx[0]].page}>`" in heading
        n = sum(int(c) for c in re.findall(r'">(\d+) ', heading))
        assert n == len(idx), (section, heading)
    assert text.splitlines()[0].startswith(f"**All {len(card)} claims**")
    # one table per section, each row once, in the paper's order
    rows = [line for line in text.splitlines() if line.startswith("|") and line[1:].strip()[:1].isdigit()]
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, len(card) + 1))
    assert text.count("Measured at: ") == len(sections)


def test_the_reasons_follow_the_tables(card):
    text = scorecard.reasons_markdown(card)
    items = [line for line in text.splitlines() if line[:1].isdigit()]
    assert [int(i.split(".")[0]) for i in items] == list(range(1, len(card) + 1))
    assert all(f"(`{r.claim.key}`)" in i and scorecard.badge(r.verdict) in i for r, i in zip(card, items, strict=True))


def test_one_number_of_archived_runs(runs):
    n = scorecard.n_archived(runs)
    assert 0 < n <= len(runs)
    assert scorecard.provenance_sentence(runs).startswith(f"The {n} archived run")


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
    assert list(table["profile"]) == list(registry.PROFILES)
    assert set(scorecard.PROFILE_USES) == set(registry.PROFILES)
    assert isinstance(table, pd.DataFrame) and (table["archived runs"] >= 0).all()
    assert scorecard.longer_shares("paper", 5) is None and scorecard.longer_shares("quick", 1) is None
    shares = scorecard.longer_shares("quick", 5)
    assert shares and all(0 < v < 100 for v in shares.values())


def test_the_wide_run_is_preferred_where_archived(runs):
    """Figs. 3-4 and 9-10: the rows read the chapter's main figure, the ``wide`` run (the paper's
    width on a CPU), when it is archived, and the chapter's other runs otherwise."""
    for role, (name, chapter_overrides, _) in scorecard.RUNS.items():
        if "wide" not in experiments.experiment(name).profiles:
            continue
        if "long" in experiments.experiment(name).profiles and runs[role].profile == "long":
            continue  # the long run, where archived, comes first (test below)
        wide = scorecard.archived(name, "wide", **chapter_overrides)
        if isinstance(wide, scorecard.Missing):
            assert isinstance(runs[role], scorecard.Missing) or runs[role].profile != "wide"
            continue
        assert runs[role].config.to_dict() == wide.config.to_dict()
        assert scorecard.scale(runs[role]).startswith("wide: width 1000 (the paper's)")


def test_the_long_run_comes_first_where_archived(runs):
    """The paper's number of updates at width 100 is the largest scale a CPU reaches: a role whose
    experiment has a ``long`` run archived reads it."""
    for role, (name, chapter_overrides, _) in scorecard.RUNS.items():
        if "long" not in experiments.experiment(name).profiles:
            continue
        long = scorecard.archived(name, "long", **chapter_overrides)
        if isinstance(long, scorecard.Missing):
            assert isinstance(runs[role], scorecard.Missing) or runs[role].profile != "long"
        else:
            assert runs[role].profile == "long" and runs[role].config.to_dict() == long.config.to_dict()
