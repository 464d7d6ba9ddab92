"""The statistical stopping rule of Callaghan & Müller-Hansen (2020).

Callaghan MW, Müller-Hansen F. Statistical stopping criteria for automated screening in
systematic reviews. Systematic Reviews 2020;9:273. doi:10.1186/s13643-020-01521-4

Null hypothesis: the recall reached so far is below the target ``recall``. The last ``n``
records screened are treated as a sample drawn without replacement from the records that
were unscreened when the sample began (the ranking puts relevant records first, so this
is conservative). If the null held, that pool would hold at least
``K = floor(r_seen / recall - r_before) + 1`` relevant records (``r_seen`` relevant seen in
all, ``r_before`` of them before the sample). The p-value is the hypergeometric probability
of finding as few relevant records in the sample as were found; the rule stops when the
smallest p over every sample size is below ``1 - confidence``. Priors are never part of a
sample (they were not chosen by the ranking). Computed with ``scipy.stats.hypergeom``; the
tests check it against the authors' own ``buscarpy.calculate_h0``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.prioritisation import ScreeningHistory, StopVerdict


def p_value(labels: Sequence[int], n_total: int, recall: float, n_prior: int = 0) -> float:
    """Smallest p-value of "recall < ``recall``" over every sample of the last records.

    ``labels`` are all labels in screening order (priors first); samples are drawn only
    from the labels after the first ``n_prior``. Returns 1.0 when there is no sample yet.
    """
    import numpy as np
    from scipy.stats import hypergeom

    values = np.asarray(labels, dtype=np.int64)
    ranked = values[n_prior:]
    if ranked.size == 0:
        return 1.0
    r_seen = int(values.sum())
    sample = ranked[::-1]  # sample of size n = the last n records screened
    # Within a run of sample sizes holding the same number of relevant records, a larger
    # sample gives a smaller p (the unscreened pool keeps its size while the sample grows),
    # so the minimum over every size is reached at the end of a run: just before the
    # sample would take in one more relevant record, or at the whole ranked part. Testing
    # those r_seen + 1 sizes instead of all of them keeps each check O(r_seen).
    hits = np.flatnonzero(sample)
    sizes = np.unique(np.append(hits[hits > 0], sample.size))
    found = np.cumsum(sample)[sizes - 1]
    pool = n_total - (values.size - sizes)
    k_hat = np.floor(r_seen / recall + 1 - (r_seen - found))
    with np.errstate(invalid="ignore"):
        p = hypergeom.cdf(found, pool, np.minimum(k_hat, pool), sizes)
    # More relevant records under the null than the pool can hold: the null is impossible.
    p = np.where(k_hat > pool, 0.0, p)
    return float(np.nanmin(p)) if np.isfinite(p).any() else 1.0


class Hypergeometric:
    """Stop when recall >= target is established with the stated confidence."""

    name = "hypergeometric"
    description = (
        "Statistical rule (Callaghan & Müller-Hansen 2020): stop when the recall "
        "target is reached with the stated confidence (hypergeometric test)"
    )
    options_schema = {
        "type": "object",
        "properties": {
            "recall": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.95},
            "confidence": {
                "type": "number",
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 1,
                "default": 0.95,
            },
        },
        "additionalProperties": False,
    }

    def first_stop(
        self, labels: Sequence[int], n_total: int, n_prior: int, options: Mapping[str, Any]
    ) -> int | None:
        """The fewest leading ``labels`` (at least ``max(n_prior, 1)``) after which
        ``should_stop`` says stop, or None: the answer of checking every length in turn,
        with far fewer checks.

        Why it may skip: appending an irrelevant record never raises the p-value (every
        sample keeps its relevant records and its pool and grows by one record, and the
        sample of that record alone is added), so between two relevant records the verdict
        can turn from continue to stop once and never back. Each such stretch is checked
        at its end, and the first that stops there is bisected.
        """
        alpha = 1 - float(options.get("confidence", 0.95))
        recall = float(options.get("recall", 0.95))

        def stops(k: int) -> bool:
            return p_value(labels[:k], n_total, recall, n_prior) < alpha

        start = max(n_prior, 1)
        # A stretch begins at `start` and after every relevant record (a length k with
        # labels[k - 1] == 1) and ends just before the next one.
        begins = [start] + [k for k in range(start + 1, len(labels) + 1) if labels[k - 1]]
        for low, end in zip(begins, begins[1:] + [len(labels) + 1], strict=True):
            high = end - 1
            if low > high or not stops(high):
                continue
            while low < high:
                middle = (low + high) // 2
                if stops(middle):
                    high = middle
                else:
                    low = middle + 1
            return low
        return None

    def should_stop(self, history: ScreeningHistory, options: Mapping[str, Any]) -> StopVerdict:
        recall = float(options.get("recall", 0.95))
        confidence = float(options.get("confidence", 0.95))
        p = p_value(history.labels, history.n_total, recall, history.n_prior)
        details: dict[str, Any] = {"p": p, "recall": recall, "confidence": confidence}
        target = f"recall of at least {recall:.0%}"
        if p < 1 - confidence:
            return StopVerdict(
                True,
                f"{target} reached with {confidence:.0%} confidence "
                f"(p = {p:.3g} < {1 - confidence:.3g})",
                details,
            )
        return StopVerdict(
            False,
            f"cannot yet say with {confidence:.0%} confidence that the "
            f"{target} is reached (p = {p:.3g}); keep screening",
            details,
        )


@hookimpl
def evidencekit_stopping_rules() -> list[Any]:
    return [Hypergeometric()]
