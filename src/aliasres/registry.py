"""The canonical registry: every group, looked up by id, with the sources behind its facts."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs

from aliasres.errors import Problem, RegistryError
from aliasres.model import Alias, Group, Source

PACKAGED_REGISTRY_NAME = "aliases.yaml"


def packaged_registry_path() -> Path:
    """Path of the registry shipped with aliasres.

    Installed wheels carry it as ``aliasres/data/aliases.yaml``; an editable install of a
    source checkout reads the repository's ``data/aliases.yaml`` directly, so there is one file.
    """
    # The package directory, as importlib.resources.files("aliasres") gives it for a package
    # on disk (a Path must be on disk anyway); importing importlib.resources costs start-up.
    packaged = Path(__file__).parent / "data" / PACKAGED_REGISTRY_NAME
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "data" / PACKAGED_REGISTRY_NAME
    if checkout.is_file():
        return checkout
    msg = f"the packaged registry {PACKAGED_REGISTRY_NAME} is missing from this installation"
    raise FileNotFoundError(msg)


def _tuple_of_groups(values: Iterable[Group]) -> tuple[Group, ...]:
    return tuple(values)


def _tuple_of_sources(values: Iterable[Source]) -> tuple[Source, ...]:
    return tuple(values)


@attrs.frozen
class Registry:
    """An immutable collection of groups, with lookup by id.

    Build it from the packaged YAML file (``Registry.load()``), any YAML file
    (``Registry.load(path)``) or plain Python data (``Registry.from_names(...)``).
    """

    groups: tuple[Group, ...] = attrs.field(converter=_tuple_of_groups)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_tuple_of_sources)
    path: str | None = attrs.field(default=None, eq=False)
    _by_id: dict[str, Group] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _sources_by_id: dict[str, Source] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, Group] = {}
        for group in self.groups:
            if group.id in by_id:
                msg = f"duplicate group id {group.id!r}"
                raise RegistryError([Problem("duplicate-id", "<registry>", "groups", msg)])
            by_id[group.id] = group
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_sources_by_id", {source.id: source for source in self.sources})

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Registry:
        """Load and validate a registry file; the packaged registry when ``path`` is None.

        Raises ``RegistryError`` listing every problem (file:line: field: what is wrong).
        """
        from aliasres.loader import load_registry_file

        return load_registry_file(packaged_registry_path() if path is None else Path(path))

    @classmethod
    def from_yaml(cls, text: str, filename: str = "<string>") -> Registry:
        """Parse and validate registry YAML held in memory."""
        from aliasres.loader import parse_registry

        return parse_registry(text, filename)

    @classmethod
    def from_names(
        cls,
        names: Mapping[str, Sequence[str]],
        countries: Mapping[str, Iterable[str]] | None = None,
    ) -> Registry:
        """A throw-away registry from ``{"id": ["primary name", "alias", ...]}``.

        The first name is the canonical one. ``countries`` optionally maps ids to ISO codes.
        """
        groups = []
        for group_id, group_names in names.items():
            if isinstance(group_names, str) or not group_names:
                msg = f"group {group_id!r}: expected a non-empty list of names, got {group_names!r}"
                raise TypeError(msg)
            primary, *others = group_names
            aliases = tuple(Alias(text) for text in dict.fromkeys(others) if text != primary)
            group_countries = tuple((countries or {}).get(group_id, ()))
            groups.append(Group(group_id, primary, aliases=aliases, countries=group_countries))
        return cls(groups)

    # -- lookup -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[Group]:
        return iter(self.groups)

    def __contains__(self, group_id: object) -> bool:
        return group_id in self._by_id

    def __getitem__(self, group_id: str) -> Group:
        try:
            return self._by_id[group_id]
        except KeyError:
            msg = f"no group with id {group_id!r} in the registry"
            raise KeyError(msg) from None

    def get(self, group_id: str) -> Group | None:
        """The group with this id, or None."""
        return self._by_id.get(group_id)

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return self._sources_by_id.get(source_id)

    def in_country(self, country: str) -> tuple[Group, ...]:
        """Groups that operate in ``country`` (ISO alpha-2)."""
        code = country.upper()
        return tuple(group for group in self.groups if code in group.countries)

    def related_to(self, group_id: str) -> tuple[tuple[str, Group], ...]:
        """Every (relation type, group) linked to ``group_id``, in either direction."""
        group = self[group_id]
        links = [(rel.type.value, self[rel.target]) for rel in group.relations]
        for other in self.groups:
            for rel in other.relations:
                if rel.target == group_id:
                    links.append((f"has_{rel.type.value}", other))
        return tuple(links)

    def alias_count(self) -> int:
        """Number of names in the registry, canonical names included."""
        return sum(len(group.names) for group in self.groups)

    # -- validation and output ----------------------------------------------------------------

    def shared_names(self) -> dict[str, tuple[str, ...]]:
        """Names that several groups carry, keyed by their normalised form.

        Legal (real lists share aliases) but worth a warning: the resolver answers AMBIGUOUS.
        """
        from aliasres.loader import name_key

        owners: dict[str, dict[str, None]] = {}
        for group in self.groups:
            for text in group.names:
                key = name_key(text)
                if key:
                    owners.setdefault(key, {})[group.id] = None
        return {key: tuple(ids) for key, ids in sorted(owners.items()) if len(ids) > 1}

    def validate(self) -> list[Problem]:
        """Warnings about legal but suspicious data (names shared between groups)."""
        location = self.path or "<registry>"
        return [
            Problem(
                "shared-alias",
                location,
                "aliases",
                f"{key!r} is carried by {len(ids)} groups: {', '.join(ids)}"
                " (resolves as AMBIGUOUS unless context decides)",
            )
            for key, ids in self.shared_names().items()
        ]

    def to_yaml(self) -> str:
        """The registry as YAML, in the file format ``Registry.load`` reads."""
        from aliasres.loader import dump_registry

        return dump_registry(self)
