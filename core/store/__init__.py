"""The review's store: records, provenance, clusters, decisions and run history.

SQLAlchemy Core over SQLite (the default, ``evidencekit.sqlite`` in the review
folder) or PostgreSQL (``store: postgresql://...`` in review.yaml), with the
schema created and migrated by the code. See ``docs/records.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.store.db import Store


def open_store(url_or_review: Any, *, create: bool = False, timeout: float | None = None) -> Store:
    """Open (and migrate) the store of a review, or of a store URL.

    ``create`` makes a new SQLite file when there is none (the first import);
    otherwise a missing store is a :class:`StoreError` telling what to do.
    """
    from evidencekit.core.store.db import Store

    url = getattr(url_or_review, "store_url", url_or_review)
    return Store(str(url), create=create, timeout=timeout)


__all__ = ["open_store"]
