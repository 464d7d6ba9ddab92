"""Issue 12 regressions: bounded memory, NUL/control bytes behind a BOM, control
characters in titles, deep XML, huge CSV headers."""

from __future__ import annotations

import gzip

import pytest

from evidencekit.core import limits
from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import source_from_bytes

RIS = "TY  - JOUR\nTI  - A title\nPY  - 2019\nER  - \n"


def test_gzip_inflation_is_capped_with_a_message_naming_the_limit(monkeypatch, load_raw):
    monkeypatch.setenv(limits.INPUT_ENV, "1")  # 1 MB
    bomb = gzip.compress(b"TY  - JOUR\nTI  - " + b"a" * (3 * 1024 * 1024) + b"\nER  - \n")
    assert len(bomb) < 20_000
    with pytest.raises(RecordFormatError) as info:
        load_raw(bomb, "bomb.ris.gz")
    message = str(info.value)
    assert message.startswith(
        "bomb.ris.gz: the .gz file inflates to more than the import limit of 1 MB"
    )
    assert "EVIDENCEKIT_MAX_INPUT_MB" in message
    monkeypatch.setenv(limits.INPUT_ENV, "8")  # raised: the same file is read (then the
    monkeypatch.setenv(limits.FIELD_ENV, "8")  # field limit must allow its 3 MB line too)
    assert [len(r.title) for r in load_raw(bomb, "bomb.ris.gz")] == [3 * 1024 * 1024]


def test_a_plain_file_above_the_input_limit_is_refused(monkeypatch, tmp_path):
    from evidencekit.core.importing import read_source

    monkeypatch.setenv(limits.INPUT_ENV, "0.001")  # about 1 KB
    path = tmp_path / "big.ris"
    path.write_text(RIS * 100, encoding="utf-8")
    with pytest.raises(
        RecordFormatError,
        match=r"big.ris: the file holds 4,300 bytes, more "
        r"than the import limit of .*EVIDENCEKIT_MAX_INPUT_MB",
    ):
        read_source(path)


@pytest.mark.parametrize(
    "fmt, text",
    [
        ("ris", "TY  - JOUR\nTI  - {big}\nER  - \n"),
        ("bibtex", "@article{a,\n  title = {{big}},\n  year = 2001\n}\n"),
        ("csv", 'Title,Year\n"{big}",2001\n'),
    ],
)
def test_one_huge_field_is_refused_naming_the_limit(monkeypatch, load, fmt, text):
    monkeypatch.setenv(limits.FIELD_ENV, "0.25")  # 256 KiB
    body = "word " * 60_000  # 300,000 characters on one line
    with pytest.raises(RecordFormatError) as info:
        load(text.replace("{big}", body), f"huge.{fmt}", fmt)
    message = str(info.value)
    assert "longer than the limit of 0.25 MB for one field" in message
    assert "EVIDENCEKIT_MAX_FIELD_MB" in message and message.startswith(f"huge.{fmt}:")
    # Spread over many lines, a BibTeX field is still one entry, and still refused.
    if fmt == "bibtex":
        with pytest.raises(
            RecordFormatError,
            match=r"huge.bib:1: the BibTeX entry starting "
            r"on line 1 .* longer than the limit",
        ):
            load(text.replace("{big}", "word\n" * 60_000), "huge.bib", fmt)


def test_check_line_lengths_is_exact() -> None:
    limits.check_line_lengths("a" * 10 + "\n" + "b" * 10, "f", limit=10)  # at the limit
    with pytest.raises(RecordFormatError, match=r"^f:2: line 2 \(11 characters\)"):
        limits.check_line_lengths("a" * 10 + "\n" + "b" * 11 + "\n" + "c" * 3, "f", limit=10)


@pytest.mark.parametrize(
    "bom, codec",
    [
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ],
)
def test_a_bom_no_longer_lets_nul_bytes_through(bom, codec) -> None:
    data = bom + ("TY  - JOUR\nTI  - A\x00B\nER  - \n").encode(codec)
    with pytest.raises(
        RecordFormatError,
        match=r"x.ris:2: this is not a text export: a NUL "
        r"character",
    ):
        source_from_bytes(data, "x.ris")
    binary = bom + ("TY  - JOUR\n" + "\x01\x02\x03\x04" * 50).encode(codec)
    with pytest.raises(RecordFormatError, match="control characters"):
        source_from_bytes(binary, "x.ris")


def test_control_characters_are_removed_from_titles_with_a_warning(load_raw) -> None:
    data = (
        b"\xef\xbb\xbfTY  - JOUR\nTI  - Peer\x07 support\x1b in\x7f care\nAU  - Sm\x08ith, J\n"
        b"AB  - " + b"An abstract long enough to be text. " * 20 + b"\nER  - \n"
    )
    result = load_raw(data, "c.ris")
    (record,) = result.records
    assert record.title == "Peer support in care"
    assert record.authors[0].family == "Smith"
    assert any(
        "c.ris:1: record 1 (id 1): control characters removed from title, authors" in w
        for w in result.warnings
    )


def test_deep_endnote_xml_is_a_located_error(load) -> None:
    from evidencekit.plugins.importers.endnote_xml import MAX_DEPTH

    depth = 100_000
    text = (
        "<xml><records><record><titles><title>x</title></titles>\n"
        + "<a>" * depth
        + "</a>" * depth
        + "</record></records></xml>\n"
    )
    with pytest.raises(
        RecordFormatError,
        match=rf"deep.xml:2: the XML nests elements more "
        rf"than {MAX_DEPTH} levels deep",
    ):
        load(text, "deep.xml", "endnote-xml")
    # Ordinary nesting (EndNote's own, about 8 levels) is read.
    ok = load(
        "<xml><records><record><titles><title><style>T</style></title></titles>"
        "</record></records></xml>\n",
        "ok.xml",
        "endnote-xml",
    )
    assert [r.title for r in ok] == ["T"]


def test_csv_header_of_100k_columns_is_read(load) -> None:
    n = 100_000
    header = ",".join(["Title", *(f"c{i}" for i in range(n)), "c5"])  # c5 twice
    result = load(
        header + "\n" + ",".join(["A title", *(["x"] * (n + 1))]) + "\n", "wide.csv", "csv"
    )
    (record,) = result.records
    assert record.title == "A title" and record.raw["c5 (column 100002)"] == "x"
    assert len(record.raw) == n + 2


def test_continuation_lines_join_like_before(load) -> None:
    ris = load("TY  - JOUR\nTI  - First\nsecond\n\nthird\nAB  - \nabstract\nER  - \n", "c.ris")
    assert ris[0].title == "First second third" or ris[0].raw["TI"] == ["First\nsecond\nthird"]
    assert ris[0].raw["TI"] == ["First\nsecond\nthird"] and ris[0].raw["AB"] == ["abstract"]
    med = load("PMID- 1\nTI  - First\n      second\nthird\nAB  - x\n      y\n", "m.nbib")
    assert med[0].raw["TI"] == ["First second third"] and med[0].raw["AB"] == ["x y"]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_read(monkeypatch):
    """An .xlsx is a zip: a worksheet part inflating past the limit is refused from the
    sizes the archive declares, before openpyxl inflates anything."""
    import io
    import zipfile

    from evidencekit.core.importing.xlsx import xlsx_rows

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * (3 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 20_000  # a small file ...
    monkeypatch.setenv(limits.INPUT_ENV, "1")  # ... inflating to 3 MB, over a 1 MB limit
    with pytest.raises(RecordFormatError, match=rf"inflates to .*{limits.INPUT_ENV}"):
        xlsx_rows(data, "bomb.xlsx")
