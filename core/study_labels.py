""" "Author Year" labels for studies, from the studies table (studies.csv).

Tables and plots name a study as a reader of the paper knows it ("Smith et al. 2010"),
not by an internal id. The label comes from the studies table: a ``label`` column if
there is one, else the first author's surname (``author``, ``first_author`` or
``authors``) and ``year``. Two studies with the same label get ``a``, ``b`` … in id
order (the usual citation convention). A study without those columns keeps its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

AUTHOR_COLUMNS = ("first_author", "author", "authors")
#: Every studies-table column a label is read from; allowed beside a form's study attributes.
LABEL_COLUMNS = ("label", *AUTHOR_COLUMNS, "year")


def _surname(authors: str) -> tuple[str, bool]:
    """(first author's surname, more than one author?) from an author list as written:
    ``Smith, J.; Jones, K.`` or ``J. Smith and K. Jones`` or ``Smith J, Jones K``."""
    parts = [p.strip() for p in re.split(r";|\band\b|&|\|", authors) if p.strip()]
    if not parts:
        return "", False
    first = parts[0]
    several = len(parts) > 1 or bool(re.search(r"\bet al\b", authors))
    if "," in first:
        names = [n.strip() for n in first.split(",") if n.strip()]
        if len(names) > 1 and not re.fullmatch(r"([A-Z]\.?\s*-?){1,4}", names[1]):
            # Vancouver, commas between authors: "Smith J, Jones K"
            return names[0].split()[0], True
        return names[0], several  # "Smith, J."
    words = first.replace("et al.", "").replace("et al", "").split()
    if len(words) > 1 and re.fullmatch(r"[A-Z]{1,3}", words[-1]):
        return words[0], several  # "Smith JA"
    return (words[-1] if words else ""), several


def study_labels(
    studies: Mapping[str, Mapping[str, str]] | None, study_ids: Iterable[str]
) -> dict[str, str]:
    """study id → label for each of ``study_ids`` (the id itself when the table says
    nothing better)."""
    ids = sorted(dict.fromkeys(str(s) for s in study_ids))
    raw: dict[str, str] = {}
    for study_id in ids:
        row = (studies or {}).get(study_id) or {}
        label = (row.get("label") or "").strip()
        if not label:
            authors = next((row[c] for c in AUTHOR_COLUMNS if (row.get(c) or "").strip()), "")
            year = (row.get("year") or "").strip()
            surname, several = _surname(authors)
            if surname and year:
                label = f"{surname}{' et al.' if several else ''} {year}"
        raw[study_id] = label or study_id
    counts: dict[str, int] = {}
    for label in raw.values():
        counts[label] = counts.get(label, 0) + 1
    seen: dict[str, int] = {}
    out = {}
    for study_id in ids:
        label = raw[study_id]
        if counts[label] > 1 and label != study_id:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label}{chr(ord('a') + seen[label] - 1)}"
        out[study_id] = label
    return out
