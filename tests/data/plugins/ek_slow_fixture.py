"""A test importer that waits for a signal and then fails (never shipped).

Format ``slow-test``: reading FILE writes ``FILE.started``, waits until
``FILE.go`` exists (at most 120 s), then raises the error a file cut off in its
last record gives. The race tests use it to hold a first import open while
another process creates and writes the same review's store.
"""

from __future__ import annotations

import time
from pathlib import Path

from evidencekit.core import hookimpl
from evidencekit.core.errors import RecordFormatError


class SlowFailingImporter:
    name = "slow-test"
    description = "test format: waits for FILE.go, then fails as a truncated file"
    options_schema = None
    extensions = (".slow",)

    def sniff(self, head: str) -> float:
        return 0.0

    def read(self, source, options):
        path = Path(str(source.path))
        path.with_name(path.name + ".started").write_text("reading\n", encoding="utf-8")
        deadline = time.monotonic() + 120
        while not path.with_name(path.name + ".go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        raise RecordFormatError("the file ends inside its last record (truncated)",
                                file=source.display, line=1)
        yield  # pragma: no cover - a generator, like every importer


@hookimpl
def evidencekit_importers():
    return [SlowFailingImporter()]
