"""What a pipeline run touches on disk: declared paths, the plan, stale outputs.

Trust boundary: review.yaml may name files outside the review folder (a shared
ratings file, an absolute export path, an outputs folder elsewhere). That is
allowed, but never silent: ``evidencekit run --dry-run`` lists every such path
before anything runs (``core/pipeline.py`` gathers them), and ``run.json`` records them.

Outputs: a run publishes the files its steps wrote. A file left in the outputs
folder by a step that is no longer declared (or by hand) would look like part of
this run; such files are moved aside into ``outputs/.stale/<time>/`` (never
deleted) and listed in ``run.json``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

STALE_DIR = ".stale"
DEFAULT_OUTPUTS = "outputs"


def outputs_dir(review: Any) -> Path:
    """The review's outputs folder: review.yaml ``outputs: {dir: ...}``, else ``outputs``."""
    outputs = review.config.get("outputs")
    name = outputs.get("dir") if isinstance(outputs, dict) else None
    path = Path(name or DEFAULT_OUTPUTS)
    return path if path.is_absolute() else review.root / path


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _resolve(root: Path, value: Any) -> Path:
    path = Path(str(value))
    return path if path.is_absolute() else root / path


def _walk_files(value: Any, where: str, root: Path, add: Any) -> None:
    """Call ``add(where, value)`` for every string under ``value`` that names an existing
    file (relative to ``root``), ``where`` its place as in review.yaml."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _walk_files(item, f"{where}.{key}", root, add)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _walk_files(item, f"{where}[{number}]", root, add)
    elif isinstance(value, str) and value and "\n" not in value and len(value) < 1024:
        try:
            if _resolve(root, value).is_file():
                add(where, value)
        except OSError:  # a name too long, or unreadable: not a file
            pass


def declared_paths(review: Any, steps: Iterable[Any]) -> list[dict[str, Any]]:
    """Every file or folder review.yaml names for these steps, with ``inside`` the review."""
    from evidencekit.core.store import sqlite_file

    root = Path(review.root)
    found: list[dict[str, Any]] = []

    def add(what: str, value: Any) -> None:
        path = _resolve(root, value)
        found.append({"what": what, "path": str(path), "inside": _inside(path, root)})

    names = {step.name for step in steps}
    if "import" in names:
        for number, source in enumerate(review.config.get("sources") or []):
            files = source.get("files") or ([source["file"]] if source.get("file") else [])
            for item in files:
                add(f"sources[{number}].files", item)
    for step in steps:
        # Every file a step's options name, and those of the review.yaml sections it reads
        # (screening.files, say): found by walking the values, as the fingerprint of an
        # incremental run finds its inputs, not by a list of step names kept here.
        _walk_files(step.options, f"steps[{step.index}].options", root, add)
        provider = getattr(getattr(step, "runner", None), "provider", None)
        for name in getattr(provider, "reads_sections", None) or ():
            if name not in ("sources", "steps"):
                _walk_files(review.config.get(name), name, root, add)
    add("outputs", outputs_dir(review))
    store = sqlite_file(review)
    if store is not None:
        add("store", store)
    return found


def kept_outputs(target: Path, declared: Sequence[str], ran: Sequence[str]) -> set[str]:
    """Files of the last run.json that belong to declared steps this run did not run
    (``--only``): they are still current and are kept."""
    try:
        previous = json.loads((target / "run.json").read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    keep: set[str] = set()
    for step in previous.get("steps", []) if isinstance(previous, dict) else []:
        if isinstance(step, dict) and step.get("step") in declared and step.get("step") not in ran:
            keep.update(str(f) for f in step.get("files") or [])
    return keep


def stale_outputs(target: Path, produced: Iterable[str], keep: Iterable[str]) -> list[str]:
    """Files in the outputs folder that this run neither wrote nor keeps."""
    if not target.is_dir():
        return []
    fresh = {*produced, *keep, "run.json"}
    return sorted(p.name for p in target.iterdir() if p.is_file() and p.name not in fresh)


def move_aside(target: Path, names: Sequence[str], stamp: str) -> str | None:
    """Move ``names`` into ``target/.stale/<stamp>/``; the folder, relative to target."""
    if not names:
        return None
    folder = target / STALE_DIR / stamp
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(target / name, folder / name)
    return f"{STALE_DIR}/{stamp}"


def outside_paths(review: Any, steps: Sequence[Any]) -> list[dict[str, str]]:
    """Every path review.yaml names outside the review folder (shown, never refused)."""
    return [
        {"what": p["what"], "path": p["path"]}
        for p in declared_paths(review, steps)
        if not p["inside"]
    ]


def finish_outputs(
    review: Any,
    steps: Sequence[Any],
    staging: Path,
    target: Path,
    record: dict[str, Any],
    started: Any,
) -> list[str]:
    """Record outside paths and stale outputs in run.json, move the stale aside, publish."""
    record["paths_outside_review"] = outside_paths(review, steps)
    declared = [entry["step"] for entry in review.config.get("steps") or []]
    ran = [s["step"] for s in record["steps"] if s.get("status") == "ran"]
    # Outputs of steps skipped as unchanged (or not selected) are still current: kept.
    keep = kept_outputs(target, declared, ran)
    keep.update(f for s in record["steps"] if s.get("status") != "ran" for f in s["files"])
    produced = [p.name for p in staging.iterdir() if p.is_file()]
    stale = stale_outputs(target, produced, keep)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    record["stale_outputs"] = {
        "moved_to": f"{STALE_DIR}/{stamp}" if stale else None,
        "files": stale,
    }
    (staging / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n", "utf-8")
    move_aside(target, stale, stamp)
    return publish(staging, target)


def publish(staging: Path, target: Path) -> list[str]:
    """Move every staged file into ``target``, each by an atomic rename."""
    target.mkdir(parents=True, exist_ok=True)
    mask = os.umask(0)
    os.umask(mask)
    names = sorted(p.name for p in staging.iterdir() if p.is_file())
    for name in names:
        os.chmod(staging / name, 0o666 & ~mask)
        os.replace(staging / name, target / name)
    return names


__all__ = [
    "DEFAULT_OUTPUTS",
    "declared_paths",
    "finish_outputs",
    "kept_outputs",
    "move_aside",
    "outputs_dir",
    "outside_paths",
    "publish",
    "stale_outputs",
]
