"""A cache of compiled data on disk, so that work done for a file is not redone on every start.

Parsing and validating the packaged registry's YAML costs a few hundred milliseconds; the
validated result, as plain JSON, loads in a few. Entries are keyed by a hash of the source text
and the aliasres version (and, where a caller asks, of the code that reads and writes them:
:func:`code_fingerprint`), so an edited file or a new release never reads a stale entry. Each
entry starts with a hash of its content: an unreadable, truncated or altered entry is ignored
and rebuilt, never served. Set ``ALIASRES_CACHE_DIR`` to choose the directory, or to an empty
string to turn the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from aliasres.atomic import atomic_binary_file

CACHE_DIR_VARIABLE = "ALIASRES_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where cache entries live, or None when caching is turned off."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aliasres"


def entry_path(
    kind: str, source_text: str, suffix: str = ".json", code: tuple[str, ...] = ()
) -> Path | None:
    """Where the entry of ``kind`` for ``source_text`` lives (None when caching is off).

    ``code`` names the package files (modules, data) the entry depends on: an entry is then
    only valid for the code that wrote it, even before a new release changes the version
    (:func:`code_fingerprint`). If they cannot be read as files, such entries are not cached.
    """
    from aliasres import __version__

    directory = cache_dir()
    if directory is None:
        return None
    key = f"{kind}\0{__version__}\0{source_text}"
    if code:
        fingerprint = code_fingerprint(*code)
        if fingerprint is None:
            return None
        key = f"{fingerprint}\0{key}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return directory / f"{kind}-{digest[:40]}{suffix}"


@functools.cache
def code_fingerprint(*parts: str) -> str | None:
    """A hash of the package's files ``parts``; None if they are not files on disk."""
    package = Path(__file__).parent  # not importlib.resources: importing it costs start-up
    digest = hashlib.sha256()
    try:
        for part in parts:
            content = (package / part).read_bytes()
            digest.update(f"{part}\0{len(content)}\0".encode())
            digest.update(content)
    except OSError:
        return None
    return digest.hexdigest()


def _checksum(payload: bytes) -> bytes:
    return hashlib.sha256(payload).hexdigest().encode()


def read(kind: str, source_text: str, code: tuple[str, ...] = ()) -> Any:
    """The data cached for ``source_text`` (and ``code``, see :func:`entry_path`), or None if
    there is none (or it is unreadable, or its content does not match the hash it was written
    with)."""
    entry = entry_path(kind, source_text, code=code)
    if entry is None:
        return None
    try:
        checksum, _, payload = entry.read_bytes().partition(b"\n")
        if checksum != _checksum(payload):
            return None
        return json.loads(payload)
    except (OSError, ValueError):
        return None


def write(kind: str, source_text: str, data: Any, code: tuple[str, ...] = ()) -> None:
    """Keep ``data`` for ``source_text`` (and ``code``); a cache that cannot be written is
    silently skipped."""
    entry = entry_path(kind, source_text, code=code)
    if entry is None:
        return
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with atomic_binary_file(entry) as stream:
            stream.write(_checksum(payload) + b"\n" + payload)
    except OSError:
        return
