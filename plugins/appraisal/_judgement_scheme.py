"""The typed ``domain-judgement`` algorithm (e.g. Cochrane RoB 2) a checklist declares.

Signalling questions → a judgement per domain by rules tried in order → an overall
judgement. Owned by the scorer (``domain_judgement.py``): the checklist's ``scoring``
block is built into a :class:`JudgementScheme` by the scorer's ``scoring_model``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AnswerCondition:
    """Holds when every listed item's answer is one of its codes."""

    answers: dict[str, tuple[str, ...]]

    def matches(self, answers: dict[str, str]) -> bool:
        return all(answers.get(item) in codes for item, codes in self.answers.items())

    def describe(self) -> str:
        """E.g. ``1.2 is y/py and 1.3 is n/pn/ni``."""
        return " and ".join(f"{item} is {'/'.join(codes)}" for item, codes in self.answers.items())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerCondition:
        return cls({str(k): tuple(str(c) for c in v) for k, v in data.items()})


@dataclass(frozen=True)
class SignallingQuestion:
    """A checklist item answered within a domain; asked when any ``asked_if`` holds
    (always, if there is none), otherwise read as not applicable."""

    item: str
    asked_if: tuple[AnswerCondition, ...] = ()
    optional: bool = False

    def asked(self, answers: dict[str, str]) -> bool:
        return not self.asked_if or any(c.matches(answers) for c in self.asked_if)


@dataclass(frozen=True)
class DomainRule:
    """``when`` the answers match, the domain's judgement is ``judgement``."""

    when: AnswerCondition
    judgement: str
    note: str | None = None


@dataclass(frozen=True)
class JudgementDomain:
    """One domain of a domain-judgement checklist (e.g. RoB 2's randomisation process)."""

    id: str
    name: str
    questions: tuple[SignallingQuestion, ...]
    rules: tuple[DomainRule, ...]
    default: str | None = None
    override_item: str | None = None
    short: str | None = None
    notes: str | None = None

    @property
    def label(self) -> str:
        """Short column label (``short``, else the id)."""
        return self.short or self.id


@dataclass(frozen=True)
class DomainCondition:
    """A condition on domain judgements: ``any`` (some domain is one of these),
    ``all`` (every domain is one of these), ``at_least`` (count, judgements)."""

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    at_least: tuple[int, tuple[str, ...]] | None = None

    def matches(self, judgements: list[str]) -> bool:
        if self.any and not any(j in self.any for j in judgements):
            return False
        if self.all and not all(j in self.all for j in judgements):
            return False
        if self.at_least is not None:
            count, wanted = self.at_least
            if sum(1 for j in judgements if j in wanted) < count:
                return False
        return True

    def describe(self) -> str:
        parts = []
        if self.any:
            parts.append(f"any domain {'/'.join(self.any)}")
        if self.all:
            parts.append(f"every domain {'/'.join(self.all)}")
        if self.at_least is not None:
            parts.append(f"at least {self.at_least[0]} domains {'/'.join(self.at_least[1])}")
        return " and ".join(parts)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainCondition:
        at_least = data.get("at_least")
        return cls(
            any=tuple(data.get("any") or ()),
            all=tuple(data.get("all") or ()),
            at_least=(int(at_least["count"]), tuple(at_least["judgements"])) if at_least else None,
        )


@dataclass(frozen=True)
class OverallRule:
    """``when`` the domain judgements match, the overall judgement is ``judgement``."""

    when: DomainCondition
    judgement: str
    note: str | None = None


@dataclass(frozen=True)
class OverallFlag:
    """A message reported with the result when ``when`` holds."""

    when: DomainCondition
    message: str


@dataclass(frozen=True)
class JudgementScheme:
    """The whole declared algorithm: judgements (best first), domains, overall rules."""

    judgements: tuple[str, ...]
    labels: dict[str, str]
    domains: tuple[JudgementDomain, ...]
    overall_rules: tuple[OverallRule, ...]
    overall_default: str | None = None
    overall_override_item: str | None = None
    flags: tuple[OverallFlag, ...] = ()
    not_applicable: str = "na"

    def domain(self, domain_id: str) -> JudgementDomain:
        """The domain with ``domain_id``; ``KeyError`` if none."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(f"no judgement domain {domain_id!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgementScheme:
        """Build from a ``scoring`` mapping whose method is ``domain-judgement``."""
        overall = data["overall"]
        return cls(
            judgements=tuple(j["id"] for j in data["judgements"]),
            labels={j["id"]: j["label"] for j in data["judgements"]},
            domains=tuple(
                JudgementDomain(
                    id=d["id"],
                    name=d["name"],
                    questions=tuple(
                        SignallingQuestion(
                            item=str(q["item"]),
                            asked_if=tuple(
                                AnswerCondition.from_dict(c) for c in q.get("asked_if") or ()
                            ),
                            optional=bool(q.get("optional", False)),
                        )
                        for q in d["questions"]
                    ),
                    rules=tuple(
                        DomainRule(
                            AnswerCondition.from_dict(r["when"]), r["judgement"], r.get("note")
                        )
                        for r in d["rules"]
                    ),
                    default=d.get("default"),
                    override_item=d.get("override_item"),
                    short=d.get("short"),
                    notes=d.get("notes"),
                )
                for d in data["domains"]
            ),
            overall_rules=tuple(
                OverallRule(DomainCondition.from_dict(r["when"]), r["judgement"], r.get("note"))
                for r in overall["rules"]
            ),
            overall_default=overall.get("default"),
            overall_override_item=overall.get("override_item"),
            flags=tuple(
                OverallFlag(DomainCondition.from_dict(f["when"]), f["message"])
                for f in overall.get("flags") or ()
            ),
            not_applicable=data.get("not_applicable", "na"),
        )

    @classmethod
    def from_checklist(cls, checklist: Any) -> JudgementScheme:
        """The scheme a checklist declares; ``ValueError`` if it declares none."""
        if checklist.scoring is None or checklist.scoring.method != "domain-judgement":
            raise ValueError(f"checklist {checklist.ref} is not scored by domain-judgement")
        if isinstance(checklist.scoring, JudgementScheme):
            return checklist.scoring
        return cls.from_dict(checklist.scoring.raw)
