"""Errors aliasres raises on purpose, each refining the builtin it narrows."""

from __future__ import annotations

import attrs


@attrs.frozen
class Problem:
    """One thing wrong (or suspicious) in a registry file, with where it is.

    ``location`` reads ``file:line`` when the line is known; ``field`` is a path such as
    ``groups[3] (jak-t).aliases[2].kind``.
    """

    code: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: {self.field}" if self.field else self.location
        return f"{where}: {self.code}: {self.message}"


class AliasresError(Exception):
    """Base class for every error aliasres raises on purpose."""


class RegistryError(AliasresError, ValueError):
    """The alias data is malformed; ``problems`` lists every error found, one per line."""

    def __init__(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in registry data:\n{lines}")


class QueryError(AliasresError, ValueError):
    """A name cannot be resolved as given (for instance it is empty after normalisation)."""


class IndexFileError(AliasresError, ValueError):
    """A saved index cannot be used: not an index, damaged, or built for something else."""
