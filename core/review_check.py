"""Every problem with a review.yaml, found in one pass before anything runs.

``evidencekit run --dry-run`` and ``evidencekit instruments validate review.yaml`` both
call :func:`review_problems`. It reports, each as ``review.yaml:LINE: $.path: message``
(with a close match where one is near):

1. the schema (``schemas/review.schema.json``: every section, unknown fields and values);
2. the instrument pins (``instruments: {ID: VERSION}``) resolved against the catalog
   (shipped, plugins', the review's own instruments/);
3. the sections the steps read: each source's files and importer, the deduplicator and
   its options, the appraisal answers and checklists;
4. the plan: every declared step, its provider and its options (the step's own checks).

Nothing is written; the store is not opened.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, InstrumentError
from evidencekit.core.review import Review
from evidencekit.core.yaml_loader import json_path

Problems = list[tuple[tuple[Any, ...], str]]


def did_you_mean(value: Any, choices: Iterable[Any]) -> str:
    """`` (did you mean 'X'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _load(
    root: Path, loaded: Callable[[Review], None] | None = None
) -> tuple[Review | None, list[str]]:
    """The review with its config, and the schema problems (the review is None when the
    file cannot be read as YAML at all); ``loaded`` as in :func:`check_review`."""
    from evidencekit.core.instruments.catalog import check_document
    from evidencekit.core.review import REVIEW_FILE
    from evidencekit.core.yaml_loader import load_yaml

    file = root / REVIEW_FILE
    if not file.is_file():
        return None, [
            f"{root} is not a review folder: it has no {REVIEW_FILE}; start one with "
            "`evidencekit init DIR`"
        ]
    try:
        doc = load_yaml(file, name=str(file))
    except InstrumentError as exc:
        return None, list(exc.problems)
    config = doc.data if isinstance(doc.data, dict) else {}
    review = Review(root=root, config=config, lines=doc.lines)
    if loaded is not None:
        loaded(review)
    return review, check_document(doc, kinds=("review",))


def _pins(review: Review) -> Problems:
    """Each pinned instrument version exists (in the catalog the review sees)."""
    out: Problems = []
    pins = review.config.get("instruments")
    if not isinstance(pins, dict):
        return out
    catalog = review.catalog
    known_ids = sorted({e.id for e in catalog.entries()})
    for instrument_id, version in pins.items():
        versions = catalog.versions(str(instrument_id))
        if not versions:
            out.append(
                (
                    ("instruments", instrument_id),
                    f"no instrument with id {instrument_id!r}"
                    f"{did_you_mean(instrument_id, known_ids)}; see `evidencekit "
                    "instruments list`, or add its YAML to the review's instruments/",
                )
            )
        elif str(version) not in versions:
            out.append(
                (
                    ("instruments", instrument_id),
                    f"{instrument_id!r} has no version {str(version)!r}; versions found: "
                    f"{', '.join(versions)}; pin one of those or add the version's YAML "
                    "to the review's instruments/",
                )
            )
    for problem in catalog.problems_by_origin.get("review", []):
        out.append(((), problem))
    return out


def _sources(review: Review) -> Problems:
    out: Problems = []
    sources = review.config.get("sources")
    if not isinstance(sources, list):
        return out
    importers = review.registry.names("importer")
    for n, source in enumerate(sources):
        if not isinstance(source, dict):
            continue
        files = source.get("files") or ([source["file"]] if source.get("file") else [])
        key = "files" if source.get("files") else "file"
        for i, item in enumerate(files if isinstance(files, list) else []):
            path = Path(str(item))
            path = path if path.is_absolute() else review.root / path
            if not path.is_file():
                where = ("sources", n, key, i) if key == "files" else ("sources", n, key)
                out.append((where, f"no such file {path}"))
        for field in ("format", "importer"):
            name = source.get(field)
            if isinstance(name, str) and name not in importers:
                out.append(
                    (
                        ("sources", n, field),
                        f"unknown importer {name!r}"
                        f"{did_you_mean(name, importers)}; known: {', '.join(importers)}",
                    )
                )
    return out


def _dedupe(review: Review) -> Problems:
    section = review.config.get("dedupe")
    if not isinstance(section, dict):
        return []
    method = section.get("method")
    names = review.registry.names("deduplicator")
    if isinstance(method, str) and method not in names:
        return [
            (
                ("dedupe", "method"),
                f"unknown deduplicator {method!r}"
                f"{did_you_mean(method, names)}; known: {', '.join(names)}",
            )
        ]
    if isinstance(section.get("options"), dict):
        try:
            review.registry.validate_options("deduplicator", method or "fuzzy", section["options"])
        except EvidencekitError as exc:
            return [(("dedupe", "options"), str(exc))]
    return []


def _appraisal(review: Review) -> Problems:
    out: Problems = []
    section = review.config.get("appraisal")
    if not isinstance(section, dict):
        return out
    for field in ("answers", "studies"):
        value = section.get(field)
        if isinstance(value, str):
            path = Path(value) if Path(value).is_absolute() else review.root / value
            if not path.exists():
                out.append((("appraisal", field), f"no such file {path}"))
    checklists = section.get("checklists")
    if isinstance(checklists, dict):
        known = sorted({e.id for e in review.catalog.entries("checklist")})
        for design, ids in checklists.items():
            for ref in [ids] if isinstance(ids, str) else list(ids or []):
                if str(ref).split("@")[0] not in known:
                    out.append(
                        (
                            ("appraisal", "checklists", design),
                            f"unknown checklist {ref!r}{did_you_mean(ref, known)}; "
                            f"known: {', '.join(known)}",
                        )
                    )
    return out


#: The built-in step that reads each section (its plan-time check repeats the section's).
STEP_OF_SECTION = {"sources": "import", "dedupe": "dedupe", "appraisal": "appraise"}

#: Checks of the sections steps read, each (path, message) pairs. A plugin's own section is
#: checked by its step's check at plan time.
SECTION_CHECKS: tuple[Callable[[Review], Problems], ...] = (_pins, _sources, _dedupe, _appraisal)


def review_problems(root: str | Path, *, plan_check: bool = True) -> list[str]:
    """Every problem with the review in ``root``, as ``review.yaml:LINE: $.path: message``
    lines sorted by line; empty when the review is ready to run."""
    return check_review(root, plan_check=plan_check)[1]


def check_review(
    root: str | Path,
    *,
    plan_check: bool = True,
    loaded: Callable[[Review], None] | None = None,
) -> tuple[Review | None, list[str]]:
    """:func:`review_problems`, with the review it opened (to run it without reading and
    checking everything a second time); the review is None if the file cannot be read.
    ``loaded(review)`` is called as soon as the file has been read as YAML, before any
    check (``evidencekit run`` forks its drawing process there; it must cope with a file
    the checks will refuse)."""
    from evidencekit.core.yaml_loader import line_of

    root = Path(root)
    review, lines = _load(root, loaded)
    if review is None:
        return None, lines
    found: list[tuple[int, str]] = [(_line(text), text) for text in lines]
    sections_with_problems: set[str] = set()
    for check in SECTION_CHECKS:
        try:
            pairs = check(review)
        except EvidencekitError as exc:  # e.g. a local plugin that cannot be imported
            pairs = [((), str(exc))]
        for path, message in pairs:
            line = line_of(review.lines, path)
            found.append((line, f"{review.file}:{line}: {json_path(path)}: {message}"))
            if path:
                sections_with_problems.add(str(path[0]))
    if plan_check:
        # A step whose declaration or section was reported above (at its own line) would
        # say the same again, in other words, at the step's line: its plan problems are
        # left out. Every other step is still checked, so all is reported in one pass.
        for text in lines:
            match = re.search(r": \$\.(steps\[\d+\]|[a-z_]+)", text)
            if match:
                sections_with_problems.add(match.group(1))
        quiet = {f"({STEP_OF_SECTION[s]})" for s in sections_with_problems if s in STEP_OF_SECTION}
        quiet |= {f"$.{s} " for s in sections_with_problems if s.startswith("steps[")}
        if "steps" in sections_with_problems:
            quiet.add("$.steps")
        try:
            planned = plan_problems(review)
        except Exception:  # a file the schema refused may not even be plannable
            planned = []
        found += [(_line(text), text) for text in planned if not any(q in text for q in quiet)]
    seen: set[str] = set()
    out = []
    for _, text in sorted(found, key=lambda pair: pair[0]):
        if text not in seen:
            seen.add(text)
            out.append(text)
    return review, out


def plan_problems(review: Review) -> list[str]:
    """The pipeline plan's problems (steps, providers, options), one line each."""
    from evidencekit.core.pipeline import plan

    try:
        plan(review)
    except InstrumentError as exc:
        return list(exc.problems)
    except EvidencekitError as exc:
        return str(exc).splitlines()
    return []


def _line(text: str) -> int:
    """The LINE of a ``file:LINE: ...`` message (0 when it has none), for sorting."""
    parts = text.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].strip().isdigit() else 0
