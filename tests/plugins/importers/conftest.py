"""Fixtures for the importer tests: a registry of the built-in importers, and loaders."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest
from shared_folder import DATASETS

from evidencekit.core import PROJECT_NAME, hookspecs
from evidencekit.core.importing import ImportResult, records_from_source, source_from_bytes
from evidencekit.core.plugin_manager import builtin_plugin_modules
from evidencekit.core.registry import Registry

EXCERPTS = Path(__file__).resolve().parents[2] / "data" / "exports"
SHARED_EXPORTS = DATASETS / "exports"  # ../shared, or EVIDENCEKIT_SHARED


def _registry() -> Registry:
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in builtin_plugin_modules():
        if ".importers." in name:
            pm.register(importlib.import_module(name), name=name)
    return Registry(pm)


REGISTRY = _registry()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The built-in importers only (other plugins cannot break these tests)."""
    return REGISTRY


def load_bytes(
    data: bytes, name: str = "test.txt", format: str | None = None, **options: object
) -> ImportResult:
    """Import ``data`` as if read from a file called ``name``."""
    return records_from_source(
        source_from_bytes(data, name),
        REGISTRY,
        format=format,
        source_name="Test source",
        options=options or None,
    )


def load_text(
    text: str, name: str = "test.txt", format: str | None = None, **options: object
) -> ImportResult:
    return load_bytes(text.encode("utf-8"), name, format, **options)


@pytest.fixture
def load() -> Callable[..., ImportResult]:
    """``load(text, name="test.txt", format=None, **options)`` imports text as a file."""
    return load_text


@pytest.fixture
def load_raw() -> Callable[..., ImportResult]:
    """``load_raw(data, name="test.txt", format=None, **options)`` imports bytes."""
    return load_bytes


@pytest.fixture
def shared_exports() -> Path:
    """../shared/datasets/exports, or skip."""
    if not SHARED_EXPORTS.is_dir():
        pytest.skip(f"shared exports not found at {SHARED_EXPORTS}")
    return SHARED_EXPORTS


@pytest.fixture
def excerpt() -> Callable[[str], Path]:
    def find(name: str) -> Path:
        path = EXCERPTS / name
        assert path.is_file(), f"missing test excerpt {path}"
        return path

    return find
