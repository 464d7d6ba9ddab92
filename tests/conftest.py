"""Shared fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# ../shared beside the repository, or wherever EVIDENCEKIT_SHARED points (a worktree).
from shared_folder import DATASETS, REFERENCE, REPO, SHARED  # noqa: F401  (re-exported)

# One BLAS/OpenMP thread per process (unless set already), before numpy is first imported:
# the suite runs on two shared cores, where OpenBLAS's extra threads spin waiting for work,
# and its processes (subprocesses inherit this) run side by side anyway. The simulation
# test took 5.3 s of CPU with them, 0.8 s without; the results are the same.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

# Where PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images set it), every one of
# the suite's ~150 subprocesses (the CLI as a user runs it, the kill -9 tests) compiled
# evidencekit's 40,000 lines again: about 60 s of the suite's CPU. The tests run Python as
# it runs by default instead, caching bytecode in __pycache__ (git-ignored). (A
# PYTHONPYCACHEPREFIX would also recompile every installed library once per clean run.)
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    sys.dont_write_bytecode = False

# The `postgres` fixture (a throwaway PostgreSQL cluster) for the store tests;
# `worked_example_run` and `ran_review` (each a full run built once per session, in the
# background) for the pipeline and report tests.
pytest_plugins = ["postgres_fixture", "session_runs"]

# Property tests (hypothesis): 50 inputs each in the everyday run, so the whole suite stays
# within a few minutes on two cores; HYPOTHESIS_PROFILE=thorough tries 1,000 each (before a
# release, or after changing a parser or a statistic). A test that sets a smaller
# max_examples of its own (an expensive input) keeps it in both. No deadline: the machine
# is shared, and a test never asserts on time.
settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def datasets() -> Path:
    """The shared datasets folder (../shared/datasets), or skip."""
    if not DATASETS.is_dir():
        pytest.skip(f"shared datasets not found at {DATASETS}")
    return DATASETS


@pytest.fixture
def reference() -> Path:
    """The shared reference folder (../shared/reference), or skip."""
    if not REFERENCE.is_dir():
        pytest.skip(f"shared reference not found at {REFERENCE}")
    return REFERENCE


from worked_example import WORKED_EXAMPLE, copy_example  # noqa: E402,F401  (re-exported)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` (the suite's longest: kill -9 runs, concurrent writers, the
    biggest real exports) start first, the rest keep their order: a long test picked up
    last would keep one core busy after the other has run out of work."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
