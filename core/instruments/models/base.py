"""What every instrument kind shares: its header (id, version, title, source) and lookups."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar


def parse_ref(ref: str) -> tuple[str, str | None]:
    """Split ``ID`` or ``ID@VERSION`` into (id, version or None)."""
    if "@" in ref:
        instrument_id, version = ref.split("@", 1)
        return instrument_id, version
    return ref, None


def _by_id(entries: Iterable[Any], wanted: str, missing: str, *, list_known: bool = False) -> Any:
    """The entry whose ``id`` is ``wanted``; else ``KeyError('<missing> 'wanted'[; ids: …]')``."""
    entries = list(entries)
    for entry in entries:
        if entry.id == wanted:
            return entry
    known = ""
    if list_known:
        # "items: a, b" / "fields: a, b": the plural noun is the last word of ``missing``.
        known = f"; {missing.rsplit(' ', 1)[-1]}s: {', '.join(e.id for e in entries)}"
    raise KeyError(f"{missing} {wanted!r}{known}")


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
    """Fields every instrument has. ``raw`` is the validated YAML as loaded.

    ``lines`` maps a JSON path (a tuple of keys and indexes) to its line in the
    file, so later checks can point at the line (see :meth:`line_of`).
    """

    kind: ClassVar[str] = "instrument"
    id: str
    version: str
    title: str
    source: Source
    description: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    origin: str = "file"
    path: str = ""
    notes: str | None = None
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, repr=False, compare=False)

    def __hash__(self) -> int:
        return hash((self.kind, self.id, self.version, self.origin, self.path))

    @property
    def ref(self) -> str:
        """``id@version``, the form a review pins."""
        return f"{self.id}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """The instrument as loaded, as plain JSON-able data (a copy)."""
        return copy.deepcopy(self.raw)

    def line_of(self, path: tuple[Any, ...]) -> int:
        """Line of the deepest node on ``path`` known in the file (1 if unknown)."""
        from evidencekit.core.yaml_loader import line_of

        return line_of(self.lines, path)

    @classmethod
    def _base(cls, data: dict[str, Any], origin: str, path: str) -> dict[str, Any]:
        return {
            "id": data["id"],
            "version": str(data["version"]),
            "title": data["title"],
            "source": Source.from_dict(data["source"]),
            "description": data.get("description"),
            "notes": data.get("notes"),
            "raw": data,
            "origin": origin,
            "path": path,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Instrument:
        return cls(**cls._base(data, origin, path))
