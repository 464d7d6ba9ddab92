"""A pytest plugin: a throwaway PostgreSQL cluster for the store tests.

The session fixture ``postgres`` runs initdb into a temporary folder (in memory,
/dev/shm, where there is one) and starts the server with pg_ctl on a free loopback
port (trust authentication, fsync off), and stops and deletes it at the end.
``postgres.new_database()`` returns the URL of a fresh, empty database. Tests using it
skip with a clear message when psycopg or the server binaries (Debian: apt-get install
postgresql) are absent. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` system user (which the Debian package creates) through runuser.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def pg_tool(name: str) -> str | None:
    """A PostgreSQL server program on PATH or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    for folder in PG_BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return None


def free_port() -> int:
    """A loopback TCP port nothing listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_folder() -> str | None:
    """/dev/shm (memory) when there is one, else the default temporary folder.

    A cluster's files are throwaway: in memory they cost no disk writes, and deleting them
    is instant. On disk, the suite's few hundred MB of databases, once written back, took
    24 s to delete at the end of the session (a disk mounted with ``discard``).
    """
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PostgresCluster:
    """initdb into a temporary folder, pg_ctl start on loopback, stop at the end."""

    def __init__(self) -> None:
        self.initdb = pg_tool("initdb")
        self.pg_ctl = pg_tool("pg_ctl")
        self.folder = Path(tempfile.mkdtemp(prefix="ek-pg-", dir=_memory_folder()))
        self.data = self.folder / "data"
        self.port = free_port()
        self.prefix: list[str] = []
        self._names = itertools.count(1)
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root and runuser is missing")
            subprocess.run(["id", "postgres"], check=True, capture_output=True)
            shutil.chown(self.folder, "postgres")
            self.prefix = [runuser, "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            self.initdb,
            "-D",
            str(self.data),
            "-U",
            "evidencekit",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://evidencekit@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database; return its URL."""
        import sqlalchemy as sa

        name = f"ek_test_{next(self._names)}"
        engine = sa.create_engine(
            self.url().replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
        )
        with engine.connect() as conn:
            # PostgreSQL 15's default strategy (WAL_LOG) writes the template through the
            # log, about 0.4 s a database; FILE_COPY copies its files, about 0.08 s with
            # fsync off. Older servers copy files anyway and know no STRATEGY.
            version = int(conn.exec_driver_sql("SHOW server_version_num").scalar())
            strategy = " STRATEGY = FILE_COPY" if version >= 150000 else ""
            conn.exec_driver_sql(f"CREATE DATABASE {name}{strategy}")
        engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for the session, or skip saying what is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    if pg_tool("initdb") is None or pg_tool("pg_ctl") is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found; "
            "apt-get install postgresql to run the PostgreSQL store tests"
        )
    cluster = PostgresCluster()
    try:
        cluster.start()
    except (subprocess.SubprocessError, OSError, RuntimeError) as err:
        detail = (getattr(err, "stderr", b"") or b"").decode(errors="replace")
        shutil.rmtree(cluster.folder, ignore_errors=True)
        pytest.skip(f"cannot start a PostgreSQL cluster: {err} {detail}")
    yield cluster
    cluster.stop()
