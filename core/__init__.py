"""evidencekit core: the small, stable part every plugin builds on.

Importing this package does no work: the plugin manager, the registry and the
instrument catalogue are built by functions, on demand.
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

PROJECT_NAME = "evidencekit"

#: Decorator for hook implementations, in built-in and third-party plugins alike.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
