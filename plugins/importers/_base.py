"""The importer base class, now public in the core (``evidencekit.core.providers``).

Kept so the built-in importers' imports stay as they are; a third-party importer
subclasses ``evidencekit.core.providers.BaseImporter`` directly.
"""

from __future__ import annotations

from evidencekit.core.providers import BaseImporter, Cursor

__all__ = ["BaseImporter", "Cursor"]
