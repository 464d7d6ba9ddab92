"""``evidencekit screen``: screen records one at a time in the terminal."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import load_review, review_option


@click.command("screen")
@click.option("--stage", required=True, help="Screening stage, e.g. title-abstract.")
@click.option("--reviewer", required=True, help="Your name, as your decisions are recorded.")
@click.option("--show-others", is_flag=True,
              help="Show other reviewers' decisions (default: blind).")
@review_option
def screen(stage: str, reviewer: str, show_others: bool, review_dir: str) -> None:
    """Screen the records you have not decided yet, one at a time.

    Keys: i include, e exclude (then a reason), m maybe, n full text not
    retrieved, u undo, s skip, q quit, ? help. Each decision is saved at once;
    run the command again to resume.
    """
    import sys

    from evidencekit.core.errors import ScreeningError
    from evidencekit.core.screening.interactive import ScreeningSession

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ScreeningError("evidencekit screen needs a terminal; to record decisions from "
                             "a file use `evidencekit decisions import FILE`")
    session = ScreeningSession(load_review(review_dir), stage, reviewer, show_others=show_others)
    summary = session.run()
    click.echo(f"{len(summary.decided)} decisions saved, {len(summary.undone)} undone, "
               f"{len(summary.skipped)} skipped; {summary.remaining} left to screen at "
               f"{stage} for {reviewer}")
