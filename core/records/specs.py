"""What an import is asked to do and what it did: files with their source, per-file and
per-command reports, and the checks of a source's declaration."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError
from evidencekit.core.model import SOURCE_KINDS
from evidencekit.core.records.common import _DATE

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


# -- import -----------------------------------------------------------------------
@dataclass
class ImportSpec:
    """One file to import and where it came from."""

    path: str | Path
    source: str
    kind: str = "database"
    format: str | None = None
    date_searched: str | None = None
    options: dict[str, Any] | None = None
    replace: bool = False  # drop this file's earlier records and import it again


@dataclass
class FileImport:
    """What importing one file did."""

    file: str
    source: str
    kind: str
    format: str
    encoding: str | None
    sha256: str
    records: int
    new: int
    already_present: int
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    earlier_sources: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import command did, file by file."""

    files: list[FileImport] = field(default_factory=list)
    run_id: int | None = None

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def already_present(self) -> int:
        return sum(f.already_present for f in self.files)

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "new": self.new,
            "already_present": self.already_present,
            "files": [vars(f) for f in self.files],
            "run_id": self.run_id,
        }


def check_source(source: str, kind: str, date_searched: str | None) -> None:
    """Refuse an empty source name, an unknown kind or a date not written YYYY[-MM[-DD]]."""
    if not source or not source.strip():
        raise PipelineError("--source NAME is required: the database or source the file came from")
    if kind not in SOURCE_KINDS:
        raise PipelineError(f"source kind {kind!r} is not one of: {', '.join(SOURCE_KINDS)}")
    if date_searched is not None and not _DATE.match(date_searched):
        raise PipelineError(
            f"date searched {date_searched!r} is not a date; write it as YYYY-MM-DD"
        )


def require_title_setting(review: Review) -> bool:
    """``import: {require_title: true}`` in review.yaml refuses records without a title."""
    section = review.section("import")
    value = section.get("require_title", False)
    if not isinstance(value, bool):
        raise PipelineError(
            f"{review.file}: import.require_title must be true or false, not {value!r}"
        )
    return value
