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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.numbers import RULE, fmt


@dataclass
class Table:
    """One table: ``name`` is its file/sheet name (``quality-casp-rct``)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Figure:
    file: str
    title: str
    caption: str = ""
    svg: str | None = None


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    #: Markdown a step offered as its section (``StepOutcome.report``), shown as written
    #: (HTML: rendered with raw HTML disabled, so it is escaped like any other text).
    markdown: str = ""


def _figure(bundle: Mapping[str, Any], file: str, title: str, caption: str = "") -> Figure | None:
    svg = (bundle.get("figures") or {}).get(file)
    return Figure(file, title, caption, svg) if svg is not None else None


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- methods


def methods(bundle: Mapping[str, Any]) -> Section:
    """The methods paragraph, from what actually ran (never from what was planned)."""
    review, run, results = bundle.get("review") or {}, bundle.get("run") or {}, \
        bundle.get("results") or {}
    text: list[str] = []
    registration = (review.get("protocol") or {}).get("registration") or {}
    if registration.get("id"):
        text.append(f"The review was registered with {registration.get('registry', 'a registry')}"
                    f" ({registration['id']}).")
    if "import" in results:
        parts = []
        for source in review.get("sources") or []:
            when = f", searched {source['date_searched']}" if source.get("date_searched") else ""
            parts.append(f"{source.get('name')} ({source.get('kind', 'database')}{when})")
        text.append(f"Records were imported from {len(parts)} source(s): {_join(parts)}.")
    dedupe = results.get("dedupe")
    if dedupe:
        options = dedupe.get("options") or {}
        shown = "; ".join(f"{k} = {v}" for k, v in sorted(options.items()))
        text.append(f"Duplicates were removed with the {dedupe.get('method')} method"
                    + (f" ({shown})" if shown else " (default options)")
                    + f"; {dedupe.get('uncertain', 0)} uncertain pair(s) were left for a person.")
    for name, data in results.items():
        if not isinstance(data, Mapping):
            continue
        sample = data.get("sample")
        if isinstance(sample, Mapping) and (sample.get("fraction") is not None
                                            or sample.get("n") is not None):
            size = (f"{fmt(100 * float(sample['fraction']), 1, whole=True)} %"
                    if sample.get("fraction") is not None else f"{sample['n']}-record")
            seed = f" (seed {sample['seed']})" if sample.get("seed") is not None else ""
            where = f" at {sample['stage']}" if sample.get("stage") else ""
            text.append(f"In {name}{where}, a random {size} sample{seed} was screened "
                        "independently by a second reviewer.")
        for label, pair in _agreements(data.get("agreement")):
            kappa = pair.get("kappa")
            text.append(f"Agreement in {name}{label}: {fmt(pair['percent'], 1)} %"
                        + (f", Cohen's kappa {fmt(kappa, 2)}" if kappa is not None else "")
                        + ".")
    appraisal = results.get("appraise")
    if appraisal:
        text += _appraisal_methods(appraisal)
    measure = results.get("measure")
    if measure:
        scores = measure.get("scores") or {}
        ref = scores.get("measure") or {}
        analyses = [a.get("analysis") for a in (measure.get("validity") or {}).get("analyses", [])]
        text.append(f"Sites were rated on {ref.get('title') or ref.get('id', 'the measure')}"
                    + (f" ({ref['id']} {ref.get('version', '')})".rstrip() if ref.get("id") else "")
                    + (f"; validity analyses: {_join(list(dict.fromkeys(analyses)))}"
                       if analyses else "") + ".")
    versions = ", ".join(f"{i} {v}" for i, v in sorted((run.get("instruments") or {}).items()))
    text.append(f"Analyses were run with evidencekit {run.get('evidencekit', '')}"
                + (f" and instruments {versions}" if versions else "") + ".")
    seeds = run.get("seeds") or {}
    if seeds:
        text.append("Seeds: " + ", ".join(f"{k} {v}" for k, v in sorted(seeds.items())) + ".")
    text.append(f"Numbers in every table are rounded {RULE}; they equal the unrounded values "
                "in the JSON files rounded by that rule.")
    return Section("methods", "Methods", paragraphs=[" ".join(text)])


def _agreements(agreement: Any, label: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(label, {percent, kappa}) for each reviewer pair an ``agreement`` result holds, in
    any of the shapes steps report: ``{percent, kappa}`` (core.agreement), ``{pairs: [...]}``
    (appraisal), ``{STAGE: {pairs: [...]}}`` (screening, with ``percent_agreement`` and
    ``cohen_kappa`` blocks)."""
    if not isinstance(agreement, Mapping):
        return []
    if agreement.get("percent") is not None:
        return [(label, {"percent": agreement["percent"], "kappa": agreement.get("kappa")})]
    if isinstance(agreement.get("percent_agreement"), Mapping):
        kappa = agreement.get("cohen_kappa")
        return [(label, {"percent": agreement["percent_agreement"].get("percent"),
                         "kappa": kappa.get("kappa") if isinstance(kappa, Mapping) else None})]
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(agreement.get("pairs"), list):
        for pair in agreement["pairs"]:
            who = " and ".join(str(r) for r in pair.get("reviewers") or [])
            out += _agreements(pair, f"{label} ({who})" if who else label)
        return [(lab, p) for lab, p in out if p["percent"] is not None]
    for stage, value in agreement.items():
        if isinstance(value, Mapping):
            out += _agreements(value, f"{label} at {stage}")
    return out


def _appraisal_methods(appraisal: Mapping[str, Any]) -> list[str]:
    rules: dict[str, Mapping[str, Any]] = {}
    for study in appraisal.get("studies") or []:
        rules.setdefault(study["checklist"], (study.get("details") or {}).get("rule") or {})
    out = []
    for checklist_id, info in sorted((appraisal.get("checklists") or {}).items()):
        rule = rules.get(checklist_id) or {}
        text = f"{info.get('title') or checklist_id} ({checklist_id} {info.get('version', '')})"
        points = rule.get("points")
        if points:
            text += ": " + ", ".join(f"{code} = {fmt(p, 2, whole=True)}"
                                     for code, p in points.items())
            na = rule.get("not_applicable")
            if na:
                text += f"; {', '.join(na)} left out of the denominator"
        bands = rule.get("bands")
        if bands:
            text += "; graded " + ", ".join(
                f"{b['grade']} (≥ {fmt(b['min_percent'], 0, whole=True)} %)" for b in bands)
        out.append(text)
    return [f"Quality was appraised with {_join(out)}."] if out else []


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
    dates = {s.get("name"): s.get("date_searched") or ""
             for s in (bundle.get("review") or {}).get("sources") or []}
    section.tables.append(Table(
        "records-by-source", "Records per source",
        ["Source", "Kind", "Searched", "Records", "Duplicates removed", "Kept", "Found only here"],
        [[s["source"], s["kind"], str(dates.get(s["source"], "")), fmt(s["records"]),
          fmt(s["duplicates_removed"]), fmt(s["kept"]), fmt(s["only_here"])]
         for s in counts["sources"]]))
    overlaps = counts.get("overlaps") or {}
    names = [s["source"] for s in counts["sources"]]
    if overlaps:
        section.tables.append(Table(
            "source-overlaps", "Records found in both sources (after de-duplication)",
            ["Source", *names],
            [[a, *("" if a == b else fmt((overlaps.get(a) or {}).get(b, 0)) for b in names)]
             for a in names]))
    totals = counts["totals"]
    section.paragraphs.append(
        f"Records identified: {totals['records']}; duplicates removed: "
        f"{totals['duplicates_removed']}; records after de-duplication: {totals['unique']}.")
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
        rows = [[c, *(fmt(by_checklist.get(c, {}).get(g, 0)) for g in grades),
                 fmt(sum(by_checklist.get(c, {}).values()))] for c in sorted(checklists)]
        if len(checklists) > 1:
            rows.append(["all", *(fmt(sum(by_checklist.get(c, {}).get(g, 0)
                                          for c in checklists)) for g in grades),
                         fmt(sum(sum(by_checklist.get(c, {}).values()) for c in checklists))])
        name = "grades" if len(scales) == 1 else f"grades-{number}"
        section.tables.append(Table(name, f"Studies by grade ({' / '.join(grades)})",
                                    ["Checklist", *grades, "Studies"], rows))
        total = {g: sum(by_checklist.get(c, {}).get(g, 0) for c in checklists) for g in grades}
        section.paragraphs.append(
            f"{_join([f'{n} {g}' for g, n in total.items()])} "
            f"({_join(sorted(checklists))}).")
    for checklist_id, info in sorted((data.get("checklists") or {}).items()):
        items = [i for i in info.get("items") or [] if i.get("answer_type") == "choice"]
        studies = sorted((s for s in data["studies"] if s["checklist"] == checklist_id),
                         key=lambda s: (s.get("label") or s["study_id"], s["study_id"]))
        # the id column only where a label says more than the id
        with_id = any((s.get("label") or s["study_id"]) != s["study_id"] for s in studies)
        rows = [[s.get("label") or s["study_id"], *([s["study_id"]] if with_id else []),
                 *(str(s["answers"].get(i["id"], "")) for i in items),
                 fmt(s.get("score_percent"), 1), str(s.get("grade") or "")] for s in studies]
        section.tables.append(Table(
            f"quality-{checklist_id}", f"{info.get('title') or checklist_id}: answers per study",
            ["Study", *(["ID"] if with_id else []), *(f"Q{i['number']}" for i in items),
             "Score %", "Grade"], rows,
            note="Questions: " + "; ".join(f"Q{i['number']} {i.get('text', '')}".strip()
                                           for i in items)))
    for file, title, caption in (
            ("quality-traffic-light.svg", "Answers per study (traffic light)",
             "Each row a study (Author Year), each column a question; the key under each "
             "panel gives the question of every column."),
            ("quality-summary.svg", "Answers per question (summary)",
             "Share of studies at each level, per question and for the grade.")):
        figure = _figure(bundle, file, title, caption)
        if figure:
            section.figures.append(figure)
    if data.get("no_checklist"):
        section.paragraphs.append(f"Studies whose design has no checklist: "
                                  f"{len(data['no_checklist'])}.")
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
    section.tables.append(Table(
        "measure-items", "Items: mean and range over units", ["Item", "Mean", "Min", "Max"],
        [[f"{i.get('number', '')}. {i['id']}".lstrip(". "), fmt(i["mean"]),
          fmt(i["min"], 1, whole=True), fmt(i["max"], 1, whole=True)]
         for i in scores["items"]]))
    validity = (data.get("validity") or {}).get("analyses") or []
    for entry in validity:
        attribute = entry.get("attribute")
        label = entry.get("analysis", "analysis") + (f" ({attribute})" if attribute else "")
        section.bullets.append(f"{label}: {entry.get('verdict', '')}")
    for file, title in (("measure-heatmap.svg", "Item scores per unit"),
                        ("measure-profile.svg", "Item profile per unit")):
        figure = _figure(bundle, file, title)
        if figure:
            section.figures.append(figure)
    return section


def _generic(name: str, block: Mapping[str, Any], bundle: Mapping[str, Any]) -> Section:
    """A section a step describes itself (``results[STEP]['report']``)."""
    section = Section(name, str(block.get("title") or name),
                      paragraphs=[str(p) for p in block.get("paragraphs") or []],
                      bullets=[str(b) for b in block.get("bullets") or []])
    for table in block.get("tables") or []:
        section.tables.append(Table(
            str(table["name"]), str(table.get("title") or table["name"]),
            [str(c) for c in table["columns"]],
            [[fmt(v, int(table.get("places", 2)), whole=True) for v in row]
             for row in table["rows"]], str(table.get("note") or "")))
    for figure in block.get("figures") or []:
        found = _figure(bundle, str(figure["file"]), str(figure.get("title") or ""),
                        str(figure.get("caption") or ""))
        if found:
            section.figures.append(found)
    return section


def references(bundle: Mapping[str, Any]) -> Section | None:
    refs = bundle.get("references") or []
    if not refs:
        return None
    return Section("references", "Instruments used", bullets=[
        f"{r['title']} ({r['id']} {r['version']}): {r['citation']}"
        + (f" {r['url']}" if r.get("url") and r["url"] not in r["citation"] else "")
        + f" Licence: {r['licence']}."
        for r in refs])


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
