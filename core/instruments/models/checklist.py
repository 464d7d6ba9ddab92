"""The typed ``checklist``: sections, items with answer options, and the scoring block
(typed by the scorer it names)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from evidencekit.core.instruments.models.base import Instrument, _by_id
from evidencekit.core.instruments.scoring_blocks import ScoringBlock


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


def _part(
    data: dict[str, Any],
    item: dict[str, Any],
    item_type: str,
    answer_sets: dict[str, list[AnswerOption]],
) -> ItemPart:
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
            items.append(
                ChecklistItem(
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
                )
            )
        scoring = data.get("scoring")
        return cls(
            **cls._base(data, origin, path),
            design=data.get("design"),
            answer_sets=answer_sets,
            sections=[
                Section(s["id"], s["title"], s.get("description"), s.get("label"))
                for s in data.get("sections") or []
            ],
            items=items,
            scoring=ScoringBlock.from_dict(scoring) if scoring else None,
        )
