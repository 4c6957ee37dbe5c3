"""Arabic script: letter-variant folding, clitics and the article, key and romanisation.

Harakat, tatweel, Quranic marks and bidi controls are already gone (:mod:`aliasres.fold`).
For one Arabic-script word this module:

1. folds letter variants (:data:`LETTER_FOLD`): hamza seats and madda/wasla on alef -> ا,
   ؤ -> و, ئ -> ي, hamza on the line deleted, Persian/Urdu keheh, yeh, heh goal and
   retroflexes -> their Arabic letters, Maghrebi ڨ ڧ ڢ -> ق ق ف; پ چ ژ گ ڤ are kept;
2. splits the article and clitics (:func:`split_clitics`): وال بال فال كال لل ال, and a bare
   و ب ل ف only when the remainder is a known word (ولاية stays one word);
3. maps letters **straight to key symbols** (:func:`skeleton`), never through Latin digraphs:
   ت+ح would otherwise read as ``th`` and ك+ه as ``kh`` (the notes' false-digraph trap);
4. romanises for display and ranking (:func:`romanize`), inserting a vowel where two
   romanised letters would form a false Latin digraph (تحرير -> ``tahrir``, not ``thrir``).

:func:`lookup_form` is the spelling used to look a word up in the lexicon: ة -> ه and
ى -> ي on top of the variant folding, because writers interchange them (القاعده).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

__all__ = [
    "ALTERNATE_KEYS",
    "KEY",
    "LETTER_FOLD",
    "SUN_LETTERS",
    "alternate_keys",
    "fold_letters",
    "lookup_form",
    "romanize",
    "skeleton",
    "split_clitics",
]

LETTER_FOLD: Final = str.maketrans(
    {
        "أ": "ا",  # U+0623 alef with hamza above
        "إ": "ا",  # U+0625 alef with hamza below
        "آ": "ا",  # U+0622 alef with madda
        "ٱ": "ا",  # U+0671 alef wasla
        "ٲ": "ا",  # U+0672
        "ٳ": "ا",  # U+0673
        "ٵ": "ا",  # U+0675
        "ؤ": "و",  # U+0624 hamza on waw
        "ئ": "ي",  # U+0626 hamza on yeh
        "ء": None,  # U+0621 hamza on the line: سيناء = سينا
        "ۃ": "ة",  # U+06C3 Urdu ta marbuta goal
        "ی": "ي",  # U+06CC Farsi yeh
        "ې": "ي",  # U+06D0
        "ۍ": "ي",  # U+06CD
        "ے": "ي",  # U+06D2 Urdu yeh barree
        "ک": "ك",  # U+06A9 keheh (unidecode wrongly gives kh)
        "ڪ": "ك",  # U+06AA swash kaf
        "ڭ": "ك",  # U+06AD Moroccan /g/
        "ہ": "ه",  # U+06C1 heh goal
        "ھ": "ه",  # U+06BE heh doachashmee
        "ە": "ه",  # U+06D5 ae
        "ۀ": "ه",  # U+06C0 heh with yeh above
        "ۂ": "ه",  # U+06C2
        "ٹ": "ت",  # U+0679 tteh
        "ڈ": "د",  # U+0688 ddal
        "ڑ": "ر",  # U+0691 rreh
        "ں": "ن",  # U+06BA noon ghunna
        "ڨ": "ق",  # U+06A8 Tunisian/Algerian /g/ (الڨصرين = Kasserine)
        "ڧ": "ق",  # U+06A7 Maghrebi qaf
        "ڢ": "ف",  # U+06A2 Maghrebi feh
        "ٮ": "ب",  # U+066E dotless beh (old orthography, OCR)
        "ٯ": "ق",  # U+066F dotless qaf
        "ڡ": "ف",  # U+06A1 dotless feh
    }
)
"""Letter variants to the canonical Arabic letter (notes table 1.2)."""

_LOOKUP: Final = str.maketrans({"ة": "ه", "ى": "ي"})

KEY: Final = {
    "ب": "B",
    "ت": "T",
    "ث": "T",
    "ج": "J",
    "ح": "H",
    "خ": "X",
    "د": "D",
    "ذ": "D",
    "ر": "R",
    "ز": "Z",
    "س": "S",
    "ش": "C",
    "ص": "S",
    "ض": "D",
    "ط": "T",
    "ظ": "Z",
    "غ": "G",
    "ف": "F",
    "ق": "K",
    "ك": "K",
    "ل": "L",
    "م": "M",
    "ن": "N",
    "ه": "H",
    "پ": "B",
    "چ": "C",
    "ژ": "J",
    "گ": "G",
    "ڤ": "W",
}
"""Consonant letters to key symbols (notes table 1.4). Vowel letters, ayn and hamza emit nothing."""

_VOWEL_LETTERS: Final = frozenset("اويىةعء")
_INITIAL_VOWEL: Final = frozenset("اع")
_SEMI_VOWELS: Final = {"و": "W", "ي": "Y", "ڤ": "W"}

ALTERNATE_KEYS: Final[dict[str, dict[str, str]]] = {
    "tr": {"ث": "S", "ذ": "Z", "ض": "Z"},  # Turkish, Persian, Urdu: Hadis, Ramazan
    "eg": {"ج": "G"},  # Egyptian g for jim
    "maghreb": {"ق": "G"},  # Maghrebi and Gulf g for qaf
}
"""Per-reading letter keys that replace :data:`KEY` entries for an alternate key."""

ROMAN: Final = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "ى": "a",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ڤ": "v",
}
"""Letters to Latin for the surface form (و and ي depend on position, see :func:`romanize`)."""

_FALSE_DIGRAPHS: Final = frozenset(
    ("th", "kh", "sh", "dh", "gh", "ch", "zh", "ph", "dj", "sy", "tc", "sc", "dz", "ck")
)

SUN_LETTERS: Final = frozenset("تثدذرزسشصضطظلن")
"""Letters the article assimilates to (al-shams -> ash-shams)."""

_ARTICLE_PREFIXES: Final = (
    ("وال", ("wa", "al")),
    ("بال", ("bi", "al")),
    ("فال", ("fa", "al")),
    ("كال", ("ka", "al")),
    ("لل", ("li", "al")),
    ("ال", ("al",)),
)
_PROCLITICS: Final = {"و": "wa", "ب": "bi", "ل": "li", "ف": "fa"}


def fold_letters(word: str) -> str:
    """Fold letter variants (:data:`LETTER_FOLD`)."""
    return word.translate(LETTER_FOLD)


def lookup_form(word: str) -> str:
    """The lexicon lookup spelling: folded letters, ة -> ه, ى -> ي."""
    return word.translate(LETTER_FOLD).translate(_LOOKUP)


def split_clitics(word: str, known: Callable[[str], bool]) -> tuple[tuple[str, ...], str]:
    """Split the article and proclitics off a folded word.

    Args:
        word: a word after :func:`fold_letters`.
        known: whether a (folded) word is in the lexicon or vocabulary.

    Returns:
        The clitic names (``"wa"``, ``"al"``...) and the remaining stem. A known word whose
        remainder is not known (الله) is not split; at least two letters always remain.
    """
    whole = known(word)
    for prefix, names in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            stem = word[len(prefix) :]
            if whole and not known(stem):
                return (), word
            return names, stem
    if whole:
        return (), word
    name = _PROCLITICS.get(word[:1])
    if name is not None and len(word) >= 3 and known(word[1:]):
        return (name,), word[1:]
    return (), word


def article_form(stem: str) -> str:
    """How the article before ``stem`` is pronounced: ``al-`` or assimilated (``ash-``)."""
    first = stem[:1]
    if first in SUN_LETTERS and first != "ل":
        return "a" + ROMAN[first] + "-"
    return "al-"


def _trim(word: str) -> str:
    """Drop what the Latin side drops: a final ة ى ه ح, and the ت of a plural -ات."""
    if len(word) >= 3 and word[-1] in "ةىهح":
        word = word[:-1]
    if len(word) >= 4 and word.endswith("ات"):
        word = word[:-1]
    return word


def _key(word: str, letters: dict[str, str]) -> str:
    word = _trim(word)
    out: list[str] = []
    if word[:1] in _INITIAL_VOWEL:
        out.append("A")
        word = word.lstrip("اعوي")
    elif word[:1] in _SEMI_VOWELS:
        out.append(_SEMI_VOWELS[word[0]])
        word = word[1:]
    for letter in word:
        symbol = letters.get(letter)
        if symbol is None:
            if letter.isdigit():
                out.append(letter)
            continue
        if not out or out[-1] != symbol or symbol.isdigit():
            out.append(symbol)
    return "".join(out)


def skeleton(word: str) -> str:
    """The ARS key of one folded Arabic word, letter by letter.

    >>> skeleton(fold_letters("عقبة")), skeleton(fold_letters("خلافة"))
    ('AKB', 'XLF')
    """
    return _key(word, KEY)


def alternate_keys(word: str) -> tuple[tuple[str, str], ...]:
    """(reading, key) for each alternate reading that changes the key (ث as s, ج as g...)."""
    primary = skeleton(word)
    out: list[tuple[str, str]] = []
    for reading, changes in ALTERNATE_KEYS.items():
        if any(letter in word for letter in changes):
            alternate = _key(word, {**KEY, **changes})
            if alternate != primary:
                out.append((reading, alternate))
    return tuple(out)


def romanize(word: str) -> str:
    """A readable Latin spelling of one folded Arabic word, free of false digraphs.

    Long vowels are written, short vowels (unwritten in Arabic) are not: نافع -> ``naf``.
    """
    out = ""
    last = len(word) - 1
    for index, letter in enumerate(word):
        following = word[index + 1] if index < last else ""
        if letter in "وي":
            consonant = index == 0 or following in ("ا", "ة")
            piece = (
                ("w" if letter == "و" else "y") if consonant else ("u" if letter == "و" else "i")
            )
        elif letter == "ع" and index == 0:
            piece = "a" if following not in ("ا", "و", "ي") else ""
        elif letter in "هح" and index == last and last >= 2:
            piece = "ah"  # the key drops it; so does the Latin rule R11 for -ah
        else:
            piece = ROMAN.get(letter, letter if letter.isdigit() else "")
        if piece and out and (out[-1] + piece[0]) in _FALSE_DIGRAPHS:
            out += "a"
        out += piece
    return out
