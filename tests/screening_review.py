"""A review folder for the screening tests: records stored through the library, a
``screening:`` section with declared reasons, and helpers to run the CLI.

Importable from any test because pytest puts tests/ on ``sys.path``.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.model import Author, Record
from evidencekit.core.records import import_records
from evidencekit.core.review import open_review

SCREENING = """screening:
  stages:
    - id: title-abstract
      reviewer: ann
    - id: full-text
  reasons: [wrong population, wrong intervention, no influences reported]
  terms: {include: [peer support], exclude: [protocol]}
"""

LANGUAGES = ("eng", "eng", "eng", "ger", "eng")


def record(i: int) -> Record:
    """The i-th test record: distinct title, DOI and year (2010 + i % 12)."""
    return Record(
        title=f"Peer support work in mental health services, part {i}",
        abstract=f"Abstract {i}: peer support workers in a trial, with a protocol note.",
        authors=[Author(f"Author{i}", "Jo"), Author("Smith", "Ann")],
        year=2010 + i % 12,
        journal="Psychiatric Services",
        doi=f"10.1000/ps.{i}",
        language=LANGUAGES[i % len(LANGUAGES)],
        publication_type="Journal Article",
    )


def make_screening_review(
    folder: Path, n: int = 20, extra: str = "", store: str | None = None
) -> Path:
    """A review in ``folder`` holding ``n`` records (one source)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "kind: review\nid: screening-test\nversion: '1'\ntitle: Screening test\n"
    if store:
        text += f"store: {store}\n"
    (folder / "review.yaml").write_text(text + SCREENING + extra, encoding="utf-8")
    import_records(open_review(folder), [record(i) for i in range(n)], source="MEDLINE")
    return folder


def record_ids(folder: Path) -> list[str]:
    """The stored record ids, sorted."""
    from evidencekit.core.screening import primary_of

    return sorted(primary_of(open_review(folder)))


def run(*args: str) -> object:
    """Invoke the CLI (stdout and stderr apart)."""
    from evidencekit.core.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
