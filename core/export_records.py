"""Writers for ``evidencekit records export``: CSV, RIS and BibTeX text.

Pure functions over :class:`~evidencekit.core.model.Record` objects and column
mappings; choosing which records (primaries merged, or every record) is done in
:mod:`evidencekit.core.records`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evidencekit.core.model import Record

EXPORT_FORMATS = ("csv", "ris", "bibtex")

#: Bibliographic columns after the identifying ones, in this order.
FIELD_COLUMNS = (
    "journal", "volume", "issue", "pages", "pmid", "issn", "isbn", "language",
    "keywords", "publication_type", "url", "abstract",
)
#: ``--all``: every imported record, its cluster and where it came from.
ALL_COLUMNS = (
    "record_id", "cluster_id", "is_primary", "source", "source_key", "title", "authors",
    "year", "doi", *FIELD_COLUMNS, "kind", "file", "position", "line", "format",
    "date_searched",
)
#: Default: one row per de-duplicated record (the primary, gaps filled from its cluster).
MERGED_COLUMNS = (
    "record_id", "cluster_id", "n_records", "sources", "title", "authors", "year", "doi",
    *FIELD_COLUMNS, "record_ids",
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


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], *,
           raw: bool = False) -> str:
    """CSV text with a header row and one line per mapping.

    Cells that a spreadsheet would run as a formula are neutralised unless
    ``raw`` (:mod:`evidencekit.core.safe_cells`).
    """
    from evidencekit.core.safe_cells import csv_text

    return csv_text(columns, rows, raw=raw)


# -- RIS ---------------------------------------------------------------------------
#: RIS reference types (the RIS specification's list): a record imported from RIS
#: keeps its own ``TY``.
RIS_TYPE_CODES = frozenset({
    "ABST", "ADVS", "AGGR", "ANCIENT", "ART", "BILL", "BLOG", "BOOK", "CASE", "CHAP",
    "CHART", "CLSWK", "COMP", "CONF", "CPAPER", "CTLG", "DATA", "DBASE", "DICT", "EBOOK",
    "ECHAP", "EDBOOK", "EJOUR", "ELEC", "ENCYC", "EQUA", "FIGURE", "GEN", "GOVDOC", "GRANT",
    "HEAR", "ICOMM", "INPR", "JFULL", "JOUR", "LEGAL", "MANSCPT", "MAP", "MGZN", "MPCT",
    "MULTI", "MUSIC", "NEWS", "PAMP", "PAT", "PCOMM", "RPRT", "SER", "SLIDE", "SOUND",
    "STAND", "STAT", "THES", "UNBILL", "UNPB", "VIDEO",
})
_RIS_TYPES = (
    ("book section", "CHAP"), ("chapter", "CHAP"), ("incollection", "CHAP"),
    ("inbook", "CHAP"), ("book", "BOOK"), ("unpublished", "UNPB"),
    ("conference", "CPAPER"), ("proceeding", "CPAPER"), ("thesis", "THES"),
    ("dissertation", "THES"), ("report", "RPRT"), ("preprint", "JOUR"),
    ("journal", "JOUR"), ("article", "JOUR"), ("review", "JOUR"),
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
        for tag, value in lines if _one_line(value)
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
_BIB_TYPES = (
    ("book section", "incollection"), ("chapter", "incollection"),
    ("incollection", "incollection"), ("inbook", "incollection"), ("book", "book"),
    ("unpublished", "unpublished"),
    ("conference", "inproceedings"), ("proceeding", "inproceedings"),
    ("thesis", "phdthesis"), ("dissertation", "phdthesis"), ("report", "techreport"),
    ("journal", "article"), ("article", "article"), ("review", "article"),
)
#: RIS reference types (a record imported from RIS) as BibTeX entry types.
_RIS_TO_BIB = {
    "CONF": "inproceedings", "CPAPER": "inproceedings", "CHAP": "incollection",
    "ECHAP": "incollection", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished", "GEN": "misc",
}
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
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
        fields.append(("author", " and ".join(
            _bib_author(latex_escape(a.family), latex_escape(a.given)) for a in record.authors
        )))
    fields.append(("title", latex_escape(record.title)))
    # A book's container is its series (the BibTeX importer reads it back from there).
    container = {"inproceedings": "booktitle", "incollection": "booktitle",
                 "book": "series"}.get(entry_type, "journal")
    fields.append((container, latex_escape(record.journal)))
    if record.year is not None:
        fields.append(("year", str(record.year)))
    start, end = split_pages(record.pages)
    # Escaped here, part by part: the "--" between them is BibTeX's page range.
    pages = f"{latex_escape(start)}--{latex_escape(end)}" if end else latex_escape(start)
    for name, value in (
        ("volume", record.volume), ("number", record.issue), ("pages", pages),
        ("doi", record.doi), ("pmid", record.pmid), ("issn", ", ".join(record.issn)),
        ("isbn", ", ".join(record.isbn)), ("language", record.language),
        # "; " because a keyword may hold a comma ("Feedback, Psychological").
        ("keywords", "; ".join(record.keywords)), ("url", record.url),
        ("abstract", record.abstract),
    ):
        if name != "pages":
            value = _verbatim(value) if name in ("doi", "url") else latex_escape(value)
        fields.append((name, value))
    if sources:
        fields.append(("note", latex_escape("Sources: " + "; ".join(sources)
                                            + (f". {note}" if note else ""))))
    elif note:
        fields.append(("note", latex_escape(note)))
    body = ",\n".join(
        f"  {name} = {{{value}}}" for name, value in fields if value
    )
    key = _KEY_BAD.sub("_", record.record_id) or "record"
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


def _verbatim(value: str) -> str:
    # DOIs and URLs are written as they are (no LaTeX escapes); a brace in one
    # would end the field, so it is percent-encoded as in a URL.
    return _one_line(value).replace("{", "%7B").replace("}", "%7D")


def to_bibtex(entries: Iterable[tuple[Record, Sequence[str], str]]) -> str:
    """BibTeX text for ``(record, sources, note)`` triples."""
    return "\n".join(bibtex_entry(r, sources=s, note=n) for r, s, n in entries)
