"""``evidencekit extract``: validate extraction files, draw a second-extractor sample,
and measure agreement between two extractors."""

from __future__ import annotations

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

KINDS = ("auto", "records", "influences", "studies")


@click.group()
def extract() -> None:
    """Check extraction records, coded influences and studies.csv against a form; sample
    studies for a second extractor; measure their agreement."""


def _form(review: Any, form_ref: str | None) -> Any:
    from evidencekit.core.errors import EvidencekitError

    ref = form_ref or review.section("extraction").get("form")
    if not ref:
        raise EvidencekitError(
            "no form given: pass --form ID or set extraction.form in review.yaml"
        )
    return review.instrument(str(ref), kind="form")


def _framework(review: Any, form: Any, framework_ref: str | None) -> Any | None:
    ref = (
        framework_ref
        or review.section("extraction").get("framework")
        or getattr(form, "influence_framework", None)
    )
    return review.instrument(str(ref), kind="framework") if ref else None


def _studies(review: Any, studies: str | None) -> tuple[dict[str, Any] | None, str | None]:
    from pathlib import Path

    from evidencekit.core.extraction import read_studies

    if studies is None:
        declared = review.section("extraction").get("studies")
        if declared:
            studies = str(Path(review.root) / declared)
    if studies is None:
        return None, None
    return read_studies(studies), studies


def _check(
    path: str, kind: str, form: Any, framework: Any | None, studies: dict[str, Any] | None
) -> Any:
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.extraction import (
        sniff_kind,
        validate_influences,
        validate_records,
        validate_studies,
    )

    if kind == "auto":
        kind = sniff_kind(path)
    if kind == "influences":
        if framework is None:
            raise EvidencekitError(
                f"{path}: coded influences are checked against a framework; pass --framework "
                "ID, or name one in the form (coded_influences.framework) or review.yaml "
                "(extraction.framework)"
            )
        return validate_influences(path, form, framework, studies=studies)
    if kind == "studies":
        return validate_studies(path, form)
    return validate_records(path, form, studies=studies)


form_option = click.option(
    "--form",
    "form_ref",
    default=None,
    help="Extraction form id (default: the review's extraction.form).",
)
framework_option = click.option(
    "--framework",
    "framework_ref",
    default=None,
    help="Framework for influence ids (default: the review's or the form's).",
)
kind_option = click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="auto",
    show_default=True,
    help="What the files hold; 'auto' decides from the columns.",
)
studies_option = click.option(
    "--studies",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="studies.csv: study ids must be in it (default: the review's extraction.studies).",
)


@extract.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@form_option
@framework_option
@kind_option
@studies_option
@review_option
@json_option
def validate(
    files: tuple[str, ...],
    form_ref: str | None,
    framework_ref: str | None,
    kind: str,
    studies: str | None,
    review_dir: str,
    as_json: bool,
) -> None:
    """Check extraction FILES against the form: types, required fields, allowed values,
    lists, influence ids; exit 1 if any problem is found."""
    review = load_review(review_dir)
    form = _form(review, form_ref)
    framework = _framework(review, form, framework_ref)
    known, _ = _studies(review, studies)
    results = [_check(path, kind, form, framework, known) for path in files]
    problems = [p for r in results for p in r.problems]
    if as_json:
        print_json(
            {
                "form": form.ref,
                "framework": framework.ref if framework else None,
                "files": [
                    {
                        "file": r.file,
                        "kind": r.kind,
                        "rows_valid": len(r.rows),
                        "problems": [p.to_dict() for p in r.problems],
                    }
                    for r in results
                ],
                "valid": not problems,
            }
        )
    else:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        for r in results:
            click.echo(
                f"{r.file}: {r.kind}, {len(r.rows)} valid row(s), {len(r.problems)} problem(s)"
            )
    if problems:
        raise SystemExit(1)


@extract.command("sample")
@click.option(
    "--fraction",
    type=float,
    default=None,
    help="Share of studies to sample, e.g. 0.1 (rounded up).",
)
@click.option("-n", "--n", "size", type=int, default=None, help="Number of studies to sample.")
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Random seed; without it one is drawn and reported. Record it.",
)
@studies_option
@raw_option
@review_option
@json_option
@output_option
def sample(
    fraction: float | None,
    size: int | None,
    seed: int | None,
    studies: str | None,
    raw: bool,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Draw a seeded random sample of studies for a second extractor.

    Writes a CSV (study_id, seed, population, n) so the seed travels with the sample.
    """
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.extraction import draw_sample

    review = load_review(review_dir)
    known, source = _studies(review, studies)
    if known is None:
        raise EvidencekitError(
            "no studies to sample from: pass --studies studies.csv or set "
            "extraction.studies in review.yaml"
        )
    if fraction is None and size is None:
        fraction = review.section("extraction").get("second_extractor_fraction")
        if fraction is None:
            raise EvidencekitError("give --fraction F or -n N")
    drawn = draw_sample(known, fraction=fraction, n=size, seed=seed)
    drawn["studies_file"] = source
    if as_json:
        print_json(drawn, output)
        return
    from evidencekit.core.io import emit
    from evidencekit.core.safe_cells import csv_text

    emit(
        csv_text(
            ["study_id", "seed", "population", "n"],
            (
                [study_id, drawn["seed"], drawn["population"], drawn["n"]]
                for study_id in drawn["study_ids"]
            ),
            raw=raw,
        ),
        output,
    )
    click.echo(
        f"sampled {drawn['n']} of {drawn['population']} studies with seed "
        f"{drawn['seed']} (record it: the same seed gives the same sample)",
        err=True,
    )


@extract.command("agreement")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--reviewers", default=None, help="With one file: the two reviewers to compare, as A,B."
)
@click.option(
    "--sample",
    "sample_file",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Only the studies listed in this sample CSV (study_id column).",
)
@form_option
@framework_option
@kind_option
@studies_option
@review_option
@json_option
@output_option
def agreement(
    files: tuple[str, ...],
    reviewers: str | None,
    sample_file: str | None,
    form_ref: str | None,
    framework_ref: str | None,
    kind: str,
    studies: str | None,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Field-level agreement between two extractors: two FILES, or one with a reviewer
    column. For coded influences: agreement on which influences were coded and on their
    direction."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.extraction import (
        field_agreement,
        influence_agreement,
        read_studies,
        sniff_kind,
        split_by_reviewer,
    )

    if len(files) > 2:
        raise EvidencekitError("give one file (with a reviewer column) or two files")
    review = load_review(review_dir)
    form = _form(review, form_ref)
    framework = _framework(review, form, framework_ref)
    known, _ = _studies(review, studies)
    if kind == "auto":
        kinds = {path: sniff_kind(path) for path in files}
        if len(set(kinds.values())) > 1:
            raise EvidencekitError(
                "the files hold different things ("
                + ", ".join(f"{path}: {k}" for path, k in kinds.items())
                + "); compare two files of the same kind"
            )
        kind = kinds[files[0]]
    checked = [_check(path, kind, form, framework, known) for path in files]
    problems = [p for c in checked for p in c.problems]
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(
            f"{len(problems)} problem(s); fix them first (see `evidencekit extract validate`)",
            err=True,
        )
        raise SystemExit(1)
    names = [str(p) for p in files]
    if len(checked) == 1:
        wanted = [r.strip() for r in reviewers.split(",")] if reviewers else None
        first, second, names = split_by_reviewer(checked[0], wanted)
    else:
        first, second = checked
    only = list(read_studies(sample_file)) if sample_file else None
    if kind == "influences":
        result = influence_agreement(first, second, framework, only=only)
    else:
        result = field_agreement(first, second, form, only=only)
    result["compared"] = names
    if as_json:
        print_json(result, output)
        return
    from evidencekit.core.io import emit

    emit(_agreement_text(result, kind), output)


def _agreement_text(result: dict[str, Any], kind: str) -> str:
    def fmt(entry: dict[str, Any]) -> str:
        if entry.get("percent") is None:
            return "no pairs"
        text = f"{entry['percent']:.1f}% ({entry['agreed']}/{entry['n']})"
        if "kappa" in entry:
            text += ", kappa " + (
                "undefined" if entry["kappa"] is None else f"{entry['kappa']:.2f}"
            )
        return text

    lines = [
        f"{len(result['studies'])} studies compared: {result['compared'][0]} vs "
        f"{result['compared'][1]}"
    ]
    if kind == "influences":
        lines.append(f"influence coded or not: {fmt(result['presence'])}")
        lines.append(f"direction, where both coded: {fmt(result['direction'])}")
    else:
        for field_id, entry in result["fields"].items():
            lines.append(f"  {field_id:<28} {fmt(entry)}")
        lines.append(f"all fields: {fmt(result['overall'])}")
    lines.append(f"{len(result['disagreements'])} disagreement(s)")
    missing = result.get("sample_missing") or {}
    names = {"first": result["compared"][0], "second": result["compared"][1]}
    for side in ("first", "second"):
        if missing.get(side):
            how = "compared as coding no influence" if kind == "influences" else "not compared"
            lines.append(f"sampled but not in {names[side]} ({how}): " + ", ".join(missing[side]))
    if missing.get("both"):
        lines.append("sampled but in neither (not compared): " + ", ".join(missing["both"]))
    return "\n".join(lines)
