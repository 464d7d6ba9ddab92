"""``evidencekit decisions sample|queue|import|export|agreement``: screening decisions.

Thin wrappers over :mod:`evidencekit.core.screening`.
"""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)

stage_option = click.option("--stage", required=True, help="Screening stage, e.g. title-abstract.")


@click.group()
def decisions() -> None:
    """Screening decisions: samples, queues, import, export and agreement."""


@decisions.command("sample")
@stage_option
@click.option("--reviewer", required=True, help="Who screens the sample independently.")
@click.option("--fraction", type=float, default=None, help="Share of the records, in (0, 1].")
@click.option("-n", "size", type=int, default=None, help="Number of records instead of a share.")
@click.option("--seed", type=int, required=True, help="Random seed (recorded with the sample).")
@click.option(
    "--stratify-by",
    default=None,
    help="Share the sample among strata: source, kind, year, language, "
    "publication_type or journal.",
)
@review_option
@json_option
@output_option
def sample_command(
    stage: str,
    reviewer: str,
    fraction: float | None,
    size: int | None,
    seed: int,
    stratify_by: str | None,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Draw a seeded random sample of a stage's records for a second reviewer.

    The same seed gives the same sample on every machine; the sample, its seed
    and settings are recorded in the store, and the reviewer's queue becomes it.
    """
    from evidencekit.core.io import emit
    from evidencekit.core.screening.sample import draw_sample

    s = draw_sample(
        load_review(review_dir),
        stage,
        reviewer,
        seed=seed,
        fraction=fraction,
        n=size,
        stratify_by=stratify_by,
    )
    data = {
        "sample_id": s.sample_id,
        "stage": s.stage,
        "reviewer": s.reviewer,
        "seed": s.seed,
        "fraction": s.fraction,
        "n": s.n,
        "stratify_by": s.stratify_by,
        "population": s.population,
        "size": len(s.record_ids),
        "record_ids": list(s.record_ids),
    }
    if as_json:
        print_json(data, output)
        return
    share = f"{s.fraction:g} of " if s.fraction is not None else ""
    emit(
        f"sample {s.sample_id}: {len(s.record_ids)} records ({share}{s.population}) at "
        f"{s.stage} for {s.reviewer}, seed {s.seed}"
        + (f", stratified by {s.stratify_by}" if s.stratify_by else "")
        + "\n"
        + "\n".join(s.record_ids),
        output,
    )


@decisions.command("queue")
@click.option("--stage", default=None, help="Only this stage.")
@click.option("--reviewer", default=None, help="Only this reviewer.")
@review_option
@json_option
@output_option
def queue_command(
    stage: str | None, reviewer: str | None, review_dir: str, as_json: bool, output: str | None
) -> None:
    """Show what each reviewer still has to screen at each stage."""
    from evidencekit.core.io import emit
    from evidencekit.core.screening import load_state
    from evidencekit.core.screening.progress import queue

    entries = queue(load_state(load_review(review_dir)), stage, reviewer)
    if as_json:
        print_json({"queues": entries}, output)
        return
    lines = [
        f"{e['stage']}: {e['reviewer']}: {e['remaining']} to screen, {e['decided']} of "
        f"{e['assigned']} decided"
        for e in entries
    ]
    emit(
        "\n".join(lines)
        or "no reviewer has decided or been given a sample yet; name one with --reviewer",
        output,
    )


@decisions.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@stage_option
@click.option("--reviewer", required=True, help="Whose decisions these are.")
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    help="csv, rayyan, covidence, asreview, or a plugin's decision format.",
)
@click.option(
    "--decision",
    type=click.Choice(["include", "exclude", "maybe", "not-retrieved"]),
    default=None,
    help="The decision of every row, for exports of one list (Covidence).",
)
@click.option(
    "--skip-unmatched",
    is_flag=True,
    help="Store the rows that match a record and report the others (default: refuse the file).",
)
@review_option
@json_option
@output_option
def import_command(
    file: str,
    stage: str,
    reviewer: str,
    fmt: str,
    decision: str | None,
    skip_unmatched: bool,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Import a reviewer's decisions from FILE (all rows in one transaction).

    Rows are matched to records by record id, else DOI, else title and year.
    """
    from evidencekit.core.io import emit
    from evidencekit.core.screening.files import import_decision_file

    report = import_decision_file(
        load_review(review_dir),
        file,
        stage=stage,
        reviewer=reviewer,
        fmt=fmt,
        decision=decision,
        skip_unmatched=skip_unmatched,
    )
    for entry in report.unmatched:
        click.echo(
            f"warning: {file} row {entry['row']}: {entry['identifier']} matches no "
            "stored record; not stored",
            err=True,
        )
    for entry in report.ambiguous:
        click.echo(
            f"warning: {file} row {entry['row']}: {entry['identifier']} matches "
            f"{', '.join(entry['candidates'])}; not stored",
            err=True,
        )
    if as_json:
        print_json(report.to_dict(), output)
        return
    m = report.matched_by
    emit(
        f"{file}: {report.written} decisions stored for {reviewer} at {stage} "
        f"({m['id']} by id, {m['doi']} by DOI, {m['title']} by title and year); "
        f"{len(report.skipped)} rows skipped, {len(report.repeated)} repeated, "
        f"{len(report.unmatched)} unmatched, {len(report.ambiguous)} ambiguous",
        output,
    )


@decisions.command("export")
@click.option("--stage", default=None, help="Only this stage.")
@click.option("--reviewer", default=None, help="Only this reviewer.")
@review_option
@output_option
def export_command(
    stage: str | None, reviewer: str | None, review_dir: str, output: str | None
) -> None:
    """Export the decisions as CSV: record_id, stage, reviewer, decision, reason, note, time."""
    from evidencekit.core.io import emit
    from evidencekit.core.screening import load_state
    from evidencekit.core.screening.progress import export_csv

    text = export_csv(load_state(load_review(review_dir)), stage, reviewer)
    emit(text.rstrip("\n"), output)


def _number(value: Any, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


@decisions.command("agreement")
@stage_option
@click.option(
    "--reviewers",
    default=None,
    help="Two or more reviewers, comma-separated (default: everyone with decisions at the stage).",
)
@review_option
@json_option
@output_option
def agreement_command(
    stage: str, reviewers: str | None, review_dir: str, as_json: bool, output: str | None
) -> None:
    """Agreement between reviewers at a stage: percent agreement, Cohen's kappa with its
    95 % CI, PABAK, Gwet's AC1, prevalence and bias indices (Fleiss' kappa and
    Krippendorff's alpha for three or more), and the records they disagree on."""
    from evidencekit.core.io import emit
    from evidencekit.core.screening import load_state
    from evidencekit.core.screening.progress import agreement_report

    names = [n.strip() for n in reviewers.split(",") if n.strip()] if reviewers else None
    report = agreement_report(load_state(load_review(review_dir)), stage, names)
    if as_json:
        print_json(report, output)
        return
    emit("\n".join(agreement_lines(report)), output)


def agreement_lines(report: dict[str, Any]) -> list[str]:
    """The agreement report as text, one pair per paragraph."""
    lines = []
    for pair in report["pairs"]:
        a, b = pair["reviewers"]
        pa, ka = pair["percent_agreement"], pair["cohen_kappa"]
        pb, ac1 = pair["pabak"], pair["gwet_ac1"]
        kappa = (
            f"Cohen's kappa {_number(ka['kappa'])} (95 % CI {_number(ka['ci_low'])} to "
            f"{_number(ka['ci_high'])}, {ka['interpretation']})"
            if ka["kappa"] is not None
            else f"Cohen's kappa undefined ({ka['note']})"
        )
        lines.append(
            f"{report['stage']}: {a} and {b}: n={pair['n']}, agreement "
            f"{_number(pa['percent'], 1)} %, {kappa}"
        )
        lines.append(
            f"  PABAK {_number(pb['pabak'])}, Gwet's AC1 {_number(ac1['ac1'])}, "
            f"prevalence index {_number(pair['prevalence_index'])}, bias index "
            f"{_number(pair['bias_index'])}"
        )
    for name, key, value in (
        ("Fleiss' kappa", "fleiss_kappa", "kappa"),
        ("Krippendorff's alpha", "krippendorff_alpha", "alpha"),
        ("Gwet's AC1 (all reviewers)", "gwet_ac1_all", "ac1"),
    ):
        if report.get(key):
            lines.append(f"{name}: {_number(report[key][value])}")
    for d in report["disagreements"]:
        said = ", ".join(f"{who} {what}" for who, what in d["decisions"].items())
        lines.append(f"  disagree: {d['record_id']}: {said}")
    return lines


@decisions.command("apply-rules")
@click.option("--tool", default="rules", show_default=True, help="The automation screener to run.")
@review_option
@json_option
@output_option
def apply_rules_command(tool: str, review_dir: str, as_json: bool, output: str | None) -> None:
    """Mark records ineligible by automation tool, by the rules in review.yaml.

    The rules (languages, publication-date cut-offs, publication types,
    exclusion terms) are read from screening.rules; each excluded record keeps
    the rule that fired. Running it again replaces the tool's earlier results.
    """
    from evidencekit.core.io import emit
    from evidencekit.core.screening.automation import apply_rules

    report = apply_rules(load_review(review_dir), tool=tool)
    if as_json:
        print_json(report.to_dict(), output)
        return
    rules = ", ".join(f"{rule} {n}" for rule, n in report.by_rule.items()) or "none"
    emit(
        f"{report.stage}: {report.excluded} of {report.screened} records ineligible by "
        f"automation tool ({report.tool}); by rule: {rules}",
        output,
    )
