"""The ``sensitivity`` synthesis method: the vote count again after excluding studies
(by default those graded poor or fair), with a computed verdict on whether the
retained influences and their order changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import EvidencekitError
from evidencekit.plugins.synthesis._counting import (
    COMMON_OPTIONS,
    THRESHOLD_OPTION,
    check_attribute,
    check_threshold,
    compare,
    join,
    names,
    norm,
    percent,
    study_levels,
    vote_count,
)

DEFAULT_GRADES = ("poor", "fair")


def parse_exclusion(text: str) -> dict[str, str]:
    """``ATTRIBUTE=VALUE`` → {attribute, value}."""
    attribute, sep, value = text.partition("=")
    if not sep or not attribute.strip() or not value.strip():
        raise EvidencekitError(
            f"--exclude {text!r}: write ATTRIBUTE=VALUE, e.g. --exclude 'design=case-control'"
        )
    return {"attribute": attribute.strip(), "value": value.strip()}


class Sensitivity:
    """Vote counting without the studies a declared filter excludes."""

    name = "sensitivity"
    description = (
        "Vote count after excluding studies (default: graded poor or fair); says "
        "whether the retained influences or their order changed."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "exclude_grades": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "uniqueItems": True,
                "description": "Exclude studies with any of these appraisal "
                "grades (default: poor, fair).",
            },
            "exclude": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["attribute", "value"],
                    "properties": {"attribute": {"type": "string"}, "value": {"type": "string"}},
                    "additionalProperties": False,
                },
                "description": "Exclude studies whose attribute has this value.",
            },
            "threshold": THRESHOLD_OPTION,
            **COMMON_OPTIONS,
        },
        "additionalProperties": False,
    }

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        threshold = check_threshold(options.get("threshold", THRESHOLD_OPTION["default"]))
        tie_rule = options.get("tie_rule", "framework-order")
        denominator = options.get("denominator", "included")
        excluded, filters, notes = self._excluded(studies, options)
        kept = [s for s in studies.studies if s not in excluded]
        whole = vote_count(
            studies, framework, tie_rule=tie_rule, denominator=denominator, threshold=threshold
        )
        part = vote_count(
            studies,
            framework,
            kept,
            tie_rule=tie_rule,
            denominator=denominator,
            threshold=threshold,
        )
        diff = compare(whole, part)
        result = {
            "method": self.name,
            "framework": framework.ref,
            "filter": join(filters),
            "excluded": sorted(excluded),
            "n_excluded": len(excluded),
            "n_studies": part["n_studies"],
            "n_studies_whole": whole["n_studies"],
            "threshold": threshold,
            "tie_rule": part["tie_rule"],
            "denominator": part["denominator"],
            "influences": part["influences"],
            "unclear_direction": part["unclear_direction"],
            "retained": part["retained"],
            "retained_whole": whole["retained"],
            "dropped": diff["dropped"],
            "added": diff["added"],
            "order_changed": diff["order_changed"],
            "content_changed": diff["content_changed"],
            "rank_changes": diff["rank_changes"],
            "kendall_tau": diff["kendall_tau"],
            "kendall": diff["kendall"],
            "notes": notes,
            "whole": {
                "retained": whole["retained"],
                "influences": [
                    {k: e[k] for k in ("id", "name", "rank", "n_studies", "share")}
                    for e in whole["influences"]
                ],
            },
            "grades_source": getattr(studies, "grades_source", None),
        }
        result["verdict"] = _verdict(result, whole, part)
        return result

    @staticmethod
    def _excluded(
        studies: Any, options: Mapping[str, Any]
    ) -> tuple[set[str], list[str], list[str]]:
        """(excluded study ids, the filters in words, notes)."""
        excluded: set[str] = set()
        filters: list[str] = []
        notes: list[str] = []
        rules = [
            r if isinstance(r, Mapping) else parse_exclusion(str(r))
            for r in options.get("exclude") or []
        ]
        explicit = "exclude_grades" in options
        grades_wanted = list(
            options.get("exclude_grades") or ([] if rules and not explicit else DEFAULT_GRADES)
        )
        if grades_wanted:
            if studies.grades is None:
                raise EvidencekitError(
                    "no appraisal grades to exclude studies by: pass --appraisal FILE (the "
                    "output of `evidencekit appraise score --json`, or a CSV with study_id "
                    "and grade), declare the appraisal answers in review.yaml, or exclude by "
                    "an attribute with --exclude ATTRIBUTE=VALUE"
                )
            seen = {norm(g) for gs in studies.grades.values() for g in gs}
            unknown = [g for g in grades_wanted if norm(g) not in seen]
            if unknown and explicit:
                raise EvidencekitError(
                    f"{studies.grades_source}: no study is graded {join(unknown)}; grades "
                    f"found: {', '.join(sorted(seen)) or '(none)'}"
                )
            wanted = {norm(g) for g in grades_wanted}
            by_grade = {
                s
                for s, gs in studies.grades.items()
                if s in studies.studies and any(norm(g) in wanted for g in gs)
            }
            excluded |= by_grade
            filters.append(f"graded {' or '.join(grades_wanted)}")
            ungraded = sorted(set(studies.studies) - set(studies.grades))
            if ungraded:
                notes.append(
                    f"{len(ungraded)} stud{'y has' if len(ungraded) == 1 else 'ies have'}"
                    f" no appraisal grade and stay in: {', '.join(ungraded[:10])}"
                    f"{' …' if len(ungraded) > 10 else ''}"
                )
        for rule in rules:
            attribute, value = rule["attribute"], rule["value"]
            check_attribute(studies, attribute)
            levels = {s: study_levels(a.get(attribute)) for s, a in studies.studies.items()}
            found = sorted({lev for levs in levels.values() for lev in levs}, key=norm)
            chosen = {s for s, levs in levels.items() if norm(value) in map(norm, levs)}
            if not chosen:
                raise EvidencekitError(
                    f"{studies.studies_file}: no study has {attribute} = {value!r}; values "
                    f"found: {', '.join(found)}"
                )
            excluded |= chosen
            filters.append(f"with {attribute} = {value}")
        return excluded, filters, notes


def _verdict(result: Mapping[str, Any], whole: Mapping[str, Any], part: Mapping[str, Any]) -> str:
    n, kept = result["n_excluded"], result["n_studies"]
    text = (
        f"Excluding the {n} stud{'y' if n == 1 else 'ies'} {result['filter']} leaves "
        f"{kept} of {result['n_studies_whole']}: "
    )
    if n == 0:
        return text + "nothing was excluded, so nothing can change."
    changes = []
    if result["content_changed"]:
        what = []
        if result["dropped"]:
            one = len(result["dropped"]) == 1
            what.append(
                f"{join(names(whole, result['dropped']))} drop{'s' if one else ''} "
                f"below {percent(result['threshold'])}"
            )
        if result["added"]:
            one = len(result["added"]) == 1
            what.append(
                f"{join(names(part, result['added']))} reach{'es' if one else ''} "
                f"{percent(result['threshold'])}"
            )
        changes.append("the retained influences change (" + "; ".join(what) + ")")
    if result["order_changed"]:
        changes.append("the order of the influences retained in both changes")
    if not changes:
        return text + (
            f"the {len(result['retained'])} retained influences and their order are unchanged."
        )
    return text + " and ".join(changes) + "."


@hookimpl
def evidencekit_synthesis_methods() -> list[Any]:
    return [Sensitivity()]
