"""What a provider is: a named object a plugin returns from a provider hook.

Every provider has ``name`` (unique within its kind), ``description`` (one line)
and ``options_schema`` (a JSON Schema for the options a review may pass, or
``None`` for "no options"). Each kind adds the methods named in its Protocol;
``core/hookspecs.py`` states the contract in words, ``core/results.py`` types what
each kind returns (and checks it at the boundary).

Two kinds have a public base class that does part of the contract for you:
:class:`BaseImporter` (only ``RecordFormatError`` escapes ``read``, with the line) and
:class:`PipelineStep`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evidencekit.core.errors import RecordFormatError

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from evidencekit.core.duplicate_links import DedupeResult
    from evidencekit.core.model import Record
    from evidencekit.core.results import ScoreResult, ValidityResult
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

    def read(self, source: Any, options: Mapping[str, Any]) -> Iterator[Record]:
        """Yield records from ``source``; raise RecordFormatError naming file and line."""


class Deduplicator(Provider, Protocol):
    """Records → duplicate links with the reason for each."""

    def find_duplicates(
        self,
        records: Sequence[Record],
        options: Mapping[str, Any],
        decisions: Mapping[tuple[str, str], str],
    ) -> DedupeResult:
        """Return links (pairs with reasons and scores) and uncertain pairs."""


# Screeners, stopping rules and synthesis methods are being written now (issue 8 leaves
# their result types to them): their Protocols name the methods and stay minimal.


class Screener(Provider, Protocol):
    """Records → decisions or a ranking."""

    def screen(self, records: Sequence[Record], options: Mapping[str, Any], context: Any) -> Any:
        """Return decisions or a priority ranking of the records."""


class StoppingRule(Provider, Protocol):
    """Screening history → whether screening may stop."""

    def should_stop(self, history: Sequence[Any], options: Mapping[str, Any]) -> Any:
        """Return a decision with its reason."""


class AppraisalScorer(Provider, Protocol):
    """Checklist + answers → score and grade."""

    def score(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> ScoreResult | Mapping[str, Any]:
        """Return the score and grade of one appraisal (checked by ``check_score_result``)."""


class SynthesisMethod(Provider, Protocol):
    """Coded studies + framework → ranked influences, comparisons, a derived measure."""

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> Mapping[str, Any]:
        """Return the synthesis result as a mapping of plain data. ``studies`` is an
        ``evidencekit.core.synthesis.SynthesisData``; the result is checked by
        ``evidencekit.core.synthesis.run_method`` (docs/synthesis.md)."""


class ValidityAnalysis(Provider, Protocol):
    """Measure + ratings → statistics with a plain-language verdict."""

    def analyse(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> ValidityResult | Mapping[str, Any]:
        """Return numbers and a ``verdict`` string (checked by ``check_validity_result``)."""


class Reporter(Provider, Protocol):
    """Results → files a person reads."""

    def render(self, results: Any, out_dir: Path, options: Mapping[str, Any]) -> Iterable[Path]:
        """Write files into ``out_dir`` (atomically) and return their paths."""


class Cursor:
    """Where a reader is in the file, so an unexpected failure can still name the line."""

    __slots__ = ("line", "record")

    def __init__(self) -> None:
        self.line: int | None = None
        self.record = 0  # 1-based number of the record being read; 0 before the first


class BaseImporter:
    """Base class of an importer: subclass it so that only ``RecordFormatError`` escapes.

    Subclasses set ``name``, ``description``, ``extensions`` (a hint only; detection uses
    ``sniff``) and implement ``sniff(head)`` and ``_read(source, options, cursor)``, keeping
    ``cursor.line`` and ``cursor.record`` up to date. ``read`` guarantees the contract:
    records in file order, and any other exception becomes a ``RecordFormatError`` naming
    the file and the line the reader had reached.
    """

    name: str = ""
    description: str = ""
    extensions: tuple[str, ...] = ()
    options_schema: Mapping[str, Any] | None = None

    def sniff(self, head: str) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        raise NotImplementedError  # pragma: no cover

    def read(self, source: Any, options: Mapping[str, Any] | None = None) -> Iterator[Record]:
        """Yield the records of ``source`` (an ImportSource) in file order."""
        cursor = Cursor()
        try:
            yield from self._read(source, options or {}, cursor)
        except RecordFormatError:
            raise
        except (RecursionError, MemoryError) as exc:
            raise RecordFormatError(
                f"the file is too deeply nested or too large to read as {self.name} "
                f"({exc.__class__.__name__}); check that it is a {self.name} export",
                file=source.display,
                line=cursor.line,
            ) from exc
        except Exception as exc:  # why: the contract allows no other exception type
            where = f"record {cursor.record}" if cursor.record else "the file"
            raise RecordFormatError(
                f"cannot read {where} as {self.name}: "
                f"{exc.__class__.__name__}: {exc}. The file is malformed near this line; "
                "fix the record or export it again",
                file=source.display,
                line=cursor.line,
            ) from exc

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


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
    #: Whether the step reads files earlier steps of the run wrote into the staging
    #: folder: True, False, or glob patterns of the names it reads (the report's:
    #: ``("*.svg",)``). The run waits for earlier steps' deferred jobs
    #: (``StepContext.defer``: figures) that write such files before the step runs; the
    #: others are drawn while it runs.
    reads_staged_files: bool | tuple[str, ...] = True
    #: Modules the step's deferred jobs import (matplotlib's, say): imported beforehand,
    #: while the run's first steps run, in the process that will draw (see
    #: ``evidencekit.core.deferred_server``).
    preloads: tuple[str, ...] = ()

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
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
