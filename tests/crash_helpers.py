"""Helpers for the crash and concurrency tests: synthetic exports, subprocess commands,
and a store consistency check that reads the SQLite file directly."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

WORDS = [
    "peer",
    "support",
    "workers",
    "mental",
    "health",
    "recovery",
    "implementation",
    "barriers",
    "facilitators",
    "training",
    "supervision",
    "role",
    "clarity",
    "culture",
]


def write_ris(path: Path, count: int, seed: int, prefix: str = "") -> Path:
    """A RIS file of ``count`` distinct records (about 600 bytes each), some duplicated DOIs."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
            doi = f"10.{1000 + seed}/{prefix}{i // 2 if i % 7 == 0 else i}"
            out.write(
                f"TY  - JOUR\nTI  - {prefix}{title} {i}\nAU  - Smith, {chr(65 + i % 26)}\n"
                f"PY  - {1990 + i % 30}\nJO  - Journal of {rng.choice(WORDS)}\n"
                f"DO  - {doi}\nAB  - {' '.join(rng.choice(WORDS) for _ in range(60))}\n"
                "ER  - \n"
            )
    return path


def command(review: Path, *args: str) -> list[str]:
    """``evidencekit ARGS --review REVIEW`` as a subprocess argument list."""
    return [sys.executable, "-m", "evidencekit.core", *args, "--review", str(review)]


def run(review: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command(review, *args), capture_output=True, text=True, timeout=timeout)


def store_state(path: Path) -> dict[str, object]:
    """Integrity and counts of a SQLite store, read directly (not through evidencekit)."""
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        distinct = conn.execute("SELECT count(DISTINCT record_id) FROM records").fetchone()[0]
        new = conn.execute("SELECT coalesce(sum(new_records), 0) FROM imports").fetchone()[0]
        clustered = conn.execute("SELECT count(*) FROM clusters").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM clusters WHERE record_id NOT IN (SELECT record_id FROM records)"
        ).fetchone()[0]
        runs = dict(conn.execute("SELECT command, count(*) FROM runs GROUP BY command"))
    finally:
        conn.close()
    return {
        "integrity": integrity,
        "records": records,
        "distinct": distinct,
        "new_in_imports": new,
        "clustered": clustered,
        "orphans": orphans,
        "runs": runs,
    }


def process_gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie nobody has reaped yet; Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def assert_ends(pid: int, within: float, what: str) -> None:
    """Fail (``what`` outlived ... by ``within`` s) unless process ``pid`` ends in time; a
    process that outlives the wait is killed, so no test leaves one behind."""
    import os
    import signal
    import time

    import pytest

    deadline = time.monotonic() + within
    while not process_gone(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"{what} by {within:g} s")
        time.sleep(0.05)
