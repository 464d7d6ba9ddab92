"""The quality table: one row per study and checklist, answers, score and grade."""

from __future__ import annotations

from typing import Any

from evidencekit.core.appraisal.score import AppraisalReport


def quality_table(report: AppraisalReport) -> tuple[list[str], list[dict[str, Any]]]:
    """The study × items table: one row per study and checklist, items as columns."""
    item_columns: list[str] = []
    for info in report.checklists.values():
        for item in info["items"]:
            if item["answer_type"] == "choice" and item["id"] not in item_columns:
                item_columns.append(item["id"])
    header = ["study_id", "checklist", "design", *item_columns, "score_percent", "grade",
              "reviewers", "resolution"]
    rows = []
    for s in report.studies:
        row: dict[str, Any] = {"study_id": s.study_id, "checklist": s.checklist,
                               "design": s.design or ""}
        for col in item_columns:
            row[col] = s.answers.get(col, "")
        row["score_percent"] = "" if s.score_percent is None else f"{s.score_percent:.1f}"
        row["grade"] = s.grade or ""
        row["reviewers"] = ";".join(s.reviewers)
        row["resolution"] = s.resolution
        rows.append(row)
    return header, rows


def table_csv(report: AppraisalReport) -> str:
    """:func:`quality_table` as CSV text."""
    import csv
    import io

    header, rows = quality_table(report)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
