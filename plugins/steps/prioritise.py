"""The ``prioritise`` step: ranked screening and its stopping rules in a pipeline.

Without ``replay`` it writes the ranked queue of the stage (``ranking.csv``) and what the
stopping rules say (``stopping.json``). With ``replay`` it screens the stage in ranked
order with decisions read from a label file until the stopping rules say stop (see
``evidencekit.core.replay``), and can decide the next stage from a second label column.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome

_REPLAY = {
    "type": "object",
    "required": ["file", "label_column"],
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "minLength": 1},
        "id_column": {"type": "string", "minLength": 1, "default": "record_id"},
        "label_column": {"type": "string", "minLength": 1},
        "reviewer": {"type": "string", "minLength": 1, "default": "replay"},
        "next_stage": {
            "type": "object",
            "required": ["label_column", "reason"],
            "additionalProperties": False,
            "properties": {
                "label_column": {"type": "string", "minLength": 1},
                "reason": {"type": "string", "minLength": 1},
            },
        },
    },
}


class PrioritiseStep(PipelineStep):
    """Rank the stage's unscreened records; optionally replay screening from labels."""

    name = "prioritise"
    description = (
        "Prioritised screening: the ranked queue and the stopping rules' verdicts; "
        "with replay, screening in ranked order with decisions from a label file"
    )
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"stage": {"type": "string", "minLength": 1}, "replay": _REPLAY},
    }
    order = 35
    reads_staged_files = False

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        from evidencekit.core.ranked_screening import settings
        from evidencekit.core.screening import screening_config

        config = screening_config(review)
        if "stage" in options:
            config.stage(options["stage"])
        prio = settings(review)
        review.registry.validate_options("screener", prio.model, prio.options)
        for spec in prio.rules or []:
            review.registry.validate_options("stopping-rule", spec.name, spec.options)
        replay = options.get("replay")
        if replay:
            path = review.root / replay["file"]
            if not path.is_file():
                raise PipelineError(f"prioritise: no such label file {path}")
            if "next_stage" in replay and len(config.stages) < 2:
                raise PipelineError("prioritise: replay.next_stage needs a second stage")

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.ranked_screening import RankedQueue, status
        from evidencekit.core.screening import screening_config

        review = context.review
        stages = screening_config(review).stages
        stage = context.options.get("stage") or stages[0].name
        replay = context.options.get("replay")
        data: dict[str, Any] = {"stage": stage}
        files = []
        if replay:
            from evidencekit.core.replay import read_labels, replay_next_stage
            from evidencekit.core.replay import replay as run_replay

            path = context.path(replay["file"])
            id_column = replay.get("id_column", "record_id")
            labels = read_labels(path, id_column, replay["label_column"])
            result = run_replay(
                review, stage, labels, path, reviewer=replay.get("reviewer", "replay")
            )
            data["replay"] = result
            if "next_stage" in replay:
                names = [s.name for s in stages]
                following = names[names.index(stage) + 1]
                nxt = replay["next_stage"]
                data["next_stage"] = replay_next_stage(
                    review,
                    following,
                    stage,
                    read_labels(path, id_column, nxt["label_column"]),
                    path,
                    reviewer=replay.get("reviewer", "replay"),
                    reason=nxt["reason"],
                )
            files.append(context.write_text("replay-order.csv", _order_csv(result["order"])))
        else:
            from evidencekit.core.screening import load_state

            ranker = RankedQueue(review, stage)
            finals = load_state(review).final(stage)
            queue = ranker.order([r for r in ranker.population if finals[r].outcome == "pending"])
            data["ranking"] = queue
            files.append(context.write_text("ranking.csv", _order_csv(queue)))
        data["status"] = status(review, stage)
        files.append(context.write_json("stopping.json", data["status"]))
        files.insert(0, context.write_json("prioritise.json", data))
        return StepOutcome(summary=_summary(data), data=data, files=files, report=_markdown(data))


def _order_csv(ids: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "record_id"])
    writer.writerows(enumerate(ids, start=1))
    return buffer.getvalue()


def _summary(data: dict[str, Any]) -> str:
    if "replay" in data:
        r = data["replay"]
        recall = f"{100 * r['recall']:.1f} %" if r["recall"] is not None else "n/a"
        return (
            f"{data['stage']}: {r['screened']} of {r['records']} records screened in "
            f"ranked order, {r['included']} included (recall {recall}), "
            f"{r['skipped']} left unscreened: {r['reason']}"
        )
    s = data["status"]
    return (
        f"{data['stage']}: {len(data['ranking'])} records ranked; stopping rules: "
        f"{'stop' if s['stop'] else 'continue'} ({s['reason']})"
    )


def _markdown(data: dict[str, Any]) -> str:
    from evidencekit.core.markdown import table as _table

    out = ["## Prioritised screening", ""]
    if "replay" in data:
        r = data["replay"]
        out += [
            f"Screening of {data['stage']} replayed in the order of the "
            f"`{r['model']}` ranking (seed {r['seed']}): {r['screened']} of "
            f"{r['records']} records screened, {r['included']} of the "
            f"{r['included_in_labels']} included records found; {r['skipped']} records "
            "were left unscreened and are counted as excluded by an automation tool.",
            "",
        ]
    s = data["status"]
    out += _table(
        ["stopping rule", "verdict", "reason"],
        [[x["rule"], "stop" if x["stop"] else "continue", x["reason"]] for x in s["rules"]],
    )
    out += [f"Combined ({s['combine']}): {'stop' if s['stop'] else 'continue'}.", ""]
    return "\n".join(out)


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [PrioritiseStep()]
