"""The quality plots' data and styles: one panel per checklist, each cell's level, the
levels' colours and symbols, the column key. A private module (its name starts with
``_``), so the plugin manager does not register it; matplotlib is imported only by
:func:`symbol_marker`, when a plot is drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

#: level → (colour, symbol, legend label). Colours from the Okabe-Ito-like set robvis uses
#: for RoB plots (green / amber / red), with grey for missing answers.
STYLE = {
    "favourable": ("#1a9850", "+", "favourable (full points / low risk)"),
    "unclear": ("#f1c232", "?", "unclear (partial / can't tell / some concerns)"),
    "unfavourable": ("#c0392b", "\u2212", "unfavourable (no points / high risk)"),
    "unanswered": ("#9e9e9e", "\u00b7", "unanswered"),
    "not-applicable": ("#e6e6e6", "", "not applicable"),
}
#: The symbol of each level drawn as a marker: its glyph's outline (see symbol_marker).
SYMBOL_MARKERS = {
    "favourable": "+",
    "unclear": "?",
    "unfavourable": "\u2212",
    "unanswered": "\u00b7",
}
ROW_INCH = 0.2
COL_INCH = 0.34


def escape(text: Any) -> str:
    # '$' starts mathtext in matplotlib; a study id like "Smith$2010" must print as written.
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def panels_of(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One panel per checklist: its studies (sorted) and its columns in order."""
    by_checklist: dict[str, list[Mapping[str, Any]]] = {}
    for study in results.get("studies", []):
        by_checklist.setdefault(study["checklist"], []).append(study)
    panels = []
    info = results.get("checklists", {})
    for checklist_id in sorted(by_checklist):
        studies = sorted(
            by_checklist[checklist_id],
            key=lambda s: (str(s.get("label") or s["study_id"]), str(s["study_id"])),
        )
        columns: list[str] = []
        for study in studies:
            for column in study.get("details", {}).get("levels") or {}:
                if column not in columns:
                    columns.append(column)
        grades: list[str] = []
        for study in studies:
            for g in study.get("details", {}).get("grades") or []:
                if g not in grades:
                    grades.append(g)
        title = (info.get(checklist_id) or {}).get("title") or checklist_id
        key = column_key(studies, (info.get(checklist_id) or {}).get("items") or [])
        panels.append(
            {
                "id": checklist_id,
                "title": title,
                "studies": studies,
                "columns": columns,
                "grades": grades,
                "key": {c: key[c] for c in columns if c in key},
            }
        )
    return panels


def short(text: str, limit: int = 95) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def column_key(studies: list[Mapping[str, Any]], items: list[Mapping[str, Any]]) -> dict[str, str]:
    """Column label → what it stands for: the checklist's question (Q1 → 'Was there a
    clear statement of the aims of the research?') or, where the scorer says, the domain
    name (D1 → 'Bias arising from the randomisation process'), so a reader need not look
    it up."""
    key: dict[str, str] = {}
    for item in items:
        if item.get("text") and item.get("number") is not None:
            key[f"Q{item['number']}"] = short(item["text"])
    for study in studies:
        for domain in (study.get("details", {}).get("domains") or {}).values():
            if isinstance(domain, Mapping) and domain.get("label") and domain.get("name"):
                key.setdefault(str(domain["label"]), str(domain["name"]))
    return key


@functools.cache
def symbol_marker(symbol: str) -> Any:
    """``symbol``'s DejaVu Sans outline as a marker path, centred on its bounding box and
    scaled to a unit square: the path matplotlib makes of the mathtext marker
    ``"$+$"`` (the same glyph, placed and sized the same), without building the mathtext
    parser, which took a quarter of a second on first use."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    glyph = TextPath((0, 0), symbol, prop=FontProperties(family="DejaVu Sans"))
    box = glyph.get_extents()
    centre = (box.x0 + box.width / 2, box.y0 + box.height / 2)
    vertices = (glyph.vertices - centre) / max(box.width, box.height)
    # A CLOSEPOLY's vertex is not drawn, but a marker path is scaled by its largest
    # vertex: put those at the centre so the glyph's own extent sets the size.
    vertices[glyph.codes == MplPath.CLOSEPOLY] = 0.0
    return MplPath(vertices, glyph.codes)


def grades_text(panel: Mapping[str, Any]) -> str:
    return f" — grade: {' / '.join(panel['grades'])}" if panel["grades"] else ""


def grade_level(study: Mapping[str, Any], grades: list[str]) -> str:
    level = study.get("details", {}).get("grade_level")
    if level:
        return str(level)
    grade = study.get("grade")
    if grade is None or grade not in grades:
        return "unanswered"
    index = grades.index(grade)
    return "favourable" if index == 0 else "unfavourable" if index == len(grades) - 1 else "unclear"
