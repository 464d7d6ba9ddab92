"""``evidencekit plugins``: every provider by kind, with its origin."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import (
    emit_table,
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)


@click.command()
@review_option
@json_option
@output_option
def plugins(review_dir: str, as_json: bool, output: str | None) -> None:
    """List every provider by kind, with the plugin it comes from."""
    review = load_review(review_dir)
    registry = review.registry
    pm = review.plugin_manager
    if as_json:
        print_json(
            {
                "providers": {
                    kind: [
                        {
                            "name": p.name,
                            "description": p.description,
                            "origin": p.origin,
                            "options_schema": p.options_schema,
                        }
                        for p in registry.providers(kind)
                    ]
                    for kind in registry.kinds()
                },
                "plugins": sorted(pm.get_name(p) or "" for p in pm.get_plugins()),
            },
            output,
        )
        return
    from rich.table import Table

    table = Table(title="evidencekit providers")
    for column in ("kind", "name", "description", "origin"):
        table.add_column(column)
    for kind in registry.kinds():
        for p in registry.providers(kind):
            table.add_row(kind, p.name, p.description, p.origin)
    emit_table(table, output)
