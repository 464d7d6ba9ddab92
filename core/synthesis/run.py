"""Calling a synthesis method by name, and writing a derived measure."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core.errors import InstrumentError
from evidencekit.core.results import ProviderResultError

#: Keys each built-in method's result promises (the --json contract of docs/synthesis.md).
RESULT_KEYS: dict[str, tuple[str, ...]] = {
    "vote-count": ("n_studies", "influences"),
    "subgroup": ("subgroups",),
    "sensitivity": (
        "n_excluded",
        "n_studies",
        "influences",
        "dropped",
        "order_changed",
        "content_changed",
    ),
    "derive-measure": ("items", "threshold", "measure"),
    "crosswalk": ("domains",),
}


def run_method(
    registry: Any, name: str, data: Any, framework: Any, options: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Run the synthesis method ``name`` with ``options`` (checked against its schema).

    The result is checked at the boundary: a mapping, with the keys its contract names
    for the built-in method names; a malformed result names the plugin.
    """
    info = registry.info("synthesis-method", name)
    checked = registry.validate_options("synthesis-method", name, options or {})
    result = info.provider.run(data, framework, checked)
    if not isinstance(result, Mapping):
        raise ProviderResultError(
            f"synthesis method {name!r} ({info.origin}) returned "
            f"{type(result).__name__}, not a mapping; see "
            "docs/plugins.md"
        )
    missing = [k for k in RESULT_KEYS.get(name, ()) if k not in result]
    if missing:
        raise ProviderResultError(
            f"synthesis method {name!r} ({info.origin}) returned no "
            f"{', '.join(missing)}; see docs/synthesis.md"
        )
    return dict(result)


def measure_yaml(data: Mapping[str, Any]) -> str:
    """A derived measure's data as YAML text, with a header saying how it was made."""
    import yaml

    derived = data.get("derived_from") or {}
    header = (
        f"# Derived by `evidencekit synthesize derive-measure` from {derived.get('codings')}\n"
        f"# (sha256 {derived.get('codings_sha256')}), framework {derived.get('framework')},\n"
        f"# threshold {derived.get('threshold')}. Edit the item texts freely; keep the ids.\n"
    )
    return header + yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=96)


def write_measure(data: Mapping[str, Any], path: str | Path) -> Path:
    """Validate a derived measure against the measure schema and its checks, then write it
    atomically. Nothing is written when it does not validate."""
    from evidencekit.core.instruments.catalog import check_document
    from evidencekit.core.io import atomic_write_text
    from evidencekit.core.yaml_loader import load_yaml

    path = Path(path)
    text = measure_yaml(data)
    doc = load_yaml(str(path), name=str(path), text=text)
    problems = check_document(doc, kinds=("measure",))
    if problems:
        raise InstrumentError(
            [*problems, f"{path}: the derived measure is not valid; nothing was written"]
        )
    atomic_write_text(path, text)
    return path
