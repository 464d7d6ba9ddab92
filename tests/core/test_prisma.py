"""PRISMA 2020 counts from the store equal the hand-computed ones; breaks are explained."""

from __future__ import annotations

import csv
import io

import pytest
from prisma_review import (
    FULL_TEXT,
    SOURCES,
    TITLE_ABSTRACT,
    decide,
    ids_by_number,
    make_prisma_review,
    record,
)

from evidencekit.core.errors import RegistryError
from evidencekit.core.prisma import (
    FIELDS,
    PrismaCounts,
    ReasonCount,
    ReportFlow,
    SourceCount,
    check_counts,
    prisma_counts,
    prisma_csv,
    prisma_fields,
    write_prisma,
)
from evidencekit.core.records import import_records
from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision, record_decisions, remove_decision


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    return make_prisma_review(tmp_path_factory.mktemp("prisma") / "review")


def test_counts_equal_the_hand_computed_ones(screened):
    check_hand_counts(prisma_counts(open_review(screened)))


def test_counts_on_postgresql(tmp_path, postgres):
    folder = make_prisma_review(tmp_path / "review", store=postgres.new_database())
    check_hand_counts(prisma_counts(open_review(folder)))


def test_write_prisma_writes_nothing_when_the_reporter_is_unknown(screened, tmp_path):
    with pytest.raises(RegistryError, match="prisma-diagram"):
        write_prisma(open_review(screened), tmp_path / "out", reporter="prisma-diagrams")
    assert not (tmp_path / "out").exists()


def check_hand_counts(c):
    assert [(s.name, s.kind, s.records) for s in c.sources] == [
        ("MEDLINE", "database", 10),
        ("PsycINFO", "database", 6),
        ("ClinicalTrials.gov", "register", 2),
        ("Peer support network website", "website", 3),
        ("Citation searching", "citations", 2),
    ]
    assert (c.database_results, c.register_results, c.identified_other) == (16, 2, 5)
    assert c.duplicates == 4
    assert c.excluded_automatic == 1 and c.excluded_other == 0
    assert c.records_screened == 13 and c.records_excluded == 5
    assert c.dbr == ReportFlow(
        sought=8,
        not_retrieved=1,
        assessed=7,
        included=4,
        excluded=(ReasonCount("wrong population", 2), ReasonCount("no influences reported", 1)),
    )
    assert c.other == ReportFlow(
        sought=2,
        not_retrieved=0,
        assessed=2,
        included=1,
        excluded=(ReasonCount("wrong intervention", 1),),
    )
    assert c.other_not_sought == 3  # 1 also in a database, 1 duplicate, 1 excluded
    assert (c.new_studies, c.new_reports) == (4, 5)
    assert c.problems == ()
    assert c.other_methods_used
    assert (c.screening_stage, c.full_text_stage) == ("title-abstract", "full-text")
    assert "3 records from other methods" in c.notes[0]


def test_prisma2020_fields_and_csv(screened):
    c = prisma_counts(open_review(screened))
    fields = prisma_fields(c)
    assert set(FIELDS) == set(fields)
    assert fields["database_specific_results"] == "MEDLINE, 10; PsycINFO, 6"
    assert fields["register_specific_results"] == "ClinicalTrials.gov, 2"
    assert fields["dbr_excluded"] == "wrong population, 2; no influences reported, 1"
    assert (
        fields["website_results"],
        fields["organisation_results"],
        fields["citations_results"],
    ) == (3, 0, 2)
    assert fields["records_screened"] == 13 and fields["dbr_sought_reports"] == 8
    rows = list(csv.DictReader(io.StringIO(prisma_csv(c))))
    assert list(rows[0]) == [
        "data",
        "node",
        "box",
        "description",
        "boxtext",
        "tooltips",
        "url",
        "n",
    ]
    by_data = {r["data"]: r for r in rows if r["data"] != "NA"}
    assert by_data["duplicates"]["n"] == "4"
    assert by_data["dbr_excluded"]["n"] == "wrong population, 2; no influences reported, 1"
    assert by_data["excluded_automatic"]["box"] == "box3"
    assert by_data["records_screened"]["node"] == "node9"
    assert len(rows) == 32


def test_invariant_breaks_are_explained(tmp_path):
    # record 7 left without a title/abstract decision; record 13 in conflict at full text
    folder = make_prisma_review(tmp_path / "review", screen=False)
    title = dict(TITLE_ABSTRACT)
    full = {n: v for n, v in FULL_TEXT.items() if n != 7}
    decide(folder, title, full, automated=(12,))
    ids = ids_by_number(folder)
    review = open_review(folder)
    remove_decision(review, ids[7], "title-abstract", "ann")
    record_decisions(
        review, [NewDecision(ids[13], "full-text", "bob", "exclude", "wrong population")]
    )
    c = prisma_counts(review)
    assert c.screening_pending == 1 and c.records_excluded == 5
    assert c.dbr.sought == 7 and c.dbr.conflict == 1
    text = "\n".join(c.problems)
    assert (
        "records screened (13) minus records excluded (5) is 8, but 7 reports were "
        "sought for retrieval; 1 records at 'title-abstract': 1 without a final decision" in text
    )
    assert "reports sought (7) minus reports not retrieved (1) is 6, but 5 were assessed" in text
    assert "where reviewers disagree" in text


def test_no_dedupe_and_late_imports_are_reported(tmp_path):
    folder = make_prisma_review(tmp_path / "a", screen=False, dedupe=False)
    c = prisma_counts(open_review(folder))
    assert c.duplicates == 0
    assert any("never de-duplicated" in p for p in c.problems)
    # records imported after the last de-duplication
    folder = make_prisma_review(tmp_path / "b", screen=False)
    import_records(open_review(folder), [record(20)], source="Scopus", file="late.ris")
    c = prisma_counts(open_review(folder))
    assert any("1 records were imported after the last de-duplication" in p for p in c.problems)


def test_databases_only_has_no_second_column(tmp_path):
    folder = make_prisma_review(tmp_path / "r", screen=False, sources=SOURCES[:3])
    c = prisma_counts(open_review(folder))
    assert not c.other_methods_used and c.identified_other == 0
    assert c.records_screened == 14 and c.screening_pending == 14


def test_check_counts_on_constructed_counts():
    good = PrismaCounts(
        sources=(SourceCount("A", "database", 10), SourceCount("B", "expert", 2)),
        duplicates=2,
        records_screened=8,
        records_excluded=5,
        dbr=ReportFlow(
            sought=3, not_retrieved=1, assessed=2, included=1, excluded=(ReasonCount("x", 1),)
        ),
        other=ReportFlow(sought=1, assessed=1, included=1),
        new_studies=2,
        new_reports=2,
    )
    assert check_counts(good) == []
    bad = PrismaCounts(
        sources=(SourceCount("A", "database", 10),),
        duplicates=2,
        records_screened=9,
        records_excluded=5,
        dbr=ReportFlow(sought=3, assessed=3, included=1, excluded=(ReasonCount("", 1),)),
        new_studies=3,
        new_reports=1,
    )
    problems = check_counts(bad)
    assert any("minus those removed before screening (2: 2 duplicates" in p for p in problems)
    assert any(
        "reports assessed (3) minus reports excluded (1) is 2, but 1 reports were included" in p
        for p in problems
    )
    assert any("without a reason" in p for p in problems)
    assert any("3 studies included but only 1 report" in p for p in problems)
    # experts go into organisations in the R package's fields
    assert prisma_fields(good)["organisation_results"] == 2
    assert "Organisations and experts" in prisma_csv(good)
