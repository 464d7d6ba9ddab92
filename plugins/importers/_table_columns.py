"""Table columns → record fields: the synonyms, header normalisation, :class:`Columns`.

A column is matched to a field by its normalised name (lower case, every run of
punctuation or spaces turned into one space: ``"Author(s) ID"`` → ``"author s id"``,
``"publication_year"`` → ``"publication year"``), trying each field's synonyms in order,
so the most specific column wins (Scopus's "Source title" before Embase's "Source").
``docs/importing.md`` lists every synonym; a review may name columns explicitly with the
``columns`` option. Every step is linear in the number of columns (a header of 100,000
columns used to take 75 s through list look-ups).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from evidencekit.core.errors import RecordFormatError

#: Field → column names (normalised) in order of preference. Sources: Scopus, Web of
#: Science (tab-delimited/Excel), Embase, IEEE Xplore, SpringerLink, Lens.org, OpenAlex,
#: Zotero, EndNote/Covidence/Rayyan/ASReview tables and bib-dedupe/CoLRev CSV.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "document title",
        "article title",
        "item title",
        "primary title",
        "paper title",
        "title of article",
        "ti",
        "t1",
        "titles",
        "display name",
        "original title",
    ),
    "abstract": (
        "abstract",
        "abstract note",
        "abstracts",
        "ab",
        "n2",
        "summary",
        "original abstract",
    ),
    "authors": (
        "author full names",
        "authors",
        "author",
        "author names",
        "author s",
        "authorships author display name",
        "author name",
        "authors names",
        "af",
        "au",
        "a1",
        "creators",
        "creator",
        "full author names",
    ),
    "year": (
        "year",
        "publication year",
        "py",
        "pub year",
        "year published",
        "published year",
        "publication date",
        "date published",
        "date of publication",
        "pubdate",
        "date",
        "issue date",
        "dp",
        "y1",
    ),
    "journal": (
        "source title",
        "publication title",
        "journal",
        "journal title",
        "journal name",
        "full journal title",
        "secondary title",
        "periodical",
        "container title",
        "primary location source display name",
        "host venue display name",
        "source name",
        "so",
        "jt",
        "t2",
        "jf",
        "jo",
        "journal iso abbreviation",
        "journal abbreviation",
        "abbreviated source title",
        "source",
        "booktitle",
        "book title",
        "proceedings title",
        "conference name",
    ),
    "volume": ("volume", "journal volume", "vol", "vl", "biblio volume"),
    "issue": ("issue", "journal issue", "number", "issue number", "is", "ip", "biblio issue", "no"),
    "pages": ("pages", "page", "page range", "pagination", "pg"),
    "page_start": (
        "page start",
        "start page",
        "first page",
        "beginning page",
        "bp",
        "sp",
        "biblio first page",
        "spage",
    ),
    "page_end": (
        "page end",
        "end page",
        "last page",
        "ending page",
        "ep",
        "biblio last page",
        "epage",
    ),
    "article_number": ("art no", "article number", "article no", "ar", "elocation id"),
    "doi": ("doi", "item doi", "digital object identifier", "di", "do", "doi url", "doi link"),
    "pmid": (
        "pmid",
        "pubmed id",
        "pubmedid",
        "pubmed",
        "ids pmid",
        "pubmed identifier",
        "pm",
        "medline pmid",
    ),
    "issn": (
        "issn",
        "issns",
        "eissn",
        "e issn",
        "print issn",
        "electronic issn",
        "issn l",
        "primary location source issn",
        "host venue issn",
        "sn",
        "ei",
    ),
    "isbn": ("isbn", "isbns", "e isbn", "print isbn", "bn"),
    "language": ("language", "language of original document", "languages", "lang", "la"),
    "publication_type": (
        "document type",
        "publication type",
        "item type",
        "content type",
        "type",
        "reference type",
        "ref type",
        "entrytype",
        "work type",
        "pt",
        "dt",
    ),
    "url": (
        "url",
        "link",
        "urls",
        "source urls",
        "landing page url",
        "primary location landing page url",
        "full text link",
        "pdf link",
        "open url link",
        "ur",
    ),
    "source_key": (
        "id",
        "record id",
        "record id s",
        "key",
        "record number",
        "eid",
        "accession number",
        "ut unique wos id",
        "ut",
        "lens id",
        "openalex id",
        "unique id",
        "refid",
        "ref id",
        "an",
        "covidence",
        "rayyan id",
    ),
}
#: Fields whose columns are all gathered (not just the first found).
KEYWORD_COLUMNS: tuple[str, ...] = (
    "author keywords",
    "keywords",
    "index keywords",
    "keywords plus",
    "manual tags",
    "automatic tags",
    "mesh terms",
    "mesh",
    "ieee terms",
    "inspec controlled terms",
    "inspec non controlled terms",
    "emtree medical index terms",
    "emtree drug index terms",
    "emtree medical index terms major focus",
    "emtree drug index terms major focus",
    "fields of study",
    "concepts display name",
    "subject",
    "subjects",
    "kw",
    "de",
)
#: Web of Science tab-delimited exports name their columns by tag; there "ID" is Keywords
#: Plus, not a record id, and "UT" is the accession number.
_WOS_CODES = frozenset({"pt", "au", "ti", "so", "ut"})
FIELDS = tuple(SYNONYMS)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise_header(name: str) -> str:
    """``"Author(s) ID"`` → ``"author s id"``; ``"publication_year"`` → ``"publication year"``."""
    return _NON_ALNUM.sub(" ", name.lower()).strip()


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


class Columns:
    """Which column feeds which field, decided once per file."""

    def __init__(
        self,
        header: Sequence[str],
        explicit: Mapping[str, str],
        display: str,
        preferred: Mapping[str, Sequence[str]] | None = None,
    ):
        self.header = list(header)
        self.fields = header_fields(header)
        # Names for the raw fields: a repeated column name gets its position added.
        self.raw_names: list[str] = []
        taken: set[str] = set()  # a set: a list look-up per column was quadratic
        for i, name in enumerate(self.header):
            raw_name = (
                name if name and name not in taken else f"{name or 'column'} (column {i + 1})"
            )
            taken.add(raw_name)
            self.raw_names.append(raw_name)
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
            i
            for i, name in enumerate(header)
            if normalise_header(name) in keyword_names
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
        self.url_columns = [
            i for i, name in enumerate(header) if normalise_header(name) in SYNONYMS["url"]
        ]
        # OpenAlex exports carry the abstract only as an inverted index (JSON word → places).
        self.inverted_abstract = next(
            (
                i
                for i, name in enumerate(header)
                if normalise_header(name) == "abstract inverted index"
            ),
            None,
        )
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
