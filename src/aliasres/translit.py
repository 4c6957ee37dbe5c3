"""Latin transliteration rules: the spellings English, French, German and Spanish writers use.

Every rule of the notes' section 2.2 that rewrites a single folded token is a :class:`Rule`:
a named, pure ``str -> str`` function, listed in :data:`TOKEN_RULES` in the order it runs.
:func:`latin_surface` runs them to a fixed point and reports which fired, so an explanation
can name them ("latin:R2 dj->j").

Rules that split one written token into several (attached article, glued genitive endings,
``-allah`` compounds, ``li``/``bi`` + assimilated article) need to know whether the remainder
is a known word; they take that knowledge as a ``known`` predicate, so they stay pure.

The surface form keeps vowels (for ranking); the consonant skeleton is :mod:`aliasres.phonetic`.
Rules R7 (articles), R18-R20 (bin/abu/function words/ezafe) and R21 (regional spellings) are
lexicon data; R12-R14 (q/k, th/dh/z, vowel qualities) are key classes in :mod:`aliasres.phonetic`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Final

import attrs

from aliasres.phonetic import first_group

__all__ = [
    "ASSIMILATED_ARTICLES",
    "READINGS",
    "TOKEN_RULES",
    "Rule",
    "Split",
    "allah_compound",
    "apply_reading",
    "assimilated_article",
    "attached_article",
    "din_compound",
    "glued_ending",
    "latin_display",
    "latin_surface",
    "latin_surface_traced",
    "preposition_article",
    "reading_surfaces",
]

VOWELS: Final = frozenset("aeiou")
_CONSONANT: Final = "bcdfghjklmnpqrstvwxz"
_CLOSED: Final = "[" + _CONSONANT + "](?:[" + _CONSONANT + "]|$)|$"
"""A closed syllable follows: a consonant cluster, a final consonant, or the end."""


@attrs.frozen
class Rule:
    """One named Latin rewriting rule over a folded token."""

    id: str
    """Rule number from the notes (``R2``)."""
    label: str
    """What it does, short (``dj->j``)."""
    func: Callable[[str], str] = attrs.field(eq=False, repr=False)
    trigger: tuple[str, ...] = ()
    """The rule can only fire if the token contains one of these (empty: always try)."""
    ending: tuple[str, ...] = ()
    """The rule can only fire if the token ends with one of these (empty: any ending)."""

    @property
    def name(self) -> str:
        """The trace name, e.g. ``latin:R2 dj->j``."""
        return f"latin:{self.id} {self.label}"

    def __call__(self, token: str) -> str:
        return self.func(token)


def _replace(old: str, new: str) -> Callable[[str], str]:
    def rule(token: str) -> str:
        return token.replace(old, new) if old in token else token

    return rule


def _regex(pattern: str, repl: str, guard: Callable[[str], bool]) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def rule(token: str) -> str:
        return compiled.sub(repl, token) if guard(token) else token

    return rule


def _ends(*endings: str) -> Callable[[str], bool]:
    def guard(token: str) -> bool:
        return token.endswith(endings)

    return guard


def _contains(*parts: str) -> Callable[[str], bool]:
    def guard(token: str) -> bool:
        return any(part in token for part in parts)

    return guard


def _sub(rule_id: str, label: str, old: str, new: str) -> Rule:
    """A plain substring rule: every ``old`` becomes ``new``."""
    return Rule(rule_id, label, _replace(old, new), trigger=(old,))


_DOUBLED: Final = re.compile(r"([^\W\d_])\1+")
"""A letter written twice or more in a row (digits excepted)."""


def _double_letters(token: str) -> str:
    """R17: a doubled letter is written once (Jamma'atu, Ansaar, Tayyiba, Mohammed)."""
    return _DOUBLED.sub(first_group, token) if len(token) > 1 else token


PRE_READING_RULES: Final[tuple[Rule, ...]] = (
    _sub("R1", "dsch->j", "dsch", "j"),  # De Dschihad, Dschund
    _sub("R1", "tsch->ch", "tsch", "ch"),  # De Tschad
    _sub("R1", "sch->sh", "sch", "sh"),  # De Scharia, asch-Scham
    _sub("R1", "dzh->j", "dzh", "j"),  # Ru-based Dzhamaat
    _sub("R2", "dj->j", "dj", "j"),  # Fr Djihad, Djound, Moudjahidine
    _sub("R3", "tch->ch", "tch", "ch"),  # Persian چ in French spelling
)
"""Rules that run before a tradition-specific reading (:data:`READINGS`) is applied."""

POST_READING_RULES: Final[tuple[Rule, ...]] = (
    _sub("R4", "ch->sh", "ch", "sh"),  # Fr Charia, Cham, Daech; De reading: READINGS
    _sub("R5", "ou->u", "ou", "u"),  # Fr Jound, Mourabitoun, Nousra
    _sub("R5", "oo->u", "oo", "u"),  # En Mansooreen
    _sub("R5", "ee->i", "ee", "i"),  # En Tawheed, Mujahideen
    _sub("R6", "x->kh", "x", "kh"),  # Buckwalter / Spanish x
    Rule(
        "R6", "sy->sh", _regex("sy(?=[aeou])", "sh", _contains("sy")), trigger=("sy",)
    ),  # Id Syariah, Syam
    _sub("R16", "v->w", "v", "w"),  # Tr/Fa/Ur Vilayat, Tevhid
    Rule(
        "R10",
        "case ending -atu/-ati->-a",
        _regex("(?<=^.{3})(.*a)t[uia]$", r"\1", _ends("atu", "ati", "ata")),
        ending=("atu", "ati", "ata"),
    ),  # Jama'atu, Lidda'awati
    Rule(
        "R11",
        "ta marbuta -ah/-at/-eh/-et->-a",
        _regex("(?<=^..)(.*[^aeo])[ae][ht]$", r"\1a", _ends("ah", "at", "eh", "et")),
        ending=("ah", "at", "eh", "et"),
    ),  # Katibah, Katibat, Jabhet, Shariah, Islamiah
    Rule(
        "R15",
        "diphthong ai/ei/ey->ay",
        _regex("[ae][iy](?=" + _CLOSED + ")", "ay", _contains("ai", "ei", "ey")),
        trigger=("ai", "ei", "ey"),
    ),  # Jaish, Jeish, Beit, Husein (not Qaida: an open syllable follows)
    Rule(
        "R15",
        "diphthong au/ow->aw",
        _regex("(?:au|ow)(?=" + _CLOSED + ")", "aw", _contains("au", "ow")),
        trigger=("au", "ow"),
    ),  # Mawlawi, Towhid
    Rule("R17", "doubled letters", _double_letters),  # Ansaar, Tayyiba, Mohammed
    Rule(
        "R22",
        "-iya->-ia",
        _regex("(?<=^...)(.*)iya$", r"\1ia", _ends("iya")),
        ending=("iya",),
    ),  # Islamiyya, Islamiyah, Islamiya -> islamia (after R11 and R17)
)
"""Rules that run after the reading point, in order."""

TOKEN_RULES: Final[tuple[Rule, ...]] = PRE_READING_RULES + POST_READING_RULES
"""All single-token Latin rules, in the order they run."""

_MAX_PASSES: Final = 4
SURFACE_CACHE_SIZE: Final = 65_536
"""How many distinct (token, reading) pairs :func:`latin_surface_traced` keeps results for."""


def _may_fire_pattern(rules: tuple[Rule, ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One regex and one ending tuple that tell whether any of ``rules`` can change a token."""
    parts: list[str] = []
    endings: list[str] = []
    for rule in rules:
        if rule.trigger:
            parts += [re.escape(t) for t in rule.trigger]
        elif rule.ending:
            endings += rule.ending
        elif rule.func is _double_letters:
            parts.append(_DOUBLED.pattern)
        else:  # a rule without a declared trigger could fire on anything
            parts.append("")
    return re.compile("|".join(sorted(set(parts), key=len, reverse=True))), tuple(endings)


_MAY_FIRE, _MAY_FIRE_ENDINGS = _may_fire_pattern(PRE_READING_RULES + POST_READING_RULES)


def _may_fire(token: str) -> bool:
    """Whether some rule can change ``token`` (a quick test that skips most of :func:`_run`)."""
    return token.endswith(_MAY_FIRE_ENDINGS) or _MAY_FIRE.search(token) is not None


def _run(rules: tuple[Rule, ...], token: str, trace: list[str] | None) -> str:
    for rule in rules:
        if rule.ending and not token.endswith(rule.ending):
            continue
        if rule.trigger:
            for part in rule.trigger:
                if part in token:
                    break
            else:
                continue
        result = rule.func(token)
        if result != token:
            if trace is not None and rule.name not in trace:
                trace.append(rule.name)
            token = result
    return token


@functools.lru_cache(maxsize=SURFACE_CACHE_SIZE)
def latin_surface_traced(token: str, reading: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Apply :data:`TOKEN_RULES` to a folded Latin token until nothing changes.

    Args:
        token: a folded token (lower-case ASCII letters and digits).
        reading: optionally a key of :data:`READINGS`, applied between R3 and R4.

    Returns:
        The surface form and the names of the rules that fired (in first-fired order).
    """
    trace: list[str] = []
    for _ in range(_MAX_PASSES):
        if reading is None and not _may_fire(token):
            break
        result = _run(PRE_READING_RULES, token, trace)
        if reading is not None:
            result = READINGS[reading](result)
            reading = None
        result = _run(POST_READING_RULES, result, trace)
        if result == token:
            break
        token = result
    return token, tuple(trace)


def latin_surface(token: str) -> str:
    """The surface form of a folded Latin token (see :func:`latin_surface_traced`)."""
    return latin_surface_traced(token)[0]


_DISPLAY_RULES: Final = tuple(rule for rule in POST_READING_RULES if rule.id != "R16")


@functools.lru_cache(maxsize=SURFACE_CACHE_SIZE)
def _display_with_v(token: str) -> str:
    for _ in range(_MAX_PASSES):
        if not _may_fire(token):
            break
        result = _run(_DISPLAY_RULES, _run(PRE_READING_RULES, token, None), None)
        if result == token:
            break
        token = result
    return token


def latin_display(token: str) -> str:
    """The surface form shown for a token: :func:`latin_surface` without R16 (v -> w).

    v and w share a key symbol, so R16 only serves lexicon lookups; a v is written by
    Persian, Turkish, Urdu and European spellings (Razavi, Revival), whose readers expect it.
    """
    return _display_with_v(token) if "v" in token else latin_surface_traced(token)[0]


# --- tradition-specific readings -----------------------------------------------------------


def _german(token: str) -> str:
    """German: ch is kh (Chilafa, Chalifat); an initial j is y (Jemen)."""
    token = token.replace("ch", "kh")
    return "y" + token[1:] if token.startswith("j") else token


def _spanish(token: str) -> str:
    """Spanish: y is j, j is kh, both at once (Yihad, Jalifa)."""
    return "".join("j" if c == "y" else "kh" if c == "j" else c for c in token)


def _egyptian(token: str) -> str:
    """Egyptian: g (not gh) is j (Gama'a = Jama'a)."""
    return re.sub("g(?!h)", "j", token)


def _turkish(token: str) -> str:
    """Turkish, Persian, Urdu: th is s, dh is z, a c that is not ch is j (Hadis, Cihad)."""
    token = token.replace("th", "s").replace("dh", "z")
    return re.sub("c(?!h)", "j", token)


READINGS: Final[dict[str, Callable[[str], str]]] = {
    "de": _german,
    "es": _spanish,
    "eg": _egyptian,
    "tr": _turkish,
}
"""Alternate readings, each one simultaneous substitution applied between R3 and R4."""

_READING_TRIGGERS: Final = {
    "de": ("ch", "j"),
    "es": ("y", "j"),
    "eg": ("g",),
    "tr": ("th", "dh", "c"),
}


def apply_reading(token: str, reading: str) -> str:
    """The surface form of ``token`` under one reading."""
    return latin_surface_traced(token, reading)[0]


def reading_surfaces(token: str) -> tuple[tuple[str, str], ...]:
    """(reading, surface) for each reading that changes the surface of ``token``."""
    primary = latin_surface(token)
    out: list[tuple[str, str]] = []
    for name, triggers in _READING_TRIGGERS.items():
        if any(t in token for t in triggers):
            surface = apply_reading(token, name)
            if surface != primary:
                out.append((name, surface))
    return tuple(out)


# --- rules that split a token ----------------------------------------------------------------

Split = tuple[str, ...]
"""The pieces a token splits into; an article piece is the string ``"al"``."""

_SUN_DOUBLED: Final = re.compile("^[ae](?:(sh|th|dh)(?=sh|th|dh)|([tdrzsln])(?=\\2))")
_GLUED: Final = ("ul", "ud", "ut", "us", "is", "il", "ur", "un", "ush", "uz")
_PREP_ARTICLE: Final = re.compile("^[lb]i?(?:(sh|th|dh)(?=\\1)|([tdrzsln])(?=\\2))")
_ALLAH_SHORT: Final = ("alla", "ulla", "olla", "ola", "ala")
"""Shorter spellings (Spanish Hezbolá): split only when the stem is a known word."""
_DIN_COMPOUND: Final = re.compile("^([a-z]{3,}?)[aeiou]dd(?:in|ine|een)$")
"""A name ending in the assimilated article and din written as one word (Nasreddine,
Salahuddin, Alaeddin, Nooruddeen): a stem of three letters or more, one vowel, ``dd``."""

ASSIMILATED_ARTICLES: Final = frozenset(
    vowel + sun for vowel in "aeu" for sun in ("t", "th", "d", "dh", "r", "z", "s", "sh", "n")
) | frozenset(("t", "th", "d", "dh", "r", "z", "s", "sh", "n"))
"""Written forms of the article assimilated to a sun letter (ash-, ad-, ud-, bare sh-...)."""


def attached_article(token: str, known: Callable[[str], bool]) -> Split | None:
    """R8: ``alqaida`` -> al + qaida, ``eddine`` -> al + dine, only if the rest is ``known``.

    The gate protects Allah, Algeria, Albania, Ali, Alawi, Assad (asad), Attar, Ammar.
    """
    if token.startswith(("al", "el")) and len(token) >= 5:
        rest = token[2:]
        if known(rest):
            return ("al", rest)
    match = _SUN_DOUBLED.match(token)
    if match is not None:
        rest = token[1 + len(match.group(1) or match.group(2)) :]
        if len(rest) >= 3 and known(rest):
            return ("al", rest)
    return None


def glued_ending(token: str, known: Callable[[str], bool]) -> Split | None:
    """R9: a genitive article glued to the previous word: ``ansarul`` -> ansar + al.

    Only when the stem (three letters or more) is ``known``: Kabul, Rasul, Istanbul survive.
    """
    if not token.endswith(_GLUED):
        return None
    for ending in _GLUED:
        if token.endswith(ending):
            stem = token[: -len(ending)]
            if len(stem) >= 3 and known(stem):
                return (stem, "al")
    return None


def preposition_article(token: str, known: Callable[[str], bool]) -> Split | None:
    """R10: ``li``/``bi`` + assimilated article glued to a noun: ``liddaawati`` -> li + al + ..."""
    match = _PREP_ARTICLE.match(token)
    if match is None:
        return None
    sun = match.group(1) or match.group(2)
    rest = token[match.end() :]
    if len(rest) - len(sun) >= 2 and known(rest):
        return (token[: match.start(1) if match.group(1) else match.start(2)], "al", rest)
    return None


def allah_compound(token: str, known: Callable[[str], bool]) -> Split | None:
    """R18: ``-allah`` compounds: Hizballah -> hizb + allah, Abdullah -> abd + allah.

    The short Spanish spelling (Hezbolá) splits only when the stem is ``known``.
    """
    if token.endswith("llah"):
        stem = token[:-4].rstrip("aeiou")  # Hizb-a-llah, Abd-u-llah, Hizb-ou-llah
        if len(stem) >= 3:
            return (stem, "allah")
    for ending in _ALLAH_SHORT:
        stem = token[: -len(ending)]
        if token.endswith(ending) and len(stem) >= 3 and known(stem):
            return (stem, "allah")
    return None


def din_compound(token: str, known: Callable[[str], bool]) -> Split | None:
    """R18: ``-ad-din`` compounds written as one word: Nasreddine -> nasr + al + din,
    Salahuddin -> salah + al + din, Safieddine -> safi + al + din, as Nasr al-Din, Salah
    ud-Din and Safi al-Din are written in several words. The doubled d (the article assimilated
    to it) after a vowel marks the compound: Aladdin, Baddin and Nordin are left whole.
    ``known`` is not consulted: the stems are personal names, mostly unknown to the lexicon.
    """
    match = _DIN_COMPOUND.match(token)
    return (match[1], "al", "din") if match else None


def assimilated_article(token: str, next_raw: str | None) -> bool:
    """R7: ``ash`` before ``sham``, ``ud`` before ``dawa``: an article assimilated to a sun letter.

    Only when the next token begins with that consonant, which keeps English ``as``/``an``/``at``.
    Both tokens are compared after the Latin rules (German ``asch-Scham``, French ``s-Cham``), as
    normalising the folded form again compares them.
    """
    if next_raw is None or len(token) > 4:
        return False
    if token not in ASSIMILATED_ARTICLES:
        token = latin_surface(token)
        if token not in ASSIMILATED_ARTICLES:
            return False
    consonant = token[1:] if token[0] in VOWELS else token
    return latin_surface(next_raw).startswith(consonant)
