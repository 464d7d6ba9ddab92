"""The quality table: one row per study and checklist, answers, score and grade."""

from __future__ import annotations

from typing import Any

from evidencekit.core.appraisal.score import AppraisalReport


def quality_table(report: AppraisalReport) -> tuple[list[str], list[dict[str, Any]]]:
    """The study × items table: one row per study and checklist, items as columns.

    Items keep their checklist's order (q1, q2, … q10, q11). With more than one checklist
    each item column is named ``CHECKLIST:ITEM``, so checklists never share a column
    (casp-rct's q7 is not casp-qualitative's q7). Percentages are rounded by the one rule
    of :mod:`evidencekit.core.numbers` (half away from zero).
    """
    from evidencekit.core.numbers import fmt

    several = len(report.checklists) > 1
    columns: list[tuple[str, str, str]] = []  # (column, checklist, item)
    for checklist_id in sorted(report.checklists):
        for item in report.checklists[checklist_id]["items"]:
            if item["answer_type"] == "choice":
                name = f"{checklist_id}:{item['id']}" if several else item["id"]
                columns.append((name, checklist_id, item["id"]))
    header = [
        "study_id",
        "label",
        "checklist",
        "design",
        *(c for c, _, _ in columns),
        "score_percent",
        "grade",
        "reviewers",
        "resolution",
    ]
    rows = []
    for s in report.studies:
        row: dict[str, Any] = {
            "study_id": s.study_id,
            "label": s.label or s.study_id,
            "checklist": s.checklist,
            "design": s.design or "",
        }
        for name, checklist_id, item_id in columns:
            row[name] = s.answers.get(item_id, "") if checklist_id == s.checklist else ""
        row["score_percent"] = fmt(s.score_percent, 1)
        row["grade"] = s.grade or ""
        row["reviewers"] = ";".join(s.reviewers)
        row["resolution"] = s.resolution
        rows.append(row)
    return header, rows


def table_csv(report: AppraisalReport, *, raw: bool = False) -> str:
    """:func:`quality_table` as CSV text (formula-like cells neutralised unless ``raw``)."""
    from evidencekit.core.safe_cells import csv_text

    header, rows = quality_table(report)
    return csv_text(header, rows, raw=raw)
