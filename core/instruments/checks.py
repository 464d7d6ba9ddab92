"""Checks JSON Schema cannot express: unique ids, references inside a file,
consistent scoring rules and scales.

:func:`semantic_problems` runs on one document that already passed its schema.
:func:`reference_problems` runs on a whole catalogue and checks references
between files (a measure's influences exist in its framework, a crosswalk's
entries exist on both sides).

Every problem is one line, ``file:LINE: $.json.path: message``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from evidencekit.core.yaml_loader import YamlDocument, json_path

PathKey = tuple[Any, ...]


class _Problems:
    """Collects problems for one document, each with its line and JSON path."""

    def __init__(self, name: str, line_of: Callable[[PathKey], int]):
        self.name = name
        self.line_of = line_of
        self.lines: list[str] = []

    def add(self, path: PathKey, message: str) -> None:
        self.lines.append(f"{self.name}:{self.line_of(path)}: {json_path(path)}: {message}")

    def unique(self, seen: dict[Any, PathKey], key: Any, path: PathKey, what: str) -> None:
        """Report ``key`` if it was seen before (naming the line of the first use)."""
        if key in seen:
            self.add(path, f"{what} {key!r} is used twice (first at line "
                           f"{self.line_of(seen[key])}); give each a different {what}")
        else:
            seen[key] = path


def semantic_problems(doc: YamlDocument) -> list[str]:
    """Problems beyond the schema, as ``file:LINE: $.path: message`` lines."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    check = _CHECKS.get(data.get("kind"))
    if check is None:
        return []
    problems = _Problems(doc.name, doc.line_of)
    check(data, problems)
    return problems.lines


def _listing(values: Iterable[Any]) -> str:
    values = list(values)
    return ", ".join(str(v) for v in values) if values else "(none)"


def _bool_hint(key: str) -> str:
    # PyYAML reads unquoted yes/no/on/off as booleans; the loader makes such keys "true"/"false".
    if key in ("true", "false"):
        return " (YAML reads unquoted yes/no as true/false: write \"yes\" and \"no\" in quotes)"
    return ""


# --------------------------------------------------------------------------- checklist


def _check_options(options: list[dict[str, Any]], path: PathKey, problems: _Problems) -> None:
    seen: dict[Any, PathKey] = {}
    for i, option in enumerate(options):
        problems.unique(seen, option["code"], (*path, i, "code"), "answer code")


def _check_answer_source(
    item: dict[str, Any], path: PathKey, answer_sets: dict[str, Any], problems: _Problems,
    *, default_type: str | None = None, inherits_options: bool = False,
) -> str:
    """Check how an item (or a part) declares its answers; return its answer type.

    A part answers like its item unless it says otherwise, so it may use the
    item's options (``inherits_options``) and type (``default_type``).
    """
    has_set, has_options = "answers" in item, "options" in item
    if has_set and has_options:
        problems.add(path, "give either 'answers' (an answer set) or 'options', not both")
    if has_set and item["answers"] not in answer_sets:
        problems.add((*path, "answers"), f"unknown answer set {item['answers']!r}; "
                                         f"answer sets: {_listing(answer_sets)}")
    if has_options:
        _check_options(item["options"], (*path, "options"), problems)
    if default_type is None:
        default_type = "choice" if has_set or has_options else "text"
    answer_type = item.get("answer_type", default_type)
    if answer_type == "choice" and not (has_set or has_options or inherits_options):
        problems.add((*path, "answer_type"), "a choice item needs 'answers: SET' or 'options'")
    if answer_type != "choice" and (has_set or has_options):
        problems.add((*path, "answer_type"),
                     f"a {answer_type} item takes free text, so 'answers'/'options' do not apply; "
                     "remove them or use answer_type: choice")
    return answer_type


def _check_checklist(data: dict[str, Any], problems: _Problems) -> None:
    answer_sets = data.get("answer_sets") or {}
    for name, options in answer_sets.items():
        _check_options(options, ("answer_sets", name), problems)

    section_ids: dict[Any, PathKey] = {}
    for i, section in enumerate(data.get("sections") or []):
        problems.unique(section_ids, section["id"], ("sections", i, "id"), "section id")

    ids: dict[Any, PathKey] = {}
    numbers: dict[Any, PathKey] = {}
    codes_by_item: dict[str, list[str]] = {}
    # A scored item whose answer set is unknown was reported already; its codes are then
    # unknown too, so the checks of points against codes would only repeat that error.
    codes_complete = True
    for i, item in enumerate(data["items"]):
        path: PathKey = ("items", i)
        problems.unique(ids, item["id"], (*path, "id"), "item id")
        problems.unique(numbers, str(item["number"]), (*path, "number"), "item number")
        if "section" in item and item["section"] not in section_ids:
            problems.add((*path, "section"), f"unknown section {item['section']!r}; "
                                             f"sections: {_listing(section_ids)}")
        answer_type = _check_answer_source(item, path, answer_sets, problems)
        scored = item.get("scored", answer_type == "choice")
        if scored and answer_type != "choice":
            problems.add((*path, "scored"),
                         f"a {answer_type} item cannot be scored (it has no answer options); "
                         "set scored: false")
        for j, part in enumerate(item.get("parts") or []):
            part_path = (*path, "parts", j)
            problems.unique(ids, part["id"], (*part_path, "id"), "item id")
            _check_answer_source(part, part_path, answer_sets, problems, default_type=answer_type,
                                 inherits_options=answer_type == "choice")
        if scored and answer_type == "choice":
            if "options" in item:
                codes_by_item[item["id"]] = [o["code"] for o in item["options"]]
            elif item.get("answers") in answer_sets:
                codes_by_item[item["id"]] = [o["code"] for o in answer_sets[item["answers"]]]
            else:
                codes_complete = False

    scoring = data.get("scoring")
    if scoring and scoring.get("method") == "percentage-bands":
        _check_percentage_bands(scoring, codes_by_item, problems, codes_complete=codes_complete)
    if scoring and scoring.get("method") == "domain-judgement":
        _check_domain_judgement(scoring, data, answer_sets, problems)


def _check_domain_judgement(
    scoring: dict[str, Any], data: dict[str, Any], answer_sets: dict[str, Any],
    problems: _Problems,
) -> None:
    """Items, answer codes and judgements named by a domain-judgement algorithm exist."""
    from evidencekit.core.instruments.models import judgement_scheme_problems

    item_codes: dict[str, list[str]] = {}
    for item in data["items"]:
        if "options" in item:
            item_codes[item["id"]] = [o["code"] for o in item["options"]]
        else:
            item_codes[item["id"]] = [o["code"] for o in answer_sets.get(item.get("answers"), [])]
    for path, message in judgement_scheme_problems(scoring, item_codes):
        problems.add(path, message)


def _check_percentage_bands(
    scoring: dict[str, Any], codes_by_item: dict[str, list[str]], problems: _Problems,
    *, codes_complete: bool = True,
) -> None:
    base: PathKey = ("scoring",)
    if not codes_by_item and codes_complete:
        problems.add(base, "the scoring rule has no scored item to count; mark items scored: true "
                           "or remove 'scoring'")
        return
    points = scoring["points"]
    used = {code for codes in codes_by_item.values() for code in codes}
    for key in points:
        if key not in used and codes_complete:
            problems.add((*base, "points", key),
                         f"{key!r} is not an answer code of any scored item; codes: "
                         f"{_listing(sorted(used))}{_bool_hint(key)}")
    for code in sorted(used - set(points)):
        users = [item_id for item_id, codes in codes_by_item.items() if code in codes]
        problems.add((*base, "points"),
                     f"no points for answer {code!r} (an answer of {_listing(users[:3])}"
                     f"{' …' if len(users) > 3 else ''}); declare it, e.g. \"{code}\": 0")
    if points and max(points.values()) <= 0:
        problems.add((*base, "points"), "no answer earns points above 0, so every score is 0 %")

    bands = scoring["bands"]
    grades: dict[Any, PathKey] = {}
    for i, band in enumerate(bands):
        problems.unique(grades, band["grade"], (*base, "bands", i, "grade"), "grade")
        if i and band["min_percent"] >= bands[i - 1]["min_percent"]:
            problems.add((*base, "bands", i, "min_percent"),
                         f"bands run from best to worst, so min_percent must fall: "
                         f"{band['min_percent']:g} comes after {bands[i - 1]['min_percent']:g}")
    if bands and bands[-1]["min_percent"] != 0:
        problems.add((*base, "bands", len(bands) - 1, "min_percent"),
                     f"the last band starts at {bands[-1]['min_percent']:g} %, so a lower score "
                     "would get no grade; make the last band start at 0")

    denominator = scoring.get("denominator", "scored-items")
    if isinstance(denominator, int):
        if denominator < len(codes_by_item):
            problems.add((*base, "denominator"),
                         f"a fixed denominator of {denominator} is below the {len(codes_by_item)} "
                         "scored items, so a score could pass 100 %")
        if scoring.get("unanswered") == "exclude":
            problems.add((*base, "unanswered"),
                         "'exclude' leaves unanswered items out of the denominator, which needs "
                         "denominator: scored-items, not a fixed number")


# --------------------------------------------------------------------------- framework


def _check_crosswalk_entries(
    entries: list[dict[str, Any]], path: PathKey, problems: _Problems,
    key: Callable[[dict[str, Any]], tuple[str, str]],
) -> None:
    """Mappings of one source: no duplicates, conditions on one line, and no
    target both always and conditionally."""
    seen: dict[Any, PathKey] = {}
    unconditional: set[tuple[str, str]] = set()
    conditional: dict[tuple[str, str], PathKey] = {}
    for i, entry in enumerate(entries):
        here = (*path, i)
        condition = entry.get("condition")
        pair = key(entry)
        triple = (*pair, condition)
        if triple in seen:
            when = f", {condition}" if condition is not None else ""
            problems.add(here, f"the mapping {' → '.join(pair)}{when} appears twice (first at "
                               f"line {problems.line_of(seen[triple])}); remove one")
        else:
            seen[triple] = here
        if condition is not None:
            if "\n" in condition.strip():
                problems.add((*here, "condition"), "write the condition on one line")
            conditional.setdefault(pair, here)
        else:
            unconditional.add(pair)
    for pair in sorted(unconditional & set(conditional)):
        problems.add(conditional[pair],
                     f"{pair[-1]!r} is mapped both always and under a condition; "
                     "drop the condition or the unconditional mapping")


def _check_framework(data: dict[str, Any], problems: _Problems) -> None:
    ids: dict[Any, PathKey] = {}

    def entries(raw: list[dict[str, Any]], path: PathKey) -> None:
        for i, entry in enumerate(raw):
            here = (*path, i)
            problems.unique(ids, entry["id"], (*here, "id"), "id")
            if entry.get("direction") == "unclear" and (entry.get("facilitators")
                                                         or entry.get("barriers")):
                problems.add((*here, "direction"),
                             "an influence of unclear direction lists facilitators or barriers; "
                             "use direction: facilitator-barrier or empty the lists")
            _check_crosswalk_entries(entry.get("crosswalk") or [], (*here, "crosswalk"), problems,
                                     lambda c: (c["framework"], c["target"]))
            entries(entry.get("entries") or [], (*here, "entries"))

    for d, domain in enumerate(data.get("domains") or []):
        path: PathKey = ("domains", d)
        problems.unique(ids, domain["id"], (*path, "id"), "id")
        entries(domain.get("entries") or [], (*path, "entries"))
        for s, sub in enumerate(domain.get("subdomains") or []):
            problems.unique(ids, sub["id"], (*path, "subdomains", s, "id"), "id")
            entries(sub["entries"], (*path, "subdomains", s, "entries"))
    entries(data.get("entries") or [], ("entries",))


# --------------------------------------------------------------------------- measure


def _check_measure(data: dict[str, Any], problems: _Problems) -> None:
    items = data["items"]
    ids: dict[Any, PathKey] = {}
    for i, item in enumerate(items):
        problems.unique(ids, item["id"], ("items", i, "id"), "item id")
        if item["number"] != i + 1:
            problems.add(("items", i, "number"),
                         f"items are numbered 1, 2, 3 … in order; item {i + 1} is numbered "
                         f"{item['number']}")

    scale = data["scale"]
    low, high = scale["min"], scale["max"]
    if low >= high:
        problems.add(("scale", "max"), f"the scale maximum ({high}) must be above its minimum "
                                       f"({low})")
    for key in scale.get("anchors") or {}:
        if not low <= int(key) <= high:
            problems.add(("scale", "anchors", key),
                         f"anchor {key} is outside the scale {low}–{high}")

    scoring = data["scoring"]
    if scoring["method"] == "sum" and low < high:
        want_min, want_max = len(items) * low, len(items) * high
        for name, want in (("total_min", want_min), ("total_max", want_max)):
            if scoring[name] != want:
                problems.add(("scoring", name),
                             f"with {len(items)} items rated {low}–{high} the sum runs "
                             f"{want_min}–{want_max}, so {name} is {want}, not {scoring[name]}")
    missing = (scoring.get("missing") or {}).get("max_missing_items")
    if missing is not None and missing >= len(items):
        problems.add(("scoring", "missing", "max_missing_items"),
                     f"allows {missing} of {len(items)} items to be missing, so a total could "
                     "rest on no rating at all; lower it")


# --------------------------------------------------------------------------- form


_NUMERIC = ("integer", "number")


def _check_field(spec: dict[str, Any], path: PathKey, problems: _Problems,
                 has_framework: bool) -> None:
    kind = spec["type"]
    if kind == "choice" and "allowed" not in spec:
        problems.add((*path, "type"), "a choice field needs 'allowed' values")
    if "allowed" in spec:
        if kind not in ("choice", "list"):
            problems.add((*path, "allowed"),
                         f"'allowed' applies to choice and list fields, not {kind}")
        seen: dict[Any, PathKey] = {}
        for i, value in enumerate(spec["allowed"]):
            problems.unique(seen, value, (*path, "allowed", i), "allowed value")
    if spec.get("multiple") and kind != "choice":
        problems.add((*path, "multiple"),
                     f"'multiple' applies to choice fields; a {kind} field holds one value "
                     "(use type: list for several free-text values)")
    for bound in ("min", "max"):
        if bound in spec and kind not in _NUMERIC:
            problems.add((*path, bound), f"'{bound}' applies to integer and number fields, "
                                         f"not {kind}")
    if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
        problems.add((*path, "max"), f"max ({spec['max']}) is below min ({spec['min']})")
    if spec.get("values_from") == "framework" and not has_framework:
        problems.add((*path, "values_from"),
                     "values come from the framework, but coded_influences.framework is not set")


#: Columns the synthesis needs in every coded-influences row.
REQUIRED_INFLUENCE_COLUMNS = ("study_id", "influence", "direction")


def _check_form(data: dict[str, Any], problems: _Problems) -> None:
    table = data.get("coded_influences")
    has_framework = bool(table and table.get("framework"))
    group_ids: dict[Any, PathKey] = {}
    field_ids: dict[Any, PathKey] = {}
    for g, group in enumerate(data["groups"]):
        problems.unique(group_ids, group["id"], ("groups", g, "id"), "group id")
        for f, spec in enumerate(group["fields"]):
            path: PathKey = ("groups", g, "fields", f)
            problems.unique(field_ids, spec["id"], (*path, "id"), "field id")
            _check_field(spec, path, problems, has_framework)

    attributes: dict[Any, PathKey] = {}
    for i, attribute in enumerate(data.get("study_attributes") or []):
        problems.unique(attributes, attribute, ("study_attributes", i), "study attribute")
        if attribute not in field_ids:
            problems.add(("study_attributes", i),
                         f"unknown field {attribute!r}; study attributes name fields of the groups")

    if table:
        columns: dict[Any, PathKey] = {}
        for c, spec in enumerate(table["columns"]):
            path = ("coded_influences", "columns", c)
            problems.unique(columns, spec["id"], (*path, "id"), "column id")
            _check_field(spec, path, problems, has_framework)
        missing = [c for c in REQUIRED_INFLUENCE_COLUMNS if c not in columns]
        if missing:
            problems.add(("coded_influences", "columns"),
                         f"the coded-influences table needs the columns {_listing(missing)}")


# --------------------------------------------------------------------------- crosswalk


def _check_crosswalk(data: dict[str, Any], problems: _Problems) -> None:
    from evidencekit.core.instruments.models import parse_ref

    if parse_ref(data["from"])[0] == parse_ref(data["to"])[0]:
        problems.add(("to",), "a crosswalk maps one framework onto another; 'from' and 'to' "
                              "name the same framework")
    _check_crosswalk_entries(data["mappings"], ("mappings",), problems,
                             lambda m: (m["source"], m["target"]))


# --------------------------------------------------------------------------- review


#: Top-level sections of review.yaml that commands read besides those the review schema
#: names. Other sections are allowed (steps may declare settings), so a misspelt section
#: would be silently ignored; a near miss of one of these is reported instead.
REVIEW_SECTIONS = ("import", "dedupe", "screening", "appraisal", "extraction", "measure")


def _check_review(data: dict[str, Any], problems: _Problems) -> None:
    import difflib

    from evidencekit.core.schemas import load_schema

    known = [*load_schema("review")["properties"], *REVIEW_SECTIONS]
    for key in data:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.8)
        if close:
            problems.add((key,), f"unknown section {key!r}: did you mean {close[0]!r}? "
                                 "Rename it (a misspelt section is otherwise ignored)")
    ids: dict[Any, PathKey] = {}
    for i, step in enumerate(data.get("steps") or []):
        if isinstance(step, dict) and "id" in step:
            problems.unique(ids, step["id"], ("steps", i, "id"), "step id")
    plugins: dict[Any, PathKey] = {}
    for i, name in enumerate(data.get("plugins") or []):
        problems.unique(plugins, name, ("plugins", i), "plugin module")
    screening = data.get("screening") or {}
    stage_ids: dict[Any, PathKey] = {}
    for i, stage in enumerate(screening.get("stages") or []):
        problems.unique(stage_ids, stage["id"], ("screening", "stages", i, "id"), "stage id")
        if stage.get("decision_rule") == "consensus" and not stage.get("reviewer"):
            problems.add(("screening", "stages", i, "decision_rule"),
                         "a consensus stage names the reviewer who records the consensus "
                         "decisions: add 'reviewer: NAME'")


_CHECKS: dict[str, Callable[[dict[str, Any], _Problems], None]] = {
    "checklist": _check_checklist,
    "framework": _check_framework,
    "measure": _check_measure,
    "form": _check_form,
    "crosswalk": _check_crosswalk,
    "review": _check_review,
}


# --------------------------------------------------------------------------- across files


def reference_problems(catalog: Any) -> list[str]:
    """Problems with references between instruments in ``catalog``.

    Checks that a measure's framework exists and holds each item's influence,
    that a crosswalk's frameworks exist and hold its sources and targets, that
    crosswalk entries written inside a framework point at real targets, and
    that a form's coded-influences framework exists.
    """
    from evidencekit.core.errors import InstrumentError

    out: list[str] = []
    for entry in catalog.entries():
        instrument = entry.instrument
        problems = _Problems(instrument.path or instrument.ref, instrument.line_of)

        def framework(ref: str, path: PathKey, problems: _Problems = problems) -> Any:
            try:
                return catalog.get(ref, kind="framework")
            except InstrumentError as exc:
                problems.add(path, "; ".join(exc.problems))
                return None

        kind = instrument.kind
        if kind == "measure" and instrument.framework:
            target = framework(instrument.framework, ("framework",))
            if target is not None:
                for i, item in enumerate(instrument.items):
                    if item.influence and item.influence not in target.ids():
                        problems.add(("items", i, "influence"),
                                     f"{target.ref} has no entry {item.influence!r}")
        elif kind == "crosswalk":
            source = framework(instrument.source_framework, ("from",))
            target = framework(instrument.target_framework, ("to",))
            for i, mapping in enumerate(instrument.mappings):
                if source is not None and mapping.source not in source.ids():
                    problems.add(("mappings", i, "source"),
                                 f"{source.ref} has no entry {mapping.source!r}")
                if target is not None and mapping.target not in target.ids() | target.domain_ids():
                    problems.add(("mappings", i, "target"),
                                 f"{target.ref} has no entry or domain {mapping.target!r}")
        elif kind == "framework":
            for path, links in _framework_crosswalks(instrument.raw):
                for i, link in enumerate(links):
                    target = framework(link["framework"], (*path, i, "framework"))
                    if target is not None and link["target"] not in (target.ids()
                                                                     | target.domain_ids()):
                        problems.add((*path, i, "target"),
                                     f"{target.ref} has no entry or domain {link['target']!r}")
        elif kind == "form" and instrument.influence_framework:
            framework(instrument.influence_framework, ("coded_influences", "framework"))
        out.extend(problems.lines)
    return out


def _framework_crosswalks(data: dict[str, Any]) -> list[tuple[PathKey, list[dict[str, Any]]]]:
    """Every non-empty ``crosswalk`` list in a framework, with its path."""
    found: list[tuple[PathKey, list[dict[str, Any]]]] = []

    def entries(raw: list[dict[str, Any]], path: PathKey) -> None:
        for i, entry in enumerate(raw):
            if entry.get("crosswalk"):
                found.append(((*path, i, "crosswalk"), entry["crosswalk"]))
            entries(entry.get("entries") or [], (*path, i, "entries"))

    for d, domain in enumerate(data.get("domains") or []):
        entries(domain.get("entries") or [], ("domains", d, "entries"))
        for s, sub in enumerate(domain.get("subdomains") or []):
            entries(sub["entries"], ("domains", d, "subdomains", s, "entries"))
    entries(data.get("entries") or [], ("entries",))
    return found
