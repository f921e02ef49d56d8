"""Typed configurations: every knob of an experiment with its type, valid range and unit.

An experiment's configuration is a frozen dataclass whose fields are declared with
:func:`knob`. :func:`build` makes one from plain values (a chapter's parameters, papermill's
``-p``/``-r``/``-y``, the CLI's ``--set``) and checks *every* field before anything is
computed: a wrong type (``seed="abc"``, ``width=16.7``, a string where a list is expected),
zero or negative where a count is needed, NaN or infinity, an empty list, a value beyond
reason (``updates=1e12``) each raise a ValueError that names the field and its valid values::

    updates must be an integer in [1, 100,000,000] (minibatch updates of 10 examples), got 1e+12

A learning rate stays the float the user gave (it is never rounded through float32); lists
are held as tuples (the dataclass is frozen) and written to JSON as lists.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

KINDS = ("int", "float", "bool", "str")


@dataclass(frozen=True)
class Knob:
    """What a configuration field may hold.

    ``kind``: int, float, bool or str; ``many``: a list of such values (``min_items`` to
    ``max_items`` of them); ``lo``/``hi``: the inclusive range (``lo_open``: ``lo`` itself
    excluded, e.g. a learning rate > 0); ``choices``: a callable returning the valid strings;
    ``optional``: None is allowed (e.g. "torch's default"); ``unit`` and ``doc`` go into the
    error messages and ``python -m glorot list``.
    """

    kind: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    unit: str = ""
    doc: str = ""
    choices: Callable[[], tuple] | None = None
    many: bool = False
    min_items: int = 1
    max_items: int | None = None
    optional: bool = False
    omit_at_default: bool = False
    """A knob added after runs were archived: at its default (which reproduces what the code
    did before it existed) it is left out of :meth:`Config.to_dict`, so those runs keep their
    configuration and their archive key."""

    def describe(self) -> str:
        """The valid values in words: ``an integer in [1, 100,000,000] (updates)``."""
        if self.choices is not None:
            what = "one of " + ", ".join(map(str, self.choices()))
        else:
            what = {"int": "an integer", "float": "a finite number", "bool": "True or False", "str": "a string"}[self.kind]
            if self.lo is not None or self.hi is not None:
                lo = "-inf" if self.lo is None else _fmt(self.lo)
                hi = "inf" if self.hi is None else _fmt(self.hi)
                what += f" in {'(' if self.lo_open else '['}{lo}, {hi}]"
        if self.unit:
            what += f" ({self.unit})"
        if self.many:
            most = f"at most {self.max_items}" if self.max_items else ""
            count = f"{self.min_items} or more" if not most else (f"{self.min_items} to {self.max_items}")
            what = f"a list of {count} values, each {what}"
        if self.optional:
            what += ", or None"
        return what


def _fmt(v: float) -> str:
    if isinstance(v, int) or float(v).is_integer() and abs(v) >= 1000:
        return f"{int(v):,}"
    return f"{v:g}"


def knob(default, kind: str, **spec) -> Any:
    """A dataclass field of a configuration, with its :class:`Knob` in the metadata."""
    if kind not in KINDS:
        raise ValueError(f"knob kind must be one of {KINDS}, got {kind!r}")
    k = Knob(kind, **spec)
    if k.many and default is not None:
        default = tuple(default)
    return field(default=default, metadata={"knob": k})


ConfigError = ValueError
"""The error a bad configuration value raises (before any compute): a plain ValueError, so
that chapters, papermill and the CLI report it as such."""


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_scalar(name: str, value, k: Knob):
    """``value`` converted to the knob's kind, or a ConfigError naming ``name``."""
    def bad(why: str = ""):
        shown = f"{value!r}" + (f" ({type(value).__name__})" if isinstance(value, (str, bool)) or value is None else "")
        return ConfigError(f"{name} must be {k.describe()}, got {shown}{why}")

    if value is None:
        if k.optional:
            return None
        raise bad()
    if k.kind == "bool":
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            return bool(value)
        raise bad()
    if k.kind == "str":
        if not isinstance(value, str):
            raise bad()
        if k.choices is not None and value not in k.choices():
            base = name.split("[")[0]
            noun = base[:-1] if base.endswith("s") else base  # "activations" -> "unknown activation"
            raise ConfigError(f"unknown {noun} {value!r} for {base}; valid {noun}s: {', '.join(map(str, k.choices()))}")
        return value
    if isinstance(value, (str, bool)) or not isinstance(value, numbers.Real):
        raise bad()
    if k.kind == "int":
        if not _is_int(value):
            if not (isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer()):
                raise bad()
        v = int(value)
    else:
        v = float(value)
        if not math.isfinite(v):
            raise bad()
    if k.lo is not None and (v < k.lo or (k.lo_open and v == k.lo)):
        raise bad()
    if k.hi is not None and v > k.hi:
        raise bad()
    return v


def check_value(name: str, value, k: Knob):
    """``value`` checked and converted for the knob ``k`` (lists become tuples)."""
    if not k.many:
        return _check_scalar(name, value, k)
    if value is None and k.optional:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        shown = f"{value!r} ({type(value).__name__})"
        raise ConfigError(f"{name} must be {k.describe()}, got {shown}; write a list, e.g. [{value!r}]")
    if len(value) < k.min_items or (k.max_items is not None and len(value) > k.max_items):
        raise ConfigError(f"{name} must be {k.describe()}, got {len(value)} values: {list(value)!r}")
    return tuple(_check_scalar(f"{name}[{i}]", v, dataclasses.replace(k, many=False, optional=False)) for i, v in enumerate(value))


@dataclass(frozen=True)
class Config:
    """Base of every experiment's configuration. Read fields as attributes (``cfg.updates``)
    or by name (``cfg["updates"]``, for code that loops over names)."""

    NAME: ClassVar[str] = ""

    def __getitem__(self, name: str):
        if name not in self.field_names():
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default=None):
        return getattr(self, name) if name in self.field_names() else default

    def __contains__(self, name: str) -> bool:
        return name in self.field_names()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def knobs(cls) -> dict[str, Knob]:
        return {f.name: f.metadata["knob"] for f in dataclasses.fields(cls)}

    def to_dict(self) -> dict:
        """Plain JSON-ready values (tuples as lists), in field order: what the archive stores
        and hashes."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.metadata["knob"].omit_at_default and v == f.default:
                continue
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    def keys(self):
        return self.field_names()

    def items(self):
        return self.to_dict().items()

    def replace(self, **changes) -> "Config":
        """A copy with ``changes``, checked like any other configuration."""
        return build(type(self), self.to_dict() | changes)

    def check(self) -> None:
        """Checks between fields (e.g. ``eval_every <= updates``); subclasses extend it."""


def check_at_most(cfg: Config, name: str, limit_name: str) -> None:
    """``cfg.<name>`` must not exceed ``cfg.<limit_name>`` (an interval within the run)."""
    v, limit = getattr(cfg, name), getattr(cfg, limit_name)
    if v is not None and v > limit:
        raise ConfigError(f"{name} must be at most {limit_name} ({limit:,}), got {v:,}")


def check_same_length(cfg: Config, name: str, other: str) -> None:
    """``cfg.<name>`` must hold one value per entry of ``cfg.<other>``."""
    a, b = getattr(cfg, name), getattr(cfg, other)
    if len(a) != len(b):
        raise ConfigError(f"{name} must give one value per entry of {other} {list(b)}: {len(b)} values, got {list(a)}")


def build(cls: type[Config], values: dict) -> Config:
    """A ``cls`` from ``values`` (name -> value), every field checked; unknown names are an
    error that lists the valid ones."""
    knobs = cls.knobs()
    unknown = [k for k in values if k not in knobs]
    if unknown:
        raise ConfigError(f"unknown parameter {unknown[0]!r} for {cls.NAME or cls.__name__}; valid parameters: {', '.join(knobs)}")
    checked = {name: check_value(name, v, knobs[name]) for name, v in values.items()}
    cfg = cls(**checked)
    cfg.check()
    return cfg
