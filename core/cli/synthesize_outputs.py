"""``evidencekit synthesize derive-measure``, ``crosswalk`` and ``plot``: the commands that
write a derived measure, map the influences onto another framework, or draw the plots
(registered on the ``synthesize`` group by ``synthesize.py``)."""

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


@click.command("derive-measure")
@click.option(
    "--threshold",
    type=float,
    required=True,
    help="Share of studies in (0, 1] an influence must reach to become an item "
    "(0.10 in the reference review).",
)
@click.option("--id", "measure_id", required=True, help="Id of the new measure.")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="YAML file to write the new measure to (atomically).",
)
@click.option(
    "--version",
    "measure_version",
    default="1",
    show_default=True,
    help="Version of the new measure.",
)
@click.option("--title", default=None, help="Title of the new measure.")
@click.option(
    "--template",
    default="peer-support-implementation-measure",
    show_default=True,
    help="Measure whose scale, anchors and instructions the new one takes (id or YAML file).",
)
@inputs_options
def derive_measure(
    threshold: float,
    measure_id: str,
    out_file: str,
    measure_version: str,
    title: str | None,
    template: str,
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    tie_rule: str,
    denominator: str,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Write a new measure whose items are the influences coded by at least --threshold of
    the studies, in rank order; it records its provenance and is ready for `evidencekit
    measure score`.

    With --json: {file, items: [ids in order], threshold, …}.
    """
    from evidencekit.core.synthesis import write_measure

    options: dict[str, Any] = {
        **common_options(tie_rule, denominator),
        "threshold": check_threshold(threshold),
        "id": measure_id,
        "version": measure_version,
        "template": template,
    }
    if title:
        options["title"] = title
    result = run_synthesis(
        review_dir,
        "derive-measure",
        options,
        codings=codings,
        studies=studies,
        framework_ref=framework_ref,
        form_ref=form_ref,
    )
    path = write_measure(result["measure"], out_file)
    summary = {
        "file": str(path),
        "items": result["items"],
        "threshold": result["threshold"],
        "n_studies": result["n_studies"],
        "shares": result["shares"],
        "id": measure_id,
        "version": measure_version,
    }
    if as_json:
        print_json(summary, output)
        return
    from evidencekit.core.synthesis.tables import pct

    lines = [
        f"wrote {path}: measure {measure_id}@{measure_version}, "
        f"{len(result['items'])} items (influences coded in at least "
        f"{pct(result['threshold'])} % of {result['n_studies']} studies)"
    ]
    lines += [
        f"  {n}. {i} ({pct(result['shares'][i])} %)" for n, i in enumerate(result["items"], start=1)
    ]
    emit_text("\n".join(lines), output)


@click.command("crosswalk")
@click.option(
    "--crosswalk",
    "crosswalk_ref",
    required=True,
    metavar="ID|PATH",
    help="Crosswalk instrument from the framework to another, e.g. peer-support-to-cfir-2009.",
)
@inputs_options
def crosswalk(
    crosswalk_ref: str,
    codings: str | None,
    studies: str | None,
    framework_ref: str | None,
    form_ref: str | None,
    tie_rule: str,
    denominator: str,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """The influences grouped by the domains of another framework (e.g. CFIR 2009), each
    domain with its combined share of studies; conditional mappings stay visible."""
    from evidencekit.core.synthesis import tables

    options = {**common_options(tie_rule, denominator), "crosswalk": crosswalk_ref}
    result = run_synthesis(
        review_dir,
        "crosswalk",
        options,
        codings=codings,
        studies=studies,
        framework_ref=framework_ref,
        form_ref=form_ref,
    )
    if as_json:
        print_json(result, output)
    else:
        emit_text(tables.crosswalk_markdown(result), output)


@click.command("plot")
@click.option(
    "--by",
    "by",
    default=None,
    metavar="ATTRIBUTE[;groups=A/B+C]",
    help="Also draw the subgroup dot plot for this study attribute.",
)
@click.option(
    "--out-dir",
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
    "--reporter",
    default="synthesis-plots",
    show_default=True,
    help="Reporter plugin that draws the plots.",
)
@inputs_options
@threshold_option
def plot(
    by: str | None,
    out_dir: str,
    formats: tuple[str, ...],
    reporter: str,
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
    """A ranked horizontal bar chart of influence shares (facilitator / barrier / both /
    unclear stacked) and, with --by, a dot plot of the shares in each subgroup."""
    from pathlib import Path

    from evidencekit.core.synthesis import load_synthesis, run_method

    review = load_review(review_dir)
    registry = review.registry
    common = {**common_options(tie_rule, denominator), "threshold": check_threshold(threshold)}
    plot_options: dict[str, Any] = {"plots": ["shares", "subgroups"] if by else ["shares"]}
    if formats:
        plot_options["formats"] = list(formats)
    plot_options = registry.validate_options("reporter", reporter, plot_options)
    sub_options = None
    if by:
        parse = getattr(registry.get("synthesis-method", "subgroup"), "options_from_spec", None)
        sub_options = {**(parse(by) if parse else {"by": by}), **common}
        registry.validate_options("synthesis-method", "subgroup", sub_options)
    data, framework = load_synthesis(
        review, codings=codings, studies=studies, framework=framework_ref, form=form_ref
    )
    results: dict[str, Any] = {
        "vote_count": run_method(registry, "vote-count", data, framework, common)
    }
    if sub_options:
        results["subgroup"] = run_method(registry, "subgroup", data, framework, sub_options)
    paths = [
        str(p)
        for p in registry.get("reporter", reporter).render(results, Path(out_dir), plot_options)
    ]
    if as_json:
        print_json({"files": paths}, output)
    else:
        emit_text("\n".join(paths), output)
