"""The ``aliasres`` command line: a thin layer over the library.

Each command parses its arguments, calls the public API (``Registry``, ``Resolver``,
``normalize``, ``aliasres.batch``, the OFAC importer) and formats what comes back. Heavy
modules are imported inside the commands, so ``aliasres --help`` starts fast. Library errors
become one ``Error: ...`` line on stderr at a single boundary (``_Group.invoke``); ``--debug``
lets the traceback through instead.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from aliasres.batch import BatchFormat
    from aliasres.errors import RegistryError
    from aliasres.model import Group
    from aliasres.normalize import NormalizedName, Token
    from aliasres.registry import Registry
    from aliasres.resolve import Candidate, Resolver, Result
    from aliasres.scan import Mention

EXIT_CODES = """\b
Exit status:
  0  success; for resolve, every name got an answer (match or ambiguous)
  1  a negative answer to the question asked: resolve found no match for
     some name, validate found the registry invalid, show found no such id;
     or the input or registry could not be read (one line on stderr)
  2  usage error (unknown option, bad value, missing file)
batch exits 0 whatever the decisions: row problems go in its 'error' column.

Set ALIASRES_REGISTRY instead of --registry, ALIASRES_INDEX instead of --index;
set NO_COLOR to turn colour off.
"""

DECISION_COLOURS = {"match": "green", "ambiguous": "yellow", "no_match": "red"}


# -- the command group and its error boundary ------------------------------------------------


class _State:
    """What the group's options give every command: the registry, loaded on first use."""

    def __init__(
        self, registry_path: Path | None, debug: bool, index_path: Path | None = None
    ) -> None:
        self.registry_path = registry_path
        self.index_path = index_path
        self.debug = debug
        self._registry: Registry | None = None
        self._resolver: Resolver | None = None

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            from aliasres.registry import Registry

            self._registry = Registry.load(self.registry_path)
        return self._registry

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            registry = self.registry  # a bad registry is reported before anything else
            from aliasres.resolve import Resolver

            if self.index_path is not None:
                self._resolver = Resolver.load(self.index_path, registry)
            else:
                self._resolver = Resolver(registry)
        return self._resolver


class _Group(click.Group):
    """A click group that turns library errors into one line on stderr (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except Exception as error:
            passes = (click.exceptions.Exit, click.Abort, BrokenPipeError)  # click handles these
            if ctx.params.get("debug") or isinstance(error, passes):
                raise
            raise click.ClickException(_describe(error)) from error


def _describe(error: Exception) -> str:
    """One line saying what went wrong, for any exception a command lets through."""
    from aliasres.errors import AliasresError, RegistryError

    if isinstance(error, RegistryError):
        return _registry_error_line(error)
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    if isinstance(error, (AliasresError, ValueError, OSError, ImportError)):
        return _first_line(str(error)) or type(error).__name__
    detail = _first_line(str(error))
    return (
        f"internal error: {type(error).__name__}{': ' + detail if detail else ''}"
        " (run with --debug for the traceback)"
    )


def _registry_error_line(error: RegistryError) -> str:
    problems = error.problems
    if not problems:
        return _first_line(str(error))
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    source = re.sub(r"(:\d+)+$", "", first.location)  # file:line:column -> file
    return f"invalid registry: {first}{more}; run 'aliasres validate {source}' for every problem"


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip()


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _country_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Check a --country value: an ISO 3166-1 alpha-2 code, any case."""
    if value is None:
        return None
    from aliasres.countries import is_country_code

    code = value.strip().upper()
    if not is_country_code(code):
        msg = f"{value!r} is not an ISO 3166-1 alpha-2 country code (such as TN, DZ, LY)"
        raise click.BadParameter(msg)
    return code


def _country_hint_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--country",
        "-c",
        metavar="CC",
        callback=_country_option,
        help="Country hint, ISO 3166-1 alpha-2 (TN, DZ...): favours groups active there.",
    )(function)


def _format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format; json writes one JSON object per line.",
    )


@click.group(
    cls=_Group, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--registry",
    "registry_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="ALIASRES_REGISTRY",
    help="Registry YAML file to use instead of the packaged one (env: ALIASRES_REGISTRY).",
)
@click.option(
    "--index",
    "index_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="ALIASRES_INDEX",
    help="Index saved by 'aliasres save-index' for this registry: start without building one"
    " (env: ALIASRES_INDEX).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.version_option(package_name="aliasres", prog_name="aliasres", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context, registry_path: Path | None, index_path: Path | None, debug: bool
) -> None:
    """Resolve militant-group names, in every spelling, to a canonical registry.

    \b
    Examples:
      aliasres resolve "Okba Ibn Nafaa" "كتيبة عقبة بن نافع" JAK-T
      aliasres explain "Ansar al-Charia" --country TN
      aliasres batch names.csv -o resolved.csv --country-column country
      aliasres show uqba-bin-nafi
    """
    ctx.obj = _State(registry_path, debug, index_path)
    if os.environ.get("NO_COLOR"):
        ctx.color = False
    handler = _EchoHandler()
    logging.getLogger("aliasres").addHandler(handler)
    ctx.call_on_close(lambda: logging.getLogger("aliasres").removeHandler(handler))


class _EchoHandler(logging.Handler):
    """Library warnings (the OFAC importer logs some) as ``warning: ...`` lines on stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _state() -> _State:
    state = click.get_current_context().find_object(_State)
    if state is None:  # pragma: no cover - the group always sets it
        return _State(None, False)
    return state


# -- resolve -------------------------------------------------------------------------------------


@cli.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_country_hint_option
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Candidates kept per name (JSON lists them).",
)
@_format_option("text", "json")
def resolve(names: tuple[str, ...], country: str | None, limit: int, output_format: str) -> None:
    """Resolve names to registry groups, one line per name.

    NAME '-' reads names from standard input, one per line (blank lines are skipped).
    Text lines read: decision, query, group id (canonical name), score, matched alias;
    an ambiguous name lists its rivals, a name without a match its closest candidate.
    JSON gives the full result of each name, one object per line.

    Exits 1 when any name gets no match (NO_MATCH), 0 when every name is matched or
    ambiguous.

    \b
    Examples:
      aliasres resolve "Okba Ibn Nafaa" JAK-T "كتيبة عقبة بن نافع"
      aliasres resolve --country TN --format json "Ansar al-Sharia"
      cut -d, -f1 names.csv | aliasres resolve -
    """
    queries = list(_expand_stdin(names))
    resolver = _state().resolver
    results = resolver.resolve_many(queries, country=country, limit=limit)
    for result in results:
        if output_format == "json":
            click.echo(_json_line(result.to_dict()))
        else:
            click.echo(_result_line(result))
    if any(result.decision.value == "no_match" for result in results):
        sys.exit(1)


def _expand_stdin(names: Iterable[str]) -> Iterator[str]:
    """The names, with '-' replaced by the lines of standard input (read once)."""
    read = False
    for name in names:
        if name != "-":
            yield name
        elif not read:
            read = True
            yield from _stdin_names()


def _stdin_names() -> list[str]:
    data = _read_stdin()
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        _fail(
            f"standard input is not UTF-8 (line {line}, byte {error.start}); convert it, or use"
            " 'aliasres batch', which flags bad rows instead of stopping"
        )
    return [line.strip() for line in text.split("\n") if line.strip()]


def _result_line(result: Result) -> str:
    decision = result.decision.value
    head = f"{click.style(f'{decision:<9}', fg=DECISION_COLOURS[decision])} {result.query}"
    best = result.best
    if best is None:
        return f"{head}  ({result.note or 'nothing in the registry resembles it'})"
    label = "" if decision != "no_match" else "closest: "
    line = f"{head}  ->  {label}{_candidate_text(best)}"
    if result.rivals:
        line += "; rivals: " + ", ".join(_candidate_text(c, alias=False) for c in result.rivals)
    return line


def _candidate_text(candidate: Candidate, alias: bool = True) -> str:
    group_id = click.style(candidate.group.id, bold=True)
    text = f"{group_id} ({candidate.group.name}) {candidate.score:.3f}"
    if alias:
        text += f" via {_quote(candidate.matched_alias)}"
    return text


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _json_line(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


# -- scan --------------------------------------------------------------------------------------


@cli.command("scan")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
@click.option(
    "--country",
    "-c",
    metavar="CC",
    callback=_country_option,
    help="Country the texts are about, ISO 3166-1 alpha-2 (TN, DZ...): decides between "
    "sibling groups [default: the countries each text names most often].",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "jsonl", "csv"]),
    default="text",
    show_default=True,
    help="Output format: one line per mention; jsonl adds candidates and notes.",
)
@click.option(
    "--highlight",
    is_flag=True,
    help="Text format: print each text with its mentions marked [like this](group-id), "
    "in colour on a terminal, instead of one line per mention.",
)
def scan_command(
    files: tuple[str, ...], country: str | None, output_format: str, highlight: bool
) -> None:
    """Find the group names in texts (articles, posts) and resolve each one.

    FILE '-' reads standard input. Texts are read as UTF-8; offsets are character offsets
    into the text as read (text[start:end] is the mention). Mentions never overlap: the
    longest name wins ("Ansar al-Sharia in Tunisia", not "Ansar al-Sharia" + "Tunisia").
    Acronyms the text defines ("Jund al-Khilafah in Tunisia (JAK-T)") apply to their later
    uses, and an ambiguous name is decided by the country the text is about when it can be.

    Text lines read: file:start-end, decision, group id (canonical name) or the ambiguous
    candidates, then the mention as written. csv has the columns file, start, end, text,
    decision, group_id, name, score, via; jsonl one object per mention with its candidates.

    Exits 0 when every file was scanned, whatever was found; 1 when a file cannot be read.

    \b
    Examples:
      aliasres scan article.txt
      aliasres scan --country TN --format jsonl news/*.txt > mentions.jsonl
      cat story.txt | aliasres scan - --highlight
    """
    from aliasres.scan import default_scanner

    scanner = default_scanner(_state().resolver)
    writer: Any = None  # a csv writer
    if output_format == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(
            ["file", "start", "end", "text", "decision", "group_id", "name", "score", "via"]
        )
    for path in files:
        text = _read_text(path)
        mentions = scanner.scan(text, country=country)
        if output_format == "text" and highlight:
            click.echo(_highlighted(text, mentions))
            continue
        for mention in mentions:
            data = mention.to_dict()
            if writer is not None:
                row = [path, *(data[k] for k in ("start", "end", "text", "decision"))]
                row += [data["group_id"] or "", data["name"] or "", data["score"], data["via"]]
                writer.writerow(row)
            elif output_format == "jsonl":
                click.echo(_json_line({"file": path, **data}))
            else:
                click.echo(_mention_line(path, mention))


def _read_text(path: str) -> str:
    data = _read_stdin() if path == "-" else Path(path).read_bytes()
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        what = "standard input" if path == "-" else path
        line = data[: error.start].count(b"\n") + 1
        _fail(f"{what} is not UTF-8 (line {line}, byte {error.start}); convert it first")


def _mention_line(path: str, mention: Mention) -> str:
    decision = mention.decision.value
    head = f"{path}:{mention.start}-{mention.end}\t"
    head += click.style(f"{decision:<9}", fg=DECISION_COLOURS[decision])
    group = mention.group
    if group is not None:
        target = f"{click.style(group.id, bold=True)} ({group.name}) {mention.score:.3f}"
    else:
        target = "one of " + ", ".join(c.group.id for c in mention.candidates)
    return f"{head}\t{target}\t{_quote(mention.text)}"


def _highlighted(text: str, mentions: Sequence[Mention]) -> str:
    parts: list[str] = []
    cursor = 0
    for mention in mentions:
        parts.append(text[cursor : mention.start])
        colour = DECISION_COLOURS[mention.decision.value]
        label = mention.group_id or "?" + "|".join(c.group.id for c in mention.candidates[:3])
        parts.append(click.style(f"[{mention.text}]", fg=colour, bold=True))
        parts.append(click.style(f"({label})", dim=True))
        cursor = mention.end
    parts.append(text[cursor:])
    return "".join(parts)


# -- explain and normalize -----------------------------------------------------------------------


@cli.command()
@click.argument("name")
@_country_hint_option
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="How many top candidates to break down.",
)
@_format_option("text", "json")
def explain(name: str, country: str | None, limit: int, output_format: str) -> None:
    """Show how a name is normalised and why the top candidates score what they do.

    The normalisation part lists the rules and lexicon entries that fired, the tokens with
    their kind, lexicon weight and weight in this registry, their phonetic keys, and the
    acronyms. Each candidate then shows the token pairs, the score's components and the
    matched alias.

    \b
    Examples:
      aliasres explain "Okba Ibn Nafaa"
      aliasres explain "Ansar al-Sharia" --country LY --limit 4
    """
    resolver = _state().resolver
    result = resolver.resolve(name, country=country, limit=limit)
    if output_format == "json":
        data = {
            "normalized": _normalized_dict(result.normalized, resolver.weight),
            "result": result.to_dict(),
        }
        click.echo(_json_line(data))
        return
    click.echo(f"query: {name}" + (f"  (country hint {country})" if country else ""))
    for line in _normalized_lines(result.normalized, resolver.weight):
        click.echo(line)
    click.echo(_result_line(result))
    if result.note and result.best is not None:  # without candidates the line above says it
        click.echo(f"note: {result.note}")
    if not result.candidates:
        click.echo("candidates: none")
    for rank, candidate in enumerate(result.candidates, start=1):
        group_id = click.style(candidate.group.id, bold=True)
        click.echo(f"{rank}. {group_id} ({candidate.group.name}) score {candidate.score:.3f}")
        for line in candidate.explanation.lines():
            click.echo(f"   {line}")


@cli.command("normalize")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@_format_option("text", "json")
def normalize_command(names: tuple[str, ...], output_format: str) -> None:
    """Print the normalised form, tokens and matching keys of each name.

    The keys are what the index and the scorer compare: use them to see why two spellings
    meet or not. NAME '-' reads names from standard input, one per line.

    \b
    Examples:
      aliasres normalize "Okba Ibn Nafaa" "كتيبة عقبة بن نافع"
      aliasres normalize --format json "Ansar al-Chariaa"
    """
    from aliasres.normalize import normalize

    for index, name in enumerate(_expand_stdin(names)):
        normalized = normalize(name)
        if output_format == "json":
            click.echo(_json_line(_normalized_dict(normalized)))
            continue
        if index:
            click.echo()
        click.echo(name)
        for line in _normalized_lines(normalized):
            click.echo(line)


def _normalized_lines(
    normalized: NormalizedName, weight: Callable[[Token], float] | None = None
) -> list[str]:
    """A readable account of a normalised name, one fact per line."""
    lines = [
        f"  folded: {normalized.folded or '(empty)'}",
        f"  script: {normalized.script or '-'}",
        f"  key: {normalized.key or '(empty)'}",
        f"  core key: {normalized.core_key or '(empty)'}",
        f"  key variants: {' | '.join(normalized.key_variants[1:]) or '-'}",
        f"  acronym: {normalized.acronym or '-'}",
        f"  initials: {', '.join(normalized.acronyms) or '-'}",
        f"  countries: {', '.join(normalized.countries) or '-'}",
        "  tokens:" if normalized.tokens else "  tokens: none",
    ]
    width = max((len(token.text) for token in normalized.tokens), default=0)
    for token in normalized.tokens:
        parts = [
            f"{token.text:<{width}}",
            f"key {token.key}",
            f"alt {_alternates(token) or '-'}",
            f"{token.kind.value}",
            f"weight {token.weight:.2f}",
        ]
        if weight is not None:
            parts.append(f"in registry {weight(token):.2f}")
        if token.concept is not None:
            parts.append(f"concept {token.concept}")
        lines.append("    " + "  ".join(parts))
    lines.append("  rules:" if normalized.trace else "  rules: none")
    lines += [f"    {rule}" for rule in normalized.trace]
    return lines


def _alternates(token: Token) -> str:
    """Alternate keys with the reading behind each: ``ZLF (de), GLF (eg)``."""
    readings = (*token.alt_readings, *[""] * len(token.alt_keys))
    return ", ".join(
        f"{key} ({reading})" if reading else key
        for key, reading in zip(token.alt_keys, readings, strict=False)
    )


def _normalized_dict(
    normalized: NormalizedName, weight: Callable[[Token], float] | None = None
) -> dict[str, object]:
    tokens = []
    for token in normalized.tokens:
        entry: dict[str, object] = {
            "text": token.text,
            "key": token.key,
            "alt_keys": list(token.alt_keys),
            "alt_readings": list(token.alt_readings),
            "kind": token.kind.value,
            "weight": round(token.weight, 4),
            "concept": token.concept,
            "identity": token.identity,
        }
        if weight is not None:
            entry["registry_weight"] = round(weight(token), 4)
        tokens.append(entry)
    return {
        "original": normalized.original,
        "folded": normalized.folded,
        "script": normalized.script,
        "key": normalized.key,
        "core_key": normalized.core_key,
        "key_variants": list(normalized.key_variants),
        "acronym": normalized.acronym,
        "acronyms": list(normalized.acronyms),
        "countries": list(normalized.countries),
        "tokens": tokens,
        "trace": list(normalized.trace),
        "is_empty": normalized.is_empty,
    }


# -- batch -------------------------------------------------------------------------------------


FORMAT_CHOICE = click.Choice(["csv", "tsv", "jsonl"])


@cli.command()
@click.argument(
    "input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Output file, written atomically; standard output when omitted.",
)
@click.option("--column", default="name", show_default=True, help="Column holding the names.")
@click.option("--country-column", help="Column holding a country hint per row (ISO alpha-2).")
@click.option(
    "--format",
    "-f",
    "output_format",
    type=FORMAT_CHOICE,
    help="Output format [default: from -o's extension, else the input's].",
)
@click.option(
    "--input-format",
    type=FORMAT_CHOICE,
    help="Input format [default: from INPUT's extension; needed for '-'].",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU); used from 2,000 distinct names on.",
)
def batch(
    input_path: str,
    output: Path | None,
    column: str,
    country_column: str | None,
    output_format: str | None,
    input_format: str | None,
    jobs: int,
) -> None:
    """Resolve a CSV, TSV or JSON Lines file of names.

    Every input row comes out, in input order, with its original fields followed by
    decision, group_id, canonical_name, score, matched_alias and error. Each distinct
    (name, country) is resolved once. A row that cannot be resolved (empty name, bytes
    that are not UTF-8, JSON that does not parse, wrong field count, unknown country code)
    keeps its place and says why in 'error'. group_id and canonical_name are filled for
    matches only; score and matched_alias describe the best candidate.

    With -o the output appears only once complete (a temporary file in the same directory,
    then a rename), so an interrupted run leaves no partial file; on standard output rows
    are streamed and no such guarantee is possible. A progress bar shows on stderr when it
    is a terminal, and a summary line always ends the run:
    rows=... match=... ambiguous=... no_match=... errors=... distinct=... rows/s=...

    Exits 0 when the file was processed, whatever the decisions (row problems go in
    'error'); 1 when the input cannot be read; 2 when a column is missing.

    \b
    Examples:
      aliasres batch names.csv -o resolved.csv
      aliasres batch names.jsonl --column label --country-column cc -o out.jsonl
      aliasres batch big.tsv -o big.resolved.tsv --jobs 4
      cat names.csv | aliasres batch - --input-format csv --format jsonl
    """
    from aliasres.batch import BatchFormat, MissingColumnError, run_batch

    in_format = _batch_format(input_format) or (
        None if input_path == "-" else BatchFormat.from_path(input_path)
    )
    if in_format is None:
        what = "standard input" if input_path == "-" else repr(input_path)
        msg = f"cannot tell the format of {what}; pass --input-format csv, tsv or jsonl"
        raise click.UsageError(msg)
    out_format = (
        _batch_format(output_format)
        or (BatchFormat.from_path(output) if output is not None else None)
        or in_format
    )
    if output is not None and not output.parent.is_dir():
        msg = f"directory {str(output.parent)!r} does not exist"
        raise click.BadParameter(msg, param_hint="'--output'")
    source = _read_stdin() if input_path == "-" else Path(input_path)
    registry = _state().registry
    try:
        with contextlib.ExitStack() as stack:
            progress = stack.enter_context(_progress_bar())
            target = output if output is not None else stack.enter_context(_stdout_text())
            summary = run_batch(
                source,
                target,
                registry,
                input_format=in_format,
                output_format=out_format,
                column=column,
                country_column=country_column,
                jobs=jobs,
                progress=progress,
                index=_state().index_path,
            )
    except MissingColumnError as error:
        raise click.BadParameter(str(error), param_hint=f"'{error.option}'") from error
    click.echo(str(summary), err=True)


def _batch_format(value: str | None) -> BatchFormat | None:
    from aliasres.batch import BatchFormat

    return None if value is None else BatchFormat(value)


class _ClickProgress:
    """``aliasres.batch.Progress`` drawn with ``click.progressbar`` on a terminal's stderr."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int) -> None:
        self._bar = click.progressbar(
            length=total, label="resolving", file=sys.stderr, show_pos=True
        )
        self._bar.__enter__()

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _binary(stream: IO[str]) -> IO[bytes]:
    binary: IO[bytes] | None = getattr(stream, "buffer", None)
    if binary is None:
        msg = f"{getattr(stream, 'name', 'a standard stream')} has no binary buffer"
        raise OSError(msg)
    return binary


def _read_stdin() -> bytes:
    return _binary(sys.stdin).read()


@contextlib.contextmanager
def _progress_bar() -> Iterator[_ClickProgress | None]:
    """A progress bar on stderr when it is a terminal; None (no bar) otherwise."""
    progress = _ClickProgress() if sys.stderr.isatty() else None
    try:
        yield progress
    finally:
        if progress is not None:
            progress.finish()


@contextlib.contextmanager
def _stdout_text() -> Iterator[IO[str]]:
    """Standard output as UTF-8 text with untranslated newlines, whatever the platform."""
    sys.stdout.flush()
    stream = io.TextIOWrapper(_binary(sys.stdout), encoding="utf-8", newline="", write_through=True)
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()


# -- validate and import-ofac --------------------------------------------------------------------


@cli.command()
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--strict", is_flag=True, help="Treat warnings (shared aliases) as errors.")
def validate(file: Path | None, strict: bool) -> None:
    """Check a registry file: the packaged one, --registry's, or FILE.

    Every problem is printed on stderr as file:line: field: code: message, and the exit
    status is 1. Warnings (an alias several groups share, which resolves as ambiguous)
    are printed too, but leave the status 0 unless --strict.

    \b
    Examples:
      aliasres validate
      aliasres validate data/aliases.yaml --strict
    """
    from aliasres.errors import RegistryError
    from aliasres.registry import Registry, packaged_registry_path

    path = file or _state().registry_path or packaged_registry_path()
    try:
        registry = Registry.load(path)
    except RegistryError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        count = len(error.problems)
        click.echo(f"{path}: invalid, {count} problem{'s' if count != 1 else ''}", err=True)
        sys.exit(1)
    warnings = registry.validate()
    for problem in warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(
        f"{path}: valid, {len(registry)} groups, {registry.alias_count()} names,"
        f" {len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    )
    if strict and warnings:
        sys.exit(1)


@cli.command("save-index")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def save_index(file: Path) -> None:
    """Build the index of the registry and save it to FILE (atomically).

    Later runs, and workers of a pipeline, read it with --index FILE (or
    Resolver.load) instead of normalising every registry name again. A saved index
    is refused, with the reason, once the registry or aliasres changes: save it again.

    \b
    Examples:
      aliasres save-index registry.index
      aliasres --index registry.index batch names.csv -o resolved.csv
    """
    from aliasres.resolve import Resolver

    state = _state()
    resolver = Resolver(state.registry)
    resolver.save(file)
    size = file.stat().st_size / 2**20
    click.echo(f"{file}: index of {len(resolver.index):,} names saved ({size:.1f} MB)")


@cli.command("import-ofac")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Registry file to write (atomically); '-' for standard output.",
)
@click.option(
    "--merge",
    "merge_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Registry file to merge the import into (curated groups keep their fields).",
)
@click.option("--snapshot-date", metavar="DATE", help="Date of the SDN files (YYYY-MM-DD).")
def import_ofac(
    directory: Path, output: Path, merge_path: Path | None, snapshot_date: str | None
) -> None:
    """Build a registry from the OFAC SDN list's SDGT/FTO organisations.

    DIRECTORY holds the legacy SDN CSV files (sdn.csv, alt.csv, add.csv, sdn_comments.csv).
    With --merge, the import is folded into that registry file: curated groups absorb
    their OFAC entry, earlier imports are replaced. The result is validated before it is
    written; the output may be the --merge file itself, and keeps the comment block at the
    top of the file it replaces.

    \b
    Examples:
      aliasres import-ofac sdn/ -o ofac.yaml
      aliasres import-ofac sdn/ --merge data/aliases.yaml -o data/aliases.yaml
    """
    from aliasres.atomic import write_atomic
    from aliasres.importers.ofac import import_ofac as run_import
    from aliasres.importers.ofac import merge, render_registry
    from aliasres.registry import Registry

    imported = run_import(directory, snapshot_date=snapshot_date)
    registry = imported
    if merge_path is not None:
        registry = merge(Registry.load(merge_path), imported)
    replaced = output if str(output) != "-" and output.is_file() else merge_path
    previous = replaced.read_text(encoding="utf-8") if replaced is not None else None
    text = render_registry(registry, previous)  # keeps the replaced file's comment header
    Registry.from_yaml(text, str(output))  # never write a file 'validate' would refuse
    if str(output) == "-":
        with _stdout_text() as stdout:
            stdout.write(text)
    else:
        write_atomic(output, text)
    merged = f", merged into {merge_path}" if merge_path is not None else ""
    click.echo(
        f"imported {len(imported)} OFAC groups{merged}: {len(registry)} groups,"
        f" {registry.alias_count()} names written to {output}",
        err=True,
    )


# -- browsing: groups and show -------------------------------------------------------------------


@cli.command()
@_country_hint_option
@_format_option("text", "json")
def groups(country: str | None, output_format: str) -> None:
    """List the registry's groups: id, canonical name, countries, number of names.

    \b
    Examples:
      aliasres groups
      aliasres groups --country TN
      aliasres --registry ofac.yaml groups --format json
    """
    registry = _state().registry
    selected = registry.in_country(country) if country else tuple(registry)
    if output_format == "json":
        for group in selected:
            click.echo(_json_line(_group_summary(group)))
        return
    width = max((len(group.id) for group in selected), default=0)
    for group in selected:
        countries = ",".join(group.countries) or "-"
        group_id = click.style(f"{group.id:<{width}}", bold=True)
        click.echo(f"{group_id}  {group.name}  [{countries}]  {len(group.names)} names")


def _group_summary(group: Group) -> dict[str, object]:
    return {
        "id": group.id,
        "name": group.name,
        "countries": list(group.countries),
        "names": len(group.names),
        "curated": group.curated,
    }


@cli.command()
@click.argument("group_id", metavar="ID")
@_format_option("text", "json")
def show(group_id: str, output_format: str) -> None:
    """Show one group: names (Arabic ones too), countries, relations, sources, notes.

    Relations are listed both ways: 'branch_of aqim' on the branch, 'has_branch_of x' on
    the group it belongs to. An unknown ID exits 1 and suggests close ids.

    \b
    Examples:
      aliasres show uqba-bin-nafi
      aliasres show jund-al-khilafah-tunisia --format json
    """
    registry = _state().registry
    group = registry.get(group_id)
    if group is None:
        close = difflib.get_close_matches(group_id, [g.id for g in registry], n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; 'aliasres groups' lists them"
        _fail(f"no group with id {group_id!r}{hint}")
    if output_format == "json":
        click.echo(_json_line(_group_dict(registry, group)))
        return
    for line in _group_lines(registry, group):
        click.echo(line)


def _group_dict(registry: Registry, group: Group) -> dict[str, object]:
    sources = dict.fromkeys(
        [*group.sources, *(s for a in group.aliases for s in a.sources)]
        + [s for r in group.relations for s in r.sources]
    )
    return {
        "id": group.id,
        "name": group.name,
        "curated": group.curated,
        "aliases": [
            {
                "text": alias.text,
                "kind": alias.kind.value,
                "lang": alias.lang,
                "script": alias.script,
                "sources": list(alias.sources),
            }
            for alias in group.aliases
        ],
        "arabic_names": list(group.arabic_names),
        "countries": list(group.countries),
        "relations": [
            {"type": kind, "id": other.id, "name": other.name}
            for kind, other in registry.related_to(group.id)
        ],
        "external_ids": dict(group.external_ids),
        "active_from": group.active_from,
        "active_to": group.active_to,
        "sources": [_source_dict(registry, source_id) for source_id in sources],
        "notes": group.notes,
    }


def _source_dict(registry: Registry, source_id: str) -> dict[str, object]:
    source = registry.source(source_id)
    if source is None:
        return {"id": source_id}
    return {
        "id": source.id,
        "kind": source.kind.value,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.date,
        "reference": source.reference,
        "url": source.url,
    }


def _group_lines(registry: Registry, group: Group) -> list[str]:
    data = _group_dict(registry, group)
    lines = [f"{click.style(group.id, bold=True)}  {group.name}"]
    lines.append(f"  curated: {'yes' if group.curated else 'no'}")
    lines.append(f"  countries: {', '.join(group.countries) or '-'}")
    if group.active_from is not None or group.active_to is not None:
        lines.append(f"  active: {group.active_from or '?'}-{group.active_to or ''}")
    lines.append(f"  aliases ({len(group.aliases)}):" if group.aliases else "  aliases: none")
    for alias in group.aliases:
        facts = ", ".join(x for x in (alias.kind.value, alias.lang, alias.script) if x)
        cited = f" [{', '.join(alias.sources)}]" if alias.sources else ""
        lines.append(f"    {alias.text}  ({facts}){cited}")
    if group.arabic_names:
        lines.append("  arabic names:")
        lines += [f"    {text}" for text in group.arabic_names]
    related = registry.related_to(group.id)
    lines.append("  relations:" if related else "  relations: none")
    lines += [f"    {kind} {other.id} ({other.name})" for kind, other in related]
    if group.external_ids:
        ids = ", ".join(f"{key}={value}" for key, value in group.external_ids.items())
        lines.append(f"  external ids: {ids}")
    sources = data["sources"]
    assert isinstance(sources, list)
    lines.append("  sources:" if sources else "  sources: none")
    for source in sources:
        keys = ("kind", "title", "publisher", "date", "reference", "url")
        details = "; ".join(str(source[k]) for k in keys if source.get(k))
        lines.append(f"    {source['id']}: {details}" if details else f"    {source['id']}")
    if group.notes:
        lines.append(f"  notes: {' '.join(group.notes.split())}")
    return lines


# -- entry point ---------------------------------------------------------------------------------


def _utf8_stdio() -> None:
    """UTF-8 on standard output and error on every platform (Windows pipes default to the
    ANSI code page), so Arabic names print as themselves."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower() not in {
            "utf-8",
            "utf8",
        }:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> None:
    """The console script ``aliasres`` (and ``python -m aliasres``)."""
    _utf8_stdio()
    cli.main(args=list(argv) if argv is not None else None, prog_name="aliasres")


__all__ = ["cli", "main"]
