"""RIS text of records (types, pages split, abstracts as continuation lines)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from evidencekit.core.model import Record

RIS_TYPE_CODES = frozenset(
    {
        "ABST",
        "ADVS",
        "AGGR",
        "ANCIENT",
        "ART",
        "BILL",
        "BLOG",
        "BOOK",
        "CASE",
        "CHAP",
        "CHART",
        "CLSWK",
        "COMP",
        "CONF",
        "CPAPER",
        "CTLG",
        "DATA",
        "DBASE",
        "DICT",
        "EBOOK",
        "ECHAP",
        "EDBOOK",
        "EJOUR",
        "ELEC",
        "ENCYC",
        "EQUA",
        "FIGURE",
        "GEN",
        "GOVDOC",
        "GRANT",
        "HEAR",
        "ICOMM",
        "INPR",
        "JFULL",
        "JOUR",
        "LEGAL",
        "MANSCPT",
        "MAP",
        "MGZN",
        "MPCT",
        "MULTI",
        "MUSIC",
        "NEWS",
        "PAMP",
        "PAT",
        "PCOMM",
        "RPRT",
        "SER",
        "SLIDE",
        "SOUND",
        "STAND",
        "STAT",
        "THES",
        "UNBILL",
        "UNPB",
        "VIDEO",
    }
)
_RIS_TYPES = (
    ("book section", "CHAP"),
    ("chapter", "CHAP"),
    ("incollection", "CHAP"),
    ("inbook", "CHAP"),
    ("book", "BOOK"),
    ("unpublished", "UNPB"),
    ("conference", "CPAPER"),
    ("proceeding", "CPAPER"),
    ("thesis", "THES"),
    ("dissertation", "THES"),
    ("report", "RPRT"),
    ("preprint", "JOUR"),
    ("journal", "JOUR"),
    ("article", "JOUR"),
    ("review", "JOUR"),
)
_PAGE_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*[-–—]+\s*([^\s\-–—]+)\s*$")


def ris_type(record: Record) -> str:
    """The RIS ``TY`` for a record's publication type (``JOUR`` for journal articles)."""
    if record.publication_type.strip().upper() in RIS_TYPE_CODES:
        return record.publication_type.strip().upper()
    kind = record.publication_type.lower()
    for word, code in _RIS_TYPES:
        if word in kind:
            return code
    return "JOUR" if record.journal or not kind else "GEN"


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def split_pages(pages: str) -> tuple[str, str]:
    """``'123-9'`` → ``('123', '9')``; a single page or odd text → ``(pages, '')``."""
    match = _PAGE_RANGE.match(pages or "")
    if match:
        return match.group(1), match.group(2)
    return (pages or "").strip(), ""


def ris_entry(record: Record, *, sources: Sequence[str] = (), note: str = "") -> str:
    """One RIS record, ``TY`` to ``ER``."""
    lines = [("TY", ris_type(record)), ("ID", record.record_id)]
    if record.title:
        lines.append(("TI", record.title))
    lines.extend(("AU", str(a)) for a in record.authors)
    if record.year is not None:
        lines.append(("PY", str(record.year)))
    if record.journal:
        lines.append(("T2", record.journal))
    for tag, value in (("VL", record.volume), ("IS", record.issue)):
        if value:
            lines.append((tag, value))
    start, end = split_pages(record.pages)
    if start:
        lines.append(("SP", start))
    if end:
        lines.append(("EP", end))
    if record.doi:
        lines.append(("DO", record.doi))
    if record.pmid:
        lines.append(("AN", record.pmid))
    lines.extend(("SN", v) for v in [*record.issn, *record.isbn])
    if record.language:
        lines.append(("LA", record.language))
    lines.extend(("KW", k) for k in record.keywords)
    if record.url:
        lines.append(("UR", record.url))
    if record.abstract:
        lines.append(("AB", record.abstract))
    lines.extend(("DB", s) for s in sources)
    if record.pmid:
        # RIS has no PMID tag and AN is the source database's accession number, so the
        # PMID is also written as EBSCO does, in a note the RIS importer reads back.
        lines.append(("N1", f"PMID: {record.pmid}"))
    if note:
        lines.append(("N1", note))
    out = [
        f"{tag}  - " + ("\n".join(_abstract_lines(value)) if tag == "AB" else _one_line(value))
        for tag, value in lines
        if _one_line(value)
    ]
    out.append("ER  - ")
    return "\n".join(out) + "\n"


#: A line an importer might take for a tag ("ER  - x", "TY - x", "ER"): any line that
#: starts with two capitals (or a capital and a digit) and then a space or its end.
_TAG_LIKE = re.compile(r"^[A-Z][A-Z0-9](?: |$)")


def _abstract_lines(abstract: str) -> list[str]:
    """The abstract's paragraphs as RIS continuation lines (the importer joins them
    back with line breaks); a paragraph that would read as a tag line is joined to the
    one before it instead."""
    lines: list[str] = []
    for paragraph in abstract.split("\n"):
        text = _one_line(paragraph)
        if not text:
            continue
        if lines and _TAG_LIKE.match(text):
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(text)
    return lines


def to_ris(entries: Iterable[tuple[Record, Sequence[str], str]]) -> str:
    """RIS text for ``(record, sources, note)`` triples, one blank line between records."""
    return "\n".join(ris_entry(r, sources=s, note=n) for r, s, n in entries)


# -- BibTeX ------------------------------------------------------------------------
