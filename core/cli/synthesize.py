"""``evidencekit synthesize``: vote counting (Table 1), subgroup and sensitivity
analyses, measure derivation and crosswalk maps, each a synthesis-method plugin chosen
by name."""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import load_review, print_json
from evidencekit.core.cli.synthesize_common import (
    check_threshold,
    common_options,
    emit_text,
    inputs_options,
    run_synthesis,
    threshold_option,
)
from evidencekit.core.cli.synthesize_outputs import crosswalk, derive_measure, plot


@click.group()
def synthesize() -> None:
    """Vote counting (Table 1), subgroup and sensitivity analyses, a derived measure and
    the crosswalk map, from coded influences and studies.csv."""


@synthesize.command("vote-count")
@inputs_options
@threshold_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "markdown", "csv"]),
    default="rich",
    show_default=True,
    help="How to print Table 1.",
)
def vote_count(
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    tie_rule: str,
    denominator: str,
    review_dir: str,
    as_json: bool,
    output: str | None,
    threshold: float,
    fmt: str,
) -> None:
    """Table 1: the share of included studies coding each influence, its facilitators and
    barriers, ranked (ties broken by the declared rule).

    With --json: {n_studies, influences: [{id, name, n_studies, share, facilitators,
    barriers, unclear, …}] in rank order, unclear_direction, tie_rule, …}.
    """
    from evidencekit.core.synthesis import tables

    options = {**common_options(tie_rule, denominator), "threshold": check_threshold(threshold)}
    result = run_synthesis(
        review_dir,
        "vote-count",
        options,
        codings=codings,
        studies=studies,
        framework_ref=framework_ref,
        form_ref=form_ref,
    )
    if as_json:
        print_json(result, output)
    elif fmt == "csv":
        emit_text(tables.table1_csv(result), output)
    elif fmt == "markdown":
        emit_text(tables.table1_markdown(result), output)
    else:
        _print_rich(result, output)


def _print_rich(result: dict[str, Any], output: str | None) -> None:
    from rich.table import Table

    from evidencekit.core.cli.options import emit_table
    from evidencekit.core.synthesis.tables import factors, pct

    table = Table(
        title=f"Influences coded in {result['n_studies']} studies ({result['framework']})",
        caption=f"Ties: {result['tie_rule']}. ?N: of unclear direction, ranked "
        "apart; their factors are in the barriers column.",
    )
    for name, justify in (
        ("#", "right"),
        ("influence", "left"),
        ("studies", "right"),
        ("%", "right"),
        ("facilitators", "left"),
        ("barriers", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")
    rows = [*result["influences"], *result["unclear_direction"]]
    for index, e in enumerate(rows):
        table.add_row(
            ("?" if e["direction"] == "unclear" else "") + str(e["rank"]),
            e["name"],
            str(e["n_studies"]),
            pct(e["share"]),
            factors(e["facilitators"]),
            factors(e["barriers"] if e["direction"] != "unclear" else e["unclear"]),
            end_section=index == len(result["influences"]) - 1,
        )
    emit_table(table, output)


@synthesize.command("subgroup")
@click.option(
    "--by",
    "by",
    required=True,
    metavar="ATTRIBUTE[;groups=A/B+C]",
    help="Study attribute to split by, e.g. 'modality', or with pooled levels "
    "'modality;groups=individual/group/both+not stated'.",
)
@inputs_options
@threshold_option
def subgroup(
    by: str,
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    tie_rule: str,
    denominator: str,
    review_dir: str,
    as_json: bool,
    output: str | None,
    threshold: float,
) -> None:
    """The vote count within each level of a study attribute: which influences drop below
    the threshold, how the order changes (ranks, Kendall's tau-b), the strongest.

    With --json: {subgroups: [{level, n_studies, influences, dropped, kendall_tau, …}], …}.
    """
    from evidencekit.core.synthesis import tables

    review = load_review(review_dir)
    provider = review.registry.get("synthesis-method", "subgroup")
    parse = getattr(provider, "options_from_spec", None)
    options = parse(by) if parse else {"by": by}
    options.update(common_options(tie_rule, denominator), threshold=check_threshold(threshold))
    result = run_synthesis(
        review_dir,
        "subgroup",
        options,
        codings=codings,
        studies=studies,
        framework_ref=framework_ref,
        form_ref=form_ref,
    )
    if as_json:
        print_json(result, output)
    else:
        emit_text(tables.subgroup_markdown(result), output)


@synthesize.command("sensitivity")
@click.option(
    "--appraisal",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Appraisal grades: the JSON of `evidencekit appraise score --json` (or the "
    "pipeline's appraisal.json), or a CSV with study_id and grade. Default: "
    "scored from the review's appraisal answers.",
)
@click.option(
    "--exclude-grade",
    "exclude_grade",
    default=None,
    metavar="GRADE[,GRADE]",
    help="Exclude studies with these appraisal grades (default: poor,fair).",
)
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="ATTRIBUTE=VALUE",
    help="Exclude studies whose attribute has this value (repeatable), instead of "
    "excluding by grade.",
)
@inputs_options
@threshold_option
def sensitivity(
    appraisal: str | None,
    exclude_grade: str | None,
    exclude: tuple[str, ...],
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    tie_rule: str,
    denominator: str,
    review_dir: str,
    as_json: bool,
    output: str | None,
    threshold: float,
) -> None:
    """The vote count again without the excluded studies (by default those graded poor or
    fair), and a computed verdict: did the retained influences or their order change?

    With --json: {n_excluded, n_studies, influences, dropped, order_changed,
    content_changed, verdict, …}.
    """
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.synthesis import tables

    options: dict[str, Any] = {
        **common_options(tie_rule, denominator),
        "threshold": check_threshold(threshold),
    }
    if exclude_grade is not None:
        grades = [g.strip() for g in exclude_grade.split(",") if g.strip()]
        if not grades:
            raise EvidencekitError("--exclude-grade: name at least one grade, e.g. poor,fair")
        options["exclude_grades"] = grades
    rules = []
    for text in exclude:
        attribute, sep, value = text.partition("=")
        if not sep or not attribute.strip() or not value.strip():
            raise EvidencekitError(
                f"--exclude {text!r}: write ATTRIBUTE=VALUE, e.g. --exclude 'design=case-control'"
            )
        rules.append({"attribute": attribute.strip(), "value": value.strip()})
    if rules:
        options["exclude"] = rules
    by_grade = "exclude_grades" in options or not rules
    result = run_synthesis(
        review_dir,
        "sensitivity",
        options,
        codings=codings,
        studies=studies,
        framework_ref=framework_ref,
        form_ref=form_ref,
        appraisal=appraisal,
        grades=by_grade,
    )
    if as_json:
        print_json(result, output)
    else:
        emit_text(tables.sensitivity_markdown(result), output)


for _command in (derive_measure, crosswalk, plot):
    synthesize.add_command(_command)
