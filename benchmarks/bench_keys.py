"""Compare name keys on the golden variant sets, and time normalisation.

Run from the repository root::

    python benchmarks/bench_keys.py [--ofac DIR] [--repeats N]

What it measures
----------------
1. **Key quality** on ``tests/data/variant_sets.yaml``: for each key, how many golden sets
   collapse fully (every spelling of a group gets one key) and how many must-differ pairs
   of different groups collide (get one key). Keys compared:

   * ``aliasres core`` -- ``NormalizedName.core_key`` (lexicon concepts + ARS skeleton,
     generic words left out); ``aliasres key`` -- ``NormalizedName.key`` (generic words kept);
   * ``ars`` -- the ARS skeleton alone (``aliasres.phonetic_key`` per word), no lexicon;
   * ``soundex``, ``metaphone``, ``nysiis`` (jellyfish) and ``unidecode`` (the folded text
     itself), each after the naive pre-processing of the notes (section 4.1): unidecode (also
     for Arabic script), lower case, apostrophes removed, other non-letters to spaces, a fixed
     list of articles and particles removed, one key per word. Their ``-core`` rows also drop
     the words aliasres' lexicon calls generic, so they get the same help with generic words.

   A set marked ``order: free`` collapses when the sorted word keys agree. Must-differ pairs
   are compared on the full key (``-core`` rows: on the core key, for pairs marked ``core``).
2. **Speed** of ``aliasres.normalize`` in microseconds per name, on distinct names (the golden
   names, plus OFAC SDGT/FTO organisation names and aliases when ``--ofac`` points at a
   directory holding ``sdn.csv`` and ``alt.csv``):

   * ``cold``: every cache emptied before each name, so every word is analysed from scratch;
   * ``uncached``: no name cache, word-level caches warm (a running service's steady state);
   * ``cached``: the name was seen before.

   Each scenario runs several times over all names; the best and the median run are reported
   (the best is the least disturbed by other processes). Python timings depend on the
   machine; ``calibration`` is the time of ``sum(range(100))`` on the same run, to compare
   runs across machines.

The table is printed and written to ``benchmarks/results/keys.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jellyfish
import yaml
from unidecode import unidecode

from aliasres import normalize, phonetic_key
from aliasres.fold import fold_chars
from aliasres.lexicon import TokenKind, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "variant_sets.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "keys.json"

PARTICLES = frozenset(
    {"al", "el", "il", "ul", "l", "wa", "w", "wal", "fi", "fil", "bi", "li", "min", "the", "of"}
    | {"and", "in", "for", "to", "a", "an", "on", "le", "la", "les", "de", "du", "des", "d", "et"}
    | {
        "au",
        "aux",
        "en",
        "der",
        "die",
        "das",
        "und",
        "im",
        "von",
        "los",
        "las",
        "y",
        "del",
        "e",
        "i",
    }
)
"""The fixed article/particle list of the naive pipeline (notes 4.1)."""

Keyer = Callable[[str], list[str]]


def naive_words(text: str) -> list[str]:
    text = unidecode(text).lower()
    text = re.sub(r"['`\u2019\u2018]", "", text)
    return [w for w in re.sub(r"[^a-z0-9]+", " ", text).split() if w not in PARTICLES]


def is_generic(word: str) -> bool:
    tokens = normalize(word).tokens
    return bool(tokens) and all(t.kind is TokenKind.GENERIC for t in tokens)


def word_keyer(encode: Callable[[str], str], *, core: bool) -> Keyer:
    def keyer(text: str) -> list[str]:
        words = naive_words(text)
        if core:
            words = [w for w in words if not is_generic(w)]
        return [encode(w) or "?" for w in words]

    return keyer


def aliasres_keyer(*, core: bool) -> Keyer:
    def keyer(text: str) -> list[str]:
        result = normalize(text)
        tokens = [t for t in result.tokens if not core or t.kind is not TokenKind.GENERIC]
        return [t.identity for t in tokens]

    return keyer


ARABIC_PARTICLES = frozenset(["في", "و", "من", "على", "الى", "إلى", "عن"])


def ars_keyer(text: str) -> list[str]:
    """The ARS skeleton of each word, without the lexicon; particles dropped by a fixed list."""
    keys = []
    for word in fold_chars(text).split():
        if word in PARTICLES or word in ARABIC_PARTICLES:
            continue
        keys.extend(phonetic_key(word).split())
    return keys


KEYERS: dict[str, tuple[Keyer, bool]] = {
    # name -> (keyer, is it a core key?)
    "aliasres core": (aliasres_keyer(core=True), True),
    "aliasres key": (aliasres_keyer(core=False), False),
    "ars (no lexicon)": (ars_keyer, False),
    "soundex": (word_keyer(jellyfish.soundex, core=False), False),
    "soundex-core": (word_keyer(jellyfish.soundex, core=True), True),
    "metaphone": (word_keyer(jellyfish.metaphone, core=False), False),
    "metaphone-core": (word_keyer(jellyfish.metaphone, core=True), True),
    "nysiis": (word_keyer(jellyfish.nysiis, core=False), False),
    "nysiis-core": (word_keyer(jellyfish.nysiis, core=True), True),
    "unidecode": (word_keyer(lambda w: w, core=False), False),
    "unidecode-core": (word_keyer(lambda w: w, core=True), True),
}


def key_of(keyer: Keyer, text: str, *, free: bool) -> str:
    words = keyer(text)
    return " ".join(sorted(words) if free else words)


def quality(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    sets = data["sets"]
    pairs = data["must_differ"]
    for name, (keyer, core) in KEYERS.items():
        collapsed = []
        for entry in sets:
            free = entry.get("order") == "free"
            keys = {key_of(keyer, n, free=free) for n in entry["names"]}
            if len(keys) == 1:
                collapsed.append(entry["id"])
        collisions = []
        for left, right, _why, core_too in pairs:
            if core and not core_too:
                continue
            if key_of(keyer, left, free=False) == key_of(keyer, right, free=False):
                collisions.append(f"{left} / {right}")
        compared = sum(1 for *_, core_too in pairs if core_too or not core)
        out[name] = {
            "sets_collapsed": len(collapsed),
            "sets": len(sets),
            "pairs_colliding": len(collisions),
            "pairs": compared,
            "collisions": collisions,
        }
    return out


def ofac_names(directory: Path) -> list[str]:
    """Primary names and aliases of OFAC SDGT/FTO organisations (not individuals)."""
    ids: set[str] = set()
    names: list[str] = []
    with (directory / "sdn.csv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[2].strip() == "-0-" and ("SDGT" in row[3] or "FTO" in row[3]):
                ids.add(row[0])
                names.append(row[1])
    with (directory / "alt.csv").open(encoding="utf-8", errors="replace") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[0] in ids:
                names.append(row[3])
    return names


def per_name(run: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / count * 1e6


def speed(names: list[str], repeats: int) -> dict[str, float]:
    module = sys.modules["aliasres.normalize"]
    clear_all: Callable[[], None] = module.clear_caches
    clear_names: Callable[[], None] = module._normalize_cached.cache_clear
    load_lexicon()

    def cold() -> None:
        for name in names:
            clear_all()
            normalize(name)

    def uncached() -> None:
        clear_names()
        for name in names:
            normalize(name)

    def cached() -> None:
        for name in names:
            normalize(name)

    cold_times = [per_name(cold, len(names)) for _ in range(max(1, repeats // 2))]
    cold_best = min(cold_times)
    uncached()  # warm the word caches
    uncached_times = [per_name(uncached, len(names)) for _ in range(repeats)]
    cached_times = [per_name(cached, len(names)) for _ in range(repeats)]
    calibration = min(timeit.repeat("sum(range(100))", number=20_000, repeat=5)) / 20_000 * 1e6
    return {
        "names": len(names),
        "cold_us_median": statistics.median(cold_times),
        "cold_us_best": cold_best,
        "uncached_us_median": statistics.median(uncached_times),
        "uncached_us_best": min(uncached_times),
        "cached_us_median": statistics.median(cached_times),
        "cached_us_best": min(cached_times),
        "calibration_sum_range_100_us": calibration,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ofac", type=Path, help="directory with OFAC sdn.csv and alt.csv")
    parser.add_argument("--repeats", type=int, default=7, help="timing repeats (default 7)")
    args = parser.parse_args()

    data = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    table = quality(data)
    print(f"Golden data: {len(data['sets'])} sets, {len(data['must_differ'])} must-differ pairs")
    print(f"{'key':<18} {'sets collapsed':>15} {'pairs colliding':>16}")
    for name, row in table.items():
        sets = f"{row['sets_collapsed']}/{row['sets']}"
        pairs = f"{row['pairs_colliding']}/{row['pairs']}"
        print(f"{name:<18} {sets:>15} {pairs:>16}")

    names = sorted({n for s in data["sets"] for n in s["names"]})
    names += sorted({n for pair in data["must_differ"] for n in pair[:2]} - set(names))
    if args.ofac is not None:
        names += sorted(set(ofac_names(args.ofac)) - set(names))
    timing = speed(names, args.repeats)
    print()
    print(f"normalize() on {timing['names']} distinct names, microseconds per name (best, median):")
    for label, key in (
        ("cold (all caches emptied before each name)", "cold"),
        ("uncached (no name cache, word caches warm)", "uncached"),
        ("cached (name seen before)", "cached"),
    ):
        print(f"  {label} {timing[key + '_us_best']:8.2f} {timing[key + '_us_median']:8.2f}")
    calibration = timing["calibration_sum_range_100_us"]
    print(f"  calibration: sum(range(100)) takes         {calibration:8.2f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "golden": str(GOLDEN.relative_to(ROOT)),
        "with_ofac_names": args.ofac is not None,
        "keys": table,
        "speed": timing,
    }
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
