"""Plain typed records of the review's state. No plugin-specific fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SOURCE_KINDS = ("database", "register", "website", "organisation", "citations", "expert")


@dataclass
class Author:
    """One author: family name and given names (or initials) as the export gave them."""

    family: str
    given: str = ""

    def __str__(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass
class Provenance:
    """Where a record came from."""

    source: str  # e.g. "MEDLINE (Ovid)"
    kind: str = "database"  # one of SOURCE_KINDS
    file: str = ""
    position: int = 0  # 1-based position of the record in its file
    line: int | None = None  # first line of the record in its file, where known
    format: str = ""  # importer name
    date_searched: str | None = None


@dataclass
class Record:
    """A bibliographic record as imported, normalised, with its raw fields kept."""

    title: str = ""
    abstract: str = ""
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""  # normalised: lower case, no resolver prefix
    pmid: str = ""
    issn: list[str] = field(default_factory=list)
    isbn: list[str] = field(default_factory=list)
    language: str = ""
    keywords: list[str] = field(default_factory=list)
    publication_type: str = ""
    url: str = ""
    source_key: str = ""  # the record's own identifier in its file (else its position)
    raw: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None
    record_id: str = ""  # stable id assigned by the store

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Decision:
    """A screening decision by one reviewer on one record."""

    record_id: str
    stage: str  # "title-abstract" | "full-text"
    decision: str  # "include" | "exclude" | "maybe"
    reviewer: str = ""
    reason: str = ""


@dataclass
class Study:
    """An included study and its attributes (design, country, setting, modality…)."""

    study_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    record_ids: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """One appraisal answer: a reviewer's answer to one checklist item for one study."""

    study_id: str
    checklist: str
    item: str
    answer: str
    reviewer: str = ""
    note: str = ""
    row: int | None = None  # where it came from, for messages
    file: str = ""


@dataclass
class CodedInfluence:
    """One coded influence of one study (data extraction)."""

    study_id: str
    influence: str
    direction: str  # "facilitator" | "barrier" | "unclear"
    factor: str = ""
    evidence: str = ""
    reviewer: str = ""


@dataclass
class Rating:
    """One item score given by a rater to a unit (site or service) on a measure."""

    unit: str
    rater: str
    item: str
    score: float | None
