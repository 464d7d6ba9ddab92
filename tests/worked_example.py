"""The worked example's folder and a helper to copy it, for tests that run or change it.

A module of its own (not conftest.py) so tests can import it by a name no other
conftest.py in the tree shadows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKED_EXAMPLE = REPO / "docs" / "examples" / "peer-support"


def copy_example(target: Path, source: Path = WORKED_EXAMPLE) -> Path:
    """A copy of a review folder, without outputs or store unless ``source`` is a run one."""
    ignore = (
        shutil.ignore_patterns("__pycache__")
        if source != WORKED_EXAMPLE
        else shutil.ignore_patterns("outputs", "evidencekit.sqlite*", "__pycache__")
    )
    shutil.copytree(source, target, ignore=ignore)
    return target
