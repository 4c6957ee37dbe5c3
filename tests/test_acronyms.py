"""Acronyms (aliasres.acronyms): acronym-shaped input and initials-based forms."""

from __future__ import annotations

import pytest

from aliasres.acronyms import (
    acronym_form,
    canonical,
    initials,
    is_acronym_token,
    strip_parenthesised,
)
from aliasres.lexicon import load_lexicon
from aliasres.normalize import normalize


def is_word(word: str) -> bool:
    lexicon = load_lexicon()
    return word in lexicon.raw


KNOWN = frozenset({"AQIM", "JAK", "ISIS", "ISIL", "AST", "AAS", "IS"})


class TestCanonical:
    """Upper case, letters and digits only."""

    @pytest.mark.parametrize(
        ("text", "form"), [("JAK-T", "JAKT"), ("a.q.i.m.", "AQIM"), ("LeT", "LET")]
    )
    def test_examples(self, text: str, form: str) -> None:
        assert canonical(text) == form


class TestAcronymForm:
    """Whole inputs that are acronym-shaped, and inputs that are not."""

    @pytest.mark.parametrize(
        ("text", "form"),
        [
            ("AQIM", "AQIM"),
            ("a.q.i.m.", "AQIM"),
            ("A. Q. I. M.", "AQIM"),
            ("aqim", "AQIM"),  # known, so case does not matter
            ("JAK-T", "JAKT"),
            ("Jak T", "JAKT"),
            ("ISIS-K", "ISISK"),
            ("LeT", "LET"),  # mixed case: not the English word
            ("GSPC", "GSPC"),  # no vowel
            ("(AST)", "AST"),
        ],
    )
    def test_acronyms(self, text: str, form: str) -> None:
        assert acronym_form(text, KNOWN, is_word) == form

    @pytest.mark.parametrize(
        "text",
        ["Daesh", "DAESH", "Okba", "OKBA", "Al Qaida", "ISIS-Tunisia", "let", "is", "", "  "],
    )
    def test_not_acronyms(self, text: str) -> None:
        assert acronym_form(text, KNOWN, is_word) is None

    @pytest.mark.parametrize("text", ["YAS AIR", "KIM HAN", "TAN WEI TCO", "IR-ITAL"])
    def test_several_short_words_in_capitals_are_words(self, text: str) -> None:
        """A lone short word in capitals is an acronym (TTP); several are words unless each
        longer part is an acronym by its own shape: known, vowel-less or mixed case."""
        assert acronym_form(text, KNOWN, is_word) is None

    @pytest.mark.parametrize(
        ("text", "form"), [("ISIS K", "ISISK"), ("JAK-T", "JAKT"), ("GSPC-QF", "GSPCQF")]
    )
    def test_several_parts_that_are_acronyms_by_their_shape(self, text: str, form: str) -> None:
        assert acronym_form(text, KNOWN, is_word) == form

    def test_token_rules(self) -> None:
        """Inside a name (not the whole input), short capitals alone are not enough."""
        assert is_acronym_token("ISIS", KNOWN, is_word)
        assert is_acronym_token("isis", KNOWN, is_word)
        assert not is_acronym_token("IS", KNOWN, is_word, shouting=True)
        assert is_acronym_token("IS", KNOWN, is_word)
        assert not is_acronym_token("ABE", KNOWN, is_word)
        assert is_acronym_token("ABE", KNOWN, is_word, whole=True)


class TestParenthesised:
    """A short form in parentheses is an explicit acronym of the name."""

    def test_taken_out(self) -> None:
        text, found = strip_parenthesised("Tehrik-e Taliban Pakistan (TTP)", KNOWN, is_word)
        assert found == ["TTP"]
        assert text.strip() == "Tehrik-e Taliban Pakistan"

    def test_words_in_parentheses_stay(self) -> None:
        text, found = strip_parenthesised("Ansar (Supporters)", KNOWN, is_word)
        assert found == []
        assert "Supporters" in text


class TestInitials:
    """Initials with and without the Arabic article, and of every word."""

    def test_three_forms(self) -> None:
        units = [("a", "article"), ("q", "content"), ("i", "function"), ("t", "function")]
        units += [("i", "content"), ("m", "content")]
        assert initials(units) == ("AQIM", "QIM", "AQITIM")

    def test_one_content_word_implies_none(self) -> None:
        assert initials([("a", "article"), ("q", "content")]) == ()

    @pytest.mark.parametrize(
        ("name", "acronym"),
        [
            ("al-Qa'ida in the Islamic Maghreb", "AQIM"),
            ("Al-Qaïda au Maghreb islamique", "AQMI"),
            ("Jund al-Khilafah in Tunisia", "JAKT"),
            ("Ansar al-Sharia in Tunisia", "AST"),
            ("Islamic State of Iraq and the Levant", "ISIL"),
            ("Lashkar-e-Tayyiba", "LET"),
        ],
    )
    def test_from_names(self, name: str, acronym: str) -> None:
        assert acronym in normalize(name).acronyms

    def test_arabic_script_implies_none(self) -> None:
        assert normalize("جند الخلافة في تونس").acronyms == ()
