"""What every benchmark prints about the machine it ran on, so that figures can be compared."""

from __future__ import annotations

import os
import platform

import cssegment as cs
import numpy as np
import pandas as pd


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_note(**peers: str) -> str:
    """CPU, usable cores and the versions of cssegment and of each peer library given."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {"Python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__, **peers}
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    return f"{cpu_model()}, {usable} usable cores; {listed}, cssegment {cs.__version__}"
