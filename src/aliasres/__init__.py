"""aliasres: resolve militant-group names, in every spelling, to one canonical registry entry."""

__version__ = "0.1.0"
