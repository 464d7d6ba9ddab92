"""The typed ``crosswalk``: one framework's entries mapped onto another's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.models.base import Instrument


@dataclass(frozen=True)
class CrosswalkMapping:
    """``source`` (an entry of the 'from' framework) sits at ``target`` (an entry
    or domain of the 'to' framework), when ``condition`` holds (None: always)."""

    source: str
    target: str
    condition: str | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class Crosswalk(Instrument):
    """One framework's entries mapped onto another's."""

    kind: ClassVar[str] = "crosswalk"
    source_framework: str
    target_framework: str
    mappings: list[CrosswalkMapping] = field(default_factory=list)

    __hash__ = Instrument.__hash__

    def targets_for(self, source_id: str) -> list[CrosswalkMapping]:
        """Mappings of ``source_id`` (empty if it maps nowhere), in file order."""
        return [m for m in self.mappings if m.source == source_id]

    def sources_for(self, target_id: str) -> list[CrosswalkMapping]:
        """Mappings onto ``target_id``, in file order."""
        return [m for m in self.mappings if m.target == target_id]

    def __iter__(self) -> Iterator[CrosswalkMapping]:
        return iter(self.mappings)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Crosswalk:
        return cls(
            **cls._base(data, origin, path),
            source_framework=data["from"],
            target_framework=data["to"],
            mappings=[
                CrosswalkMapping(m["source"], m["target"], m.get("condition"), m.get("notes"))
                for m in data["mappings"]
            ],
        )
