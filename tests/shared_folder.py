"""Where the read-only shared data lives: ``../shared`` beside the repository, or wherever
the environment variable ``EVIDENCEKIT_SHARED`` points (a git worktree, a CI cache).

One module of its own (not conftest.py, which a conftest.py deeper in the tree shadows for
``from conftest import ...``), so tests, tests/conftest.py and the benchmarks all locate it
the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("EVIDENCEKIT_SHARED") or REPO.parent / "shared")
DATASETS = SHARED / "datasets"
REFERENCE = SHARED / "reference"
