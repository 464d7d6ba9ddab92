"""One table row → a record: cell parsers (authors, DOIs in links, OpenAlex abstracts,
Embase citations) and :func:`row_to_record`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from evidencekit.core.model import Author, Record
from evidencekit.plugins.importers._normalise import (
    clean,
    find_doi,
    make_record,
    normalise_doi,
    normalise_pages,
    parse_name,
    split_author_list,
    split_identifiers,
    split_keywords,
    split_outside_parentheses,
    unique,
)
from evidencekit.plugins.importers._table_columns import Columns

_SCOPUS_ID = re.compile(r"\s*\(\d{5,}\)")
_GLUED_NAMES = re.compile(r"(?<=[a-z\u00df-\u00ff\u0101-\u017f])(?=[A-Z\u00c0-\u00de])")
#: An initial's full stop followed at once by the next family name ("K.Lewis").
_GLUED_INITIALS = re.compile(r"(?<=[A-Z\u00c0-\u00de]\.)(?=[A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_NAME_PREFIXES = frozenset(
    {"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "St", "Fitz", "O", "D"}
)
#: Embase's "Source" cell: "Journal (2014) 3:3 (152-160). Date of Publication: 2014".
_CITATION = re.compile(
    r"^(?P<journal>.+?)\s\((?P<year>\d{4})\)\s*(?P<volume>[^\s:(]*)(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_NO_AUTHOR = re.compile(r"^\[?no author", re.I)


def doi_from_url(url: str) -> str:
    """A DOI inside a URL: a doi.org link, or a ``doi=``/``id=doi:``/``info:doi/`` query."""
    if not url or "doi" not in url.lower():
        return ""
    if "doi.org/" in url.lower():
        return normalise_doi(url)
    try:
        query = urlsplit(url).query
    except ValueError:
        return ""
    for key, value in parse_qsl(query):
        lowered = value.lower()
        if key.lower() == "doi" or lowered.startswith(("doi:", "info:doi/")):
            doi = normalise_doi(value)
            if doi:
                return doi
    return ""


def split_glued_names(value: str) -> list[str]:
    """SpringerLink glues names together: "Araz R. AlievNigar T. Ismayilova"."""
    parts: list[str] = []
    start = 0
    for match in _GLUED_NAMES.finditer(value):
        cut = match.start()
        word_start = value.rfind(" ", 0, cut) + 1
        if value[word_start:cut] in _NAME_PREFIXES:  # McDonald, DeVries, O'... stay whole
            continue
        parts.append(value[start:cut])
        start = cut
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]


def abstract_from_inverted_index(value: str) -> str:
    """The text of an OpenAlex ``abstract_inverted_index`` (``{"word": [0, 7], ...}``)."""
    if not value or not value.lstrip().startswith("{"):
        return ""
    try:
        index = json.loads(value)
    except ValueError:
        return ""
    if not isinstance(index, dict):
        return ""
    placed = [
        (place, word)
        for word, places in index.items()
        if isinstance(places, list)
        for place in places
        if isinstance(place, int)
    ]
    placed.sort()
    return " ".join(word for _, word in placed)


def parse_authors_cell(value: str) -> list[Author]:
    """Authors from one table cell in any of the common layouts."""
    text = value.strip()
    if not text or _NO_AUTHOR.match(text):
        return []
    if "(" in text:
        text = _SCOPUS_ID.sub("", text)  # Scopus "Author full names": "Liu, Fengyuan (6041…)"
    if not any(sep in text for sep in ";|\n") and _GLUED_INITIALS.search(text):
        # EndNote via ASySD glues "Family Initials." names: "Adeli K.Lewis G. F."
        names = _GLUED_INITIALS.split(text)
        if len(names) > 1 and all(len(name.split()) >= 2 or "," in name for name in names):
            return [a for a in map(parse_name, names) if a is not None]
    if not any(sep in text for sep in ";|,\n") and _GLUED_NAMES.search(text):
        names = split_glued_names(text)
        if len(names) > 1 and all(len(name.split()) >= 2 for name in names):
            return [a for a in map(parse_name, names) if a is not None]
    return split_author_list(text)


def row_to_record(row: Sequence[str], columns: Columns, line: int, fmt: str) -> Record:
    """Map one data row onto the normalised record (non-empty cells kept raw)."""
    names = columns.raw_names
    # Why a comprehension over zip: this runs for every cell of every row (87 columns in a
    # Zotero export), and is twice as fast as an indexed loop.
    raw: dict[str, Any] = {name: value for name, value in zip(names, row, strict=False) if value}
    if len(row) > len(names):
        for i in range(len(names), len(row)):
            if row[i]:
                raw[f"column {i + 1}"] = row[i]
    fields = columns.fields
    cells = len(row)

    def cell(field: str) -> str:
        i = fields.get(field)
        return row[i] if i is not None and i < cells else ""

    journal, year, volume, issue, pages = (
        cell("journal"),
        cell("year"),
        cell("volume"),
        cell("issue"),
        "",
    )
    if columns.journal_is_citation and journal:
        match = _CITATION.match(journal.strip())
        if match:
            journal = match.group("journal")
            year = year or match.group("year")
            volume = volume or match.group("volume") or ""
            issue = issue or match.group("issue") or ""
            pages = match.group("pages") or ""
    page_start = cell("page_start")
    if cell("pages"):
        pages = normalise_pages(cell("pages"))
    elif page_start:
        pages = normalise_pages(page_start, cell("page_end"))
    elif cell("article_number"):
        pages = clean(cell("article_number"))
    elif pages:
        pages = normalise_pages(pages)
    doi = find_doi([cell("doi")])
    if not doi:
        for i in columns.url_columns:
            if i < cells:
                doi = doi_from_url(row[i])
                if doi:
                    break
    pmid = clean(cell("pmid"))
    if pmid and not pmid.isdigit():
        pmid = pmid.rstrip("/").rsplit("/", 1)[-1]  # OpenAlex: https://pubmed.ncbi.../123
    issn, isbn = split_identifiers([cell("issn"), cell("isbn")])
    keywords = split_keywords(
        [row[i] for i in columns.keyword_columns if i < cells], separators=";|"
    )
    for i in columns.comma_keyword_columns:
        if i < cells and row[i]:
            keywords.extend(
                k for k in unique(split_outside_parentheses(row[i])) if k not in keywords
            )
    abstract = cell("abstract")
    if not abstract and columns.inverted_abstract is not None and columns.inverted_abstract < cells:
        abstract = abstract_from_inverted_index(row[columns.inverted_abstract])
    return make_record(
        line=line,
        format=fmt,
        raw=raw,
        title=cell("title"),
        abstract=abstract,
        authors=parse_authors_cell(cell("authors")),
        year=year,
        journal=journal,
        volume=volume,
        issue=issue,
        pages=pages,
        doi=doi,
        pmid=pmid,
        issn=issn,
        isbn=isbn,
        language=cell("language"),
        keywords=keywords,
        publication_type=cell("publication_type"),
        url=cell("url"),
        source_key=cell("source_key"),
    )
