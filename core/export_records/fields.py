"""Columns and field text shared by the CSV, RIS and BibTeX writers; the CSV writer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from evidencekit.core.model import Record

EXPORT_FORMATS = ("csv", "ris", "bibtex")

#: Bibliographic columns after the identifying ones, in this order.
FIELD_COLUMNS = (
    "journal",
    "volume",
    "issue",
    "pages",
    "pmid",
    "issn",
    "isbn",
    "language",
    "keywords",
    "publication_type",
    "url",
    "abstract",
)
#: ``--all``: every imported record, its cluster and where it came from.
ALL_COLUMNS = (
    "record_id",
    "cluster_id",
    "is_primary",
    "source",
    "source_key",
    "title",
    "authors",
    "year",
    "doi",
    *FIELD_COLUMNS,
    "kind",
    "file",
    "position",
    "line",
    "format",
    "date_searched",
)
#: Default: one row per de-duplicated record (the primary, gaps filled from its cluster).
MERGED_COLUMNS = (
    "record_id",
    "cluster_id",
    "n_records",
    "sources",
    "title",
    "authors",
    "year",
    "doi",
    *FIELD_COLUMNS,
    "record_ids",
)


def authors_text(record: Record) -> str:
    """Authors as ``Family, Given; Family, Given``."""
    return "; ".join(str(a) for a in record.authors)


def field_text(record: Record, name: str) -> str:
    """One bibliographic field of a record as CSV text."""
    if name == "authors":
        return authors_text(record)
    value = getattr(record, name)
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, raw: bool = False) -> str:
    """CSV text with a header row and one line per mapping.

    Cells that a spreadsheet would run as a formula are neutralised unless
    ``raw`` (:mod:`evidencekit.core.safe_cells`).
    """
    from evidencekit.core.safe_cells import csv_text

    return csv_text(columns, rows, raw=raw)


def csv_pieces(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *, raw: bool = False
) -> Iterator[str]:
    """:func:`to_csv`'s text a line at a time (for writing a large export as it is made)."""
    from evidencekit.core.safe_cells import csv_pieces as pieces

    return pieces(columns, rows, raw=raw)


# -- RIS ---------------------------------------------------------------------------
#: RIS reference types (the RIS specification's list): a record imported from RIS
#: keeps its own ``TY``.
