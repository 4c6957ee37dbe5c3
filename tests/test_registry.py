"""The registry file format: what loads, what is refused, and how errors say where."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from aliasres import Registry, RegistryError
from aliasres.model import AliasKind, RelationType

VALID = """\
sources:
  - {id: seed-004, kind: article, title: "Jund Al Khilafah-Tunisia (JAK-T)"}
  - id: state-2018
    kind: designation
    title: Designation of JAK-T
    date: "2018-02-23"
    reference: E.O. 13224
groups:
  - id: jak-t
    name: Jund al-Khilafah in Tunisia
    curated: true
    aliases:
      - {text: JAK-T, kind: acronym, lang: en, sources: [state-2018]}
      - {text: Soldiers of the Caliphate, kind: translation, lang: en, sources: [seed-004]}
      - {text: جند الخلافة في تونس, lang: ar}
      - Jund al-Khilafa
    countries: [TN]
    relations:
      - {type: affiliate_of, target: isis, sources: [seed-004]}
    external_ids: {ofac: "23863"}
    active: {from: 2014}
    sources: [state-2018]
    notes: ISIS-aligned group in the Tunisian mountains.
  - id: isis
    name: Islamic State of Iraq and al-Sham
"""


def load(text: str, tmp_path: Path) -> Registry:
    path = tmp_path / "aliases.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Registry.load(path)


def problems(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        load(text, tmp_path)
    return [str(problem) for problem in caught.value.problems]


class TestValidFile:
    def test_groups_aliases_and_sources_load(self, tmp_path: Path) -> None:
        registry = load(VALID, tmp_path)
        jak_t = registry["jak-t"]
        assert len(registry) == 2
        assert jak_t.name == "Jund al-Khilafah in Tunisia"
        assert jak_t.aliases[0].kind is AliasKind.ACRONYM
        assert jak_t.aliases[3].kind is AliasKind.NAME  # a bare string is a plain name
        assert jak_t.arabic_names == ("جند الخلافة في تونس",)
        assert jak_t.countries == ("TN",)
        assert jak_t.related(RelationType.AFFILIATE_OF) == ("isis",)
        assert jak_t.external_ids == {"ofac": "23863"}
        assert jak_t.active_from == 2014
        assert registry.source("state-2018") is not None

    def test_round_trip_yaml_registry_yaml(self, tmp_path: Path) -> None:
        """Writing a loaded registry and loading it again gives the same registry and bytes."""
        registry = load(VALID, tmp_path)
        text = registry.to_yaml()
        again = Registry.from_yaml(text)
        assert again == registry
        assert again.to_yaml() == text

    def test_lookup_of_unknown_id_names_it(self, tmp_path: Path) -> None:
        registry = load(VALID, tmp_path)
        assert registry.get("nope") is None
        with pytest.raises(KeyError, match="nope"):
            registry["nope"]

    def test_related_to_goes_both_ways(self, tmp_path: Path) -> None:
        registry = load(VALID, tmp_path)
        assert [(kind, g.id) for kind, g in registry.related_to("isis")] == [
            ("has_affiliate_of", "jak-t")
        ]


class TestErrorsNameFileLineAndField:
    """One test per error; each message says file:line, the field path and what is wrong."""

    def test_yaml_syntax(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - id: a\n   name: b\n", tmp_path)
        assert "aliases.yaml:3:" in message
        assert "yaml-syntax" in message

    def test_unknown_key_suggests_the_near_miss(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - id: a\n    name: A\n    alias: [x]\n", tmp_path)
        assert message.startswith(f"{tmp_path / 'aliases.yaml'}:4: groups[0] (a).alias:")
        assert "unknown-key" in message
        assert "did you mean 'aliases'?" in message

    def test_missing_id(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - name: A\n", tmp_path)
        assert ":2: groups[0]: missing-field: missing required field 'id'" in message

    def test_missing_name(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - id: a\n", tmp_path)
        assert ":2: groups[0] (a): missing-field: missing required field 'name'" in message

    def test_duplicate_id(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - {id: a, name: A}\n  - {id: a, name: B}\n", tmp_path)
        assert ":3: groups[1] (a).id: duplicate-id:" in message
        assert "already used by groups[0]" in message

    def test_relation_to_unknown_id(self, tmp_path: Path) -> None:
        text = "groups:\n  - id: a\n    name: A\n    relations: [{type: branch_of, target: b}]\n"
        [message] = problems(text, tmp_path)
        assert ":4: groups[0] (a).relations[0].target: unknown-target:" in message

    def test_bad_relation_type(self, tmp_path: Path) -> None:
        text = (
            "groups:\n  - {id: b, name: B}\n  - id: a\n    name: A\n"
            "    relations: [{type: child_of, target: b}]\n"
        )
        [message] = problems(text, tmp_path)
        assert "relations[0].type: bad-value: 'child_of' is not one of: branch_of" in message

    def test_bad_country_code(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - {id: a, name: A, countries: [TN, Tunisia]}\n", tmp_path)
        assert ":2: groups[0] (a).countries[1]: bad-country: 'Tunisia'" in message

    def test_alias_listed_twice_in_one_group(self, tmp_path: Path) -> None:
        text = "groups:\n  - id: a\n    name: A\n    aliases:\n      - JAK-T\n      - JAK-T\n"
        [message] = problems(text, tmp_path)
        assert ":6: groups[0] (a).aliases[1].text: duplicate-alias:" in message

    def test_alias_repeating_the_canonical_name(self, tmp_path: Path) -> None:
        text = "groups:\n  - id: a\n    name: A\n    aliases: [A]\n"
        [message] = problems(text, tmp_path)
        assert "duplicate-alias" in message
        assert "the canonical name" in message

    def test_wrong_type_suggests_quoting(self, tmp_path: Path) -> None:
        """PyYAML reads a bare ``yes`` as a boolean; the message says to quote it."""
        text = "groups:\n  - id: a\n    name: A\n    aliases:\n      - {text: yes}\n"
        [message] = problems(text, tmp_path)
        assert (
            ":5: groups[0] (a).aliases[0].text: wrong-type: expected a string, got bool True"
            in message
        )
        assert "quote the value" in message

    def test_unknown_source(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - {id: a, name: A, sources: [nowhere]}\n", tmp_path)
        assert "groups[0] (a).sources[0]: unknown-source: source 'nowhere'" in message

    def test_bad_alias_kind(self, tmp_path: Path) -> None:
        text = "groups:\n  - id: a\n    name: A\n    aliases: [{text: X, kind: nickname}]\n"
        [message] = problems(text, tmp_path)
        assert "aliases[0].kind: bad-value: 'nickname' is not one of:" in message

    def test_duplicate_mapping_key(self, tmp_path: Path) -> None:
        """yaml.safe_load would silently keep the second value; the loader refuses."""
        [message] = problems("groups:\n  - id: a\n    name: A\n    name: B\n", tmp_path)
        assert ":4: groups[0] (a).name: duplicate-key:" in message

    def test_every_problem_is_reported_at_once(self, tmp_path: Path) -> None:
        text = "groups:\n  - {id: a, name: A, countries: [xx]}\n  - {name: B}\n"
        assert len(problems(text, tmp_path)) == 2

    def test_bad_slug(self, tmp_path: Path) -> None:
        [message] = problems("groups:\n  - {id: Bad Id, name: A}\n", tmp_path)
        assert "bad-id" in message

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "aliases.yaml"
        path.write_bytes(b"groups:\n  - {id: a, name: \xff}\n")
        with pytest.raises(RegistryError, match="encoding"):
            Registry.load(path)


class TestSharedAliases:
    def test_alias_shared_by_two_groups_is_a_warning_not_an_error(self) -> None:
        registry = Registry.from_names(
            {
                "ast": ["Ansar al-Sharia in Tunisia", "Ansar al-Sharia"],
                "asb": ["Ansar al-Sharia in Benghazi", "Ansar al-Shari'a"],
            }
        )
        [warning] = registry.validate()
        assert warning.code == "shared-alias"
        assert "ast" in warning.message
        assert "asb" in warning.message


class TestFromNames:
    def test_first_name_is_canonical_the_rest_are_aliases(self) -> None:
        registry = Registry.from_names({"jak-t": ["Jund al-Khilafah in Tunisia", "JAK-T"]})
        assert registry["jak-t"].name == "Jund al-Khilafah in Tunisia"
        assert [alias.text for alias in registry["jak-t"].aliases] == ["JAK-T"]

    def test_a_bare_string_is_refused(self) -> None:
        with pytest.raises(TypeError, match="non-empty list"):
            Registry.from_names({"x": "Jund"})  # type: ignore[dict-item]


class TestPackagedRegistry:
    def test_loads_and_has_the_seed_groups(self) -> None:
        registry = Registry.load()
        assert len(registry) > 0
        assert registry.path is not None
        assert registry.path.endswith("aliases.yaml")
