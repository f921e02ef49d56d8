"""What a book page hands to its prose: numbers, sentences, figures and tables, glued.

A chapter's Markdown cells never hold a number typed by hand. A code cell computes it and
stores it under a name with :func:`glue`; the prose cites the name with myst-nb's roles and
directives, so the text cannot drift from the result:

- a number: ``{glue:text}`name:.3f``` (any Python format spec);
- a sentence or a verdict (Markdown, no ``$`` math: the inline role does not typeset it; write
  "σ²" or "z < 0.1"): ``{glue:md}`name```;
- a figure, numbered and captioned under the plot::

      ```{glue:figure} name
      :name: fig-name

      What it shows. {glue:md}`name_caption`
      ```

- a table, numbered, from a DataFrame::

      :::{table} What it shows. {glue:md}`name_caption`
      :name: tbl-name

      ```{glue:md} name
      :format: myst
      ```
      :::

Everything is glued with ``display=False``: the notebook shows nothing where it is glued, the
page shows it where the prose cites it. Figures are closed once glued, so Jupyter does not
draw them a second time at the end of the cell.

:func:`caption` builds the text under a figure or table from its parts (what it shows, the
scale and provenance line of :meth:`glorot.experiments.Result.scale`, the paper's figure, the
verdict), and :func:`verdict` the verdict itself, one of :data:`VERDICTS`.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

_SENTENCE_ENDS = (".", "!", "?", ".)", ".”", ".\"")
"""How a sentence may end; a part ending otherwise (even in ")") gets a full stop."""

VERDICTS = ("agrees", "partly", "differs", "not yet at paper scale", "inconclusive")
"""What a page can say of a result beside the paper's: it agrees, agrees in part, differs, was
measured at a scale too far from the paper's to say, or is inconclusive: the run cannot test
the claim (e.g. the network it compares against did not learn at its rate, so a comparison of
initializations measures the rate, not the initialization)."""


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue name must be a Python identifier (letters, digits, _), got {name!r}")
    return name


def as_markdown_table(df: pd.DataFrame, floatfmt: str = ".4g", index: bool = False) -> str:
    """``df`` as a Markdown (MyST) table: the form a numbered ``{table}`` holds.

    Float columns are written with ``floatfmt``; every other cell exactly as its ``str``
    (a cell the page formatted itself, such as ``"78.0"``, is not re-read as a number).
    Numeric columns are right-aligned."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError("df is empty: there is no table to show")
    if index:
        df = df.reset_index()
    cells, align = {}, []
    for name in df.columns:
        col = df[name]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        if pd.api.types.is_float_dtype(col):
            cells[name] = [format(v, floatfmt) for v in col]
        else:
            cells[name] = [str(v) for v in col]
        align.append("right" if numeric else "left")
    return pd.DataFrame(cells, columns=df.columns).to_markdown(index=False, disable_numparse=True, colalign=align)


def glue(name: str, value, floatfmt: str = ".4g") -> None:
    """Store ``value`` under ``name`` for the page's prose (see the module docstring).

    A number (Python, numpy or a 0-d tensor's ``.item()``) is stored as a Python int or float
    for ``{glue:text}``; a string as Markdown for ``{glue:md}``; a matplotlib Figure for
    ``{glue:figure}`` (and closed); a DataFrame as a Markdown table for ``{glue:md}`` with
    ``:format: myst`` inside ``{table}``.
    """
    from matplotlib.figure import Figure
    from myst_nb import glue as myst_glue

    name = _check_name(name)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"glue {name!r}: a bool has no number to show; glue the sentence that says it instead")
    if isinstance(value, numbers.Integral):
        myst_glue(name, int(value), display=False)
    elif isinstance(value, numbers.Real):
        myst_glue(name, float(value), display=False)
    elif isinstance(value, str):
        if not value.strip():
            raise ValueError(f"glue {name!r}: the text is empty")
        myst_glue(name, _markdown(value), display=False)
    elif isinstance(value, Figure):
        import matplotlib.pyplot as plt

        myst_glue(name, value, display=False)
        plt.close(value)
    elif isinstance(value, pd.DataFrame):
        myst_glue(name, _markdown(as_markdown_table(value, floatfmt=floatfmt)), display=False)
    else:
        raise TypeError(f"glue {name!r}: cannot glue a {type(value).__name__}; "
                        "valid: a number, a str (Markdown), a matplotlib Figure or a pandas DataFrame")


def glue_all(**values) -> None:
    """:func:`glue` each keyword: ``glue_all(top_mean=0.03, fall_epoch=0.4)``."""
    for name, value in values.items():
        glue(name, value)


def verdict(kind: str, reason: str) -> str:
    """The verdict beside the paper, in one sentence: ``"**Verdict: agrees.** <Reason>."``.

    ``kind`` is one of :data:`VERDICTS`; ``reason`` says why, from the numbers the cell
    computed. It is written as a sentence: first letter capitalized, ended by a full stop."""
    if kind not in VERDICTS:
        raise ValueError(f"verdict kind must be one of {list(VERDICTS)}, got {kind!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("verdict reason must be a non-empty sentence")
    reason = reason.strip()
    reason = reason[:1].upper() + reason[1:]
    return f"**Verdict: {kind}.** {reason}" + ("" if reason.endswith(_SENTENCE_ENDS) else ".")


def and_list(items, fmt: str = "{}", empty: str = "none") -> str:
    """``items`` in words: ``"4"``, ``"4 and 5"``, ``"0.1, 0.3 and 1"`` (each through ``fmt``);
    ``empty`` when there are none."""
    words = [fmt.format(v) for v in items]
    if not words:
        return empty
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


VERDICT_MARKS = ("**Verdict:", "**Not archived")
"""How a verdict part of a caption begins (:func:`verdict`, :meth:`glorot.claims.Judgement.sentence`)."""


def caption(*parts: str) -> str:
    """The text under a figure or table: its non-empty ``parts`` (what it shows, the scale
    and provenance line, the paper's counterpart, the verdict), each ended by a full stop. A
    verdict comes first, right after the figure's own words: the reader's question is what
    the figure says about the paper; the scale and provenance follow it, whatever order the
    parts were given in."""
    out = []
    for part in parts:
        if part is None:
            continue
        if not isinstance(part, str):
            raise TypeError(f"caption parts must be str, got {type(part).__name__}")
        part = part.strip()
        if part:
            out.append(part if part.endswith(_SENTENCE_ENDS) else part + ".")
    if not out:
        raise ValueError("a caption needs at least one non-empty part")
    first = [p for p in out if p.startswith(VERDICT_MARKS)]
    return " ".join(first + [p for p in out if not p.startswith(VERDICT_MARKS)])

