"""Options every command shares, so the conventions stay the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from evidencekit.core.safe_cells import RAW_HELP

review_option = click.option(
    "--review",
    "review_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Review folder to act on.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
# Every command writing CSV takes --raw (see evidencekit.core.safe_cells).
raw_option = click.option("--raw", "raw", is_flag=True, help=RAW_HELP)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=str),
    default=None,
    help="Write to FILE (atomically) instead of standard output.",
)


def print_json(data: Any, output: str | None = None) -> None:
    """Print ``data`` as one JSON object (or write it to ``output``)."""
    import json

    from evidencekit.core.io import emit

    emit(json.dumps(data, indent=2, ensure_ascii=False, default=str), output)


def emit_table(table: Any, output: str | None = None, width: int = 160) -> None:
    """Print a rich table (or write it, as plain text, to ``output``)."""
    from rich.console import Console

    if output is None or output == "-":
        Console(width=width).print(table)
        return
    import io

    from evidencekit.core.io import emit

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(table)
    emit(buffer.getvalue(), output)


def load_review(review_dir: str) -> Any:
    from evidencekit.core.review import open_review

    return open_review(review_dir)


def compose(*decorators: Callable) -> Callable:
    """Apply several option decorators at once."""

    def apply(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply
