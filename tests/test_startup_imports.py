"""Start-up stays lean: modules needed only on some paths are imported only on those paths.

PyYAML is needed to parse a YAML file the cache cannot serve, or to write YAML; importing
aliasres, loading the packaged registry from a warm cache and resolving a name must not
import it. Checked in fresh interpreters (this test process has imported everything).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aliasres.cache import CACHE_DIR_VARIABLE

LAZY = ("yaml", "click", "numpy")

CHECK = """
import json, sys
exec(sys.argv[2])
lazy = sys.argv[1].split(",")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(lazy))))
"""


def imported_after(code: str, cache_dir: Path) -> list[str]:
    """The modules of ``LAZY`` that running ``code`` in a fresh interpreter imports."""
    done = subprocess.run(
        [sys.executable, "-c", CHECK, ",".join(LAZY), code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, CACHE_DIR_VARIABLE: str(cache_dir)},
    )
    found: list[str] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory filled by one run, as on every start after the first."""
    directory = tmp_path_factory.mktemp("warm-cache")
    imported_after("import aliasres; aliasres.resolve('Okba Ibn Nafaa')", directory)
    return directory


def test_importing_aliasres_imports_none_of_the_lazy_modules(warm_cache: Path) -> None:
    assert imported_after("import aliasres", warm_cache) == []


def test_loading_and_resolving_from_a_warm_cache_imports_none_of_them(warm_cache: Path) -> None:
    code = "import aliasres; aliasres.Resolver(aliasres.Registry.load()).resolve('Okba Ibn Nafaa')"
    assert imported_after(code, warm_cache) == []


def test_a_cold_cache_parses_the_yaml(tmp_path: Path) -> None:
    # The other side of the coin: without the cache PyYAML is imported, and used.
    assert "yaml" in imported_after("import aliasres; aliasres.Registry.load()", tmp_path)


def test_writing_yaml_still_works_without_a_prior_parse(warm_cache: Path) -> None:
    code = (
        "import aliasres; r = aliasres.Registry.from_names({'x': ['Some Group', 'SG']});"
        "assert aliasres.Registry.from_yaml(r.to_yaml()) == r"
    )
    assert "yaml" in imported_after(code, warm_cache)
