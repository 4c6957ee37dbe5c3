"""Arabic script (aliasres.arabic): letter variants, clitics, key and romanisation."""

from __future__ import annotations

import pytest

from aliasres import arabic
from aliasres.fold import fold_chars
from aliasres.lexicon import load_lexicon


def folded(word: str) -> str:
    return arabic.fold_letters(fold_chars(word))


class TestLetterFolding:
    """Letter variants become one canonical letter (notes table 1.2)."""

    @pytest.mark.parametrize(
        ("variant", "canonical"),
        [
            ("الإسلامي", "الاسلامي"),  # hamza below alef
            ("أنصار", "انصار"),  # hamza above alef
            ("آمر", "امر"),  # madda
            ("مؤسسة", "موسسة"),  # hamza on waw
            ("هيئة", "هيية"),  # hamza on yeh
            ("سيناء", "سينا"),  # hamza on the line
            ("لشکر", "لشكر"),  # Persian keheh
            ("طیبہ", "طيبه"),  # Farsi yeh, heh goal
            ("الڨصرين", "القصرين"),  # Tunisian gaf
        ],
    )
    def test_variants(self, variant: str, canonical: str) -> None:
        assert arabic.fold_letters(variant) == canonical

    def test_lookup_form_merges_ta_marbuta_and_heh(self) -> None:
        """Writers interchange ة and ه (القاعده in UN data), ى and ي."""
        assert arabic.lookup_form("القاعدة") == arabic.lookup_form("القاعده")
        assert arabic.lookup_form("مصطفى") == arabic.lookup_form("مصطفي")


class TestClitics:
    """The article and proclitics split off; root letters stay."""

    @staticmethod
    def known(word: str) -> bool:
        return load_lexicon().knows_arabic(word)

    @pytest.mark.parametrize(
        ("word", "clitics", "stem"),
        [
            ("الخلافة", ("al",), "خلافة"),
            ("والجهاد", ("wa", "al"), "جهاد"),
            ("للدعوة", ("li", "al"), "دعوة"),
            ("بالدماء", ("bi", "al"), "دما"),
            ("ولاية", (), "ولاية"),  # waw is a root letter of wilaya
            ("الله", (), "الله"),  # a known word is not split
            ("بتونس", ("bi",), "تونس"),  # bare proclitic before a known word
            ("والي", (), "والي"),  # too short to hold wa + al
        ],
    )
    def test_split(self, word: str, clitics: tuple[str, ...], stem: str) -> None:
        assert arabic.split_clitics(arabic.fold_letters(word), self.known) == (
            clitics,
            arabic.fold_letters(stem),
        )

    def test_sun_letter_article(self) -> None:
        assert arabic.article_form("شام") == "ash-"
        assert arabic.article_form("خلافة") == "al-"


class TestSkeleton:
    """Arabic letters go straight to key symbols (notes table 1.4)."""

    @pytest.mark.parametrize(
        ("word", "key"),
        [
            ("عقبة", "AKB"),  # initial ayn is the initial-vowel marker
            ("نافع", "NF"),  # final ayn emits nothing
            ("خلافة", "XLF"),  # ta marbuta dropped
            ("أنصار", "ANSR"),
            ("أجناد", "AJND"),
            ("جند", "JND"),
            ("شريعة", "CR"),
            ("ولاية", "WL"),  # initial waw is a consonant
            ("حركات", "HRK"),  # plural -at dropped like Latin harakat
            ("طیبہ", "TB"),
            ("طالبان", "TLBN"),
        ],
    )
    def test_keys(self, word: str, key: str) -> None:
        assert arabic.skeleton(folded(word)) == key

    def test_false_digraph_trap(self) -> None:
        """ت+ح is T H, never the th of ث: تحرير keys like Latin Tahrir."""
        assert arabic.skeleton(folded("تحرير")) == "THR"
        assert arabic.skeleton(folded("ثورة")) == "TR"

    def test_alternate_readings(self) -> None:
        """ث may be read s (Hadis), ج g (Egyptian), ق g (Maghrebi)."""
        assert dict(arabic.alternate_keys(folded("حديث"))) == {"tr": "HDS"}
        assert dict(arabic.alternate_keys(folded("جماعة"))) == {"eg": "GM"}


class TestRomanize:
    """The display form: readable, and free of false Latin digraphs."""

    @pytest.mark.parametrize(
        ("word", "latin"),
        [
            ("تحرير", "tahrir"),  # a vowel breaks t+h
            ("مكهف", "mkahf"),  # and k+h
            ("عقبة", "aqba"),
            ("ولاية", "wlaya"),
            ("پاکستان", "pakstan"),  # short vowels are not written
        ],
    )
    def test_examples(self, word: str, latin: str) -> None:
        assert arabic.romanize(folded(word)) == latin
