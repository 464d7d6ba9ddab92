"""Jobs side by side in forked processes (core.parallel): same results, in order, errors
raised here; no child outlives its killed parent."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from crash_helpers import assert_ends

from evidencekit.core.parallel import ENV, processes, run_jobs

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="forked figure processes are used on Linux only"
)


@pytest.fixture
def four_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the process could use 4 cores, whatever the test machine has."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv(ENV, raising=False)


class Unpicklable(Exception):
    """An exception whose constructor pickle cannot call again (two required arguments)."""

    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")
        self.handle = threading.Lock()  # not picklable at all


@linux_only
def test_results_in_job_order_from_several_processes(four_cores: None) -> None:
    jobs = [lambda i=i: (i, i * i, os.getpid()) for i in range(7)]
    results = run_jobs(jobs)
    assert [(i, sq) for i, sq, _ in results] == [(i, i * i) for i in range(7)]
    pids = {pid for _, _, pid in results}
    assert os.getpid() in pids  # this process takes a share
    assert len(pids) == 4  # and three children the others (7 jobs dealt to 4)


@linux_only
def test_processes_follow_cores_jobs_and_the_variable(
    four_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert processes(1) == 1
    assert processes(2) == 2
    assert processes(9) == 4
    monkeypatch.setenv(ENV, "1")
    assert processes(9) == 1
    assert {pid for pid in run_jobs([os.getpid] * 3)} == {os.getpid()}
    monkeypatch.setenv(ENV, "2")
    assert processes(9) == 2
    monkeypatch.setenv(ENV, "many")  # not a number: ignored
    assert processes(9) == 4


@linux_only
def test_jobs_of_a_job_run_in_turn_in_its_process(four_cores: None) -> None:
    def inner() -> set[int]:
        return {pid for pid in run_jobs([os.getpid] * 3)}

    here, child = run_jobs([inner, inner])
    assert here == {os.getpid()}  # the cores are taken: each process runs its jobs' jobs
    assert len(child) == 1 and child != here
    assert len({pid for pid in run_jobs([os.getpid] * 3)}) == 3  # and shares out again after


@linux_only
def test_serial_while_another_thread_runs(four_cores: None) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert processes(3) == 1
    finally:
        stop.set()
        thread.join()


def test_serial_without_fork(monkeypatch: pytest.MonkeyPatch, four_cores: None) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")  # the one sys module forking reads
    assert processes(3) == 1
    assert run_jobs([lambda: 1, lambda: 2]) == [1, 2]


@linux_only
def test_a_childs_error_is_raised_here_with_its_type_and_message(four_cores: None) -> None:
    def fails() -> None:
        raise ValueError("no study was scored")

    with pytest.raises(ValueError, match="no study was scored"):
        run_jobs([lambda: 1, fails, lambda: 3])


@linux_only
def test_an_unpicklable_error_still_says_what_it_was(four_cores: None) -> None:
    def fails() -> None:
        raise Unpicklable("bad glyph", 7)

    with pytest.raises(RuntimeError, match="Unpicklable: bad glyph at 7"):
        run_jobs([lambda: 1, fails])


@linux_only
def test_a_child_that_dies_is_reported(four_cores: None) -> None:
    with pytest.raises(RuntimeError, match="ended without a result"):
        run_jobs([lambda: 1, lambda: os._exit(3)])


_KILLED_PARENT = """
import os, sys, time
from evidencekit.core import parallel

if parallel.processes(2) < 2:
    print("serial", flush=True)
    sys.exit(0)

def waits():  # the parent's share: it is killed while running this
    print(os.getpid(), flush=True)
    time.sleep(60)

def big():  # the child's share: a result far larger than a pipe's buffer (64 KiB)
    with open(sys.argv[1], "w") as handle:
        handle.write(str(os.getpid()))
    return "x" * 4_000_000

parallel.run_jobs([waits, big])
"""


@linux_only
def test_a_figure_process_does_not_outlive_its_killed_parent(tmp_path) -> None:
    """kill -9 of a run drawing figures leaves no child blocked on its result for ever
    (it once did: the child held its own pipe's read end open)."""
    import signal
    import subprocess
    import time

    child_pid_file = tmp_path / "child.pid"
    env = {**os.environ, ENV: "2"}
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT, str(child_pid_file)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    first = process.stdout.readline().strip()
    if first == "serial":
        process.wait()
        pytest.skip("this machine gives the process one core: no child is forked")
    deadline = time.monotonic() + 30
    while not child_pid_file.exists() or not child_pid_file.read_text():
        assert time.monotonic() < deadline, "the child never started its job"
        time.sleep(0.05)
    child = int(child_pid_file.read_text())
    time.sleep(0.3)  # the child is now blocked writing its result into the full pipe
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_ends(child, 10, "the figure process outlived its killed parent")
