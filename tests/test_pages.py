"""glorot.pages: what a page glues into its prose, and the verdict and caption it writes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from glorot import pages  # noqa: E402


@pytest.fixture
def glued(monkeypatch):
    """Every (name, value, display) that pages.glue hands to myst-nb."""
    import myst_nb

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    return calls


def test_numbers_are_glued_as_python_numbers(glued):
    pages.glue("a", np.float64(0.25))
    pages.glue("b", np.int64(3))
    pages.glue("c", 7)
    assert [(n, type(v), d) for n, v, d in glued] == [("a", float, False), ("b", int, False), ("c", int, False)]
    # Python's repr, which {glue:text}`a:.2f` parses (numpy 2's repr "np.float64(0.25)" would not).
    assert repr(glued[0][1]) == "0.25"


def test_text_is_markdown_and_tables_are_myst_tables(glued):
    from IPython.display import Markdown

    pages.glue("v", "**agrees**")
    pages.glue("t", pd.DataFrame({"layer": [1, 2], "std": [0.123456, 2.0]}))
    assert isinstance(glued[0][1], Markdown) and glued[0][1].data == "**agrees**"
    table = glued[1][1].data.splitlines()
    assert table[0].replace(" ", "") == "|layer|std|"
    assert "0.1235" in table[2]
    assert table[1].replace(" ", "").startswith("|-") and table[1].rstrip().endswith(":|")  # numbers right-aligned


def test_a_cell_the_page_formatted_is_shown_as_written():
    table = pages.as_markdown_table(pd.DataFrame({"error": ["78.0", "12.50"], "n": [1, 2]}))
    assert "78.0" in table and "12.50" in table


def test_a_glued_figure_is_closed(glued):
    fig = plt.figure()
    pages.glue("f", fig)
    assert glued[0][1] is fig and not plt.fignum_exists(fig.number)


@pytest.mark.parametrize("name, value, error", [
    ("x", True, TypeError),
    ("x", object(), TypeError),
    ("x", "  ", ValueError),
    ("x", pd.DataFrame(), ValueError),
    ("not a name", 1.0, ValueError),
    ("", 1.0, ValueError),
    (3, 1.0, ValueError),
])
def test_bad_glue_is_refused_before_anything_is_stored(glued, name, value, error):
    with pytest.raises(error):
        pages.glue(name, value)
    assert glued == []


def test_glue_all(glued):
    pages.glue_all(a=1, b="text")
    assert [n for n, _, _ in glued] == ["a", "b"]


def test_verdict():
    assert pages.verdict("agrees", "the top layer falls at once") == "**Verdict: agrees.** The top layer falls at once."
    assert pages.verdict("differs", "ours is 5x smaller.") == "**Verdict: differs.** Ours is 5x smaller."
    assert pages.verdict("partly", "layer 1 (at ±1)") == "**Verdict: partly.** Layer 1 (at ±1)."
    with pytest.raises(ValueError, match="one of"):
        pages.verdict("fine", "x")
    with pytest.raises(ValueError, match="non-empty"):
        pages.verdict("agrees", " ")


def test_and_list():
    assert pages.and_list([]) == "none"
    assert pages.and_list([4]) == "4"
    assert pages.and_list([4, 5]) == "4 and 5"
    assert pages.and_list([0.1, 0.3, 1.0], "{:g}") == "0.1, 0.3 and 1"


def test_caption_joins_parts_as_sentences():
    assert pages.caption("What it shows", "", None, "Scale: quick.") == "What it shows. Scale: quick."
    verdict = pages.verdict("agrees", "as in the paper")
    assert pages.caption("Scale: quick", "paper: Fig. 2", verdict) == f"{verdict} Scale: quick. paper: Fig. 2."
    assert pages.caption("Ours (width 100)", "paper: Fig. 2 (p. 3).)") == "Ours (width 100). paper: Fig. 2 (p. 3).)"
    with pytest.raises(ValueError):
        pages.caption("", None)
    with pytest.raises(TypeError):
        pages.caption(3)
