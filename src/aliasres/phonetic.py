"""The Arabic-aware consonant skeleton key (ARS, notes section 4.3) for Latin surface forms.

Per token, after the Latin rules of :mod:`aliasres.translit`:

1. **Ta marbuta / construct**: a final ``h`` or ``t`` after a vowel is dropped
   (Katibat, Katibah -> Katiba).
2. **Initial-vowel marker**: a token that starts with a vowel emits ``A`` and skips the leading
   vowels, ``w`` and ``y``. This keeps Ansar != Nasr, Ajnad != Jund, Islam != Salam, and makes
   'Uqba, Uqba and Okba agree.
3. **Consonant classes**, one symbol each: B = b p; T = t th; J = j zh; H = h; X = kh;
   D = d dh; R; Z = z; S = s; C = sh (and French ch); G = gh g; F = f ph; K = q k c(hard) ck;
   L; M; N; W and Y only word-initially. ``c`` before e/i/y is S.
4. **Vowels and medial w, y are dropped** (they are long vowels and diphthongs).
5. **Runs of one symbol collapse** (gemination, and Tahrir -> THR).

Digits are kept. Acronyms are never keyed (:mod:`aliasres.acronyms`); Arabic script is keyed
letter by letter in :mod:`aliasres.arabic`, never through Latin digraphs.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DIGRAPHS", "SYMBOLS", "skeleton"]

DIGRAPHS: Final = (
    ("sh", "C"),
    ("ch", "C"),
    ("kh", "X"),
    ("th", "T"),
    ("dh", "D"),
    ("gh", "G"),
    ("ph", "F"),
    ("zh", "J"),
)
"""Two-letter spellings of one consonant, replaced first, in this order."""

SYMBOLS: Final = str.maketrans(
    {
        "b": "B",
        "p": "B",
        "t": "T",
        "j": "J",
        "h": "H",
        "x": "X",
        "d": "D",
        "r": "R",
        "z": "Z",
        "s": "S",
        "g": "G",
        "f": "F",
        "v": None,
        "q": "K",
        "k": "K",
        "c": "K",
        "l": "L",
        "m": "M",
        "n": "N",
        "a": None,
        "e": None,
        "i": None,
        "o": None,
        "u": None,
        "w": None,
        "y": None,
    }
)
"""Single letters to key symbols; vowels and medial w, y (and v, read as w) are deleted."""

_SOFT_C: Final = re.compile("c(?=[eiy])")
_RUNS: Final = re.compile(r"([A-Z])\1+")
_VOWELS: Final = "aeiou"


def skeleton(surface: str) -> str:
    """The ARS key of one Latin surface token (lower-case ASCII letters and digits).

    >>> skeleton("uqba"), skeleton("okba"), skeleton("katibat"), skeleton("tahrir")
    ('AKB', 'AKB', 'KTB', 'THR')
    """
    if not surface:
        return ""
    if len(surface) > 2 and surface[-1] in "ht" and surface[-2] in _VOWELS:
        surface = surface[:-1]
    prefix = ""
    first = surface[0]
    if first in _VOWELS:
        prefix = "A"
        surface = surface.lstrip("aeiouwy")
    elif first in "wvy":
        prefix = "Y" if first == "y" else "W"
        surface = surface[1:]
    for digraph, symbol in DIGRAPHS:
        if digraph in surface:
            surface = surface.replace(digraph, symbol)
    if "c" in surface:
        surface = _SOFT_C.sub("S", surface)
    key = prefix + surface.translate(SYMBOLS)
    return _RUNS.sub(first_group, key) if len(key) > 1 else key


def first_group(match: re.Match[str]) -> str:
    """What ``\\1`` in a replacement stands for: a function is several times faster per
    call than a template, which ``re`` parses again on every ``sub``."""
    return match.group(1)
