"""Benchmark: parsing speed of each importer (run by hand; prints figures).

    python benchmarks/importers.py [N] [--compare] [--repeat R]     (--help: this text)

For each format, repeats a real export (from ../shared/datasets/exports when present,
else the excerpts in tests/data/exports) until the file holds about N records (default
20,000), then times ``read_records`` on it: CPU and wall seconds, records per second and
megabytes per second. The files are written to a temporary folder and removed.

``--compare`` also times the field's plain parsers on the same files, side by side:
rispy (RIS), Biopython's ``Bio.Medline`` (MEDLINE) and bibtexparser 2 (BibTeX), each
given the same decoded text; ours twice, its parse stage alone (records as dicts with
their line numbers: the like-for-like figure) and parse + normalise (records with
provenance, normalised fields and warnings); CPU and wall seconds, best of R runs
(default 3), and the peak memory of each parse (tracemalloc, Python allocations).
They are benchmark-only packages, never project dependencies (``pip install rispy
biopython bibtexparser`` in the benchmark's venv).
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import time
from pathlib import Path

from evidencekit.core.importing import read_records
from evidencekit.core.registry import build_registry

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository, or wherever EVIDENCEKIT_SHARED points (as in the tests).
SHARED = (
    Path(os.environ.get("EVIDENCEKIT_SHARED") or REPO.parent / "shared") / "datasets" / "exports"
)
EXCERPTS = REPO / "tests" / "data" / "exports"

#: format: (shared file, excerpt fallback, separator kept between copies, header lines)
SOURCES = {
    "ris (PubMed via CiteSource)": ("citesource/pubmed_46.ris", "asreview_ovid_zotero.ris", 0),
    "ris (Zotero, heavy)": ("asysd/zotero_export.ris.gz", "asreview_ovid_zotero.ris", 0),
    "medline": ("metaknowledge/medline_test.medline", None, 0),
    "wos": ("bibliometrix/wos_sample.txt", "rispy_example_wos.ris", 0),
    "bibtex": ("asysd/zotero_export.bib.gz", None, 0),
    "endnote-xml": ("asysd/zotero_export.xml.gz", "dedupe_sweep_tafenoquine.xml", 0),
    "csv (Zotero, 87 columns)": ("asysd/zotero_export.csv.gz", "litstudy_ieee.csv", 1),
    "scopus-csv": ("litstudy/scopus.csv", "litstudy_scopus.csv", 1),
}


_BIB_KEY = re.compile(rb"^(\s*@\s*[A-Za-z]+\s*[{(]\s*)([^,\s=]+)\s*,", re.M)


def _read(name: str) -> bytes:
    data = (SHARED / name).read_bytes() if (SHARED / name).is_file() else b""
    return gzip.decompress(data) if name.endswith(".gz") and data else data


def _repeat(data: bytes, fmt: str, header_lines: int, copies: int) -> bytes:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.endswith(b"\n"):
        data += b"\n"
    if fmt.startswith("endnote"):
        start = data.index(b"<record>")
        end = data.rindex(b"</record>") + len(b"</record>")
        # Zotero writes the whole export on one line (3.4 MB for 1,000 records); 20 copies
        # on that line would be one 67 MB line, which the import refuses by design (the
        # 16 MB field limit, core/limits.py). A line break between copies keeps the XML
        # the same and each line one real export's line, so the file is a valid import.
        return data[:start] + (data[start:end] + b"\n") * copies + data[end:]
    if header_lines:
        head, body = data.split(b"\n", 1)
        return head + b"\n" + body * copies
    if fmt == "wos":
        head, body = data.split(b"PT ", 1)
        body = b"PT " + body.rsplit(b"EF", 1)[0]
        return head + body * copies + b"EF\n"
    if fmt == "bibtex":
        # Each copy's entries get their own keys (key-2, key-3 …), as in a real export:
        # bibtexparser sets an entry with a repeated key aside without resolving it, so a
        # file of 20 copies would have it do a twentieth of the work ours does.
        return b"".join(
            _BIB_KEY.sub(rb"\g<0>" if n == 1 else rb"\1\2-%d," % n, data) + b"\n"
            for n in range(1, copies + 1)
        )
    return (data + b"\n") * copies


def _theirs(fmt: str):
    """The plain parser of the field for ``fmt``: (name, function of the text), or None."""
    if fmt.startswith("ris"):
        import rispy

        return "rispy " + rispy.__version__ if hasattr(rispy, "__version__") else "rispy", (
            lambda text: rispy.loads(text)
        )
    if fmt == "medline":
        import io

        from Bio import Medline

        return "Bio.Medline", lambda text: list(Medline.parse(io.StringIO(text)))
    if fmt == "bibtex":
        import bibtexparser

        def parse(text: str) -> list:
            library = bibtexparser.parse_string(text)
            # A repeated file repeats keys: bibtexparser keeps the repeats as failed blocks.
            return library.entries + library.failed_blocks

        return "bibtexparser " + bibtexparser.__version__, parse
    return None


def _ours_parse_only(fmt: str):
    """Our parse stage alone, as a function of the decoded source, or None.

    RIS and MEDLINE: the lexer (``lex``), which yields ``(first line, {tag: [values]})``
    per record, i.e. dicts like theirs plus each record's line, without normalising.
    BibTeX: bibtexparser 2's splitter without middlewares, then our ``@string``/``#``/brace
    resolution of every entry (what bibtexparser's default middlewares do for theirs).
    """
    from evidencekit.core.providers import Cursor

    if fmt.startswith("ris"):
        from evidencekit.plugins.importers import ris

        return lambda source: list(ris.lex(source, Cursor()))
    if fmt == "medline":
        from evidencekit.plugins.importers import medline

        return lambda source: list(medline.lex(source, Cursor()))
    if fmt == "bibtex":
        import bibtexparser
        from bibtexparser import model

        from evidencekit.plugins.importers import bibtex
        from evidencekit.plugins.importers._bibmacros import MacroResolver

        def parse(source) -> list:
            library = bibtexparser.parse_string(source.text, parse_stack=[])
            resolver = MacroResolver(
                {s.key: s.value for s in library.strings if isinstance(s.value, str)},
                lambda message: None,
            )
            out = []
            for block in library.blocks:
                if isinstance(block, model.ParsingFailedBlock):
                    block = block.ignore_error_block
                if isinstance(block, model.Entry):
                    out.append(bibtex._resolve_fields(block, resolver))
            return out

        return parse
    return None


def _timed(function, arg, repeat: int):
    """(result, best cpu seconds, best wall seconds, peak MB of Python allocations).

    Timed ``repeat`` times without tracing (tracemalloc slows every allocation, and more
    for the parser that allocates more), the best of each kept; then run once more under
    tracemalloc for the peak.
    """
    import gc
    import tracemalloc

    best_cpu = best_wall = float("inf")
    result = None
    for _ in range(repeat):
        del result
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        result = function(arg)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
    count = len(result)
    del result
    gc.collect()
    tracemalloc.start()
    function(arg)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return count, best_cpu, best_wall, peak


def _row(label: str, parser: str, count: int, cpu: float, wall: float, peak: float, ratio=None):
    tail = f" {ratio:8.2f}" if ratio is not None else ""
    print(
        f"{label:28} {parser:26} {count:8d} {cpu:7.2f} {wall:7.2f} {count / cpu:8.0f} "
        f"{peak:8.1f}{tail}"
    )


def compare(target: int, repeat: int = 3) -> None:
    """Ours beside rispy, Bio.Medline and bibtexparser on the same files.

    Every parser is given the same decoded text (ours as the ``ImportSource`` the import
    builds from the file, theirs as a ``str``). Ours is timed twice: the parse stage alone
    (records as dicts with their line: the like-for-like figure, since theirs only parse
    into dicts) and parse + normalise (``records_from_source``: records with provenance,
    normalised fields and warnings, i.e. the import less reading and decoding the file).
    Rates use CPU seconds, best of ``repeat`` runs; the ratio is ours ÷ theirs.
    """
    from evidencekit.core.importing import records_from_source, source_from_bytes

    registry = build_registry()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'format':28} {'parser':26} {'records':>8} {'cpu s':>7} {'wall s':>7} "
        f"{'rec/s':>8} {'peak MB':>8} {'ours/theirs rec/s':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for fmt, (shared, _excerpt, header_lines) in SOURCES.items():
            other = _theirs(fmt)
            data = _read(shared)
            if other is None or not data:
                continue
            one = len(read_records(_write(folder, "one", data), registry, source_name="b"))
            copies = max(1, round(target / max(one, 1)))
            raw = _repeat(data, fmt, header_lines, copies)
            source = source_from_bytes(raw, Path(folder) / "many")
            text = raw.decode("utf-8")
            n, cpu, wall, peak = _timed(other[1], text, repeat)
            theirs_rate = n / cpu
            _row(fmt, other[0], n, cpu, wall, peak)
            parse_only = _ours_parse_only(fmt)
            n, cpu, wall, peak = _timed(parse_only, source, repeat)
            _row("", "ours: parse only", n, cpu, wall, peak, n / cpu / theirs_rate)

            def full(source):
                return records_from_source(
                    source, registry, source_name="bench", options={"missing_title": "warn"}
                )

            n, cpu, wall, peak = _timed(full, source, repeat)
            _row("", "ours: parse + normalise", n, cpu, wall, peak, n / cpu / theirs_rate)
            del source, text, raw
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(target: int, repeat: int = 3) -> None:
    registry = build_registry()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'format':28} {'records':>8} {'MB':>7} {'cpu s':>7} {'wall s':>7} "
        f"{'rec/s':>8} {'MB/s':>6}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for fmt, (shared, excerpt, header_lines) in SOURCES.items():
            data = _read(shared)
            if not data and excerpt:
                data = (EXCERPTS / excerpt).read_bytes()
            if not data:
                print(f"{fmt:28} (no sample available)")
                continue
            one = len(read_records(_write(folder, "one", data), registry, source_name="b"))
            copies = max(1, round(target / max(one, 1)))
            path = _write(folder, "many", _repeat(data, fmt, header_lines, copies))
            cpu = wall = float("inf")
            for _ in range(repeat):  # the best of ``repeat`` runs
                result = None
                began, began_wall = time.process_time(), time.perf_counter()
                result = read_records(
                    path, registry, source_name="bench", options={"missing_title": "warn"}
                )
                cpu = min(cpu, time.process_time() - began)
                wall = min(wall, time.perf_counter() - began_wall)
            size = path.stat().st_size / 1e6
            print(
                f"{fmt:28} {len(result):8d} {size:7.1f} {cpu:7.2f} {wall:7.2f} "
                f"{len(result) / cpu:8.0f} {size / cpu:6.1f}"
            )
            del result
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _write(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("records", nargs="?", type=int, default=20_000, help="about N records")
    parser.add_argument("--compare", action="store_true", help="beside rispy, Bio.Medline, …")
    parser.add_argument("--repeat", type=int, default=3, help="runs per parser, best kept")
    args = parser.parse_args()
    compare(args.records, args.repeat) if args.compare else main(args.records, args.repeat)
