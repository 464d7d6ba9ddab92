"""Jobs a pipeline step hands to the run: drawn while later steps run.

Why: a fresh run of the worked example spends most of its time drawing figures, and a
step used to wait for its own figures before the next step started. A step that knows
the names of the files a job will write hands the job to the run
(:meth:`evidencekit.core.steps.StepContext.defer`); the run starts it in another process at
once and goes on with the next step, so the figures are drawn on the other
core while the later steps compute. The run waits for every job before a step that reads
files earlier steps wrote (``PipelineStep.reads_staged_files``: the report waits for the
jobs writing SVG files, which it inlines) and before it records ``run.json`` and publishes
anything.

Where a job runs: a job that pickles (a reporter's ``render`` with its data) is sent to
the run's drawing process (:mod:`evidencekit.core.deferred_server`), forked when the first
step that runs starts (or before the review's checks, when every step will run:
:func:`early_server`), which has imported what the jobs need (``PipelineStep.preloads``: matplotlib)
on the other core during the early steps, so the run's own process never imports it; any
other job (a closure) is forked from the run's process when handed over.

A job writes its files into the run's staging folder itself (atomically, as the
reporters do) and returns; only a short result (ok, or the error) comes back through a
pipe, so a child never waits for the parent to read. A failed job fails the run, named
by its step, and nothing is published: the run stops its other jobs and removes the
staging folder as it does after any failed step. A child asks Linux to kill it when the
run's process dies (``PR_SET_PDEATHSIG``), so a killed run leaves no job drawing on.

Jobs run in turn in this process instead (when handed over, so nothing changes but the
order in time) where a fork is unsafe or pointless: not Linux, no ``fork`` start method,
another thread alive, one usable core, or ``EVIDENCEKIT_PLOT_PROCESSES=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencekit.core.deferred_server import Server
from evidencekit.core.deferred_server import describe as _describe
from evidencekit.core.deferred_server import die_with_parent as _die_with_parent
from evidencekit.core.deferred_server import import_all as _import_all
from evidencekit.core.errors import PipelineError
from evidencekit.core.forking import fork_context
from evidencekit.core.forking import usable_cores as _usable_cores

#: The environment variable that caps the processes figures are drawn in (1: no fork).
ENV = "EVIDENCEKIT_PLOT_PROCESSES"


def usable_cores() -> int:
    """How many processes may draw at once: 1 where forking is unsafe or impossible
    (not Linux, no ``fork``, another thread alive), else the usable cores, capped by
    ``EVIDENCEKIT_PLOT_PROCESSES``."""
    return _usable_cores(ENV)


@dataclass
class _Job:
    step: str  # "step 4 (appraise)": how an error names it
    files: list[str]
    process: Any = None  # forked from the run's process
    receive: Any = None
    sent: int | None = None  # or the id of the job sent to the drawing process


class Deferred:
    """The jobs handed over during one run (see the module's docstring)."""

    def __init__(self, staging: Path, early: EarlyServer | None = None) -> None:
        self.staging = staging
        self.jobs: list[_Job] = []
        self.preloads: list[str] = []
        self.server: Any = None
        self.early = early  # a drawing process forked before the run began (early_server)
        self.results: dict[int, tuple[str, str | None]] = {}  # replies not yet used
        self.sent = 0
        self.started = False

    def start(self, steps: Sequence[Any], chosen: Container[int]) -> None:
        """Fork the drawing process (:mod:`evidencekit.core.deferred_server`), which
        imports the ``preloads`` of ``steps`` (planned steps, :class:`pipeline.Step`;
        those whose index is in ``chosen`` will run) while the run goes on; once, and only
        if there is something to import and a second core to do it on."""
        if self.started:
            return
        self.started = True
        self.preloads = preloads_of(steps, chosen)
        early, self.early = self.early, None
        if early is not None and early.preloads == self.preloads:
            self.server = early.server  # forked before the review's checks: importing since
            return
        if early is not None:  # not the processes this run needs after all
            early.server.close(wait=False)
        if self.preloads and usable_cores() >= 2:
            self.server = Server(self.preloads)

    def pending(self) -> set[str]:
        """The files of jobs not yet waited for."""
        return {name for job in self.jobs for name in job.files}

    def add(self, step: str, job: Callable[[], Any], files: Sequence[str]) -> None:
        """Start ``job`` (it writes ``files`` into the staging folder) beside the run."""
        entry = _Job(step, list(files))
        if usable_cores() < 2:
            _run_here(entry, job)
            self._check(entry)
            return
        payload = _pickled(job) if self.server is not None else None
        if payload is not None:
            self.sent += 1
            entry.sent = self.sent
            self.server.submit(entry.sent, payload)
            self.jobs.append(entry)
            return
        self._preload()  # here, once, so no forked job imports it again
        context = fork_context()
        receive, send = context.Pipe(duplex=False)
        inherited = [receive, *(j.receive for j in self.jobs if j.receive is not None)]
        entry.process = context.Process(target=_child, args=(send, job, inherited))
        # Not a daemon, so it may fork in turn (a reporter shares its figures out); it
        # never outlives this run: waited for, stopped, or killed with it (_child).
        entry.process.start()
        send.close()
        entry.receive = receive
        self.jobs.append(entry)

    def call(self, step: str, job: Callable[[], Any]) -> Any:
        """``job()``, computed in the drawing process when it runs and the job pickles
        (what the job imports is then imported there, during the early steps: the steps'
        ``preloads``), else here. Its exception is raised here as it was raised there."""
        import pickle

        if self.server is None or usable_cores() < 2:
            return job()
        self.sent += 1
        path = self.staging / f".result-{self.sent}.pickle"
        payload = _pickled(_Returning(job, path))
        if payload is None:
            return job()
        self.server.submit(self.sent, payload)
        status, value = self._reply(self.sent)
        if status == "error":
            raise PipelineError(f"{step} failed: {value}")
        with open(path, "rb") as handle:
            ok, result = pickle.load(handle)
        path.unlink()
        if not ok:
            raise result
        return result

    def wait(self, patterns: Sequence[str] | None = None) -> None:
        """Wait for every job (with ``patterns``, every job writing a file whose name
        matches one of these glob patterns); raise the first failure (in the order they
        were handed over) as a PipelineError naming its step, once all have ended."""
        from fnmatch import fnmatchcase

        def wanted(job: _Job) -> bool:
            return patterns is None or any(
                fnmatchcase(name, pattern) for name in job.files for pattern in patterns
            )

        jobs = [job for job in self.jobs if wanted(job)]
        self.jobs = [job for job in self.jobs if not wanted(job)]
        failures: list[str] = []
        for entry in jobs:
            if entry.sent is not None:
                status, value = self._reply(entry.sent)
                if status == "error":
                    failures.append(f"{entry.step} failed: {value}")
                    continue
                try:
                    self._check(entry)
                except PipelineError as exc:
                    failures.append(str(exc))
                continue
            try:
                status, value = entry.receive.recv()
            except EOFError:
                entry.process.join()
                status, value = (
                    "error",
                    (
                        f"its figure process ended without a result (exit code "
                        f"{entry.process.exitcode})"
                    ),
                )
            finally:
                entry.receive.close()
            entry.process.join()
            if status == "error":
                failures.append(f"{entry.step} failed: {value}")
            else:
                try:
                    self._check(entry)
                except PipelineError as exc:
                    failures.append(str(exc))
        if failures:
            raise PipelineError(failures[0])

    def stop(self) -> None:
        """End every job still running (a step failed: nothing will be published) and
        the drawing process (once its jobs are done, after a run that succeeded)."""
        for entry in self.jobs:
            if entry.process is None:
                continue
            if entry.process.is_alive():
                entry.process.terminate()
            entry.process.join()
            entry.receive.close()
        if self.server is not None:
            self.server.close(wait=not self.jobs)
            self.server = None
        self.jobs = []

    def _reply(self, job_id: int) -> tuple[str, str | None]:
        """The drawing process's reply for ``job_id`` (others are kept for later)."""
        while job_id not in self.results:
            try:
                other, status, value = self.server.receive()
            except EOFError:
                return "error", "the figure process ended without a result"
            self.results[other] = (status, value)
        return self.results.pop(job_id)

    def _preload(self) -> None:
        preloads, self.preloads = self.preloads, []  # once
        _import_all(preloads)

    def _check(self, entry: _Job) -> None:
        missing = [name for name in entry.files if not (self.staging / name).is_file()]
        if missing:
            raise PipelineError(
                f"{entry.step} failed: files it listed were not written: {', '.join(missing)}"
            )


def preloads_of(steps: Sequence[Any], chosen: Container[int]) -> list[str]:
    """The modules the jobs of ``steps`` (those whose index is in ``chosen``) need, each
    once, in the steps' order (``PipelineStep.preloads``)."""
    runners = [s.runner for s in steps if s.runner is not None and s.index in chosen]
    modules = [m for r in runners for m in getattr(r.provider, "preloads", ())]
    return list(dict.fromkeys(modules))


@dataclass
class EarlyServer:
    """A drawing process forked before a run began, with the modules it imports."""

    server: Server
    preloads: list[str]


def early_server(preloads: Sequence[str], first_runs: bool) -> EarlyServer | None:
    """The drawing process, forked now to import ``preloads`` (:func:`preloads_of` the
    declared steps), for a run in which every step will run (``first_runs``: the first
    has no saved result, or ``--force``; every step after one that runs runs too), or
    None.

    Why: ``evidencekit run`` checks the review's instruments and plan (about a third of a
    second) before its first step starts; forked before those checks, the drawing process
    has imported matplotlib by the time the first figure is handed over. A run that will
    skip steps forks it, as before, at the first step that runs, if any.
    """
    if not first_runs or not preloads or usable_cores() < 2:
        return None
    return EarlyServer(Server(preloads), list(preloads))


@dataclass
class _Returning:
    """A job whose result (or exception) is pickled into ``path`` (:meth:`Deferred.call`)."""

    job: Callable[[], Any]
    path: Path

    def __call__(self) -> None:
        import pickle

        try:
            outcome: tuple[bool, Any] = (True, self.job())
        except Exception as exc:
            outcome = (False, exc)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)  # an exception that does not survive the way back
        except Exception:
            if outcome[0]:
                raise
            data = pickle.dumps((False, RuntimeError(_describe(outcome[1]))))
        temporary = self.path.with_suffix(".partial")
        temporary.write_bytes(data)
        temporary.replace(self.path)


def _pickled(job: Callable[[], Any]) -> bytes | None:
    """``job`` pickled for the drawing process, or None (a closure, say)."""
    import pickle

    try:
        return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


def _run_here(entry: _Job, job: Callable[[], Any]) -> None:
    try:
        job()
    except Exception as exc:  # as a child's error is reported
        raise PipelineError(f"{entry.step} failed: {_describe(exc)}") from exc


def _child(send: Any, job: Callable[[], Any], inherited: list[Any]) -> None:
    """Run ``job`` and send back ("ok", None) or ("error", message): a few hundred bytes,
    so the send never waits for the parent to read."""
    import gc

    # What this process shares with the run is frozen: the collector does not traverse it
    # (and so copy its pages) again; only what the job makes is collected.
    gc.freeze()
    _die_with_parent()
    for receive in inherited:  # read ends held only because this process was forked
        receive.close()
    try:
        job()
        result: tuple[str, Any] = ("ok", None)
    except Exception as exc:
        result = ("error", _describe(exc)[:4000])
    try:
        send.send(result)
    except BrokenPipeError:  # the parent is gone: nobody wants the result
        os._exit(1)
    finally:
        send.close()
