"""The wall-clock time a run would take on two free cores, from what it did on a busy
machine (used by ``_critical_path.py`` for runs that hand figure jobs to a drawing
process, ``evidencekit.core.deferred``).

Recorded: the run's own process as segments of its CPU time between events (a job handed
over, a wait for jobs, a ``run_jobs`` call's other shares started and waited for), the
drawing process's import of the preloads, and each job's CPU time (its own process and the
processes it forked, taken as two parts running side by side). Replayed: every process
runnable at a moment gets an equal share of the two cores (at most one core each); a job
sent to the drawing process starts only once its imports are done. Fork and pipe costs are
in the CPU times measured; cache effects of a busy machine make every figure a little
larger than on a free one.
"""

from __future__ import annotations

from typing import Any


def simulate(ops: list[tuple[Any, ...]], tasks: dict[str, tuple[float, str | None]]) -> float:
    """``ops``: the run's process, in order: ("run", cpu), ("spawn", [task ids]),
    ("block", [task ids]). ``tasks``: id -> (cpu, id of a task it starts after, or None).
    The time at which the run's process ends."""
    cores = 2.0
    now = 0.0
    done: set[str] = set()
    waiting: dict[str, tuple[float, str]] = {}  # spawned, its dependency not yet done
    active: dict[str, float] = {}
    steps = iter(ops)
    parent: float | None = None  # CPU left in the current segment
    blocked: set[str] = set()

    def release() -> None:
        for key, (cpu, after) in list(waiting.items()):
            if after in done:
                del waiting[key]
                active[key] = cpu

    while True:
        while parent is None and not blocked:
            op = next(steps, None)
            if op is None:
                return now
            if op[0] == "run":
                parent = max(op[1], 0.0)
            elif op[0] == "spawn":
                for key in op[1]:
                    cpu, after = tasks.get(key, (0.0, None))
                    if after is None or after in done:
                        active[key] = cpu
                    else:
                        waiting[key] = (cpu, after)
            else:
                blocked = {k for k in op[1] if k not in done}
        runnable = len(active) + (1 if parent is not None else 0)
        if runnable == 0:  # blocked on something never spawned: give up waiting
            blocked = set()
            continue
        rate = min(1.0, cores / runnable)
        left = [*active.values(), *([parent] if parent is not None else [])]
        step = min(left) / rate
        now += step
        for key in list(active):
            active[key] -= step * rate
            if active[key] <= 1e-9:
                del active[key]
                done.add(key)
        if parent is not None:
            parent -= step * rate
            if parent <= 1e-9:
                parent = None
        release()
        blocked -= done
