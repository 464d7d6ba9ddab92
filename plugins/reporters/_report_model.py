"""The report's content model: tables, figures and sections, shared by the content builder
(``_report_content.py``) and the methods paragraph (``_report_methods.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """One table: ``name`` is its file/sheet name (``quality-casp-rct``)."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Figure:
    file: str
    title: str
    caption: str = ""
    svg: str | None = None


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    #: Markdown a step offered as its section (``StepOutcome.report``), shown as written
    #: (HTML: rendered with raw HTML disabled, so it is escaped like any other text).
    markdown: str = ""


def _figure(bundle: Mapping[str, Any], file: str, title: str, caption: str = "") -> Figure | None:
    svg = (bundle.get("figures") or {}).get(file)
    return Figure(file, title, caption, svg) if svg is not None else None


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
