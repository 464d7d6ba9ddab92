"""De-duplication at scale: import + dedupe 10k to 200k generated records.

Run by hand (not part of the test suite)::

    /work/venv/bin/python benchmarks/dedupe_scale.py                  # 10k 50k 100k 200k
    /work/venv/bin/python benchmarks/dedupe_scale.py --sizes 10000 100000
    /work/bench-venv/bin/python benchmarks/dedupe_scale.py --sizes 10000 --bib-dedupe

The corpus is generated, seeded, from the shared real records
(``../shared/datasets``: the de-duplication sets, one record per study, and the
screening sets): every real record is a *work*; more works are made by
recombining real titles, author names, journals and abstracts, and some works
are deliberately close to another one (the same title as a conference abstract
a year earlier in another journal, "Part I" / "Part II", an erratum with the
article's title, the same generic title by other authors) so that false merges
can happen. Each work is then exported one to five times by different
"databases" with the variations real exports show: case, punctuation, typos,
database notes in titles, author initials or truncated author lists, missing
DOI or a resolver prefix, page formats (221-8, en dash, first page only),
journal abbreviations, an issue or volume left out, the year one off.

The records are written as one RIS file per database; then, in a fresh process
for each size (so its peak memory is that of import and dedupe alone), they are
imported into a fresh review store through the store's own ``import_many``
(detection, decoding, parsing, ids, inserts), then de-duplicated with
``run_dedupe(method="fuzzy")`` (load from the store, find duplicates, resolve
clusters, write them). Printed per size: wall time of the
import and of the dedupe (and of ``find_duplicates`` alone), peak resident
memory (``ru_maxrss``), candidate pairs, and precision/recall/false pairs
against the generator's truth; then the growth exponent ``b`` of
``time ~ N^b`` fitted over the sizes (1 = linear).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dedupe_accuracy import SHARED, load_all  # noqa: E402

SCREENING = SHARED.parent / "screening"
DATABASES = ["MEDLINE", "Embase", "PsycINFO", "CINAHL", "Web of Science", "Scopus"]
STOP = {"of", "the", "and", "in", "for", "on", "a", "an", "to", "with", "&"}


# -- the pool of real records ------------------------------------------------------------


@dataclass
class Work:
    """One publication: the truth every exported copy comes from."""

    title: str
    authors: list[tuple[str, str]]
    year: int
    journal: str
    volume: str
    issue: str
    pages: str
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    copies: list[dict] = field(default_factory=list)


def pool() -> list[Work]:
    """One work per real study in the shared sets (first record of each true cluster)."""
    works: list[Work] = []
    seen: set[str] = set()
    for data in load_all():
        if data.kind == "pairs":
            duplicate = {i for c in data.clusters for i in c[1:]}
        else:
            duplicate = {r.record_id for r in data.records} - data.unique_ids
        for r in data.records:
            key = r.title.lower()[:60]
            if r.record_id in duplicate or not r.title or key in seen:
                continue
            seen.add(key)
            works.append(
                Work(
                    r.title,
                    [(a.family, a.given) for a in r.authors],
                    r.year or 2015,
                    r.journal,
                    r.volume,
                    r.issue,
                    r.pages,
                    r.doi,
                    r.pmid,
                    r.abstract,
                )
            )
    for path in sorted(SCREENING.rglob("*.csv.gz")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for row in csv.DictReader(io.StringIO(text)):
            title = (row.get("title") or "").strip()
            key = title.lower()[:60]
            if not title or key in seen:
                continue
            seen.add(key)
            authors = []
            for part in (row.get("authors") or "").split(";"):
                family, _, given = part.strip().partition(",")
                if family:
                    authors.append((family.strip(), given.strip()))
            works.append(
                Work(
                    title,
                    authors,
                    0,
                    "",
                    "",
                    "",
                    "",
                    "",
                    row.get("pubmedID") or "",
                    row.get("abstract") or "",
                )
            )
    return works


# -- generating works ---------------------------------------------------------------------


class Generator:
    """Seeded generator of works and their exported copies."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.real = pool()
        self.families = [a[0] for w in self.real for a in w.authors if a[0]]
        self.givens = [a[1] for w in self.real for a in w.authors if a[1]]
        self.journals = sorted({w.journal for w in self.real if len(w.journal) > 3})
        self.abstracts = [w.abstract for w in self.real if len(w.abstract) > 200]
        self.titles = [w.title for w in self.real]
        self.doi_serial = 0

    def _doi(self) -> str:
        self.doi_serial += 1
        return f"10.{self.rng.randint(1000, 9999)}/ek.{self.doi_serial}"

    def _authors(self) -> list[tuple[str, str]]:
        rng = self.rng
        return [
            (rng.choice(self.families), rng.choice(self.givens))
            for _ in range(rng.choice([1, 2, 3, 3, 4, 5, 6, 8]))
        ]

    def _bib(self, work: Work) -> None:
        rng = self.rng
        work.year = work.year or rng.randint(1985, 2024)
        work.journal = work.journal or rng.choice(self.journals)
        work.volume = work.volume or str(rng.randint(1, 300))
        work.issue = work.issue or str(rng.randint(1, 12))
        if not work.pages:
            start = rng.randint(1, 3000)
            work.pages = f"{start}-{start + rng.randint(2, 14)}"
        work.abstract = work.abstract or rng.choice(self.abstracts)
        if not work.doi and rng.random() < 0.7:
            work.doi = self._doi()

    def real_work(self, base: Work) -> Work:
        work = Work(
            base.title,
            list(base.authors) or self._authors(),
            base.year,
            base.journal,
            base.volume,
            base.issue,
            base.pages,
            base.doi,
            base.pmid,
            base.abstract,
        )
        self._bib(work)
        return work

    def new_work(self) -> Work:
        """A distinct work: the start of one real title and the end of another."""
        rng = self.rng
        a, b = rng.choice(self.titles).split(), rng.choice(self.titles).split()
        if len(a) < 4 or len(b) < 4:
            return self.new_work()
        title = " ".join(a[: rng.randint(2, len(a) - 1)] + b[rng.randint(1, len(b) - 2) :])
        work = Work(title, self._authors(), 0, "", "", "", "")
        self._bib(work)
        return work

    def near_miss(self, other: Work) -> list[Work]:
        """Works that look like ``other`` but are different publications."""
        rng = self.rng
        kind = rng.choice(["abstract", "parts", "erratum", "generic"])
        if kind == "abstract":  # the same study as a conference abstract a year earlier
            work = Work(
                other.title,
                other.authors[:3],
                other.year - 1,
                rng.choice(self.journals),
                str(rng.randint(1, 300)),
                "Suppl 1",
                f"S{rng.randint(1, 900)}",
            )
            work.abstract = other.abstract
            return [work]
        if kind == "parts":  # a two-part series
            start = rng.randint(1, 2000)
            one = Work(
                other.title + ". Part I",
                other.authors,
                other.year,
                other.journal,
                other.volume,
                other.issue,
                f"{start}-{start + 9}",
                self._doi(),
            )
            two = Work(
                other.title + ". Part II",
                other.authors,
                other.year,
                other.journal,
                other.volume,
                other.issue,
                f"{start + 10}-{start + 19}",
                self._doi(),
            )
            for w in (one, two):
                w.abstract = rng.choice(self.abstracts)
            return [one, two]
        if kind == "erratum":
            page = rng.randint(1, 3000)
            work = Work(
                "Erratum: " + other.title,
                other.authors[:1],
                other.year,
                other.journal,
                other.volume,
                str(rng.randint(1, 12)),
                f"{page}-{page}",
            )
            return [work]
        # the same generic title by other authors elsewhere
        work = Work(other.title, self._authors(), rng.randint(1985, 2024), "", "", "", "")
        self._bib(work)
        return [work]

    def works(self, n_records: int) -> list[Work]:
        """Enough works for about ``n_records`` exported records."""
        rng = self.rng
        out: list[Work] = []
        real = self.real[:]
        rng.shuffle(real)
        total = 0
        while total < n_records:
            use_real = bool(real) and rng.random() < 0.5
            work = self.real_work(real.pop()) if use_real else self.new_work()
            group = [work]
            if rng.random() < 0.08:
                group += self.near_miss(work)
            for w in group:
                w.copies = [{} for _ in range(rng.choices([1, 2, 3, 4, 5], [62, 22, 10, 5, 1])[0])]
                total += len(w.copies)
            out.extend(group)
        return out


# -- export variations --------------------------------------------------------------------


def vary_title(rng: random.Random, title: str) -> str:
    roll = rng.random()
    if roll < 0.1:
        title = title.upper()
    elif roll < 0.2:
        title = title.lower()
    elif roll < 0.3:
        title = title.title()
    if rng.random() < 0.2:
        title = title.replace(":", " -")
    if rng.random() < 0.3:
        title = title.rstrip(".") if title.endswith(".") else title + "."
    if rng.random() < 0.06 and len(title) > 30:  # a typo
        k = rng.randint(5, len(title) - 5)
        title = (
            (title[:k] + title[k + 1 :])
            if rng.random() < 0.5
            else (title[:k] + title[k + 1] + title[k] + title[k + 2 :])
        )
    if rng.random() < 0.03:
        title += rng.choice([" [Review]", " [Spanish]", " [corrected]"])
    if rng.random() < 0.02:
        words = title.split()
        k = rng.randrange(len(words))
        words[k] = f"<i>{words[k]}</i>"
        title = " ".join(words)
    return title


def abbreviate(journal: str) -> str:
    words = [w for w in journal.replace(".", "").split() if w.lower() not in STOP]
    return " ".join(w if len(w) <= 4 else w[:4] for w in words)


def vary_pages(rng: random.Random, pages: str) -> str:
    if "-" not in pages:
        return pages
    start, end = pages.split("-", 1)
    roll = rng.random()
    if roll < 0.2 and len(end) == len(start) and len(start) > 1:
        common = 0
        while common < len(start) - 1 and start[common] == end[common]:
            common += 1
        return f"{start}-{end[common:]}"
    if roll < 0.3:
        return f"{start}\u2013{end}"
    if roll < 0.4:
        return start
    return pages


def export(rng: random.Random, work: Work) -> dict:
    """One database's copy of ``work``."""
    authors = work.authors
    if rng.random() < 0.4:
        authors = [
            (f, " ".join(p[0] + "." for p in g.replace("-", " ").split() if p)) for f, g in authors
        ]
    if rng.random() < 0.1 and len(authors) > 3:
        authors = authors[:3]
    doi = work.doi
    roll = rng.random()
    if roll < 0.35:
        doi = ""
    elif roll < 0.55 and doi:
        doi = "https://doi.org/" + doi
    return {
        "title": vary_title(rng, work.title),
        "authors": authors,
        "year": work.year + (1 if rng.random() < 0.04 else 0),
        "journal": abbreviate(work.journal) if rng.random() < 0.35 else work.journal,
        "volume": "" if rng.random() < 0.04 else work.volume,
        "issue": "" if rng.random() < 0.1 else work.issue,
        "pages": vary_pages(rng, work.pages),
        "doi": doi,
        "pmid": work.pmid if rng.random() < 0.5 else "",
        "abstract": work.abstract if rng.random() < 0.9 else "",
    }


def corpus(n: int, seed: int) -> tuple[dict[str, list[tuple[str, dict]]], list[list[str]]]:
    """Copies per database (keyed by their RIS ID) and the true clusters of keys."""
    gen = Generator(seed)
    rng = gen.rng
    by_db: dict[str, list[tuple[str, dict]]] = {db: [] for db in DATABASES}
    truth: list[list[str]] = []
    count = 0
    for w_number, work in enumerate(gen.works(n)):
        dbs = rng.sample(DATABASES, min(len(work.copies), len(DATABASES)))
        keys = []
        for c_number, db in enumerate(dbs):
            if count >= n:
                break
            key = f"w{w_number}c{c_number}"
            by_db[db].append((key, export(rng, work)))
            keys.append(key)
            count += 1
        if len(keys) > 1:
            truth.append(keys)
        if count >= n:
            break
    return by_db, truth


def write_ris(path: Path, copies: Sequence[tuple[str, dict]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for key, c in copies:
            out.write(f"TY  - JOUR\nID  - {key}\nTI  - {c['title']}\n")
            for family, given in c["authors"]:
                out.write(f"AU  - {family}, {given}\n" if given else f"AU  - {family}\n")
            out.write(f"PY  - {c['year']}\nT2  - {c['journal']}\n")
            if c["volume"]:
                out.write(f"VL  - {c['volume']}\n")
            if c["issue"]:
                out.write(f"IS  - {c['issue']}\n")
            if c["pages"]:
                start, _, end = c["pages"].replace("\u2013", "-").partition("-")
                out.write(f"SP  - {start}\n" + (f"EP  - {end}\n" if end else ""))
            if c["doi"]:
                out.write(f"DO  - {c['doi']}\n")
            if c["pmid"]:
                out.write(f"AN  - {c['pmid']}\n")
            if c["abstract"]:
                out.write(f"AB  - {c['abstract']}\n")
            out.write("ER  - \n\n")


# -- one size, in its own process ------------------------------------------------------------


def pair_set(clusters) -> set[tuple[str, str]]:
    out = set()
    for c in clusters:
        c = sorted(c)
        out.update((c[x], c[y]) for x in range(len(c)) for y in range(x + 1, len(c)))
    return out


def write_corpus(n: int, seed: int, folder: Path) -> None:
    """The generated RIS files (one per database) and ``truth.json`` in ``folder``."""
    by_db, truth = corpus(n, seed)
    for db, copies in by_db.items():
        write_ris(folder / f"{db.replace(' ', '_')}.ris", copies)
    (folder / "truth.json").write_text(json.dumps(truth), "utf-8")


def run_one(folder: Path, bib_dedupe: bool) -> dict:
    """Import the RIS files in ``folder`` into a fresh store and de-duplicate them.

    Runs in its own process, after the corpus was written by another, so the
    peak memory is that of import and de-duplication alone.
    """
    from evidencekit.core import records as R
    from evidencekit.core.review import open_review
    from evidencekit.core.store import open_store

    result: dict = {}
    (folder / "review.yaml").write_text(
        "kind: review\nid: bench\nversion: '1'\ntitle: Benchmark\ndedupe:\n  method: fuzzy\n",
        "utf-8",
    )
    specs = [
        R.ImportSpec(path=path, source=path.stem.replace("_", " "))
        for path in sorted(folder.glob("*.ris"))
    ]
    review = open_review(folder)
    start, cpu, main = time.perf_counter(), _cpu(), time.process_time()
    report = R.import_many(review, specs)
    result["import_s"] = time.perf_counter() - start
    result["import_cpu_s"] = _cpu() - cpu
    result["import_main_cpu_s"] = time.process_time() - main
    result["peak_rss_import_mb"] = _peak_mb()
    result["records"] = report.records
    start, cpu, main = time.perf_counter(), _cpu(), time.process_time()
    summary = R.run_dedupe(review, method="fuzzy")
    result["dedupe_s"] = time.perf_counter() - start
    result["dedupe_cpu_s"] = _cpu() - cpu
    result["dedupe_main_cpu_s"] = time.process_time() - main
    result["peak_rss_dedupe_mb"] = _peak_mb()
    result["find_duplicates_s"] = summary.stats.get("seconds_total", float("nan"))
    result["candidate_pairs"] = summary.stats.get("candidate_pairs")
    result["compared_pairs"] = summary.stats.get("compared_pairs")
    result["uncertain"] = summary.uncertain
    start, cpu, main = time.perf_counter(), _cpu(), time.process_time()
    # The export `records export -o FILE` writes: one merged record per cluster, as CSV.
    R.write_export(review, "csv", folder / "export.csv")
    result["export_s"] = time.perf_counter() - start
    result["export_cpu_s"] = _cpu() - cpu
    result["export_main_cpu_s"] = time.process_time() - main
    result["peak_rss_mb"] = _peak_mb()
    # The largest forked child's own peak (it shares this process's pages until it writes).
    result["peak_rss_child_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with open_store(review) as store:
        clustering = R.load_clustering(store)
    key_of = {rid: r.source_key for rid, r in clustering.records.items()}
    found = pair_set(
        [
            [key_of[r] for r in members]
            for members in clustering.members.values()
            if len(members) > 1
        ]
    )
    true = pair_set(json.loads((folder / "truth.json").read_text("utf-8")))
    result.update(
        truth_pairs=len(true),
        found_pairs=len(found),
        tp=len(found & true),
        false_pairs=len(found - true),
    )
    result["false_examples"] = sorted(found - true)[:10]
    if bib_dedupe:
        result.update(run_bib_dedupe(clustering, true))
    return result


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the forked readers,
    preparers and exporters: ``core.ahead``, ``core.parallel``)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bib_dedupe(clustering, true: set) -> dict:
    """bib-dedupe on the same imported records, same process, after ours."""
    import bib_dedupe.bib_dedupe as bd
    import pandas as pd

    rows = []
    for r in clustering.records.values():
        rows.append(
            {
                "ID": r.source_key,
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
    frame = pd.DataFrame(rows).fillna("")
    start = time.perf_counter()
    prepared = bd.prep(frame, verbosity_level=0, cpu=2)
    pairs = bd.block(prepared, verbosity_level=0, cpu=2)
    matched = bd.match(pairs, verbosity_level=0, cpu=2)
    clusters = bd.cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    found = pair_set(clusters)
    return {
        "bib_dedupe_s": seconds,
        "bib_dedupe_tp": len(found & true),
        "bib_dedupe_false_pairs": len(found - true),
    }


# -- driver ---------------------------------------------------------------------------------


def _total(result: dict, kind: str = "s") -> float:
    """Seconds of the whole chain, import + de-duplicate + export: wall (``kind="s"``)
    or CPU (``"cpu_s"``)."""
    return sum(result[f"{step}_{kind}"] for step in ("import", "dedupe", "export"))


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000, 200_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--bib-dedupe",
        action="store_true",
        help="also run bib-dedupe on each size (slow; needs its venv)",
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.bib_dedupe)))
        return 0
    if not SHARED.exists():
        print(f"no shared datasets at {SHARED}: the generator needs them", file=sys.stderr)
        return 1
    results = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(n, args.seed, Path(tmp))
            command = [sys.executable, __file__, "--one", tmp]
            if args.bib_dedupe:
                command.append("--bib-dedupe")
            done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(
            f"{n:>7,}: import {r['import_s']:6.1f} s (CPU {r['import_cpu_s']:.1f}), dedupe "
            f"{r['dedupe_s']:6.1f} s (CPU {r['dedupe_cpu_s']:.1f}; find_duplicates "
            f"{r['find_duplicates_s']:5.1f} s), export {r['export_s']:5.1f} s (CPU "
            f"{r['export_cpu_s']:.1f}), "
            f"total {_total(r):6.1f} s (CPU {_total(r, 'cpu_s'):6.1f} s, of which this process "
            f"{_total(r, 'main_cpu_s'):.1f} s; wall depends on what else the machine runs), "
            f"peak {r['peak_rss_mb']:6.0f} MB (after import "
            f"{r['peak_rss_import_mb']:.0f}, after dedupe {r['peak_rss_dedupe_mb']:.0f}; largest "
            f"forked child {r.get('peak_rss_child_mb', 0):.0f}); load average "
            f"{os.getloadavg()[0]:.1f}",
            file=sys.stderr,
            flush=True,
        )
    head = (
        f"{'records':>8} {'import s':>9} {'dedupe s':>9} {'find s':>7} {'export s':>8} "
        f"{'total s':>8} "
        f"{'peak MB':>8} {'cand. pairs':>12} {'precision':>9} {'recall':>7} {'false':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        precision = r["tp"] / r["found_pairs"] if r["found_pairs"] else 1.0
        recall = r["tp"] / r["truth_pairs"] if r["truth_pairs"] else 1.0
        print(
            f"{r['records']:>8,} {r['import_s']:>9.1f} {r['dedupe_s']:>9.1f} "
            f"{r['find_duplicates_s']:>7.1f} {r['export_s']:>8.1f} {_total(r):>8.1f} "
            f"{r['peak_rss_mb']:>8.0f} {int(r['candidate_pairs']):>12,} {precision:>9.4f} "
            f"{recall:>7.4f} {r['false_pairs']:>6}"
        )
    for r in results:
        if "bib_dedupe_s" in r:
            print(
                f"bib-dedupe on {r['records']:,}: {r['bib_dedupe_s']:.1f} s "
                f"({r['bib_dedupe_s'] / r['find_duplicates_s']:.0f}x our find_duplicates, "
                f"{r['bib_dedupe_s'] / r['dedupe_s']:.0f}x our whole dedupe step); "
                f"{r['bib_dedupe_tp']:,} of {r['truth_pairs']:,} true pairs "
                f"(recall {r['bib_dedupe_tp'] / r['truth_pairs']:.4f}), "
                f"{r['bib_dedupe_false_pairs']} false; ours {r['tp']:,} true, "
                f"{r['false_pairs']} false"
            )
    if len(results) > 1:
        sizes = [r["records"] for r in results]
        print(
            f"growth exponent (time ~ N^b): import+dedupe+export b = "
            f"{growth_exponent(sizes, [_total(r) for r in results]):.2f}, "
            f"find_duplicates b = "
            f"{growth_exponent(sizes, [r['find_duplicates_s'] for r in results]):.2f}"
        )
    for r in results:
        if r["false_examples"]:
            print(f"false pairs at {r['records']:,} (first 10): {r['false_examples']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
