"""A saved index: one compact file that a worker loads instead of building the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aliasres
from aliasres import IndexFileError, Registry, Resolver
from aliasres.index import INDEX_FORMAT, INDEX_MAGIC

QUERIES = [
    "Okba Ibn Nafaa",
    "Uqba bin Nafi battalion",
    "كتيبة عقبة بن نافع",
    "Jund al-Khilafa in Tunsia",  # a typo: the one-edit look-up
    "Jund al-Khilafah",  # AMBIGUOUS
    "Ansar al-Charia",
    "AQIM",
    "JAK-T",
    "Daesh Tunisia",
    "Hizbollah",
    "Reuters",
    "Unknown Widgets Ltd",
    "",
]


@pytest.fixture(scope="module")
def packaged() -> Resolver:
    return aliasres.default_resolver()


def test_a_loaded_index_answers_exactly_as_the_index_it_was_saved_from(
    packaged: Resolver, tmp_path: Path
) -> None:
    path = tmp_path / "packaged.index"
    packaged.save(path)
    loaded = Resolver.load(path, packaged.registry)
    assert loaded.resolve_many(QUERIES, country="TN") == packaged.resolve_many(
        QUERIES, country="TN"
    )
    assert [loaded.resolve(q) for q in QUERIES] == packaged.resolve_many(QUERIES)
    for query in QUERIES[:4]:  # explanations are rebuilt from the saved records too
        assert loaded.resolve(query).best.explanation == packaged.resolve(query).best.explanation  # type: ignore[union-attr]


def test_load_without_a_registry_uses_the_packaged_one(packaged: Resolver, tmp_path: Path) -> None:
    path = tmp_path / "packaged.index"
    packaged.save(path)
    assert Resolver.load(path).resolve("Okba Ibn Nafaa").best.group.id == "uqba-bin-nafi"  # type: ignore[union-attr]


def test_saving_a_loaded_index_writes_the_same_bytes(
    small_registry: Registry, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.index", tmp_path / "second.index"
    Resolver(small_registry).save(first)
    Resolver.load(first, small_registry).save(second)
    assert first.read_bytes() == second.read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "the atomic write leaves no temporary file"


def test_an_index_saved_for_other_names_is_refused(
    small_registry: Registry, tmp_path: Path
) -> None:
    path = tmp_path / "small.index"
    Resolver(small_registry).save(path)
    other = Registry.from_names({"jak-t": ["Jund al-Khilafah in Tunisia", "JAK-T"]})
    with pytest.raises(IndexFileError, match="another registry"):
        Resolver.load(path, other)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"name,country\n" + data, "not a saved aliasres index"),
        (lambda data: data[:-10], "truncated or damaged"),
        (lambda data: b"", "not a saved aliasres index"),
        (lambda data: INDEX_MAGIC + b"{not json\n", "damaged saved index header"),
        (
            lambda data: INDEX_MAGIC + json.dumps({"format": 99}).encode() + b"\n",
            f"format 99, this aliasres reads {INDEX_FORMAT}",
        ),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_with_its_path(
    small_registry: Registry, tmp_path: Path, damage: object, message: str
) -> None:
    path = tmp_path / "small.index"
    Resolver(small_registry).save(path)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(IndexFileError, match=message) as error:
        Resolver.load(path, small_registry)
    assert str(path) in str(error.value)


def test_an_index_belongs_to_the_registry_it_was_built_for(small_registry: Registry) -> None:
    index = Resolver(small_registry).index
    copy = Registry.from_names({g.id: list(g.names) for g in small_registry})
    with pytest.raises(ValueError, match="another registry"):
        Resolver(copy, index=index)
