"""The registry's data: groups, their aliases, relations and the sources behind every fact.

All classes are frozen attrs classes: immutable, hashable and picklable, so a registry can be
shipped unchanged to the workers of a distributed engine.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Mapping

import attrs


class AliasKind(enum.Enum):
    """What an alias is, which tells the resolver how much to trust it."""

    NAME = "name"
    ACRONYM = "acronym"
    TRANSLATION = "translation"
    FORMER_NAME = "former-name"
    WEAK = "weak"  # vague or shared on its own ("Ajnad", bare "Ansar al-Sharia")


class RelationType(enum.Enum):
    """How one group relates to another."""

    BRANCH_OF = "branch_of"
    SPLINTER_OF = "splinter_of"
    AFFILIATE_OF = "affiliate_of"
    RENAMED_TO = "renamed_to"
    MERGED_INTO = "merged_into"


class SourceKind(enum.Enum):
    """The kind of document a fact comes from."""

    ARTICLE = "article"
    DESIGNATION = "designation"
    SANCTIONS_LIST = "sanctions-list"
    REFERENCE = "reference"


def detect_script(text: str) -> str:
    """The dominant script of ``text`` as an ISO 15924 code ("Latn", "Arab", ...), "" if none.

    Counts letters by the first word of their Unicode name, which is enough to tell the
    scripts group names are written in; a tie or a blend of two scripts gives "mixed".
    """
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        script = _SCRIPT_BY_NAME_PREFIX.get(unicodedata.name(char, "").split(" ", 1)[0], "Zyyy")
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > 1 and ranked[1][1] * 4 >= ranked[0][1]:
        return "mixed"
    return ranked[0][0]


_SCRIPT_BY_NAME_PREFIX: dict[str, str] = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "ETHIOPIC": "Ethi",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "SYRIAC": "Syrc",
    "THAANA": "Thaa",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "TAMIL": "Taml",
}


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _tuple_of_aliases(values: Iterable[Alias]) -> tuple[Alias, ...]:
    return tuple(values)


def _tuple_of_relations(values: Iterable[Relation]) -> tuple[Relation, ...]:
    return tuple(values)


@attrs.frozen
class Source:
    """Where a fact comes from: a news article, a designation, a sanctions-list entry."""

    id: str
    kind: SourceKind
    title: str
    publisher: str | None = None
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    reference: str | None = None  # e.g. "E.O. 13224", "ent_num 23863", a file name
    url: str | None = None


@attrs.frozen
class Alias:
    """One name a group goes by, with its kind, language and sources."""

    text: str
    kind: AliasKind = AliasKind.NAME
    lang: str | None = None  # ISO 639-1 where known
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    script: str = attrs.field()

    @script.default
    def _script_from_text(self) -> str:
        return detect_script(self.text)


@attrs.frozen
class Relation:
    """A typed link to another group of the registry (``target`` is its id)."""

    type: RelationType
    target: str
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


def _frozen_ids(values: Mapping[str, str]) -> dict[str, str]:
    return dict(sorted(values.items()))


@attrs.frozen
class Group:
    """A militant group: its canonical name, every alias, countries, relations and sources."""

    id: str
    name: str
    aliases: tuple[Alias, ...] = attrs.field(default=(), converter=_tuple_of_aliases)
    countries: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    relations: tuple[Relation, ...] = attrs.field(default=(), converter=_tuple_of_relations)
    external_ids: dict[str, str] = attrs.field(factory=dict, converter=_frozen_ids, hash=False)
    active_from: int | None = None
    active_to: int | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    notes: str | None = None
    curated: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by every alias text, in registry order."""
        return (self.name, *(alias.text for alias in self.aliases))

    @property
    def arabic_names(self) -> tuple[str, ...]:
        """Names written in Arabic script."""
        return tuple(text for text in self.names if detect_script(text) == "Arab")

    def related(self, relation_type: RelationType) -> tuple[str, ...]:
        """Ids of the groups this one points to with ``relation_type``."""
        return tuple(rel.target for rel in self.relations if rel.type is relation_type)
