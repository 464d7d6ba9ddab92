"""Typed objects for each instrument kind, so plugins never touch raw dicts.

(The base class and dispatch; the per-kind classes are filled in below.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Source:
    """Where an instrument comes from and under which licence."""

    citation: str
    licence: str
    url: str | None = None
    licence_url: str | None = None
    notes: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            citation=data["citation"],
            licence=data["licence"],
            url=data.get("url"),
            licence_url=data.get("licence_url"),
            notes=data.get("notes"),
        )


@dataclass(frozen=True)
class Instrument:
    """Fields every instrument has. ``raw`` is the validated YAML as loaded."""

    kind: ClassVar[str] = "instrument"
    id: str
    version: str
    title: str
    source: Source
    description: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    origin: str = "file"
    path: str = ""

    @property
    def ref(self) -> str:
        """``id@version``, the form a review pins."""
        return f"{self.id}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """The instrument as loaded, as plain JSON-able data."""
        return dict(self.raw)

    @classmethod
    def _base(cls, data: dict[str, Any], origin: str, path: str) -> dict[str, Any]:
        return {
            "id": data["id"],
            "version": str(data["version"]),
            "title": data["title"],
            "source": Source.from_dict(data["source"]),
            "description": data.get("description"),
            "raw": data,
            "origin": origin,
            "path": path,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Instrument:
        return cls(**cls._base(data, origin, path))


MODEL_BY_KIND: dict[str, type[Instrument]] = {}


def build_instrument(data: dict[str, Any], *, origin: str = "file", path: str = "") -> Instrument:
    """Turn validated instrument data into its typed object."""
    cls = MODEL_BY_KIND.get(data["kind"], Instrument)
    return cls.from_dict(data, origin=origin, path=path)
