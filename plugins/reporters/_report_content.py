"""The report's content, built once from the run and rendered by each report reporter.

A private module (its name starts with ``_``): the HTML, Markdown and table reporters
share it, so every format shows the same sections, the same tables and the same numbers.

The input is the *bundle* the report step assembles (see ``docs/reporting.md``)::

    {"title": str, "review": {review.yaml sections}, "run": {evidencekit, instruments,
     steps: [{step, options, summary, files}], seeds}, "results": {STEP: data},
     "figures": {FILE: svg text}, "references": [{id, version, kind, title, citation,
     url, licence}]}

A section is rendered when its step's results are present, in a fixed order. Any step
(a plugin's, screening's, synthesis's) may add a section of its own without a change
here: its results carry ``report: {title, paragraphs, tables: [{name, title, columns,
rows, note}], figures: [{file, title, caption}]}`` and the section appears after the
built-in ones for the steps before it. Every number goes through
:func:`evidencekit.core.numbers.fmt` (half away from zero).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core.numbers import fmt
from evidencekit.plugins.reporters._report_methods import methods
from evidencekit.plugins.reporters._report_model import Section, Table, _figure, _join

# --------------------------------------------------------------------------- sections


def records(bundle: Mapping[str, Any]) -> Section | None:
    results = bundle.get("results") or {}
    dedupe, imported = results.get("dedupe"), results.get("import")
    if not dedupe and not imported:
        return None
    section = Section("records", "Records identified")
    if not dedupe:
        section.paragraphs.append(f"Records imported: {imported['records']}.")
        return section
    counts = dedupe["counts_by_source"]
    dates = {
        s.get("name"): s.get("date_searched") or ""
        for s in (bundle.get("review") or {}).get("sources") or []
    }
    section.tables.append(
        Table(
            "records-by-source",
            "Records per source",
            [
                "Source",
                "Kind",
                "Searched",
                "Records",
                "Duplicates removed",
                "Kept",
                "Found only here",
            ],
            [
                [
                    s["source"],
                    s["kind"],
                    str(dates.get(s["source"], "")),
                    fmt(s["records"]),
                    fmt(s["duplicates_removed"]),
                    fmt(s["kept"]),
                    fmt(s["only_here"]),
                ]
                for s in counts["sources"]
            ],
        )
    )
    overlaps = counts.get("overlaps") or {}
    names = [s["source"] for s in counts["sources"]]
    if overlaps:
        section.tables.append(
            Table(
                "source-overlaps",
                "Records found in both sources (after de-duplication)",
                ["Source", *names],
                [
                    [a, *("" if a == b else fmt((overlaps.get(a) or {}).get(b, 0)) for b in names)]
                    for a in names
                ],
            )
        )
    totals = counts["totals"]
    section.paragraphs.append(
        f"Records identified: {totals['records']}; duplicates removed: "
        f"{totals['duplicates_removed']}; records after de-duplication: {totals['unique']}."
    )
    return section


def appraisal(bundle: Mapping[str, Any]) -> Section | None:
    data = (bundle.get("results") or {}).get("appraise")
    if not data:
        return None
    section = Section("appraisal", "Quality appraisal")
    scales: dict[tuple[str, ...], list[str]] = {}
    for study in data.get("studies") or []:
        scale = tuple((study.get("details") or {}).get("grades") or [])
        scales.setdefault(scale, [])
        if study["checklist"] not in scales[scale]:
            scales[scale].append(study["checklist"])
    # one grade table per scale: good/fair/poor and low/some concerns/high never share one
    for number, (scale, checklists) in enumerate(sorted(scales.items()), start=1):
        grades = list(scale) or sorted({str(s.get("grade")) for s in data["studies"]})
        by_checklist = data.get("by_checklist") or {}
        rows = [
            [
                c,
                *(fmt(by_checklist.get(c, {}).get(g, 0)) for g in grades),
                fmt(sum(by_checklist.get(c, {}).values())),
            ]
            for c in sorted(checklists)
        ]
        if len(checklists) > 1:
            rows.append(
                [
                    "all",
                    *(
                        fmt(sum(by_checklist.get(c, {}).get(g, 0) for c in checklists))
                        for g in grades
                    ),
                    fmt(sum(sum(by_checklist.get(c, {}).values()) for c in checklists)),
                ]
            )
        name = "grades" if len(scales) == 1 else f"grades-{number}"
        section.tables.append(
            Table(
                name,
                f"Studies by grade ({' / '.join(grades)})",
                ["Checklist", *grades, "Studies"],
                rows,
            )
        )
        total = {g: sum(by_checklist.get(c, {}).get(g, 0) for c in checklists) for g in grades}
        section.paragraphs.append(
            f"{_join([f'{n} {g}' for g, n in total.items()])} ({_join(sorted(checklists))})."
        )
    for checklist_id, info in sorted((data.get("checklists") or {}).items()):
        items = [i for i in info.get("items") or [] if i.get("answer_type") == "choice"]
        studies = sorted(
            (s for s in data["studies"] if s["checklist"] == checklist_id),
            key=lambda s: (s.get("label") or s["study_id"], s["study_id"]),
        )
        # the id column only where a label says more than the id
        with_id = any((s.get("label") or s["study_id"]) != s["study_id"] for s in studies)
        rows = [
            [
                s.get("label") or s["study_id"],
                *([s["study_id"]] if with_id else []),
                *(str(s["answers"].get(i["id"], "")) for i in items),
                fmt(s.get("score_percent"), 1),
                str(s.get("grade") or ""),
            ]
            for s in studies
        ]
        section.tables.append(
            Table(
                f"quality-{checklist_id}",
                f"{info.get('title') or checklist_id}: answers per study",
                [
                    "Study",
                    *(["ID"] if with_id else []),
                    *(f"Q{i['number']}" for i in items),
                    "Score %",
                    "Grade",
                ],
                rows,
                note="Questions: "
                + "; ".join(f"Q{i['number']} {i.get('text', '')}".strip() for i in items),
            )
        )
    for file, title, caption in (
        (
            "quality-traffic-light.svg",
            "Answers per study (traffic light)",
            "Each row a study (Author Year), each column a question; the key under each "
            "panel gives the question of every column.",
        ),
        (
            "quality-summary.svg",
            "Answers per question (summary)",
            "Share of studies at each level, per question and for the grade.",
        ),
    ):
        figure = _figure(bundle, file, title, caption)
        if figure:
            section.figures.append(figure)
    if data.get("no_checklist"):
        section.paragraphs.append(
            f"Studies whose design has no checklist: {len(data['no_checklist'])}."
        )
    return section


def measure(bundle: Mapping[str, Any]) -> Section | None:
    from evidencekit.core.measure import table2_rows

    data = (bundle.get("results") or {}).get("measure")
    if not data:
        return None
    section = Section("measure", "Readiness measure")
    header, body = table2_rows(data["table2"])
    section.tables.append(Table("table2", "Table 2: item scores per unit", header, body))
    scores = data["scores"]
    section.tables.append(
        Table(
            "measure-items",
            "Items: mean and range over units",
            ["Item", "Mean", "Min", "Max"],
            [
                [
                    f"{i.get('number', '')}. {i['id']}".lstrip(". "),
                    fmt(i["mean"]),
                    fmt(i["min"], 1, whole=True),
                    fmt(i["max"], 1, whole=True),
                ]
                for i in scores["items"]
            ],
        )
    )
    validity = (data.get("validity") or {}).get("analyses") or []
    for entry in validity:
        attribute = entry.get("attribute")
        label = entry.get("analysis", "analysis") + (f" ({attribute})" if attribute else "")
        section.bullets.append(f"{label}: {entry.get('verdict', '')}")
    for file, title in (
        ("measure-heatmap.svg", "Item scores per unit"),
        ("measure-profile.svg", "Item profile per unit"),
    ):
        figure = _figure(bundle, file, title)
        if figure:
            section.figures.append(figure)
    return section


def _generic(name: str, block: Mapping[str, Any], bundle: Mapping[str, Any]) -> Section:
    """A section a step describes itself (``results[STEP]['report']``)."""
    section = Section(
        name,
        str(block.get("title") or name),
        paragraphs=[str(p) for p in block.get("paragraphs") or []],
        bullets=[str(b) for b in block.get("bullets") or []],
    )
    for table in block.get("tables") or []:
        section.tables.append(
            Table(
                str(table["name"]),
                str(table.get("title") or table["name"]),
                [str(c) for c in table["columns"]],
                [
                    [fmt(v, int(table.get("places", 2)), whole=True) for v in row]
                    for row in table["rows"]
                ],
                str(table.get("note") or ""),
            )
        )
    for figure in block.get("figures") or []:
        found = _figure(
            bundle,
            str(figure["file"]),
            str(figure.get("title") or ""),
            str(figure.get("caption") or ""),
        )
        if found:
            section.figures.append(found)
    return section


def references(bundle: Mapping[str, Any]) -> Section | None:
    refs = bundle.get("references") or []
    if not refs:
        return None
    return Section(
        "references",
        "Instruments used",
        bullets=[
            f"{r['title']} ({r['id']} {r['version']}): {r['citation']}"
            + (f" {r['url']}" if r.get("url") and r["url"] not in r["citation"] else "")
            + f" Licence: {r['licence']}."
            for r in refs
        ],
    )


#: Built-in sections, by the step whose results they read.
BUILT_IN = {"import": records, "dedupe": records, "appraise": appraisal, "measure": measure}


def build(bundle: Mapping[str, Any]) -> list[Section]:
    """Every section of the report: methods, then one per step with results, in the order
    the steps ran, then the instruments used."""
    results = bundle.get("results") or {}
    sections = [methods(bundle)]
    seen: set[str] = set()
    for step, data in results.items():
        builder = BUILT_IN.get(step)
        section = builder(bundle) if builder else None
        if section is not None and section.id not in seen:
            seen.add(section.id)
            sections.append(section)
        block = data.get("report") if isinstance(data, Mapping) else None
        if isinstance(block, Mapping):
            sections.append(_generic(step, block, bundle))
        text = (bundle.get("markdown_sections") or {}).get(step)
        if text:
            first = text.strip().splitlines()[0]
            heading = first.lstrip("#").strip() if first.startswith("#") else step
            sections.append(Section(f"step-{step}", heading, markdown=text.strip()))
    refs = references(bundle)
    if refs:
        sections.append(refs)
    return sections
