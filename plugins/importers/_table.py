"""The table engine behind the CSV/TSV/XLSX importers: column-name synonyms → record fields.

A column is matched to a field by its normalised name (lower case, every run of
punctuation or spaces turned into one space: ``"Author(s) ID"`` → ``"author s id"``,
``"publication_year"`` → ``"publication year"``), trying each field's synonyms in order,
so the most specific column wins (Scopus's "Source title" before Embase's "Source").
``docs/importing.md`` lists every synonym; a review may name columns explicitly with the
``columns`` option.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Author, Record
from evidencekit.plugins.importers._base import Cursor
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
from evidencekit.plugins.importers._tagged import iter_lines_keepends

#: Field → column names (normalised) in order of preference. Sources: Scopus, Web of
#: Science (tab-delimited/Excel), Embase, IEEE Xplore, SpringerLink, Lens.org, OpenAlex,
#: Zotero, EndNote/Covidence/Rayyan/ASReview tables and bib-dedupe/CoLRev CSV.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "document title", "article title", "item title", "primary title",
              "paper title", "title of article", "ti", "t1", "titles", "display name",
              "original title"),
    "abstract": ("abstract", "abstract note", "abstracts", "ab", "n2", "summary",
                 "original abstract"),
    "authors": ("author full names", "authors", "author", "author names", "author s",
                "authorships author display name", "author name", "authors names", "af",
                "au", "a1", "creators", "creator", "full author names"),
    "year": ("year", "publication year", "py", "pub year", "year published", "published year",
             "publication date", "date published", "date of publication", "pubdate", "date",
             "issue date", "dp", "y1"),
    "journal": ("source title", "publication title", "journal", "journal title", "journal name",
                "full journal title", "secondary title", "periodical", "container title",
                "primary location source display name", "host venue display name",
                "source name", "so", "jt", "t2", "jf", "jo", "journal iso abbreviation",
                "journal abbreviation", "abbreviated source title", "source",
                "booktitle", "book title", "proceedings title", "conference name"),
    "volume": ("volume", "journal volume", "vol", "vl", "biblio volume"),
    "issue": ("issue", "journal issue", "number", "issue number", "is", "ip", "biblio issue",
              "no"),
    "pages": ("pages", "page", "page range", "pagination", "pg"),
    "page_start": ("page start", "start page", "first page", "beginning page", "bp", "sp",
                   "biblio first page", "spage"),
    "page_end": ("page end", "end page", "last page", "ending page", "ep", "biblio last page",
                 "epage"),
    "article_number": ("art no", "article number", "article no", "ar", "elocation id"),
    "doi": ("doi", "item doi", "digital object identifier", "di", "do", "doi url",
            "doi link"),
    "pmid": ("pmid", "pubmed id", "pubmedid", "pubmed", "ids pmid", "pubmed identifier",
             "pm", "medline pmid"),
    "issn": ("issn", "issns", "eissn", "e issn", "print issn", "electronic issn", "issn l",
             "primary location source issn", "host venue issn", "sn", "ei"),
    "isbn": ("isbn", "isbns", "e isbn", "print isbn", "bn"),
    "language": ("language", "language of original document", "languages", "lang", "la"),
    "publication_type": ("document type", "publication type", "item type", "content type",
                         "type", "reference type", "ref type", "entrytype", "work type",
                         "pt", "dt"),
    "url": ("url", "link", "urls", "source urls", "landing page url",
            "primary location landing page url", "full text link", "pdf link",
            "open url link", "ur"),
    "source_key": ("id", "record id", "record id s", "key", "record number", "eid",
                   "accession number", "ut unique wos id", "ut", "lens id", "openalex id",
                   "unique id", "refid", "ref id", "an", "covidence", "rayyan id"),
}
#: Fields whose columns are all gathered (not just the first found).
KEYWORD_COLUMNS: tuple[str, ...] = (
    "author keywords", "keywords", "index keywords", "keywords plus", "manual tags",
    "automatic tags", "mesh terms", "mesh", "ieee terms",
    "inspec controlled terms", "inspec non controlled terms", "emtree medical index terms",
    "emtree drug index terms", "emtree medical index terms major focus",
    "emtree drug index terms major focus", "fields of study", "concepts display name", "subject",
    "subjects", "kw", "de",
)
#: Web of Science tab-delimited exports name their columns by tag; there "ID" is Keywords
#: Plus, not a record id, and "UT" is the accession number.
_WOS_CODES = frozenset({"pt", "au", "ti", "so", "ut"})
FIELDS = tuple(SYNONYMS)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SCOPUS_ID = re.compile(r"\s*\(\d{5,}\)")
_GLUED_NAMES = re.compile(r"(?<=[a-z\u00df-\u00ff\u0101-\u017f])(?=[A-Z\u00c0-\u00de])")
#: An initial's full stop followed at once by the next family name ("K.Lewis").
_GLUED_INITIALS = re.compile(r"(?<=[A-Z\u00c0-\u00de]\.)(?=[A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_NAME_PREFIXES = frozenset({"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von",
                            "St", "Fitz", "O", "D"})
#: Embase's "Source" cell: "Journal (2014) 3:3 (152-160). Date of Publication: 2014".
_CITATION = re.compile(
    r"^(?P<journal>.+?)\s\((?P<year>\d{4})\)\s*(?P<volume>[^\s:(]*)(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)
_NO_AUTHOR = re.compile(r"^\[?no author", re.I)
_DELIMITERS = (",", ";", "\t", "|")


def normalise_header(name: str) -> str:
    """``"Author(s) ID"`` → ``"author s id"``; ``"publication_year"`` → ``"publication year"``."""
    return _NON_ALNUM.sub(" ", name.lower()).strip()


def _set_field_size_limit() -> None:
    # Why: Scopus "References" cells exceed the csv module's default 128 KiB limit.
    limit = 1 << 27
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def guess_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields (quotes respected)."""
    best, best_count = ",", 0
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > best_count:
            best, best_count = delimiter, len(cells)
    return best


def is_wos_tab_delimited(header: Sequence[str]) -> bool:
    """Whether the columns are Web of Science tags (PT, AU, TI, SO, UT, ...)."""
    return {normalise_header(name) for name in header} >= _WOS_CODES


def header_fields(header: Sequence[str]) -> dict[str, int]:
    """Field → column index, by synonyms (first synonym present wins)."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(normalise_header(name), position)
    if is_wos_tab_delimited(header):
        index.pop("id", None)
    found: dict[str, int] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            if name in index:
                found[field] = index[name]
                break
    return found


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
    placed = [(place, word) for word, places in index.items() if isinstance(places, list)
              for place in places if isinstance(place, int)]
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


class Columns:
    """Which column feeds which field, decided once per file."""

    def __init__(self, header: Sequence[str], explicit: Mapping[str, str], display: str,
                 preferred: Mapping[str, Sequence[str]] | None = None):
        self.header = list(header)
        self.fields = header_fields(header)
        # Names for the raw fields: a repeated column name gets its position added.
        self.raw_names: list[str] = []
        for i, name in enumerate(self.header):
            self.raw_names.append(name if name and name not in self.raw_names
                                  else f"{name or 'column'} (column {i + 1})")
        normalised = {normalise_header(name): i for i, name in reversed(list(enumerate(header)))}
        for field, names in (preferred or {}).items():
            for name in names:
                if normalise_header(name) in normalised:
                    self.fields[field] = normalised[normalise_header(name)]
                    break
        for field, column in explicit.items():
            if field not in SYNONYMS and field != "keywords":
                raise RecordFormatError(
                    f"the columns option names an unknown field {field!r}; fields: "
                    f"{', '.join(FIELDS)}",
                    file=display,
                )
            key = normalise_header(column)
            if column in self.header:
                self.fields[field] = self.header.index(column)
            elif key in normalised:
                self.fields[field] = normalised[key]
            else:
                raise RecordFormatError(
                    f"the columns option maps {field!r} to the column {column!r}, which the "
                    f"file does not have; its columns are: {', '.join(self.header)}",
                    file=display,
                    line=1,
                )
        keyword_names = set(KEYWORD_COLUMNS)
        if is_wos_tab_delimited(header):
            keyword_names.add("id")
        self.keyword_columns = [
            i for i, name in enumerate(header) if normalise_header(name) in keyword_names
            and not normalise_header(name).startswith("emtree")
        ]
        # Embase separates Emtree terms with commas, and puts commas inside parentheses.
        self.comma_keyword_columns = [
            i for i, name in enumerate(header) if normalise_header(name).startswith("emtree")
        ]
        if self.comma_keyword_columns:  # an Embase file: its other keyword columns too
            self.comma_keyword_columns += self.keyword_columns
            self.keyword_columns = []
        if "keywords" in explicit:
            self.keyword_columns = [self.fields.pop("keywords")]
        self.url_columns = [i for i, name in enumerate(header)
                            if normalise_header(name) in SYNONYMS["url"]]
        # OpenAlex exports carry the abstract only as an inverted index (JSON word → places).
        self.inverted_abstract = next(
            (i for i, name in enumerate(header)
             if normalise_header(name) == "abstract inverted index"), None)
        journal = self.fields.get("journal")
        self.journal_is_citation = (
            journal is not None and normalise_header(header[journal]) == "source"
        )


def missing_title_error(header: Sequence[str], display: str, line: int) -> RecordFormatError:
    shown = ", ".join(repr(name) for name in header[:40])
    if len(header) > 40:
        shown += f", ... ({len(header)} columns)"
    accepted = ", ".join(repr(name) for name in SYNONYMS["title"])
    return RecordFormatError(
        f"no title column: the columns are {shown}; a title column is named one of "
        f"{accepted} (any case and punctuation). Rename the column, or name it with the "
        "import option columns: {title: YOUR COLUMN}",
        file=display,
        line=line,
    )


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
        cell("journal"), cell("year"), cell("volume"), cell("issue"), ""
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
    keywords = split_keywords([row[i] for i in columns.keyword_columns if i < cells],
                              separators=";|")
    for i in columns.comma_keyword_columns:
        if i < cells and row[i]:
            keywords.extend(k for k in unique(split_outside_parentheses(row[i]))
                            if k not in keywords)
    abstract = cell("abstract")
    if not abstract and columns.inverted_abstract is not None and \
            columns.inverted_abstract < cells:
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


def iter_rows(source: Any, options: Mapping[str, Any], cursor: Cursor
              ) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every non-empty row, the header first.

    Text files: ``line`` is the line where the row starts. XLSX: the sheet's row number.
    """
    sheet = options.get("sheet")
    if source.container == "xlsx":
        if sheet is not None:
            from evidencekit.core.importing import xlsx_rows

            _, rows = xlsx_rows(source.data, source.display, sheet)
            for number, row in enumerate(rows, 1):
                if "".join(row).strip():
                    cursor.line = number
                    yield number, row
            return
        text = source.text
        reader = csv.reader(iter_lines_keepends(text))
        for number, row in enumerate(reader, 1):
            if row and "".join(row).strip():
                cursor.line = number
                yield number, row
        return
    if sheet is not None:
        raise RecordFormatError(
            "the sheet option applies to .xlsx workbooks only; this file is text",
            file=source.display,
        )
    _set_field_size_limit()
    text = source.text
    lines = [line for line in text[:65536].split("\n", 50)[:50] if line.strip()]
    # The first line with a delimiter: a title line above the header has none.
    first_line = next((line for line in lines if any(d in line for d in _DELIMITERS)),
                      lines[0] if lines else "")
    delimiter = options.get("delimiter") or guess_delimiter(first_line)
    consumed = [0]  # how far into the text the reader has read
    reader = csv.reader(_tracked_lines(text, consumed), delimiter=delimiter)
    start = 1
    last_start = 1
    offset = last_offset = 0
    try:
        for row in reader:
            end = reader.line_num
            if row and "".join(row).strip():
                cursor.line = last_start = start
                last_offset = offset
                yield start, row
            start = end + 1
            offset = consumed[0]
    except csv.Error as exc:
        raise RecordFormatError(
            f"the table cannot be read here ({exc}); check the quoting of this row",
            file=source.display,
            line=start,
        ) from None
    # Why: the csv module silently reads an unclosed quote to the end of the file; only
    # its strict mode notices, so the last row is read again strictly.
    tail = text[last_offset:]
    if '"' in tail:
        try:
            for _ in csv.reader(iter_lines_keepends(tail), delimiter=delimiter, strict=True):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise RecordFormatError(
                    "a quote opened in the row starting here is never closed, so the rest of "
                    "the file would be one cell: the file is truncated or a quote is missing. "
                    "Export it again, or close the quote",
                    file=source.display,
                    line=last_start,
                ) from None


def _tracked_lines(text: str, consumed: list[int]) -> Iterator[str]:
    """Lines with their breaks, noting in ``consumed[0]`` the offset after each one."""
    find = text.find
    start = 0
    size = len(text)
    while start < size:
        end = find("\n", start)
        end = size if end < 0 else end + 1
        consumed[0] = end
        yield text[start:end]
        start = end


def _chain(first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
           ) -> Iterator[tuple[int, list[str]]]:
    yield from first
    yield from rest


def merge_extra_cells(row: list[str], width: int, at: int) -> list[str]:
    """Fold the surplus cells of an over-long row into column ``at`` (Scopus funding texts)."""
    extra = len(row) - width
    merged = "\n".join(cell for cell in row[at : at + extra + 1] if cell.strip())
    return [*row[:at], merged, *row[at + extra + 1 :]]


def read_table(
    source: Any,
    options: Mapping[str, Any],
    cursor: Cursor,
    fmt: str,
    preferred: Mapping[str, Sequence[str]] | None = None,
    required: Sequence[str] = (),
) -> Iterator[Record]:
    """Records from a CSV/TSV/XLSX table (the header row first)."""
    rows = iter_rows(source, options, cursor)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise RecordFormatError(
            "the table has no header row (the file holds only empty rows); export it again",
            file=source.display,
            line=1,
        ) from None
    header = [cell.strip().strip("\ufeff").strip() for cell in header]
    explicit = options.get("columns") or {}
    if "title" not in header_fields(header) and "title" not in explicit:
        # Some exports put a title line or a search summary above the header row.
        ahead: list[tuple[int, list[str]]] = []
        for found in rows:
            ahead.append(found)
            cells = [cell.strip().strip("\ufeff").strip() for cell in found[1]]
            if len([c for c in cells if c]) >= 2 and "title" in header_fields(cells):
                source.warn(
                    f"the header row is on line {found[0]}; the {len(ahead)} row(s) above "
                    "it were skipped",
                    found[0],
                )
                header_line, header = found[0], cells
                ahead = []
                break
            if len(ahead) >= 10:
                break
        if ahead:  # no header further down: read on from the first row as before
            rows = _chain(ahead, rows)
    missing = [name for name in required
               if normalise_header(name) not in {normalise_header(h) for h in header}]
    if missing:
        raise RecordFormatError(
            f"this {fmt} file lacks the column(s) {', '.join(repr(m) for m in missing)}; "
            f"its columns are {', '.join(repr(h) for h in header[:30])}. Import it with "
            "--format csv instead, or export it again with all fields",
            file=source.display,
            line=header_line,
        )
    columns = Columns(header, explicit, source.display, preferred)
    if "title" not in columns.fields:
        raise missing_title_error(header, source.display, header_line)
    width = len(header)
    # Why: Scopus writes a second "Funding Text" cell for some rows without a header for it,
    # shifting every later cell (EID, language, type...) one column to the right.
    funding = next((i for i in range(width - 1, -1, -1)
                    if normalise_header(header[i]).startswith("funding text")), None)
    previous: tuple[int, list[str]] | None = None
    short_rows = 0
    for line, row in rows:
        if previous is not None:
            cursor.record += 1
            yield row_to_record(previous[1], columns, previous[0], fmt)
        if len(row) < width:
            short_rows += 1
        elif len(row) > width and funding is not None:
            row = merge_extra_cells(row, width, funding)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            source.warn(
                f"this row has {len(row)} cells but the header has {width}; the extra cells "
                "are kept in the raw fields only",
                line,
            )
        previous = (line, row)
    if previous is not None:
        line, row = previous
        if (len(row) < width and not source.text.endswith("\n")
                and source.container != "xlsx" and short_rows == 1):
            raise RecordFormatError(
                f"the last row has {len(row)} of the {width} cells and the file ends without "
                "a line break: the file looks truncated. Export it again",
                file=source.display,
                line=line,
            )
        cursor.record += 1
        yield row_to_record(row, columns, line, fmt)
    if short_rows > 1:
        source.warn(f"{short_rows} rows have fewer cells than the header; the missing cells "
                    "were taken as empty")


TABLE_OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "delimiter": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1,
            "description": "Cell delimiter of a text table; guessed from the header if absent.",
        },
        "sheet": {
            "type": "string",
            "description": "Worksheet of an .xlsx workbook; the first with data if absent.",
        },
        "columns": {
            "type": "object",
            "description": "Field name -> column name, overriding the synonyms.",
            "propertyNames": {"enum": [*FIELDS, "keywords"]},
            "additionalProperties": {"type": "string"},
        },
    },
}


def _header_cells(line: str) -> list[str]:
    try:
        cells = next(csv.reader([line], delimiter=guess_delimiter(line)))
    except (csv.Error, StopIteration):
        return []
    return [cell.strip().strip("\ufeff") for cell in cells]


def sniff_table(head: str) -> tuple[float, list[str]]:
    """How table-like ``head`` is, and its header cells.

    Score 0.8 when the header has a recognised title column, 0.4 for another consistent
    table (so a table without a title column still reaches the importer, which names the
    columns it found in its error), 0 otherwise.
    """
    lines = [line for line in head.split("\n", 40)[:40] if line.strip()]
    if not lines:
        return 0.0, []
    start = lines[0].lstrip()
    if start.startswith(("<", "@", "{", "[")) or start[2:6] == "  - " or start[:5] == "PMID-":
        return 0.0, []
    delimiter = guess_delimiter(lines[0])
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return 0.0, []
    header = [cell.strip().strip("\ufeff") for cell in header]
    if len(header) >= 2 and all(len(cell) <= 80 for cell in header) and \
            "title" in header_fields(header):
        return 0.8, header
    for line in lines[1:10]:  # a title line or search summary above the header row
        later = _header_cells(line)
        if len(later) >= 2 and all(len(c) <= 80 for c in later) and \
                "title" in header_fields(later):
            return 0.7, later
    if len(header) < 2 or any(len(cell) > 80 for cell in header):
        return 0.0, []
    if len(lines) >= 2 and all(line.count(delimiter) >= len(header) - 1 for line in lines[1:3]):
        return 0.4, header
    return 0.0, header
