"""Answer rows checked against their checklist and the review, every problem located."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.appraisal.answers import AnswerRow
from evidencekit.core.appraisal.settings import Context
from evidencekit.core.errors import InstrumentError
from evidencekit.core.problems import Problem
from evidencekit.core.scoring import (
    AnswerProblem,
    is_unanswered,
)


@dataclass
class Validated:
    """Rows that passed validation, grouped by appraisal, and the problems found."""

    # (study_id, checklist ref) → reviewer → item id → AnswerRow
    appraisals: dict[tuple[str, str], dict[str, dict[str, AnswerRow]]]
    problems: list[Problem]
    skipped_rows: list[AnswerRow] = field(default_factory=list)
    # (study_id, checklist ref) → reviewers whose rows need not be complete on their own:
    # a consensus reviewer who only resolves the items the raters disagree on. The merged
    # answers are checked instead (in resolve_consensus).
    partial: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def _find_item(checklist: Any, raw: str) -> Any | None:
    """The item (or an item's part, e.g. CASP cohort 5a) by id, or by printed number."""
    wanted = raw.strip().lower()
    candidates = [*checklist.items, *(p for i in checklist.items for p in i.parts)]
    for item in candidates:
        if item.id.lower() == wanted:
            return item
    for item in candidates:
        number = str(item.number or "").lower()
        if number and (number == wanted or f"q{number}" == wanted):
            return item
    return None


def _allowed_items(checklist: Any) -> str:
    parts = [p.id for i in checklist.items for p in i.parts]
    return ", ".join(i.id for i in checklist.items) + (
        f" (parts: {', '.join(parts)})" if parts else ""
    )


def _fold(text: str) -> str:
    # the same folding as ChecklistItem.code_for: case, spaces, '-', '_', apostrophes
    text = str(text).strip().lower().replace("’", "'").replace("'", "")
    return re.sub(r"[\s_-]+", "_", text)


def _code_for(item: Any, value: str) -> str | None:
    """The answer code of ``item`` (an item or a part) that ``value`` names, by code or label."""
    wanted = _fold(value)
    for option in item.options:
        if wanted in (_fold(option.code), _fold(option.label)):
            return option.code
    return None


@dataclass
class _Found:
    """What validation has found so far: problems, rows to skip, valid rows grouped."""

    problems: list[Problem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    # (study, checklist ref, reviewer, item) of rows already reported, so that the
    # completeness check does not report them a second time as missing
    bad_items: set[tuple[str, str, str, str]] = field(default_factory=set)
    grouped: dict[tuple[str, str], dict[str, dict[str, AnswerRow]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )
    known_checklists: list[str] | None = None

    def row_problem(self, row: AnswerRow, message: str, ref: str = "", **kw: Any) -> None:
        self.problems.append(
            Problem(
                message=message, file=row.file, row=row.row, study_id=row.study_id or None, **kw
            )
        )
        self.bad_rows.add(id(row))
        if "item" in kw and kw.get("checklist"):
            self.bad_items.add((row.study_id, ref, row.reviewer, kw["item"]))


def validate_answers(rows: Sequence[AnswerRow], ctx: Context) -> Validated:
    """Check every row; return the valid ones grouped and every problem found."""
    found = _Found()
    for row in rows:
        _check_row(row, ctx, found)
    partial = _check_complete(ctx, found)
    skipped = [r for r in rows if id(r) in found.bad_rows]
    return Validated(
        appraisals={k: dict(v) for k, v in found.grouped.items()},
        problems=found.problems,
        skipped_rows=skipped,
        partial=partial,
    )


def _checklist_of(row: AnswerRow, ctx: Context, found: _Found) -> Any | None:
    """The checklist a row answers (its study known, its checklist the review's for the
    study's design); None, with the problem recorded, if there is none."""
    if not row.study_id:
        found.row_problem(row, "the study_id is empty; every row needs the study it appraises")
        return None
    if ctx.studies is not None and row.study_id not in ctx.studies:
        found.row_problem(
            row,
            f"unknown study; it is not in {ctx.studies_file or 'the studies table'}",
            value=row.study_id,
            allowed=f"the {len(ctx.studies)} study ids of that file",
        )
        return None
    design = ctx.design_of(row.study_id)
    mapped = ctx.settings.checklists_for(design)
    ref = row.checklist
    if not ref:
        if len(mapped) != 1:
            found.row_problem(
                row,
                "the checklist is empty and the review maps no single checklist "
                f"to this study's design ({design or 'unknown design'})",
                allowed="a checklist id, or appraisal.checklists in review.yaml",
            )
            return None
        ref = row.checklist = mapped[0]
    try:
        checklist = ctx.checklist(ref)
    except InstrumentError:
        if found.known_checklists is None:
            found.known_checklists = ctx.known_checklists()
        broken = ctx.review.catalog.problems
        hint = (
            (
                f" ({len(broken)} instrument file(s) failed to load, e.g. {broken[0]}; "
                "check them with `evidencekit instruments validate`)"
            )
            if broken
            else ""
        )
        found.row_problem(
            row,
            "unknown checklist" + hint,
            value=ref,
            allowed=", ".join(found.known_checklists) or "(none installed)",
        )
        return None
    if mapped and checklist.id not in [m.split("@")[0] for m in mapped]:
        found.row_problem(
            row,
            f"the review maps design '{design}' to {', '.join(mapped)}, not to {checklist.id}",
            checklist=checklist.id,
            value=ref,
            allowed=", ".join(mapped),
        )
        return None
    return checklist


def _check_row(row: AnswerRow, ctx: Context, found: _Found) -> None:
    """One row: its checklist, item and answer; valid rows are grouped by study,
    checklist and reviewer."""
    checklist = _checklist_of(row, ctx, found)
    if checklist is None:
        return
    item = _find_item(checklist, row.item)
    if item is None:
        found.row_problem(
            row,
            "unknown item for this checklist",
            checklist=checklist.id,
            value=row.item,
            allowed=_allowed_items(checklist),
        )
        return
    row.item = item.id
    if item.answer_type == "choice" and not is_unanswered(row.answer):
        code = _code_for(item, row.answer)
        if code is None:
            found.row_problem(
                row,
                "answer not accepted by this item",
                checklist.ref,
                checklist=checklist.id,
                item=item.id,
                value=row.answer,
                allowed=", ".join(f"{o.code} ({o.label})" for o in item.options),
            )
            return
        row.answer = code
    by_item = found.grouped[(row.study_id, checklist.ref)][row.reviewer]
    earlier = by_item.get(item.id)
    if earlier is not None:
        where = (
            f"row {earlier.row}" if earlier.file == row.file else f"{earlier.file}:{earlier.row}"
        )
        found.row_problem(
            row,
            f"a second answer from the same reviewer (first at {where})",
            checklist.ref,
            checklist=checklist.id,
            item=item.id,
            reviewer=row.reviewer or "(unnamed)",
            value=row.answer,
            allowed="one answer per study, item and reviewer",
        )
        return
    by_item[item.id] = row


def _check_complete(ctx: Context, found: _Found) -> dict[tuple[str, str], set[str]]:
    """Each reviewer's appraisal must be complete for its scorer, except a consensus
    reviewer's next to raters: consensus rows may cover only the disputed items.

    Incomplete appraisals are removed from ``found.grouped`` (all their rows skipped);
    returns the consensus appraisals accepted as partial.
    """
    partial: dict[tuple[str, str], set[str]] = {}
    consensus_name = ctx.settings.consensus_reviewer
    consensus_may_be_partial = ctx.settings.consensus_method != "primary"
    grouped = found.grouped
    for (study_id, ref), by_reviewer in list(grouped.items()):
        checklist = ctx.checklist(ref)
        # A scorer that cannot be resolved is the review's or the checklist's mistake, not
        # the answers': raised once (naming where), never skipped by --skip-invalid.
        _, scorer, options = ctx.scorer_for(checklist)
        exempt = consensus_may_be_partial and consensus_name in by_reviewer and len(by_reviewer) > 1
        for reviewer, answers in list(by_reviewer.items()):
            missing = _scorer_problems(scorer, checklist, answers, options)
            if missing and exempt and reviewer == consensus_name:
                missing = []
                partial.setdefault((study_id, ref), set()).add(reviewer)
            failed = bool(missing) or any(
                k[:3] == (study_id, ref, reviewer) for k in found.bad_items
            )
            missing = [
                p for p in missing if (study_id, ref, reviewer, p.item) not in found.bad_items
            ]
            for p in missing:
                first = next(iter(answers.values()))
                row_of_item = answers.get(p.item) if p.item else None
                found.problems.append(
                    Problem(
                        message=p.message,
                        file=first.file,
                        row=row_of_item.row if row_of_item else None,
                        rows=[] if row_of_item else [r.row for r in answers.values() if r.row],
                        study_id=study_id,
                        checklist=checklist.id,
                        item=p.item,
                        value=p.value,
                        allowed=p.allowed,
                        reviewer=reviewer or None,
                    )
                )
            if failed:
                # an incomplete appraisal cannot be scored: all its rows are skipped
                for r in answers.values():
                    found.bad_rows.add(id(r))
                del by_reviewer[reviewer]
        if not by_reviewer:
            del grouped[(study_id, ref)]
    return partial


def _scorer_problems(
    scorer: Any, checklist: Any, answers: Mapping[str, AnswerRow], options: Mapping[str, Any]
) -> list[AnswerProblem]:
    values = {item: row.answer for item, row in answers.items()}
    check = getattr(scorer, "check", None)
    if check is not None:
        return list(check(checklist, values, options))
    # A scorer without its own check: every scored item needs an answer row.
    return [
        AnswerProblem(
            message=f"scored item {i.id} has no answer row; add one",
            item=i.id,
            allowed=", ".join(i.codes) or "free text",
        )
        for i in checklist.scored_items
        if i.id not in values
    ]
