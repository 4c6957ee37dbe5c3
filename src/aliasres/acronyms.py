"""Acronyms: recognising acronym-shaped input and deriving the acronyms a name implies.

Acronyms never go through a phonetic key (ISIL vs al-Islah, PKK vs PIJ collide under every
scheme the notes measured); they are compared exactly, in a canonical form: upper case,
letters and digits only (``JAK-T`` -> ``JAKT``, ``a.q.i.m.`` -> ``AQIM``, ``LeT`` -> ``LET``).

Which group an acronym stands for is the registry's business: English, French and Arabic
acronyms of one group are formed independently (AQIM/AQMI, ISIS/EIIL/Daesh), so this module
only *derives* initials-based forms (:func:`initials`) as suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from typing import Final

__all__ = [
    "PARENTHESISED",
    "acronym_form",
    "canonical",
    "initials",
    "is_acronym_token",
    "strip_parenthesised",
]

_VOWELS: Final = frozenset("aeiouyAEIOUY")
_DOTTED: Final = re.compile(r"(?:[A-Za-z]\.\s*){2,}[A-Za-z]?\.?")
_PARTS: Final = re.compile(r"[\s\-_./\u2010-\u2015]+")
_MAX_LENGTH: Final = 16
_SHAPE: Final = re.compile(
    r"""\s*[(\["']?\s*(?:[A-Za-z0-9]{1,6}(?:[\s\-_./]+[A-Za-z0-9]{1,6}){0,2}|"""
    r"""(?:[A-Za-z]\.\s*){2,}[A-Za-z]?\.?)\s*[)\]"']?\s*"""
)

PARENTHESISED: Final = re.compile(r"\s*[(\[]\s*([A-Za-z][A-Za-z0-9./_\- ]{0,11})\s*[)\]]")
"""A parenthesised short form inside a name: ``Tehrik-e Taliban Pakistan (TTP)``."""


def canonical(text: str) -> str:
    """Upper case, letters and digits only: ``JAK-T`` -> ``JAKT``."""
    return "".join(c for c in text.upper() if c.isascii() and c.isalnum())


def _is_mixed_case(token: str) -> bool:
    """``LeT``, ``JuD``, ``HuJI``: two or more capitals and a lower-case letter, not Titlecase."""
    uppers = sum(c.isupper() for c in token)
    return uppers >= 2 and any(c.islower() for c in token) and len(token) <= 5


def is_acronym_token(
    token: str,
    known: Collection[str],
    is_word: Callable[[str], bool],
    *,
    shouting: bool = False,
    whole: bool = False,
) -> bool:
    """Whether one written token (original case) is an acronym rather than a word.

    Args:
        token: the token as written, letters and digits.
        known: canonical acronyms of the lexicon (AQIM, JAK, ISIS...).
        is_word: whether the folded token is a lexicon word (``SHAM``, ``AL`` are words).
        shouting: the whole name is written in capitals, so capitals say nothing.
        whole: the token is the whole query, so a short all-capital token is an acronym.
    """
    if not 2 <= len(token) <= 6 or not token.isascii() or not token.isalnum() or token.isdigit():
        return False
    upper = token.upper()
    has_vowel = not _VOWELS.isdisjoint(token)
    if token.isupper():
        shaped = (
            (upper in known and (len(token) >= 3 or not shouting or whole))
            or (not has_vowel and len(token) <= 5)
            or (whole and len(token) <= 3)
        )
    else:
        # Not "no vowel" here: romanised Arabic (mhmd) is vowel-less lower-case text.
        shaped = _is_mixed_case(token) or (upper in known and len(token) >= 3)
    return shaped and not is_word(token.lower())


def acronym_form(text: str, known: Collection[str], is_word: Callable[[str], bool]) -> str | None:
    """The canonical acronym if the whole input is acronym-shaped, else None.

    Recognises ``AQIM``, ``a.q.i.m.``, ``JAK-T``, ``Jak T``, ``ISIS-K``, ``ISIL-WA``, ``LeT``:
    one acronym-like part, optionally followed by up to two short branch suffixes (``T``,
    ``WA``) or further acronym-like parts.

    >>> acronym_form("Jak T", {"JAK"}, lambda w: False)
    'JAKT'
    """
    if len(text) > 2 * _MAX_LENGTH or not _SHAPE.fullmatch(text):
        return None  # quick test: one to three short alphanumeric parts
    stripped = text.strip().strip("()[]\"'")
    if not stripped or len(stripped) > _MAX_LENGTH:
        return None
    if _DOTTED.fullmatch(stripped):
        return canonical(stripped)
    parts = [p for p in _PARTS.split(stripped) if p]
    if not 1 <= len(parts) <= 3 or not all(p.isalnum() for p in parts):
        return None
    # A lone short word in capitals is an acronym (TTP); several are words unless each
    # longer part is one by its own shape: known, vowel-less or mixed case (JAK-T, ISIS-K,
    # Jak T), not YAS AIR or ZHAO WEI TCO.
    whole = len(parts) == 1
    if not is_acronym_token(parts[0], known, is_word, whole=whole):
        return None
    for part in parts[1:]:
        if len(part) <= 2:
            if is_word(part.lower()) and not part.isupper():
                return None
            continue
        if not is_acronym_token(part, known, is_word, whole=whole):
            return None
    return canonical(stripped)


def strip_parenthesised(
    text: str, known: Collection[str], is_word: Callable[[str], bool]
) -> tuple[str, list[str]]:
    """Remove parenthesised acronyms from a name and return them (``(JAK-T)`` -> ``JAKT``)."""
    if "(" not in text and "[" not in text:
        return text, []
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        form = acronym_form(match.group(1), known, is_word)
        if form is None:
            return match.group(0)
        found.append(form)
        return " "

    return PARENTHESISED.sub(take, text), found


Unit = tuple[str, str]
"""One written word for initials: (its initial(s), ``content`` | ``article`` | ``function``)."""


def initials(units: Sequence[Unit]) -> tuple[str, ...]:
    """Initials-based acronyms of a name, most likely first.

    Three forms: content words and the Arabic article (al-Qa'ida in the Islamic Maghreb ->
    AQIM, Jund al-Khilafah in Tunisia -> JAKT), content words only (Ansar al-Sharia in
    Tunisia -> AST, Islamic State of Iraq and al-Sham -> ISIS), every word (Lashkar-e-Tayyiba
    -> LET, al-Qa'ida in the Islamic Maghreb -> AQITIM). Names of fewer than two content
    words imply none.

    >>> initials([("a", "article"), ("q", "content"), ("i", "function"), ("m", "content")])
    ('AQM', 'QM', 'AQIM')
    """
    with_article: list[str] = []
    content: list[str] = []
    every: list[str] = []
    for initial, role in units:
        every.append(initial)
        if role == "content":
            content.append(initial)
            with_article.append(initial)
        elif role == "article":
            with_article.append(initial)
    if len(content) < 2:
        return ()
    out: list[str] = []
    for letters in (with_article, content, every):
        form = "".join(letters).upper()
        if form not in out:
            out.append(form)
    return tuple(out)
