"""Domain errors. Each carries a message a methodologist can act on; the CLI
turns them into one-line errors with a non-zero exit, never a traceback."""

from __future__ import annotations


class EvidencekitError(Exception):
    """Base class of every error caused by user input or configuration."""


class InstrumentError(EvidencekitError):
    """An instrument file could not be read or is invalid.

    ``problems`` holds one line per error, each ``file:LINE: $.path: message``.
    """

    def __init__(self, problems: list[str] | str):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class RecordFormatError(EvidencekitError):
    """An input file (export, answers, ratings) is malformed.

    The message names the file, the line or record, what was expected and what to do.
    """

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{message}")


class RegistryError(EvidencekitError):
    """A provider name is unknown, duplicated, or its options are invalid."""


class PipelineError(EvidencekitError):
    """A review file or a pipeline step cannot run as declared."""


class StoreError(EvidencekitError):
    """The review's store cannot be opened, migrated or written."""


class OutputError(EvidencekitError):
    """An output file cannot be written (missing or read-only folder, full disk)."""


class ScreeningError(EvidencekitError):
    """A screening decision, decision file, sample or stage that cannot be used."""
