"""What the command groups share to talk to a person at a terminal: a progress bar (on a
terminal only), tables (rich, or plain text to a file), KEY=VALUE options, warnings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click


@contextlib.contextmanager
def progress_bar() -> Iterator[Any]:
    """A ``progress(label, done, total)`` callback drawing rich bars on standard error."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    tasks: dict[str, Any] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:

        def update(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield update


def print_table(table: Any, output: str | None) -> None:
    """Print a rich table to standard output, or render it as text into ``output``."""
    from rich.console import Console

    if output is None:
        console = Console()
        if not console.is_terminal:  # piped: do not squeeze the table to 80 columns
            console = Console(width=200)
        console.print(table)
        return
    import io

    from evidencekit.core.io import emit

    buffer = io.StringIO()
    Console(file=buffer, width=200, color_system=None).print(table)
    emit(buffer.getvalue(), output)


def cells(*values: object) -> list[Any]:
    """Table cells as plain text: record text is never read as rich markup."""
    from rich.text import Text

    return [Text("" if v is None else str(v)) for v in values]


def parse_key_values(pairs: tuple[str, ...], flag: str) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as a dict, each VALUE read as a YAML scalar or flow value."""
    import yaml

    from evidencekit.core.errors import PipelineError

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise PipelineError(
                f"{flag} {pair!r}: write it as KEY=VALUE, e.g. impossible_year=warn"
            )
        try:
            out[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = value
    return out


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)
