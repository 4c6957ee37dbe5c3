"""The registry's data: groups, their aliases, relations and the sources behind every fact.

All classes are frozen attrs classes: immutable, hashable and picklable, so a registry can be
shipped unchanged to the workers of a distributed engine.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping

import attrs

from aliasres.normalize import detect_script


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


# One converter per element type: the attrs mypy plugin cannot type a generic converter.
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

    @functools.cached_property
    def script(self) -> str:
        """The script the alias is written in (ISO 15924: "Latn", "Arab"...), from its text."""
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
