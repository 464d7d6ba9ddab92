"""The run's Markdown report: records, appraisal and measure results in one page.

The built-in steps' results are rendered here (this module knows their data); every
other step contributes the Markdown section it returned as ``StepOutcome.report``,
appended in the order the steps ran.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _cell(value: Any) -> str:
    # Record-derived text must not break the table or inject markup.
    text = "" if value is None else str(value)
    for char in ("\\", "|", "<", ">", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _fmt(value: Any, places: int = 2) -> str:
    if isinstance(value, float):
        return f"{value:.{places}f}"
    return "" if value is None else str(value)


def markdown_report(title: str, results: Mapping[str, Any],
                    sections: Mapping[str, str] | None = None) -> str:
    """Render the results of the steps that ran (any subset) as Markdown.

    ``sections`` maps a step name to the Markdown section that step offered; they
    follow the built-in sections in the order given.
    """
    out = [f"# {_cell(title)}", ""]
    if "import" in results or "dedupe" in results:
        out += ["## Records", ""]
        dedupe = results.get("dedupe")
        if dedupe:
            counts = dedupe["counts_by_source"]
            rows = [[s["source"], s["kind"], s["records"], s["duplicates_removed"], s["kept"],
                     s["only_here"]] for s in counts["sources"]]
            out += _table(["source", "kind", "records", "duplicates removed", "kept",
                           "found only here"], rows)
            totals = counts["totals"]
            out += [f"Records identified: **{totals['records']}**; duplicates removed: "
                    f"**{totals['duplicates_removed']}**; records after de-duplication: "
                    f"**{totals['unique']}** (method `{dedupe['method']}`, "
                    f"{dedupe['uncertain']} pair(s) left for a person to review).", ""]
        else:
            imported = results["import"]
            out += [f"Records imported: **{imported['records']}**.", ""]
    appraisal = results.get("appraise")
    if appraisal:
        out += ["## Quality appraisal", ""]
        grades = list(appraisal["grades"])
        rows = [[design, *(counts.get(g, 0) for g in grades)]
                for design, counts in sorted(appraisal.get("by_design", {}).items())]
        rows.append(["all", *(appraisal["grades"][g] for g in grades)])
        out += _table(["design", *grades], rows)
        if appraisal.get("no_checklist"):
            out += [f"Studies whose design has no checklist: "
                    f"{len(appraisal['no_checklist'])}.", ""]
    measure = results.get("measure")
    if measure:
        scores = measure["scores"]
        out += ["## Readiness measure", ""]
        out += _table(["unit", "total", "mean item score"],
                      [[u["unit"], _fmt(u["total"], 1), _fmt(u["mean_item"])]
                       for u in scores["units"]])
        out += _table(["item", "mean", "min", "max"],
                      [[i["id"], _fmt(i["mean"]), _fmt(i["min"], 0), _fmt(i["max"], 0)]
                       for i in scores["items"]])
        validity = measure.get("validity", {}).get("analyses", [])
        if validity:
            out += ["### Validity", ""]
            for entry in validity:
                name = entry.get("analysis", "analysis")
                attribute = entry.get("attribute")
                label = f"{name} ({attribute})" if attribute else name
                out += [f"- **{_cell(label)}**: {_cell(entry.get('verdict', ''))}"]
            out += [""]
    for section in (sections or {}).values():
        out += [section.strip(), ""]
    return "\n".join(out).rstrip() + "\n"
