"""Fixtures shared by the validity-analysis tests: the shipped measure and the registry."""

from __future__ import annotations

import pytest

from evidencekit.core.instruments import build_catalog
from evidencekit.core.registry import build_registry

MEASURE_ID = "peer-support-implementation-measure"


@pytest.fixture(scope="module")
def measure():
    """The shipped peer-support implementation measure."""
    return build_catalog().get(MEASURE_ID, kind="measure")


@pytest.fixture(scope="module")
def registry():
    """The registry of built-in providers."""
    return build_registry()
