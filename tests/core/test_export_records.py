"""Exports read back by evidencekit's own importers: RIS, BibTeX and CSV round trips.

`evidencekit records export` writes files that a review may import again (into another
review, or after editing them). Each field must survive the trip through the shipped
importers: special LaTeX characters, "--", keywords holding commas, the PMID (RIS has no
tag for it), the RIS reference type, a book's series, an abstract's paragraphs.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core import export_records as ex
from evidencekit.core import records as R
from evidencekit.core.errors import PipelineError
from evidencekit.core.importing import records_from_source, source_from_bytes
from evidencekit.core.model import Author, Record
from evidencekit.core.registry import build_registry
from evidencekit.core.review import open_review

REGISTRY = build_registry()

FIELDS = (
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "issn",
    "isbn",
    "language",
    "keywords",
    "url",
    "abstract",
)


def rich_record() -> Record:
    return Record(
        record_id="r0123456789ab-1",
        title="Peer support & recovery -- 100% {braced} $cost_ #1 ~ ^ \\ done: miR-106b~25",
        authors=[
            Author("Ó Briain", "Seán"),
            Author("van der Berg", "A. B."),
            Author("World Health Organization"),
        ],
        year=2019,
        journal="Psychiatric Services",
        volume="70",
        issue="3",
        pages="123-129",
        doi="10.1176/appi.ps.2019",
        pmid="30123456",
        issn=["1075-2730"],
        isbn=["9783161484100"],
        language="eng",
        keywords=["peer support", "Feedback, Psychological", "a--b"],
        publication_type="CONF",
        url="https://example.org/~lee/a--b_c?x=1&y=2",
        abstract="Background: first paragraph.\nMethods: second paragraph.\nER  - trap",
    )


def read_back(text: str, name: str, fmt: str) -> list[Record]:
    source = source_from_bytes(text.encode("utf-8"), name)
    result = records_from_source(source, REGISTRY, source_name="round trip")
    assert result.format == fmt
    return list(result)


def fields(record: Record) -> dict[str, object]:
    return {name: getattr(record, name) for name in FIELDS}


@pytest.mark.parametrize(("fmt", "name"), [("ris", "export.ris"), ("bibtex", "export.bib")])
def test_every_field_survives_ris_and_bibtex(fmt: str, name: str) -> None:
    record = rich_record()
    write = ex.to_ris if fmt == "ris" else ex.to_bibtex
    (back,) = read_back(write([(record, ["MEDLINE"], "")]), name, fmt)
    expected = fields(record)
    if fmt == "bibtex":
        # A BibTeX field is one paragraph; the record's line breaks become spaces.
        expected["abstract"] = " ".join(record.abstract.split())
    else:
        # Paragraphs are continuation lines, except one that would read as a tag line.
        expected["abstract"] = "Background: first paragraph.\nMethods: second paragraph. ER - trap"
    assert fields(back) == expected
    assert back.source_key == record.record_id


def test_reference_types_and_a_books_series() -> None:
    conference = Record(title="A paper", publication_type="CONF", journal="Proc. X")
    book = Record(title="A book", publication_type="BOOK", journal="Lecture Notes in X")
    chapter = Record(title="A chapter", publication_type="incollection", journal="A book")
    entries = [(r, [], "") for r in (conference, book, chapter)]
    assert [r.publication_type for r in read_back(ex.to_ris(entries), "t.ris", "ris")] == [
        "CONF",
        "BOOK",
        "CHAP",
    ]
    back = read_back(ex.to_bibtex(entries), "t.bib", "bibtex")
    assert [r.publication_type for r in back] == ["inproceedings", "book", "incollection"]
    assert [r.journal for r in back] == ["Proc. X", "Lecture Notes in X", "A book"]


def test_store_export_all_round_trips_in_every_format(tmp_path: Path) -> None:
    review = open_review(tmp_path)
    plain = Record(
        title="Second record",
        authors=[Author("Lee", "Kim")],
        year=2020,
        doi="10.1000/b2",
        keywords=["one"],
    )
    R.import_records(review, [rich_record(), plain], source="MEDLINE", file="m.txt")
    R.run_dedupe(review, "exact")
    stored = {r["record_id"]: r for r in R.list_records(review)["records"]}
    for fmt, name in (("ris", "all.ris"), ("bibtex", "all.bib"), ("csv", "all.csv")):
        back = read_back(R.export_records(review, fmt, all_records=True), name, fmt)
        assert {r.source_key for r in back} == set(stored)  # record ids come back as keys
        by_title = {r.title: r for r in back}
        rich = by_title[rich_record().title]
        assert rich.pmid == "30123456"
        assert rich.keywords == rich_record().keywords
        assert rich.authors == rich_record().authors
        assert by_title["Second record"].doi == "10.1000/b2"


def test_an_export_written_to_a_file_is_the_text_export(tmp_path: Path) -> None:
    # write_export (records export -o FILE) streams the entries; the file must hold
    # exactly what export_records returns, with the final line break emit adds.
    review = open_review(tmp_path)
    again = Record(title="Second record", authors=[Author("Lee", "K")], year=2020)
    records = [
        rich_record(),
        Record(
            title="Second record",
            authors=[Author("Lee", "Kim")],
            year=2020,
            doi="10.1000/b2",
            keywords=["one"],
        ),
        again,
    ]
    R.import_records(review, records, source="MEDLINE", file="m.txt")
    R.run_dedupe(review, "exact")
    for fmt in ("csv", "ris", "bibtex"):
        for all_records in (False, True):
            text = R.export_records(review, fmt, all_records=all_records)
            state: dict = {}
            R.write_export(review, fmt, tmp_path / "out", all_records=all_records, state=state)
            written = (tmp_path / "out").read_text("utf-8")
            assert written == (text if text.endswith("\n") else text + "\n"), (fmt, all_records)
            assert state == {"deduplicated": True, "unclustered": 0}
            assert text.count("Second record") >= 1
            assert gc.isenabled()  # the collector, paused while exporting, runs again


def test_an_export_pauses_the_collector_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import evidencekit.core.records.export as export_module

    review = open_review(tmp_path)
    R.import_records(review, [rich_record()], source="MEDLINE", file="m.txt")
    R.run_dedupe(review, "exact")
    seen: list[bool] = []
    original = export_module.export_pieces

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(export_module, "export_pieces", watched)
    R.write_export(review, "csv", tmp_path / "out.csv")
    R.export_records(review, "csv")
    assert seen == [False, False]  # paused while the records load and the rows are made
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's paused collector stays paused
        R.write_export(review, "csv", tmp_path / "out.csv")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_export_made_in_slices_by_two_processes_is_the_serial_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large export is made in slices, every second one by a forked child (core.ahead):
    # the header once, the line breaks between entries at the slices' edges, the same
    # text and the same file as one process makes.
    import os

    from evidencekit.core import ahead
    from evidencekit.core.records import export

    review = open_review(tmp_path)
    records = [
        Record(title=f"Record {k}", authors=[Author(f"Family{k % 3}", "A")], year=2000 + k)
        for k in range(7)
    ]
    records.append(Record(title="Record 2", authors=[Author("Family2", "A")], year=2002))
    R.import_records(review, records, source="MEDLINE", file="m.txt")
    R.run_dedupe(review, "exact")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    for fmt in ("csv", "ris", "bibtex"):
        for all_records in (False, True):
            monkeypatch.setenv(ahead.ENV, "1")
            serial = R.export_records(review, fmt, all_records=all_records)
            monkeypatch.delenv(ahead.ENV)
            monkeypatch.setattr(export, "EXPORT_CHUNK", 2)
            assert ahead.can_fork(2) == sys.platform.startswith("linux")
            assert R.export_records(review, fmt, all_records=all_records) == serial
            R.write_export(review, fmt, tmp_path / "out", all_records=all_records)
            assert (tmp_path / "out").read_text("utf-8") == (
                serial if serial.endswith("\n") else serial + "\n"
            )
            monkeypatch.setattr(export, "EXPORT_CHUNK", 5_000)


def test_a_refused_export_writes_no_file(tmp_path: Path) -> None:
    review = open_review(tmp_path)
    R.import_records(review, [rich_record()], source="MEDLINE", file="m.txt")
    with pytest.raises(PipelineError, match="never de-duplicated"):
        R.write_export(review, "csv", tmp_path / "out.csv", require_deduped=True)
    assert not (tmp_path / "out.csv").exists()


TEXT = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), max_codepoint=0x2FF)
        | st.sampled_from("&%$#_~^\\{}-;,[]@\"'"),
        min_size=1,
        max_size=60,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: s and s not in ("NA", "N/A"))
)


@settings(deadline=None)
@given(
    title=TEXT,
    family=TEXT.filter(lambda s: "," not in s and " and " not in s and ";" not in s),
    keyword=TEXT.filter(lambda s: ";" not in s),
)
def test_any_text_survives_ris_and_bibtex(title: str, family: str, keyword: str) -> None:
    record = Record(
        title=title, authors=[Author(family, "J.")], year=2001, keywords=[keyword, "other"]
    )
    for fmt, write, name in (("ris", ex.to_ris, "p.ris"), ("bibtex", ex.to_bibtex, "p.bib")):
        (back,) = read_back(write([(record, [], "")]), name, fmt)
        assert back.title == title, fmt
        assert back.authors == [Author(family, "J.")], fmt
        assert back.keywords == [keyword, "other"] or keyword.lower() == "other", fmt
