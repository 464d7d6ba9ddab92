"""Independent jobs (figures, slices of a de-duplication) on the machine's cores: one share
in this process, the others in forked child processes.

Why: a fresh run of the worked example spends most of its time drawing figures (two
quality plots of about half a second each, the PRISMA PDF whose font subsetting alone
takes as long as the SVG and PNG together). Those jobs share nothing, and on two cores
the second can be drawn while the first is. Children are forked (POSIX ``fork``), so a
job is any closure over the figure or data already in memory: nothing is pickled on the
way in, only each job's result (file bytes) on the way out, and matplotlib, imported
before the fork, is not imported again. The jobs only compute; the caller writes the
files, so the output is the same bytes in the same order as a serial run.

Runs serially (in this process, in order) when there is one job, one usable core, no
``fork`` start method (Windows, or macOS where fork is unsafe), another thread alive
(forking a threaded process can deadlock the child), or when the environment variable
``EVIDENCEKIT_PLOT_PROCESSES`` is ``1``; it caps the number of processes otherwise. Jobs
started by a job (a step's plots beside its statistics, each plot's own figures) run in
turn in the process running that job: the cores are already shared out.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from evidencekit.core.forking import fork_context, usable_cores

T = TypeVar("T")
ENV = "EVIDENCEKIT_PLOT_PROCESSES"
#: True while run_jobs shares jobs out (children inherit it): the cores are taken, so a
#: job's own jobs run in turn, in whichever process runs that job.
_sharing = False


def processes(jobs: int) -> int:
    """How many processes (this one included) to run ``jobs`` jobs in."""
    if jobs < 2 or _sharing:
        return 1
    return min(usable_cores(ENV), jobs)


def run_jobs(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Each job's result, in the order of ``jobs``.

    The jobs are dealt round-robin to :func:`processes` shares; this process runs the
    first share while forked children run the others. A job's exception is raised here
    (the first one, in job order) after every child has finished.
    """
    global _sharing
    count = processes(len(jobs))
    if count == 1:
        return [job() for job in jobs]
    context = fork_context()
    shares = [list(range(start, len(jobs), count)) for start in range(count)]
    children = []
    _sharing = True
    # Objects the collector has frozen are not traversed again, so a child's collections
    # do not touch (and so copy) the pages it shares with this process (gc.freeze docs).
    gc.freeze()
    try:
        for share in shares[1:]:
            receive, send = context.Pipe(duplex=False)
            # The child closes the read ends it inherits (its own and earlier children's):
            # were the parent killed (kill -9), a child still holding a read end would block
            # for ever writing a result larger than the pipe's buffer.
            inherited = [receive, *(r for _, _, r in children)]
            child = context.Process(target=_child, args=(send, [jobs[i] for i in share], inherited))
            child.daemon = True  # never outlives this process
            child.start()
            send.close()
            children.append((share, child, receive))
        outcomes: dict[int, tuple[str, Any]] = {}
        for index in shares[0]:
            try:
                outcomes[index] = ("ok", jobs[index]())
            except Exception as exc:
                outcomes[index] = ("error", exc)
        for share, child, receive in children:
            try:
                results = receive.recv()
            except EOFError:
                child.join()
                results = [
                    (
                        "error",
                        RuntimeError(
                            f"a figure process ended without a result (exit code {child.exitcode})"
                        ),
                    )
                ] * len(share)
            outcomes.update(zip(share, results, strict=True))
            child.join()
    finally:
        gc.unfreeze()
        _sharing = False
        for _, child, receive in children:
            if child.is_alive():
                child.terminate()
                child.join()
            receive.close()
    out = []
    for index in range(len(jobs)):
        status, value = outcomes[index]
        if status == "error":
            raise value
        out.append(value)
    return out


def _child(send: Any, jobs: list[Callable[[], Any]], inherited: list[Any]) -> None:
    """Run ``jobs`` in order and send back ``[(status, result or exception), ...]``;
    ``inherited`` are the read ends this process holds only because it was forked."""
    for receive in inherited:
        receive.close()
    results: list[tuple[str, Any]] = []
    for job in jobs:
        try:
            results.append(("ok", job()))
        except Exception as exc:
            results.append(("error", _portable(exc)))
    try:
        send.send(results)
    except BrokenPipeError:
        # The parent is gone (killed): nobody wants the results; end without a traceback.
        os._exit(1)
    finally:
        send.close()


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling both ways (what the parent receives), else a
    RuntimeError with its type and message, so the parent still says what went wrong."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
