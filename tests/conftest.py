"""Shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The `postgres` fixture (a throwaway PostgreSQL cluster) for the store tests.
pytest_plugins = ["postgres_fixture"]

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository; EVIDENCEKIT_SHARED names it for a worktree elsewhere.
SHARED = Path(os.environ.get("EVIDENCEKIT_SHARED") or REPO.parent / "shared")
DATASETS = SHARED / "datasets"
REFERENCE = SHARED / "reference"


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
