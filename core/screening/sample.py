"""The dual-screen sample: a seeded random share of a stage's records for a second reviewer.

The draw is reproducible on every machine and Python version: the population is
sorted by record id and each id gets a key from ``random.Random(seed).random()``
in that order (the one stream Python guarantees stays the same across versions;
``random.sample`` does not), and the sample is the ids with the smallest keys.
With ``stratify_by`` the sample size is shared among the strata in proportion to
their sizes (largest remainders, ties by stratum name), and each stratum takes its
ids with the smallest keys. The sample, its seed and settings are stored.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core.errors import ScreeningError

#: Record attributes a sample may be stratified by.
STRATA = ("source", "kind", "year", "language", "publication_type", "journal")


def sample_size(population: int, *, fraction: float | None = None, n: int | None = None) -> int:
    """How many records a sample takes: ``ceil(fraction × population)`` or ``n``."""
    if (fraction is None) == (n is None):
        raise ScreeningError("give either --fraction or -n, not both and not neither")
    if fraction is not None:
        if not (isinstance(fraction, int | float) and 0 < fraction <= 1):
            raise ScreeningError(
                f"sample fraction {fraction} is outside (0, 1]; write e.g. --fraction 0.05 for 5 %"
            )
        return math.ceil(round(fraction * population, 9))
    if n is None or n < 1:
        raise ScreeningError(f"sample size -n {n} must be at least 1")
    if n > population:
        raise ScreeningError(
            f"sample size -n {n} is more than the {population} records screened at this stage"
        )
    return n


def allocate(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Share ``total`` among strata in proportion to ``sizes`` (largest remainder)."""
    whole = sum(sizes.values())
    if whole == 0:
        return dict.fromkeys(sizes, 0)
    exact = {k: total * v / whole for k, v in sizes.items()}
    out = {k: math.floor(x) for k, x in exact.items()}
    left = total - sum(out.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[:left]:
        out[k] += 1
    return out


def draw(
    ids: Sequence[str], seed: int, size: int, strata: Mapping[str, str] | None = None
) -> list[str]:
    """The sampled ids (sorted): the ``size`` smallest seeded keys, per stratum if given."""
    rng = random.Random(seed)
    keys = {rid: rng.random() for rid in sorted(set(ids))}
    if strata is None:
        return sorted(sorted(keys, key=lambda r: (keys[r], r))[:size])
    groups: dict[str, list[str]] = defaultdict(list)
    for rid in keys:
        groups[strata.get(rid, "")].append(rid)
    quota = allocate({k: len(v) for k, v in groups.items()}, size)
    chosen: list[str] = []
    for name, members in groups.items():
        chosen.extend(sorted(members, key=lambda r: (keys[r], r))[: quota[name]])
    return sorted(chosen)


def _strata(review: Any, ids: Sequence[str], attribute: str) -> dict[str, str]:
    if attribute not in STRATA:
        raise ScreeningError(f"cannot stratify by {attribute!r}; use one of {', '.join(STRATA)}")
    from evidencekit.core.store import open_store, rows

    with open_store(review) as store, store.read() as conn:
        records = rows.load_records(conn, record_ids=ids, with_raw=False)
    out = {}
    for r in records:
        if attribute in ("source", "kind"):
            value = getattr(r.provenance, attribute, "") if r.provenance else ""
        else:
            value = getattr(r, attribute)
        out[r.record_id] = "" if value is None else str(value)
    return out


def draw_sample(
    review: Any,
    stage: str,
    reviewer: str,
    *,
    seed: int,
    fraction: float | None = None,
    n: int | None = None,
    stratify_by: str | None = None,
) -> Any:
    """Draw a sample of ``stage``'s records for ``reviewer`` and record it in the store.

    The population is the stage's records (:func:`ScreeningState.population`) less
    those an automation tool excluded. Returns the stored :class:`Sample`.
    """
    from evidencekit.core.screening.state import Sample, load_state
    from evidencekit.core.store import open_store, schema
    from evidencekit.core.store.db import utc_now

    if not reviewer.strip():
        raise ScreeningError("name the reviewer who screens the sample (--reviewer)")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ScreeningError(f"seed {seed!r} must be a whole number from 0 to 2^63-1")
    state = load_state(review)
    finals = state.final(stage)
    population = [r for r in state.population(stage) if not finals[r].automated]
    if not population:
        raise ScreeningError(f"no records to sample at stage {stage!r}")
    size = sample_size(len(population), fraction=fraction, n=n)
    strata = _strata(review, population, stratify_by) if stratify_by else None
    chosen = draw(population, seed, size, strata)
    now = utc_now()
    with open_store(review) as store, store.write() as conn:
        result = conn.execute(
            schema.screening_samples.insert().values(
                stage=stage,
                reviewer=reviewer,
                seed=seed,
                fraction=fraction,
                n=n,
                stratify_by=stratify_by,
                population=len(population),
                size=len(chosen),
                created_at=now,
            )
        )
        sample_id = int(result.inserted_primary_key[0])
        conn.execute(
            schema.screening_sample_records.insert(),
            [{"sample_id": sample_id, "record_id": r} for r in chosen],
        )
    return Sample(
        sample_id,
        stage,
        reviewer,
        seed,
        fraction,
        n,
        stratify_by,
        len(population),
        tuple(chosen),
        now,
    )
