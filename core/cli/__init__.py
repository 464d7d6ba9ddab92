"""The ``evidencekit`` command line: thin wrappers over library functions.

Command groups live in their own modules and are imported only when invoked
(or when help lists them), so ``evidencekit --help`` starts fast.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from evidencekit.core import __version__

#: command name → "module:attribute" of a click command, loaded lazily.
BUILTIN_COMMANDS: dict[str, str] = {
    "appraise": "evidencekit.core.cli.appraise:appraise",
    "decisions": "evidencekit.core.cli.decisions:decisions",
    "dedupe": "evidencekit.core.cli.dedupe:dedupe",
    "extract": "evidencekit.core.cli.extract:extract",
    "import": "evidencekit.core.cli.import_files:import_command",
    "init": "evidencekit.core.cli.init:init",
    "instruments": "evidencekit.core.cli.instruments:instruments",
    "measure": "evidencekit.core.cli.measure:measure",
    "plugins": "evidencekit.core.cli.plugins:plugins",
    "prisma": "evidencekit.core.cli.prisma:prisma",
    "records": "evidencekit.core.cli.records:records",
    "run": "evidencekit.core.cli.run:run",
    "screen": "evidencekit.core.cli.screen:screen",
    "studies": "evidencekit.core.cli.studies:studies",
    "simulate": "evidencekit.core.cli.simulate:simulate",
    "synthesize": "evidencekit.core.cli.synthesize:synthesize",
}


class EvidencekitGroup(click.Group):
    """A group that loads built-in commands lazily and turns domain errors into
    one-line messages with exit status 1."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module_name, attr = self.lazy[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        from evidencekit.core.errors import EvidencekitError, InstrumentError

        try:
            return super().invoke(ctx)
        except InstrumentError as exc:
            for line in exc.problems:
                click.echo(f"error: {line}", err=True)
            ctx.exit(1)
        except EvidencekitError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(1)


@click.group(cls=EvidencekitGroup, lazy=BUILTIN_COMMANDS)
@click.version_option(__version__, prog_name="evidencekit")
def cli() -> None:
    """evidencekit: a systematic review of implementation influences as one
    declared, reproducible pipeline.

    Commands act on the review folder given by --review DIR (default: the
    current folder).
    """


def add_plugin_commands(group: click.Group) -> None:
    """Let plugins add their commands (the ``evidencekit_cli_commands`` hook)."""
    from evidencekit.core.errors import EvidencekitError
    from evidencekit.core.plugin_manager import get_plugin_manager

    try:
        pm = get_plugin_manager()
    except EvidencekitError as exc:
        click.echo(f"warning: plugins not loaded: {exc}", err=True)
        return
    from evidencekit.core.plugin_manager import plugin_origin

    for impl in pm.hook.evidencekit_cli_commands.get_hookimpls():
        try:
            impl.function(cli=group)
        except Exception as exc:  # a broken plugin must not stop the built-in commands
            click.echo(
                f"warning: {plugin_origin(pm, impl.plugin)} could not add its commands: "
                f"{type(exc).__name__}: {exc}",
                err=True,
            )


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    add_plugin_commands(cli)
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="evidencekit")
