"""Benchmark: parsing speed of each importer (run by hand; prints figures).

    python benchmarks/importers.py [N] [--compare]

For each format, repeats a real export (from ../shared/datasets/exports when present,
else the excerpts in tests/data/exports) until the file holds about N records (default
20,000), then times ``read_records`` on it: CPU and wall seconds, records per second and
megabytes per second. The files are written to a temporary folder and removed.

``--compare`` also times the field's plain parsers on the same files, side by side:
rispy (RIS), Biopython's ``Bio.Medline`` (MEDLINE) and bibtexparser 2 (BibTeX), each
given the decoded text, as ours is given the file; and the peak memory of each parse
(tracemalloc, Python allocations). They are benchmark-only packages, never project
dependencies (``pip install rispy biopython bibtexparser`` in the benchmark's venv).
"""

from __future__ import annotations

import gzip
import os
import sys
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
        return data[:start] + data[start:end] * copies + data[end:]
    if header_lines:
        head, body = data.split(b"\n", 1)
        return head + b"\n" + body * copies
    if fmt == "wos":
        head, body = data.split(b"PT ", 1)
        body = b"PT " + body.rsplit(b"EF", 1)[0]
        return head + body * copies + b"EF\n"
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


def _timed(function, *args):
    """(result, cpu seconds, peak MB of Python allocations).

    Timed without tracing (tracemalloc slows every allocation, and more for the parser
    that allocates more), then run again under tracemalloc for the peak.
    """
    import gc
    import tracemalloc

    gc.collect()
    cpu = time.process_time()
    result = function(*args)
    cpu = time.process_time() - cpu
    del result
    gc.collect()
    tracemalloc.start()
    result = function(*args)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result, cpu, peak


def compare(target: int) -> None:
    """Ours beside rispy, Bio.Medline and bibtexparser on the same files."""
    registry = build_registry()
    print(
        f"{'format':28} {'parser':22} {'records':>8} {'cpu s':>7} {'rec/s':>8} "
        f"{'peak MB':>8} {'ours/theirs rec/s':>18}"
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
            path = _write(folder, "many", raw)
            text = raw.decode("utf-8")
            ours, cpu_ours, peak_ours = _timed(
                lambda path=path: read_records(
                    path, registry, source_name="bench", options={"missing_title": "warn"}
                )
            )
            theirs, cpu_theirs, peak_theirs = _timed(other[1], text)
            rate_ours, rate_theirs = len(ours) / cpu_ours, len(theirs) / cpu_theirs
            print(
                f"{fmt:28} {'evidencekit':22} {len(ours):8d} {cpu_ours:7.2f} "
                f"{rate_ours:8.0f} {peak_ours:8.1f}"
            )
            print(
                f"{'':28} {other[0]:22} {len(theirs):8d} {cpu_theirs:7.2f} "
                f"{rate_theirs:8.0f} {peak_theirs:8.1f} {rate_ours / rate_theirs:18.2f}"
            )
            del ours, theirs


def main(target: int) -> None:
    registry = build_registry()
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
            cpu, wall = time.process_time(), time.perf_counter()
            result = read_records(
                path, registry, source_name="bench", options={"missing_title": "warn"}
            )
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            size = path.stat().st_size / 1e6
            print(
                f"{fmt:28} {len(result):8d} {size:7.1f} {cpu:7.2f} {wall:7.2f} "
                f"{len(result) / cpu:8.0f} {size / cpu:6.1f}"
            )
            del result


def _write(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    size = int(numbers[0]) if numbers else 20_000
    compare(size) if "--compare" in sys.argv else main(size)
