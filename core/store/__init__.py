"""The review's store: records, provenance, clusters, decisions and run history.

SQLAlchemy Core over SQLite (the default, ``evidencekit.sqlite`` in the review
folder) or PostgreSQL (``store: postgresql://...`` in review.yaml), with the
schema created and migrated by the code. See ``docs/records.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.store.db import Store

_SQLITE = "sqlite:///"


def store_url(url_or_review: Any) -> str:
    """The store URL of a review (or a URL as given).

    A relative SQLite path in review.yaml (``store: sqlite:///state/review.sqlite``)
    is taken relative to the review folder, not to the current folder.
    """
    url = str(getattr(url_or_review, "store_url", url_or_review))
    root = getattr(url_or_review, "root", None)
    if root is not None and url.startswith(_SQLITE):
        database = url[len(_SQLITE) :]
        if database not in ("", ":memory:") and not database.startswith("/"):
            url = _SQLITE + str((Path(root) / database).resolve())
    return url


def sqlite_file(url_or_review: Any) -> Path | None:
    """The file of a SQLite store, or None (PostgreSQL, in memory)."""
    url = store_url(url_or_review)
    if not url.startswith(_SQLITE):
        return None
    database = url[len(_SQLITE) :].split("?", 1)[0]
    return None if database in ("", ":memory:") else Path(database)


def open_store(url_or_review: Any, *, create: bool = False, timeout: float | None = None) -> Store:
    """Open (and migrate) the store of a review, or of a store URL.

    ``create`` makes a new SQLite file when there is none (the first import),
    atomically (:mod:`evidencekit.core.store.create`); otherwise a missing
    store is a :class:`StoreError` telling what to do.
    """
    from evidencekit.core.store.db import Store

    path = sqlite_file(url_or_review)
    if create and path is not None and not path.exists():
        from evidencekit.core.store.create import create_sqlite_store

        create_sqlite_store(path, timeout=timeout)
    return Store(store_url(url_or_review), create=create, timeout=timeout)


__all__ = ["open_store", "sqlite_file", "store_url"]
