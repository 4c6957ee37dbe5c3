"""Text scanning (issue 9): quality on the hand-annotated seed articles, and speed.

Quality: the five seed articles, annotated by hand in ``tests/data/annotated/`` (every group
mention with its offsets and registry id; organisations that are not registry groups with
``group: null``). A prediction is a MATCH mention; a gold pair is an annotated (span, group).

- exact: precision, recall and F1 of (start, end, group) triples;
- overlap: a prediction counts when it overlaps a gold mention of the same group (spans that
  differ by a word);
- non-group violations: MATCH mentions that overlap an organisation annotated as not a
  registry group (and no gold group mention);
- AMBIGUOUS mentions, and how many of them list the gold group among their candidates.

Speed, on the packaged registry, in CPU seconds of this process (one core; wall time on a
shared machine says more about the neighbours than about the scanner):

- cold: a new scanner (phrase index built beforehand, caches empty) over the five articles;
- warm: the articles repeated to at least 1 MB, scanned by a scanner that has seen them
  (best of three);
- varied: at least 1 MB of article sentences in which every annotated group mention is
  replaced by a random registry name (seeded), scanned once by a new scanner: many distinct
  names, so most spans cost a resolver call.

Run:  python benchmarks/bench_scan.py [--json benchmarks/results/scan.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from aliasres import Decision, default_resolver
from aliasres.scan import Mention, Scanner

ROOT = Path(__file__).resolve().parents[1]
ANNOTATED = ROOT / "tests" / "data" / "annotated"
MEGABYTE = 1_000_000
SEED = 9


def load_annotations() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(ANNOTATED.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["file"] = path.name
        for item in data["mentions"]:
            if data["text"][item["start"] : item["end"]] != item["text"]:
                span = f"{item['start']}-{item['end']}"
                msg = f"{path.name}: offsets {span} do not give {item['text']!r}"
                raise SystemExit(msg)
        docs.append(data)
    return docs


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def evaluate(docs: list[dict[str, Any]], scanner: Scanner) -> dict[str, Any]:
    """P/R/F1 of (span, group) pairs, per article and overall, and the errors."""
    totals = {"tp": 0, "fp": 0, "fn": 0, "overlap_tp": 0, "overlap_fp": 0, "overlap_fn": 0}
    per_doc: dict[str, Any] = {}
    violations: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    ambiguous = ambiguous_with_gold = 0
    for doc in docs:
        mentions = scanner.scan(doc["text"])
        gold = [m for m in doc["mentions"] if m["group"] is not None]
        nongroups = [m for m in doc["mentions"] if m["group"] is None]
        gold_set = {(m["start"], m["end"], m["group"]) for m in gold}
        predicted = {(m.start, m.end, m.group_id) for m in mentions if m.group_id is not None}
        tp = len(gold_set & predicted)
        fp = len(predicted - gold_set)
        fn = len(gold_set - predicted)
        overlap_tp = sum(1 for p in predicted if any(_overlaps(p, g) for g in gold_set))
        overlap_fn = sum(1 for g in gold_set if not any(_overlaps(p, g) for p in predicted))
        totals["tp"] += tp
        totals["fp"] += fp
        totals["fn"] += fn
        totals["overlap_tp"] += overlap_tp
        totals["overlap_fp"] += len(predicted) - overlap_tp
        totals["overlap_fn"] += overlap_fn
        per_doc[doc["file"]] = {"gold": len(gold_set), "predicted": len(predicted), "tp": tp}
        per_doc[doc["file"]].update(_prf(tp, fp, fn))
        for m in mentions:
            if m.decision is Decision.AMBIGUOUS:
                ambiguous += 1
                spans = [g for g in gold if _overlaps((m.start, m.end, ""), _key(g))]
                if any(g["group"] in {c.group.id for c in m.candidates} for g in spans):
                    ambiguous_with_gold += 1
            if m.group_id is None:
                continue
            hit = [n for n in nongroups if n["start"] < m.end and m.start < n["end"]]
            inside_gold = any(
                g["start"] <= m.start and m.end <= g["end"] and g["group"] == m.group_id
                for g in gold
            )
            if hit and not inside_gold:
                violations.append(_describe(doc["file"], m, hit[0]["text"]))
        for key in sorted(predicted - gold_set):
            errors.append({"file": doc["file"], "kind": "false", **_mention_info(doc, key)})
        for key in sorted(gold_set - predicted):
            errors.append({"file": doc["file"], "kind": "missed", **_mention_info(doc, key)})
    overall = _prf(totals["tp"], totals["fp"], totals["fn"])
    overlap = _prf(totals["overlap_tp"], totals["overlap_fp"], totals["overlap_fn"])
    return {
        "exact": {**overall, **{k: totals[k] for k in ("tp", "fp", "fn")}},
        "overlap": overlap,
        "per_article": per_doc,
        "nongroup_violations": violations,
        "ambiguous_mentions": ambiguous,
        "ambiguous_listing_gold_group": ambiguous_with_gold,
        "errors": errors,
    }


def _key(item: dict[str, Any]) -> tuple[int, int, str]:
    return item["start"], item["end"], item["group"]


def _overlaps(left: tuple[int, int, Any], right: tuple[int, int, Any]) -> bool:
    same_group = left[2] == right[2] or left[2] == "" or right[2] == ""
    return same_group and left[0] < right[1] and right[0] < left[1]


def _mention_info(doc: dict[str, Any], key: tuple[int, int, str | None]) -> dict[str, Any]:
    start, end, group = key
    return {"start": start, "end": end, "text": doc["text"][start:end], "group": group}


def _describe(file: str, mention: Mention, nongroup: str) -> dict[str, Any]:
    return {
        "file": file,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "group": mention.group_id,
        "non_group": nongroup,
    }


def _throughput(scanner: Scanner, text: str, repeat: int = 1) -> dict[str, float]:
    """CPU seconds (this process, one core) to scan ``text``; the best of ``repeat`` runs."""
    best = float("inf")
    calls = scanner.resolver_calls
    mentions: list[Mention] = []
    for _ in range(repeat):
        started = time.process_time()
        mentions = scanner.scan(text)
        best = min(best, time.process_time() - started)
    size = len(text.encode("utf-8"))
    return {
        "bytes": size,
        "cpu_seconds": round(best, 4),
        "mb_per_second": round(size / MEGABYTE / best, 3),
        "mentions": len(mentions),
        "resolver_calls": scanner.resolver_calls - calls,
    }


def varied_corpus(docs: list[dict[str, Any]], names: list[str], size: int) -> str:
    """Article text with every annotated group mention replaced by a random registry name."""
    rng = random.Random(SEED)
    parts: list[str] = []
    total = 0
    while total < size:
        for doc in docs:
            text = doc["text"]
            pieces: list[str] = []
            cursor = 0
            for item in sorted(doc["mentions"], key=lambda m: m["start"]):
                if item["group"] is None or item["start"] < cursor:
                    continue
                pieces.append(text[cursor : item["start"]])
                pieces.append(rng.choice(names))
                cursor = item["end"]
            pieces.append(text[cursor:])
            chunk = "".join(pieces) + "\n\n"
            parts.append(chunk)
            total += len(chunk.encode("utf-8"))
    return "".join(parts)


def speed(docs: list[dict[str, Any]]) -> dict[str, Any]:
    resolver = default_resolver()
    started = time.perf_counter()
    scanner = Scanner(resolver)
    build = time.perf_counter() - started
    articles = "\n\n".join(doc["text"] for doc in docs)
    cold = _throughput(scanner, articles)
    repeated = articles
    while len(repeated.encode("utf-8")) < MEGABYTE:
        repeated += "\n\n" + articles
    warm = _throughput(scanner, repeated, repeat=3)
    names = [name for group in resolver.registry.groups for name in group.names]
    varied = _throughput(Scanner(resolver), varied_corpus(docs, names, MEGABYTE))
    return {
        "scanner_build_seconds": round(build, 3),
        "phrases_indexed": scanner.phrases,
        "cold_articles": cold,
        "warm_1mb": warm,
        "varied_1mb_new_scanner": varied,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--no-speed", action="store_true", help="quality only")
    args = parser.parse_args(argv)
    docs = load_annotations()
    quality = evaluate(docs, Scanner(default_resolver()))
    results: dict[str, Any] = {"articles": len(docs), "quality": quality}
    if not args.no_speed:
        results["speed"] = speed(docs)
    exact, overlap = quality["exact"], quality["overlap"]
    print(
        f"exact  P={exact['precision']:.3f} R={exact['recall']:.3f} F1={exact['f1']:.3f} "
        f"(tp {exact['tp']}, fp {exact['fp']}, fn {exact['fn']})"
    )
    print(f"overlap P={overlap['precision']:.3f} R={overlap['recall']:.3f} F1={overlap['f1']:.3f}")
    print(
        f"non-group violations: {len(quality['nongroup_violations'])}; "
        f"ambiguous mentions: {quality['ambiguous_mentions']} "
        f"({quality['ambiguous_listing_gold_group']} list the gold group)"
    )
    for error in quality["errors"]:
        print(
            f"  {error['kind']:6} {error['file']} {error['start']}-{error['end']} "
            f"{error['text']!r} {error['group']}"
        )
    if "speed" in results:
        for name in ("cold_articles", "warm_1mb", "varied_1mb_new_scanner"):
            run = results["speed"][name]
            print(
                f"{name}: {run['bytes']} bytes in {run['cpu_seconds']} CPU s = "
                f"{run['mb_per_second']} MB/s "
                f"({run['resolver_calls']} resolver calls)"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
