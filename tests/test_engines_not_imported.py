"""Importing aliasres (and its everyday modules) must not import Spark, DuckDB or pandas.

The engines are optional extras and heavy to import; only ``aliasres.spark`` and
``aliasres.duckdb`` may bring them in. Checked in a fresh interpreter, since this test
process may have imported them already for other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

ENGINES = ("pyspark", "py4j", "duckdb", "pandas", "pyarrow", "numpy")

CHECK = """
import json, sys
for module in sys.argv[2:]:
    __import__(module)
engines = sys.argv[1].split(",")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in engines)))
"""


def imported_engines(*modules: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, ",".join(ENGINES), *modules],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    "modules",
    [
        ("aliasres",),
        ("aliasres", "aliasres.batch", "aliasres.cli", "aliasres.resolve", "aliasres.registry"),
    ],
)
def test_aliasres_does_not_import_the_engines(modules: tuple[str, ...]) -> None:
    assert imported_engines(*modules) == []


def test_aliasres_spark_defers_pyspark_until_it_is_called() -> None:
    # Importing the integration is cheap; PySpark and pandas load only when a DataFrame is
    # resolved (on the driver) or a batch arrives (on an executor).
    assert imported_engines("aliasres.spark") == []


def test_resolving_names_does_not_import_the_engines() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, aliasres; aliasres.resolve('Okba Ibn Nafaa');"
            f" print(sorted(m for m in sys.modules if m.split('.')[0] in {list(ENGINES)!r}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip() == "[]"
