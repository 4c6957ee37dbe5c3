"""The command line: each command through click's CliRunner, a few as real subprocesses."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aliasres import Registry
from aliasres.cli import cli

# A hand-written registry for browsing: relations, sources, Arabic names, an OFAC id.
BROWSE_YAML = """\
sources:
  - {id: seed-000, kind: article, title: AQIM battalion attacks, publisher: FDD, date: "2015"}
  - {id: ofac-sdn-23863, kind: sanctions-list, title: OFAC SDN list entry 23863}
groups:
  - id: uqba-bin-nafi
    name: Uqba bin Nafi Battalion
    curated: true
    aliases:
      - {text: Okba Ibn Nafaa, sources: [seed-000]}
      - {text: كتيبة عقبة بن نافع, lang: ar}
    countries: [TN]
    relations:
      - {type: branch_of, target: aqim, sources: [seed-000]}
    sources: [seed-000]
    notes: AQIM's Tunisian branch.
  - id: aqim
    name: al-Qa'ida in the Islamic Maghreb
    curated: true
    aliases: [AQIM]
    countries: [DZ, TN]
  - id: jak-t
    name: Jund al-Khilafah in Tunisia
    curated: true
    aliases:
      - {text: JAK-T, kind: acronym}
    countries: [TN]
    external_ids: {ofac: "23863"}
"""

EXAMPLE_MARK = "Example"


@pytest.fixture
def registry_file(tmp_path: Path, small_registry: Registry) -> Path:
    """The small test registry, written the way Registry.load reads it."""
    path = tmp_path / "registry.yaml"
    path.write_text(small_registry.to_yaml(), encoding="utf-8")
    return path


@pytest.fixture
def browse_file(tmp_path: Path) -> Path:
    path = tmp_path / "browse.yaml"
    path.write_text(BROWSE_YAML, encoding="utf-8")
    return path


def run(registry: Path | None, *args: str, stdin: bytes | str | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()
    prefix = ["--registry", str(registry)] if registry is not None else []
    return runner.invoke(cli, [*prefix, *args], input=stdin, catch_exceptions=False)


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


# -- help and conventions -------------------------------------------------------------------


def _command_paths() -> list[str]:
    return sorted(cli.commands)


def test_every_command_has_help_with_an_example() -> None:
    """`--help` works on the group and on each command, and each shows an example."""
    assert set(_command_paths()) == {
        "batch", "explain", "groups", "import-ofac", "normalize", "resolve", "save-index", "scan",
        "show", "validate",
    }  # fmt: skip
    group_help = run(None, "--help")
    assert group_help.exit_code == 0
    assert "Exit status:" in group_help.stdout
    for name in _command_paths():
        result = run(None, name, "--help")
        assert result.exit_code == 0, name
        assert EXAMPLE_MARK in result.stdout, name
        assert f"aliasres {name}" in result.stdout, name


def test_usage_errors_exit_2() -> None:
    """Unknown commands, unknown options and missing arguments are usage errors."""
    assert run(None, "frobnicate").exit_code == 2
    assert run(None, "resolve", "--bogus", "x").exit_code == 2
    assert run(None, "resolve").exit_code == 2
    assert run(None, "--registry", "/nonexistent/registry.yaml", "groups").exit_code == 2


def test_version() -> None:
    result = run(None, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("aliasres ")


def test_registry_from_the_environment(registry_file: Path) -> None:
    """ALIASRES_REGISTRY stands in for --registry."""
    runner = CliRunner(env={"ALIASRES_REGISTRY": str(registry_file)})
    result = runner.invoke(cli, ["groups"])
    assert result.exit_code == 0
    assert result.stdout.split()[0] == "uqba-bin-nafi"


def test_invalid_registry_is_one_line_on_stderr(tmp_path: Path) -> None:
    """A broken registry: exit 1, one 'Error:' line naming file:line, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("groups:\n  - id: x\n    nmae: X\n", encoding="utf-8")
    result = run(bad, "resolve", "JAK-T")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: invalid registry: ")
    assert f"{bad}:3" in lines[0]
    assert "aliasres validate" in lines[0]
    assert "Traceback" not in result.output


def test_debug_lets_the_traceback_through(tmp_path: Path) -> None:
    """With --debug the library's exception propagates (CliRunner records it)."""
    from aliasres.errors import RegistryError

    bad = tmp_path / "bad.yaml"
    bad.write_text("groups: [", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--registry", str(bad), "--debug", "groups"])
    assert isinstance(result.exception, RegistryError)


def test_no_colour_in_a_pipe(registry_file: Path) -> None:
    """Output captured (not a terminal) carries no ANSI escapes."""
    result = run(registry_file, "resolve", "JAK-T", "Okba Ibn Nafaa")
    assert "\x1b[" not in result.output


def test_colour_on_a_terminal_unless_no_color(registry_file: Path) -> None:
    """With colour forced on, the decision is coloured; NO_COLOR turns it off again."""
    runner = CliRunner()
    args = ["--registry", str(registry_file), "resolve", "JAK-T"]
    assert "\x1b[" in runner.invoke(cli, args, color=True).stdout
    plain = CliRunner(env={"NO_COLOR": "1"}).invoke(cli, args, color=True)
    assert "\x1b[" not in plain.stdout


# -- resolve ----------------------------------------------------------------------------------


class TestResolve:
    def test_one_line_per_name_in_order(self, registry_file: Path) -> None:
        """Decision, query, id (canonical name), score, matched alias; exit 0 when all answered."""
        result = run(registry_file, "resolve", "Okba Ibn Nafaa", "JAK-T", "Ansar al-Sharia")
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 3
        assert lines[0].startswith("match     Okba Ibn Nafaa  ->  uqba-bin-nafi")
        assert "(Uqba bin Nafi Battalion)" in lines[0]
        assert 'via "Okba Ibn Nafaa"' in lines[0]
        assert lines[1].startswith("match     JAK-T  ->  jak-t (Jund al-Khilafah in Tunisia)")
        assert lines[2].startswith("ambiguous Ansar al-Sharia  ->  ")
        assert "; rivals: " in lines[2]
        assert {"ast", "asb"} <= set(lines[2].replace("(", " ").split())

    def test_arabic_script_in_and_out(self, registry_file: Path) -> None:
        """An Arabic-script query resolves, and is echoed as Arabic, not escapes."""
        result = run(registry_file, "resolve", "كتيبة عقبة بن نافع")
        assert result.exit_code == 0
        assert result.stdout.startswith("match     كتيبة عقبة بن نافع  ->  uqba-bin-nafi")

    def test_no_match_exits_1(self, registry_file: Path) -> None:
        """Any NO_MATCH makes the exit status 1; the other names are still printed."""
        result = run(registry_file, "resolve", "JAK-T", "Zzyzx Quorble Fnord")
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert lines[0].startswith("match")
        assert lines[1].startswith("no_match  Zzyzx Quorble Fnord")

    def test_empty_name_is_a_no_match_with_the_reason(self, registry_file: Path) -> None:
        result = run(registry_file, "resolve", "--", "---")
        assert result.exit_code == 1
        assert "empty after normalisation" in result.stdout

    def test_json_is_the_full_result_per_line(self, registry_file: Path) -> None:
        """--format json: one parseable object per name, with candidates and explanations."""
        result = run(registry_file, "resolve", "-f", "json", "Okba Ibn Nafaa", "Ansar al-Sharia")
        first, second = json_lines(result.stdout)
        assert first["decision"] == "match"
        assert first["group_id"] == "uqba-bin-nafi"
        assert first["query"] == "Okba Ibn Nafaa"
        candidates = first["candidates"]
        assert isinstance(candidates, list)
        assert "explanation" in candidates[0]
        assert second["decision"] == "ambiguous"
        assert set(second["rivals"]) & {"ast", "asb"}  # type: ignore[arg-type]

    def test_country_hint_decides(self, registry_file: Path) -> None:
        """--country LY turns the shared 'Ansar al-Sharia' into the Benghazi group."""
        result = run(registry_file, "resolve", "--country", "ly", "-f", "json", "Ansar al-Sharia")
        (record,) = json_lines(result.stdout)
        assert record["country"] == "LY"
        assert record["decision"] == "match"
        assert record["group_id"] == "asb"

    def test_bad_country_is_a_usage_error(self, registry_file: Path) -> None:
        result = run(registry_file, "resolve", "--country", "Tunisia", "JAK-T")
        assert result.exit_code == 2
        assert "not an ISO 3166-1 alpha-2 country code" in result.stderr

    def test_names_from_stdin(self, registry_file: Path) -> None:
        """'-' reads one name per line (BOM, CRLF and blank lines tolerated)."""
        stdin = "\ufeffJAK-T\r\n\r\nكتيبة عقبة بن نافع\n".encode()
        result = run(registry_file, "resolve", "-f", "json", "-", stdin=stdin)
        assert result.exit_code == 0
        assert [r["group_id"] for r in json_lines(result.stdout)] == ["jak-t", "uqba-bin-nafi"]

    def test_stdin_not_utf8_is_one_error_line(self, registry_file: Path) -> None:
        result = run(registry_file, "resolve", "-", stdin=b"JAK-T\nOkba \xff\n")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: standard input is not UTF-8 (line 2")
        assert len(result.stderr.strip().splitlines()) == 1


# -- explain and normalize ------------------------------------------------------------------


class TestExplain:
    def test_trace_tokens_and_score_breakdown(self, registry_file: Path) -> None:
        """The normalisation (keys, tokens, rules) and each top candidate's reasons."""
        result = run(registry_file, "explain", "Okba Ibn Nafaa", "--country", "TN")
        assert result.exit_code == 0, result.output
        out = result.stdout
        assert out.startswith("query: Okba Ibn Nafaa  (country hint TN)")
        for label in ("folded:", "key:", "core key:", "tokens:", "rules", "acronym:"):
            assert label in out, label
        assert "weight " in out
        assert "in registry " in out
        assert "1. uqba-bin-nafi (Uqba bin Nafi Battalion) score " in out
        assert "matched alias: 'Okba Ibn Nafaa'" in out

    def test_json(self, registry_file: Path) -> None:
        result = run(registry_file, "explain", "-f", "json", "JAK-T")
        data = json.loads(result.stdout)
        assert data["result"]["decision"] == "match"
        assert data["normalized"]["original"] == "JAK-T"
        assert "tokens" in data["normalized"]


class TestNormalize:
    def test_text(self) -> None:
        """No registry needed; one block per name, Arabic printed as Arabic."""
        result = run(None, "normalize", "Okba Ibn Nafaa", "كتيبة عقبة بن نافع")
        assert result.exit_code == 0, result.output
        blocks = result.stdout.split("\n\n")
        assert len(blocks) == 2
        assert blocks[0].startswith("Okba Ibn Nafaa\n  folded: ")
        assert blocks[1].startswith("كتيبة عقبة بن نافع\n  folded: ")
        assert "  script: Arab" in blocks[1]

    def test_json(self) -> None:
        result = run(None, "normalize", "--format", "json", "JAK-T", "Ansar al-Chariaa")
        records = json_lines(result.stdout)
        assert [r["original"] for r in records] == ["JAK-T", "Ansar al-Chariaa"]
        assert all("key" in r and "tokens" in r for r in records)


# -- batch ------------------------------------------------------------------------------------

MESSY_CSV = (
    b"name,country,ref\n"
    b"Okba Ibn Nafaa,TN,r1\n"
    b",TN,r2\n"
    b"JAK-T,,r3\n"
    b"Okba Ibn Nafaa,TN,r4\n" + "كتيبة عقبة بن نافع,,r5\n".encode() + b"Jund \xff\xfe,TN,r6\n"
    b"too,many,fields,here\n"
    b"Ansar al-Sharia,,r8\n"
)


class TestBatch:
    def test_rows_order_and_summary(self, registry_file: Path, tmp_path: Path) -> None:
        """Every row out in order with its fields and results; summary on stderr; exit 0."""
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        target = tmp_path / "out.csv"
        result = run(registry_file, "batch", str(source), "-o", str(target),
                     "--country-column", "country")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
        assert [r["ref"] for r in rows] == ["r1", "r2", "r3", "r4", "r5", "r6", "fields", "r8"]
        assert [r["decision"] for r in rows] == [
            "match", "", "match", "match", "match", "", "", "ambiguous"
        ]  # fmt: skip
        assert rows[4]["group_id"] == "uqba-bin-nafi"
        assert rows[4]["name"] == "كتيبة عقبة بن نافع"
        assert rows[1]["error"] == "line 3: empty name"
        assert "not valid UTF-8" in rows[5]["error"]
        summary = result.stderr.strip().splitlines()[-1]
        assert summary.startswith("rows=8 match=4 ambiguous=1 no_match=0 errors=3 distinct=4 ")
        assert "rows/s=" in summary

    def test_stdout_and_format_from_the_output_name(
        self, registry_file: Path, tmp_path: Path
    ) -> None:
        """Without -o rows go to stdout; -o's extension or --format picks the output format."""
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        result = run(registry_file, "batch", str(source), "--format", "jsonl")
        assert len(json_lines(result.stdout)) == 8
        target = tmp_path / "out.jsonl"
        run(registry_file, "batch", str(source), "-o", str(target))
        assert len(json_lines(target.read_text(encoding="utf-8"))) == 8

    def test_stdin_input(self, registry_file: Path) -> None:
        """INPUT '-' reads standard input; its format must then be given."""
        stdin = b'{"name": "JAK-T"}\n{"name": ""}\n'
        assert run(registry_file, "batch", "-", stdin=stdin).exit_code == 2
        result = run(registry_file, "batch", "-", "--input-format", "jsonl", stdin=stdin)
        assert result.exit_code == 0
        records = json_lines(result.stdout)
        assert [r["decision"] for r in records] == ["match", None]

    def test_jobs_give_the_same_file(self, registry_file: Path, tmp_path: Path) -> None:
        """--jobs 2 writes the same bytes as --jobs 1."""
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        one, two = tmp_path / "one.csv", tmp_path / "two.csv"
        run(registry_file, "batch", str(source), "-o", str(one), "--jobs", "1")
        run(registry_file, "batch", str(source), "-o", str(two), "--jobs", "2")
        assert one.read_bytes() == two.read_bytes()

    def test_missing_column_is_a_usage_error(self, registry_file: Path, tmp_path: Path) -> None:
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        result = run(registry_file, "batch", str(source), "--column", "label")
        assert result.exit_code == 2
        assert "no column 'label'" in result.stderr

    def test_output_directory_must_exist(self, registry_file: Path, tmp_path: Path) -> None:
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        result = run(registry_file, "batch", str(source), "-o", str(tmp_path / "no" / "out.csv"))
        assert result.exit_code == 2
        assert "does not exist" in result.stderr

    def test_unreadable_input_exits_1(self, registry_file: Path, tmp_path: Path) -> None:
        """A header that is not UTF-8 makes the whole file unreadable: one line, exit 1."""
        source = tmp_path / "names.csv"
        source.write_bytes(b"n\xffame\nJAK-T\n")
        target = tmp_path / "out.csv"
        result = run(registry_file, "batch", str(source), "-o", str(target))
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: line 1: the header is not valid UTF-8")
        assert not target.exists()

    def test_unknown_extension_asks_for_a_format(self, registry_file: Path, tmp_path: Path) -> None:
        source = tmp_path / "names.txt"
        source.write_text("name\nJAK-T\n", encoding="utf-8")
        result = run(registry_file, "batch", str(source))
        assert result.exit_code == 2
        assert "--input-format" in result.stderr
        assert run(registry_file, "batch", str(source), "--input-format", "csv").exit_code == 0

    def test_interrupted_run_leaves_no_output(
        self, registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ctrl-C while writing: no output file and no temporary file are left behind."""
        from aliasres import batch

        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        original = batch.output_rows

        def interrupted(*args: object) -> object:
            rows = original(*args)  # type: ignore[arg-type]
            yield next(rows)
            raise KeyboardInterrupt

        monkeypatch.setattr(batch, "output_rows", interrupted)
        result = CliRunner().invoke(
            cli, ["--registry", str(registry_file), "batch", str(source), "-o", "out.csv"]
        )
        assert result.exit_code == 1  # click's "Aborted!"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["names.csv", "registry.yaml"]


# -- validate ---------------------------------------------------------------------------------


class TestValidate:
    def test_valid_file_with_warnings_exits_0(self, registry_file: Path) -> None:
        """Shared aliases are warnings on stderr; the verdict is on stdout."""
        result = run(None, "validate", str(registry_file))
        assert result.exit_code == 0
        assert result.stdout.strip() == f"{registry_file}: valid, 4 groups, 12 names, 1 warning"
        assert result.stderr.startswith("warning: ")
        assert "shared-alias" in result.stderr

    def test_strict_makes_warnings_fail(self, registry_file: Path) -> None:
        assert run(None, "validate", "--strict", str(registry_file)).exit_code == 1

    def test_invalid_file_lists_every_problem_with_file_line_field(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text(
            textwrap.dedent(
                """\
                groups:
                  - id: x
                    name: X
                    countries: [Tunisia]
                  - id: y
                    nmae: Y
                """
            ),
            encoding="utf-8",
        )
        result = run(None, "validate", str(path))
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) >= 3
        assert all(line.startswith(f"error: {path}:") for line in lines[:-1])
        assert f"{path}:4: groups[0] (x).countries" in result.stderr
        assert lines[-1].startswith(f"{path}: invalid, ")

    def test_global_registry_is_the_default(self, registry_file: Path) -> None:
        result = run(registry_file, "validate")
        assert result.stdout.startswith(f"{registry_file}: valid")

    def test_missing_file_is_a_usage_error(self, tmp_path: Path) -> None:
        assert run(None, "validate", str(tmp_path / "nope.yaml")).exit_code == 2


# -- import-ofac ------------------------------------------------------------------------------

SDN = (
    '23863,"JUND AL-KHILAFAH IN TUNISIA",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    "\"a.k.a. 'SOLDIERS OF THE CALIPHATE'.\"\n"
    '18644,"JUND AL-KHILAFAH IN ALGERIA",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    "\"a.k.a. 'JAK-A'.\"\n"
    '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    "\x1a\n"
)
ALT = '23863,37797,"aka","JUND AL-KHILAFAH FI TUNIS",-0- \n\x1a\n'
ADD = '23863,36000,-0- ,-0- ,"Tunisia",-0- \n18644,36001,-0- ,-0- ,"Algeria",-0- \n\x1a\n'


@pytest.fixture
def ofac_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "sdn"
    directory.mkdir()
    (directory / "sdn.csv").write_text(SDN, encoding="utf-8")
    (directory / "alt.csv").write_text(ALT, encoding="utf-8")
    (directory / "add.csv").write_text(ADD, encoding="utf-8")
    return directory


class TestSaveIndex:
    def test_a_saved_index_answers_as_a_built_one(
        self, registry_file: Path, tmp_path: Path
    ) -> None:
        index = tmp_path / "small.index"
        saved = run(registry_file, "save-index", str(index))
        assert saved.exit_code == 0, saved.stderr
        assert saved.stdout.startswith(f"{index}: index of ")
        names = ["Okba Ibn Nafaa", "Ansar al-Sharia", "Reuters"]
        built = run(registry_file, "resolve", "--format", "json", *names)
        loaded = run(registry_file, "--index", str(index), "resolve", "--format", "json", *names)
        assert loaded.stdout == built.stdout
        assert loaded.exit_code == built.exit_code == 1  # Reuters: no match

    def test_batch_starts_from_the_saved_index(self, registry_file: Path, tmp_path: Path) -> None:
        index = tmp_path / "small.index"
        run(registry_file, "save-index", str(index))
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        built, loaded = tmp_path / "built.csv", tmp_path / "loaded.csv"
        run(registry_file, "batch", str(source), "-o", str(built))
        result = run(registry_file, "--index", str(index), "batch", str(source), "-o", str(loaded))
        assert result.exit_code == 0, result.stderr
        assert loaded.read_bytes() == built.read_bytes()
        other = run(None, "--index", str(index), "batch", str(source), "-o", str(loaded))
        assert other.exit_code == 1  # the packaged registry is not the one indexed
        assert "another registry" in other.stderr

    def test_an_index_of_another_registry_is_one_line_on_stderr(
        self, registry_file: Path, browse_file: Path, tmp_path: Path
    ) -> None:
        index = tmp_path / "small.index"
        run(registry_file, "save-index", str(index))
        result = run(browse_file, "--index", str(index), "resolve", "AQIM")
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert "another registry" in result.stderr
        assert str(index) in result.stderr


class TestImportOfac:
    def test_writes_a_valid_registry(self, ofac_dir: Path, tmp_path: Path) -> None:
        """Two SDGT organisations in, the airline left out; the file loads."""
        target = tmp_path / "ofac.yaml"
        result = run(None, "import-ofac", str(ofac_dir), "-o", str(target))
        assert result.exit_code == 0, result.output
        registry = Registry.load(target)
        assert len(registry) == 2
        assert {g.external_ids["ofac"] for g in registry} == {"23863", "18644"}
        assert "imported 2 OFAC groups" in result.stderr

    def test_merge_keeps_curated_groups(
        self, ofac_dir: Path, browse_file: Path, tmp_path: Path
    ) -> None:
        """--merge: the curated jak-t absorbs OFAC 23863; other curated groups stay."""
        target = tmp_path / "merged.yaml"
        result = run(None, "import-ofac", str(ofac_dir), "--merge", str(browse_file),
                     "-o", str(target))  # fmt: skip
        assert result.exit_code == 0, result.output
        registry = Registry.load(target)
        assert [g.id for g in registry][:3] == ["uqba-bin-nafi", "aqim", "jak-t"]
        assert len(registry) == 4
        assert "JUND AL-KHILAFAH FI TUNIS" in registry["jak-t"].names

    def test_refresh_in_place_keeps_the_comment_header(
        self, ofac_dir: Path, tmp_path: Path
    ) -> None:
        """-o and --merge the same file: curators' top comments survive, a rerun is stable."""
        path = tmp_path / "aliases.yaml"
        path.write_text("# our notes\n# second line\n" + BROWSE_YAML, encoding="utf-8")
        args = ["import-ofac", str(ofac_dir), "--merge", str(path), "-o", str(path)]
        assert run(None, *args).exit_code == 0
        first = path.read_text(encoding="utf-8")
        assert first.startswith("# our notes\n# second line\n")
        assert run(None, *args).exit_code == 0
        assert path.read_text(encoding="utf-8") == first

    def test_stdout(self, ofac_dir: Path) -> None:
        result = run(None, "import-ofac", str(ofac_dir), "-o", "-")
        assert result.exit_code == 0
        assert len(Registry.from_yaml(result.stdout)) == 2

    def test_missing_files_are_one_error_line(self, tmp_path: Path) -> None:
        empty = tmp_path / "empty"
        empty.mkdir()
        result = run(None, "import-ofac", str(empty), "-o", str(tmp_path / "x.yaml"))
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ")
        assert "sdn.csv" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# -- groups and show --------------------------------------------------------------------------


class TestBrowse:
    def test_groups_lists_every_group(self, browse_file: Path) -> None:
        result = run(browse_file, "groups")
        assert result.exit_code == 0
        assert [line.split()[0] for line in result.stdout.splitlines()] == [
            "uqba-bin-nafi", "aqim", "jak-t"
        ]  # fmt: skip

    def test_groups_by_country(self, browse_file: Path) -> None:
        result = run(browse_file, "groups", "--country", "dz", "--format", "json")
        assert [r["id"] for r in json_lines(result.stdout)] == ["aqim"]

    def test_show_names_relations_sources(self, browse_file: Path) -> None:
        """Aliases with kind/lang/script, Arabic names, relations both ways, sources."""
        result = run(browse_file, "show", "uqba-bin-nafi")
        assert result.exit_code == 0
        out = result.stdout
        assert out.startswith("uqba-bin-nafi  Uqba bin Nafi Battalion\n")
        assert "    كتيبة عقبة بن نافع  (name, ar, Arab)" in out
        assert "  arabic names:\n    كتيبة عقبة بن نافع\n" in out
        assert "    branch_of aqim (al-Qa'ida in the Islamic Maghreb)" in out
        assert "    seed-000: article; AQIM battalion attacks; FDD; 2015" in out
        assert "  notes: AQIM's Tunisian branch." in out
        reverse = run(browse_file, "show", "aqim").stdout
        assert "    has_branch_of uqba-bin-nafi (Uqba bin Nafi Battalion)" in reverse

    def test_show_json(self, browse_file: Path) -> None:
        data = json.loads(run(browse_file, "show", "jak-t", "-f", "json").stdout)
        assert data["external_ids"] == {"ofac": "23863"}
        assert data["aliases"][0] == {
            "text": "JAK-T", "kind": "acronym", "lang": None, "script": "Latn", "sources": []
        }  # fmt: skip

    def test_show_unknown_id_suggests_close_ones(self, browse_file: Path) -> None:
        result = run(browse_file, "show", "uqba-nafi")
        assert result.exit_code == 1
        assert result.stderr == "Error: no group with id 'uqba-nafi'; did you mean uqba-bin-nafi?\n"


# -- the packaged registry ------------------------------------------------------------------


class TestPackagedRegistry:
    @pytest.mark.parametrize(
        ("name", "group_id"),
        [
            ("Okba Ibn Nafaa", "uqba-bin-nafi"),
            ("كتيبة عقبة بن نافع", "uqba-bin-nafi"),
            ("JAK-T", "jund-al-khilafah-tunisia"),
        ],
    )
    def test_seed_spellings_match(self, name: str, group_id: str) -> None:
        result = run(None, "resolve", "--format", "json", name)
        assert result.exit_code == 0, result.output
        (record,) = json_lines(result.stdout)
        assert record["decision"] == "match"
        assert record["group_id"] == group_id

    def test_packaged_registry_validates(self) -> None:
        assert run(None, "validate").exit_code == 0


# -- real processes -----------------------------------------------------------------------------


def _console_script() -> Path:
    for name in ("aliasres", "aliasres.exe"):  # POSIX bin/, Windows Scripts\\
        script = Path(sys.executable).with_name(name)
        if script.exists():
            return script
    pytest.skip("the aliasres console script is not installed next to this Python")


def _run_process(args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, **env}
    return subprocess.run(args, capture_output=True, env=environment, check=False, timeout=120)


class TestSubprocess:
    def test_console_script_resolves(self, registry_file: Path) -> None:
        """The installed script: exit codes, UTF-8 even when Python would pick another
        encoding for the pipe, plain output."""
        script = str(_console_script())
        args = [script, "--registry", str(registry_file), "resolve", "كتيبة عقبة بن نافع", "JAK-T"]
        done = _run_process(args, PYTHONIOENCODING="latin-1")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.decode("utf-8").splitlines()
        assert lines[0].startswith("match     كتيبة عقبة بن نافع  ->  uqba-bin-nafi")
        assert b"\x1b[" not in done.stdout
        miss = _run_process([script, "--registry", str(registry_file), "resolve", "Zzyzx"])
        assert miss.returncode == 1

    def test_console_script_batch_and_errors(self, registry_file: Path, tmp_path: Path) -> None:
        script = str(_console_script())
        source = tmp_path / "names.csv"
        source.write_bytes(MESSY_CSV)
        target = tmp_path / "out.jsonl"
        done = _run_process([script, "--registry", str(registry_file), "batch", str(source),
                             "-o", str(target), "--country-column", "country"])  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert len(json_lines(target.read_text(encoding="utf-8"))) == 8
        assert done.stderr.decode().startswith("rows=8 ")
        bad = _run_process([script, "--registry", str(source), "groups"])
        assert bad.returncode == 1
        assert bad.stderr.decode().count("\n") == 1
        assert b"Traceback" not in bad.stderr
        usage = _run_process([script, "resolve", "--country", "XX", "JAK-T"])
        assert usage.returncode == 2

    def test_closed_pipe_is_not_an_error_message(self) -> None:
        """`aliasres normalize - | head -1`: no 'Error: Broken pipe' when the reader leaves."""
        names = "\n".join(f"Name {i}" for i in range(20000)).encode()
        script = str(_console_script())
        reader = subprocess.Popen(
            [script, "normalize", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert reader.stdin is not None
        assert reader.stdout is not None
        reader.stdin.write(names)
        reader.stdin.close()
        reader.stdout.readline()
        reader.stdout.close()
        assert reader.stderr is not None
        stderr = reader.stderr.read()
        reader.wait(timeout=120)
        assert b"Error" not in stderr
        assert b"Traceback" not in stderr

    def test_python_dash_m(self, registry_file: Path) -> None:
        """`python -m aliasres` is the same program, named aliasres in its help."""
        done = _run_process([sys.executable, "-m", "aliasres", "--help"])
        assert done.returncode == 0
        assert done.stdout.decode().startswith("Usage: aliasres ")
        done = _run_process(
            [sys.executable, "-m", "aliasres", "--registry", str(registry_file), "show", "jak-t"]
        )
        assert done.returncode == 0
        assert done.stdout.decode().startswith("jak-t  Jund al-Khilafah in Tunisia")
