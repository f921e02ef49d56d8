"""What machine this is: the CPU model that names a host in provenance (``archive.device_name``)
and in the benchmark records that the estimator reads (``budget.host_rates``). The project's
machines alternate between AMD EPYC and Intel Xeon CPUs, and a figure measured on one is
compared only with figures measured on the same."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    """This host's CPU model name (``/proc/cpuinfo``'s first ``model name``; else what
    :mod:`platform` says)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"
