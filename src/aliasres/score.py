"""Scoring one query against one registry name, with the evidence for every point.

The score is a weighted token alignment: each query token is paired with at most one token of
the registry name, a pair earns its similarity times the pair's weight, and unpaired tokens on
either side cost their weight (a place of the name that the query leaves out, part of it).
Weights are the lexicon prior (generic words count little, places count much) times the key's
rarity in the registry. Word order, the country hint and the kind of alias then adjust the
result. The score stays in [0, 1] and means the same on every query: the share of weighted
evidence that agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import attrs
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from aliasres.lexicon import load_lexicon
from aliasres.model import AliasKind, Group
from aliasres.normalize import ACRONYM_KEY_PREFIX, NormalizedName, Token, TokenKind

# Pair similarities, by the rule that paired two tokens.
SAME_TEXT = 1.0
SAME_KEY = 0.95  # same lexicon concept, or same phonetic key and nearly the same spelling
SAME_KEY_FLOOR = 0.8  # same phonetic key, spellings as far apart as vowels can make them
ALTERNATE_READING = 0.9  # keys agree only under another transliteration tradition ...
ALTERNATE_FLOOR = 0.6  # ... and the spellings are as far apart as they can be
COUNTRY_IMPLIED = 0.9  # the query names a country the group is registered in
FUZZY_MIN = 0.75  # below this rapidfuzz ratio two distinct tokens do not pair
FUZZY_SCALE = 0.9  # a fuzzy pair earns at most this much
FUZZY_OTHER_INITIAL_MAX_LETTERS = 4
"""Words of this many letters or fewer that differ in their first letter only pair as
look-alikes if one is longer (Dmar ~ Mar): Pang and Sang, Kang and Tang are other syllables,
not one mistyped (a typo seldom hits the first letter)."""
TRUNCATION = 0.7  # one word is the other cut short
TRUNCATION_MIN_LETTERS = 3
PLACE_TYPO_MIN_LETTERS = 6
"""A place and a word one typo apart pair from this length (Mali is not Malik)."""
SHORT_KEY_LETTERS = 1  # a key this short is no evidence on its own that two words sound alike

SOUND_RULES = frozenset({"same-key", "alternate-reading", "fuzzy", "truncation"})
"""Pair rules that rest on how words sound or look, not on what they are."""

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
DERIVED_ACRONYM = 0.78
"""An acronym-shaped query equal to the initials of a registered name: a suggestion, below the
match band, because initials of thousands of names spell ordinary acronyms (WHO, IMF)."""
ALIAS_INITIALS_FACTOR = 0.99
"""Initials of an alias count for a little less than the initials of the name a group goes by,
which acronyms usually abbreviate: JI is Jemaa Islamiyah, not the alias Jaysh al-Islam of
another group. Small enough to decide only between otherwise equal candidates."""
ACRONYM_EXPANSION = 0.9
"""An acronym token paired with the words it abbreviates (ISIS ~ Islamic State of Iraq and Sham)."""
PROBABLE_ACRONYM = 0.72
"""A short word in capitals equal to the initials of a registered name."""
PROBE_MAX_LETTERS = 6
JOINED_WORDS = 0.9
"""A word that is two words of the other side written together (Futurebank ~ Future Bank,
Fast Link ~ Fastlink): the same letters, but one word, so a little below an exact pair."""
JOINED_CUT_WORDS = 0.8
"""A word that is two words run together with the end of the first cut off (Genertrading ~
General Trading: a few letters lost across the word boundary)."""
JOINED_MIN_LETTERS = 5
"""A word shorter than this is not read as two words run together."""
JOINED_PART_MIN = 2
"""Each of the two words a joined word spells must have at least this many letters ..."""
JOINED_CUT_MIN = 3
"""... and the first word, when cut, at least this many letters left of it."""
_HEAD_MIN = min(JOINED_PART_MIN, JOINED_CUT_MIN)  # the shortest first part of a joined word
OMITTED_PLACE_COST = 0.3
"""Share of its weight a place of the name costs when the query leaves it out: names drop
their country freely (Bank Melli Iran is also Bank Melli), yet a branch named after a place
stays below the group itself for a query that names no place."""
PLACE_ONLY = 0.6
"""Share of its score a name keeps when it agrees with the query on places only: a place says
where a group is active, not which group it is (Lebanese Hizballah is not Liibaan Trading)."""
CONTENT_KINDS = frozenset({TokenKind.COMMON, TokenKind.DISTINCTIVE})
"""Token kinds that say which group a name means (generic words and places do not)."""
_COUNTRY = TokenKind.COUNTRY  # read in the hottest loops, where a global lookup counts
_NO_PLACES: frozenset[str] = frozenset()


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


@attrs.frozen
class PreparedName:
    """A normalised name with what scoring reads on every comparison computed once."""

    name: NormalizedName
    key: str
    identities: tuple[str, ...]
    weights: tuple[float, ...]
    has_acronym: bool  # a token is an acronym (ISIS in "ISIS West Africa Province")
    weight_sum: float  # sum(weights), which every alignment reads
    positions: dict[str, tuple[int, ...]] = attrs.field(eq=False)
    """The positions of each identity, ascending: identical tokens pair by look-up."""

    @classmethod
    def of(cls, name: NormalizedName, weight_of: WeightOf) -> PreparedName:
        identities = tuple(token.identity for token in name.tokens)
        weights = tuple(weight_of(token) for token in name.tokens)
        has_acronym = any(_acronym_letters(token) for token in name.tokens)
        positions: dict[str, tuple[int, ...]] = {}
        for position, identity in enumerate(identities):
            positions[identity] = (*positions.get(identity, ()), position)
        return cls(
            name, " ".join(identities), identities, weights, has_acronym, sum(weights), positions
        )


def same_key_similarity(left: str, right: str) -> float:
    """Two spellings with one phonetic key: the closer the vowels, the closer to SAME_KEY.

    The key ignores vowels, which is right for Uqba/Okba but also merges Sharia and Shura,
    Melli and Mellat; the spelling's own similarity keeps those apart at ranking time.
    """
    return SAME_KEY_FLOOR + (SAME_KEY - SAME_KEY_FLOOR) * fuzz.ratio(left, right) / 100.0


def _short_key_similarity(similarity: float, key: str, left: str, right: str) -> float:
    """A key of a single consonant is shared by many unrelated words (Pouya and PVOE are both
    ``B``): such a pair must also be spelled alike to count."""
    if len(key) > SHORT_KEY_LETTERS:
        return similarity
    return min(similarity, fuzz.ratio(left, right) / 100.0)


def pair_similarity(left: Token, right: Token) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and the rule that decided it."""
    left_text, right_text = left.text, right.text
    if left_text == right_text:
        return SAME_TEXT, "same-text"
    if left.identity == right.identity:
        if left.concept is not None:
            return SAME_KEY, "concept"
        similarity = same_key_similarity(left_text, right_text)
        return _short_key_similarity(similarity, left.key, left_text, right_text), "same-key"
    if not (left_text.isalpha() or right_text.isalpha()) and _different_numbers(left, right):
        return 0.0, "different-number"
    if left.key[:1] == ACRONYM_KEY_PREFIX == right.key[:1]:
        # Acronyms are compared exactly: HUJI-B (a branch) is not HUJI, JAK-T is not JAK-A.
        return 0.0, "different-acronym"
    if (left.kind is _COUNTRY or right.kind is _COUNTRY) and not _spells_place(left, right):
        return 0.0, "different-place"
    left_concept, right_concept = left.concept, right.concept
    if left_concept is not None and right_concept is not None:
        return 0.0, "different-concept"
    shared = left.keys & right.keys
    if shared:
        key = max(shared, key=len)  # the most telling key the two words share
        ratio = fuzz.ratio(left_text, right_text) / 100.0
        similarity = ALTERNATE_FLOOR + (ALTERNATE_READING - ALTERNATE_FLOOR) * ratio
        similarity = _short_key_similarity(similarity, key, left_text, right_text)
        return similarity, "alternate-reading"
    left_size, right_size = len(left_text), len(right_text)
    # The ratio is 2 * (common letters) / (both lengths): words of very different lengths
    # cannot reach FUZZY_MIN, and most pairs of a query are such (a cheap exact bound).
    if 2 * min(left_size, right_size) >= FUZZY_MIN * (left_size + right_size):
        ratio = fuzz.ratio(left_text, right_text) / 100.0
        if ratio >= FUZZY_MIN and (
            left_text[:1] == right_text[:1]
            or left_size != right_size
            or left_size > FUZZY_OTHER_INITIAL_MAX_LETTERS
        ):
            return ratio * FUZZY_SCALE, "fuzzy"
    if left_concept is None and right_concept is None:
        # One word is the other cut short (Air ~ Airlines, Elec ~ Electronic), either way.
        if left_size >= TRUNCATION_MIN_LETTERS and right_text.startswith(left_text):
            return TRUNCATION, "truncation"
        if right_size >= TRUNCATION_MIN_LETTERS and left_text.startswith(right_text):
            return TRUNCATION, "truncation"
    return 0.0, "no-match"


def _mean_weight(
    q_weights: Sequence[float],
    q_run: Iterable[int],
    n_weights: Sequence[float],
    n_run: Iterable[int],
) -> float:
    """The weight of a run of query words paired as one with a run of name words: the mean of
    both runs' weights. (The sums start at 0.0, not 0: compiled by mypyc, adding two sums of
    floats that start at the int 0 fails with "int object expected; got float".)"""
    return (sum((q_weights[i] for i in q_run), 0.0) + sum((n_weights[j] for j in n_run), 0.0)) / 2


def _different_numbers(left: Token, right: Token) -> bool:
    """Two words that both carry digits, not the same ones: numbers are not spelled
    differently, they differ (Yard No. 2655 is not Yard No. 2656, 7th is not 17th), however
    alike they look or sound."""
    left_digits = "".join(char for char in left.text if char.isdigit())
    right_digits = "".join(char for char in right.text if char.isdigit())
    return bool(left_digits) and bool(right_digits) and left_digits != right_digits


def _spells_place(left: Token, right: Token) -> bool:
    """A place pairs with a word the lexicon does not know only if the word is a spelling of
    it: one key under some reading and spelled nearly alike (Bahrania ~ Bahraini, Afrikia ~
    Africa; Kanaan is not Kenya), or a long place name mistyped by one letter, which changes
    its key (Mozamkbique). Two different places never pair."""
    if left.kind is TokenKind.COUNTRY and right.kind is TokenKind.COUNTRY:
        return False
    if min(len(left.text), len(right.text)) >= PLACE_TYPO_MIN_LETTERS and (
        OSA.distance(left.text, right.text, score_cutoff=1) <= 1
    ):
        return True
    return bool(left.keys & right.keys) and fuzz.ratio(left.text, right.text) >= 100 * FUZZY_MIN


class QueryScorer:
    """Scores one query against many registry names, remembering token-pair similarities.

    Candidate names share most of their words, so each distinct registry word is compared
    with the query's words once per query. Words are remembered as tokens, not texts: one
    text may be two tokens (eso, a word and the acronym ESO), and what the first scored
    would otherwise decide for the other.
    """

    def __init__(self, query: PreparedName, country: str | None = None) -> None:
        self.query = query
        self.country = country
        self.acronym = acronym_probe(query.name)
        self._rows: dict[Token, tuple[tuple[int, float, str], ...]] = {}
        tokens = query.name.tokens
        self._words = tuple((i, t, t.text, len(t.text), t.identity) for i, t in enumerate(tokens))
        # The query words long enough to be two words run together, and the endings such a
        # word may have (its spelling's and its key's, after a first part of at least
        # _HEAD_MIN letters): a name word is looked at as the second of two words one of
        # them writes only if it is among these.
        self._long = tuple(i for i, t in enumerate(tokens) if len(t.text) >= JOINED_MIN_LETTERS)
        self._endings = frozenset(
            word[start:]
            for i in self._long
            for word in (tokens[i].text, tokens[i].key)
            for start in range(_HEAD_MIN, len(word) - JOINED_PART_MIN + 1)
        )
        # How the query's words may end a name word that writes two of them.
        self._second_parts = tuple(
            {tail for t in tokens[1:] for tail in (t.text, *_key_tails(t)) if len(tail) > 1}
        )
        self._joins: dict[Token, tuple[tuple[int, float], ...]] = {}
        self._splits: dict[tuple[str, str, str, str], tuple[tuple[int, float], ...]] = {}
        # Read for every name: whether the query has words that say which group it means,
        # and whether places can adjust a score (the query names one, or a hint is given).
        self._has_content = any(token.kind in CONTENT_KINDS for token in tokens)
        self._places_matter = bool(query.name.countries) or country is not None

    def _row(self, token: Token) -> tuple[tuple[int, float, str], ...]:
        """The query tokens that ``token`` resembles, as (position, similarity, rule).

        Most pairs are known to score 0 without comparing the two words (see
        ``pair_similarity``): two different lexicon words of different texts, or two words
        that share no identity or key, differ too much in length for a near spelling, and
        neither of which begins the other.
        """
        text = token.text
        row = self._rows.get(token)
        if row is None:
            identity, keys, size, concept = token.identity, token.keys, len(text), token.concept
            found = []
            for i, query_token, query_text, query_size, query_identity in self._words:
                if query_identity != identity and (
                    (concept is not None and query_token.concept is not None and query_text != text)
                    or (
                        2 * min(size, query_size) < FUZZY_MIN * (size + query_size)
                        and keys.isdisjoint(query_token.keys)
                        and not text.startswith(query_text)
                        and not query_text.startswith(text)
                    )
                ):
                    continue
                similarity, rule = pair_similarity(query_token, token)
                if similarity > 0.0:
                    found.append((i, similarity, rule))
            row = self._rows[token] = tuple(found)
        return row

    def _join_words(self, candidate: PreparedName) -> list[tuple[list[int], list[int], float, str]]:
        """Pair a word on one side with two consecutive words on the other that it writes as
        one.

        "Futurebank" is "Future Bank" and "Fast Link" is "Fastlink" (``JOINED_WORDS``); a word
        may also be the two run together with the end of the first cut off, as when a few
        letters across the word boundary are lost ("Genertrading" for "General Trading",
        ``JOINED_CUT_WORDS``). Only a word whose identity the other side lacks is looked at (it
        could pair with no word there as it is); the two words may have partners of their own
        (Trading is a company word, as FZE is), which a joined word goes before. What a
        registry word, or two consecutive ones, can join with is worked out once per query.
        Returns (query positions, name positions, similarity, rule).
        """
        q_identities, identities = self.query.identities, candidate.identities
        n_tokens = candidate.name.tokens
        found: list[tuple[list[int], list[int], float, str]] = []
        used_q: set[int] = set()
        used_n: set[int] = set()
        if len(n_tokens) >= 2 and self._long:
            endings = self._endings
            lacking: list[int] | None = None  # the long query words the name lacks, if needed
            for second in range(1, len(n_tokens)):  # a query word writing two of the name's
                tail = n_tokens[second]
                key = tail.key
                if tail.text not in endings and key not in endings and key[1:] not in endings:
                    continue
                if lacking is None:
                    lacking = [i for i in self._long if q_identities[i] not in identities]
                first = second - 1
                if first in used_n or second in used_n:
                    continue
                for i, similarity in self._splits_of(n_tokens[first], tail):
                    if i in lacking and i not in used_q:
                        used_q.add(i)
                        used_n.update((first, second))
                        found.append(([i], [first, second], similarity, _joined_rule(similarity)))
                        break
        if len(self.query.name.tokens) < 2:
            return found
        parts = self._second_parts
        for j, token in enumerate(n_tokens):  # a name word writing two of the query's
            if len(token.text) < JOINED_MIN_LETTERS or j in used_n:
                continue
            if not token.text.endswith(parts) and not token.key.endswith(parts):
                continue
            if identities[j] in q_identities:
                continue
            for first, similarity in self._joins_of(token):
                if first not in used_q and first + 1 not in used_q:
                    used_n.add(j)
                    used_q.update((first, first + 1))
                    found.append(([first, first + 1], [j], similarity, _joined_rule(similarity)))
                    break
        return found

    def _splits_of(self, first: Token, second: Token) -> tuple[tuple[int, float], ...]:
        """The long query words that write two consecutive registry words as one: (position,
        similarity), in the query's order."""
        cache_key = (first.text, first.key, second.text, second.key)  # all that is compared
        found = self._splits.get(cache_key)
        if found is None:
            q_tokens = self.query.name.tokens
            found = tuple(
                (i, similarity)
                for i in self._long
                if (similarity := _joined_similarity(q_tokens[i], first, second))
            )
            self._splits[cache_key] = found
        return found

    def _joins_of(self, token: Token) -> tuple[tuple[int, float], ...]:
        """The consecutive query words a registry word writes as one: (position of the first,
        similarity)."""
        found = self._joins.get(token)
        if found is None:
            q_tokens = self.query.name.tokens
            found = tuple(
                (first, similarity)
                for first in range(len(q_tokens) - 1)
                if (similarity := _joined_similarity(token, q_tokens[first], q_tokens[first + 1]))
            )
            self._joins[token] = found
        return found

    def score(
        self,
        candidate: PreparedName,
        group: Group,
        alias_text: str,
        alias_kind: AliasKind | None,
        *,
        explain: bool = False,
    ) -> tuple[float, Explanation | None]:
        """The score of one registry name of ``group``; the explanation only if asked for."""
        query, name = self.query.name, candidate.name
        components: list[tuple[str, float]] | None = [] if explain else None
        pairs: list[TokenPair] | None = [] if explain else None

        spelled = _NO_PLACES
        if query.folded and query.folded == name.folded:
            aligned = 1.0
            if pairs is not None and components is not None:
                pairs += [
                    TokenPair(t.text, t.text, "same-text", 1.0, w)
                    for t, w in zip(query.tokens, self.query.weights, strict=True)
                ]
                components.append(("exact folded match", 1.0))
        else:
            aligned, spelled = self._align(candidate, group, pairs)
            if components is not None:
                components.append(("weighted token agreement", aligned))
            if aligned > 0.0 and self.query.key != candidate.key:
                order = fuzz.ratio(self.query.key, candidate.key) / 100.0
                adjusted = aligned * (1.0 - ORDER_WEIGHT + ORDER_WEIGHT * order)
                if components is not None:
                    components.append(("word order and spelling", adjusted - aligned))
                aligned = adjusted
        score = aligned
        acronym_score = _acronym_score(self.acronym, name) if self.acronym is not None else 0.0
        if acronym_score > score:
            if components is not None:
                components.append(("acronym agreement", acronym_score - score))
            score = acronym_score
            if alias_kind is not None and acronym_score < EXACT_ACRONYM:
                if components is not None:
                    initials = score * ALIAS_INITIALS_FACTOR - score
                    components.append(("initials of an alias", initials))
                score *= ALIAS_INITIALS_FACTOR
        if self._places_matter:  # else no place can conflict and no hint applies
            score += self._country_adjustment(name, group, spelled, components)
        factor = ALIAS_KIND_FACTOR[alias_kind]
        if components is None:
            return min(1.0, max(0.0, score * factor)), None
        kind_label = "canonical name" if alias_kind is None else alias_kind.value
        if factor != 1.0 and components is not None:
            components.append((f"{kind_label} alias", score * factor - score))
        score = min(1.0, max(0.0, score * factor))
        if pairs is None or components is None:
            return score, None
        rules = tuple(dict.fromkeys((*query.trace, *name.trace)))
        return score, Explanation(alias_text, kind_label, tuple(pairs), tuple(components), rules)

    def explain(
        self, candidate: PreparedName, group: Group, alias_text: str, alias_kind: AliasKind | None
    ) -> Explanation:
        """The explanation of ``score`` for one registry name."""
        _, explanation = self.score(candidate, group, alias_text, alias_kind, explain=True)
        assert explanation is not None
        return explanation

    def _country_adjustment(
        self,
        name: NormalizedName,
        group: Group,
        spelled: frozenset[str],
        components: list[tuple[str, float]] | None,
    ) -> float:
        adjustment = 0.0
        notes: list[tuple[str, float]] = []
        conflict = _country_conflict(self.query.name, name, group, spelled)
        if conflict:
            adjustment -= COUNTRY_CONFLICT_PENALTY
            notes.append((f"country conflict ({conflict})", -COUNTRY_CONFLICT_PENALTY))
        country = self.country
        if country is not None and group.countries:
            if country in group.countries:
                adjustment += COUNTRY_HINT_BONUS
                notes.append((f"country hint {country} agrees", COUNTRY_HINT_BONUS))
            else:
                adjustment -= COUNTRY_HINT_PENALTY
                notes.append((f"country hint {country} disagrees", -COUNTRY_HINT_PENALTY))
        if components is not None:
            components += notes
        return adjustment

    def _align(
        self, candidate: PreparedName, group: Group, pairs: list[TokenPair] | None
    ) -> tuple[float, frozenset[str]]:
        """Pair tokens best first; the weighted share of agreement, and the query's places
        that the name spells inside an acronym (Iraq and Sham in ISIS).

        Tokens with the same identity pair first (no other pair beats them); only the tokens
        left over are compared with each other.
        """
        query = self.query
        q_tokens, n_tokens = query.name.tokens, candidate.name.tokens
        if not q_tokens or not n_tokens:
            return 0.0, _NO_PLACES
        q_weights, n_weights = query.weights, candidate.weights
        matched: list[tuple[int, int, float, str]] = []
        joined = self._join_words(candidate) if len(q_tokens) + len(n_tokens) > 2 else []
        free_n = list(range(len(n_tokens)))  # ascending, as pairing by identity expects
        joined_q: set[int] = set()
        for q_run, n_run, _, _ in joined:
            joined_q.update(q_run)
            for j in n_run:
                free_n.remove(j)
        free_q = []
        positions = candidate.positions
        for i, identity in enumerate(query.identities):
            if i in joined_q:
                continue
            for j in positions.get(identity, ()):  # the first free name word of that identity
                if j in free_n:
                    break
            else:
                free_q.append(i)
                continue
            if q_tokens[i].text != n_tokens[j].text:
                # Of several words with the query word's identity (FZCO and Trading are both
                # company words), the one spelled as it is pairs with it, leaving the others
                # to the query's other words (a mistyped Tradirng).
                text = q_tokens[i].text
                j = next(
                    (
                        k
                        for k in free_n
                        if n_tokens[k].text == text and candidate.identities[k] == identity
                    ),
                    j,
                )
            free_n.remove(j)
            q_token, n_token = q_tokens[i], n_tokens[j]
            if q_token.text == n_token.text:
                matched.append((i, j, SAME_TEXT, "same-text"))
            else:
                similarity, rule = pair_similarity(q_token, n_token)
                matched.append((i, j, similarity, rule))
        expansions = []
        if query.has_acronym or candidate.has_acronym:
            expansions = _expand_acronyms(q_tokens, free_q, n_tokens, free_n)
        if free_q and free_n:
            rows = self._rows
            options = []
            for j in free_n:
                token = n_tokens[j]
                row = rows.get(token)
                if row is None:
                    row = self._row(token)
                for i, similarity, rule in row:
                    if i in free_q:
                        options.append((similarity, -abs(i - j), i, j, rule))
            if len(options) > 1:
                options.sort(reverse=True)
            for similarity, _, i, j, rule in options:
                if i in free_q and j in free_n:
                    free_q.remove(i)
                    free_n.remove(j)
                    matched.append((i, j, similarity, rule))
        earned = 0.0
        total = (query.weight_sum + candidate.weight_sum) / 2.0
        one_word = len(q_tokens) == 1
        for i, j, similarity, rule in matched:
            if one_word and rule in SOUND_RULES:
                # A one-word query has no context to vouch for a sound-alike (Hedi ~ Hadid,
                # Memri ~ Meamar), so the spelling itself must be close.
                similarity = min(similarity, fuzz.ratio(q_tokens[i].text, n_tokens[j].text) / 100)
            weight = (q_weights[i] + n_weights[j]) / 2.0
            earned += similarity * weight
            if pairs is not None:
                pairs.append(
                    TokenPair(q_tokens[i].text, n_tokens[j].text, rule, similarity, weight)
                )
        for q_run, n_run in expansions:
            weight = _mean_weight(q_weights, q_run, n_weights, n_run)
            earned += ACRONYM_EXPANSION * weight
            if pairs is not None:
                left = " ".join(q_tokens[i].text for i in q_run)
                right = " ".join(n_tokens[j].text for j in n_run)
                pairs.append(TokenPair(left, right, "acronym-expansion", ACRONYM_EXPANSION, weight))
        for q_run, n_run, similarity, rule in joined:
            weight = _mean_weight(q_weights, q_run, n_weights, n_run)
            earned += similarity * weight
            if pairs is not None:
                left = " ".join(q_tokens[i].text for i in q_run)
                right = " ".join(n_tokens[j].text for j in n_run)
                pairs.append(TokenPair(left, right, rule, similarity, weight))
        for i in free_q:
            q_token = q_tokens[i]
            if q_token.kind is _COUNTRY and _registered_in(q_token.concept, group):
                # The name leaves the place out, but the group is registered there: pair the
                # token with a virtual one of the same weight on the name's side.
                earned += COUNTRY_IMPLIED * q_weights[i]
                total += q_weights[i] / 2.0
                if pairs is not None:
                    pairs.append(
                        TokenPair(
                            q_token.text, None, "country-implied", COUNTRY_IMPLIED, q_weights[i]
                        )
                    )
            elif pairs is not None:
                pairs.append(
                    TokenPair(q_token.text, None, "missing-in-name", 0.0, q_weights[i] / 2)
                )
        for j in free_n:
            n_token = n_tokens[j]
            if n_token.kind is not _COUNTRY:
                if pairs is not None:
                    pairs.append(
                        TokenPair(None, n_token.text, "missing-in-query", 0.0, n_weights[j] / 2)
                    )
            elif n_token.concept == self.country:
                earned += COUNTRY_IMPLIED * n_weights[j]
                total += n_weights[j] / 2.0
                if pairs is not None:
                    pairs.append(
                        TokenPair(None, n_token.text, "country-hint", COUNTRY_IMPLIED, n_weights[j])
                    )
            else:
                cost = OMITTED_PLACE_COST * n_weights[j] / 2.0
                total -= n_weights[j] / 2.0 - cost
                if pairs is not None:
                    pairs.append(TokenPair(None, n_token.text, "place-omitted", 0.0, cost))
        spelled = (
            frozenset(
                concept
                for q_run, _ in expansions
                for i in q_run
                if q_tokens[i].kind is _COUNTRY and (concept := q_tokens[i].concept)
            )
            if expansions
            else _NO_PLACES
        )
        if total <= 0.0:
            return 0.0, spelled
        if expansions and not matched and not joined:
            # Initials alone (WHO ~ Wafa Humanitarian Organization) only suggest a candidate.
            return min(DERIVED_ACRONYM, earned / total), spelled
        if (
            not expansions
            and not joined
            and self._has_content
            and all(q_tokens[i].kind is _COUNTRY for i, _, _, _ in matched)
        ):
            # The query has words that name a group but only its places found a partner.
            return PLACE_ONLY * min(1.0, earned / total), spelled
        return min(1.0, earned / total), spelled


def _registered_in(place: str | None, group: Group) -> bool:
    """True if ``group`` is registered in the country ``place`` names or lies in (Kurdistan
    for a group registered in Iraq)."""
    if place is None or not group.countries:
        return False
    if place in group.countries:
        return True
    entry = load_lexicon().entries.get(place)
    return entry is not None and any(code in group.countries for code in entry.within)


def _codes(places: Iterable[str]) -> set[str]:
    """The countries places name or lie in."""
    codes: set[str] = set()
    for place in places:
        if len(place) == 2:
            codes.add(place)
        else:
            entry = load_lexicon().entries.get(place)
            if entry is not None:
                codes.update(entry.within)
    return codes


def _expand_acronyms(
    q_tokens: tuple[Token, ...], free_q: list[int], n_tokens: tuple[Token, ...], free_n: list[int]
) -> list[tuple[list[int], list[int]]]:
    """Pair an acronym token on one side with the run of words it abbreviates on the other.

    ``ISIS`` in "ISIS West Africa Province" stands for "Islamic State of Iraq and Syria" in
    "Islamic State of Iraq and Syria West Africa Province": a run of consecutive unpaired
    words whose initials spell the acronym. Pairs found are removed from ``free_q``/``free_n``.
    """
    found: list[tuple[list[int], list[int]]] = []
    for tokens, free, other_tokens, other_free, acronym_side_is_query in (
        (q_tokens, free_q, n_tokens, free_n, True),
        (n_tokens, free_n, q_tokens, free_q, False),
    ):
        for index in list(free):
            letters = _acronym_letters(tokens[index])
            if not letters or index not in free:
                continue
            run = _initials_run(letters, other_tokens, other_free)
            if run is None:
                continue
            free.remove(index)
            for other in run:
                other_free.remove(other)
            found.append(([index], run) if acronym_side_is_query else (run, [index]))
    return found


def _joined_similarity(word: Token, first: Token, second: Token) -> float:
    """How well ``word`` writes ``first`` and ``second`` as one: ``JOINED_WORDS`` if it is
    the two run together, ``JOINED_CUT_WORDS`` if the first lost its end, else 0. Spellings
    are compared, then phonetic keys (the Latin rules read a joined word as a whole:
    Industrigroup is spelled industrigrup, its second part group). Inside a word, the second
    part's initial-vowel marker is silent (Charitabaqsa: the key of aqsa is AKS, KS in it)."""
    for text, head_text, tail in (
        (word.text, first.text, second.text),
        *((word.key, first.key, key) for key in _key_tails(second)),
    ):
        if len(head_text) < JOINED_PART_MIN or len(tail) < JOINED_PART_MIN:
            continue
        if not text.endswith(tail):
            continue
        head = text[: len(text) - len(tail)]
        if head == head_text:
            similarity = JOINED_WORDS
        elif len(head) >= JOINED_CUT_MIN and head_text.startswith(head):
            similarity = JOINED_CUT_WORDS
        else:
            continue
        if text is word.text or _spelled_alike(word.text, first.text + second.text):
            return similarity
    return 0.0


def _spelled_alike(word: str, joined: str) -> bool:
    """Keys joined must also be spelled alike: keys ignore vowels and semivowels, so Ir Ital
    and Artavil share theirs (AR + TL), yet Artavil does not write Ir Ital."""
    return fuzz.ratio(word, joined) >= 100 * FUZZY_MIN


def _key_tails(token: Token) -> tuple[str, ...]:
    """How a word's key may end a word it is the second part of: as it is, or without its
    initial-vowel marker (inside a word, a vowel is silent)."""
    key = token.key
    return (key, key[1:]) if key.startswith("A") else (key,)


def _joined_rule(similarity: float) -> str:
    return "joined-words" if similarity == JOINED_WORDS else "joined-cut-words"


def _acronym_letters(token: Token) -> str:
    if not token.key.startswith("#"):
        return ""
    return "".join(char for char in token.key[1:] if char.isalpha())


def _initials_run(letters: str, tokens: tuple[Token, ...], free: list[int]) -> list[int] | None:
    """Positions of consecutive free tokens whose initials spell ``letters``, if any."""
    if len(letters) < 2:
        return None
    size = len(letters)
    for start in range(len(tokens) - size + 1):
        run = list(range(start, start + size))
        if all(i in free for i in run) and all(
            tokens[i].text[:1].upper() == letter for i, letter in zip(run, letters, strict=True)
        ):
            return run
    return None


def acronym_probe(query: NormalizedName) -> tuple[str, bool] | None:
    """The acronym a query may be, and whether the normaliser recognised it as one.

    Besides the forms the normaliser recognises (``AQIM``, ``a.q.i.m.``, ``JAK-T``), a single
    word of two to six letters written in capitals (``NITC``, ``AIAI``) may be an acronym: lists
    in capitals make its shape ambiguous, so such a probe counts for less (``PROBABLE_ACRONYM``).
    """
    if query.acronym is not None:
        return query.acronym, True
    letters = "".join(char for char in query.original if char.isalnum())
    if (
        len(query.tokens) == 1
        and 2 <= len(letters) <= PROBE_MAX_LETTERS
        and letters.isupper()
        and len(query.original.split()) == 1
    ):
        return letters, False
    return None


def _acronym_score(probe: tuple[str, bool] | None, name: NormalizedName) -> float:
    if probe is None:
        return 0.0
    form, confirmed = probe
    if name.acronym == form:
        return EXACT_ACRONYM
    if form in name.acronyms:
        return DERIVED_ACRONYM if confirmed else PROBABLE_ACRONYM
    return 0.0


def _country_conflict(
    query: NormalizedName, name: NormalizedName, group: Group, spelled: frozenset[str]
) -> str:
    """Describe a clash between the places a query names and those of the name or group.

    Places the name spells inside an acronym are part of its name, not a claim about where
    the group is: "Islamic State of Iraq and Sham - Sinai Province" is ISIS-Sinai Province.
    """
    asked = _codes(c for c in query.countries if c not in spelled)
    if not asked:
        return ""
    named = _codes(name.countries)
    if named and asked.isdisjoint(named):
        return f"query {'/'.join(sorted(asked))} vs name {'/'.join(sorted(named))}"
    registered = set(group.countries)
    if not named and registered and asked.isdisjoint(registered):
        return f"query {'/'.join(sorted(asked))} vs group {'/'.join(sorted(registered))}"
    return ""
