"""Run ``evidencekit run --review DIR`` in this process with the figure jobs timed, and print
one JSON line on standard error: the CPU seconds of this process and of its forked
children, and the CPU seconds that ran beside other work (for each ``run_jobs`` call, every
share but the longest). Total CPU minus that is the run's critical path: its wall-clock time
on free cores, which a shared machine cannot show. Used by ``pipeline_run.py
--critical-path``; it times, it changes nothing the run writes.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

START = time.perf_counter()


def main() -> None:
    from evidencekit.core.cli import main as cli

    calls: list[list[float]] = []
    try:
        import evidencekit.plugins.reporters._parallel as parallel
    except ImportError:  # a commit from before figures were drawn side by side
        parallel = None
    original = parallel.run_jobs if parallel else None

    def timed(job: Callable[[], Any]) -> Callable[[], tuple[Any, float, int]]:
        def run() -> tuple[Any, float, int]:
            began = time.process_time()
            result = job()
            return result, time.process_time() - began, os.getpid()

        return run

    def run_jobs(jobs: list[Callable[[], Any]]) -> list[Any]:
        if parallel._sharing:  # a job's own jobs: part of that job's time
            return original(jobs)
        results = original([timed(job) for job in jobs])
        shares: dict[int, float] = {}
        for _, seconds, pid in results:
            shares[pid] = shares.get(pid, 0.0) + seconds
        calls.append(sorted(shares.values(), reverse=True))
        return [result for result, _, _ in results]

    if parallel is not None:
        parallel.run_jobs = run_jobs  # the steps import it when they run
    try:
        cli(["run", "--review", sys.argv[1]])
    except SystemExit as exc:
        if exc.code:
            raise
    finally:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        figures = {
            "this_process": own.ru_utime + own.ru_stime,
            "children": children.ru_utime + children.ru_stime,
            "beside": sum(sum(c) - c[0] for c in calls),
            "shares": calls,
            "wall": time.perf_counter() - START,
        }
        print(json.dumps(figures), file=sys.stderr)


if __name__ == "__main__":
    main()
