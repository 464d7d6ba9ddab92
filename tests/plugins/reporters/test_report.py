"""The report reporters (report-html, report-markdown, report-tables) on a real run.

Numbers: every table cell equals the ``--json`` output of the command that computed it
(``evidencekit measure score``, ``appraise score``, ``records list --by-source``) rounded
half away from zero, the one rule (core/numbers.py).
"""

from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from report_review import HOSTILE, cli_run

from evidencekit.plugins.reporters._report_content import build
from evidencekit.plugins.reporters.report import HtmlReport, MarkdownReport


def half_away(value: float, places: int) -> str:
    # written out here rather than imported: the test checks core/numbers.fmt against it
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def table(outputs: Path, name: str) -> list[list[str]]:
    with (outputs / f"table-{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_every_format_is_written(ran_review):
    outputs = ran_review / "outputs"
    for name in (
        "report.html",
        "report.md",
        "report-tables.xlsx",
        "table-table2.csv",
        "table-grades.csv",
        "table-records-by-source.csv",
    ):
        assert (outputs / name).stat().st_size > 0, name


def test_table2_equals_measure_score_json(ran_review):
    outputs = ran_review / "outputs"
    result = cli_run(
        "measure",
        "score",
        "--review",
        str(ran_review),
        "--measure",
        "peer-support-implementation-measure",
        "--ratings",
        str(ran_review / "ratings.csv"),
        "--units",
        str(ran_review / "units.csv"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    rows = table(outputs, "table2")
    header, body = rows[0], rows[1:]
    mean_item = next(r for r in body if r[0] == "Mean item score")
    for unit in scores["units"]:
        cell = mean_item[header.index(unit["unit"])]
        assert cell == half_away(unit["mean_item"], 2), unit
    # Hamburg's mean item score is 17/8 = 2.125: half away from zero gives 2.13 (never 2.12)
    assert mean_item[header.index("Hamburg")] == "2.13"
    items = table(outputs, "measure-items")[1:]
    for row, item in zip(items, scores["items"], strict=True):
        assert row[1] == half_away(item["mean"], 2)
        assert float(row[2]) == item["min"] and float(row[3]) == item["max"]
    # the Markdown Table 2 of the measure step uses the same rule
    assert "| 2.13 |" in (outputs / "measure-table2.md").read_text("utf-8")
    assert "| 2.12 |" not in (outputs / "report.md").read_text("utf-8")


def test_quality_tables_equal_appraise_score_json(ran_review):
    outputs = ran_review / "outputs"
    result = cli_run(
        "appraise",
        "score",
        "--review",
        str(ran_review),
        "--answers",
        str(ran_review / "appraisal-answers.csv"),
        "--json",
    )
    assert result.exit_code == 0, result.output
    appraised = json.loads(result.stdout)
    by_label = {s["label"]: s for s in appraised["studies"]}
    checked = 0
    for checklist in appraised["checklists"]:
        rows = table(outputs, f"quality-{checklist}")
        header = rows[0]
        assert header[:2] == ["Study", "ID"]
        for row in rows[1:]:
            study = by_label[row[0]]
            assert row[1] == study["study_id"]
            assert row[header.index("Score %")] == half_away(study["score_percent"], 1)
            assert row[header.index("Grade")] == study["grade"]
            checked += 1
    assert checked == 53
    grades = table(outputs, "grades")
    assert grades[0] == ["Checklist", "good", "fair", "poor", "Studies"]
    assert grades[-1] == ["all", "47", "1", "5", "53"]
    for row in grades[1:-1]:
        counts = appraised["by_checklist"][row[0]]
        assert row[1:4] == [str(counts.get(g, 0)) for g in ("good", "fair", "poor")]


def test_records_per_source_equal_records_json(ran_review):
    outputs = ran_review / "outputs"
    counts = json.loads((outputs / "records-by-source.json").read_text("utf-8"))
    rows = table(outputs, "records-by-source")
    assert rows[0] == [
        "Source",
        "Kind",
        "Searched",
        "Records",
        "Duplicates removed",
        "Kept",
        "Found only here",
    ]
    for row, source in zip(rows[1:], counts["sources"], strict=True):
        assert row[0] == source["source"]
        assert [int(v) for v in row[3:]] == [
            source["records"],
            source["duplicates_removed"],
            source["kept"],
            source["only_here"],
        ]
    overlaps = table(outputs, "source-overlaps")
    assert overlaps[1][:3] == ["Embase (Ovid)", "", "6"]


def test_xlsx_has_a_sheet_per_table_equal_to_the_csv(ran_review):
    import openpyxl  # here, not at collection: ~0.8 s of CPU, in every xdist worker

    outputs = ran_review / "outputs"
    book = openpyxl.load_workbook(outputs / "report-tables.xlsx")
    csv_names = sorted(p.name[len("table-") : -len(".csv")] for p in outputs.glob("table-*.csv"))
    assert sorted(book.sheetnames) == sorted(n[:31] for n in csv_names)
    for name in csv_names:
        sheet = book[name[:31]]
        rows = table(outputs, name)
        cells = list(sheet.iter_rows(min_row=2, max_row=1 + len(rows)))
        for expected, got in zip(rows, cells, strict=True):
            for cell, text in zip(got, expected, strict=False):
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    # a number cell: the report's value, shown with the report's decimals
                    assert cell.value == float(text), (name, text)
                    places = len(text.split(".")[1]) if "." in text else 0
                    if places:
                        assert cell.number_format == "0." + "0" * places
                else:
                    assert ("" if cell.value is None else str(cell.value)) == text, name


def test_html_is_self_contained_and_escapes_record_text(ran_review):
    html = (ran_review / "outputs" / "report.html").read_text("utf-8")
    assert "<script" not in html.lower().replace("&lt;script", "")
    assert not re.search(r'<(link|img|iframe)\b|src="https?:|@import', html)
    # the hostile author and source name are shown as text
    assert "&lt;script&gt;alert(" in html
    assert "Web of Science &lt;b&gt;bold&lt;/b&gt;" in html
    figures = re.findall(r'<figure id="figure-([^"]+)"', html)
    svgs = sorted(p.name for p in (ran_review / "outputs").glob("*.svg"))
    assert sorted(figures) == svgs
    assert html.count("<svg") == len(svgs)
    # ids prefixed per figure: no id is defined twice once the SVGs are inline
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_labels_and_methods(ran_review):
    text = (ran_review / "outputs" / "report.md").read_text("utf-8")
    assert "Author01 et al. 2001" in text
    assert "Numbers in every table are rounded half away from zero" in text
    assert "searched 2018-07-31" in text and "fuzzy method" in text
    assert "casp-qualitative 2018" in text
    assert "## Instruments used" in text and "Critical Appraisal Skills Programme" in text
    svg = (ran_review / "outputs" / "quality-traffic-light.svg").read_text("utf-8")
    assert "Author01 et al. 2001" in svg and "S02" not in svg.split("Author01")[0][-200:]
    assert "Q1: Was there a clear statement of the aims of the research?" in svg


def _bundle(**results):
    return {
        "title": "T",
        "review": {},
        "run": {"evidencekit": "0"},
        "results": results,
        "figures": {},
        "references": [],
    }


def _study(study_id, checklist, grade, grades):
    return {
        "study_id": study_id,
        "label": study_id,
        "checklist": checklist,
        "grade": grade,
        "score_percent": None,
        "answers": {},
        "details": {"grades": grades},
    }


def test_grade_tables_per_scale_are_never_merged():
    appraisal = {
        "studies": [
            _study("a", "casp-rct", "good", ["good", "fair", "poor"]),
            _study("b", "rob2", "some concerns", ["low", "some concerns", "high"]),
            _study("c", "rob2", "high", ["low", "some concerns", "high"]),
        ],
        "by_checklist": {"casp-rct": {"good": 1}, "rob2": {"some concerns": 1, "high": 1}},
        "checklists": {},
        "grades": {},
    }
    section = next(s for s in build(_bundle(appraise=appraisal)) if s.id == "appraisal")
    grade_tables = [t for t in section.tables if t.name.startswith("grades")]
    assert [t.columns for t in grade_tables] == [
        ["Checklist", "good", "fair", "poor", "Studies"],
        ["Checklist", "low", "some concerns", "high", "Studies"],
    ]
    assert grade_tables[1].rows == [["rob2", "0", "1", "1", "2"]]
    assert section.paragraphs == [
        "1 good, 0 fair and 0 poor (casp-rct).",
        "0 low, 1 some concerns and 1 high (rob2).",
    ]


def test_a_step_adds_its_own_section(tmp_path):
    """Screening, synthesis or a plugin: a 'report' block in the step's results."""
    block = {
        "title": "Screening",
        "paragraphs": [f"Agreement on {HOSTILE}"],
        "tables": [
            {
                "name": "prisma",
                "title": "Flow",
                "columns": ["stage", "n"],
                "rows": [["identified", 5813], ["share", 0.125]],
                "places": 2,
            }
        ],
    }
    bundle = _bundle(screen={"report": block})
    section = next(s for s in build(bundle) if s.id == "screen")
    assert section.tables[0].rows == [["identified", "5813"], ["share", "0.13"]]
    html = HtmlReport().render(bundle, tmp_path, {})[0].read_text("utf-8")
    assert "Agreement on &lt;script&gt;" in html and '<td class="num">0.13</td>' in html
    md = MarkdownReport().render(bundle, tmp_path, {})[0].read_text("utf-8")
    assert "## Screening" in md and "| share | 0.13 |" in md


def test_a_steps_markdown_section_is_escaped_in_html(tmp_path):
    svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g id="a"/></svg>'
    bundle = {
        **_bundle(),
        "results": {"follow": {}},
        "figures": {"flow.svg": svg},
        "markdown_sections": {
            "follow": "## Follow-up\n\n- s2: <b>x</b>\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
            "![flow](flow.svg)\n"
        },
    }
    html = HtmlReport().render(bundle, tmp_path, {})[0].read_text("utf-8")
    assert "<h2>Follow-up</h2>" in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<td>1</td>" in html  # tables render
    # the step's figure is inlined (ids prefixed), not linked: the file stays self-contained
    assert '<g id="flow-svg-a"/>' in html and "<img" not in html
    md = MarkdownReport().render(bundle, tmp_path, {})[0].read_text("utf-8")
    assert "## Follow-up\n\n- s2: <b>x</b>" in md and "![flow](flow.svg)" in md


@pytest.mark.parametrize(
    "value,places,text", [(0.5, 0, "1"), (2.125, 2, "2.13"), (-0.5, 0, "-1"), (1.005, 2, "1.01")]
)
def test_half_away_helper(value, places, text):
    assert half_away(value, places) == text


def test_methods_reads_sample_and_agreement_in_the_shapes_steps_report():
    from evidencekit.plugins.reporters._report_content import methods

    screen = {
        "sample": {"stage": "title-abstract", "fraction": 0.05, "seed": 20180731, "n": None},
        "agreement": {
            "title-abstract": {
                "pairs": [
                    {
                        "reviewers": ["R1", "R2"],
                        "percent_agreement": {"percent": 93.04},
                        "cohen_kappa": {"kappa": 0.615},
                    }
                ]
            }
        },
    }
    text = methods(_bundle(screen=screen)).paragraphs[0]
    assert (
        "In screen at title-abstract, a random 5 % sample (seed 20180731) was screened "
        "independently by a second reviewer."
    ) in text
    assert "Agreement in screen at title-abstract (R1 and R2): 93.0 %, Cohen's kappa 0.62." in text
    extraction = {"agreement": {"percent": 90.0, "kappa": None}}
    assert "Agreement in extract: 90.0 %." in methods(_bundle(extract=extraction)).paragraphs[0]


def test_workbook_bytes_do_not_depend_on_the_clock(monkeypatch) -> None:
    """The same tables give the same XLSX bytes at another time: openpyxl stamps the save
    time into docProps/core.xml and zip entries carry the clock's time; both are fixed."""
    import datetime as real_datetime
    import time as real_time
    from types import SimpleNamespace

    import openpyxl.writer.excel

    from evidencekit.plugins.reporters.report import _workbook

    tables = [SimpleNamespace(name="t", title="T", columns=["a"], rows=[["2.13"]], note="")]
    first = _workbook(tables)
    later = real_time.time() + 400 * 86400
    monkeypatch.setattr(real_time, "time", lambda: later)

    class _Later(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime.fromtimestamp(later, tz)

    shim = SimpleNamespace(datetime=_Later, timezone=real_datetime.timezone)
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", shim)
    assert _workbook(tables) == first
