"""The ``screen`` step: apply the protocol's rules, import the declared decision files,
and summarise screening (final outcomes per stage, exclusion reasons, agreement)."""

from __future__ import annotations

from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome

_FILE = {
    "type": "object",
    "required": ["file", "stage", "reviewer"],
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "minLength": 1},
        "stage": {"type": "string", "minLength": 1},
        "reviewer": {"type": "string", "minLength": 1},
        "format": {"type": "string", "minLength": 1},
        "decision": {"enum": ["include", "exclude", "maybe", "not-retrieved"]},
    },
}


def _files(review: Review, options: dict[str, Any]) -> list[dict[str, Any]]:
    from evidencekit.core.screening import screening_config

    if "files" in options:
        return list(options["files"])
    return [dict(f) for f in screening_config(review).files]


def _rules(review: Review, options: dict[str, Any]) -> bool:
    from evidencekit.core.screening import screening_config

    return bool(options.get("rules", bool(screening_config(review).rules)))


class ScreenStep(PipelineStep):
    """Screening from files: automation rules, then every declared decision file."""

    name = "screen"
    description = (
        "Apply screening.rules (ineligible by automation tool) and import the "
        "decision files of screening.files; counts per stage and agreement"
    )
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "files": {
                "type": "array",
                "items": _FILE,
                "description": "decision files (default: screening.files)",
            },
            "rules": {
                "type": "boolean",
                "description": "apply screening.rules (default: when declared)",
            },
            "skip_unmatched": {"type": "boolean", "default": False},
            "sample": {
                "type": "object",
                "additionalProperties": False,
                "required": ["stage", "reviewer", "seed"],
                "description": "the dual-screen sample to record (once; a re-run keeps it)",
                "properties": {
                    "stage": {"type": "string", "minLength": 1},
                    "reviewer": {"type": "string", "minLength": 1},
                    "seed": {"type": "integer", "minimum": 0},
                    "fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                    "n": {"type": "integer", "minimum": 1},
                    "stratify_by": {"type": "string"},
                },
            },
        },
    }
    order = 30
    reads_staged_files = False

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        from evidencekit.core.screening import screening_config
        from evidencekit.core.screening.files import decision_reader

        config = screening_config(review)
        for i, item in enumerate(_files(review, options)):
            where = f"screening.files[{i}]" if "files" not in options else f"options.files[{i}]"
            path = review.root / item["file"]
            if not path.is_file():
                raise PipelineError(f"{where}: no such file {path}")
            try:
                config.stage(item["stage"])
                decision_reader(review, item.get("format", "csv"))
            except Exception as err:
                raise PipelineError(f"{where}: {err}") from None
        if _rules(review, options):
            rules = dict(config.rules)
            if "stage" in rules:
                config.stage(str(rules.pop("stage")))
            review.registry.validate_options("screener", "rules", rules)

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.screening import load_state
        from evidencekit.core.screening.automation import apply_rules
        from evidencekit.core.screening.files import import_decision_file
        from evidencekit.core.screening.progress import (
            agreement_report,
            export_csv,
            stage_counts,
        )
        from evidencekit.core.screening.studies import export_studies, included_studies

        review = context.review
        automation = apply_rules(review).to_dict() if _rules(review, context.options) else None
        sample = _sample(review, context.options.get("sample"))
        imports = []
        for item in _files(review, context.options):
            report = import_decision_file(
                review,
                context.path(item["file"]),
                stage=item["stage"],
                reviewer=item["reviewer"],
                fmt=item.get("format", "csv"),
                decision=item.get("decision"),
                skip_unmatched=bool(context.options.get("skip_unmatched", False)),
            )
            imports.append(report.to_dict())
        state = load_state(review)
        counts = stage_counts(state)
        agreement = {}
        for stage in counts:
            if (
                len(stage["reviewers"]) >= 2
                and len({d.reviewer for d in state.decisions if d.stage == stage["stage"]}) >= 2
            ):
                agreement[stage["stage"]] = agreement_report(state, stage["stage"])
        studies = included_studies(review)
        data = {
            "automation": automation,
            "sample": sample,
            "imports": imports,
            "stages": counts,
            "agreement": agreement,
            "studies": [s.to_dict() for s in studies],
        }
        files = [
            context.write_json("screening.json", data),
            context.write_text("decisions.csv", export_csv(state)),
            context.write_text("studies.csv", export_studies(studies)),
        ]
        last = counts[-1]
        return StepOutcome(
            summary=f"{sum(i['written'] for i in imports)} decisions imported; "
            + ", ".join(f"{c['stage']}: {c['include']} included of {c['records']}" for c in counts)
            + f"; {len(studies)} studies ({last['include']} reports)",
            data=data,
            files=files,
            report=_markdown(data),
        )


def _sample(review: Review, wanted: dict[str, Any] | None) -> dict[str, Any] | None:
    """Draw and record the declared sample, unless the same one is recorded already."""
    if not wanted:
        return None
    from evidencekit.core.screening import samples
    from evidencekit.core.screening.sample import draw_sample

    key = (
        wanted["stage"],
        wanted["reviewer"],
        wanted["seed"],
        wanted.get("fraction"),
        wanted.get("n"),
        wanted.get("stratify_by"),
    )
    for s in samples(review, wanted["stage"]):
        if (s.stage, s.reviewer, s.seed, s.fraction, s.n, s.stratify_by) == key:
            found, new = s, False
            break
    else:
        found = draw_sample(
            review,
            wanted["stage"],
            wanted["reviewer"],
            seed=wanted["seed"],
            fraction=wanted.get("fraction"),
            n=wanted.get("n"),
            stratify_by=wanted.get("stratify_by"),
        )
        new = True
    return {
        "sample_id": found.sample_id,
        "stage": found.stage,
        "reviewer": found.reviewer,
        "seed": found.seed,
        "fraction": found.fraction,
        "n": found.n,
        "population": found.population,
        "record_ids": list(found.record_ids),
        "new": new,
    }


def _markdown(data: dict[str, Any]) -> str:
    from evidencekit.core.markdown import fmt as _fmt
    from evidencekit.core.markdown import table as _table

    out = ["## Screening", ""]
    rows = [
        [
            c["stage"],
            c["records"],
            c["include"],
            c["exclude"] - c["excluded_by_automation"],
            c["excluded_by_automation"],
            c["not-retrieved"],
            c["pending"] + c["conflict"],
        ]
        for c in data["stages"]
    ]
    out += _table(
        [
            "stage",
            "screened",
            "included",
            "excluded",
            "excluded by automation",
            "not retrieved",
            "undecided",
        ],
        rows,
    )
    for c in data["stages"]:
        if c["reasons"]:
            out += [f"Exclusion reasons at {c['stage']}:", ""]
            out += _table(["reason", "records"], list(c["reasons"].items()))
    for stage, a in data["agreement"].items():
        for pair in a["pairs"]:
            first, second = pair["reviewers"]
            ka = pair["cohen_kappa"]
            kappa = (
                f"Cohen's kappa {_fmt(ka['kappa'])} (95 % CI {_fmt(ka['ci_low'])} to "
                f"{_fmt(ka['ci_high'])})"
                if ka["kappa"] is not None
                else "Cohen's kappa undefined (" + ka["note"] + ")"
            )
            out += [
                f"Agreement at {stage} ({first} and {second}, n = {pair['n']}): "
                f"{_fmt(pair['percent_agreement']['percent'], 1)} %, {kappa}, PABAK "
                f"{_fmt(pair['pabak']['pabak'])}, Gwet's AC1 {_fmt(pair['gwet_ac1']['ac1'])}"
                f"; {len(pair['disagreements'])} disagreement(s) to resolve.",
                "",
            ]
    if data.get("sample"):
        smp = data["sample"]
        out += [
            f"Dual-screen sample at {smp['stage']}: {len(smp['record_ids'])} of "
            f"{smp['population']} records for {smp['reviewer']} (seed {smp['seed']}).",
            "",
        ]
    out += [
        f"Studies included: **{len(data['studies'])}** "
        f"({sum(len(s['record_ids']) for s in data['studies'])} reports).",
        "",
    ]
    return "\n".join(out)


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [ScreenStep()]
