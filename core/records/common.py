"""What the record modules share: progress callbacks, bulk work, stable ids and hashes."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evidencekit.core.model import Record

if TYPE_CHECKING:  # pragma: no cover
    pass


#: ``progress(label, done, total)``: called as long work advances (total may be None).
ProgressFn = Callable[[str, int, "int | None"], None]


#: Fields that count towards a record's completeness (choosing a cluster's primary).
COMPLETENESS_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "issn",
    "isbn",
    "language",
    "keywords",
    "publication_type",
    "url",
)


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _no_progress(label: str, done: int, total: int | None) -> None:
    return None


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk work on many records.

    Building 100,000 records allocates millions of small objects and no
    reference cycles; the collector's full passes over that growing heap took
    about a third of an import's time. It runs again (and collects) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- ids --------------------------------------------------------------------------
def make_record_id(sha256: str, position: int) -> str:
    """The stable id of the record at ``position`` in a file with this SHA-256."""
    return f"r{sha256[:12]}-{position}"


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(records: Sequence[Record]) -> str:
    """A SHA-256 standing in for a file's when records are built in memory."""
    digest = hashlib.sha256()
    for record in records:
        data = record.to_dict()
        data.pop("record_id", None)
        digest.update(json.dumps(data, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()
