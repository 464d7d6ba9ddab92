"""Moved to :mod:`evidencekit.core.duplicate_links` (the name collided with
``core/deduplication/``). This alias keeps code written against the old name working
while branches in flight are merged; import from ``duplicate_links`` in new code."""

from evidencekit.core.duplicate_links import DedupeResult, Link, UnionFind

__all__ = ["DedupeResult", "Link", "UnionFind"]
