"""Resolved answers scored by each checklist's scorer, with counts per grade, design and
checklist."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.appraisal.answers import AnswerRow, AnswersInvalid, read_answers
from evidencekit.core.appraisal.consensus import resolve_consensus
from evidencekit.core.appraisal.dual import dual_agreement
from evidencekit.core.appraisal.settings import Context
from evidencekit.core.appraisal.validate import Validated, validate_answers
from evidencekit.core.problems import Problem


@dataclass
class StudyScore:
    """The scored appraisal of one study with one checklist."""

    study_id: str
    checklist: str
    checklist_version: str
    design: str | None
    scorer: str
    score_percent: float | None
    grade: str | None
    reviewers: list[str]
    resolution: str
    answers: dict[str, str]
    details: dict[str, Any]
    reviewer_grades: dict[str, str | None] = field(default_factory=dict)
    #: "Author Year" from the studies table (core/study_labels.py), else the study id.
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_one(ctx: Context, checklist: Any, answers: Mapping[str, str]) -> tuple[str, dict]:
    """Score one set of answers; return (scorer name, normalised result).

    The scorer's result is checked at the boundary (``check_score_result``): a malformed
    one stops with a message naming the scorer and its plugin.
    """
    from evidencekit.core.results import check_score_result

    name, scorer, options = ctx.scorer_for(checklist)
    who = f"appraisal scorer {name!r} ({ctx.registry.info('appraisal-scorer', name).origin})"
    return name, check_score_result(scorer.score(checklist, dict(answers), options), who)


@dataclass
class AppraisalReport:
    """Everything ``appraise score`` reports."""

    studies: list[StudyScore]
    grades: dict[str, int]
    by_design: dict[str, dict[str, int]]
    by_checklist: dict[str, dict[str, int]]
    no_checklist: list[dict[str, str]]
    not_appraised: list[str]
    skipped: list[Problem]
    agreement: dict[str, Any]
    checklists: dict[str, dict[str, Any]]
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "studies": [s.to_dict() for s in self.studies],
            "grades": dict(self.grades),
            "by_design": self.by_design,
            "by_checklist": self.by_checklist,
            "no_checklist": self.no_checklist,
            "not_appraised": self.not_appraised,
            "skipped": [p.to_dict() for p in self.skipped],
            "agreement": self.agreement,
            "checklists": self.checklists,
            "files": self.files,
        }


def appraise(
    rows: Sequence[AnswerRow],
    ctx: Context,
    *,
    skip_invalid: bool = False,
    files: Sequence[str] = (),
) -> AppraisalReport:
    """Validate, resolve and score ``rows``; raise :class:`AnswersInvalid` on problems
    unless ``skip_invalid`` (then the problems are listed under ``skipped``)."""
    validated = validate_answers(rows, ctx)
    resolved, consensus_problems = resolve_consensus(validated, ctx)
    problems = validated.problems + consensus_problems
    if problems and not skip_invalid:
        raise AnswersInvalid(problems)
    if problems:
        problems = problems + _skipped_with_their_appraisal(validated, problems)

    grade_order: list[str] = []
    scores: list[StudyScore] = []
    for res in resolved:
        checklist = ctx.checklist(res.checklist_ref)
        name, result = score_one(ctx, checklist, res.answers)
        for g in result.get("grades") or []:
            if g not in grade_order:
                grade_order.append(g)
        reviewer_grades: dict[str, str | None] = {}
        if len(res.reviewers) > 1:
            key = (res.study_id, res.checklist_ref)
            by_reviewer = validated.appraisals[key]
            for reviewer, answers in by_reviewer.items():
                if reviewer in validated.partial.get(key, ()):
                    continue  # consensus rows on the disputed items only: no grade of their own
                _, own = score_one(ctx, checklist, {k: r.answer for k, r in answers.items()})
                reviewer_grades[reviewer] = own["grade"]
        design = ctx.design_of(res.study_id) or checklist.design
        details = {k: v for k, v in result.items() if k not in ("grade", "score_percent")}
        if res.notes:
            details["notes"] = res.notes
        scores.append(
            StudyScore(
                study_id=res.study_id,
                checklist=checklist.id,
                checklist_version=checklist.version,
                design=design,
                scorer=name,
                score_percent=result["score_percent"],
                grade=result["grade"],
                reviewers=res.reviewers,
                resolution=res.resolution,
                answers=res.answers,
                details=details,
                reviewer_grades=reviewer_grades,
            )
        )
    scores.sort(key=lambda s: (s.study_id, s.checklist))
    from evidencekit.core.study_labels import study_labels

    labels = study_labels(ctx.studies, (s.study_id for s in scores))
    for s in scores:
        s.label = labels[s.study_id]

    def ordered(counter: Counter) -> dict[str, int]:
        keys = [g for g in grade_order if g in counter] + sorted(
            (g for g in counter if g not in grade_order), key=str
        )
        return {str(k): counter[k] for k in keys}

    grades = ordered(Counter(s.grade for s in scores))
    by_design: dict[str, Counter] = defaultdict(Counter)
    by_checklist: dict[str, Counter] = defaultdict(Counter)
    for s in scores:
        by_design[s.design or "(unknown)"][s.grade] += 1
        by_checklist[s.checklist][s.grade] += 1

    appraised = {s.study_id for s in scores}
    no_checklist: list[dict[str, str]] = []
    not_appraised: list[str] = []
    if ctx.studies is not None:
        for study_id in ctx.studies:
            design = ctx.design_of(study_id)
            if ctx.settings.checklists and not ctx.settings.checklists_for(design):
                no_checklist.append({"study_id": study_id, "design": design or ""})
            if study_id not in appraised:
                not_appraised.append(study_id)

    checklists = {}
    for ref in sorted({r.checklist_ref for r in resolved}):
        c = ctx.checklist(ref)
        checklists[c.id] = {
            "version": c.version,
            "title": c.title,
            "design": c.design,
            "items": [
                {
                    "id": i.id,
                    "number": i.number,
                    "scored": i.scored,
                    "answer_type": i.answer_type,
                    "text": i.text,
                }
                for i in c.items
            ],
        }

    return AppraisalReport(
        studies=scores,
        grades=grades,
        by_design={d: ordered(c) for d, c in sorted(by_design.items())},
        by_checklist={k: ordered(c) for k, c in sorted(by_checklist.items())},
        no_checklist=no_checklist,
        not_appraised=not_appraised,
        skipped=problems,
        agreement=dual_agreement(validated, ctx),
        checklists=checklists,
        files=list(files),
    )


def _skipped_with_their_appraisal(
    validated: Validated, problems: Sequence[Problem]
) -> list[Problem]:
    """Valid rows skipped because their appraisal has an invalid row, one entry per
    appraisal, so that ``--skip-invalid`` lists every row it leaves out."""
    named = {(p.file, p.row) for p in problems if p.row is not None}
    named |= {(p.file, r) for p in problems for r in p.rows}
    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for row in validated.skipped_rows:
        if row.row is not None and (row.file, row.row) not in named:
            groups[(row.file, row.study_id, row.checklist, row.reviewer)].append(row.row)
    return [
        Problem(
            message="valid rows skipped with the rest of this appraisal, which has "
            "the problem(s) above: an appraisal is scored whole or not at all",
            file=file,
            rows=rows,
            study_id=study_id or None,
            checklist=checklist or None,
            reviewer=reviewer or None,
        )
        for (file, study_id, checklist, reviewer), rows in groups.items()
    ]


def score_files(
    answers: str | Path | Sequence[str | Path],
    ctx: Context,
    *,
    skip_invalid: bool = False,
) -> AppraisalReport:
    """Read answer files and :func:`appraise` them."""
    paths = [answers] if isinstance(answers, (str, Path)) else list(answers)
    rows = read_answers(paths)
    return appraise(rows, ctx, skip_invalid=skip_invalid, files=[str(p) for p in paths])
