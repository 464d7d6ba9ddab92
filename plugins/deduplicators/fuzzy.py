"""The ``fuzzy`` deduplicator: blocking, field similarity, explicit rules, coherent clusters.

How it works (details and measured accuracy in ``docs/dedupe.md``):

1. every record is normalised once (title words without database notes,
   family names, journal words, page range, volume and issue numbers, DOI);
2. blocking gives the candidate pairs: records sharing a DOI, a PMID, the
   first or last three title words, two of the three rarest title words, the
   first author and year, or volume and first page;
3. each candidate pair is compared field by field with rapidfuzz (vectorised)
   and judged by the rules in ``_rules.py``: vetoes first, then links, then
   pairs a person should look at;
4. links are clustered by union-find and every cluster is checked for
   coherence; an incoherent one is rebuilt from its strongest links.

Human decisions ("same" / "different") are applied on every run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.deduplicators._options import OPTIONS_SCHEMA


class FuzzyDeduplicator:
    """Near-duplicates by field similarity with blocking, tunable rules and coherent clusters."""

    name = "fuzzy"
    description = (
        "near-duplicates: blocking, rapidfuzz similarity of title, authors, year, journal, "
        "volume, issue, pages and DOI, explicit rules, coherence-checked clusters"
    )
    options_schema = OPTIONS_SCHEMA

    def find_duplicates(
        self,
        records: Sequence[Any],
        options: Mapping[str, Any] | None = None,
        decisions: Mapping[Any, str] | None = None,
    ) -> Any:
        """Link the duplicates among ``records``; see the module docstring."""
        from evidencekit.plugins.deduplicators import _engine, _rules
        from evidencekit.plugins.deduplicators._blocking import candidate_pairs
        from evidencekit.plugins.deduplicators._features import compare

        o = {**_rules.defaults(), **(options or {})}
        workers = int(o["workers"])

        def judge(p: Any, i: Any, j: Any) -> Any:
            import numpy as np

            f = compare(p, i, j, workers)
            shorter = np.minimum(p.title_length[f.i], p.title_length[f.j])
            return f, _rules.judge(f, shorter, o)

        return _engine.run(
            records,
            decisions or {},
            block=lambda p: candidate_pairs(p, int(o["full_block"]), int(o["window"])),
            judge=judge,
            reason=_rules.reason,
            workers=workers,
            prefilter=min(float(o["title_floor"]), float(o["uncertain_title"])),
            shared_title_floor=float(o["title_floor"]),
        )


@hookimpl
def evidencekit_deduplicators() -> list[Any]:
    return [FuzzyDeduplicator()]
