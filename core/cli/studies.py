"""``evidencekit studies list|export|check``: the included studies and their records."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)


@click.group()
def studies() -> None:
    """The included studies (full-text includes) linked to their records."""


@studies.command("list")
@review_option
@json_option
@output_option
def list_command(review_dir: str, as_json: bool, output: str | None) -> None:
    """List the included studies with the records (reports) of each."""
    from rich.table import Table

    from evidencekit.core.cli.records import cells, print_table
    from evidencekit.core.screening.studies import included_studies

    found = included_studies(load_review(review_dir))
    if as_json:
        print_json({"count": len(found), "studies": [s.to_dict() for s in found]}, output)
        return
    table = Table(title=f"{len(found)} included studies", highlight=False)
    for column in ("study_id", "reports", "record_ids", "title"):
        table.add_column(column, overflow="fold")
    for s in found:
        table.add_row(
            *cells(
                s.study_id + ("" if s.declared else " *"),
                len(s.record_ids),
                "; ".join(s.record_ids),
                s.title,
            )
        )
    print_table(table, output)
    if any(not s.declared for s in found):
        click.echo("* label generated from the first author and year", err=True)


@studies.command("export")
@review_option
@output_option
def export_command(review_dir: str, output: str | None) -> None:
    """Export the included studies as CSV: study_id, record_ids."""
    from evidencekit.core.io import emit
    from evidencekit.core.screening.studies import export_studies, included_studies

    emit(export_studies(included_studies(load_review(review_dir))).rstrip("\n"), output)


@studies.command("check")
@click.option(
    "--studies",
    "studies_file",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="studies.csv (default: appraisal.studies, extraction.studies or the "
    "review's studies.csv).",
)
@click.option(
    "--appraisal",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="An appraisal answers file (repeatable).",
)
@click.option(
    "--codings",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="An extraction or coded-influences file (repeatable).",
)
@review_option
@json_option
@output_option
def check_command(
    studies_file: str | None,
    appraisal: tuple[str, ...],
    codings: tuple[str, ...],
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Check studies.csv, appraisal answers and codings against the included studies.

    Reports a study that was appraised or coded but never included, and an
    included study never appraised, never coded or missing from studies.csv.
    Exit status 1 when anything is reported.
    """
    from evidencekit.core.io import emit
    from evidencekit.core.screening.studies import check_studies

    review = load_review(review_dir)
    if studies_file is None:
        declared = review.section("appraisal").get("studies") or review.section("extraction").get(
            "studies"
        )
        default = review.root / (declared or "studies.csv")
        studies_file = str(default) if default.is_file() else None
    report = check_studies(review, studies=studies_file, appraisal=appraisal, codings=codings)
    if as_json:
        print_json(report, output)
    else:
        lines = [f"{len(report['included'])} included studies"]
        for f in report["files"]:
            lines.append(
                f"{f['file']} ({f['kind']}): {f['studies']} studies"
                + (
                    f"; never included: {', '.join(f['never_included'])}"
                    if f["never_included"]
                    else ""
                )
            )
        for key, words in (
            ("not_in_studies", "missing from studies.csv"),
            ("not_appraised", "never appraised"),
            ("not_coded", "never coded"),
        ):
            if report.get(key):
                lines.append(f"included but {words}: {', '.join(report[key])}")
        emit("\n".join(lines), output)
    if not report["ok"]:
        raise SystemExit(1)
