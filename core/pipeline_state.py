"""What makes a step's last result still valid: its fingerprint, and the saved result.

A step is skipped on a re-run when nothing it depends on changed since its last
successful run. What it depends on, each part kept apart so the reason for a re-run can
be told:

- ``options``: the step's options as planned (defaults filled in), and its provider;
- ``inputs``: the sha256 of every input file (the step's ``inputs(review, options)``;
  by default every file its options name) and of the review.yaml sections it reads;
- ``instruments``: the review's pins and the sha256 of each file in the review's own
  ``instruments/`` folder (an edited local instrument re-runs every step);
- ``versions``: evidencekit's version and the version of the plugin that provides the step;
- ``upstream``: the fingerprint of the step before it (results flow down the pipeline, so
  a step that re-runs makes every later step re-run).

The result of each successful step (summary, data, files, fingerprint) is saved in
``OUTPUTS/.evidencekit/steps/STEP.json``; its files stay in the outputs folder. A step is
skipped only if that record is there, its fingerprint is equal and its files still exist.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

STATE_DIR = ".evidencekit"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_json(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def option_files(review: Any, options: Any) -> dict[str, str]:
    """Every existing file an option value names (relative to the review), hashed."""
    found: dict[str, str] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value and "\n" not in value and len(value) < 1024:
            path = Path(value) if Path(value).is_absolute() else review.root / value
            try:
                if path.is_file():
                    found[value] = sha256_file(path)
            except OSError:  # a name too long, or unreadable: not a file input
                pass

    walk(options)
    return found


@functools.cache
def _distribution_version(top_module: str) -> str:
    """The version of the installed distribution named like a top-level module ('' if
    none). A name lookup, not a scan of every installed package (which took a second)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(top_module)
    except (PackageNotFoundError, ValueError):
        return ""


def _plugin_version(provider: Any) -> str:
    """``module version``: the module's ``__version__``, else its distribution's version.
    Built-in steps (``evidencekit.*``) are versioned by evidencekit's own version."""
    import sys

    module_name = type(provider).__module__
    if module_name.startswith("evidencekit."):
        return module_name
    module = sys.modules.get(module_name)
    version = getattr(module, "__version__", None) or _distribution_version(
        module_name.split(".")[0]
    )
    return f"{module_name} {version}".strip()


def fingerprint(review: Any, step: Any, upstream: str | None) -> dict[str, Any]:
    """The parts a step's result depends on (see the module docstring), and their hash."""
    from evidencekit.core import __version__

    provider = step.runner.provider
    declared = getattr(provider, "inputs", None)
    sections = getattr(provider, "reads_sections", None)
    if sections is None:
        # a step that does not say what it reads: the whole review.yaml but its steps
        sections = sorted(k for k in review.config if k != "steps")
    if callable(declared):
        inputs = dict(declared(review, step.options))
    else:
        # by default every file its options or the sections it reads name (a screening
        # step's decision files under screening.files, say), hashed
        inputs = option_files(review, [step.options, *(review.config.get(k) for k in sections)])
    for name in sections:
        if name in review.config:
            inputs[f"review.yaml:{name}"] = sha256_json(review.config[name])
    own = review.root / "instruments"
    local = (
        {str(p.relative_to(own)): sha256_file(p) for p in sorted(own.rglob("*.yaml"))}
        if own.is_dir()
        else {}
    )
    parts = {
        "options": sha256_json({"provider": step.provider, "options": step.options}),
        "inputs": inputs,
        "instruments": {"pins": dict(review.section("instruments")), "local": local},
        "versions": {"evidencekit": __version__, "plugin": _plugin_version(provider)},
        "upstream": upstream,
    }
    return {**parts, "hash": sha256_json(parts)}


def changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """Why a step must run again: what differs between its last fingerprint and now."""
    if not old:
        return ["it has not run successfully before"]
    out = []
    if old.get("options") != new["options"]:
        out.append("its options changed")
    old_inputs, new_inputs = old.get("inputs") or {}, new["inputs"]
    changed = sorted(
        k for k in set(old_inputs) | set(new_inputs) if old_inputs.get(k) != new_inputs.get(k)
    )
    if changed:
        out.append("input changed: " + ", ".join(changed))
    if old.get("instruments") != new["instruments"]:
        out.append("instrument versions or the review's instruments changed")
    if old.get("versions") != new["versions"]:
        out.append("evidencekit or plugin version changed")
    if old.get("upstream") != new["upstream"] and not out:
        out.append("an earlier step changed")
    return out or (["fingerprint changed"] if old.get("hash") != new["hash"] else [])


def state_file(outputs: Path, step_name: str) -> Path:
    return outputs / STATE_DIR / "steps" / f"{step_name}.json"


def load_saved(outputs: Path, step_name: str) -> dict[str, Any] | None:
    """The saved result of a step's last successful run, or None (none, or unreadable)."""
    path = state_file(outputs, step_name)
    try:
        saved = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or "fingerprint" not in saved:
        return None
    if any(not (outputs / name).is_file() for name in saved.get("files") or []):
        return None  # a file it wrote is gone: run it again
    return saved


def store_state(review: Any, what: str) -> str:
    """A token of the store's state a step depends on: ``imports`` (the file contents
    imported so far) or ``decisions`` (every duplicate decision a person recorded).
    "no store" when there is none yet, so deleting the store re-runs the steps.

    A SQLite store is read with the standard library (read-only): loading SQLAlchemy for
    two small queries was most of a re-run's time. Other stores go through the store API.
    """
    from evidencekit.core.store import sqlite_file

    file = sqlite_file(review)
    if file is not None:
        if not file.exists():
            return "no store"
        import sqlite3

        query = (
            "SELECT sha256 FROM imports"
            if what == "imports"
            else "SELECT a, b, decision FROM pair_decisions ORDER BY decision_id"
        )
        try:
            with contextlib.closing(
                sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
            ) as conn:
                found = conn.execute(query).fetchall()
        except sqlite3.Error as exc:
            return f"unreadable store: {exc}"
        if what == "imports":
            return sha256_json(sorted(row[0] for row in found))
        latest = {(a, b): decision for a, b, decision in found}  # the latest decision wins
        return sha256_json(sorted([a, b, d] for (a, b), d in latest.items()))
    from evidencekit.core.errors import StoreError
    from evidencekit.core.store import open_store

    try:
        with open_store(review) as store, store.read() as conn:
            from evidencekit.core.store import rows

            if what == "imports":
                return sha256_json(sorted(i.sha256 for i in rows.imports(conn).values()))
            return sha256_json(
                sorted(
                    [k[0], k[1], v.get("decision")] for k, v in rows.latest_decisions(conn).items()
                )
            )
    except StoreError as exc:
        return f"unreadable store: {exc}"


def restore_saved(
    saved: dict[str, Any],
    name: str,
    results: dict[str, Any],
    reports: dict[str, str],
    instruments: dict[str, str],
) -> None:
    """A skipped step's last result, as if it had just run."""
    results[name] = saved.get("data") or {}
    if saved.get("report"):
        reports[name] = saved["report"]
    for key, value in (saved.get("instruments") or {}).items():
        instruments.setdefault(key, value)


def seeds_of(results: dict[str, Any]) -> dict[str, Any]:
    """Every seed a step's result reports (``seed``, or ``sample.seed``), by step."""
    seeds = {}
    for name, data in results.items():
        if not isinstance(data, dict):
            continue
        seed = data.get("seed")
        if seed is None and isinstance(data.get("sample"), dict):
            seed = data["sample"].get("seed")
        if seed is not None:
            seeds[name] = seed
    return seeds
