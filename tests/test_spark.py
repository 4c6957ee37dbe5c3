"""The Spark integration: a local[2] session resolves a DataFrame as ``resolve_many`` does.

Marked ``spark`` (``pytest -m spark`` runs only these). Skipped, with the reason, when
PySpark, pandas, PyArrow or Java is missing, except on CI (the ``CI`` variable set), where
the dev extras are installed and a skip would hide a broken integration, so it fails instead.
One session serves the whole module: starting the JVM is most of the cost.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aliasres import Registry, Resolver
from aliasres.batch import RESULT_COLUMNS, Outcome

pytestmark = pytest.mark.spark

DATA = Path(__file__).parent / "data"


def _missing_requirement() -> str | None:
    for module, extra in (("pyspark", "spark"), ("pandas", "spark"), ("pyarrow", "spark")):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'aliasres[{extra}]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (java not on PATH, JAVA_HOME unset); Spark needs Java 17"
    return None


_MISSING = _missing_requirement()
if _MISSING is not None:
    if os.environ.get("CI"):
        pytest.fail(f"Spark tests cannot run on CI: {_MISSING}", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402 - only once we know PySpark is there

from aliasres.spark import NULL_NAME, RESULT_TYPES, resolve_dataframe  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    with pytest.MonkeyPatch.context() as patch:
        # Python workers must run this interpreter (the one aliasres is installed in); Spark
        # reads the variable when the session starts, not the spark.pyspark.python setting.
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[2]")
            .appName("aliasres-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(Registry.load())


def seed_spellings() -> list[str]:
    """Every name of the golden variant sets: the seed articles' spellings and their kin."""
    data = yaml.safe_load((DATA / "variant_sets.yaml").read_text(encoding="utf-8"))
    return [name for entry in data["sets"] for name in entry["names"]]


def expected(resolver: Resolver, names: list[str | None], countries: list[str | None]) -> list:
    """What the integration must give: ``resolve_many`` through the batch engine's mapping."""
    hints = [c.strip().upper() or None if c is not None else None for c in countries]
    known = [i for i, name in enumerate(names) if name is not None]
    results = resolver.resolve_many([names[i] for i in known], country=[hints[i] for i in known])
    outcomes = [Outcome.failed(NULL_NAME)] * len(names)
    for i, result in zip(known, results, strict=True):
        outcomes[i] = Outcome.from_result(result)
    return [outcome.values() for outcome in outcomes]


def result_columns(row: Any) -> dict[str, object]:
    return {column: row[column] for column in RESULT_COLUMNS}


def test_resolves_a_dataframe_like_resolve_many(spark: SparkSession, resolver: Resolver) -> None:
    spellings = seed_spellings()
    names: list[str | None] = [
        *spellings,
        *spellings[:20],  # repeated names
        "",
        "   ",
        "---",
        None,
        "Tunisian National Guard",
        "Zzyzx Qwerty Collective",
        "Jund al-Khilafah",
        "Jund al-Khilafah",
        "Ansar al-Sharia",
        "Ansar al-Sharia",
        None,
    ]
    countries: list[str | None] = [None] * len(names)
    countries[-9:-1] = [None, "TN", None, None, "DZ", "tn", " ly ", ""]
    rows = [
        (i, name, country, f"ref-{i}")
        for i, (name, country) in enumerate(zip(names, countries, strict=True))
    ]
    df = spark.createDataFrame(rows, "id long, name string, country string, ref string")

    out = resolve_dataframe(df, "name", country_column="country").collect()

    assert len(out) == len(rows)  # every input row kept
    out.sort(key=lambda row: row["id"])
    assert [(r["id"], r["name"], r["country"], r["ref"]) for r in out] == rows
    assert [result_columns(r) for r in out] == expected(resolver, names, countries)
    decisions = {r["decision"] for r in out}
    assert {"match", "ambiguous", "no_match", None} <= decisions
    by_id = {r["id"]: r for r in out}
    assert by_id[names.index(None)]["error"] == NULL_NAME
    assert by_id[names.index("")]["decision"] is None
    assert by_id[names.index("")]["error"]


def test_output_schema_keeps_the_input_columns_and_replaces_result_columns(
    spark: SparkSession,
) -> None:
    df = spark.createDataFrame([("JAK-T", 1, "old")], "name string, Score int, error string")
    out = resolve_dataframe(df, "name")
    assert out.columns == [
        "name",
        "score",
        "error",
        *[c for c in RESULT_COLUMNS if c not in {"score", "error"}],
    ]
    types = {field.name: field.dataType.simpleString() for field in out.schema.fields}
    assert {c: types[c] for c in RESULT_COLUMNS} == RESULT_TYPES
    (row,) = out.collect()
    assert row["decision"] == "match"
    assert row["group_id"] == "jund-al-khilafah-tunisia"
    assert row["error"] is None
    assert isinstance(row["score"], float)


def test_small_batches_and_a_small_cache_give_the_same_answers(
    spark: SparkSession, resolver: Resolver
) -> None:
    names: list[str | None] = [*seed_spellings()[:60], None, ""] * 3
    df = spark.createDataFrame([(i, n) for i, n in enumerate(names)], "id long, name string")
    previous = spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
    try:
        for cache_size in (0, 5, 1000):
            out = resolve_dataframe(df.repartition(3), "name", cache_size=cache_size).collect()
            out.sort(key=lambda row: row["id"])
            assert [result_columns(r) for r in out] == expected(
                resolver, names, [None] * len(names)
            )
    finally:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", previous)


def test_a_custom_registry_travels_to_the_executors(spark: SparkSession, tmp_path: Path) -> None:
    registry = Registry.from_names(
        {"test-group": ["Brigade of the Test Suite", "BTS"]}, {"test-group": ["TN"]}
    )
    path = tmp_path / "custom.yaml"
    path.write_text(registry.to_yaml(), encoding="utf-8")
    df = spark.createDataFrame([("Brigade of the Test Suite",), ("Okba Ibn Nafaa",)], "name string")
    expected_rows = [
        Outcome.from_result(r).values()
        for r in Resolver(registry).resolve_many(["Brigade of the Test Suite", "Okba Ibn Nafaa"])
    ]
    for spec in (registry, path, str(path)):
        out = resolve_dataframe(df, "name", registry=spec).collect()
        got = sorted((result_columns(r) for r in out), key=lambda r: str(r["group_id"]))
        want = sorted(expected_rows, key=lambda r: str(r["group_id"]))
        assert got == want
        assert any(r["group_id"] == "test-group" for r in got)


def test_empty_dataframe(spark: SparkSession) -> None:
    df = spark.createDataFrame([], "name string")
    assert resolve_dataframe(df, "name").collect() == []


@pytest.mark.parametrize(
    ("schema", "column", "country", "error", "message"),
    [
        ("name string", "missing", None, ValueError, "no column 'missing'"),
        ("name string", "name", "country", ValueError, "no column 'country'"),
        ("name int", "name", None, TypeError, "is int, expected string"),
        ("name string, country int", "name", "country", TypeError, "is int, expected string"),
        ("Decision string", "Decision", None, ValueError, "name of a result column"),
    ],
)
def test_bad_columns_fail_on_the_driver(
    spark: SparkSession,
    schema: str,
    column: str,
    country: str | None,
    error: type[Exception],
    message: str,
) -> None:
    df = spark.createDataFrame([], schema)
    with pytest.raises(error, match=message):
        resolve_dataframe(df, column, country_column=country)


def test_a_bad_registry_file_fails_on_the_driver(spark: SparkSession, tmp_path: Path) -> None:
    from aliasres import RegistryError

    path = tmp_path / "bad.yaml"
    path.write_text("groups: [1, 2]\n", encoding="utf-8")
    df = spark.createDataFrame([], "name string")
    with pytest.raises(RegistryError):
        resolve_dataframe(df, "name", registry=path)


def test_negative_cache_size_is_refused(spark: SparkSession) -> None:
    df = spark.createDataFrame([], "name string")
    with pytest.raises(ValueError, match="cache_size"):
        resolve_dataframe(df, "name", cache_size=-1)


CONNECT_PORT = 15002  # a local Connect server's port; the client of remote("local") assumes it
CONNECT_SCRIPT = """
import json, sys
from pyspark.sql import SparkSession
from aliasres.spark import resolve_dataframe

spark = (
    SparkSession.builder.remote("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .getOrCreate()
)
rows = json.loads(sys.argv[1])
df = spark.createDataFrame(rows, "id long, name string, country string")
out = resolve_dataframe(df, "name", country_column="country").orderBy("id").collect()
print(json.dumps({"session": type(spark).__module__, "rows": [r.asDict() for r in out]}))
spark.stop()
"""


def test_spark_connect(resolver: Resolver) -> None:
    """The same function through a Spark Connect session (a local Connect server, run in its
    own process so that its JVM does not meet the classic session's)."""
    missing = [
        module
        for module in ("grpc", "grpc_status", "google.protobuf", "zstandard")
        if importlib.util.find_spec(module.split(".")[0]) is None
    ]
    if missing:
        pytest.skip(
            f"Spark Connect client not installed (pip install 'pyspark[connect]'): {missing}"
        )
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", CONNECT_PORT))
        except OSError:
            pytest.skip(
                f"port {CONNECT_PORT}, where a local Spark Connect server listens, is taken"
            )
    names: list[str | None] = ["Okba Ibn Nafaa", None, "", "Jund al-Khilafah", "JAK-T", "Qwerty"]
    countries: list[str | None] = ["TN", None, None, "dz", None, None]
    rows = [
        [i, name, country] for i, (name, country) in enumerate(zip(names, countries, strict=True))
    ]
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, "-c", CONNECT_SCRIPT, json.dumps(rows)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["session"].startswith("pyspark.sql.connect")
    assert [result_columns(r) for r in answer["rows"]] == expected(resolver, names, countries)
