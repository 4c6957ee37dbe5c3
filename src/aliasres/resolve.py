"""The resolver: a name (and optionally a country) in, a decision with its reasons out.

Candidates come from the index, each registry name among them is scored (``score.py``), the
best name of each group stands for the group, and the decision bands below turn the ranking
into MATCH, AMBIGUOUS or NO_MATCH. The bands were calibrated on the OFAC hold-out benchmark
(``benchmarks/bench_quality.py``); they are constants here so that a score means the same
thing on every query.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Callable, Iterable, Sequence

import attrs

from aliasres import collector
from aliasres.index import MAX_CANDIDATES, CandidateIndex
from aliasres.model import Group
from aliasres.normalize import NormalizedName, Token, normalize
from aliasres.registry import Registry
from aliasres.score import Explanation, PreparedName, QueryScorer

MATCH_BAND = 0.79
"""A best candidate at or above this score, with no close rival, is a MATCH. Initials alone
(``DERIVED_ACRONYM`` 0.78) stay just below it: they suggest a group, they do not name it."""
REVIEW_BAND = 0.65
"""Candidates below this never make a decision AMBIGUOUS: they are too weak to be rivals."""
RIVAL_MARGIN = 0.06
"""A different group scoring within this margin of the best makes the decision AMBIGUOUS."""
CLEAR_BAND = 0.75
"""Below ``MATCH_BAND``, a best candidate at or above this score is still a MATCH when it is
clear of every other group by ``CLEAR_MARGIN``: being far ahead is evidence too. Not for an
acronym-shaped query, whose initials alone suggest a group but never name it."""
CLEAR_MARGIN = 0.2


PRESCORE_MARGIN = 0.3
"""Ranking stops at the first name whose index pre-score is this far below the best score so
far: the pre-score (shared keys only) rarely underestimates a score by more than this."""
EXPLAINED_MINIMUM = 3
"""Groups scored before ranking may stop early, so that rivals are always looked at."""


class Decision(enum.Enum):
    """What the resolver concludes about a name."""

    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@attrs.frozen
class Candidate:
    """One registry group proposed for a query, with its best-matching name and the reasons.

    The explanation is composed when first read: ranking needs only scores, and pipelines
    that resolve millions of names rarely read why.
    """

    group: Group
    score: float  # in [0, 1]; comparable across queries
    matched_alias: str
    _explain: Callable[[], Explanation] = attrs.field(eq=False, repr=False, alias="explain")

    @functools.cached_property
    def explanation(self) -> Explanation:
        """Which alias matched, the token pairs, the score's parts and the rules that fired."""
        return self._explain()

    def to_dict(self) -> dict[str, object]:
        return {
            "group_id": self.group.id,
            "name": self.group.name,
            "score": round(self.score, 4),
            "matched_alias": self.matched_alias,
            "explanation": self.explanation.to_dict(),
        }


@attrs.frozen
class _Scored:
    """A group's best score during ranking, before it is explained."""

    score: float
    group: Group
    name_id: int


@attrs.frozen
class Result:
    """The answer for one query: a decision, the candidates best first, and why."""

    query: str
    decision: Decision
    candidates: tuple[Candidate, ...]
    normalized: NormalizedName
    country: str | None = None
    rivals: tuple[Candidate, ...] = ()  # the groups that made the decision AMBIGUOUS
    note: str = ""

    @property
    def best(self) -> Candidate | None:
        """The top candidate, or None when nothing in the registry resembles the query."""
        return self.candidates[0] if self.candidates else None

    def to_dict(self) -> dict[str, object]:
        best = self.best
        return {
            "query": self.query,
            "country": self.country,
            "decision": self.decision.value,
            "group_id": best.group.id if best and self.decision is Decision.MATCH else None,
            "name": best.group.name if best and self.decision is Decision.MATCH else None,
            "score": round(best.score, 4) if best else 0.0,
            "matched_alias": best.matched_alias if best else None,
            "rivals": [c.group.id for c in self.rivals],
            "candidates": [c.to_dict() for c in self.candidates],
            "note": self.note,
        }


class Resolver:
    """Resolves names against one registry. Build once (it indexes every name, or reads the
    index from the cache or a saved file), then query."""

    def __init__(self, registry: Registry, *, index: CandidateIndex | None = None) -> None:
        if index is not None and index.registry is not registry:
            msg = "index was built for another registry object; pass that registry"
            raise ValueError(msg)
        self.registry = registry
        self.index = index if index is not None else CandidateIndex.cached(registry)
        self._related = _relation_pairs(registry)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the index to one compact file, so that workers start without building it."""
        self.index.save(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], registry: Registry | None = None) -> Resolver:
        """A resolver over ``registry`` (default: the packaged one) with the index saved at
        ``path``; raises ``IndexFileError`` if the file was saved for other names."""
        registry = registry if registry is not None else Registry.load()
        return cls(registry, index=CandidateIndex.load(path, registry))

    def resolve(self, name: str, country: str | None = None, limit: int = 5) -> Result:
        """Resolve one name; ``country`` (ISO alpha-2) favours groups active there."""
        if not isinstance(name, str):
            msg = f"name must be str, got {type(name).__name__}: {name!r}"
            raise TypeError(msg)
        hint = country.upper() if country else None
        query = normalize(name)
        if query.is_empty and query.acronym is None:
            note = f"name {name!r} is empty after normalisation; nothing to match"
            return Result(name, Decision.NO_MATCH, (), query, hint, note=note)
        return self._decide(name, query, hint, limit)

    def resolve_many(
        self,
        names: Iterable[str],
        country: str | Sequence[str | None] | None = None,
        limit: int = 5,
    ) -> list[Result]:
        """Resolve many names, in order; repeated (name, country) pairs are resolved once.

        ``country`` is one hint for every name or a sequence with one hint per name. The
        cyclic garbage collector is paused meanwhile (see ``aliasres.collector``).
        """
        names = list(names)
        if country is None or isinstance(country, str):
            hints: list[str | None] = [country] * len(names)
        else:
            hints = list(country)
            if len(hints) != len(names):
                msg = f"got {len(names)} names but {len(hints)} country hints"
                raise ValueError(msg)
        done: dict[tuple[str, str | None], Result] = {}
        results = []
        with collector.paused():
            for name, hint in zip(names, hints, strict=True):
                key = (name, hint)
                if key not in done:
                    done[key] = self.resolve(name, country=hint, limit=limit)
                results.append(done[key])
        return results

    def weight(self, token: Token) -> float:
        """The weight a token carries in this registry (lexicon prior times key rarity)."""
        return self.index.weight(token)

    def _rank(
        self, query: NormalizedName, country: str | None
    ) -> tuple[QueryScorer, list[_Scored]]:
        """Every candidate group with the score of its best name, best first."""
        scorer = QueryScorer(PreparedName.of(query, self.index.weight), country)
        best: dict[int, _Scored] = {}
        top = 0.0
        for name_id, prescore in self.index.candidates(query, MAX_CANDIDATES):
            if prescore < top - PRESCORE_MARGIN and len(best) >= EXPLAINED_MINIMUM:
                break  # pre-scores only fall from here: nothing left can come near the best
            entry, prepared = self.index.entry(name_id)
            group = self.registry.groups[entry.group]
            score, _ = scorer.score(prepared, group, entry.text, entry.kind)
            current = best.get(entry.group)
            if current is None or score > current.score:
                best[entry.group] = _Scored(score, group, name_id)
            top = max(top, score)
        ranked = sorted(best.values(), key=lambda scored: (-scored.score, scored.group.id))
        return scorer, [scored for scored in ranked if scored.score > 0.0]

    def _candidate(self, scorer: QueryScorer, scored: _Scored) -> Candidate:
        """A ranked group; the explanation of its score is computed if and when it is read."""
        entry, prepared = self.index.entry(scored.name_id)
        explain = functools.partial(scorer.explain, prepared, scored.group, entry.text, entry.kind)
        return Candidate(scored.group, scored.score, entry.text, explain)

    def _decide(
        self,
        name: str,
        query: NormalizedName,
        country: str | None,
        limit: int,
    ) -> Result:
        scorer, ranked = self._rank(query, country)
        shown = tuple(self._candidate(scorer, scored) for scored in ranked[: max(limit, 1)])
        top = ranked[0] if ranked else None
        if top is None or top.score < REVIEW_BAND:
            return Result(name, Decision.NO_MATCH, shown, query, country)
        rivals = tuple(
            self._candidate(scorer, other)
            for other in ranked[1:]
            if other.score >= REVIEW_BAND
            and other.score >= top.score - RIVAL_MARGIN
            and not (other.score < top.score and self._are_related(top.group, other.group))
            and self._can_rival(query, top, other)
        )
        if rivals:
            return Result(name, Decision.AMBIGUOUS, shown, query, country, rivals=rivals)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        clear = (
            top.score >= CLEAR_BAND
            and runner_up <= top.score - CLEAR_MARGIN
            and scorer.acronym is None
        )
        decision = Decision.MATCH if top.score >= MATCH_BAND or clear else Decision.NO_MATCH
        return Result(name, decision, shown, query, country)

    def _can_rival(self, query: NormalizedName, top: _Scored, other: _Scored) -> bool:
        """A group whose name the query spells exactly is only rivalled by groups carrying the
        same key: words the query has and the rival lacks (a generic word, a place) or has in
        another order are evidence, even when they weigh little in the score.
        """
        top_entry, top_prepared = self.index.entry(top.name_id)
        if top_entry.name.folded != query.folded:
            return True
        return self.index.entry(other.name_id)[1].key == top_prepared.key

    def _are_related(self, left: Group, right: Group) -> bool:
        return (left.id, right.id) in self._related

    def related(self, group_id: str) -> tuple[tuple[str, Group], ...]:
        """Groups linked to ``group_id`` (branch_of, splinter_of...), both directions."""
        return self.registry.related_to(group_id)


def _relation_pairs(registry: Registry) -> frozenset[tuple[str, str]]:
    pairs = set()
    for group in registry.groups:
        for relation in group.relations:
            pairs.add((group.id, relation.target))
            pairs.add((relation.target, group.id))
    return frozenset(pairs)


@functools.cache
def default_resolver() -> Resolver:
    """A resolver over the packaged registry, built on first use and kept."""
    return Resolver(Registry.load())


def resolve(name: str, country: str | None = None, limit: int = 5) -> Result:
    """Resolve ``name`` against the packaged registry (the resolver is built once)."""
    return default_resolver().resolve(name, country=country, limit=limit)
