"""The typed ``framework``: influences (facilitators and barriers) in optional domains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.models.base import Instrument, _by_id


@dataclass(frozen=True)
class Influence:
    """One entry of a framework: an influence (peer-support framework) or a
    construct / sub-construct (CFIR).

    ``domain`` and ``subdomain`` name the groups it sits in; ``parent`` is the
    entry it is a sub-entry of (None for a top-level entry). ``crosswalk`` holds
    mappings written inside the framework, as dicts with ``framework``,
    ``target`` and ``condition``.
    """

    id: str
    name: str
    definition: str | None = None
    direction: str = "facilitator-barrier"
    facilitators: list[str] = field(default_factory=list)
    barriers: list[str] = field(default_factory=list)
    domain: str | None = None
    parent: str | None = None
    reference: dict[str, Any] = field(default_factory=dict)
    crosswalk: list[dict[str, Any]] = field(default_factory=list)
    subdomain: str | None = None
    label: str | None = None
    aliases: list[str] = field(default_factory=list)
    notes: str | None = None

    @property
    def unclear(self) -> bool:
        """True when the evidence gives this influence no clear direction."""
        return self.direction == "unclear"


@dataclass(frozen=True)
class Domain:
    """A group of framework entries; ``entries`` are its own top-level entries
    (not those of its subdomains, nor sub-entries)."""

    id: str
    name: str
    definition: str | None = None
    entries: list[Influence] = field(default_factory=list)
    subdomains: list[Domain] = field(default_factory=list)
    label: str | None = None
    parent: str | None = None

    def all_entries(self) -> list[Influence]:
        """Every top-level entry of the domain, including those of its subdomains."""
        out = list(self.entries)
        for sub in self.subdomains:
            out.extend(sub.all_entries())
        return out


@dataclass(frozen=True, kw_only=True)
class Framework(Instrument):
    """Influences (or constructs), optionally grouped in domains."""

    kind: ClassVar[str] = "framework"
    domains: list[Domain] = field(default_factory=list)
    influences: list[Influence] = field(default_factory=list)

    __hash__ = Instrument.__hash__

    def influence(self, influence_id: str) -> Influence:
        """The entry with ``influence_id``; ``KeyError`` if none."""
        return _by_id(self.influences, influence_id, f"framework {self.ref} has no entry")

    def ids(self) -> set[str]:
        """Ids of every entry (influences, constructs and sub-constructs)."""
        return {i.id for i in self.influences}

    def all_domains(self) -> list[Domain]:
        """Domains and subdomains, depth first."""
        out: list[Domain] = []
        for domain in self.domains:
            out.append(domain)
            out.extend(domain.subdomains)
        return out

    def domain_ids(self) -> set[str]:
        """Ids of every domain and subdomain."""
        return {d.id for d in self.all_domains()}

    def domain(self, domain_id: str) -> Domain:
        """The domain or subdomain with ``domain_id``; ``KeyError`` if none."""
        return _by_id(self.all_domains(), domain_id, f"framework {self.ref} has no domain")

    def top_level(self) -> list[Influence]:
        """Entries that are not sub-entries of another entry."""
        return [i for i in self.influences if i.parent is None]

    def children(self, influence_id: str) -> list[Influence]:
        """Direct sub-entries of ``influence_id``."""
        return [i for i in self.influences if i.parent == influence_id]

    def resolve(self, name: str) -> Influence:
        """The entry whose id, name or alias is ``name`` (ignoring case and spacing).

        Coders write 'Organisational culture' or 'organisational-culture';
        both find the same entry. An id always wins; a name shared by several
        entries (CFIR 2022 has three 'Innovation Deliverers') is ambiguous.
        ``KeyError`` if nothing, or more than one entry, matches.
        """
        for influence in self.influences:
            if influence.id == name:
                return influence
        wanted = _normalise_name(name)
        matches = [
            influence
            for influence in self.influences
            if wanted
            in {_normalise_name(k) for k in (influence.id, influence.name, *influence.aliases)}
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise KeyError(
                f"framework {self.ref}: {name!r} could be any of "
                f"{', '.join(m.id for m in matches)}; use the id"
            )
        raise KeyError(f"framework {self.ref} has no entry called {name!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Framework:
        influences: list[Influence] = []

        def entries(
            raw_entries: list[dict[str, Any]],
            domain: str | None,
            subdomain: str | None,
            parent: str | None,
        ) -> list[Influence]:
            out = []
            for raw in raw_entries:
                influence = Influence(
                    id=raw["id"],
                    name=raw["name"],
                    definition=raw.get("definition"),
                    direction=raw.get("direction", "facilitator-barrier"),
                    facilitators=list(raw.get("facilitators") or []),
                    barriers=list(raw.get("barriers") or []),
                    domain=domain,
                    parent=parent,
                    reference=dict(raw.get("reference") or {}),
                    crosswalk=[
                        {
                            "framework": c["framework"],
                            "target": c["target"],
                            "condition": c.get("condition"),
                        }
                        for c in raw.get("crosswalk") or []
                    ],
                    subdomain=subdomain,
                    label=raw.get("label"),
                    aliases=list(raw.get("aliases") or []),
                    notes=raw.get("notes"),
                )
                influences.append(influence)
                out.append(influence)
                entries(raw.get("entries") or [], domain, subdomain, raw["id"])
            return out

        domains = []
        for raw in data.get("domains") or []:
            own = entries(raw.get("entries") or [], raw["id"], None, None)
            subdomains = [
                Domain(
                    id=s["id"],
                    name=s["name"],
                    definition=s.get("definition"),
                    entries=entries(s["entries"], raw["id"], s["id"], None),
                    label=s.get("label"),
                    parent=raw["id"],
                )
                for s in raw.get("subdomains") or []
            ]
            domains.append(
                Domain(
                    id=raw["id"],
                    name=raw["name"],
                    definition=raw.get("definition"),
                    entries=own,
                    subdomains=subdomains,
                    label=raw.get("label"),
                )
            )
        entries(data.get("entries") or [], None, None, None)
        return cls(**cls._base(data, origin, path), domains=domains, influences=influences)


def _normalise_name(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower().replace("’", "'"))
