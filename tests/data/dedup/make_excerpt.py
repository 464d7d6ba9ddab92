"""Rebuild the labelled excerpt in this folder from the shared bib-dedupe sets.

Run from the repository root: ``python tests/data/dedup/make_excerpt.py``.
Takes a seeded sample of duplicate clusters from the haematology and stroke
sets (MIT, CoLRev-Environment/bib-dedupe), every record whose title starts
with the same three words as a sampled record (the hard near-misses), and a
seeded sample of unique records; writes the bib-dedupe format
(records_pre_merged.csv + merged_record_ids.csv) with the IDs prefixed by the
set's initial so the two sets cannot collide.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / ".." / "shared" / "datasets" / "dedup" / "bib-dedupe"
FIELDS = ["ID", "title", "year", "author", "pages", "volume", "number", "ENTRYTYPE", "journal"]


def start(title: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", title.lower()).split()[:3])


def main() -> None:
    rng = random.Random(20240611)
    out_rows, out_clusters = [], []
    for name, clusters_wanted, singles_wanted in (("haematology", 30, 20), ("stroke", 15, 20)):
        folder = SHARED / name
        with open(folder / "records_pre_merged.csv", encoding="utf-8", newline="") as handle:
            rows = {r["ID"]: r for r in csv.DictReader(handle)}
        with open(folder / "merged_record_ids.csv", encoding="utf-8", newline="") as handle:
            clusters = [r["merged_ids"].split(";") for r in csv.DictReader(handle)]
        chosen = rng.sample(clusters, clusters_wanted)
        ids = {i for c in chosen for i in c}
        starts = {start(rows[i]["title"]) for i in ids if rows[i]["title"]}
        ids |= {i for i, r in rows.items() if r["title"] and start(r["title"]) in starts}
        in_cluster = {i for c in clusters for i in c}
        singles = sorted(set(rows) - in_cluster - ids)
        ids |= set(rng.sample(singles, singles_wanted))
        # Keep whole clusters only: a record pulled in by its title start brings its cluster.
        for cluster in clusters:
            if ids & set(cluster):
                ids |= set(cluster)
        prefix = name[0]
        for i in sorted(ids):
            row = {k: rows[i].get(k, "") for k in FIELDS}
            row["ID"] = f"{prefix}{i}"
            out_rows.append(row)
        for cluster in clusters:
            if set(cluster) <= ids:
                out_clusters.append(";".join(f"{prefix}{i}" for i in cluster))
    with open(HERE / "records_pre_merged.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(out_rows)
    with open(HERE / "merged_record_ids.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["merged_ids"])
        writer.writerows([c] for c in out_clusters)
    print(f"{len(out_rows)} records, {len(out_clusters)} clusters")


if __name__ == "__main__":
    main()
