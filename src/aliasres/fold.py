"""Character-level folding: the first stage of name normalisation.

The steps run in this fixed order; each is a small, pure, total ``str -> str`` function:

1. ``nfkc`` -- Unicode NFKC. Turns Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF)
   into base letters and expands ligatures (ﻻ -> لا, ﷲ -> الله), full-width forms into ASCII.
2. ``casefold`` -- full Unicode case folding (``ß`` -> ``ss``).
3. ``english-possessive`` -- ``Jihad's`` -> ``Jihad`` (an apostrophe + ``s`` ending a word);
   ``french-elision`` -- ``l'ouest`` -> ``l ouest``, ``d'Algérie`` -> ``d Algérie``.
4. ``apostrophe-split`` -- rejoins a word that upstream data split at an apostrophe
   (OFAC ``JAZA' IR`` -> ``jazair``), unless the fragment is a particle (``Nafi' al``).
5. ``char-table`` -- one ``str.translate`` table that, per code point,
   deletes format and bidi controls, tatweel, harakat and Quranic marks and every
   apostrophe-like ayn/hamza sign; maps scholarly transliteration letters to their digraphs
   before diacritics are lost (ǧ -> j, ḫ -> kh, š -> sh, ṯ -> th, ḏ -> dh, ġ -> gh, ẗ -> a);
   strips accents from precomposed Latin letters (ā ḥ ṣ ï é -> a h s i e); maps
   Arabic-Indic and Persian digits to ASCII and Arabic punctuation to Latin punctuation.
6. ``punctuation`` -- every run of characters that are neither letters nor digits (hyphens,
   slashes, brackets, dots, underscores, symbols, emoji) becomes one space.

Arabic letters are kept as they are: :mod:`aliasres.arabic` maps them straight to the key
alphabet (never through Latin digraphs, see the notes' false-digraph trap). Letters of other
scripts (Cyrillic, Greek, ...) are transliterated per token by :func:`romanize_other`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final

from unidecode import unidecode

__all__ = [
    "APOSTROPHES",
    "ARABIC_LETTERS",
    "FOLD_STEPS",
    "apostrophe_split",
    "casefold",
    "char_table",
    "english_possessive",
    "fold_chars",
    "fold_chars_traced",
    "french_elision",
    "has_arabic",
    "nfkc",
    "punctuation",
    "romanize_other",
    "split_scripts",
]

Step = Callable[[str], str]

APOSTROPHES: Final = "'\u2019\u2018\u02bf\u02be\u02bb\u02bc`\u00b4\u2032\u201b\u02b9\u02c8\uff07"
"""Apostrophe-like signs writers use for ayn and hamza: ' ’ ‘ ʿ ʾ ʻ ʼ ` ´ ′ ‛ ʹ ˈ, full-width '."""

ARABIC_LETTERS: Final = re.compile(
    "[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9]"
)
"""Arabic-script letters (after NFKC, so presentation forms are already base letters)."""

_ARABIC_RUN: Final = re.compile(
    "([\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9]+)"
)

# --- code point tables -------------------------------------------------------------------

_DELETE_RANGES: Final = (
    (0x0000, 0x0008),  # C0 controls (tab, newline and carriage return become spaces later)
    (0x000E, 0x001F),
    (0x007F, 0x009F),  # DEL and C1 controls
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x0300, 0x036F),  # combining diacritical marks (NFKC leaves some uncomposed)
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x20D0, 0x20FF),  # combining marks for symbols
    (0xFE20, 0xFE2F),  # combining half marks
    (0x0610, 0x061A),  # Arabic honorifics and small high marks
    (0x061C, 0x061C),  # ARABIC LETTER MARK (bidi)
    (0x0640, 0x0640),  # ARABIC TATWEEL (kashida): decoration, جـنـد = جند
    (0x064B, 0x065F),  # harakat: tanwin, fatha, damma, kasra, shadda, sukun, hamza marks
    (0x0670, 0x0670),  # ARABIC LETTER SUPERSCRIPT ALEF
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x08D3, 0x08FF),  # extended Arabic marks
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0xFEFF, 0xFEFF),  # byte order mark / ZWNBSP
    (0xFE00, 0xFE0F),  # variation selectors
)

_SCHOLARLY: Final = {
    # DIN 31635 / ISO 233 single letters carry a digraph's information: map them before the
    # accents are stripped (unidecode gets these wrong: Ǧund al-Ḫilāfa -> "Gund al-Hilafa").
    "ǧ": "j",
    "ḫ": "kh",
    "ẖ": "kh",
    "ḵ": "kh",
    "ṯ": "th",
    "ḏ": "dh",
    "š": "sh",
    "ş": "sh",  # BGN/PCGN writes ṣ as ş, Turkish writes sh as ş: sh is the primary reading
    "ġ": "gh",
    "ž": "zh",
    "č": "ch",
    "ẗ": "a",  # ICU's ta marbuta
    "ç": "s",  # French and Portuguese: Ançar = Ansar
    "ı": "i",  # Turkish dotless i
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "dh",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ĳ": "ij",
    "ſ": "s",
}

_DIGITS: Final = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic (Persian, Urdu)
}

_ARABIC_PUNCTUATION: Final = {
    "\u060c": ",",  # ARABIC COMMA
    "\u061b": ";",  # ARABIC SEMICOLON
    "\u061f": "?",  # ARABIC QUESTION MARK
    "\u066a": "%",  # ARABIC PERCENT SIGN
    "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
    "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    "\u06d4": ".",  # ARABIC FULL STOP
}


def _latin_base(char: str) -> str | None:
    """The ASCII base letter of a precomposed Latin letter with diacritics, if it has one."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    if len(decomposed) > 1 and base.isascii() and base.isalpha():
        return base.lower()
    return None


@functools.cache  # built on first use: it costs start-up, and plain ASCII names never need it
def _char_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for low, high in _DELETE_RANGES:
        for code in range(low, high + 1):
            table[code] = None
    for code in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029):
        table[code] = " "  # line and tab separators are word boundaries
    for ranges in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(ranges[0], ranges[1] + 1):
            base = _latin_base(chr(code))
            if base is not None:
                table[code] = base
    for char in APOSTROPHES:
        table[ord(char)] = None
    for source in (_SCHOLARLY, _DIGITS, _ARABIC_PUNCTUATION):
        for char, replacement in source.items():
            table[ord(char)] = replacement
    return table


@functools.cache  # compiled on first use, like the table
def _table_chars() -> re.Pattern[str]:
    """Any character the table changes."""
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_char_table())) + "]")


_APOSTROPHE_SET: Final = frozenset(APOSTROPHES)

_POSSESSIVE: Final = re.compile("(?<=[^\\W\\d_]{2})['\u2019]s(?![^\\W_])")
_SPLIT_AT_APOSTROPHE: Final = re.compile(
    "[" + re.escape(APOSTROPHES) + "]\\s+([^\\W\\d_]{1,2})(?![^\\W_])"
)
_ELISION: Final = re.compile("(qu|[cdjlmnst])[" + re.escape(APOSTROPHES) + "](?=[^\\W\\d_])")
_PARTICLES: Final = frozenset(
    {"a", "al", "an", "as", "at", "b", "bi", "d", "de", "du", "e", "el", "en", "et", "fi"}
    | {"i", "il", "in", "l", "la", "le", "li", "of", "ul", "w", "wa", "y"}
)
"""Short words that follow an apostrophe legitimately (``Nafi' al``): never rejoined."""
_NON_WORD: Final = re.compile(r"[\W_]+")

# --- the steps ---------------------------------------------------------------------------


_SPACING_ACCENTS: Final = str.maketrans(
    {"\u00b4": "'", "\u0384": "'", "\u1ffd": "'", "\u02dd": "'"}
)
"""Spacing accents used as apostrophes, which NFKC would turn into a space + combining mark."""


def nfkc(text: str) -> str:
    """Unicode NFKC: presentation forms and ligatures to base letters (ﷲ -> الله).

    A spacing acute accent used as an apostrophe (Qa´ida) is read as an apostrophe first.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text.translate(_SPACING_ACCENTS))


def casefold(text: str) -> str:
    """Full Unicode case folding."""
    return text.lower() if text.isascii() else text.casefold()


def english_possessive(text: str) -> str:
    """Drop an English possessive ``'s`` after a word of two or more letters (ISIL's -> ISIL)."""
    if "s" not in text or ("'" not in text and "\u2019" not in text):
        return text
    return _POSSESSIVE.sub("", text)


def french_elision(text: str) -> str:
    """French elided articles and particles are words of their own: ``l'ouest`` -> ``l ouest``."""
    if _APOSTROPHE_SET.isdisjoint(text):
        return text
    return _ELISION.sub(_elide, text)


def _elide(match: re.Match[str]) -> str:
    start = match.start()
    at_word_start = start == 0 or not match.string[start - 1].isalnum()
    return match.group(1) + " " if at_word_start else match.group(0)


def _join_split(match: re.Match[str]) -> str:
    fragment = match.group(1)
    start = match.start()
    after_letter = start > 0 and match.string[start - 1].isalpha()
    return fragment if after_letter and fragment not in _PARTICLES else match.group(0)


def apostrophe_split(text: str) -> str:
    """Rejoin a word split at an apostrophe (``jaza' ir`` -> ``jazair``), not before a particle."""
    if _APOSTROPHE_SET.isdisjoint(text):
        return text
    return _SPLIT_AT_APOSTROPHE.sub(_join_split, text)


def _table_char(match: re.Match[str]) -> str:
    return _char_table()[ord(match.group())] or ""


def char_table(text: str) -> str:
    """Per code point: drop marks, controls, apostrophes; map scholarly letters, accents, digits."""
    if len(text) > 64:
        return text.translate(_char_table())
    return _table_chars().sub(_table_char, text)  # faster for a few special characters


def punctuation(text: str) -> str:
    """Every run of non-letter, non-digit characters becomes a single space; strip the ends."""
    return _NON_WORD.sub(" ", text).strip()


FOLD_STEPS: Final[tuple[tuple[str, Step], ...]] = (
    ("nfkc", nfkc),
    ("casefold", casefold),
    ("english-possessive", english_possessive),
    ("french-elision", french_elision),
    ("apostrophe-split", apostrophe_split),
    ("char-table", char_table),
    ("punctuation", punctuation),
)
"""The folding pipeline as data: (trace name, step)."""


_ANY_APOSTROPHE: Final = re.compile("[" + re.escape(APOSTROPHES) + "]")
_APOSTROPHE_STEPS: Final = FOLD_STEPS[2:5]


def fold_chars(text: str) -> str:
    """Run :data:`FOLD_STEPS` (Arabic letters are kept; other scripts are left for later)."""
    for _, step in FOLD_STEPS:
        text = step(text)
    return text


def _class(chars: Iterable[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]")


@functools.cache  # compiled on first use: only traces of non-ASCII names need them
def _details() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Trace names for the kinds of change the character table makes, with what triggers them."""
    marks = (code for code, value in _char_table().items() if value is None and code > 0x7F)
    return (
        ("apostrophe", _class(APOSTROPHES)),
        (
            "arabic:harakat",
            re.compile("[\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed\u08d3-\u08ff]"),
        ),
        ("arabic:tatweel", re.compile("\u0640")),
        (
            "controls-and-marks",
            _class(
                c for c in map(chr, marks) if not "\u0600" <= c <= "\u08ff" and c not in APOSTROPHES
            ),
        ),
        ("arabic:digits", _class(_DIGITS)),
        ("scholarly-letters", _class(_SCHOLARLY)),
        ("strip-accents", re.compile("[\u00c0-\u024f\u1e00-\u1eff]")),
    )


def _char_table_detail(before: str) -> list[str]:
    """Name the kinds of change the character table made (for the trace)."""
    return [name for name, pattern in _details() if pattern.search(before)]


_PLAIN_ASCII: Final = re.compile(r"[A-Za-z0-9 \-,./()]*")
"""ASCII text that only case folding and punctuation can change (the common case)."""


def fold_chars_traced(text: str) -> tuple[str, list[str]]:
    """:func:`fold_chars`, also returning the names of the steps that changed the text.

    Runs the same steps as :data:`FOLD_STEPS`, skipping those whose trigger is absent.
    """
    trace: list[str] = []
    if _PLAIN_ASCII.fullmatch(text):  # the common case: only case and punctuation change
        folded = text.lower()
        if folded != text:
            trace.append("casefold")
        result = _NON_WORD.sub(" ", folded).strip()
        if result != folded.strip():
            trace.append("punctuation")
        return result, trace
    result = nfkc(text)
    if result != text:
        trace.append("nfkc")
    text = casefold(result)
    if text != result:
        trace.append("casefold")
    if _ANY_APOSTROPHE.search(text):
        for name, step in _APOSTROPHE_STEPS:
            result = step(text)
            if result != text:
                trace.append(name)
                text = result
    result = char_table(text)
    if result != text:
        trace.extend(_char_table_detail(text))
        text = result
    result = punctuation(text)
    if result != text.strip():
        trace.append("punctuation")
    return result, trace


def has_arabic(text: str) -> bool:
    """True if the text contains an Arabic-script letter."""
    return not text.isascii() and ARABIC_LETTERS.search(text) is not None


def split_scripts(token: str) -> list[str]:
    """Split a token where Arabic letters meet letters of another script (``isisداعش``)."""
    return [part for part in _ARABIC_RUN.split(token) if part]


def romanize_other(token: str) -> list[str]:
    """Transliterate a token in a non-Latin, non-Arabic script (Cyrillic, Greek...) via unidecode.

    Returns the folded ASCII tokens it becomes (possibly none, e.g. for emoji).
    """
    text = unidecode(token).lower().translate(_char_table())
    return _NON_WORD.sub(" ", text).split()
