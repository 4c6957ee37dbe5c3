"""Candidate generation: the numpy path for long lists agrees with the plain one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import aliasres.index
from aliasres import Decision, Registry, Resolver, Result
from aliasres.normalize import normalize

DATA = Path(__file__).parent / "data"


def _names() -> list[str]:
    sets = yaml.safe_load((DATA / "variant_sets.yaml").read_text(encoding="utf-8"))["sets"]
    others = yaml.safe_load((DATA / "non_groups.yaml").read_text(encoding="utf-8"))
    names = [name for entry in sets for name in entry["names"]]
    return names + [entry["text"] for entry in others] + ["Jund al-Khilafa in Tunsia", "AQIM"]


@pytest.mark.parametrize("pool_factor", [aliasres.index.SELECTION_POOL_FACTOR, 1])
def test_queries_touching_long_lists_rank_as_the_plain_path_does(
    monkeypatch: pytest.MonkeyPatch, pool_factor: int
) -> None:
    """Large registries gather candidates in numpy arrays once a key's list is long; forced
    onto every query of the packaged registry, that path gives the same decisions for the same
    groups. (It counts every name sharing a key, so a no-match may list weak names the plain
    path leaves out.)"""
    monkeypatch.setattr(aliasres.index, "SELECTION_POOL_FACTOR", pool_factor)  # 1: a small pool
    registry = Registry.load()
    names = _names()
    plain = Resolver(registry).resolve_many(names)
    monkeypatch.setattr(aliasres.index, "LONG_POSTINGS", 0)
    bulk = Resolver(registry).resolve_many(names)
    assert [r.decision for r in bulk] == [r.decision for r in plain]
    decided = [i for i, r in enumerate(plain) if r.decision is not Decision.NO_MATCH]
    assert len(decided) > 300
    for i in decided:
        assert _answer(bulk[i]) == _answer(plain[i]), names[i]


def _answer(result: Result) -> tuple[object, ...]:
    """What a decision rests on: the best group and its score, and the rivals."""
    assert result.best is not None
    rivals = [(c.group.id, c.score) for c in result.rivals]
    return result.decision, result.best.group.id, result.best.score, rivals


def test_threads_share_a_resolver_on_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numpy path works in scratch arrays kept between queries, one pair per thread: many
    threads resolving at once get what one thread gets."""
    monkeypatch.setattr(aliasres.index, "LONG_POSTINGS", 0)
    resolver = Resolver(Registry.load())
    names = _names()
    alone = [_outcome(r) for r in resolver.resolve_many(names)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda name: _outcome(resolver.resolve(name)), names * 2))
    assert together == alone * 2


def _outcome(result: Result) -> tuple[object, ...]:
    return result.decision, [(c.group.id, c.score) for c in result.candidates]


def _first_proposed(registry: Registry, query: str) -> tuple[str, float]:
    index = Resolver(registry).index
    name_id, prescore = index.candidates(normalize(query))[0]
    return index.entry(name_id)[0].text, prescore


def test_a_name_whose_acronym_the_query_spells_out_is_proposed_first() -> None:
    """The query "Real Irish Republican Army" shares only "real" with "Real IRA", as with many
    other names; the initials of its other words spell IRA, so the index proposes Real IRA
    above any name found through shared keys."""
    names = {"real-ira": ["Real IRA"]}
    names |= {f"real-{word}": [f"Real {word} Army"] for word in ("Irish", "Red", "Iron", "Royal")}
    text, prescore = _first_proposed(Registry.from_names(names), "Real Irish Republican Army")
    assert text == "Real IRA"
    assert prescore > 1.0  # above any estimate from shared keys (at most 1)


def test_a_registered_acronym_that_all_the_query_words_spell_is_proposed() -> None:
    registry = Registry.from_names(
        {"isp": ["IS Philippines", "ISP"], "state": ["Islamic State Support Network"]}
    )
    text, prescore = _first_proposed(registry, "Islamic State in the Philippines")
    assert text in {"ISP", "IS Philippines"}
    assert prescore > 1.0


def test_a_typo_borrows_the_keys_of_known_words_even_if_its_sound_key_is_known() -> None:
    """Katemi, a typo of Kazemi, sounds like Katami: the index proposes both."""
    registry = Registry.from_names({"kazemi": ["Kazemi Group"], "katami": ["Katami Trading"]})
    index = Resolver(registry).index
    proposed = {
        index.entry(name_id)[0].text for name_id, _ in index.candidates(normalize("Katemi"))
    }
    assert proposed == {"Katami Trading", "Kazemi Group"}


def test_a_short_unknown_word_with_a_known_sound_key_borrows_nothing() -> None:
    """Four letters have too many neighbours one edit away (Wayd: Ayd, Wad)."""
    registry = Registry.from_names({"wad": ["Wad Trading"], "aid": ["Ayd Relief"]})
    index = Resolver(registry).index
    proposed = {index.entry(name_id)[0].text for name_id, _ in index.candidates(normalize("Wayd"))}
    assert proposed == {"Wad Trading"}


def test_of_equally_near_known_words_those_differing_in_a_letter_of_one_class_come_first() -> None:
    """Sahedi is one letter from Saedi, Saheli, Shahed, Vahedi and Zahedi; of the four equally
    near it (a letter changed), Zahedi only writes z for s, which transliterations exchange."""
    names = ["Saedi", "Saheli", "Shahed", "Vahedi", "Zahedi"]
    registry = Registry.from_names({name.lower(): [f"{name}, Mostafa"] for name in names})
    index = Resolver(registry).index
    assert [word for word, _ in index.similar_tokens("sahedi")][:2] == ["saedi", "zahedi"]


def test_a_known_word_borrows_the_keys_of_its_sound_twins() -> None:
    """Hamsa is itself a registry word (key HMS); Hamza (HMZ) differs from it in a letter of
    one class (s/z), so the index proposes it too, but not Hansa, a letter away otherwise."""
    registry = Registry.from_names(
        {"hamza": ["Hamza, Amir"], "hamsa": ["Hamsa Trading"], "hansa": ["Hansa"]}
    )
    assert _proposed(registry, "Hamsa, Amir") == {"Hamza, Amir", "Hamsa Trading"}
    index = Resolver(registry).index
    assert index.sound_twins("hamsa") == [("hamza", 0.8)]


def test_a_group_also_has_its_best_name_with_the_querys_rarest_key_scored() -> None:
    """Only a group's best names by pre-score are scored. Pre-scores count shared keys only,
    so a name the query misspells (Omagi & Bro for Omgy & Bros) may rank below names of the
    same group that share its common words: the group's best name posted under the query's
    rarest key is scored too."""
    names = {
        "omgy-exchange": [
            "Umqi Money Exchange Company",
            "Amqi Money Exchange Company",
            "Omgy and Bros Money Exchange",
        ],
        "sahloul-exchange": ["Sahloul Money Exchange Company"],
    }
    index = Resolver(Registry.from_names(names)).index
    ids = {index.entry(n)[0].text: n for n in range(len(index))}
    ranked = [
        (-0.82, ids["Umqi Money Exchange Company"]),
        (-0.81, ids["Amqi Money Exchange Company"]),
        (-0.73, ids["Omgy and Bros Money Exchange"]),
        (-0.51, ids["Sahloul Money Exchange Company"]),
    ]
    rare = index._rarest_postings(normalize("Al-Omagi & Bro. Money Exchange Company"))
    assert list(rare) == [ids["Omgy and Bros Money Exchange"]]
    chosen = [index.entry(n)[0].text for n, _ in index._select(ranked, 15, rare)]
    assert chosen == [
        "Umqi Money Exchange Company",
        "Amqi Money Exchange Company",
        "Omgy and Bros Money Exchange",  # a third name: the only one with the query's omg key
        "Sahloul Money Exchange Company",
    ]
    assert len(index._select(ranked, 15)) == 3  # two names a group, without the rarest key


def _proposed(registry: Registry, query: str) -> set[str]:
    index = Resolver(registry).index
    return {index.entry(name_id)[0].text for name_id, _ in index.candidates(normalize(query))}


def test_a_word_no_name_has_is_looked_up_as_the_two_known_words_it_writes() -> None:
    """No registry name has "futurebank", nor a word one edit away; it is future and bank."""
    registry = Registry.from_names({"future": ["Future Bank"], "other": ["Melli Bank"]})
    assert "Future Bank" in _proposed(registry, "FUTUREBANK")


def test_a_first_part_that_lost_its_end_stands_for_the_known_words_it_begins() -> None:
    """Genertrading: letters lost across the boundary of General Trading."""
    registry = Registry.from_names({"grandeur": ["General Trading Group"], "x": ["Melli Bank"]})
    assert _proposed(registry, "GENERTRADING") == {"General Trading Group"}
    index = Resolver(registry).index
    assert index.word_parts("genertrading") == [
        [("general", aliasres.index.JOINED_CUT_WORDS)],
        [("trading", aliasres.index.JOINED_WORDS)],
    ]


def test_a_word_is_split_only_into_known_words_or_long_enough_beginnings_of_them() -> None:
    index = Resolver(Registry.from_names({"g": ["General Trading"]})).index
    assert index.word_parts("getrading") == []  # ge: too short a beginning
    assert index.word_parts("generalxyz") == []  # xyz: no known word
    assert index.word_parts("general") == []  # a known word is not split


def test_two_adjacent_words_are_also_looked_up_as_the_known_word_they_write_together() -> None:
    registry = Registry.from_names({"fastlink": ["Fastlink SARL"], "x": ["Melli Bank"]})
    assert "Fastlink SARL" in _proposed(registry, "Fast Link")


def test_a_long_second_part_is_looked_up_alone_when_the_first_is_a_short_beginning() -> None:
    """Jamnetwork: jam begins too many words to stand for them, network is looked up alone;
    scoring then checks that jam begins the word before network (Jamal)."""
    registry = Registry.from_names({"jamal": ["Jamal Network"], "x": ["Trade Bank"]})
    assert _proposed(registry, "JAMNETWORK") == {"Jamal Network"}
    index = Resolver(registry).index
    assert index.word_parts("jamnetwork") == [[("network", aliasres.index.JOINED_WORDS)]]
    assert index.word_parts("jamtrade") == []  # trade: too short to be looked up alone


def test_clearing_the_query_caches_forgets_earlier_queries_and_changes_no_answer() -> None:
    resolver = Resolver(Registry.load())
    names = ["Okba Ibn Nafaa", "Jund al-Khilafa in Tunsia", "FUTUREBANK", "AQIM"]
    before = [resolver.resolve(name) for name in names]
    index = resolver.index
    assert index._entries  # decoded names
    assert index._similar  # the near spellings of Tunsia
    index.clear_caches()
    caches = (index._entries, index._tokens, index._similar, index._parts)
    assert [len(cache) for cache in caches] == [0, 0, 0, 0]
    after = [resolver.resolve(name) for name in names]

    def answers(results: list[Result]) -> list[tuple[Decision, str, float]]:
        return [(r.decision, r.best.group.id, r.best.score) for r in results if r.best]

    assert answers(after) == answers(before)
    assert len(answers(before)) == len(names)


def test_an_unknown_word_is_looked_up_as_the_known_words_it_begins() -> None:
    """Dani, a word no registry name has, is Daniel cut short: Tvito, Daniel is proposed
    though the two share no key (DN, DNL); a beginning of three letters is too short."""
    registry = Registry.from_names({"tvito": ["Tvito, Daniel"], "other": ["Dino Trading"]})
    assert "Tvito, Daniel" in _proposed(registry, "DANI")
    assert "Tvito, Daniel" not in _proposed(registry, "Dan Group")


def test_a_name_with_the_querys_rarest_word_is_ranked_however_many_words_the_query_adds() -> None:
    """Unipapel is on one name; the query adds words that sixteen other groups share, which
    keep the estimate of Unipapel S.A. below theirs, yet it is ranked."""
    names = {"unipapel": ["Unipapel S.A."]}
    names |= {f"bolsas-{i}": ["Bolsas Papeles Sobres S.A."] for i in range(16)}
    names |= {f"filler-{i}": [f"Filler{i} Trading"] for i in range(200)}
    query = normalize("UNIPAPEL S.A. BOLSAS DE PAPEL PAPELES SOBRES")
    index = Resolver(Registry.from_names(names)).index
    proposed = {index.entry(n)[0].text for n, _ in index.candidates(query)}
    assert "Unipapel S.A." in proposed
    saved = aliasres.index.RAREST_KEY_NAMES
    try:
        aliasres.index.RAREST_KEY_NAMES = 0
        without = {index.entry(n)[0].text for n, _ in index.candidates(query)}
    finally:
        aliasres.index.RAREST_KEY_NAMES = saved
    assert "Unipapel S.A." not in without  # what the rule adds
