"""``evidencekit appraise``: score quality appraisals and plot them."""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import json_option, output_option, print_json, raw_option

review_path_option = click.option(
    "--review",
    "review",
    type=click.Path(path_type=str),
    default=".",
    show_default=True,
    help="The review: its review.yaml file, or the folder that holds it.",
)
answers_option = click.option(
    "--answers",
    "answers",
    multiple=True,
    type=click.Path(path_type=str),
    help="Answers file (CSV or YAML) or folder; repeat for several. Default: the review's "
    "appraisal.answers.",
)
studies_option = click.option(
    "--studies",
    "studies",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="studies.csv with study_id and design (default: the review's, if any).",
)
skip_option = click.option(
    "--skip-invalid",
    is_flag=True,
    help="Score what is valid; skip invalid rows and incomplete appraisals and list them.",
)


@click.group()
def appraise() -> None:
    """Score quality appraisals with the checklists' scorers, and plot them."""


def _report(
    review: str, answers: tuple[str, ...], studies: str | None, skip_invalid: bool
) -> tuple[Any, Any]:
    """(context, report) for the answers given, or those the review declares."""
    from pathlib import Path

    from evidencekit.core.appraisal import load_context, score_files
    from evidencekit.core.errors import EvidencekitError

    ctx = load_context(review_file=review, studies_file=studies)
    paths = list(answers)
    if not paths:
        declared = ctx.settings.answers
        if not declared:
            raise EvidencekitError(
                "no answers given: pass --answers FILE or set appraisal.answers in review.yaml"
            )
        paths = [str(Path(ctx.review.root) / declared)]
    return ctx, score_files(paths, ctx, skip_invalid=skip_invalid)


def _fail_on_problems(exc: Any) -> None:
    for problem in exc.problems[:200]:
        click.echo(f"error: {problem}", err=True)
    if len(exc.problems) > 200:
        click.echo(f"error: … and {len(exc.problems) - 200} more", err=True)
    click.echo(
        f"{len(exc.problems)} problem(s); nothing was scored. Fix them, or pass "
        "--skip-invalid to score the rest and list what was skipped.",
        err=True,
    )
    raise SystemExit(1)


def _list_skipped(report: Any) -> None:
    """With --skip-invalid: every skipped row, on standard error."""
    for problem in report.skipped:
        click.echo(f"skipped: {problem}", err=True)


@appraise.command("score")
@answers_option
@review_path_option
@studies_option
@skip_option
@json_option
@output_option
@click.option(
    "--table",
    "table_file",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Also write the study × items table (CSV) to FILE.",
)
@raw_option
def score(
    answers: tuple[str, ...],
    review: str,
    studies: str | None,
    skip_invalid: bool,
    as_json: bool,
    output: str | None,
    table_file: str | None,
    raw: bool,
) -> None:
    """Validate appraisal answers and score every study.

    Each checklist names its scorer (percentage-bands for CASP, domain-judgement for
    RoB 2); review.yaml may override scorers and grade bands. With --json, prints
    {"studies": [{study_id, checklist, score_percent, grade, ...}], "grades": {...}, ...}.
    """
    from evidencekit.core.appraisal import AnswersInvalid, table_csv

    try:
        _, report = _report(review, answers, studies, skip_invalid)
    except AnswersInvalid as exc:
        _fail_on_problems(exc)
        return
    if table_file:
        from evidencekit.core.io import atomic_write_text

        atomic_write_text(table_file, table_csv(report, raw=raw))
    _list_skipped(report)
    if as_json:
        print_json(report.to_dict(), output)
        return
    from evidencekit.core.io import emit

    emit(_text(report), output)


def _text(report: Any) -> str:
    lines = [f"{'study':<24} {'checklist':<22} {'score':>7}  grade"]
    for s in report.studies:
        shown = "" if s.score_percent is None else f"{s.score_percent:6.1f}%"
        extra = (
            f"  (reviewers: {', '.join(s.reviewers)}; {s.resolution})"
            if len(s.reviewers) > 1
            else ""
        )
        lines.append(f"{s.study_id:<24} {s.checklist:<22} {shown:>7}  {s.grade}{extra}")
    lines.append("")
    lines.append("grades: " + ", ".join(f"{g} {n}" for g, n in report.grades.items()))
    for design, counts in report.by_design.items():
        lines.append(f"  {design}: " + ", ".join(f"{g} {n}" for g, n in counts.items()))
    if report.no_checklist:
        lines.append(
            "no checklist for the design of: "
            + ", ".join(
                f"{x['study_id']} ({x['design'] or 'no design'})" for x in report.no_checklist
            )
        )
    if report.not_appraised:
        lines.append("not appraised: " + ", ".join(report.not_appraised))
    for pair in report.agreement.get("pairs", []):
        kappa = "undefined" if pair["kappa"] is None else f"{pair['kappa']:.2f}"
        if pair["percent"] is None:
            lines.append(
                f"agreement {pair['reviewers'][0]} vs {pair['reviewers'][1]}: "
                "no choice items answered by both"
            )
            continue
        lines.append(
            f"agreement {pair['reviewers'][0]} vs {pair['reviewers'][1]}: "
            f"{pair['percent']:.1f}% of {pair['n']} items in {pair['studies']} "
            f"stud{'y' if pair['studies'] == 1 else 'ies'}, "
            f"kappa {kappa}"
        )
    if report.skipped:
        lines.append(f"skipped: {len(report.skipped)} problem(s), listed on standard error")
    return "\n".join(lines)


@appraise.command("plot")
@answers_option
@review_path_option
@studies_option
@skip_option
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=str),
    default="appraisal-plots",
    show_default=True,
    help="Folder to write the plots into.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["svg", "png"]),
    help="File format(s); default both SVG and PNG.",
)
@click.option(
    "--plot",
    "plots",
    multiple=True,
    type=click.Choice(["traffic-light", "summary"]),
    help="Which plot(s); default both.",
)
@click.option(
    "--reporter",
    default="quality-plots",
    show_default=True,
    help="Reporter plugin that draws the plots.",
)
@json_option
def plot(
    answers: tuple[str, ...],
    review: str,
    studies: str | None,
    skip_invalid: bool,
    out_dir: str,
    formats: tuple[str, ...],
    plots: tuple[str, ...],
    reporter: str,
    as_json: bool,
) -> None:
    """Draw a traffic-light plot (study × items) and a stacked summary plot."""
    from pathlib import Path

    from evidencekit.core.appraisal import AnswersInvalid

    try:
        ctx, report = _report(review, answers, studies, skip_invalid)
    except AnswersInvalid as exc:
        _fail_on_problems(exc)
        return
    _list_skipped(report)
    registry = ctx.registry
    options: dict[str, Any] = {}
    if formats:
        options["formats"] = list(formats)
    if plots:
        options["plots"] = list(plots)
    options = registry.validate_options("reporter", reporter, options)
    paths = registry.get("reporter", reporter).render(report.to_dict(), Path(out_dir), options)
    if as_json:
        print_json(
            {"files": [str(p) for p in paths], "skipped": [p.to_dict() for p in report.skipped]}
        )
        return
    for path in paths:
        click.echo(str(path))
