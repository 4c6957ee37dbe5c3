"""The start-up cache serves a registry without parsing or validating it again, and never
serves wrong data: an altered, damaged or foreign entry is ignored and rebuilt."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from aliasres import Registry, cache, lexicon, loader
from aliasres.cache import CACHE_DIR_VARIABLE

FULL = """\
sources:
  - {id: s1, kind: designation, title: A designation, publisher: State, date: 2015-04,
     reference: E.O. 13224, url: "https://example.org/d"}
  - {id: s2, title: A reference}
groups:
  - id: jak-t
    name: Jund al-Khilafah in Tunisia
    curated: true
    aliases:
      - JAK-T
      - {text: جند الخلافة في تونس, lang: ar, sources: [s1]}
      - {text: Soldiers of the Caliphate in Tunisia, kind: translation, lang: en}
      - {text: Jund, kind: weak}
    countries: [TN, DZ]
    relations: [{type: affiliate_of, target: isis, sources: [s1, s2]}]
    external_ids: {wikidata: Q1, ofac: '23863'}
    active: {from: 2014}
    sources: [s1]
    notes: Pledged allegiance in 2014.
  - id: isis
    name: Islamic State
    aliases: [{text: ISIS, kind: acronym}, {text: Former Name, kind: former-name}]
    active: {from: 2006, to: 2030}
  - {id: bare, name: Bare Group}
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(directory))
    return directory


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "aliases.yaml"
    path.write_text(FULL, encoding="utf-8")
    return path


def fields(registry: Registry) -> list[object]:
    """Everything a registry holds, fields that do not take part in equality included."""
    return [registry.path, registry.sources, *((g, g.external_ids) for g in registry)]


def forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> Registry:
        raise AssertionError("the cache should have served this registry")

    monkeypatch.setattr(loader, "parse_registry", refuse)


def rewrite_entry(entry: Path, change: object) -> None:
    """Replace an entry's data, with a matching content hash (as if written so)."""
    payload = json.dumps(change).encode()
    entry.write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


@pytest.mark.parametrize("text", [FULL, None], ids=["every-field", "packaged"])
def test_data_written_for_the_cache_rebuilds_the_same_registry(text: str | None) -> None:
    registry = Registry.load() if text is None else Registry.from_yaml(text, "x.yaml")
    rebuilt = loader.registry_from_data(loader.registry_to_data(registry), str(registry.path))
    assert fields(rebuilt) == fields(registry)


def test_a_warm_load_is_served_without_parsing(
    registry_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Registry.load(registry_file)
    assert len(list(cache_dir.glob("registry-*.json"))) == 1
    forbid_parsing(monkeypatch)
    assert fields(Registry.load(registry_file)) == fields(first)


def test_an_altered_entry_is_not_served(registry_file: Path, cache_dir: Path) -> None:
    want = fields(Registry.load(registry_file))
    [entry] = cache_dir.glob("registry-*.json")
    checksum, _, payload = entry.read_bytes().partition(b"\n")
    entry.write_bytes(checksum + b"\n" + payload.replace(b"Tunisia", b"Tunisie"))
    assert fields(Registry.load(registry_file)) == want
    assert entry.read_bytes().partition(b"\n")[2] == payload  # rebuilt


@pytest.mark.parametrize("cut", [0, 1, 65, -1])
def test_a_truncated_entry_is_not_served(registry_file: Path, cache_dir: Path, cut: int) -> None:
    want = fields(Registry.load(registry_file))
    [entry] = cache_dir.glob("registry-*.json")
    entry.write_bytes(entry.read_bytes()[:cut])
    assert fields(Registry.load(registry_file)) == want


@pytest.mark.parametrize(
    "change",
    [
        [],
        {"groups": []},
        {"sources": [], "groups": [{"id": "jak-t"}]},
        {
            "sources": [],
            "groups": [{"id": "a", "name": "A", "aliases": [{"text": "x", "kind": "?"}]}],
        },
        {"sources": [], "groups": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
    ],
)
def test_an_entry_of_unexpected_shape_is_rebuilt(
    registry_file: Path, cache_dir: Path, change: object
) -> None:
    want = fields(Registry.load(registry_file))
    [entry] = cache_dir.glob("registry-*.json")
    rewrite_entry(entry, change)
    assert fields(Registry.load(registry_file)) == want


def test_an_entry_written_by_other_code_is_not_read(
    registry_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Registry.load(registry_file)
    monkeypatch.setattr(loader, "REGISTRY_CODE_PARTS", ("loader.py", "model.py"))
    parsed: list[str] = []
    parse = loader.parse_registry

    def counting(text: str, filename: str = "<string>") -> Registry:
        parsed.append(filename)
        return parse(text, filename)

    monkeypatch.setattr(loader, "parse_registry", counting)
    Registry.load(registry_file)
    assert parsed == [str(registry_file)]
    assert len(list(cache_dir.glob("registry-*.json"))) == 2


def test_the_code_fingerprint_follows_the_files() -> None:
    assert cache.code_fingerprint("loader.py") != cache.code_fingerprint("model.py")
    assert cache.code_fingerprint("loader.py", "model.py") != cache.code_fingerprint("loader.py")
    assert len(cache.code_fingerprint(*loader.REGISTRY_CODE_PARTS) or "") == 64
    assert cache.code_fingerprint("loader.py", "no-such-module.py") is None


def test_code_that_cannot_be_read_turns_its_entries_off(
    registry_file: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As for a package imported from a zip file: loading works, uncached.
    monkeypatch.setattr(loader, "REGISTRY_CODE_PARTS", ("no-such-module.py",))
    assert fields(Registry.load(registry_file))[1:] == fields(Registry.from_yaml(FULL, "x"))[1:]
    assert not list(cache_dir.glob("registry-*.json"))


# -- the compiled lexicon ---------------------------------------------------------------------


def uncached_load() -> lexicon.Lexicon:
    """:func:`lexicon.load_lexicon` without its in-process cache (which other tests share)."""
    loaded: lexicon.Lexicon = lexicon.load_lexicon.__wrapped__()  # type: ignore[attr-defined]
    return loaded


def test_a_cached_lexicon_is_the_compiled_one_with_one_object_per_entry() -> None:
    compiled = lexicon.load_lexicon()
    rebuilt = lexicon._lexicon_from_data(json.loads(json.dumps(lexicon._lexicon_to_data(compiled))))
    assert rebuilt == compiled
    for index in (rebuilt.raw, rebuilt.ruled, rebuilt.arabic, rebuilt.acronym_concepts):
        assert all(entry is rebuilt.entries[entry.id] for entry in index.values())
    assert all(entry is rebuilt.entries[entry.id] for entry in rebuilt.phrases.values())


def test_a_warm_lexicon_is_served_without_compiling(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = uncached_load()
    assert len(list(cache_dir.glob("lexicon-*.json"))) == 1

    def refuse(data: object) -> lexicon.Lexicon:
        raise AssertionError("the cache should have served the lexicon")

    monkeypatch.setattr(lexicon, "compile_lexicon", refuse)

    # A compiled (mypyc) lexicon module calls its own compile_lexicon directly, past the patch
    # above; the YAML it would compile is parsed through PyYAML, which stays patchable.
    def refuse_yaml(*args: object, **kwargs: object) -> object:
        raise AssertionError("the cache should have served the lexicon")

    yaml = pytest.importorskip("yaml")
    monkeypatch.setattr(yaml, "load", refuse_yaml)
    assert uncached_load() == compiled


def test_an_altered_lexicon_entry_is_not_served(cache_dir: Path) -> None:
    compiled = uncached_load()
    [entry] = cache_dir.glob("lexicon-*.json")
    checksum, _, payload = entry.read_bytes().partition(b"\n")
    entry.write_bytes(checksum + b"\n" + payload.replace(b'"generic"', b'"common"'))
    assert uncached_load() == compiled
    rewrite_entry(entry, {"entries": [], "raw": {"x": "missing"}})
    assert uncached_load() == compiled


def test_the_lexicon_is_read_as_a_resource_when_not_beside_the_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # As from a zip file: the path beside the module does not exist.
    on_disk = lexicon._read_resource(lexicon.LEXICON_RESOURCE)
    monkeypatch.setattr(lexicon, "__file__", str(tmp_path / "nowhere" / "lexicon.py"))
    assert lexicon._read_resource(lexicon.LEXICON_RESOURCE) == on_disk
