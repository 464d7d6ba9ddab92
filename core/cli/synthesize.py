"""``evidencekit synthesize``: vote counting (Table 1), subgroup and sensitivity
analyses, measure derivation and crosswalk maps, each a synthesis-method plugin chosen
by name."""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import (
    compose,
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)

inputs_options = compose(
    click.option("--codings", type=click.Path(dir_okay=False, path_type=str), default=None,
                 help="Coded influences CSV (study_id, influence, direction, factor, "
                      "evidence, reviewer); default: the review's extraction.codings."),
    click.option("--studies", type=click.Path(dir_okay=False, path_type=str), default=None,
                 help="studies.csv: every included study and its attributes; default: the "
                      "review's extraction.studies."),
    click.option("--framework", "framework_ref", metavar="ID|PATH", default=None,
                 help="Framework of the influences; default: the review's "
                      "extraction.framework, else the form's."),
    click.option("--form", "form_ref", default=None,
                 help="Extraction form the files are checked against; default: the "
                      "review's extraction.form."),
    click.option("--tie-rule", type=click.Choice(["framework-order", "name", "id"]),
                 default="framework-order", show_default=True,
                 help="How influences coded by equally many studies are ordered."),
    click.option("--denominator", type=click.Choice(["included", "coded"]),
                 default="included", show_default=True,
                 help="Shares of all included studies, or of those with a coded influence."),
    review_option,
    json_option,
    output_option,
)
threshold_option = click.option(
    "--threshold", type=float, default=0.10, show_default=True,
    help="Retention threshold: a share of studies in (0, 1] (0.10 = 10 %).")


@click.group()
def synthesize() -> None:
    """Vote counting (Table 1), subgroup and sensitivity analyses, a derived measure and
    the crosswalk map, from coded influences and studies.csv."""


def _common(tie_rule: str, denominator: str) -> dict[str, Any]:
    return {"tie_rule": tie_rule, "denominator": denominator}


def _run(review_dir: str, method: str, options: dict[str, Any], *, codings: str | None,
         studies: str | None, framework_ref: str | None, form_ref: str | None,
         appraisal: str | None = None, grades: bool = False) -> dict[str, Any]:
    """Load and check every input, then run ``method`` — before anything is written."""
    from evidencekit.core.synthesis import load_synthesis, run_method

    review = load_review(review_dir)
    registry = review.registry
    registry.validate_options("synthesis-method", method, options)  # flags before files
    data, framework = load_synthesis(review, codings=codings, studies=studies,
                                     framework=framework_ref, form=form_ref,
                                     appraisal=appraisal, grades=grades)
    return run_method(registry, method, data, framework, options)


def _check_threshold(value: float) -> float:
    from evidencekit.core.errors import EvidencekitError

    if not 0 < value <= 1:
        raise EvidencekitError(f"--threshold {value:g}: must be a share of studies in (0, 1], "
                               "e.g. 0.10 for 10 %")
    return value


def _emit(text: str, output: str | None) -> None:
    from evidencekit.core.io import emit

    emit(text, output)


@synthesize.command("vote-count")
@inputs_options
@threshold_option
@click.option("--format", "fmt", type=click.Choice(["rich", "markdown", "csv"]),
              default="rich", show_default=True, help="How to print Table 1.")
def vote_count(codings: str | None, studies: str | None, framework_ref: str | None,
               form_ref: str | None, tie_rule: str, denominator: str, review_dir: str,
               as_json: bool, output: str | None, threshold: float, fmt: str) -> None:
    """Table 1: the share of included studies coding each influence, its facilitators and
    barriers, ranked (ties broken by the declared rule).

    With --json: {n_studies, influences: [{id, name, n_studies, share, facilitators,
    barriers, unclear, …}] in rank order, unclear_direction, tie_rule, …}.
    """
    from evidencekit.core.synthesis import tables

    options = {**_common(tie_rule, denominator), "threshold": _check_threshold(threshold)}
    result = _run(review_dir, "vote-count", options, codings=codings, studies=studies,
                  framework_ref=framework_ref, form_ref=form_ref)
    if as_json:
        print_json(result, output)
    elif fmt == "csv":
        _emit(tables.table1_csv(result), output)
    elif fmt == "markdown":
        _emit(tables.table1_markdown(result), output)
    else:
        _print_rich(result, output)


def _print_rich(result: dict[str, Any], output: str | None) -> None:
    from rich.table import Table

    from evidencekit.core.cli.options import emit_table
    from evidencekit.core.synthesis.tables import factors, pct

    table = Table(title=f"Influences coded in {result['n_studies']} studies "
                        f"({result['framework']})",
                  caption=f"Ties: {result['tie_rule']}. ?N: of unclear direction, ranked "
                          "apart; their factors are in the barriers column.")
    for name, justify in (("#", "right"), ("influence", "left"), ("studies", "right"),
                          ("%", "right"), ("facilitators", "left"), ("barriers", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    rows = [*result["influences"], *result["unclear_direction"]]
    for index, e in enumerate(rows):
        table.add_row(("?" if e["direction"] == "unclear" else "") + str(e["rank"]),
                      e["name"], str(e["n_studies"]), pct(e["share"]),
                      factors(e["facilitators"]),
                      factors(e["barriers"] if e["direction"] != "unclear" else e["unclear"]),
                      end_section=index == len(result["influences"]) - 1)
    emit_table(table, output)


@synthesize.command("subgroup")
@click.option("--by", "by", required=True, metavar="ATTRIBUTE[;groups=A/B+C]",
              help="Study attribute to split by, e.g. 'modality', or with pooled levels "
                   "'modality;groups=individual/group/both+not stated'.")
@inputs_options
@threshold_option
def subgroup(by: str, codings: str | None, studies: str | None, framework_ref: str | None,
             form_ref: str | None, tie_rule: str, denominator: str, review_dir: str,
             as_json: bool, output: str | None, threshold: float) -> None:
    """The vote count within each level of a study attribute: which influences drop below
    the threshold, how the order changes (ranks, Kendall's tau-b), the strongest.

    With --json: {subgroups: [{level, n_studies, influences, dropped, kendall_tau, …}], …}.
    """
    from evidencekit.core.synthesis import tables

    review = load_review(review_dir)
    provider = review.registry.get("synthesis-method", "subgroup")
    parse = getattr(provider, "options_from_spec", None)
    options = parse(by) if parse else {"by": by}
    options.update(_common(tie_rule, denominator), threshold=_check_threshold(threshold))
    result = _run(review_dir, "subgroup", options, codings=codings, studies=studies,
                  framework_ref=framework_ref, form_ref=form_ref)
    if as_json:
        print_json(result, output)
    else:
        _emit(tables.subgroup_markdown(result), output)


@synthesize.command("sensitivity")
@click.option("--appraisal", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Appraisal grades: the JSON of `evidencekit appraise score --json` (or the "
                   "pipeline's appraisal.json), or a CSV with study_id and grade. Default: "
                   "scored from the review's appraisal answers.")
@click.option("--exclude-grade", "exclude_grade", default=None, metavar="GRADE[,GRADE]",
              help="Exclude studies with these appraisal grades (default: poor,fair).")
@click.option("--exclude", "exclude", multiple=True, metavar="ATTRIBUTE=VALUE",
              help="Exclude studies whose attribute has this value (repeatable), instead of "
                   "excluding by grade.")
@inputs_options
@threshold_option
def sensitivity(appraisal: str | None, exclude_grade: str | None, exclude: tuple[str, ...],
                codings: str | None, studies: str | None, framework_ref: str | None,
                form_ref: str | None, tie_rule: str, denominator: str, review_dir: str,
                as_json: bool, output: str | None, threshold: float) -> None:
    """The vote count again without the excluded studies (by default those graded poor or
    fair), and a computed verdict: did the retained influences or their order change?

    With --json: {n_excluded, n_studies, influences, dropped, order_changed,
    content_changed, verdict, …}.
    """
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.synthesis import tables

    options: dict[str, Any] = {**_common(tie_rule, denominator),
                               "threshold": _check_threshold(threshold)}
    if exclude_grade is not None:
        grades = [g.strip() for g in exclude_grade.split(",") if g.strip()]
        if not grades:
            raise EvidencekitError("--exclude-grade: name at least one grade, e.g. poor,fair")
        options["exclude_grades"] = grades
    rules = []
    for text in exclude:
        attribute, sep, value = text.partition("=")
        if not sep or not attribute.strip() or not value.strip():
            raise EvidencekitError(f"--exclude {text!r}: write ATTRIBUTE=VALUE, e.g. "
                                   "--exclude 'design=case-control'")
        rules.append({"attribute": attribute.strip(), "value": value.strip()})
    if rules:
        options["exclude"] = rules
    by_grade = "exclude_grades" in options or not rules
    result = _run(review_dir, "sensitivity", options, codings=codings, studies=studies,
                  framework_ref=framework_ref, form_ref=form_ref, appraisal=appraisal,
                  grades=by_grade)
    if as_json:
        print_json(result, output)
    else:
        _emit(tables.sensitivity_markdown(result), output)


@synthesize.command("derive-measure")
@click.option("--threshold", type=float, required=True,
              help="Share of studies in (0, 1] an influence must reach to become an item "
                   "(0.10 in the reference review).")
@click.option("--id", "measure_id", required=True, help="Id of the new measure.")
@click.option("--out", "out_file", required=True,
              type=click.Path(dir_okay=False, path_type=str),
              help="YAML file to write the new measure to (atomically).")
@click.option("--version", "measure_version", default="1", show_default=True,
              help="Version of the new measure.")
@click.option("--title", default=None, help="Title of the new measure.")
@click.option("--template", default="peer-support-implementation-measure", show_default=True,
              help="Measure whose scale, anchors and instructions the new one takes (id or "
                   "YAML file).")
@inputs_options
def derive_measure(threshold: float, measure_id: str, out_file: str, measure_version: str,
                   title: str | None, template: str, codings: str | None, studies: str | None,
                   framework_ref: str | None, form_ref: str | None, tie_rule: str,
                   denominator: str, review_dir: str, as_json: bool,
                   output: str | None) -> None:
    """Write a new measure whose items are the influences coded by at least --threshold of
    the studies, in rank order; it records its provenance and is ready for `evidencekit
    measure score`.

    With --json: {file, items: [ids in order], threshold, …}.
    """
    from evidencekit.core.synthesis import write_measure

    options: dict[str, Any] = {**_common(tie_rule, denominator),
                               "threshold": _check_threshold(threshold), "id": measure_id,
                               "version": measure_version, "template": template}
    if title:
        options["title"] = title
    result = _run(review_dir, "derive-measure", options, codings=codings, studies=studies,
                  framework_ref=framework_ref, form_ref=form_ref)
    path = write_measure(result["measure"], out_file)
    summary = {"file": str(path), "items": result["items"], "threshold": result["threshold"],
               "n_studies": result["n_studies"], "shares": result["shares"],
               "id": measure_id, "version": measure_version}
    if as_json:
        print_json(summary, output)
        return
    from evidencekit.core.synthesis.tables import pct

    lines = [f"wrote {path}: measure {measure_id}@{measure_version}, "
             f"{len(result['items'])} items (influences coded in at least "
             f"{pct(result['threshold'])} % of {result['n_studies']} studies)"]
    lines += [f"  {n}. {i} ({pct(result['shares'][i])} %)"
              for n, i in enumerate(result["items"], start=1)]
    _emit("\n".join(lines), output)


@synthesize.command("crosswalk")
@click.option("--crosswalk", "crosswalk_ref", required=True, metavar="ID|PATH",
              help="Crosswalk instrument from the framework to another, e.g. "
                   "peer-support-to-cfir-2009.")
@inputs_options
def crosswalk(crosswalk_ref: str, codings: str | None, studies: str | None,
              framework_ref: str | None, form_ref: str | None, tie_rule: str,
              denominator: str, review_dir: str, as_json: bool, output: str | None) -> None:
    """The influences grouped by the domains of another framework (e.g. CFIR 2009), each
    domain with its combined share of studies; conditional mappings stay visible."""
    from evidencekit.core.synthesis import tables

    options = {**_common(tie_rule, denominator), "crosswalk": crosswalk_ref}
    result = _run(review_dir, "crosswalk", options, codings=codings, studies=studies,
                  framework_ref=framework_ref, form_ref=form_ref)
    if as_json:
        print_json(result, output)
    else:
        _emit(tables.crosswalk_markdown(result), output)


@synthesize.command("plot")
@click.option("--by", "by", default=None, metavar="ATTRIBUTE[;groups=A/B+C]",
              help="Also draw the subgroup dot plot for this study attribute.")
@click.option("--out-dir", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the plots into (created if needed).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["svg", "png"]),
              help="File formats (repeatable; default both).")
@click.option("--reporter", default="synthesis-plots", show_default=True,
              help="Reporter plugin that draws the plots.")
@inputs_options
@threshold_option
def plot(by: str | None, out_dir: str, formats: tuple[str, ...], reporter: str,
         codings: str | None, studies: str | None, framework_ref: str | None,
         form_ref: str | None, tie_rule: str, denominator: str, review_dir: str,
         as_json: bool, output: str | None, threshold: float) -> None:
    """A ranked horizontal bar chart of influence shares (facilitator / barrier / both /
    unclear stacked) and, with --by, a dot plot of the shares in each subgroup."""
    from pathlib import Path

    from evidencekit.core.synthesis import load_synthesis, run_method

    review = load_review(review_dir)
    registry = review.registry
    common = {**_common(tie_rule, denominator), "threshold": _check_threshold(threshold)}
    plot_options: dict[str, Any] = {"plots": ["shares", "subgroups"] if by else ["shares"]}
    if formats:
        plot_options["formats"] = list(formats)
    plot_options = registry.validate_options("reporter", reporter, plot_options)
    sub_options = None
    if by:
        parse = getattr(registry.get("synthesis-method", "subgroup"), "options_from_spec", None)
        sub_options = {**(parse(by) if parse else {"by": by}), **common}
        registry.validate_options("synthesis-method", "subgroup", sub_options)
    data, framework = load_synthesis(review, codings=codings, studies=studies,
                                     framework=framework_ref, form=form_ref)
    results: dict[str, Any] = {"vote_count": run_method(registry, "vote-count", data,
                                                        framework, common)}
    if sub_options:
        results["subgroup"] = run_method(registry, "subgroup", data, framework, sub_options)
    paths = [str(p) for p in registry.get("reporter", reporter).render(
        results, Path(out_dir), plot_options)]
    if as_json:
        print_json({"files": paths}, output)
    else:
        _emit("\n".join(paths), output)
