"""How long a fresh process takes to import aliasres, load the packaged registry and index it.

Each measurement runs in a new Python process, so nothing is warm but the operating system's
file cache. "cold" starts with an empty compiled-data cache (a new ``ALIASRES_CACHE_DIR``), as
on the first run after installing or after editing the registry; "warm" reuses the cache the
cold run filled, as on every later start. Both run with Python's bytecode settings as they are
in the environment: where ``PYTHONDONTWRITEBYTECODE`` is set and the checkout has no
``__pycache__``, every start compiles aliasres from source. "warm, bytecode" is a warm start
with compiled bytecode available (kept under a private ``PYTHONPYCACHEPREFIX``, filled by one
unmeasured start), as for a package that pip installed. Reports medians, in milliseconds.

Run:  python benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, time
t0 = time.perf_counter()
import aliasres
t1 = time.perf_counter()
registry = aliasres.Registry.load()
t2 = time.perf_counter()
resolver = aliasres.Resolver(registry)
t3 = time.perf_counter()
resolver.resolve("Okba Ibn Nafaa")
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "index": t3 - t2, "first_query": t4 - t3}))
"""


def measure(cache_dir: str, bytecode_dir: str | None = None) -> dict[str, float]:
    env = {**os.environ, "ALIASRES_CACHE_DIR": cache_dir}
    if bytecode_dir is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = bytecode_dir
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return {k: v * 1000 for k, v in json.loads(out.stdout).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "startup.json"
    )
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "warm": [], "warm, bytecode": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache_dir, tempfile.TemporaryDirectory() as pyc:
            runs["cold"].append(measure(cache_dir))
            runs["warm"].append(measure(cache_dir))
            measure(cache_dir, pyc)  # compiles and keeps the bytecode
            runs["warm, bytecode"].append(measure(cache_dir, pyc))
    table = {
        mode: {step: statistics.median(r[step] for r in results) for step in results[0]}
        for mode, results in runs.items()
    }
    print(
        f"{'start':14} {'import':>8} {'load':>8} {'index':>8} {'1st query':>10} {'total':>8}  (ms)"
    )
    for mode, row in table.items():
        total = sum(row.values())
        print(
            f"{mode:14} {row['import']:8.0f} {row['load']:8.0f} {row['index']:8.0f}"
            f" {row['first_query']:10.1f} {total:8.0f}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(table, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
