"""Benchmark: parsing speed of each importer (run by hand; prints figures).

    python benchmarks/importers.py [N]

For each format, repeats a real export (from ../shared/datasets/exports when present,
else the excerpts in tests/data/exports) until the file holds about N records (default
20,000), then times ``read_records`` on it: CPU and wall seconds, records per second and
megabytes per second. The files are written to a temporary folder and removed.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

from evidencekit.core.importing import read_records
from evidencekit.core.registry import build_registry

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "datasets" / "exports"
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


def main(target: int) -> None:
    registry = build_registry()
    print(f"{'format':28} {'records':>8} {'MB':>7} {'cpu s':>7} {'wall s':>7} "
          f"{'rec/s':>8} {'MB/s':>6}")
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
            result = read_records(path, registry, source_name="bench",
                                  options={"missing_title": "warn"})
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            size = path.stat().st_size / 1e6
            print(f"{fmt:28} {len(result):8d} {size:7.1f} {cpu:7.2f} {wall:7.2f} "
                  f"{len(result) / cpu:8.0f} {size / cpu:6.1f}")
            del result


def _write(folder: str, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
