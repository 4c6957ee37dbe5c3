"""Candidate generation: inverted lists from normalised keys to registry names.

Every registry name (canonical name and aliases) is normalised once. Its tokens' matching
identities (lexicon concept or phonetic key), their alternate-reading keys, its folded form and
its acronyms are posted in inverted lists; a query gathers the names that share keys with it,
weighted by how rare each key is, and only those reach the ranking stage. Query tokens the
index has never seen (typos) are looked up in the token vocabulary with rapidfuzz, so a scan
covers distinct tokens, never every name.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import attrs
from rapidfuzz import fuzz, process

from aliasres.model import AliasKind, Group
from aliasres.normalize import NormalizedName, Token, normalize
from aliasres.registry import Registry

# Tuning constants, named so that benchmarks can report what they were run with.
MAX_CANDIDATES = 40
"""How many names (best pre-scores first) go on to full ranking."""
FUZZY_TOKEN_CUTOFF = 80.0
"""rapidfuzz ratio (0-100) above which an unknown query token borrows a known token's lists."""
FUZZY_TOKEN_LIMIT = 3
"""How many known tokens an unknown query token may borrow from."""
ACRONYM_PRESCORE = 10.0
"""Pre-score of an acronym hit: acronyms are exact keys, so they always reach ranking."""


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
        for position, group in enumerate(registry.groups):
            for text, kind in _names_of(group):
                self._add(IndexedName(position, text, kind, normalize(text)))
        self._vocabulary_texts = sorted(self._vocabulary)
        self.idf = self._idf()

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

    def unseen_idf(self) -> float:
        """The weight of a key no registry name has: as rare as a key can be."""
        return math.log(1.0 + max(len(self.registry), 1))

    def similar_tokens(self, text: str) -> list[tuple[str, float]]:
        """Known token texts close to an unknown one, with their similarity in [0, 1]."""
        hits = process.extract(
            text,
            self._vocabulary_texts,
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_TOKEN_CUTOFF,
            limit=FUZZY_TOKEN_LIMIT,
        )
        return [(choice, score / 100.0) for choice, score, _ in hits]

    def candidates(self, query: NormalizedName, limit: int = MAX_CANDIDATES) -> list[int]:
        """Ids of the names worth ranking for ``query``, best pre-scores first."""
        scores: dict[int, float] = defaultdict(float)
        for name_id in self.folded.get(query.folded, ()) if query.folded else ():
            scores[name_id] += 100.0
        if query.acronym is not None:
            for name_id in self.acronyms.get(query.acronym, ()):
                scores[name_id] += ACRONYM_PRESCORE
            for name_id in self.derived_acronyms.get(query.acronym, ()):
                scores[name_id] += ACRONYM_PRESCORE / 2
        for token in query.tokens:
            found = False
            for key in _token_keys(token):
                ids = self.postings.get(key)
                if not ids:
                    continue
                found = True
                weight = token.weight * self.idf[key]
                for name_id in ids:
                    scores[name_id] += weight
            if not found:
                for similar, similarity in self.similar_tokens(token.text):
                    for key in self._vocabulary[similar]:
                        weight = token.weight * self.idf[key] * similarity
                        for name_id in self.postings[key]:
                            scores[name_id] += weight
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [name_id for name_id, _ in ranked[:limit]]


def _names_of(group: Group) -> Iterable[tuple[str, AliasKind | None]]:
    yield group.name, None
    for alias in group.aliases:
        yield alias.text, alias.kind
