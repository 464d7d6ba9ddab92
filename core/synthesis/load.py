"""Gather a synthesis's inputs from the command line and the review's defaults.

``--codings``, ``--studies``, ``--framework`` and ``--form`` default to the review's
``extraction:`` section (``codings``, ``studies``, ``framework``, ``form``); the
framework may also come from the form's ``coded_influences.framework``. Appraisal
grades (for sensitivity analyses) come from ``--appraisal FILE``, or are scored from the
answers the review declares (``appraisal.answers``, or the ``answers`` option of its
``appraise`` step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.synthesis.inputs import (
    SynthesisData,
    grades_from_report,
    read_codings,
    read_grades,
    read_studies_table,
    sha256_of,
)


def _declared(review: Any, key: str) -> Any:
    return review.section("extraction").get(key)


def _review_path(review: Any, value: str) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else Path(review.root) / path)


def load_framework(review: Any, ref: str | None, form: Any | None = None) -> Any:
    """The framework by id (``ID``/``ID@VERSION``, the review's pins honoured) or YAML file;
    default: ``extraction.framework``, else the form's coded-influences framework."""
    ref = ref or _declared(review, "framework") or getattr(form, "influence_framework", None)
    if not ref:
        raise EvidencekitError(
            "no framework given: pass --framework ID or set extraction.framework in review.yaml"
        )
    path = Path(str(ref))
    if path.suffix.lower() in (".yaml", ".yml"):
        if not path.is_absolute() and not path.is_file():
            path = Path(review.root) / path
        if not path.is_file():
            raise EvidencekitError(f"--framework {ref}: no such file")
        from evidencekit.core.instruments import load_instrument

        framework = load_instrument(path)
        if framework.kind != "framework":
            raise EvidencekitError(f"{ref}: this instrument is a {framework.kind}, not a framework")
        return framework
    return review.instrument(str(ref), kind="framework")


def load_form(review: Any, ref: str | None) -> Any | None:
    """The extraction form (``--form`` or ``extraction.form``), or None if neither is given."""
    ref = ref or _declared(review, "form")
    return review.instrument(str(ref), kind="form") if ref else None


def declared_answers(review: Any) -> list[str]:
    """Appraisal answer files the review declares (``appraisal.answers``, else the
    ``answers`` option of its ``appraise`` step), review-relative paths resolved."""
    answers = review.section("appraisal").get("answers")
    if not answers:
        for step in review.config.get("steps") or []:
            if step.get("step") == "appraise":
                answers = (step.get("options") or {}).get("answers")
                break
    if not answers:
        return []
    return [_review_path(review, a) for a in (answers if isinstance(answers, list) else [answers])]


def load_grades(
    review: Any, appraisal: str | None, studies_file: str, studies: dict[str, Any]
) -> tuple[dict[str, list[str]] | None, str | None]:
    """(grades per study, where they came from), or (None, None) if nothing gives them."""
    if appraisal:
        return read_grades(appraisal, studies), appraisal
    answers = declared_answers(review)
    if not answers:
        return None, None
    from evidencekit.core.appraisal import load_context, score_files

    context = load_context(review.root, studies_file=studies_file)
    report = score_files(answers, context)
    return grades_from_report(report.to_dict()), "scored from " + ", ".join(answers)


def load_synthesis(
    review: Any,
    *,
    codings: str | None = None,
    studies: str | None = None,
    framework: str | None = None,
    form: str | None = None,
    appraisal: str | None = None,
    grades: bool = False,
) -> tuple[SynthesisData, Any]:
    """(checked inputs, framework) for a synthesis method; with ``grades`` also the
    appraisal grades. Raises an error naming file and line for anything wrong."""
    form_obj = load_form(review, form)
    framework_obj = load_framework(review, framework, form_obj)
    studies = studies or (
        _review_path(review, _declared(review, "studies")) if _declared(review, "studies") else None
    )
    codings = codings or (
        _review_path(review, _declared(review, "codings")) if _declared(review, "codings") else None
    )
    if not studies:
        raise EvidencekitError(
            "no studies table: pass --studies studies.csv or set "
            "extraction.studies in review.yaml (every included study, "
            "one row each: the denominator of every share)"
        )
    if not codings:
        raise EvidencekitError(
            "no coded influences: pass --codings FILE or set extraction.codings in review.yaml"
        )
    table, header_line = read_studies_table(studies, form_obj)
    rows = read_codings(codings, form_obj, framework_obj, table)
    data = SynthesisData(
        studies=table,
        codings=rows,
        studies_file=studies,
        codings_file=codings,
        codings_sha256=sha256_of(codings),
        studies_header_line=header_line,
        instrument=review.instrument,
    )
    if grades:
        data.grades, data.grades_source = load_grades(review, appraisal, studies, table)
    return data, framework_obj
