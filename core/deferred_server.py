"""The drawing process of a run: forked when the first step that runs starts (or, when every
step will run, as soon as review.yaml is read: ``deferred.early_server``), it imports what the
deferred jobs need (matplotlib: ``PipelineStep.preloads``) while the early steps run on
the other core, then runs each job it is sent in a process forked from itself.

Why: the run's own process would otherwise import matplotlib (about 0.6 s) on the way
from the appraise step to the report, while the second core idles through the import,
dedupe and screen steps. A job is sent pickled (a reporter's ``render`` and its data), so
only jobs that pickle are drawn here; :class:`evidencekit.core.deferred.Deferred` forks
the others from the run's process as before.

Protocol: the run sends ``(job id, pickled job)`` and ``None`` to stop; each job's
process sends ``(job id, "ok" | "error", message)`` back on one shared pipe (a few
hundred bytes, written at once, so the messages of jobs ending together do not mix).
A job's process that ends without a result is reported by the drawing process.
Every process here is killed when the one that forked it dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Any

from evidencekit.core.errors import EvidencekitError


class Server:
    """The run's side of the drawing process."""

    def __init__(self, preloads: Sequence[str]) -> None:
        from evidencekit.core.forking import fork_context

        context = fork_context()
        requests_in, self.requests = context.Pipe(duplex=False)
        self.results, results_out = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(requests_in, results_out, list(preloads), self.results)
        )
        self.process.start()  # not a daemon: its jobs' processes may fork in turn
        requests_in.close()
        results_out.close()

    def submit(self, job_id: int, payload: bytes) -> None:
        self.requests.send((job_id, payload))

    def receive(self) -> tuple[int, str, str | None]:
        """The next job's result; EOFError when the drawing process is gone."""
        return self.results.recv()

    def close(self, wait: bool) -> None:
        """Let the drawing process end once its jobs have (``wait``), else end it now; a
        second call does nothing."""
        if self.requests.closed:
            return
        if wait:
            with contextlib.suppress(OSError):  # gone already
                self.requests.send(None)
            self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()  # its jobs' processes die with it
            self.process.join()
        self.requests.close()
        self.results.close()


def _serve(requests: Any, results: Any, preloads: list[str], inherited: Any) -> None:
    import gc
    from multiprocessing.connection import wait

    from evidencekit.core.forking import fork_context

    die_with_parent()
    inherited.close()  # the run's read end: only the run reads results
    import_all(preloads)
    gc.freeze()  # the jobs' processes do not traverse (and copy) what was imported
    context = fork_context()
    running: dict[int, tuple[int, Any]] = {}  # sentinel -> (job id, process)
    stopping = False
    while running or not stopping:
        ready = wait(([] if stopping else [requests]) + list(running))
        for item in ready:
            if item is requests:
                try:
                    message = requests.recv()
                except EOFError:
                    message = None
                if message is None:
                    stopping = True
                    continue
                job_id, payload = message
                process = context.Process(target=_work, args=(job_id, payload, results))
                process.start()
                running[process.sentinel] = (job_id, process)
            else:
                job_id, process = running.pop(item)
                process.join()
                if process.exitcode != 0:
                    results.send(
                        (
                            job_id,
                            "error",
                            "its figure process ended without a result "
                            f"(exit code {process.exitcode})",
                        )
                    )


def _work(job_id: int, payload: bytes, results: Any) -> None:
    import gc
    import pickle

    gc.freeze()
    die_with_parent()
    try:
        pickle.loads(payload)()
        result: tuple[int, str, str | None] = (job_id, "ok", None)
    except Exception as exc:
        result = (job_id, "error", describe(exc)[:3000])
    try:
        results.send(result)
    except OSError:  # the run is gone: nobody wants the result
        os._exit(1)


def import_all(names: Sequence[str]) -> None:
    """Import each module of ``names`` (a step's ``preloads``); one that fails to import is
    skipped: a job that needs it will say what is wrong."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112
            continue


def describe(exc: BaseException) -> str:
    """An error as the run reports it: the message of ours, the type too of any other."""
    if isinstance(exc, EvidencekitError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def die_with_parent() -> None:
    """Linux: be killed (SIGKILL) when the process that forked this one dies."""
    import ctypes
    import signal

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(1)
