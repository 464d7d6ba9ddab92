"""Review folders for the records tests (tests/cli/test_import_cli.py, test_dedupe_cli.py,
tests/core/test_records.py), built on the test plugin tests/data/plugins/ek_records_fixture.py:
a ``pipe-test`` importer (``#pipe`` then ``title|year|doi|authors`` lines) and a
``doi-test`` deduplicator (equal DOIs link; equal titles with other DOIs are uncertain).

Importable from any test because pytest puts tests/ (the folder of the root conftest.py)
on ``sys.path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent / "data" / "plugins" / "ek_records_fixture.py"

MEDLINE = [
    "Peer support in mental health|2019|10.1/a|Smith, Jane; Jones, Ann",
    "Peer workers and recovery|2018|10.1/b|Brown, Bob",
    "A trial of peer support|2020||White, Wendy",
]
EMBASE = [
    "Peer support in mental health services|2019|10.1/a|Smith, J",  # duplicate of a (DOI)
    "Peer workers and recovery|2018|10.1/other|Brown, B",  # same title, other DOI: uncertain
    "Something else entirely|2015|10.1/c|Green, Gus",
]


def make_review(folder: Path, extra: str = "") -> Path:
    """A review folder using the test plugin; ``extra`` is appended to review.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLUGIN, folder / PLUGIN.name)
    (folder / "review.yaml").write_text(
        "kind: review\nid: test-review\nversion: '1'\ntitle: Test review\n"
        "plugins: [ek_records_fixture]\ndedupe:\n  method: doi-test\n" + extra,
        encoding="utf-8",
    )
    return folder


def pipe(folder: Path, name: str, lines: list[str]) -> Path:
    """Write ``lines`` as a pipe-test file ``folder/name``."""
    path = folder / name
    path.write_text("#pipe\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
