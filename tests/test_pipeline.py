"""Checks of the build pipeline itself: environments, chapter pairs, table of contents, CI.

These run with the unit tests (`make test-unit`); they read files only and take milliseconds.
The notebook checks proper (pairs, nbval, smoke runs, book build) are targets of the Makefile.
"""

from __future__ import annotations

import json
import re
import subprocess
import stat
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with jupyter-book

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTER = re.compile(r"^\d\d_.+$")


def _name(requirement: str) -> str:
    """Normalized (PEP 503) distribution name of a requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _spec(requirement: str) -> str:
    """The version specifier of a requirement string, without spaces or markers."""
    rest = requirement.split(";")[0]
    rest = re.sub(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?", "", rest)
    return rest.replace(" ", "")


def _pyproject_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    # an extra that installs the package itself, e.g. "glorot[book]", is not a dependency
    return [r for r in requirements if _name(r) != _name(project["name"])]


def _environment_requirements() -> tuple[list[str], list[str]]:
    """(conda dependencies, pip dependencies) of environment.yml."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += [p for p in dep.get("pip", []) if not p.startswith("-")]  # skip "-e ."
        else:
            conda.append(dep)
    return conda, pip


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def test_environment_yml_lists_the_pyproject_dependencies():
    conda, pip = _environment_requirements()
    pyproject = {_name(r): _spec(r) for r in _pyproject_requirements()}
    environment = {_name(r): _spec(r) for r in pip}
    environment.update({_name(r): "" for r in conda if _name(r) not in {"python", "pip"}})
    missing = sorted(set(pyproject) - set(environment))
    extra = sorted(set(environment) - set(pyproject))
    assert not missing, f"in pyproject.toml but not in environment.yml: {missing}"
    assert not extra, f"in environment.yml but not in pyproject.toml: {extra}"
    assert environment["torch"] == pyproject["torch"]


def test_torch_is_pinned_and_installed_by_pip():
    """An unpinned torch pulls gigabytes of CUDA wheels; conda's torch is another build."""
    pyproject = {_name(r): _spec(r) for r in _pyproject_requirements()}
    assert re.fullmatch(r"==\d+\.\d+\.\d+", pyproject["torch"]), pyproject["torch"]
    conda, pip = _environment_requirements()
    assert "torch" not in {_name(r) for r in conda}
    assert "torch" + pyproject["torch"] in [r.replace(" ", "") for r in pip]


def test_every_book_py_has_an_ipynb_twin_and_vice_versa():
    py = {p.stem for p in BOOK.glob("*.py")}
    ipynb = {p.stem for p in BOOK.glob("*.ipynb")}
    assert not py - ipynb, f"book/*.py without .ipynb (run `make sync`): {sorted(py - ipynb)}"
    assert not ipynb - py, f"book/*.ipynb without .py (run `make sync`): {sorted(ipynb - py)}"


def test_every_toc_entry_exists_with_exactly_one_source():
    for entry in _toc_files():
        assert not Path(entry).suffix, f"_toc.yml: write {entry!r} without its extension"
        sources = [s for s in (".md", ".ipynb") if (ROOT / (entry + s)).is_file()]
        assert sources, f"_toc.yml lists {entry}, which has no .md or .ipynb"
        assert len(sources) == 1, f"{entry} has two sources: {sources}"


def test_every_chapter_is_in_the_toc():
    """only_build_toc_files is on: a chapter missing from _toc.yml would silently vanish."""
    listed = set(_toc_files())
    for nb in sorted(BOOK.glob("*.ipynb")):
        entry = nb.relative_to(ROOT).with_suffix("").as_posix()
        assert entry in listed, f"{entry} is not listed in _toc.yml"


def _chapters() -> list[Path]:
    return sorted(p for p in BOOK.glob("*.ipynb") if CHAPTER.match(p.stem))


@pytest.mark.parametrize("notebook", _chapters(), ids=lambda p: p.name)
def test_chapter_has_a_parameters_cell_with_profile(notebook):
    """`make test` runs each chapter with `papermill -p profile smoke`."""
    nb = json.loads(notebook.read_text())
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{notebook.name}: need exactly one cell tagged 'parameters'"
    source = "".join(cells[0]["source"])
    assert re.search(r"^profile\s*(:[^=]+)?=", source, re.M), (
        f"{notebook.name}: the parameters cell must assign `profile`"
    )


@pytest.mark.parametrize("notebook", _chapters(), ids=lambda p: p.name)
def test_chapter_was_executed_without_error(notebook):
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert all(o.get("output_type") != "error" for o in cell.get("outputs", [])), (
            f"{notebook.name}: a committed cell output is an error (run `make book`)"
        )


@pytest.mark.parametrize("notebook", _chapters(), ids=lambda p: p.name)
def test_an_executed_chapter_holds_no_run_timestamps(notebook):
    """`make execute` removes what papermill writes that changes on every run (start and end
    times, durations, the cells' execution timestamps), so executing twice leaves git clean."""
    nb = json.loads(notebook.read_text())
    times = {"duration", "start_time", "end_time"}
    assert not times & set(nb["metadata"].get("papermill", {})), f"{notebook.name}: papermill's run times are kept"
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        assert "execution" not in meta and not times & set(meta.get("papermill", {})), (
            f"{notebook.name}: a cell keeps its run timestamps (run `make execute`)")


def test_jupytext_pairs_ipynb_with_percent_scripts_and_filters_execution_metadata():
    config = tomllib.loads((ROOT / "jupytext.toml").read_text())
    assert config["formats"] == "ipynb,py:percent"
    cell_filter = config["cell_metadata_filter"].split(",")
    assert "-papermill" in cell_filter and "-execution" in cell_filter
    assert "-tags" not in cell_filter  # papermill needs the `parameters` tag
    assert config["notebook_metadata_filter"].split(",")[-1] == "-all"


def test_book_config_renders_without_executing():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"  # papermill is the executor
    assert config["only_build_toc_files"] is True
    assert "book/*.py" in config["exclude_patterns"]
    for bib in config["bibtex_bibfiles"]:
        assert (ROOT / bib).is_file()


def test_references_hold_the_cited_works():
    bib = (BOOK / "references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, re.M)
    assert len(keys) == len(set(keys)), "duplicate bibtex keys"
    for key in [
        "glorot2010understanding",
        "lecun1998efficient",
        "bengio2007greedy",
        "vincent2008extracting",
        "krizhevsky2009learning",
    ]:
        assert key in keys


def _sanitize_pairs():
    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    # the format nbval reads: a "regex:" line directly followed by a "replace:" line
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.M)
    assert len(pairs) == text.count("\nregex: ")
    return pairs


def _sanitize(text):
    for regex, replace in _sanitize_pairs():
        text = re.sub(regex, replace, text)
    return text


def test_nbval_sanitize_file_parses_and_compiles():
    for regex, _ in _sanitize_pairs():
        re.compile(regex)
    assert (_sanitize("trained in 12.3 s at 0x7f3a2c1b2e50 with torch 2.13.0+cpu on 2026-01-31")
            == "trained in DURATION at 0xADDRESS with torch VERSION on DATE")


def test_nbval_sanitize_hides_where_the_repository_was_cloned():
    # CI clones main somewhere else than the developer's checkout (this once failed CI)
    message = "Put mnist.pkl.gz (about 17 MB) in {root}/data (the data folder is $GLOROT_DATA)."
    seen = {_sanitize(message.format(root=root))
            for root in ["/work/main", "/check/clone-1", "/home/u/glorot", "C:/Users/u/glorot"]}
    assert len(seen) == 1 and "PATH" in seen.pop()
    # maths and rates stay as they are
    assert _sanitize("variance 1/(3 n_in), 2/(n_in+n_out)") == "variance 1/(3 n_in), 2/(n_in+n_out)"


def test_ci_run_calls_make_test():
    run = ROOT / ".ci" / "run"
    text = run.read_text()
    assert text.startswith("#!")
    assert "set -euo pipefail" in text
    assert re.search(r"^\s*make test\b", text, re.M)
    assert run.stat().st_mode & stat.S_IXUSR, ".ci/run must be executable"


def test_readme_explains_the_commands():
    readme = (ROOT / "README.md").read_text()
    for phrase in ["make book", "make test", "papermill"]:
        assert phrase in readme


def test_makefile_has_the_documented_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ["book", "test", "sync", "clean", "bench"]:
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "python3 -m venv" in makefile or "$(PYTHON) -m venv" in makefile


def test_make_bench_runs_each_benchmark_with_what_it_needs():
    """`make bench` runs every script of benchmarks/ (not the shared measure.py), and gives
    device_check.py the output folder it requires (without one it exits on its arguments)."""
    out = subprocess.run(["make", "-n", "bench"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    scripts = {p.name for p in (ROOT / "benchmarks").glob("*.py")} - {"measure.py"}
    assert scripts == {"throughput.py", "device_check.py"}
    for name in scripts:
        assert f"benchmarks/{name}" in out, name
    assert re.search(r"benchmarks/device_check\.py \"\$\$?tmp\" --device cpu --small", out.replace("$$", "$")), out


def test_a_stale_caption_remakes_the_run_with_its_overrides():
    """The re-make command of a stale run's caption carries every --set it was made with."""
    from glorot.experiments import registry

    cfg = registry.config("gradient_dynamics", "quick", width=1000, seed=3)
    res = registry.Result("gradient_dynamics", "quick", cfg, {}, {"device": "CPU: x", "torch_version": "2", "package_version": "0",
                                                                     "git_commit": "abcdef123456", "date": "2026-01-01",
                                                                     "wall_time_s": 1.0}, "archived", stale=True)
    assert res.remake_command() == "python -m glorot run gradient_dynamics --profile quick --force --set width=1000 --set seed=3"
    assert f"`{res.remake_command()}`" in res.scale()


def test_run_takes_a_built_configuration():
    from glorot import experiments
    from glorot.experiments import registry

    cfg = registry.config("variance_propagation", "smoke", seed=2)
    by_object = experiments.run(cfg, "smoke", use_archive=False)
    by_name = experiments.run("variance_propagation", "smoke", use_archive=False, seed=2)
    assert by_object.config == by_name.config and by_object["variance"].equals(by_name["variance"])
    with pytest.raises(ValueError, match="not both"):
        experiments.run(cfg, "smoke", seed=3)
    with pytest.raises(ValueError, match="profile must be one of"):
        experiments.run(cfg, "long")
