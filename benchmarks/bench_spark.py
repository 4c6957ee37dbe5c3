"""Throughput of the Spark integration against ``Resolver.resolve_many`` on the same rows.

Workload (seeded): 10,000 distinct names, drawn from the packaged registry's names (about
half, as written), perturbations of them (dropped, doubled or swapped letters, case, hyphens,
a generic word added) and made-up names that match nothing; then 1,000,000 rows drawn
uniformly from those names, 1% of them null. The rows are written to Parquet in 8 files, so
that Spark reads them as a job would, in several partitions.

Timed, wall clock (``time.perf_counter``; Spark works in several processes):

- ``resolve_many``: building a ``Resolver``, then ``resolve_many`` over the 1M names (nulls
  left out: it takes strings), in this process;
- Spark ``local[2]``: starting the session; a first job, the rows through an identity
  ``mapInPandas`` (JVM warm-up, Python workers start); the same job again, the floor (Parquet
  scan and Arrow round trip, no resolving); a cold run of ``resolve_dataframe(df).count()``
  (each Python worker builds its resolver and resolves every distinct name it meets); and a
  warm run of the same job (resolvers reused, answers cached per worker).

``count()`` cannot skip the resolving: Spark does not know that ``mapInPandas`` keeps the
number of rows, so every batch goes through Python.

Run:  python benchmarks/bench_spark.py [--rows 1000000] [--distinct 10000] [--json PATH]
(needs ``pip install 'aliasres[spark]'`` and Java 17). Writes benchmarks/results/spark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import string
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aliasres
from aliasres import Registry, Resolver

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "spark.json"
SEED = 8
FILES = 8
NULL_SHARE = 0.01
GENERIC = ["Katibat", "Brigade", "Battalion", "Group", "Movement", "Front", "The"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vor", "quel", "dun", "bri", "zan", "ost", "pel"]


def perturb(name: str, rng: random.Random) -> str:
    """A plausible misspelling or variant of ``name``."""
    kind = rng.randrange(7)
    if len(name) < 4:
        kind = 4
    i = rng.randrange(1, len(name) - 1) if len(name) > 2 else 0
    if kind == 0:  # a dropped letter
        return name[:i] + name[i + 1 :]
    if kind == 1:  # a doubled letter
        return name[:i] + name[i] + name[i:]
    if kind == 2:  # two letters swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 3:  # case
        return name.upper() if rng.random() < 0.5 else name.lower()
    if kind == 4:  # a generic word
        return f"{rng.choice(GENERIC)} {name}"
    if kind == 5:  # hyphens and spaces
        return name.replace(" ", "-") if " " in name else name.replace("-", " ")
    return name.replace("ou", "u").replace("a", "e", 1)


def made_up(rng: random.Random) -> str:
    """A name of no group: random syllables, sometimes with a generic word."""
    words = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(rng.randint(1, 3))
    ]
    if rng.random() < 0.3:
        words.insert(0, rng.choice(GENERIC))
    if rng.random() < 0.1:
        words.append(rng.choice(string.ascii_uppercase) * 2)
    return " ".join(words)


def distinct_names(registry: Registry, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct names: about half registry names, a third variants, the rest new."""
    known = sorted(
        {a.text for g in registry.groups for a in g.aliases} | {g.name for g in registry}
    )
    rng.shuffle(known)
    names: dict[str, None] = dict.fromkeys(known[: count // 2])
    while len(names) < count * 5 // 6:
        names[perturb(rng.choice(known), rng)] = None
    while len(names) < count:
        names[made_up(rng)] = None
    result = list(names)
    rng.shuffle(result)
    return result


def make_rows(names: list[str], rows: int, rng: random.Random) -> list[str | None]:
    return [None if rng.random() < NULL_SHARE else rng.choice(names) for _ in range(rows)]


def write_parquet(values: list[str | None], directory: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    size = -(-len(values) // FILES)
    for part in range(FILES):
        chunk = values[part * size : (part + 1) * size]
        table = pa.table({"id": range(part * size, part * size + len(chunk)), "name": chunk})
        pq.write_table(table, directory / f"part-{part}.parquet")


def timed(label: str, work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", file=sys.stderr)
    return seconds, value


def identity(batches: Iterator[Any]) -> Iterator[Any]:
    yield from batches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=10_000)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession

    from aliasres.spark import resolve_dataframe

    rng = random.Random(SEED)
    registry = Registry.load()
    names = distinct_names(registry, args.distinct, rng)
    values = make_rows(names, args.rows, rng)
    strings = [v for v in values if v is not None]
    print(f"{len(values)} rows, {len(set(strings))} distinct names", file=sys.stderr)

    print("resolve_many", file=sys.stderr)
    build, resolver = timed("build resolver", lambda: Resolver(Registry.load()))
    many, results = timed("resolve_many", lambda: resolver.resolve_many(strings))
    decisions = {d: sum(r.decision.value == d for r in results) for d in ("match", "ambiguous")}
    del results

    print("spark local[2]", file=sys.stderr)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
    with tempfile.TemporaryDirectory(prefix="aliasres-bench-") as tmp:
        write_parquet(values, Path(tmp))
        session_seconds, spark = timed(
            "start session",
            lambda: (
                SparkSession.builder.master("local[2]")
                .appName("aliasres-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.files.maxPartitionBytes", str(1 << 20))
                .getOrCreate()
            ),
        )
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.read.parquet(tmp)
        partitions = df.rdd.getNumPartitions()
        passthrough = df.mapInPandas(identity, df.schema)
        first, _ = timed("first job (identity mapInPandas)", passthrough.count)
        floor, floor_count = timed("identity mapInPandas", passthrough.count)
        resolved = resolve_dataframe(df, "name")
        cold, cold_count = timed("resolve_dataframe, cold", resolved.count)
        warm, warm_count = timed("resolve_dataframe, warm", resolved.count)
        counts = {
            row["decision"]: row["count"] for row in resolved.groupBy("decision").count().collect()
        }
        spark_version = spark.version
        spark.stop()
    assert floor_count == cold_count == warm_count == len(values)
    assert counts.get("match") == decisions["match"]  # the same answers as resolve_many

    rows = len(values)
    report = {
        "workload": {
            "rows": rows,
            "distinct_names": len(set(strings)),
            "null_rows": rows - len(strings),
            "seed": SEED,
            "parquet_files": FILES,
            "spark_partitions": partitions,
        },
        "resolve_many": {
            "build_seconds": round(build, 2),
            "resolve_seconds": round(many, 2),
            "rows_per_second": round(len(strings) / many),
            "rows_per_second_with_build": round(len(strings) / (build + many)),
        },
        "spark_local2": {
            "session_start_seconds": round(session_seconds, 2),
            "first_job_seconds": round(first, 2),
            "identity_mapinpandas_seconds": round(floor, 2),
            "cold_seconds": round(cold, 2),
            "warm_seconds": round(warm, 2),
            "cold_rows_per_second": round(rows / cold),
            "warm_rows_per_second": round(rows / warm),
            "identity_rows_per_second": round(rows / floor),
        },
        "decisions": counts,
        "environment": {
            "aliasres": aliasres.__version__,
            "pyspark": spark_version,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
    }
    table = [
        ("resolve_many (1 process)", many, len(strings) / many),
        ("resolve_many incl. resolver build", build + many, len(strings) / (build + many)),
        ("Spark local[2], cold", cold, rows / cold),
        ("Spark local[2], warm", warm, rows / warm),
        ("Spark local[2], identity mapInPandas", floor, rows / floor),
        ("Spark local[2], first job (identity)", first, rows / first),
    ]
    print(f"\n{'run':<40} {'seconds':>8} {'rows/s':>10}")
    for label, seconds, rate in table:
        print(f"{label:<40} {seconds:>8.1f} {rate:>10,.0f}")
    print(f"(Spark session start {session_seconds:.1f} s, not included; {partitions} partitions)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
