"""Fixtures for the synthesis method tests."""

from __future__ import annotations

import pytest
from synthesis_helpers import mini_framework

from evidencekit.core.registry import build_registry


@pytest.fixture(scope="session")
def framework():
    return mini_framework()


@pytest.fixture(scope="session")
def registry():
    return build_registry()
