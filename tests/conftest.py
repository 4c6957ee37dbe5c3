"""Shared test configuration: hypothesis profiles.

``default`` keeps hypothesis' own settings. ``ci`` is derandomised (the same examples on every
run, so a red build is reproducible) and has no deadline (shared CI machines are slow); it is
selected when the ``CI`` environment variable is set, or with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", settings())
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)
