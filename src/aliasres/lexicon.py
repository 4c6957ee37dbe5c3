"""The lexicon of militant-group vocabulary (data in ``lexicon.yaml``), compiled once.

Every spelling in the YAML, in any language or script, is folded by the same pipeline that
folds queries (:mod:`aliasres.fold`, :mod:`aliasres.translit`, :mod:`aliasres.arabic`) and
indexed under its entry:

* ``raw``: single Latin tokens as folded, before the Latin rules (so English and French
  words such as *Chechen* or *Tunisia* are recognised before R4 or R22 rewrite them);
* ``ruled``: single Latin tokens after the Latin rules;
* ``arabic``: Arabic words in :func:`aliasres.arabic.lookup_form`, with and without article;
* ``phrases``: spellings of several words, as tuples of items, each ``c:<concept>`` when the
  word is itself a lexicon word and ``s:<surface>`` otherwise, so "west africa", "gharb
  ifriqiya" and "afrique de l'ouest" all reach ``region:west-africa`` with any spelling of
  their parts.

Two different entries claiming one spelling is an error (:class:`LexiconError`), except among
function words. The compiled :class:`Lexicon` is cached by :func:`load_lexicon`.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from aliasres import arabic, cache
from aliasres.countries import is_country_code
from aliasres.errors import AliasresError
from aliasres.fold import fold_chars, has_arabic, romanize_other, split_scripts
from aliasres.translit import latin_surface

__all__ = [
    "LANGUAGES",
    "LexEntry",
    "Lexicon",
    "LexiconError",
    "TokenKind",
    "compile_lexicon",
    "load_lexicon",
]

LANGUAGES: Final = ("translit", "ar", "en", "fr", "de", "es")
"""Spelling lists an entry may have: Arabic-origin Latin spellings, Arabic script, languages."""

LEXICON_RESOURCE: Final = "lexicon.yaml"


class TokenKind(enum.Enum):
    """What a token is, which sets its prior weight and whether it joins the key."""

    FUNCTION = "function"
    """al, of, the, de, wa, fi, in...: weight 0, left out of ``NormalizedName.tokens``."""
    GENERIC = "generic"
    """Organisational words (lexicon class G): katiba, brigade, jamaat, group, army, front..."""
    COMMON = "common"
    """Content words many groups share (classes L, M): jihad, ansar, islamic, sharia, jund..."""
    COUNTRY = "country"
    """Countries, regions and cities: Tunisia, تونس, Benghazi, Maghreb, Sham, Levant..."""
    DISTINCTIVE = "distinctive"
    """Anything not in the lexicon (Uqba, Nafi, Qaida, Okba...)."""


class LexiconError(AliasresError, ValueError):
    """The lexicon data is malformed; the message lists every problem, one per line."""


@attrs.frozen
class LexEntry:
    """One lexicon concept."""

    id: str
    """Concept id shared by all spellings: ``brigade``, ``khilafa``, ``TN``, ``region:sham``."""
    cls: str
    """Lexicon class: F, G, L, M or C."""
    kind: TokenKind
    weight: float
    display: str
    """The Latin spelling shown for a token read from Arabic script (``khilafa``)."""
    fixed_display: bool = False
    """The YAML sets ``display``: every token of this entry shows it (``tunisia``, ``allah``)."""
    within: tuple[str, ...] = ()
    """For a region or city: the countries (ISO alpha-2) it lies in, so that a group registered
    in one of them is registered there (Kurdistan: IQ, IR, TR, SY)."""

    @property
    def is_function(self) -> bool:
        """True for function words."""
        return self.kind is TokenKind.FUNCTION

    def trace(self, written: str) -> str:
        """The trace line for a token ``written`` this way that hit this entry."""
        if self.kind is TokenKind.FUNCTION:
            return f"article:{written}-" if self.id == "article" else f"function:{written}"
        if self.kind is TokenKind.COUNTRY:
            return f"country:{written}={self.id}"
        return f"lexicon:{written}={self.id}({self.kind.value})"


Item = str
"""A phrase item: ``c:<concept id>`` or ``s:<surface>``."""


@attrs.frozen
class Lexicon:
    """The compiled lexicon: spelling indexes, vocabulary and acronyms."""

    entries: Mapping[str, LexEntry]
    raw: Mapping[str, LexEntry]
    ruled: Mapping[str, LexEntry]
    arabic: Mapping[str, LexEntry]
    phrases: Mapping[tuple[Item, ...], LexEntry]
    verbatim: frozenset[str]
    """Raw spellings from the English, French, German and Spanish lists: their tokens show
    the word as written (``province``, ``tunisie``), not the Arabic-oriented Latin rules."""
    vocabulary: frozenset[str]
    """Latin surfaces and Arabic lookup forms of known distinctive name words."""
    acronyms: frozenset[str]
    max_phrase: int
    phrase_starts: frozenset[Item]
    """First items of all phrases: a quick test before looking phrases up."""
    function_words: frozenset[str]
    """Folded Latin spellings (raw and after the rules) of function words."""
    as_written: frozenset[str] = frozenset()
    """European words common in names of companies and charities (``avia``, ``airlines``)
    that the Arabic-transliteration rules would distort: shown as written (see
    :meth:`reads_as_written`)."""
    as_written_endings: tuple[str, ...] = ()
    """Endings of European words (``tion``, ``ment``, ``ing``...) treated the same way."""
    acronym_concepts: Mapping[str, LexEntry] = attrs.field(factory=dict)
    """Canonical acronyms that stand for a lexicon concept (``ISIS``, ``ISIL`` -> ``isis``):
    they stay acronym tokens (never keyed phonetically) but match through the concept."""

    def latin(self, raw: str) -> LexEntry | None:
        """The entry of a folded Latin token, before or after the Latin rules."""
        entry = self.raw.get(raw)
        if entry is None:
            entry = self.ruled.get(latin_surface(raw))
        return entry

    def knows_latin(self, raw: str) -> bool:
        """True if a folded Latin token is a content word of the lexicon or vocabulary."""
        entry = self.raw.get(raw)
        if entry is not None:
            return not entry.is_function
        surface = latin_surface(raw)
        entry = self.ruled.get(surface)
        if entry is not None:
            return not entry.is_function
        return surface in self.vocabulary

    def reads_as_written(self, raw: str) -> bool:
        """True if a folded Latin word is a European word rather than transliterated Arabic.

        Such a word is shown as written (``charitable``, not ``sharitable``); its key is still
        the skeleton of its ruled surface. A word of the list is also never read as an Arabic
        lexicon word through the Latin rules (``anchor`` is not ``anshor``, a spelling of
        ansar). Evidence: the word list, a European ending after three letters or more, or a
        spelling Arabic
        romanisations do not produce (x, a c that is not ch, ea, oa, eu, a ue not after q/g).
        """
        if raw in self.as_written:
            return True
        if len(raw) >= 6 and raw.endswith(self.as_written_endings):
            for ending in self.as_written_endings:
                if raw.endswith(ending) and len(raw) - len(ending) >= 3:
                    return True
        return _EUROPEAN_SPELLING.search(raw) is not None

    def knows_arabic(self, word: str) -> bool:
        """True if a folded Arabic word is a content word of the lexicon or vocabulary."""
        form = word.translate(_LOOKUP_ONLY)
        entry = self.arabic.get(form)
        return (entry is not None and not entry.is_function) or form in self.vocabulary


_TRANSLATIONS: Final = frozenset(("en", "fr", "de", "es"))
_EUROPEAN_SPELLING: Final = re.compile("x|c(?!h)|ea|oa|eu|(?<![qg])ue")
"""Letter sequences of European spelling that romanised Arabic does not produce."""
_LOOKUP_ONLY: Final = str.maketrans({"ة": "ه", "ى": "ي"})
_CLASS_KINDS: Final[dict[str, TokenKind]] = {
    kind.value: kind for kind in TokenKind if kind is not TokenKind.DISTINCTIVE
}


def _strings(value: object, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of strings, got {type(value).__name__}")
        return []
    out: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            out.append(item)
        else:
            problems.append(
                f"{where}[{index}]: expected a non-empty string, got {type(item).__name__} "
                f"{item!r}; quote the value"
            )
    return out


def _canonical_acronym(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def _latin_tokens(spelling: str) -> list[str]:
    tokens: list[str] = []
    for token in fold_chars(spelling).split():
        for part in split_scripts(token):
            if has_arabic(part) or part.isascii():
                tokens.append(part)
            else:
                tokens.extend(romanize_other(part))
    return tokens


class _Builder:
    def __init__(self, classes: Mapping[str, tuple[TokenKind, float]], problems: list[str]) -> None:
        self.classes = classes
        self.entries: dict[str, LexEntry] = {}
        self.raw: dict[str, LexEntry] = {}
        self.ruled: dict[str, LexEntry] = {}
        self.arabic: dict[str, LexEntry] = {}
        self.phrases: dict[tuple[Item, ...], LexEntry] = {}
        self.verbatim: set[str] = set()
        self.problems = problems

    def claim(
        self, index: dict[Any, LexEntry], key: object, entry: LexEntry, spelling: str
    ) -> None:
        other = index.get(key)
        if other is None:
            index[key] = entry
        elif other.id != entry.id and not (other.is_function and entry.is_function):
            self.problems.append(
                f"entries[{entry.id}]: spelling {spelling!r} (folded {key!r}) is already "
                f"claimed by entry {other.id!r}; a spelling may belong to one concept only"
            )

    def add_single(self, entry: LexEntry, spelling: str, token: str, lang: str) -> None:
        if has_arabic(token):
            word = arabic.fold_letters(token)
            self.claim(self.arabic, arabic.lookup_form(word), entry, spelling)
            clitics, stem = arabic.split_clitics(word, lambda _: False)
            if clitics and len(stem) >= 3:  # الله is not al + له
                self.claim(self.arabic, arabic.lookup_form(stem), entry, spelling)
        else:
            self.claim(self.raw, token, entry, spelling)
            self.claim(self.ruled, latin_surface(token), entry, spelling)
            if lang in _TRANSLATIONS:
                self.verbatim.add(token)

    def item(self, token: str) -> Item | None:
        """A phrase item for one token of a multi-word spelling; None for a function word."""
        entry: LexEntry | None
        if has_arabic(token):
            word = arabic.fold_letters(token)
            entry = self.arabic.get(arabic.lookup_form(word))
            if entry is None:
                _, stem = arabic.split_clitics(word, lambda w: arabic.lookup_form(w) in self.arabic)
                entry = self.arabic.get(arabic.lookup_form(stem))
                if entry is None:
                    return "s:" + arabic.romanize(stem)
        else:
            entry = self.raw.get(token) or self.ruled.get(latin_surface(token))
            if entry is None:
                return "s:" + latin_surface(token)
        return None if entry.is_function else "c:" + entry.id


def _read_entries(data: Mapping[str, Any], problems: list[str]) -> list[Mapping[str, Any]]:
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        problems.append("entries: expected a list of entries")
        return []
    out: list[Mapping[str, Any]] = []
    for index, item in enumerate(raw_entries):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(f"entries[{index}]: expected a mapping with a string id")
            continue
        unknown = set(item) - {"id", "class", "display", "acronyms", "within", *LANGUAGES}
        if unknown:
            problems.append(
                f"entries[{item['id']}]: unknown field(s) {sorted(unknown)}; allowed: "
                f"id, class, display, acronyms, within, {', '.join(LANGUAGES)}"
            )
        out.append(item)
    return out


def compile_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Compile parsed lexicon YAML into a :class:`Lexicon`.

    Raises:
        LexiconError: listing every malformed entry and every spelling two entries claim.
    """
    problems: list[str] = []
    classes: dict[str, tuple[TokenKind, float]] = {}
    for name, spec in (data.get("classes") or {}).items():
        kind = _CLASS_KINDS.get(str(spec.get("kind")))
        weight = spec.get("weight")
        if kind is None or not isinstance(weight, (int, float)) or not 0.0 <= weight <= 1.0:
            problems.append(f"classes[{name}]: needs a known kind and a weight in [0, 1]")
            continue
        classes[str(name)] = (kind, float(weight))
    builder = _Builder(classes, problems)
    multi: list[tuple[LexEntry, str, list[str]]] = []
    acronym_concepts: dict[str, LexEntry] = {}
    for item in _read_entries(data, problems):
        entry_id = str(item["id"])
        cls = item.get("class")
        if cls not in classes:
            problems.append(f"entries[{entry_id}]: class {cls!r} is not one of {sorted(classes)}")
            continue
        spellings = {
            lang: _strings(item.get(lang), f"entries[{entry_id}].{lang}", problems)
            for lang in LANGUAGES
        }
        latin = [s for lang in ("translit", "en", "fr", "de", "es") for s in spellings[lang]]
        display = item.get("display")
        fixed = isinstance(display, str)
        if not isinstance(display, str):
            display = latin_surface(fold_chars(latin[0])) if latin else entry_id
        kind, weight = classes[str(cls)]
        within = tuple(_strings(item.get("within"), f"entries[{entry_id}].within", problems))
        for code in within:
            if kind is not TokenKind.COUNTRY or not is_country_code(code):
                problems.append(
                    f"entries[{entry_id}]: within {code!r}: only places lie within countries, "
                    "given as ISO 3166 alpha-2 codes"
                )
        entry = LexEntry(entry_id, str(cls), kind, weight, display, fixed, within)
        if entry_id in builder.entries:
            problems.append(f"entries[{entry_id}]: duplicate id")
            continue
        builder.entries[entry_id] = entry
        for acronym in _strings(item.get("acronyms"), f"entries[{entry_id}].acronyms", problems):
            form = _canonical_acronym(acronym)
            owner = acronym_concepts.setdefault(form, entry)
            if owner.id != entry_id:
                problems.append(
                    f"entries[{entry_id}]: acronym {acronym!r} already stands for {owner.id!r}"
                )
        for lang in LANGUAGES:
            for spelling in spellings[lang]:
                tokens = _latin_tokens(spelling)
                if len(tokens) == 1:
                    builder.add_single(entry, spelling, tokens[0], lang)
                elif tokens:
                    multi.append((entry, spelling, tokens))
                else:
                    problems.append(f"entries[{entry_id}]: spelling {spelling!r} folds to nothing")
    for raw, entry in builder.raw.items():
        surface = latin_surface(raw)
        for index in (builder.raw, builder.ruled):
            other = index.get(surface)
            if (
                other is not None
                and other.id != entry.id
                and not (other.is_function and entry.is_function)
            ):
                builder.problems.append(
                    f"entries[{entry.id}]: spelling {raw!r} becomes {surface!r} after the Latin "
                    f"rules, which is a spelling of entry {other.id!r}"
                )
    for entry in builder.entries.values():
        if not entry.fixed_display:
            continue
        found = builder.raw.get(entry.display) or builder.ruled.get(latin_surface(entry.display))
        if found is None or found.id != entry.id:
            builder.problems.append(
                f"entries[{entry.id}]: display {entry.display!r} must be one of the entry's "
                "own single-word spellings"
            )
    for entry, spelling, tokens in multi:
        items = tuple(i for i in (builder.item(t) for t in tokens) if i is not None)
        if len(items) == 1 and items[0].startswith("s:"):
            builder.claim(builder.ruled, items[0][2:], entry, spelling)
        elif len(items) == 1:
            problems.append(f"entries[{entry.id}]: spelling {spelling!r} is just {items[0]!r}")
        elif items:
            builder.claim(builder.phrases, items, entry, spelling)
    vocabulary = data.get("vocabulary") or {}
    vocab: set[str] = set()
    for spelling in _strings(vocabulary.get("translit"), "vocabulary.translit", problems):
        vocab.add(latin_surface(fold_chars(spelling)))
    for spelling in _strings(vocabulary.get("ar"), "vocabulary.ar", problems):
        vocab.add(arabic.lookup_form(fold_chars(spelling)))
    acronyms = frozenset(
        _canonical_acronym(a) for a in _strings(data.get("acronyms"), "acronyms", problems)
    ) | frozenset(acronym_concepts)
    as_written = data.get("as_written") or {}
    written_words = frozenset(
        token
        for spelling in _strings(as_written.get("words"), "as_written.words", problems)
        for token in _latin_tokens(spelling)
    )
    endings = _strings(as_written.get("endings"), "as_written.endings", problems)
    for form, holder in acronym_concepts.items():
        if form.lower() in builder.raw or latin_surface(form.lower()) in builder.ruled:
            problems.append(
                f"entries[{holder.id}]: acronym {form!r} is also a word of the lexicon, so it "
                "would never be read as an acronym"
            )
    if problems:
        raise LexiconError(f"{len(problems)} problem(s) in the lexicon:\n" + "\n".join(problems))
    return Lexicon(
        entries=dict(builder.entries),
        raw=dict(builder.raw),
        ruled=dict(builder.ruled),
        arabic=dict(builder.arabic),
        phrases=dict(builder.phrases),
        verbatim=frozenset(builder.verbatim),
        vocabulary=frozenset(vocab),
        acronyms=acronyms,
        max_phrase=max((len(p) for p in builder.phrases), default=1),
        phrase_starts=frozenset(p[0] for p in builder.phrases),
        function_words=frozenset(
            word
            for index in (builder.raw, builder.ruled)
            for word, entry in index.items()
            if entry.is_function
        ),
        as_written=written_words,
        as_written_endings=tuple(sorted({e.lower() for e in endings}, key=len, reverse=True)),
        acronym_concepts=acronym_concepts,
    )


def _lexicon_to_data(lexicon: Lexicon) -> dict[str, Any]:
    """A compiled lexicon as plain JSON-able data (for the cache): entries once, by id."""
    return {
        "entries": [
            [e.id, e.cls, e.kind.value, e.weight, e.display, e.fixed_display, list(e.within)]
            for e in lexicon.entries.values()
        ],
        "raw": {word: entry.id for word, entry in lexicon.raw.items()},
        "ruled": {word: entry.id for word, entry in lexicon.ruled.items()},
        "arabic": {word: entry.id for word, entry in lexicon.arabic.items()},
        "phrases": [[*items, entry.id] for items, entry in lexicon.phrases.items()],
        "verbatim": sorted(lexicon.verbatim),
        "vocabulary": sorted(lexicon.vocabulary),
        "acronyms": sorted(lexicon.acronyms),
        "max_phrase": lexicon.max_phrase,
        "phrase_starts": sorted(lexicon.phrase_starts),
        "function_words": sorted(lexicon.function_words),
        "as_written": sorted(lexicon.as_written),
        "as_written_endings": list(lexicon.as_written_endings),
        "acronym_concepts": {form: entry.id for form, entry in lexicon.acronym_concepts.items()},
    }


def _lexicon_from_data(data: Mapping[str, Any]) -> Lexicon:
    """The lexicon :func:`_lexicon_to_data` turned into ``data`` (one object per entry, as
    compiled); the data is trusted, as the cache holds only lexicons that compiled."""
    entries = {
        entry_id: LexEntry(entry_id, cls, TokenKind(kind), weight, display, fixed, tuple(within))
        for entry_id, cls, kind, weight, display, fixed, within in data["entries"]
    }

    def index(name: str) -> dict[str, LexEntry]:
        return {word: entries[entry_id] for word, entry_id in data[name].items()}

    return Lexicon(
        entries=entries,
        raw=index("raw"),
        ruled=index("ruled"),
        arabic=index("arabic"),
        phrases={tuple(phrase[:-1]): entries[phrase[-1]] for phrase in data["phrases"]},
        verbatim=frozenset(data["verbatim"]),
        vocabulary=frozenset(data["vocabulary"]),
        acronyms=frozenset(data["acronyms"]),
        max_phrase=data["max_phrase"],
        phrase_starts=frozenset(data["phrase_starts"]),
        function_words=frozenset(data["function_words"]),
        as_written=frozenset(data["as_written"]),
        as_written_endings=tuple(data["as_written_endings"]),
        acronym_concepts=index("acronym_concepts"),
    )


def _read_resource(name: str) -> str:
    """A data file of the package: read beside this module when the package is on disk (as
    installed), else through importlib.resources (from a zip), whose import costs start-up."""
    try:
        return Path(__file__).with_name(name).read_text(encoding="utf-8")
    except OSError:
        from importlib.resources import files

        return files("aliasres").joinpath(name).read_text(encoding="utf-8")


LEXICON_CODE_PARTS: Final = ("lexicon.py", "fold.py", "translit.py", "arabic.py")
"""The modules that compile the lexicon: a cached compiled lexicon is only valid for them."""


@functools.cache
def load_lexicon() -> Lexicon:
    """The packaged lexicon, read from ``aliasres/lexicon.yaml`` and compiled once.

    Compiling folds every spelling, most of a first query's time, so the compiled lexicon is
    cached, keyed by the YAML, the code that compiles it and the Unicode version it folds with.
    """
    text = _read_resource(LEXICON_RESOURCE)
    key = f"{unicodedata.unidata_version}\0{text}"
    cached = cache.read("lexicon", key, code=LEXICON_CODE_PARTS)
    if cached is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            return _lexicon_from_data(cached)
    import yaml  # only when the cache cannot serve: importing PyYAML costs start-up

    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        msg = f"{LEXICON_RESOURCE}: expected a mapping at the top level"
        raise LexiconError(msg)
    lexicon = compile_lexicon(data)
    cache.write("lexicon", key, _lexicon_to_data(lexicon), code=LEXICON_CODE_PARTS)
    return lexicon
