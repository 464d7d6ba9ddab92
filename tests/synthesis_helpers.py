"""A small framework and hand-made coded studies for the synthesis tests."""

from __future__ import annotations

from evidencekit.core.instruments.models import Framework
from evidencekit.core.synthesis import Coding, SynthesisData

SOURCE = {"citation": "test", "licence": "MIT"}


def mini_framework() -> Framework:
    """Four influences a, b, c (facilitator/barrier) and u (unclear), in that order."""
    return Framework.from_dict(
        {
            "kind": "framework",
            "id": "mini",
            "version": "1",
            "title": "Mini",
            "source": SOURCE,
            "entries": [
                {"id": "a", "name": "Alpha"},
                {"id": "b", "name": "Beta"},
                {"id": "c", "name": "Gamma"},
                {"id": "u", "name": "Unclear one", "direction": "unclear"},
            ],
        }
    )


def make_data(studies: dict[str, dict], rows: list[tuple], **kw) -> SynthesisData:
    """``rows``: (study, influence, direction[, factor]); line numbers from 2 on."""
    codings = [
        Coding(r[0], r[1], r[2], r[3] if len(r) > 3 else "", line=i + 2) for i, r in enumerate(rows)
    ]
    return SynthesisData(studies=studies, codings=codings, **kw)
