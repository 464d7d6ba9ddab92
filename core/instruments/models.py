"""Typed objects for each instrument kind, so plugins never touch raw dicts.

Each kind has a frozen dataclass built from data that has already passed its
JSON Schema and the semantic checks (``checks.py``), so constructors can trust
the shape of the data. ``Instrument.to_dict()`` gives the data back as loaded.

Kinds and their classes: ``checklist`` → :class:`Checklist`, ``framework`` →
:class:`Framework`, ``measure`` → :class:`Measure`, ``form`` → :class:`Form`,
``crosswalk`` → :class:`Crosswalk`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.scoring_blocks import ScoringBlock


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


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class AnswerOption:
    """One answer a checklist item accepts: the stored ``code`` and the printed ``label``."""

    code: str
    label: str
    description: str | None = None


@dataclass(frozen=True)
class Section:
    """A section of a checklist (e.g. A, 'Are the results of the study valid?')."""

    id: str
    title: str
    description: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class ItemPart:
    """A sub-question printed under an item (e.g. 5a, 5b); recorded, not scored."""

    id: str
    number: str | None
    text: str
    answer_type: str = "choice"
    options: list[AnswerOption] = field(default_factory=list)
    hint: str | None = None


def _normalise_answer(value: str) -> str:
    # "Can't tell", "can’t tell", "cant_tell" and "CANT-TELL" are the same answer.
    text = value.strip().lower().replace("’", "'").replace("'", "")
    return re.sub(r"[\s_-]+", "_", text)


@dataclass(frozen=True)
class ChecklistItem:
    """One question of a checklist."""

    id: str
    number: str
    text: str
    section: str | None = None
    screening: bool = False
    scored: bool = True
    answer_type: str = "choice"
    options: list[AnswerOption] = field(default_factory=list)
    hint: str | None = None
    domain: str | None = None
    answer_set: str | None = None
    parts: list[ItemPart] = field(default_factory=list)
    notes: str | None = None

    @property
    def codes(self) -> list[str]:
        """Answer codes this item accepts (empty for free-text items)."""
        return [o.code for o in self.options]

    def code_for(self, value: str) -> str | None:
        """The answer code matching ``value`` by code or label, ignoring case,
        spaces, '-', '_' and apostrophes; None if no option matches."""
        wanted = _normalise_answer(value)
        for option in self.options:
            if wanted in (_normalise_answer(option.code), _normalise_answer(option.label)):
                return option.code
        return None


def _options(
    data: dict[str, Any], answer_sets: dict[str, list[AnswerOption]]
) -> list[AnswerOption]:
    if "options" in data:
        return [_option(o) for o in data["options"]]
    if "answers" in data:
        return list(answer_sets.get(data["answers"], []))
    return []


def _option(data: dict[str, Any]) -> AnswerOption:
    return AnswerOption(code=data["code"], label=data["label"], description=data.get("description"))


def _part(data: dict[str, Any], item: dict[str, Any], item_type: str,
          answer_sets: dict[str, list[AnswerOption]]) -> ItemPart:
    # A part without its own answer type or options answers like its item.
    answer_type = data.get("answer_type", item_type)
    options = _options(data, answer_sets)
    if not options and answer_type == "choice":
        options = _options(item, answer_sets)
    return ItemPart(
        id=data["id"],
        number=None if data.get("number") is None else str(data["number"]),
        text=data["text"],
        answer_type=answer_type,
        options=options,
        hint=data.get("hint"),
    )


def _answer_type(data: dict[str, Any]) -> str:
    if "answer_type" in data:
        return data["answer_type"]
    return "choice" if ("answers" in data or "options" in data) else "text"


@dataclass(frozen=True, kw_only=True)
class Checklist(Instrument):
    """An appraisal checklist: sections, items, answer options and a scoring rule."""

    kind: ClassVar[str] = "checklist"
    design: str | None = None
    answer_sets: dict[str, list[AnswerOption]] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    items: list[ChecklistItem] = field(default_factory=list)
    #: The ``scoring`` block as its scorer types it (``scoring_model``), else a
    #: ``ScoringBlock``; every form has ``method``, ``options`` and ``raw``.
    scoring: Any = None

    __hash__ = Instrument.__hash__

    def item(self, item_id: str) -> ChecklistItem:
        """The item with ``item_id``; ``KeyError`` naming the known ids if none."""
        return _by_id(self.items, item_id, f"checklist {self.ref} has no item", list_known=True)

    @property
    def scored_items(self) -> list[ChecklistItem]:
        """Items the scoring rule counts, in form order."""
        return [i for i in self.items if i.scored]

    @property
    def screening_items(self) -> list[ChecklistItem]:
        """Screening questions, in form order."""
        return [i for i in self.items if i.screening]

    def answer_codes(self, item: ChecklistItem | str) -> list[str]:
        """Answer codes accepted by ``item`` (an item or its id); empty for free text."""
        if isinstance(item, str):
            item = self.item(item)
        return item.codes

    def section(self, section_id: str) -> Section:
        """The section with ``section_id`` (``KeyError`` if none)."""
        return _by_id(self.sections, section_id, f"checklist {self.ref} has no section")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Checklist:
        answer_sets = {
            name: [_option(o) for o in options]
            for name, options in (data.get("answer_sets") or {}).items()
        }
        items = []
        for raw in data["items"]:
            answer_type = _answer_type(raw)
            parts = [_part(p, raw, answer_type, answer_sets) for p in raw.get("parts") or []]
            items.append(ChecklistItem(
                id=raw["id"],
                number=str(raw["number"]),
                text=raw["text"],
                section=raw.get("section"),
                screening=bool(raw.get("screening", False)),
                scored=bool(raw.get("scored", answer_type == "choice")),
                answer_type=answer_type,
                options=_options(raw, answer_sets),
                hint=raw.get("hint"),
                domain=raw.get("domain"),
                answer_set=raw.get("answers"),
                parts=parts,
                notes=raw.get("notes"),
            ))
        scoring = data.get("scoring")
        return cls(
            **cls._base(data, origin, path),
            design=data.get("design"),
            answer_sets=answer_sets,
            sections=[Section(s["id"], s["title"], s.get("description"), s.get("label"))
                      for s in data.get("sections") or []],
            items=items,
            scoring=ScoringBlock.from_dict(scoring) if scoring else None,
        )


# --------------------------------------------------------------------------- framework


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
            influence for influence in self.influences
            if wanted in {_normalise_name(k)
                          for k in (influence.id, influence.name, *influence.aliases)}
        ]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise KeyError(f"framework {self.ref}: {name!r} could be any of "
                           f"{', '.join(m.id for m in matches)}; use the id")
        raise KeyError(f"framework {self.ref} has no entry called {name!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Framework:
        influences: list[Influence] = []

        def entries(raw_entries: list[dict[str, Any]], domain: str | None,
                    subdomain: str | None, parent: str | None) -> list[Influence]:
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
                        {"framework": c["framework"], "target": c["target"],
                         "condition": c.get("condition")}
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
                Domain(id=s["id"], name=s["name"], definition=s.get("definition"),
                       entries=entries(s["entries"], raw["id"], s["id"], None),
                       label=s.get("label"), parent=raw["id"])
                for s in raw.get("subdomains") or []
            ]
            domains.append(Domain(id=raw["id"], name=raw["name"], definition=raw.get("definition"),
                                  entries=own, subdomains=subdomains, label=raw.get("label")))
        entries(data.get("entries") or [], None, None, None)
        return cls(**cls._base(data, origin, path), domains=domains, influences=influences)


def _normalise_name(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower().replace("’", "'"))


# --------------------------------------------------------------------------- measure


@dataclass(frozen=True)
class MeasureItem:
    """One rated item of a measure, tied to a framework entry by ``influence``."""

    id: str
    number: int
    text: str
    influence: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class RatingScale:
    """Integer rating scale from ``min`` to ``max`` with anchor texts."""

    min: int
    max: int
    anchors: dict[int, str] = field(default_factory=dict)

    @property
    def points(self) -> list[int]:
        """Every value on the scale, lowest first."""
        return list(range(self.min, self.max + 1))

    @property
    def midpoint(self) -> float:
        """The middle of the scale (1.5 for 0–3)."""
        return (self.min + self.max) / 2

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and \
            self.min <= value <= self.max


@dataclass(frozen=True)
class MeasureScoring:
    """How item ratings add up: ``method`` 'sum' from ``total_min`` to
    ``total_max``; a total needs at most ``max_missing_items`` unrated items,
    which are then handled by ``missing`` ('prorate' or 'count-as-min')."""

    method: str = "sum"
    total_min: int = 0
    total_max: int = 0
    max_missing_items: int = 0
    missing: str = "prorate"


@dataclass(frozen=True, kw_only=True)
class Measure(Instrument):
    """A rating measure: items tied to framework influences, a scale, a total."""

    kind: ClassVar[str] = "measure"
    framework: str | None = None
    items: list[MeasureItem] = field(default_factory=list)
    scale: RatingScale = field(default_factory=lambda: RatingScale(0, 0))
    scoring: MeasureScoring = field(default_factory=MeasureScoring)
    instructions: str | None = None
    administration: dict[str, Any] = field(default_factory=dict)

    __hash__ = Instrument.__hash__

    def item(self, item_id: str) -> MeasureItem:
        """The item with ``item_id``; ``KeyError`` if none."""
        return _by_id(self.items, item_id, f"measure {self.ref} has no item", list_known=True)

    def item_by_number(self, number: int) -> MeasureItem:
        """The item printed with ``number``; ``KeyError`` if none."""
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(f"measure {self.ref} has no item number {number}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, origin: str = "file", path: str = "") -> Measure:
        scale = data["scale"]
        scoring = data["scoring"]
        missing = scoring.get("missing") or {}
        return cls(
            **cls._base(data, origin, path),
            framework=data.get("framework"),
            items=[MeasureItem(id=i["id"], number=int(i["number"]), text=i["text"],
                               influence=i.get("influence"), notes=i.get("notes"))
                   for i in data["items"]],
            scale=RatingScale(
                min=int(scale["min"]), max=int(scale["max"]),
                anchors={int(k): v for k, v in (scale.get("anchors") or {}).items()},
            ),
            scoring=MeasureScoring(
                method=scoring["method"],
                total_min=int(scoring["total_min"]),
                total_max=int(scoring["total_max"]),
                max_missing_items=int(missing.get("max_missing_items", 0)),
                missing=missing.get("rule", "prorate"),
            ),
            instructions=data.get("instructions"),
            administration=dict(data.get("administration") or {}),
        )


# --------------------------------------------------------------------------- form


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
        return _by_id(self.influence_columns, column_id,
                      f"form {self.ref} has no coded-influences column")

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


# --------------------------------------------------------------------------- crosswalk


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
            mappings=[CrosswalkMapping(m["source"], m["target"], m.get("condition"), m.get("notes"))
                      for m in data["mappings"]],
        )


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
