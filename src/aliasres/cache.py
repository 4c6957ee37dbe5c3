"""A cache of compiled data on disk, so that work done for a file is not redone on every start.

Parsing and validating the packaged registry's YAML costs a few hundred milliseconds; the
validated result, as plain JSON, loads in a few. Entries are keyed by a hash of the source text
and the aliasres version, so an edited file or a new release never reads a stale entry; an
unreadable or corrupt entry is ignored and rebuilt. Set ``ALIASRES_CACHE_DIR`` to choose the
directory, or to an empty string to turn the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from aliasres.atomic import write_atomic

CACHE_DIR_VARIABLE = "ALIASRES_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where cache entries live, or None when caching is turned off."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aliasres"


def entry_path(kind: str, source_text: str, suffix: str = ".json") -> Path | None:
    """Where the entry of ``kind`` for ``source_text`` lives (None when caching is off)."""
    from aliasres import __version__

    directory = cache_dir()
    if directory is None:
        return None
    digest = hashlib.sha256(f"{kind}\0{__version__}\0{source_text}".encode()).hexdigest()
    return directory / f"{kind}-{digest[:40]}{suffix}"


def read(kind: str, source_text: str) -> Any:
    """The data cached for ``source_text``, or None if there is none (or it is unreadable)."""
    entry = entry_path(kind, source_text)
    if entry is None:
        return None
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(kind: str, source_text: str, data: Any) -> None:
    """Keep ``data`` for ``source_text``; a cache that cannot be written is silently skipped."""
    entry = entry_path(kind, source_text)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        return
