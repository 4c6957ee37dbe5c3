"""Resolving a file of names: every row in, every row out, each distinct name resolved once.

The engine behind ``aliasres batch``, usable from Python as well:

1. ``read_table`` reads CSV, TSV or JSON Lines from bytes. The input is UTF-8 (a leading BOM
   is tolerated). Nothing about one bad row stops the others: a row whose bytes are not UTF-8,
   whose JSON does not parse, whose field count disagrees with the header, whose name is
   empty or whose country is not an ISO code becomes an ``InputRow`` carrying an ``error``,
   and keeps its place. Only a problem with the whole file (an undecodable or duplicated
   header, a missing name column) raises ``BatchInputError``.
2. ``resolve_table`` resolves each distinct (name, country) pair once, in this process or,
   with ``jobs > 1`` and enough distinct names, in worker processes that each build their own
   ``Resolver``. The answer is the same either way: the same function turns each ``Result``
   into an ``Outcome``.
3. ``write_table`` writes every input row, in input order, with its original fields followed
   by ``RESULT_COLUMNS``; ``write_table_file`` does it through a temporary file in the target
   directory and a rename, so an interrupted run leaves either the old file or the new one,
   never half a file.
4. ``run_batch`` chains the three and returns a ``BatchSummary``.

Formats: in CSV the first line is the header and fields follow RFC 4180 quoting; TSV is one
record per line, fields split on tabs, no quoting (tabs and line breaks inside output values
are written as spaces); JSON Lines holds one object per line, and its columns are the keys in
order of first appearance. A blank line is a row too (with an error), so that line counts
agree. Result columns that the input already has are overwritten in place, so a batch output
can be fed back in.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

import attrs

from aliasres import collector
from aliasres.atomic import atomic_text_file
from aliasres.countries import is_country_code
from aliasres.errors import AliasresError

if TYPE_CHECKING:
    from aliasres.registry import Registry
    from aliasres.resolve import Resolver, Result

RESULT_COLUMNS: tuple[str, ...] = (
    "decision",
    "group_id",
    "canonical_name",
    "score",
    "matched_alias",
    "error",
)
"""Columns added to every output row, in this order."""

PARALLEL_MIN_NAMES = 2000
"""Below this many distinct names ``jobs > 1`` resolves in-process: starting workers and
building one index per worker costs more than it saves."""

CHUNK_SIZE = 250
"""Most distinct names sent to a worker at a time (smaller chunks: smoother progress)."""

_BOM = "\ufeff"

Key = tuple[str, str | None]
"""A distinct query: (name, country hint)."""


class BatchFormat(enum.Enum):
    """A table format the batch engine reads and writes."""

    CSV = "csv"
    TSV = "tsv"
    JSONL = "jsonl"

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> BatchFormat | None:
        """The format a file name's extension implies, or None when it implies none."""
        return _SUFFIXES.get(Path(path).suffix.lower())


_SUFFIXES = {
    ".csv": BatchFormat.CSV,
    ".tsv": BatchFormat.TSV,
    ".tab": BatchFormat.TSV,
    ".jsonl": BatchFormat.JSONL,
    ".ndjson": BatchFormat.JSONL,
}


class BatchInputError(AliasresError, ValueError):
    """The input cannot be read as a table of names at all (not one bad row: the file)."""


class MissingColumnError(BatchInputError):
    """A column the batch needs (the name column, the country column) is not in the input."""

    def __init__(self, option: str, column: str, available: Sequence[str]) -> None:
        self.option = option
        self.column = column
        self.available = tuple(available)
        shown = ", ".join(repr(c) for c in self.available) or "none"
        super().__init__(f"no column {column!r} in the input (columns: {shown})")


@attrs.frozen
class InputRow:
    """One input record: its fields as read, and the query they make (or why they make none)."""

    line: int  # 1-based line of the input where the record starts
    fields: Mapping[str, object] = attrs.field(eq=False, hash=False)
    name: str | None = None  # None when ``error`` is set
    country: str | None = None
    error: str | None = None

    @property
    def key(self) -> Key | None:
        """The query this row asks, or None for an error row."""
        return None if self.name is None else (self.name, self.country)


@attrs.frozen
class InputTable:
    """Every record of an input, in order, and the columns they share."""

    format: BatchFormat
    columns: tuple[str, ...]
    rows: tuple[InputRow, ...]

    def distinct_keys(self) -> list[Key]:
        """Each (name, country) query once, in order of first appearance."""
        return list(dict.fromkeys(row.key for row in self.rows if row.key is not None))


@attrs.frozen
class Outcome:
    """What an output row says about its name: the resolver's answer, or the row's error."""

    decision: str | None  # "match", "ambiguous", "no_match"; None for an error row
    group_id: str | None = None  # set for MATCH only (as in ``Result.to_dict``)
    canonical_name: str | None = None
    score: float | None = None  # the best candidate's score, whatever the decision
    matched_alias: str | None = None
    error: str | None = None

    @classmethod
    def from_result(cls, result: Result) -> Outcome:
        """The row-level summary of a ``Result``; an unresolvable query becomes an error."""
        if not result.candidates and result.note:
            return cls(None, error=result.note)
        data = result.to_dict()
        score = data["score"]
        return cls(
            decision=str(data["decision"]),
            group_id=_optional_str(data["group_id"]),
            canonical_name=_optional_str(data["name"]),
            score=float(score) if isinstance(score, (int, float)) else None,
            matched_alias=_optional_str(data["matched_alias"]),
        )

    @classmethod
    def failed(cls, message: str) -> Outcome:
        return cls(None, error=message)

    def values(self) -> dict[str, object]:
        """The result columns, keyed by name."""
        return {
            "decision": self.decision,
            "group_id": self.group_id,
            "canonical_name": self.canonical_name,
            "score": self.score,
            "matched_alias": self.matched_alias,
            "error": self.error,
        }


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen
class BatchSummary:
    """Counts for a finished batch. Every row is exactly one of match, ambiguous, no-match or
    error."""

    rows: int
    match: int
    ambiguous: int
    no_match: int
    errors: int
    distinct: int  # distinct (name, country) queries actually resolved
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"rows={self.rows} match={self.match} ambiguous={self.ambiguous}"
            f" no_match={self.no_match} errors={self.errors} distinct={self.distinct}"
            f" rows/s={self.rows_per_second:.1f}"
        )


class Progress(Protocol):
    """Receives progress reports while distinct names are resolved (a progress bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


# -- reading ------------------------------------------------------------------------------------


def read_table(
    data: bytes,
    fmt: BatchFormat,
    column: str = "name",
    country_column: str | None = None,
) -> InputTable:
    """Parse an input file's bytes into rows; see the module docstring for what each row holds.

    Raises ``MissingColumnError`` when ``column`` (or ``country_column``) is not in the
    input, ``BatchInputError`` when the header cannot be read.
    """
    if data.startswith(_BOM.encode()):
        data = data[len(_BOM.encode()) :]
    text = data.decode("utf-8", "surrogateescape")
    if fmt is BatchFormat.JSONL:
        return _read_jsonl(text, column, country_column)
    records = _csv_records(text) if fmt is BatchFormat.CSV else _tsv_records(text)
    return _read_delimited(fmt, records, column, country_column)


def read_table_file(
    path: str | os.PathLike[str],
    fmt: BatchFormat | None = None,
    column: str = "name",
    country_column: str | None = None,
) -> InputTable:
    """``read_table`` on a file; the format follows the extension unless ``fmt`` is given."""
    fmt = fmt or BatchFormat.from_path(path)
    if fmt is None:
        msg = f"cannot tell the format of {os.fspath(path)!r} from its extension"
        raise BatchInputError(msg)
    return read_table(Path(path).read_bytes(), fmt, column, country_column)


_Record = tuple[int, list[str] | None, str | None]  # (line, fields, parse error)


def _csv_records(text: str) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, None, f"malformed CSV: {error}"
        else:
            yield line, record, None
        line = reader.line_num + 1


def _tsv_records(text: str) -> Iterator[_Record]:
    for number, line in enumerate(_lines(text), start=1):
        yield number, (line.split("\t") if line else []), None


def _lines(text: str) -> list[str]:
    """Physical lines, without their terminators (``\\n`` or ``\\r\\n``)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _read_delimited(
    fmt: BatchFormat,
    records: Iterator[_Record],
    column: str,
    country_column: str | None,
) -> InputTable:
    first = next(records, None)
    if first is None:  # an empty file: no header, no rows
        return InputTable(fmt, (), ())
    header_line, header, header_error = first
    if header is None or header_error is not None:
        msg = f"line {header_line}: cannot read the header: {header_error}"
        raise BatchInputError(msg)
    if any(_has_bad_bytes(name) for name in header):
        msg = f"line {header_line}: the header is not valid UTF-8"
        raise BatchInputError(msg)
    if header and header[0].startswith(_BOM):  # a BOM inside quotes, or a second one
        header[0] = header[0][1:]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        msg = f"line {header_line}: duplicate column names in the header: {', '.join(duplicates)}"
        raise BatchInputError(msg)
    _require_column("--column", column, header)
    if country_column is not None:
        _require_column("--country-column", country_column, header)

    rows = []
    width = len(header)
    for line, record, parse_error in records:
        if record is None:
            rows.append(
                InputRow(line, dict.fromkeys(header, ""), error=f"line {line}: {parse_error}")
            )
            continue
        values = [_clean(value) for value in record]
        fields: dict[str, object] = dict(
            zip(header, values + [""] * (width - len(values)), strict=False)
        )
        error = None
        if not record:
            error = f"line {line}: blank line"
        elif any(_has_bad_bytes(value) for value in record):
            error = f"line {line}: not valid UTF-8 (undecodable bytes shown as U+FFFD)"
        elif len(record) != width:
            error = f"line {line}: {len(record)} fields where the header has {width}"
            if len(record) > width:
                error += "; extra values dropped: " + ", ".join(repr(v) for v in values[width:])
        rows.append(_make_row(line, fields, column, country_column, error))
    return InputTable(fmt, tuple(header), tuple(rows))


def _read_jsonl(text: str, column: str, country_column: str | None) -> InputTable:
    rows = []
    columns: dict[str, None] = {}
    seen_objects = False
    for line, raw in enumerate(_lines(text), start=1):
        if not raw.strip():
            rows.append(InputRow(line, {}, error=f"line {line}: blank line"))
            continue
        undecodable = _has_bad_bytes(raw)
        try:
            value = json.loads(_clean(raw))
        except json.JSONDecodeError as error:
            message = f"line {line}: not valid JSON: {error.msg} (column {error.colno})"
            rows.append(InputRow(line, {}, error=message))
            continue
        if not isinstance(value, dict):
            message = f"line {line}: expected a JSON object, got {_json_type(value)}"
            rows.append(InputRow(line, {}, error=message))
            continue
        seen_objects = True
        columns.update(dict.fromkeys(value))
        bad_bytes = f"line {line}: not valid UTF-8 (undecodable bytes shown as U+FFFD)"
        rows.append(
            _make_row(line, value, column, country_column, bad_bytes if undecodable else None)
        )
    if seen_objects:
        _require_column("--column", column, list(columns))
        if country_column is not None:
            _require_column("--country-column", country_column, list(columns))
    return InputTable(BatchFormat.JSONL, tuple(columns), tuple(rows))


def _require_column(option: str, column: str, available: Sequence[str]) -> None:
    if column not in available:
        raise MissingColumnError(option, column, available)


def _make_row(
    line: int,
    fields: Mapping[str, object],
    column: str,
    country_column: str | None,
    error: str | None,
) -> InputRow:
    """Check a record's name and country; the first problem found becomes the row's error."""
    if error is not None:
        return InputRow(line, fields, error=error)
    name = fields.get(column)
    if name is None:
        return InputRow(line, fields, error=f"line {line}: no {column!r} field")
    if not isinstance(name, str):
        message = f"line {line}: {column!r} is {_json_type(name)}, expected a string"
        return InputRow(line, fields, error=message)
    if not name.strip():
        return InputRow(line, fields, error=f"line {line}: empty name")
    country = None
    if country_column is not None:
        value = fields.get(country_column)
        if value is not None and not isinstance(value, str):
            message = f"line {line}: {country_column!r} is {_json_type(value)}, expected a string"
            return InputRow(line, fields, error=message)
        code = (value or "").strip().upper()
        if code and not is_country_code(code):
            message = (
                f"line {line}: unknown country code {value!r} in {country_column!r}"
                " (expected ISO 3166-1 alpha-2, such as TN)"
            )
            return InputRow(line, fields, error=message)
        country = code or None
    return InputRow(line, fields, name=name, country=country)


def _has_bad_bytes(text: str) -> bool:
    """True when ``text`` carries bytes that were not UTF-8 (decoded as lone surrogates)."""
    return any("\udc80" <= char <= "\udcff" for char in text)


def _clean(text: str) -> str:
    """Undecodable bytes (kept as surrogates while reading) become U+FFFD."""
    if not _has_bad_bytes(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


# -- resolving ----------------------------------------------------------------------------------


def resolve_table(
    table: InputTable,
    registry: Registry,
    jobs: int = 1,
    progress: Progress | None = None,
    min_parallel: int = PARALLEL_MIN_NAMES,
    index: str | os.PathLike[str] | None = None,
) -> list[Outcome]:
    """One ``Outcome`` per row of ``table``, in order; each distinct query is resolved once.

    ``jobs > 1`` resolves in that many worker processes when there are at least
    ``min_parallel`` distinct queries; ``jobs = 0`` means one per CPU. ``index`` is a saved
    index of ``registry`` (``Resolver.save``) that every process loads instead of building one.
    """
    keys = table.distinct_keys()
    answers = resolve_keys(keys, registry, jobs, progress, min_parallel, index)
    return [
        answers[row.key] if row.key is not None else Outcome.failed(row.error or "unusable row")
        for row in table.rows
    ]


def resolve_keys(
    keys: Sequence[Key],
    registry: Registry,
    jobs: int = 1,
    progress: Progress | None = None,
    min_parallel: int = PARALLEL_MIN_NAMES,
    index: str | os.PathLike[str] | None = None,
) -> dict[Key, Outcome]:
    """The ``Outcome`` of each (name, country) query; see ``resolve_table`` for ``jobs``."""
    if jobs < 0:
        msg = f"jobs must be 0 (one per CPU) or more, got {jobs}"
        raise ValueError(msg)
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if progress is not None:
        progress.start(len(keys))
    try:
        if workers > 1 and len(keys) >= max(min_parallel, 2):
            outcomes = _resolve_in_workers(keys, registry, workers, progress, index)
        else:
            outcomes = _resolve_here(keys, _resolver(registry, index), progress)
    finally:
        if progress is not None:
            progress.finish()
    return dict(zip(keys, outcomes, strict=True))


def _resolver(registry: Registry, index: str | os.PathLike[str] | None) -> Resolver:
    from aliasres.resolve import Resolver

    return Resolver(registry) if index is None else Resolver.load(index, registry)


def _resolve_here(
    keys: Sequence[Key], resolver: Resolver, progress: Progress | None
) -> list[Outcome]:
    outcomes = []
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        with collector.paused():
            outcomes += [resolve_outcome(resolver, name, country) for name, country in chunk]
        if progress is not None:
            progress.advance(len(chunk))
    return outcomes


def _resolve_in_workers(
    keys: Sequence[Key],
    registry: Registry,
    workers: int,
    progress: Progress | None,
    index: str | os.PathLike[str] | None,
) -> list[Outcome]:
    size = max(1, min(CHUNK_SIZE, math.ceil(len(keys) / (workers * 4))))
    chunks = [list(keys[start : start + size]) for start in range(0, len(keys), size)]
    outcomes: list[Outcome] = []
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)),
        initializer=_start_worker,
        initargs=(registry, index),
    ) as pool:
        for chunk, answers in zip(chunks, pool.map(_resolve_chunk, chunks), strict=True):
            outcomes += answers
            if progress is not None:
                progress.advance(len(chunk))
    return outcomes


_worker_resolver: Resolver | None = None


def _start_worker(registry: Registry, index: str | os.PathLike[str] | None) -> None:
    """Worker initialiser: build (or load) this process's resolver once."""
    global _worker_resolver
    _worker_resolver = _resolver(registry, index)


def _resolve_chunk(chunk: list[Key]) -> list[Outcome]:
    resolver = _worker_resolver
    if resolver is None:  # pragma: no cover - the pool always runs the initialiser first
        msg = "worker used before its resolver was built"
        raise RuntimeError(msg)
    with collector.paused():
        return [resolve_outcome(resolver, name, country) for name, country in chunk]


def resolve_outcome(resolver: Resolver, name: str, country: str | None) -> Outcome:
    """Resolve one query into an output row; a name the library refuses (``QueryError``)
    becomes an error row. Batch files, Spark and DuckDB all fill their rows with this."""
    try:
        result = resolver.resolve(name, country=country, limit=1)
    except ValueError as error:  # QueryError is a ValueError
        return Outcome.failed(str(error))
    return Outcome.from_result(result)


# -- writing ------------------------------------------------------------------------------------


def output_columns(table: InputTable) -> tuple[str, ...]:
    """The input's columns followed by the result columns it does not already have."""
    return (*table.columns, *(c for c in RESULT_COLUMNS if c not in table.columns))


def output_rows(table: InputTable, outcomes: Sequence[Outcome]) -> Iterator[dict[str, object]]:
    """Each row's original fields updated with its result columns, in input order."""
    if len(outcomes) != len(table.rows):
        msg = f"{len(table.rows)} rows but {len(outcomes)} outcomes"
        raise ValueError(msg)
    for row, outcome in zip(table.rows, outcomes, strict=True):
        fields = dict(row.fields)
        fields.update(outcome.values())
        yield fields


def write_table(
    stream: IO[str],
    table: InputTable,
    outcomes: Sequence[Outcome],
    fmt: BatchFormat | None = None,
) -> None:
    """Write every row with its outcome to ``stream`` (opened with ``newline=""``)."""
    fmt = fmt or table.format
    columns = output_columns(table)
    rows = output_rows(table, outcomes)
    if fmt is BatchFormat.JSONL:
        for fields in rows:
            stream.write(json.dumps(fields, ensure_ascii=False) + "\n")
    elif fmt is BatchFormat.CSV:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for fields in rows:
            writer.writerow([_cell(fields.get(c)) for c in columns])
    else:
        stream.write("\t".join(_tsv_cell(c) for c in columns) + "\n")
        for fields in rows:
            stream.write("\t".join(_tsv_cell(_cell(fields.get(c))) for c in columns) + "\n")


def _cell(value: object) -> str:
    """A value as CSV/TSV text: strings as they are, no value as "", the rest as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.4f}"
    return json.dumps(value, ensure_ascii=False)


def _tsv_cell(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def write_table_file(
    path: str | os.PathLike[str],
    table: InputTable,
    outcomes: Sequence[Outcome],
    fmt: BatchFormat | None = None,
) -> None:
    """``write_table`` to ``path`` atomically: a temporary file in the same directory, then a
    rename over ``path``. On any failure (or Ctrl-C) the temporary file is removed and ``path``
    is left as it was."""
    with atomic_text_file(path) as stream:
        write_table(stream, table, outcomes, fmt)


# -- the whole run ------------------------------------------------------------------------------


def summarize(outcomes: Sequence[Outcome], distinct: int, seconds: float) -> BatchSummary:
    """Count a batch's outcomes."""
    decisions = [outcome.decision for outcome in outcomes]
    return BatchSummary(
        rows=len(outcomes),
        match=decisions.count("match"),
        ambiguous=decisions.count("ambiguous"),
        no_match=decisions.count("no_match"),
        errors=decisions.count(None),
        distinct=distinct,
        seconds=seconds,
    )


def run_batch(
    source: bytes | str | os.PathLike[str],
    output: str | os.PathLike[str] | IO[str],
    registry: Registry,
    *,
    input_format: BatchFormat | None = None,
    output_format: BatchFormat | None = None,
    column: str = "name",
    country_column: str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.perf_counter,
    index: str | os.PathLike[str] | None = None,
) -> BatchSummary:
    """Read ``source`` (a path, or the input's bytes), resolve it, write ``output``.

    ``output`` is a path, written atomically (``write_table_file``), or an open text stream,
    written as rows are formatted (no atomicity is possible there). The input format follows
    the extension of a ``source`` path unless ``input_format`` is given; the output format is
    ``output_format``, else the input's.
    """
    started = clock()
    if isinstance(source, bytes):
        if input_format is None:
            msg = "input_format is required when the input is given as bytes"
            raise BatchInputError(msg)
        table = read_table(source, input_format, column, country_column)
    else:
        table = read_table_file(source, input_format, column, country_column)
    outcomes = resolve_table(table, registry, jobs=jobs, progress=progress, index=index)
    if isinstance(output, (str, os.PathLike)):
        write_table_file(output, table, outcomes, output_format)
    else:
        write_table(output, table, outcomes, output_format)
    return summarize(outcomes, len(table.distinct_keys()), clock() - started)


__all__ = [
    "CHUNK_SIZE",
    "PARALLEL_MIN_NAMES",
    "RESULT_COLUMNS",
    "BatchFormat",
    "BatchInputError",
    "BatchSummary",
    "InputRow",
    "InputTable",
    "MissingColumnError",
    "Outcome",
    "Progress",
    "output_columns",
    "output_rows",
    "read_table",
    "read_table_file",
    "resolve_keys",
    "resolve_outcome",
    "resolve_table",
    "run_batch",
    "summarize",
    "write_table",
    "write_table_file",
]
