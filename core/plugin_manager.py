"""Build the plugin manager: built-ins, entry points, and a review's local modules.

Nothing happens at import time; call :func:`get_plugin_manager`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Iterable
from pathlib import Path

import pluggy

from evidencekit.core import PROJECT_NAME
from evidencekit.core.errors import PipelineError

#: Set to 1/true/yes to skip third-party plugins found through entry points.
DISABLE_AUTOLOAD_ENV = "EVIDENCEKIT_DISABLE_PLUGIN_AUTOLOAD"
#: Comma-separated plugin names: only these installed and local plugins are loaded.
ALLOWED_PLUGINS_ENV = "EVIDENCEKIT_ALLOWED_PLUGINS"
ENTRY_POINT_GROUP = PROJECT_NAME
BUILTIN_PACKAGE = "evidencekit.plugins"


def builtin_plugin_modules() -> list[str]:
    """Names of the built-in plugin modules, in a stable order.

    Every public module below ``evidencekit.plugins`` (its name not starting
    with ``_``) is a plugin, registered exactly as a third-party one would be.
    """
    package = importlib.import_module(BUILTIN_PACKAGE)
    names: list[str] = []
    for info in pkgutil.walk_packages(package.__path__, prefix=BUILTIN_PACKAGE + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.ispkg:
            continue
        names.append(info.name)
    return sorted(names)


def autoload_disabled() -> bool:
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def env_allowed_plugins() -> set[str] | None:
    """The names ``EVIDENCEKIT_ALLOWED_PLUGINS`` allows, or None when it is not set."""
    raw = os.environ.get(ALLOWED_PLUGINS_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _block_unlisted(pm: pluggy.PluginManager, allowed: set[str]) -> list[str]:
    """Block every installed entry point not in ``allowed`` (by entry-point or
    distribution name) so pluggy never imports it; the names blocked."""
    from importlib.metadata import distributions

    blocked = []
    for dist in distributions():
        for ep in dist.entry_points:
            if (
                ep.group == ENTRY_POINT_GROUP
                and ep.name not in allowed
                and (dist.metadata["Name"] or "") not in allowed
            ):
                pm.set_blocked(ep.name)
                blocked.append(ep.name)
    return blocked


def get_plugin_manager(
    local_modules: Iterable[str] = (),
    *,
    local_path: Path | None = None,
    autoload: bool | None = None,
    allowed: Iterable[str] | None = None,
) -> pluggy.PluginManager:
    """Return a fresh plugin manager with every plugin registered.

    ``local_modules`` are module names a review declares (imported with
    ``local_path`` on ``sys.path``, typically the review folder). ``autoload``
    overrides the ``EVIDENCEKIT_DISABLE_PLUGIN_AUTOLOAD`` environment variable.
    ``allowed`` (review.yaml ``allow_plugins``) and ``EVIDENCEKIT_ALLOWED_PLUGINS``
    restrict installed plugins to the names listed (both apply when both are set);
    the environment variable also restricts local modules. Plugins run code: a
    name not allowed is never imported. Misspelled hooks fail here, through
    ``check_pending``.
    """
    from evidencekit.core import hookspecs

    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name in builtin_plugin_modules():
        pm.register(importlib.import_module(name), name=name)
    if autoload is None:
        autoload = not autoload_disabled()
    env_allowed = env_allowed_plugins()
    if autoload:
        for names in (env_allowed, None if allowed is None else set(allowed)):
            if names is not None:
                _block_unlisted(pm, names)
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # third-party code: any error becomes one clear line
            raise PipelineError(_broken_entry_point(exc)) from exc
    for name in local_modules:
        if env_allowed is not None and name not in env_allowed:
            raise PipelineError(
                f"review.yaml names the local plugin {name!r}, which {ALLOWED_PLUGINS_ENV} "
                f"does not allow (it allows: {', '.join(sorted(env_allowed)) or 'nothing'}); "
                "add it to the variable if you trust its code, or remove it from 'plugins:'"
            )
        pm.register(_import_local(name, local_path), name=f"local:{name}")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PipelineError(f"plugin {exc.plugin!r} implements an unknown hook: {exc}") from exc
    return pm


def _broken_entry_point(exc: BaseException) -> str:
    """Say which installed plugin failed to load, and how to get going again."""
    from importlib.metadata import distributions

    culprit = "an installed plugin"
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group != ENTRY_POINT_GROUP:
                continue
            try:
                ep.load()
            except Exception:
                culprit = (
                    f"the plugin {ep.name!r} ({ep.value}) of {dist.metadata['Name']} {dist.version}"
                )
                break
        else:
            continue
        break
    return (
        f"{culprit} cannot be loaded: {type(exc).__name__}: {exc}. Fix or uninstall it, "
        f"or set {DISABLE_AUTOLOAD_ENV}=1 to run without installed plugins"
    )


def _import_local(name: str, path: Path | None) -> object:
    added = False
    if path is not None and str(path) not in sys.path:
        sys.path.insert(0, str(path))
        added = True
    try:
        return importlib.import_module(name)
    except Exception as exc:  # not found, or an error in the module's own code: no traceback
        where = f" in {path}" if path else ""
        missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
        if missing and (name == missing or name.startswith(missing + ".")):
            raise PipelineError(
                f"local plugin module {name!r}{where} cannot be imported: {exc}. "
                "Check the name under 'plugins:' in review.yaml."
            ) from exc
        line = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        raise PipelineError(
            f"local plugin module {name!r}{where} failed while importing{line}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    finally:
        if added:
            sys.path.remove(str(path))


#: How :func:`plugin_origin` begins a built-in plugin's origin.
BUILTIN_ORIGIN = "builtin ("


def plugin_origin(pm: pluggy.PluginManager, plugin: object) -> str:
    """Where a plugin came from: ``builtin``, ``local:NAME`` or ``DIST VERSION``."""
    name = pm.get_name(plugin) or repr(plugin)
    for dist_plugin, dist in pm.list_plugin_distinfo():
        if dist_plugin is plugin:
            return f"{dist.project_name} {dist.version} ({name})"
    if name.startswith(BUILTIN_PACKAGE + "."):
        return f"{BUILTIN_ORIGIN}{name})"
    return name
