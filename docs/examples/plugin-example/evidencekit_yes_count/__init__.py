"""An example evidencekit plugin: an appraisal scorer, an instrument folder and a command."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import click

from evidencekit.core import hookimpl


class YesCountScorer:
    """Counts the scored items answered 'yes' and grades by a minimum count."""

    name = "yes-count"
    description = "Number of scored items answered 'yes'; 'ok' at or above a minimum"
    options_schema = {
        "type": "object",
        "properties": {"minimum": {"type": "integer", "minimum": 0, "default": 5}},
        "additionalProperties": False,
    }

    def score(
        self, checklist: Any, answers: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        scored = [item.id for item in checklist.items if item.scored]
        yes = sum(1 for item_id in scored if str(answers.get(item_id, "")).lower() == "yes")
        minimum = int(options.get("minimum", 5))
        return {"score": yes, "out_of": len(scored), "grade": "ok" if yes >= minimum else "low"}


@hookimpl
def evidencekit_appraisal_scorers() -> list[Any]:
    return [YesCountScorer()]


@hookimpl
def evidencekit_instrument_folders() -> list[Any]:
    return [files("evidencekit_yes_count") / "instruments"]


@hookimpl
def evidencekit_cli_commands(cli: click.Group) -> None:
    @cli.command("yes-count-info")
    def yes_count_info() -> None:
        """Say what the yes-count plugin adds."""
        click.echo("yes-count: an appraisal scorer and the 'example-three-questions' checklist")
