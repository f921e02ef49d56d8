"""Checkpoint files: the saved state of a long run, written atomically and read without
running any code.

Format
------
A checkpoint is a file written by :func:`torch.save` that holds one dict::

    {"checkpoint": {"format": "glorot-checkpoint", "version": 1, "kind": "train"},
     "state": {...}}

``kind`` says which loop wrote it (``"train"``, ``"train_lockstep"``, ``"pretrain"``), so one
loop never resumes from another's file. ``state`` holds only plain data: tensors, Python
``bool``/``int``/``float``/``str``, ``None``, and lists, tuples and dicts of these (dict keys
``str`` or ``int``). That is exactly what ``torch.load(weights_only=True)`` reads, so
:func:`load` never unpickles arbitrary objects: a file that holds anything else (a class
instance, a function, a crafted ``__reduce__``) is refused before any of it runs.
DataFrames are stored as plain containers with :func:`frame_state` and read back with
:func:`frame_from_state`.

:func:`save` writes a temporary file in the checkpoint's folder, flushes and fsyncs it, and
renames it over the checkpoint (:func:`os.replace`), so a run killed at any moment leaves
either the previous checkpoint or the new one, never a partial file.

Fault injection (for the resume tests): when the environment variable
``GLOROT_KILL_AFTER_CHECKPOINTS=N`` is set, the process sends itself ``SIGKILL`` right after
its ``N``-th successful :func:`save`, i.e. it dies as a killed job would, with the ``N``-th
checkpoint on disk and nothing after it saved. Saves made with ``fault_injection=False`` (those
of a behavioural probe, told so by its :class:`~glorot.run_settings.RunSettings`) are not
counted. The variable is read here, at each save, not passed down: it is a test hook, not a
setting of the run.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import torch

FORMAT = "glorot-checkpoint"
VERSION = 1
KILL_ENV = "GLOROT_KILL_AFTER_CHECKPOINTS"
"""Environment variable: SIGKILL this process right after its N-th successful :func:`save`."""

_PLAIN_SCALARS = (bool, int, float, str, type(None))
_TENSOR_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64"}
"""Column dtypes stored as tensors (exact bits, fast to read); string and ``object`` columns
are stored as lists of Python scalars."""
_saves_done = 0
"""How many counted :func:`save` calls this process has made (the fault injection's count)."""


class CheckpointError(ValueError):
    """A checkpoint file that cannot be resumed from: corrupt, truncated, or not one of ours."""


# --------------------------------------------------------------------------- writing

def save(state: dict, path: str | Path, kind: str, *, fault_injection: bool = True) -> None:
    """Write ``state`` (plain data only, see the module docstring) to ``path`` atomically,
    marked as a checkpoint of ``kind``. ``fault_injection=False``: this save is not counted by
    ``GLOROT_KILL_AFTER_CHECKPOINTS`` (a behavioural probe's, whose
    :class:`~glorot.run_settings.RunSettings` say so)."""
    _check_plain(state, "state")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"checkpoint": {"format": FORMAT, "version": VERSION, "kind": str(kind)}, "state": state}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    if fault_injection:
        _count_save_and_maybe_die()


def _check_plain(obj, where: str) -> None:
    """Raise TypeError, naming the place, unless ``obj`` is plain data a checkpoint may hold."""
    if isinstance(obj, torch.Tensor) or type(obj) in _PLAIN_SCALARS:
        return
    if type(obj) in (list, tuple):
        for i, v in enumerate(obj):
            _check_plain(v, f"{where}[{i}]")
        return
    if type(obj) is dict:
        for k, v in obj.items():
            if type(k) not in (str, int):
                raise TypeError(f"a checkpoint's dict keys must be str or int; {where} has key {k!r} ({type(k).__name__})")
            _check_plain(v, f"{where}[{k!r}]")
        return
    hint = " (store DataFrames with checkpoints.frame_state)" if isinstance(obj, pd.DataFrame) else ""
    raise TypeError(f"a checkpoint holds only tensors, Python scalars, str, None and lists/tuples/dicts of these; "
                    f"{where} is a {type(obj).__module__}.{type(obj).__qualname__}{hint}")


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _count_save_and_maybe_die() -> None:
    """The fault injection of the module docstring (``GLOROT_KILL_AFTER_CHECKPOINTS``). The
    count is the process's (a killed job dies after its N-th save, whichever runs made them):
    the one module global of the package written while a run trains (``tests/test_hygiene.py``
    lists it). No run setting goes into it."""
    global _saves_done
    _saves_done += 1
    limit = os.environ.get(KILL_ENV)
    if not limit:
        return
    try:
        n = int(limit)
    except ValueError:
        raise ValueError(f"{KILL_ENV} must be a whole number of checkpoints, got {limit!r}") from None
    if _saves_done == n:
        os.kill(os.getpid(), signal.SIGKILL)


# --------------------------------------------------------------------------- reading

def load(path: str | Path, kind: str) -> dict:
    """The ``state`` saved by :func:`save` with this ``kind``; :class:`CheckpointError` for a
    file that is corrupt, truncated, or not a glorot checkpoint of this kind (OSError, e.g. a
    missing file, passes through)."""
    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except OSError:
        raise
    except Exception as e:  # noqa: BLE001 - any unreadable file is reported the same way
        raise _unreadable(path, e) from e
    marker = payload.get("checkpoint") if isinstance(payload, dict) else None
    if not isinstance(marker, dict) or marker.get("format") != FORMAT or not isinstance(payload.get("state"), dict):
        raise _foreign(path, f"it is a torch file holding a {type(payload).__name__} without the {FORMAT!r} marker")
    if marker.get("version") != VERSION:
        raise _foreign(path, f"it has format version {marker.get('version')!r}; this code reads version {VERSION}")
    if marker.get("kind") != kind:
        raise _foreign(path, f"it is a {marker.get('kind')!r} checkpoint, and this is a {kind!r} run")
    return payload["state"]


def load_matching(path: str | Path, kind: str, key: str, settings: dict, what: str) -> dict:
    """:func:`load`, then the check every resume makes: the settings the checkpoint was saved
    with (``state[key]``) are this run's ``settings``; otherwise a :class:`CheckpointError` that
    names the ones that differ (``what``: the run, in words, e.g. "a pre-training run")."""
    path = Path(path)
    state = load(path, kind)
    saved = state.get(key)
    differ = [k for k in settings if not isinstance(saved, dict) or saved.get(k) != settings[k]]
    if differ:
        raise CheckpointError(
            f"checkpoint {path} is of {what} with other settings (its {', '.join(differ)} differ from this run's). "
            "Delete it to start the run afresh, or pass another checkpoint path.")
    return state


def _unreadable(path: Path, e: Exception) -> CheckpointError:
    """The error for a file torch could not read weights-only. Every :func:`torch.save` file is
    a zip archive: a whole archive that fails to unpickle holds objects other than plain data;
    anything else is damaged (or no torch file at all)."""
    if isinstance(e, pickle.UnpicklingError) and zipfile.is_zipfile(path):
        return _foreign(path, "it holds Python objects other than plain data, which could run code when "
                              f"loaded (torch refused: {_refusal(e)})")
    return CheckpointError(
        f"checkpoint {path} is corrupt or truncated, or no torch file at all ({type(e).__name__}: "
        f"{_refusal(e)}); nothing in it was executed. Delete it to start the run afresh.")


def _foreign(path: Path, why: str) -> CheckpointError:
    return CheckpointError(
        f"{path} is not a checkpoint this run can resume from: {why}. It was refused and nothing in it was "
        f"executed. Delete it to start the run afresh (or pass another checkpoint path).")


def _refusal(e: Exception) -> str:
    """The informative line of torch's error (its weights-only errors open with boilerplate)."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    boilerplate = ("Weights only load failed", "Please file an issue", "Check the documentation")
    useful = [line for line in lines if not line.startswith(boilerplate)]
    first = (useful or lines or ["no detail"])[0]
    return first.split(". ")[0].rstrip(".")


# --------------------------------------------------------------------------- DataFrames

def frame_state(df: pd.DataFrame) -> dict:
    """``df`` as plain containers: its columns and index labels, and per column the values
    (a tensor for bool/int/float columns, a list of Python scalars for object and string
    columns) with the dtype's name. :func:`frame_from_state` rebuilds it exactly."""
    return {
        "columns": _index_state(df.columns, "the column labels"),
        "index": _index_state(df.index, "the index"),
        "data": [_values_state(df.iloc[:, i], f"column {label!r}") for i, label in enumerate(df.columns)],
    }


def frame_from_state(d: dict) -> pd.DataFrame:
    """The DataFrame stored by :func:`frame_state`: same values, column order, dtypes, index."""
    index = _index_from_state(d["index"])
    arrays = [_values_from_state(v) for v in d["data"]]
    df = pd.DataFrame({i: pd.Series(a, index=index, dtype=a.dtype, copy=False) for i, a in enumerate(arrays)}, index=index)
    df.columns = _index_from_state(d["columns"])
    return df


def _index_state(index: pd.Index, what: str) -> dict:
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "name": index.name}
    if isinstance(index, pd.MultiIndex):
        raise TypeError(f"a checkpoint cannot hold a DataFrame whose {what} is a MultiIndex; reset_index() first")
    return {"values": _values_state(index, what), "name": index.name}


def _index_from_state(d: dict) -> pd.Index:
    if "range" in d:
        return pd.RangeIndex(*d["range"], name=d["name"])
    values = _values_from_state(d["values"])
    return pd.Index(values, dtype=values.dtype, name=d["name"], copy=False)


def _values_state(values: pd.Series | pd.Index, what: str) -> dict:
    """One column's (or index's) values and dtype as plain data."""
    dtype = values.dtype
    if str(dtype) in _TENSOR_DTYPES:
        return {"dtype": str(dtype), "tensor": torch.from_numpy(np.array(values.to_numpy(), copy=True))}
    if isinstance(dtype, pd.StringDtype):
        return {"dtype": "string", "storage": dtype.storage, "na_is_nan": isinstance(dtype.na_value, float),
                "list": [None if pd.isna(v) else v for v in values.tolist()]}
    if dtype == object:
        items = values.tolist()
        bad = next((v for v in items if type(v) not in _PLAIN_SCALARS), None)
        if bad is not None:
            raise TypeError(f"{what} holds a {type(bad).__name__} ({bad!r}); a checkpoint's object columns may "
                            f"hold only bool, int, float, str and None")
        return {"dtype": "object", "list": items}
    raise TypeError(f"{what} has dtype {dtype}, which a checkpoint cannot hold "
                    f"(only bool, int, uint8, float, string and object columns)")


def _values_from_state(d: dict) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The values stored by :func:`_values_state`, with their dtype (callers must pass it on:
    pandas would infer ``str`` for an object array of strings)."""
    if "tensor" in d:
        return d["tensor"].numpy().astype(d["dtype"], copy=False)
    if d["dtype"] == "string":
        return pd.array(d["list"], dtype=pd.StringDtype(d["storage"], na_value=np.nan if d["na_is_nan"] else pd.NA))
    out = np.empty(len(d["list"]), dtype=object)
    out[:] = d["list"]
    return out


# --------------------------------------------------------------------------- chunks of a run

class ChunkPaused(Exception):
    """Raised by a training loop once the work budget it was given
    (:class:`glorot.run_settings.WorkBudget`, in its ``settings``) is spent and the run's state
    is saved in its checkpoint: the next chunk resumes from there."""
