"""Every extension point of evidencekit, one empty function each.

The docstring of each hook is its contract. Hooks are called with keyword
arguments only. Provider hooks return a list of provider objects (see
``evidencekit.core.providers``); the registry gathers them per kind, keyed by
each provider's unique ``name``. Built-in methods implement exactly these hooks,
as a third-party package would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

from evidencekit.core import PROJECT_NAME

if TYPE_CHECKING:  # pragma: no cover
    from importlib.resources.abc import Traversable
    from pathlib import Path

    import click

    from evidencekit.core.providers import (
        AppraisalScorer,
        Deduplicator,
        Importer,
        PipelineStep,
        Reporter,
        Screener,
        StoppingRule,
        SynthesisMethod,
        ValidityAnalysis,
    )

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def evidencekit_importers() -> list[Importer]:
    """Return importer providers: database export file → records with provenance.

    Each provider has ``name`` (the format name a user passes as ``--format``),
    ``description``, ``options_schema``, ``extensions`` (usual file endings, a hint
    only), ``sniff(head: str) -> float`` giving its confidence in [0, 1] that the
    decoded start of a file is its format (the detector picks by content, never by
    file name), and ``read(source, options)`` yielding ``Record`` objects in file
    order, each with its position and its own identifier (``source_key``). On bad
    input ``read`` raises ``RecordFormatError`` naming the file, the line or record,
    what was expected and what to do; it never half-yields silently. Subclass
    ``evidencekit.core.providers.BaseImporter`` (implement ``sniff`` and
    ``_read(source, options, cursor)``) and any other exception becomes a
    ``RecordFormatError`` naming the line the cursor reached. Anything yielded that is
    not a ``Record`` stops the import with an error naming the plugin.
    """


@hookspec
def evidencekit_deduplicators() -> list[Deduplicator]:
    """Return deduplicator providers: records → duplicate links with reasons.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``find_duplicates(records, options, decisions)``. ``decisions`` maps a pair of
    record ids to ``"same"`` or ``"different"`` as a person decided them; a
    provider must respect them. It returns the links it is sure of (each with the
    reason and the score) and the uncertain pairs for a person to review, as an
    ``evidencekit.core.duplicate_links.DedupeResult`` (checked: anything else, or a record id the
    store does not hold, is an error naming the plugin). It never deletes or changes a
    record.
    """


@hookspec
def evidencekit_screeners() -> list[Screener]:
    """Return screener providers: records → decisions or a ranking.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``screen(records, options, context)``. Decisions read from files, rules from
    the protocol's eligibility criteria, or an active-learning ranking all fit. A
    ranking screener gets a ``RankingContext`` and returns a ``Ranking`` of every
    unlabelled record (``evidencekit.core.prioritisation``; checked by the core).
    Randomness is seeded from ``options`` and the seed is part of the result.
    """


@hookspec
def evidencekit_stopping_rules() -> list[StoppingRule]:
    """Return stopping-rule providers for prioritised screening.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``should_stop(history, options)`` returning whether screening may stop and
    the plain-language reason: ``history`` is a ``ScreeningHistory``, the answer a
    ``StopVerdict`` (``evidencekit.core.prioritisation``). Optional:
    ``first_stop(labels, n_total, n_prior, options)``, the fewest leading labels after
    which ``should_stop`` says stop (or None), found faster; a simulation uses it.
    """


@hookspec
def evidencekit_appraisal_scorers() -> list[AppraisalScorer]:
    """Return appraisal-scorer providers: checklist + answers → score and grade.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``score(checklist, answers, options)``, where ``checklist`` is a typed
    ``Checklist`` and ``answers`` maps item id to the answer code (or text for a
    free-text item). It returns an ``evidencekit.core.results.ScoreResult`` (or a
    mapping with its keys): ``grade``, and the score as ``score_percent`` or as
    ``score`` with ``out_of`` (or neither, for a judgement), plus any details. The core
    checks it (``check_score_result``): ``score`` without ``out_of``, a non-numeric score
    or a percentage outside 0-100 stops with an error naming the plugin. It reads the
    scoring rules the checklist declares and never hard-codes them.

    The checklist's ``scoring`` block (beyond ``method``, ``convention``, ``options``,
    ``notes``) is the scorer's own. It may declare ``scoring_schema`` (JSON Schema of the
    whole block), ``check_scoring(checklist) -> [(json_path, message)]`` (semantic checks
    on the schema-valid checklist data, paths from the document root) and
    ``scoring_model(scoring)`` (the typed ``Checklist.scoring``, with ``method``,
    ``options`` and ``raw``); see ``core/instruments/scoring_blocks.py``.
    """


@hookspec
def evidencekit_synthesis_methods() -> list[SynthesisMethod]:
    """Return synthesis-method providers: coded studies + framework → results.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``run(studies, framework, options)`` returning a mapping of plain, JSON-able data
    (ranked influences, subgroup comparisons, sensitivity comparisons, a derived measure,
    a crosswalk map). ``studies`` is an ``evidencekit.core.synthesis.SynthesisData``:
    the checked studies table (attributes per study), the coded influences (``Coding``
    rows), the appraisal grades when asked for, and ``find_instrument(ref, kind)`` for
    other instruments (a template measure, a crosswalk). ``framework`` is the typed
    ``Framework``. Options have passed the provider's schema. On input it cannot use, a
    method raises an ``EvidencekitError`` naming the file, line and what is allowed.
    """


@hookspec
def evidencekit_validity_analyses() -> list[ValidityAnalysis]:
    """Return validity-analysis providers: measure + ratings → statistics + verdict.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``analyse(measure, ratings, units, options)`` returning an
    ``evidencekit.core.results.ValidityResult`` (or a mapping) with its numbers and a
    ``verdict`` string whose wording reflects the sample size; a result without a
    verdict is an error naming the plugin. When the data cannot support the analysis
    it says so in the result rather than raising.
    """


@hookspec
def evidencekit_reporters() -> list[Reporter]:
    """Return reporter providers: results → files a person reads.

    Each provider has ``name``, ``description``, ``options_schema`` and
    ``render(results, out_dir, options)`` that writes its files atomically into
    ``out_dir`` and returns their paths. Text from imported records is escaped
    wherever it is rendered.
    """


@hookspec
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    """Return pipeline-step providers: what ``- step: NAME`` in review.yaml runs.

    Subclass ``evidencekit.core.providers.PipelineStep`` and set:

    - ``name``: the step name written in review.yaml (unique among steps);
    - ``description``: one line, shown by ``evidencekit plugins``;
    - ``options_schema``: JSON Schema of the step's ``options:`` (``None`` = no options);
      the registry validates them at plan time, with the review.yaml line in the message;
    - ``order`` (optional): where the step usually sits, used only to list steps;
    - ``provider_kind`` (optional): the registry kind a ``provider:`` line names.

    and implement:

    - ``check(review, options)`` (``check(review, options, provider=...)`` when
      ``provider_kind`` is set): plan-time checks a schema cannot express (files exist,
      instruments found). It raises an ``EvidencekitError`` subclass (usually
      ``PipelineError``) with a message like ``options.ratings: no such file PATH``; the
      runner prefixes ``review.yaml:LINE: $.steps[N] (NAME): ``. It writes nothing.
    - ``run(context)``: ``context`` is an ``evidencekit.core.steps.StepContext`` (the
      review, the step's options and provider, the ``results`` and ``reports`` of the
      steps that ran before, ``progress``, the run's ``instruments`` record, and
      ``path()``, ``write_json()``, ``write_text()`` into the staging folder). It returns an
      ``evidencekit.core.steps.StepOutcome(summary, data, files, report="")``. Files are
      published only when every step has succeeded; store changes are the step's own
      transactions. A ``PipelineError`` it raises is reported as
      ``step N (NAME) failed: ...``; any other exception (a bug) as one line naming
      the plugin, and nothing is published.
    """


@hookspec
def evidencekit_instrument_folders() -> list[Path | Traversable]:
    """Return folders of YAML instruments this plugin ships.

    Every ``*.yaml`` file below each folder is loaded and validated like the
    built-in instruments. Use ``importlib.resources.files(...)`` for package data.
    """


@hookspec
def evidencekit_cli_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``evidencekit`` command line.

    Called once when the CLI starts, with the top-level group. Keep imports
    inside the command functions so that ``evidencekit --help`` stays fast.
    """
