"""Synthesis results as tables: Table 1 (vote count), the subgroup and sensitivity
comparisons and the crosswalk map, each as rows, CSV or Markdown.

Everything here reads the plain data a synthesis method returns (the --json contract
of docs/synthesis.md), so the command line, the pipeline and the report print the same.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

TABLE1_HEADER = [
    "rank",
    "influence_id",
    "influence",
    "n_studies",
    "percent",
    "share",
    "facilitators",
    "barriers",
    "unclear",
]


def pct(share: float | None) -> str:
    """A share as a whole percentage rounded half up, as the paper prints it."""
    if share is None:
        return ""
    return f"{math.floor(share * 100 + 0.5 + 1e-9):d}"


def factors(entries: Sequence[Mapping[str, Any]]) -> str:
    """Grouped factors as 'text (n); text (n)'."""
    return "; ".join(f"{f['factor']} ({f['n_studies']})" for f in entries)


def table1_rows(result: Mapping[str, Any]) -> list[list[str]]:
    """Table 1 rows: the ranked influences, then those of unclear direction."""
    rows = []
    for entry in (*result["influences"], *result.get("unclear_direction", [])):
        rank = (
            str(entry["rank"])
            if entry.get("direction") != "unclear"
            else f"unclear {entry['rank']}"
        )
        rows.append(
            [
                rank,
                entry["id"],
                entry["name"],
                str(entry["n_studies"]),
                pct(entry["share"]),
                "" if entry["share"] is None else f"{entry['share']:.4f}",
                factors(entry["facilitators"]),
                factors(entry["barriers"]),
                factors(entry["unclear"]),
            ]
        )
    return rows


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def cell(value: Any) -> str:
    """Text safe in a Markdown table cell: coded text must not break the table or
    inject markup."""
    text = "" if value is None else str(value)
    for char in ("\\", "|", "<", ">", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def markdown(
    header: Sequence[str], rows: Sequence[Sequence[Any]], align_right: Sequence[int] = ()
) -> str:
    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "|" + "|".join("---:" if i in align_right else "---" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def table1_csv(result: Mapping[str, Any]) -> str:
    """Table 1 as CSV (one row per influence; factors as 'text (n studies)')."""
    return to_csv(TABLE1_HEADER, table1_rows(result))


def table1_markdown(result: Mapping[str, Any]) -> str:
    """Table 1 as Markdown: influence, share of studies, facilitators, barriers."""
    n = result["n_studies"]

    def row(e: Mapping[str, Any]) -> list[str]:
        return [
            str(e["rank"]),
            e["name"],
            f"{e['n_studies']} ({pct(e['share'])} %)",
            factors(e["facilitators"]),
            factors(e["barriers"]),
        ]

    text = markdown(
        ["rank", "influence", f"studies (of {n})", "facilitators (studies)", "barriers (studies)"],
        [row(e) for e in result["influences"]],
        (0, 2),
    )
    unclear = result.get("unclear_direction") or []
    if unclear:
        text += "\nOf unclear direction:\n\n" + markdown(
            ["rank", "influence", f"studies (of {n})", "factors (studies)"],
            [
                [
                    str(e["rank"]),
                    e["name"],
                    f"{e['n_studies']} ({pct(e['share'])} %)",
                    factors(e["unclear"]),
                ]
                for e in unclear
            ],
            (0, 2),
        )
    text += f"\nShares of {result['denominator']}. Ties: {result['tie_rule']}.\n"
    if result.get("conflicts"):
        text += (
            f"{len(result['conflicts'])} study-influence pair(s) were coded both as "
            "facilitator and as barrier; each counts under both.\n"
        )
    return text


def subgroup_rows(result: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Influences × (whole, each subgroup): the percentage and rank in each."""
    groups = result["subgroups"]
    header = [
        "influence",
        f"all ({result['n_studies']})",
        *(f"{g['level']} ({g['n_studies']})" for g in groups),
    ]
    per_group = [{e["id"]: e for e in g["influences"]} for g in groups]
    rows = []
    for e in result["whole"]["influences"]:
        row = [e["name"], f"{pct(e['share'])} % (#{e['rank']})"]
        for g, by_id in zip(groups, per_group, strict=True):
            mine = by_id.get(e["id"])
            if mine is None or mine["share"] is None:
                row.append("n/a")
            else:
                flag = " dropped" if e["id"] in g["dropped"] else ""
                row.append(f"{pct(mine['share'])} % (#{mine['rank']}){flag}")
        rows.append(row)
    rows.append(
        [
            "Kendall's tau-b vs all",
            "",
            *("n/a" if g["kendall_tau"] is None else f"{g['kendall_tau']:.2f}" for g in groups),
        ]
    )
    return header, rows


def subgroup_markdown(result: Mapping[str, Any]) -> str:
    header, rows = subgroup_rows(result)
    text = markdown(header, rows)
    text += "\n" + "\n".join(f"- {g['summary']}" for g in result["subgroups"]) + "\n"
    if result.get("not_in_any_level"):
        text += (
            f"\nIn no subgroup: {len(result['not_in_any_level'])} studies "
            f"({', '.join(result['not_in_any_level'][:10])}"
            f"{' …' if len(result['not_in_any_level']) > 10 else ''}).\n"
        )
    return text


def sensitivity_rows(result: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Influences × (all studies, without the excluded): percentage and rank."""
    header = [
        "influence",
        f"all ({result['n_studies_whole']})",
        f"without excluded ({result['n_studies']})",
        "rank change",
    ]
    shares = {e["id"]: e for e in result["influences"]}
    whole = {e["id"]: e for e in result["whole"]["influences"]}
    rows = []
    for move in sorted(result["rank_changes"], key=lambda m: m["rank_whole"]):
        e = shares[move["id"]]
        rows.append(
            [
                e["name"],
                f"{pct(whole[e['id']]['share'])} % (#{move['rank_whole']})",
                f"{pct(e['share'])} % (#{e['rank']})",
                "" if move["change"] == 0 else f"{move['change']:+d}",
            ]
        )
    return header, rows


def sensitivity_markdown(result: Mapping[str, Any]) -> str:
    header, rows = sensitivity_rows(result)
    text = markdown(header, rows) + f"\n{result['verdict']}\n"
    for note in result.get("notes") or []:
        text += f"\nNote: {note}\n"
    return text


def crosswalk_rows(result: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Domains of the target framework: combined share, then each mapped influence."""
    header = ["domain", "studies", "influences (share; condition)"]
    rows = []
    for d in result["domains"]:
        inner = "; ".join(
            f"{i['name']} ({pct(i['share'])} %"
            + (f", {i['condition']})" if i["condition"] else ")")
            for i in d["influences"]
        )
        rows.append([d["name"], f"{d['n_studies']} ({pct(d['share'])} %)", inner or "—"])
    if result.get("unmapped"):
        rows.append(
            [
                "(not mapped)",
                "",
                "; ".join(f"{u['name']} ({pct(u['share'])} %)" for u in result["unmapped"]),
            ]
        )
    return header, rows


def crosswalk_markdown(result: Mapping[str, Any]) -> str:
    header, rows = crosswalk_rows(result)
    return markdown(header, rows) + f"\n{result['note']}\n"
