"""``evidencekit screen``: screen records one at a time in the terminal;
``evidencekit screen status``: what the stopping rules say."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import json_option, load_review, print_json, review_option


@click.group("screen", invoke_without_command=True)
@click.option("--stage", default=None, help="Screening stage, e.g. title-abstract (required).")
@click.option(
    "--reviewer", default=None, help="Your name, as your decisions are recorded (required)."
)
@click.option(
    "--show-others", is_flag=True, help="Show other reviewers' decisions (default: blind)."
)
@click.option(
    "--order",
    type=click.Choice(["store", "ranked"]),
    default="store",
    show_default=True,
    help="ranked: most likely relevant first, by the ranking screener of "
    "review.yaml screening.prioritisation, retrained after each decision.",
)
@review_option
@click.pass_context
def screen(
    ctx: click.Context,
    stage: str | None,
    reviewer: str | None,
    show_others: bool,
    order: str,
    review_dir: str,
) -> None:
    """Screen the records you have not decided yet, one at a time.

    Keys: i include, e exclude (then a reason), m maybe, n full text not
    retrieved, u undo, s skip, q quit, ? help. Each decision is saved at once;
    run the command again to resume.
    """
    if ctx.invoked_subcommand is not None:
        return
    import sys

    from evidencekit.core.errors import ScreeningError
    from evidencekit.core.screening.interactive import ScreeningSession

    if stage is None or reviewer is None:
        raise click.UsageError("give --stage STAGE and --reviewer NAME")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ScreeningError(
            "evidencekit screen needs a terminal; to record decisions from "
            "a file use `evidencekit decisions import FILE`"
        )
    session = ScreeningSession(
        load_review(review_dir), stage, reviewer, show_others=show_others, order=order
    )
    summary = session.run()
    click.echo(
        f"{len(summary.decided)} decisions saved, {len(summary.undone)} undone, "
        f"{len(summary.skipped)} skipped; {summary.remaining} left to screen at "
        f"{stage} for {reviewer}"
    )


@screen.command("status")
@click.option(
    "--stage",
    "status_stage",
    default=None,
    help="Stage to judge (default: the first with records left to decide).",
)
@review_option
@json_option
@click.pass_context
def status_command(
    ctx: click.Context, status_stage: str | None, review_dir: str, as_json: bool
) -> None:
    """Say, for the current stage, whether each stopping rule would let you stop, and why.

    Rules and how they combine (any/all) come from review.yaml
    screening.prioritisation.stopping; by default every installed rule, any.
    """
    from evidencekit.core.ranked_screening import status

    parent = ctx.parent.params if ctx.parent else {}
    if review_dir == "." and parent.get("review_dir"):
        review_dir = parent["review_dir"]
    report = status(load_review(review_dir), status_stage or parent.get("stage"))
    if as_json:
        print_json(report)
        return
    click.echo(
        f"{report['stage']}: {report['screened']} of {report['records']} records "
        f"decided, {report['relevant']} included"
    )
    for rule in report["rules"]:
        click.echo(f"  {rule['rule']}: {'STOP' if rule['stop'] else 'continue'} - {rule['reason']}")
    click.echo(f"{'STOP' if report['stop'] else 'continue'}: {report['reason']}")
