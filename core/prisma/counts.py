"""The numbers of a PRISMA 2020 flow diagram, and the checks that they add up.

:class:`PrismaCounts` holds every box of the diagram (Page MJ et al., BMJ
2021;372:n71, figure 1, "new systematic reviews which included searches of
databases, registers and other sources"). The left column follows records from
databases and registers; the right column, drawn only when other methods were
used, follows reports found by other methods (websites, organisations,
citation searching, experts). :func:`check_counts` says, in plain words, where
the numbers do not add up, so a break is explained instead of drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

#: Source kinds on the databases-and-registers side; every other kind is "other methods".
DBR_KINDS = ("database", "register")
#: Other methods, in the order the diagram lists them, with their PRISMA wording.
OTHER_KINDS = {
    "website": "Websites",
    "organisation": "Organisations",
    "citations": "Citation searching",
    "expert": "Experts",
}


@dataclass(frozen=True)
class SourceCount:
    """Records stored from one source (all its imported files)."""

    name: str
    kind: str
    records: int


@dataclass(frozen=True)
class ReasonCount:
    """Reports excluded for one reason."""

    reason: str
    n: int


@dataclass(frozen=True)
class ReportFlow:
    """One column's reports, from sought for retrieval to included.

    ``pending`` and ``conflict`` count reports sought whose full-text decision
    is not final yet (no decision, only undecided ones, or reviewers differing
    with nobody named to settle it); they are the usual reason a column does
    not add up.
    """

    sought: int = 0
    not_retrieved: int = 0
    assessed: int = 0
    excluded: tuple[ReasonCount, ...] = ()
    included: int = 0
    pending: int = 0
    conflict: int = 0

    @property
    def excluded_total(self) -> int:
        return sum(r.n for r in self.excluded)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["excluded"] = [asdict(r) for r in self.excluded]
        out["excluded_total"] = self.excluded_total
        return out


@dataclass(frozen=True)
class PrismaCounts:
    """Every number of a PRISMA 2020 flow diagram, computed from a review's store.

    ``sources`` lists each source with its kind and record count (the
    identification boxes); ``duplicates`` counts database and register records
    removed as duplicates; ``excluded_automatic`` records an automation tool
    found ineligible at the first screening stage; ``excluded_other`` records
    removed for other reasons before screening. ``records_screened``,
    ``records_excluded`` and ``screening_pending`` / ``screening_conflict`` follow
    the first stage(s); ``dbr`` and ``other`` follow reports to inclusion.
    ``other_not_sought`` counts records from other methods that never reached
    the reports boxes (duplicates of records already found, or screened out);
    PRISMA's right column has no box for them, so ``notes`` says so.
    ``new_studies`` and ``new_reports`` are the included studies and their
    reports. ``problems`` explains every count that does not add up.
    """

    sources: tuple[SourceCount, ...] = ()
    duplicates: int = 0
    excluded_automatic: int = 0
    excluded_other: int = 0
    records_screened: int = 0
    records_excluded: int = 0
    screening_pending: int = 0
    screening_conflict: int = 0
    dbr: ReportFlow = field(default_factory=ReportFlow)
    other: ReportFlow = field(default_factory=ReportFlow)
    other_not_sought: int = 0
    new_studies: int = 0
    new_reports: int = 0
    screening_stage: str = ""
    full_text_stage: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    # -- identification, by kind -------------------------------------------------
    def kind_total(self, kind: str) -> int:
        """Records identified from sources of ``kind``."""
        return sum(s.records for s in self.sources if s.kind == kind)

    @property
    def database_results(self) -> int:
        return self.kind_total("database")

    @property
    def register_results(self) -> int:
        return self.kind_total("register")

    @property
    def identified_dbr(self) -> int:
        return self.database_results + self.register_results

    @property
    def identified_other(self) -> int:
        return sum(s.records for s in self.sources if s.kind not in DBR_KINDS)

    @property
    def other_methods_used(self) -> bool:
        """Whether the diagram needs its second column."""
        return any(s.kind not in DBR_KINDS for s in self.sources) or self.other.sought > 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data: every count, the sources, both report columns, problems and notes."""
        return {
            "sources": [asdict(s) for s in self.sources],
            "database_results": self.database_results,
            "register_results": self.register_results,
            "other_results": {kind: self.kind_total(kind) for kind in OTHER_KINDS},
            "duplicates": self.duplicates,
            "excluded_automatic": self.excluded_automatic,
            "excluded_other": self.excluded_other,
            "records_screened": self.records_screened,
            "records_excluded": self.records_excluded,
            "screening_pending": self.screening_pending,
            "screening_conflict": self.screening_conflict,
            "dbr": self.dbr.to_dict(),
            "other": self.other.to_dict(),
            "other_not_sought": self.other_not_sought,
            "new_studies": self.new_studies,
            "new_reports": self.new_reports,
            "screening_stage": self.screening_stage,
            "full_text_stage": self.full_text_stage,
            "other_methods_used": self.other_methods_used,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


def counts_from_dict(data: Mapping[str, Any]) -> PrismaCounts:
    """A :class:`PrismaCounts` back from its ``to_dict()`` (e.g. a pipeline's JSON output)."""

    def flow(raw: Mapping[str, Any] | None) -> ReportFlow:
        raw = raw or {}
        return ReportFlow(
            sought=int(raw.get("sought", 0)),
            not_retrieved=int(raw.get("not_retrieved", 0)),
            assessed=int(raw.get("assessed", 0)),
            included=int(raw.get("included", 0)),
            excluded=tuple(
                ReasonCount(str(r["reason"]), int(r["n"])) for r in raw.get("excluded", ())
            ),
            pending=int(raw.get("pending", 0)),
            conflict=int(raw.get("conflict", 0)),
        )

    return PrismaCounts(
        sources=tuple(
            SourceCount(str(s["name"]), str(s["kind"]), int(s["records"]))
            for s in data.get("sources", ())
        ),
        **{
            name: int(data.get(name, 0))
            for name in (
                "duplicates",
                "excluded_automatic",
                "excluded_other",
                "records_screened",
                "records_excluded",
                "screening_pending",
                "screening_conflict",
                "other_not_sought",
                "new_studies",
                "new_reports",
            )
        },
        dbr=flow(data.get("dbr")),
        other=flow(data.get("other")),
        screening_stage=str(data.get("screening_stage", "")),
        full_text_stage=str(data.get("full_text_stage", "")),
        problems=tuple(data.get("problems", ())),
        notes=tuple(data.get("notes", ())),
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _unresolved(pending: int, conflict: int, stage: str) -> str:
    parts = []
    if pending:
        parts.append(f"{pending} without a final decision")
    if conflict:
        parts.append(f"{conflict} where reviewers disagree and nobody is named to settle it")
    if not parts:
        return ""
    return (
        f" at {stage!r}: {' and '.join(parts)}; finish screening (evidencekit decisions "
        "queue) or resolve the disagreements (evidencekit decisions agreement)"
    )


def _flow_problems(flow: ReportFlow, label: str, stage: str) -> list[str]:
    problems = []
    if flow.sought - flow.not_retrieved != flow.assessed:
        gap = flow.sought - flow.not_retrieved - flow.assessed
        problems.append(
            f"{label}: reports sought ({flow.sought}) minus reports not retrieved "
            f"({flow.not_retrieved}) is {flow.sought - flow.not_retrieved}, but "
            f"{flow.assessed} were assessed for eligibility; {gap} reports"
            + (_unresolved(flow.pending, flow.conflict, stage) or " are unaccounted for")
        )
    if flow.assessed - flow.excluded_total != flow.included:
        problems.append(
            f"{label}: reports assessed ({flow.assessed}) minus reports excluded "
            f"({flow.excluded_total}) is {flow.assessed - flow.excluded_total}, but "
            f"{flow.included} reports were included"
        )
    unnamed = [r.n for r in flow.excluded if not r.reason]
    if unnamed:
        problems.append(
            f"{label}: {_n(sum(unnamed), 'report')} excluded at {stage!r} without a reason; "
            "PRISMA 2020 asks for the reason of every excluded report (give one from "
            "screening.reasons in review.yaml)"
        )
    return problems


def check_counts(counts: PrismaCounts) -> list[str]:
    """Every place where the diagram's numbers do not add up, each in one sentence.

    The invariants (PRISMA 2020 figure 1): records identified from databases and
    registers, less those removed before screening, are the records screened;
    records screened less records excluded are the reports sought; reports
    sought less those not retrieved are those assessed; reports assessed less
    those excluded are the reports included, from both columns together; there
    are no more studies than reports; no count is negative.
    """
    c = counts
    problems: list[str] = []
    stage, ft = c.screening_stage or "screening", c.full_text_stage or "full text"
    negative = [
        name
        for name, value in (
            ("duplicates", c.duplicates),
            ("excluded_automatic", c.excluded_automatic),
            ("excluded_other", c.excluded_other),
            ("records_screened", c.records_screened),
            ("records_excluded", c.records_excluded),
            ("new_studies", c.new_studies),
            ("new_reports", c.new_reports),
        )
        if value < 0
    ]
    if negative:
        problems.append(
            f"negative counts: {', '.join(negative)}; the store is inconsistent "
            "(run evidencekit dedupe again)"
        )
    removed = c.duplicates + c.excluded_automatic + c.excluded_other
    if c.identified_dbr - removed != c.records_screened:
        problems.append(
            f"records identified from databases and registers ({c.identified_dbr}) minus those "
            f"removed before screening ({removed}: {c.duplicates} duplicates, "
            f"{c.excluded_automatic} by automation tools, {c.excluded_other} for other reasons) "
            f"is {c.identified_dbr - removed}, but {c.records_screened} records were screened"
        )
    expected_sought = c.records_screened - c.records_excluded
    if expected_sought != c.dbr.sought:
        detail = _unresolved(c.screening_pending, c.screening_conflict, stage)
        problems.append(
            f"records screened ({c.records_screened}) minus records excluded "
            f"({c.records_excluded}) is {expected_sought}, but {c.dbr.sought} reports were "
            f"sought for retrieval; {abs(expected_sought - c.dbr.sought)} records"
            + (detail or " are unaccounted for")
        )
    problems += _flow_problems(c.dbr, "databases and registers", ft)
    if c.other_methods_used:
        problems += _flow_problems(c.other, "other methods", ft)
    if c.dbr.included + c.other.included != c.new_reports:
        problems.append(
            f"reports included from databases and registers ({c.dbr.included}) and from "
            f"other methods ({c.other.included}) make {c.dbr.included + c.other.included}, "
            f"but the review includes {c.new_reports} reports"
        )
    if c.new_studies > c.new_reports:
        problems.append(
            f"{_n(c.new_studies, 'study', 'studies')} included but only "
            f"{_n(c.new_reports, 'report')}: every study needs a report"
        )
    if c.new_reports and not c.new_studies:
        problems.append(f"{_n(c.new_reports, 'report')} included but no study")
    return problems
