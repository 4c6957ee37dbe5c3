"""Candidate generation: inverted lists from normalised keys to registry names.

Every registry name (canonical name and aliases) is normalised once. Its tokens' matching
identities (lexicon concept or phonetic key), their alternate-reading keys, its folded form and
its acronyms are posted in inverted lists; a query gathers the names that share keys with it,
weighted by how rare each key is, and only those reach the ranking stage. Query tokens the
index has never seen (typos) borrow the keys of known words one edit away, found through an
index of one-letter deletions, so nothing scans every name or every word.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import heapq
import importlib
import itertools
import json
import mmap
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from rapidfuzz import fuzz

from aliasres import cache, collector, indexbuild
from aliasres.atomic import atomic_binary_file
from aliasres.errors import IndexFileError
from aliasres.indexbuild import FORM_KEY_PREFIXES
from aliasres.indexbuild import key_hash as _key_hash
from aliasres.indexbuild import token_keys as token_keys  # also used by aliasres.scan
from aliasres.model import AliasKind
from aliasres.normalize import ACRONYM_KEY_PREFIX, NormalizedName, Token, TokenKind, normalize
from aliasres.registry import Registry
from aliasres.score import (
    JOINED_CUT_WORDS,
    JOINED_WORDS,
    TRUNCATION,
    PreparedName,
    acronym_probe,
)

# Tuning constants, named so that benchmarks can report what they were run with.
MAX_CANDIDATES = 15
"""How many groups (best pre-scores first) go on to full ranking."""
COMMON_KEY_POSTINGS = 100
"""A key on more names than this only re-scores names that rarer keys found, once no name it
alone would add could rank among the best groups."""
NAMES_PER_GROUP = 2
"""How many of a candidate group's names (best pre-scores first) are fully scored."""
USEFUL_PRESCORE = 0.5
"""Names that share only common words with a query (pre-score below this at best) are not
gathered from a common key's long list: they can't come near a decision."""
LONG_POSTINGS = 2_000
"""A query that touches a key on more names than this gathers its candidates with numpy
(imported then): Python loops over such lists cost milliseconds each."""
SELECTION_POOL_FACTOR = 8
"""Groups and their second names are looked for among the best ``limit * NAMES_PER_GROUP *
SELECTION_POOL_FACTOR`` names by pre-score (all of them when those hold too few groups)."""
SORTED_POOL_MAX = 4_000
"""Up to this many names found, sorting them all (in C) costs less than keeping the best
pool in a heap (in Python), and the sorted list serves again if the pool falls short."""
FOUND_SEARCH_FACTOR = 16
"""The numpy path looks the names found up in a long list by binary search while they are
fewer than 1/16 of it; a binary search costs about that many reads of the list."""
FUZZY_TOKEN_CUTOFF = 80
"""rapidfuzz ratio (0-100) above which an unknown query token borrows a known token's lists."""
FUZZY_TOKEN_LIMIT = 3
"""How many known tokens an unknown query token may borrow from."""
TYPO_MIN_LETTERS = 5
"""An unknown word whose sound-key is in the index still borrows the keys of known words one
edit away from this length: a shorter one has too many such neighbours (Wayd: Ayd, Wad)."""
SOUND_CLASSES = str.maketrans("zqcyeowvp", "skkiiuuub")
"""Letters transliterations write for one another (s/z, k/q/c, i/y/e, u/o/w/v, b/p), each
mapped to one of its class. Of the known words equally near an unknown one, those that differ
from it only within these classes are borrowed from first (Sahedi: Zahedi before Saheli)."""
RAREST_KEY_NAMES = 4
"""The names carrying the query's rarest key are always ranked when they are this few."""
CUT_SHORT_MIN_LETTERS = 4
"""An unknown word of this many letters or more is also looked up as the known words it
begins: a shorter beginning starts too many words."""
SIMILAR_TOKENS_CACHE = 50_000
"""How many unknown query tokens keep their fuzzy vocabulary look-up."""
DECODED_NAMES_CACHE = 100_000
"""How many registry names stay decoded (with their scoring form) between queries."""
SPELLED_ACRONYM_MIN = 3
SPELLED_ACRONYM_MAX = 6
"""Runs of this many consecutive query words are looked up as the acronym their initials
spell (Irish Republican Army: IRA); shorter runs spell too many acronyms by chance."""
SPELLED_ACRONYM_PRESCORE = 1.2
"""Pre-score of a name carrying an acronym that the query's words spell out: above any
estimate (at most 1), below the same folded form or acronym."""

SPLIT_MIN_LETTERS = 6
"""An unknown query word of this many letters may be two known words written together."""
SPLIT_PART_MIN = 2
"""The second part of a split word has at least this many letters (Petrochemicco: co) ..."""
SPLIT_HEAD_MIN = 3
"""... the first part at least this many (Cooperation is not co and operation) ..."""
SPLIT_PREFIX_MIN = 4
"""... and a first part that is a known word cut short at least this many (Genertrading:
gener, of general): a shorter beginning starts too many words."""
SPLIT_LONE_TAIL = 6
"""A second part this long is looked up alone when the first is too short a beginning of a
word to look up (Jamnetwork: jam, of Jamal, and network)."""
SPLIT_LIMIT = 2
"""How many ways of splitting one word are looked up (whole first parts, long second parts
first)."""
SPLIT_COMPLETIONS = 3
"""How many known words (shortest first) a cut-short first part may stand for ..."""
SPLIT_SCAN = 64
"""... chosen among at most this many words starting with it, in alphabetical order."""

INDEX_MAGIC = b"aliasres-index\n"
INDEX_FORMAT = 3
HEADER_MAX_BYTES = 1 << 16
ARRAY_SECTIONS = (
    "group_of",
    "ends",
    "postings",
    "idf",
    "total_weight",
    "record_ends",
    "form_hashes",
    "form_numbers",
)
"""The flat arrays of an index, saved as they are in memory."""
KeyedToken = tuple[Token, list[tuple[str, float]], float]
"""A query token, its keys in the index with their rarity, and the most weight it can add."""


@attrs.frozen
class IndexedName:
    """One registry name, normalised, with the group it belongs to."""

    group: int  # position in Registry.groups
    text: str
    kind: AliasKind | None  # None for the canonical name
    name: NormalizedName


class CandidateIndex:
    """Inverted lists over a registry's names; built once, read by every query.

    Everything is held in flat arrays and one dictionary of keys, not in objects per name:
    a registry name is decoded from its compact record only when a query scores it. The same
    arrays are what :meth:`save` writes and :meth:`load` reads back, so a worker can start from
    a saved index without normalising anything.
    """

    def __init__(
        self, registry: Registry, *, workers: int | None = None, _empty: bool = False
    ) -> None:
        """Index every name of ``registry``. A large registry is indexed by ``workers``
        processes (None: one per usable CPU from ``indexbuild.PARALLEL_BUILD_NAMES`` names,
        else none; 1: none); the index is the same whatever their number. (``_empty``: for
        :meth:`_load` only, which fills in the arrays itself; a class compiled by mypyc cannot
        be made with ``cls.__new__`` instead.)"""
        self.registry = registry
        if _empty:
            return
        built = indexbuild.build(registry, workers)
        # The arrays are read through memoryviews, as a loaded index's are: slices are views.
        self._group_of = memoryview(built.group_of)
        self._keys = built.keys  # token keys; the keys of whole names are hashed
        self._form_hashes = memoryview(built.form_hashes)
        self._form_numbers = memoryview(built.form_numbers)
        self._ends = memoryview(built.ends)
        self._postings = memoryview(built.postings)
        self._idf: memoryview[float] = memoryview(built.idf)
        self._unseen_idf = built.unseen_idf
        self._total_weight: memoryview[float] = memoryview(built.total_weight)
        self._vocabulary = built.vocabulary
        self._records = memoryview(built.records)  # not copied: it may be hundreds of MB
        self._token_data = built.token_data
        self._record_ends = memoryview(built.record_ends)
        self._reset_caches()

    @classmethod
    def cached(cls, registry: Registry) -> CandidateIndex:
        """The index of ``registry``: loaded from the cache directory (see ``aliasres.cache``)
        when this registry was indexed before by this code, else built and cached."""
        fingerprint = registry_fingerprint(registry)
        path = cache.entry_path("index", code_fingerprint() + fingerprint, ".index")
        if path is not None and path.is_file():
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):  # damaged: rebuild
                return cls._load(path, registry, fingerprint)
        index = cls(registry)
        if path is not None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                index._save(path, fingerprint)
        return index

    def clear_caches(self) -> None:
        """Forget what earlier queries left behind (decoded names and tokens, near spellings,
        word splits), so that a benchmark measures queries cold. What is built once per
        index and reused by every query (the deletion index, the sorted vocabulary, the
        acronym table, scratch arrays) is kept."""
        self._entries.clear()
        self._tokens.clear()
        self._similar.clear()
        self._parts.clear()

    def _reset_caches(self) -> None:
        self._entries: dict[int, tuple[IndexedName, PreparedName]] = {}
        self._tokens: dict[int, Token] = {}
        self._similar: dict[str, list[tuple[str, float]]] = {}
        self._deletion_index: dict[str, list[str]] | None = None
        self._acronyms: dict[str, tuple[str, ...]] | None = None
        self._parts: dict[str, list[list[tuple[str, float]]]] = {}
        self._sorted_words: list[str] | None = None
        self._buffers = threading.local()  # the numpy path's scratch arrays, per thread

    def __len__(self) -> int:
        """How many registry names are indexed."""
        return len(self._group_of)

    # -- reading -------------------------------------------------------------------------------

    def postings(self, key: str) -> Sequence[int]:
        """The names (ids, ascending) posted under ``key``: a token key (``k:XLF``,
        ``c:khilafa``), a folded form (``f:jund khilafa``) or an acronym (``a:AQIM`` registered,
        ``d:AQIM`` derived from initials). Empty for a key no name has."""
        number = self._number(key)
        if number is None:
            return ()
        return self._postings[self._ends[number - 1] if number else 0 : self._ends[number]]

    def __contains__(self, key: str) -> bool:
        return self._number(key) is not None

    def rarity(self, key: str) -> float | None:
        """The idf of a key, None for a key no registry name has."""
        number = self._number(key)
        return None if number is None else self._idf[number]

    def _token_rarity(self, key: str) -> float | None:
        """``rarity`` of a token key (``k:``, ``c:``; see ``token_keys``), which is never the
        key of a whole name: looked up in the dictionary of keys directly."""
        number = self._keys.get(key)
        return None if number is None else self._idf[number]

    def _number(self, key: str) -> int | None:
        """The position of ``key`` in the index's arrays, None for a key no name has."""
        if not key.startswith(FORM_KEY_PREFIXES):
            return self._keys.get(key)
        wanted = _key_hash(key)
        at = bisect.bisect_left(self._form_hashes, wanted)
        if at < len(self._form_hashes) and self._form_hashes[at] == wanted:
            return self._form_numbers[at]
        return None

    def group_of(self, name_id: int) -> int:
        """The position in ``registry.groups`` of the group a name belongs to."""
        return self._group_of[name_id]

    def entry(self, name_id: int) -> tuple[IndexedName, PreparedName]:
        """A registry name, decoded from its record, and its scoring form (kept, bounded)."""
        found = self._entries.get(name_id)
        if found is None:
            start = self._record_ends[name_id - 1] if name_id else 0
            record = json.loads(self._records[start : self._record_ends[name_id]].tobytes())
            text, kind, folded, tokens, acronyms, acronym, countries, script, trace = record
            name = NormalizedName(
                original=text,
                folded=folded,
                tokens=tuple(self._token(number) for number in tokens),
                acronyms=tuple(acronyms),
                acronym=acronym,
                countries=tuple(countries),
                script=script,
                trace=tuple(trace),
            )
            entry = IndexedName(
                self._group_of[name_id], text, AliasKind(kind) if kind else None, name
            )
            found = (entry, PreparedName.of(name, self.weight))
            if len(self._entries) >= DECODED_NAMES_CACHE:
                self._entries.clear()
            self._entries[name_id] = found
        return found

    def _token(self, number: int) -> Token:
        """Token ``number`` of the token table, decoded once."""
        token = self._tokens.get(number)
        if token is None:
            text, key, alt_keys, kind, weight, concept, alt_readings = self._token_data[number]
            token = Token(
                text, key, tuple(alt_keys), TokenKind(kind), weight, concept, tuple(alt_readings)
            )
            self._tokens[number] = token
        return token

    def entries(self) -> Iterable[IndexedName]:
        """Every indexed name, in id order (decoding them all: for tests and reports)."""
        return (self.entry(name_id)[0] for name_id in range(len(self)))

    def weight(self, token: Token) -> float:
        """A token's weight: its lexicon prior times the rarity of its key in the registry.

        A key no registry name has counts as the rarest possible.
        """
        rarity = self._token_rarity(token.identity)
        return token.weight * (self._unseen_idf if rarity is None else rarity)

    # -- saving --------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one compact file (atomically); :meth:`load` maps it back.

        The file is a header line (JSON) and sections aligned on 8 bytes: the flat arrays as
        they are in memory, the name records, and the keys, token table and vocabulary as JSON.
        """
        self._save(path, registry_fingerprint(self.registry))

    def _save(self, path: str | os.PathLike[str], fingerprint: str) -> None:
        arrays = {name: memoryview(getattr(self, f"_{name}")) for name in ARRAY_SECTIONS}
        sections: dict[str, bytes | memoryview] = {**arrays, "records": self._records}
        for name, value in (
            ("keys", self._keys),
            ("tokens", self._token_data),
            ("vocabulary", self._vocabulary),
        ):
            sections[name] = json.dumps(value, ensure_ascii=False).encode("utf-8")
        places: dict[str, tuple[int, int]] = {}
        size = 0
        for name, section in sections.items():
            length = section.nbytes if isinstance(section, memoryview) else len(section)
            places[name] = (size, length)
            size = _aligned(size + length)
        header = {
            "format": INDEX_FORMAT,
            "byteorder": sys.byteorder,
            "code": code_fingerprint(),
            "registry": fingerprint,
            "unseen_idf": self._unseen_idf,
            "types": {name: values.format for name, values in arrays.items()},
            "sections": places,
            "size": size,
        }
        line = INDEX_MAGIC + json.dumps(header).encode("utf-8")
        line = line.ljust(_aligned(len(line) + 1) - 1) + b"\n"  # the data starts aligned
        with atomic_binary_file(path) as stream:
            stream.write(line)
            written = 0
            for name, section in sections.items():
                start, length = places[name]
                stream.write(bytes(start - written))
                stream.write(section)
                written = start + length
            stream.write(bytes(size - written))

    @classmethod
    def load(cls, path: str | os.PathLike[str], registry: Registry) -> CandidateIndex:
        """Map an index :meth:`save` wrote for ``registry`` with this version of aliasres.

        The arrays and records are read from the file as queries need them (memory-mapped,
        and shared by the processes that load one file), so loading costs little more than
        parsing the JSON parts. Raises IndexFileError when the file is not such an index, was
        built by other code, or for another registry: build and save it again then.
        """
        return cls._load(path, registry, registry_fingerprint(registry))

    @classmethod
    def _load(
        cls, path: str | os.PathLike[str], registry: Registry, fingerprint: str
    ) -> CandidateIndex:
        with Path(path).open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        data = memoryview(mapped)
        header = _read_header(path, data)
        problem = ""
        if header.get("code") != code_fingerprint():
            problem = "it was built by another version of aliasres (normaliser or index code)"
        elif header.get("byteorder") != sys.byteorder:
            problem = f"it was written on a {header.get('byteorder')}-endian machine"
        elif header.get("registry") != fingerprint:
            problem = "it was built for another registry (names or groups differ)"
        if problem:
            msg = f"{path}: cannot use this saved index: {problem}; build and save it again"
            raise IndexFileError(msg)
        start = header["data_start"]
        sections = {
            name: data[start + offset : start + offset + length]
            for name, (offset, length) in header["sections"].items()
        }
        index = cls(registry, _empty=True)
        index._unseen_idf = float(header["unseen_idf"])
        for name in ARRAY_SECTIONS:
            setattr(index, f"_{name}", sections[name].cast(header["types"][name]))
        index._records = sections["records"]
        index._keys = json.loads(sections["keys"].tobytes())
        index._token_data = json.loads(sections["tokens"].tobytes())
        index._vocabulary = json.loads(sections["vocabulary"].tobytes())
        index._reset_caches()
        return index

    # -- querying ------------------------------------------------------------------------------

    def similar_tokens(self, text: str) -> list[tuple[str, float]]:
        """Known token texts close to an unknown one, with their similarity in [0, 1].

        Candidates are the words one edit away (a letter dropped, added, changed or two
        swapped), found through their one-letter deletions without scanning the vocabulary;
        they must also reach ``FUZZY_TOKEN_CUTOFF``. Answers are kept (a bounded cache).
        """
        found = self._similar.get(text)
        if found is None:
            deletions = self._deletions()
            near = {word for variant in _one_deletion(text) for word in deletions.get(variant, ())}
            sound = text.translate(SOUND_CLASSES)
            scored = sorted(
                (-score, word.translate(SOUND_CLASSES) != sound, word)
                for word in near
                if (score := fuzz.ratio(text, word)) >= FUZZY_TOKEN_CUTOFF
            )
            found = [(word, -score / 100.0) for score, _, word in scored[:FUZZY_TOKEN_LIMIT]]
            if len(self._similar) >= SIMILAR_TOKENS_CACHE:
                self._similar.clear()
            self._similar[text] = found
        return found

    def _deletions(self) -> dict[str, list[str]]:
        """Every vocabulary word under itself and its one-letter deletions (built on first use:
        most batches of clean names never need it)."""
        if self._deletion_index is None:
            index: dict[str, list[str]] = defaultdict(list)
            with collector.paused():  # a full collection would scan the registry
                for word in sorted(self._vocabulary):
                    for variant in _one_deletion(word):
                        index[variant].append(word)
            self._deletion_index = dict(index)
        return self._deletion_index

    def _keys_of(self, token: Token) -> list[tuple[str, float]]:
        """A query token's keys in the index with their rarity (idf). A spelling no registry
        name has borrows the keys of the known words one edit away, discounted by similarity.
        It does so even when its own sound-key is in the index, if it is long enough for a
        typo to be told from another word: Katemi (a typo of Kazemi) has the key of other
        names."""
        keys = {
            key: rarity
            for key in token_keys(token)
            if (rarity := self._token_rarity(key)) is not None
        }
        if token.text not in self._vocabulary:
            if not keys or len(token.text) >= TYPO_MIN_LETTERS:
                similar = self.similar_tokens(token.text)
            else:
                similar = []
            if len(token.text) >= CUT_SHORT_MIN_LETTERS and token.concept is None:
                # A word cut short (Dani for Daniel, Intl): the known words it begins.
                similar = [*similar, *self.cut_short(token.text)]
        elif len(token.text) >= TYPO_MIN_LETTERS and token.concept is None:
            similar = self.sound_twins(token.text)
        else:
            similar = []
        for word, similarity in similar:
            for key in self._vocabulary[word]:
                borrowed = self._idf[self._keys[key]] * similarity
                keys[key] = max(keys.get(key, 0.0), borrowed)
        return list(keys.items())

    def cut_short(self, text: str) -> list[tuple[str, float]]:
        """The shortest known words that an unknown word begins (``SPLIT_COMPLETIONS`` at
        most), with the similarity of a word cut short (``TRUNCATION``)."""
        return [(word, TRUNCATION) for word in self._completions(text)]

    def sound_twins(self, text: str) -> list[tuple[str, float]]:
        """Known words that differ from a known word by one letter written for another of its
        class (``SOUND_CLASSES``: Hamsa and Hamza, Kasim and Qasim), with their similarity:
        a spelling that is itself a registry word may still be another word's transliteration.
        Answers are kept (a bounded cache)."""
        key = "=" + text
        found = self._similar.get(key)
        if found is None:
            deletions = self._deletions()
            sound = text.translate(SOUND_CLASSES)
            near = {
                word
                for variant in _one_deletion(text)
                for word in deletions.get(variant, ())
                if len(word) == len(text) and word != text
            }
            found = sorted(
                (word, fuzz.ratio(text, word) / 100.0)
                for word in near
                if word.translate(SOUND_CLASSES) == sound
            )[:FUZZY_TOKEN_LIMIT]
            if len(self._similar) >= SIMILAR_TOKENS_CACHE:
                self._similar.clear()
            self._similar[key] = found
        return found

    def word_parts(self, text: str) -> list[list[tuple[str, float]]]:
        """The known words an unknown word may be written with: each part as the known words
        it may be, with a similarity (``JOINED_WORDS``, or ``JOINED_CUT_WORDS`` for a part that
        only begins a known word).

        A word splits into a first part that is a known word or the beginning of one (at least
        ``SPLIT_PREFIX_MIN`` letters: Genertrading, General Trading with letters lost across
        the word boundary) and a second part that is a known word (Futurebank: future, bank).
        Known words and their beginnings are found by look-ups in the vocabulary and a
        binary search in its sorted words, never by scanning it. Answers are kept (bounded).
        """
        found = self._parts.get(text)
        if found is not None:
            return found
        vocabulary = self._vocabulary
        splits: list[tuple[bool, int, list[list[tuple[str, float]]]]] = []
        if len(text) >= SPLIT_MIN_LETTERS and text not in vocabulary:
            for cut in range(SPLIT_HEAD_MIN, len(text) - SPLIT_PART_MIN + 1):
                head, tail = text[:cut], text[cut:]
                if tail not in vocabulary:
                    continue
                if head in vocabulary:
                    first = [(head, JOINED_WORDS)]
                elif len(head) >= SPLIT_PREFIX_MIN:
                    first = [(word, JOINED_CUT_WORDS) for word in self._completions(head)]
                elif len(tail) >= SPLIT_LONE_TAIL:  # too short a beginning to look up
                    splits.append((False, len(tail), [[(tail, JOINED_WORDS)]]))
                    continue
                else:
                    continue
                if first:
                    whole = first[0][1] == JOINED_WORDS
                    splits.append((whole, len(tail), [first, [(tail, JOINED_WORDS)]]))
        splits.sort(key=lambda split: split[:2], reverse=True)
        found = [part for _, _, parts in splits[:SPLIT_LIMIT] for part in parts]
        if len(self._parts) >= SIMILAR_TOKENS_CACHE:
            self._parts.clear()
        self._parts[text] = found
        return found

    def _completions(self, head: str) -> list[str]:
        """The shortest known words that begin with ``head`` (and are longer)."""
        if self._sorted_words is None:
            self._sorted_words = sorted(self._vocabulary)
        words = self._sorted_words
        start = bisect.bisect_right(words, head)
        # A slice of the sorted list: islice would walk the list from its start.
        if start == len(words) or not words[start].startswith(head):
            return []
        following = words[start : start + SPLIT_SCAN]
        starting = itertools.takewhile(lambda word: word.startswith(head), following)
        return sorted(starting, key=lambda word: (len(word), word))[:SPLIT_COMPLETIONS]

    def _joined_keyed(self, tokens: Sequence[Token]) -> list[KeyedToken]:
        """Extra keyed parts of a query whose words may be joined or split otherwise than in
        the registry: the known words an unknown word is written with (see ``word_parts``),
        and the known word two adjacent words spell together (Fast Link: fastlink). Each part
        keys the names carrying any word it may be, discounted by its similarity."""
        parts: list[list[tuple[str, float]]] = []
        for token in tokens:
            if len(token.text) >= SPLIT_MIN_LETTERS and token.text not in self._vocabulary:
                parts += self.word_parts(token.text)
        for left, right in itertools.pairwise(tokens):
            joined = left.text + right.text
            if joined in self._vocabulary:
                parts.append([(joined, JOINED_WORDS)])
        keyed: list[KeyedToken] = []
        for words in parts:
            normalized = normalize(words[0][0]).tokens
            if not normalized:
                continue  # a function word: it weighs nothing
            token = normalized[0]
            keys: dict[str, float] = {}
            for word, similarity in words:
                for key in self._vocabulary[word]:
                    rarity = self._idf[self._keys[key]] * similarity
                    keys[key] = max(keys.get(key, 0.0), rarity)
            keyed.append((token, list(keys.items()), token.weight * max(keys.values())))
        return keyed

    def _estimate(self, name_id: int, shared: float, query_weight: float) -> float:
        """A weighted Dice coefficient: the weight of shared keys over the mean of both names'
        total weights."""
        return 2.0 * shared / (query_weight + self._total_weight[name_id])

    def _open(
        self, shared: dict[int, float], query_weight: float, remaining: float, limit: int
    ) -> bool:
        """Whether a name that only the remaining keys (worth ``remaining``) would find could
        still be worth listing: reach ``USEFUL_PRESCORE`` and enter the best ``limit`` groups
        of the names found so far (it cannot once ``limit`` groups have names above it)."""
        if query_weight <= 0.0:
            return True
        bound = 2.0 * remaining / query_weight
        if bound < USEFUL_PRESCORE:
            return False
        needed = bound * query_weight / 2.0  # an estimate is at most 2 * shared / query weight
        above: set[int] = set()
        for name_id, weight in shared.items():
            if weight >= needed and self._estimate(name_id, weight, query_weight) >= bound:
                above.add(self._group_of[name_id])
                if len(above) >= limit:
                    return False
        return True

    def candidates(
        self, query: NormalizedName, limit: int = MAX_CANDIDATES
    ) -> list[tuple[int, float]]:
        """(name id, pre-score) of the names worth ranking: a few per group, ``limit`` groups.

        A name's pre-score estimates its token agreement with the query from the keys they
        share (see ``_estimate``). Same folded form and acronym hits always come first.
        """
        query_weight = sum(self.weight(token) for token in query.tokens)
        keyed: list[KeyedToken] = []
        for token in query.tokens:
            keys = self._keys_of(token)
            keyed.append((token, keys, token.weight * max((r for _, r in keys), default=0.0)))
        keyed += self._joined_keyed(query.tokens)
        keyed.sort(key=lambda item: -item[2])
        # Same folded form, then a registered acronym, then initials, then an acronym the
        # query spells out: above any estimate.
        exact = dict.fromkeys(self._spelled_acronym_names(query), SPELLED_ACRONYM_PRESCORE)
        probe = acronym_probe(query)
        if probe is not None:
            exact.update(dict.fromkeys(self.postings(f"d:{probe[0]}"), 1.5))
            exact.update(dict.fromkeys(self.postings(f"a:{probe[0]}"), 2.0))
        if query.folded:
            exact.update(dict.fromkeys(self.postings(f"f:{query.folded}"), 3.0))
        ranked = [(-prescore, name_id) for name_id, prescore in exact.items()]
        pool = limit * NAMES_PER_GROUP * SELECTION_POOL_FACTOR
        rare = self._rarest_postings(query)
        if any(len(self.postings(key)) > LONG_POSTINGS for _, keys, _ in keyed for key, _ in keys):
            best, rest = self._estimates_in_bulk(keyed, query_weight, exact, limit, pool)
            chosen = self._select(sorted(ranked) + best, limit, rare)
            if not rest or len({self._group_of[name_id] for name_id, _ in chosen}) == limit:
                return self._with_rarest(chosen, rare, query, query_weight)
            chosen = self._select(sorted(ranked) + best + rest(), limit, rare)
            return self._with_rarest(chosen, rare, query, query_weight)
        ranked += self._estimates(keyed, query_weight, exact, limit)
        if len(ranked) > SORTED_POOL_MAX:
            chosen = self._select(heapq.nsmallest(pool, ranked), limit, rare)
            if len({self._group_of[name_id] for name_id, _ in chosen}) == limit:
                return self._with_rarest(chosen, rare, query, query_weight)
            chosen = self._select(sorted(ranked), limit, rare)
            return self._with_rarest(chosen, rare, query, query_weight)
        ranked.sort()
        if len(ranked) > pool:
            chosen = self._select(ranked[:pool], limit, rare)
            if len({self._group_of[name_id] for name_id, _ in chosen}) == limit:
                return self._with_rarest(chosen, rare, query, query_weight)
        return self._with_rarest(self._select(ranked, limit, rare), rare, query, query_weight)

    def _with_rarest(
        self,
        chosen: list[tuple[int, float]],
        rare: Sequence[int],
        query: NormalizedName,
        query_weight: float,
    ) -> list[tuple[int, float]]:
        """``chosen`` and, if the query's rarest key is on ``RAREST_KEY_NAMES`` names or fewer,
        those of them whose group is not chosen, in pre-score order: a name sharing the
        query's most telling word is ranked even when the query adds many words it lacks
        (Unipapel S.A. Bolsas de Papel Papeles Sobres for Unipapel S.A.), which keeps its
        estimate below names sharing several of the added words."""
        if not rare or len(rare) > RAREST_KEY_NAMES:
            return chosen
        groups = {self._group_of[name_id] for name_id, _ in chosen}
        missing = [name_id for name_id in rare if self._group_of[name_id] not in groups]
        if not missing:
            return chosen
        weight = max(
            (
                token.weight * rarity
                for token in query.tokens
                for key in token_keys(token)
                if (rarity := self.rarity(key)) is not None and self.postings(key) == rare
            ),
            default=0.0,
        )
        extra = [(name_id, self._estimate(name_id, weight, query_weight)) for name_id in missing]
        return sorted([*chosen, *extra], key=lambda item: -item[1])

    def _spelled_acronym_names(self, query: NormalizedName) -> list[int]:
        """Names that carry an acronym a run of the query's words spells out, and the query's
        rarest other word: Real IRA for "Real Irish Republican Army", ISIS-Sinai Province for
        "Islamic State of Iraq and the Sham - Sinai Province"; or that are the acronym all the
        query's words spell (ISP for "Islamic State in the Philippines"). Shared keys cannot
        show such an agreement, so the estimates would not find them."""
        tokens = query.tokens
        initials = ["" if t.key.startswith(ACRONYM_KEY_PREFIX) else t.text[:1] for t in tokens]
        acronyms = self._acronym_identities()
        found: list[int] = []
        for size in range(SPELLED_ACRONYM_MIN, min(SPELLED_ACRONYM_MAX, len(tokens) - 1) + 1):
            for start in range(len(tokens) - size + 1):
                letters = "".join(initials[start : start + size]).upper()
                identities = acronyms.get(letters, ()) if len(letters) == size else ()
                names = {n for identity in identities for n in self.postings(identity)}
                if not names:
                    continue
                others: list[Sequence[int]] = [
                    postings
                    for i, token in enumerate(tokens)
                    if not start <= i < start + size and (postings := self.postings(token.identity))
                ]
                if others:
                    rarest: Sequence[int] = min(others, key=len)
                    found += sorted(names.intersection(rarest))
        letters = "".join(initials).upper()
        if SPELLED_ACRONYM_MIN <= len(letters) == len(tokens) <= SPELLED_ACRONYM_MAX:
            # All the query's words: names that are just this acronym, if registered as one.
            found += self.postings(f"a:{letters}")
        return list(dict.fromkeys(found))

    def _acronym_identities(self) -> dict[str, tuple[str, ...]]:
        """The identities of the registry's acronym tokens by their letters (IRA: ``k:#IRA``;
        ISIS: ``c:isis``), gathered from the token table on first use."""
        if self._acronyms is None:
            found: dict[str, dict[str, None]] = defaultdict(dict)
            for number, data in enumerate(self._token_data):
                key = data[1]
                if key.startswith(ACRONYM_KEY_PREFIX):
                    found[key[len(ACRONYM_KEY_PREFIX) :]][self._token(number).identity] = None
            self._acronyms = {letters: tuple(ids) for letters, ids in found.items()}
        return self._acronyms

    def _estimates(
        self,
        keyed: list[KeyedToken],
        query_weight: float,
        exact: dict[int, float],
        limit: int,
    ) -> list[tuple[float, int]]:
        """(negated pre-score, name id) of the names sharing keys with the query."""
        shared: dict[int, float] = {}
        # Rare keys first: once the names found can no longer be outranked by a name that
        # only the remaining keys would find, a common key just adds to the names found.
        remaining = sum(most for _, _, most in keyed)
        closed = False
        for token, keys, most in keyed:
            if len(keys) == 1:  # no other key of this token to take the maximum with
                ((key, rarity),) = keys
                postings = self.postings(key)
                if len(postings) > COMMON_KEY_POSTINGS:
                    closed = closed or not self._open(shared, query_weight, remaining, limit)
                    if closed:
                        postings = _found_in(shared, postings)
                weight = 0.0 + token.weight * rarity  # 0.0, not -0.0, as a sum from zero
                _add_weights(shared, dict.fromkeys(postings, weight))
                remaining -= most
                continue
            # Heaviest key first, so that a name keeps the first weight it gets (the maximum
            # over the token's keys): dictionaries merged in C instead of a loop per name.
            # (``shared`` does not change within a token, so neither does ``closed``.)
            best_for_token: dict[int, float] = {}
            by_weight = sorted(
                ((token.weight * rarity, key) for key, rarity in keys),
                key=lambda weighted: weighted[0],
                reverse=True,
            )
            for weight, key in by_weight:
                postings = self.postings(key)
                if len(postings) > COMMON_KEY_POSTINGS:
                    closed = closed or not self._open(shared, query_weight, remaining, limit)
                    if closed:
                        postings = _found_in(shared, postings)
                if weight <= 0.0:
                    continue  # a name gains nothing from it
                if best_for_token:
                    heavier = best_for_token
                    best_for_token = dict.fromkeys(postings, weight)
                    best_for_token.update(heavier)
                else:
                    best_for_token = dict.fromkeys(postings, weight)
            _add_weights(shared, best_for_token)
            remaining -= most
        # Names sharing too little to reach USEFUL_PRESCORE are only listed when there are
        # not ``limit`` groups of others (a long tail of them is common in large registries).
        needed = USEFUL_PRESCORE * query_weight / 2.0
        useful = {name_id: weight for name_id, weight in shared.items() if weight >= needed}
        if len(useful) < len(shared) and len({self._group_of[n] for n in useful}) < limit:
            useful = shared
        total_weight = self._total_weight
        return [
            (-2.0 * weight / (query_weight + total_weight[name_id]), name_id)
            for name_id, weight in useful.items()
            if name_id not in exact
        ]

    def _estimates_in_bulk(
        self,
        keyed: list[KeyedToken],
        query_weight: float,
        exact: dict[int, float],
        limit: int,
        pool: int,
    ) -> tuple[list[tuple[float, int]], Callable[[], list[tuple[float, int]]] | None]:
        """``_estimates`` for a query that touches long lists, in numpy arrays. As there,
        heavy tokens go first, and once the tokens left cannot lift a name they alone would
        find to ``USEFUL_PRESCORE``, their long lists only add to the names found. Returns
        the best ``pool`` names sorted, and a function giving the others sorted, if any."""
        np = importlib.import_module("numpy")  # only large registries have such long lists
        shared, seen = self._scratch(np)
        found: list[Any] = []  # the names found, each once
        marked: list[Any] = []  # the names the current token has counted for
        remaining = sum(most for _, _, most in keyed)
        try:
            for token, keys, most in keyed:
                closed = 2.0 * remaining < USEFUL_PRESCORE * query_weight
                remaining -= most
                lists = sorted(((token.weight * rarity, key) for key, rarity in keys), reverse=True)
                for number, (weight, key) in enumerate(lists):
                    if weight <= 0.0:
                        break  # nor do the keys after it weigh anything
                    ids = np.frombuffer(self.postings(key), dtype=np.int32)
                    if closed and len(ids) > COMMON_KEY_POSTINGS:
                        ids = _found_among(np, ids, found, shared)
                    if number:  # a token counts once for a name, at its heaviest key
                        ids = ids[seen[ids] == 0.0]
                    if number < len(lists) - 1:
                        seen[ids] = 1.0
                        marked.append(ids)
                    found.append(ids[shared[ids] == 0.0])
                    shared[ids] += weight
                for ids in marked:
                    seen[ids] = 0.0
                marked.clear()
            ids = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int32)
            weights = shared[ids]
        finally:  # leave the scratch arrays zero for the next query
            for names in found:
                shared[names] = 0.0
            for names in marked:
                seen[names] = 0.0
        if exact:
            kept = ~np.isin(ids, np.fromiter(exact, dtype=np.int64))
            ids, weights = ids[kept], weights[kept]
        useful = weights >= USEFUL_PRESCORE * query_weight / 2.0
        group_of = np.frombuffer(self._group_of, dtype=np.int32)
        if not useful.all() and _distinct_sorted(np, group_of[ids[useful]]) >= limit:
            ids, weights = ids[useful], weights[useful]
        total_weight = np.frombuffer(self._total_weight, dtype=np.float64)
        negated = -2.0 * weights / (query_weight + total_weight[ids])
        if len(ids) > pool:
            cut = np.partition(negated, pool - 1)[pool - 1]
            best = negated <= cut  # the best ``pool`` names, and any tied with the last
        else:
            best = np.ones(len(ids), dtype=bool)

        def ordered(chosen: Any) -> list[tuple[float, int]]:
            names, values = ids[chosen], negated[chosen]
            order = np.lexsort((names, values))
            return list(zip(values[order].tolist(), names[order].tolist(), strict=True))

        return ordered(best), None if best.all() else (lambda: ordered(~best))

    def _scratch(self, np: Any) -> tuple[Any, Any]:
        """Two arrays of zeros with a slot per name, kept for this thread's next queries:
        allocating (and page-faulting) them for each query would cost more than a short
        list's work. Whoever uses them leaves them zero."""
        arrays = getattr(self._buffers, "arrays", None)
        if arrays is None:
            arrays = self._buffers.arrays = (np.zeros(len(self)), np.zeros(len(self)))
        return arrays

    def _rarest_postings(self, query: NormalizedName) -> Sequence[int]:
        """The names posted under the rarest key the query's own words have (not one borrowed
        from a near spelling)."""
        best: tuple[float, str] | None = None
        for token in query.tokens:
            if token.weight <= 0.0:
                continue
            for key in token_keys(token):
                rarity = self._token_rarity(key)
                if rarity is not None and (best is None or rarity > best[0]):
                    best = (rarity, key)
        return self.postings(best[1]) if best is not None else ()

    def _select(
        self, ranked: list[tuple[float, int]], limit: int, rare: Sequence[int] = ()
    ) -> list[tuple[int, float]]:
        """The best names of ``ranked`` (negated pre-score, name id), ``NAMES_PER_GROUP`` at
        most per group, from the best ``limit`` groups; and for a group none of whose names so
        chosen has the query's rarest key (``rare``: the names posted under it), its best name
        that has it, if any."""
        chosen: list[tuple[int, float]] = []
        per_group: dict[int, int] = {}
        has_rare: set[int] = set()
        for negated, name_id in ranked:
            group = self._group_of[name_id]
            seen = per_group.get(group, 0)
            if seen >= NAMES_PER_GROUP or (seen == 0 and len(per_group) >= limit):
                if seen and rare and group not in has_rare and _posted(rare, name_id):
                    has_rare.add(group)
                    chosen.append((name_id, -negated))
                continue
            per_group[group] = seen + 1
            chosen.append((name_id, -negated))
            if rare and _posted(rare, name_id):
                has_rare.add(group)
        return chosen


def _add_weights(shared: dict[int, float], weights: dict[int, float]) -> None:
    """Add ``weights`` to the names' weights in ``shared`` (a name not there yet starts from
    zero; no weight may be -0.0): only the names found before are added one by one, the
    others are merged in C. ``weights`` is consumed."""
    for name_id in weights.keys() & shared.keys():
        weights[name_id] += shared[name_id]
    shared.update(weights)


def _posted(postings: Sequence[int], name_id: int) -> bool:
    """Whether a name is on a (sorted) postings list."""
    at = bisect.bisect_left(postings, name_id)
    return at < len(postings) and postings[at] == name_id


def _found_among(np: Any, ids: Any, found: list[Any], shared: Any) -> Any:
    """The names of the sorted array ``ids`` that are among the arrays ``found`` (whose
    names, and only those, have a weight in ``shared``): looked up in ``ids`` by binary
    search when they are few, else by reading their weights."""
    names = np.concatenate(found) if found else ids[:0]
    if len(names) * FOUND_SEARCH_FACTOR >= len(ids):
        return ids[shared[ids] != 0.0]
    at = np.searchsorted(ids, names)
    hit = at < len(ids)
    hit[hit] = ids[at[hit]] == names[hit]
    return names[hit]


def _distinct_sorted(np: Any, values: Any) -> int:
    """How many distinct values a sorted array holds: the groups of names in id order, as
    the index numbers names group by group."""
    return int(np.count_nonzero(values[1:] != values[:-1])) + 1 if len(values) else 0


def looked_up_keys(query: NormalizedName) -> set[str]:
    """The keys a query looks up as they are: its tokens' keys, its folded form and, if it may
    be an acronym, the acronym registered or derived. A registry name sharing none of them
    can only be proposed through a near spelling of one of its words or initials the query
    spells out."""
    keys = {key for token in query.tokens for key in token_keys(token)}
    if query.folded:
        keys.add(f"f:{query.folded}")
    probe = acronym_probe(query)
    if probe is not None:
        keys.update((f"a:{probe[0]}", f"d:{probe[0]}"))
    return keys


def _aligned(offset: int) -> int:
    """``offset`` rounded up to a multiple of 8, so that mapped arrays are aligned."""
    return -(-offset // 8) * 8


def registry_fingerprint(registry: Registry) -> str:
    """A hash of what an index is built from: the groups, in order, and their names."""
    kinds = {kind: kind.value for kind in AliasKind}
    parts: list[str] = []
    for group in registry.groups:
        parts += (group.id, group.name)
        for alias in group.aliases:
            parts += (alias.text, kinds[alias.kind])
        parts.append("\x1e")  # end of group
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _read_header(path: str | os.PathLike[str], data: memoryview) -> dict[str, Any]:
    if data[: len(INDEX_MAGIC)].tobytes() != INDEX_MAGIC:
        msg = f"{path}: not a saved aliasres index (it does not start with {INDEX_MAGIC!r})"
        raise IndexFileError(msg)
    end = data[:HEADER_MAX_BYTES].tobytes().find(b"\n", len(INDEX_MAGIC))
    try:
        header = json.loads(data[len(INDEX_MAGIC) : end].tobytes())
    except ValueError as error:
        msg = f"{path}: damaged saved index header: {error}"
        raise IndexFileError(msg) from None
    if not isinstance(header, dict) or header.get("format") != INDEX_FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        msg = f"{path}: saved index format {found!r}, this aliasres reads {INDEX_FORMAT}"
        raise IndexFileError(msg)
    expected = end + 1 + header["size"]
    if len(data) != expected:
        msg = f"{path}: truncated or damaged saved index ({len(data)} bytes, {expected} expected)"
        raise IndexFileError(msg)
    header["data_start"] = end + 1
    return header


def _one_deletion(word: str) -> set[str]:
    """The word and every string one letter shorter: two words one edit apart share one."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _found_in(shared: dict[int, float], postings: Sequence[int]) -> list[int]:
    """The names of ``shared`` that are on a (sorted) postings list."""
    if len(shared) * 16 < len(postings):
        found = []
        for name_id in shared:
            at = bisect.bisect_left(postings, name_id)
            if at < len(postings) and postings[at] == name_id:
                found.append(name_id)
        return found
    return [name_id for name_id in postings if name_id in shared]


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and data a saved index depends on (the normaliser, its lexicon and
    this module): a saved index is only valid for the code that wrote it."""
    on_disk = cache.code_fingerprint(*INDEX_CODE_PARTS)
    if on_disk is not None:
        return on_disk
    import importlib.resources  # a package not on disk (in a zip): read through its loader

    digest = hashlib.sha256()
    package = importlib.resources.files("aliasres")
    for part in INDEX_CODE_PARTS:
        digest.update(package.joinpath(part).read_bytes())
    return digest.hexdigest()


INDEX_CODE_PARTS = (
    "index.py",
    "indexbuild.py",
    "normalize.py",
    "fold.py",
    "arabic.py",
    "translit.py",
    "phonetic.py",
    "acronyms.py",
    "lexicon.py",
    "lexicon.yaml",
)
