"""Labelled screening data for simulation: records with a known inclusion label.

A labelled set comes from any file the importers read (CSV, RIS, ... also ``.gz``) whose
records carry an inclusion label in a column such as ``label_included``, or (see
:func:`evidencekit.core.simulation.load_dataset`) from a review's store with final decisions.

Behaviour on awkward data (documented in ``docs/prioritisation.md``):

- no label column, a label that is not 0/1, no included or only included records: an error
  naming the file (and the line of a bad label) and what to do;
- empty abstracts: the title alone is used (counted in a warning); a record with neither
  title nor abstract is kept, ranked on no text;
- duplicate rows (same title and abstract): kept as separate records, as the dataset counts
  them, and counted in a warning (de-duplicate first to screen them once);
- non-English text: used as it is; the default features are word n-grams of any script
  that separates words with spaces and use no stop-word list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Record

#: Column names taken as the inclusion label, in order of preference (case-insensitive).
#: ``n1`` is where ASReview's RIS export writes ``ASReview_relevant`` / ``ASReview_irrelevant``.
LABEL_COLUMNS = (
    "label_included",
    "included",
    "inclusion",
    "label",
    "asreview_label",
    "final_label",
    "included_final",
    "n1",
)
_TRUE = {"1", "1.0", "yes", "y", "true", "include", "included", "relevant", "asreview_relevant"}
_FALSE = {
    "0",
    "0.0",
    "no",
    "n",
    "false",
    "exclude",
    "excluded",
    "irrelevant",
    "asreview_irrelevant",
}


def _label_text(value: object) -> str:
    # Tagged formats (RIS) keep a list per tag: take the value that is a label, if any.
    if isinstance(value, list):
        known = [str(v).strip().lower() for v in value if str(v).strip().lower() in _TRUE | _FALSE]
        return known[0] if known else "; ".join(str(v) for v in value).strip().lower()
    return str(value if value is not None else "").strip().lower()


@dataclass
class LabelledSet:
    """Records in dataset order, each with its inclusion label (1 or 0)."""

    records: list[Record]
    labels: list[int]
    source: str
    label_column: str
    warnings: list[str] = field(default_factory=list)

    @property
    def n_included(self) -> int:
        return sum(self.labels)


def _label_key(record: Record, wanted: str | None) -> str | None:
    keys = {key.lower(): key for key in record.raw}
    if wanted is not None:
        return keys.get(wanted.lower())
    for name in LABEL_COLUMNS:
        if name in keys:
            return keys[name]
    return None


def _where(record: Record, index: int) -> str:
    line = record.provenance.line if record.provenance else None
    return f"line {line}" if line else f"record {index + 1}"


def from_records(
    records: Sequence[Record], source: str, *, label_column: str | None = None
) -> LabelledSet:
    """Find the inclusion label of each imported record and check the set can be simulated."""
    if not records:
        raise RecordFormatError("the dataset holds no records", file=source)
    key = _label_key(records[0], label_column)
    if key is None:
        columns = ", ".join(sorted(records[0].raw)) or "(none)"
        wanted = label_column or " or ".join(LABEL_COLUMNS[:3])
        raise RecordFormatError(
            f"no inclusion label column ({wanted}) found; its columns are: {columns}. "
            "Add a column label_included with 1 for included and 0 for excluded records, "
            "or name yours with --label-column",
            file=source,
        )
    labels: list[int] = []
    for index, record in enumerate(records):
        value = _label_text(record.raw.get(key, ""))
        if value in _TRUE:
            labels.append(1)
        elif value in _FALSE:
            labels.append(0)
        else:
            line = record.provenance.line if record.provenance else None
            raise RecordFormatError(
                f"{key} is {value!r} in {_where(record, index)}; expected 1 (included) or "
                "0 (excluded). Label every record, or remove the unlabelled ones",
                file=source,
                line=line,
            )
    data = LabelledSet(list(records), labels, source, key)
    check_simulable(data)
    data.warnings.extend(_text_warnings(data))
    return data


def check_simulable(data: LabelledSet) -> None:
    """Refuse a set a simulation cannot learn from: no included or no excluded record."""
    included = data.n_included
    if included == 0:
        raise RecordFormatError(
            f"no record is labelled included (1) in {data.label_column}; a simulation needs "
            "at least one included and one excluded record",
            file=data.source,
        )
    if included == len(data.labels):
        raise RecordFormatError(
            f"every record is labelled included (1) in {data.label_column}; a simulation needs "
            "at least one excluded (0) record",
            file=data.source,
        )


def _text_warnings(data: LabelledSet) -> list[str]:
    no_abstract = sum(1 for r in data.records if not r.abstract.strip())
    no_text = sum(1 for r in data.records if not (r.title.strip() or r.abstract.strip()))
    seen: set[tuple[str, str]] = set()
    repeats = 0
    for record in data.records:
        key = (" ".join(record.title.lower().split()), " ".join(record.abstract.lower().split()))
        if key != ("", ""):
            repeats += key in seen
            seen.add(key)
    out = []
    if no_abstract:
        out.append(
            f"{data.source}: {no_abstract} of {len(data.records)} records have no "
            "abstract; their title alone is used"
        )
    if no_text:
        out.append(
            f"{data.source}: {no_text} records have neither title nor abstract; they "
            "are ranked on no text"
        )
    if repeats:
        out.append(
            f"{data.source}: {repeats} rows repeat an earlier row's title and abstract; "
            "each is screened as its own record (de-duplicate first to screen them once)"
        )
    return out


def read_labelled(
    path: str | Path, registry: Any, *, format: str | None = None, label_column: str | None = None
) -> LabelledSet:
    """Read a labelled export file (any importable format, ``.gz`` too)."""
    from evidencekit.core.importing import read_records

    result = read_records(path, registry, format=format, source_name=Path(path).name)
    data = from_records(list(result), str(path), label_column=label_column)
    data.warnings[:0] = list(result.warnings)
    return data
