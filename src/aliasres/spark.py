"""Resolving a column of names inside a Spark job (``pip install 'aliasres[spark]'``).

>>> from aliasres.spark import resolve_dataframe
>>> resolved = resolve_dataframe(df, "name", country_column="country")  # doctest: +SKIP

``resolve_dataframe`` returns the DataFrame with the batch engine's result columns added
(``RESULT_COLUMNS``: decision, group_id, canonical_name, score, matched_alias, error), every
input row kept. It is lazy like any transformation: nothing runs until an action.

How it is built, and why:

- **Only DataFrame APIs.** The work is one ``mapInPandas`` call, with a schema given as a
  ``StructType``. No ``SparkContext``, no ``broadcast``, no ``addFile``: those do not exist in
  Spark Connect, and this function must work with a classic ``SparkSession`` and a Spark
  Connect one alike. The caller passes the DataFrame (hence the session); no session is
  started or configured here.
- **The registry travels in the closure, as text.** The function handed to ``mapInPandas``
  carries the registry's YAML (about 0.4 MB for the packaged one) and its SHA-256, so
  executors need no shared file system and no copy of a custom registry file; the packaged
  registry is read on the driver, too, so driver and executors cannot disagree about it.
  aliasres itself must be installed where the Python workers run (it is imported there by
  name).
- **One resolver per worker process.** Building a ``Resolver`` (parsing the registry and
  indexing every name) takes about a second, so each Python worker builds it on its first
  batch and keeps it in a module-level cache keyed by the registry's hash; Spark reuses
  Python workers between tasks (``spark.python.worker.reuse``, on by default), so the cost is
  paid once per worker process, not once per task or batch.
- **Distinct names once.** Within each Arrow batch, each distinct (name, country) pair is
  resolved once. Each worker also remembers up to ``cache_size`` answers across batches and
  tasks (cleared when full), because the same names recur all over a large table.
- **The same answer as everywhere else.** Each ``Result`` becomes a row through
  ``aliasres.batch.Outcome.from_result``, the function behind ``aliasres batch``, so a name
  gets the same columns in Spark as in a batch file: ``group_id`` and ``canonical_name`` only
  for a MATCH; ``score`` and ``matched_alias`` from the best candidate whatever the decision
  (null when there is none); and ``decision`` null, with the reason in ``error``, for a name
  that cannot be resolved at all (null, empty, or nothing left after normalisation).
  ``resolve_many`` on the same names gives the same answers.
- **Country hints** come from an optional string column; a null or blank value means no hint,
  and values are stripped and upper-cased (``" tn"`` is TN), as in the batch engine.

Output columns keep the input's order, followed by the result columns; an input column that
already has a result column's name (compared case-insensitively, as Spark compares names by
default) is replaced in place, so an output can be resolved again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from aliasres import collector
from aliasres.batch import RESULT_COLUMNS, Outcome, resolve_outcome
from aliasres.registry import Registry, packaged_registry_path

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

    from aliasres.resolve import Resolver

DEFAULT_CACHE_SIZE = 100_000
"""Answers each Python worker keeps across batches (about 50 MB at most); 0 keeps none."""

RESULT_TYPES: dict[str, str] = {
    "decision": "string",
    "group_id": "string",
    "canonical_name": "string",
    "score": "double",
    "matched_alias": "string",
    "error": "string",
}
"""The Spark SQL type of each result column (all nullable)."""

NULL_NAME = "name is null"
"""The ``error`` of a row whose name is null."""

_Key = tuple[str, str | None]  # a distinct query: (name, country hint)

_INSTALL_HINT = "aliasres.spark needs PySpark, pandas and PyArrow: pip install 'aliasres[spark]'"


def resolve_dataframe(
    df: DataFrame,
    column: str,
    country_column: str | None = None,
    *,
    registry: Registry | str | os.PathLike[str] | None = None,
    cache_size: int = DEFAULT_CACHE_SIZE,
) -> DataFrame:
    """``df`` with the result columns (``RESULT_COLUMNS``) added; see the module docstring.

    ``column`` (and ``country_column``, when given) must be string columns of ``df``.
    ``registry`` is the packaged registry when None, else a ``Registry`` or the path of a
    registry file on the driver (validated here, so a bad file fails before any job runs).

    Raises ``ValueError`` for a missing, duplicated or clashing column, ``TypeError`` for a
    column that is not a string column, ``ImportError`` when PySpark is not installed.
    """
    try:
        from pyspark.sql.types import StringType
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    if cache_size < 0:
        msg = f"cache_size must be 0 or more, got {cache_size}"
        raise ValueError(msg)

    schema = df.schema
    names = [field.name for field in schema.fields]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        msg = f"the DataFrame has duplicate column names: {', '.join(duplicates)}"
        raise ValueError(msg)
    for option, wanted in (("column", column), ("country_column", country_column)):
        if wanted is None:
            continue
        if wanted not in names:
            shown = ", ".join(repr(name) for name in names) or "none"
            msg = f"{option}: no column {wanted!r} in the DataFrame (columns: {shown})"
            raise ValueError(msg)
        if wanted.lower() in RESULT_TYPES:
            msg = f"{option}: {wanted!r} is also the name of a result column; rename it first"
            raise ValueError(msg)
        data_type = schema[wanted].dataType
        if not isinstance(data_type, StringType):
            msg = f"{option}: column {wanted!r} is {data_type.simpleString()}, expected string"
            raise TypeError(msg)

    output = _output_schema(schema)
    text = _registry_text(registry)
    plan = _Plan(
        registry_text=text,
        registry_digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        column=column,
        country_column=country_column,
        replaced=tuple(name for name in names if name.lower() in RESULT_TYPES),
        output_columns=tuple(field.name for field in output.fields),
        cache_size=cache_size,
    )

    def aliasres_resolve(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        # Pickled by value with ``plan`` (the registry text) in its closure; the work is done
        # by a module-level function, which is pickled by reference, so that the per-process
        # resolver cache is the real module's, not a copy.
        return _resolve_batches(plan, batches)

    return df.mapInPandas(aliasres_resolve, output)


@attrs.frozen
class _Plan:
    """Everything an executor needs, shipped in the closure of the ``mapInPandas`` function."""

    registry_text: str = attrs.field(repr=False)
    registry_digest: str
    column: str
    country_column: str | None
    replaced: tuple[str, ...]  # input columns that a result column replaces
    output_columns: tuple[str, ...]
    cache_size: int


def _output_schema(schema: StructType) -> StructType:
    """The input's fields, result fields in place of same-named ones, the rest appended."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    def result_field(name: str) -> StructField:
        data_type = DoubleType() if RESULT_TYPES[name] == "double" else StringType()
        return StructField(name, data_type, nullable=True)

    fields: list[StructField] = []
    placed: set[str] = set()
    for field in schema.fields:
        lowered = field.name.lower()
        if lowered in RESULT_TYPES:
            if lowered not in placed:  # "Score" and "score" in one input: one result column
                fields.append(result_field(lowered))
                placed.add(lowered)
        else:
            fields.append(field)
    fields += [result_field(name) for name in RESULT_COLUMNS if name not in placed]
    return StructType(fields)


def _registry_text(registry: Registry | str | os.PathLike[str] | None) -> str:
    """The registry as YAML text, to ship to executors."""
    if registry is None:
        return packaged_registry_path().read_text(encoding="utf-8")
    if isinstance(registry, Registry):
        return registry.to_yaml()
    path = Path(registry)
    text = path.read_text(encoding="utf-8")
    Registry.from_yaml(text, filename=str(path))  # fail here, not on every executor
    return text


# -- executor side ------------------------------------------------------------------------------


_Row = tuple[object, ...]  # the result columns of one row, in RESULT_COLUMNS order


def _row(outcome: Outcome) -> _Row:
    values = outcome.values()
    return tuple(values[column] for column in RESULT_COLUMNS)


class _WorkerState:
    """One worker process's resolver for one registry, and the answers it has given."""

    def __init__(self, registry_text: str) -> None:
        from aliasres.resolve import Resolver

        self.resolver: Resolver = Resolver(Registry.from_yaml(registry_text, "<registry>"))
        self.answers: dict[_Key, _Row] = {}

    def rows(self, keys: Sequence[_Key], cache_size: int) -> list[_Row]:
        """The result columns of each query; each distinct one is resolved at most once."""
        batch: dict[_Key, _Row] = {}
        with collector.paused():
            for key in keys:
                if key not in batch:
                    row = self.answers.get(key)
                    batch[key] = _row(resolve_outcome(self.resolver, *key)) if row is None else row
        if cache_size:
            if len(self.answers) + len(batch) > cache_size:
                self.answers.clear()
            if len(batch) <= cache_size:
                self.answers.update(batch)
        return [batch[key] for key in keys]


_NULL_ROW = _row(Outcome.failed(NULL_NAME))
_MAX_REGISTRIES = 4  # resolvers kept per worker process (one per distinct registry)
_states: dict[str, _WorkerState] = {}
_states_lock = threading.Lock()


def _worker_state(plan: _Plan) -> _WorkerState:
    """This process's state for the plan's registry, built on first use."""
    with _states_lock:
        state = _states.get(plan.registry_digest)
        if state is None:
            if len(_states) >= _MAX_REGISTRIES:
                _states.pop(next(iter(_states)))
            state = _states[plan.registry_digest] = _WorkerState(plan.registry_text)
        return state


def _country_hint(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip().upper() or None


def _resolve_batches(plan: _Plan, batches: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The ``mapInPandas`` function: each pandas batch with its result columns.

    Vectorised, because a batch holds thousands of rows and few distinct names: the name (and
    country) columns are factorised, the distinct queries resolved (or found in the worker's
    memo), and each result column gathered from the distinct answers with Arrow's ``take``,
    so that no Python code runs per row and the columns go back to Spark as Arrow arrays.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    state = _worker_state(plan)
    for frame in batches:
        keys, codes = _distinct_queries(frame, plan.column, plan.country_column)
        rows = [*state.rows(keys, plan.cache_size), _NULL_ROW]  # codes of null names: -1
        indices = pa.array(np.where(codes < 0, len(rows) - 1, codes))
        out = frame.drop(columns=list(plan.replaced)) if plan.replaced else frame
        for position, name in enumerate(RESULT_COLUMNS):
            values = [row[position] for row in rows]
            if RESULT_TYPES[name] == "double":
                numbers = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
                out[name] = pd.Series(numbers[indices.to_numpy()], index=frame.index)
            else:
                column = pa.array(values, type=pa.string()).take(indices)
                out[name] = pd.Series(pd.arrays.ArrowExtensionArray(column), index=frame.index)
        yield out[list(plan.output_columns)]


def _distinct_queries(
    frame: pd.DataFrame, column: str, country_column: str | None
) -> tuple[list[_Key], Any]:
    """The distinct (name, country hint) queries of a batch, and each row's query number (-1
    for a null name)."""
    import numpy as np
    import pandas as pd

    name_codes, names = pd.factorize(frame[column])
    if country_column is None:
        return [(str(name), None) for name in names], name_codes
    country_codes, countries = pd.factorize(frame[country_column])
    hints = [_country_hint(country) for country in countries] + [None]  # [-1]: null country
    width = len(countries) + 1
    # One number per (name, country) pair; NaN, which factorises to -1, for a null name.
    pairs = np.where(name_codes < 0, np.nan, name_codes * width + country_codes + 1)
    codes, distinct = pd.factorize(pairs)
    keys = [(str(names[int(p) // width]), hints[int(p) % width - 1]) for p in distinct]
    return keys, codes


__all__ = [
    "DEFAULT_CACHE_SIZE",
    "NULL_NAME",
    "RESULT_COLUMNS",
    "RESULT_TYPES",
    "resolve_dataframe",
]
