"""How aliasres scales with the registry (issue 7), against a rapidfuzz brute-force baseline.

Registries:
- S: the packaged registry;
- M: every entity of the OFAC SDN files (all types) with its primary name and aliases, minus a
  seeded sample of held-out aliases used as queries;
- L: ``--l-names`` names generated from M's real tokens (token frequencies and name lengths
  and group sizes drawn from M), with M inside it so that true answers exist.

Queries (seeded): held-out aliases (M and L only), perturbed registered names (a typo, a
transliteration variant, a dropped article) and made-up no-match names. An answer is correct
when it names the query's group or any group carrying the same normalised name.

Each registry is measured in a fresh subprocess: index build time (wall and CPU; cold, with
an empty normalisation cache, then warm, reading the cache a previous build wrote), RSS
before and after the build and peak RSS (``ru_maxrss``), the saved index (file size, time to
load it; every query below runs on the loaded index), single-query latency p50/p95/p99,
``resolve_many`` throughput per CPU-second, wall throughput with 2 worker processes (fork),
candidate recall (and the share of true answers that share any index key with the query, which
bounds it in practice), top-1 accuracy, the false-match rate on no-match queries, and rapidfuzz
``process.extractOne`` (WRatio, all names) on a sample of the same queries. Word and name
caches are emptied before every timed pass, so each query is normalised cold.

Run:  python benchmarks/bench_scale.py [--sizes S,M,L] [--l-names 1000000] [--json out.json]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import json
import multiprocessing
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OFAC = ROOT.parent / "shared" / "data" / "ofac"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "scale.json"
SEED = 7
HELD_OUT = 400
TYPOS = 400
TRANSLITERATIONS = 300
DROPPED = 200
NO_MATCH = 300
BRUTE_BUDGET = 30_000_000  # names x queries that the brute-force baseline is given
WORKERS = 2

TRANSLITERATIONS_RULES = (
    ("Q", "K"), ("K", "Q"), ("OU", "U"), ("U", "OU"), ("EE", "I"), ("I", "EE"), ("SH", "SCH"),
    ("J", "DJ"), ("Y", "I"), ("AL-", "EL-"), ("AL ", "EL "), ("C", "K"), ("PH", "F"),
    ("V", "W"), ("KH", "H"), ("MOHAMMED", "MUHAMMAD"), ("MUHAMMAD", "MOHAMED"), ("Z", "S"),
)  # fmt: skip
ARTICLES = ("THE ", "AL-", "AL ", "EL-", "EL ", "LA ", "LE ", "DE ", "OF ", "AND ")
SYLLABLES = (
    "ka", "lo", "mir", "zan", "tev", "ru", "bo", "qui", "sel", "dar", "nou", "pex", "vy", "gro",
    "ta", "lin", "os", "wen", "fa", "hur", "dim", "ste", "po", "ly",
)  # fmt: skip


# -- registries and queries ------------------------------------------------------------------


def ofac_names(ofac: Path) -> dict[str, list[str]]:
    """Every SDN entity (all types): primary name first, then its aliases."""
    from aliasres.importers.ofac import read_sdn

    groups: dict[str, list[str]] = {}
    for entity in read_sdn(ofac):
        names = [entity.name, *(alt.name for alt in entity.alt_names)]
        names += [alias.name for alias in entity.remark_aliases]
        groups[f"sdn-{entity.ent_num}"] = list(dict.fromkeys(n for n in names if n.strip()))
    return groups


def hold_out(
    groups: dict[str, list[str]], count: int, rng: random.Random
) -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """Remove ``count`` aliases (one per group) from groups that have at least two names."""
    eligible = sorted(g for g, names in groups.items() if len(names) >= 2)
    chosen = rng.sample(eligible, min(count, len(eligible)))
    kept = dict(groups)
    queries = []
    for group_id in chosen:
        names = list(kept[group_id])
        alias = names.pop(rng.randrange(1, len(names)))
        kept[group_id] = names
        queries.append((alias, group_id, "held-out"))
    return kept, queries


def typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    edit = rng.randrange(4)
    letter = rng.choice("AEIOURSTLNKM")
    if edit == 0:
        word = word[:j] + word[j + 1 :]
    elif edit == 1:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif edit == 2:
        word = word[:j] + letter + word[j + 1 :]
    else:
        word = word[:j] + letter + word[j:]
    words[i] = word
    return " ".join(words)


def transliterate(text: str, rng: random.Random) -> str:
    upper = text.upper()
    rules = [rule for rule in TRANSLITERATIONS_RULES if rule[0] in upper]
    if not rules:
        return text
    old, new = rng.choice(rules)
    return upper.replace(old, new, 1)


def drop_article(text: str) -> str:
    """The name without its first article, taken in the order of ``ARTICLES``: a word of its
    own (or al-, el- before the next word), never letters inside a word (the EL of Samuel)."""
    upper = text.upper() + " "
    for article in ARTICLES:
        found = re.search(rf"(?<![A-Z0-9']){re.escape(article)}", upper)
        if found:
            return (upper[: found.start()] + upper[found.end() :]).strip()
    return text


def perturbed(
    groups: dict[str, list[str]], rng: random.Random, counts: tuple[int, int, int]
) -> list[tuple[str, str, str]]:
    """Registered names with one typo, one transliteration change or one article dropped."""
    pool = sorted((name, g) for g, names in groups.items() for name in names if len(name) >= 6)
    out: list[tuple[str, str, str]] = []
    for kind, count, change in (
        ("typo", counts[0], lambda t: typo(t, rng)),
        ("translit", counts[1], lambda t: transliterate(t, rng)),
        ("dropped", counts[2], drop_article),
    ):
        made = 0
        for name, group_id in rng.sample(pool, min(len(pool), count * 20)):
            query = change(name)
            if query != name and query.strip():
                out.append((query, group_id, kind))
                made += 1
                if made == count:
                    break
    return out


def no_match_names(count: int, rng: random.Random) -> list[str]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    return [" ".join(word() for _ in range(rng.randint(1, 4))) for _ in range(count)]


def synthetic_groups(
    base: dict[str, list[str]], total_names: int, rng: random.Random
) -> dict[str, list[str]]:
    """``base`` plus generated groups until there are ``total_names`` names: tokens drawn by
    their frequency in ``base``, name lengths and group sizes drawn from ``base``."""
    tokens = Counter(token for names in base.values() for n in names for token in n.split())
    vocabulary = list(tokens)
    cumulative = list(itertools.accumulate(tokens.values()))  # once, not on every draw
    lengths = [len(n.split()) for names in base.values() for n in names]
    sizes = [len(names) for names in base.values()]
    out = dict(base)
    count = sum(sizes)
    serial = 0
    while count < total_names:
        size = min(rng.choice(sizes), total_names - count)
        names = [
            " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.choice(lengths)))
            for _ in range(size)
        ]
        out[f"syn-{serial}"] = names
        serial += 1
        count += size
    return out


def build_case(size: str, ofac: Path, l_names: int, seed: int) -> tuple[Any, list[Any]]:
    """The registry and the labelled queries (query, group id or "", kind) of one size."""
    from aliasres import Registry

    rng = random.Random(seed)
    if size == "S":
        registry = Registry.load()
        groups = {g.id: list(g.names) for g in registry}
        queries = perturbed(groups, rng, (TYPOS, TRANSLITERATIONS, DROPPED))
    else:
        groups, queries = hold_out(ofac_names(ofac), HELD_OUT, rng)
        queries += perturbed(groups, rng, (TYPOS, TRANSLITERATIONS, DROPPED))
        if size == "L":
            groups = synthetic_groups(groups, l_names, random.Random(seed + 1))
        registry = Registry.from_names(groups)
    queries += [(name, "", "no-match") for name in no_match_names(NO_MATCH, rng)]
    return registry, queries


# -- measuring one size (in its own process) ---------------------------------------------------


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_WORKER_RESOLVER: Any = None


def _worker_init() -> None:
    from aliasres.normalize import clear_caches

    clear_caches()
    _WORKER_RESOLVER.index.clear_caches()  # forked: it would inherit the parent's warm caches


def _worker_resolve(names: list[str]) -> int:
    return len(_WORKER_RESOLVER.resolve_many(names))


def measure(size: str, ofac: Path, l_names: int, seed: int) -> dict[str, Any]:
    global _WORKER_RESOLVER  # inherited by forked workers
    from aliasres import Decision, Resolver
    from aliasres.index import looked_up_keys
    from aliasres.indexbuild import posted_keys
    from aliasres.normalize import clear_caches, normalize

    start = time.perf_counter()
    registry, queries = build_case(size, ofac, l_names, seed)
    out: dict[str, Any] = {
        "size": size,
        "groups": len(registry),
        "names": registry.alias_count(),
        "queries": len(queries),
        "registry_build_s": time.perf_counter() - start,
    }
    queries = [q for q in queries if normalize(q[0]).folded or normalize(q[0]).acronym]
    clear_caches()
    out["rss_before_index_mb"] = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    resolver = Resolver(registry)
    out["index_build_cold_s"] = time.perf_counter() - wall
    out["index_build_cold_cpu_s"] = time.process_time() - cpu
    out["rss_after_index_mb"] = rss_mb()
    out["index_mb"] = out["rss_after_index_mb"] - out["rss_before_index_mb"]
    out["peak_rss_mb"] = peak_mb()
    del resolver
    clear_caches()
    wall, cpu = time.perf_counter(), time.process_time()
    resolver = Resolver(registry)
    out["index_build_warm_s"] = time.perf_counter() - wall
    out["index_build_warm_cpu_s"] = time.process_time() - cpu

    # The saved index: what a worker reads at start instead of building the index.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "registry.index"
        wall = time.perf_counter()
        resolver.save(path)
        out["index_save_s"] = time.perf_counter() - wall
        out["index_file_mb"] = path.stat().st_size / 2**20
        del resolver
        wall = time.perf_counter()
        resolver = Resolver.load(path, registry)  # every measurement below uses this one
        out["index_load_s"] = time.perf_counter() - wall

    names = [q for q, _, _ in queries]
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in resolver.index.entries():
        owners[entry.name.folded].add(registry.groups[entry.group].id)

    # Single queries, each timed, caches cold.
    clear_caches()
    latencies, cpu_each, results = [], [], []
    for name in names:
        wall, cpu = time.perf_counter(), time.process_time()
        results.append(resolver.resolve(name))
        cpu_each.append(time.process_time() - cpu)
        latencies.append(time.perf_counter() - wall)
    out["latency_ms"] = {
        "p50": 1000 * percentile(latencies, 0.50),
        "p95": 1000 * percentile(latencies, 0.95),
        "p99": 1000 * percentile(latencies, 0.99),
        "mean": 1000 * statistics.fmean(latencies),
    }

    positives = total = top1 = cand = reachable = 0
    negatives = false_matches = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_, group_id, kind), result in zip(queries, results, strict=True):
        if not group_id:
            negatives += 1
            false_matches += result.decision is Decision.MATCH
            continue
        ok = {group_id} | owners.get(result.normalized.folded, set())
        pool = {
            registry.groups[resolver.index.group_of(i)].id
            for i, _ in resolver.index.candidates(result.normalized)
        }
        hit = bool(result.candidates) and result.candidates[0].group.id in ok
        positives += 1
        top1 += hit
        cand += bool(ok & pool)
        keys = looked_up_keys(result.normalized)
        reachable += any(
            keys & posted_keys(normalize(text)) for g in ok for text in registry[g].names
        )
        tally = by_kind[kind]
        tally[0] += 1
        tally[1] += hit
        tally[2] += bool(ok & pool)
    total = positives
    out["positives"] = total
    out["top1"] = top1 / total
    out["candidate_recall"] = cand / total
    out["key_reachable"] = reachable / total  # share sharing an index key with their group
    out["false_match_rate"] = false_matches / negatives if negatives else 0.0
    out["by_kind"] = {k: {"n": n, "top1": t / n, "cand": c / n} for k, (n, t, c) in by_kind.items()}

    # Batch throughput, one process, caches cold (the index's too: the passes above filled them).
    clear_caches()
    resolver.index.clear_caches()
    cpu = time.process_time()
    resolver.resolve_many(names)
    out["batch_qps_per_core"] = len(names) / (time.process_time() - cpu)

    # N processes (forked: each worker inherits the built index).
    _WORKER_RESOLVER = resolver
    chunks = [names[i :: WORKERS * 4] for i in range(WORKERS * 4)]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        WORKERS, mp_context=context, initializer=_worker_init
    ) as pool:
        list(pool.map(_worker_resolve, [[n] for n in names[:WORKERS]]))  # start the workers
        wall = time.perf_counter()
        done = sum(pool.map(_worker_resolve, chunks))
        out[f"batch_qps_{WORKERS}_processes_wall"] = done / (time.perf_counter() - wall)

    # Brute force: rapidfuzz extractOne (WRatio) over every name, on a sample of queries.
    choices, choice_groups = [], []
    for group in registry:
        for text in group.names:
            choices.append(utils.default_process(text))
            choice_groups.append(group.id)
    budget = max(20, min(len(queries), BRUTE_BUDGET // max(len(choices), 1)))
    sample = random.Random(seed).sample(range(len(queries)), budget)
    brute_cpu = aliasres_cpu = 0.0
    brute_top1 = aliasres_top1 = sampled_positives = 0
    for i in sample:
        query, group_id, _ = queries[i]
        cpu = time.process_time()
        hit = process.extractOne(
            utils.default_process(query), choices, scorer=fuzz.WRatio, processor=None
        )
        brute_cpu += time.process_time() - cpu
        aliasres_cpu += cpu_each[i]
        if group_id:
            ok = {group_id} | owners.get(results[i].normalized.folded, set())
            sampled_positives += 1
            brute_top1 += bool(hit) and choice_groups[hit[2]] in ok
            best = results[i].candidates[0].group.id if results[i].candidates else None
            aliasres_top1 += best in ok
    out["brute_force"] = {
        "queries": budget,
        "ms_per_query_cpu": 1000 * brute_cpu / budget,
        "aliasres_ms_per_query_cpu": 1000 * aliasres_cpu / budget,
        "speedup": brute_cpu / aliasres_cpu if aliasres_cpu else float("inf"),
        "top1": brute_top1 / sampled_positives if sampled_positives else 0.0,
        "aliasres_top1_same_queries": aliasres_top1 / sampled_positives
        if sampled_positives
        else 0.0,
    }
    out["peak_rss_mb"] = max(out["peak_rss_mb"], 0.0)
    out["peak_rss_end_mb"] = peak_mb()
    return out


# -- driver ----------------------------------------------------------------------------------


ROWS = (
    ("names", "names", "{:,.0f}"),
    ("build cold s", "index_build_cold_s", "{:.2f}"),
    ("build warm s", "index_build_warm_s", "{:.2f}"),
    ("index MB", "index_mb", "{:.0f}"),
    ("saved index MB", "index_file_mb", "{:.0f}"),
    ("saved index load s", "index_load_s", "{:.2f}"),
    ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
    ("p50 ms", ("latency_ms", "p50"), "{:.2f}"),
    ("p95 ms", ("latency_ms", "p95"), "{:.2f}"),
    ("p99 ms", ("latency_ms", "p99"), "{:.2f}"),
    ("batch q/CPU-s", "batch_qps_per_core", "{:,.0f}"),
    (f"{WORKERS} procs q/s (wall)", f"batch_qps_{WORKERS}_processes_wall", "{:,.0f}"),
    ("candidate recall", "candidate_recall", "{:.3f}"),
    ("sharing a key w/ group", "key_reachable", "{:.3f}"),
    ("top-1", "top1", "{:.3f}"),
    ("false-match rate", "false_match_rate", "{:.3f}"),
    ("brute ms/query", ("brute_force", "ms_per_query_cpu"), "{:.2f}"),
    ("brute top-1", ("brute_force", "top1"), "{:.3f}"),
    ("speed-up vs brute", ("brute_force", "speedup"), "{:.0f}x"),
)


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"{'':24}" + "".join(f"{r['size']:>12}" for r in results))
    for label, key, fmt in ROWS:
        cells = []
        for r in results:
            value = r[key[0]][key[1]] if isinstance(key, tuple) else r[key]
            cells.append(fmt.format(value))
        print(f"{label:24}" + "".join(f"{c:>12}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--l-names", type=int, default=1_000_000)
    parser.add_argument("--ofac", type=Path, default=DEFAULT_OFAC)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one size
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.ofac, args.l_names, args.seed)))
        return 0
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    if any(s != "S" for s in sizes) and not (args.ofac / "sdn.csv").exists():
        print(f"OFAC files not found in {args.ofac}; pass --ofac DIR", file=sys.stderr)
        return 2
    results = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "ALIASRES_CACHE_DIR": cache}
            command = [sys.executable, __file__, "--one", size, "--l-names", str(args.l_names)]
            command += ["--ofac", str(args.ofac), "--seed", str(args.seed)]
            done = subprocess.run(command, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"{size}: done ({results[-1]['names']:,} names)", file=sys.stderr)
    print_table(results)
    report = {
        "results": results,
        "settings": {"l_names": args.l_names, "seed": args.seed, "workers": WORKERS},
    }
    print("start-up time of a fresh process: python benchmarks/bench_startup.py")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
