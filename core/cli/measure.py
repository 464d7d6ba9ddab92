"""``evidencekit measure``: score ratings, run validity analyses, plot the ratings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    raw_option,
    review_option,
)

measure_option = click.option(
    "--measure",
    "measure_ref",
    required=True,
    metavar="ID[@VERSION]|FILE",
    help="The measure: an instrument id (as `evidencekit instruments list --kind measure` "
    "shows) or a measure YAML file.",
)
ratings_option = click.option(
    "--ratings",
    "ratings_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Ratings CSV: wide (unit, rater, one column per item) or long (unit, rater, item, score).",
)


def units_option(required: bool = False) -> Callable:
    return click.option(
        "--units",
        "units_file",
        required=required,
        type=click.Path(dir_okay=False, path_type=str),
        help="Units CSV: unit, then one column per attribute (income, psw_experience, …).",
    )


by_option = click.option(
    "--by", "by", metavar="ATTRIBUTE", help="Add group means by this attribute of the units file."
)


def reports_problems(func: Callable) -> Callable:
    """Print every problem of a ratings/units file on its own line, then exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from evidencekit.core.measure import RatingsError

        try:
            return func(*args, **kwargs)
        except RatingsError as exc:
            for line in exc.problems:
                click.echo(f"error: {line}", err=True)
            click.get_current_context().exit(1)

    return wrapper


def _load(
    review_dir: str, measure_ref: str, ratings_file: str, units_file: str | None
) -> tuple[Any, Any, Any, Any]:
    """(review, measure, ratings, units) — everything validated before any output."""
    from evidencekit.core.measure import read_inputs

    review = load_review(review_dir)
    measure = load_measure(review, measure_ref)
    ratings, units = read_inputs(measure, ratings_file, units_file)
    return review, measure, ratings, units


def load_measure(review: Any, ref: str) -> Any:
    """A measure by catalogue id (``ID`` or ``ID@VERSION``) or from a YAML file."""
    from evidencekit.core.errors import InstrumentError

    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
        from evidencekit.core.instruments import load_instrument

        measure = load_instrument(path)
        if measure.kind != "measure":
            raise InstrumentError(f"{ref}: this instrument is a {measure.kind}, not a measure")
        return measure
    return review.instrument(ref, kind="measure")


def _warn_unscored(scores: Any) -> None:
    for unit in scores.units:
        if not unit.scored:
            click.echo(f"warning: {unit.reason}", err=True)


@click.group()
def measure() -> None:
    """Score ratings on a readiness measure, check its validity, plot the ratings."""


@measure.command()
@measure_option
@ratings_option
@units_option()
@by_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "markdown", "csv"]),
    default="rich",
    show_default=True,
    help="How to print Table 2 (items × units).",
)
@raw_option
@review_option
@json_option
@output_option
@reports_problems
def score(
    measure_ref: str,
    ratings_file: str,
    units_file: str | None,
    by: str | None,
    fmt: str,
    raw: bool,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Total and mean item score per unit, and Table 2 (items × units).

    Item scores are averaged over raters when several rated a unit. A unit with
    more unrated items than the measure allows gets no total (a warning says why).
    """
    from evidencekit.core.measure import render_table2, table2

    _, _, ratings, units = _load(review_dir, measure_ref, ratings_file, units_file)
    scores = ratings.scores
    table = table2(scores, units, by)
    _warn_unscored(scores)
    if as_json:
        print_json({**scores.to_dict(), "table": table}, output)
        return
    if fmt in ("markdown", "csv"):
        from evidencekit.core.io import emit

        emit(render_table2(table, fmt, raw=raw), output)
        return
    _print_rich(table, scores, output)


def _print_rich(table: dict[str, Any], scores: Any, output: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from evidencekit.core.measure import table2_rows

    header, body = table2_rows(table)
    rich_table = Table(title=f"{scores.measure.title} — item scores per unit")
    for i, column in enumerate(header):
        rich_table.add_column(
            column,
            justify="left" if i == 0 else "right",
            overflow="fold",
            max_width=48 if i == 0 else None,
        )
    for index, cells in enumerate(body):
        rich_table.add_row(*cells, end_section=index == len(body) - 3)
    if output is None:
        Console(width=200).print(rich_table)
        return
    import io

    from evidencekit.core.io import emit

    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(rich_table)
    emit(buffer.getvalue(), output)


@measure.command()
@measure_option
@ratings_option
@units_option()
@click.option(
    "--analysis",
    "analysis_specs",
    multiple=True,
    metavar="SPEC",
    help="An analysis and its options, repeatable: 'floor-ceiling', "
    "'known-groups:psw_experience=differ;higher=yes', "
    "'known-groups:income=similar;groups=low+lower-middle/high;margin=0.5', "
    "'internal-consistency:min_units=30', 'inter-rater:form=ICC2', or "
    "'NAME:{json options}'. Default: floor-ceiling, internal-consistency, "
    "inter-rater.",
)
@click.option(
    "--analyses",
    "analyses_file",
    type=click.Path(dir_okay=False, path_type=str),
    help="YAML list of analyses, each '- name: NAME' with its options.",
)
@review_option
@json_option
@output_option
@reports_problems
def validity(
    measure_ref: str,
    ratings_file: str,
    units_file: str | None,
    analysis_specs: tuple[str, ...],
    analyses_file: str | None,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Validity analyses of the measure from the ratings, each with a verdict.

    Verdicts say how much the sample can carry: with a handful of units they
    speak of preliminary evidence, whatever the numbers.
    """
    from evidencekit.core.measure import (
        DEFAULT_ANALYSES,
        load_analyses_file,
        parse_analysis_spec,
        run_validity,
    )

    review, measure_obj, ratings, units = _load(review_dir, measure_ref, ratings_file, units_file)
    registry = review.registry
    analyses = [parse_analysis_spec(spec, registry) for spec in analysis_specs]
    if analyses_file:
        analyses += load_analyses_file(analyses_file, registry)
    if not analyses:
        analyses = [(name, {}) for name in DEFAULT_ANALYSES]
    _warn_unscored(ratings.scores)
    result = run_validity(measure_obj, ratings, units, analyses, registry)
    if as_json:
        print_json(result, output)
        return
    import json
    import textwrap

    from evidencekit.core.io import emit

    lines = [f"{measure_obj.title} ({measure_obj.ref}): {result['n_units']} scored units", ""]
    for entry in result["analyses"]:
        options = ", ".join(
            f"{k}={json.dumps(v) if isinstance(v, (dict, list)) else v}"
            for k, v in entry["options"].items()
        )
        lines.append(f"{entry['analysis']}" + (f" ({options})" if options else ""))
        lines.extend(
            textwrap.wrap(entry["verdict"], 96, initial_indent="  ", subsequent_indent="  ")
        )
        lines.append("")
    emit("\n".join(lines), output)


@measure.command()
@measure_option
@ratings_option
@units_option()
@by_option
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Folder to write the plots into (created if needed).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["svg", "png"]),
    help="File formats (repeatable; default both).",
)
@click.option(
    "--plot",
    "plots",
    multiple=True,
    type=click.Choice(["heatmap", "profile"]),
    help="Which plots (repeatable; default both).",
)
@review_option
@json_option
@reports_problems
def plot(
    measure_ref: str,
    ratings_file: str,
    units_file: str | None,
    by: str | None,
    out_dir: str,
    formats: tuple[str, ...],
    plots: tuple[str, ...],
    review_dir: str,
    as_json: bool,
) -> None:
    """An items × units heat map and a profile plot (SVG and PNG)."""
    from evidencekit.core.measure import plot_results, table2

    review, measure_obj, ratings, units = _load(review_dir, measure_ref, ratings_file, units_file)
    scores = ratings.scores
    table = table2(scores, units, by)
    _warn_unscored(scores)
    options = {
        "formats": list(formats or ("svg", "png")),
        "plots": list(plots or ("heatmap", "profile")),
    }
    options = review.registry.validate_options("reporter", "measure-plots", options)
    reporter = review.registry.get("reporter", "measure-plots")
    results = plot_results(measure_obj, table)
    paths = [str(p) for p in reporter.render(results, Path(out_dir), options)]
    if as_json:
        print_json({"files": paths})
    else:
        for path in paths:
            click.echo(path)
