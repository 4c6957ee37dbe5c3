"""The resolver, as a specification: which group a name denotes, or an honest "don't know"."""

from __future__ import annotations

import pytest

import aliasres
from aliasres import Decision, Registry, Resolver
from aliasres.resolve import CLEAR_BAND, CLEAR_MARGIN, MATCH_BAND, REVIEW_BAND
from aliasres.score import DERIVED_ACRONYM, EXACT_ACRONYM, PROBABLE_ACRONYM

# A small registry with the look-alikes that matter, built in memory.
SIBLINGS = Registry.from_names(
    {
        "jak-t": [
            "Jund al-Khilafah in Tunisia",
            "JAK-T",
            "Jund al-Khilafa",
            "Soldiers of the Caliphate",
            "Daesh Tunisia",
        ],
        "jak-a": ["Jund al-Khilafah in Algeria", "JAK-A", "Jund al-Khalifa"],
        "ast": ["Ansar al-Sharia in Tunisia", "AST", "Ansar al-Sharia"],
        "asb": ["Ansar al-Sharia in Benghazi", "Ansar al-Sharia"],
        "asd": ["Ansar al-Sharia in Darnah", "Ansar al-Sharia"],
        "aqim": ["al-Qa'ida in the Islamic Maghreb", "AQIM"],
        "aq": ["al-Qa'ida", "al-Qaeda"],
    },
    countries={"jak-t": ["TN"], "jak-a": ["DZ"], "ast": ["TN"], "asb": ["LY"], "asd": ["LY"]},
)


@pytest.fixture(scope="module")
def siblings() -> Resolver:
    return Resolver(SIBLINGS)


class TestSiblingsAreKeptApart:
    def test_bare_jund_al_khilafah_is_ambiguous_between_tunisia_and_algeria(
        self, siblings: Resolver
    ) -> None:
        result = siblings.resolve("Jund al-Khilafah")
        assert result.decision is Decision.AMBIGUOUS
        assert {c.group.id for c in result.candidates[:2]} == {"jak-t", "jak-a"}

    def test_a_country_hint_decides_between_siblings(self, siblings: Resolver) -> None:
        result = siblings.resolve("Jund al-Khilafah", country="DZ")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "jak-a"

    def test_a_place_named_in_the_query_decides(self, siblings: Resolver) -> None:
        result = siblings.resolve("Jund al-Khilafah in Algeria")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "jak-a"

    def test_bare_ansar_al_sharia_is_ambiguous_with_all_holders_listed(
        self, siblings: Resolver
    ) -> None:
        result = siblings.resolve("Ansar al-Sharia")
        assert result.decision is Decision.AMBIGUOUS
        assert {c.group.id for c in result.candidates} >= {"ast", "asb", "asd"}

    def test_french_spelling_with_the_country_resolves_to_tunisia(self, siblings: Resolver) -> None:
        result = siblings.resolve("Ansar al-Charia en Tunisie")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "ast"

    def test_aqim_is_not_al_qaida(self, siblings: Resolver) -> None:
        result = siblings.resolve("Al-Qaeda in the Islamic Maghreb")
        assert result.best is not None
        assert result.best.group.id == "aqim"
        assert siblings.resolve("al-Qaida").best.group.id == "aq"  # type: ignore[union-attr]


class TestAcronyms:
    @pytest.mark.parametrize(
        ("query", "group_id"), [("JAK-T", "jak-t"), ("Jak T", "jak-t"), ("A.Q.I.M.", "aqim")]
    )
    def test_registered_acronym_in_any_punctuation(
        self, siblings: Resolver, query: str, group_id: str
    ) -> None:
        result = siblings.resolve(query)
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == group_id


class TestNoMatch:
    @pytest.mark.parametrize(
        "query",
        ["Tunisian National Guard", "Ennahda", "Reuters", "Ezzedine Alaoui", "Bardo Museum"],
    )
    def test_names_that_are_not_registry_groups(self, siblings: Resolver, query: str) -> None:
        assert siblings.resolve(query).decision is Decision.NO_MATCH

    def test_empty_name_is_no_match_with_a_note(self, siblings: Resolver) -> None:
        result = siblings.resolve("  ـــ  ")
        assert result.decision is Decision.NO_MATCH
        assert "empty" in result.note
        assert result.best is None

    def test_non_string_is_a_type_error(self, siblings: Resolver) -> None:
        with pytest.raises(TypeError, match="name must be str"):
            siblings.resolve(b"JAK-T")  # type: ignore[arg-type]


class TestExplanation:
    def test_names_the_matched_alias_and_the_token_pairs(self, siblings: Resolver) -> None:
        result = siblings.resolve("Soldiers of Caliphate")
        assert result.best is not None
        assert result.best.group.id == "jak-t"
        assert result.best.matched_alias == "Soldiers of the Caliphate"
        text = str(result.best.explanation)
        assert "matched alias: 'Soldiers of the Caliphate'" in text
        assert "soldiers ~ soldiers: same-text" in text

    def test_scores_are_in_the_unit_interval_and_sorted(self, siblings: Resolver) -> None:
        result = siblings.resolve("Jund al Khilafa Tunisia", limit=10)
        scores = [c.score for c in result.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)


class TestBatch:
    def test_resolve_many_equals_resolve_one_by_one(self, siblings: Resolver) -> None:
        names = ["JAK-T", "Ansar al-Sharia", "JAK-T", "Reuters", "", "Jund al-Khalifa"]
        assert siblings.resolve_many(names) == [siblings.resolve(n) for n in names]

    def test_one_country_hint_per_name(self, siblings: Resolver) -> None:
        results = siblings.resolve_many(["Jund al-Khilafah", "Jund al-Khilafah"], ["TN", "DZ"])
        assert [r.best.group.id for r in results] == ["jak-t", "jak-a"]  # type: ignore[union-attr]


class TestPackagedRegistry:
    """Every spelling the seed articles use resolves to its group (see tests/data)."""

    @pytest.mark.parametrize(
        ("query", "group_id"),
        [
            ("Okba Ibn Nafaa", "uqba-bin-nafi"),
            ("Uqba bin Nafi battalion", "uqba-bin-nafi"),
            ("Katibat 'Uqbah Bin Nafi", "uqba-bin-nafi"),
            ("كتيبة عقبة بن نافع", "uqba-bin-nafi"),
            ("Daesh Tunisia", "jund-al-khilafah-tunisia"),
            ("Soldiers of the Caliphate in Tunisia", "jund-al-khilafah-tunisia"),
            ("JAK-T", "jund-al-khilafah-tunisia"),
        ],
    )
    def test_seed_spellings(self, query: str, group_id: str) -> None:
        result = aliasres.resolve(query)
        assert result.decision is Decision.MATCH, [str(c.explanation) for c in result.candidates]
        assert result.best is not None
        assert result.best.group.id == group_id

    def test_the_battalion_not_its_parent_and_the_parent_is_reachable(self) -> None:
        result = aliasres.resolve("Uqba bin Nafi battalion")
        assert result.best is not None
        related = {g.id for _, g in aliasres.default_resolver().related(result.best.group.id)}
        assert any("maghreb" in group_id for group_id in related)


class TestAcronymExpansion:
    def test_an_acronym_in_a_name_pairs_with_the_words_it_abbreviates(self) -> None:
        resolver = Resolver(
            Registry.from_names(
                {
                    "iswap": ["ISIS West Africa Province"],
                    "isil": ["Islamic State of Iraq and the Levant"],
                }
            )
        )
        result = resolver.resolve("Islamic State of Iraq and Syria West Africa Province")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "iswap"
        assert "acronym-expansion" in str(result.best.explanation)


class TestThinEvidence:
    """Evidence too thin for a MATCH still ranks the candidate, below the match band."""

    REGISTRY = Registry.from_names(
        {
            "wafa": ["Wafa Humanitarian Organization"],
            "hadid": ["al-Hadid"],
            "mujao": ["Movement for Unity and Jihad in West Africa", "MUJAO"],
        }
    )

    @pytest.mark.parametrize(("query", "group_id"), [("WHO", "wafa"), ("Hedi", "hadid")])
    def test_initials_or_a_sound_alike_word_alone_are_not_a_match(
        self, query: str, group_id: str
    ) -> None:
        result = Resolver(self.REGISTRY).resolve(query)
        assert result.decision is Decision.NO_MATCH
        assert result.best is not None
        assert result.best.group.id == group_id

    def test_a_registered_acronym_is_a_match(self) -> None:
        result = Resolver(self.REGISTRY).resolve("MUJAO")
        assert result.decision is Decision.MATCH

    def test_initials_rank_between_the_review_and_the_match_bands(self) -> None:
        assert REVIEW_BAND < PROBABLE_ACRONYM < DERIVED_ACRONYM < MATCH_BAND <= EXACT_ACRONYM


class TestClearLead:
    """Below the match band, a candidate far ahead of every other group is still a match."""

    QUERY = "Tariq Gidar Afridi Group"

    def resolve(self, other: str) -> aliasres.Result:
        names = {"tariq-gidar": ["Tariq Gidar Group"], "other": [other]}
        return Resolver(Registry.from_names(names)).resolve(self.QUERY)

    def test_a_clear_lead_below_the_match_band_is_a_match(self) -> None:
        result = self.resolve("Tariq Group")
        assert result.best is not None
        assert CLEAR_BAND <= result.best.score < MATCH_BAND
        assert result.decision is Decision.MATCH
        assert result.best.group.id == "tariq-gidar"

    def test_a_runner_up_within_the_clear_margin_leaves_no_match(self) -> None:
        result = self.resolve("Gidar Afridi Tribe")
        assert result.best is not None
        assert result.best.score < MATCH_BAND
        assert result.candidates[1].score > result.best.score - CLEAR_MARGIN
        assert result.decision is Decision.NO_MATCH

    def test_initials_alone_never_match_however_clear(self) -> None:
        names = {"wafa": ["Wafa Humanitarian Organization"], "other": ["Ansar Bank"]}
        result = Resolver(Registry.from_names(names)).resolve("WHO")
        assert result.best is not None
        assert result.best.score >= CLEAR_BAND
        assert result.decision is Decision.NO_MATCH


class TestSpelledAcronyms:
    """A name carrying an acronym that the query spells out in words is ranked, even when the
    group's other names look closer before scoring."""

    def test_the_name_with_the_acronym_is_scored_and_wins(self) -> None:
        registry = Registry.from_names(
            {
                "isis-sinai": [
                    "ISIS-Sinai Province",
                    "Islamic State-Sinai Province",
                    "Sinai Province",
                ],
                "isil": ["Islamic State of Iraq and the Levant"],
            },
            countries={"isis-sinai": ["EG"], "isil": ["IQ", "SY"]},
        )
        result = Resolver(registry).resolve("Islamic State of Iraq and the Sham - Sinai Province")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "isis-sinai"
        assert result.best.matched_alias == "ISIS-Sinai Province"

    def test_a_registered_acronym_that_all_the_words_spell_is_scored(self) -> None:
        registry = Registry.from_names(
            {
                "isis-philippines": ["ISIS-Philippines", "ISP"],
                "isil": ["Islamic State of Iraq and the Levant", "Islamic State"],
            }
        )
        result = Resolver(registry).resolve("Islamic State in the Philippines")
        assert result.best is not None
        assert result.best.group.id == "isis-philippines"
        assert result.best.matched_alias == "ISP"
