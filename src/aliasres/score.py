"""Scoring one query against one registry name, with the evidence for every point.

The score is a weighted token alignment: each query token is paired with at most one token of
the registry name, a pair earns its similarity times the pair's weight, and unpaired tokens on
either side cost their weight. Weights are the lexicon prior (generic words count little,
places count much) times the key's rarity in the registry. Word order, the country hint and
the kind of alias then adjust the result. The score stays in [0, 1] and means the same on
every query: the share of weighted evidence that agrees.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from rapidfuzz import fuzz

from aliasres.model import AliasKind, Group
from aliasres.normalize import NormalizedName, Token, TokenKind

# Pair similarities, by the rule that paired two tokens.
SAME_TEXT = 1.0
SAME_KEY = 0.95  # same lexicon concept or same phonetic key, spelled differently
ALTERNATE_READING = 0.85  # keys agree only under another transliteration tradition
COUNTRY_IMPLIED = 0.9  # the query names a country the group is registered in
FUZZY_MIN = 0.75  # below this rapidfuzz ratio two distinct tokens do not pair
FUZZY_SCALE = 0.9  # a fuzzy pair earns at most this much

# Adjustments to the aligned score.
ORDER_WEIGHT = 0.15
"""Share of the score that depends on word order (Jihad wal-Tawhid is not Tawhid wal-Jihad)."""
COUNTRY_CONFLICT_PENALTY = 0.2
"""Query and name (or group) are tied to different countries: Tunisia vs Algeria."""
COUNTRY_HINT_BONUS = 0.03
COUNTRY_HINT_PENALTY = 0.12
ALIAS_KIND_FACTOR = {
    None: 1.0,
    AliasKind.NAME: 1.0,
    AliasKind.TRANSLATION: 1.0,
    AliasKind.FORMER_NAME: 0.99,
    AliasKind.ACRONYM: 1.0,
    AliasKind.WEAK: 0.92,
}
EXACT_ACRONYM = 0.97
"""An acronym-shaped query equal to a registered acronym."""
DERIVED_ACRONYM = 0.86
"""An acronym-shaped query equal to the initials of a registered name."""


@attrs.frozen
class TokenPair:
    """How one query token and one registry-name token were paired (either may be absent)."""

    query: str | None
    candidate: str | None
    rule: str  # same-text, same-key, concept, alternate-reading, fuzzy, country-implied, missing...
    similarity: float
    weight: float

    def __str__(self) -> str:
        left = self.query if self.query is not None else "-"
        right = self.candidate if self.candidate is not None else "-"
        return f"{left} ~ {right}: {self.rule} {self.similarity:.2f} (weight {self.weight:.2f})"


@attrs.frozen
class Explanation:
    """Why a candidate scored what it did: the alias, the token pairs and the score's parts."""

    matched_alias: str
    alias_kind: str
    pairs: tuple[TokenPair, ...]
    components: tuple[tuple[str, float], ...]  # (name, value) in the order they were applied
    rules: tuple[str, ...]  # normalisation rules and lexicon entries that fired, both sides

    def lines(self) -> list[str]:
        """A readable account, one fact per line."""
        out = [f"matched alias: {self.matched_alias!r} ({self.alias_kind})"]
        out += [f"  {pair}" for pair in self.pairs]
        out += [f"  {name} = {value:+.3f}" for name, value in self.components]
        if self.rules:
            out.append("  rules: " + ", ".join(self.rules))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, object]:
        return {
            "matched_alias": self.matched_alias,
            "alias_kind": self.alias_kind,
            "pairs": [attrs.asdict(pair) for pair in self.pairs],
            "components": dict(self.components),
            "rules": list(self.rules),
        }


WeightOf = Callable[[Token], float]


def pair_similarity(left: Token, right: Token) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and the rule that decided it."""
    if left.text == right.text:
        return SAME_TEXT, "same-text"
    if left.identity == right.identity:
        return SAME_KEY, "concept" if left.concept is not None else "same-key"
    if left.kind is TokenKind.COUNTRY or right.kind is TokenKind.COUNTRY:
        return 0.0, "different-place"
    if left.concept is not None and right.concept is not None:
        return 0.0, "different-concept"
    left_keys = {left.key, *left.alt_keys}
    if right.key in left_keys or not left_keys.isdisjoint(right.alt_keys):
        return ALTERNATE_READING, "alternate-reading"
    ratio = fuzz.ratio(left.text, right.text) / 100.0
    if ratio >= FUZZY_MIN:
        return ratio * FUZZY_SCALE, "fuzzy"
    return 0.0, "no-match"


def score_name(
    query: NormalizedName,
    name: NormalizedName,
    group: Group,
    alias_text: str,
    alias_kind: AliasKind | None,
    weight_of: WeightOf,
    country: str | None = None,
) -> tuple[float, Explanation]:
    """Score ``query`` against one registry name of ``group``; see the module docstring."""
    kind_label = "canonical name" if alias_kind is None else alias_kind.value
    components: list[tuple[str, float]] = []
    pairs: list[TokenPair] = []

    acronym_score = _acronym_score(query, name)
    if query.folded and query.folded == name.folded:
        aligned = 1.0
        pairs = [TokenPair(t.text, t.text, "same-text", 1.0, weight_of(t)) for t in query.tokens]
        components.append(("exact folded match", 1.0))
    else:
        aligned, pairs = _align(query, name, group, weight_of, country)
        components.append(("weighted token agreement", aligned))
        if aligned > 0.0 and query.key != name.key:
            order = fuzz.ratio(query.key, name.key) / 100.0
            adjusted = aligned * (1.0 - ORDER_WEIGHT + ORDER_WEIGHT * order)
            components.append(("word order and spelling", adjusted - aligned))
            aligned = adjusted
    score = aligned
    if acronym_score > score:
        components.append(("acronym agreement", acronym_score - score))
        score = acronym_score

    conflict = _country_conflict(query, name, group)
    if conflict:
        score -= COUNTRY_CONFLICT_PENALTY
        components.append((f"country conflict ({conflict})", -COUNTRY_CONFLICT_PENALTY))
    if country is not None and group.countries:
        if country in group.countries:
            score += COUNTRY_HINT_BONUS
            components.append((f"country hint {country} agrees", COUNTRY_HINT_BONUS))
        else:
            score -= COUNTRY_HINT_PENALTY
            components.append((f"country hint {country} disagrees", -COUNTRY_HINT_PENALTY))
    factor = ALIAS_KIND_FACTOR[alias_kind]
    if factor != 1.0:
        components.append((f"{kind_label} alias", score * factor - score))
        score *= factor
    score = min(1.0, max(0.0, score))
    rules = tuple(dict.fromkeys((*query.trace, *name.trace)))
    return score, Explanation(alias_text, kind_label, tuple(pairs), tuple(components), rules)


def _acronym_score(query: NormalizedName, name: NormalizedName) -> float:
    if query.acronym is None:
        return 0.0
    if name.acronym == query.acronym:
        return EXACT_ACRONYM
    if query.acronym in name.acronyms:
        return DERIVED_ACRONYM
    return 0.0


def _align(
    query: NormalizedName,
    name: NormalizedName,
    group: Group,
    weight_of: WeightOf,
    country: str | None,
) -> tuple[float, list[TokenPair]]:
    """Greedy best-first pairing of tokens; returns the weighted agreement and the pairs."""
    q_tokens, n_tokens = query.tokens, name.tokens
    if not q_tokens or not n_tokens:
        return 0.0, []
    q_weights = [weight_of(t) for t in q_tokens]
    n_weights = [weight_of(t) for t in n_tokens]
    options = []
    for i, q_token in enumerate(q_tokens):
        for j, n_token in enumerate(n_tokens):
            similarity, rule = pair_similarity(q_token, n_token)
            if similarity > 0.0:
                options.append((similarity, -abs(i - j), i, j, rule))
    options.sort(reverse=True)
    used_q: set[int] = set()
    used_n: set[int] = set()
    pairs: list[TokenPair] = []
    earned = 0.0
    for similarity, _, i, j, rule in options:
        if i in used_q or j in used_n:
            continue
        used_q.add(i)
        used_n.add(j)
        weight = (q_weights[i] + n_weights[j]) / 2.0
        earned += similarity * weight
        pairs.append(TokenPair(q_tokens[i].text, n_tokens[j].text, rule, similarity, weight))
    total = (sum(q_weights) + sum(n_weights)) / 2.0
    for i, q_token in enumerate(q_tokens):
        if i in used_q:
            continue
        if q_token.kind is TokenKind.COUNTRY and q_token.concept in group.countries:
            # The name leaves the place out, but the group is registered there: pair the
            # token with a virtual one of the same weight on the name's side.
            earned += COUNTRY_IMPLIED * q_weights[i]
            total += q_weights[i] / 2.0
            pairs.append(
                TokenPair(q_token.text, None, "country-implied", COUNTRY_IMPLIED, q_weights[i])
            )
        else:
            pairs.append(TokenPair(q_token.text, None, "missing-in-name", 0.0, q_weights[i] / 2))
    for j, n_token in enumerate(n_tokens):
        if j in used_n:
            continue
        if n_token.kind is TokenKind.COUNTRY and country is not None and n_token.concept == country:
            earned += COUNTRY_IMPLIED * n_weights[j]
            total += n_weights[j] / 2.0
            pairs.append(
                TokenPair(None, n_token.text, "country-hint", COUNTRY_IMPLIED, n_weights[j])
            )
        else:
            pairs.append(TokenPair(None, n_token.text, "missing-in-query", 0.0, n_weights[j] / 2))
    if total <= 0.0:
        return 0.0, pairs
    return min(1.0, earned / total), pairs


def _country_conflict(query: NormalizedName, name: NormalizedName, group: Group) -> str:
    """Describe a clash between the places a query names and those of the name or group."""
    asked = {c for c in query.countries if len(c) == 2}
    if not asked:
        return ""
    named = {c for c in name.countries if len(c) == 2}
    if named and asked.isdisjoint(named):
        return f"query {'/'.join(sorted(asked))} vs name {'/'.join(sorted(named))}"
    registered = set(group.countries)
    if not named and registered and asked.isdisjoint(registered):
        return f"query {'/'.join(sorted(asked))} vs group {'/'.join(sorted(registered))}"
    return ""
