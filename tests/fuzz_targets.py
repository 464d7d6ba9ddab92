"""Fuzz targets for issue 12: mutated real files into every loader.

Each target takes bytes and returns "parsed" or "refused"; anything else (an exception
that is not one of evidencekit's own errors, or an error that does not name its file)
raises AssertionError. Used by tests/test_fuzz.py (hypothesis, a few hundred inputs in CI)
and benchmarks/fuzz_long.py (as many as you like, by hand).

Seeds are real exports: tests/data/exports (always there) and the small files of
../shared/datasets/exports (EVIDENCEKIT_SHARED) when present; the shipped instruments;
the worked example's review.yaml and CSV files.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st
from shared_folder import SHARED  # ../shared, or EVIDENCEKIT_SHARED

REPO = Path(__file__).resolve().parents[1]
EXCERPTS = REPO / "tests" / "data" / "exports"
EXAMPLE = REPO / "docs" / "examples" / "peer-support"

#: Seeds per importer format, beyond what the excerpts hold (small shared files).
_SHARED_SEEDS = {
    "ris": [
        "synthesisr/Ovid_ris_example.ris",
        "synthesisr/Scopus_ris_example.ris",
        "asreview/pubmed_zotero.ris",
    ],
    "medline": ["synthesisr/PubMed_example.txt", "asreview/pubmed_endnote.txt"],
    "bibtex": ["synthesisr/Scopus_bib_example.bib"],
    "wos": ["synthesisr/WoS_txt_example.txt", "synthesisr/WoS_ciw_example.ciw"],
    "csv": ["asreview/embase.csv", "litstudy/ieee.csv"],
}
_EXCERPT_SEEDS = {
    "ris": ["asreview_ovid_zotero.ris"],
    "medline": ["asreview_pubmed_endnote.txt"],
    "wos": ["asreview_web_of_science.txt", "rispy_example_wos.ris"],
    "endnote-xml": ["dedupe_sweep_tafenoquine.xml"],
    "csv": ["asreview_embase.csv", "litstudy_ieee.csv", "litstudy_springer.csv"],
    "scopus-csv": ["litstudy_scopus.csv"],
}
_INLINE_BIBTEX = (
    b'@string{jmh = {J Ment Health}}\n@article{smith2019,\n  author = {M{\\"u}ller, J and'
    b" Lee, K},\n  title = {Peer support {workers}: a review},\n  journal = jmh,\n"
    b"  year = 2019,\n  pages = {123--30},\n  doi = {10.1080/0963},\n}\n"
    b'@inproceedings{lee2020, title = "Conference", booktitle = "Proc", year = 2020}\n'
)


def importer_seeds() -> dict[str, list[bytes]]:
    """Seed files per importer format (every format has at least one)."""
    seeds: dict[str, list[bytes]] = {"bibtex": [_INLINE_BIBTEX]}
    for fmt, names in _EXCERPT_SEEDS.items():
        seeds.setdefault(fmt, []).extend((EXCERPTS / n).read_bytes()[:20000] for n in names)
    exports = SHARED / "datasets" / "exports"
    for fmt, names in _SHARED_SEEDS.items():
        for name in names:
            if (exports / name).is_file():
                seeds.setdefault(fmt, []).append((exports / name).read_bytes()[:20000])
    return seeds


_SPECIAL = [
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\r",
    b"\n",
    b"\n\n",
    b"@",
    b"{",
    b"}",
    b'"',
    b",",
    b";",
    b"\t",
    b"<",
    b">",
    b"&",
    b"&#0;",
    b"ER  - \n",
    b"TY  - JOUR\n",
    b"PMID- 1\n",
    b"      ",
    b"<record>",
    b"</record>",
    b"#",
    b"=cmd",
    b"\xc3",
    b"\xe2\x80\xa8",
    b"\x1b[31m",
    b"9" * 50,
    b"-" * 5,
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few mutations: cut, byte flips, deletions, insertions, repeats."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            data.extend(draw(st.sampled_from(_SPECIAL)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["cut", "flip", "delete", "insert", "repeat", "swap"]))
        if action == "cut":
            del data[at:]
        elif action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.sampled_from(_SPECIAL) | st.binary(max_size=8))
        elif action == "repeat":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 5))
        else:
            other = draw(st.integers(0, len(data) - 1))
            data[at], data[other] = data[other], data[at]
    return bytes(data)


def _located(exc: BaseException, name: str) -> None:
    text = str(exc)
    assert text.startswith(name) or name in text.split("\n")[0], (
        f"error does not name its file {name!r}: {text[:200]}"
    )


def import_target(fmt: str | None, registry: object) -> Callable[[bytes], str]:
    """Import bytes (as format ``fmt``, or detected when None)."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.importing import records_from_source, source_from_bytes

    name = f"fuzz.{fmt or 'auto'}"

    def run(data: bytes) -> str:
        try:
            source = source_from_bytes(data, name)
            result = records_from_source(source, registry, format=fmt, source_name="Fuzz")
        except EvidencekitError as exc:
            _located(exc, name)
            return "refused"
        for record in result:
            assert isinstance(record.title, str) and record.provenance is not None
        return "parsed"

    return run


def yaml_seeds() -> list[bytes]:
    """Shipped instruments and the worked example's YAML files."""
    files = sorted((REPO / "instruments").rglob("*.yaml")) + sorted(EXAMPLE.glob("*.yaml"))
    return [f.read_bytes() for f in files]


def instrument_target(data: bytes) -> str:
    """Load bytes as an instrument file."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.instruments.catalog import load_instrument

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            load_instrument(path, name="fuzz.yaml")
        except EvidencekitError as exc:
            _located(exc, "fuzz.yaml")
            return "refused"
    return "parsed"


def review_target(data: bytes) -> str:
    """Open a review folder whose review.yaml is ``data``."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.review import open_review

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "review.yaml").write_bytes(data)
        try:
            review = open_review(folder)
            review.section("import")
        except EvidencekitError as exc:
            _located(exc, "review.yaml")
            return "refused"
    return "parsed"


def csv_seeds() -> list[bytes]:
    """The worked example's hand-edited CSV files (ratings, units, appraisal answers)."""
    return [f.read_bytes()[:20000] for f in sorted(EXAMPLE.glob("*.csv"))]


def csv_target(data: bytes) -> str:
    """Read bytes with the hand-edited CSV reader (core/csvfile.py)."""
    from evidencekit.core.csvfile import read_table
    from evidencekit.core.errors import EvidencekitError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            read_table(path, name="fuzz.csv")
        except EvidencekitError as exc:
            _located(exc, "fuzz.csv")
            return "refused"
    return "parsed"
