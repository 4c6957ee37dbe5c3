"""aliasres.normalize: the public contract, the golden variant sets and the examples of issue 4.

Golden data lives in tests/data/variant_sets.yaml; each spelling is its own test id, so a
failure names the variant.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import aliasres
from aliasres import NormalizedName, Token, TokenKind, normalize, phonetic_key
from aliasres.normalize import fold

DATA = yaml.safe_load((Path(__file__).parent / "data" / "variant_sets.yaml").read_text("utf-8"))


def core(name: str, *, free: bool = False) -> str:
    """The core key, or for word-order-free sets the sorted core identities."""
    result = normalize(name)
    if not free:
        return result.core_key
    return " ".join(sorted(t.identity for t in result.tokens if t.kind is not TokenKind.GENERIC))


def golden_cases() -> Iterator[Any]:
    for entry in DATA["sets"]:
        free = entry.get("order") == "free"
        first = entry["names"][0]
        for name in entry["names"][1:]:
            yield pytest.param(first, name, free, id=f"{entry['id']}: {name}")


class TestGoldenSets:
    """Every spelling of a group shares the core key of the set's first name."""

    def test_enough_sets(self) -> None:
        assert len(DATA["sets"]) >= 30

    @pytest.mark.parametrize(("first", "name", "free"), list(golden_cases()))
    def test_member_agrees(self, first: str, name: str, free: bool) -> None:
        assert core(name, free=free) == core(first, free=free)

    @pytest.mark.parametrize(
        ("left", "right", "why", "core_too"),
        [pytest.param(*row, id=f"{row[0]} / {row[1]}") for row in DATA["must_differ"]],
    )
    def test_must_differ(self, left: str, right: str, why: str, core_too: bool) -> None:
        a, b = normalize(left), normalize(right)
        assert a.key != b.key, why
        if core_too:
            assert a.core_key != b.core_key, why

    @pytest.mark.parametrize(("query", "form"), DATA["acronym_queries"], ids=str)
    def test_acronym_queries(self, query: str, form: str) -> None:
        assert normalize(query).acronym == form

    @pytest.mark.parametrize("query", DATA["not_acronyms"])
    def test_not_acronyms(self, query: str) -> None:
        assert normalize(query).acronym is None

    @pytest.mark.parametrize(("name", "form"), DATA["derived_acronyms"], ids=str)
    def test_derived_acronyms(self, name: str, form: str) -> None:
        assert form in normalize(name).acronyms


class TestContract:
    """What callers can rely on."""

    def test_exported(self) -> None:
        for name in ("normalize", "NormalizedName", "Token", "TokenKind", "phonetic_key"):
            assert name in aliasres.__all__

    def test_rejects_non_str(self) -> None:
        # The second message is mypyc's: a compiled build checks the argument at the call.
        with pytest.raises(
            TypeError, match=r"name must be str, got bytes|str object expected; got bytes"
        ):
            normalize(b"Jund al-Khilafa")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"got NoneType|str object expected; got None"):
            normalize(None)  # type: ignore[arg-type]

    @pytest.mark.parametrize("text", ["Nنآ", "NءN", "ash الشام", "رٺ:ڑٮ", "آدD0"])
    def test_mixed_scripts_normalise_to_a_fixed_point(self, text: str) -> None:
        """A sun letter before an Arabic word is compared with the word's transliteration, a
        word that leaves no token (a lone hamza) is skipped, and an Arabic word whose
        transliteration is an assimilated article (آد: ad before d) is one, as a second pass
        sees them."""
        folded = normalize(text).folded
        assert normalize(folded).folded == folded

    def test_frozen_and_cached(self) -> None:
        result = normalize("Jund al-Khilafa")
        assert normalize("Jund al-Khilafa") is result
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.folded = "x"  # type: ignore[misc]

    def test_token_kind_values(self) -> None:
        assert {k.value for k in TokenKind} == {
            "function",
            "generic",
            "common",
            "country",
            "distinctive",
        }

    def test_fields(self) -> None:
        result = normalize("Katibat 'Uqbah Bin Nafi fi Tunis")
        assert isinstance(result, NormalizedName)
        assert result.original == "Katibat 'Uqbah Bin Nafi fi Tunis"
        assert result.folded == "katiba uqba bin nafi tunisia"
        assert [t.kind for t in result.tokens] == [
            TokenKind.GENERIC,
            TokenKind.DISTINCTIVE,
            TokenKind.GENERIC,
            TokenKind.DISTINCTIVE,
            TokenKind.COUNTRY,
        ]
        assert result.key == "c:brigade k:AKB c:ibn k:NF c:TN"
        assert result.core_key == "k:AKB k:NF c:TN"
        assert result.countries == ("TN",)
        assert result.script == "Latn"
        assert result.acronym is None
        assert not result.is_empty

    def test_token(self) -> None:
        token = normalize("Uqba").tokens[0]
        assert token == Token("uqba", "AKB", (), TokenKind.DISTINCTIVE, 1.0, None)
        assert token.identity == "k:AKB"
        khilafa = normalize("Khilafah").tokens[0]
        assert (khilafa.text, khilafa.key, khilafa.concept) == ("khilafa", "XLF", "khilafa")
        assert khilafa.identity == "c:khilafa"

    def test_weights(self) -> None:
        weights = {t.text: t.weight for t in normalize("Katibat Jihad Tawhid Tunisia Uqba").tokens}
        assert weights["katiba"] < weights["jihad"] < weights["tawhid"] < weights["tunisia"]
        assert weights["uqba"] == 1.0

    def test_function_words_are_not_tokens(self) -> None:
        result = normalize("The Organization of al-Jihad's Base in Iraq")
        assert "the" not in result.folded.split()
        assert "function:of" in result.trace
        assert "article:al-" in result.trace

    @pytest.mark.parametrize("text", ["", "   ", "---", "ـــ", "🙂"])
    def test_empty(self, text: str) -> None:
        result = normalize(text)
        assert result.is_empty
        assert result.key == result.core_key == result.folded == ""

    @pytest.mark.parametrize(
        ("text", "folded"),
        [("al", "al"), ("the of and", "the of and"), ("Mit", "mit"), ("في", "fi"), ("Al-", "al")],
    )
    def test_function_words_alone_are_kept(self, text: str, folded: str) -> None:
        """A name of function words only keeps them as tokens rather than becoming empty."""
        result = normalize(text)
        assert result.folded == folded
        assert all(t.kind is TokenKind.DISTINCTIVE for t in result.tokens)
        assert "function-words-kept" in result.trace

    @pytest.mark.parametrize(
        ("text", "folded"), [("Dٮ", "d li"), ("D على", "d li"), ("Of من", "of min")]
    )
    def test_arabic_function_words_kept_are_spelled_as_the_lexicon_spells_them(
        self, text: str, folded: str
    ) -> None:
        """Letter by letter, على would read ala (Allah) and ب a lone b (bin) in the folded name,
        which would then normalise to something else."""
        assert normalize(text).folded == folded
        assert normalize(folded).folded == folded

    @pytest.mark.parametrize("text", ["MIT", "THE", "AL"])
    def test_capitalised_function_word_alone_is_an_acronym(self, text: str) -> None:
        """OFAC lists MIT as an alias: a short all-capital function word alone is an acronym."""
        result = normalize(text)
        assert result.acronym == text
        assert result.key == "k:#" + text

    @pytest.mark.parametrize(
        ("text", "script"),
        [
            ("Jund al-Khilafa", "Latn"),
            ("جند الخلافة", "Arab"),
            ("Джамаат", "Cyrl"),
            ("Jund جند الخلافة", "mixed"),
            ("", ""),
            ("123", ""),
        ],
    )
    def test_script(self, text: str, script: str) -> None:
        assert normalize(text).script == script

    def test_fold_is_character_level(self) -> None:
        assert fold("Jund al-Khilāfa / جند الخلافة") == "jund al khilafa jnd alkhlafa"

    def test_key_variants(self) -> None:
        """Alternate readings give alternate whole-name keys (German ch = kh)."""
        variants = normalize("Chalid Chawaja").key_variants
        assert variants[0] == "k:CLD k:CJ"
        assert "k:XLD k:XJ" in variants


class TestIssueExamples:
    """The spellings the issue names."""

    def test_tala_i(self) -> None:
        """OFAC turned the apostrophe of Tala'i into a space."""
        assert (
            normalize("Tala I Jund al-Khilafah").core_key
            == normalize("Tala'i Jund al-Khilafah").core_key
        )
        assert (
            normalize("Tala I Jund al-Khilafah").core_key
            == normalize("Vanguards of the Soldiers of the Caliphate").core_key
        )

    @pytest.mark.parametrize(
        ("french", "english"),
        [
            ("Ansar Al-Chariaa", "Ansar al-Sharia"),
            ("Okba Ibn Nafaa", "Uqba bin Nafi"),
            ("Jound al-Khilafa", "Jund al-Khilafa"),
        ],
    )
    def test_french(self, french: str, english: str) -> None:
        assert normalize(french).core_key == normalize(english).core_key

    def test_german(self) -> None:
        assert normalize("Dschund al-Chilafa").core_key == normalize("Jund al-Khilafa").core_key

    def test_spanish(self) -> None:
        assert normalize("Yihad").core_key == normalize("Jihad").core_key == "c:jihad"

    def test_arabic_agrees_with_latin(self) -> None:
        assert normalize("كتيبة عقبة بن نافع").key == normalize("Katibat Uqba bin Nafi").key

    def test_generic_words_are_kept(self) -> None:
        """Down-weighted, never deleted: they tell Katibat from Jamaat al-Tawhid wal-Jihad."""
        assert normalize("Uqba bin Nafi Battalion").key != normalize("Uqba bin Nafi").key
        assert normalize("Uqba bin Nafi Battalion").core_key == normalize("Uqba bin Nafi").core_key

    def test_isis_family_distinct(self) -> None:
        parent = normalize("Islamic State of Iraq and al-Sham")
        branch = normalize("ISIS-Tunisia Province")
        assert parent.key != branch.key
        assert branch.countries == ("TN",)
        assert parent.countries == ("IQ", "region:sham")

    @pytest.mark.parametrize("word", ["Algeria", "Allah", "Ali", "Alawi", "Albania", "Assad"])
    def test_attached_article_gate(self, word: str) -> None:
        """Words that only look like al- + word keep their first letters."""
        assert normalize(word).folded.startswith(word.lower()[:2])

    def test_trace_names_rules(self) -> None:
        trace = normalize("Djound al-Khilafa en Tunisie").trace
        assert "article:al-" in trace
        assert "country:tunisie=TN" in trace
        assert any(step.startswith("lexicon:djound=jund") for step in trace)
        arabic = normalize("كتيبة عقبة").trace
        assert "arabic:ta-marbuta" in arabic
        assert "lexicon:كتيبة=brigade(generic)" in arabic
        assert "latin:R2 dj->j" in normalize("Djihadiyya Uqba").trace

    def test_parenthesised_acronym(self) -> None:
        result = normalize("Jund Al Khilafah-Tunisia (JAK-T)")
        assert result.acronyms[0] == "JAKT"
        assert result.core_key == "c:jund c:khilafa c:TN"

    def test_initials_with_and_without_the_legal_form(self) -> None:
        """A company's initials are written with its legal form and without it: NIORDC and
        NIOEC. The form with it comes first; a name must keep two initials without it."""
        refining = normalize("National Iranian Oil Refining and Distribution Company").acronyms
        assert refining[0] == "NIORDC"
        assert "NIORD" in refining
        building = normalize("National Iranian Oil Engineering and Construction Company")
        assert building.acronyms.index("NIOECC") < building.acronyms.index("NIOEC")
        assert normalize("Beirut Trade S.A.L.").acronyms == ("BTS", "BT")
        assert normalize("Acme Trading Co. Ltd.").acronyms == ("ATCL",)  # Acme alone: none
        assert normalize("Bank of Beirut").acronyms == ("BB", "BOB")  # no legal form
        assert normalize("Fondation Secours Mondial A.S.B.L.").acronyms == ("FSMA", "FSM")

    def test_acronym_tokens_are_not_keyed(self) -> None:
        """ISIL never meets al-Islah through a phonetic key."""
        assert normalize("ISIL").tokens[0].key == "#ISIL"
        assert normalize("ISIL").key != normalize("al-Islah").key
        assert normalize("ISIS-Tunisia").tokens[0].key == "#ISIS"
        assert normalize("AQIM").key == "k:#AQIM"

    @pytest.mark.parametrize("name", ["ISIS", "ISIL", "isis", "EIIL", "Daesh", "Da'ish", "داعش"])
    def test_daesh_is_the_arabic_acronym_of_isis(self, name: str) -> None:
        """ISIS and ISIL stay acronym tokens (never keyed) but share Daesh's concept."""
        result = normalize(name)
        assert result.key == "c:isis"
        assert normalize("Daesh Tunisia").key == normalize("ISIS-Tunisia").key == "c:isis c:TN"
        assert normalize("ISIS-K").key == "k:#ISISK"  # a branch acronym is its own string

    @pytest.mark.parametrize(
        ("name", "core"),
        [
            ("ACME TRADING CO., LTD.", "k:AKM"),
            ("Acme Holding GmbH", "k:AKM"),
            ("Acme Sdn Bhd", "k:AKM"),
            ("OOO Acme", "k:AKM"),
            ("Acme LLC", "k:AKM"),
            ("Acme L.L.C.", "k:AKM"),  # written with dots
            ("Acme Trading S.A.R.L.", "k:AKM"),
            ("Acme A.S.B.L.", "k:AKM"),  # Belgian non-profit association, French ...
            ("Acme VZW", "k:AKM"),  # ... and Dutch
            ("Acme Limited Liability Company", "k:AKM"),
            ("Closed Joint-Stock Company Acme", "k:AKM"),
            ("Obshchestvo s Ogranichennoi Otvetstvennostyu Acme", "k:AKM"),  # Russian OOO
            ("Aktsionernoe Obshchestvo Acme", "k:AKM"),  # Russian AO
            ("Tovarystvo z Obmezhenoyu Vidpovidalnistyu 'Acme'", "k:AKM"),  # Ukrainian TOV
            ("Obschestvo s Ogranichennoi Otvetstvennostyu Acme", "k:AKM"),  # spelled with sch
            ("Acme Oy", "k:AKM"),  # Finnish
            ("Acme OOD", "k:AKM"),  # Bulgarian, and EOOD
            ("Acme EOOD", "k:AKM"),
            ("Acme, S.A. de C.V.", "k:AKM"),  # Mexican: sociedad anonima de capital variable
            ("Acme S. de R.L. de C.V.", "k:AKM"),  # sociedad de responsabilidad limitada
            ("Acme C.A.", "k:AKM"),  # Venezuelan compania anonima
            ("Acme y Cia. S.C.A.", "k:AKM"),  # sociedad en comandita por acciones
            ("Acme E.U.", "k:AKM"),  # Colombian empresa unipersonal, also spelled out:
            ("Acme Empresa Unipersonal", "k:AKM"),
            ("Acme Limitada", "k:AKM"),
        ],
    )
    def test_legal_forms_are_generic(self, name: str, core: str) -> None:
        result = normalize(name)
        assert result.core_key == core
        assert {t.concept for t in result.tokens if t.kind is TokenKind.GENERIC} == {"company"}
        assert normalize("Saraya al-Quds").tokens[0].concept == "saraya"  # the military unit

    @pytest.mark.parametrize(
        ("dotted", "plain"),
        [
            ("Beirut Trade S.A.L.", "Beirut Trade SAL"),
            ("Beirut Trade S.A.L. Offshore", "BEIRUT TRADE SAL OFFSHORE"),
            ("Ovlas Trading S.A.", "Ovlas Trading SA"),
            ("Acme L.T.D.", "Acme LTD"),
            ("Banco Internacional de Desarrollo, C.A.", "Banco Internacional de Desarrollo CA"),
        ],
    )
    def test_legal_forms_written_with_dots_are_one_word(self, dotted: str, plain: str) -> None:
        """S.A.L. inside a name is the legal form SAL, not the one-letter words s, a and l: a
        name written with the dots and without them normalises alike, initials included."""
        assert normalize(dotted).key == normalize(plain).key
        assert normalize(dotted).acronyms == normalize(plain).acronyms
        assert "dotted-initialism" in normalize(dotted).trace

    def test_initials_leave_latin_american_legal_forms_out(self) -> None:
        """BID is Banco Internacional de Desarrollo, C.A.: its initials are also derived
        without the legal form, once C.A. is read as one."""
        assert "BID" in normalize("BANCO INTERNACIONAL DE DESARROLLO, C.A.").acronyms

    @pytest.mark.parametrize("name", ["Mujel A.S.", "J. R. Smith Trading", "Acme X.Y.Z."])
    def test_other_dotted_letters_stay_letters(self, name: str) -> None:
        """Only letters that spell a lexicon word are joined: A.S. is not the word as."""
        assert "dotted-initialism" not in normalize(name).trace

    @pytest.mark.parametrize(
        ("arabic", "translation"),
        [
            ("Hurras al-Din", "Guardians of the Religion"),
            ("Lashkar-e-Tayyiba", "Army of the Pure"),
            ("Jamiat Ihya al-Turath al-Islami", "Revival of Islamic Heritage Society"),
            ("Jamiyat al-Islah", "Reform Society"),
            ("Hizb al-Adala wal-Tanmiya", "Justice and Development Party"),
            ("Jamiyya Khayriyya", "Charitable Society"),
            ("Hayat al-Ighatha", "Relief Committee"),
            ("Lajnat al-Daawa al-Islamiyya", "Islamic Call Committee"),
            ("Kalimat al-Haqq", "Word of Truth"),
            ("Nur al-Islam", "Light of Islam"),
            ("Harakat al-Thawra", "Revolution Movement"),
            ("Islomiy Jihod Ittihodi", "Islamic Jihad Union"),  # Uzbek
            ("O'zbekiston Islomiy Harakati", "Islamic Movement of Uzbekistan"),  # Uzbek
        ],
    )
    def test_translations_meet(self, arabic: str, translation: str) -> None:
        assert sorted(normalize(arabic).key.split()) == sorted(normalize(translation).key.split())

    @pytest.mark.parametrize(
        ("joined", "apart"),
        [
            ("Safieddine, Abdullah", "Safi al-Din, Abdallah"),
            ("Nasreddine", "Nasr ed-Din"),
            ("Salahuddin", "Salah ud-Din"),
            ("Nooruddeen", "Nur al-Din"),
            ("Izzeddine al-Qassam", "Izz al-Din al-Qassam"),
        ],
    )
    def test_din_compounds_written_as_one_word(self, joined: str, apart: str) -> None:
        """A name and ad-Din run together is the name and din, as written in several words."""
        assert normalize(joined).key == normalize(apart).key
        assert "latin:R18 -ad-din compound" in normalize(joined).trace

    @pytest.mark.parametrize("word", ["Aladdin", "Nordin", "Baddin"])
    def test_din_compound_needs_a_vowel_dd_and_a_stem(self, word: str) -> None:
        assert len(normalize(word).tokens) == 1

    @pytest.mark.parametrize("name", ["Izzat", "IZZAT", "Ezzat"])
    def test_izzat_is_a_name_not_radio(self, name: str) -> None:
        """The personal name Izzat is not a spelling of idhaa (radio, broadcasting)."""
        assert normalize(name).tokens[0].concept is None


class TestEuropeanWords:
    """The Arabic-transliteration rules do not rewrite the shown text of European words."""

    @pytest.mark.parametrize(
        "word",
        ["Stichting", "Venezuela", "Avia", "Airlines", "Exchange", "Research", "Money", "Razavi"],
    )
    def test_shown_as_written(self, word: str) -> None:
        (token,) = normalize(word).tokens
        assert token.text == word.lower()

    def test_keys_still_follow_the_rules(self) -> None:
        """Only the shown text changes: the key is the skeleton of the ruled surface."""
        assert normalize("Stichting").tokens[0].key == phonetic_key("Stichting")
        assert normalize("Revival Charitable").folded == "revival charitable"

    def test_listed_words_do_not_reach_arabic_words(self) -> None:
        """anchor is not anshor (a spelling of ansar), all is not the article."""
        assert normalize("Anchor All Four").key == "k:ANCR k:AL k:FR"

    def test_listed_words_still_spell_phrases(self) -> None:
        """A word of the list (obshchestvo) is shown as written, yet it is still a word of a
        lexicon phrase: the Russian legal form spelled out is one token."""
        (token,) = normalize("Obshchestvo s Ogranichennoy Otvetstvennostyu").tokens
        assert token.concept == "company"
        assert normalize("Obshchestvo").tokens[0].text == "obshchestvo"

    def test_arabic_spellings_keep_their_rules(self) -> None:
        assert normalize("Mansooreen").folded == "mansurin"
        assert normalize("Al Haramain").folded == normalize("Al Haramayn").folded == "haramayn"
