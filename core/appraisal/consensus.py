"""One or more reviewers' answers turned into the answers that are scored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evidencekit.core.appraisal.answers import AnswerRow
from evidencekit.core.appraisal.settings import Context
from evidencekit.core.appraisal.validate import Validated, _find_item, _scorer_problems
from evidencekit.core.problems import Problem
from evidencekit.core.scoring import (
    is_unanswered,
)


@dataclass
class Resolved:
    """The answers scored for one study and checklist, and how they were reached."""

    study_id: str
    checklist_ref: str
    answers: dict[str, str]
    notes: dict[str, str]
    reviewers: list[str]
    resolution: str  # single | consensus | agreed | primary | conservative
    rows: list[int]
    file: str


def resolve_consensus(validated: Validated, ctx: Context) -> tuple[list[Resolved], list[Problem]]:
    """One set of answers per study and checklist, by the review's consensus rule.

    Rows of the consensus reviewer (``appraisal.consensus.reviewer``, default
    ``consensus``) settle the items they answer; they may cover only the disputed
    items, and the merged answers must then be complete for the scorer. Free-text
    items are never disputed: differing texts are kept side by side.
    """
    out: list[Resolved] = []
    problems: list[Problem] = []
    method = ctx.settings.consensus_method
    consensus_name = ctx.settings.consensus_reviewer
    for (study_id, ref), by_reviewer in validated.appraisals.items():
        all_rows = [r for answers in by_reviewer.values() for r in answers.values()]
        file = all_rows[0].file
        rows = sorted(r.row for r in all_rows if r.row)
        reviewers = list(by_reviewer)
        checklist = ctx.checklist(ref)
        partial = validated.partial.get((study_id, ref), set())

        def done(
            answers: Mapping[str, AnswerRow],
            how: str,
            study_id: str = study_id,
            ref: str = ref,
            reviewers: list[str] = reviewers,
            rows: list[int] = rows,
            file: str = file,
            checklist: Any = checklist,
            check: bool = bool(partial),
        ) -> None:
            if check and not _merged_complete(
                ctx, checklist, answers, study_id, file, rows, problems
            ):
                return
            out.append(
                Resolved(
                    study_id,
                    ref,
                    {k: r.answer for k, r in answers.items()},
                    {k: r.note for k, r in answers.items() if r.note},
                    reviewers,
                    how,
                    rows,
                    file,
                )
            )

        if len(by_reviewer) == 1:
            done(next(iter(by_reviewer.values())), "single")
            continue
        if method == "primary":
            primary = ctx.settings.consensus_reviewer
            if primary not in by_reviewer:
                problems.append(
                    Problem(
                        message=f"appraised by {', '.join(reviewers)} but not by the primary "
                        f"reviewer {primary!r} named in appraisal.consensus",
                        file=file,
                        rows=rows,
                        study_id=study_id,
                        checklist=checklist.id,
                        allowed=primary,
                    )
                )
                continue
            done(by_reviewer[primary], "primary")
            continue
        settled = by_reviewer.get(consensus_name, {})
        raters = {r: a for r, a in by_reviewer.items() if r != consensus_name}
        if not raters:  # only consensus rows (the raters' were invalid and skipped)
            done(settled, "consensus")
            continue
        items = list(dict.fromkeys([*(i for a in raters.values() for i in a), *settled]))
        agreed: dict[str, AnswerRow] = {}
        disagreements = []
        for item_id in items:
            if item_id in settled:
                agreed[item_id] = settled[item_id]
                continue
            given = {r: a[item_id] for r, a in raters.items() if item_id in a}
            values = {row.answer for row in given.values()}
            if len(values) == 1 and len(given) == len(raters):
                agreed[item_id] = next(iter(given.values()))
            elif _is_text_item(checklist, item_id):
                agreed[item_id] = _side_by_side(given)
            elif method == "conservative":
                chosen = _least_favourable(checklist, item_id, list(given.values()))
                if chosen is None:
                    disagreements.append((item_id, given))
                else:
                    agreed[item_id] = chosen
            else:
                disagreements.append((item_id, given))
        if disagreements:
            listed = "; ".join(
                f"item {i}: "
                + ", ".join(f"{r or '(unnamed)'} {row.answer!r}" for r, row in g.items())
                for i, g in disagreements
            )
            hint = (
                f"add rows from reviewer {consensus_name!r} with the agreed answers to these items"
                if method == "consensus-reviewer"
                else "these items have no points to compare; add rows from reviewer "
                f"{consensus_name!r} with the agreed answers"
            )
            problems.append(
                Problem(
                    message=f"reviewers disagree and there is no consensus ({listed}); {hint}",
                    file=file,
                    rows=rows,
                    study_id=study_id,
                    checklist=checklist.id,
                    allowed="one agreed answer per item",
                )
            )
            continue
        done(
            agreed,
            "consensus" if settled else "conservative" if method == "conservative" else "agreed",
        )
    return out, problems


def _is_text_item(checklist: Any, item_id: str) -> bool:
    item = _find_item(checklist, item_id)
    return item is not None and item.answer_type != "choice"


def _side_by_side(given: Mapping[str, AnswerRow]) -> AnswerRow:
    """Differing free-text answers of several reviewers, kept together (not scored)."""
    first = next(iter(given.values()))
    text = " | ".join(
        f"{r or '(unnamed)'}: {row.answer}"
        for r, row in given.items()
        if not is_unanswered(row.answer)
    )
    notes = " | ".join(f"{r or '(unnamed)'}: {row.note}" for r, row in given.items() if row.note)
    return AnswerRow(
        study_id=first.study_id,
        checklist=first.checklist,
        item=first.item,
        answer=text,
        reviewer="",
        note=notes,
        row=first.row,
        file=first.file,
    )


def _merged_complete(
    ctx: Context,
    checklist: Any,
    answers: Mapping[str, AnswerRow],
    study_id: str,
    file: str,
    rows: list[int],
    problems: list[Problem],
) -> bool:
    """Check answers merged from raters and partial consensus rows; report what is missing."""
    _, scorer, options = ctx.scorer_for(checklist)
    found = _scorer_problems(scorer, checklist, answers, options)
    for p in found:
        row_of_item = answers.get(p.item) if p.item else None
        problems.append(
            Problem(
                message=f"after consensus: {p.message}",
                file=file,
                row=row_of_item.row if row_of_item else None,
                rows=[] if row_of_item else rows,
                study_id=study_id,
                checklist=checklist.id,
                item=p.item,
                value=p.value,
                allowed=p.allowed,
            )
        )
    return not found


def _least_favourable(checklist: Any, item_id: str, rows: list[AnswerRow]) -> AnswerRow | None:
    """The answer earning the fewest points (unanswered counts as 0); None if an answer
    has no points to compare (e.g. a free-text item or a checklist without points)."""
    # Answers are compared by the points the checklist's scoring rule gives them: a scorer
    # whose typed rule has points per answer (percentage-bands) makes them comparable.
    points = getattr(checklist.scoring, "points", None) or {}

    def value(row: AnswerRow) -> float | None:
        return 0.0 if is_unanswered(row.answer) else points.get(row.answer)

    if any(value(r) is None for r in rows):
        return None
    return min(rows, key=lambda r: value(r) or 0.0)
