"""The lexicon (aliasres.lexicon and aliasres/lexicon.yaml): data integrity and equivalences."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml

from aliasres.lexicon import LexiconError, TokenKind, compile_lexicon, load_lexicon


@pytest.fixture(scope="module")
def lexicon():  # type: ignore[no-untyped-def]
    return load_lexicon()


class TestPackaging:
    """The YAML ships inside the package and loads once."""

    def test_resource_is_inside_the_package(self) -> None:
        assert files("aliasres").joinpath("lexicon.yaml").is_file()

    def test_cached(self) -> None:
        assert load_lexicon() is load_lexicon()


class TestEquivalents:
    """Spellings across languages and scripts reach one concept."""

    @pytest.mark.parametrize(
        ("concept", "spellings"),
        [
            ("brigade", ["katiba", "katibat", "brigade", "battalion", "bataillon", "كتيبة"]),
            ("jund", ["jund", "jound", "dschund", "soldiers", "soldats", "soldados", "جند"]),
            ("ansar", ["ansar", "supporters", "partisans", "défenseurs", "أنصار"]),
            ("army", ["jaysh", "jaish", "army", "armée", "lashkar", "جيش"]),
            ("jabha", ["jabhat", "front", "frente", "جبهة"]),
            ("haraka", ["harakat", "movement", "mouvement", "tehrik", "حركة"]),
            ("tanzim", ["tanzim", "organisation", "organization", "تنظيم"]),
            ("jamaa", ["jamaat", "group", "groupe", "jemaah", "gama'a", "جماعة"]),
            ("wilaya", ["wilayat", "province", "provincia", "ولاية"]),
            ("dawla", ["dawla", "state", "État", "estado", "دولة"]),
            ("sharia", ["sharia", "charia", "scharia", "شريعة"]),
            ("jihad", ["jihad", "djihad", "dschihad", "yihad", "جهاد"]),
            ("tawhid", ["tawhid", "tawheed", "unity", "unicité", "توحيد"]),
            ("khilafa", ["khilafa", "caliphate", "califat", "kalifat", "califato", "خلافة"]),
            ("TN", ["tunisia", "tunisie", "tunesien", "túnez", "tunis", "tunisian", "تونس"]),
            ("DZ", ["algeria", "algérie", "algerien", "argelia", "jazair", "الجزائر"]),
            ("region:maghreb", ["maghreb", "maghrib", "magreb", "المغرب"]),
            ("region:sham", ["sham", "cham", "scham", "levant", "syria", "الشام"]),
            ("company", ["company", "co", "ltd", "llc", "gmbh", "sarl", "ooo", "holding"]),
            ("company", ["oy", "eood", "cv", "limitada", "empresa unipersonal"]),
            ("industry", ["industries", "industry", "industrias", "sanaye", "صناعات"]),
            ("haya", ["hay'at", "lajnat", "lajna", "committee", "comité", "لجنة", "هيئة"]),
            ("saraya", ["sariyya", "saraya", "detachment", "سرية"]),
            ("isis", ["daesh", "daech", "da'ish", "داعش", "isis", "isil", "eiil"]),
            ("adl", ["adl", "adala", "justice", "justicia", "عدل"]),
            ("hurras", ["hurras", "huras", "guardians", "gardiens", "حراس"]),
            ("tayyiba", ["tayyiba", "taiba", "toiba", "pure", "طيبة"]),
            ("khayriyya", ["khayriyya", "khairiya", "charitable", "charity", "خيرية"]),
            ("ighatha", ["ighatha", "relief", "إغاثة"]),
            ("tanmiya", ["tanmiya", "development", "développement", "desarrollo", "تنمية"]),
            ("turath", ["turath", "heritage", "patrimoine", "تراث"]),
            ("ihya", ["ihya", "ihya'", "revival", "إحياء"]),
            ("islah", ["islah", "reform", "réforme", "إصلاح"]),
            ("thawra", ["thawra", "revolution", "revolutionary", "révolution", "ثورة"]),
            ("nur", ["nur", "nour", "noor", "light", "lumière", "نور"]),
            ("kalima", ["kalima", "kalimat", "word", "كلمة"]),
        ],
    )
    def test_concept(self, lexicon, concept: str, spellings: list[str]) -> None:  # type: ignore[no-untyped-def]
        from aliasres import normalize

        for spelling in spellings:
            (token,) = normalize(spelling).tokens
            assert token.concept == concept, spelling

    def test_classes_set_kinds(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        assert lexicon.entries["brigade"].kind is TokenKind.GENERIC
        assert lexicon.entries["jihad"].kind is TokenKind.COMMON
        assert lexicon.entries["TN"].kind is TokenKind.COUNTRY
        assert lexicon.entries["article"].kind is TokenKind.FUNCTION

    def test_generic_words_weigh_least(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        generic = lexicon.entries["brigade"].weight
        assert 0 < generic < lexicon.entries["jihad"].weight < lexicon.entries["TN"].weight

    def test_country_ids(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        """Countries are ISO 3166 alpha-2 codes; regions and cities carry a prefix."""
        for entry in lexicon.entries.values():
            if entry.kind is TokenKind.COUNTRY:
                assert (len(entry.id) == 2 and entry.id.isupper()) or entry.id.startswith(
                    ("region:", "city:")
                ), entry.id

    def test_phrases(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        assert lexicon.phrases[("c:west", "c:region:africa")].id == "region:west-africa"
        assert lexicon.phrases[("c:region:africa", "c:west")].id == "region:west-africa"
        assert lexicon.phrases[("c:bayt", "c:maqdis")].id == "city:jerusalem"


class TestIntegrity:
    """The packaged data is clean; broken data is refused with every problem listed."""

    def test_every_spelling_is_a_string(self) -> None:
        data = yaml.safe_load(files("aliasres").joinpath("lexicon.yaml").read_text("utf-8"))
        for entry in data["entries"]:
            for lang in ("translit", "ar", "en", "fr", "de", "es"):
                assert all(isinstance(s, str) for s in entry.get(lang, [])), entry["id"]

    def test_clash_is_an_error(self) -> None:
        data = {
            "classes": {
                "G": {"kind": "generic", "weight": 0.1},
                "L": {"kind": "common", "weight": 0.4},
            },
            "entries": [
                {"id": "a", "class": "G", "en": ["front"]},
                {"id": "b", "class": "L", "en": ["Front"]},
            ],
        }
        with pytest.raises(LexiconError, match=r"'Front' .* already claimed by entry 'a'"):
            compile_lexicon(data)

    def test_yaml_booleans_are_refused(self) -> None:
        data = yaml.safe_load(
            "classes: {F: {kind: function, weight: 0}}\nentries: [{id: x, class: F, en: [on]}]"
        )
        with pytest.raises(
            LexiconError, match=r"entries\[x\]\.en\[0\]: expected a non-empty string, got bool"
        ):
            compile_lexicon(data)

    def test_acronyms_of_a_concept(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        """An entry's acronyms join the known acronyms and point at the entry."""
        assert lexicon.acronym_concepts["ISIL"].id == "isis"
        assert {"ISIS", "ISIL", "EIIL"} <= lexicon.acronyms

    def test_acronym_that_is_a_word_is_an_error(self) -> None:
        data = {
            "classes": {"M": {"kind": "common", "weight": 0.6}},
            "entries": [
                {"id": "isis", "class": "M", "translit": ["daesh"], "acronyms": ["DAESH"]},
                {"id": "other", "class": "M", "translit": ["x"], "acronyms": ["ISIS"]},
                {"id": "third", "class": "M", "translit": ["y"], "acronyms": ["I.S.I.S."]},
            ],
        }
        with pytest.raises(LexiconError) as info:
            compile_lexicon(data)
        message = str(info.value)
        assert "acronym 'DAESH' is also a word of the lexicon" in message
        assert "acronym 'I.S.I.S.' already stands for 'other'" in message

    def test_unknown_field_and_class(self) -> None:
        data = {
            "classes": {"G": {"kind": "generic", "weight": 0.1}},
            "entries": [{"id": "x", "class": "Q", "english": ["y"]}],
        }
        with pytest.raises(LexiconError) as info:
            compile_lexicon(data)
        message = str(info.value)
        assert "unknown field(s) ['english']" in message
        assert "class 'Q' is not one of ['G']" in message

    def test_places_lie_within_countries(self, lexicon) -> None:  # type: ignore[no-untyped-def]
        """Regions and cities list the countries they lie in; countries need not."""
        assert lexicon.entries["region:kurdistan"].within == ("IQ", "IR", "TR", "SY")
        assert lexicon.entries["city:benghazi"].within == ("LY",)
        assert lexicon.entries["TN"].within == ()

    def test_within_is_for_places_and_country_codes(self) -> None:
        data = {
            "classes": {
                "G": {"kind": "generic", "weight": 0.1},
                "C": {"kind": "country", "weight": 1.0},
            },
            "entries": [
                {"id": "brigade", "class": "G", "en": ["brigade"], "within": ["IQ"]},
                {"id": "region:x", "class": "C", "en": ["xland"], "within": ["Iraq"]},
            ],
        }
        with pytest.raises(LexiconError) as info:
            compile_lexicon(data)
        message = str(info.value)
        assert "entries[brigade]: within 'IQ': only places lie within countries" in message
        assert "entries[region:x]: within 'Iraq'" in message
