"""Name normalisation: one entry point, :func:`normalize`, from any written name to tokens and keys.

The pipeline, in order (each step is named in :attr:`NormalizedName.trace`):

1. **Acronyms first.** Parenthesised short forms are taken out of the name
   (``... Pakistan (TTP)``); an input that is itself acronym-shaped (``AQIM``, ``a.q.i.m.``,
   ``JAK-T``, ``Jak T``, ``LeT``) becomes one exact acronym token (:mod:`aliasres.acronyms`).
2. **Character folding** (:mod:`aliasres.fold`): NFKC, case folding, possessives, French
   elision, marks, apostrophes, scholarly letters, accents, digits, punctuation to spaces.
3. **Tokens by script.** Arabic-script words go through :mod:`aliasres.arabic` (letter
   variants, article and clitics, letters straight to key symbols); Latin words through
   :mod:`aliasres.translit` (rules R1-R22, attached articles, glued endings, -allah
   compounds, tradition-specific readings); other scripts are transliterated by unidecode.
4. **Lexicon** (:mod:`aliasres.lexicon`): every word is looked up; function words (al, of,
   the, wa, fi, de...) and articles assimilated to a sun letter (ash-Sham, ud-Dawa) leave the
   key; generic words (katiba, brigade, group) stay with a low weight; country, region and city
   words become ISO 3166 or region concepts; multi-word lexicon phrases (West Africa,
   Bayt al-Maqdis) become one token.
5. **Keys.** A lexicon word's identity is its concept (``c:khilafa``), any other word's is
   its consonant-skeleton key (``k:AKB``; :mod:`aliasres.phonetic`), with alternate keys for
   the German, Spanish, Egyptian and Turkish readings.

:func:`normalize` is total on ``str`` and cached; the result is a frozen
:class:`NormalizedName`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Final, NamedTuple

import attrs

from aliasres import acronyms as acr
from aliasres import arabic
from aliasres.fold import (
    ARABIC_LETTERS,
    fold_chars,
    fold_chars_traced,
    has_arabic,
    romanize_other,
    split_scripts,
)
from aliasres.lexicon import LexEntry, Lexicon, TokenKind, load_lexicon
from aliasres.phonetic import skeleton
from aliasres.translit import (
    allah_compound,
    assimilated_article,
    attached_article,
    din_compound,
    glued_ending,
    latin_display,
    latin_surface,
    latin_surface_traced,
    preposition_article,
    reading_surfaces,
)

__all__ = [
    "NORMALIZE_CACHE_SIZE",
    "TOKEN_CACHE_SIZE",
    "NormalizedName",
    "Token",
    "TokenKind",
    "clear_caches",
    "fold",
    "normalize",
    "phonetic_key",
]

NORMALIZE_CACHE_SIZE: Final = 65_536
"""How many distinct names :func:`normalize` keeps results for."""

TOKEN_CACHE_SIZE: Final = 65_536
"""How many distinct written words the per-word analysis keeps results for."""

READING_MIN_LETTERS: Final = 4
"""Shortest word an alternate reading may match to a lexicon entry."""

DISTINCTIVE_WEIGHT: Final = 1.0
"""Prior weight of a word the lexicon does not know."""

ACRONYM_KEY_PREFIX: Final = "#"
"""Acronym tokens are keyed by their canonical form behind this mark (``#JAKT``), never
phonetically, so they can't collide with a skeleton key."""

SCRIPT_MAJORITY: Final = 0.9
"""Share of letters one script needs for :attr:`NormalizedName.script` to name it."""


@attrs.frozen(cache_hash=True)  # tokens are dictionary keys wherever names are indexed
class Token:
    """One content word of a name (function words are not tokens)."""

    text: str
    """Folded surface form, vowels kept, after the Latin rules (``khilafa``, ``uqba``)."""
    key: str
    """Primary consonant-skeleton key (``XLF``, ``AKB``); ``#`` + letters for an acronym."""
    alt_keys: tuple[str, ...]
    """Keys under alternate readings (German, Spanish, Egyptian, Turkish...), maybe empty."""
    kind: TokenKind
    weight: float
    """Prior weight in [0, 1] from the lexicon class (generic 0.15 ... distinctive 1.0)."""
    concept: str | None
    """Lexicon concept shared by all equivalents across languages (``jund``, ``khilafa``,
    ``brigade``); for country tokens an ISO 3166 code or a region id (``TN``,
    ``region:sham``, ``city:benghazi``); None for distinctive tokens."""
    alt_readings: tuple[str, ...] = ()
    """The reading that produced each of :attr:`alt_keys` (``de``, ``es``, ``eg``, ``tr``...)."""

    @functools.cached_property
    def identity(self) -> str:
        """The matching identity: ``c:<concept>`` for lexicon words, else ``k:<key>``."""
        return "c:" + self.concept if self.concept is not None else "k:" + self.key

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """The primary key and the alternate-reading keys."""
        return frozenset((self.key, *self.alt_keys))


@attrs.frozen
class NormalizedName:
    """Everything the resolver needs to know about one written name."""

    original: str
    folded: str
    """The token texts joined by spaces."""
    tokens: tuple[Token, ...]
    """Content tokens in order (function words excluded)."""
    acronyms: tuple[str, ...]
    """Acronyms the name implies: parenthesised ones first, then initials-based forms
    (``AQIM``, ``QIM``, ``AQITIM`` for al-Qa'ida in the Islamic Maghreb)."""
    acronym: str | None
    """The canonical form if the input itself is acronym-shaped (``JAKT``, ``AQIM``), else None."""
    countries: tuple[str, ...]
    """Concepts of country tokens, in order, without repeats."""
    script: str
    """Dominant script: ``Latn``, ``Arab``, ``Cyrl`` (other ISO 15924 codes), ``mixed``, ``""``."""
    trace: tuple[str, ...]
    """Rules and lexicon entries that fired, in order: ``latin:R2 dj->j``, ``article:al-``."""

    @property
    def key(self) -> str:
        """All token identities in order."""
        return " ".join(t.identity for t in self.tokens)

    @property
    def core_key(self) -> str:
        """Token identities without generic words: the key spelling variants share."""
        return " ".join(t.identity for t in self.tokens if t.kind is not TokenKind.GENERIC)

    @property
    def is_empty(self) -> bool:
        """True if no content token is left (empty, punctuation or function words only)."""
        return not self.tokens

    @property
    def key_variants(self) -> tuple[str, ...]:
        """:attr:`core_key` under the primary reading, then under each alternate reading."""
        readings = sorted({r for t in self.tokens for r in t.alt_readings})
        out = [self.core_key]
        for reading in readings:
            parts: list[str] = []
            for token in self.tokens:
                if token.kind is TokenKind.GENERIC:
                    continue
                if reading in token.alt_readings:
                    parts.append("k:" + token.alt_keys[token.alt_readings.index(reading)])
                else:
                    parts.append(token.identity)
            variant = " ".join(parts)
            if variant not in out:
                out.append(variant)
        return tuple(out)


# --- per-word analysis -------------------------------------------------------------------


class _Piece(NamedTuple):
    """One word after analysis: a token to be (built once, cached), or a function word."""

    text: str
    key: str
    entry: LexEntry | None
    trace: tuple[str, ...]
    token: Token | None
    acronym: bool = False
    surface: str = ""
    """The ruled surface when the token shows another text (phrases are spelled in it)."""


def _distinctive_piece(
    text: str,
    key: str,
    alternates: list[tuple[str, str]],
    trace: list[str] | tuple[str, ...],
    *,
    acronym: bool = False,
    surface: str = "",
) -> _Piece:
    token = Token(
        text,
        key,
        tuple(k for _, k in alternates),
        TokenKind.DISTINCTIVE,
        DISTINCTIVE_WEIGHT,
        None,
        tuple(r for r, _ in alternates),
    )
    return _Piece(text, key, None, tuple(trace), token, acronym, surface if surface != text else "")


def _entry_piece(text: str, entry: LexEntry, trace: list[str], written: str) -> _Piece:
    if entry.fixed_display:
        text = entry.display
    trace.append(entry.trace(written))
    key = skeleton(text)
    token = None
    if not entry.is_function:
        token = Token(text, key, (), entry.kind, entry.weight, entry.id)
    return _Piece(text, key, entry, tuple(trace), token)


def _article_piece(lexicon: Lexicon, written: str, rule: str) -> _Piece:
    entry = lexicon.entries["article"]
    return _Piece("al", "AL", entry, (rule, entry.trace(written)), None)


_SPLITS: Final = (
    ("latin:R18 -allah compound", "allah"),
    ("latin:R18 -ad-din compound", "din"),
    ("latin:R8 attached article", "attached"),
    ("latin:R9 glued article", "glued"),
    ("latin:R10 li/bi + article", "preposition"),
)


def _split(raw: str, lexicon: Lexicon) -> tuple[str, tuple[str, ...]] | None:
    """Try the splitting rules on the written word, then on its surface form."""
    known = lexicon.knows_latin
    surface = latin_surface(raw)
    for token in (raw, surface) if surface != raw else (raw,):
        for name, kind in _SPLITS:
            if kind == "allah":
                parts = allah_compound(token, known)
            elif kind == "din":
                parts = din_compound(token, known)
            elif kind == "attached":
                parts = attached_article(token, known)
            elif kind == "glued":
                parts = glued_ending(token, known)
            else:
                parts = preposition_article(token, known)
            if parts is not None:
                return name, parts
    return None


MAX_WORD_LENGTH: Final = 64
"""Longer 'words' (run-together text, junk) are keyed as written, without rules or splits."""


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _analyze_latin(raw: str, split: bool = True) -> tuple[_Piece, ...]:
    """Analyse one folded Latin word (lower-case ASCII letters and digits).

    Pieces a word splits into (al + qaida) are analysed with ``split=False``: one split per word.
    """
    lexicon = load_lexicon()
    if len(raw) > MAX_WORD_LENGTH:
        return (_distinctive_piece(raw, skeleton(raw), [], ("long-word",)),)
    surface, rule_trace = latin_surface_traced(raw)
    trace = list(rule_trace)
    entry = lexicon.raw.get(raw)
    if entry is not None and raw in lexicon.verbatim:
        return (_entry_piece(raw, entry, [], raw),)
    if entry is None and raw in lexicon.as_written:  # anchor is not anshor (ansar)
        written = (*trace, "latin:as-written")
        return (_distinctive_piece(raw, skeleton(surface), [], written, surface=surface),)
    entry = entry or lexicon.ruled.get(surface)
    if entry is not None:
        return (_entry_piece(surface, entry, trace, raw),)
    found = _split(raw, lexicon) if split else None
    if found is not None:
        rule, parts = found
        pieces: list[_Piece] = []
        for part in parts:
            if part == "al":
                pieces.append(_article_piece(lexicon, raw, rule))
            else:
                pieces.extend(_analyze_latin(part, split=False))
        if pieces and pieces[0].trace[:1] != (rule,):
            first = pieces[0]
            pieces[0] = first._replace(trace=(rule, *first.trace))
        return tuple(pieces)
    readings = reading_surfaces(raw)
    for reading, alternate in readings:
        entry = lexicon.ruled.get(alternate)
        # Under another tradition's reading a short word meets too many lexicon words
        # ("tha" read the Turkish way is the legal form "sa"): only longer words may.
        if entry is not None and not entry.is_function and len(alternate) >= READING_MIN_LETTERS:
            return (_entry_piece(alternate, entry, [*trace, f"reading:{reading}"], raw),)
    key = skeleton(surface)
    alternates: list[tuple[str, str]] = []
    for reading, alternate in readings:
        alt_key = skeleton(alternate)
        if alt_key != key and all(alt_key != k for _, k in alternates):
            alternates.append((reading, alt_key))
    if lexicon.reads_as_written(raw):  # charitable, not sharitable
        return (_distinctive_piece(raw, key, [], (*trace, "latin:as-written"), surface=surface),)
    display = latin_display(raw)
    return (_distinctive_piece(display, key, alternates, trace, surface=surface),)


_HAMZA_SEATS: Final = frozenset("أإآٱٲٳٵؤئء")
_PERSIAN: Final = frozenset("ۃیېۍےکڪڭہھەۀۂٹڈڑںڨڧڢپچژگڤ")
_CLITIC_ENTRIES: Final = {
    "wa": "and",
    "al": "article",
    "bi": "to-for",
    "li": "to-for",
    "fa": "to-for",
    "ka": "to-for",
}


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _analyze_arabic(token: str) -> tuple[_Piece, ...]:
    """Analyse one Arabic-script word (marks and tatweel already removed)."""
    lexicon = load_lexicon()
    word = arabic.fold_letters(token)
    if not word:
        return ()
    trace: list[str] = []
    chars = set(token)
    if not _HAMZA_SEATS.isdisjoint(chars):
        trace.append("arabic:hamza-seats")
    if not _PERSIAN.isdisjoint(chars):
        trace.append("arabic:persian-letters")
    clitics, stem = arabic.split_clitics(word, lexicon.knows_arabic)
    pieces: list[_Piece] = []
    for clitic in clitics:
        entry = lexicon.entries[_CLITIC_ENTRIES[clitic]]
        if clitic == "al":
            form = arabic.article_form(stem)
            name = "arabic:article al-" if form == "al-" else f"arabic:sun-letter {form}"
            pieces.append(_Piece("al", "AL", entry, (name,), None))
        else:
            pieces.append(
                _Piece(clitic, skeleton(clitic), entry, (f"arabic:clitic {clitic}-",), None)
            )
    if stem.endswith("ة"):
        trace.append("arabic:ta-marbuta")
    elif stem.endswith("ى"):
        trace.append("arabic:alef-maqsura")
    found = lexicon.arabic.get(arabic.lookup_form(stem))
    if found is not None:
        pieces.append(_entry_piece(found.display, found, trace, stem))
        return tuple(pieces)
    text = latin_surface(arabic.romanize(stem))
    if len(stem) < 2 or not text:
        return tuple(pieces)  # a stray letter is not a word
    known = lexicon.latin(text)
    if known is not None:  # the romanisation is itself a known Latin word (ان = an)
        trace.append("arabic:romanised")
        pieces.append(_entry_piece(text, known, trace, stem))
        return tuple(pieces)
    read = _analyze_latin(text)
    if len(read) == 1 and read[0].entry is not None:
        # ... or one under another reading, as normalising the folded form again reads it
        # (يما: yama, which Spanish spelling reads as jama).
        trace += ("arabic:romanised", *read[0].trace)
        pieces.append(read[0]._replace(trace=tuple(trace)))
        return tuple(pieces)
    key = arabic.skeleton(stem) or "A"
    alternates = [(r, k) for r, k in arabic.alternate_keys(stem) if k != key]
    trace.append("arabic:letters->key")
    pieces.append(_distinctive_piece(text, key, alternates, trace))
    return tuple(pieces)


def _acronym_text(form: str) -> str:
    """The folded text of an acronym: what normalising it again as a word would show."""
    return latin_surface(form.lower())


def _acronym_token(form: str) -> Token:
    """The token of an acronym: keyed by its letters; an acronym the lexicon ties to a concept
    (ISIS, ISIL -> ``isis``, as Daesh is) carries that concept, kind and weight."""
    entry = load_lexicon().acronym_concepts.get(form)
    if entry is None:
        kind, weight, concept = TokenKind.DISTINCTIVE, DISTINCTIVE_WEIGHT, None
    else:
        kind, weight, concept = entry.kind, entry.weight, entry.id
    return Token(_acronym_text(form), ACRONYM_KEY_PREFIX + form, (), kind, weight, concept)


def _acronym_piece(raw: str) -> _Piece:
    form = acr.canonical(raw)
    token = _acronym_token(form)
    trace = [f"acronym:token {form}"]
    if token.concept is not None:
        trace.append(f"lexicon:{form}={token.concept}({token.kind.value})")
    return _Piece(token.text, token.key, None, tuple(trace), token, acronym=True)


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _lower_acronym(raw: str) -> bool:
    """Whether a word written without capitals is an acronym (a known one, or vowel-less)."""
    lexicon = load_lexicon()
    return acr.is_acronym_token(raw, lexicon.acronyms, _is_word(lexicon))


# --- the name-level pipeline ------------------------------------------------------------------

_SCRIPT_CODES: Final = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "THAI": "Thai",
}


def detect_script(text: str) -> str:
    """The dominant script of the letters in ``text`` (ISO 15924), ``mixed``, or ``""``."""
    if text.isascii():
        return "Latn" if _ASCII_LETTER.search(text) else ""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return ""
    arab = len(ARABIC_LETTERS.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if arab + latin == letters:  # fast path: no third script
        if max(arab, latin) >= SCRIPT_MAJORITY * letters:
            return "Arab" if arab > latin else "Latn"
        return "mixed"
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            if char.isascii():
                counts["Latn"] += 1
            else:
                name = unicodedata.name(char, "")
                counts[_SCRIPT_CODES.get(name.split(" ", 1)[0], "Zyyy")] += 1
    if not counts:
        return ""
    script, count = counts.most_common(1)[0]
    return script if count >= SCRIPT_MAJORITY * sum(counts.values()) else "mixed"


def _is_word(lexicon: Lexicon) -> functools.partial[bool]:
    return functools.partial(_lexicon_word, lexicon)


def _lexicon_word(lexicon: Lexicon, folded: str) -> bool:
    return folded in lexicon.raw or latin_surface(folded) in lexicon.ruled


_ASCII_LETTER: Final = re.compile("[A-Za-z]")
_LATIN_LETTER: Final = re.compile("[A-Za-z\u00aa\u00ba\u00c0-\u024f\u1e00-\u1eff]")
_TWO_CAPITALS: Final = re.compile(r"\b[A-Za-z0-9]*[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*\b")


def _cased_words(text: str) -> dict[str, str]:
    """Original spelling of each ASCII word with two capitals or more (LeT, AQIM), by folded form.

    Words with fewer capitals behave as lower-case ones for acronym detection.
    """
    return {word.lower(): word for word in _TWO_CAPITALS.findall(text)}


class _Word(NamedTuple):
    """What one written word contributes to a name (cached per word)."""

    tokens: tuple[Token, ...]
    items: tuple[str, ...]
    """Each token as a phrase item: ``c:<concept>`` or ``s:<text>``."""
    trace: tuple[str, ...]
    initial: str
    """Its initial(s) for derived acronyms; empty for digits and empty words."""
    role: str
    """``content``, ``article``, ``function`` (:func:`aliasres.acronyms.initials`) or ``arabic``."""


def _word(raw: str, pieces: tuple[_Piece, ...], extra_trace: tuple[str, ...] = ()) -> _Word:
    tokens = tuple(p.token for p in pieces if p.token is not None)
    items = tuple(
        "s:" + p.surface if p.surface and p.token.concept is None else _item(p.token)
        for p in pieces
        if p.token is not None
    )
    trace = extra_trace + tuple(t for p in pieces for t in p.trace)
    if not pieces or raw.isdigit():
        return _Word(tokens, items, trace, "", "function")
    first = pieces[0]
    if first.acronym:
        return _Word(tokens, items, trace, acr.canonical(raw), "content")
    if tokens:
        return _Word(tokens, items, trace, raw[0], "content")
    role = "article" if first.entry is not None and first.entry.id == "article" else "function"
    return _Word(tokens, items, trace, raw[0], role)


def _item(token: Token) -> str:
    return "c:" + token.concept if token.concept is not None else "s:" + token.text


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _latin_word(raw: str) -> _Word:
    """A Latin word written without capitals: a known or vowel-less acronym, or a word."""
    if _lower_acronym(raw):
        return _word(raw, (_acronym_piece(raw),))
    return _word(raw, _analyze_latin(raw))


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _arabic_word(raw: str) -> _Word:
    """An Arabic-script word; it takes no part in initials-based acronyms."""
    return _word(raw, _analyze_arabic(raw))._replace(initial="", role="arabic")


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _other_word(raw: str) -> _Word:
    """A word of another script, already transliterated by unidecode."""
    return _word(raw, _analyze_latin(raw), ("unidecode",))


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _sun_article_word(raw: str) -> _Word:
    piece = _article_piece(load_lexicon(), raw, f"article:{raw}- (sun letter)")
    return _word(raw, (piece._replace(trace=piece.trace[:1]),))


def _split_scripts(folded: str) -> tuple[list[str], list[str]]:
    """Words of the folded text with their script: ``latin``, ``arabic`` or ``other``."""
    raws: list[str] = []
    scripts: list[str] = []
    for token in folded.split():
        for part in split_scripts(token) if not token.isascii() else (token,):
            if part.isascii():
                raws.append(part)
                scripts.append("latin")
            elif has_arabic(part):
                raws.append(part)
                scripts.append("arabic")
            else:
                for other in romanize_other(part):
                    raws.append(other)
                    scripts.append("other")
    return raws, scripts


def _latin_form(raw: str | None) -> str | None:
    """A word as the sun-letter rule compares it: an Arabic-script word by its transliteration,
    which is what normalising the folded form again sees (``N نآ`` -> ``n na``)."""
    if raw is None or not has_arabic(raw):
        return raw
    tokens = _arabic_word(raw).tokens
    return tokens[0].text if tokens else None


def _next_contents(raws: list[str], lexicon: Lexicon) -> list[str | None]:
    """For each word, the next word after it that is not a function word, nor an Arabic-script
    word that leaves no token (a lone hamza): one backward pass."""
    out: list[str | None] = [None] * len(raws)
    following: str | None = None
    function_words = lexicon.function_words
    for index in range(len(raws) - 1, -1, -1):
        out[index] = following
        raw = raws[index]
        if has_arabic(raw):
            if _arabic_word(raw).tokens:
                following = raw
        elif raw not in function_words and latin_surface(raw) not in function_words:
            following = raw
    return out


def _raws(folded: str) -> tuple[list[str], list[str] | None]:
    """The words of the folded text and, unless all are ASCII, their scripts."""
    if folded.isascii():
        return folded.split(), None
    return _split_scripts(folded)


def _words(
    raws: list[str],
    scripts: list[str] | None,
    lexicon: Lexicon,
    cased: dict[str, str],
    shouting: bool,
) -> list[_Word]:
    last = len(raws) - 1
    words: list[_Word] = []
    following: list[str | None] | None = None
    for index, raw in enumerate(raws):
        script = scripts[index] if scripts is not None else "latin"
        # An Arabic-script word is read as the sun-letter rule would read its transliteration
        # (what normalising the folded form again sees): آد before D... is ad-, an article.
        latin = _latin_form(raw) if script == "arabic" else raw
        if (
            latin is not None
            and len(latin) <= 4
            and index < last
            and latin not in lexicon.raw
            and (script != "arabic" or len(_arabic_word(raw).tokens) == 1)
            and assimilated_article(
                latin,
                _latin_form((following or (following := _next_contents(raws, lexicon)))[index]),
            )
        ):
            words.append(_sun_article_word(latin))
        elif script == "arabic":
            words.append(_arabic_word(raw))
        elif raw in cased and acr.is_acronym_token(
            cased[raw], lexicon.acronyms, _is_word(lexicon), shouting=shouting
        ):
            words.append(_word(raw, (_acronym_piece(raw),)))
        elif script == "other":
            words.append(_other_word(raw))
        else:
            words.append(_latin_word(raw))
    return words


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _phrase_piece(text: str, entry_id: str) -> _Piece:
    entry = load_lexicon().entries[entry_id]
    return _entry_piece(text, entry, [f"phrase:{text}"], text)


def _phrases(
    tokens: list[Token], items: list[str], lexicon: Lexicon
) -> tuple[list[Token], list[str]]:
    """Merge runs of tokens that spell a lexicon phrase (West Africa, Bayt al-Maqdis)."""
    if len(tokens) < 2 or lexicon.phrase_starts.isdisjoint(items):
        return tokens, []
    out: list[Token] = []
    trace: list[str] = []
    index = 0
    while index < len(tokens):
        for length in range(min(lexicon.max_phrase, len(tokens) - index), 1, -1):
            entry = lexicon.phrases.get(tuple(items[index : index + length]))
            if entry is not None:
                text = " ".join([t.text for t in tokens[index : index + length]])
                merged = _phrase_piece(text, entry.id)
                if merged.token is not None:
                    out.append(merged.token)
                trace.extend(merged.trace)
                index += length
                break
        else:
            out.append(tokens[index])
            index += 1
    return out, trace


def _is_legal_form(word: _Word) -> bool:
    """A word that is a legal form (Company, Ltd, SAL): the lexicon's ``company`` concept."""
    return bool(word.tokens) and all(token.concept == "company" for token in word.tokens)


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items)) if len(items) > 1 else tuple(items)


_COUNTRY: Final = TokenKind.COUNTRY


def _acronym_name(name: str, form: str, script: str, trace: list[str]) -> NormalizedName:
    token = _acronym_token(form)
    trace.append(f"acronym:input {name.strip()}={form}")
    if token.concept is not None:
        trace.append(f"lexicon:{form}={token.concept}({token.kind.value})")
    return NormalizedName(name, token.text, (token,), (form,), form, (), script, _dedupe(trace))


_LETTERS_ONLY: Final = re.compile("[^A-Za-z]+")
_DOTTED_INITIALISM: Final = re.compile(r"(?<![A-Za-z.])(?:[A-Za-z]\.){2,}[A-Za-z]?(?![A-Za-z])")
"""Letters written with dots inside a name (S.A.L., L.L.C.)."""


def _joined_initialism(lexicon: Lexicon, dotted: re.Match[str]) -> str:
    """Letters written with dots that spell a lexicon word (the legal forms S.A.L., L.L.C.,
    S.A.R.L.) are that word, as written without them, not a run of one-letter words. Others
    stay letters (A.S. is not the word as)."""
    joined = dotted[0].replace(".", "")
    return joined if joined.lower() in lexicon.raw else dotted[0]


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _function_word_token(raw: str, script: str) -> Token | None:
    """A function word kept as a distinctive token: for names made of function words only.

    A name never normalises to nothing because all its words are function words (``Mit``,
    ``The``, ``في``); the words are kept as written, keyed by their consonant skeleton. An
    Arabic one is written as the lexicon writes it in Latin (على: li, من: min), not letter by
    letter (ala, mn), so that the folded name normalises to itself again.
    """
    if script == "arabic":
        pieces = _analyze_arabic(raw)
        if not pieces:  # a stray letter, dropped in any name
            return None
        text = " ".join(piece.text for piece in pieces)
        key = " ".join(piece.key for piece in pieces)
    else:
        text = raw
        key = skeleton(latin_surface(raw))
    if not text or not key:
        return None
    return Token(text, key, (), TokenKind.DISTINCTIVE, DISTINCTIVE_WEIGHT, None)


def _normalize(name: str) -> NormalizedName:
    lexicon = load_lexicon()
    script = detect_script(name)
    is_word = _is_word(lexicon)
    trace: list[str] = []
    form = acr.acronym_form(name, lexicon.acronyms, is_word) if len(name) <= 24 else None
    if form is not None:
        return _acronym_name(name, form, script, trace)
    text, explicit = acr.strip_parenthesised(name, lexicon.acronyms, is_word)
    for found in explicit:
        trace.append(f"acronym:parenthesised {found}")
    if "." in text:
        joined = _DOTTED_INITIALISM.sub(functools.partial(_joined_initialism, lexicon), text)
        if joined != text:
            trace.append("dotted-initialism")
            text = joined
    folded, fold_trace = fold_chars_traced(text)
    trace += fold_trace
    shouting = len(text) > 6 and text.isupper()
    cased = {} if shouting or text.islower() else _cased_words(text)
    raws, scripts = _raws(folded)
    words = _words(raws, scripts, lexicon, cased, shouting)
    tokens: list[Token] = []
    items: list[str] = []
    units: list[acr.Unit] = []
    legal_forms = 0  # how many of the last words with an initial are legal forms
    for word in words:
        trace += word.trace
        tokens += word.tokens
        items += word.items
        if word.initial:
            units.append((word.initial, word.role))
            legal_forms = legal_forms + 1 if _is_legal_form(word) else 0
    if not tokens and raws:
        capitals = _LETTERS_ONLY.sub("", text)
        if len(raws) == 1 and 2 <= len(capitals) <= 6 and capitals.isupper():
            return _acronym_name(name, acr.canonical(capitals), script, trace)  # MIT, THE
        tokens = [t for t in map(_function_word_token, raws, scripts or ["latin"] * len(raws)) if t]
        items = [_item(t) for t in tokens]
        if tokens:
            trace.append("function-words-kept")
    tokens, phrase_trace = _phrases(tokens, items, lexicon)
    trace += phrase_trace
    countries = _dedupe([t.concept for t in tokens if t.kind is _COUNTRY and t.concept])
    derived: tuple[str, ...] = ()
    if len(units) > 1 and all(w.role != "arabic" for w in words):
        derived = acr.initials(units)
        if legal_forms and len(units) - legal_forms > 1:
            # Initials are written with and without the legal form (NIOEC and NIOECC for
            # National Iranian Oil Engineering and Construction Company).
            derived += acr.initials(units[:-legal_forms])
    return NormalizedName(
        original=name,
        folded=" ".join([t.text for t in tokens]),
        tokens=tuple(tokens),
        acronyms=_dedupe([*explicit, *derived]),
        acronym=None,
        countries=countries,
        script=script,
        trace=_dedupe(trace),
    )


@functools.lru_cache(maxsize=NORMALIZE_CACHE_SIZE)
def _normalize_cached(name: str) -> NormalizedName:
    return _normalize(name)


def normalize(name: str) -> NormalizedName:
    """Normalise one written name of a group, in any script and spelling.

    Args:
        name: the name as written. Any ``str`` is accepted (empty, emoji, control
            characters, mixed scripts...); the result may then be empty.

    Returns:
        A frozen :class:`NormalizedName`; results are cached (:data:`NORMALIZE_CACHE_SIZE`).

    Raises:
        TypeError: if ``name`` is not a ``str``.

    >>> normalize("Katibat 'Uqbah Bin Nafi").core_key == normalize("كتيبة عقبة بن نافع").core_key
    True
    """
    if not isinstance(name, str):
        msg = f"name must be str, got {type(name).__name__}: {name!r}"
        raise TypeError(msg)
    return _normalize_cached(str(name))


def fold(text: str) -> str:
    """Character-level folding only, with Arabic letters romanised (for debugging).

    >>> fold("Jund al-Khilāfa / جند الخلافة")
    'jund al khilafa jnd alkhlafa'
    """
    if not isinstance(text, str):
        msg = f"text must be str, got {type(text).__name__}: {text!r}"
        raise TypeError(msg)
    out: list[str] = []
    for token in fold_chars(text).split():
        for part in split_scripts(token) if not token.isascii() else (token,):
            if part.isascii():
                out.append(part)
            elif has_arabic(part):
                out.append(arabic.romanize(arabic.fold_letters(part)))
            else:
                out.extend(romanize_other(part))
    return " ".join(p for p in out if p)


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def phonetic_key(token: str) -> str:
    """The ARS consonant-skeleton key of a word (or of each word of a phrase, space-joined).

    The text is folded first; Arabic script is keyed letter by letter after the article and
    clitics are split off. No lexicon and no acronym handling: see :func:`normalize`.

    >>> phonetic_key("Okba"), phonetic_key("'Uqbah"), phonetic_key("عقبة")
    ('AKB', 'AKB', 'AKB')
    """
    if not isinstance(token, str):
        msg = f"token must be str, got {type(token).__name__}: {token!r}"
        raise TypeError(msg)
    keys: list[str] = []
    lexicon = load_lexicon()
    for word in fold_chars(token).split():
        for part in split_scripts(word) if not word.isascii() else (word,):
            if part.isascii():
                keys.append(skeleton(latin_surface(part)))
            elif has_arabic(part):
                _, stem = arabic.split_clitics(arabic.fold_letters(part), lexicon.knows_arabic)
                if stem:
                    keys.append(arabic.skeleton(stem) or "A")
            else:
                keys.extend(skeleton(latin_surface(p)) for p in romanize_other(part))
    return " ".join(keys)


def clear_caches() -> None:
    """Empty the name and word caches (for benchmarks that measure cold normalisation)."""
    _normalize_cached.cache_clear()
    _analyze_latin.cache_clear()
    _analyze_arabic.cache_clear()
    phonetic_key.cache_clear()
    latin_surface_traced.cache_clear()
    for cache in (_latin_word, _arabic_word, _other_word, _sun_article_word, _phrase_piece):
        cache.cache_clear()
    _function_word_token.cache_clear()
    _lower_acronym.cache_clear()
