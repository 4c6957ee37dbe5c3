"""Reading and writing registry YAML, with errors that name file, line and field.

Only safe YAML is read. The file is composed into nodes first so that every value keeps its
line; validation then collects every problem before raising, so a maintainer fixes a whole
file in one pass. Duplicate keys, which ``yaml.safe_load`` silently drops, are errors here.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aliasres import cache
from aliasres.countries import is_country_code
from aliasres.errors import Problem, RegistryError
from aliasres.model import Alias, AliasKind, Group, Relation, RelationType, Source, SourceKind
from aliasres.normalize import normalize
from aliasres.registry import Registry

if TYPE_CHECKING:
    import yaml

TOP_KEYS = ("sources", "groups")
SOURCE_KEYS = ("id", "kind", "title", "publisher", "date", "reference", "url")
GROUP_KEYS = (
    "id",
    "name",
    "curated",
    "aliases",
    "countries",
    "relations",
    "external_ids",
    "active",
    "sources",
    "notes",
)
ALIAS_KEYS = ("text", "kind", "lang", "sources")
RELATION_KEYS = ("type", "target", "sources")
EXTERNAL_ID_KEYS = ("ofac", "un", "wikidata")
ACTIVE_KEYS = ("from", "to")

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_LANG = re.compile(r"^[a-z]{2,3}$")

Path_ = tuple[str | int, ...]
T = TypeVar("T")


def name_key(text: str) -> str:
    """The form two names must share to count as the same name (for shared-alias warnings)."""
    normalized = normalize(text)
    return normalized.folded or normalized.acronym or ""


# -- YAML nodes to plain data, keeping lines ----------------------------------------------------


class _Document:
    """Plain data converted from YAML nodes, with the 1-based line of every path."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.early: list[tuple[str, Path_, str, int]] = []

    @functools.cached_property
    def constructor(self) -> yaml.SafeLoader:
        """Builds scalars from nodes; made on first use, so plain data never imports PyYAML."""
        import yaml

        return yaml.SafeLoader("")

    def location(self, path: Path_) -> str:
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return f"{self.filename}:{line}"
        return self.filename

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        import yaml  # already loaded: parse_registry imported it to compose the nodes

        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node)
                if not isinstance(key, str):
                    self.error(
                        "wrong-type", path, "mapping keys must be plain strings", node=key_node
                    )
                    continue
                if key in result:
                    self.error(
                        "duplicate-key",
                        (*path, key),
                        f"key {key!r} appears twice in one mapping",
                        node=key_node,
                    )
                    continue
                result[key] = self.convert(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)

    def error(self, code: str, path: Path_, message: str, node: yaml.Node) -> None:
        """Note a problem found while converting; reported once group ids are known."""
        self.early.append((code, path, message, node.start_mark.line + 1))


def _field(path: Path_) -> str:
    """``groups[3] (jak-t).aliases[2].kind`` from a path, naming a group by its id when known."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


# -- validation -------------------------------------------------------------------------------


class _Validator:
    def __init__(self, document: _Document, data: Any) -> None:
        self.doc = document
        self.data = data
        self.group_labels: dict[int, str] = {}

    def problem(self, code: str, path: Path_, message: str) -> None:
        self.doc.problems.append(Problem(code, self.doc.location(path), self.label(path), message))

    def label(self, path: Path_) -> str:
        text = _field(path)
        if len(path) >= 2 and path[0] == "groups" and isinstance(path[1], int):
            group_id = self.group_labels.get(path[1])
            if group_id:
                prefix = f"groups[{path[1]}]"
                text = f"{prefix} ({group_id})" + text[len(prefix) :]
        return text

    def check_keys(self, mapping: dict[str, Any], allowed: tuple[str, ...], path: Path_) -> None:
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem(
                    "unknown-key",
                    (*path, key),
                    f"unknown key {key!r}; allowed: {', '.join(allowed)}{suggestion}",
                )

    def typed(self, value: Any, kind: type[T], path: Path_, what: str) -> T | None:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        found = "nothing" if value is None else f"{type(value).__name__} {value!r}"
        scalar = (bool, int, float, datetime.date)
        hint = "; quote the value" if isinstance(value, scalar) and kind is str else ""
        self.problem("wrong-type", path, f"expected {what}, got {found}{hint}")
        return None

    def text(self, mapping: dict[str, Any], key: str, path: Path_, *, required: bool) -> str | None:
        if key not in mapping or mapping[key] is None:
            if required:
                self.problem("missing-field", path, f"missing required field {key!r}")
            return None
        value = self.typed(mapping[key], str, (*path, key), "a string")
        if value is not None and not value.strip():
            self.problem("empty-field", (*path, key), f"{key!r} must not be empty")
            return None
        return value

    def enum(
        self,
        mapping: dict[str, Any],
        key: str,
        path: Path_,
        choices: Callable[[str], T],
        default: T,
    ) -> T:
        raw = self.text(mapping, key, path, required=False)
        if raw is None:
            return default
        try:
            return choices(raw)
        except ValueError:
            allowed = ", ".join(member.value for member in choices)  # type: ignore[attr-defined]
            self.problem("bad-value", (*path, key), f"{raw!r} is not one of: {allowed}")
            return default

    def string_list(self, mapping: dict[str, Any], key: str, path: Path_) -> list[str]:
        raw = mapping.get(key)
        if raw is None:
            return []
        items = self.typed(raw, list, (*path, key), "a list")
        if items is None:
            return []
        result = []
        for index, item in enumerate(items):
            value = self.typed(item, str, (*path, key, index), "a string")
            if value is not None:
                result.append(value)
        return result

    def mapping(self, value: Any, path: Path_, what: str) -> dict[str, Any] | None:
        return self.typed(value, dict, path, what)

    # The file, top down.

    def registry(self) -> tuple[list[Group], list[Source]]:
        top = self.mapping(self.data, (), "a mapping with 'sources' and 'groups'")
        if top is None:
            return [], []
        for index, raw in enumerate(top.get("groups") or []):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                self.group_labels[index] = raw["id"]
        for code, early_path, message, line in self.doc.early:
            location = f"{self.doc.filename}:{line}"
            self.doc.problems.append(Problem(code, location, self.label(early_path), message))
        self.check_keys(top, TOP_KEYS, ())
        sources = self.sources(top.get("sources") or [])
        source_ids = {source.id for source in sources}
        raw_groups = self.typed(top.get("groups", []), list, ("groups",), "a list of groups")
        groups: list[Group] = []
        positions: dict[str, int] = {}
        for index, raw in enumerate(raw_groups or []):
            group = self.group(raw, ("groups", index), source_ids)
            if group is None:
                continue
            if group.id in positions:
                self.problem(
                    "duplicate-id",
                    ("groups", index, "id"),
                    f"group id {group.id!r} is already used by groups[{positions[group.id]}]",
                )
                continue
            positions[group.id] = index
            groups.append(group)
        for group in groups:
            for rel_index, relation in enumerate(group.relations):
                if relation.target not in positions:
                    path: Path_ = ("groups", positions[group.id], "relations", rel_index, "target")
                    hint = difflib.get_close_matches(relation.target, list(positions), n=1)
                    suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                    self.problem(
                        "unknown-target",
                        path,
                        f"relation target {relation.target!r} is not a group id{suggestion}",
                    )
        return groups, sources

    def sources(self, raw_sources: Any) -> list[Source]:
        items = self.typed(raw_sources, list, ("sources",), "a list of sources") or []
        sources: list[Source] = []
        seen: set[str] = set()
        for index, raw in enumerate(items):
            path: Path_ = ("sources", index)
            entry = self.mapping(raw, path, "a source mapping")
            if entry is None:
                continue
            self.check_keys(entry, SOURCE_KEYS, path)
            source_id = self.text(entry, "id", path, required=True)
            title = self.text(entry, "title", path, required=True)
            kind = self.enum(entry, "kind", path, SourceKind, SourceKind.REFERENCE)
            date = self.text(entry, "date", path, required=False)
            if date is not None and not _DATE.match(date):
                self.problem(
                    "bad-value", (*path, "date"), f"{date!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
                )
            if source_id is None or title is None:
                continue
            if source_id in seen:
                self.problem(
                    "duplicate-id", (*path, "id"), f"source id {source_id!r} is used twice"
                )
                continue
            seen.add(source_id)
            sources.append(
                Source(
                    id=source_id,
                    kind=kind,
                    title=title,
                    publisher=self.text(entry, "publisher", path, required=False),
                    date=date,
                    reference=self.text(entry, "reference", path, required=False),
                    url=self.text(entry, "url", path, required=False),
                )
            )
        return sources

    def source_refs(self, mapping: dict[str, Any], path: Path_, known: set[str]) -> list[str]:
        refs = self.string_list(mapping, "sources", path)
        for index, ref in enumerate(refs):
            if ref not in known:
                self.problem(
                    "unknown-source",
                    (*path, "sources", index),
                    f"source {ref!r} is not declared under 'sources'",
                )
        return refs

    def group(self, raw: Any, path: Path_, source_ids: set[str]) -> Group | None:
        entry = self.mapping(raw, path, "a group mapping")
        if entry is None:
            return None
        self.check_keys(entry, GROUP_KEYS, path)
        group_id = self.text(entry, "id", path, required=True)
        name = self.text(entry, "name", path, required=True)
        if group_id is not None and not _SLUG.match(group_id):
            self.problem(
                "bad-id",
                (*path, "id"),
                f"{group_id!r} is not a slug (lower-case letters, digits, single hyphens)",
            )
        aliases = self.aliases(entry, path, source_ids, name)
        countries = self.string_list(entry, "countries", path)
        for index, code in enumerate(countries):
            if not is_country_code(code):
                self.problem(
                    "bad-country",
                    (*path, "countries", index),
                    f"{code!r} is not an ISO 3166-1 alpha-2 code (upper case, e.g. TN)",
                )
        relations = self.relations(entry, path, source_ids)
        external_ids = self.external_ids(entry, path)
        active_from, active_to = self.active(entry, path)
        sources = self.source_refs(entry, path, source_ids)
        notes = self.text(entry, "notes", path, required=False)
        curated = entry.get("curated", False)
        if self.typed(curated, bool, (*path, "curated"), "true or false") is None:
            curated = False
        if group_id is None or name is None:
            return None
        return Group(
            id=group_id,
            name=name,
            aliases=aliases,
            countries=countries,
            relations=relations,
            external_ids=external_ids,
            active_from=active_from,
            active_to=active_to,
            sources=sources,
            notes=notes,
            curated=curated,
        )

    def aliases(
        self, entry: dict[str, Any], path: Path_, source_ids: set[str], name: str | None
    ) -> list[Alias]:
        raw_aliases = entry.get("aliases")
        if raw_aliases is None:
            return []
        items = self.typed(raw_aliases, list, (*path, "aliases"), "a list of aliases") or []
        aliases: list[Alias] = []
        seen: dict[str, int] = {} if name is None else {name: -1}
        for index, raw in enumerate(items):
            alias_path: Path_ = (*path, "aliases", index)
            if isinstance(raw, str):
                raw = {"text": raw}
            alias_entry = self.mapping(raw, alias_path, "an alias string or mapping")
            if alias_entry is None:
                continue
            self.check_keys(alias_entry, ALIAS_KEYS, alias_path)
            text = self.text(alias_entry, "text", alias_path, required=True)
            kind = self.enum(alias_entry, "kind", alias_path, AliasKind, AliasKind.NAME)
            lang = self.text(alias_entry, "lang", alias_path, required=False)
            if lang is not None and not _LANG.match(lang):
                self.problem(
                    "bad-value",
                    (*alias_path, "lang"),
                    f"{lang!r} is not an ISO 639 language code (e.g. en, fr, ar)",
                )
            sources = self.source_refs(alias_entry, alias_path, source_ids)
            if text is None:
                continue
            if text in seen:
                first = "the canonical name" if seen[text] < 0 else f"aliases[{seen[text]}]"
                self.problem(
                    "duplicate-alias",
                    (*alias_path, "text"),
                    f"{text!r} is listed twice in this group (also {first})",
                )
                continue
            seen[text] = index
            aliases.append(Alias(text=text, kind=kind, lang=lang, sources=sources))
        return aliases

    def relations(self, entry: dict[str, Any], path: Path_, source_ids: set[str]) -> list[Relation]:
        raw = entry.get("relations")
        if raw is None:
            return []
        relations = []
        for index, item in enumerate(
            self.typed(raw, list, (*path, "relations"), "a list of relations") or []
        ):
            rel_path: Path_ = (*path, "relations", index)
            rel = self.mapping(item, rel_path, "a relation mapping")
            if rel is None:
                continue
            self.check_keys(rel, RELATION_KEYS, rel_path)
            target = self.text(rel, "target", rel_path, required=True)
            if "type" not in rel:
                self.problem("missing-field", rel_path, "missing required field 'type'")
                continue
            rel_type = self.enum(rel, "type", rel_path, RelationType, RelationType.AFFILIATE_OF)
            sources = self.source_refs(rel, rel_path, source_ids)
            if target is not None:
                relations.append(Relation(rel_type, target, sources))
        return relations

    def external_ids(self, entry: dict[str, Any], path: Path_) -> dict[str, str]:
        raw = entry.get("external_ids")
        if raw is None:
            return {}
        ids = self.mapping(raw, (*path, "external_ids"), "a mapping such as {ofac: '23863'}")
        if ids is None:
            return {}
        self.check_keys(ids, EXTERNAL_ID_KEYS, (*path, "external_ids"))
        return {
            key: value
            for key in EXTERNAL_ID_KEYS
            if (value := self.text(ids, key, (*path, "external_ids"), required=False)) is not None
        }

    def active(self, entry: dict[str, Any], path: Path_) -> tuple[int | None, int | None]:
        raw = entry.get("active")
        if raw is None:
            return None, None
        years = self.mapping(raw, (*path, "active"), "a mapping such as {from: 2014, to: 2019}")
        if years is None:
            return None, None
        self.check_keys(years, ACTIVE_KEYS, (*path, "active"))
        found = []
        for key in ACTIVE_KEYS:
            value = years.get(key)
            year = (
                None if value is None else self.typed(value, int, (*path, "active", key), "a year")
            )
            found.append(year)
        if found[0] is not None and found[1] is not None and found[0] > found[1]:
            self.problem(
                "bad-value", (*path, "active"), f"active from {found[0]} is after to {found[1]}"
            )
        return found[0], found[1]


def parse_registry(text: str, filename: str = "<string>") -> Registry:
    """Parse and validate registry YAML; ``RegistryError`` lists every problem found."""
    import yaml  # here, not at the top: a registry served by the cache never needs PyYAML

    document = _Document(filename)
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = Problem("yaml-syntax", f"{filename}{line}", "", str(error.problem or error))
        raise RegistryError([problem]) from error
    except yaml.YAMLError as error:
        raise RegistryError([Problem("yaml-syntax", filename, "", str(error))]) from error
    data = document.convert(root, ()) if root is not None else {}
    return _build(document, data)


def _build(document: _Document, data: Any) -> Registry:
    groups, sources = _Validator(document, data).registry()
    if document.problems:
        raise RegistryError(document.problems)
    return Registry(groups, sources, path=document.filename)


def load_registry_file(path: Path) -> Registry:
    """Read, parse and validate one registry file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = f"not UTF-8 text (byte {error.start})"
        raise RegistryError([Problem("encoding", str(path), "", msg)]) from error
    cached = cache.read("registry", text, code=REGISTRY_CODE_PARTS)
    if cached is not None:
        # Validated by this very code when it was cached (the key hashes the code, the entry
        # its own content), so it is rebuilt as it is: validating it again cost most of a load.
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            return registry_from_data(cached, str(path))
    registry = parse_registry(text, str(path))
    cache.write("registry", text, registry_to_data(registry), code=REGISTRY_CODE_PARTS)
    return registry


REGISTRY_CODE_PARTS = ("loader.py", "model.py", "registry.py", "countries.py")
"""The modules that validate a registry and turn it into cached data and back."""


# -- writing ----------------------------------------------------------------------------------


class _Flow(dict[str, Any]):
    """A mapping written on one line (aliases, relations), so files diff line by line."""


@functools.cache
def _registry_dumper() -> Any:
    """The YAML dumper class that writes :class:`_Flow` mappings on one line (made on first
    use, so that reading a registry never imports PyYAML for it)."""
    import yaml

    class _RegistryDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    _RegistryDumper.add_representer(
        _Flow,
        lambda dumper, data: dumper.represent_mapping(
            "tag:yaml.org,2002:map", data, flow_style=True
        ),
    )
    return _RegistryDumper


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value not in (None, [], {}, False)}


def registry_to_data(registry: Registry) -> dict[str, Any]:
    """Plain data in the file format, keys in schema order, empty fields left out."""
    sources = [
        _compact(
            {
                "id": s.id,
                "kind": s.kind.value,
                "title": s.title,
                "publisher": s.publisher,
                "date": s.date,
                "reference": s.reference,
                "url": s.url,
            }
        )
        for s in registry.sources
    ]
    groups = []
    for g in registry.groups:
        aliases = [
            _Flow(
                _compact(
                    {
                        "text": a.text,
                        "kind": None if a.kind is AliasKind.NAME else a.kind.value,
                        "lang": a.lang,
                        "sources": list(a.sources),
                    }
                )
            )
            for a in g.aliases
        ]
        relations = [
            _Flow(_compact({"type": r.type.value, "target": r.target, "sources": list(r.sources)}))
            for r in g.relations
        ]
        active = _Flow(_compact({"from": g.active_from, "to": g.active_to}))
        groups.append(
            _compact(
                {
                    "id": g.id,
                    "name": g.name,
                    "curated": g.curated,
                    "aliases": aliases,
                    "countries": list(g.countries),
                    "relations": relations,
                    "external_ids": _Flow(g.external_ids) if g.external_ids else None,
                    "active": active or None,
                    "sources": list(g.sources),
                    "notes": g.notes,
                }
            )
        )
    return {"sources": sources, "groups": groups}


def registry_from_data(data: dict[str, Any], filename: str) -> Registry:
    """The registry that :func:`registry_to_data` turned into ``data``, rebuilt without
    validation: for data known to be valid (the cache); a file goes through
    :func:`parse_registry`. ``filename`` becomes the registry's ``path``."""
    alias_kinds = {kind.value: kind for kind in AliasKind}
    sources = [
        Source(
            id=s["id"],
            kind=SourceKind(s["kind"]),
            title=s["title"],
            publisher=s.get("publisher"),
            date=s.get("date"),
            reference=s.get("reference"),
            url=s.get("url"),
        )
        for s in data["sources"]
    ]
    groups = []
    for g in data["groups"]:
        active = g.get("active", {})
        aliases = [
            Alias(
                text=a["text"],
                kind=alias_kinds[a.get("kind", "name")],
                lang=a.get("lang"),
                sources=a.get("sources", ()),
            )
            for a in g.get("aliases", ())
        ]
        relations = [
            Relation(RelationType(r["type"]), r["target"], r.get("sources", ()))
            for r in g.get("relations", ())
        ]
        groups.append(
            Group(
                id=g["id"],
                name=g["name"],
                aliases=aliases,
                countries=g.get("countries", ()),
                relations=relations,
                external_ids=g.get("external_ids", {}),
                active_from=active.get("from"),
                active_to=active.get("to"),
                sources=g.get("sources", ()),
                notes=g.get("notes"),
                curated=g.get("curated", False),
            )
        )
    return Registry(groups, sources, path=filename)


HEADER = """\
# aliasres canonical registry.
# Curated groups (curated: true) are edited by hand; OFAC data is refreshed with
# `aliasres import-ofac DIR --merge data/aliases.yaml -o data/aliases.yaml`, which keeps
# every hand-curated field. Validate with `aliasres validate`.
"""


def dump_registry(registry: Registry) -> str:
    """The registry as YAML text (deterministic: same registry, same bytes)."""
    import yaml  # only when writing YAML: importing PyYAML costs start-up

    body = yaml.dump(
        registry_to_data(registry),
        Dumper=_registry_dumper(),
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=False,
    )
    return HEADER + body
