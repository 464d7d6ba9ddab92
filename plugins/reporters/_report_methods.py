"""The report's methods paragraph, generated from what actually ran (sources and search
dates, de-duplication, screening sample and agreement, checklists and scoring, thresholds,
versions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core.numbers import RULE, fmt
from evidencekit.plugins.reporters._report_model import Section, _join

# --------------------------------------------------------------------------- methods


def methods(bundle: Mapping[str, Any]) -> Section:
    """The methods paragraph, from what actually ran (never from what was planned)."""
    review, run, results = (
        bundle.get("review") or {},
        bundle.get("run") or {},
        bundle.get("results") or {},
    )
    text: list[str] = []
    registration = (review.get("protocol") or {}).get("registration") or {}
    if registration.get("id"):
        text.append(
            f"The review was registered with {registration.get('registry', 'a registry')}"
            f" ({registration['id']})."
        )
    if "import" in results:
        parts = []
        for source in review.get("sources") or []:
            when = f", searched {source['date_searched']}" if source.get("date_searched") else ""
            parts.append(f"{source.get('name')} ({source.get('kind', 'database')}{when})")
        text.append(f"Records were imported from {len(parts)} source(s): {_join(parts)}.")
    dedupe = results.get("dedupe")
    if dedupe:
        options = dedupe.get("options") or {}
        shown = "; ".join(f"{k} = {v}" for k, v in sorted(options.items()))
        text.append(
            f"Duplicates were removed with the {dedupe.get('method')} method"
            + (f" ({shown})" if shown else " (default options)")
            + f"; {dedupe.get('uncertain', 0)} uncertain pair(s) were left for a person."
        )
    for name, data in results.items():
        if not isinstance(data, Mapping):
            continue
        sample = data.get("sample")
        if isinstance(sample, Mapping) and (
            sample.get("fraction") is not None or sample.get("n") is not None
        ):
            size = (
                f"{fmt(100 * float(sample['fraction']), 1, whole=True)} %"
                if sample.get("fraction") is not None
                else f"{sample['n']}-record"
            )
            seed = f" (seed {sample['seed']})" if sample.get("seed") is not None else ""
            where = f" at {sample['stage']}" if sample.get("stage") else ""
            text.append(
                f"In {name}{where}, a random {size} sample{seed} was screened "
                "independently by a second reviewer."
            )
        for label, pair in _agreements(data.get("agreement")):
            kappa = pair.get("kappa")
            text.append(
                f"Agreement in {name}{label}: {fmt(pair['percent'], 1)} %"
                + (f", Cohen's kappa {fmt(kappa, 2)}" if kappa is not None else "")
                + "."
            )
    appraisal = results.get("appraise")
    if appraisal:
        text += _appraisal_methods(appraisal)
    measure = results.get("measure")
    if measure:
        scores = measure.get("scores") or {}
        ref = scores.get("measure") or {}
        analyses = [a.get("analysis") for a in (measure.get("validity") or {}).get("analyses", [])]
        text.append(
            f"Sites were rated on {ref.get('title') or ref.get('id', 'the measure')}"
            + (f" ({ref['id']} {ref.get('version', '')})".rstrip() if ref.get("id") else "")
            + (f"; validity analyses: {_join(list(dict.fromkeys(analyses)))}" if analyses else "")
            + "."
        )
    versions = ", ".join(f"{i} {v}" for i, v in sorted((run.get("instruments") or {}).items()))
    text.append(
        f"Analyses were run with evidencekit {run.get('evidencekit', '')}"
        + (f" and instruments {versions}" if versions else "")
        + "."
    )
    seeds = run.get("seeds") or {}
    if seeds:
        text.append("Seeds: " + ", ".join(f"{k} {v}" for k, v in sorted(seeds.items())) + ".")
    text.append(
        f"Numbers in every table are rounded {RULE}; they equal the unrounded values "
        "in the JSON files rounded by that rule."
    )
    return Section("methods", "Methods", paragraphs=[" ".join(text)])


def _agreements(agreement: Any, label: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(label, {percent, kappa}) for each reviewer pair an ``agreement`` result holds, in
    any of the shapes steps report: ``{percent, kappa}`` (core.agreement), ``{pairs: [...]}``
    (appraisal), ``{STAGE: {pairs: [...]}}`` (screening, with ``percent_agreement`` and
    ``cohen_kappa`` blocks)."""
    if not isinstance(agreement, Mapping):
        return []
    if agreement.get("percent") is not None:
        return [(label, {"percent": agreement["percent"], "kappa": agreement.get("kappa")})]
    if isinstance(agreement.get("percent_agreement"), Mapping):
        kappa = agreement.get("cohen_kappa")
        return [
            (
                label,
                {
                    "percent": agreement["percent_agreement"].get("percent"),
                    "kappa": kappa.get("kappa") if isinstance(kappa, Mapping) else None,
                },
            )
        ]
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(agreement.get("pairs"), list):
        for pair in agreement["pairs"]:
            who = " and ".join(str(r) for r in pair.get("reviewers") or [])
            out += _agreements(pair, f"{label} ({who})" if who else label)
        return [(lab, p) for lab, p in out if p["percent"] is not None]
    for stage, value in agreement.items():
        if isinstance(value, Mapping):
            out += _agreements(value, f"{label} at {stage}")
    return out


def _appraisal_methods(appraisal: Mapping[str, Any]) -> list[str]:
    rules: dict[str, Mapping[str, Any]] = {}
    for study in appraisal.get("studies") or []:
        rules.setdefault(study["checklist"], (study.get("details") or {}).get("rule") or {})
    out = []
    for checklist_id, info in sorted((appraisal.get("checklists") or {}).items()):
        rule = rules.get(checklist_id) or {}
        text = f"{info.get('title') or checklist_id} ({checklist_id} {info.get('version', '')})"
        points = rule.get("points")
        if points:
            text += ": " + ", ".join(
                f"{code} = {fmt(p, 2, whole=True)}" for code, p in points.items()
            )
            na = rule.get("not_applicable")
            if na:
                text += f"; {', '.join(na)} left out of the denominator"
        bands = rule.get("bands")
        if bands:
            text += "; graded " + ", ".join(
                f"{b['grade']} (≥ {fmt(b['min_percent'], 0, whole=True)} %)" for b in bands
            )
        out.append(text)
    return [f"Quality was appraised with {_join(out)}."] if out else []
