"""Helpers the report tests share (the review itself is built in
tests/plugins/reporters/conftest.py)."""

from __future__ import annotations

from click.testing import CliRunner

from evidencekit.core.cli import cli

#: Record text carrying markup, as a hostile or careless export might.
HOSTILE = "<script>alert('x')</script>"


def cli_run(*args: str):
    """``evidencekit ARGS`` in-process; the click result."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
