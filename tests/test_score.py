"""Scoring rules, as a specification: which agreement between two names counts, and how much."""

from __future__ import annotations

from typing import ClassVar

import pytest

from aliasres import Decision, Registry, Resolver
from aliasres.normalize import Token, TokenKind, normalize
from aliasres.score import (
    ALIAS_INITIALS_FACTOR,
    ALTERNATE_READING,
    DERIVED_ACRONYM,
    FUZZY_MIN,
    JOINED_CUT_WORDS,
    JOINED_WORDS,
    SAME_KEY,
    SAME_KEY_FLOOR,
    SAME_TEXT,
    TRUNCATION,
    TokenPair,
    pair_similarity,
)


def best_group(names: dict[str, list[str]], query: str) -> str:
    """The group a small in-memory registry ranks first for ``query``."""
    result = Resolver(Registry.from_names(names)).resolve(query)
    assert result.best is not None
    return result.best.group.id


def token(word: str) -> Token:
    """The one token a word normalises to."""
    (only,) = normalize(word).tokens
    return only


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


class TestCountriesOfTheWorld:
    """Every country is a place, not only those of the militant-group vocabulary."""

    def test_the_country_a_query_names_chooses_between_namesakes(self) -> None:
        registry = Registry.from_names(
            {"afghan-office": ["Revival Society"], "kuwait-office": ["Revival Society"]},
            countries={"afghan-office": ["AF", "PK"], "kuwait-office": ["KW", "GH"]},
        )
        result = Resolver(registry).resolve("Revival Society - Kuwait")
        assert result.best is not None
        assert result.best.group.id == "kuwait-office"

    def test_names_that_differ_by_their_country_do_not_match(self) -> None:
        names = {
            "peru": ["Communist Party of Peru on the Shining Path of Jose Carlos Mariategui"],
            "philippines": ["Communist Party of the Philippines"],
        }
        assert best_group(names, "Communist Party of Peru") == "peru"


class TestPlacesWithinCountries:
    """A region or city counts as the countries it lies in: for the places a group is
    registered in, and for conflicts between places."""

    def test_a_region_of_the_country_a_group_is_registered_in_is_implied(self) -> None:
        registry = Registry.from_names(
            {
                "ansar-al-islam": ["Ansar al-Islam", "Helpers of Islam"],
                "kurdish-battalions": ["Kurdistan Battalion of Islamic State in Iraq"],
            },
            countries={"ansar-al-islam": ["IQ"]},
        )
        result = Resolver(registry).resolve("Supporters of Islam in Kurdistan")
        assert result.best is not None
        assert result.best.group.id == "ansar-al-islam"
        assert "kurdistan ~ -: country-implied" in str(result.best.explanation)

    def test_a_city_in_another_country_is_a_conflict(self) -> None:
        registry = Registry.from_names(
            {"ast": ["Ansar al-Sharia"], "asb": ["Ansar al-Sharia"]},
            countries={"ast": ["TN"], "asb": ["LY"]},
        )
        result = Resolver(registry).resolve("Ansar al-Sharia Benghazi")
        assert result.best is not None
        assert result.best.group.id == "asb"
        (tunisian,) = [c for c in result.candidates if c.group.id == "ast"]
        assert "country conflict (query LY vs group TN)" in str(tunisian.explanation)


class TestWordsOfOtherLanguages:
    """Common words of organisation names pair with their translations."""

    @pytest.mark.parametrize(
        ("word", "translation"),
        [
            ("Bonyad", "Foundation"),  # Persian
            ("Guards", "Hurras"),  # English
            ("Jomhouri", "Republic"),  # Persian
            ("Wakala", "Agency"),  # Arabic
            ("Masjid", "Mosque"),  # Arabic
            ("Timur", "Eastern"),  # Indonesian and Malay
            ("Idhaa", "Radio"),  # Arabic
            ("Hawala", "Remittance"),  # Arabic
            ("Ittihodi", "Union"),  # Uzbek
        ],
    )
    def test_a_word_pairs_with_its_translation(self, word: str, translation: str) -> None:
        assert pair_similarity(token(word), token(translation)) == (SAME_KEY, "concept")

    def test_a_translated_name_finds_its_group(self) -> None:
        names = {
            "martyrs-foundation": ["Martyrs Foundation"],
            "bonyad-taavon": ["Bonyad Taavon Sepah"],
        }
        assert best_group(names, "Bonyad-e Shahid") == "martyrs-foundation"

    def test_money_transfer_is_what_a_company_does_not_which_company_it_is(self) -> None:
        """Money transfer (hawala) is a generic word of exchange houses: a name sharing it
        and not the house's own name ranks below the house."""
        names = {
            "sultan": ["al Sultan Money Transfer Company"],
            "khalidi": ["al-Khalidi Exchange", "Khalidi Company"],
            "filler": ["Hawala Rashid", "Remittance Bureau", "Qaida Money Transfers"],
        }
        assert token("Money Transfer").concept == "hawala"
        assert best_group(names, "al-Khalidi Money Transfer Office") == "khalidi"


class TestPlacesLeftOut:
    """A place of the name that the query leaves out costs only part of its weight."""

    NAMES: ClassVar = {"kish-branch": ["Bank Melli Kish"], "melli": ["Bank Melli Iran"]}

    def test_a_name_that_adds_a_place_is_closer_than_one_that_adds_another_word(self) -> None:
        assert best_group(self.NAMES, "Bank Melli") == "melli"

    def test_the_omitted_place_is_shown_with_what_it_costs(self) -> None:
        result = Resolver(Registry.from_names(self.NAMES)).resolve("Bank Melli")
        assert result.best is not None
        (omitted,) = [p for p in result.best.explanation.pairs if p.rule == "place-omitted"]
        assert omitted.candidate == "iran"

    def test_a_branch_named_after_a_place_stays_below_the_group_itself(self) -> None:
        names = {"isis": ["Islamic State"], "isis-somalia": ["Islamic State Somalia"]}
        assert best_group(names, "al-Dawla al-Islamiya") == "isis"


class TestPlaceSpellings:
    """A place pairs with another word only when the word is a spelling of that place."""

    def test_a_place_spelled_another_way_pairs_with_the_place(self) -> None:
        similarity, rule = pair_similarity(token("Afrikia"), token("Africa"))
        assert rule == "alternate-reading"
        assert similarity >= FUZZY_MIN

    def test_a_word_that_only_sounds_like_a_place_does_not_pair(self) -> None:
        assert pair_similarity(token("Kanaan"), token("Kenya")) == (0.0, "different-place")

    def test_two_different_places_never_pair(self) -> None:
        assert pair_similarity(token("Tunisia"), token("Algeria")) == (0.0, "different-place")

    def test_a_long_place_mistyped_by_one_letter_pairs_with_the_place(self) -> None:
        similarity, rule = pair_similarity(token("Mozamkbique"), token("Mozambique"))
        assert rule == "fuzzy"
        assert similarity >= FUZZY_MIN

    def test_a_short_place_does_not_pair_with_a_word_one_letter_longer(self) -> None:
        assert pair_similarity(token("Malik"), token("Mali")) == (0.0, "different-place")


class TestSoundAlikes:
    """Words that share a consonant skeleton pair as sound-alikes, if the skeleton says enough."""

    def test_spellings_of_one_word_pair_closely(self) -> None:
        similarity, rule = pair_similarity(token("Okba"), token("'Uqbah"))
        assert rule == "same-key"
        assert similarity >= SAME_KEY_FLOOR

    def test_a_one_consonant_skeleton_must_also_be_spelled_alike(self) -> None:
        similarity, rule = pair_similarity(token("Pouya"), token("Pvoe"))
        assert rule == "same-key"
        assert similarity < FUZZY_MIN

    @pytest.mark.parametrize(("left", "right"), [("Pang", "Sang"), ("Kang", "Tang")])
    def test_short_words_that_differ_in_their_first_letter_are_other_words(
        self, left: str, right: str
    ) -> None:
        assert pair_similarity(token(left), token(right)) == (0.0, "no-match")

    @pytest.mark.parametrize(("left", "right"), [("Pang", "Pant"), ("Dmar", "Mar")])
    def test_short_words_that_begin_alike_or_differ_in_length_are_look_alikes(
        self, left: str, right: str
    ) -> None:
        assert pair_similarity(token(left), token(right))[1] == "fuzzy"

    def test_a_short_name_spelled_in_full_beats_one_with_other_syllables(self) -> None:
        names = {"choi": ["Choi, Frederic Chin Pang"], "chi": ["Chi, Sang-chun"]}
        assert best_group(names, "CHOI, Chin-pang") == "choi"

    def test_a_reading_of_another_tradition_counts_as_far_as_the_spellings_agree(self) -> None:
        close, rule = pair_similarity(token("Gamal"), token("Jamal"))  # Egyptian g for jim
        assert rule == "alternate-reading"
        far, rule = pair_similarity(token("Thowra"), token("Sara"))  # Egyptian s for tha
        assert rule == "alternate-reading"
        assert far < close <= ALTERNATE_READING


class TestInitials:
    """An acronym-shaped query agrees with the initials of registered names."""

    NAMES: ClassVar = {
        "army-of-islam": ["Army of Islam", "Jaysh al-Islam"],
        "jemaa-islamiyah": ["Jemaa Islamiyah"],
    }

    def test_initials_of_the_name_a_group_goes_by_beat_initials_of_an_alias(self) -> None:
        assert best_group(self.NAMES, "JI") == "jemaa-islamiyah"

    def test_initials_of_an_alias_say_so_and_still_count(self) -> None:
        result = Resolver(Registry.from_names(self.NAMES)).resolve("JI")
        (alias,) = [c for c in result.candidates if c.group.id == "army-of-islam"]
        assert "initials of an alias" in dict(alias.explanation.components)
        assert alias.score == pytest.approx(DERIVED_ACRONYM * ALIAS_INITIALS_FACTOR)


class TestPlacesInsideAnAcronym:
    def test_places_the_name_spells_in_an_acronym_are_not_a_country_conflict(self) -> None:
        registry = Registry.from_names(
            {
                "iswap": ["ISIS West Africa Province"],
                "isil": ["Islamic State of Iraq and the Levant"],
            },
            countries={"iswap": ["NG"], "isil": ["IQ", "SY"]},
        )
        result = Resolver(registry).resolve("Islamic State of Iraq and Syria West Africa Province")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "iswap"
        assert "country conflict" not in str(result.best.explanation)


class TestAcronymsAreComparedExactly:
    @pytest.mark.parametrize(("left", "right"), [("HUJI-B", "HUJI"), ("JAK-T", "JAK-A")])
    def test_two_different_acronyms_do_not_pair(self, left: str, right: str) -> None:
        """A branch's acronym is not its parent's (HUJI-B, HUJI), nor a sister branch's."""
        (a,) = normalize(left).tokens
        (b,) = normalize(right).tokens
        assert pair_similarity(a, b) == (0.0, "different-acronym")

    def test_a_branch_acronym_finds_the_branch_spelled_out_before_the_parent(self) -> None:
        names = {
            "huji": ["HUJI"],
            "huji-b": ["Harakat ul-Jihad-i-Islami/Bangladesh"],
        }
        assert best_group(names, "HUJI-B") == "huji-b"


class TestNumbers:
    """Numbers are not spelled differently: two that differ never pair, however alike."""

    @pytest.mark.parametrize(("left", "right"), [("2655", "2656"), ("7th", "17th"), ("1a", "2a")])
    def test_different_numbers_do_not_pair(self, left: str, right: str) -> None:
        assert pair_similarity(token(left), token(right)) == (0.0, "different-number")

    def test_the_same_number_pairs(self) -> None:
        assert pair_similarity(token("2655"), token("2655")) == (SAME_TEXT, "same-text")

    def test_a_hull_number_tells_sister_ships_apart(self) -> None:
        result = Resolver(Registry.from_names({"yard-2655": ["Hyundai Mipo 2655"]})).resolve(
            "Hyundai Mipo 2656"
        )
        assert result.decision is not Decision.MATCH
        assert result.best is not None
        assert "different-number" not in {p.rule for p in result.best.explanation.pairs}
        assert ("2656", None) in {(p.query, p.candidate) for p in result.best.explanation.pairs}


class TestTruncatedWords:
    def test_a_word_cut_short_pairs_with_the_whole_word(self) -> None:
        similarity, rule = pair_similarity(token("Air"), token("Airlines"))
        assert rule == "truncation"
        assert similarity == TRUNCATION

    def test_a_name_cut_short_is_more_than_its_place(self) -> None:
        names = {"syrian-arab-airlines": ["Syrian Arab Airlines"], "sham-trading": ["Sham Trading"]}
        assert best_group(names, "Syrian Air") == "syrian-arab-airlines"

    def test_lexicon_words_are_not_truncations(self) -> None:
        _, rule = pair_similarity(token("Islam"), token("Islamabad"))
        assert rule == "no-match"


class TestJoinedWords:
    """A word on one side may be two words of the other written together, or with the end of
    the first lost across the word boundary; it pairs with the two, a little below an exact
    pair, and the explanation says so."""

    @staticmethod
    def _joined_pair(names: dict[str, list[str]], query: str) -> TokenPair:
        result = Resolver(Registry.from_names(names)).resolve(query)
        assert result.best is not None
        (pair,) = [p for p in result.best.explanation.pairs if p.rule.startswith("joined")]
        return pair

    def test_a_word_written_as_two_pairs_with_both(self) -> None:
        names = {"future": ["Future Bank"], "trading": ["Future Trading"]}
        result = Resolver(Registry.from_names(names)).resolve("FUTUREBANK")
        assert result.decision is Decision.MATCH
        assert result.best is not None
        assert result.best.group.id == "future"
        pair = self._joined_pair(names, "FUTUREBANK")
        assert (pair.query, pair.candidate) == ("futurebank", "future bank")
        assert (pair.rule, pair.similarity) == ("joined-words", JOINED_WORDS)
        assert JOINED_WORDS < SAME_TEXT

    def test_two_words_written_as_one_in_the_registry_pair_with_it(self) -> None:
        names = {"fastlink": ["Fastlink SARL"], "fast": ["Fast Trading SARL"]}
        assert best_group(names, "FAST LINK SAL") == "fastlink"
        pair = self._joined_pair(names, "FAST LINK SAL")
        assert (pair.query, pair.candidate, pair.rule) == ("fast link", "fastlink", "joined-words")

    def test_a_word_whose_first_part_lost_its_end_pairs_for_less(self) -> None:
        names = {"nla": ["National Liberation Army"], "army": ["Liberation Army"]}
        assert best_group(names, "NATIONLIBERATION ARMY") == "nla"
        pair = self._joined_pair(names, "NATIONLIBERATION ARMY")
        assert pair.candidate == "national liberation"
        assert (pair.rule, pair.similarity) == ("joined-cut-words", JOINED_CUT_WORDS)
        assert JOINED_CUT_WORDS < JOINED_WORDS

    def test_a_joined_word_goes_before_a_generic_partner_of_one_of_its_words(self) -> None:
        """Trading and FZE are both company words: FZE pairs with FZE, not with Trading,
        which Genertrading spells."""
        names = {"grandeur": ["Grandeur General Trading FZE"]}
        result = Resolver(Registry.from_names(names)).resolve("GRANDEUR GENERTRADING FZE")
        assert result.decision is Decision.MATCH
        pair = self._joined_pair(names, "GRANDEUR GENERTRADING FZE")
        assert pair.candidate == "general trading"

    def test_the_phonetic_keys_join_when_the_spellings_were_read_as_one_word(self) -> None:
        """The Latin rules spell Industrigroup industrigrup; its key still ends with the key
        of group and begins with that of industrial."""
        pair = self._joined_pair({"neda": ["NEDA Industrial Group"]}, "NEDA INDUSTRIGROUP")
        assert pair.candidate == "industrial group"

    def test_inside_a_joined_word_the_second_word_has_no_initial_vowel_marker(self) -> None:
        """Charitabaqsa is read sharitabaqsa, key CRTBKS; Aqsa's key is AKS, whose A only
        marks a word that begins with a vowel."""
        pair = self._joined_pair({"aqsa": ["Charitable Aqsa Society"]}, "CHARITABAQSA SOCIETY")
        assert (pair.candidate, pair.rule) == ("charitable aqsa", "joined-cut-words")

    def test_a_word_that_does_not_spell_the_two_words_does_not_pair_with_them(self) -> None:
        result = Resolver(Registry.from_names({"f": ["Future Trading"]})).resolve("FUTUREBANK")
        pairs = result.best.explanation.pairs if result.best is not None else ()
        assert not [p for p in pairs if p.rule.startswith("joined")]

    def test_two_letters_left_of_the_first_word_are_too_few(self) -> None:
        result = Resolver(Registry.from_names({"g": ["General Trading"]})).resolve("GETRADING")
        pairs = result.best.explanation.pairs if result.best is not None else ()
        assert not [p for p in pairs if p.rule.startswith("joined")]

    def test_keys_that_join_must_belong_to_words_spelled_alike(self) -> None:
        """Ir Ital and Artavil share their keys (AR + TL: keys leave out vowels and v/w), but
        Artavil is not Ir Ital written as one word; Irital is."""
        result = Resolver(Registry.from_names({"a": ["Artavil"]})).resolve("IR-ITAL")
        pairs = result.best.explanation.pairs if result.best is not None else ()
        assert not [p for p in pairs if p.rule.startswith("joined")]
        names = {"artavil": ["Artavil"], "irital": ["Irital Shipping S.R.L."]}
        assert best_group(names, "IR-ITAL") == "irital"


class TestWordsOfOneConcept:
    def test_a_word_pairs_with_its_own_spelling_before_another_word_of_its_concept(
        self,
    ) -> None:
        """FZCO and Trading are both company words: the query's FZCO pairs with the name's
        FZCO, which leaves Trading to the query's mistyped Tradirng."""
        names = {"aa": ["A A Trading FZCO"], "asbl": ["ASBL"]}
        assert best_group(names, "A A TRADIRNG FZCO") == "aa"
        result = Resolver(Registry.from_names(names)).resolve("A A TRADIRNG FZCO")
        assert result.best is not None
        pairs = {(p.query, p.candidate, p.rule) for p in result.best.explanation.pairs}
        assert ("fzco", "fzco", "same-text") in pairs


class TestWhatACompanyDoes:
    def test_industries_is_as_little_telling_as_a_legal_form(self) -> None:
        """Kalai Industries is Mohammed Kalai's company sooner than Kala Limited: Industries
        says what the company does, not which company it is, and weighs as little as Limited."""
        names = {"kalai": ["Kalai Industries"], "kala": ["Kala Limited"]}
        assert best_group(names, "MOHAMMED KALAI") == "kalai"
        assert normalize("Kalai Industries").tokens[1].kind is TokenKind.GENERIC
