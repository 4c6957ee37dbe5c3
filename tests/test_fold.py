"""Character-level folding (aliasres.fold): one table of examples per step."""

from __future__ import annotations

import pytest

from aliasres.fold import (
    apostrophe_split,
    casefold,
    char_table,
    english_possessive,
    fold_chars,
    fold_chars_traced,
    french_elision,
    nfkc,
    punctuation,
    romanize_other,
    split_scripts,
)


class TestNfkc:
    """NFKC turns presentation forms and ligatures into base letters."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ﻛﺘﻴﺒﺔ", "كتيبة"),  # presentation forms; unidecode returns "" for these
            ("ﷲ", "الله"),  # ligature
            ("ﻻ", "لا"),
            ("Ｊｕｎｄ", "Jund"),  # full-width
            ("Jund", "Jund"),
        ],
    )
    def test_examples(self, text: str, expected: str) -> None:
        assert nfkc(text) == expected


class TestCasefold:
    """Full case folding, not just lower()."""

    def test_sharp_s(self) -> None:
        assert casefold("STRAẞE") == "strasse"

    def test_ascii(self) -> None:
        assert casefold("Jund AL-Khilafa") == "jund al-khilafa"


class TestApostrophes:
    """Apostrophe-like ayn/hamza signs, possessives, elision and split words."""

    @pytest.mark.parametrize(
        "text",
        ["qa'ida", "qa’ida", "qa‘ida", "qaʿida", "qaʾida", "qa`ida", "qa´ida", "qaʻida", "qaʼida"],
    )
    def test_every_apostrophe_style_is_deleted(self, text: str) -> None:
        assert fold_chars(text) == "qaida"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("jihad's base", "jihad base"), ("isil’s south asia", "isil south asia"), ("a's", "a's")],
    )
    def test_english_possessive(self, text: str, expected: str) -> None:
        assert english_possessive(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("afrique de l'ouest", "afrique de l ouest"),
            ("d'algerie", "d algerie"),
            ("wa'l-jihad", "wa'l-jihad"),  # not at the start of a word: Arabic wa'l
        ],
    )
    def test_french_elision(self, text: str, expected: str) -> None:
        assert french_elision(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("jaza' ir", "jazair"),  # OFAC: JUND AL-KHILAFAH FI ARD AL-JAZA' IR
            ("nafi' al", "nafi' al"),  # a particle follows: not rejoined
            ("nafi' battalion", "nafi' battalion"),  # a long word follows
        ],
    )
    def test_apostrophe_split(self, text: str, expected: str) -> None:
        assert apostrophe_split(text) == expected


class TestCharTable:
    """One translate table: marks, controls, scholarly letters, accents, digits."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ǧund al-ḫilāfa", "jund al-khilafa"),  # DIN letters keep their digraph
            ("ḥayʾat taḥrīr aš-šām", "hayat tahrir ash-sham"),
            ("anṣār al-sharīʿah", "ansar al-shariah"),
            ("qaïda", "qaida"),
            ("ançar", "ansar"),  # French cedilla
            ("جـنـد", "جند"),  # tatweel
            ("جُنْد", "جند"),  # harakat
            ("a\u200fb\u200bc", "abc"),  # bidi mark, zero-width space
            ("٢٠١٨ ۲۰۱۸", "2018 2018"),  # Arabic-Indic and Persian digits
            ("الخلافة؛", "الخلافة;"),  # Arabic semicolon
        ],
    )
    def test_examples(self, text: str, expected: str) -> None:
        assert char_table(text) == expected


class TestPunctuation:
    """Non-letters, non-digits become single spaces."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("jund al-khilafa-tunisia (jak-t)", "jund al khilafa tunisia jak t"),
            ("a/b_c.d", "a b c d"),
            ("  many   spaces\t\n", "many spaces"),
            ("emoji 🙂 here", "emoji here"),
            ("---", ""),
        ],
    )
    def test_examples(self, text: str, expected: str) -> None:
        assert punctuation(text) == expected


class TestFoldChars:
    """The whole character pipeline, and its trace."""

    def test_trace_names_the_steps(self) -> None:
        folded, trace = fold_chars_traced("Katibat ‘Uqbah Bin Nafi")
        assert folded == "katibat uqbah bin nafi"
        assert trace == ["casefold", "apostrophe"]

    def test_fast_path_matches_the_steps(self) -> None:
        for text in ("Jund al-Khilafah in Tunisia", "AQIM", "a, b / c"):
            assert fold_chars_traced(text)[0] == fold_chars(text)

    def test_empty(self) -> None:
        assert fold_chars("") == ""
        assert fold_chars_traced("") == ("", [])


class TestScripts:
    """Splitting mixed-script tokens and transliterating other scripts."""

    def test_split_scripts(self) -> None:
        assert split_scripts("isisداعش") == ["isis", "داعش"]

    def test_cyrillic(self) -> None:
        assert romanize_other("джамаат") == ["dzhamaat"]

    def test_emoji_vanishes(self) -> None:
        assert romanize_other("🙂") == []
