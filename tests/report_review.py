"""What the report tests share: a worked-example review run once per test session.

The review is `evidencekit init --template peer-support` plus a studies table that
gives every study an "Author Year" label, one of them carrying markup
(``<script>``) as hostile record text would, and a source whose name carries markup.
``build`` makes it; the ``ran_review`` fixture (``session_runs``) runs it once per session.
A module of its own (not a conftest.py beside the report tests, which would shadow the root
one for ``from conftest import ...``).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.cli import cli

#: Record text carrying markup, as a hostile or careless export might.
HOSTILE = "<script>alert('x')</script>"


def cli_run(*args: str):
    """``evidencekit ARGS`` in-process; the click result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def build(folder: Path):
    """Build the report tests' review in ``folder`` (which must not exist) and run it end to
    end; the click result of the run. The ``ran_review`` fixture (``session_runs``) calls it
    once per session."""
    assert cli_run("init", str(folder)).exit_code == 0
    # The example's studies.csv (the synthesis attributes) gains "Author Year" columns.
    with (folder / "studies.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(sorted(rows, key=lambda r: r["study_id"])):
        row["authors"] = HOSTILE if number == 0 else f"Author{number:02d}, A.; Other, B."
        row["year"] = str(2000 + number % 19)
    with (folder / "studies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0].keys()])
        writer.writeheader()
        writer.writerows(rows)
    text = (folder / "review.yaml").read_text("utf-8")
    text = text.replace('name: "Web of Science"', 'name: "Web of Science <b>bold</b>"')
    (folder / "review.yaml").write_text(text, "utf-8")
    result = cli_run("run", "--review", str(folder), "--json")
    if result.exit_code == 0:
        assert json.loads(result.stdout)["steps"][-1]["step"] == "report"
    return result
