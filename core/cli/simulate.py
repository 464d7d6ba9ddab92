"""``evidencekit simulate``: replay a labelled dataset through prioritised screening.

A thin wrapper over :mod:`evidencekit.core.simulation`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from evidencekit.core.cli.options import json_option, print_json


def _key_values(pairs: tuple[str, ...], flag: str) -> dict[str, Any]:
    import yaml

    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"{pair!r}: write KEY=VALUE, e.g. classifier=logistic", param_hint=flag
            )
        try:
            out[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            raise click.BadParameter(
                f"{pair!r}: the value is not valid YAML", param_hint=flag
            ) from None
    return out


@click.command()
@click.argument("dataset", type=click.Path(path_type=str))
@click.option(
    "--prior-included",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Included records labelled before the model starts (chosen by the seed).",
)
@click.option(
    "--prior-excluded",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Excluded records labelled before the model starts (chosen by the seed).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the prior choice and of the model; the same seed gives the same run.",
)
@click.option(
    "--model",
    default="active-learning",
    show_default=True,
    help="Ranking screener (see `evidencekit plugins list`).",
)
@click.option(
    "--model-option",
    "model_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A model setting, e.g. classifier=logistic or "
    "balancer_options='{ratio: 2}' (repeatable; VALUE is YAML).",
)
@click.option(
    "--stop",
    "stop_rules",
    multiple=True,
    metavar="RULE[:k=v,...]",
    help="A stopping rule to evaluate, e.g. hypergeometric:recall=0.9 or "
    "consecutive-irrelevant:n=50 (repeatable; default: every rule, "
    "default options).",
)
@click.option(
    "--label-column",
    default=None,
    help="Column holding the inclusion label (default: label_included, included, ...).",
)
@click.option(
    "--stage",
    default=None,
    help="For a review folder: the stage whose final decisions are the labels "
    "(default: the first, e.g. title-abstract).",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="Importer of DATASET (default: detected from the content).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Records screened between two retrains at least.",
)
@click.option(
    "--retrain-lag",
    type=click.FloatRange(0, 1, max_open=True),
    default=None,
    help="Retrain after irrelevant records only every LAG x labelled records "
    "(after each relevant one always). [default: 0 = after every record]",
)
@json_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Folder to write order.csv, simulation.json and the recall curve (PNG and SVG) into.",
)
def simulate(
    dataset: str,
    prior_included: int,
    prior_excluded: int,
    seed: int,
    model: str,
    model_options: tuple[str, ...],
    stop_rules: tuple[str, ...],
    label_column: str | None,
    stage: str | None,
    fmt: str | None,
    batch_size: int,
    retrain_lag: float | None,
    as_json: bool,
    out_dir: str | None,
) -> None:
    """Replay a labelled DATASET through prioritised screening and measure the work saved.

    DATASET is any importable export (CSV, RIS, ... also .gz) with title, abstract and an
    inclusion label column (1/0) such as label_included, or a review folder whose store
    holds final title/abstract decisions. Prints WSS@95, WSS@100, recall after 10 % and
    20 % screened, and when each stopping rule would have fired; --json prints them with
    the labelling order (0-based dataset rows, priors first).
    """
    from evidencekit.core import simulation as sim
    from evidencekit.core.prioritisation import parse_rule

    registry, data = sim.load_dataset(dataset, fmt=fmt, label_column=label_column, stage=stage)
    rules = [parse_rule(text) for text in stop_rules] or None
    kwargs: dict[str, Any] = {}
    if retrain_lag is not None:
        kwargs["retrain_lag"] = retrain_lag
    result = sim.simulate(
        data,
        registry,
        prior_included=prior_included,
        prior_excluded=prior_excluded,
        seed=seed,
        model=model,
        model_options=_key_values(model_options, "--model-option"),
        rules=rules,
        batch_size=batch_size,
        **kwargs,
    )
    written: list[Path] = []
    if out_dir is not None:
        written = sim.write_outputs(result, data, registry, Path(out_dir))
    if as_json:
        print_json(result.to_dict())
        return
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(sim.describe(result))
    for path in written:
        click.echo(f"wrote {path}")
