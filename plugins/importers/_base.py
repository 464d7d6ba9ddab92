"""What every built-in importer shares: the provider attributes and the error contract."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Record


class Cursor:
    """Where a reader is in the file, so an unexpected failure can still name the line."""

    __slots__ = ("line", "record")

    def __init__(self) -> None:
        self.line: int | None = None
        self.record = 0  # 1-based number of the record being read; 0 before the first


class BaseImporter:
    """Base of the built-in importers.

    Subclasses set ``name``, ``description``, ``extensions`` (a hint only; detection uses
    ``sniff``) and implement ``sniff(head)`` and ``_read(source, options, cursor)``. ``read``
    guarantees the contract: records in file order, and only ``RecordFormatError`` escapes.
    """

    name: str = ""
    description: str = ""
    extensions: tuple[str, ...] = ()
    options_schema: Mapping[str, Any] | None = None

    def sniff(self, head: str) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def _read(self, source: Any, options: Mapping[str, Any], cursor: Cursor) -> Iterator[Record]:
        raise NotImplementedError  # pragma: no cover

    def read(self, source: Any, options: Mapping[str, Any] | None = None) -> Iterator[Record]:
        """Yield the records of ``source`` (an ImportSource) in file order."""
        cursor = Cursor()
        try:
            yield from self._read(source, options or {}, cursor)
        except RecordFormatError:
            raise
        except (RecursionError, MemoryError) as exc:
            raise RecordFormatError(
                f"the file is too deeply nested or too large to read as {self.name} "
                f"({exc.__class__.__name__}); check that it is a {self.name} export",
                file=source.display,
                line=cursor.line,
            ) from exc
        except Exception as exc:  # why: the contract allows no other exception type
            where = f"record {cursor.record}" if cursor.record else "the file"
            raise RecordFormatError(
                f"cannot read {where} as {self.name}: "
                f"{exc.__class__.__name__}: {exc}. The file is malformed near this line; "
                "fix the record or export it again",
                file=source.display,
                line=cursor.line,
            ) from exc

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
