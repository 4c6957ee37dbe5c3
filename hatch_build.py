"""Build hook: compile aliasres's query-path modules with mypyc when a wheel is built.

The modules are compiled from the same sources (nothing is duplicated); the wheel carries the
compiled extension modules beside the .py files, and Python imports the compiled ones. An
editable install stays pure Python, and so does any build with ``ALIASRES_NO_MYPYC=1`` set
(see the README's "Compiled modules").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.config import BuilderConfig
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The modules where queries spend their time: normalising, candidate lookup, scoring.
# Not compiled: the CLI, the registry loader and data model (attrs fields with converters
# and tuple defaults, which mypyc rejects at import), resolve (its Resolver is the API's front
# door: it keeps its own argument checks and messages), indexbuild (its tests replace its
# functions, which compiled callers would not see), batch, scan, the importers and the Spark
# and DuckDB engines: little of a query's time is spent there.
COMPILED_MODULES = (
    "acronyms",
    "arabic",
    "countries",
    "fold",
    "index",
    "lexicon",
    "normalize",
    "phonetic",
    "score",
    "translit",
)

SKIP_VARIABLE = "ALIASRES_NO_MYPYC"

# The compiler is pinned: another mypyc version may compile the same code differently, and
# this one is the one the test suite and benchmarks were run against.
BUILD_REQUIREMENTS = ("mypy==2.4.1", "setuptools>=70", "types-PyYAML")


def _skipped() -> bool:
    return os.environ.get(SKIP_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


class MypycBuildHook(BuildHookInterface[BuilderConfig]):
    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        if _skipped():
            return []
        # mypy type-checks the compiled modules against their imports, so those must be there.
        return [*BUILD_REQUIREMENTS, *self.metadata.core.dependencies]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable" or _skipped():
            return
        self._scratch = tempfile.mkdtemp(prefix="aliasres-mypyc-")
        scratch = Path(self._scratch)
        try:
            self._compile(scratch)
        except Exception as error:  # no C compiler or headers, say: the pure wheel still works
            self.app.display_warning(
                f"aliasres: compiling with mypyc failed ({type(error).__name__}: {error}); "
                f"building pure Python instead (set {SKIP_VARIABLE}=1 to skip compiling)"
            )
            return
        built = scratch / "lib"
        for library in sorted(built.rglob("*.so")) + sorted(built.rglob("*.pyd")):
            build_data["force_include"][str(library)] = library.relative_to(built).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def _compile(self, scratch: Path) -> None:
        """Compile ``COMPILED_MODULES`` into ``scratch / "lib"``."""
        from mypyc.build import mypycify
        from setuptools import Distribution

        sources = [f"src/aliasres/{name}.py" for name in COMPILED_MODULES]
        here = Path.cwd()
        os.chdir(self.root)  # mypy reads its configuration from pyproject.toml here
        try:
            extensions = mypycify(
                ["--cache-dir", str(scratch / "mypy-cache"), *sources],
                opt_level="3",
                target_dir=str(scratch / "c"),
                group_name="aliasres",
            )
            # A bare Distribution: setuptools must not read this project's pyproject.toml.
            distribution = Distribution({"name": "aliasres", "ext_modules": extensions})
            build_ext: Any = distribution.get_command_obj("build_ext")
            build_ext.build_lib = str(scratch / "lib")
            build_ext.build_temp = str(scratch / "temp")
            distribution.run_command("build_ext")
        finally:
            os.chdir(here)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
