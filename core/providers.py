"""What a provider is: a named object a plugin returns from a provider hook.

Every provider has ``name`` (unique within its kind), ``description`` (one line)
and ``options_schema`` (a JSON Schema for the options a review may pass, or
``None`` for "no options"). Each kind adds the methods named in its Protocol;
``core/hookspecs.py`` states the contract in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from evidencekit.core.review import Review
    from evidencekit.core.steps import StepContext, StepOutcome


@runtime_checkable
class Provider(Protocol):
    """The attributes every provider of every kind has."""

    name: str
    description: str
    options_schema: Mapping[str, Any] | None


class Importer(Provider, Protocol):
    """File → records with provenance."""

    extensions: tuple[str, ...]

    def sniff(self, head: str) -> float:
        """Confidence in [0, 1] that ``head`` (the decoded start of a file) is this format."""

    def read(self, source: Any, options: Mapping[str, Any]) -> Iterator[Any]:
        """Yield records from ``source``; raise RecordFormatError naming file and line."""


class Deduplicator(Provider, Protocol):
    """Records → duplicate links with the reason for each."""

    def find_duplicates(
        self, records: Sequence[Any], options: Mapping[str, Any], decisions: Mapping[Any, str]
    ) -> Any:
        """Return links (pairs with reasons and scores) and uncertain pairs."""


class Screener(Provider, Protocol):
    """Records → decisions or a ranking."""

    def screen(self, records: Sequence[Any], options: Mapping[str, Any], context: Any) -> Any:
        """Return decisions or a priority ranking of the records."""


class StoppingRule(Provider, Protocol):
    """Screening history → whether screening may stop."""

    def should_stop(self, history: Sequence[Any], options: Mapping[str, Any]) -> Any:
        """Return a decision with its reason."""


class AppraisalScorer(Provider, Protocol):
    """Checklist + answers → score and grade."""

    def score(self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]) -> Any:
        """Return the score and grade of one appraisal."""


class SynthesisMethod(Provider, Protocol):
    """Coded studies + framework → ranked influences, comparisons, a derived measure."""

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> Any:
        """Return the synthesis result as plain data."""


class ValidityAnalysis(Provider, Protocol):
    """Measure + ratings → statistics with a plain-language verdict."""

    def analyse(self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]) -> Any:
        """Return numbers and a ``verdict`` string."""


class Reporter(Provider, Protocol):
    """Results → files a person reads."""

    def render(self, results: Any, out_dir: Path, options: Mapping[str, Any]) -> Iterable[Path]:
        """Write files into ``out_dir`` (atomically) and return their paths."""


class PipelineStep:
    """Base class of a pipeline step: what ``- step: NAME`` in review.yaml runs.

    Subclass it, set ``name``, ``description`` and ``options_schema`` (a JSON Schema for
    the step's ``options:``; the registry validates them before ``check`` is called, so
    unknown or mistyped options are reported for you), and implement ``run``. Override
    ``check`` for what a schema cannot say (files that must exist, instruments that must
    be found). Return the instance from the ``evidencekit_pipeline_steps`` hook.
    """

    name: str = ""
    description: str = ""
    options_schema: Mapping[str, Any] | None = None
    #: Where the step usually sits in a pipeline (import 10, dedupe 20, screen 30,
    #: appraise 40, synthesize 50, measure 60, prisma 70, report 90). Used only to list
    #: the steps in a sensible order; the review file decides the order they run in.
    order: int = 50
    #: The registry kind a ``provider:`` line of this step names (e.g. ``deduplicator``),
    #: or None when the step takes no ``provider:``. When set, ``check`` and the context
    #: receive the declared provider name (None when the review names none).
    provider_kind: str | None = None

    def check(self, review: Review, options: dict[str, Any],
              provider: str | None = None) -> None:
        """Plan-time check of the declared step; raise an ``EvidencekitError`` subclass.

        ``options`` have already passed ``options_schema``. Nothing may be written here.
        ``provider`` is passed (as a keyword) only to steps whose ``provider_kind`` is set.
        """

    def run(self, context: StepContext) -> StepOutcome:
        """Run the step and return its outcome; write files through ``context``."""
        raise NotImplementedError(f"pipeline step {self.name!r} does not implement run()")


@dataclass(frozen=True)
class ProviderInfo:
    """A provider together with the plugin it came from."""

    kind: str
    name: str
    provider: Any
    origin: str

    @property
    def description(self) -> str:
        return str(getattr(self.provider, "description", "") or "")

    @property
    def options_schema(self) -> Mapping[str, Any] | None:
        return getattr(self.provider, "options_schema", None)
