"""The ``dedupe`` step: find duplicates in the store with a deduplicator."""

from __future__ import annotations

from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome

DEFAULT_METHOD = "fuzzy"


def _method(review: Review, provider: str | None) -> str:
    return provider or review.section("dedupe").get("method") or DEFAULT_METHOD


class DedupeStep(PipelineStep):
    """De-duplicate the store's records, respecting every decision a person recorded."""

    name = "dedupe"
    description = (
        "De-duplicate the store's records with a deduplicator "
        "(provider:, else dedupe.method, else fuzzy)"
    )
    # The options are the deduplicator's own, checked against its schema in check().
    options_schema = {"type": "object"}
    order = 20
    reads_staged_files = False
    provider_kind = "deduplicator"

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        merged = {**(review.section("dedupe").get("options") or {}), **options}
        review.registry.validate_options("deduplicator", _method(review, provider), merged)

    reads_sections = ("dedupe",)

    def inputs(self, review: Review, options: dict[str, Any]) -> dict[str, str]:
        """The decisions a person recorded (``dedupe review``) change the result."""
        from evidencekit.core.pipeline_state import store_state

        return {"store:decisions": store_state(review, "decisions")}

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.deduplication import run_dedupe

        summary = run_dedupe(
            context.review, context.provider, context.options or None, progress=context.progress
        )
        data = summary.to_dict()
        counts = summary.counts  # computed by the run itself; no second load of the store
        files = [
            context.write_json("dedupe.json", data),
            context.write_json("records-by-source.json", counts),
        ]
        return StepOutcome(
            summary=f"{data['records']} records, {data['unique']} unique, "
            f"{data['duplicates_removed']} duplicates removed ({data['method']})",
            data={**data, "counts_by_source": counts},
            files=files,
        )


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [DedupeStep()]
