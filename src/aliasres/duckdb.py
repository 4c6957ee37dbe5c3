"""Resolving names in DuckDB SQL (``pip install 'aliasres[duckdb]'``).

>>> import duckdb
>>> import aliasres.duckdb
>>> con = duckdb.connect()
>>> aliasres.duckdb.register(con)  # doctest: +SKIP
('aliasres_resolve', 'aliasres_resolve_in', 'aliasres_group_id')
>>> con.execute("SELECT aliasres_resolve('Okba Ibn Nafaa').group_id").fetchone()  # doctest: +SKIP
('uqba-bin-nafi',)

``register`` adds three scalar functions to a connection:

- ``aliasres_resolve(name)`` returns a ``STRUCT(decision VARCHAR, group_id VARCHAR,
  canonical_name VARCHAR, score DOUBLE, matched_alias VARCHAR, error VARCHAR)``: the batch
  engine's result columns (``aliasres.batch.RESULT_COLUMNS``), filled by the same function
  (``Outcome.from_result``), so SQL, Spark and ``aliasres batch`` agree on every name.
  ``group_id`` and ``canonical_name`` are set for a MATCH only; ``decision`` is NULL, with the
  reason in ``error``, for a name with nothing to resolve (empty, or only punctuation).
- ``aliasres_resolve_in(name, country)`` is the same with an ISO 3166-1 alpha-2 country hint
  (NULL or blank: no hint). DuckDB Python functions cannot be overloaded, hence the second
  name.
- ``aliasres_group_id(name)`` is the group id of a MATCH, else NULL: the common case without
  the struct.

A NULL name gives NULL, as SQL functions do. The functions are plain (row-at-a-time) Python
functions, so they need no PyArrow; each registration remembers its answers (up to
``cache_size`` distinct queries, then starts afresh), so a name repeated down a table is
resolved once. They are declared free of side effects, so DuckDB may fold constant calls.

This module is named after the engine, and imports it: ``import duckdb`` here is an absolute
import (the only kind in Python 3), so it finds the DuckDB package, not this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from aliasres.batch import RESULT_COLUMNS, resolve_outcome
from aliasres.registry import Registry
from aliasres.resolve import Resolver, default_resolver

try:
    import duckdb
except ImportError as error:  # pragma: no cover - depends on the environment
    msg = "aliasres.duckdb needs DuckDB: pip install 'aliasres[duckdb]'"
    raise ImportError(msg) from error

DEFAULT_NAME = "aliasres_resolve"
DEFAULT_GROUP_ID_NAME = "aliasres_group_id"
DEFAULT_CACHE_SIZE = 100_000
"""Answers one registration remembers; 0 remembers none."""

RESULT_TYPES: dict[str, str] = {
    "decision": "VARCHAR",
    "group_id": "VARCHAR",
    "canonical_name": "VARCHAR",
    "score": "DOUBLE",
    "matched_alias": "VARCHAR",
    "error": "VARCHAR",
}
"""The DuckDB type of each field of the result struct, in ``RESULT_COLUMNS`` order."""

RESULT_TYPE = "STRUCT(" + ", ".join(f"{c} {RESULT_TYPES[c]}" for c in RESULT_COLUMNS) + ")"
"""The SQL type ``aliasres_resolve`` returns."""

_Answer = dict[str, object]


def register(
    connection: duckdb.DuckDBPyConnection,
    registry: Registry | Resolver | str | os.PathLike[str] | None = None,
    name: str = DEFAULT_NAME,
    *,
    group_id_name: str | None = DEFAULT_GROUP_ID_NAME,
    cache_size: int = DEFAULT_CACHE_SIZE,
) -> tuple[str, ...]:
    """Register the resolving functions on ``connection``; return their names.

    ``registry`` is the packaged registry when None, else a ``Registry``, a ``Resolver``
    (reused as it is) or the path of a registry file. The functions are ``name``,
    ``name + "_in"`` (with a country hint) and ``group_id_name`` (skipped when None); see the
    module docstring. Registering a name twice on one connection is an error in DuckDB:
    ``connection.remove_function(name)`` first.
    """
    if cache_size < 0:
        msg = f"cache_size must be 0 or more, got {cache_size}"
        raise ValueError(msg)
    resolver = _resolver(registry)
    answer = _Answers(resolver, cache_size)

    def resolve(query: str | None) -> _Answer | None:
        return None if query is None else answer(query, None)

    def resolve_in(query: str | None, country: str | None) -> _Answer | None:
        return None if query is None else answer(query, country)

    def group_id(query: str | None) -> str | None:
        if query is None:
            return None
        value = answer(query, None)["group_id"]
        return None if value is None else str(value)

    functions: list[tuple[str, Callable[..., Any], Any, Any]] = [
        (name, resolve, ["VARCHAR"], RESULT_TYPE),
        (f"{name}_in", resolve_in, ["VARCHAR", "VARCHAR"], RESULT_TYPE),
    ]
    if group_id_name is not None:
        functions.append((group_id_name, group_id, ["VARCHAR"], "VARCHAR"))
    # Types and options as text, which DuckDB 1.0 and later all understand (the enums and
    # type objects moved between releases). "special" null handling: NULLs reach the
    # functions, because a NULL country is no hint, not a NULL answer.
    options: dict[str, Any] = {"null_handling": "special", "side_effects": False}
    for function_name, function, parameters, return_type in functions:
        connection.create_function(function_name, function, parameters, return_type, **options)
    return tuple(function_name for function_name, *_ in functions)


def _resolver(registry: Registry | Resolver | str | os.PathLike[str] | None) -> Resolver:
    if registry is None:
        return default_resolver()
    if isinstance(registry, Resolver):
        return registry
    if isinstance(registry, Registry):
        return Resolver(registry)
    return Resolver(Registry.load(registry))


class _Answers:
    """The struct for a (name, country) query, each distinct query resolved once."""

    def __init__(self, resolver: Resolver, cache_size: int) -> None:
        self.resolver = resolver
        self.cache_size = cache_size
        self.memo: dict[tuple[str, str | None], _Answer] = {}

    def __call__(self, name: str, country: str | None) -> _Answer:
        hint = country.strip().upper() or None if country is not None else None
        key = (name, hint)
        found = self.memo.get(key)
        if found is not None:
            return found
        values = resolve_outcome(self.resolver, name, hint).values()
        if self.cache_size:
            if len(self.memo) >= self.cache_size:
                self.memo.clear()
            self.memo[key] = values
        return values


__all__ = [
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_GROUP_ID_NAME",
    "DEFAULT_NAME",
    "RESULT_TYPE",
    "RESULT_TYPES",
    "register",
]
