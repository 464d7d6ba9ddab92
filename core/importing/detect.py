"""The format of an export, detected from its content by each importer's ``sniff``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing.source import ImportSource

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.registry import Registry


#: Below this score no importer is trusted with a file.
MIN_SNIFF_SCORE = 0.3


def _first_line(text: str) -> str:
    for line in text[:8192].split("\n", 20):
        if line.strip():
            line = line.strip()
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def detect_format(source: ImportSource, registry: Registry) -> str:
    """The name of the importer whose ``sniff`` scores the file's content highest.

    The file name plays no part (real exports often carry the wrong extension). Raises
    :class:`RecordFormatError` listing the known formats when no importer scores at least
    ``MIN_SNIFF_SCORE``, or when two tie for first place.
    """
    head = source.head
    scores: list[tuple[float, str]] = []
    for info in registry.providers("importer"):
        sniff = getattr(info.provider, "sniff", None)
        if sniff is None:
            continue
        try:
            score = float(sniff(head))
        except Exception:  # why: one faulty third-party sniffer must not stop detection
            score = 0.0
        scores.append((score, info.name))
    scores.sort(key=lambda item: (-item[0], item[1]))
    if not scores or scores[0][0] < MIN_SNIFF_SCORE:
        known = "; ".join(
            f"{info.name} ({info.description})" for info in registry.providers("importer")
        )
        raise RecordFormatError(
            f"cannot tell the export format from the content (it starts with "
            f"{_first_line(source.text)!r}). Known formats: {known or '(none)'}. "
            "Re-export the records in one of them, or name the format with --format",
            file=source.display,
            line=1,
        )
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        raise RecordFormatError(
            f"the content fits two formats equally well ({scores[0][1]} and {scores[1][1]}); "
            "name the one you mean with --format",
            file=source.display,
            line=1,
        )
    return scores[0][1]
