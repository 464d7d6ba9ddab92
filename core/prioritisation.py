"""Prioritised screening: the typed contract between the core and ranking screeners and
stopping rules, and how the core calls them.

A *ranking screener* (a provider of the ``evidencekit_screeners`` hook whose ``screen``
returns a :class:`Ranking`) is called as ``screen(records, options, context)`` with the
stage's records and a :class:`RankingContext` holding the labels known so far. A *stopping
rule* (``evidencekit_stopping_rules``) is called as ``should_stop(history, options)`` with a
:class:`ScreeningHistory` and returns a :class:`StopVerdict`. The core checks what each
returns and names the plugin when it is malformed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.errors import EvidencekitError, RegistryError

COMBINE = ("any", "all")


@dataclass
class RankingContext:
    """What a ranking screener knows besides the records.

    ``labels`` maps a record's position in ``records`` to 1 (relevant) or 0 (irrelevant);
    ``seed`` seeds every random choice; ``cache`` is kept by the caller between calls on
    the same records, so a screener may keep work that does not depend on the labels
    (features) there instead of redoing it at every retrain.
    """

    labels: Mapping[int, int]
    seed: int = 0
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ranking:
    """Unlabelled records, most likely relevant first: positions in ``records``.

    ``scores`` (same length, optional) are the model's relevance scores; ``parameters`` is
    every setting that produced the ranking, seed included, so it can be reproduced.
    """

    order: list[int]
    scores: list[float] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScreeningHistory:
    """Labels (1 relevant, 0 irrelevant) in the order records were screened.

    ``n_total`` is the number of records in the stage, screened or not; ``n_prior`` the
    number of leading labels that were not chosen by the ranking (prior knowledge, a
    random start), which a statistical rule must not treat as a sample of the ranking.
    """

    labels: Sequence[int]
    n_total: int
    n_prior: int = 0

    @property
    def n_screened(self) -> int:
        return len(self.labels)

    @property
    def n_relevant(self) -> int:
        return int(sum(self.labels))


@dataclass
class StopVerdict:
    """Whether screening may stop, and why, in words a reviewer understands."""

    stop: bool
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class RuleSpec:
    """A stopping rule as a review or a command line names it."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


def rank(
    registry: Any,
    name: str,
    records: Sequence[Any],
    options: Mapping[str, Any],
    context: RankingContext,
) -> Ranking:
    """Call the ranking screener ``name`` and check its answer covers every unlabelled record."""
    info = registry.info("screener", name)
    result = info.provider.screen(records, options, context)
    if not isinstance(result, Ranking):
        raise RegistryError(
            f"screener {name!r} ({info.origin}) returned "
            f"{type(result).__name__}, not a ranking; it cannot order a queue"
        )
    if not _unlabelled_permutation(result.order, len(records), context.labels):
        raise RegistryError(
            f"screener {name!r} ({info.origin}) returned a ranking that is not "
            "a permutation of the unlabelled records; report this to its authors"
        )
    return result


def _unlabelled_permutation(order: Sequence[int], n: int, labels: Any) -> bool:
    """Whether ``order`` lists every unlabelled position of ``n`` exactly once and nothing
    else (with NumPy: a simulation checks a ranking of every record after every label)."""
    import numpy as np

    if len(order) != n - len(labels):
        return False
    if not len(order):
        return len(labels) == n
    try:
        positions = np.asarray(order)
    except (TypeError, ValueError, OverflowError):
        return False
    if positions.ndim != 1 or positions.dtype.kind not in "iu":
        return False
    if positions.min() < 0 or positions.max() >= n:
        return False
    seen = np.zeros(n, dtype=bool)
    seen[np.fromiter(labels, dtype=np.int64, count=len(labels))] = True
    seen[positions] = True
    # n - len(labels) positions, each in range and unlabelled: all distinct iff all are seen.
    return bool(seen.all())


def check_verdict(verdict: Any, name: str, origin: str) -> StopVerdict:
    """Accept a :class:`StopVerdict` (or a ``(bool, str)`` pair) from stopping rule ``name``."""
    if isinstance(verdict, StopVerdict):
        return verdict
    if (
        isinstance(verdict, tuple)
        and len(verdict) == 2
        and isinstance(verdict[0], bool)
        and isinstance(verdict[1], str)
    ):
        return StopVerdict(verdict[0], verdict[1])
    raise RegistryError(
        f"stopping rule {name!r} ({origin}) returned {type(verdict).__name__}; "
        "expected a StopVerdict (stop, reason)"
    )


def evaluate(
    registry: Any, rules: Sequence[RuleSpec], history: ScreeningHistory
) -> list[tuple[RuleSpec, StopVerdict]]:
    """Each rule's verdict on ``history``, options checked against the rule's schema."""
    out = []
    for spec in rules:
        options = registry.validate_options("stopping-rule", spec.name, spec.options)
        info = registry.info("stopping-rule", spec.name)
        verdict = info.provider.should_stop(history, options)
        out.append((spec, check_verdict(verdict, spec.name, info.origin)))
    return out


def combined(verdicts: Sequence[tuple[RuleSpec, StopVerdict]], how: str = "any") -> StopVerdict:
    """One verdict from several: stop when ``any`` rule says so, or only when ``all`` do."""
    if how not in COMBINE:
        raise EvidencekitError(f"stopping rules combine with 'any' or 'all', not {how!r}")
    if not verdicts:
        return StopVerdict(False, "no stopping rule is declared")
    stops = [spec.name for spec, verdict in verdicts if verdict.stop]
    if how == "any":
        stop = bool(stops)
        reason = f"{', '.join(stops)} says stop" if stop else "no rule says stop yet"
    else:
        stop = len(stops) == len(verdicts)
        waiting = [spec.name for spec, verdict in verdicts if not verdict.stop]
        reason = "every rule says stop" if stop else f"waiting for {', '.join(waiting)}"
    return StopVerdict(stop, f"{reason} (rules combined with '{how}')")


def parse_rule(text: str) -> RuleSpec:
    """``NAME`` or ``NAME:key=value,key=value`` (values read as YAML scalars) → RuleSpec."""
    import yaml

    name, _, rest = text.partition(":")
    options: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise EvidencekitError(
                f"stopping rule {text!r}: write options as key=value, "
                f"e.g. hypergeometric:recall=0.95,confidence=0.95"
            )
        options[key.strip()] = yaml.safe_load(value)
    if not name.strip():
        raise EvidencekitError(f"stopping rule {text!r} has no name")
    return RuleSpec(name.strip(), options)
