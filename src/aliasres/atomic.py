"""Writing files atomically: a temporary file beside the target, then a rename.

An interrupted run (an exception, Ctrl-C, a full disk) leaves the target as it was, never
half-written, and removes the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_text_file(path: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """A UTF-8 text stream whose content replaces ``path`` only if the block completes.

    The new file keeps the mode of the file it replaces (a new file gets the default mode
    the umask allows), and is flushed to disk before the rename.
    """
    with _atomic_file(path, lambda fd: os.fdopen(fd, "w", encoding="utf-8", newline="")) as stream:
        yield stream


@contextlib.contextmanager
def atomic_binary_file(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary stream whose content replaces ``path`` only if the block completes."""
    with _atomic_file(path, lambda fd: os.fdopen(fd, "wb")) as stream:
        yield stream


@contextlib.contextmanager
def _atomic_file(
    path: str | os.PathLike[str], open_fd: Callable[[int], IO[Any]]
) -> Iterator[IO[Any]]:
    import tempfile  # here, not at the top: only writers need it, and it costs start-up

    target = Path(path)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    temp = Path(temp_name)
    try:
        with open_fd(handle) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(_mode_for(target))
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` atomically."""
    with atomic_text_file(path) as stream:
        stream.write(text)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
