"""Finding group names in running text: an article in, a list of resolved mentions out.

:func:`scan` turns a text into :class:`Mention` objects: character spans of the original text
(``text[m.start:m.end] == m.text``), each with the resolver's answer. A :class:`Scanner` is
built once per resolver and keeps what every scan reads:

* a **phrase index**: every registry name is cut into words by the same tokeniser that cuts
  the text, each word is normalised on its own, and the name's sequence of word keys (lexicon
  concept or phonetic key, alternate readings included; a run of function words is one ``f``
  unit, a possessive ``'s`` a ``p`` unit, articles dropped) goes into a trie. Scanning walks
  the trie from each name-like word of the text (capitalised, an acronym, Arabic script; any
  word in a sentence without capitals), so the cost is linear in the text;
* per-word analyses and resolver answers, cached by written form.

"Near-exact" means the same keys under some reading, with two limits where a shared
consonant skeleton is weak evidence: a one-word name must be spelled close to a registered
spelling (``Their``, ``But``, ``Hedi`` share keys with one-word names but are not them), and
so must a lower-case word inside a name in cased prose (``Hamas that`` is not ``HAMAS TV``).
Names in capitals are indexed both as written and as words of ordinary text.

Candidate spans are the trie's hits, capitalised runs that contain a unit word (Brigade,
Katibat, Front, Army...) and a word the registry knows, and acronyms the text defines in
parentheses. Registered acronyms are phrases of the index; acronyms the resolver would only
derive from initials are not candidates (``WHO``, ``IMF`` in news prose are not groups). Only
candidates go to the resolver, each distinct surface once. Then the document's context applies:

* an AMBIGUOUS answer is retried with the countries the text is about (or ``country=``) as
  the hint; a MATCH that stays among the original candidates separates siblings
  (``Jund al-Khilafa`` in a Tunisian article is the Tunisian group);
* ``Name (ACR)`` defines ACR for the rest of the text: later uses take the name's answer
  (unless ACR is a registered acronym that the name's initials do not spell), and an acronym
  the text defines for something that is not a registry group (``Ministry of Interior
  (MOI)``) is not reported;
* a lower-case unit word after a name joins the mention only if the group's own names use
  that word (``Uqba bin Nafi battalion``, not ``AQIM battalion``); ``in <country>`` joins a
  name only when it decides an ambiguity (``Ansar al-Sharia in Tunisia``, but ``ISIS in
  Tunisia`` is ISIS); a leading ``al``/``el`` joins when the registry name has the article.

Overlapping candidates are settled longest first; mentions never overlap. The result does not
depend on text beyond the mention's sentence, except through the two document-level hints
above (countries, acronym definitions).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Final, NamedTuple

import attrs
from rapidfuzz import fuzz

from aliasres import arabic
from aliasres.fold import APOSTROPHES, has_arabic
from aliasres.index import token_keys
from aliasres.lexicon import TokenKind, load_lexicon
from aliasres.model import Group
from aliasres.normalize import fold, normalize
from aliasres.resolve import Candidate, Decision, Resolver, Result, default_resolver
from aliasres.score import Explanation
from aliasres.translit import ASSIMILATED_ARTICLES, assimilated_article

__all__ = [
    "Mention",
    "Scanner",
    "default_scanner",
    "scan",
]

# --- tuning constants ----------------------------------------------------------------------

DOCUMENT_COUNTRIES: Final = 3
"""How many of the countries a text names most often serve as hints for ambiguous mentions."""
DOCUMENT_COUNTRY_SHARE: Final = 0.25
"""A country must be named at least this share as often as the most-named one to be a hint."""
MAX_VARIANTS: Final = 16
"""Key combinations (alternate readings) one registry name is indexed under, at most."""
MAX_NAME_RUN: Final = 12
"""Longest capitalised run (in words) sent to the resolver as a name-like span."""
DEFINITION_WINDOW: Final = 10
"""Words before ``(ACR)`` searched for the phrase whose initials the acronym spells."""
WORD_CACHE_SIZE: Final = 200_000
RESULT_CACHE_SIZE: Final = 50_000

UNIT_CONCEPTS: Final = frozenset(
    {"brigade", "saraya", "faylaq", "army", "jamaa", "haraka", "tanzim", "jabha", "firqa"}
)
"""Lexicon concepts of words that designate an armed unit (katiba, brigade, front, army,
movement, group...): a capitalised run containing one is a name-like candidate."""

# --- tokenising the original text ------------------------------------------------------------

_MARKS: Final = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d\u20d0-\u20ff\ufe20-\ufe2f"
)
"""Combining marks (accents, harakat, joiners) that belong to the word they sit on."""
_JOINERS: Final = re.escape(APOSTROPHES)
_WORD: Final = (
    r"(?:[A-Za-z]\.){2,}(?![\w" + _MARKS + r"])"  # dotted acronyms: A.Q.I.M.
    r"|[\w" + _MARKS + r"]+(?:[" + _JOINERS + r"](?![sS](?!\w))[\w" + _MARKS + r"]+)*"
)
"""A written word (a pattern): letters, digits and marks, with apostrophes inside (Qa'ida)."""
_GLUED: Final = re.compile(r"(?<=[a-z]{3})(?=[A-Z]{2,}[0-9]*$)")
"""Where a lower-case word runs into an acronym with no space (``governmentAQIM``)."""

# Gaps between two consecutive words, from most to least permeable.
JOIN: Final = 0
"""Spaces, a hyphen, an apostrophe: the words may belong to one name."""
SOFT: Final = 1
"""One line break or a spaced dash: a registry name may be wrapped or written ``X - Y``, but a
list item or an aside may end here too, so only whole registry names cross it."""
HARD: Final = 2
"""Punctuation, quotes, a possessive, a paragraph, a hashtag, glued words: no name crosses it."""

_SPACES: Final = frozenset(" \t\u00a0\u2009\u202f\r")
_INNER: Final = frozenset("-\u2010\u2011\u2012/" + APOSTROPHES)
_DASHES: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014")
_SPACED_DASHES: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014")


def _gap_kind(gap: str) -> int:
    """How permeable the characters between two words are (JOIN ... HARD)."""
    if gap == " ":
        return JOIN
    if not gap:
        return HARD
    newlines = gap.count("\n")
    if newlines > 1 or "\u2028" in gap or "\u2029" in gap:
        return HARD
    inner = gap.replace("\n", "")
    core = "".join(c for c in inner if c not in _SPACES)
    if len(core) > 1:
        return HARD
    if core:
        if core not in _INNER and core not in _DASHES:
            return HARD
        if core in _SPACED_DASHES and inner != core:
            return SOFT  # "Popular Front ... - General Command", but also "38 people – 30 of"
    return SOFT if newlines else JOIN


class _Gaps:
    """Gap kinds between consecutive words, computed on first access (most are never read)."""

    __slots__ = ("_cache", "_words")

    def __init__(self, words: _Words) -> None:
        self._words = words
        self._cache: dict[int, int] = {}

    def __getitem__(self, index: int) -> int:
        found = self._cache.get(index)
        if found is None:
            words = self._words
            if index == 0:
                found = HARD
            else:
                gap = words.source[words.end[index - 1] : words.start[index]]
                found = _GAP_KINDS.get(gap)
                if found is None:
                    if len(_GAP_KINDS) > 10_000:
                        _GAP_KINDS.clear()
                    found = _GAP_KINDS[gap] = _gap_kind(gap)
            self._cache[index] = found
        return found

    def __setitem__(self, index: int, kind: int) -> None:
        self._cache[index] = kind

    def span(self, first: int, last: int) -> int:
        """The least permeable gap before words ``first`` .. ``last``."""
        return max(self[index] for index in range(first, last + 1))


class _Flags:
    """Per-word flags read from the character before the word."""

    __slots__ = ("_chars", "_words")

    def __init__(self, words: _Words, chars: frozenset[str]) -> None:
        self._words = words
        self._chars = chars

    def __getitem__(self, index: int) -> bool:
        words = self._words
        start = words.start[index]
        if start == 0 or (index > 0 and words.end[index - 1] != start - 1):
            return False  # the gap before the word is not one character
        return words.source[start - 1] in self._chars


_GAP_KINDS: dict[str, int] = {}


class _Words:
    """The words of a text, column by column: offsets, text, and the gap before each."""

    __slots__ = ("end", "gap", "hashtag", "hyphen", "source", "start", "text")

    def __init__(self, source: str) -> None:
        self.source = source
        self.start: list[int] = []
        self.end: list[int] = []
        self.text: list[str] = []
        self.gap = _Gaps(self)
        """Gap kind before each word (HARD for the first)."""
        self.hashtag = _Flags(self, frozenset("#"))
        self.hyphen = _Flags(self, _INNER)
        """The gap before the word is one hyphen or apostrophe (ash-Sham, JAK-T)."""

    def __len__(self) -> int:
        return len(self.text)


@functools.cache  # compiled on first scan: a big pattern, and most processes never scan
def _gap_word() -> re.Pattern[str]:
    """A word with the gap before it and a possessive ending after it (``AQIM's``)."""
    return re.compile(r"([^\w" + _MARKS + r"]*)(" + _WORD + r")(['\u2019][sS](?!\w))?")


_ANY_GLUED: Final = re.compile(r"[a-z]{3}[A-Z]{2,}[0-9]*(?!\w)")


def _words(text: str) -> _Words:
    """The words of ``text`` with their offsets; gaps are classified when first read."""
    words = _Words(text)
    starts, ends, texts = words.start, words.end, words.text
    glued_ends = {match.end() for match in _ANY_GLUED.finditer(text)}
    position = 0
    for gap, word, possessive in _gap_word().findall(text):
        start = position + len(gap)
        position = end = start + len(word)
        if glued_ends and end in glued_ends:
            glued = _GLUED.search(word)
            if glued is not None and len(word) > 4:
                cut = start + glued.start()
                starts += (start, cut)
                ends += (cut, end)
                texts += (word[: glued.start()], word[glued.start() :])
                words.gap[len(texts) - 1] = HARD
                word = ""
        if word:
            starts.append(start)
            ends.append(end)
            texts.append(word)
        if possessive:  # its own word, so that a name runs across it only if registered so
            position += len(possessive)
            starts.append(end)
            ends.append(position)
            texts.append(POSSESSIVE_WORD)
            words.gap[len(texts) - 1] = JOIN
    return words


# --- per-word analysis -----------------------------------------------------------------------

POSSESSIVE_WORD: Final = "'s"
"""The text of the word a possessive ending becomes (``AQIM's`` is ``AQIM`` + ``'s``)."""
FUNCTION_KEY: Final = "f"
"""The one key all function words share in the phrase index (presence matters, not which)."""


class _Unit(NamedTuple):
    """One indexable unit of a word: a content token, or a function-word marker."""

    text: str
    """The token's folded surface (``okba``); empty for a function word."""
    keys: tuple[str, ...]
    kind: TokenKind
    concept: str | None
    acronym: str | None


class _Analysis(NamedTuple):
    """What one written word contributes to the phrase stream (cached per written form)."""

    units: tuple[_Unit, ...]
    article: bool
    """al, el, the, le...: a word that leaves no unit (an Arabic article may start a span)."""
    arabic_article: bool
    capitalised: bool
    """Written with an initial capital (Latin) or in Arabic script (no case)."""
    sun: bool = False
    """May be an article assimilated to the next word (``ash`` before ``Sham``)."""
    starts: tuple[bool, ...] = ()
    """Per unit: some registry phrase starts with it (filled in once the index is built)."""
    unit_word: bool = False
    """Contains a word that designates an armed unit (:data:`UNIT_CONCEPTS`)."""
    country: str | None = None
    """The ISO code of a country word (for the countries a text is about)."""
    strong: bool = False
    """A registry phrase may start here and the word looks like a name (capital, acronym)."""
    weak: bool = False
    """A registry phrase may start here, but the word is in lower case."""
    root: tuple[Trie, ...] = ()
    """The trie nodes its first starting unit leads to (filled in with ``starts``)."""


_FUNCTION_UNIT: Final = _Unit("", (FUNCTION_KEY,), TokenKind.FUNCTION, None, None)
_EMPTY: Final = _Analysis((), False, False, False)
_POSSESSIVE_UNIT: Final = _Unit(POSSESSIVE_WORD, ("p",), TokenKind.FUNCTION, None, None)
_POSSESSIVE: Final = _Analysis((_POSSESSIVE_UNIT,), False, False, False, starts=(False,))


def _analyse_word(word: str) -> _Analysis:
    """:func:`_analyse`, with the possessive ending as a unit of its own (key ``p``)."""
    return _POSSESSIVE if word == POSSESSIVE_WORD else _analyse(word)


def _acronym_suffixes(words: _Words, analyses: list[_Analysis]) -> None:
    """``JAK-T``, ``AAS-D``, ``PFLP-GC``: a short capital part after an acronym is part of it."""
    texts = words.text
    for index in [i for i, t in enumerate(texts) if len(t) <= 2 and t.isupper()]:
        text = texts[index]
        if (
            index > 0
            and words.hyphen[index]
            and text.isupper()
            and text.isascii()
            and any(u.acronym for u in analyses[index - 1].units)
        ):
            unit = _Unit(text.lower(), ("x:" + text,), TokenKind.DISTINCTIVE, None, None)
            analyses[index] = _Analysis((unit,), False, False, True, starts=(False,))


def _function_word(word: str) -> str | None:
    """The lexicon id of a function word written alone (``article``, ``the``, ``in``...).

    Asked of the lexicon, not of :func:`normalize`: a name made of function words only keeps
    them as tokens, but inside a text they are function words.
    """
    lexicon = load_lexicon()
    if word.isascii():
        entry = lexicon.latin(fold(word)) if word.isalpha() else None
    elif has_arabic(word):
        entry = lexicon.arabic.get(arabic.lookup_form(arabic.fold_letters(word)))
    else:
        entry = None
    return entry.id if entry is not None and entry.is_function else None


def _analyse(word: str) -> _Analysis:
    """Normalise one written word on its own and describe its units."""
    name = normalize(word)
    capitalised = word[:1].isupper() or has_arabic(word)
    if name.acronym is not None:
        unit = _Unit(
            name.acronym.lower(), ("k:#" + name.acronym,), TokenKind.DISTINCTIVE, None, name.acronym
        )
        return _Analysis((unit,), False, False, True)
    function = _function_word(word)
    if function is not None:
        if function == "article":
            return _Analysis((), True, True, capitalised)
        if function == "the":
            return _Analysis((), True, False, capitalised)
        return _Analysis((_FUNCTION_UNIT,), False, False, capitalised)
    if not name.tokens:
        if any(
            t.startswith(("article:", "arabic:article", "arabic:sun-letter")) for t in name.trace
        ):
            return _Analysis((), True, True, capitalised)
        return _EMPTY
    units: list[_Unit] = []
    for token in name.tokens:
        acronym = token.key[1:] if token.key.startswith("#") else None
        units.append(_Unit(token.text, token_keys(token), token.kind, token.concept, acronym))
    country = None
    if len(units) == 1 and units[0].kind is TokenKind.COUNTRY and units[0].concept:
        country = units[0].concept if len(units[0].concept) == 2 else None
    return _Analysis(
        tuple(units),
        False,
        False,
        capitalised,
        sun=word.lower() in ASSIMILATED_ARTICLES,
        unit_word=any(u.concept in UNIT_CONCEPTS for u in units),
        country=country,
    )


_CAPITALS_RUN: Final = re.compile(r"[A-Z]{2,}[^a-z]{1,12}?[A-Z]{2,}[^a-z]{1,12}?[A-Z]{2,}")


def _shouting(words: _Words) -> list[int]:
    """Indexes of words in a run of three or more words in capitals (headlines, banners).

    Digits do not break a run; punctuation and paragraphs do.
    """
    if _CAPITALS_RUN.search(words.source) is None:
        return []
    texts, gaps = words.text, words.gap
    capitals = [i for i, t in enumerate(texts) if t.isupper() and len(t) >= 2 and t.isascii()]
    out: list[int] = []
    run: list[int] = []
    for index in capitals:
        if run and (
            any(gaps[k] >= HARD for k in range(run[-1] + 1, index + 1))
            or not all(t.isdigit() for t in texts[run[-1] + 1 : index])
        ):
            if len(run) >= 3:
                out += run
            run = []
        run.append(index)
    if len(run) >= 3:
        out += run
    return out


# --- the phrase index --------------------------------------------------------------------------

SINGLE_WORD_SIMILARITY: Final = 85.0
"""rapidfuzz ratio (0-100) a one-word name's spelling needs with a registered one: a shared
consonant skeleton alone is too weak evidence for one word (``Their``, ``But``, ``Hedi``)."""


@attrs.frozen
class _Terminal:
    """What the trie knows about the registry phrases that end at a node."""

    bare_ok: bool
    """Some such name is written without a leading article (``AL-JIHAD`` is a name, bare
    ``Jihad`` a common noun)."""
    spellings: frozenset[str] | None
    """For one-word names keyed phonetically: the registered spellings (folded)."""
    article: bool = False
    """Some such name starts with the Arabic article (``al-Qaida``): a mention then includes
    an article written before it (``al Qaeda``, ``El Qaïda``), but not Spanish ``El`` before
    ``Estado Islámico``."""

    def merge(self, other: _Terminal) -> _Terminal:
        spellings = (
            None
            if self.spellings is None or other.spellings is None
            else self.spellings | other.spellings
        )
        return _Terminal(self.bare_ok or other.bare_ok, spellings, self.article or other.article)

    def accepts(self, unit: _Unit) -> bool:
        if self.spellings is None or unit.text in self.spellings:
            return True
        return any(
            fuzz.ratio(unit.text, spelling) >= SINGLE_WORD_SIMILARITY for spelling in self.spellings
        )


_TERMINAL: Final = ""
"""Trie key marking the end of a registry phrase (its value is a :class:`_Terminal`)."""

Trie = dict[str, "Trie | _Terminal"]


class _Stream(NamedTuple):
    """The text as a sequence of units, each pointing back to its word."""

    keys: list[tuple[str, ...]]
    word_of: list[int]
    units: list[_Unit]
    begins: list[int]
    """Stream positions where some registry phrase starts."""


@attrs.frozen
class Mention:
    """One span of the text that names a group (or may: AMBIGUOUS), with the resolver's answer."""

    start: int
    """Offset of the first character in the original text."""
    end: int
    """Offset just past the last character: ``text[start:end] == self.text``."""
    text: str
    result: Result
    """The resolver's full answer for this span (candidates, rivals, explanations)."""
    via: str
    """How the span was found: ``phrase`` (registry name), ``name-like`` (capitalised run with
    a unit word), ``defined-acronym`` (``Name (ACR)`` earlier in the text)."""
    note: str = ""
    """Document context that changed the answer (a country hint, an acronym definition)."""

    @property
    def decision(self) -> Decision:
        return self.result.decision

    @property
    def group(self) -> Group | None:
        """The group, for a MATCH; None for an AMBIGUOUS mention."""
        best = self.result.best
        return best.group if best is not None and self.decision is Decision.MATCH else None

    @property
    def group_id(self) -> str | None:
        group = self.group
        return group.id if group is not None else None

    @property
    def score(self) -> float:
        best = self.result.best
        return best.score if best is not None else 0.0

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.result.candidates

    @property
    def explanation(self) -> Explanation | None:
        """Why the best candidate scored what it did."""
        best = self.result.best
        return best.explanation if best is not None else None

    def to_dict(self) -> dict[str, object]:
        group = self.group
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "decision": self.decision.value,
            "group_id": group.id if group is not None else None,
            "name": group.name if group is not None else None,
            "score": round(self.score, 4),
            "via": self.via,
            "note": self.note,
            "rivals": [c.group.id for c in self.result.rivals],
            "candidates": [
                {"group_id": c.group.id, "name": c.group.name, "score": round(c.score, 4)}
                for c in self.result.candidates
            ],
        }


class _Span(NamedTuple):
    """A candidate span, in words (inclusive), before and after resolution."""

    first: int
    last: int
    via: str


class _Resolved(NamedTuple):
    start: int
    end: int
    result: Result
    via: str
    note: str
    name: tuple[int, int] | None = None
    """For a registry phrase: where the registered name itself is (before a unit word or a
    country joined it)."""


class Scanner:
    """Scans texts against one resolver's registry. Build once; :meth:`scan` is reentrant."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.trie: Trie = {}
        self.phrases = 0
        self._words: dict[str, _Analysis] = {}
        self._results: dict[tuple[str, tuple[str, ...]], tuple[Result, str]] = {}
        self.resolver_calls = 0
        self._building: dict[str, _Analysis] = {}
        self._spellings: dict[int, set[str]] = {}
        """Registered spellings of the distinctive word that leads to a trie node (by id)."""
        self.group_concepts = [self._concepts(group) for group in resolver.registry.groups]
        self._group_position = {g.id: i for i, g in enumerate(resolver.registry.groups)}
        for group in resolver.registry.groups:
            for name in group.names:
                self._index_name(name)
        self._building.clear()

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _concepts(group: Group) -> frozenset[str]:
        """Concepts of the unit words in a group's names (brigade for Uqba bin Nafi Battalion)."""
        found: set[str] = set()
        for name in group.names:
            for token in normalize(name).tokens:
                if token.kind is TokenKind.GENERIC and token.concept is not None:
                    found.add(token.concept)
        return frozenset(found)

    def _index_name(self, name: str) -> None:
        """Add one registry name; a name in capitals also as the words of a normal text."""
        words = _words(name)
        if not words:
            return
        if len(name) > 6 and name.isupper():
            self._index_words(words, capitalise=True)
        self._index_words(words, capitalise=False)

    def _index_words(self, words: _Words, *, capitalise: bool) -> None:
        analyses: list[_Analysis] = []
        for word in words.text:
            key = word.capitalize() if capitalise and not has_arabic(word) else word
            analysis = self._building.get(key)
            if analysis is None:
                analysis = self._building[key] = _analyse_word(key)
            analyses.append(analysis)
        _acronym_suffixes(words, analyses)
        units: list[_Unit] = []
        leading_article = arabic_article = False
        for index, analysis in enumerate(analyses):
            sun = analysis.sun and self._sun_article(words, index)
            if analysis.article or sun:
                if not units:
                    leading_article = True
                    arabic_article = arabic_article or analysis.arabic_article or sun
                continue
            for unit in analysis.units:
                if unit is _FUNCTION_UNIT and (not units or units[-1] is _FUNCTION_UNIT):
                    continue
                units.append(unit)
        while units and units[-1].kind is TokenKind.FUNCTION:
            units.pop()
        while units and units[0].kind is TokenKind.FUNCTION:
            units.pop(0)
        content = [u for u in units if u.kind is not TokenKind.FUNCTION]
        if not content or not _names_something(content):
            return
        bare_ok = not (
            leading_article
            and len(content) == 1
            and content[0].kind is not TokenKind.DISTINCTIVE
            and content[0].acronym is None
        )
        single = len(units) == 1 and units[0].kind is TokenKind.DISTINCTIVE and not units[0].acronym
        terminal = _Terminal(
            bare_ok, frozenset((units[0].text,)) if single else None, arabic_article
        )
        variants: list[list[str]] = [[]]
        for unit in units:
            variants = [[*v, key] for v in variants for key in unit.keys][:MAX_VARIANTS]
        for keys in variants:
            node = self.trie
            for key, unit in zip(keys, units, strict=True):
                child = node.get(key)
                if not isinstance(child, dict):
                    child = {}
                    node[key] = child
                node = child
                if unit.kind is TokenKind.DISTINCTIVE and unit.acronym is None:
                    self._spellings.setdefault(id(node), set()).add(unit.text)
            found = node.get(_TERMINAL)
            node[_TERMINAL] = found.merge(terminal) if isinstance(found, _Terminal) else terminal
        self.phrases += 1

    def _word(self, text: str) -> _Analysis:
        """The analysis of one written word, with what the phrase index knows about it."""
        found = self._words.get(text)
        if found is None:
            if len(self._words) >= WORD_CACHE_SIZE:
                self._words.clear()
            found = _analyse_word(text)
            root = self.trie
            starts = tuple(
                u.kind is not TokenKind.FUNCTION and any(k in root for k in u.keys)
                for u in found.units
            )
            begins = any(starts)
            strong = begins and (found.capitalised or any(u.acronym for u in found.units))
            nodes: tuple[Trie, ...] = ()
            if begins:
                unit = found.units[starts.index(True)]
                nodes = tuple(c for c in (root.get(k) for k in unit.keys) if isinstance(c, dict))
            found = self._words[text] = found._replace(
                starts=starts, strong=strong, weak=begins and not strong, root=nodes
            )
        return found

    @staticmethod
    def _sun_article(words: _Words, index: int) -> bool:
        """``ash`` in ``ash-Sham``: an article assimilated to the next word's first letter.

        Only hyphenated (or apostrophed), which keeps English ``as Soldiers of...``.
        """
        raw = words.text[index].lower()
        if raw not in ASSIMILATED_ARTICLES or index + 1 >= len(words):
            return False
        return words.hyphen[index + 1] and assimilated_article(raw, words.text[index + 1].lower())

    # -- scanning -------------------------------------------------------------------------------

    def scan(self, text: str, country: str | None = None) -> list[Mention]:
        """The mentions of registry groups in ``text``, in order, never overlapping.

        Args:
            text: any text (news prose in English, French, German, Spanish; Arabic script).
            country: ISO alpha-2 code of the country the text is about; by default the countries
                the text names most often. Used only to separate siblings in AMBIGUOUS answers.
        """
        if not isinstance(text, str):
            msg = f"text must be str, got {type(text).__name__}"
            raise TypeError(msg)
        words = _words(text)
        if not words:
            return []
        get = self._words.get
        analyses = [get(word) or self._word(word) for word in words.text]
        for index in _shouting(words):
            word = words.text[index]
            if not has_arabic(word):
                analysis = self._word(word.capitalize())
                analyses[index] = analysis._replace(capitalised=True, strong=any(analysis.starts))
        _acronym_suffixes(words, analyses)
        articles = [a.article for a in analyses]
        for index, analysis in enumerate(analyses):
            if analysis.sun and self._sun_article(words, index):
                articles[index] = True
        hints = (country.upper(),) if country else _document_countries(analyses)
        spans = self._phrase_spans(text, words, analyses, articles)
        spans += self._name_like_spans(words, analyses, articles, spans)
        resolved: list[_Resolved] = []
        for span in spans:
            found = self._resolve_span(text, words, analyses, articles, span, hints)
            if found is not None:
                resolved.append(found)
        chosen = _select(resolved)
        chosen = self._apply_definitions(text, words, chosen)
        return [
            Mention(r.start, r.end, text[r.start : r.end], r.result, r.via, r.note) for r in chosen
        ]

    def _begins(
        self, text: str, words: _Words, analyses: Sequence[_Analysis], articles: Sequence[bool]
    ) -> list[int]:
        """Words a registry phrase may start at: name-like ones, and lower-case ones after a
        capitalised article (``Al shabaab``), after a hashtag or in a sentence without capitals.
        """
        begins = [i for i, a in enumerate(analyses) if a.strong and not articles[i]]
        weak = [i for i, a in enumerate(analyses) if a.weak and not articles[i]]
        if not weak:
            return begins
        allowed: set[int] = set()
        for match in _SENTENCE.finditer(text):
            if match.group().islower():
                first = bisect.bisect_left(words.start, match.start())
                last = bisect.bisect_left(words.start, match.end())
                allowed.update(range(first, last))
        for index in weak:
            previous = index - 1
            if (
                index in allowed
                or words.hashtag[index]
                or (
                    previous >= 0
                    and articles[previous]
                    and analyses[previous].capitalised
                    and words.gap[index] <= SOFT
                )
            ):
                begins.append(index)
        begins.sort()
        return begins

    def _phrase_spans(
        self, text: str, words: _Words, analyses: Sequence[_Analysis], articles: Sequence[bool]
    ) -> list[_Span]:
        """Every registry phrase the text contains, as word spans (trimmed, article-extended).

        The trie is walked from each possible first word over the following units: articles
        are skipped, runs of function words are one ``f`` unit, and no phrase crosses a HARD gap
        or a hashtag.
        """
        spans: list[_Span] = []
        seen: set[tuple[int, int]] = set()
        total = len(words)
        for begin in self._begins(text, words, analyses, articles):
            analysis = analyses[begin]
            first_unit = analysis.starts.index(True)
            unit = analysis.units[first_unit]
            frontier = list(analysis.root)
            word, position, previous_function = begin, first_unit, False
            while frontier:
                terminals = [
                    t
                    for t in (node.get(_TERMINAL) for node in frontier)
                    if isinstance(t, _Terminal) and t.accepts(unit)
                ]
                if terminals:
                    span = self._phrase_span(
                        text,
                        words,
                        analyses,
                        articles,
                        begin,
                        word,
                        bare_ok=any(t.bare_ok for t in terminals),
                        article=any(t.article for t in terminals),
                    )
                    if span is not None and (span.first, span.last) not in seen:
                        seen.add((span.first, span.last))
                        spans.append(span)
                following: list[Trie] = []
                previous_word = word
                while True:
                    position += 1
                    if position >= len(analyses[word].units):
                        word += 1
                        while word < total and articles[word]:
                            word += 1
                        if word >= total:
                            break
                        position = 0
                        if not analyses[word].units:
                            position = -1
                            continue
                    current = analyses[word].units[position]
                    if current is _FUNCTION_UNIT and previous_function:
                        continue
                    previous_function = current is _FUNCTION_UNIT
                    for node in frontier:
                        for key in current.keys:
                            child = node.get(key)
                            if isinstance(child, dict):
                                following.append(child)
                    if (
                        following
                        and current.kind is TokenKind.DISTINCTIVE
                        and current.acronym is None
                        and not analyses[word].capitalised
                        and not _caseless(text, words.start[begin], words.end[word])
                    ):
                        following = [n for n in following if self._spelled(n, current.text)]
                    if (
                        following
                        and word != previous_word
                        and (words.gap.span(previous_word + 1, word) >= HARD or words.hashtag[word])
                    ):
                        following = []
                    break
                if not following:
                    break
                frontier = following
        return spans

    def _phrase_span(
        self,
        text: str,
        words: _Words,
        analyses: Sequence[_Analysis],
        articles: Sequence[bool],
        first: int,
        last: int,
        *,
        bare_ok: bool,
        article: bool,
    ) -> _Span | None:
        """A trie hit as a span: lower-case unit words trimmed, a leading Arabic article added."""
        lower_ends = self._lower_unit_word(analyses[first]) or self._lower_unit_word(analyses[last])
        if lower_ends and not _caseless(text, words.start[first], words.end[last]):
            while first < last and self._lower_unit_word(analyses[first]):
                first += 1
            while last > first and self._lower_unit_word(analyses[last]):
                last -= 1
            # What the trim leaves at an edge is no name either: "ul-Mujahideen the brigade"
            # is "ul-Mujahideen", and a unit word does not join it across "the".
            while first < last and self._bare_function_word(analyses[first], articles[first]):
                first += 1
            while last > first and self._bare_function_word(analyses[last], articles[last]):
                last -= 1
            kept = [
                u
                for a in analyses[first : last + 1]
                for u in a.units
                if u.kind is not TokenKind.FUNCTION
            ]
            if not _names_something(kept):
                return None  # "Tunisian army": a place and a description
        with_article = first
        if (
            article
            and first > 0
            and words.gap[first] <= SOFT
            and articles[first - 1]
            and (analyses[first - 1].arabic_article or self._sun_article(words, first - 1))
        ):
            with_article = first - 1
        if not bare_ok and with_article == first:
            return None
        if not self._looks_like_a_name(text, words, analyses, with_article, last):
            return None
        return _Span(with_article, last, "phrase")

    @staticmethod
    def _lower_unit_word(analysis: _Analysis) -> bool:
        """A unit word written in lower case (battalion, group): a description, not a name."""
        return (
            not analysis.capitalised
            and len(analysis.units) == 1
            and analysis.units[0].kind is TokenKind.GENERIC
            and analysis.units[0].concept != "ibn"
        )

    @staticmethod
    def _bare_function_word(analysis: _Analysis, article: bool) -> bool:
        """An article or a function word (the, of, in): it does not end a name."""
        return article or not analysis.units or analysis.units[0].kind is TokenKind.FUNCTION

    @staticmethod
    def _looks_like_a_name(
        text: str, words: _Words, analyses: Sequence[_Analysis], first: int, last: int
    ) -> bool:
        """A capitalised content word, an Arabic article, an acronym, a hashtag, or no case."""
        for index in range(first, last + 1):
            analysis = analyses[index]
            if words.hashtag[index]:
                return True
            if analysis.capitalised and (analysis.units or analysis.arabic_article):
                if analysis.units and analysis.units[0].kind is TokenKind.FUNCTION:
                    continue
                return True
            if any(unit.acronym for unit in analysis.units):
                return True
        return _caseless(text, words.start[first], words.end[last])

    def _name_like_spans(
        self,
        words: _Words,
        analyses: Sequence[_Analysis],
        articles: Sequence[bool],
        phrase_spans: Sequence[_Span],
    ) -> list[_Span]:
        """Capitalised runs with a unit word and a word the registry knows (Katibat X Y)."""
        spans: list[_Span] = []
        taken = {(s.first, s.last) for s in phrase_spans}
        index = self.resolver.index
        total = len(words)
        done = -1
        for center, analysis in enumerate(analyses):
            if center <= done or not (analysis.unit_word and self._run_start(analysis)):
                continue
            first = last = center
            while (
                first > 0
                and words.gap[first] == JOIN
                and center - first < MAX_NAME_RUN
                and self._in_run(analyses[first - 1], articles[first - 1])
            ):
                first -= 1
            while (
                last + 1 < total
                and words.gap[last + 1] == JOIN
                and last - first < MAX_NAME_RUN
                and self._in_run(analyses[last + 1], articles[last + 1])
            ):
                last += 1
            while not self._run_start(analyses[first]):
                first += 1
            while not self._run_start(analyses[last]):
                last -= 1
            done = last
            if last == first or (first, last) in taken:
                continue
            known = any(
                u.kind in (TokenKind.DISTINCTIVE, TokenKind.COMMON)
                and u.acronym is None
                and any(k in index for k in u.keys)
                for a in analyses[first : last + 1]
                for u in a.units
            )
            if known:
                spans.append(_Span(first, last, "name-like"))
        return spans

    @staticmethod
    def _run_start(analysis: _Analysis) -> bool:
        return (
            analysis.capitalised
            and bool(analysis.units)
            and analysis.units[0].kind is not TokenKind.FUNCTION
        )

    @classmethod
    def _in_run(cls, analysis: _Analysis, article: bool) -> bool:
        return article or cls._run_start(analysis) or cls._connector(analysis)

    @staticmethod
    def _connector(analysis: _Analysis) -> bool:
        """Lower-case words that may sit inside a name: of, bin, wal, fi..."""
        if not analysis.units:
            return False
        unit = analysis.units[0]
        return unit.kind is TokenKind.FUNCTION or unit.concept == "ibn"

    def _spelled(self, node: Trie, text: str) -> bool:
        """A word in lower case continues a name only if spelled close to a registered one:
        in cased prose a shared consonant skeleton is too weak (``Hamas that`` vs ``HAMAS
        TV``)."""
        spellings = self._spellings.get(id(node), ())
        return text in spellings or any(
            fuzz.ratio(text, spelling) >= SINGLE_WORD_SIMILARITY for spelling in spellings
        )

    # -- resolution -----------------------------------------------------------------------------

    def resolve(self, surface: str, hints: tuple[str, ...] = ()) -> tuple[Result, str]:
        """The resolver's answer for one span, retried with country hints if AMBIGUOUS."""
        cache_key = (surface, hints)
        found = self._results.get(cache_key)
        if found is not None:
            return found
        if len(self._results) >= RESULT_CACHE_SIZE:
            self._results.clear()
        self.resolver_calls += 1
        result = self.resolver.resolve(surface)
        answer = (result, "")
        if result.decision is Decision.AMBIGUOUS and hints:
            allowed = {c.group.id for c in result.candidates}
            for hint in hints:
                self.resolver_calls += 1
                hinted = self.resolver.resolve(surface, country=hint)
                best = hinted.best
                if hinted.decision is Decision.MATCH and best and best.group.id in allowed:
                    others = sorted(allowed - {best.group.id})
                    note = f"country {hint} of the text decided against {', '.join(others)}"
                    answer = (hinted, note)
                    break
        self._results[cache_key] = answer
        return answer

    def _resolve_span(
        self,
        text: str,
        words: _Words,
        analyses: Sequence[_Analysis],
        articles: Sequence[bool],
        span: _Span,
        hints: tuple[str, ...],
    ) -> _Resolved | None:
        first, last = span.first, span.last
        start, end = words.start[first], words.end[last]
        name = (start, end) if span.via == "phrase" else None
        result, note = self.resolve(text[start:end], hints)
        if result.decision is Decision.NO_MATCH:
            return None
        if span.via == "phrase":
            if result.decision is Decision.AMBIGUOUS:
                extended = self._country_extension(words, analyses, articles, last)
                if extended is not None:
                    wider, wider_note = self.resolve(text[start : words.end[extended]], hints)
                    if wider.decision is Decision.MATCH:
                        result, note, last = wider, wider_note, extended
                        end = words.end[last]
            for side in ("after", "before"):
                added = self._unit_extension(words, analyses, first, last, side)
                if added is None or not self._extension_fits(result, analyses[added]):
                    continue
                new_first, new_last = (first, added) if side == "after" else (added, last)
                new_start, new_end = words.start[new_first], words.end[new_last]
                wider, wider_note = self.resolve(text[new_start:new_end], hints)
                if _same_or_better(result, wider):
                    result, note = wider, wider_note
                    first, last, start, end = new_first, new_last, new_start, new_end
        return _Resolved(start, end, result, span.via, note, name)

    @staticmethod
    def _country_extension(
        words: _Words, analyses: Sequence[_Analysis], articles: Sequence[bool], last: int
    ) -> int | None:
        """The last word of ``<name> [in|fi|en] <country>`` after a span, if the text has it."""
        probe = last + 1
        if (
            probe < len(words)
            and words.gap[probe] <= SOFT
            and analyses[probe].units[:1] == (_FUNCTION_UNIT,)
        ):
            probe += 1
        while probe < len(words) and articles[probe] and words.gap[probe] <= SOFT:
            probe += 1
        if probe >= len(words) or words.gap[probe] > SOFT:
            return None
        units = analyses[probe].units
        if len(units) == 1 and units[0].kind is TokenKind.COUNTRY:
            return probe
        return None

    @staticmethod
    def _unit_extension(
        words: _Words, analyses: Sequence[_Analysis], first: int, last: int, side: str
    ) -> int | None:
        """A unit word right after (``battalion``) or right before (``Katibat``) a span."""
        if side == "after":
            index, gap = last + 1, words.gap[last + 1] if last + 1 < len(words) else HARD
        else:
            index, gap = first - 1, words.gap[first]
        if index < 0 or index >= len(words) or gap > SOFT:
            return None
        units = analyses[index].units
        if len(units) == 1 and units[0].kind is TokenKind.GENERIC and units[0].concept != "ibn":
            return index
        return None

    def _extension_fits(self, result: Result, added: _Analysis) -> bool:
        """Whether the added unit word is one the group's own names use."""
        concept = added.units[0].concept
        groups = [result.best.group] if result.decision is Decision.MATCH and result.best else []
        if result.decision is Decision.AMBIGUOUS:
            groups = [c.group for c in result.candidates]
        return any(
            concept in self.group_concepts[self._group_position[g.id]]
            for g in groups
            if g.id in self._group_position
        )

    # -- acronyms the text defines -------------------------------------------------------------

    def _defines(self, text: str, mention: _Resolved, written: str, form: str) -> bool:
        """Whether ``mention (ACR)`` defines ACR: the name's initials spell it, or ACR is not a
        registered acronym (``Jund al-Khilafah in Tunisia (JKT)``). A registered acronym keeps
        its own meaning after a name it does not abbreviate."""
        if f"a:{form}" not in self.resolver.index:
            return True
        if form in normalize(text[mention.start : mention.end]).acronyms:
            return True
        own, _ = self.resolve(written)
        return own.decision is not Decision.MATCH or _agree(own, mention.result)

    def _apply_definitions(
        self, text: str, words: _Words, chosen: list[_Resolved]
    ) -> list[_Resolved]:
        """Give later uses of ``Name (ACR)`` the name's answer; drop ACR of a non-group."""
        if "(" not in text:
            return chosen
        ends = {r.end: r for r in chosen}
        word_ends = words.end
        by_form: dict[str, list[tuple[int, _Resolved | None]]] = {}
        for match in _PARENTHESISED.finditer(text):
            form = normalize(match.group(1)).acronym
            if form is None:
                continue
            defining = ends.get(len(text[: match.start()].rstrip(" \t\u00a0")))
            if defining is not None and not self._defines(text, defining, match.group(1), form):
                defining = None
            if defining is None and not _spells_initials(words, word_ends, match.start(), form):
                continue
            by_form.setdefault(form, []).append((match.start(1), defining))
        if not by_form:
            return chosen
        starts = [r.start for r in chosen]
        dropped: set[int] = set()
        added: list[_Resolved] = []
        offsets = {form: [offset for offset, _ in found] for form, found in by_form.items()}
        begin = min(found[0] for found in offsets.values())
        for form, start, end in _occurrences(text, list(by_form), begin):
            definitions = by_form[form]
            which = bisect.bisect_right(offsets[form], start) - 1
            if which < 0:
                continue  # used before the text defines it
            offset, defining = definitions[which]
            position = bisect.bisect_right(starts, start) - 1
            if position >= 0 and chosen[position].end > start:
                holder = chosen[position]
                if (holder.start, holder.end) != (start, end):
                    continue  # part of a longer mention (ISIS in ISIS-Tunisia)
                if defining is not None and _agree(holder.result, defining.result):
                    continue  # the acronym resolves to the same answer on its own
            inner = bisect.bisect_left(starts, start)
            while inner < len(chosen) and chosen[inner].start < end:
                if chosen[inner].end <= end:
                    dropped.add(inner)
                inner += 1
            if defining is None:
                continue
            note = (
                f"acronym {text[start:end]} defined at offset {offset} as "
                f"{text[defining.start : defining.end]!r}"
            )
            result = attrs.evolve(defining.result, query=text[start:end])
            added.append(_Resolved(start, end, result, "defined-acronym", note))
        out = [r for i, r in enumerate(chosen) if i not in dropped] + added
        out.sort(key=lambda r: r.start)
        return out


_SENTENCE: Final = re.compile(r"[^.!?\n]+")
_PARENTHESISED: Final = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9.\-]{0,11}?)\s*\)")


def _document_countries(analyses: Sequence[_Analysis]) -> tuple[str, ...]:
    """The countries a text names most often (ISO codes), most-named first."""
    counts = Counter(a.country for a in analyses if a.country is not None)
    if not counts:
        return ()
    ranked = counts.most_common()
    top = ranked[0][1]
    return tuple(
        code for code, count in ranked[:DOCUMENT_COUNTRIES] if count >= DOCUMENT_COUNTRY_SHARE * top
    )


def _names_something(units: Sequence[_Unit]) -> bool:
    """Units that can name a group: not unit words alone, not one place alone."""
    if all(u.kind is TokenKind.GENERIC for u in units):
        return False
    return not (len(units) == 1 and units[0].kind is TokenKind.COUNTRY)


def _agree(left: Result, right: Result) -> bool:
    """Same decision and same best group."""
    return (
        left.decision is right.decision
        and left.best is not None
        and right.best is not None
        and left.best.group.id == right.best.group.id
    )


def _spells_initials(words: _Words, word_ends: Sequence[int], paren: int, form: str) -> bool:
    """Whether the words before ``(ACR)`` have it as initials (Ministry of Interior (MOI))."""
    stop = bisect.bisect_right(word_ends, paren) - 1
    if stop < 0:
        return False
    for first in range(stop, max(-1, stop - DEFINITION_WINDOW), -1):
        if first < stop and words.gap[first + 1] >= HARD:
            break
        phrase = " ".join(words.text[first : stop + 1])
        if form in normalize(phrase).acronyms:
            return True
    return False


def _occurrences(text: str, forms: Sequence[str], offset: int) -> Iterator[tuple[str, int, int]]:
    """Where acronyms are written at or after ``offset``: JAK-T, JAKT, J.A.K.T."""
    alternatives = ["(" + r"[-.]?".join(re.escape(c) for c in form) + ")" for form in forms]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
    for match in pattern.finditer(text, offset):
        end = match.end()
        if "." in match.group() and text[end : end + 1] == ".":
            end += 1  # J.A.K.T.
        yield forms[(match.lastindex or 1) - 1], match.start(), end


def _caseless(text: str, start: int, end: int) -> bool:
    """Whether the sentence around ``text[start:end]`` has no capital letter at all."""
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), start - 300)
    right = [i for i in (text.find(".", end), text.find("\n", end)) if i >= 0]
    stop = min([*right, end + 300])
    return not any(c.isupper() for c in text[max(left, 0) : stop])


_DECISION_RANK: Final = {Decision.MATCH: 0, Decision.AMBIGUOUS: 1, Decision.NO_MATCH: 2}


def _same_or_better(base: Result, wider: Result) -> bool:
    """A wider span keeps the answer: the same group (MATCH) or no worse a decision."""
    if _DECISION_RANK[wider.decision] > _DECISION_RANK[base.decision]:
        return False
    if base.decision is Decision.MATCH:
        return bool(
            wider.decision is Decision.MATCH
            and wider.best
            and base.best
            and wider.best.group.id == base.best.group.id
        )
    if wider.decision is Decision.MATCH and wider.best:
        return wider.best.group.id in {c.group.id for c in base.candidates}
    return wider.decision is not Decision.NO_MATCH


def _crosses_a_name(
    item: _Resolved, names: Sequence[tuple[int, int]], name_starts: Sequence[int], longest: int
) -> bool:
    """Whether ``item`` crosses one of ``names`` (sorted: starts inside it and ends past it, or
    starts before it and ends inside it) only by what joined its own name (a unit word, a
    country) or as a name-like run.

    Two registered names that cross (``state ISLAMIC`` and ``ISLAMIC SALVATION FOUNDATION``)
    are both names in full: the longer wins, as usual.
    """
    position = bisect.bisect_left(name_starts, item.end) - 1
    while position >= 0 and name_starts[position] > item.start - longest:
        start, end = names[position]
        position -= 1
        if not (start < item.start < end < item.end or item.start < start < item.end < end):
            continue
        own = item.name
        if own is None or (start <= own[0] and own[1] <= end):
            return True
    return False


def _select(resolved: Iterable[_Resolved]) -> list[_Resolved]:
    """Non-overlapping mentions: longest span first, then MATCH before AMBIGUOUS, best score.

    No mention crosses a registered name the text contains in full (starts or ends inside it)
    by a unit word or a country joined to a part of it, or as a name-like run
    (``ul-Mujahideen brigades`` in ``Harakat ul-Mujahideen brigades``, ``group PFLP`` in
    ``group PFLP-GC``): the name is the better reading of its own words.
    """
    resolved = list(resolved)
    names = sorted({r.name for r in resolved if r.name is not None})
    name_starts = [start for start, _ in names]
    longest = max((end - start for start, end in names), default=0)
    keyed = []
    for item in resolved:
        if _crosses_a_name(item, names, name_starts, longest):
            continue
        best = item.result.best
        rank = _DECISION_RANK[item.result.decision]
        keyed.append((item.start - item.end, rank, -best.score if best else 0.0, item.start, item))
    keyed.sort(key=lambda k: k[:4])
    ranked = [k[4] for k in keyed]
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[_Resolved] = []
    for item in ranked:
        position = bisect.bisect_right(starts, item.start)
        if position > 0 and ends[position - 1] > item.start:
            continue
        if position < len(starts) and starts[position] < item.end:
            continue
        starts.insert(position, item.start)
        ends.insert(position, item.end)
        chosen.append(item)
    chosen.sort(key=lambda r: r.start)
    return chosen


_SCANNERS: dict[int, Scanner] = {}


def default_scanner(resolver: Resolver | None = None) -> Scanner:
    """A scanner over ``resolver`` (the packaged registry's by default), built once and kept."""
    resolver = resolver if resolver is not None else default_resolver()
    found = _SCANNERS.get(id(resolver))
    if found is None or found.resolver is not resolver:
        found = _SCANNERS[id(resolver)] = Scanner(resolver)
    return found


def scan(text: str, country: str | None = None, resolver: Resolver | None = None) -> list[Mention]:
    """Find and resolve every mention of a registry group in ``text``.

    Args:
        text: an article, a post, any text; offsets refer to it as given.
        country: ISO alpha-2 code of the country the text is about (default: the countries the
            text names most often); it decides between siblings when a mention is AMBIGUOUS.
        resolver: the resolver to use (default: the packaged registry's); its scanner is built
            on first use and kept.

    Returns:
        The mentions in text order, never overlapping; MATCH and AMBIGUOUS only.

    >>> [(m.text, m.group_id) for m in scan("AQIM's Tunisian branch, Okba Ibn Nafaa")]
    ... # doctest: +SKIP
    [('AQIM', 'al-qaida-islamic-maghreb'), ('Okba Ibn Nafaa', 'uqba-bin-nafi')]
    """
    return default_scanner(resolver).scan(text, country=country)
