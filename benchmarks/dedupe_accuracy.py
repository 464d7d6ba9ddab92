"""De-duplication accuracy on every shared labelled set, ours beside bib-dedupe.

Run by hand (not part of the test suite)::

    python benchmarks/dedupe_accuracy.py                  # with bib-dedupe (its own venv)
    python benchmarks/dedupe_accuracy.py --no-bib-dedupe  # ours only
    python benchmarks/dedupe_accuracy.py --loso           # leave one set out

bib-dedupe is installed only in its own virtual environment (``BIB_DEDUPE_PYTHON``),
never as a project dependency, and run there through a subprocess (see
``benchmarks/README.md``); when it cannot run its rows are skipped with a message.

Sets (``../shared/datasets/dedup`` from the repository root):

* bib-dedupe format (``records_pre_merged.csv`` + ``merged_record_ids.csv``):
  the ground truth is a list of duplicate clusters. Figures are pairwise
  precision, recall and F1 over duplicate pairs; every predicted pair not in the
  truth is a *false pair*, listed with ``--show-errors``.
* ASySD ``labelled_test_set.csv.gz``: no cluster ids. Its ``source`` column
  marks exactly one record of every study ``unique`` and the others
  ``duplicate`` (584 studies, matching ASySD's own test). Pairs cannot be
  rebuilt from that, so the figures are record-level, as in Hair et al. (2023):
  a record counts as removed when it is not its cluster's primary, the primary
  being the cluster's ``unique`` record when it has one. TP = duplicate records
  removed, FP = ``unique`` records removed (each one a false merge of two
  studies), FN = duplicate records kept.
* EndNote XML (``dedupe-sweep/tafenoquine.xml``): every member of a duplicate
  group carries the label ``Duplicate``. Groups are rebuilt from the labelled
  records by normalised title; a labelled record left alone by that (two of
  them) joins the group sharing its DOI, else the group with the most similar
  title. That yields the 39 groups the dataset's documentation states; then
  pairwise figures as for the bib-dedupe sets.

The same ``Record`` objects go to every method; bib-dedupe receives its native
CSV columns for its own sets and a rendering of the records otherwise.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evidencekit.core.model import Author, Record

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository, or wherever EVIDENCEKIT_SHARED points (as in the tests).
SHARED = Path(os.environ.get("EVIDENCEKIT_SHARED") or REPO.parent / "shared") / "datasets" / "dedup"


# -- loading -----------------------------------------------------------------


def split_bibtex_authors(text: str) -> list[Author]:
    """``"Zuber, J and Le Quintrec, M"`` -> authors."""
    out = []
    for part in re.split(r"\s+and\s+", text or ""):
        part = part.strip()
        if not part:
            continue
        if "," in part:
            family, given = part.split(",", 1)
            out.append(Author(family.strip(), given.strip()))
        else:
            out.append(Author(part))
    return out


_ASYSD_AUTHOR = re.compile(r"\s*([^.]+?)\s+((?:[A-Z][a-z]?\.\s?-?)+)")


def split_asysd_authors(text: str) -> list[Author]:
    """``"Adeli K.Lewis G. F."`` (names run together) -> authors."""
    text = (text or "").strip()
    out = []
    position = 0
    for match in _ASYSD_AUTHOR.finditer(text):
        if match.start() != position:
            break
        out.append(Author(match.group(1).strip(), match.group(2).strip()))
        position = match.end()
    if position < len(text.rstrip()):
        rest = text[position:].strip()
        if rest:
            out.append(Author(rest))
    return out


def _int(text: str | None) -> int | None:
    match = re.search(r"\d{4}", text or "")
    return int(match.group(0)) if match else None


@dataclass
class LabelledSet:
    """A benchmark set: records plus its ground truth."""

    name: str
    records: list[Record]
    kind: str  # "pairs" (clusters known) or "records" (ASySD record-level labels)
    clusters: list[list[str]] = field(default_factory=list)  # truth, for kind "pairs"
    unique_ids: set[str] = field(default_factory=set)  # truth, for kind "records"
    native_rows: list[dict[str, str]] | None = None  # bib-dedupe's own columns


def split_authors(text: str) -> list[Author]:
    """BibTeX ``and``-separated names, or ASySD's run-together ``Hirata T.Fukuse T.``."""
    text = text or ""
    if " and " in text or "," in text or not _ASYSD_AUTHOR.match(text):
        return split_bibtex_authors(text)
    return split_asysd_authors(text)


def _records_file(folder: Path) -> Path | None:
    for name in ("records_pre_merged.csv", "records_pre_merged.csv.gz"):
        if (folder / name).exists():
            return folder / name
    return None


def load_bib_dedupe_set(folder: Path) -> LabelledSet:
    path = _records_file(folder)
    assert path is not None
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    records = []
    for row in rows:
        records.append(
            Record(
                title=row.get("title", "") or "",
                abstract=row.get("abstract", "") or "",
                authors=split_authors(row.get("author", "")),
                year=_int(row.get("year")),
                journal=row.get("journal") or row.get("booktitle") or "",
                volume=row.get("volume", "") or "",
                issue=row.get("number") or row.get("issue") or "",
                pages=row.get("pages", "") or "",
                doi=row.get("doi", "") or "",
                publication_type=row.get("ENTRYTYPE", "") or "",
                source_key=row["ID"],
                record_id=row["ID"],
            )
        )
    with open(folder / "merged_record_ids.csv", encoding="utf-8", newline="") as handle:
        clusters = [r["merged_ids"].split(";") for r in csv.DictReader(handle)]
    clusters = [c for c in clusters if len(c) > 1]  # colrev-misq lists singletons too
    return LabelledSet(folder.name, records, "pairs", clusters=clusters, native_rows=rows)


def load_asysd(path: Path) -> LabelledSet:
    raw = gzip.decompress(path.read_bytes()).decode("cp1252")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    for row in rows:  # the set was written by R: "NA" is an empty field
        for key, value in row.items():
            if value == "NA":
                row[key] = ""
    records = []
    unique = set()
    for row in rows:
        rid = row["record_id"]
        records.append(
            Record(
                title=row["title"],
                abstract=row["abstract"],
                authors=split_asysd_authors(row["author"]),
                year=_int(row["year"]),
                journal=row["journal"],
                volume=row["volume"],
                issue=row["number"],
                pages=row["pages"],
                doi=row["doi"],
                isbn=[row["isbn"]] if row["isbn"] else [],
                source_key=rid,
                record_id=rid,
            )
        )
        if row["source"] == "unique":
            unique.add(rid)
    return LabelledSet("asysd", records, "records", unique_ids=unique)


def _xml_text(element: ET.Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def load_endnote_xml(path: Path) -> LabelledSet:
    from rapidfuzz import fuzz

    from evidencekit.plugins.deduplicators._normalise import doi as norm_doi
    from evidencekit.plugins.deduplicators._normalise import title_words

    root = ET.parse(path).getroot()
    records = []
    labelled = []
    for element in root.iter("record"):
        rid = _xml_text(element.find("rec-number"))
        authors = []
        for author in element.findall("contributors/authors/author"):
            text = _xml_text(author)
            family, _, given = text.partition(",")
            authors.append(Author(family.strip(), given.strip()))
        pmid = ""
        accession = _xml_text(element.find("accession-num"))
        if accession.isdigit():
            pmid = accession
        record = Record(
            title=_xml_text(element.find("titles/title")),
            abstract=_xml_text(element.find("abstract")),
            authors=authors,
            year=_int(_xml_text(element.find("dates/year"))),
            journal=_xml_text(element.find("titles/secondary-title"))
            or _xml_text(element.find("periodical/full-title")),
            volume=_xml_text(element.find("volume")),
            issue=_xml_text(element.find("number")),
            pages=_xml_text(element.find("pages")),
            doi=_xml_text(element.find("electronic-resource-num")),
            pmid=pmid,
            source_key=rid,
            record_id=rid,
        )
        records.append(record)
        if _xml_text(element.find("caption")) == "Duplicate":
            labelled.append(record)
    # Rebuild the duplicate groups: same normalised title ...
    groups: dict[str, list[Record]] = {}
    for record in labelled:
        groups.setdefault(title_words(record.title), []).append(record)
    clusters = [g for g in groups.values() if len(g) > 1]
    # ... and a lone labelled record joins the group with its DOI, else the most similar title.
    for lone in (g[0] for g in groups.values() if len(g) == 1):
        lone_doi = norm_doi(lone.doi)
        best = None
        if lone_doi:
            best = next((c for c in clusters if any(norm_doi(r.doi) == lone_doi for r in c)), None)
        if best is None:
            words = title_words(lone.title)
            best = max(clusters, key=lambda c: fuzz.partial_ratio(words, title_words(c[0].title)))
        best.append(lone)
    truth = [sorted(r.record_id for r in c) for c in clusters]
    return LabelledSet(path.stem, records, "pairs", clusters=truth)


def load_all(only: Iterable[str] = ()) -> list[LabelledSet]:
    """Every labelled set found under ``../shared/datasets/dedup``."""
    wanted = set(only)
    sets: list[LabelledSet] = []
    folders = sorted((SHARED / "bib-dedupe").glob("*/")) + [SHARED / "colrev-misq"]
    for folder in folders:
        if _records_file(folder) and (not wanted or folder.name in wanted):
            sets.append(load_bib_dedupe_set(folder))
    asysd = SHARED / "asysd" / "labelled_test_set.csv.gz"
    if asysd.exists() and (not wanted or "asysd" in wanted):
        sets.append(load_asysd(asysd))
    for path in sorted((SHARED / "dedupe-sweep").glob("*.xml")):
        if not wanted or path.stem in wanted:
            sets.append(load_endnote_xml(path))
    return sets


# -- scoring -----------------------------------------------------------------


def cluster_pairs(clusters: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    """Every unordered pair inside each cluster, as sorted tuples."""
    out: set[tuple[str, str]] = set()
    for cluster in clusters:
        out.update(itertools.combinations(sorted(cluster), 2))
    return out


@dataclass
class Score:
    """Figures of one method on one set."""

    method: str
    dataset: str
    level: str  # "pairs" or "records"
    truth: int
    predicted: int
    tp: int
    fp: int
    seconds: float
    errors: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(method: str, data: LabelledSet, clusters: list[list[str]], seconds: float) -> Score:
    """Compare predicted ``clusters`` with the set's truth."""
    if data.kind == "pairs":
        truth = cluster_pairs(data.clusters)
        predicted = cluster_pairs(clusters)
        return Score(
            method,
            data.name,
            "pairs",
            len(truth),
            len(predicted),
            len(truth & predicted),
            len(predicted - truth),
            seconds,
            errors=sorted(predicted - truth),
            missed=sorted(truth - predicted),
        )
    # Record level (ASySD): duplicates to remove = records not marked unique.
    unique = data.unique_ids
    all_ids = [r.record_id for r in data.records]
    to_remove = len(all_ids) - len(unique)
    tp = fp = 0
    errors: list[tuple[str, str]] = []
    for cluster in clusters:
        uniques = sorted(r for r in cluster if r in unique)
        dups = len(cluster) - len(uniques)
        if uniques:
            tp += dups
            fp += len(uniques) - 1
            errors.extend((uniques[0], other) for other in uniques[1:])
        else:
            tp += dups - 1  # one duplicate stays as the primary: its original is elsewhere
    removed = sum(len(c) - 1 for c in clusters)
    return Score(method, data.name, "records", to_remove, removed, tp, fp, seconds, errors=errors)


# -- methods -----------------------------------------------------------------


def run_ours(name: str, records: list[Record], options: dict | None = None) -> tuple[list, float]:
    """Run one of our deduplicators through the registry; return clusters and seconds."""
    clusters, seconds, _ = run_ours_full(name, records, options)
    return clusters, seconds


def run_ours_full(
    name: str, records: list[Record], options: dict | None = None
) -> tuple[list, float, int]:
    """Like :func:`run_ours`, also returning the number of uncertain (review) pairs."""
    from evidencekit.core.plugin_manager import get_plugin_manager
    from evidencekit.core.registry import Registry

    registry = Registry(get_plugin_manager(autoload=False))
    provider = registry.get("deduplicator", name)
    opts = registry.validate_options("deduplicator", name, options or {})
    start = time.perf_counter()
    result = provider.find_duplicates(records, opts, {})
    return result.clusters, time.perf_counter() - start, len(result.uncertain)


def run_ours_review(name: str, records: list[Record], options: dict | None = None) -> list:
    """The pairs one of our deduplicators sends for review (``Link`` objects)."""
    from evidencekit.core.plugin_manager import get_plugin_manager
    from evidencekit.core.registry import Registry

    registry = Registry(get_plugin_manager(autoload=False))
    provider = registry.get("deduplicator", name)
    opts = registry.validate_options("deduplicator", name, options or {})
    return list(provider.find_duplicates(records, opts, {}).uncertain)


# -- leave one set out ---------------------------------------------------------

#: The options tuned in the leave-one-set-out mode: the thresholds a user may move
#: (docs/dedupe.md, "Tuning"). Each setting is run once per set; the setting chosen
#: for a held-out set is, among those with the fewest false pairs summed over the
#: *other* sets, the most conservative (highest thresholds, smallest year gap) whose
#: mean recall on them is within ``LOSO_RECALL_SLACK`` of the best: a "one standard
#: error" rule, because a looser setting that gains a pair on the training sets is
#: the one that merges two studies on a set it has not seen.
LOSO_GRID: list[dict] = [  # most conservative first
    {"title_threshold": tt, "author_threshold": at, "max_year_gap": gap}
    for tt in (0.95, 0.9)
    for at in (0.9, 0.8, 0.7)
    for gap in (1, 2)
]
LOSO_RECALL_SLACK = 0.002


def leave_one_set_out(sets: list[LabelledSet], bib: dict[str, Score] | None = None) -> list[dict]:
    """Per held-out set: the options tuned on the others, and our and bib-dedupe's figures."""
    runs: dict[tuple[str, int], tuple[Score, int]] = {}
    for data in sets:
        for k, options in enumerate(LOSO_GRID):
            clusters, seconds, uncertain = run_ours_full("fuzzy", data.records, options)
            runs[data.name, k] = (score("fuzzy", data, clusters, seconds), uncertain)
        print(f"  tuned grid on {data.name}", file=sys.stderr)
    rows = []
    for held in sets:
        others = [d for d in sets if d is not held]

        def false(k: int, others: list[LabelledSet] = others) -> int:
            return sum(runs[d.name, k][0].fp for d in others)

        def recall(k: int, others: list[LabelledSet] = others) -> float:
            return sum(runs[d.name, k][0].recall for d in others) / len(others)

        fewest = min(false(k) for k in range(len(LOSO_GRID)))
        safe = [k for k in range(len(LOSO_GRID)) if false(k) == fewest]
        top = max(recall(k) for k in safe)
        best = next(k for k in safe if recall(k) >= top - LOSO_RECALL_SLACK)
        ours, uncertain = runs[held.name, best]
        rows.append(
            {
                "set": held.name,
                "records": len(held.records),
                "options": LOSO_GRID[best],
                "ours": ours,
                "uncertain": uncertain,
                "bib": (bib or {}).get(held.name),
            }
        )
    return rows


def loso_table(rows: list[dict]) -> str:
    head = (
        f"{'set (records)':<22} {'level':<7} {'truth':>6} | {'ours P':>7} {'R':>6} {'false':>5} "
        f"{'uncert %':>8} | {'bib-dedupe P':>12} {'R':>6} {'false':>5} | tuned on the other sets"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        o: Score = row["ours"]
        b: Score | None = row["bib"]
        bib = (
            f"{b.precision:>12.4f} {b.recall:>6.4f} {b.fp:>5}"
            if b
            else f"{'-':>12} {'-':>6} {'-':>5}"
        )
        options = ", ".join(f"{k}={v}" for k, v in row["options"].items())
        label = f"{row['set']} ({row['records']:,})"
        lines.append(
            f"{label:<22} {o.level:<7} {o.truth:>6} | "
            f"{o.precision:>7.4f} {o.recall:>6.4f} {o.fp:>5} "
            f"{100 * row['uncertain'] / row['records']:>7.2f}% | {bib} | {options}"
        )
    return "\n".join(lines)


#: bib-dedupe's own virtual environment (see ``benchmarks/README.md``).
BIB_DEDUPE_PYTHON = Path("/work/bibdedupe-venv/bin/python")
#: bib-dedupe results are cached by input hash: it takes minutes on the larger sets.
CACHE = Path.home() / ".cache" / "evidencekit-bench"


def bib_dedupe_available(python: Path = BIB_DEDUPE_PYTHON) -> str | None:
    """``None`` when bib-dedupe runs in its venv, else the reason it does not."""
    import subprocess

    if not python.exists():
        return f"{python} does not exist"
    probe = subprocess.run(
        [str(python), "-c", "import bib_dedupe.bib_dedupe"], capture_output=True, text=True
    )
    if probe.returncode:
        return probe.stderr.strip().splitlines()[-1] if probe.stderr else "import failed"
    return None


def bib_dedupe_rows(data: LabelledSet) -> list[dict[str, str]]:
    """The input bib-dedupe expects: its own CSV columns."""
    if data.native_rows is not None:
        return data.native_rows
    rows = []
    for r in data.records:
        rows.append(
            {
                "ID": r.record_id,
                "ENTRYTYPE": "article",
                "title": r.title,
                "author": " and ".join(
                    f"{a.family}, {a.given}" if a.given else a.family for a in r.authors
                ),
                "year": str(r.year or ""),
                "journal": r.journal,
                "volume": r.volume,
                "number": r.issue,
                "pages": r.pages,
                "doi": r.doi,
                "abstract": r.abstract,
            }
        )
    return rows


def run_bib_dedupe(
    data: LabelledSet, cpu: int = 1, python: Path = BIB_DEDUPE_PYTHON
) -> tuple[list, float]:
    """bib-dedupe's documented pipeline (prep, block, match, cluster) in its own venv."""
    import hashlib
    import json
    import subprocess
    import tempfile

    rows = bib_dedupe_rows(data)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows({k: (v or "") for k, v in row.items()} for row in rows)
    text = buffer.getvalue()
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    cached = CACHE / f"bib-dedupe-{data.name}-{key}.json"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "records.csv"
            source.write_text(text, encoding="utf-8")
            runner = Path(__file__).with_name("_bib_dedupe_runner.py")
            subprocess.run(
                [str(python), str(runner), str(source), str(cached), str(cpu)], check=True
            )
    result = json.loads(cached.read_text(encoding="utf-8"))
    return result["clusters"], float(result["seconds"])


# -- report ------------------------------------------------------------------


def table(scores: list[Score]) -> str:
    head = (
        f"{'set':<15} {'method':<11} {'level':<7} {'truth':>6} {'found':>6} {'TP':>5} "
        f"{'false':>6} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}"
    )
    lines = [head, "-" * len(head)]
    for s in scores:
        lines.append(
            f"{s.dataset:<15} {s.method:<11} {s.level:<7} {s.truth:>6} {s.predicted:>6} "
            f"{s.tp:>5} {s.fp:>6} {s.precision:>9.4f} {s.recall:>7.4f} {s.f1:>6.4f} "
            f"{s.seconds:>8.2f}"
        )
    return "\n".join(lines)


def describe_pair(data: LabelledSet, a: str, b: str) -> str:
    by_id = {r.record_id: r for r in data.records}
    out = []
    for rid in (a, b):
        r = by_id[rid]
        authors = "; ".join(str(x) for x in r.authors[:3])
        out.append(
            f"    {rid}: {r.title[:110]!r} | {authors} | {r.year} | {r.journal[:40]} | "
            f"v{r.volume} n{r.issue} p{r.pages} | {r.doi}"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", default=[], help="only this set (repeatable)")
    parser.add_argument("--no-bib-dedupe", action="store_true", help="skip bib-dedupe")
    parser.add_argument("--show-errors", action="store_true", help="list false pairs")
    parser.add_argument("--show-missed", action="store_true", help="list missed pairs")
    parser.add_argument(
        "--loso",
        action="store_true",
        help="leave one set out: tune fuzzy's thresholds on all sets but one, score on that one",
    )
    args = parser.parse_args(argv)

    if not SHARED.exists():
        print(f"no labelled sets: {SHARED} does not exist", file=sys.stderr)
        return 1
    sets = load_all(args.set)
    reason = None if not args.no_bib_dedupe else "--no-bib-dedupe given"
    if reason is None:
        reason = bib_dedupe_available()
        if reason:
            print(
                f"bib-dedupe skipped ({reason}); set up its venv as benchmarks/README.md says",
                file=sys.stderr,
            )
    if args.loso:
        bib: dict[str, Score] = {}
        if not reason:
            for data in sets:
                clusters, seconds = run_bib_dedupe(data)
                bib[data.name] = score("bib-dedupe", data, clusters, seconds)
        print(loso_table(leave_one_set_out(sets, bib)))
        return 0
    scores: list[Score] = []
    for data in sets:
        print(f"{data.name}: {len(data.records)} records", file=sys.stderr)
        for method in ("exact", "fuzzy"):
            clusters, seconds = run_ours(method, data.records)
            scores.append(score(method, data, clusters, seconds))
        if not reason:
            clusters, seconds = run_bib_dedupe(data)
            scores.append(score("bib-dedupe", data, clusters, seconds))
    print(table(scores))
    for s in scores:
        if args.show_errors and s.errors:
            data = next(d for d in sets if d.name == s.dataset)
            print(f"\nfalse pairs, {s.method} on {s.dataset}:")
            for a, b in s.errors:
                print(describe_pair(data, a, b))
        if args.show_missed and s.missed and s.method == "fuzzy":
            data = next(d for d in sets if d.name == s.dataset)
            print(f"\nmissed pairs, {s.method} on {s.dataset}:")
            for a, b in s.missed:
                print(describe_pair(data, a, b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
