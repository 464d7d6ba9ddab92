"""Jobs computed ahead in a forked child process while this process uses earlier results.

Why: importing 100,000 records spends most of its time parsing and normalising the files,
one after the other, while the second core of the machine waits. The files are
independent: a forked child parses every second file while this process parses the
others and stores each file's rows in order. The child is forked (POSIX ``fork``), so a
job is any closure over what is already in memory (the registry, the options); only its
result travels back, pickled.

The results are the same as a serial run's, used in the same order. A job that fails in
the child is run again in this process when its result is asked for, so the exception
(and its traceback) is exactly the one a serial run raises; a job whose result is never
asked for never raises. Serial (each job run here when asked for) where forking is not
safe or useful: not on Linux, no ``fork`` start method, another thread alive (forking a
threaded process can deadlock the child), one usable core, fewer than two jobs, or the
environment variable ``EVIDENCEKIT_PROCESSES`` set to ``1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from typing import Any, Generic, TypeVar

from evidencekit.core.forking import fork_context, usable_cores

T = TypeVar("T")
ENV = "EVIDENCEKIT_PROCESSES"


def can_fork(jobs: int) -> bool:
    """Whether :class:`Ahead` runs ``jobs`` jobs in a child process too."""
    return jobs >= 2 and usable_cores(ENV) >= 2


class Ahead(Generic[T]):
    """``get(k)`` is ``jobs[k]()``: the odd-numbered jobs computed ahead, in order, by one
    forked child; the even-numbered ones here, when asked for. Use as a context manager
    (the child is stopped on leaving) and ask for results in increasing order."""

    def __init__(self, jobs: Sequence[Callable[[], T]], here: Collection[int] = ()) -> None:
        """``here``: jobs the child leaves alone (likely never asked for: run here if they
        are)."""
        self.jobs = list(jobs)
        self.here = frozenset(here)
        self.child: Any = None
        self.receive: Any = None
        self.received: dict[int, tuple[bool, Any]] = {}
        self.next_odd = 1  # the next result the child sends

    def __enter__(self) -> Ahead[T]:
        if can_fork(len(self.jobs)):
            context = fork_context()
            self.receive, send = context.Pipe(duplex=False)
            self.child = context.Process(
                target=_child, args=(send, self.jobs, self.here, self.receive)
            )
            self.child.daemon = True  # never outlives this process
            self.child.start()
            send.close()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.child is not None:
            if self.child.is_alive():
                self.child.terminate()
            self.child.join()
            self.receive.close()
            self.child = None

    def get(self, k: int) -> T:
        import pickle

        if self.child is None or k % 2 == 0:
            return self.jobs[k]()
        while self.next_odd <= k:
            try:
                ok, value = pickle.loads(self.receive.recv_bytes())
            except (EOFError, OSError):  # the child ended early: the rest run here
                ok, value = False, None
            self.received[self.next_odd] = (ok, value)
            self.next_odd += 2
        ok, value = self.received.pop(k)
        for old in [j for j in self.received if j < k]:
            del self.received[old]  # results never asked for (files skipped)
        # A job that failed in the child runs again here: the serial run's exception.
        return value if ok else self.jobs[k]()


def _child(send: Any, jobs: list[Callable[[], Any]], here: Collection[int], receive: Any) -> None:
    """Run the odd-numbered ``jobs`` in order (but those in ``here``), sending
    ``(ok, result)`` for each."""
    import pickle

    receive.close()  # the read end this process holds only because it was forked
    try:
        for k in range(1, len(jobs), 2):
            if k in here:
                send.send_bytes(pickle.dumps((False, None)))
                continue
            try:
                data = pickle.dumps((True, jobs[k]()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # run again by the parent, which raises it
                data = pickle.dumps((False, None))
            send.send_bytes(data)
            del data
    except BrokenPipeError:
        os._exit(1)  # the parent is gone: nobody wants the results
    finally:
        send.close()
