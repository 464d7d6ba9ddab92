"""What a pipeline step sees and returns: ``StepContext`` and ``StepOutcome``.

A pipeline step is a provider of the ``pipeline-step`` kind (hook
``evidencekit_pipeline_steps``, base class ``evidencekit.core.providers.PipelineStep``).
The runner (``evidencekit.core.pipeline``) checks every declared step with
``check(review, options)`` before any runs, then calls ``run(context)`` with a
:class:`StepContext` and expects a :class:`StepOutcome` back. Files a step writes go
into ``context.staging`` (use :meth:`StepContext.write_json` / :meth:`StepContext.write_text`)
and are published into the review's outputs folder only when every step has succeeded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review

#: ``progress(label, done, total)``: how a long step reports progress (total None = unknown).
ProgressFn = Callable[[str, int, "int | None"], None]


@dataclass
class StepContext:
    """What a running step sees: the review, its declaration, and where to write.

    ``results`` maps the name of each step that already ran to the ``data`` of its
    outcome (a later step may read it); ``reports`` maps it to the Markdown section the
    step offered for the run's report. ``instruments`` is the run's record of instrument
    versions (id → version): a step that loads an instrument adds it there, and it ends
    up in ``run.json``.
    """

    review: Review
    index: int
    name: str
    provider: str | None
    options: dict[str, Any]
    staging: Path
    results: dict[str, Any]
    progress: ProgressFn | None = None
    instruments: dict[str, str] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)
    #: The run so far: ``evidencekit`` (version), ``started``, ``steps`` (the summaries of
    #: the steps before this one: step, options, status, summary, files, seconds).
    run: dict[str, Any] = field(default_factory=dict)
    #: The run's jobs drawn beside later steps (:mod:`evidencekit.core.deferred`); None
    #: outside a run, where :meth:`defer` runs the job at once.
    deferred: Any = None

    def path(self, value: str | os.PathLike[str]) -> Path:
        """A path from review.yaml, relative to the review folder."""
        path = Path(value)
        return path if path.is_absolute() else self.review.root / path

    def write_json(self, name: str, data: Any) -> str:
        """Write ``data`` as JSON to ``name`` in the staging folder; return ``name``."""
        target = self.staging / name
        target.write_text(
            json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8"
        )
        return name

    def write_text(self, name: str, text: str) -> str:
        """Write ``text`` to ``name`` in the staging folder; return ``name``."""
        (self.staging / name).write_text(text, "utf-8")
        return name

    def defer(self, job: Callable[[], Any], files: list[str]) -> list[str]:
        """Hand ``job`` to the run, which may run it while later steps run; return
        ``files``, the names of the files it writes into the staging folder, for the step
        to list in its outcome as it would list files written already.

        For work nothing later in the step reads, figures above all: the run waits for
        the job before a step that reads earlier steps' files (the report) and before
        publishing, and a failed job fails the run, named by this step. The job runs in a
        forked process (:mod:`evidencekit.core.deferred`), so it must not change state
        this process reads afterwards; it must write its files atomically.
        """
        if self.deferred is None:
            job()
        else:
            self.deferred.add(f"step {self.index + 1} ({self.name})", job, files)
        return list(files)

    def call(self, job: Callable[[], Any]) -> Any:
        """``job()``, computed in the run's drawing process when the job pickles (a
        function and plain data): there, what it imports (the step's ``preloads``, e.g.
        scipy) was imported beside the early steps, not on the way to the report. Its
        result and exception come back pickled."""
        if self.deferred is None:
            return job()
        return self.deferred.call(f"step {self.index + 1} ({self.name})", job)


@dataclass(frozen=True)
class StepOutcome:
    """What a step returns.

    ``summary`` is one line shown by ``evidencekit run`` and kept in ``run.json``;
    ``data`` is plain, JSON-serialisable data later steps read from
    ``context.results[name]``; ``files`` names the files the step wrote into the
    staging folder (names, not paths); ``report`` is an optional Markdown section the
    ``report`` step appends to ``report.md``.
    """

    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    report: str = ""

    def problems(self) -> list[str]:
        """What is malformed about this outcome (empty when it is well formed)."""
        found = []
        if not isinstance(self.summary, str):
            found.append(f"summary must be a string, not {type(self.summary).__name__}")
        if not isinstance(self.data, Mapping):
            found.append(f"data must be a mapping, not {type(self.data).__name__}")
        if not isinstance(self.files, list) or not all(isinstance(f, str) for f in self.files):
            found.append("files must be a list of file names")
        if not isinstance(self.report, str):
            found.append(f"report must be a string, not {type(self.report).__name__}")
        return found


def need_files(review: Review, options: Mapping[str, Any], key: str, *, many: bool = False) -> None:
    """Plan-time check that ``options[key]`` names existing file(s) in the review folder.

    Raises ``PipelineError("options.KEY is required")``, ``"options.KEY: no such file
    PATH"`` or, when ``many`` is false, ``"options.KEY takes one file, not a list"``.
    """
    value = options.get(key)
    if value is None:
        raise PipelineError(f"options.{key} is required")
    for item in value if isinstance(value, list) else [value]:
        path = Path(item) if Path(item).is_absolute() else review.root / item
        if not path.is_file():
            raise PipelineError(f"options.{key}: no such file {path}")
    if isinstance(value, list) and not many:
        raise PipelineError(f"options.{key} takes one file, not a list")


#: The ``plots`` option of a step that draws: true (SVG, the format the report inlines),
#: false (none), or the formats to write (``[svg, png]``: PNG is a second render of each
#: figure, so it is drawn only when asked for).
PLOTS_OPTION: dict[str, Any] = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": ["svg", "png"]}},
    ],
    "default": True,
    "description": "true (SVG), false, or the formats, e.g. [svg, png]",
}


def plot_formats(value: Any) -> list[str]:
    """The formats a ``plots`` option asks for (empty: draw nothing)."""
    if value is True:
        return ["svg"]
    if not value:
        return []
    return list(value)
