"""Item-level agreement between two reviewers who appraised the same studies."""

from __future__ import annotations

from typing import Any

from evidencekit.core.appraisal.settings import Context
from evidencekit.core.appraisal.validate import Validated


def dual_agreement(validated: Validated, ctx: Context) -> dict[str, Any]:
    """Item-level agreement between each pair of reviewers who appraised the same studies.

    Only choice items count; an empty answer is its own category ("unanswered").
    The consensus reviewer's rows are the resolution, not a rater, and are left out.
    """
    from evidencekit.core.agreement import agreement

    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    consensus_name = ctx.settings.consensus_reviewer
    for (study_id, ref), by_reviewer in validated.appraisals.items():
        raters = sorted(
            r
            for r in by_reviewer
            if r != consensus_name or ctx.settings.consensus_method == "primary"
        )
        if len(raters) < 2:
            continue
        checklist = ctx.checklist(ref)
        choice_items = [i.id for i in checklist.items if i.answer_type == "choice"]
        for i, a in enumerate(raters):
            for b in raters[i + 1 :]:
                slot = pairs.setdefault(
                    (a, b),
                    {"a": [], "b": [], "studies": set(), "disagreements": [], "by_checklist": {}},
                )
                per = slot["by_checklist"].setdefault(checklist.id, {"a": [], "b": []})
                slot["studies"].add(study_id)
                for item_id in choice_items:
                    ra, rb = by_reviewer[a].get(item_id), by_reviewer[b].get(item_id)
                    if ra is None or rb is None:
                        continue
                    va, vb = ra.answer or "(unanswered)", rb.answer or "(unanswered)"
                    slot["a"].append(va)
                    slot["b"].append(vb)
                    per["a"].append(va)
                    per["b"].append(vb)
                    if va != vb:
                        slot["disagreements"].append(
                            {
                                "study_id": study_id,
                                "checklist": checklist.id,
                                "item": item_id,
                                a or "(unnamed)": va,
                                b or "(unnamed)": vb,
                            }
                        )
    out = []
    for (a, b), slot in sorted(pairs.items()):
        entry = {
            "reviewers": [a, b],
            "studies": len(slot["studies"]),
            **agreement(slot["a"], slot["b"]),
            "by_checklist": {
                c: agreement(v["a"], v["b"]) for c, v in sorted(slot["by_checklist"].items())
            },
            "disagreements": slot["disagreements"],
        }
        out.append(entry)
    return {"pairs": out}
