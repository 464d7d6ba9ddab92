"""PRISMA counts as the PRISMA2020 R package's CSV template, so users can take them on there.

Haddaway NR, Page MJ, Pritchard CC, McGuinness LA (2022). PRISMA2020: An R
package and Shiny app for producing PRISMA 2020-compliant flow diagrams.
Campbell Systematic Reviews 18:e1230. Its template (``inst/extdata/PRISMA.csv``)
has one row per box with the columns ``data, node, box, description, boxtext,
tooltips, url, n``; ``PRISMA_data()`` finds each row by its ``data`` name and
reads ``n``. Lists (records per database or register, reports excluded per
reason) are written as the package expects them: ``"Name, n; Name, n"``, so a
comma or semicolon inside a name is replaced by a dash.

The package has no field for records from experts: they are added to
``organisation_results`` and its box text says "Organisations and experts".
"""

from __future__ import annotations

import csv
import io
from typing import Any

from evidencekit.core.prisma.counts import PrismaCounts, ReasonCount

COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

#: The template's rows in its order: (data, node, box, description, boxtext).
#: ``tooltips`` repeats the description on a box's first row, as the template does.
ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
    ),
    (
        "NA",
        "node6",
        "newstud",
        "Yellow title box; Identification of new studies via databases and registers",
        "Identification of new studies via databases and registers",
    ),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    (
        "database_specific_results",
        "NA",
        "box2",
        "Records identified from: specific databases",
        "Specific Databases",
    ),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    (
        "register_specific_results",
        "NA",
        "box2",
        "Records identified from: specific registers",
        "Specific Registers",
    ),
    (
        "NA",
        "node16",
        "othstud",
        "Grey title box; Identification of new studies via other methods",
        "Identification of new studies via other methods",
    ),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    (
        "organisation_results",
        "NA",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
    ),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): reasons and numbers separated by ;",
        "Reports excluded",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): reasons and numbers separated by ;",
        "Reports excluded",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
    ),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
)

#: The rows whose ``n`` is a count of this review (the others are titles and labels).
FIELDS = tuple(
    row[0] for row in ROWS if row[0] not in ("NA", "identification", "screening", "included")
)


def _name(text: str) -> str:
    # PRISMA_parse_reasons_() splits on ";" then ","; neither may appear inside a name.
    return " ".join(text.replace(";", " -").replace(",", " -").split()) or "not given"


def _pairs(items: list[tuple[str, int]]) -> str:
    return "; ".join(f"{_name(name)}, {n}" for name, n in items)


def _reasons(reasons: tuple[ReasonCount, ...]) -> str:
    return _pairs([(r.reason or "no reason given", r.n) for r in reasons])


def prisma_fields(counts: PrismaCounts) -> dict[str, int | str]:
    """The PRISMA2020 CSV field → its ``n``: a count, or ``"Name, n; Name, n"`` for lists."""
    c = counts
    by_kind = {
        kind: [(s.name, s.records) for s in c.sources if s.kind == kind]
        for kind in ("database", "register")
    }
    return {
        "previous_studies": 0,
        "previous_reports": 0,
        "database_results": c.database_results,
        "database_specific_results": _pairs(by_kind["database"]),
        "register_results": c.register_results,
        "register_specific_results": _pairs(by_kind["register"]),
        "website_results": c.kind_total("website"),
        "organisation_results": c.kind_total("organisation") + c.kind_total("expert"),
        "citations_results": c.kind_total("citations"),
        "duplicates": c.duplicates,
        "excluded_automatic": c.excluded_automatic,
        "excluded_other": c.excluded_other,
        "records_screened": c.records_screened,
        "records_excluded": c.records_excluded,
        "dbr_sought_reports": c.dbr.sought,
        "dbr_notretrieved_reports": c.dbr.not_retrieved,
        "other_sought_reports": c.other.sought,
        "other_notretrieved_reports": c.other.not_retrieved,
        "dbr_assessed": c.dbr.assessed,
        "dbr_excluded": _reasons(c.dbr.excluded),
        "other_assessed": c.other.assessed,
        "other_excluded": _reasons(c.other.excluded),
        "new_studies": c.new_studies,
        "new_reports": c.new_reports,
        # No previous version of the review: the totals are the new studies and reports.
        "total_studies": c.new_studies,
        "total_reports": c.new_reports,
    }


def prisma_csv(counts: PrismaCounts) -> str:
    """The PRISMA2020 R package's CSV template, filled in with ``counts``."""
    fields = prisma_fields(counts)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    seen_boxes: set[str] = set()
    for data, node, box, description, boxtext in ROWS:
        if data == "organisation_results" and counts.kind_total("expert"):
            boxtext = "Organisations and experts"
        first_of_box = box not in seen_boxes
        seen_boxes.add(box)
        tooltips = description if first_of_box else "NA"
        url = f"{data if data != 'NA' else box}.html" if first_of_box else "NA"
        n: Any = fields.get(data, 0)
        if n == "":
            n = "NA"  # an empty list (no register searched): nothing to draw
        writer.writerow([data, node, box, description, boxtext, tooltips, url, n])
    return out.getvalue()
