"""``evidencekit init``: write a review folder that runs as it is.

Two templates:

- ``peer-support``: the worked example (the UPSIDES review of peer support work,
  shipped as package data ``evidencekit.examples/peer-support``), with every
  instrument it uses copied into the review's own ``instruments/`` folder, so a team
  adapts the framework, measure, form and checklists to another intervention by
  editing YAML there (the review's own instruments take precedence over the shipped ones).
- ``blank``: a minimal, commented review.yaml that runs (a report step only) and
  shows where sources, de-duplication, appraisal and measure go.

Nothing is overwritten: an existing review.yaml or store in the folder is an error.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

from evidencekit.core.errors import PipelineError
from evidencekit.core.review import REVIEW_FILE, STORE_FILE

TEMPLATES = ("peer-support", "blank")

#: What the peer-support template copies from the worked example (the construction
#: scripts stay in the docs: they document how the data were made, they are not inputs).
EXAMPLE_FILES = (
    "review.yaml",
    "README.md",
    "appraisal-answers.csv",
    "ratings.csv",
    "units.csv",
    "validity.yaml",
    "studies.csv",
    "codings.csv",
)
#: Folders of the worked example copied whole: the search exports and the screening decisions.
EXAMPLE_FOLDERS = ("exports", "decisions")
#: Shipped instruments the worked example uses, copied into the review's instruments/.
EXAMPLE_INSTRUMENTS = (
    "checklists/casp-qualitative.yaml",
    "checklists/casp-rct.yaml",
    "checklists/casp-cohort.yaml",
    "checklists/casp-case-control.yaml",
    "measures/peer-support-implementation-measure.yaml",
    "frameworks/peer-support-influences.yaml",
    "forms/peer-support-extraction.yaml",
    "crosswalks/peer-support-to-cfir-2009.yaml",
    "frameworks/cfir-2009.yaml",
)

BLANK_REVIEW = """\
# review.yaml: the declared pipeline of one systematic review (see docs/pipeline.md).
# `evidencekit run --dry-run` checks this file and shows what would run;
# `evidencekit run` runs it. Paths are relative to this folder.
kind: review
id: my-review                 # lower-case letters, digits and '-'
version: "0.1"
title: My review
protocol:
  # registration: {registry: PROSPERO, id: CRD42000000000, registered: "2000-01-31"}
  question: >-
    What influences (facilitators and barriers) affect the implementation of ...?
# Instrument versions this review uses (write versions quoted), e.g.
# instruments:
#   casp-qualitative: "2018"
# Search exports, one entry per source (docs/importing.md):
sources: []
#  - {name: "MEDLINE (PubMed)", kind: database, file: exports/pubmed.ris,
#     date_searched: "2024-01-31"}
# dedupe:
#   method: fuzzy              # or exact; see docs/dedupe.md
# appraisal:                   # docs/appraisal.md
#   answers: appraisal-answers.csv
#   checklists: {qualitative: casp-qualitative, rct: casp-rct}
steps:
  # Uncomment each step once its inputs are in place:
  # - step: import             # reads sources:
  # - step: dedupe             # reads dedupe:
  # - step: appraise           # reads appraisal: (answers)
  # - step: measure
  #   options: {measure: MEASURE-ID, ratings: ratings.csv, units: units.csv}
  - step: report               # the report of whatever ran (docs/reporting.md)
outputs:
  dir: outputs
"""


def _example_root() -> Any:
    return files("evidencekit.examples").joinpath("peer-support")


def _copy_tree(source: Any, target: Path) -> list[Path]:
    """Copy a package-data folder (a Traversable) to ``target``; return the files written."""
    written = []
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            written += _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
            written.append(target / entry.name)
    return written


def init_review(directory: str | Path, template: str = "peer-support") -> list[Path]:
    """Write a new review into ``directory`` (created if needed); return the files written.

    Raises :class:`PipelineError` if the folder already holds a review.yaml or a store,
    or if ``template`` is unknown. Files are written into a staging folder first and
    moved in at the end, so a failure leaves the folder as it was.
    """
    if template not in TEMPLATES:
        raise PipelineError(f"unknown template {template!r}; choose one of: {', '.join(TEMPLATES)}")
    target = Path(directory)
    for name in (REVIEW_FILE, STORE_FILE):
        if (target / name).exists():
            raise PipelineError(
                f"{target / name} already exists: {target} is a review "
                "already; init writes new reviews only (choose another folder)"
            )
    if target.exists() and not target.is_dir():
        raise PipelineError(f"{target} is a file, not a folder")
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(target.parent.resolve() / f".evidencekit-init-{target.name}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        if template == "blank":
            (staging / REVIEW_FILE).write_text(BLANK_REVIEW, "utf-8")
        else:
            example = _example_root()
            for name in EXAMPLE_FILES:
                (staging / name).write_bytes(example.joinpath(name).read_bytes())
            for folder in EXAMPLE_FOLDERS:
                _copy_tree(example.joinpath(folder), staging / folder)
            shipped = files("evidencekit.instruments")
            for rel in EXAMPLE_INSTRUMENTS:
                out = staging / "instruments" / rel.split("/")[-1]
                out.parent.mkdir(exist_ok=True)
                out.write_bytes(shipped.joinpath(rel).read_bytes())
        written = []
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            rel = path.relative_to(staging)
            if (target / rel).exists():
                raise PipelineError(
                    f"{target / rel} already exists; init never overwrites a "
                    "file (choose an empty folder)"
                )
            written.append(rel)
        for rel in written:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).replace(target / rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / rel for rel in written]
