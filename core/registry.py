"""The registry: providers of each kind by unique name, with their origin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy

from evidencekit.core.errors import RegistryError
from evidencekit.core.providers import ProviderInfo

#: Kind name (as written in a review file and shown to users) → provider hook.
KINDS: dict[str, str] = {
    "importer": "evidencekit_importers",
    "deduplicator": "evidencekit_deduplicators",
    "screener": "evidencekit_screeners",
    "stopping-rule": "evidencekit_stopping_rules",
    "appraisal-scorer": "evidencekit_appraisal_scorers",
    "synthesis-method": "evidencekit_synthesis_methods",
    "validity-analysis": "evidencekit_validity_analyses",
    "reporter": "evidencekit_reporters",
    "pipeline-step": "evidencekit_pipeline_steps",
}


class Registry:
    """Providers gathered from every registered plugin, checked for unique names."""

    def __init__(self, pm: pluggy.PluginManager):
        from evidencekit.core.plugin_manager import plugin_origin

        self.pm = pm
        self._by_kind: dict[str, dict[str, ProviderInfo]] = {}
        # (kind, name) -> the options schema already checked against the metaschema: a run
        # validates a provider's options several times (plan, dry-run check, each use), and
        # checking the schema itself cost as much as all of them.
        self._schemas_checked: dict[tuple[str, str], Any] = {}
        for kind, hook_name in KINDS.items():
            found: dict[str, ProviderInfo] = {}
            hook = getattr(pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                origin = plugin_origin(pm, impl.plugin)
                try:
                    provided = list(impl.function() or [])
                except Exception as exc:  # third-party code: name it instead of a traceback
                    raise RegistryError(
                        f"{origin} failed to list its {kind} providers ({hook_name}): "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                for provider in provided:
                    name = getattr(provider, "name", None)
                    if not isinstance(name, str) or not name:
                        raise RegistryError(
                            f"{origin} returned a {kind} provider without a 'name' attribute"
                        )
                    if name in found:
                        raise RegistryError(
                            f"two {kind} providers are named {name!r}: one from "
                            f"{found[name].origin}, one from {origin}; rename one of them"
                        )
                    found[name] = ProviderInfo(kind, name, provider, origin)
            self._by_kind[kind] = dict(sorted(found.items()))

    def kinds(self) -> list[str]:
        return list(KINDS)

    def providers(self, kind: str) -> list[ProviderInfo]:
        """All providers of ``kind``, sorted by name."""
        self._check_kind(kind)
        return list(self._by_kind[kind].values())

    def names(self, kind: str) -> list[str]:
        return [p.name for p in self.providers(kind)]

    def info(self, kind: str, name: str) -> ProviderInfo:
        """The provider of ``kind`` called ``name``; unknown names list the known ones."""
        self._check_kind(kind)
        try:
            return self._by_kind[kind][name]
        except KeyError:
            known = ", ".join(self._by_kind[kind]) or "(none)"
            raise RegistryError(f"unknown {kind} {name!r}; known: {known}") from None

    def get(self, kind: str, name: str) -> Any:
        """The provider object of ``kind`` called ``name``."""
        return self.info(kind, name).provider

    def validate_options(self, kind: str, name: str, options: Mapping[str, Any] | None) -> dict:
        """Check ``options`` against the provider's own JSON Schema; return them as a dict."""
        info = self.info(kind, name)
        options = dict(options or {})
        schema = info.options_schema
        if schema is None:
            if options:
                raise RegistryError(
                    f"{kind} {name!r} takes no options, got: {', '.join(sorted(options))}"
                )
            return options
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        from evidencekit.core.plugin_manager import BUILTIN_ORIGIN
        from evidencekit.core.schema_validation import validation_messages

        # A built-in provider's schema is the package's own, checked against the metaschema
        # by the test suite (test_every_builtin_options_schema_is_valid_2020_12): checking
        # the 27 a run of the worked example uses took ~0.2 s of every run. A plugin's
        # schema is checked here, once per registry, as it may be wrong.
        if (
            not info.origin.startswith(BUILTIN_ORIGIN)
            and self._schemas_checked.get((kind, name)) is not schema
        ):
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as exc:  # the plugin's bug, not the user's: say whose
                raise RegistryError(
                    f"the options schema of {kind} {name!r} ({info.origin}) is not a valid "
                    f"JSON Schema: {exc.message}; report this to the plugin's authors"
                ) from None
            self._schemas_checked[(kind, name)] = schema
        problems = validation_messages(options, schema)
        if problems:
            raise RegistryError(f"invalid options for {kind} {name!r}: " + "; ".join(problems))
        return options

    def _check_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise RegistryError(f"unknown provider kind {kind!r}; known: {', '.join(KINDS)}")


def build_registry(pm: pluggy.PluginManager | None = None) -> Registry:
    """Build the registry from ``pm`` (or a fresh plugin manager)."""
    if pm is None:
        from evidencekit.core.plugin_manager import get_plugin_manager

        pm = get_plugin_manager()
    return Registry(pm)
