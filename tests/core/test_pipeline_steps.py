"""Pipeline steps as plugins: the runner checks what a step plugin declares and returns."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli
from evidencekit.core.errors import PipelineError
from evidencekit.core.pipeline import known_steps, plan
from evidencekit.core.review import open_review

STEP_MODULE = """
from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.steps import StepOutcome


class Count(PipelineStep):
    name = "count-words"
    description = "count the words of the review's title"
    options_schema = {"type": "object", "properties": {"upper": {"type": "boolean"}},
                      "additionalProperties": False}

    def run(self, context):
        words = context.review.config["title"].split()
        name = context.write_json("words.json", {"words": len(words)})
        return StepOutcome(f"{len(words)} words", {"words": len(words)}, [name])


class Malformed(PipelineStep):
    name = "malformed"
    description = "returns a plain dict instead of a StepOutcome"
    options_schema = None

    def run(self, context):
        return {"summary": "x", "data": {}, "files": []}


class Liar(PipelineStep):
    name = "liar"
    description = "lists a file it never wrote"
    options_schema = None

    def run(self, context):
        return StepOutcome("done", {}, ["never-written.txt"])


class Crashing(PipelineStep):
    name = "crashing"
    description = "a bug in the plugin: raises KeyError"
    options_schema = None

    def run(self, context):
        return {}["missing"]


@hookimpl
def evidencekit_pipeline_steps():
    return [Count(), Malformed(), Liar(), Crashing()]
"""


@pytest.fixture
def review_dir(tmp_path):
    (tmp_path / "my_steps.py").write_text(STEP_MODULE, "utf-8")
    yield tmp_path
    sys.modules.pop("my_steps", None)


def write_review(root, steps: str) -> None:
    (root / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: Three little words\nplugins: [my_steps]\n"
        "steps:\n" + steps,
        "utf-8",
    )


def run(root, *args: str):
    return CliRunner().invoke(cli, ["run", "--review", str(root), *args])


def test_local_step_plugin_runs_and_is_recorded(review_dir):
    write_review(review_dir, "  - step: count-words\n  - step: report\n")
    result = run(review_dir, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["steps"][0]["summary"] == "3 words"
    outputs = review_dir / "outputs"
    assert json.loads((outputs / "words.json").read_text("utf-8")) == {"words": 3}
    record = json.loads((outputs / "run.json").read_text("utf-8"))
    assert [s["step"] for s in record["steps"]] == ["count-words", "report"]


def test_known_steps_are_listed_in_pipeline_order(review_dir):
    write_review(review_dir, "  - step: report\n")
    review = open_review(review_dir)
    # By each step's `order` (the plugin's steps take the default, 50), then by name.
    assert known_steps(review) == [
        "import",
        "dedupe",
        "screen",
        "prioritise",
        "appraise",
        "count-words",
        "crashing",
        "liar",
        "malformed",
        "synthesize",
        "measure",
        "prisma",
        "report",
    ]


def test_step_options_and_provider_are_checked_at_plan_time(review_dir):
    write_review(
        review_dir,
        "  - step: count-words\n    options: {upper: maybe}\n"
        "  - step: count-words\n    provider: fuzzy\n"
        "  - step: dedupe\n    provider: nope\n",
    )
    with pytest.raises(PipelineError) as err:
        plan(open_review(review_dir))
    lines = str(err.value).splitlines()
    assert lines[0].endswith(
        "$.steps[0] (count-words): invalid options for pipeline-step "
        "'count-words': $.upper: 'maybe' is not of type 'boolean'"
    )
    assert lines[1].endswith(
        "$.steps[1] (count-words): this step takes no 'provider:' (got 'fuzzy')"
    )
    assert "$.steps[2] (dedupe): unknown deduplicator 'nope'; known: " in lines[2]


@pytest.mark.parametrize(
    "step,message",
    [
        (
            "malformed",
            "pipeline-step 'malformed' (local:my_steps) returned dict, not a StepOutcome",
        ),
        (
            "liar",
            "pipeline-step 'liar' (local:my_steps) returned a malformed StepOutcome: files it "
            "lists were not written: never-written.txt",
        ),
        (
            "crashing",
            "pipeline-step 'crashing' (local:my_steps) raised KeyError in run(): "
            "'missing'; report this to the plugin's authors",
        ),
    ],
)
def test_malformed_outcome_names_the_plugin_and_publishes_nothing(review_dir, step, message):
    write_review(review_dir, f"  - step: count-words\n  - step: {step}\n")
    result = run(review_dir)
    assert result.exit_code == 1
    assert f"step 2 ({step}) failed: {message}" in result.output
    assert "Traceback" not in result.output
    assert not (review_dir / "outputs").exists()
