"""Pathological input shapes of issue 12 (each once quadratic), built at any size.

Shared by tests/plugins/importers/test_linear_time.py (CI) and
benchmarks/pathological_inputs.py (1, 2, 4, 8 MB by hand). Each maker returns about
``size`` bytes of one export in the shape that used to be slow.
"""

from __future__ import annotations

import re
from collections.abc import Callable

WORDS = "peer support workers facilitators barriers implementation\n"


def ris_continuation(size: int) -> bytes:
    """One RIS record whose title runs on over thousands of continuation lines."""
    lines = max(1, size // len(WORDS))
    return ("TY  - JOUR\nTI  - Start\n" + WORDS * lines + "ER  - \n").encode()


def medline_continuation(size: int) -> bytes:
    """One MEDLINE record whose abstract runs on over six-space continuation lines."""
    line = "      " + WORDS
    return (
        "PMID- 1\nTI  - A title\nAB  - Start\n" + line * max(1, size // len(line)) + "\n"
    ).encode()


def csv_wide_header(size: int) -> bytes:
    """A CSV header of very many columns (100,000 columns is about 0.9 MB)."""
    columns = max(1, size // 18)
    header = "Title," + ",".join(f"column{i}" for i in range(columns))
    return (header + "\n" + "A title," + ",".join("x" for _ in range(columns)) + "\n").encode()


def endnote_deep(size: int) -> bytes:
    """EndNote XML with elements nested ever deeper (refused beyond 100 levels)."""
    depth = max(1, size // 7)
    return (
        "<xml><records><record><titles><title>T</title></titles>\n"
        + "<a>" * depth
        + "</a>" * depth
        + "</record></records></xml>\n"
    ).encode()


def bibtex_huge_field(size: int) -> bytes:
    """One BibTeX entry with one enormous abstract (spread over lines)."""
    return (
        "@article{a,\n  title = {A title},\n  year = 2019,\n  abstract = {"
        + WORDS * max(1, size // len(WORDS))
        + "}\n}\n"
    ).encode()


#: name → (importer format, file name, maker)
SHAPES: dict[str, tuple[str, str, Callable[[int], bytes]]] = {
    "ris-continuation": ("ris", "big.ris", ris_continuation),
    "medline-continuation": ("medline", "big.nbib", medline_continuation),
    "csv-wide-header": ("csv", "wide.csv", csv_wide_header),
    "endnote-xml-deep": ("endnote-xml", "deep.xml", endnote_deep),
    "bibtex-huge-field": ("bibtex", "huge.bib", bibtex_huge_field),
}


def parse(shape: str, size: int, registry: object) -> str:
    """Import one generated file; 'N records' or the error's first words (both fine)."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.importing import records_from_source, source_from_bytes

    fmt, name, make = SHAPES[shape]
    try:
        result = records_from_source(
            source_from_bytes(make(size), name), registry, format=fmt, source_name="Pathological"
        )
    except EvidencekitError as exc:
        return "refused: " + re.sub(r"^[^:]+(:\d+)?: ", "", str(exc))[:60]
    return f"{len(result)} record(s)"
