"""BibTeX text of records (entry types from RIS types, LaTeX specials escaped)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from evidencekit.core.export_records.ris import RIS_TYPE_CODES, _one_line, split_pages
from evidencekit.core.model import Record

_BIB_TYPES = (
    ("book section", "incollection"),
    ("chapter", "incollection"),
    ("incollection", "incollection"),
    ("inbook", "incollection"),
    ("book", "book"),
    ("unpublished", "unpublished"),
    ("conference", "inproceedings"),
    ("proceeding", "inproceedings"),
    ("thesis", "phdthesis"),
    ("dissertation", "phdthesis"),
    ("report", "techreport"),
    ("journal", "article"),
    ("article", "article"),
    ("review", "article"),
)
#: RIS reference types (a record imported from RIS) as BibTeX entry types.
_RIS_TO_BIB = {
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "UNPB": "unpublished",
    "GEN": "misc",
}
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))
_KEY_BAD = re.compile(r"[^A-Za-z0-9_:\-.]")


def latex_escape(text: str) -> str:
    """Escape the characters LaTeX treats specially.

    Braces become ``\\textbraceleft{}``/``\\textbraceright{}`` because BibTeX
    counts even escaped braces, so ``\\{`` alone would end the field early; ``--``
    becomes ``-{}-`` so that it is not read as an en dash.
    """
    text = _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], _one_line(text))
    # "--" would read as an en dash: "-{}-" keeps the two hyphens.
    return text.replace("--", "-{}-").replace("--", "-{}-") if "--" in text else text


def bibtex_type(record: Record) -> str:
    """The BibTeX entry type for a record's publication type."""
    code = record.publication_type.strip().upper()
    if code in _RIS_TO_BIB:
        return _RIS_TO_BIB[code]
    if code in RIS_TYPE_CODES:
        return "article" if record.journal else "misc"
    kind = record.publication_type.lower()
    for word, entry in _BIB_TYPES:
        if word in kind:
            return entry
    return "article" if record.journal or not kind else "misc"


def _bib_author(family: str, given: str) -> str:
    # A family name containing " and " or a comma must be braced to stay one name.
    if " and " in family or "," in family:
        family = "{" + family + "}"
    return f"{family}, {given}" if given else family


def bibtex_entry(record: Record, *, sources: Sequence[str] = (), note: str = "") -> str:
    """One BibTeX entry keyed by the record id."""
    entry_type = bibtex_type(record)
    fields: list[tuple[str, str]] = []
    if record.authors:
        fields.append(
            (
                "author",
                " and ".join(
                    _bib_author(latex_escape(a.family), latex_escape(a.given))
                    for a in record.authors
                ),
            )
        )
    fields.append(("title", latex_escape(record.title)))
    # A book's container is its series (the BibTeX importer reads it back from there).
    container = {"inproceedings": "booktitle", "incollection": "booktitle", "book": "series"}.get(
        entry_type, "journal"
    )
    fields.append((container, latex_escape(record.journal)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    start, end = split_pages(record.pages)
    # Escaped here, part by part: the "--" between them is BibTeX's page range.
    pages = f"{latex_escape(start)}--{latex_escape(end)}" if end else latex_escape(start)
    for name, value in (
        ("volume", record.volume),
        ("number", record.issue),
        ("pages", pages),
        ("doi", record.doi),
        ("pmid", record.pmid),
        ("issn", ", ".join(record.issn)),
        ("isbn", ", ".join(record.isbn)),
        ("language", record.language),
        # "; " because a keyword may hold a comma ("Feedback, Psychological").
        ("keywords", "; ".join(record.keywords)),
        ("url", record.url),
        ("abstract", record.abstract),
    ):
        if name != "pages":
            value = _verbatim(value) if name in ("doi", "url") else latex_escape(value)
        fields.append((name, value))
    if sources:
        fields.append(
            ("note", latex_escape("Sources: " + "; ".join(sources) + (f". {note}" if note else "")))
        )
    elif note:
        fields.append(("note", latex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    key = _KEY_BAD.sub("_", record.record_id) or "record"
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _verbatim(value: str) -> str:
    # DOIs and URLs are written as they are (no LaTeX escapes); a brace in one
    # would end the field, so it is percent-encoded as in a URL.
    return _one_line(value).replace("{", "%7B").replace("}", "%7D")


def to_bibtex(entries: Iterable[tuple[Record, Sequence[str], str]]) -> str:
    """BibTeX text for ``(record, sources, note)`` triples."""
    return "\n".join(bibtex_entry(r, sources=s, note=n) for r, s, n in entries)
