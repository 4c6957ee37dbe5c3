"""Batches run with the cyclic garbage collector paused, which is only sound because they make
no reference cycles: nothing they drop waits for a collection."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import yaml

from aliasres import Registry, Resolver, Result, collector

DATA = Path(__file__).parent / "data"


def names() -> list[str]:
    """Seed spellings (Latin and Arabic script), typos of them, acronyms and non-groups."""
    sets = yaml.safe_load((DATA / "variant_sets.yaml").read_text(encoding="utf-8"))["sets"]
    spellings = [name for entry in sets for name in entry["names"]]
    typos = [name[:3] + name[4:] for name in spellings if len(name) > 6]
    others = yaml.safe_load((DATA / "non_groups.yaml").read_text(encoding="utf-8"))
    return [*spellings, *typos, "JAK-T", "AQIM", "", "؟", *(entry["text"] for entry in others)]


class TestPaused:
    def test_off_inside_and_on_after(self) -> None:
        assert gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_left_off_if_it_was_off(self) -> None:
        gc.disable()
        try:
            with collector.paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_back_on_after_an_error(self) -> None:
        with pytest.raises(KeyError), collector.paused():
            raise KeyError("boom")
        assert gc.isenabled()


def test_resolve_many_pauses_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = Resolver(Registry.load())
    seen: list[bool] = []
    resolve = Resolver.resolve

    def spy(self: Resolver, name: str, country: str | None = None, limit: int = 5) -> Result:
        seen.append(gc.isenabled())
        return resolve(self, name, country=country, limit=limit)

    monkeypatch.setattr(Resolver, "resolve", spy)
    resolver.resolve_many(["Okba Ibn Nafaa", "JAK-T"])
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_batch_makes_no_reference_cycles() -> None:
    resolver = Resolver(Registry.load())
    resolver.resolve_many(["Okba Ibn Nafaa", "Uqba bn Nafi"])  # lazy tables built once
    queries = names()
    gc.collect()
    gc.disable()
    try:
        results = resolver.resolve_many(queries)
        assert gc.collect() == 0  # no unreachable cycle was left to the collector
    finally:
        gc.enable()
    assert len(results) == len(queries)
