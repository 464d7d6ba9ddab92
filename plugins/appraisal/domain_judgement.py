"""The ``domain-judgement`` scorer: signalling questions → domain judgements → overall.

This is how Cochrane RoB 2 works, and any tool built the same way can be
declared in YAML (see ``instruments/checklists/rob2-parallel.yaml`` and
docs/appraisal.md). For each domain:

1. each signalling question is asked when any of its ``asked_if`` conditions
   holds (always, if it has none); a question not asked reads as not applicable;
2. the domain's rules are tried in order and the first whose ``when`` holds
   gives the proposed judgement (else the declared ``default``);
3. an answer to the domain's ``override_item`` (a judgement, with a note)
   replaces the proposed judgement; both are reported.

The overall judgement comes the same way from rules over the domain
judgements, with an optional override and flags (messages for a reviewer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import InstrumentError
from evidencekit.core.scoring import (
    FAVOURABLE,
    UNCLEAR,
    UNFAVOURABLE,
    AnswerProblem,
    is_unanswered,
)
from evidencekit.plugins.appraisal._judgement_checks import check_domain_judgement, scoring_schema
from evidencekit.plugins.appraisal._judgement_scheme import JudgementScheme

# Parsed schemes by the identity of their scoring block (kept alive here, so an id is
# never reused while cached): a review scores many appraisals against one checklist,
# and parsing the block again for each was two thirds of a score's time.
_SCHEMES: dict[int, tuple[Any, JudgementScheme]] = {}
_SCHEMES_KEPT = 64


def _scheme(checklist: Any) -> JudgementScheme:
    scoring = checklist.scoring
    cached = _SCHEMES.get(id(scoring))
    if cached is not None and cached[0] is scoring:
        return cached[1]
    scheme = _parse_scheme(checklist, scoring)
    if len(_SCHEMES) >= _SCHEMES_KEPT:
        _SCHEMES.clear()
    _SCHEMES[id(scoring)] = (scoring, scheme)
    return scheme


def _parse_scheme(checklist: Any, scoring: Any) -> JudgementScheme:
    if scoring is None or scoring.method != "domain-judgement":
        raise InstrumentError(
            f"checklist {checklist.ref} ({checklist.path}) declares no domain-judgement "
            "algorithm (scoring.method: domain-judgement with judgements, domains and overall)"
        )
    try:
        return JudgementScheme.from_dict(scoring.raw)
    except (KeyError, TypeError) as exc:
        raise InstrumentError(
            f"checklist {checklist.ref} ({checklist.path}): the domain-judgement scoring block "
            f"is incomplete ({exc}); check it with `evidencekit instruments validate`"
        ) from None


def _effective(scheme: Any, answers: Mapping[str, Any]) -> tuple[dict[str, str], set[str]]:
    """Answers as rules see them, and the questions asked.

    A question not asked reads as not applicable. Domains are walked in order and,
    within a domain, questions in order, so an ``asked_if`` sees the effective
    answers of the questions before it.
    """
    effective = {k: ("" if is_unanswered(v) else str(v)) for k, v in answers.items()}
    asked: set[str] = set()
    for domain in scheme.domains:
        for question in domain.questions:
            if question.asked(effective):
                asked.add(question.item)
            else:
                effective[question.item] = scheme.not_applicable
    return effective, asked


def _level(scheme: Any, judgement: str | None) -> str | None:
    if judgement is None:
        return None
    index = scheme.judgements.index(judgement)
    if index == 0:
        return FAVOURABLE
    if index == len(scheme.judgements) - 1:
        return UNFAVOURABLE
    return UNCLEAR


class DomainJudgementScorer:
    """Declared decision rules per domain, then overall (Cochrane RoB 2 style)."""

    name = "domain-judgement"
    description = (
        "Signalling questions → a judgement per domain by declared rules → an overall "
        "judgement, with reviewer overrides (Cochrane RoB 2 style)"
    )
    options_schema = {"type": "object", "properties": {}, "additionalProperties": False}

    @property
    def scoring_schema(self) -> dict[str, Any]:
        """JSON Schema of ``scoring: {method: domain-judgement, judgements, domains, ...}``."""
        return scoring_schema()

    def check_scoring(self, checklist: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        """Items, answer codes and judgements named by the declared algorithm exist."""
        return check_domain_judgement(dict(checklist))

    def check(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> list[AnswerProblem]:
        """Every question asked needs an answer; one not asked may only be 'not applicable'."""
        scheme = _scheme(checklist)
        na = scheme.not_applicable
        problems: list[AnswerProblem] = []
        given = {k: ("" if is_unanswered(v) else str(v)) for k, v in answers.items()}
        _, asked = _effective(scheme, given)

        def codes(item: str) -> str:  # the answers allowed, for a message (only then looked up)
            return ", ".join(c for c in checklist.item(item).codes if c != na)

        for domain in scheme.domains:
            for question in domain.questions:
                value = given.get(question.item, "")
                if question.item not in asked:
                    if value not in ("", na):
                        conditions = " or ".join(c.describe() for c in question.asked_if)
                        problems.append(
                            AnswerProblem(
                                item=question.item,
                                value=value,
                                message=f"this question is asked only when {conditions}, which "
                                "the other answers rule out; answer it na or leave it out",
                                allowed=na,
                            )
                        )
                elif value == "" and not question.optional:
                    missing = "has no answer row" if question.item not in given else "is left empty"
                    problems.append(
                        AnswerProblem(
                            item=question.item,
                            message=f"question {question.item} of domain {domain.id} {missing}; "
                            "answer it (ni if the report gives no information)",
                            allowed=codes(question.item),
                        )
                    )
                elif value == na:
                    problems.append(
                        AnswerProblem(
                            item=question.item,
                            value=value,
                            message="the question applies here (see its asked_if), so 'not "
                            "applicable' is not an answer to it",
                            allowed=codes(question.item),
                        )
                    )
        return problems

    def score(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Judge one appraisal; ``answers`` maps item id → answer code."""
        scheme = _scheme(checklist)
        effective, _ = _effective(scheme, answers)
        domains: dict[str, dict[str, Any]] = {}
        judgements: list[str] = []
        levels: dict[str, str] = {}
        for domain in scheme.domains:
            proposed, why = None, None
            for index, rule in enumerate(domain.rules, start=1):
                if rule.when.matches(effective):
                    proposed = rule.judgement
                    why = f"rule {index}: {rule.when.describe()}" + (
                        f" ({rule.note})" if rule.note else ""
                    )
                    break
            if proposed is None:
                if domain.default is None:
                    shown = ", ".join(
                        f"{q.item}={effective.get(q.item) or '(none)'}" for q in domain.questions
                    )
                    raise InstrumentError(
                        f"checklist {checklist.ref}: no rule of domain {domain.id} matches the "
                        f"answers ({shown}) and the domain declares no default; the rules do "
                        "not cover every case"
                    )
                proposed, why = domain.default, "no rule matched: the domain's default"
            final, overridden = proposed, False
            if domain.override_item:
                value = answers.get(domain.override_item)
                if not is_unanswered(value):
                    final, overridden = str(value), str(value) != proposed
            domains[domain.id] = {
                "name": domain.name,
                "label": domain.label,
                "proposed": proposed,
                "judgement": final,
                "overridden": overridden,
                "reason": why,
            }
            judgements.append(final)
            levels[domain.label] = _level(scheme, final)
        overall, why = None, None
        for index, rule in enumerate(scheme.overall_rules, start=1):
            if rule.when.matches(judgements):
                overall = rule.judgement
                why = f"rule {index}: {rule.when.describe()}" + (
                    f" ({rule.note})" if rule.note else ""
                )
                break
        if overall is None:
            if scheme.overall_default is None:
                raise InstrumentError(
                    f"checklist {checklist.ref}: no overall rule matches the domain judgements "
                    f"({', '.join(judgements)}) and there is no overall default"
                )
            overall, why = scheme.overall_default, "no rule matched: the overall default"
        proposed_overall, overall_overridden = overall, False
        if scheme.overall_override_item:
            value = answers.get(scheme.overall_override_item)
            if not is_unanswered(value):
                overall, overall_overridden = str(value), str(value) != proposed_overall
        flags = [f.message for f in scheme.flags if f.when.matches(judgements)]
        return {
            "method": self.name,
            "grade": overall,
            "score_percent": None,
            "grade_label": scheme.labels.get(overall, overall),
            "grade_level": _level(scheme, overall),
            "grades": list(scheme.judgements),
            "proposed": proposed_overall,
            "overridden": overall_overridden,
            "reason": why,
            "domains": domains,
            "levels": levels,
            "flags": flags,
        }


@hookimpl
def evidencekit_appraisal_scorers() -> list[Any]:
    return [DomainJudgementScorer()]
