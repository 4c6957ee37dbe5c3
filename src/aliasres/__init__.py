"""aliasres: resolve militant-group names, in every spelling, to one canonical registry entry.

>>> import aliasres
>>> aliasres.resolve("Okba Ibn Nafaa").best.group.id  # doctest: +SKIP
'uqba-bin-nafi'
"""

from aliasres.errors import AliasresError, IndexFileError, Problem, QueryError, RegistryError
from aliasres.model import Alias, AliasKind, Group, Relation, RelationType, Source, SourceKind
from aliasres.normalize import NormalizedName, Token, TokenKind, normalize, phonetic_key
from aliasres.registry import Registry, packaged_registry_path
from aliasres.resolve import Candidate, Decision, Resolver, Result, default_resolver, resolve
from aliasres.scan import Mention, scan
from aliasres.score import Explanation

__version__ = "0.1.0"

__all__ = [
    "Alias",
    "AliasKind",
    "AliasresError",
    "Candidate",
    "Decision",
    "Explanation",
    "Group",
    "IndexFileError",
    "Mention",
    "NormalizedName",
    "Problem",
    "QueryError",
    "Registry",
    "RegistryError",
    "Relation",
    "RelationType",
    "Resolver",
    "Result",
    "Source",
    "SourceKind",
    "Token",
    "TokenKind",
    "__version__",
    "default_resolver",
    "normalize",
    "packaged_registry_path",
    "phonetic_key",
    "resolve",
    "scan",
]
