"""A tiny importer and deduplicator for the store and CLI tests (never shipped).

Copied into a test's review folder and named under ``plugins:`` in its
review.yaml, so the tests exercise the real plugin path without depending on
the shipped importers or deduplicators.

Format ``pipe-test``: a first line ``#pipe``, then one record per line,
``title|year|doi|authors`` with authors ``Family, Given; Family, Given``.
A line with another number of fields is malformed.
"""

from __future__ import annotations

from evidencekit.core import hookimpl
from evidencekit.core.duplicate_links import DedupeResult, Link, UnionFind
from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Author, Provenance, Record


class PipeImporter:
    name = "pipe-test"
    description = "test format: '#pipe' then title|year|doi|authors per line"
    options_schema = None
    extensions = (".pipe",)

    def sniff(self, head: str) -> float:
        return 1.0 if head.startswith("#pipe") else 0.0

    def read(self, source, options):
        for number, line in enumerate(source.text.split("\n"), 1):
            if number == 1 or not line.strip():
                continue
            parts = line.split("|")
            if len(parts) != 4:
                raise RecordFormatError(
                    f"expected 4 fields title|year|doi|authors, found {len(parts)}",
                    file=source.display, line=number,
                )
            title, year, doi, authors = parts
            yield Record(
                title=title.strip(),
                year=int(year) if year.strip() else None,
                doi=doi.strip().lower(),
                authors=[
                    Author(*[p.strip() for p in a.split(",", 1)])
                    for a in authors.split(";") if a.strip()
                ],
                source_key=f"L{number}",
                provenance=Provenance(source="", line=number),
            )


class DoiDeduplicator:
    """Sure links on equal DOIs; uncertain pairs on equal titles with different DOIs.

    It ignores people's decisions unless ``respect_decisions`` is true, so the
    tests can check that the core enforces them whatever the deduplicator does.
    """

    name = "doi-test"
    description = "test deduplicator: equal DOI = duplicate, equal title = uncertain"
    options_schema = {
        "type": "object",
        "properties": {"respect_decisions": {"type": "boolean"}},
        "additionalProperties": False,
    }

    def find_duplicates(self, records, options, decisions):
        respect = options.get("respect_decisions", False)
        by_doi: dict[str, list[str]] = {}
        by_title: dict[str, list[Record]] = {}
        for r in records:
            if r.doi:
                by_doi.setdefault(r.doi, []).append(r.record_id)
            by_title.setdefault(r.title.lower(), []).append(r)
        links = []
        for ids in by_doi.values():
            for other in ids[1:]:
                if respect and decisions.get((ids[0], other)) == "different":
                    continue
                links.append(Link(ids[0], other, "doi", 1.0))
        uncertain = []
        for group in by_title.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if a.doi != b.doi:
                        uncertain.append(Link(a.record_id, b.record_id, "same title", 0.9))
        uf = UnionFind(r.record_id for r in records)
        for link in links:
            uf.union(link.a, link.b)
        if respect:
            for (a, b), decision in decisions.items():
                if decision == "same":
                    uf.union(a, b)
        return DedupeResult(links=links, uncertain=uncertain, clusters=uf.groups(),
                            stats={"records": len(records)})


@hookimpl
def evidencekit_importers():
    return [PipeImporter()]


@hookimpl
def evidencekit_deduplicators():
    return [DoiDeduplicator()]
