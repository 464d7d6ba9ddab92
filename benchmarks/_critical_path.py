"""Run ``evidencekit run --review DIR`` in this process with the figure jobs timed, and print
one JSON line on standard error: the CPU seconds of this process and of its forked
children, and the CPU seconds that ran beside other work (for each ``run_jobs`` call, every
share but the longest). Total CPU minus that is the run's critical path: its wall-clock time
on free cores, which a shared machine cannot show. Used by ``pipeline_run.py
--critical-path``; it times, it changes nothing the run writes.

A commit whose steps hand their figures to the run (``core/deferred.py``: figures drawn
beside later steps, in a drawing process) is not serial but for ``run_jobs``: for it the
line also has ``two_cores``, the run replayed on two free cores from its recorded CPU
segments and jobs (``_two_cores.py``), which ``pipeline_run.py`` reports instead.
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
        import evidencekit.core.parallel as parallel
    except ImportError:  # a commit from before figures were drawn side by side
        parallel = None
    original = parallel.run_jobs if parallel else None

    def timed(job: Callable[[], Any]) -> Callable[[], tuple[Any, float, int]]:
        def run() -> tuple[Any, float, int]:
            began = time.process_time()
            result = job()
            return result, time.process_time() - began, os.getpid()

        return run

    main_pid = os.getpid()
    record = _Record()

    def run_jobs(jobs: list[Callable[[], Any]]) -> list[Any]:
        if parallel._sharing or os.getpid() != main_pid:  # part of a job's time
            return original(jobs)
        keys = [f"rj{len(calls)}.{n}" for n in range(1, parallel.processes(len(jobs)))]
        record.mark(("spawn", keys))
        results = original([timed(job) for job in jobs])
        shares: dict[int, float] = {}
        for _, seconds, pid in results:
            shares[pid] = shares.get(pid, 0.0) + seconds
        calls.append(sorted(shares.values(), reverse=True))
        others = [cpu for pid, cpu in shares.items() if pid != main_pid]
        record.tasks.update({key: (cpu, None) for key, cpu in zip(keys, others, strict=False)})
        record.mark(("block", keys))
        return [result for result, _, _ in results]

    if parallel is not None:
        parallel.run_jobs = run_jobs  # the steps import it when they run
    record.patch()
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
        if record.patched:
            figures["two_cores"] = record.two_cores()
        print(json.dumps(figures), file=sys.stderr)


class _Record:
    """What ``_two_cores.simulate`` replays: the run's process's segments and events, and
    the CPU time of the drawing process's imports and of each job (appended to a file by
    those processes)."""

    def __init__(self) -> None:
        import tempfile

        self.ops: list[tuple[Any, ...]] = []
        self.tasks: dict[str, tuple[float, str | None]] = {}
        self.last = 0.0
        self.patched = False
        handle, self.log = tempfile.mkstemp(suffix=".jsonl")
        os.close(handle)

    def mark(self, op: tuple[Any, ...]) -> None:
        now = time.process_time()
        self.ops += [("run", now - self.last), op]
        self.last = now

    def write(self, **entry: Any) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def patch(self) -> None:
        """Time the drawing process and the jobs (a commit with ``core/deferred.py``)."""
        try:
            from evidencekit.core import deferred, deferred_server
        except ImportError:
            return
        from fnmatch import fnmatchcase

        self.patched = True
        record = self
        cls = deferred.Deferred
        add, wait = cls.add, cls.wait
        serve, work = deferred_server._serve, deferred_server._work

        server_init = deferred_server.Server.__init__

        def timed_server(self: Any, *args: Any) -> None:
            # wherever it is forked: at the first step that runs, or before the review's
            # checks (core.deferred.early_server); a run forks at most one
            server_init(self, *args)
            record.mark(("spawn", ["preload"]))

        deferred_server.Server.__init__ = timed_server

        def timed_add(self: Any, step: str, job: Any, files: Any) -> None:
            sent = self.sent
            add(self, step, job, files)
            if self.sent != sent:
                record.mark(("spawn", [f"job{self.sent}.self", f"job{self.sent}.kids"]))

        def timed_wait(self: Any, patterns: Any = None) -> None:
            keys = [
                f"job{j.sent}.{part}"
                for j in self.jobs
                if j.sent is not None
                and (patterns is None or any(fnmatchcase(f, p) for f in j.files for p in patterns))
                for part in ("self", "kids")
            ]
            record.mark(("block", keys))
            wait(self, patterns)

        def timed_serve(requests: Any, results: Any, preloads: list[str], *rest: Any) -> None:
            import importlib

            began = time.process_time()
            for name in preloads:
                importlib.import_module(name)
            record.write(task="preload", cpu=time.process_time() - began)
            serve(requests, results, preloads, *rest)

        def timed_work(job_id: int, *rest: Any) -> None:
            try:
                work(job_id, *rest)
            finally:
                own = resource.getrusage(resource.RUSAGE_SELF)
                kids = resource.getrusage(resource.RUSAGE_CHILDREN)
                record.write(
                    task=f"job{job_id}",
                    own=own.ru_utime + own.ru_stime,
                    kids=kids.ru_utime + kids.ru_stime,
                )

        cls.add, cls.wait = timed_add, timed_wait
        deferred_server._serve, deferred_server._work = timed_serve, timed_work

    def two_cores(self) -> float:
        """The run's wall-clock time on two free cores (``_two_cores.simulate``)."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from _two_cores import simulate

        self.ops.append(("run", time.process_time() - self.last))
        with open(self.log, encoding="utf-8") as handle:
            for line in handle:
                entry = json.loads(line)
                if entry["task"] == "preload":
                    self.tasks["preload"] = (entry["cpu"], None)
                else:
                    self.tasks[entry["task"] + ".self"] = (entry["own"], "preload")
                    self.tasks[entry["task"] + ".kids"] = (entry["kids"], "preload")
        os.unlink(self.log)
        return simulate(self.ops, self.tasks)


if __name__ == "__main__":
    main()
