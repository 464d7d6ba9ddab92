"""JSON Schemas shipped in ``evidencekit.schemas`` and validation with line numbers."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from evidencekit.core.yaml_loader import YamlDocument, json_path

SCHEMA_PACKAGE = "evidencekit.schemas"
SCHEMA_BASE = "https://evidencekit.invalid/schemas/"


@functools.cache
def _all_schemas() -> dict[str, dict[str, Any]]:
    from importlib.resources import files

    out: dict[str, dict[str, Any]] = {}
    for entry in files(SCHEMA_PACKAGE).iterdir():
        if entry.name.endswith(".schema.json"):
            out[entry.name.removesuffix(".schema.json")] = json.loads(entry.read_text("utf-8"))
    return out


def schema_names() -> list[str]:
    """Names of every shipped schema (``checklist``, ``framework``, ...)."""
    return sorted(_all_schemas())


def load_schema(name: str) -> dict[str, Any]:
    """The shipped schema called ``name``; ``KeyError`` if there is none."""
    return _all_schemas()[name]


@functools.cache
def _registry() -> Any:
    from referencing import Registry, Resource

    resources = [
        (schema.get("$id", SCHEMA_BASE + name + ".schema.json"), Resource.from_contents(schema))
        for name, schema in _all_schemas().items()
    ]
    return Registry().with_resources(resources)


def _validator(schema: Mapping[str, Any]) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, registry=_registry())


def _message(error: Any) -> str:
    from jsonschema.exceptions import best_match

    # "Give A or B": every alternative failed only because a property is missing.
    subs = list(error.context or [])
    if (
        error.validator in ("anyOf", "oneOf")
        and subs
        and isinstance(error.instance, Mapping)
        and all(sub.validator == "required" and not sub.relative_path for sub in subs)
    ):
        missing = [
            name for sub in subs for name in sub.validator_value if name not in error.instance
        ]
        return f"needs {' or '.join(repr(m) for m in dict.fromkeys(missing))}"
    # For oneOf/anyOf failures the useful message is in the best sub-error, taken from an
    # alternative of the instance's own type (a mapping's fault inside the mapping form,
    # not "is not of type 'array'").
    if error.context:
        wrong_type = {
            sub.schema_path[0] for sub in subs if sub.validator == "type" and not sub.relative_path
        }
        fitting = [sub for sub in subs if sub.schema_path[0] not in wrong_type]
        sub = best_match(fitting or error.context)
        if sub is not None:
            return _plain(sub)
    return _plain(error)


def _plain(error: Any) -> str:
    # A regular expression means little to a methodologist; the schema's description says
    # in words what the value should look like.
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "pattern" and schema.get("description"):
        return f"{error.instance!r} is not valid here: {schema['description']}"
    if error.validator == "enum" and isinstance(error.instance, str):
        return error.message + _did_you_mean(error.instance, list(error.validator_value))
    return error.message + _quote_hint(error)


def _quote_hint(error: Any) -> str:
    """A hint when YAML read an unquoted value as a number or boolean but text was wanted
    (``version: 2018``, ``code: yes``)."""
    wanted = error.validator_value
    if error.validator != "type" or "string" not in (
        wanted if isinstance(wanted, list) else [wanted]
    ):
        return ""
    if isinstance(error.instance, bool):
        return "; YAML reads unquoted yes/no/on/off as true/false: put the value in quotes"
    if isinstance(error.instance, (int, float)):
        return "; write it in quotes, e.g. '2018', so YAML keeps it as text"
    return ""


def iter_schema_errors(data: Any, schema: Mapping[str, Any]) -> list[Any]:
    """Every validation error, the best match first, the rest in document order."""
    from jsonschema.exceptions import relevance

    errors = list(_validator(schema).iter_errors(data))
    if not errors:
        return []
    best = min(errors, key=relevance)
    rest = [e for e in errors if e is not best]
    rest.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [best, *rest]


def _located(error: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, message) pairs for one error.

    An unexpected property becomes one line per unknown key, at that key's own
    path (and so its line), listing the fields allowed there: a typo is then
    shown where it is.
    """
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if (
        error.validator == "additionalProperties"
        and error.validator_value is False
        and isinstance(error.instance, Mapping)
    ):
        import re

        known = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [
            k
            for k in error.instance
            if k not in known and not any(p.search(str(k)) for p in patterns)
        ]
        if extras:
            allowed = ", ".join(known) or "(none)"
            return [
                (
                    (*path, key),
                    f"unknown field {key!r}{_did_you_mean(key, known)}; allowed here: {allowed}",
                )
                for key in extras
            ]
    return [(path, _message(error))]


def _did_you_mean(value: Any, choices: list[Any]) -> str:
    """`` (did you mean 'X'?)`` for the closest of ``choices`` (difflib), or nothing."""
    import difflib

    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def located_errors(data: Any, schema: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every error as (JSON path, message), the best match first."""
    return [pair for error in iter_schema_errors(data, schema) for pair in _located(error)]


def validation_messages(data: Any, schema: Mapping[str, Any]) -> list[str]:
    """Errors as ``$.path: message`` strings (no file or line)."""
    return [
        f"{json_path(path)}: {message}"
        for e in iter_schema_errors(data, schema)
        for path, message in _located(e)
    ]


def validate_document(doc: YamlDocument, schema: Mapping[str, Any]) -> list[str]:
    """Errors as ``file:LINE: $.path: message`` lines, one per error."""
    out = []
    for error in iter_schema_errors(doc.data, schema):
        for path, message in _located(error):
            out.append(f"{doc.name}:{doc.line_of(path)}: {json_path(path)}: {message}")
    return out
