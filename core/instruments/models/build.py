"""Validated instrument data → its typed object, by kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core.instruments.models.base import Instrument
from evidencekit.core.instruments.models.checklist import Checklist
from evidencekit.core.instruments.models.crosswalk import Crosswalk
from evidencekit.core.instruments.models.form import Form
from evidencekit.core.instruments.models.framework import Framework
from evidencekit.core.instruments.models.measure import Measure

MODEL_BY_KIND: dict[str, type[Instrument]] = {
    cls.kind: cls for cls in (Checklist, Framework, Measure, Form, Crosswalk)
}


def build_instrument(
    data: dict[str, Any],
    *,
    origin: str = "file",
    path: str = "",
    lines: dict[tuple[Any, ...], int] | None = None,
    scorers: Mapping[str, Any] | None = None,
) -> Instrument:
    """Turn validated instrument data into its typed object.

    ``lines`` (from :class:`~evidencekit.core.yaml_loader.YamlDocument`) lets
    later cross-file checks name the line of a problem. A checklist's ``scoring`` is
    typed by the scorer it names, found in ``scorers`` (the built-in ones when None).
    """
    cls = MODEL_BY_KIND.get(data["kind"], Instrument)
    instrument = cls.from_dict(data, origin=origin, path=path)
    if isinstance(instrument, Checklist) and data.get("scoring"):
        from evidencekit.core.instruments.scoring_blocks import scoring_model

        object.__setattr__(instrument, "scoring", scoring_model(data, scorers))
    if lines:
        # frozen: set once, right after construction, before anyone sees the object
        object.__setattr__(instrument, "lines", dict(lines))
    return instrument
