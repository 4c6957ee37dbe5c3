"""Properties of :func:`aliasres.scan` on generated text (hypothesis).

- scanning never raises, on any text;
- offsets always slice back to the reported surface, in order, without overlap;
- a mention does not depend on the text before or after its sentence;
- a registered alias inserted into a sentence yields a mention of its group.
"""

from __future__ import annotations

import re
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliasres import Decision
from aliasres.lexicon import TokenKind
from aliasres.normalize import normalize
from aliasres.resolve import default_resolver
from aliasres.scan import Mention, scan

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""No deadline: the first example builds the scanner over the packaged registry."""

# Ordinary prose: lower-case words, a few capitalised ones, punctuation, newlines, Arabic.
FILLER = [
    "the", "report", "said", "that", "soldiers", "were", "killed", "near", "border", "on",
    "monday", "and", "police", "arrested", "five", "men", "in", "a", "raid", "after", "an",
    "attack", "officials", "say", "of", "group", "army", "base", "state", "de", "la", "el",
    "der", "und", "los", "y", "al", "bin", "la", "brigade", "front",
]  # fmt: skip
CAPITALISED = ["Monday", "Reuters", "Kasserine", "Tunisia", "Algeria", "The", "He", "Police"]
ARABIC = ["قال", "مسؤول", "في", "الهجوم", "على", "الجيش"]

words = st.one_of(st.sampled_from(FILLER), st.sampled_from(CAPITALISED), st.sampled_from(ARABIC))
sentences = st.lists(words, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
contexts = st.lists(sentences, max_size=4).map(" ".join)

MENTION_SENTENCES = [
    "Yesterday AQIM attacked soldiers near Kasserine.",
    "The Uqba bin Nafi battalion claimed the ambush.",
    "Fighters of Jund al-Khilafa fled.",
    "Ansar al-Sharia in Tunisia was banned.",
    "#ISIS claims the attack.",
    "AQIM's Tunisian branch, called Okba Ibn Nafaa, split.",
    "أعلنت كتيبة عقبة بن نافع مسؤوليتها.",
    "Der Islamische Staat bekannte sich.",
    "Al-Qaïda au Maghreb islamique a revendiqué.",
    "He said “Okba Ibn Nafaa” did it.",
    "Ansar al-Sharia claimed it.",
]


def _check_offsets(text: str, mentions: list[Mention]) -> None:
    previous_end = 0
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= previous_end
        assert mention.decision is not Decision.NO_MATCH
        previous_end = mention.end


@SETTINGS
@given(st.text())
def test_scan_never_raises_and_offsets_slice_back_on_any_text(text: str) -> None:
    _check_offsets(text, scan(text))


@SETTINGS
@given(st.lists(st.one_of(words, st.sampled_from(["AQIM", "ISIS", "(", ")", "'s", "#", "\n"]))))
def test_offsets_slice_back_on_prose_like_text(parts: list[str]) -> None:
    text = " ".join(parts)
    _check_offsets(text, scan(text))


def _signature(mentions: list[Mention], shift: int) -> list[tuple[int, int, str, str, str | None]]:
    return [
        (m.start - shift, m.end - shift, m.text, m.decision.value, m.group_id) for m in mentions
    ]


@SETTINGS
@given(st.sampled_from(MENTION_SENTENCES), contexts, contexts)
def test_mentions_do_not_depend_on_text_beyond_their_sentence(
    sentence: str, before: str, after: str
) -> None:
    # The country is given, so that the document's own countries do not take part.
    alone = scan(sentence, country="TN")
    prefix = before + " " if before else ""
    text = prefix + sentence + (" " + after if after else "")
    start, end = len(prefix), len(prefix) + len(sentence)
    inside = [m for m in scan(text, country="TN") if start <= m.start and m.end <= end]
    assert _signature(inside, start) == _signature(alone, 0)


@cache
def _insertable() -> list[tuple[str, str]]:
    """Registered names the resolver matches to their own group, written as prose writes names
    (no commas, colons, brackets, dots, ampersands or digits), that can name a group on their
    own (not a unit word or one place alone)."""
    resolver = default_resolver()
    out = []
    for group in resolver.registry.groups:
        for name in group.names:
            if re.search(r"[,:()&.\d]", name):
                continue
            kinds = [t.kind for t in normalize(name).tokens]
            if not kinds or all(k is TokenKind.GENERIC for k in kinds):
                continue
            if kinds == [TokenKind.COUNTRY]:
                continue
            result = resolver.resolve(name)
            best = result.best
            if result.decision is Decision.MATCH and best is not None and best.group.id == group.id:
                out.append((name, group.id))
    return out


@SETTINGS
@given(st.data(), st.lists(st.sampled_from(FILLER), min_size=1, max_size=8))
def test_an_inserted_registered_name_yields_a_mention_of_its_group(
    data: st.DataObject, filler: list[str]
) -> None:
    name, group_id = data.draw(st.sampled_from(_insertable()))
    cut = data.draw(st.integers(0, len(filler)))
    prefix = " ".join(["The", *filler[:cut]]) + " "
    text = prefix + name + " " + " ".join([*filler[cut:], "today."])
    start, end = len(prefix), len(prefix) + len(name)
    mentions = scan(text)
    _check_offsets(text, mentions)
    assert any(m.group_id == group_id and m.start < end and start < m.end for m in mentions), (
        text,
        [(m.text, m.decision.value, m.group_id) for m in mentions],
    )
