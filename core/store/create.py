"""Creating a SQLite store atomically: built aside, then linked into place.

A review's first import used to create ``evidencekit.sqlite`` in place and
delete it again if the import failed. When a second process had written to
the new store in the meantime, that deletion threw its committed records
away. Now the store is built (schema and all) under a private name in the same
folder and published with :func:`os.link`, which fails if the name exists:
whoever links first wins, the other simply opens the winner's store. A process
never deletes a store it did not create, and a store that exists always has
its schema.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from evidencekit.core.errors import StoreError

#: The files SQLite keeps beside a database (write-ahead log, shared memory, rollback journal).
SIDE_FILES = ("-wal", "-shm", "-journal")


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def create_sqlite_store(path: Path, *, timeout: float | None = None) -> bool:
    """Make sure a complete store exists at ``path``; True if this call created it.

    The new store is migrated to the latest schema under a temporary name, its
    connections closed (which checkpoints the write-ahead log into the file),
    and then hard-linked to ``path``. If another process published a store
    first, ours is discarded and theirs is used.
    """
    from evidencekit.core.store.db import Store

    if path.exists():
        return False
    if not path.parent.is_dir():
        raise StoreError(f"cannot create the store {path}: its folder does not exist")
    aside = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.creating")
    try:
        store = Store(f"sqlite:///{aside}", create=True, timeout=timeout)
        store.close()
        for suffix in SIDE_FILES:  # the log was checkpointed on close; nothing may hang on
            if aside.with_name(aside.name + suffix).exists():
                raise StoreError(
                    f"could not finish creating the store {path}: SQLite left "
                    f"{aside.name}{suffix} behind; try again"
                )
        try:
            os.link(aside, path)  # atomic, and never replaces an existing store
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: rename, checked just before
            if path.exists():
                return False
            os.replace(aside, path)
        return True
    except OSError as err:
        raise StoreError(f"cannot create the store {path}: {err.strerror or err}") from None
    finally:
        _remove(aside)
