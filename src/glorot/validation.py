"""Argument checks shared by every module: bad input fails before any compute, and the
message names the valid choices."""

from __future__ import annotations

from typing import Iterable


def check_choice(what: str, value, valid: Iterable) -> str:
    """Return ``value`` if it is one of ``valid``; otherwise raise a ValueError that names
    every valid choice, e.g. ``unknown activation 'foo'; valid: sigmoid, tanh, softsign``."""
    valid = list(valid)
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}; valid {what}s: {', '.join(map(str, valid))}")
    return value


def check_positive_int(what: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer >= ``minimum``; else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) and not (hasattr(value, "__index__")):
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value}")
    return value


def check_positive_float(what: str, value, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is finite and > 0 (>= 0 with ``allow_zero``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if v != v or v in (float("inf"), float("-inf")) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{what} must be a finite number {'>=' if allow_zero else '>'} 0, got {value!r}")
    return v


def check_device(device) -> str:
    """``cpu``, ``cuda`` or ``cuda:N``; a CUDA device must be present."""
    import torch

    if not isinstance(device, (str, torch.device)):
        raise ValueError(f"device must be a string such as 'cpu', 'cuda' or 'cuda:0', got {device!r} ({type(device).__name__})")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"unknown device {device!r}; valid devices: cpu, cuda, cuda:N") from None
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {device!r}; valid devices: cpu, cuda, cuda:N")
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but torch sees no CUDA device here; use device='cpu'")
    return str(device)
