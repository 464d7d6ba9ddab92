"""A review folder: its ``review.yaml``, plugins, instruments and store.

Every command acts on a review folder (``--review DIR``, by default the current
folder). A folder without ``review.yaml`` is a valid review with defaults.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import InstrumentError, PipelineError

REVIEW_FILE = "review.yaml"
STORE_FILE = "evidencekit.sqlite"


@dataclass
class Review:
    """A review folder and what its ``review.yaml`` declares."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    #: JSON path (tuple) → line in review.yaml, for messages that point at a line.
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict, repr=False)

    def where(self, *path: Any) -> str:
        """``review.yaml:LINE`` for the node at ``path`` (the nearest existing parent)."""
        from evidencekit.core.yaml_loader import line_of

        return f"{self.file}:{line_of(self.lines, path)}"

    @property
    def file(self) -> Path:
        return self.root / REVIEW_FILE

    @property
    def local_plugins(self) -> list[str]:
        return list(self.config.get("plugins", []) or [])

    @property
    def store_url(self) -> str:
        """The store URL: the review's ``store`` or a SQLite file in the folder."""
        url = self.config.get("store")
        if url:
            return str(url)
        return f"sqlite:///{(self.root / STORE_FILE).resolve()}"

    def section(self, name: str) -> dict[str, Any]:
        """A top-level mapping of review.yaml (empty if absent)."""
        value = self.config.get(name) or {}
        return dict(value) if isinstance(value, dict) else {}

    @functools.cached_property
    def plugin_manager(self) -> Any:
        from evidencekit.core.plugin_manager import get_plugin_manager

        allowed = self.config.get("allow_plugins")  # None: every installed plugin
        return get_plugin_manager(self.local_plugins, local_path=self.root, allowed=allowed)

    @functools.cached_property
    def registry(self) -> Any:
        from evidencekit.core.registry import Registry

        return Registry(self.plugin_manager)

    @functools.cached_property
    def catalog(self) -> Any:
        from evidencekit.core.instruments.catalog import build_catalog

        return build_catalog(self.plugin_manager, self.root)

    def instrument(self, ref: str, kind: str | None = None) -> Any:
        """An instrument by ``ID`` or ``ID@VERSION``, honouring the review's pins.

        Fails while a file in the review's own ``instruments/`` folder is broken: it
        would be skipped, and a shipped instrument silently used in its place.
        """
        broken = self.catalog.problems_by_origin.get("review")
        if broken:
            raise InstrumentError(
                [
                    *broken,
                    f"{self.root / 'instruments'}: fix the review's own instruments first; a "
                    f"broken file there is skipped, so {ref!r} could be another version than "
                    "the review's",
                ]
            )
        pins = self.section("instruments")
        if "@" not in ref and ref in pins:
            ref = f"{ref}@{pins[ref]}"
        return self.catalog.get(ref, kind=kind)


def open_review(root: str | Path = ".") -> Review:
    """Open the review in ``root``; validate its review.yaml if there is one."""
    root = Path(root)
    if not root.exists():
        raise PipelineError(f"review folder {root} does not exist; create it or pass --review DIR")
    if not root.is_dir():
        raise PipelineError(f"--review {root} is not a folder")
    review = Review(root=root)
    if review.file.exists():
        from evidencekit.core.instruments.catalog import check_document
        from evidencekit.core.yaml_loader import load_yaml

        doc = load_yaml(review.file, name=str(review.file))
        problems = check_document(doc, kinds=("review",))
        if problems:
            raise InstrumentError(problems)
        review.config = doc.data
        review.lines = doc.lines
    return review
