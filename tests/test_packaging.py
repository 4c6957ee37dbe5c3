"""The wheel carries the registry, and the installed package finds it without the source tree."""

from __future__ import annotations

import importlib.metadata
import os
import zipfile
from pathlib import Path

import pytest

import aliasres

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    hatchling_build = pytest.importorskip("hatchling.build")
    out = tmp_path_factory.mktemp("wheel")
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        # Pure Python: what is tested here is the data the wheel carries, the same either
        # way; compiling (hatch_build.py) would need mypy in the test environment.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ALIASRES_NO_MYPYC", "1")
            name = hatchling_build.build_wheel(str(out))
    finally:
        os.chdir(cwd)
    return out / name


def test_the_wheel_contains_the_registry_and_it_loads(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        packaged = archive.read("aliasres/data/aliases.yaml").decode("utf-8")
        assert "aliasres/py.typed" in archive.namelist()
        assert "aliasres/lexicon.yaml" in archive.namelist()
    assert packaged == (ROOT / "data" / "aliases.yaml").read_text(encoding="utf-8")
    registry = aliasres.Registry.from_yaml(packaged, "aliases.yaml")
    assert "jund-al-khilafah-tunisia" in registry


def test_the_installed_package_loads_its_own_registry() -> None:
    path = aliasres.packaged_registry_path()
    assert path.name == "aliases.yaml"
    assert len(aliasres.Registry.load()) > 500


def test_version_matches_the_package_metadata() -> None:
    assert importlib.metadata.version("aliasres") == aliasres.__version__
