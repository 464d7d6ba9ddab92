"""Records library: import (ids, atomicity, titles), dedupe runs with decisions,
clusters and primaries, counts by source, exports, the review of uncertain pairs.

The review folders use a test plugin (tests/data/plugins/ek_records_fixture.py)
with a tiny ``pipe-test`` importer and a ``doi-test`` deduplicator, so these
tests go through the real registry, importer front end and store.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st
from records_review import EMBASE, MEDLINE, make_review, pipe

from evidencekit.core import deduplication as dd
from evidencekit.core import records as R
from evidencekit.core.duplicate_links import DedupeResult, Link
from evidencekit.core.errors import InstrumentError, PipelineError, RecordFormatError, StoreError
from evidencekit.core.model import Author, Provenance, Record
from evidencekit.core.review import open_review


@pytest.fixture
def review_dir(tmp_path: Path) -> Path:
    return make_review(tmp_path / "review")


def two_sources(folder: Path) -> None:
    review = open_review(folder)
    R.import_files(
        review, [pipe(folder, "medline.txt", MEDLINE)], source="MEDLINE", date_searched="2020-02-01"
    )
    R.import_files(review, [pipe(folder, "embase.txt", EMBASE)], source="Embase")


# -- import ----------------------------------------------------------------------------------


def test_import_assigns_stable_ids_and_provenance(review_dir: Path) -> None:
    review = open_review(review_dir)
    path = pipe(review_dir, "medline.txt", MEDLINE)
    report = R.import_files(review, [path], source="MEDLINE (Ovid)", date_searched="2020-02-01")
    assert (report.records, report.new, report.already_present) == (3, 3, 0)
    sha = R.file_sha256(path)
    listed = R.list_records(review)
    assert [r["record_id"] for r in listed["records"]] == [f"r{sha[:12]}-{i}" for i in (1, 2, 3)]
    assert [r["source_key"] for r in listed["records"]] == ["L2", "L3", "L4"]
    shown = R.show_record(review, f"r{sha[:12]}-2")
    assert shown["provenance"] == {
        "source": "MEDLINE (Ovid)",
        "kind": "database",
        "file": str(path),
        "position": 2,
        "line": 3,
        "format": "pipe-test",
        "date_searched": "2020-02-01",
    }
    assert shown["authors"] == [{"family": "Brown", "given": "Bob"}]


def test_reimporting_the_same_file_adds_nothing(review_dir: Path) -> None:
    review = open_review(review_dir)
    path = pipe(review_dir, "medline.txt", MEDLINE)
    R.import_files(review, [path], source="MEDLINE")
    copy = review_dir / "copy-with-other-name.txt"
    shutil.copy(path, copy)
    again = R.import_files(review, [path, copy], source="PubMed")
    assert (again.new, again.already_present) == (0, 6)
    assert again.files[0].earlier_sources == ["MEDLINE"]
    assert R.list_records(review)["count"] == 3
    assert {r["source"] for r in R.list_records(review)["records"]} == {"MEDLINE"}


def test_changed_file_gets_new_ids(review_dir: Path) -> None:
    review = open_review(review_dir)
    R.import_files(review, [pipe(review_dir, "m.txt", MEDLINE)], source="MEDLINE")
    report = R.import_files(review, [pipe(review_dir, "m.txt", MEDLINE[:2])], source="MEDLINE")
    assert report.new == 2
    assert R.list_records(review)["count"] == 5


def test_malformed_second_file_imports_nothing_from_either(review_dir: Path) -> None:
    review = open_review(review_dir)
    R.import_files(review, [pipe(review_dir, "first.txt", MEDLINE[:1])], source="MEDLINE")
    good = pipe(review_dir, "good.txt", EMBASE)
    bad = pipe(review_dir, "bad.txt", ["Fine|2001|10.1/x|A, B", "only|three|fields"])
    with pytest.raises(RecordFormatError) as info:
        R.import_files(review, [good, bad], source="Embase")
    assert str(info.value).startswith(f"{bad}:3: expected 4 fields")
    assert R.list_records(review)["count"] == 1  # neither good.txt nor bad.txt
    assert R.counts_by_source(review)["sources"][0]["source"] == "MEDLINE"


def test_failed_first_import_leaves_no_store(review_dir: Path) -> None:
    review = open_review(review_dir)
    bad = pipe(review_dir, "bad.txt", ["no fields"])
    with pytest.raises(RecordFormatError):
        R.import_files(review, [bad], source="Embase")
    assert not list(review_dir.glob("evidencekit.sqlite*"))
    with pytest.raises(StoreError, match="no store"):
        R.list_records(review)


def test_record_without_title_is_named_in_a_warning(review_dir: Path) -> None:
    review = open_review(review_dir)
    path = pipe(review_dir, "m.txt", ["|2001|10.1/x|A, B", *MEDLINE])
    report = R.import_files(review, [path], source="MEDLINE")
    assert report.new == 4
    assert any(
        w.startswith(f"{path}:2: ") and "record 1" in w and "no title" in w for w in report.warnings
    )


def test_require_title_refuses_the_file(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "r", "import:\n  require_title: true\n")
    review = open_review(folder)
    path = pipe(folder, "m.txt", [*MEDLINE, "|2001|10.1/x|A, B"])
    with pytest.raises(RecordFormatError, match=rf"^{path}:5: record 4 .*no title"):
        R.import_files(review, [path], source="MEDLINE")
    assert not (folder / "evidencekit.sqlite").exists()


def test_in_memory_records_title_check(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "r", "import:\n  require_title: true\n")
    records = [Record(title="", provenance=Provenance(source="x", position=1, line=7))]
    with pytest.raises(RecordFormatError, match="record 1 .*no title.*require_title"):
        R.import_records(open_review(folder), records, source="S", file="f.txt")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"source": " "}, "--source NAME is required"),
        ({"source": "S", "kind": "blog"}, "source kind 'blog' is not one of"),
        ({"source": "S", "date_searched": "31/01/2020"}, "write it as YYYY-MM-DD"),
    ],
)
def test_bad_import_arguments(review_dir: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        R.import_files(open_review(review_dir), [pipe(review_dir, "m.txt", MEDLINE)], **kwargs)


def test_import_run_is_recorded(review_dir: Path) -> None:
    from evidencekit.core.store import open_store, rows

    review = open_review(review_dir)
    R.import_files(review, [pipe(review_dir, "m.txt", MEDLINE)], source="MEDLINE")
    with open_store(review) as store, store.read() as conn:
        (run,) = rows.runs(conn, "import")
    assert run["options"]["files"][0]["source"] == "MEDLINE"
    assert run["versions"]["importers"]["pipe-test"].startswith("local:ek_records_fixture")
    assert run["summary"]["new"] == 3


# -- dedupe ----------------------------------------------------------------------------------


def test_dedupe_clusters_primaries_and_counts(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    summary = R.run_dedupe(review)
    assert (summary.records, summary.unique, summary.duplicates_removed) == (6, 5, 1)
    assert (summary.clusters, summary.links, summary.uncertain) == (1, 1, 1)
    listed = R.list_records(review)["records"]
    by_title = {r["title"]: r for r in listed}
    a_medline = by_title["Peer support in mental health"]
    a_embase = by_title["Peer support in mental health services"]
    assert a_medline["cluster_id"] == a_embase["cluster_id"] == a_medline["record_id"]
    # Same completeness; the MEDLINE record was imported first, so it is the primary.
    assert a_medline["is_primary"] and not a_embase["is_primary"]
    counts = R.counts_by_source(review)
    table = {row["source"]: row for row in counts["sources"]}
    assert table["MEDLINE"] | {} == {
        "source": "MEDLINE",
        "kind": "database",
        "files": 1,
        "records": 3,
        "kept": 3,
        "duplicates_removed": 0,
        "distinct": 3,
        "only_here": 2,
    }
    assert table["Embase"]["records"] == 3 and table["Embase"]["kept"] == 2
    assert table["Embase"]["duplicates_removed"] == 1
    assert counts["totals"] == {
        "records": 6,
        "unique": 5,
        "duplicates_removed": 1,
        "unclustered": 0,
        "deduplicated": True,
    }
    assert counts["overlaps"] == {"Embase": {"MEDLINE": 1}, "MEDLINE": {"Embase": 1}}


def test_most_complete_record_is_primary_and_gaps_are_filled(review_dir: Path) -> None:
    review = open_review(review_dir)
    sparse = Record(
        title="Study", doi="10.1/z", year=None, provenance=Provenance(source="A", position=1)
    )
    full = Record(
        title="Study",
        doi="10.1/z",
        year=2001,
        journal="J",
        volume="3",
        authors=[Author("Lee", "K")],
        provenance=Provenance(source="B", position=1),
    )
    other = Record(
        title="Study",
        doi="10.1/z",
        year=2001,
        abstract="Abstract text",
        provenance=Provenance(source="C", position=1),
    )
    for record, source in ((sparse, "A"), (full, "B"), (other, "C")):
        R.import_records(review, [record], source=source, file=f"{source}.txt")
    R.run_dedupe(review)
    rows = list(csv.DictReader(io.StringIO(R.export_records(review, "csv"))))
    assert len(rows) == 1
    (row,) = rows
    assert row["sources"] == "B; C; A"  # primary first, then by completeness
    assert (row["year"], row["journal"], row["volume"], row["authors"], row["abstract"]) == (
        "2001",
        "J",
        "3",
        "Lee, K",
        "Abstract text",
    )
    assert row["n_records"] == "3"
    # The stored records are unchanged: the sparse one still has no year.
    all_rows = {
        r["source"]: r
        for r in csv.DictReader(io.StringIO(R.export_records(review, "csv", all_records=True)))
    }
    assert all_rows["A"]["year"] == "" and all_rows["A"]["abstract"] == ""
    assert all_rows["B"]["is_primary"] == "true" and all_rows["A"]["is_primary"] == "false"
    assert len({r["cluster_id"] for r in all_rows.values()}) == 1


def test_rerun_is_idempotent(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    first = R.run_dedupe(review)
    export1 = R.export_records(review, "csv", all_records=True)
    second = R.run_dedupe(review)
    assert R.export_records(review, "csv", all_records=True) == export1
    a, b = first.to_dict(), second.to_dict()
    assert a.pop("run_id") != b.pop("run_id")
    assert a == b


def test_different_decision_splits_and_same_decision_merges(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    R.run_dedupe(review)
    ids = {r["title"]: r["record_id"] for r in R.list_records(review)["records"]}
    a_med = ids["Peer support in mental health"]
    a_emb = ids["Peer support in mental health services"]
    (pair,) = dd.review_pairs(review)
    assert pair["title_a"] == pair["title_b"] == "Peer workers and recovery"
    assert {pair["source_a"], pair["source_b"]} == {"MEDLINE", "Embase"}
    # The deduplicator linked the DOI pair; a person says they differ.
    dd.decide(review, f"{a_med},{a_emb}", "different", who="ann", note="erratum")
    # And the uncertain pair is the same study.
    dd.decide(review, pair["pair_id"], "same", who="ann")
    summary = R.run_dedupe(review)
    assert summary.decisions == {"same": 1, "different": 1}
    assert summary.stats["clusters_split_by_decisions"] == 1
    assert summary.uncertain == 0
    listed = {r["record_id"]: r for r in R.list_records(review)["records"]}
    assert listed[a_med]["cluster_id"] != listed[a_emb]["cluster_id"]
    assert listed[pair["record_a"]]["cluster_id"] == listed[pair["record_b"]]["cluster_id"]
    assert summary.unique == 5
    shown = R.show_record(review, pair["record_a"])
    assert [link["reason"] for link in shown["cluster"]["links"]] == ["decision: same by ann"]
    # Decided pairs leave the review list, unless asked for.
    assert dd.review_pairs(review) == []
    decided = dd.review_pairs(review, include_decided=True)
    assert sorted(p["decision"] for p in decided) == ["different", "same"]


def test_decisions_passed_to_deduplicator_both_ways(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "r", "  options:\n    respect_decisions: true\n")
    two_sources(folder)
    review = open_review(folder)
    ids = {r["title"]: r["record_id"] for r in R.list_records(review)["records"]}
    a_med = ids["Peer support in mental health"]
    a_emb = ids["Peer support in mental health services"]
    dd.decide(review, f"{a_emb} {a_med}", "different")
    summary = R.run_dedupe(review)
    # A deduplicator that respects decisions leaves nothing for the core to split.
    assert summary.stats["clusters_split_by_decisions"] == 0
    assert summary.unique == 6


def test_method_and_options_come_from_review_and_are_validated(tmp_path: Path) -> None:
    folder = make_review(tmp_path / "r", "  options:\n    nonsense: 1\n")
    two_sources(folder)
    with pytest.raises(Exception, match="invalid options for deduplicator 'doi-test'"):
        R.run_dedupe(open_review(folder))
    with pytest.raises(Exception, match=r"unknown deduplicator 'nope'; known: .*doi-test"):
        R.run_dedupe(open_review(folder), "nope")
    bad = make_review(tmp_path / "s", "  threshold: 3\n")
    # review.yaml's schema refuses it when the review is opened, with the line
    with pytest.raises(
        InstrumentError,
        match=r"review.yaml:\d+: \$\.dedupe\.threshold: "
        r"unknown field 'threshold'",
    ):
        open_review(bad)


def test_records_imported_after_dedupe_are_their_own_clusters(review_dir: Path) -> None:
    review = open_review(review_dir)
    R.import_files(review, [pipe(review_dir, "m.txt", MEDLINE)], source="MEDLINE")
    R.run_dedupe(review)
    R.import_files(review, [pipe(review_dir, "e.txt", EMBASE)], source="Embase")
    listed = R.list_records(review)
    assert listed["unclustered"] == 3
    assert all(r["is_primary"] for r in listed["records"])
    assert R.counts_by_source(review)["totals"]["unique"] == 6


def test_unknown_ids_from_a_deduplicator_are_refused() -> None:
    result = DedupeResult(links=[Link("a", "zzz", "doi")], clusters=[["a", "zzz"]])
    with pytest.raises(PipelineError, match="zzz"):
        dd._check_ids("bad", result, {"a", "b"})


# -- resolving decisions: properties ---------------------------------------------------------

ids_strategy = st.lists(
    st.sampled_from([f"r{i}" for i in range(8)]), min_size=2, max_size=2, unique=True
)


@settings(deadline=None)
@given(
    links=st.lists(st.tuples(ids_strategy, st.floats(0, 1)), max_size=12),
    decided=st.lists(st.tuples(ids_strategy, st.sampled_from(dd.DECISIONS)), max_size=6),
)
def test_resolved_clusters_respect_every_decision(links, decided) -> None:
    from evidencekit.core.duplicate_links import UnionFind

    all_ids = [f"r{i}" for i in range(8)]
    uf = UnionFind(all_ids)
    link_objs = [Link(a, b, "x", s) for (a, b), s in links]
    for link in link_objs:
        uf.union(link.a, link.b)
    result = DedupeResult(links=link_objs, clusters=uf.groups())
    decisions = {dd.pair_key(a, b): d for (a, b), d in decided}
    clusters, conflicts, _ = dd.resolve_clusters(all_ids, result, decisions)
    assert sorted(i for c in clusters for i in c) == all_ids  # a partition of every record
    where = {i: n for n, c in enumerate(clusters) for i in c}
    for (a, b), decision in decisions.items():
        if decision == "different":
            assert where[a] != where[b]
        elif where[a] != where[b]:
            assert any(a in c and b in c for c in conflicts)
    # Without a "different" decision, nothing is split.
    if "different" not in decisions.values() and "same" not in decisions.values():
        assert [c for c in clusters if len(c) > 1] == uf.groups()


def test_conflicting_same_decision_is_reported() -> None:
    result = DedupeResult()
    decisions = {("a", "b"): "same", ("b", "c"): "same", ("a", "c"): "different"}
    clusters, conflicts, _ = dd.resolve_clusters(["a", "b", "c"], result, decisions)
    assert clusters == [["a", "b"], ["c"]]
    assert len(conflicts) == 1 and conflicts[0].startswith("b and c were decided the same")


def test_split_keeps_strongest_links() -> None:
    links = [Link("a", "b", "doi", 1.0), Link("b", "c", "fuzzy", 0.8), Link("c", "d", "doi", 1.0)]
    result = DedupeResult(links=links, clusters=[["a", "b", "c", "d"]])
    clusters, _, split = dd.resolve_clusters("abcd", result, {("a", "d"): "different"})
    assert split == 1
    assert clusters == [["a", "b"], ["c", "d"]]  # the weakest link b-c gave way


# -- review list, decisions from CSV ---------------------------------------------------------


def test_review_csv_round_trip(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    R.run_dedupe(review)
    text = dd.review_csv(dd.review_pairs(review))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:9] == [
        "pair_id",
        "record_a",
        "record_b",
        "score",
        "reason",
        "title_a",
        "title_b",
        "year_a",
        "year_b",
    ]
    assert list(rows[0])[-1] == "decision"
    assert rows[0]["title_a"] == rows[0]["title_b"] == "Peer workers and recovery"
    assert rows[0]["score"] == "0.9"
    rows[0]["decision"] = " Same "
    rows[0]["note"] = "checked full text"
    edited = review_dir / "decisions.csv"
    with edited.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    counts = dd.import_decisions(review, edited, who="bob")
    assert counts == {"decisions": 1, "same": 1, "different": 0, "skipped": 0}
    (decided,) = dd.review_pairs(review, include_decided=True)
    assert (decided["decision"], decided["decided_by"], decided["note"]) == (
        "same",
        "bob",
        "checked full text",
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("pair_id,decision\npXXX,same\n", r":2: unknown pair 'pXXX'"),
        ("record_a,record_b,decision\nA,B,maybe\n", r":2: decision 'maybe' must be"),
        ("record_a,record_b,decision\nA,B,same\n", r":2: no record 'A' in the store"),
        ("a,b\n1,2\n", r":1: expected a 'decision' column"),
    ],
)
def test_bad_decision_files(review_dir: Path, content: str, message: str) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    R.run_dedupe(review)
    path = review_dir / "d.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RecordFormatError, match=message):
        dd.import_decisions(review, path)
    (pair,) = dd.review_pairs(review)
    assert pair["decision"] == ""  # nothing recorded


def test_decisions_saved_by_a_spreadsheet_are_read(review_dir: Path) -> None:
    # European Excel: ";" between cells, Windows-1252 text (the note's "é").
    two_sources(review_dir)
    review = open_review(review_dir)
    R.run_dedupe(review)
    (pair,) = dd.review_pairs(review)
    path = review_dir / "excel.csv"
    path.write_bytes(
        f"pair_id;record_a;record_b;note;decision\r\n"
        f"{pair['pair_id']};{pair['record_a']};{pair['record_b']};vérifié;different\r\n".encode(
            "cp1252"
        )
    )
    assert dd.import_decisions(review, path, who="ana")["different"] == 1
    (decided,) = dd.review_pairs(review, include_decided=True)
    assert (decided["decision"], decided["note"]) == ("different", "vérifié")


def test_decide_errors(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    with pytest.raises(PipelineError, match="must be 'same' or 'different'"):
        dd.decide(review, "x,y", "perhaps")
    with pytest.raises(PipelineError, match="no pair 'pnothing'"):
        dd.decide(review, "pnothing", "same")
    with pytest.raises(PipelineError, match="no record"):
        dd.decide(review, "x,y", "same")


def test_pair_id_is_order_independent() -> None:
    assert dd.make_pair_id("a", "b") == dd.make_pair_id("b", "a")
    assert dd.make_pair_id("a", "b") != dd.make_pair_id("a", "c")


# -- exports ------------------------------------------------------------------------------------


def _export_review(folder: Path) -> None:
    review = open_review(folder)
    record = Record(
        title="Peer support & recovery: 100% {braced} $cost_ #1 ~ ^ \\ done",
        authors=[Author("Ó Briain", "Seán"), Author("van der Berg", "A. B.")],
        year=2019,
        journal="Psychiatric Services",
        volume="70",
        issue="3",
        pages="123-9",
        doi="10.1176/appi.ps.2019",
        pmid="30123456",
        issn=["1075-2730"],
        language="eng",
        keywords=["peer support", "recovery"],
        publication_type="Journal Article",
        url="https://example.org/a?b=1",
        abstract="Line one.\nLine two.",
        provenance=Provenance(source="MEDLINE", position=1),
    )
    R.import_records(review, [record], source="MEDLINE", file="m.txt")


def test_ris_export_parses_back_with_rispy(review_dir: Path) -> None:
    _export_review(review_dir)
    text = R.export_records(open_review(review_dir), "ris")
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "JOUR"
    assert entry["title"] == "Peer support & recovery: 100% {braced} $cost_ #1 ~ ^ \\ done"
    assert entry["authors"] == ["Ó Briain, Seán", "van der Berg, A. B."]
    assert entry["year"] == "2019"
    assert (entry["start_page"], entry["end_page"]) == ("123", "9")
    assert entry["doi"] == "10.1176/appi.ps.2019"
    assert entry["keywords"] == ["peer support", "recovery"]
    assert entry["abstract"] == "Line one. Line two."  # RIS values are one line
    assert entry["name_of_database"] == "MEDLINE"


def test_bibtex_export_parses_back(review_dir: Path) -> None:
    bibtexparser = pytest.importorskip("bibtexparser")
    _export_review(review_dir)
    text = R.export_records(open_review(review_dir), "bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "article"
    assert fields["title"] == (
        r"Peer support \& recovery: 100\% \textbraceleft{}braced"
        r"\textbraceright{} \$cost\_ \#1 \textasciitilde{} "
        r"\textasciicircum{} \textbackslash{} done"
    )
    assert fields["author"] == "Ó Briain, Seán and van der Berg, A. B."
    assert fields["pages"] == "123--9"
    assert fields["doi"] == "10.1176/appi.ps.2019"
    assert fields["url"] == "https://example.org/a?b=1"
    assert fields["note"] == "Sources: MEDLINE"


def test_csv_all_columns_come_first(review_dir: Path) -> None:
    two_sources(review_dir)
    review = open_review(review_dir)
    R.run_dedupe(review)
    reader = csv.DictReader(io.StringIO(R.export_records(review, "csv", all_records=True)))
    assert reader.fieldnames[:9] == [
        "record_id",
        "cluster_id",
        "is_primary",
        "source",
        "source_key",
        "title",
        "authors",
        "year",
        "doi",
    ]
    rows = list(reader)
    assert len(rows) == 6
    clusters = {r["cluster_id"] for r in rows}
    assert len(clusters) == 5
    for row in rows:
        if row["is_primary"] == "true":
            assert row["cluster_id"] == row["record_id"]
    merged = list(csv.DictReader(io.StringIO(R.export_records(review, "csv"))))
    assert len(merged) == 5
    assert {r["cluster_id"] for r in merged} == clusters


def test_unknown_export_format(review_dir: Path) -> None:
    two_sources(review_dir)
    with pytest.raises(PipelineError, match="export format 'xml'"):
        R.export_records(open_review(review_dir), "xml")


def test_show_unknown_record(review_dir: Path) -> None:
    two_sources(review_dir)
    with pytest.raises(PipelineError, match="no record 'nope'"):
        R.show_record(open_review(review_dir), "nope")


# -- the same flow on PostgreSQL ------------------------------------------------------------------


def test_whole_flow_on_postgresql(tmp_path: Path, postgres) -> None:
    folder = make_review(tmp_path / "r", f"store: {postgres.new_database()}\n")
    two_sources(folder)
    review = open_review(folder)
    again = R.import_files(review, [folder / "medline.txt"], source="MEDLINE")
    assert (again.new, again.already_present) == (0, 3)
    summary = R.run_dedupe(review)
    assert (summary.records, summary.unique, summary.uncertain) == (6, 5, 1)
    (pair,) = dd.review_pairs(review)
    dd.decide(review, pair["pair_id"], "same", who="ann")
    assert R.run_dedupe(review).unique == 4
    rows = list(csv.DictReader(io.StringIO(R.export_records(review, "csv", all_records=True))))
    assert len(rows) == 6 and len({r["cluster_id"] for r in rows}) == 4
    assert not list(folder.glob("*.sqlite"))  # nothing went to a SQLite file


def test_reimport_of_a_fully_stored_file_does_not_read_it_again(
    review_dir: Path, monkeypatch
) -> None:
    from evidencekit.core import importing

    review = open_review(review_dir)
    path = pipe(review_dir, "m.txt", MEDLINE)
    R.import_files(review, [path], source="MEDLINE")

    def fail(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(importing, "read_records", fail)
    again = R.import_files(review, [path], source="MEDLINE")
    assert (again.records, again.new, again.already_present) == (3, 0, 3)
    assert again.files[0].format == "pipe-test"


def test_long_work_reports_progress(review_dir: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []

    def progress(label: str, done: int, total: int | None) -> None:
        calls.append((label, done, total))

    review = open_review(review_dir)
    R.import_files(
        review,
        [pipe(review_dir, "m.txt", MEDLINE), pipe(review_dir, "e.txt", EMBASE)],
        source="MEDLINE",
        progress=progress,
    )
    assert ("reading files", 2, 2) in calls
    assert ("storing m.txt", 3, 3) in calls and ("storing e.txt", 3, 3) in calls
    calls.clear()
    R.run_dedupe(review, progress=progress)
    assert ("loading records", 6, 6) in calls
    assert ("finding duplicates (doi-test)", 6, 6) in calls
