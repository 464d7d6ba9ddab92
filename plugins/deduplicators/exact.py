"""The ``exact`` deduplicator: same DOI, same PMID, or same normalised title and year.

The baseline every review can trust without tuning. Normalisation is shared
with ``fuzzy`` (case, accents, punctuation, markup and database notes in
titles; DOI resolver prefixes). Two guards keep it from the classic exact-match
mistakes: an identifier link needs the titles to be alike (a conference
supplement sometimes gives one DOI to all its abstracts), and records with two
different DOIs or PMIDs are never linked, nor put in one cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title_floor": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.8,
            "description": "a DOI or PMID link needs titles at least this alike "
            "(else the pair is sent for review)",
        },
        "title_year": {
            "type": "boolean",
            "default": True,
            "description": "link records with the same normalised title and year",
        },
        "full_block": {
            "type": "integer",
            "minimum": 2,
            "default": 8,
            "description": "records sharing an identifier or title are compared all "
            "against all up to this many, else each with its next `window` ones",
        },
        "window": {
            "type": "integer",
            "minimum": 1,
            "default": 6,
            "description": "neighbours compared in a larger group",
        },
    },
}


def _defaults() -> dict[str, Any]:
    return {k: v["default"] for k, v in OPTIONS_SCHEMA["properties"].items()}


class ExactDeduplicator:
    """Duplicates by identical DOI, PMID, or normalised title and year."""

    name = "exact"
    description = "exact duplicates: same DOI, same PMID, or same normalised title and year"
    options_schema = OPTIONS_SCHEMA

    def find_duplicates(
        self,
        records: Sequence[Any],
        options: Mapping[str, Any] | None = None,
        decisions: Mapping[Any, str] | None = None,
    ) -> Any:
        """Link records sharing a DOI, a PMID, or title and year."""
        from evidencekit.plugins.deduplicators import _engine
        from evidencekit.plugins.deduplicators._blocking import candidate_pairs
        from evidencekit.plugins.deduplicators._rules import reason

        o = {**_defaults(), **(options or {})}
        kinds = ("doi", "pmid", "title-year") if o["title_year"] else ("doi", "pmid")
        return _engine.run(
            records,
            decisions or {},
            block=lambda p: candidate_pairs(p, int(o["full_block"]), int(o["window"]), kinds),
            judge=lambda p, i, j: _judge(p, i, j, o),
            reason=reason,
            prefilter=None,
            shared_title_floor=float(o["title_floor"]),
        )


class _Verdicts:
    def __init__(self, link: Any, uncertain: Any, compatible: Any, score: Any, rule: Any):
        self.link, self.uncertain, self.compatible = link, uncertain, compatible
        self.score, self.rule = score, rule


def _judge(p: Any, i: Any, j: Any, o: Mapping[str, Any]) -> tuple[Any, _Verdicts]:
    import numpy as np

    from evidencekit.plugins.deduplicators._features import compare

    f = compare(p, i, j)
    t = np.nan_to_num(f.title, nan=-1.0)
    has_title = t >= 0
    titles_ok = ~has_title | (t >= o["title_floor"])
    conflict = (f.doi == -1) | (f.pmid == -1)
    same_title_year = (
        bool(o["title_year"]) & has_title & (p.title[f.i] == p.title[f.j]) & (f.year_gap == 0)
    )
    rule = np.full(len(f.i), "", dtype=object)
    link = np.zeros(len(f.i), bool)
    for name, mask in (
        ("doi", f.doi == 1),
        ("pmid", f.pmid == 1),
        ("title+year", same_title_year),
    ):
        new = mask & ~link & ~conflict & (titles_ok | (name == "title+year"))
        rule[new] = name
        link[new] = True
    identifier = (f.doi == 1) | (f.pmid == 1)
    uncertain = ~link & ~conflict & identifier & ~titles_ok
    compatible = ~conflict & titles_ok
    score = np.where(has_title, t, 0.5) + identifier
    return f, _Verdicts(link, uncertain, compatible, score.astype(np.float64), rule)


@hookimpl
def evidencekit_deduplicators() -> list[Any]:
    return [ExactDeduplicator()]
