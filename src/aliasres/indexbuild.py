"""Building a candidate index's arrays from a registry, in one process or several.

Every registry name is normalised and filed under its keys (see ``aliasres.index``). The
registry's groups are indexed as shards of consecutive groups: each shard numbers its own names,
tokens and keys in order of first appearance, and keeps its postings as (key, name) pairs. The
shards are then joined in order, and since a shard's first appearances come after those of the
shards before it, every name, token and key gets the number one pass over the whole registry
gives it: the index is the same, byte for byte, however the registry was cut. One shard is the
whole registry; a large registry (``PARALLEL_BUILD_NAMES``) is cut into several, indexed by
worker processes, since normalising a million names takes about a minute of CPU.
"""

from __future__ import annotations

import array
import functools
import gc
import hashlib
import importlib
import itertools
import json
import math
import os
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from aliasres import collector
from aliasres.model import AliasKind, Group
from aliasres.normalize import NormalizedName, Token, normalize
from aliasres.registry import Registry

PARALLEL_BUILD_NAMES = 200_000
"""A registry with at least this many names is indexed by worker processes (one per usable CPU,
unless told otherwise): below it, starting them costs more than it saves."""
SHARDS_PER_WORKER = 4
"""Shards per worker process: a few each, so that a worker done early takes another, and the
parent joins finished shards while the others are being built."""
FORM_KEY_PREFIXES = ("f:", "a:", "d:")
"""Keys of whole names (folded form, acronyms): about one per name, each on few names. They
are found through sorted 64-bit hashes rather than a dictionary, which would cost most of the
time to load a large saved index."""

Names = list[tuple[str, AliasKind | None]]
"""A group's names: (text, alias kind), the canonical name first with kind None."""


def token_keys(token: Token) -> tuple[str, ...]:
    """Every key a token is posted under: its identity, its phonetic key (a lexicon word's
    identity is its concept, but a misspelling of it only shares the sound) and its alternate
    readings."""
    sounds = dict.fromkeys(f"k:{key}" for key in (token.key, *token.alt_keys))
    return (token.identity, *(key for key in sounds if key != token.identity))


def key_hash(key: str) -> int:
    """A 64-bit hash of a key that is the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class Shard(NamedTuple):
    """Consecutive groups of a registry, indexed, with numbers of their own for their names
    (from 0), tokens and keys. Flat arrays and bytes: cheap to send between processes."""

    group_of: array.array[int]  # each name's group (position in Registry.groups)
    records: bytes | bytearray  # the names' records (``_record_of``), end to end
    record_ends: array.array[int]
    token_spans: array.array[int]  # where each record lists its tokens: start, end
    name_tokens: array.array[int]  # every name's tokens (numbers in ``tokens``), flat
    token_ends: array.array[int]
    tokens: list[Token]  # every distinct token once, in order of first appearance
    keys: list[str]  # every key once, in order of first appearance
    key_hashes: array.array[int]  # ``key_hash`` of the keys of whole names, 0 for token keys
    pair_keys: array.array[int]  # the postings, as (key, name) pairs in name order
    pair_names: array.array[int]


class Postings(NamedTuple):
    """A registry's postings: its keys' names (ascending) end to end, where each key's end,
    and on how many groups' names each key is."""

    ends: array.array[int]
    postings: array.array[int]
    key_groups: array.array[int]


class Built(NamedTuple):
    """Everything a ``CandidateIndex`` holds, as ``CandidateIndex.save`` writes it."""

    group_of: array.array[int]
    keys: dict[str, int]  # token keys; the keys of whole names are found by hash
    form_hashes: array.array[int]
    form_numbers: array.array[int]
    ends: array.array[int]
    postings: array.array[int]
    idf: array.array[float]
    unseen_idf: float
    total_weight: array.array[float]
    vocabulary: dict[str, list[str]]
    records: bytes | bytearray
    token_data: list[list[Any]]
    record_ends: array.array[int]


def build(registry: Registry, workers: int | None = None) -> Built:
    """The index of ``registry``, built by ``workers`` processes (None: one per usable CPU if
    the registry has ``PARALLEL_BUILD_NAMES`` names or more, else none; 1: none). The result
    is the same whatever the number of processes."""
    if workers is None:
        large = sum(map(_name_count, registry.groups)) >= PARALLEL_BUILD_NAMES
        workers = usable_cpus() if large else 1
    with collector.paused():
        if workers > 1 and not _daemonic():
            shard, postings = _build_in_processes(registry, workers)
        else:
            shard = build_shard(0, map(_names_of, registry.groups))
            postings = _grouped(shard)
        return _finish(shard, postings, len(registry))


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _daemonic() -> bool:
    """Whether this is a daemonic process (a multiprocessing pool's worker, say), which may not
    start processes of its own."""
    import multiprocessing  # already imported in such a process

    return bool(multiprocessing.current_process().daemon)


def build_shard(first: int, groups: Iterable[Names]) -> Shard:
    """Index consecutive groups of a registry, the first at position ``first``."""
    group_of = array.array("i")
    records = bytearray()
    record_ends = array.array("q")
    token_spans = array.array("q")
    name_tokens = array.array("i")
    token_ends = array.array("q")
    # Every distinct token once, with its number and the numbers of its keys.
    tokens: dict[Token, tuple[int, tuple[int, ...]]] = {}
    keys: dict[str, int] = {}
    key_hashes = array.array("q")
    pair_keys = array.array("i")  # postings as (key, name) pairs, in name order
    pair_names = array.array("i")

    def key_number(key: str) -> int:
        number = keys.get(key)
        if number is None:
            number = keys[key] = len(keys)
            key_hashes.append(key_hash(key) if key.startswith(FORM_KEY_PREFIXES) else 0)
        return number

    for position, names in enumerate(groups, first):  # one group's names at a time
        for text, kind, name in _entries_of([(t, k, normalize(t)) for t, k in names]):
            if not name.tokens and name.acronym is None:
                continue
            name_id = len(group_of)
            group_of.append(position)
            numbers: list[int] = []
            start = len(name_tokens)
            for token in name.tokens:
                found = tokens.get(token)
                if found is None:
                    found = tokens[token] = (len(tokens), tuple(map(key_number, token_keys(token))))
                name_tokens.append(found[0])
                numbers += found[1]
            numbers += map(key_number, _form_keys(name))
            unique = set(numbers)  # a name is posted once under a key
            pair_keys.extend(unique)
            pair_names.extend(itertools.repeat(name_id, len(unique)))
            token_ends.append(len(name_tokens))
            head, listed, tail = _record_of(text, kind, name, name_tokens[start:])
            token_spans.append(len(records) + len(head))
            token_spans.append(len(records) + len(head) + len(listed))
            records += head
            records += listed
            records += tail
            record_ends.append(len(records))
    return Shard(
        group_of,
        records,
        record_ends,
        token_spans,
        name_tokens,
        token_ends,
        list(tokens),
        list(keys),
        key_hashes,
        pair_keys,
        pair_names,
    )


def _grouped(shard: Shard) -> Postings:
    """The postings of a shard's (key, name) pairs, listed key after key (a counting sort: each
    key's names stay in name order), and how many groups each key is on."""
    counts = [0] * len(shard.keys)
    for number in shard.pair_keys:
        counts[number] += 1
    ends = array.array("q", itertools.accumulate(counts))
    del counts
    slots = array.array("q", itertools.chain((0,), ends))
    postings = array.array("i", bytes(4 * len(shard.pair_keys)))
    key_groups = array.array("i", bytes(4 * len(shard.keys)))
    last_group = array.array("i", b"\xff" * 4 * len(shard.keys))  # -1: none yet
    group_of = shard.group_of
    for number, name_id in zip(shard.pair_keys, shard.pair_names, strict=True):
        slot = slots[number]
        postings[slot] = name_id
        slots[number] = slot + 1
        group = group_of[name_id]
        if last_group[number] != group:  # names come in order, so groups do
            last_group[number] = group
            key_groups[number] += 1
    return Postings(ends, postings, key_groups)


def _finish(shard: Shard, postings: Postings, groups: int) -> Built:
    """The index's arrays from the shard of a whole registry of ``groups`` groups: what needs
    every name (rarities, and the weights that depend on them)."""
    # Token keys in a dictionary; keys of whole names by hash (equal hashes in key order).
    token_keys: dict[str, int] = {}
    form_keys: list[int] = []
    for number, key in enumerate(shard.keys):
        if key.startswith(FORM_KEY_PREFIXES):
            form_keys.append(number)
        else:
            token_keys[key] = number
    form_keys.sort(key=shard.key_hashes.__getitem__)
    # Rarities: inverse group frequency of every key (a key many groups share says little).
    total = max(groups, 1)
    rarity = functools.cache(lambda count: math.log(1.0 + total / count))
    idf = array.array("d", map(rarity, postings.key_groups))
    token_weight = [token.weight * idf[token_keys[token.identity]] for token in shard.tokens]
    total_weight = array.array(
        "d",
        (
            sum(map(token_weight.__getitem__, shard.name_tokens[start:end]))
            for start, end in _spans(shard.token_ends)
        ),
    )
    vocabulary: dict[str, dict[str, None]] = defaultdict(dict)
    for token in shard.tokens:
        vocabulary[token.text][token.identity] = None
    return Built(
        group_of=shard.group_of,
        keys=token_keys,
        form_hashes=array.array("q", map(shard.key_hashes.__getitem__, form_keys)),
        form_numbers=array.array("i", form_keys),
        ends=postings.ends,
        postings=postings.postings,
        idf=idf,
        unseen_idf=math.log(1.0 + total),
        total_weight=total_weight,
        vocabulary={text: list(found) for text, found in vocabulary.items()},
        records=shard.records,
        token_data=[_token_to_data(token) for token in shard.tokens],
        record_ends=shard.record_ends,
    )


def _build_in_processes(registry: Registry, workers: int) -> tuple[Shard, Postings]:
    """The shard of the whole registry, from shards built by ``workers`` processes and
    joined in order as they come in, and its postings. Workers get plain names, not the
    registry: any start method works (with spawn, the calling script needs the usual
    ``__main__`` guard), and a forked worker touches none of the parent's objects."""
    from concurrent.futures import ProcessPoolExecutor  # only large registries come here

    bounds = _shard_bounds(registry, workers * SHARDS_PER_WORKER)
    joined = _Joined()
    with ProcessPoolExecutor(workers, initializer=_start_worker) as pool:
        futures = deque(
            pool.submit(build_shard, first, [_names_of(g) for g in registry.groups[first:end]])
            for first, end in bounds
        )
        try:
            while futures:  # in order; a joined shard is let go of
                joined.add(futures.popleft().result())
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return joined.shard(), joined.postings()


def _start_worker() -> None:
    """Set up a worker process: no cyclic garbage collector (see ``aliasres.collector``; in a
    forked worker, its scans would also copy the parent's memory pages they touch)."""
    gc.disable()


def _name_count(group: Group) -> int:
    return 1 + len(group.aliases)


def _shard_bounds(registry: Registry, shards: int) -> list[tuple[int, int]]:
    """(first, end) positions of ``shards`` runs of consecutive groups with about as many
    names each."""
    total = sum(map(_name_count, registry.groups))
    bounds: list[tuple[int, int]] = []
    first = names = 0
    for position, group in enumerate(registry.groups):
        names += _name_count(group)
        if names * shards >= total * (len(bounds) + 1) and position + 1 < len(registry):
            bounds.append((first, position + 1))
            first = position + 1
    bounds.append((first, len(registry)))
    return bounds


class _Joined:
    """Shards joined in order into the shard of their groups together. Tokens and keys are
    numbered in order of first appearance, shard after shard, and names one after another, as
    a single shard would number them; each shard's records get their token numbers rewritten.
    The postings are put together at the end, with numpy (only large registries are built in
    shards; numpy is a dependency, imported where it is needed)."""

    def __init__(self) -> None:
        self.group_of = array.array("i")
        self.records = bytearray()
        self.record_ends = array.array("q")
        self.name_tokens = array.array("i")
        self.token_ends = array.array("q")
        self.tokens: dict[Token, int] = {}
        self.keys: dict[str, int] = {}
        self.key_hashes = array.array("q")
        self.pairs: list[tuple[list[int], array.array[int], array.array[int], int]] = []

    def add(self, shard: Shard) -> None:
        """Join the next shard."""
        tokens = [self.tokens.setdefault(token, len(self.tokens)) for token in shard.tokens]
        known = len(self.keys)
        keys = [self.keys.setdefault(key, len(self.keys)) for key in shard.keys]
        # Keys new here were numbered in the shard's order: their hashes come in that order.
        hashes = shard.key_hashes
        self.key_hashes.extend(hashes[n] for n, number in enumerate(keys) if number >= known)
        self.pairs.append((keys, shard.pair_keys, shard.pair_names, len(self.group_of)))
        self.group_of += shard.group_of
        # Records: each one's token numbers (between its token spans) renumbered.
        listed = [str(number).encode() for number in tokens]
        old, records, record_ends = memoryview(shard.records), self.records, self.record_ends
        name_tokens = list(map(listed.__getitem__, shard.name_tokens))
        shift = len(records)  # where the shard's records start, plus what they grew
        start = end = 0
        for token_end, span_start, span_end, record_end in zip(
            shard.token_ends,
            shard.token_spans[0::2],
            shard.token_spans[1::2],
            shard.record_ends,
            strict=True,
        ):
            records += old[end:span_start]
            numbers = b",".join(name_tokens[start:token_end])
            records += numbers
            shift += len(numbers) - (span_end - span_start)
            record_ends.append(record_end + shift)
            start, end = token_end, span_end
        records += old[end:]
        first_token = len(self.name_tokens)
        self.name_tokens += array.array("i", map(tokens.__getitem__, shard.name_tokens))
        self.token_ends += array.array("q", (first_token + end for end in shard.token_ends))

    def shard(self) -> Shard:
        """The joined shard, without its pairs (see ``postings``)."""
        return Shard(
            self.group_of,
            self.records,
            self.record_ends,
            array.array("q"),
            self.name_tokens,
            self.token_ends,
            list(self.tokens),
            list(self.keys),
            self.key_hashes,
            array.array("i"),
            array.array("i"),
        )

    def postings(self) -> Postings:
        """The joined shards' postings (``_grouped``, in numpy): all (key, name) pairs in name
        order, renumbered, sorted by key with a stable sort."""
        np = importlib.import_module("numpy")
        pair_keys = np.concatenate(
            [
                np.asarray(keys, dtype=np.int64)[np.frombuffer(local, dtype=np.int32)]
                for keys, local, _, _ in self.pairs
            ]
            or [np.zeros(0, dtype=np.int64)]
        )
        pair_names = np.concatenate(
            [
                np.frombuffer(names, dtype=np.int32) + np.int32(first_name)
                for _, _, names, first_name in self.pairs
            ]
            or [np.zeros(0, dtype=np.int32)]
        )
        self.pairs.clear()
        order = np.argsort(pair_keys, kind="stable")
        pair_keys, postings = pair_keys[order], pair_names[order]
        del order, pair_names
        # A key's names are ascending, and so are their groups: count where they change.
        groups = np.frombuffer(self.group_of, dtype=np.int32)[postings]
        changes = np.ones(len(postings), dtype=bool)
        changes[1:] = (groups[1:] != groups[:-1]) | (pair_keys[1:] != pair_keys[:-1])
        keys = len(self.keys)
        return Postings(
            array.array("q", np.cumsum(np.bincount(pair_keys, minlength=keys)).tobytes()),
            array.array("i", postings.astype(np.int32).tobytes()),
            array.array(
                "i", np.bincount(pair_keys[changes], minlength=keys).astype(np.int32).tobytes()
            ),
        )


def _spans(ends: Sequence[int]) -> Iterable[tuple[int, int]]:
    """(start, end) of consecutive slices given their ends."""
    start = 0
    for end in ends:
        yield start, end
        start = end


def _form_keys(name: NormalizedName) -> Iterable[str]:
    """The keys a registry name is posted under besides its tokens' keys: its folded form and
    its acronyms."""
    if name.folded:
        yield f"f:{name.folded}"
    if name.acronym is not None:
        yield f"a:{name.acronym}"
    for acronym in name.acronyms:
        yield f"d:{acronym}"


def posted_keys(name: NormalizedName) -> set[str]:
    """Every key a registry name is posted under."""
    return {key for token in name.tokens for key in token_keys(token)}.union(_form_keys(name))


_QUOTED = json.encoder.encode_basestring
"""A string as JSON (``json.dumps(text, ensure_ascii=False)``, in C); records are put together
around it: ``json.dumps`` costs several microseconds a call, most of the time per record."""
_KINDS: dict[AliasKind | None, str] = {None: "null", **{k: _QUOTED(k.value) for k in AliasKind}}


def _quoted_list(values: Iterable[str]) -> str:
    return "[" + ",".join(map(_QUOTED, values)) + "]"


def _record_of(
    text: str, kind: AliasKind | None, name: NormalizedName, tokens: Sequence[int]
) -> tuple[bytes, bytes, bytes]:
    """A registry name as one compact JSON record (as ``json.dumps`` with separators ``,``
    and ``:`` and ``ensure_ascii=False`` writes it): text, alias kind and normal form, with its
    tokens as numbers in the index's token table. In three parts: the numbers, and what comes
    before and after them, so that they can be renumbered (``_Joined``)."""
    acronym = "null" if name.acronym is None else _QUOTED(name.acronym)
    head = f"[{_QUOTED(text)},{_KINDS[kind]},{_QUOTED(name.folded)},["
    tail = (
        f"],{_quoted_list(name.acronyms)},{acronym},{_quoted_list(name.countries)},"
        f"{_QUOTED(name.script)},{_quoted_list(name.trace)}]"
    )
    return head.encode("utf-8"), ",".join(map(str, tokens)).encode(), tail.encode("utf-8")


def _token_to_data(token: Token) -> list[Any]:
    return [
        token.text,
        token.key,
        token.alt_keys,
        token.kind.value,
        token.weight,
        token.concept,
        token.alt_readings,
    ]


def _names_of(group: Group) -> Names:
    return [(group.name, None), *((alias.text, alias.kind) for alias in group.aliases)]


def _entries_of(
    names: list[tuple[str, AliasKind | None, NormalizedName]],
) -> list[tuple[str, AliasKind | None, NormalizedName]]:
    """A group's names, normalised. Weakness belongs to the normalised name, not the spelling:
    if one spelling of a name is marked weak, every spelling that folds the same way is weak.
    """
    weak = {name.folded for _, kind, name in names if kind is AliasKind.WEAK}
    if not weak:
        return names
    return [
        (text, AliasKind.WEAK if name.folded in weak and kind is not None else kind, name)
        for text, kind, name in names
    ]
