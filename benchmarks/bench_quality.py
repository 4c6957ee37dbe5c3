"""Resolution quality on the OFAC SDN list, against simple and fuzzy baselines.

Protocol (issue 5):
- registry: every SDGT/FTO organisation of the OFAC snapshot, each with its primary name and a
  seeded random half of its aliases;
- positive queries: the other half of the aliases. An answer is acceptable when it is the
  alias's group or any group that carries exactly the same normalised name;
- no-match queries: a seeded sample of OFAC individuals, vessels, aircraft and entities under
  other programmes, plus the non-militant organisations named in the seed articles
  (tests/data/non_groups.yaml);
- query classes: acronym (acronym-shaped), translation (agrees with its group through lexicon
  concepts rather than through spellings), variant (everything else).

Reports the share of positives that share any index key with their group (the others can
be proposed only through a near spelling or initials), and, per system and class, top-1, recall@5,
candidate recall, precision/recall/F1 of MATCH decisions, the false-match rate on no-match
queries, the AMBIGUOUS rate, queries per second and index build time, for aliasres and for the
baselines (exact lookup; rapidfuzz WRatio and token_sort_ratio extractOne; with the ``bench``
extra installed, OpenSanctions nomenklatura's logic-v2 matcher, the scorer behind yente's
/match). Also resolves the golden variant sets against the packaged registry.

logic-v2 compares followthemoney entities: each query becomes an Organization with the query as
its name, each registry group an Organization with its names (primary name, then aliases) and
countries. Like yente, it scores a shortlist rather than the whole registry: the registry groups
whose best name is closest to the query by rapidfuzz token_set_ratio, 50 by default (yente asks
its search index for 5 results x 10 candidates); ``--logic-v2-candidates 0`` scores every group.
The shortlist's candidate recall is the "cand" column. Scores at or below yente's cutoff (0.1)
are not results; the best result at or above yente's default threshold (0.7) is a MATCH.

Times are CPU seconds of this process (``time.process_time``), so that other work on the
machine does not distort them; the normalisation cache is cleared before the timed run.

Run:  python benchmarks/bench_quality.py [--ofac ../shared/data/ofac] [--json out.json]
      pip install -e ".[bench]"  # adds the logic-v2 baseline
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rapidfuzz import fuzz, process, utils

import aliasres
from aliasres import Decision, Registry, Resolver
from aliasres.cache import CACHE_DIR_VARIABLE
from aliasres.importers.ofac import import_ofac, read_sdn
from aliasres.index import looked_up_keys
from aliasres.indexbuild import posted_keys
from aliasres.model import Group
from aliasres.normalize import clear_caches, normalize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OFAC = ROOT.parent / "shared" / "data" / "ofac"
SEED = 20211
NEGATIVE_SAMPLE = 2000
BASELINE_CUTOFF = 90.0  # rapidfuzz score (0-100) at which a baseline answers "match"
# yente's defaults for logic-v2 (yente.settings): SCORE_THRESHOLD, SCORE_CUTOFF, and the candidates
# it scores per query (MATCH_PAGE 5 x MATCH_CANDIDATES 10).
LOGIC_V2_THRESHOLD = 0.7
LOGIC_V2_CUTOFF = 0.1
LOGIC_V2_CANDIDATES = 50


def split_registry(groups: Sequence[Group], seed: int) -> tuple[Registry, list[tuple[str, str]]]:
    """Register the primary name and a random half of the aliases; hold out the rest."""
    rng = random.Random(seed)
    kept: dict[str, list[str]] = {}
    held_out: list[tuple[str, str]] = []
    for group in groups:
        aliases = [a.text for a in group.aliases if a.text != group.name]
        rng.shuffle(aliases)
        half = (len(aliases) + 1) // 2
        kept[group.id] = [group.name, *aliases[:half]]
        held_out += [(text, group.id) for text in aliases[half:]]
    countries = {group.id: list(group.countries) for group in groups}
    return Registry.from_names(kept, countries=countries), held_out


def acceptable_groups(registry: Registry) -> Callable[[str, str], set[str]]:
    """The groups an answer may name: the true one and any group carrying the same name."""
    owners: dict[str, set[str]] = defaultdict(set)
    for group in registry:
        for text in group.names:
            owners[normalize(text).folded].add(group.id)

    def accept(query: str, group_id: str) -> set[str]:
        return {group_id} | owners.get(normalize(query).folded, set())

    return accept


def query_class(query: str, group: Group) -> str:
    normalized = normalize(query)
    if normalized.acronym is not None:
        return "acronym"
    registered = [normalize(text) for text in group.names]
    texts = {t.text for n in registered for t in n.tokens}
    concepts = {t.concept for n in registered for t in n.tokens if t.concept}
    own_texts = sum(1 for t in normalized.tokens if t.text in texts)
    own_concepts = sum(1 for t in normalized.tokens if t.concept and t.concept in concepts)
    return "translation" if own_concepts > own_texts else "variant"


def key_reachable(
    registry: Registry,
    positives: list[tuple[str, str, str]],
    accept: Callable[[str, str], set[str]],
) -> dict[str, float]:
    """Per class, the share of positives that share at least one index key with a registered
    name of an acceptable group, generic keys (``c:company``) included. Shared keys cannot
    find the others (Sendero Luminoso for Shining Path, THE BASE for al-Qa'ida); only a near
    spelling of a known word or initials can, so this bounds candidate recall in practice."""
    group_keys = {
        group.id: set().union(*map(posted_keys, map(normalize, group.names))) for group in registry
    }
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for query, group_id, klass in positives:
        keys = looked_up_keys(normalize(query))
        reached = any(keys & group_keys[g] for g in accept(query, group_id))
        for tally in (counts[klass], counts["all"]):
            tally[0] += reached
            tally[1] += 1
    return {klass: reached / total for klass, (reached, total) in counts.items()}


def negatives(ofac: Path, seed: int) -> list[str]:
    entities = read_sdn(ofac)
    pool = sorted(
        {
            e.name
            for e in entities
            if e.sdn_type is not None or not ({"SDGT", "FTO"} & set(e.programs))
        }
    )
    sample = random.Random(seed).sample(pool, min(NEGATIVE_SAMPLE, len(pool)))
    seeds = yaml.safe_load((ROOT / "tests" / "data" / "non_groups.yaml").read_text("utf-8"))
    return sample + [entry["text"] for entry in seeds]


class Tally:
    """Counts for one system on one query class."""

    def __init__(self) -> None:
        self.n = self.top1 = self.at5 = self.cand = self.tp = self.fp = self.amb = 0
        self.neg = self.neg_fp = 0

    def row(self) -> dict[str, float]:
        matched = self.tp + self.fp
        precision = self.tp / matched if matched else 1.0
        recall = self.tp / self.n if self.n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "queries": self.n,
            "top1": self.top1 / self.n if self.n else 0.0,
            "recall@5": self.at5 / self.n if self.n else 0.0,
            "candidate_recall": self.cand / self.n if self.n else 0.0,
            "match_precision": precision,
            "match_recall": recall,
            "match_f1": f1,
            "ambiguous_rate": self.amb / self.n if self.n else 0.0,
            "negatives": self.neg,
            "false_match_rate": self.neg_fp / self.neg if self.neg else 0.0,
        }


@contextlib.contextmanager
def no_cache() -> Iterator[None]:
    previous = os.environ.get(CACHE_DIR_VARIABLE)
    os.environ[CACHE_DIR_VARIABLE] = ""
    try:
        yield
    finally:
        if previous is None:
            del os.environ[CACHE_DIR_VARIABLE]
        else:
            os.environ[CACHE_DIR_VARIABLE] = previous


def evaluate_aliasres(
    registry: Registry,
    positives: list[tuple[str, str, str]],
    negative_names: list[str],
    accept: Callable[[str, str], set[str]],
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    with no_cache():  # the build is timed from scratch, not read from an earlier run's cache
        start = time.process_time()
        resolver = Resolver(registry)
        build = time.process_time() - start
    names = [q for q, _, _ in positives] + negative_names
    clear_caches()
    start = time.process_time()
    results = resolver.resolve_many(names)
    elapsed = time.process_time() - start
    tallies: dict[str, Tally] = defaultdict(Tally)
    for (query, group_id, klass), result in zip(positives, results, strict=False):
        ok = accept(query, group_id)
        ids = [c.group.id for c in result.candidates]
        for tally in (tallies[klass], tallies["all"]):
            tally.n += 1
            tally.top1 += bool(ids and ids[0] in ok)
            tally.at5 += bool(ok & set(ids[:5]))
            pool = {
                resolver.index.group_of(i) for i, _ in resolver.index.candidates(result.normalized)
            }
            tally.cand += bool(ok & {registry.groups[p].id for p in pool})
            if result.decision is Decision.MATCH:
                tally.tp += ids[0] in ok
                tally.fp += ids[0] not in ok
            tally.amb += result.decision is Decision.AMBIGUOUS
    for result in results[len(positives) :]:
        tallies["all"].neg += 1
        tallies["all"].neg_fp += result.decision is Decision.MATCH
        tallies["all"].fp += result.decision is Decision.MATCH
    speed = {"index_build_s": build, "queries_per_s": len(names) / elapsed}
    return {k: t.row() for k, t in sorted(tallies.items())}, speed


def evaluate_baseline(
    registry: Registry,
    positives: list[tuple[str, str, str]],
    negative_names: list[str],
    accept: Callable[[str, str], set[str]],
    scorer: Callable[..., float] | None,
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    choices: list[str] = []
    owners: list[str] = []
    exact: dict[str, str] = {}
    for group in registry:
        for text in group.names:
            processed = utils.default_process(text)
            choices.append(processed)
            owners.append(group.id)
            exact.setdefault(processed, group.id)

    def answer(query: str) -> tuple[str | None, float]:
        processed = utils.default_process(query)
        if scorer is None:
            found = exact.get(processed)
            return found, 100.0 if found else 0.0
        hit = process.extractOne(processed, choices, scorer=scorer, processor=None)
        return (owners[hit[2]], hit[1]) if hit else (None, 0.0)

    tallies: dict[str, Tally] = defaultdict(Tally)
    start = time.process_time()
    answers = [answer(q) for q, _, _ in positives] + [answer(q) for q in negative_names]
    elapsed = time.process_time() - start
    for (query, group_id, klass), (found, score) in zip(positives, answers, strict=False):
        ok = accept(query, group_id)
        for tally in (tallies[klass], tallies["all"]):
            tally.n += 1
            tally.top1 += found in ok
            tally.at5 += found in ok
            tally.cand += found in ok
            if score >= BASELINE_CUTOFF:
                tally.tp += found in ok
                tally.fp += found not in ok
    for found, score in answers[len(positives) :]:
        tallies["all"].neg += 1
        tallies["all"].neg_fp += bool(found) and score >= BASELINE_CUTOFF
        tallies["all"].fp += bool(found) and score >= BASELINE_CUTOFF
    speed = {"index_build_s": 0.0, "queries_per_s": len(answers) / elapsed}
    return {k: t.row() for k, t in sorted(tallies.items())}, speed


def shortlist(registry: Registry, queries: Sequence[str], k: int) -> list[list[int]]:
    """The k registry groups nearest each query by token_set_ratio (all groups when k is 0).

    logic-v2 is too slow to score every group for every query (about 0.2 s a query here), and
    yente never does: it scores what its search index returns. A group's score is its best
    name's; ties keep registry order.
    """
    names: list[str] = []
    starts: list[int] = []
    for group in registry:
        starts.append(len(names))
        names += [utils.default_process(text) for text in group.names]
    processed = [utils.default_process(q) for q in queries]
    scores = process.cdist(
        processed, names, scorer=fuzz.token_set_ratio, processor=None, dtype=np.float32
    )
    by_group = np.maximum.reduceat(scores, np.array(starts), axis=1)
    order = np.argsort(-by_group, axis=1, kind="stable")
    return [row[: k or len(starts)].tolist() for row in order]


def evaluate_logic_v2(
    registry: Registry,
    positives: list[tuple[str, str, str]],
    negative_names: list[str],
    accept: Callable[[str, str], set[str]],
    candidates: int,
) -> tuple[dict[str, dict[str, float]], dict[str, float]] | None:
    """nomenklatura's logic-v2 on a shortlist, or None when the bench extra is not installed."""
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
    except ImportError:
        return None

    def entity(entity_id: str, names: Sequence[str], countries: Sequence[str] = ()) -> Any:
        # The matcher caches name analysis by entity id: every query needs an id of its own.
        proxy = model.make_entity("Organization")
        proxy.id = entity_id
        proxy.add("name", names[0])
        proxy.add("alias", list(names[1:]))
        proxy.add("country", list(countries))
        return proxy

    start = time.process_time()
    groups = list(registry)
    entities = [entity(g.id, g.names, g.countries) for g in groups]
    config = LogicV2.default_config()
    build = time.process_time() - start
    names = [q for q, _, _ in positives] + negative_names
    start = time.process_time()
    pools = shortlist(registry, names, candidates)
    ranked: list[list[tuple[float, str]]] = []
    for n, (name, pool) in enumerate(zip(names, pools, strict=True)):
        query = entity(f"query-{n}", [name])
        scored = [(LogicV2.compare(query, entities[i], config).score, groups[i].id) for i in pool]
        scored = [s for s in scored if s[0] > LOGIC_V2_CUTOFF]
        ranked.append(sorted(scored, key=lambda s: -s[0]))  # stable: ties keep shortlist order
    elapsed = time.process_time() - start
    tallies: dict[str, Tally] = defaultdict(Tally)
    for (query, group_id, klass), pool, results in zip(positives, pools, ranked, strict=False):
        ok = accept(query, group_id)
        ids = [g for _, g in results]
        matched = bool(results) and results[0][0] >= LOGIC_V2_THRESHOLD
        for tally in (tallies[klass], tallies["all"]):
            tally.n += 1
            tally.top1 += bool(ids and ids[0] in ok)
            tally.at5 += bool(ok & set(ids[:5]))
            tally.cand += bool(ok & {groups[i].id for i in pool})
            if matched:
                tally.tp += ids[0] in ok
                tally.fp += ids[0] not in ok
    for results in ranked[len(positives) :]:
        matched = bool(results) and results[0][0] >= LOGIC_V2_THRESHOLD
        tallies["all"].neg += 1
        tallies["all"].neg_fp += matched
        tallies["all"].fp += matched
    speed = {
        "index_build_s": build,
        "queries_per_s": len(names) / elapsed,
        "candidates_per_query": float(candidates or len(groups)),
    }
    return {k: t.row() for k, t in sorted(tallies.items())}, speed


def variant_sets_report() -> dict[str, Any]:
    """Every spelling of the golden variant sets, resolved against the packaged registry.

    A set is anchored to the registry group that carries the most of its spellings verbatim
    (case aside); sets with no verbatim spelling in the registry are counted as unanchored.
    A spelling some other group carries verbatim may also resolve to that group, as in the
    hold-out protocol (Jund al-Khilafa Group: a bare-name spelling that OFAC gives JAK-A).
    """
    path = ROOT / "tests" / "data" / "variant_sets.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text("utf-8"))
    resolver = aliasres.default_resolver()
    owners: dict[str, set[str]] = defaultdict(set)
    for group in resolver.registry:
        for text in group.names:
            owners[text.casefold()].add(group.id)
    total = correct = unanchored = ambiguous = 0
    misses = []
    for entry in data.get("sets", []):
        votes: dict[str, int] = defaultdict(int)
        for name in entry["names"]:
            for group_id in owners.get(name.casefold(), ()):
                votes[group_id] += 1
        if not votes:
            unanchored += 1
            continue
        group_id = max(sorted(votes), key=lambda g: votes[g])
        for name in entry["names"]:
            result = resolver.resolve(name)
            total += 1
            best = result.best.group.id if result.best else None
            listed = {c.group.id for c in (*result.candidates, *result.rivals)}
            acceptable = {group_id, *owners.get(name.casefold(), ())}
            if result.decision is Decision.MATCH and best in acceptable:
                correct += 1
            elif result.decision is Decision.AMBIGUOUS and not acceptable.isdisjoint(listed):
                ambiguous += 1  # a name several groups carry: AMBIGUOUS, with the group listed
            else:
                misses.append(f"{name!r} -> {result.decision.value} {best} (want {group_id})")
    return {
        "names": total,
        "resolved_correctly": correct,
        "ambiguous_with_group_listed": ambiguous,
        "unanchored_sets": unanchored,
        "misses": misses,
    }


COLUMNS = (
    ("queries", "n", "5d"),
    ("top1", "top1", "6.3f"),
    ("recall@5", "r@5", "6.3f"),
    ("candidate_recall", "cand", "6.3f"),
    ("match_precision", "P", "6.3f"),
    ("match_recall", "R", "6.3f"),
    ("match_f1", "F1", "6.3f"),
    ("ambiguous_rate", "amb", "6.3f"),
    ("false_match_rate", "FMR", "6.3f"),
)


def print_table(systems: dict[str, Any]) -> None:
    print(f"{'system':22} {'class':12} " + " ".join(f"{h:>{f[0]}}" for _, h, f in COLUMNS))
    for system, (rows, speed) in systems.items():
        for klass, row in rows.items():
            cells = [
                format(row[key], fmt) if klass == "all" or key != "false_match_rate" else ""
                for key, _, fmt in COLUMNS
            ]
            print(f"{system:22} {klass:12} " + " ".join(cells))
        build_ms = speed["index_build_s"] * 1000
        print(
            f"{system:22} speed: {speed['queries_per_s']:,.0f} queries per CPU-second,"
            f" build {build_ms:.0f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ofac", type=Path, default=DEFAULT_OFAC)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "quality.json"
    )
    parser.add_argument(
        "--logic-v2-candidates",
        type=int,
        default=LOGIC_V2_CANDIDATES,
        help="registry groups logic-v2 scores per query (0: all of them)",
    )
    args = parser.parse_args(argv)
    if not (args.ofac / "sdn.csv").exists():
        print(f"OFAC files not found in {args.ofac}; pass --ofac DIR", file=sys.stderr)
        return 2
    full = import_ofac(args.ofac)
    registry, held_out = split_registry(list(full), args.seed)
    accept = acceptable_groups(registry)
    positives = [
        (q, g, query_class(q, registry[g]))
        for q, g in held_out
        if normalize(q).folded or normalize(q).acronym
    ]
    negative_names = negatives(args.ofac, args.seed)
    print(
        f"registry: {len(registry)} groups, {registry.alias_count()} names; "
        f"{len(positives)} positive queries, {len(negative_names)} no-match queries"
    )
    systems: dict[str, Any] = {}
    systems["aliasres"] = evaluate_aliasres(registry, positives, negative_names, accept)
    systems["exact"] = evaluate_baseline(registry, positives, negative_names, accept, None)
    systems["rapidfuzz WRatio"] = evaluate_baseline(
        registry, positives, negative_names, accept, fuzz.WRatio
    )
    systems["rapidfuzz token_sort"] = evaluate_baseline(
        registry, positives, negative_names, accept, fuzz.token_sort_ratio
    )
    logic_v2 = evaluate_logic_v2(
        registry, positives, negative_names, accept, args.logic_v2_candidates
    )
    if logic_v2 is None:
        print('logic-v2 baseline skipped: nomenklatura is not installed (pip install ".[bench]")')
    else:
        systems["logic-v2"] = logic_v2
    print_table(systems)
    reachable = key_reachable(registry, positives, accept)
    print(
        "positives sharing an index key with a name of their group (the others can be"
        " proposed only through a near spelling or initials): "
        + ", ".join(f"{klass} {share:.3f}" for klass, share in sorted(reachable.items()))
    )
    variants = variant_sets_report()
    if variants:
        print(
            f"golden variant sets on the packaged registry: {variants['resolved_correctly']}"
            f"/{variants['names']} spellings MATCH their group,"
            f" {variants['ambiguous_with_group_listed']} AMBIGUOUS with it listed"
            f" ({variants['unanchored_sets']} sets not anchored in the registry)"
        )
        for miss in variants["misses"][:40]:
            print("  miss:", miss)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {"systems": systems, "key_reachable": reachable, "variant_sets": variants}, indent=2
        ),
        "utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
