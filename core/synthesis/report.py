"""The synthesis section of the run's Markdown report: Table 1, the subgroup and
sensitivity comparisons, the derived measure's items and the crosswalk map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core.synthesis.tables import (
    cell,
    crosswalk_markdown,
    pct,
    sensitivity_markdown,
    subgroup_markdown,
    table1_markdown,
)


def synthesis_section(runs: Sequence[Mapping[str, Any]]) -> str:
    """Markdown for each method that ran (``[{method, result, files}]``), in order."""
    out = ["## Synthesis", ""]
    for run in runs:
        method, result = run["method"], run["result"]
        if method == "vote-count":
            out += [
                f"### Table 1: influences coded in {result['n_studies']} studies",
                "",
                table1_markdown(result),
            ]
        elif method == "subgroup":
            out += [f"### Subgroups by {cell(result['attribute'])}", "", subgroup_markdown(result)]
        elif method == "sensitivity":
            out += [
                f"### Sensitivity: without the studies {cell(result['filter'])}",
                "",
                sensitivity_markdown(result),
            ]
        elif method == "derive-measure":
            measure = result["measure"]
            out += [
                f"### Derived measure `{cell(measure['id'])}`",
                "",
                f"Influences coded in at least {pct(result['threshold'])} % of the "
                f"{result['n_studies']} studies, in rank order "
                f"({len(result['items'])} items, rated {measure['scale']['min']}–"
                f"{measure['scale']['max']}; written to "
                f"`{cell(run.get('file') or '')}`):",
                "",
            ]
            out += [
                f"{item['number']}. {cell(item['text'])} ({pct(result['shares'][item['id']])} %)"
                for item in measure["items"]
            ]
            out += [""]
        elif method == "crosswalk":
            out += [
                f"### Map onto {cell(result['to'])} ({cell(result['crosswalk'])})",
                "",
                crosswalk_markdown(result),
            ]
        else:  # a third-party method: its summary if it gives one
            summary = result.get("summary") or result.get("verdict") or ""
            out += [f"### {cell(method)}", "", cell(summary), ""]
        # The SVG, as every other figure of the report: report.html inlines it (one
        # self-contained file) and report.md links it.
        plots = [f for f in run.get("files", []) if f.endswith(".svg")]
        if plots:
            out += [" ".join(f"![{cell(f)}]({f})" for f in plots), ""]
    return "\n".join(out).rstrip() + "\n"
