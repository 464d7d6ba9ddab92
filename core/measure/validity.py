"""Validity analyses chosen by name (from the command line or a file) and run through
the registry, each result checked at the boundary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evidencekit.core.errors import RegistryError
from evidencekit.core.measure.ratings import Ratings
from evidencekit.core.measure.table import RatingsError
from evidencekit.core.measure.units import Units, check_units


def _scalar(text: str) -> Any:
    """A spec value as YAML reads it: numbers, booleans, lists, or text."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_analysis_spec(spec: str, registry: Any) -> tuple[str, dict[str, Any]]:
    """Turn ``NAME``, ``NAME:{json}`` or ``NAME:key=value;key=value`` into (name, options).

    A provider may offer ``options_from_spec(parts)`` for its own shorthand
    (``known-groups:psw_experience=differ``); otherwise each part is
    ``key=value`` with the value read as YAML. Options are then checked against
    the provider's schema.
    """
    import json

    name, _, rest = spec.strip().partition(":")
    name = name.strip()
    provider = registry.get("validity-analysis", name)
    rest = rest.strip()
    options: dict[str, Any]
    if not rest:
        options = {}
    elif rest.startswith("{"):
        try:
            options = json.loads(rest)
        except json.JSONDecodeError as exc:
            raise RegistryError(
                f"--analysis {spec!r}: the options are not valid JSON ({exc})"
            ) from None
        if not isinstance(options, dict):
            raise RegistryError(f"--analysis {spec!r}: the options must be a JSON object")
    else:
        parts = [p.strip() for p in rest.split(";") if p.strip()]
        custom = getattr(provider, "options_from_spec", None)
        if custom is not None:
            options = custom(parts)
        else:
            options = {}
            for part in parts:
                key, sep, value = part.partition("=")
                if not sep:
                    raise RegistryError(f"--analysis {spec!r}: expected key=value, got {part!r}")
                options[key.strip()] = _scalar(value.strip())
    return name, registry.validate_options("validity-analysis", name, options)


def load_analyses_file(path: str | Path, registry: Any) -> list[tuple[str, dict[str, Any]]]:
    """Read a YAML list of analyses: ``- name: known-groups`` plus its options."""
    from evidencekit.core.yaml_loader import load_yaml

    doc = load_yaml(Path(path), name=str(path))
    data = doc.data
    if isinstance(data, dict) and "analyses" in data:
        data = data["analyses"]
    if not isinstance(data, list):
        raise RatingsError(
            [f"{path}:1: expected a list of analyses, each '- name: <analysis>' with its options"]
        )
    out = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or "name" not in entry:
            raise RatingsError([f"{path}:{doc.line_of((index,))}: each analysis needs a 'name'"])
        options = {k: v for k, v in entry.items() if k != "name"}
        name = str(entry["name"])
        out.append((name, registry.validate_options("validity-analysis", name, options)))
    return out


#: Analyses run when none is named: those that need no options.
DEFAULT_ANALYSES = ("floor-ceiling", "internal-consistency", "inter-rater")


def run_validity(
    measure: Any,
    ratings: Ratings,
    units: Units | None,
    analyses: Sequence[tuple[str, Mapping[str, Any]]],
    registry: Any,
) -> dict[str, Any]:
    """Run each (name, options) analysis; return ``{"analyses": [...]}`` in order.

    Every entry has ``analysis`` (the name), ``options``, its numbers and a
    ``verdict``. Input errors (an attribute the units file lacks, a rated unit
    without attributes) raise RatingsError before anything runs.
    """
    from evidencekit.core.results import check_validity_result

    if units is not None:
        check_units(ratings, units)
    results = []
    for name, options in analyses:
        provider = registry.get("validity-analysis", name)
        needs_units = getattr(provider, "needs_units", False)
        if needs_units and units is None:
            raise RatingsError(
                [
                    f"the {name} analysis groups units by an attribute: "
                    "give the units file with --units FILE"
                ]
            )
        check = getattr(provider, "check_options", None)
        if check is not None:
            check(measure, ratings, units, options)
        who = f"validity analysis {name!r} ({registry.info('validity-analysis', name).origin})"
        result = check_validity_result(
            provider.analyse(measure, ratings, units, dict(options)), who
        )
        results.append({"analysis": name, "options": dict(options), **result})
    return {
        "measure": {"id": measure.id, "version": measure.version},
        "ratings_file": ratings.file,
        "units_file": units.file if units is not None else None,
        "n_units": len(ratings.scores.scored),
        "analyses": results,
    }
