"""The batch engine: every row in, every row out, in order, each distinct name resolved once."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aliasres import Registry, batch
from aliasres.batch import (
    RESULT_COLUMNS,
    BatchFormat,
    BatchInputError,
    InputTable,
    MissingColumnError,
    Outcome,
    read_table,
    resolve_table,
    run_batch,
    write_table,
    write_table_file,
)

# A CSV with every kind of row the engine must survive: good, empty, duplicate, Arabic,
# undecodable, wrong field count, blank, bad country. Line numbers in comments.
MESSY_CSV = (
    b"name,country,ref\n"  # 1
    b"Okba Ibn Nafaa,TN,r1\n"  # 2
    b",TN,r2\n"  # 3 empty name
    b"JAK-T,,r3\n"  # 4
    b"Okba Ibn Nafaa,TN,r4\n"  # 5 duplicate of line 2
    + "كتيبة عقبة بن نافع,,r5\n".encode()  # 6 Arabic script
    + b"Jund al-Khilafa \xff\xfe,TN,r6\n"  # 7 not UTF-8
    b"too,many,fields,here\n"  # 8 malformed
    b"\n"  # 9 blank
    b"Okba Ibn Nafaa,Tunisia,r9\n"  # 10 not an ISO code
    b'"Ansar al-Sharia, Benghazi",ly,r10\n'  # 11 quoted comma, lower-case code
    b"JAK-T,,r11\n"  # 12 duplicate of line 4
)


@pytest.fixture(scope="module")
def registry(small_registry: Registry) -> Registry:
    return small_registry


def test_formats_follow_the_extension() -> None:
    """The extension names the format, case-insensitively; others name none."""
    assert BatchFormat.from_path("a/names.CSV") is BatchFormat.CSV
    assert BatchFormat.from_path("names.tsv") is BatchFormat.TSV
    assert BatchFormat.from_path("names.ndjson") is BatchFormat.JSONL
    assert BatchFormat.from_path("names.txt") is None


class TestReadCsv:
    def test_every_row_kept_in_order_with_its_line(self) -> None:
        """Bad rows keep their place; only the header is not a row."""
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        assert table.columns == ("name", "country", "ref")
        assert [row.line for row in table.rows] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

    def test_each_problem_row_says_why(self) -> None:
        """Empty names, bad bytes, bad field counts, blank lines and bad countries are errors."""
        rows = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country").rows
        errors = {row.line: row.error for row in rows if row.error}
        assert set(errors) == {3, 7, 8, 9, 10}
        assert errors[3] == "line 3: empty name"
        assert "not valid UTF-8" in (errors[7] or "")
        assert "4 fields where the header has 3" in (errors[8] or "")
        assert "'here'" in (errors[8] or "")  # the dropped value is named
        assert errors[9] == "line 9: blank line"
        assert "unknown country code 'Tunisia'" in (errors[10] or "")

    def test_good_rows_carry_their_query(self) -> None:
        """Arabic script, quoted commas and lower-case country codes come through."""
        rows = {
            row.line: row for row in read_table(MESSY_CSV, BatchFormat.CSV, "name", "country").rows
        }
        assert rows[2].key == ("Okba Ibn Nafaa", "TN")
        assert rows[4].key == ("JAK-T", None)
        assert rows[6].key == ("كتيبة عقبة بن نافع", None)
        assert rows[11].key == ("Ansar al-Sharia, Benghazi", "LY")

    def test_undecodable_bytes_become_replacement_characters(self) -> None:
        """The original fields of a bad row are kept, bad bytes shown as U+FFFD."""
        rows = read_table(MESSY_CSV, BatchFormat.CSV).rows
        bad = next(row for row in rows if row.line == 7)
        assert bad.fields["name"] == "Jund al-Khilafa \ufffd\ufffd"
        assert bad.fields["ref"] == "r6"

    def test_distinct_queries_once_in_first_seen_order(self) -> None:
        """Duplicates collapse; the country is part of the query."""
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        assert table.distinct_keys() == [
            ("Okba Ibn Nafaa", "TN"),
            ("JAK-T", None),
            ("كتيبة عقبة بن نافع", None),
            ("Ansar al-Sharia, Benghazi", "LY"),
        ]

    def test_byte_order_mark_tolerated(self) -> None:
        """A UTF-8 BOM does not end up in the first column's name."""
        table = read_table(b"\xef\xbb\xbfname\nJAK-T\n", BatchFormat.CSV)
        assert table.columns == ("name",)
        assert table.rows[0].key == ("JAK-T", None)

    def test_crlf_and_quoted_newlines(self) -> None:
        """Windows line ends work, and a quoted field may span lines (line = where it starts)."""
        table = read_table(b'name,ref\r\n"two\r\nlines",a\r\nJAK-T,b\r\n', BatchFormat.CSV)
        assert [row.line for row in table.rows] == [2, 4]
        assert table.rows[0].fields["name"] == "two\r\nlines"

    def test_missing_column_is_an_input_error(self) -> None:
        """A --column the header lacks stops the run before any work, naming the columns."""
        with pytest.raises(MissingColumnError, match=r"no column 'label'.*'name', 'country'"):
            read_table(b"name,country\nx,TN\n", BatchFormat.CSV, column="label")
        with pytest.raises(MissingColumnError) as caught:
            read_table(b"name\nx\n", BatchFormat.CSV, country_column="cc")
        assert caught.value.option == "--country-column"

    def test_unreadable_header_is_an_input_error(self) -> None:
        """A header that is not UTF-8 or repeats a name makes the file unusable."""
        with pytest.raises(BatchInputError, match="header is not valid UTF-8"):
            read_table(b"n\xffame\nx\n", BatchFormat.CSV)
        with pytest.raises(BatchInputError, match="duplicate column names in the header: a"):
            read_table(b"name,a,a\nx,1,2\n", BatchFormat.CSV)

    def test_empty_file_has_no_rows(self) -> None:
        table = read_table(b"", BatchFormat.CSV)
        assert table.rows == ()


class TestReadTsvAndJsonl:
    def test_tsv_fields_split_on_tabs_quotes_literal(self) -> None:
        """TSV has no quoting: a quote is part of the value."""
        table = read_table(b'name\tcc\n"Okba"\tTN\nJAK-T\n', BatchFormat.TSV, country_column="cc")
        assert table.rows[0].key == ('"Okba"', "TN")
        assert table.rows[1].error == "line 3: 1 fields where the header has 2"

    def test_jsonl_rows_and_their_errors(self) -> None:
        """Malformed JSON, non-objects, missing or non-string names: an error each, row kept."""
        data = (
            b'{"name": "JAK-T", "id": 1}\n'
            b"{not json\n"
            b"[1, 2]\n"
            b'{"id": 4}\n'
            b'{"name": 5}\n'
            b"\n"
            b'{"name": "  "}\n'
            b'{"name": "Okba \xff", "extra": true}\n'
            + '{"name": "كتيبة عقبة بن نافع", "cc": "tn"}\n'.encode()
        )
        table = read_table(data, BatchFormat.JSONL, country_column="cc")
        assert len(table.rows) == 9
        assert table.columns == ("name", "id", "extra", "cc")
        errors = [row.error for row in table.rows]
        assert errors[0] is None
        assert "line 2: not valid JSON" in (errors[1] or "")
        assert errors[2] == "line 3: expected a JSON object, got an array"
        assert errors[3] == "line 4: no 'name' field"
        assert errors[4] == "line 5: 'name' is a number, expected a string"
        assert errors[5] == "line 6: blank line"
        assert errors[6] == "line 7: empty name"
        assert "not valid UTF-8" in (errors[7] or "")
        assert table.rows[8].key == ("كتيبة عقبة بن نافع", "TN")

    def test_jsonl_missing_column_everywhere(self) -> None:
        """A name key no object has is a wrong --column, not a row error."""
        with pytest.raises(MissingColumnError):
            read_table(b'{"label": "x"}\n', BatchFormat.JSONL)


class TestResolve:
    def test_one_outcome_per_row_and_duplicates_resolved_once(
        self, registry: Registry, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Rows and outcomes line up; the resolver sees each distinct query once."""
        from aliasres.resolve import Resolver

        calls: list[tuple[str, str | None]] = []
        original = Resolver.resolve

        def counting(self: Resolver, name: str, country: str | None = None, limit: int = 5):  # type: ignore[no-untyped-def]
            calls.append((name, country))
            return original(self, name, country=country, limit=limit)

        monkeypatch.setattr(Resolver, "resolve", counting)
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        outcomes = resolve_table(table, registry)
        assert len(outcomes) == len(table.rows)
        assert sorted(calls, key=str) == sorted(table.distinct_keys(), key=str)
        by_line = {row.line: outcome for row, outcome in zip(table.rows, outcomes, strict=True)}
        assert by_line[2] == by_line[5]  # the duplicate gets the same answer
        assert by_line[2].decision == "match"
        assert by_line[2].group_id == "uqba-bin-nafi"
        assert by_line[2].canonical_name == "Uqba bin Nafi Battalion"
        assert by_line[6].group_id == "uqba-bin-nafi"  # Arabic script
        assert by_line[3].decision is None
        assert by_line[3].error == "line 3: empty name"

    def test_processes_give_the_same_answers(self, registry: Registry) -> None:
        """jobs=2 (forced into worker processes) equals jobs=1, row for row."""
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        alone = resolve_table(table, registry, jobs=1)
        pooled = resolve_table(table, registry, jobs=2, min_parallel=0)
        assert pooled == alone

    def test_a_saved_index_gives_the_same_answers_in_every_process(
        self, registry: Registry, tmp_path: Path
    ) -> None:
        from aliasres import Resolver

        index = tmp_path / "registry.index"
        Resolver(registry).save(index)
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        built = resolve_table(table, registry, jobs=1)
        assert resolve_table(table, registry, jobs=1, index=index) == built
        assert resolve_table(table, registry, jobs=2, min_parallel=0, index=index) == built

    def test_a_saved_index_of_other_names_is_refused(
        self, registry: Registry, tmp_path: Path
    ) -> None:
        from aliasres import IndexFileError, Registry, Resolver

        index = tmp_path / "other.index"
        Resolver(Registry.from_names({"x": ["Some Other Group"]})).save(index)
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        with pytest.raises(IndexFileError, match="another registry"):
            resolve_table(table, registry, jobs=1, index=index)

    def test_progress_reports_every_distinct_query(self, registry: Registry) -> None:
        """start(total), advances adding up to total, finish()."""
        events: list[tuple[str, int]] = []

        class Recorder:
            def start(self, total: int) -> None:
                events.append(("start", total))

            def advance(self, count: int) -> None:
                events.append(("advance", count))

            def finish(self) -> None:
                events.append(("finish", 0))

        table = read_table(MESSY_CSV, BatchFormat.CSV)
        resolve_table(table, registry, progress=Recorder())
        total = len(table.distinct_keys())
        assert events[0] == ("start", total)
        assert sum(n for kind, n in events if kind == "advance") == total
        assert events[-1] == ("finish", 0)

    def test_name_empty_after_normalisation_is_an_error(self, registry: Registry) -> None:
        """Punctuation alone cannot be resolved: an error, not a no-match."""
        table = read_table(b"name\n---\n", BatchFormat.CSV)
        (outcome,) = resolve_table(table, registry)
        assert outcome.decision is None
        assert outcome.error


def _outcomes(table: InputTable, registry: Registry) -> list[Outcome]:
    return resolve_table(table, registry)


class TestWrite:
    def test_csv_output_keeps_fields_and_order(self, registry: Registry) -> None:
        """Original columns first, then the result columns; one output row per input row."""
        table = read_table(MESSY_CSV, BatchFormat.CSV, country_column="country")
        stream = io.StringIO(newline="")
        write_table(stream, table, _outcomes(table, registry))
        rows = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
        assert list(rows[0]) == ["name", "country", "ref", *RESULT_COLUMNS]
        assert len(rows) == len(table.rows)
        assert [row["ref"] for row in rows] == [
            "r1", "r2", "r3", "r4", "r5", "r6", "fields", "", "r9", "r10", "r11"
        ]  # fmt: skip
        assert rows[0]["decision"] == "match"
        assert rows[0]["group_id"] == "uqba-bin-nafi"
        assert float(rows[0]["score"]) > 0.85
        assert rows[0]["error"] == ""
        assert rows[1]["decision"] == ""
        assert rows[1]["error"] == "line 3: empty name"
        assert rows[4]["name"] == "كتيبة عقبة بن نافع"

    def test_jsonl_output_parses_line_by_line(self, registry: Registry) -> None:
        """JSON Lines out: one object per row, scores as numbers, no value as null."""
        table = read_table(MESSY_CSV, BatchFormat.CSV)
        stream = io.StringIO(newline="")
        write_table(stream, table, _outcomes(table, registry), BatchFormat.JSONL)
        records = [json.loads(line) for line in stream.getvalue().splitlines()]
        assert len(records) == len(table.rows)
        assert isinstance(records[0]["score"], float)
        assert records[1]["decision"] is None
        assert records[1]["score"] is None
        assert "كتيبة" in stream.getvalue()  # not \u-escaped

    def test_tsv_output_flattens_tabs_and_newlines(self, registry: Registry) -> None:
        """A value with a line break (from a CSV input) cannot split a TSV record."""
        table = read_table(b'name,note\nJAK-T,"a\tb\nc"\n', BatchFormat.CSV)
        stream = io.StringIO(newline="")
        write_table(stream, table, _outcomes(table, registry), BatchFormat.TSV)
        lines = stream.getvalue().split("\n")
        assert lines[0].split("\t") == ["name", "note", *RESULT_COLUMNS]
        assert lines[1].split("\t")[:3] == ["JAK-T", "a b c", "match"]

    def test_result_columns_in_the_input_are_overwritten(self, registry: Registry) -> None:
        """Feeding an output back in gives the same columns, not duplicated ones."""
        table = read_table(b"name,decision,error\nJAK-T,old,old\n", BatchFormat.CSV)
        stream = io.StringIO(newline="")
        write_table(stream, table, _outcomes(table, registry))
        header, row = list(csv.reader(io.StringIO(stream.getvalue())))
        assert header == ["name", "decision", "error", "group_id", "canonical_name", "score",
                          "matched_alias"]  # fmt: skip
        assert row[1:3] == ["match", ""]


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


class TestAtomicWrite:
    def _failing_writer(self, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
        """Make writing raise after ``after`` rows have been written."""
        original = batch.output_rows

        def rows_then_crash(
            table: InputTable, outcomes: list[Outcome]
        ) -> Iterator[dict[str, object]]:
            for index, row in enumerate(original(table, outcomes)):
                if index == after:
                    raise KeyboardInterrupt
                yield row

        monkeypatch.setattr(batch, "output_rows", rows_then_crash)

    def test_interrupted_write_leaves_no_file(
        self, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ctrl-C mid-write: no output file, no temporary file."""
        table = read_table(MESSY_CSV, BatchFormat.CSV)
        outcomes = _outcomes(table, registry)
        self._failing_writer(monkeypatch, after=3)
        target = tmp_path / "out.csv"
        with pytest.raises(KeyboardInterrupt):
            write_table_file(target, table, outcomes)
        assert _files(tmp_path) == []

    def test_interrupted_write_keeps_the_old_file(
        self, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An existing output survives a failed rewrite byte for byte."""
        target = tmp_path / "out.csv"
        target.write_text("previous run\n", encoding="utf-8")
        table = read_table(MESSY_CSV, BatchFormat.CSV)
        outcomes = _outcomes(table, registry)
        self._failing_writer(monkeypatch, after=5)
        with pytest.raises(KeyboardInterrupt):
            write_table_file(target, table, outcomes)
        assert target.read_text(encoding="utf-8") == "previous run\n"
        assert _files(tmp_path) == ["out.csv"]

    def test_replacing_keeps_the_file_mode(self, registry: Registry, tmp_path: Path) -> None:
        """The new file takes the old one's permissions (not the temp file's 0600)."""
        target = tmp_path / "out.csv"
        target.write_text("old\n", encoding="utf-8")
        target.chmod(0o640)
        table = read_table(b"name\nJAK-T\n", BatchFormat.CSV)
        write_table_file(target, table, _outcomes(table, registry))
        assert target.stat().st_mode & 0o777 == 0o640
        assert target.read_text(encoding="utf-8").startswith("name,decision")

    def test_new_file_gets_the_umask_mode(self, registry: Registry, tmp_path: Path) -> None:
        umask = os.umask(0o022)
        os.umask(umask)
        target = tmp_path / "new.csv"
        table = read_table(b"name\nJAK-T\n", BatchFormat.CSV)
        write_table_file(target, table, _outcomes(table, registry))
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask


class TestRunBatch:
    def test_summary_counts_every_row_once(self, registry: Registry, tmp_path: Path) -> None:
        """rows = match + ambiguous + no_match + errors; duplicates counted per row."""
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV + b"Ansar al-Sharia,,r12\nZzyzx Quorble,,r13\n")
        target = tmp_path / "out.jsonl"
        summary = run_batch(
            source, target, registry, output_format=BatchFormat.JSONL, country_column="country"
        )
        records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        assert summary.rows == len(records) == 13
        assert summary.errors == 5
        assert summary.ambiguous == 1  # bare "Ansar al-Sharia": Tunisia or Benghazi
        assert summary.no_match >= 1  # "Zzyzx Quorble"
        assert summary.match + summary.ambiguous + summary.no_match + summary.errors == 13
        assert summary.distinct == 6
        assert str(summary).startswith(f"rows=13 match={summary.match} ambiguous=1 ")
        assert "rows/s=" in str(summary)
        assert _files(tmp_path) == ["names.csv", "out.jsonl"]

    def test_bytes_and_a_stream(self, registry: Registry) -> None:
        """Input as bytes, output to an open stream (standard output in the CLI)."""
        stream = io.StringIO(newline="")
        summary = run_batch(
            b'{"name": "JAK-T"}\n', stream, registry, input_format=BatchFormat.JSONL
        )
        assert summary.match == 1
        assert json.loads(stream.getvalue())["group_id"] == "jak-t"

    def test_unknown_extension_needs_a_format(self, registry: Registry, tmp_path: Path) -> None:
        source = tmp_path / "names.txt"
        source.write_text("name\nJAK-T\n", encoding="utf-8")
        with pytest.raises(BatchInputError, match="cannot tell the format"):
            run_batch(source, io.StringIO(), registry)
