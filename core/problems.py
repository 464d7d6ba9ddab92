"""A problem found in an input file, located by file, row(s), study and item.

Shared by the modules that read hand-edited files (appraisal answers, extraction
records), so neither has to import the other for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Problem:
    """One validation problem, with everything needed to find and fix it."""

    message: str
    file: str = ""
    row: int | None = None
    study_id: str | None = None
    checklist: str | None = None
    item: str | None = None
    value: str | None = None
    allowed: str | None = None
    reviewer: str | None = None
    rows: list[int] = field(default_factory=list)
    item_label: str = "item"  # what ``item`` is called in the message ("field", "column")

    def __str__(self) -> str:
        where = self.file or "answers"
        if self.row is not None:
            where += f":{self.row}"
        elif self.rows:
            where += f" (row{'s' if len(set(self.rows)) > 1 else ''} {_ranges(self.rows)})"
        subject = []
        if self.study_id:
            subject.append(f"study {self.study_id}")
        if self.checklist:
            subject.append(f"checklist {self.checklist}")
        if self.reviewer:
            subject.append(f"reviewer {self.reviewer}")
        if self.item:
            subject.append(f"{self.item_label} {self.item}")
        text = f"{where}: " + (", ".join(subject) + ": " if subject else "") + self.message
        if self.value is not None:
            text += f"; found {self.value!r}"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text

    def to_dict(self) -> dict[str, Any]:
        out = {
            k: v for k, v in asdict(self).items() if v not in (None, [], "") and k != "item_label"
        }
        out["text"] = str(self)
        return out


def _ranges(rows: Sequence[int]) -> str:
    rows = sorted(set(rows))
    parts: list[str] = []
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = r
        prev = r
    parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)
