"""Shared test configuration: hypothesis profiles and a private cache directory.

``default`` keeps hypothesis' own settings. ``ci`` is derandomised (the same examples on every
run, so a red build is reproducible) and has no deadline (shared CI machines are slow); it is
selected when the ``CI`` environment variable is set, or with ``HYPOTHESIS_PROFILE=ci``.
``thorough`` (``HYPOTHESIS_PROFILE=thorough``) runs 2,000 examples per property.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from aliasres import Registry
from aliasres.cache import CACHE_DIR_VARIABLE

settings.register_profile("default", settings())
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None)  # by hand, before releases
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the tests' compiled-registry cache out of the user's cache directory."""
    previous = os.environ.get(CACHE_DIR_VARIABLE)
    os.environ[CACHE_DIR_VARIABLE] = str(tmp_path_factory.mktemp("aliasres-cache"))
    yield
    if previous is None:
        del os.environ[CACHE_DIR_VARIABLE]
    else:
        os.environ[CACHE_DIR_VARIABLE] = previous


@pytest.fixture(scope="session")
def small_registry() -> Registry:
    """Four groups with the look-alikes that matter (two Ansar al-Sharia siblings), in memory."""
    return Registry.from_names(
        {
            "uqba-bin-nafi": ["Uqba bin Nafi Battalion", "Okba Ibn Nafaa", "كتيبة عقبة بن نافع"],
            "jak-t": ["Jund al-Khilafah in Tunisia", "JAK-T", "Soldiers of the Caliphate"],
            "ast": ["Ansar al-Sharia in Tunisia", "Ansar al-Sharia", "AST"],
            "asb": ["Ansar al-Sharia in Benghazi", "Ansar al-Sharia", "ASB"],
        },
        countries={"uqba-bin-nafi": ["TN"], "jak-t": ["TN"], "ast": ["TN"], "asb": ["LY"]},
    )
