"""Whether work may be shared out to forked processes here, and on how many cores.

One answer for every place that forks (figures drawn beside the run, figure jobs shared
out, files parsed ahead): fork is safe and the default on Linux; elsewhere it is unsafe
(macOS) or absent (Windows); forking a process with another thread alive can deadlock
the child. An environment variable set to a number caps the cores (``1``: no fork).
"""

from __future__ import annotations

import os
import sys
from typing import Any


def usable_cores(env: str) -> int:
    """The cores work may be shared out to (this process's included): 1 where forking is
    unsafe or impossible, else the usable cores, capped by the number in ``env``."""
    import multiprocessing
    import threading

    if not sys.platform.startswith("linux"):
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    wanted = os.environ.get(env, "").strip()
    if wanted.isdigit():  # anything else is ignored, as an unset variable would be
        cores = min(cores, max(1, int(wanted)))
    return max(1, cores)


def fork_context() -> Any:
    """multiprocessing's ``fork`` context, with this process's pending standard output and
    error flushed first: a forked child would otherwise write them again when it exits."""
    import multiprocessing

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    return multiprocessing.get_context("fork")
