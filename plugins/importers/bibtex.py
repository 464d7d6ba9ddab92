"""BibTeX / BibLaTeX importer, built on bibtexparser 2.

bibtexparser 2 splits the file into blocks, resolves ``@string`` macros, removes the
enclosing braces or quotes, gives each entry its line, and reports blocks it cannot parse
instead of dropping them (1.x dropped them silently, gave no line numbers and was about
20 times slower). What this module adds: a failed block becomes a RecordFormatError naming
its line; entries with a repeated key are still imported (a warning names them); LaTeX
markup is turned into text by a small fast decoder (``_latex.py``) instead of pylatexenc;
and the fields are mapped onto the normalised record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Author, Record
from evidencekit.plugins.importers._base import BaseImporter, Cursor
from evidencekit.plugins.importers._bibmacros import MacroResolver, plain_braced
from evidencekit.plugins.importers._latex import latex_to_text, split_names, squash
from evidencekit.plugins.importers._normalise import (
    clear_memos,
    find_doi,
    make_record,
    normalise_doi,
    normalise_pages,
    parse_name,
    split_identifiers,
    split_keywords,
    unique,
)

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.M)
_NOT_RECORDS = frozenset({"comment", "string", "preamble"})
#: Fields the record is built from: a repeated one deserves a warning, others do not.
_MAPPED = frozenset(
    {
        "title",
        "author",
        "year",
        "date",
        "journal",
        "journaltitle",
        "booktitle",
        "volume",
        "number",
        "issue",
        "pages",
        "doi",
        "abstract",
    }
)


def _field_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _authors(value: str) -> list[Author]:
    authors: list[Author] = []
    for name in split_names(value):
        if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
            # A braced name is one unit: a corporate author, never split.
            authors.append(Author(squash(latex_to_text(name[1:-1]))))
            continue
        text = squash(latex_to_text(name))
        if text.lower() in ("others", "et al", "et al."):
            continue
        if text.count(",") >= 2:
            # "von Last, Jr, First" → family "von Last", given "First Jr".
            family, junior, given = (part.strip() for part in text.split(",", 2))
            authors.append(Author(family, f"{given} {junior}".strip()))
            continue
        author = parse_name(text)
        if author is not None:
            authors.append(author)
    return authors


def _place(line: int, key: str, field: str) -> Callable[[], str]:
    """A function naming a field of an entry, for a warning."""
    return lambda: f"line {line}: entry {key!r}, field {field.lower()!r}"


def _resolve_fields(entry: Any, resolver: MacroResolver) -> Any:
    """Resolve macros, ``#`` joins and enclosing braces in every field of ``entry``."""
    line = (entry.start_line or 0) + 1
    for field in entry.fields:
        value = field.value
        if isinstance(value, str):
            # Why first: most values are "{text}", which needs neither parsing nor a place.
            plain = plain_braced(value)
            # Why a function: the place is only needed for a warning, which is rare.
            field.value = (
                plain
                if plain is not None
                else resolver.resolve(value, _place(line, entry.key, field.key))
            )
    return entry


def _check_entry_sizes(source: Any) -> None:
    """Refuse an entry longer than the field limit before bibtexparser reads it.

    Why: bibtexparser needs about 20 times an entry's size in memory (one 100 MB field
    went past 2 GB), so a damaged or hostile entry is stopped first.
    """
    from evidencekit.core.limits import field_too_large, max_field_chars

    text = source.text
    limit = max_field_chars()
    if len(text) <= limit:
        return
    previous = 0
    for match in (*_ENTRY_START.finditer(text), None):
        at = len(text) if match is None else match.start()
        if at - previous > limit:
            line = text.count("\n", 0, previous) + 1
            raise field_too_large(
                f"the BibTeX entry starting on line {line} ({at - previous:,} characters)",
                limit,
                source.display,
                line,
            )
        previous = at


def _damaged_entry(block: Any) -> tuple[int, str] | None:
    """(line, text) of an '@' line that bibtexparser took for a comment, else None.

    Why: bibtexparser reads ``@articl}{b, …}`` as text between entries, so the entry
    vanished without a word. A line of an implicit comment starting with '@' and a
    letter is a damaged entry line.
    """
    raw = block.raw or ""
    for offset, text in enumerate(raw.split("\n")):
        stripped = text.lstrip()
        if stripped.startswith("@") and stripped[1:2].isalpha():
            return (block.start_line or 0) + 1 + offset, stripped
    return None


def _keywords(value: str) -> list[str]:
    # "a; b, c" lists keywords with ";" (a keyword may hold a comma: "Feedback,
    # Psychological"); only a list without any ";" is split on commas.
    return split_keywords([value], separators=";" if ";" in value else ",")


#: Field values already decoded in this import (journals, years, keywords repeat from entry
#: to entry); emptied when an import starts. Only short values are kept.
_DECODED: dict[str, str] = {}
_DECODED_LIMIT = 200_000


def _decoded(value: str) -> str:
    """``squash(latex_to_text(value))``, memoised for short values."""
    text = _DECODED.get(value)
    if text is None:
        text = squash(latex_to_text(value))
        if len(value) <= 200 and len(_DECODED) < _DECODED_LIMIT:
            _DECODED[value] = text
    return text


def to_record(entry: Any, line: int, fmt: str = "bibtex") -> Record:
    """Map one bibtexparser entry onto the normalised record (raw fields kept)."""
    fields: dict[str, str] = {}
    raw: dict[str, Any] = {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
    for field in entry.fields:
        key = field.key.lower()
        value = _field_text(field.value)
        if key not in fields:
            fields[key] = raw[key] = value
        else:  # a repeated field (Scopus repeats funding_details): keep every value raw
            previous = raw[key]
            raw[key] = [*previous, value] if isinstance(previous, list) else [previous, value]

    def text(*names: str) -> str:
        for name in names:
            value = fields.get(name)
            if value and value.strip():
                return _decoded(value)
        return ""

    entry_type = entry.entry_type.lower()
    doi = find_doi([fields.get("doi", "")])
    if not doi:
        for name in ("url", "note", "howpublished"):
            value = fields.get(name, "")
            if "doi.org/" in value.lower():
                doi = normalise_doi(value)
                if doi:
                    break
    journal = (
        text("journal", "journaltitle", "booktitle", "series")
        if entry_type not in ("book", "proceedings")
        else text("series", "publisher")
    )
    keywords = unique(
        k for name in ("keywords", "author_keywords", "mesh") for k in _keywords(text(name))
    )
    issn, isbn = split_identifiers([fields.get("issn", ""), fields.get("isbn", "")])
    abstract = latex_to_text(fields.get("abstract", "")) if fields.get("abstract") else ""
    pmid = text("pmid")
    if not pmid and text("eprinttype").lower() == "pubmed":
        pmid = text("eprint")
    return make_record(
        line=line,
        format=fmt,
        raw=raw,
        title=text("title", "booktitle")
        if entry_type in ("book", "proceedings")
        else text("title"),
        abstract=abstract,
        authors=_authors(fields.get("author", "")),
        year=text("year", "date"),
        journal=journal,
        volume=text("volume"),
        issue=text("number", "issue"),
        pages=normalise_pages(text("pages")),  # decoded like the rest: "--", "\&"
        doi=doi,
        pmid=pmid,
        issn=issn,
        isbn=isbn,
        language=text("language", "langid"),
        keywords=keywords,
        publication_type=entry_type,
        # Why not text(): LaTeX decoding would turn "~" and "--" in a URL into typography.
        url=fields.get("url", "").replace("{", "").replace("}", "").replace("\\_", "_"),
        source_key=entry.key,
    )


def _failed_block_error(block: Any, source: Any) -> RecordFormatError:
    """A RecordFormatError for a block bibtexparser could not parse."""
    line = (block.start_line or 0) + 1
    error = block.error
    reason = " ".join(str(getattr(error, "abort_reason", "") or error).split())
    reason = reason.replace("`", "'").rstrip(".") or error.__class__.__name__
    end = getattr(error, "end_index", 0)
    if hasattr(error, "end_index") and (end is None or end >= len(source.text.rstrip())):
        return RecordFormatError(
            f"the file ends inside the BibTeX entry starting on this line ({reason}): the "
            "file is truncated. Export it again",
            file=source.display,
            line=line,
        )
    where = ""
    if end:
        where = f" (near line {source.text.count(chr(10), 0, end) + 1})"
    return RecordFormatError(
        f"this BibTeX entry cannot be parsed{where}: {reason}. Check its braces and quotes "
        "(every '{' needs a '}', fields are separated by commas), or export the file again",
        file=source.display,
        line=line,
    )


class BibtexImporter(BaseImporter):
    """BibTeX and BibLaTeX (``@article{key, …}``) from any database or reference manager."""

    name = "bibtex"
    description = "BibTeX/BibLaTeX (@article{key, ...}; .bib)"
    extensions = (".bib", ".bibtex", ".txt")
    options_schema = None

    def sniff(self, head: str) -> float:
        types = [match.group(1).lower() for match in _ENTRY_START.finditer(head)]
        if any(kind not in _NOT_RECORDS for kind in types):
            return 0.9
        return 0.5 if types else 0.0

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        import bibtexparser  # why here: only BibTeX files need it
        from bibtexparser import model

        _check_entry_sizes(source)
        clear_memos()
        _DECODED.clear()
        # Why: bibtexparser's own log lines (from its child loggers, e.g.
        # bibtexparser.splitter) would print on stderr before our located error.
        logs = [
            logging.getLogger(name)
            for name in list(logging.Logger.manager.loggerDict)
            if name == "bibtexparser" or name.startswith("bibtexparser.")
        ]
        logs.append(logging.getLogger("bibtexparser"))
        previous = [log.disabled for log in logs]
        for log in logs:
            log.disabled = True
        try:
            # No middlewares: _bibmacros resolves macros, '#' joins and enclosing
            # braces itself, for accepted and set-aside entries alike.
            library = bibtexparser.parse_string(source.text, parse_stack=[])
        finally:
            for log, was in zip(logs, previous, strict=True):
                log.disabled = was
        resolver = MacroResolver(
            {s.key: s.value for s in library.strings if isinstance(s.value, str)},
            lambda message: source.warn(message),
        )
        found = False
        for block in library.blocks:
            if isinstance(block, model.Entry):
                entry = _resolve_fields(block, resolver)
            elif isinstance(block, model.ImplicitComment):
                damaged = _damaged_entry(block)
                if damaged is not None:
                    line, text = damaged
                    shown = text if len(text) <= 60 else text[:57] + "..."
                    raise RecordFormatError(
                        f"this line starts like a BibTeX entry but cannot be read as one "
                        f"({shown!r}); an entry starts '@type{{key,' (e.g. "
                        "'@article{smith2020,'). Repair the line or export the file again",
                        file=source.display,
                        line=line,
                    )
                continue
            elif isinstance(block, model.ParsingFailedBlock) and isinstance(
                block.ignore_error_block, model.Entry
            ):
                # A repeated key or repeated field: the entry itself is sound.
                entry = _resolve_fields(block.ignore_error_block, resolver)
                repeated = sorted(
                    _MAPPED & {k.lower() for k in getattr(block, "duplicate_keys", ())}
                )
                if repeated:
                    source.warn(
                        f"entry {entry.key!r} repeats the field(s) {', '.join(repeated)}; "
                        "the first value is used",
                        (entry.start_line or 0) + 1,
                    )
            elif isinstance(block, model.ParsingFailedBlock):
                raise _failed_block_error(block, source)
            else:
                continue  # @string, @preamble, @comment and text between entries
            if entry.entry_type.lower() in _NOT_RECORDS:
                continue
            found = True
            line = (entry.start_line or 0) + 1
            cursor.line = line
            cursor.record += 1
            yield to_record(entry, line, self.name)
        if not found:
            raise RecordFormatError(
                "no BibTeX entry found (no line like '@article{key,'); check the file is a "
                "BibTeX export",
                file=source.display,
                line=1,
            )


@hookimpl
def evidencekit_importers() -> list[BaseImporter]:
    return [BibtexImporter()]
