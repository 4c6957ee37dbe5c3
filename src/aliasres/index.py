"""Candidate generation: inverted lists from normalised keys to registry names.

Every registry name (canonical name and aliases) is normalised once. Its tokens' matching
identities (lexicon concept or phonetic key), their alternate-reading keys, its folded form and
its acronyms are posted in inverted lists; a query gathers the names that share keys with it,
weighted by how rare each key is, and only those reach the ranking stage. Query tokens the
index has never seen (typos) borrow the keys of known words one edit away, found through an
index of one-letter deletions, so nothing scans every name or every word.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import heapq
import importlib.resources
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from rapidfuzz import fuzz

from aliasres import cache
from aliasres.model import AliasKind, Group
from aliasres.normalize import NormalizedName, Token, TokenKind, normalize
from aliasres.registry import Registry
from aliasres.score import PreparedName, acronym_probe

# Tuning constants, named so that benchmarks can report what they were run with.
MAX_CANDIDATES = 15
"""How many groups (best pre-scores first) go on to full ranking."""
COMMON_KEY_POSTINGS = 100
"""A key on more names than this only re-scores names that rarer keys found, once no name it
alone would add could rank among the best groups."""
NAMES_PER_GROUP = 2
"""How many of a candidate group's names (best pre-scores first) are fully scored."""
FUZZY_TOKEN_CUTOFF = 80
"""rapidfuzz ratio (0-100) above which an unknown query token borrows a known token's lists."""
FUZZY_TOKEN_LIMIT = 3
"""How many known tokens an unknown query token may borrow from."""
SIMILAR_TOKENS_CACHE = 50_000
"""How many unknown query tokens keep their fuzzy vocabulary look-up (the costliest step)."""


@attrs.frozen
class IndexedName:
    """One registry name, normalised, with the group it belongs to."""

    group: int  # position in Registry.groups
    text: str
    kind: AliasKind | None  # None for the canonical name
    name: NormalizedName


def _token_keys(token: Token) -> tuple[str, ...]:
    """Every key a token is posted under: its identity and its alternate readings."""
    return (token.identity, *(f"k:{key}" for key in token.alt_keys if f"k:{key}" != token.identity))


class CandidateIndex:
    """Inverted lists over a registry's names; built once, read by every query."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.names: list[IndexedName] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.folded: dict[str, list[int]] = defaultdict(list)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        self.derived_acronyms: dict[str, list[int]] = defaultdict(list)
        self._vocabulary: dict[str, set[str]] = defaultdict(set)  # token text -> identities
        names = [_names_of(group) for group in registry.groups]
        normalized = iter(normalize_all([text for group in names for text, _ in group]))
        for position, group_names in enumerate(names):
            entries = [(text, kind, next(normalized)) for text, kind in group_names]
            for entry in _entries_of(position, entries):
                self._add(entry)
        self._deletion_index: dict[str, list[str]] | None = None
        self.idf = self._idf()
        self._unseen_idf = math.log(1.0 + max(len(registry), 1))
        self.prepared = [PreparedName.of(entry.name, self.weight) for entry in self.names]
        self._similar: dict[str, list[tuple[str, float]]] = {}
        self.total_weight = [sum(prepared.weights) for prepared in self.prepared]

    def _add(self, entry: IndexedName) -> None:
        if entry.name.is_empty and entry.name.acronym is None:
            return
        name_id = len(self.names)
        self.names.append(entry)
        self.folded[entry.name.folded].append(name_id)
        if entry.name.acronym is not None:
            self.acronyms[entry.name.acronym].append(name_id)
        for acronym in entry.name.acronyms:
            self.derived_acronyms[acronym].append(name_id)
        for token in entry.name.tokens:
            self._vocabulary[token.text].add(token.identity)
            for key in _token_keys(token):
                postings = self.postings[key]
                if not postings or postings[-1] != name_id:
                    postings.append(name_id)

    def _idf(self) -> dict[str, float]:
        """Inverse group frequency of every key: a key many groups share says little."""
        groups_per_key = {
            key: len({self.names[name_id].group for name_id in ids})
            for key, ids in self.postings.items()
        }
        total = max(len(self.registry), 1)
        return {key: math.log(1.0 + total / count) for key, count in groups_per_key.items()}

    def weight(self, token: Token) -> float:
        """A token's weight: its lexicon prior times the rarity of its key in the registry.

        A key no registry name has counts as the rarest possible.
        """
        return token.weight * self.idf.get(token.identity, self._unseen_idf)

    def similar_tokens(self, text: str) -> list[tuple[str, float]]:
        """Known token texts close to an unknown one, with their similarity in [0, 1].

        Candidates are the words one edit away (a letter dropped, added, changed or two
        swapped), found through their one-letter deletions without scanning the vocabulary;
        they must also reach ``FUZZY_TOKEN_CUTOFF``. Answers are kept (a bounded cache).
        """
        found = self._similar.get(text)
        if found is None:
            deletions = self._deletions()
            near = {word for variant in _one_deletion(text) for word in deletions.get(variant, ())}
            scored = sorted(
                (-score, word)
                for word in near
                if (score := fuzz.ratio(text, word)) >= FUZZY_TOKEN_CUTOFF
            )
            found = [(word, -score / 100.0) for score, word in scored[:FUZZY_TOKEN_LIMIT]]
            if len(self._similar) >= SIMILAR_TOKENS_CACHE:
                self._similar.clear()
            self._similar[text] = found
        return found

    def _deletions(self) -> dict[str, list[str]]:
        """Every vocabulary word under itself and its one-letter deletions (built on first use:
        most batches of clean names never need it)."""
        if self._deletion_index is None:
            index: dict[str, list[str]] = defaultdict(list)
            for word in sorted(self._vocabulary):
                for variant in _one_deletion(word):
                    index[variant].append(word)
            self._deletion_index = dict(index)
        return self._deletion_index

    def _keys_of(self, token: Token) -> list[tuple[str, float]]:
        """A query token's keys in the index with their rarity (idf); a word no registry name
        has borrows the keys of the known words one edit away, discounted by similarity."""
        keys = [(key, self.idf[key]) for key in _token_keys(token) if key in self.idf]
        if keys:
            return keys
        return [
            (key, self.idf[key] * similarity)
            for similar, similarity in self.similar_tokens(token.text)
            for key in self._vocabulary[similar]
        ]

    def _open(
        self, shared: dict[int, float], query_weight: float, remaining: float, limit: int
    ) -> bool:
        """Whether a name that only the remaining keys (worth ``remaining``) would find could
        still enter the best ``limit`` groups of the names found so far."""
        best: dict[int, float] = {}
        for name_id, weight in shared.items():
            estimate = 2.0 * weight / (query_weight + self.total_weight[name_id])
            group = self.names[name_id].group
            if estimate > best.get(group, 0.0):
                best[group] = estimate
        if len(best) < limit or query_weight <= 0.0:
            return True
        return 2.0 * remaining / query_weight > heapq.nlargest(limit, best.values())[-1]

    def candidates(
        self, query: NormalizedName, limit: int = MAX_CANDIDATES
    ) -> list[tuple[int, float]]:
        """(name id, pre-score) of the names worth ranking: a few per group, ``limit`` groups.

        A name's pre-score estimates its token agreement with the query from the keys they
        share: the weight of shared keys over the mean of both names' total weights (a
        weighted Dice coefficient). Same folded form and acronym hits always come first.
        """
        shared: dict[int, float] = defaultdict(float)
        query_weight = sum(self.weight(token) for token in query.tokens)
        # Rare keys first: once the names found can no longer be outranked by a name that
        # only the remaining keys would find, a common key just adds to the names found.
        keyed = []  # (token, its keys and their rarity, the most the token can add)
        for token in query.tokens:
            keys = self._keys_of(token)
            keyed.append((token, keys, token.weight * max((r for _, r in keys), default=0.0)))
        keyed.sort(key=lambda item: -item[2])
        remaining = sum(most for _, _, most in keyed)
        closed = False
        for token, keys, most in keyed:
            best_for_token: dict[int, float] = {}
            for key, rarity in keys:
                weight = token.weight * rarity
                postings = self.postings[key]
                if len(postings) > COMMON_KEY_POSTINGS and shared:
                    closed = closed or not self._open(shared, query_weight, remaining, limit)
                    if closed:
                        postings = _found_in(shared, postings)
                for name_id in postings:
                    if weight > best_for_token.get(name_id, 0.0):
                        best_for_token[name_id] = weight
            for name_id, weight in best_for_token.items():
                shared[name_id] += weight
            remaining -= most
        estimate = {
            name_id: 2.0 * weight / (query_weight + self.total_weight[name_id])
            for name_id, weight in shared.items()
        }
        probe = acronym_probe(query)
        if probe is not None:
            for name_id in self.derived_acronyms.get(probe[0], ()):
                estimate[name_id] = max(estimate.get(name_id, 0.0), 1.5)
            for name_id in self.acronyms.get(probe[0], ()):
                estimate[name_id] = 2.0
        for name_id in self.folded.get(query.folded, ()) if query.folded else ():
            estimate[name_id] = 3.0
        ranked = sorted(estimate.items(), key=lambda item: (-item[1], item[0]))
        chosen: list[tuple[int, float]] = []
        per_group: dict[int, int] = {}
        for name_id, prescore in ranked:
            group = self.names[name_id].group
            seen = per_group.get(group, 0)
            if seen >= NAMES_PER_GROUP or (seen == 0 and len(per_group) >= limit):
                continue
            per_group[group] = seen + 1
            chosen.append((name_id, prescore))
        return chosen


def _one_deletion(word: str) -> set[str]:
    """The word and every string one letter shorter: two words one edit apart share one."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _found_in(shared: dict[int, float], postings: Sequence[int]) -> list[int]:
    """The names of ``shared`` that are on a (sorted) postings list."""
    if len(shared) * 16 < len(postings):
        found = []
        for name_id in shared:
            at = bisect.bisect_left(postings, name_id)
            if at < len(postings) and postings[at] == name_id:
                found.append(name_id)
        return found
    return [name_id for name_id in postings if name_id in shared]


def _names_of(group: Group) -> list[tuple[str, AliasKind | None]]:
    return [(group.name, None), *((alias.text, alias.kind) for alias in group.aliases)]


def _entries_of(
    position: int, names: list[tuple[str, AliasKind | None, NormalizedName]]
) -> Iterable[IndexedName]:
    """A group's names, normalised. Weakness belongs to the normalised name, not the spelling:
    if one spelling of a name is marked weak, every spelling that folds the same way is weak.
    """
    weak = {name.folded for _, kind, name in names if kind is AliasKind.WEAK}
    for text, kind, name in names:
        if name.folded in weak and kind is not None:
            kind = AliasKind.WEAK
        yield IndexedName(position, text, kind, name)


def normalize_all(texts: list[str]) -> list[NormalizedName]:
    """``normalize`` over many names, kept in the on-disk cache (see ``aliasres.cache``).

    Normalising a registry's names is most of the time an index takes to build; the cache
    entry is keyed by the names and by the normaliser's own code and lexicon, so any change
    to either rebuilds it.
    """
    source = normaliser_fingerprint() + "\0" + "\n".join(texts)
    cached = cache.read("names", source)
    if isinstance(cached, list) and len(cached) == len(texts):
        tokens: dict[tuple[Any, ...], Token] = {}  # one object per distinct token, as normalize
        try:
            return [
                _name_from_data(text, data, tokens)
                for text, data in zip(texts, cached, strict=True)
            ]
        except (KeyError, TypeError, ValueError):
            pass
    names = [normalize(text) for text in texts]
    cache.write("names", source, [_name_to_data(name) for name in names])
    return names


@functools.cache
def normaliser_fingerprint() -> str:
    """A hash of the normaliser's code and data: cached normal forms are only valid for it."""
    digest = hashlib.sha256()
    package = importlib.resources.files("aliasres")
    for part in NORMALISER_PARTS:
        digest.update(package.joinpath(part).read_bytes())
    return digest.hexdigest()


NORMALISER_PARTS = (
    "normalize.py",
    "fold.py",
    "arabic.py",
    "translit.py",
    "phonetic.py",
    "acronyms.py",
    "lexicon.py",
    "lexicon.yaml",
)


def _name_to_data(name: NormalizedName) -> list[object]:
    tokens = [
        [t.text, t.key, list(t.alt_keys), t.kind.value, t.weight, t.concept, list(t.alt_readings)]
        for t in name.tokens
    ]
    return [
        name.folded,
        tokens,
        list(name.acronyms),
        name.acronym,
        list(name.countries),
        name.script,
        list(name.trace),
    ]


def _token_from_data(t: list[Any], known: dict[tuple[Any, ...], Token]) -> Token:
    key = (t[0], t[1], tuple(t[2]), t[3], t[4], t[5], tuple(t[6]))
    token = known.get(key)
    if token is None:
        token = Token(t[0], t[1], tuple(t[2]), TokenKind(t[3]), t[4], t[5], tuple(t[6]))
        known[key] = token
    return token


def _name_from_data(
    text: str, data: list[Any], known: dict[tuple[Any, ...], Token]
) -> NormalizedName:
    folded, tokens, acronyms, acronym, countries, script, trace = data
    return NormalizedName(
        original=text,
        folded=folded,
        tokens=tuple(_token_from_data(t, known) for t in tokens),
        acronyms=tuple(acronyms),
        acronym=acronym,
        countries=tuple(countries),
        script=script,
        trace=tuple(trace),
    )
