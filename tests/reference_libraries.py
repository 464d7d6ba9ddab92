"""Reference libraries (pingouin, statsmodels, scikit-learn, buscarpy, scipy.stats, ...)
imported when a test first uses one, not when its module is collected.

Every xdist worker collects every test module, so an import at the top of a test module is
paid by each worker whether or not it runs a test that uses it: these ones cost ~4.6 s of
CPU per worker (pingouin 2.8 s, buscarpy 2.4 s, scikit-learn 2.1 s, statsmodels 1.8 s,
overlapping). Through these stand-ins a worker imports only what its own tests call.

``module(name)`` stands for a module (``pg.anova(...)`` imports pingouin on first use);
``optional(name)`` too, but a test that uses it is skipped when it is not installed (as
``pytest.importorskip`` at the top of the module skipped the whole module);
``function(module, name)`` stands for a function imported by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest


class _Module:
    def __init__(self, name: str, skip_reason: str | None) -> None:
        self._name = name
        self._skip_reason = skip_reason

    def __getattr__(self, attribute: str) -> Any:
        # Private and special names are not looked up: pytest and other introspection ask
        # objects in a module for them (__test__, fixture markers) while collecting.
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        if self._skip_reason is not None:
            loaded = pytest.importorskip(self._name, reason=self._skip_reason or None)
        else:
            loaded = importlib.import_module(self._name)
        return getattr(loaded, attribute)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported when first used>"


def module(name: str) -> Any:
    """``name``, imported when an attribute of it is first used (an error if it is absent)."""
    return _Module(name, None)


def optional(name: str, reason: str = "") -> Any:
    """``name``, imported when first used; the test using it is skipped if it is absent."""
    return _Module(name, reason)


def function(module_name: str, name: str) -> Callable[..., Any]:
    """The function ``module_name.name``, its module imported when it is first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call
