"""Meta-tests that keep the system honest: docs, help texts, packaging."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import click
import pytest

from evidencekit.core import hookspecs
from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[1]
PACKAGE_ROOTS = {
    "core": "evidencekit.core",
    "plugins": "evidencekit.plugins",
    "instruments": "evidencekit.instruments",
    "schemas": "evidencekit.schemas",
}


def hook_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("evidencekit_"))


def test_there_are_hooks():
    assert "evidencekit_importers" in hook_names()
    assert len(hook_names()) >= 10


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_docstring(name):
    doc = getattr(hookspecs, name).__doc__ or ""
    assert len(doc.strip()) > 40, f"{name} needs a docstring that states its contract"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_in_plugins_md(name):
    text = (REPO / "docs" / "plugins.md").read_text("utf-8")
    assert re.search(rf"^#+ .*`{name}", text, re.M), f"docs/plugins.md has no heading for {name}"


def _walk(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _walk(command, ctx, prefix=f"{prefix}{name} ")


def _command_id(value: object) -> str:
    return value if isinstance(value, str) else ""


def all_commands() -> list[tuple[str, click.Command]]:
    with click.Context(cli) as ctx:
        return list(_walk(cli, ctx))


@pytest.mark.parametrize("name,command", all_commands(), ids=_command_id)
def test_every_command_has_help(name, command):
    assert command is not None, f"{name} could not be loaded"
    assert (command.help or "").strip(), f"`evidencekit {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"`evidencekit {name}` {param.opts} lacks help"


@pytest.mark.parametrize("name,command", all_commands(), ids=_command_id)
def test_every_command_is_documented(name, command):
    docs = "\n".join(p.read_text("utf-8") for p in (REPO / "docs").glob("*.md"))
    docs += (REPO / "README.md").read_text("utf-8")
    assert f"evidencekit {name}" in docs, f"`evidencekit {name}` is not in docs/ or README"


def test_packages_list_matches_folders():
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    declared = set(config["tool"]["setuptools"]["packages"])
    mapping = config["tool"]["setuptools"]["package-dir"]
    # docs/examples ships as package data (the worked example `evidencekit init` copies)
    assert mapping == {
        **{v: k for k, v in PACKAGE_ROOTS.items()},
        "evidencekit.examples": "docs/examples",
    }
    found = {"evidencekit.examples"}
    for folder, dotted in PACKAGE_ROOTS.items():
        for init in (REPO / folder).rglob("__init__.py"):
            if "__pycache__" in init.parts:
                continue
            rel = init.parent.relative_to(REPO / folder)
            found.add(".".join([dotted, *rel.parts]))
    assert declared == found


def test_every_folder_with_python_or_data_is_a_package():
    for folder in PACKAGE_ROOTS:
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".yaml", ".json"}:
                assert (path.parent / "__init__.py").exists(), f"{path.parent} lacks __init__.py"


def test_core_never_imports_a_plugin():
    for path in (REPO / "core").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("evidencekit.plugins."), f"{path} imports {name}"


def test_plugin_docs_example_matches_the_tested_package():
    """The code shown in docs/plugins.md is exactly the code the tests install."""
    doc = (REPO / "docs" / "plugins.md").read_text("utf-8")
    source = (REPO / "docs/examples/plugin-example/evidencekit_yes_count/__init__.py").read_text(
        "utf-8"
    )
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert source in blocks


HEAVY = (
    "numpy",
    "scipy",
    "matplotlib",
    "sqlalchemy",
    "rapidfuzz",
    "openpyxl",
    "pandas",
    "jsonschema",
    "rich",
    "rispy",
    "bibtexparser",
    "sklearn",
)


def test_cli_start_imports_no_heavy_module():
    """`evidencekit --help` loads every plugin; none may pull in a heavy library."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from evidencekit.core.cli import add_plugin_commands, cli\n"
        "add_plugin_commands(cli)\n"
        "import click\n"
        "with click.Context(cli) as ctx:\n"
        "    [cli.get_command(ctx, n) for n in cli.list_commands(ctx)]\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"heavy modules imported at start: {out.stdout}"


def _schema_fields(schema: object, out: set[str]) -> set[str]:
    """Every property name declared anywhere in a JSON Schema."""
    if isinstance(schema, dict):
        out.update(schema.get("properties", {}))
        for value in schema.values():
            _schema_fields(value, out)
    elif isinstance(schema, list):
        for value in schema:
            _schema_fields(value, out)
    return out


@pytest.mark.parametrize(
    "schema",
    sorted((REPO / "schemas").glob("*.schema.json"))
    # the scoring blocks the built-in scorers own (not the core's schemas)
    + sorted((REPO / "plugins" / "appraisal").glob("*.scoring.schema.json")),
    ids=lambda p: p.name,
)
def test_every_instrument_field_is_documented(schema: Path) -> None:
    """docs/instruments.md covers every field of every kind (the domain-judgement scoring
    fields of RoB 2-style checklists are in docs/appraisal.md, which it points to)."""
    import json

    docs = (REPO / "docs" / "instruments.md").read_text("utf-8")
    docs += (REPO / "docs" / "appraisal.md").read_text("utf-8")
    # A field counts as documented when it is written as code: in `...` or a code block.
    code = re.findall(r"```.*?```|`[^`\n]+`", docs, re.S)
    words = {w for span in code for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)}
    fields = _schema_fields(json.loads(schema.read_text("utf-8")), set())
    missing = sorted(fields - words)
    assert not missing, f"{schema.name}: fields not documented in docs/: {missing}"


def test_every_dependency_is_justified_in_architecture_md() -> None:
    """Each runtime and test dependency is named under "Dependencies" in docs/architecture.md."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = list(config["dependencies"])
    for extra in config.get("optional-dependencies", {}).values():
        wanted += extra
    text = (REPO / "docs" / "architecture.md").read_text("utf-8")
    section = text.split("## Dependencies", 1)[1].split("\n## ", 1)[0].lower()
    names = {re.split(r"[<>=\[ ;]", spec, maxsplit=1)[0].lower() for spec in wanted}
    missing = sorted(n for n in names if n not in section)
    assert not missing, f"not justified under Dependencies in docs/architecture.md: {missing}"
