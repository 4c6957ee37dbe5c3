"""The DuckDB functions: SQL over a table of names gives what ``resolve_many`` gives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from aliasres import Registry, Resolver
from aliasres.batch import RESULT_COLUMNS, Outcome

if os.environ.get("CI"):  # the dev extras are installed on CI: a skip would hide a failure
    import duckdb
else:
    duckdb = pytest.importorskip(
        "duckdb", reason="DuckDB not installed: pip install 'aliasres[duckdb]'"
    )

import aliasres.duckdb  # after the check that DuckDB is there
from aliasres.duckdb import RESULT_TYPE, register

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(Registry.load())


@pytest.fixture
def con(resolver: Resolver) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    register(connection, resolver)
    return connection


def seed_spellings() -> list[str]:
    data = yaml.safe_load((DATA / "variant_sets.yaml").read_text(encoding="utf-8"))
    return [name for entry in data["sets"] for name in entry["names"]]


def test_the_module_imports_the_real_duckdb() -> None:
    # aliasres.duckdb shares its last name with the engine; its ``import duckdb`` must be the
    # engine, not itself.
    assert aliasres.duckdb.duckdb is sys.modules["duckdb"]
    assert aliasres.duckdb.duckdb is not aliasres.duckdb
    assert hasattr(aliasres.duckdb.duckdb, "connect")


def test_sql_results_equal_resolve_many(con: duckdb.DuckDBPyConnection, resolver: Resolver) -> None:
    names: list[str | None] = [
        *seed_spellings(),
        "Okba Ibn Nafaa",  # repeated
        "",
        "   ",
        "---",
        None,
        "Tunisian National Guard",
        "Jund al-Khilafah",
        "Ansar al-Sharia",
    ]
    con.execute("CREATE TABLE t (id INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(names)))

    rows = con.execute(
        "SELECT id, aliasres_resolve(name) AS r, aliasres_group_id(name) FROM t ORDER BY id"
    ).fetchall()

    assert len(rows) == len(names)
    known = [name for name in names if name is not None]
    want = iter(Outcome.from_result(r).values() for r in resolver.resolve_many(known))
    for (i, struct, group_id), name in zip(rows, names, strict=True):
        if name is None:
            assert struct is None, i
            assert group_id is None
            continue
        expected = next(want)
        assert struct == expected, name
        assert group_id == expected["group_id"]
    decisions = {struct["decision"] for _, struct, _ in rows if struct is not None}
    assert {"match", "ambiguous", "no_match", None} <= decisions


def test_country_hint(con: duckdb.DuckDBPyConnection, resolver: Resolver) -> None:
    queries = [
        ("Jund al-Khilafah", None),
        ("Jund al-Khilafah", "DZ"),
        ("Jund al-Khilafah", " tn "),
        ("Jund al-Khilafah", ""),
        ("Ansar al-Sharia", "LY"),
        (None, "TN"),
    ]
    got = [
        con.execute("SELECT aliasres_resolve_in(?, ?)", [name, country]).fetchone()[0]
        for name, country in queries
    ]
    for (name, country), struct in zip(queries, got, strict=True):
        if name is None:
            assert struct is None
            continue
        hint = (country or "").strip().upper() or None
        assert struct == Outcome.from_result(resolver.resolve(name, country=hint)).values()
    assert got[1]["group_id"] == "jund-al-khilafah-algeria"
    assert got[2]["group_id"] == "jund-al-khilafah-tunisia"
    assert got[0] == got[3]  # a blank country is no hint


def test_result_type(con: duckdb.DuckDBPyConnection) -> None:
    (typ,) = con.execute("SELECT typeof(aliasres_resolve('JAK-T'))").fetchone()
    assert typ.replace('"', "") == RESULT_TYPE
    fields = con.execute("SELECT unnest(aliasres_resolve('JAK-T'))").description
    assert [field[0] for field in fields] == list(RESULT_COLUMNS)


def test_custom_registry_names_and_options(tmp_path: Path) -> None:
    registry = Registry.from_names({"test-group": ["Brigade of the Test Suite", "BTS"]})
    path = tmp_path / "custom.yaml"
    path.write_text(registry.to_yaml(), encoding="utf-8")
    for spec in (registry, path, str(path)):
        connection = duckdb.connect()
        names = register(connection, spec, name="resolve_group", group_id_name=None, cache_size=0)
        assert names == ("resolve_group", "resolve_group_in")
        (struct,) = connection.execute(
            "SELECT resolve_group('Brigade of the Test Suite')"
        ).fetchone()
        assert struct["group_id"] == "test-group"
        with pytest.raises(duckdb.CatalogException):
            connection.execute("SELECT aliasres_group_id('x')")


def test_the_memo_is_bounded_and_answers_stay_the_same(resolver: Resolver) -> None:
    connection = duckdb.connect()
    register(connection, resolver, cache_size=3)
    names = [*seed_spellings()[:30]] * 2
    rows = connection.execute(
        "SELECT aliasres_resolve(name) FROM unnest(?) AS t(name)", [names]
    ).fetchall()
    assert [row[0] for row in rows] == [
        Outcome.from_result(r).values() for r in resolver.resolve_many(names)
    ]


def test_a_negative_cache_size_is_refused() -> None:
    with pytest.raises(ValueError, match="cache_size"):
        register(duckdb.connect(), cache_size=-1)


def test_the_default_registry_is_the_packaged_one() -> None:
    connection = duckdb.connect()
    register(connection)
    (group_id,) = connection.execute("SELECT aliasres_group_id('Okba Ibn Nafaa')").fetchone()
    assert group_id == "uqba-bin-nafi"
