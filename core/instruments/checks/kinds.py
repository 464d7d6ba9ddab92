"""Checks of frameworks, measures, forms, crosswalks and review files a schema cannot
express."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evidencekit.core.instruments.checks.located import PathKey, _Problems, listing


def _check_crosswalk_entries(
    entries: list[dict[str, Any]],
    path: PathKey,
    problems: _Problems,
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
            problems.add(
                here,
                f"the mapping {' → '.join(pair)}{when} appears twice (first at "
                f"line {problems.line_of(seen[triple])}); remove one",
            )
        else:
            seen[triple] = here
        if condition is not None:
            if "\n" in condition.strip():
                problems.add((*here, "condition"), "write the condition on one line")
            conditional.setdefault(pair, here)
        else:
            unconditional.add(pair)
    for pair in sorted(unconditional & set(conditional)):
        problems.add(
            conditional[pair],
            f"{pair[-1]!r} is mapped both always and under a condition; "
            "drop the condition or the unconditional mapping",
        )


def _check_framework(data: dict[str, Any], problems: _Problems) -> None:
    ids: dict[Any, PathKey] = {}

    def entries(raw: list[dict[str, Any]], path: PathKey) -> None:
        for i, entry in enumerate(raw):
            here = (*path, i)
            problems.unique(ids, entry["id"], (*here, "id"), "id")
            if entry.get("direction") == "unclear" and (
                entry.get("facilitators") or entry.get("barriers")
            ):
                problems.add(
                    (*here, "direction"),
                    "an influence of unclear direction lists facilitators or barriers; "
                    "use direction: facilitator-barrier or empty the lists",
                )
            _check_crosswalk_entries(
                entry.get("crosswalk") or [],
                (*here, "crosswalk"),
                problems,
                lambda c: (c["framework"], c["target"]),
            )
            entries(entry.get("entries") or [], (*here, "entries"))

    for d, domain in enumerate(data.get("domains") or []):
        path: PathKey = ("domains", d)
        problems.unique(ids, domain["id"], (*path, "id"), "id")
        entries(domain.get("entries") or [], (*path, "entries"))
        for s, sub in enumerate(domain.get("subdomains") or []):
            problems.unique(ids, sub["id"], (*path, "subdomains", s, "id"), "id")
            entries(sub["entries"], (*path, "subdomains", s, "entries"))
    entries(data.get("entries") or [], ("entries",))


def _check_measure(data: dict[str, Any], problems: _Problems) -> None:
    items = data["items"]
    ids: dict[Any, PathKey] = {}
    for i, item in enumerate(items):
        problems.unique(ids, item["id"], ("items", i, "id"), "item id")
        if item["number"] != i + 1:
            problems.add(
                ("items", i, "number"),
                f"items are numbered 1, 2, 3 … in order; item {i + 1} is numbered {item['number']}",
            )

    scale = data["scale"]
    low, high = scale["min"], scale["max"]
    if low >= high:
        problems.add(
            ("scale", "max"), f"the scale maximum ({high}) must be above its minimum ({low})"
        )
    for key in scale.get("anchors") or {}:
        if not low <= int(key) <= high:
            problems.add(
                ("scale", "anchors", key), f"anchor {key} is outside the scale {low}–{high}"
            )

    scoring = data["scoring"]
    if scoring["method"] == "sum" and low < high:
        want_min, want_max = len(items) * low, len(items) * high
        for name, want in (("total_min", want_min), ("total_max", want_max)):
            if scoring[name] != want:
                problems.add(
                    ("scoring", name),
                    f"with {len(items)} items rated {low}–{high} the sum runs "
                    f"{want_min}–{want_max}, so {name} is {want}, not {scoring[name]}",
                )
    missing = (scoring.get("missing") or {}).get("max_missing_items")
    if missing is not None and missing >= len(items):
        problems.add(
            ("scoring", "missing", "max_missing_items"),
            f"allows {missing} of {len(items)} items to be missing, so a total could "
            "rest on no rating at all; lower it",
        )


_NUMERIC = ("integer", "number")


def _check_field(
    spec: dict[str, Any], path: PathKey, problems: _Problems, has_framework: bool
) -> None:
    kind = spec["type"]
    if kind == "choice" and "allowed" not in spec:
        problems.add((*path, "type"), "a choice field needs 'allowed' values")
    if "allowed" in spec:
        if kind not in ("choice", "list"):
            problems.add(
                (*path, "allowed"), f"'allowed' applies to choice and list fields, not {kind}"
            )
        seen: dict[Any, PathKey] = {}
        for i, value in enumerate(spec["allowed"]):
            problems.unique(seen, value, (*path, "allowed", i), "allowed value")
    if spec.get("multiple") and kind != "choice":
        problems.add(
            (*path, "multiple"),
            f"'multiple' applies to choice fields; a {kind} field holds one value "
            "(use type: list for several free-text values)",
        )
    for bound in ("min", "max"):
        if bound in spec and kind not in _NUMERIC:
            problems.add(
                (*path, bound), f"'{bound}' applies to integer and number fields, not {kind}"
            )
    if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
        problems.add((*path, "max"), f"max ({spec['max']}) is below min ({spec['min']})")
    if spec.get("values_from") == "framework" and not has_framework:
        problems.add(
            (*path, "values_from"),
            "values come from the framework, but coded_influences.framework is not set",
        )


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
            problems.add(
                ("study_attributes", i),
                f"unknown field {attribute!r}; study attributes name fields of the groups",
            )

    if table:
        columns: dict[Any, PathKey] = {}
        for c, spec in enumerate(table["columns"]):
            path = ("coded_influences", "columns", c)
            problems.unique(columns, spec["id"], (*path, "id"), "column id")
            _check_field(spec, path, problems, has_framework)
        missing = [c for c in REQUIRED_INFLUENCE_COLUMNS if c not in columns]
        if missing:
            problems.add(
                ("coded_influences", "columns"),
                f"the coded-influences table needs the columns {listing(missing)}",
            )


def _check_crosswalk(data: dict[str, Any], problems: _Problems) -> None:
    from evidencekit.core.instruments.models import parse_ref

    if parse_ref(data["from"])[0] == parse_ref(data["to"])[0]:
        problems.add(
            ("to",),
            "a crosswalk maps one framework onto another; 'from' and 'to' name the same framework",
        )
    _check_crosswalk_entries(
        data["mappings"], ("mappings",), problems, lambda m: (m["source"], m["target"])
    )


def _check_review(data: dict[str, Any], problems: _Problems) -> None:
    # Unknown sections and fields are schema errors (additionalProperties: false), each
    # with the close match it was probably meant to be.
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
            problems.add(
                ("screening", "stages", i, "decision_rule"),
                "a consensus stage names the reviewer who records the consensus "
                "decisions: add 'reviewer: NAME'",
            )
