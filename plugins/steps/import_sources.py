"""The ``import`` step: every file under review.yaml's ``sources:`` into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome


class ImportStep(PipelineStep):
    """Import the search exports review.yaml lists under ``sources:``."""

    name = "import"
    description = "Import the search exports listed under 'sources:' into the review's store"
    options_schema = None  # it reads review.yaml's sources:, not options
    order = 10
    reads_staged_files = False

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        sources = review.config.get("sources") or []
        if not sources:
            raise PipelineError(
                "the import step reads 'sources:' from review.yaml, and there are none"
            )
        for number, source in enumerate(sources):
            files = source.get("files") or ([source["file"]] if source.get("file") else [])
            if not source.get("name") or not files:
                raise PipelineError(f"sources[{number}] needs 'name' and 'file' (or 'files')")
            for item in files:
                path = Path(item) if Path(item).is_absolute() else review.root / item
                if not path.is_file():
                    raise PipelineError(
                        f"sources[{number}] ({source['name']}): no such file {path}"
                    )
            fmt = source.get("format") or source.get("importer")
            if fmt:
                review.registry.info("importer", fmt)

    #: review.yaml sections its result depends on (see core/pipeline_state.py).
    reads_sections = ("sources", "import")

    def inputs(self, review: Review, options: dict[str, Any]) -> dict[str, str]:
        """Every source file's sha256, and which files the store holds (a deleted or
        replaced store makes the step run again)."""
        from evidencekit.core.pipeline_state import sha256_file, store_state

        found = {}
        for source in review.config.get("sources") or []:
            for item in source.get("files") or [source.get("file")]:
                path = Path(item) if Path(item).is_absolute() else review.root / item
                found[str(item)] = sha256_file(path) if path.is_file() else "missing"
        found["store:imports"] = store_state(review, "imports")
        return found

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.records import ImportSpec, import_many

        specs = []
        for source in context.review.config.get("sources") or []:
            for item in source.get("files") or [source["file"]]:
                specs.append(
                    ImportSpec(
                        context.path(item),
                        source["name"],
                        source.get("kind", "database"),
                        source.get("format") or source.get("importer"),
                        str(source["date_searched"]) if source.get("date_searched") else None,
                        dict(source.get("options") or {}),
                    )
                )
        report = import_many(
            context.review, specs, progress=context.progress, command="run: import"
        )
        data = report.to_dict()
        return StepOutcome(
            summary=f"{data['records']} records from {len(specs)} file(s); "
            f"{data['new']} new, {data['already_present']} already present",
            data=data,
            files=[context.write_json("import.json", data)],
        )


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [ImportStep()]
