"""Typed objects for each instrument kind, so plugins never touch raw dicts.

Each kind has a frozen dataclass built from data that has already passed its
JSON Schema and the semantic checks (``checks.py``), so constructors can trust
the shape of the data. ``Instrument.to_dict()`` gives the data back as loaded.

Kinds and their classes: ``checklist`` → :class:`Checklist`, ``framework`` →
:class:`Framework`, ``measure`` → :class:`Measure`, ``form`` → :class:`Form`,
``crosswalk`` → :class:`Crosswalk`."""

from __future__ import annotations

from evidencekit.core.instruments.models.base import (
    Instrument,
    Source,
    parse_ref,
)
from evidencekit.core.instruments.models.base import (
    _by_id as _by_id,
)
from evidencekit.core.instruments.models.build import (
    MODEL_BY_KIND,
    build_instrument,
)
from evidencekit.core.instruments.models.checklist import (
    AnswerOption,
    Checklist,
    ChecklistItem,
    ItemPart,
    Section,
)
from evidencekit.core.instruments.models.checklist import (
    _answer_type as _answer_type,
)
from evidencekit.core.instruments.models.checklist import (
    _normalise_answer as _normalise_answer,
)
from evidencekit.core.instruments.models.checklist import (
    _option as _option,
)
from evidencekit.core.instruments.models.checklist import (
    _options as _options,
)
from evidencekit.core.instruments.models.checklist import (
    _part as _part,
)
from evidencekit.core.instruments.models.crosswalk import (
    Crosswalk,
    CrosswalkMapping,
)
from evidencekit.core.instruments.models.form import (
    FieldGroup,
    Form,
    FormField,
)
from evidencekit.core.instruments.models.framework import (
    Domain,
    Framework,
    Influence,
)
from evidencekit.core.instruments.models.framework import (
    _normalise_name as _normalise_name,
)
from evidencekit.core.instruments.models.measure import (
    Measure,
    MeasureItem,
    MeasureScoring,
    RatingScale,
)

__all__ = [
    "AnswerOption",
    "Checklist",
    "ChecklistItem",
    "Crosswalk",
    "CrosswalkMapping",
    "Domain",
    "FieldGroup",
    "Form",
    "FormField",
    "Framework",
    "Influence",
    "Instrument",
    "ItemPart",
    "MODEL_BY_KIND",
    "Measure",
    "MeasureItem",
    "MeasureScoring",
    "RatingScale",
    "Section",
    "Source",
    "build_instrument",
    "parse_ref",
]
