"""What the ``evidencekit synthesize`` commands share: their input options and the
load-check-run helper (the commands live in ``synthesize.py`` and ``synthesize_outputs.py``)."""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import (
    compose,
    json_option,
    load_review,
    output_option,
    review_option,
)

inputs_options = compose(
    click.option(
        "--codings",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        help="Coded influences CSV (study_id, influence, direction, factor, "
        "evidence, reviewer); default: the review's extraction.codings.",
    ),
    click.option(
        "--studies",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        help="studies.csv: every included study and its attributes; default: the "
        "review's extraction.studies.",
    ),
    click.option(
        "--framework",
        "framework_ref",
        metavar="ID|PATH",
        default=None,
        help="Framework of the influences; default: the review's "
        "extraction.framework, else the form's.",
    ),
    click.option(
        "--form",
        "form_ref",
        default=None,
        help="Extraction form the files are checked against; default: the "
        "review's extraction.form.",
    ),
    click.option(
        "--tie-rule",
        type=click.Choice(["framework-order", "name", "id"]),
        default="framework-order",
        show_default=True,
        help="How influences coded by equally many studies are ordered.",
    ),
    click.option(
        "--denominator",
        type=click.Choice(["included", "coded"]),
        default="included",
        show_default=True,
        help="Shares of all included studies, or of those with a coded influence.",
    ),
    review_option,
    json_option,
    output_option,
)
threshold_option = click.option(
    "--threshold",
    type=float,
    default=0.10,
    show_default=True,
    help="Retention threshold: a share of studies in (0, 1] (0.10 = 10 %).",
)


def common_options(tie_rule: str, denominator: str) -> dict[str, Any]:
    return {"tie_rule": tie_rule, "denominator": denominator}


def run_synthesis(
    review_dir: str,
    method: str,
    options: dict[str, Any],
    *,
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    appraisal: str | None = None,
    grades: bool = False,
) -> dict[str, Any]:
    """Load and check every input, then run ``method`` — before anything is written."""
    from evidencekit.core.synthesis import load_synthesis, run_method

    review = load_review(review_dir)
    registry = review.registry
    registry.validate_options("synthesis-method", method, options)  # flags before files
    data, framework = load_synthesis(
        review,
        codings=codings,
        studies=studies,
        framework=framework_ref,
        form=form_ref,
        appraisal=appraisal,
        grades=grades,
    )
    return run_method(registry, method, data, framework, options)


def check_threshold(value: float) -> float:
    from evidencekit.core.errors import EvidencekitError

    if not 0 < value <= 1:
        raise EvidencekitError(
            f"--threshold {value:g}: must be a share of studies in (0, 1], e.g. 0.10 for 10 %"
        )
    return value


def emit_text(text: str, output: str | None) -> None:
    from evidencekit.core.io import emit

    emit(text, output)
