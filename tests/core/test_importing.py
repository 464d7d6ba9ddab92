"""The import front end: reading files, detecting formats, provenance, bad input."""

from __future__ import annotations

import gzip
import importlib
import zipfile
from pathlib import Path

import pluggy
import pytest

from evidencekit.core import PROJECT_NAME, hookimpl, hookspecs
from evidencekit.core.errors import EvidencekitError, RecordFormatError, RegistryError
from evidencekit.core.importing import (
    ImportResult,
    detect_format,
    max_plausible_year,
    read_records,
    read_source,
    records_from_source,
    source_from_bytes,
)
from evidencekit.core.model import Provenance, Record
from evidencekit.core.plugin_manager import builtin_plugin_modules
from evidencekit.core.registry import Registry, build_registry

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"

RIS = (
    "TY  - JOUR\nID  - r1\nTI  - Peer support workers in mental health\nAU  - Smith, Jane\n"
    "PY  - 2019\nDO  - https://doi.org/10.1000/ABC.1.\nSP  - 123\nEP  - 30\nER  - \n\n"
    "TY  - JOUR\nTI  - A second study\nAU  - Doe, J.\nPY  - 2020\nER  - \n"
)


def importer_registry(*extra: object) -> Registry:
    """A registry with only the built-in importers (and ``extra`` plugins)."""
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in builtin_plugin_modules():
        if ".importers." in name:
            pm.register(importlib.import_module(name), name=name)
    for plugin in extra:
        pm.register(plugin)
    return Registry(pm)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return importer_registry()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- reading files -----------------------------------------------------------------------


def test_read_source_decodes_and_normalises_line_ends(tmp_path: Path) -> None:
    path = write(tmp_path, "a.ris", b"\xef\xbb\xbf" + RIS.replace("\n", "\r\n").encode())
    source = read_source(path)
    assert source.text == RIS
    assert source.encoding == "UTF-8 with BOM"
    assert source.display == str(path) and source.path == path
    assert source.data.startswith(b"\xef\xbb\xbf")


def test_gzip_files_are_read_transparently(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, "a.ris.gz", gzip.compress(RIS.encode("utf-16")))
    source = read_source(path)
    assert source.container == "gzip" and source.text == RIS
    assert source.encoding == "UTF-16 LE with BOM (gzip)"
    assert len(read_records(path, registry, source_name="MEDLINE (Ovid)")) == 2


def test_a_truncated_gzip_is_an_error(tmp_path: Path) -> None:
    data = gzip.compress(RIS.encode() * 50)
    path = write(tmp_path, "cut.ris.gz", data[: len(data) // 2])
    with pytest.raises(RecordFormatError, match="truncated") as info:
        read_source(path)
    assert info.value.file == str(path)


def test_xlsx_workbooks_are_read_as_tables(tmp_path: Path, registry: Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Authors", "Publication Year", "DOI"])
    sheet.append(["First study", "Smith, J.; Doe, A.", 2019, "10.1000/x1"])
    sheet.append(["Second study", "Roe, B.", 2020.0, None])
    other = book.create_sheet("notes")
    other.append(["Title", "Year"])
    other.append(["On another sheet", 2001])
    path = tmp_path / "export.xlsx"
    book.save(path)

    result = read_records(path, registry, source_name="Embase")
    assert result.format == "csv"
    assert result.encoding.startswith("xlsx")
    assert [r.title for r in result] == ["First study", "Second study"]
    assert result[0].authors[1].family == "Doe" and result[1].year == 2020
    assert result[0].doi == "10.1000/x1"
    assert [r.provenance.line for r in result] == [2, 3]
    second = read_records(path, registry, source_name="Embase", options={"sheet": "notes"})
    assert [(r.title, r.year) for r in second] == [("On another sheet", 2001)]
    with pytest.raises(RecordFormatError, match="no sheet 'nope'; its sheets are: Sheet, notes"):
        read_records(path, registry, source_name="Embase", options={"sheet": "nope"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\r\n\t", "the file is empty"),
        (b"\xef\xbb\xbf \n", "only white space"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old binary Office file"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(1, 40)) * 8, "not a text export"),
    ],
)
def test_unreadable_files_are_refused_with_file_and_line(data: bytes, message: str) -> None:
    with pytest.raises(RecordFormatError, match=message) as info:
        source_from_bytes(data, "bad.ris")
    assert str(info.value).startswith("bad.ris:")
    assert info.value.line is not None


def test_a_zip_archive_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "exports.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("medline.nbib", "PMID- 1\n")
    with pytest.raises(RecordFormatError, match="unzip it"):
        read_source(path)


def test_a_missing_file_or_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RecordFormatError, match="no such file"):
        read_source(tmp_path / "nope.ris")
    with pytest.raises(RecordFormatError, match="folder"):
        read_source(tmp_path)


# --- format detection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rispy_example_wos.ris", "wos"),  # WoS tagged despite .ris
        ("asreview_web_of_science.txt", "ris"),  # RIS despite .txt
        ("asreview_pubmed_endnote.txt", "ris"),
        ("asreview_ovid_zotero.ris", "ris"),
        ("asreview_embase.csv", "csv"),
        ("litstudy_scopus.csv", "scopus-csv"),
        ("litstudy_ieee.csv", "csv"),
        ("litstudy_springer.csv", "csv"),
        ("dedupe_sweep_tafenoquine.xml", "endnote-xml"),
    ],
)
def test_format_is_detected_from_content(name: str, expected: str, registry: Registry) -> None:
    assert detect_format(read_source(DATA / name), registry) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PMID- 123\nTI  - x\n", "medline"),
        ("@article{k,\n title={x}}\n", "bibtex"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI x\nER\nEF\n", "wos"),
        (
            '<?xml version="1.0"?><xml><records><record><titles><title>x</title></titles>'
            "</record></records></xml>",
            "endnote-xml",
        ),
        ("title\tauthors\tyear\nx\ty\t2001\n", "csv"),
        ("1.\nTY  - JOUR\nT1  - x\nER  - \n", "ris"),
    ],
)
def test_each_format_is_recognised(text: str, expected: str, registry: Registry) -> None:
    assert detect_format(source_from_bytes(text.encode(), "f.dat"), registry) == expected


def test_an_unknown_format_lists_the_known_ones(registry: Registry) -> None:
    source = source_from_bytes(b"Dear colleague,\nplease find attached.\n", "letter.txt")
    with pytest.raises(RecordFormatError) as info:
        detect_format(source, registry)
    message = str(info.value)
    assert message.startswith("letter.txt:1: cannot tell the export format")
    for name in ("ris", "medline", "bibtex", "wos", "endnote-xml", "scopus-csv", "csv"):
        assert f"{name} (" in message
    assert "--format" in message


# --- records and provenance ---------------------------------------------------------------


def test_records_carry_provenance_and_normalised_fields(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, "medline.txt", RIS)
    result = read_records(
        path,
        registry,
        source_name="MEDLINE (Ovid)",
        source_kind="database",
        date_searched="2018-05-01",
    )
    assert isinstance(result, ImportResult) and isinstance(result, list)
    assert result.format == "ris" and result.encoding == "UTF-8" and result.warnings == []
    first, second = result
    assert first.provenance == Provenance(
        source="MEDLINE (Ovid)",
        kind="database",
        file=str(path),
        position=1,
        line=1,
        format="ris",
        date_searched="2018-05-01",
    )
    assert second.provenance.position == 2 and second.provenance.line == 11
    assert first.source_key == "r1" and second.source_key == "2"  # ID tag, else position
    assert first.doi == "10.1000/abc.1" and first.pages == "123-130" and first.year == 2019
    assert first.raw["TY"] == ["JOUR"] and first.raw["SP"] == ["123"]
    assert result.records == [first, second]


def test_the_format_can_be_named(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, "x.dat", RIS)
    assert len(read_records(path, registry, format="ris", source_name="S")) == 2
    with pytest.raises(RecordFormatError, match="no BibTeX entry"):
        read_records(path, registry, format="bibtex", source_name="S")
    with pytest.raises(RegistryError, match="unknown importer 'endnote'; known: bibtex, csv"):
        read_records(path, registry, format="endnote", source_name="S")


def test_records_without_title_are_kept_with_a_warning_or_refused(
    tmp_path: Path, registry: Registry
) -> None:
    path = write(tmp_path, "t.ris", RIS + "TY  - JOUR\nAU  - Nobody, N.\nID  - k3\nER  - \n")
    result = read_records(path, registry, source_name="S")
    assert len(result) == 3 and result[2].title == ""
    assert result.warnings == [f"{path}:16: record 3 (id k3) has no title; imported anyway"]
    with pytest.raises(RecordFormatError, match="record 3 .id k3. has no title") as info:
        read_records(path, registry, source_name="S", options={"missing_title": "error"})
    assert info.value.line == 16


@pytest.mark.parametrize("year", ["0000", "0"])
def test_a_zero_year_is_no_year_with_a_warning(
    tmp_path: Path, registry: Registry, year: str
) -> None:
    """EndNote writes ``PY  - 0000`` for a record without a year: not the user's mistake."""
    path = write(tmp_path, "y.ris", RIS.replace("PY  - 2020", f"PY  - {year}"))
    result = read_records(path, registry, source_name="S")
    assert [r.year for r in result] == [2019, None]
    assert result.warnings == [
        f"{path}:11: record 2 (id 2): no year (written as 0000); stored without a year"
    ]


@pytest.mark.parametrize("year", ["3024", "19"])
def test_an_impossible_year_is_an_error_naming_file_and_line(
    tmp_path: Path, registry: Registry, year: str
) -> None:
    path = write(tmp_path, "y.ris", RIS.replace("PY  - 2020", f"PY  - {year}"))
    with pytest.raises(RecordFormatError) as info:
        read_records(path, registry, source_name="S")
    message = str(info.value)
    assert message.startswith(f"{path}:11: record 2 (id 2): the year {int(year)} is impossible")
    assert f"expected 1000-{max_plausible_year()}" in message and "impossible_year: warn" in message
    result = read_records(path, registry, source_name="S", options={"impossible_year": "warn"})
    assert result[1].year is None and "impossible year" in result.warnings[0]


def test_repeated_identifiers_are_warned_about(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, "k.ris", RIS.replace("TI  - A second", "ID  - r1\nTI  - A second"))
    result = read_records(path, registry, source_name="S")
    assert "the identifier 'r1' was already used by record 1" in result.warnings[0]


def test_arguments_are_checked(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, "a.ris", RIS)
    with pytest.raises(EvidencekitError, match="unknown source kind 'library'"):
        read_records(path, registry, source_name="S", source_kind="library")
    with pytest.raises(EvidencekitError, match="write it as YYYY-MM-DD"):
        read_records(path, registry, source_name="S", date_searched="May 2018")
    with pytest.raises(EvidencekitError, match="source name is required"):
        read_records(path, registry, source_name=" ")
    with pytest.raises(EvidencekitError, match="missing_title' must be 'warn' or 'error'"):
        read_records(path, registry, source_name="S", options={"missing_title": "skip"})
    with pytest.raises(RegistryError, match="takes no options"):
        read_records(path, registry, source_name="S", options={"delimiter": ";"})


def test_an_importer_bug_becomes_a_record_format_error(tmp_path: Path) -> None:
    class Broken:
        name = "broken"
        description = "raises after one record"
        options_schema = None
        extensions = (".brk",)

        def sniff(self, head: str) -> float:
            return 1.0 if head.startswith("BROKEN") else 0.0

        def read(self, source, options):
            yield Record(title="one", provenance=Provenance(source="", line=2))
            raise KeyError("surprise")

    class Plugin:
        @hookimpl
        def evidencekit_importers(self):
            return [Broken()]

    registry = importer_registry(Plugin())
    path = write(tmp_path, "x.brk", "BROKEN\nrecord\n")
    with pytest.raises(RecordFormatError) as info:
        read_records(path, registry, source_name="S")
    assert "the broken importer failed after record 1 (KeyError" in str(info.value)
    assert info.value.line == 2


def test_records_from_source_needs_no_file(registry: Registry) -> None:
    source = source_from_bytes(RIS.encode(), "memory.ris")
    result = records_from_source(source, registry, source_name="S")
    assert [r.provenance.file for r in result] == ["memory.ris", "memory.ris"]


def test_the_importers_are_registered_with_the_full_plugin_manager() -> None:
    names = build_registry().names("importer")
    for name in ("bibtex", "csv", "endnote-xml", "medline", "ris", "scopus-csv", "wos"):
        assert name in names


# --- every kind of bad input, through the one front door ------------------------------------

BAD_INPUTS = {
    "truncated RIS": ("cut.ris", RIS[:-30].encode(), 13, "looks truncated"),
    "truncated CSV": ("cut.csv", b'Title,Year\n"First",2001\n"Second, cut', 3, "never closed"),
    "truncated XML": ("cut.xml", b"<xml><records><record><titles><title>x</title>", 1, "truncated"),
    "binary file": ("photo.ris", bytes(range(256)) * 8, 1, "not a text export"),
    "unknown format": (
        "notes.txt",
        b"Dear colleague,\nsee attached.\n",
        1,
        "cannot tell the export format",
    ),
    "CSV without title column": (
        "ids.csv",
        b"doi,year\n10.1000/x,2001\n",
        1,
        "no title column: the columns are 'doi', 'year'",
    ),
    "impossible year": (
        "year.ris",
        RIS.replace("PY  - 2020", "PY  - 3024").encode(),
        11,
        "the year 3024 is impossible",
    ),
    "mis-encoded character": (
        "mixed.ris",
        RIS.replace("Jane", "Jané").encode().replace(b"second", b"s\xe9cond"),
        12,
        "not valid UTF-8",
    ),
    "empty file": ("empty.ris", b"", 1, "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_error_naming_file_and_line(
    case: str, tmp_path: Path, registry: Registry
) -> None:
    name, data, line, message = BAD_INPUTS[case]
    path = write(tmp_path, name, data)
    with pytest.raises(RecordFormatError) as info:
        read_records(path, registry, source_name="S")
    assert str(info.value).startswith(f"{path}:{line}: "), str(info.value)
    assert message in str(info.value)
    assert (info.value.file, info.value.line) == (str(path), line)


def test_reading_a_source_twice_gives_the_same_warnings(registry: Registry) -> None:
    source = source_from_bytes((RIS + "TY  - JOUR\nER  - \n").encode(), "twice.ris")
    first = records_from_source(source, registry, source_name="S")
    second = records_from_source(source, registry, source_name="S")
    assert (
        first.warnings
        == second.warnings
        == ["twice.ris:16: record 3 (id 3) has no title; imported anyway"]
    )
