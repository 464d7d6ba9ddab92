"""The ``domain-judgement`` scoring block: its JSON Schema and its semantic checks."""

from __future__ import annotations

import functools
import json
from typing import Any

SCHEMA_FILE = "domain-judgement.scoring.schema.json"


@functools.cache
def scoring_schema() -> dict[str, Any]:
    """The JSON Schema of a ``scoring: {method: domain-judgement, ...}`` block (shipped as data)."""
    from importlib.resources import files

    text = (files("evidencekit.plugins.appraisal") / SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def judgement_scheme_problems(
    scoring: dict[str, Any], item_codes: dict[str, list[str]]
) -> list[tuple[tuple[Any, ...], str]]:
    """Checks a schema cannot express, as (JSON path, message) pairs.

    ``item_codes`` maps every item id of the checklist to its answer codes. Items
    and codes named in questions and rules must exist, judgements must be
    declared, and each item may belong to one domain only.
    """
    out: list[tuple[tuple[Any, ...], str]] = []
    base: tuple[Any, ...] = ("scoring",)
    judgements = [j["id"] for j in scoring.get("judgements") or []]
    if len(set(judgements)) != len(judgements):
        out.append(((*base, "judgements"), "each judgement id must appear once"))
    na = scoring.get("not_applicable", "na")

    def judgement(path: tuple[Any, ...], value: str | None) -> None:
        if value is not None and value not in judgements:
            out.append((path, f"unknown judgement {value!r}; judgements: {', '.join(judgements)}"))

    def condition(path: tuple[Any, ...], cond: dict[str, Any]) -> None:
        for item, codes in cond.items():
            if item not in item_codes:
                out.append(
                    ((*path, item), f"unknown item {item!r}; items: {', '.join(item_codes)}")
                )
                continue
            for code in codes:
                if code not in item_codes[item] and code != na:
                    out.append(
                        (
                            (*path, item),
                            f"{code!r} is not an answer code of item {item}; "
                            f"codes: {', '.join(item_codes[item])}",
                        )
                    )

    owner: dict[str, str] = {}
    override_items = []
    for i, domain in enumerate(scoring.get("domains") or []):
        path = (*base, "domains", i)
        for j, question in enumerate(domain["questions"]):
            item = str(question["item"])
            qpath = (*path, "questions", j)
            if item not in item_codes:
                out.append(((*qpath, "item"), f"unknown item {item!r}"))
            elif item in owner:
                out.append(
                    ((*qpath, "item"), f"item {item} already belongs to domain {owner[item]}")
                )
            else:
                owner[item] = domain["id"]
            for k, cond in enumerate(question.get("asked_if") or []):
                condition((*qpath, "asked_if", k), cond)
        for j, rule in enumerate(domain["rules"]):
            condition((*path, "rules", j, "when"), rule["when"])
            judgement((*path, "rules", j, "judgement"), rule["judgement"])
        judgement((*path, "default"), domain.get("default"))
        if domain.get("override_item"):
            override_items.append(((*path, "override_item"), domain["override_item"]))
    overall = scoring.get("overall") or {}
    for j, rule in enumerate(overall.get("rules") or []):
        when = rule["when"]
        for key in ("any", "all"):
            for value in when.get(key) or []:
                judgement((*base, "overall", "rules", j, "when", key), value)
        for value in (when.get("at_least") or {}).get("judgements") or []:
            judgement((*base, "overall", "rules", j, "when", "at_least"), value)
        judgement((*base, "overall", "rules", j, "judgement"), rule["judgement"])
    judgement((*base, "overall", "default"), overall.get("default"))
    if overall.get("override_item"):
        override_items.append(((*base, "overall", "override_item"), overall["override_item"]))
    for path, item in override_items:
        if item not in item_codes:
            out.append((path, f"unknown item {item!r}"))
        elif set(item_codes[item]) - set(judgements):
            out.append(
                (
                    path,
                    f"the answers of override item {item} must be judgement ids "
                    f"({', '.join(judgements)}); found {', '.join(item_codes[item])}",
                )
            )
    return out


def check_domain_judgement(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Items, answer codes and judgements named by the algorithm exist."""
    # Imported here: this module is loaded at start-up, the checks only when validating.
    from evidencekit.core.instruments.checks import item_codes as checklist_item_codes

    codes, _ = checklist_item_codes(data)
    return judgement_scheme_problems(data["scoring"], codes)
