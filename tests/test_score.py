"""Scoring rules, as a specification: which agreement between two names counts, and how much."""

from __future__ import annotations

from aliasres import Registry, Resolver


def best_group(names: dict[str, list[str]], query: str) -> str:
    """The group a small in-memory registry ranks first for ``query``."""
    result = Resolver(Registry.from_names(names)).resolve(query)
    assert result.best is not None
    return result.best.group.id


class TestPlacesAlone:
    """A place says where a group is active, not which group it is."""

    def test_a_name_sharing_only_the_place_ranks_below_one_sharing_the_name(self) -> None:
        names = {
            "hizballah": ["Hizballah"],
            "liibaan": ["Liibaan Trading"],
            "filler": ["Ansar al-Islam", "Ansar Bank", "Islamic Jihad"],
        }
        assert best_group(names, "Lebanese Hizballah") == "hizballah"

    def test_a_query_of_places_alone_still_finds_the_place(self) -> None:
        names = {"liibaan": ["Liibaan Trading"], "hizballah": ["Hizballah"]}
        assert best_group(names, "Lebanon") == "liibaan"
