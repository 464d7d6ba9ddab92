"""Jobs computed ahead by a forked child (core.ahead): the same results in the same order
as run one after the other, a failing job's own exception raised here, skipped results
never raised, and serial where forking is not wanted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from evidencekit.core.ahead import ENV, Ahead, can_fork
from evidencekit.core.errors import RecordFormatError

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the forked reader is used on Linux only"
)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.delenv(ENV, raising=False)


@linux_only
def test_results_in_order_and_odd_jobs_in_the_child(two_cores: None) -> None:
    jobs = [lambda k=k: (k, k * k, os.getpid()) for k in range(7)]
    with Ahead(jobs) as got:
        assert got.child is not None
        results = [got.get(k) for k in range(7)]
    assert [(k, sq) for k, sq, _ in results] == [(k, k * k) for k in range(7)]
    here = os.getpid()
    assert all((pid == here) == (k % 2 == 0) for k, _, pid in results)
    assert got.child is None  # stopped on leaving


@linux_only
def test_a_failing_job_raises_its_own_exception_here(two_cores: None) -> None:
    calls: list[int] = []

    def bad() -> int:
        calls.append(os.getpid())
        raise RecordFormatError("broken record", file="x.ris", line=7)

    with Ahead([lambda: 0, bad, lambda: 2]) as got:
        assert got.get(0) == 0
        with pytest.raises(RecordFormatError, match=r"x\.ris:7: broken record") as caught:
            got.get(1)
    # Run again in this process (the child's attempt is not counted here): the traceback
    # is this process's, as in a serial run.
    assert calls == [os.getpid()]
    assert caught.traceback[-1].name == "bad"


@linux_only
def test_results_not_asked_for_are_skipped_and_never_raise(two_cores: None) -> None:
    def bad() -> int:
        raise ValueError("never asked for")

    jobs = [lambda: 0, bad, lambda: 2, lambda: 3, lambda: 4]
    with Ahead(jobs) as got:
        assert got.get(3) == 3  # 0, 1 and 2 skipped (files already imported)
        assert got.get(4) == 4


def test_serial_where_forking_is_not_wanted(
    two_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not can_fork(1)
    monkeypatch.setenv(ENV, "1")
    assert not can_fork(5)
    with Ahead([os.getpid, os.getpid]) as got:
        assert got.child is None
        assert {got.get(0), got.get(1)} == {os.getpid()}
    monkeypatch.delenv(ENV)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not can_fork(5)


@linux_only
def test_a_child_that_dies_leaves_its_jobs_to_this_process(two_cores: None) -> None:
    def die() -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child is killed mid-way
        return 1

    parent = os.getpid()
    with Ahead([lambda: 0, die, lambda: 2, lambda: os.getpid()]) as got:
        assert [got.get(k) for k in range(3)] == [0, 1, 2]
        assert got.get(3) == parent


@linux_only
def test_jobs_left_here_are_not_run_by_the_child(two_cores: None, tmp_path: Path) -> None:
    def here_only() -> int:
        if os.getpid() != parent:
            (tmp_path / "run by the child").touch()
        return os.getpid()

    parent = os.getpid()
    with Ahead([lambda: 0, here_only, lambda: 2, lambda: os.getpid()], here={1}) as got:
        assert got.get(3) != parent  # 1 skipped, 3 made by the child
    with Ahead([lambda: 0, here_only, lambda: 2], here={1}) as got:
        assert got.get(1) == parent  # asked for after all: run here
    assert not (tmp_path / "run by the child").exists()
