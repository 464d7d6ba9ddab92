"""Vote counting, shared by every synthesis method: which studies coded each influence,
in which direction and with which factors; the ranking and its tie rule; retention at a
threshold; Kendall's tau-b between two rankings.

A private module (its name starts with ``_``), so the plugin manager does not register it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from evidencekit.core.errors import EvidencekitError

#: How ties (equal numbers of studies) are broken; the first is the default.
TIE_RULES = {
    "framework-order": "influences coded by the same number of studies keep the order in "
    "which framework {framework} lists them",
    "name": "influences coded by the same number of studies are ordered by name (A-Z)",
    "id": "influences coded by the same number of studies are ordered by id (A-Z)",
}
DENOMINATORS = {
    "included": "all {n} included studies of the studies table",
    "coded": "the {n} studies that coded at least one influence",
}
DEFAULT_THRESHOLD = 0.10
#: Below this many studies a subgroup is called small in the wording of its result.
SMALL_SUBGROUP = 10

COMMON_OPTIONS: dict[str, Any] = {
    "tie_rule": {
        "enum": list(TIE_RULES),
        "default": "framework-order",
        "description": "How influences coded by equally many studies are ordered.",
    },
    "denominator": {
        "enum": list(DENOMINATORS),
        "default": "included",
        "description": "included: every study of the studies table; coded: the "
        "studies with at least one coded influence.",
    },
}
THRESHOLD_OPTION: dict[str, Any] = {
    "type": "number",
    "exclusiveMinimum": 0,
    "maximum": 1,
    "default": DEFAULT_THRESHOLD,
    "description": "Retention threshold: an influence coded by at least this share of the "
    "studies (0.10 = 10 %) is retained in the framework.",
}


def check_threshold(value: Any, where: str = "threshold") -> float:
    """A share in (0, 1]; anything else is an error saying what is allowed."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 < value <= 1
    ):
        raise EvidencekitError(
            f"{where} {value!r}: must be a share of studies in (0, 1], e.g. 0.10 for 10 %"
        )
    return float(value)


def reaches(n: int, total: int, threshold: float) -> bool:
    """n / total >= threshold, exactly (7/70 reaches 0.10; floating point would say no)."""
    return total > 0 and Fraction(n, total) >= Fraction(str(threshold))


NOT_RECORDED = "(not recorded)"


def norm(text: str) -> str:
    """A level or grade compared ignoring case and spacing."""
    return " ".join(str(text).split()).casefold()


def study_levels(value: Any) -> list[str]:
    """The levels a study has for an attribute: one, several (a list attribute such as
    country 'Israel; USA'), or '(not recorded)' when empty."""
    if isinstance(value, (list, tuple)):
        levels = [str(v).strip() for v in value if str(v).strip()]
    else:
        levels = [str(value).strip()] if value is not None and str(value).strip() else []
    return levels or [NOT_RECORDED]


def check_attribute(studies: Any, attribute: str) -> None:
    """An error naming the studies table's header line when it lacks ``attribute``."""
    if attribute not in studies.attributes:
        raise EvidencekitError(
            f"{studies.studies_file}:{studies.studies_header_line}: the studies table has no "
            f"attribute {attribute!r}; attributes: {', '.join(studies.attributes) or '(none)'}"
            "; add the column or choose one of these"
        )


def _fold(text: str) -> str:
    # The same factor written twice ("Peer supervision." / "peer  supervision") is one factor.
    return re.sub(r"\s+", " ", text.strip().rstrip(".;,")).casefold()


def _factors(entries: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """(study, factor text) pairs → [{factor, n_studies}], most studies first."""
    spellings: dict[str, dict[str, int]] = {}
    studies: dict[str, set[str]] = {}
    for study, text in entries:
        if not text:
            continue
        key = _fold(text)
        written = " ".join(text.split())
        spellings.setdefault(key, {})[written] = spellings.get(key, {}).get(written, 0) + 1
        studies.setdefault(key, set()).add(study)
    # shown as most often written (then A-Z), so the order of the rows does not matter
    shown = {k: min(v, key=lambda w: (-v[w], w)) for k, v in spellings.items()}
    out = [{"factor": shown[k], "n_studies": len(v)} for k, v in studies.items()]
    out.sort(key=lambda f: (-f["n_studies"], f["factor"].casefold()))
    return out


def vote_count(
    data: Any,
    framework: Any,
    study_ids: Iterable[str] | None = None,
    *,
    tie_rule: str = "framework-order",
    denominator: str = "included",
    threshold: float | None = None,
) -> dict[str, Any]:
    """Count, for each influence of ``framework``, the studies (of ``study_ids``, default
    all) that coded it. A study coding an influence several times counts once; a study
    coding it both as facilitator and as barrier counts under both and is flagged.

    Influences with a declared unclear direction are ranked apart
    (``unclear_direction``); the others are ``influences``, in rank order.
    """
    if tie_rule not in TIE_RULES:
        raise EvidencekitError(f"unknown tie rule {tie_rule!r}; known: {', '.join(TIE_RULES)}")
    if denominator not in DENOMINATORS:
        raise EvidencekitError(
            f"unknown denominator {denominator!r}; known: {', '.join(DENOMINATORS)}"
        )
    wanted = set(data.studies) if study_ids is None else set(study_ids) & set(data.studies)
    rows = [c for c in data.codings if c.study_id in wanted]
    coded_studies = {c.study_id for c in rows}
    total = len(wanted) if denominator == "included" else len(coded_studies)
    # influence → study → set of directions
    directions: dict[str, dict[str, set[str]]] = {}
    lines: dict[tuple[str, str], list[int]] = {}
    by_influence: dict[str, list[Any]] = {}
    for c in rows:
        directions.setdefault(c.influence, {}).setdefault(c.study_id, set()).add(c.direction)
        lines.setdefault((c.study_id, c.influence), []).append(c.line or 0)
        by_influence.setdefault(c.influence, []).append(c)
    conflicts = [
        {"study_id": study, "influence": influence, "lines": sorted(lines[(study, influence)])}
        for influence, by_study in sorted(directions.items())
        for study, dirs in sorted(by_study.items())
        if {"facilitator", "barrier"} <= dirs
    ]
    order = {entry.id: index for index, entry in enumerate(framework.influences)}
    entries = []
    for entry in framework.influences:
        by_study = directions.get(entry.id, {})
        n = len(by_study)
        split = {"facilitator": 0, "barrier": 0, "both": 0, "unclear": 0}
        for dirs in by_study.values():
            if {"facilitator", "barrier"} <= dirs:
                split["both"] += 1
            elif "facilitator" in dirs:
                split["facilitator"] += 1
            elif "barrier" in dirs:
                split["barrier"] += 1
            else:
                split["unclear"] += 1
        mine = by_influence.get(entry.id, [])
        entries.append(
            {
                "id": entry.id,
                "name": entry.name,
                "direction": "unclear" if entry.unclear else "facilitator-barrier",
                "n_studies": n,
                "share": n / total if total else None,
                "facilitators": _factors(
                    (c.study_id, c.factor) for c in mine if c.direction == "facilitator"
                ),
                "barriers": _factors(
                    (c.study_id, c.factor) for c in mine if c.direction == "barrier"
                ),
                "unclear": _factors(
                    (c.study_id, c.factor) for c in mine if c.direction == "unclear"
                ),
                "studies_by_direction": split,
                "study_ids": sorted(by_study),
            }
        )

    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        tie = {"framework-order": order[e["id"]], "name": e["name"].casefold(), "id": e["id"]}[
            tie_rule
        ]
        return (-e["n_studies"], tie)

    ranked = _rank(sorted((e for e in entries if e["direction"] != "unclear"), key=key))
    unclear = _rank(sorted((e for e in entries if e["direction"] == "unclear"), key=key))
    result: dict[str, Any] = {
        "framework": framework.ref,
        "n_studies": total,
        "denominator": DENOMINATORS[denominator].format(n=total),
        "tie_rule": TIE_RULES[tie_rule].format(framework=framework.ref),
        "influences": ranked,
        "unclear_direction": unclear,
        "conflicts": conflicts,
    }
    if threshold is not None:
        result["threshold"] = threshold
        result["retained"] = retained(ranked, total, threshold)
        for e in (*ranked, *unclear):
            e["retained"] = e["id"] in result["retained"]
    return result


def _rank(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the sorted entries 1, 2, …; name the influences each one is tied with."""
    by_count: dict[int, list[str]] = {}
    for e in entries:
        by_count.setdefault(e["n_studies"], []).append(e["id"])
    for position, e in enumerate(entries, start=1):
        e["rank"] = position
        e["tied_with"] = [i for i in by_count[e["n_studies"]] if i != e["id"]]
    return entries


def retained(ranked: Sequence[Mapping[str, Any]], total: int, threshold: float) -> list[str]:
    """Ids of the ranked influences whose share reaches ``threshold``, in rank order."""
    return [e["id"] for e in ranked if reaches(e["n_studies"], total, threshold)]


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> dict[str, Any]:
    """Kendall's tau-b of paired values, with its pair counts.

    Written out rather than called from scipy because the result reports the
    concordant and discordant pairs, and an undefined tau (one side all tied, as in an
    empty subgroup) is None with the reason, not nan and a warning. The tests check it
    against ``scipy.stats.kendalltau``.
    """
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    concordant = discordant = ties_x = ties_y = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                ties_x += 1
                ties_y += 1
            elif dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    pairs = n * (n - 1) // 2
    denominator = math.sqrt((pairs - ties_x) * (pairs - ties_y))
    out: dict[str, Any] = {
        "tau_b": None,
        "concordant": concordant,
        "discordant": discordant,
        "pairs": pairs,
    }
    if denominator == 0:
        out["undefined"] = (
            "every influence has the same share on one side"
            if n > 1
            else "fewer than two influences"
        )
        return out
    out["tau_b"] = (concordant - discordant) / denominator
    return out


def compare(whole: Mapping[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """How ``part`` (a subgroup or a sensitivity subset) differs from ``whole``: dropped
    and added influences (retention), rank positions, order of the influences retained
    in both, and Kendall's tau-b between the shares of every ranked influence."""
    kept_whole, kept_part = whole["retained"], part["retained"]
    common = [i for i in kept_whole if i in kept_part]
    order_part = [i for i in kept_part if i in kept_whole]
    rank_whole = {e["id"]: e["rank"] for e in whole["influences"]}
    share_whole = {e["id"]: e["n_studies"] for e in whole["influences"]}
    moves = [
        {
            "id": e["id"],
            "name": e["name"],
            "rank": e["rank"],
            "rank_whole": rank_whole[e["id"]],
            "change": rank_whole[e["id"]] - e["rank"],
        }
        for e in part["influences"]
    ]
    ids = [e["id"] for e in whole["influences"]]
    part_counts = {e["id"]: e["n_studies"] for e in part["influences"]}
    tau = (
        kendall_tau_b([share_whole[i] for i in ids], [part_counts[i] for i in ids])
        if part["n_studies"]
        else {"tau_b": None, "undefined": "no studies"}
    )
    return {
        "dropped": [i for i in kept_whole if i not in kept_part],
        "added": [i for i in kept_part if i not in kept_whole],
        "content_changed": set(kept_whole) != set(kept_part),
        "order_changed": common != order_part,
        "rank_changes": moves,
        "kendall_tau": tau["tau_b"],
        "kendall": tau,
    }


def percent(share: float | None) -> str:
    """A share as a whole percentage, rounded half up (0.415 → 42 %), as published."""
    if share is None:
        return "n/a"
    return f"{math.floor(share * 100 + 0.5 + 1e-9):d} %"


def names(result: Mapping[str, Any], ids: Iterable[str]) -> list[str]:
    """Influence names for ``ids``, from a vote-count result."""
    by_id = {
        e["id"]: e["name"] for e in (*result["influences"], *result.get("unclear_direction", []))
    }
    return [by_id.get(i, i) for i in ids]


def join(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
