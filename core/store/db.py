"""Opening a store, its transactions, and turning database errors into StoreError.

One code path serves SQLite (the default, a file in the review folder) and
PostgreSQL (a ``postgresql://`` URL in review.yaml). Opening is cheap: one
connection and one query of ``schema_version``; migrations run only when the
store is older than the code.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc

from evidencekit.core.errors import StoreError
from evidencekit.core.store import schema
from evidencekit.core.store.migrations import LATEST_VERSION, MIGRATIONS

#: Seconds a writer waits for another writer's lock before giving up (SQLite).
DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "EVIDENCEKIT_STORE_TIMEOUT"


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalise_url(url: str) -> sa.URL:
    """Parse a store URL; a bare ``postgresql://`` uses the psycopg (3) driver."""
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError:
        raise StoreError(
            f"store URL {url!r} is not a database URL; write e.g. "
            "'postgresql://user@host/dbname' or leave 'store' out for the SQLite default"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"store URL {parsed.render_as_string(hide_password=True)!r}: only sqlite and "
            "postgresql stores are supported"
        )
    return parsed


class Store:
    """A review's store: an engine plus transactions that report errors plainly.

    Use :meth:`read` for a consistent snapshot and :meth:`write` for one
    all-or-nothing transaction. On SQLite a write transaction takes the write
    lock at its start (``BEGIN IMMEDIATE``), so two writers queue instead of
    failing half-way; one that waits longer than ``timeout`` seconds gets a
    :class:`StoreError`, and the store is never left half-written.
    """

    def __init__(self, url: str, *, create: bool = False, timeout: float | None = None):
        self.url = normalise_url(url)
        self.display = self.url.render_as_string(hide_password=True)
        if timeout is None:
            timeout = _env_timeout()
        self.timeout = timeout
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = self._create_engine(create)
        try:
            self.version = self._open(create)
        except BaseException:
            self.engine.dispose()
            raise

    # -- engine -----------------------------------------------------------------
    def _create_engine(self, create: bool) -> sa.Engine:
        if self.is_sqlite:
            database = self.url.database or ""
            memory = database in ("", ":memory:")
            if not memory:
                path = Path(database)
                if not path.exists() and not create:
                    if not (path.parent / "review.yaml").is_file():
                        # Neither a store nor a review.yaml: most likely the wrong folder.
                        raise StoreError(
                            f"no store at {path} and no review.yaml: {path.parent} is not a "
                            "review folder; pass --review DIR, start a review with "
                            "`evidencekit init DIR`, or import records first (evidencekit "
                            "import FILE --source NAME)"
                        )
                    raise StoreError(
                        f"no store at {path}; import records first (evidencekit import FILE "
                        "--source NAME, or evidencekit run) or pass --review DIR"
                    )
                if not path.parent.is_dir():
                    raise StoreError(f"cannot create the store {path}: its folder does not exist")
            kwargs: dict[str, Any] = {"connect_args": {"timeout": self.timeout}}
            if memory:
                kwargs["poolclass"] = sa.StaticPool
                kwargs["connect_args"]["check_same_thread"] = False
            engine = sa.create_engine(self.url, **kwargs)
            _sqlite_events(engine)
            return engine
        try:
            return sa.create_engine(
                self.url, connect_args={"connect_timeout": max(1, int(self.timeout))}
            )
        except ModuleNotFoundError as err:
            raise StoreError(
                f"store {self.display} needs the PostgreSQL driver: "
                f"pip install 'psycopg[binary]' ({err})"
            ) from None

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read-only transaction (a consistent snapshot on both backends)."""
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction: committed if the block ends normally, else rolled back."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(evidencekit_write=True)
            with conn.begin():
                if not self.is_sqlite:
                    # Writers queue, as SQLite's BEGIN IMMEDIATE makes them: two imports
                    # of one file then never race to insert the same record ids.
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(724202)"))
                yield conn

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except exc.OperationalError as err:
            text = str(err.orig)
            if "locked" in text or "busy" in text:
                raise StoreError(
                    f"the store {self.display} is busy: another evidencekit command is writing "
                    f"to it (waited {self.timeout:g} s); nothing was changed, try again when it "
                    f"has finished"
                ) from None
            raise StoreError(f"the store {self.display} cannot be used: {text}") from None
        except exc.IntegrityError as err:
            raise StoreError(
                f"the store {self.display} refused a change (another command may have written "
                f"the same rows at the same time; nothing was changed, try again): {err.orig}"
            ) from None
        except exc.DBAPIError as err:
            raise StoreError(f"the store {self.display} failed: {err.orig}") from None

    # -- schema -----------------------------------------------------------------
    def _open(self, create: bool) -> int:
        with self.read() as conn:
            version = _current_version(conn)
        if version == LATEST_VERSION:
            return version
        if version > LATEST_VERSION:
            raise StoreError(
                f"the store {self.display} has schema version {version}, newer than this "
                f"evidencekit knows ({LATEST_VERSION}); upgrade evidencekit"
            )
        return self.migrate()

    def migrate(self, target: int = LATEST_VERSION) -> int:
        """Apply every pending migration up to ``target`` in one transaction."""
        with self.write() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes opening a new store at once: the second waits here.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(724201)"))
            version = _current_version(conn)  # again, now that we hold the lock
            if version == -1:
                raise StoreError(
                    f"{self.display} holds tables that are not an evidencekit store; "
                    "use another file or database"
                )
            for migration in MIGRATIONS:
                if version < migration.version <= target:
                    migration.apply(conn)
                    conn.execute(
                        schema.schema_version.insert().values(
                            version=migration.version,
                            description=migration.description,
                            applied_at=utc_now(),
                        )
                    )
                    version = migration.version
        return version


def _current_version(conn: sa.Connection) -> int:
    """The store's schema version: 0 for an empty database, -1 for a foreign one."""
    if not conn.dialect.has_table(conn, "schema_version"):
        names = conn.dialect.get_table_names(conn)
        return -1 if names else 0
    value = conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()
    return int(value or 0)


def _sqlite_events(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so DDL is
        # transactional and writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        # Takes effect only when the file is new: records are large (abstracts,
        # raw fields), and 16 KiB pages keep most of them off overflow pages.
        cursor.execute("PRAGMA page_size=16384")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("evidencekit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _env_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise StoreError(f"{TIMEOUT_ENV}={raw!r} must not be negative")
    return value
