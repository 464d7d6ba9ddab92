"""Normalising the fields every importer shares: text, names, DOI, pages, year, ISSN/ISBN.

All regular expressions are compiled once, here: importers call these functions once per
field per record, and imports of 100,000 records must stay fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from evidencekit.core.model import Author, Provenance, Record
from evidencekit.plugins.importers._text import clean, clean_block

_SPACE = re.compile(r"\s+")
_DOI = re.compile(r"10\.\d{3,9}/\S+")
_DOI_TRAILING = ".,;:)]}>'\"\u201d\u2019"
_YEAR4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DIGITS = re.compile(r"\d+")
_ISSN = re.compile(r"(?<![\dXx-])(\d{4})[-\u2010\u2013 ]?(\d{3}[\dXx])(?![\dXx])")
_ISBN = re.compile(r"(?<![\dXx])(?:97[89][-\u2010 ]?)?(?:\d[-\u2010 ]?){9}[\dXx](?![\dXx])")
_PAGE_SPLIT = re.compile(r"\s*(?:--|[-\u2010\u2011\u2012\u2013\u2014\u2212]|\bto\b)\s*")
_PAGE_PREFIX = re.compile(r"^(?:pp?\.?|pages?)\s*", re.I)
_PAGE_PART = re.compile(r"^([A-Za-z]*)(\d+)$")
#: Placeholders some hosts write instead of pages (Ovid: "No-Specified").
_NO_PAGES = re.compile(
    r"^(?:no[- ]?specified|not specified|unspecified|n\.?\s?[ap]\.?|"
    r"unknown|none|-+)$",
    re.I,
)


def first(*values: object) -> str:
    """The first non-empty value, cleaned."""
    for value in values:
        text = clean(value)
        if text:
            return text
    return ""


def _strip_doi_end(doi: str) -> str:
    """Drop punctuation that ends the sentence around a DOI, keeping a balanced ")"."""
    while doi and doi[-1] in _DOI_TRAILING:
        if doi[-1] == ")" and doi.count("(") >= doi.count(")"):
            break
        if doi[-1] == "]" and doi.count("[") >= doi.count("]"):
            break
        doi = doi[:-1]
    return doi


def normalise_doi(value: object) -> str:
    """A DOI in canonical form: lower case, no resolver prefix or ``doi:``, no trailing
    punctuation; ``""`` when ``value`` holds no DOI."""
    if not value:
        return ""
    text = str(value).strip()
    if "%" in text:
        text = unquote(text)
    match = _DOI.search(text)
    if match is None:
        return ""
    doi = _strip_doi_end(match.group(0))
    # Why: MEDLINE writes "10.1/x [doi]"; some exports glue "[doi]" or "(doi)" on directly.
    for suffix in ("[doi]", "(doi)"):
        if doi.lower().endswith(suffix):
            doi = _strip_doi_end(doi[: -len(suffix)])
    return doi.lower()


def find_doi(values: Iterable[object]) -> str:
    """The first DOI found in ``values`` (DOI fields, or URLs that are DOI links)."""
    for value in values:
        doi = normalise_doi(value)
        if doi:
            return doi
    return ""


def parse_year(value: object) -> int | None:
    """The publication year in a date-ish value ("2019", "2019 Jan 5", "2019///", "2019.0").

    Returns the first four-digit number (or the year of a compact date, ``20190315``);
    when there is none but there are digits, the first number (so an impossible "0" or
    "19" reaches the caller's range check instead of vanishing); ``None`` when there are no
    digits.
    """
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    match = _YEAR4.search(text)
    if match is not None:
        return int(match.group(1))
    match = _DIGITS.search(text)
    if match is not None:
        digits = match.group(0)
        if len(digits) in (6, 8) and digits[0] in "12":  # a compact date: 201903, 20190315
            return int(digits[:4])
        return int(digits[:9])
    return None


def _expand_end(start: str, end: str) -> str:
    """An abbreviated last page in full: ``"123", "30"`` -> ``"130"``; ``"795", "15"`` -> ``"815"``.

    The end takes the start's leading digits; when that falls before the start the range
    crosses a ten, hundred ... (795-15 is 795-815, not 795-715).
    """
    full = start[: len(start) - len(end)] + end
    if int(full) < int(start):
        full = str(int(full) + 10 ** len(end))
    return full


def normalise_pages(start: object, end: object = "") -> str:
    """Pages as ``"123-130"``: en dashes and ``--`` become ``-``, abbreviated ends are
    expanded (``"123-30"`` → ``"123-130"``), a single page or article number stays as is."""
    first_page = clean(start)
    last_page = clean(end)
    if first_page and last_page and _NO_PAGES.match(f"{first_page}-{last_page}"):
        return ""  # Zotero splits Ovid's "No-Specified" into SP "No" and EP "Specified"
    if first_page and _NO_PAGES.match(first_page):
        first_page = ""
    if last_page and _NO_PAGES.match(last_page):
        last_page = ""
    if first_page:
        first_page = _PAGE_PREFIX.sub("", first_page)
    if first_page and not last_page:
        parts = _PAGE_SPLIT.split(first_page, maxsplit=1)
        if len(parts) == 2:
            first_page, last_page = parts[0].strip(), parts[1].strip()
    if last_page.startswith(("-", "\u2013")):
        last_page = last_page.lstrip("-\u2013 ")
    if not first_page:
        return last_page
    if not last_page or last_page == first_page:
        return first_page
    start_match = _PAGE_PART.match(first_page)
    end_match = _PAGE_PART.match(last_page)
    if start_match and end_match:
        prefix, start_digits = start_match.groups()
        end_prefix, end_digits = end_match.groups()
        if not end_prefix or end_prefix == prefix:
            if len(end_digits) < len(start_digits):
                end_digits = _expand_end(start_digits, end_digits)
            last_page = prefix + end_digits
            if last_page == first_page:
                return first_page
    return f"{first_page}-{last_page}"


#: Results of pure functions of a field's text already computed in this import (a
#: journal's ISSNs, a MeSH heading: they repeat from record to record). Emptied by
#: :func:`clear_memos` when an import starts; each holds at most ``MEMO_LIMIT`` entries.
_IDENTIFIERS_MEMO: dict[str, tuple[list[str], list[str]]] = {}
_KEYWORD_MEMO: dict[str, tuple[str, str]] = {}
MEMO_LIMIT = 200_000


def clear_memos() -> None:
    """Forget the memoised field values (and names): called when an import starts, so a
    file's parse only reuses what the same file repeats."""
    _IDENTIFIERS_MEMO.clear()
    _KEYWORD_MEMO.clear()
    _clear_names()


def split_identifiers(values: Iterable[object]) -> tuple[list[str], list[str]]:
    """ISSNs (``"1234-567X"``) and ISBNs (digits only) found in ``values``, in order."""
    issns: list[str] = []
    isbns: list[str] = []
    memo = _IDENTIFIERS_MEMO
    for value in values:
        if not value:
            continue
        text = str(value)
        found = memo.get(text)
        if found is None:
            found = _identifiers_in(text)
            if len(memo) < MEMO_LIMIT:
                memo[text] = found
        for isbn in found[1]:
            if isbn not in isbns:
                isbns.append(isbn)
        for issn in found[0]:
            if issn not in issns:
                issns.append(issn)
    return issns, isbns


def _identifiers_in(text: str) -> tuple[list[str], list[str]]:
    """``(ISSNs, ISBNs)`` in one value, in order, each once."""
    issns: list[str] = []
    isbns: list[str] = []
    if text:
        for match in _ISBN.finditer(text):
            digits = match.group(0).replace("-", "").replace(" ", "").replace("\u2010", "")
            if len(digits) in (10, 13) and digits.upper() not in isbns:
                isbns.append(digits.upper())
        remainder = _ISBN.sub(" ", text)
        for match in _ISSN.finditer(remainder):
            issn = f"{match.group(1)}-{match.group(2).upper()}"
            if issn not in issns:
                issns.append(issn)
    return issns, isbns


def split_outside_parentheses(value: str, separator: str = ",") -> list[str]:
    """Split on ``separator`` except inside parentheses (Embase's Emtree terms:
    "cyst (congenital disorder, surgery), thyroidectomy")."""
    if "(" not in value:
        return value.split(separator)
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(value):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def unique(values: Iterable[str]) -> list[str]:
    """Non-empty cleaned values, first occurrence kept."""
    seen: set[str] = set()
    out: list[str] = []
    memo = _KEYWORD_MEMO
    for value in values:
        known = memo.get(value) if type(value) is str else None
        if known is None:
            text = clean(value)
            known = (text, text.lower())
            if type(value) is str and len(memo) < MEMO_LIMIT:
                memo[value] = known
        text, key = known
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def split_keywords(values: Iterable[str], separators: str = ";") -> list[str]:
    """Keywords from values that may each hold several, separated by ``separators``;
    cleaned, duplicates (ignoring case) dropped, first occurrence kept."""
    out: list[str] = []
    seen: set[str] = set()
    memo = _KEYWORD_MEMO
    for value in values:
        if not value:
            continue
        parts = [value]
        for sep in separators:
            if sep in value:  # why the test: most values hold one keyword
                parts = [piece for part in parts for piece in part.split(sep)]
        for part in parts:
            known = memo.get(part)
            if known is None:
                text = clean(part)
                known = (text, text.lower())
                if len(memo) < MEMO_LIMIT:
                    memo[part] = known
            text, key = known
            if text and key not in seen:
                seen.add(key)
                out.append(text)
    return out


# Names live in _names.py (which uses clean() above); re-exported for the importers.
from evidencekit.plugins.importers._names import (  # noqa: E402
    clear_memo as _clear_names,
)
from evidencekit.plugins.importers._names import (  # noqa: E402
    parse_name as parse_name,
)
from evidencekit.plugins.importers._names import (  # noqa: E402
    parse_names as parse_names,
)
from evidencekit.plugins.importers._names import (  # noqa: E402
    split_author_list as split_author_list,
)

MISSING_MARKERS = frozenset({"NA", "N/A"})


def _present(text: str) -> str:
    return "" if text in MISSING_MARKERS else text


def make_record(
    *,
    line: int | None,
    format: str,
    raw: dict,
    title: str = "",
    abstract: str = "",
    authors: Sequence[Author] = (),
    year: object = None,
    journal: str = "",
    volume: str = "",
    issue: str = "",
    pages: str = "",
    doi: str = "",
    pmid: str = "",
    issn: Sequence[str] = (),
    isbn: Sequence[str] = (),
    language: str = "",
    keywords: Sequence[str] = (),
    publication_type: str = "",
    url: str = "",
    source_key: str = "",
) -> Record:
    """A :class:`Record` with every field cleaned; ``doi``, ``pages`` and ``year`` are
    expected already normalised by the caller's helpers above (cheap to re-check).

    A field that is only a missing-value marker (``NA``, as R-based tools such as
    ASySD and revtools write, or ``N/A``) is empty: kept, two "NA" abstracts would
    count as agreeing when de-duplicating.
    """
    pmid_text = clean(pmid)
    return Record(
        title=_present(clean(title)),
        abstract=_present(clean_block(abstract)),
        authors=[a for a in authors if a.given or a.family not in MISSING_MARKERS],
        year=parse_year(year),
        journal=_present(clean(journal)),
        volume=_present(clean(volume)),
        issue=_present(clean(issue)),
        pages=_present(pages),
        doi=doi,
        pmid=pmid_text if pmid_text.isdigit() else "",
        issn=list(issn),
        isbn=list(isbn),
        language=_present(clean(language)),
        keywords=[k for k in keywords if k not in MISSING_MARKERS],
        publication_type=_present(clean(publication_type)),
        url=_present(clean(url)),
        source_key=_present(clean(source_key)),
        raw=raw,
        provenance=Provenance(source="", line=line, format=format),
    )
