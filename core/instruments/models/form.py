"""The typed ``form``: data-extraction fields in groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.models.base import Instrument, _by_id


@dataclass(frozen=True)
class FormField:
    """One field of an extraction form (or one column of the coded-influences table)."""

    id: str
    label: str
    type: str
    required: bool = False
    allowed: list[Any] | None = None
    group: str | None = None
    description: str | None = None
    multiple: bool = False
    values_from: str | None = None
    min: float | None = None
    max: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], group: str | None) -> FormField:
        return cls(
            id=data["id"],
            label=data["label"],
            type=data["type"],
            required=bool(data.get("required", False)),
            allowed=list(data["allowed"]) if "allowed" in data else None,
            group=group,
            description=data.get("description"),
            multiple=bool(data.get("multiple", False)),
            values_from=data.get("values_from"),
            min=data.get("min"),
            max=data.get("max"),
        )


@dataclass(frozen=True)
class FieldGroup:
    """A labelled group of fields, filled once per study."""

    id: str
    label: str
    fields: list[FormField] = field(default_factory=list)
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Form(Instrument):
    """A data-extraction form: groups of per-study fields, the study attributes
    that analyses group by, and the coded-influences table's columns."""

    kind: ClassVar[str] = "form"
    groups: list[FieldGroup] = field(default_factory=list)
    fields: list[FormField] = field(default_factory=list)
    influence_columns: list[FormField] = field(default_factory=list)
    study_attributes: list[FormField] = field(default_factory=list)
    influence_framework: str | None = None
    influence_table_label: str | None = None

    __hash__ = Instrument.__hash__

    def field(self, field_id: str) -> FormField:
        """The per-study field with ``field_id``; ``KeyError`` if none."""
        return _by_id(self.fields, field_id, f"form {self.ref} has no field", list_known=True)

    def column(self, column_id: str) -> FormField:
        """The coded-influences column with ``column_id``; ``KeyError`` if none."""
        return _by_id(
            self.influence_columns, column_id, f"form {self.ref} has no coded-influences column"
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Form:
        groups = [
            FieldGroup(
                id=g["id"],
                label=g["label"],
                fields=[FormField.from_dict(f, g["id"]) for f in g["fields"]],
                description=g.get("description"),
            )
            for g in data["groups"]
        ]
        fields = [f for g in groups for f in g.fields]
        by_id = {f.id: f for f in fields}
        table = data.get("coded_influences") or {}
        return cls(
            **cls._base(data, origin, path),
            groups=groups,
            fields=fields,
            influence_columns=[FormField.from_dict(c, None) for c in table.get("columns") or []],
            study_attributes=[by_id[i] for i in data.get("study_attributes") or []],
            influence_framework=table.get("framework"),
            influence_table_label=table.get("label"),
        )
