"""An example evidencekit plugin: a scorer, a pipeline step, an instrument folder, a command."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import click

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.steps import StepContext, StepOutcome


class YesCountScorer:
    """Counts the scored items answered 'yes' and grades by a minimum count."""

    name = "yes-count"
    description = "Number of scored items answered 'yes'; 'ok' at or above a minimum"
    options_schema = {
        "type": "object",
        "properties": {"minimum": {"type": "integer", "minimum": 0, "default": 5}},
        "additionalProperties": False,
    }
    # The checklist's `scoring` block is this scorer's own: evidencekit validates it against
    # this schema (a typo is an error with its line) and then calls check_scoring.
    scoring_schema = {
        "type": "object",
        "required": ["method"],
        "properties": {
            "method": {"const": "yes-count"},
            "count": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "the answer codes that count as 'yes' (default: yes)",
            },
            "options": {"type": "object"},
            "notes": {"type": "string"},
        },
        "additionalProperties": False,
    }

    def check_scoring(self, checklist: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
        """Every code under scoring.count is an answer code of the checklist."""
        codes = {
            o["code"] for options in (checklist.get("answer_sets") or {}).values() for o in options
        }
        codes |= {o["code"] for item in checklist["items"] for o in item.get("options", [])}
        return [
            (
                ("scoring", "count", i),
                f"{code!r} is not an answer code of this checklist; "
                f"codes: {', '.join(sorted(codes))}",
            )
            for i, code in enumerate(checklist["scoring"].get("count", []))
            if code not in codes
        ]

    def score(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        counted = set(checklist.scoring.raw.get("count", ["yes"]))
        scored = [item.id for item in checklist.items if item.scored]
        yes = sum(1 for item_id in scored if str(answers.get(item_id, "")) in counted)
        minimum = int(options.get("minimum", 5))
        return {"score": yes, "out_of": len(scored), "grade": "ok" if yes >= minimum else "low"}


class FollowUpStep(PipelineStep):
    """A pipeline step: list the appraised studies whose grade needs a second look."""

    name = "follow-up"
    description = "List the studies the appraise step graded low, for a second reviewer"
    options_schema = {
        "type": "object",
        "properties": {
            "grades": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "default": ["low"],
            }
        },
        "additionalProperties": False,
    }
    order = 45  # after appraise

    def run(self, context: StepContext) -> StepOutcome:
        appraisal = context.results.get("appraise")
        if appraisal is None:
            raise PipelineError("declare an 'appraise' step before 'follow-up' in review.yaml")
        grades = context.options.get("grades", ["low"])
        rows = [s for s in appraisal["studies"] if s["grade"] in grades]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["study_id", "checklist", "grade"])
        writer.writerows([s["study_id"], s["checklist"], s["grade"]] for s in rows)
        report = "## Follow-up\n\n" + "".join(f"- {s['study_id']}: {s['grade']}\n" for s in rows)
        return StepOutcome(
            summary=f"{len(rows)} studies to follow up",
            data={"studies": [s["study_id"] for s in rows]},
            files=[context.write_text("follow-up.csv", out.getvalue())],
            report=report,
        )


@hookimpl
def evidencekit_appraisal_scorers() -> list[Any]:
    return [YesCountScorer()]


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [FollowUpStep()]


@hookimpl
def evidencekit_instrument_folders() -> list[Any]:
    return [files("evidencekit_yes_count") / "instruments"]


@hookimpl
def evidencekit_cli_commands(cli: click.Group) -> None:
    @cli.command("yes-count-info")
    def yes_count_info() -> None:
        """Say what the yes-count plugin adds."""
        click.echo("yes-count: an appraisal scorer and the 'example-three-questions' checklist")
