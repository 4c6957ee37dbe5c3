"""Building an index in worker processes gives the index one process builds, byte for byte."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from aliasres import Registry, Resolver, indexbuild
from aliasres.index import CandidateIndex
from aliasres.normalize import normalize

QUERIES = [
    "Katibat 'Uqbah Bin Nafi",
    "كتيبة عقبة بن نافع",
    "Jund al-Khilafa in Tunsia",
    "AQIM",
    "Ansar al-Charia",
    "Hizbollah",
    "Unknown Widgets Ltd",
    "Brigade of the Martyrs",
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The packaged registry, and groups whose names test the joints between shards: names
    that normalise to nothing (not indexed), weak aliases, words first seen late, repeats."""
    packaged = Registry.load()
    names = {group.id: list(group.names) for group in packaged}
    names["x-empty"] = ["!!!", "Katibat al-Zzyzx", "---"]
    names["x-repeat"] = ["Zzyzx Zzyzx Brigade", "ZZB", "Zzyzx Brigade (ZZB)"]
    names["x-late"] = ["Qwertyuiop Front", "جبهة قويرتي"]
    return Registry.from_names(names)


def saved(index: CandidateIndex, path: Path) -> bytes:
    index.save(path)
    return path.read_bytes()


@pytest.mark.parametrize(("workers", "shards_per_worker"), [(2, 1), (2, 4), (3, 7)])
def test_workers_build_the_index_one_process_builds(
    registry: Registry,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    shards_per_worker: int,
) -> None:
    """Same saved bytes, same candidates, same answers, however many workers and shards."""
    serial = CandidateIndex(registry, workers=1)
    monkeypatch.setattr(indexbuild, "SHARDS_PER_WORKER", shards_per_worker)
    parallel = CandidateIndex(registry, workers=workers)
    assert saved(parallel, tmp_path / "parallel") == saved(serial, tmp_path / "serial")
    names = [name for group in list(registry)[::25] for name in group.names[:2]] + QUERIES
    for name in names:
        query = normalize(name)
        assert parallel.candidates(query) == serial.candidates(query), name
    want = Resolver(registry, index=serial).resolve_many(names)
    assert Resolver(registry, index=parallel).resolve_many(names) == want


def test_large_registries_are_built_in_processes(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_BUILD_NAMES names on, an index (a resolver's too) is built by one worker
    per usable CPU, and is the index one process builds."""
    serial = saved(CandidateIndex(registry, workers=1), tmp_path / "serial")
    started: list[int] = []
    in_processes = indexbuild._build_in_processes

    def spy(registry: Registry, workers: int) -> tuple[indexbuild.Shard, indexbuild.Postings]:
        started.append(workers)
        return in_processes(registry, workers)

    monkeypatch.setattr(indexbuild, "_build_in_processes", spy)
    monkeypatch.setattr(indexbuild, "usable_cpus", lambda: 2)
    monkeypatch.setattr(indexbuild, "PARALLEL_BUILD_NAMES", registry.alias_count())
    monkeypatch.setenv("ALIASRES_CACHE_DIR", "")  # build, don't read a cached index
    resolver = Resolver(registry)
    assert started == [2]
    assert saved(resolver.index, tmp_path / "parallel") == serial


def test_small_registries_start_no_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below PARALLEL_BUILD_NAMES (the packaged registry, say) or with one CPU, no worker is
    started: starting them would cost more than the build."""

    def fail(registry: Registry, workers: int) -> tuple[indexbuild.Shard, indexbuild.Postings]:
        raise AssertionError("no worker processes expected")

    monkeypatch.setattr(indexbuild, "_build_in_processes", fail)
    registry = Registry.load()
    assert registry.alias_count() < indexbuild.PARALLEL_BUILD_NAMES
    assert len(CandidateIndex(registry)) > 0
    monkeypatch.setattr(indexbuild, "PARALLEL_BUILD_NAMES", 1)
    monkeypatch.setattr(indexbuild, "usable_cpus", lambda: 1)
    assert len(CandidateIndex(registry)) > 0


def test_shards_cover_every_group_once_with_about_as_many_names(registry: Registry) -> None:
    for shards in (1, 2, 5, 64):
        bounds = indexbuild._shard_bounds(registry, shards)
        assert bounds[0][0] == 0
        assert bounds[-1][1] == len(registry)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
        assert len(bounds) == shards
        sizes = [sum(len(g.names) for g in registry.groups[a:b]) for a, b in bounds]
        assert max(sizes) - min(sizes) <= 2 * max(len(g.names) for g in registry.groups)


def test_an_empty_registry_builds(tmp_path: Path) -> None:
    empty = Registry.from_names({})
    assert saved(CandidateIndex(empty, workers=2), tmp_path / "a") == saved(
        CandidateIndex(empty, workers=1), tmp_path / "b"
    )
