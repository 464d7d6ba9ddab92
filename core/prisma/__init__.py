"""The PRISMA 2020 flow diagram's numbers, computed from a review's store.

Public API::

    prisma_counts(review) -> PrismaCounts
        every box of the diagram, read from the store in one transaction;
        ``.problems`` explains, one sentence each, every count that does not add up
    prisma_counts_from_state(state, sources, record_import, clustered) -> PrismaCounts
        the same from data already read (tests, other stores)
    check_counts(counts) -> list[str]
        the invariant checks alone
    prisma_fields(counts) -> dict[str, int | str]
        the PRISMA2020 R package's CSV fields (database_results, register_results,
        website_results, organisation_results, citations_results, duplicates,
        excluded_automatic, excluded_other, records_screened, records_excluded,
        dbr_sought_reports, dbr_notretrieved_reports, other_sought_reports,
        other_notretrieved_reports, dbr_assessed, dbr_excluded, other_assessed,
        other_excluded, new_studies, new_reports, ...) with their ``n``
    prisma_csv(counts) -> str
        the package's template CSV (data,node,box,description,boxtext,tooltips,url,n)
    write_prisma(review, out_dir, *, formats=None, dpi=None, reporter="prisma-diagram",
                 counts=None) -> PrismaOutput(counts, files)
        the diagram (through the named reporter), prisma.csv and prisma.json, atomically

    counts_from_dict(data) -> PrismaCounts
        back from ``PrismaCounts.to_dict()``

Types: :class:`PrismaCounts` (``to_dict()``), :class:`SourceCount`,
:class:`ReportFlow`, :class:`ReasonCount`. See docs/prisma.md.
"""

from __future__ import annotations

from evidencekit.core.prisma.compute import prisma_counts, prisma_counts_from_state
from evidencekit.core.prisma.counts import (
    DBR_KINDS,
    OTHER_KINDS,
    PrismaCounts,
    ReasonCount,
    ReportFlow,
    SourceCount,
    check_counts,
    counts_from_dict,
)
from evidencekit.core.prisma.csvfields import FIELDS, prisma_csv, prisma_fields
from evidencekit.core.prisma.output import PrismaOutput, write_prisma

__all__ = [
    "DBR_KINDS",
    "FIELDS",
    "OTHER_KINDS",
    "PrismaCounts",
    "PrismaOutput",
    "ReasonCount",
    "ReportFlow",
    "SourceCount",
    "check_counts",
    "counts_from_dict",
    "prisma_counts",
    "prisma_counts_from_state",
    "prisma_csv",
    "prisma_fields",
    "write_prisma",
]
