"""Writing outputs atomically: a file is either the old one or the complete new one."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` on success only."""
    path = Path(path)
    binary = "b" in mode
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else ""
        ) as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:  # e.g. the disk is full
                raise _cannot_write(path, exc) from None
        try:
            # mkstemp creates 0600; give the file the mode an ordinary open() would.
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as exc:  # e.g. the target is a folder
            raise _cannot_write(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _cannot_write(path: Path, exc: OSError) -> Exception:
    from evidencekit.core.errors import OutputError

    reason = exc.strerror or str(exc)
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and not path.is_dir():
        reason = "part of its folder path is a file, not a folder"
    return OutputError(
        f"cannot write {path}: {reason}; check that the folder exists (or can be "
        "created) and is writable, or choose another file"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def emit(text: str, output: str | Path | None) -> None:
    """Print ``text`` to standard output, or write it atomically to ``output``."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        atomic_write_text(output, text if text.endswith("\n") else text + "\n")


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name_part(text: str) -> str:
    """``text`` (an attribute, an id: data, not a path) as part of an output file name:
    every character other than letters, digits, ``.``, ``_`` and ``-`` becomes ``-`` and
    leading dots are dropped, so a name built from data never leaves its folder."""
    return _UNSAFE_NAME.sub("-", str(text)).lstrip(".") or "-"
