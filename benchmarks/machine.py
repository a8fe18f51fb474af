"""What a benchmark ran on, recorded with its results: a 60 s target means little without the clock
behind it (the same search ran about twice as fast on one 2-core machine as on another)."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The processor's model name (Linux reports it in ``/proc/cpuinfo``), else what ``platform`` knows."""
    try:
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """Columns for a results row: the processor and its core count, and the versions that decide speed."""
    return {
        "machine": f"{cpu_model()}, {os.cpu_count() or '?'} cores, {platform.machine()}",
        "python": platform.python_version(),
        "ortools": _version("ortools"),
    }


def describe() -> str:
    """One line for a benchmark's printout: the machine, then the versions."""
    info = machine()
    return f"{info['machine']}; Python {info['python']}, OR-Tools {info['ortools']}"
