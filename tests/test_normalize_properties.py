"""Properties of normalize(), checked with hypothesis.

* Totality: any ``str`` normalises without raising, including empty text, emoji, control
  characters, mixed scripts and 10,000-character strings.
* Idempotence and determinism.
* Invariance under case, accents, apostrophe style, whitespace and punctuation changes.
* Generated spelling variants of a golden-set member (article spelling, apostrophe type,
  bin/ibn, ou/u, dj/j, ta marbuta ending, -iyya/-ia, a generic word added or dropped) keep the
  core key of its set, and generic-word edits never reach another group's core key.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml
from hypothesis import assume, example, given
from hypothesis import strategies as st

from aliasres import TokenKind, normalize
from aliasres.fold import fold_chars
from aliasres.lexicon import load_lexicon
from aliasres.normalize import _raws, clear_caches

load_lexicon()  # compile once, outside any example's deadline

DATA = yaml.safe_load((Path(__file__).parent / "data" / "variant_sets.yaml").read_text("utf-8"))
SETS = [s for s in DATA["sets"] if s.get("order") != "free"]
ALL_MEMBERS = [(s["id"], name) for s in SETS for name in s["names"]]
LATIN_MEMBERS = [(i, n) for i, n in ALL_MEMBERS if n.isascii() and "(" not in n]
ARABIC_MEMBERS = [n for _, n in ALL_MEMBERS if re.search("[\u0600-\u06ff]", n)]
SET_CORE = {s["id"]: normalize(s["names"][0]).core_key for s in SETS}

APOSTROPHES = "'\u2019\u2018\u02bf\u02be\u02bb\u02bc`\u00b4"

# --- strategies ------------------------------------------------------------------------------

any_text = st.text()
odd_text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8")),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn"))),
    st.text(alphabet=st.sampled_from("😀🙂🇹🇳👍🏽\u200d\ufe0f")),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)),
    st.text(alphabet=st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF)),
    st.text(alphabet=st.sampled_from("abcJUNDkhilafa '’ʿ-/()[].,جندالخلافةДжамаат 0123٣")),
)
long_text = st.text(min_size=1, max_size=40).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000])
golden_name = st.sampled_from([n for _, n in ALL_MEMBERS])
latin_member = st.sampled_from(LATIN_MEMBERS)


def words(name: str) -> list[str]:
    return name.split(" ")


# --- totality, idempotence, determinism ---------------------------------------------------------


@given(any_text)
def test_total_on_any_text(text: str) -> None:
    result = normalize(text)
    assert result.original == text
    assert result.folded == " ".join(t.text for t in result.tokens)
    assert all(t.text and t.key for t in result.tokens)
    assert all(0.0 <= t.weight <= 1.0 for t in result.tokens)


@given(odd_text)
def test_total_on_odd_text(text: str) -> None:
    result = normalize(text)
    assert all(
        t.text == t.text.strip() and " " not in t.text.strip("abcdefghijklmnopqrstuvwxyz ")
        for t in result.tokens
    )


@given(long_text)
def test_total_on_long_text(text: str) -> None:
    assert len(text) == 10_000
    normalize(text)


FUNCTION_WORDS = ["al", "The", "of", "MIT", "mit", "und", "de", "la", "fi", "wa", "في", "و", "من"]
word_text = st.one_of(
    st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -'.")),
    st.text(alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهويةى -")),
    st.lists(st.sampled_from(FUNCTION_WORDS), min_size=1, max_size=4).map(" ".join),
)


@given(word_text)
def test_letters_never_normalise_to_nothing(text: str) -> None:
    """A name with a word keeps a token or is an acronym, even if it is all function words."""
    result = normalize(text)
    words, _ = _raws(fold_chars(text))  # the words the pipeline reads, split by script
    if any(len(word) > 1 for word in words):  # not only stray letters
        assert result.tokens or result.acronym is not None


@given(st.one_of(any_text, odd_text, golden_name))
@example("ﰃﱆ")  # romanised yama, which the Spanish reading takes for jama(a), once it is Latin
def test_idempotent(text: str) -> None:
    """Normalising the folded form again gives the same folded form."""
    folded = normalize(text).folded
    assert normalize(folded).folded == folded


@given(st.one_of(golden_name, st.text(alphabet="abcdefghijklmnopqrstuvwxyz -'", max_size=40)))
@example("s-ch")  # s- before ch, which is sh after the Latin rules: a sun-letter article
def test_key_idempotent(text: str) -> None:
    """The key survives a second pass through the folded text (no acronym-shaped input)."""
    result = normalize(text)
    assume(result.acronym is None and not any(t.key.startswith("#") for t in result.tokens))
    assert normalize(result.folded).key == result.key


@given(st.one_of(any_text, golden_name))
def test_deterministic(text: str) -> None:
    first = normalize(text)
    clear_caches()
    assert normalize(text) == first


# --- invariances --------------------------------------------------------------------------------


@given(golden_name, st.sampled_from([str.upper, str.lower, str.title, str.capitalize]))
def test_case_invariant(name: str, change: object) -> None:
    assert normalize(change(name)).core_key == normalize(name).core_key  # type: ignore[operator]


ACCENTED = {"a": "áâāäà", "e": "éèêë", "i": "íîïī", "o": "óôö", "u": "úûüū", "h": "ḥ", "s": "ṣ"}
ACCENTED |= {"d": "ḍ", "t": "ṭ", "z": "ẓ"}


@given(latin_member, st.data())
def test_accent_invariant(member: tuple[str, str], data: st.DataObject) -> None:
    """Accents anywhere but on the s of an English possessive ('s is matched before accents go)."""
    _, name = member
    out = []
    for index, char in enumerate(name):
        possessive = index > 0 and name[index - 1] in APOSTROPHES
        choices = None if possessive else ACCENTED.get(char)
        if choices and data.draw(st.booleans()):
            char = data.draw(st.sampled_from(choices))
        out.append(char)
    assert normalize("".join(out)).core_key == normalize(name).core_key


WITH_APOSTROPHES = [n for _, n in ALL_MEMBERS if re.search(f"[{APOSTROPHES}]", n)]


@given(st.sampled_from(WITH_APOSTROPHES), st.data())
def test_apostrophe_style_invariant(name: str, data: st.DataObject) -> None:
    out = []
    for index, char in enumerate(name):
        possessive = (
            name[index + 1 : index + 2] == "s" and not name[index + 2 : index + 3].isalpha()
        )
        if char in APOSTROPHES and not possessive:
            char = data.draw(st.sampled_from(APOSTROPHES))
        out.append(char)
    assert normalize("".join(out)).core_key == normalize(name).core_key


@given(golden_name, st.data())
def test_whitespace_invariant(name: str, data: st.DataObject) -> None:
    space = st.sampled_from([" ", "  ", "\t", " \n ", "\u00a0", "\u3000"])
    changed = data.draw(space).join(words(name))
    changed = (
        data.draw(st.sampled_from(["", " ", "\t"]))
        + changed
        + data.draw(st.sampled_from(["", " ", "\n"]))
    )
    assert normalize(changed).core_key == normalize(name).core_key


@given(golden_name, st.data())
def test_punctuation_invariant(name: str, data: st.DataObject) -> None:
    """Spaces, hyphens, slashes and underscores between words are interchangeable."""
    out = []
    for index, char in enumerate(name):
        after_apostrophe = index > 0 and name[index - 1] in APOSTROPHES
        if char in " -" and not after_apostrophe and name[index - 1 : index] != ")":
            char = data.draw(st.sampled_from([" ", "-", " - ", "/", "_", " -- "]))
        out.append(char)
    changed = "".join(out) + data.draw(st.sampled_from(["", ".", ",", " ;", "!"]))
    assert normalize(changed).core_key == normalize(name).core_key


@given(st.sampled_from(ARABIC_MEMBERS), st.data())
def test_harakat_and_tatweel_invariant(name: str, data: st.DataObject) -> None:
    """Vocalisation and kashida never change an Arabic name's key."""
    marks = st.sampled_from(["\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u064b", "\u0640"])
    out = []
    for char in name:
        out.append(char)
        if "\u0621" <= char <= "\u064a" and data.draw(st.booleans()):
            out.append(data.draw(marks))
    assert normalize("".join(out)).key == normalize(name).key


@given(st.sampled_from(ARABIC_MEMBERS), st.sampled_from(["NFD", "NFKD", "NFC"]))
def test_unicode_form_invariant(name: str, form: str) -> None:
    assert normalize(unicodedata.normalize(form, name)).key == normalize(name).key


# --- generated spelling variants keep the set's key ----------------------------------------------

ARTICLES = ["al-", "el-", "al ", "Al-", "El ", "al-", "AL-"]


def swap_article(name: str, new: str) -> str:
    """Respell each article that starts a word (not the -al of Wa'al)."""
    return re.sub(r"(?:^|(?<=[ -]))(?:al|el|Al|El|AL)[- ](?=[A-Za-z])", new, name)


def swap_bin(name: str, new: str) -> str:
    return re.sub(r"\b(?:bin|ibn|Ibn|Bin|ben|BIN|IBN)\b", new, name)


def ou_for_u(name: str) -> str:
    return re.sub("(?<![oOqQ])u", "ou", name)


def dj_for_j(name: str) -> str:
    return re.sub(r"\bJ", "Dj", re.sub(r"\bj", "dj", name))


def ta_marbuta(name: str, ending: str) -> str:
    return " ".join(re.sub(r"(?<=[a-z]{3})a$", "a" + ending, w) for w in words(name))


def nisba(name: str, ending: str) -> str:
    return " ".join(re.sub(r"(?<=[a-z]{3})(?:iyya|iyah|iya|ia)$", ending, w) for w in words(name))


@given(latin_member, st.sampled_from(ARTICLES))
def test_variant_article(member: tuple[str, str], article: str) -> None:
    set_id, name = member
    assert normalize(swap_article(name, article)).core_key == SET_CORE[set_id]


@given(latin_member, st.sampled_from(["bin", "ibn", "Ibn", "ben", "b.", "ibnu"]))
def test_variant_bin(member: tuple[str, str], word: str) -> None:
    set_id, name = member
    assert normalize(swap_bin(name, word)).core_key == SET_CORE[set_id]


@given(latin_member)
def test_variant_ou(member: tuple[str, str]) -> None:
    set_id, name = member
    assert normalize(ou_for_u(name)).core_key == SET_CORE[set_id]


@given(latin_member)
def test_variant_dj(member: tuple[str, str]) -> None:
    set_id, name = member
    assert normalize(dj_for_j(name)).core_key == SET_CORE[set_id]


@given(latin_member, st.sampled_from(["h", "t"]))
def test_variant_ta_marbuta(member: tuple[str, str], ending: str) -> None:
    set_id, name = member
    assert normalize(ta_marbuta(name, ending)).core_key == SET_CORE[set_id]


@given(latin_member, st.sampled_from(["iyya", "iyah", "iya", "ia", "iyyah"]))
def test_variant_nisba(member: tuple[str, str], ending: str) -> None:
    set_id, name = member
    assert normalize(nisba(name, ending)).core_key == SET_CORE[set_id]


@given(latin_member, st.sampled_from(["h", "t"]), st.sampled_from(ARTICLES), st.booleans())
def test_variants_combined(member: tuple[str, str], ending: str, article: str, ou: bool) -> None:
    set_id, name = member
    changed = ta_marbuta(swap_article(name, article), ending)
    changed = ou_for_u(changed) if ou else dj_for_j(changed)
    assert normalize(changed).core_key == SET_CORE[set_id]


GENERIC_PREFIXES = ["Katibat", "Katiba", "Jama'at", "Harakat", "Tanzim", "Jabhat", "Kata'ib"]
GENERIC_SUFFIXES = ["Brigade", "Battalion", "Group", "Organization", "Movement", "Front"]
OTHER_CORES = {
    set_id: {core for other, core in SET_CORE.items() if core != SET_CORE[set_id]}
    for set_id in SET_CORE
}


def is_generic_word(word: str) -> bool:
    tokens = normalize(word).tokens
    return bool(tokens) and all(t.kind is TokenKind.GENERIC for t in tokens)


def drop_generic(name: str) -> str:
    kept = [w for w in words(name) if not is_generic_word(w)]
    return " ".join(kept) if kept else name


@given(
    st.sampled_from(ALL_MEMBERS),
    st.sampled_from(["prefix", "suffix", "drop"]),
    st.sampled_from(GENERIC_PREFIXES),
    st.sampled_from(GENERIC_SUFFIXES),
)
def test_generic_word_edits(member: tuple[str, str], edit: str, prefix: str, suffix: str) -> None:
    """Adding or dropping a generic word keeps the core key, so never reaches another group's."""
    set_id, name = member
    if edit == "prefix":
        changed = f"{prefix} {name}"
    elif edit == "suffix":
        changed = f"{name} {suffix}"
    else:
        changed = drop_generic(name)
    core = normalize(changed).core_key
    assert core == SET_CORE[set_id]
    assert core not in OTHER_CORES[set_id]
