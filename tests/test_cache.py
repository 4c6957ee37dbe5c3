"""The compiled-registry cache: fast when valid, ignored when stale, corrupt or turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from aliasres import Registry
from aliasres.cache import CACHE_DIR_VARIABLE

TEXT = "groups:\n  - {id: jak-t, name: Jund al-Khilafah in Tunisia, aliases: [JAK-T]}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(directory))
    return directory


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_load_reads_the_cache_and_gives_the_same_registry(
    tmp_path: Path, cache: Path
) -> None:
    path = write(tmp_path, TEXT)
    first = Registry.load(path)
    assert len(list(cache.glob("registry-*.json"))) == 1
    assert Registry.load(path) == first


def test_an_edited_file_is_not_served_from_a_stale_entry(tmp_path: Path, cache: Path) -> None:
    path = write(tmp_path, TEXT)
    Registry.load(path)
    write(tmp_path, TEXT.replace("JAK-T", "JAKT"))
    assert Registry.load(path)["jak-t"].aliases[0].text == "JAKT"


def test_a_corrupt_entry_is_ignored(tmp_path: Path, cache: Path) -> None:
    path = write(tmp_path, TEXT)
    Registry.load(path)
    [entry] = cache.glob("registry-*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert Registry.load(path)["jak-t"].name == "Jund al-Khilafah in Tunisia"


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_VARIABLE, "")
    path = write(tmp_path, TEXT)
    Registry.load(path)
    assert not list(tmp_path.glob("**/registry-*.json"))


def test_invalid_files_are_never_cached(tmp_path: Path, cache: Path) -> None:
    path = write(tmp_path, "groups:\n  - {id: a}\n")
    with pytest.raises(ValueError, match="missing required field 'name'"):
        Registry.load(path)
    assert not cache.exists() or not list(cache.iterdir())


@pytest.mark.parametrize(
    "text",
    ["Katibat 'Uqbah Bin Nafi", "كتيبة عقبة بن نافع", "JAK-T", "Ansar Al-Chariaa", "a.q.i.m."],
)
def test_normal_forms_survive_the_cached_index_unchanged(text: str, cache: Path) -> None:
    """A name decoded from a cached index is the normalised name itself (guards against new
    fields)."""
    from aliasres.index import CandidateIndex
    from aliasres.normalize import normalize

    registry = Registry.from_names({"a": [text]})
    built = CandidateIndex.cached(registry)
    assert list(cache.glob("index-*.index"))
    loaded = CandidateIndex.cached(registry)
    assert loaded.entry(0)[0].name == built.entry(0)[0].name == normalize(text)


def test_an_index_read_from_the_cache_resolves_as_a_fresh_one(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saved form of an index (its normalised names) gives the same answers, one by one
    and in batches, as an index built with the cache turned off."""
    from aliasres import Resolver
    from aliasres.normalize import clear_caches

    registry = Registry.load()
    names = [name for group in list(registry)[:40] for name in group.names[:2]]
    names += ["Jund al-Khilafa in Tunsia", "Ansar al-Charia", "Hizbollah", "Unknown Widgets Ltd"]
    writing = Resolver(registry)  # builds the index and writes the cache
    assert list(cache.glob("index-*.index"))
    clear_caches()
    loaded = Resolver(registry)  # reads it
    monkeypatch.setenv(CACHE_DIR_VARIABLE, "")
    clear_caches()
    fresh = Resolver(registry)
    want = fresh.resolve_many(names)
    assert loaded.resolve_many(names) == want == writing.resolve_many(names)
    assert [loaded.resolve(name) for name in names] == want
    assert loaded.index._postings == fresh.index._postings
    assert loaded.index._keys == fresh.index._keys


def test_a_damaged_cached_index_is_rebuilt(cache: Path, small_registry: Registry) -> None:
    from aliasres import Resolver
    from aliasres.index import INDEX_MAGIC

    want = Resolver(small_registry).resolve_many(["Okba Ibn Nafaa", "Ansar al-Sharia"])
    [entry] = cache.glob("index-*.index")
    entry.write_bytes(INDEX_MAGIC + b"{}\n")
    assert Resolver(small_registry).resolve_many(["Okba Ibn Nafaa", "Ansar al-Sharia"]) == want
    assert entry.read_bytes().startswith(INDEX_MAGIC + b'{"format"')
