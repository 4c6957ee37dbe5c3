"""Import the SDGT/FTO organisations of the OFAC SDN list (legacy CSV files).

The legacy SDN download is four headerless CSV files:

* ``sdn.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
  GRT, Vess_flag, Vess_owner, Remarks;
* ``alt.csv``: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks;
* ``add.csv``: ent_num, add_num, address, city/state/postal code, country, add_remarks;
* ``sdn_comments.csv``: ent_num, the continuation of a Remarks field cut short in ``sdn.csv``.

OFAC writes ``-0-`` (often followed by a space) for an empty field and ends every file but the
comments with a line holding a single Ctrl-Z (``\\x1a``). Aliases OFAC considers weak are not in
``alt.csv`` but in the remarks, as ``a.k.a. 'MUJAO'`` items; they are imported with kind WEAK.

An organisation is imported when its SDN_Type is empty (not an individual, vessel or aircraft)
and its programs include SDGT or FTO. Each becomes one :class:`~aliasres.model.Group`:

* ``id``: a slug of the display name; entities whose slugs collide get ``-<ent_num>`` appended,
  except the lowest ent_num, which keeps the bare slug;
* ``name``: the OFAC primary name in a readable case (``Jund al-Khilafah in Tunisia``); the
  OFAC spelling itself (upper case) is the first alias, unless the two are identical;
* aliases from ``alt.csv`` in alt_num order (aka and nka: NAME, or ACRONYM when the alias is
  shaped like one; fka: FORMER_NAME), then the remarks' ``a.k.a.``/``f.k.a.``/``n.k.a.`` items
  (WEAK), each text once;
* ``countries``: the address countries of ``add.csv`` as ISO 3166-1 alpha-2 codes;
* ``external_ids``: ``{"ofac": "<ent_num>"}``; one source ``ofac-sdn-<ent_num>`` per entity,
  cited by the group and by each of its aliases.

:func:`merge` folds a fresh import into an existing registry file: curated groups absorb their
OFAC entry (an OFAC name that a curated alias already spells, in any letter case, only adds the
OFAC source to it), previously imported groups are replaced. Output order: curated groups in
file order, other non-OFAC groups in file order, then the imported groups by ent_num; sources
likewise (the file's own sources, then the OFAC sources by ent_num). Importing and merging into the
result again gives the same file, byte for byte; :func:`render_registry` writes it keeping the
comment block at the top of the file it replaces.

This module never locates data by itself: callers pass the directory of the CSV files.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs
from unidecode import unidecode

from aliasres.countries import is_country_code
from aliasres.errors import AliasresError
from aliasres.loader import HEADER
from aliasres.model import Alias, AliasKind, Group, Source, SourceKind
from aliasres.registry import Registry

__all__ = [
    "OFAC_COUNTRY_CODES",
    "AltName",
    "MergeError",
    "OfacFormatError",
    "OfacImport",
    "RemarkAlias",
    "SdnEntity",
    "build_ofac_import",
    "display_name",
    "import_ofac",
    "is_acronym_shaped",
    "merge",
    "parse_remark_aliases",
    "read_sdn",
    "render_registry",
    "slugify",
    "source_id",
]

log = logging.getLogger(__name__)

SDN_FILE = "sdn.csv"
ALT_FILE = "alt.csv"
ADD_FILE = "add.csv"
COMMENTS_FILE = "sdn_comments.csv"

NULL = "-0-"
CTRL_Z = "\x1a"
TERRORISM_PROGRAMS = frozenset({"SDGT", "FTO"})
ALT_TYPES = frozenset({"aka", "fka", "nka"})
PUBLISHER = "U.S. Treasury, Office of Foreign Assets Control"
SOURCE_PREFIX = "ofac-sdn-"
EXTERNAL_ID_KEY = "ofac"

_SDN_WIDTH = 12
_ALT_WIDTH = 5
_ADD_WIDTH = 6
_COMMENTS_WIDTH = 2


class OfacFormatError(AliasresError, ValueError):
    """A line of an OFAC CSV file cannot be read; the message starts with ``file:line:``."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {reason}")


# -- records --------------------------------------------------------------------------------


@attrs.frozen
class AltName:
    """One row of ``alt.csv``: an a.k.a., f.k.a. or n.k.a. of an entity."""

    alt_num: int
    alt_type: str  # "aka", "fka" or "nka"
    name: str
    remarks: str | None = None


@attrs.frozen
class RemarkAlias:
    """A quoted ``a.k.a. '...'`` (or f.k.a., n.k.a.) item of the Remarks field."""

    alt_type: str  # "aka", "fka" or "nka"
    name: str


def _tuple_of_alt_names(values: Iterable[AltName]) -> tuple[AltName, ...]:
    return tuple(values)


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class SdnEntity:
    """One SDN entry with its alternate names, address countries and full remarks."""

    ent_num: int
    name: str
    sdn_type: str | None  # None for organisations; "individual", "vessel", "aircraft"
    programs: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    remarks: str | None = None  # sdn.csv Remarks joined with its sdn_comments.csv continuation
    alt_names: tuple[AltName, ...] = attrs.field(default=(), converter=_tuple_of_alt_names)
    countries: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)  # OFAC names
    line: int = 0  # line of the entry in sdn.csv

    @property
    def is_organisation(self) -> bool:
        """True unless OFAC typed the entry (individual, vessel, aircraft)."""
        return self.sdn_type is None

    @property
    def is_terrorist_organisation(self) -> bool:
        """An organisation designated under the SDGT or FTO programs."""
        return self.is_organisation and not TERRORISM_PROGRAMS.isdisjoint(self.programs)

    @property
    def program_text(self) -> str:
        """The programs as OFAC prints them: ``[FTO] [SDGT]``."""
        return " ".join(f"[{program}]" for program in self.programs)

    @property
    def remark_aliases(self) -> tuple[RemarkAlias, ...]:
        """The ``a.k.a. '...'`` items of the remarks, in order."""
        return parse_remark_aliases(self.remarks)[0]


# -- reading the CSV files ----------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    log.info("%s is not UTF-8; read as Windows-1252/Latin-1", path)
    return text


def _strip_eof(text: str) -> str:
    """Drop OFAC's end-of-file marker: a trailing Ctrl-Z, usually on a line of its own."""
    body = text.rstrip()
    if not body.endswith(CTRL_Z):
        return text
    while body.endswith(CTRL_Z):
        body = body[: -len(CTRL_Z)].rstrip()
    return body + "\n" if body else ""


def _rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` for every record of an OFAC CSV file, blank lines skipped."""
    text = _strip_eof(_read_text(path))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise OfacFormatError(path, line, f"malformed CSV: {error}") from error
        if not any(field.strip() for field in row):
            continue
        if len(row) != width:
            raise OfacFormatError(path, line, f"expected {width} fields, found {len(row)}")
        yield line, row


def _value(raw: str) -> str | None:
    """A field's value, None for OFAC's ``-0-`` and for empty fields."""
    value = raw.strip()
    return None if value in ("", NULL) else value


def _ent_num(path: Path, line: int, raw: str, what: str = "ent_num") -> int:
    value = raw.strip()
    if not value.isdigit():
        raise OfacFormatError(path, line, f"{what} {raw!r} is not a number")
    return int(value)


def _programs(raw: str) -> tuple[str, ...]:
    """``SDGT] [FTO`` (the legacy CSV drops the outer brackets) -> ("SDGT", "FTO")."""
    value = _value(raw)
    if value is None:
        return ()
    return tuple(part.strip() for part in re.split(r"\]\s*\[", value.strip("[] ")) if part.strip())


def read_sdn(directory: Path) -> list[SdnEntity]:
    """Every entry of the SDN files in ``directory``, in ``sdn.csv`` order.

    ``sdn.csv``, ``alt.csv`` and ``add.csv`` are required, ``sdn_comments.csv`` is optional.
    Raises ``OfacFormatError`` (``file:line: what is wrong``) on a malformed line and
    ``FileNotFoundError`` when a required file is missing.
    """
    directory = Path(directory)
    sdn_path = directory / SDN_FILE
    alt_path = directory / ALT_FILE
    add_path = directory / ADD_FILE
    comments_path = directory / COMMENTS_FILE
    for required in (sdn_path, alt_path, add_path):
        if not required.is_file():
            msg = f"{required}: OFAC file not found"
            raise FileNotFoundError(msg)

    continuations: dict[int, list[str]] = {}
    if comments_path.is_file():
        for line, row in _rows(comments_path, _COMMENTS_WIDTH):
            ent_num = _ent_num(comments_path, line, row[0])
            if row[1].strip() != NULL:
                continuations.setdefault(ent_num, []).append(row[1])

    alt_names: dict[int, list[AltName]] = {}
    for line, row in _rows(alt_path, _ALT_WIDTH):
        ent_num = _ent_num(alt_path, line, row[0])
        alt_num = _ent_num(alt_path, line, row[1], "alt_num")
        alt_type = (_value(row[2]) or "").lower()
        if alt_type not in ALT_TYPES:
            reason = f"alt_type {row[2]!r} is not one of aka, fka, nka"
            raise OfacFormatError(alt_path, line, reason)
        name = _value(row[3])
        if name is None:
            raise OfacFormatError(alt_path, line, "alt_name is empty")
        alt_names.setdefault(ent_num, []).append(AltName(alt_num, alt_type, name, _value(row[4])))

    countries: dict[int, list[tuple[int, str]]] = {}
    for line, row in _rows(add_path, _ADD_WIDTH):
        ent_num = _ent_num(add_path, line, row[0])
        add_num = _ent_num(add_path, line, row[1], "add_num")
        country = _value(row[4])
        if country is not None:
            countries.setdefault(ent_num, []).append((add_num, country))

    entities: list[SdnEntity] = []
    seen: dict[int, int] = {}
    for line, row in _rows(sdn_path, _SDN_WIDTH):
        ent_num = _ent_num(sdn_path, line, row[0])
        if ent_num in seen:
            reason = f"ent_num {ent_num} is already used on line {seen[ent_num]}"
            raise OfacFormatError(sdn_path, line, reason)
        seen[ent_num] = line
        name = _value(row[1])
        if name is None:
            raise OfacFormatError(sdn_path, line, "SDN_Name is empty")
        remarks = _value(row[11])
        if ent_num in continuations:
            # sdn.csv cuts long remarks mid-word; the comments file holds the rest verbatim.
            remarks = (remarks or "") + "".join(continuations[ent_num])
            remarks = remarks.strip() or None
        sdn_type = _value(row[2])
        entities.append(
            SdnEntity(
                ent_num=ent_num,
                name=name,
                sdn_type=sdn_type.lower() if sdn_type else None,
                programs=_programs(row[3]),
                remarks=remarks,
                alt_names=sorted(alt_names.get(ent_num, ()), key=lambda alt: alt.alt_num),
                countries=dict.fromkeys(c for _, c in sorted(countries.get(ent_num, ()))),
                line=line,
            )
        )
    return entities


# -- remarks ---------------------------------------------------------------------------------

# An item starts the remarks or follows a ';'. The quoted name ends at the first quote that is
# followed by ';' or by the end of the remarks (optionally after the closing '.'), so quotes
# inside a name survive: a.k.a. 'KATA'IB HIZBALLAH FI AL-IRAQ'.
_REMARK_ITEM_START = re.compile(r"(?:^|;)\s*(?=[afn]\.k\.a\.)")
_REMARK_ITEM = re.compile(r"(?P<type>[afn])\.k\.a\.,?\s*'(?P<name>.+?)'(?=\s*(?:;|\.?\s*$))")


def parse_remark_aliases(remarks: str | None) -> tuple[tuple[RemarkAlias, ...], tuple[str, ...]]:
    """The quoted a.k.a./f.k.a./n.k.a. items of an OFAC Remarks field.

    Returns ``(items, unparsed)``: ``unparsed`` holds the start of every item that looked like
    an alias but had no closing quote, so a caller can report it.
    """
    if not remarks:
        return (), ()
    items: list[RemarkAlias] = []
    unparsed: list[str] = []
    for start in _REMARK_ITEM_START.finditer(remarks):
        match = _REMARK_ITEM.match(remarks, start.end())
        if match is None:
            unparsed.append(remarks[start.end() : start.end() + 60])
            continue
        name = match["name"].strip()
        if name:
            items.append(RemarkAlias(f"{match['type']}ka", name))
    return tuple(items), tuple(unparsed)


# -- names -------------------------------------------------------------------------------------

_VOWELS = frozenset("AEIOUY")
_WORD_SPLIT = re.compile(r"[\s\-/():&,;+.]+")
_DOTTED_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,}$")

# Arabic articles and Urdu/Persian connectors written before a hyphen: al-Qa'ida, ud-Dawa.
_PREFIX_PARTICLES = frozenset(
    "al el es ad adh ar as ash at ath az an ud ul ut us ush wa wal bil fil lil sh e i".split()  # noqa: SIM905
)
# Urdu/Persian connectors written after a hyphen: Jaish-i-Mohammed, Harakat-ul Jihad.
_SUFFIX_CONNECTORS = frozenset({"e", "i", "ul", "ud", "ut"})
# Words written in lower case inside a name (and capitalised only as its first word).
_SMALL_WORDS = frozenset(
    """
    in of the and for to on at by fi wa wal bi li min ila va bin ibn
    de du des la les et aux pour avec sur da do dos das del y e ve und
    """.split()  # noqa: SIM905 - a block of words reads better than 35 quoted strings
)
# Standalone articles and connectors: lower case everywhere (al Rashid Trust, Jama'at ul Dawa).
_STANDALONE_ARTICLES = frozenset({"al", "el", "ul", "ud"})
# Company forms and other words with a fixed spelling.
_FIXED_FORMS: Mapping[str, str] = {
    "CO": "Co",
    "CORP": "Corp",
    "INC": "Inc",
    "LTD": "Ltd",
    "LTDA": "Ltda",
    "LDA": "Lda",
    "PTE": "Pte",
    "PTY": "Pty",
    "SDN": "Sdn",
    "BHD": "Bhd",
    "GMBH": "GmbH",
    "LLC": "LLC",
    "PLC": "PLC",
    "SAL": "SAL",
    "SARL": "SARL",
    "FZE": "FZE",
    "FZC": "FZC",
    "FZCO": "FZCO",
    "DMCC": "DMCC",
    "JSC": "JSC",
    "PJSC": "PJSC",
    "CJSC": "CJSC",
    "ZAO": "ZAO",
    "BVBA": "BVBA",
    "NV": "NV",
    "BV": "BV",
    "SA": "SA",
    "TV": "TV",
}
# Hyphenated words whose first part is not an article or connector.
_HYPHEN_COMPOUNDS = frozenset({"E-COMMERCE", "E-MAIL", "E-BUSINESS"})
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]*)*|'[^\W_]+(?:'[^\W_]*)*|[^\w']+|['_]", re.UNICODE)


def _initials(text: str) -> str:
    """First letter or digit of every word, upper case: ``AL-QA'IDA IN THE ...`` -> ``AQIT``."""
    letters = []
    for word in _WORD_SPLIT.split(text):
        for char in word:
            if char.isalnum():
                letters.append(char.upper())
                break
    return "".join(letters)


def _is_subsequence(needle: str, haystack: str) -> bool:
    remaining = iter(haystack)
    return all(char in remaining for char in needle)


def _spells_initials(part: str, other_names: Iterable[str]) -> bool:
    """``part`` is made of initials of one of ``other_names``, in order (words may be skipped;
    a two-letter part must start with the name's first initial: ``JI``, Jemaa Islamiyah)."""
    for name in other_names:
        initials = _initials(name)
        if len(part) < 3 and not initials.startswith(part[:1]):
            continue
        if _is_subsequence(part, initials):
            return True
    return False


def _abbreviates(word: str, other_names: Iterable[str]) -> bool:
    """``word`` is the run of initials of consecutive words of one of ``other_names``, small
    words skipped or not: ``IRA`` in ``REAL IRISH REPUBLICAN ARMY``, ``EDBI`` in ``EXPORT
    DEVELOPMENT BANK OF IRAN``. Stricter than :func:`_spells_initials`, for display names."""
    for name in other_names:
        words = [w for w in _WORD_SPLIT.split(name) if any(c.isalnum() for c in w)]
        significant = [w for w in words if w.lower() not in _SMALL_WORDS | _PREFIX_PARTICLES]
        for chosen in (words, significant):
            if word in _initials(" ".join(chosen)):
                return True
    return False


def _acronym_part(part: str, other_names: Sequence[str], *, head: bool) -> bool:
    if not part.isalnum() or len(part) > 8:
        return False
    if not head and len(part) <= 3:
        return True  # branch suffix: JAK-T, HUJI-B, ISIS-WA, ISIS-DRC
    if len(part) < 2 or part.lower() in _PREFIX_PARTICLES:
        return False
    if any(char.isdigit() for char in part) or _VOWELS.isdisjoint(part):
        return True
    return _spells_initials(part, other_names)


def is_acronym_shaped(text: str, other_names: Iterable[str] = ()) -> bool:
    """True for aliases such as ``AQIM``, ``JAK-T``, ``IRGC-QF``, ``DHKP/C`` or ``K.A.S.``.

    OFAC writes everything in capitals, so capitals alone say nothing. An acronym is one short
    upper-case token (hyphen and slash allowed) whose parts contain no vowel, contain a digit,
    or spell initials of one of ``other_names`` (the group's other names, in order, with
    words skipped: ``AQIM`` from ``AL-QA'IDA IN THE ISLAMIC MAGHREB``). Dotted abbreviations
    (``K.A.S.``) count too.
    """
    text = text.strip()
    if not text or len(text) > 14 or any(char.isspace() for char in text):
        return False
    if any(char.islower() for char in text):
        return False
    if _DOTTED_ABBREVIATION.match(text):
        return True
    names = [name for name in other_names if name.strip() != text]
    parts = re.split(r"[-/]", text)
    if any(not part for part in parts):
        return False
    head, *tail = parts
    return _acronym_part(head, names, head=True) and all(
        _acronym_part(part, names, head=False) for part in tail
    )


def _capitalise(word: str) -> str:
    """Upper-case the first letter, lower-case the rest: ``QA'IDA`` -> ``Qa'ida``."""
    for index, char in enumerate(word):
        if char.isalpha():
            return word[:index] + char.upper() + word[index + 1 :].lower()
    return word.lower()


def _word_case(
    word: str,
    *,
    first: bool,
    before: str,
    after: str,
    next_word: str,
    acronyms: frozenset[str],
    other_names: Sequence[str],
) -> str:
    upper = word.upper()
    lower = word.lower()
    if any(char.isdigit() for char in word):
        return upper
    if after == "-" and f"{upper}-{next_word.upper()}" in _HYPHEN_COMPOUNDS:
        return _capitalise(word) if len(word) > 1 else upper
    hyphen_after = after == "-"
    hyphen_before = before == "-"
    if lower in _PREFIX_PARTICLES and hyphen_after:
        return lower
    if lower in _SUFFIX_CONNECTORS and hyphen_before:
        return lower
    if upper in _FIXED_FORMS:
        return _FIXED_FORMS[upper]
    if lower in _STANDALONE_ARTICLES:
        return lower
    standalone = (not before or before.isspace()) and (not after or after.isspace())
    if lower in _SMALL_WORDS and standalone and not first:
        return lower
    letters = upper.replace("'", "")
    if len(letters) == 1:
        return upper
    if letters.isalpha() and "'" not in word and lower not in _SMALL_WORDS:
        if _VOWELS.isdisjoint(letters) or upper in acronyms:
            return upper
        if 3 <= len(letters) <= 5 and _abbreviates(upper, other_names):
            return upper
    return _capitalise(word)


def display_name(
    name: str, *, acronyms: Iterable[str] = (), other_names: Iterable[str] = ()
) -> str:
    """A readable form of an upper-case OFAC name.

    ``JUND AL-KHILAFAH IN TUNISIA`` -> ``Jund al-Khilafah in Tunisia``; ``AL-QA'IDA IN THE
    ISLAMIC MAGHREB`` -> ``al-Qa'ida in the Islamic Maghreb``. Articles (al-, el-, ad-, ...)
    and Urdu/Persian connectors (ul-, -e-, -i-) are lower case everywhere, small words (in, of,
    the, and, fi, wa, ...) everywhere but at the start. Words stay upper case when they have
    no vowel or contain a digit, are in ``acronyms``, or spell initials of one of
    ``other_names`` (``IRA`` in ``REAL IRA``, an alias being ``REAL IRISH REPUBLICAN ARMY``).
    Only letter case changes, apart from runs of spaces, which become one.
    """
    text = " ".join(name.split())
    acronym_set = frozenset(acronym.upper() for acronym in acronyms)
    names = [other for other in other_names if other.strip()]
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    first_word = True
    for index, token in enumerate(tokens):
        if not any(char.isalnum() for char in token):
            out.append(token)
            continue
        upper = token.upper()
        out.append(
            _word_case(
                token,
                first=first_word,
                before=tokens[index - 1] if index > 0 else "",
                after=tokens[index + 1] if index + 1 < len(tokens) else "",
                next_word=tokens[index + 2] if index + 2 < len(tokens) else "",
                acronyms=acronym_set,
                other_names=[n for n in names if upper not in _words(n)],
            )
        )
        first_word = False
    return "".join(out)


def _words(name: str) -> frozenset[str]:
    return frozenset(word.upper() for word in _WORD_SPLIT.split(name) if word)


def slugify(text: str) -> str:
    """A registry id from a name: ASCII, lower case, ``[a-z0-9]`` runs joined by hyphens."""
    ascii_text = unidecode(text).lower()
    ascii_text = re.sub(r"['`’‘ʼʿʾ]", "", ascii_text)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def source_id(ent_num: int | str) -> str:
    """The registry source id of an SDN entry: ``ofac-sdn-23863``."""
    return f"{SOURCE_PREFIX}{ent_num}"


# -- countries -------------------------------------------------------------------------------

# Country names as OFAC writes them in add.csv -> ISO 3166-1 alpha-2 (XK for Kosovo, as OFAC).
# Left out on purpose: "undetermined", "Netherlands Antilles" (dissolved, no current code) and
# "Region: Kafia Kingi" (disputed between Sudan and South Sudan). Names not in the table are
# skipped and reported by build_ofac_import.
OFAC_COUNTRY_CODES: Mapping[str, str] = {
    "Afghanistan": "AF",
    "Albania": "AL",
    "Algeria": "DZ",
    "Andorra": "AD",
    "Angola": "AO",
    "Antigua and Barbuda": "AG",
    "Argentina": "AR",
    "Armenia": "AM",
    "Aruba": "AW",
    "Australia": "AU",
    "Austria": "AT",
    "Azerbaijan": "AZ",
    "Bahamas, The": "BS",
    "Bahrain": "BH",
    "Bangladesh": "BD",
    "Barbados": "BB",
    "Belarus": "BY",
    "Belgium": "BE",
    "Belize": "BZ",
    "Benin": "BJ",
    "Bermuda": "BM",
    "Bolivia": "BO",
    "Bosnia and Herzegovina": "BA",
    "Botswana": "BW",
    "Brazil": "BR",
    "Brunei": "BN",
    "Bulgaria": "BG",
    "Burkina Faso": "BF",
    "Burma": "MM",
    "Burundi": "BI",
    "Cabo Verde": "CV",
    "Cambodia": "KH",
    "Cameroon": "CM",
    "Canada": "CA",
    "Cayman Islands": "KY",
    "Central African Republic": "CF",
    "Chad": "TD",
    "Chile": "CL",
    "China": "CN",
    "Colombia": "CO",
    "Comoros": "KM",
    "Congo, Democratic Republic of the": "CD",
    "Congo, Republic of the": "CG",
    "Costa Rica": "CR",
    "Cote d Ivoire": "CI",
    "Croatia": "HR",
    "Cuba": "CU",
    "Curacao": "CW",
    "Cyprus": "CY",
    "Czech Republic": "CZ",
    "Czechia": "CZ",
    "Denmark": "DK",
    "Djibouti": "DJ",
    "Dominica": "DM",
    "Dominican Republic": "DO",
    "Ecuador": "EC",
    "Egypt": "EG",
    "El Salvador": "SV",
    "Equatorial Guinea": "GQ",
    "Eritrea": "ER",
    "Estonia": "EE",
    "Eswatini": "SZ",
    "Ethiopia": "ET",
    "Fiji": "FJ",
    "Finland": "FI",
    "France": "FR",
    "Gabon": "GA",
    "Georgia": "GE",
    "Germany": "DE",
    "Ghana": "GH",
    "Gibraltar": "GI",
    "Greece": "GR",
    "Guatemala": "GT",
    "Guernsey": "GG",
    "Guinea": "GN",
    "Guinea-Bissau": "GW",
    "Guyana": "GY",
    "Haiti": "HT",
    "Honduras": "HN",
    "Hong Kong": "HK",
    "Hungary": "HU",
    "Iceland": "IS",
    "India": "IN",
    "Indonesia": "ID",
    "Iran": "IR",
    "Iraq": "IQ",
    "Ireland": "IE",
    "Isle of Man": "IM",
    "Israel": "IL",
    "Italy": "IT",
    "Jamaica": "JM",
    "Japan": "JP",
    "Jersey": "JE",
    "Jordan": "JO",
    "Kazakhstan": "KZ",
    "Kenya": "KE",
    "Korea, North": "KP",
    "Korea, South": "KR",
    "Kosovo": "XK",
    "Kuwait": "KW",
    "Kyrgyzstan": "KG",
    "Laos": "LA",
    "Latvia": "LV",
    "Lebanon": "LB",
    "Lesotho": "LS",
    "Liberia": "LR",
    "Libya": "LY",
    "Liechtenstein": "LI",
    "Lithuania": "LT",
    "Luxembourg": "LU",
    "Macau": "MO",
    "Madagascar": "MG",
    "Malawi": "MW",
    "Malaysia": "MY",
    "Maldives": "MV",
    "Mali": "ML",
    "Malta": "MT",
    "Marshall Islands": "MH",
    "Mauritania": "MR",
    "Mauritius": "MU",
    "Mexico": "MX",
    "Moldova": "MD",
    "Monaco": "MC",
    "Mongolia": "MN",
    "Montenegro": "ME",
    "Morocco": "MA",
    "Mozambique": "MZ",
    "Namibia": "NA",
    "Nepal": "NP",
    "Netherlands": "NL",
    "New Zealand": "NZ",
    "Nicaragua": "NI",
    "Niger": "NE",
    "Nigeria": "NG",
    "North Macedonia, The Republic of": "MK",
    "Norway": "NO",
    "Oman": "OM",
    "Pakistan": "PK",
    "Palau": "PW",
    "Palestinian": "PS",
    "Panama": "PA",
    "Papua New Guinea": "PG",
    "Paraguay": "PY",
    "Peru": "PE",
    "Philippines": "PH",
    "Poland": "PL",
    "Portugal": "PT",
    "Qatar": "QA",
    "Region: Crimea": "UA",
    "Region: Gaza": "PS",
    "Region: Northern Mali": "ML",
    "Romania": "RO",
    "Russia": "RU",
    "Rwanda": "RW",
    "Saint Kitts and Nevis": "KN",
    "Saint Lucia": "LC",
    "Saint Vincent and the Grenadines": "VC",
    "Samoa": "WS",
    "Saudi Arabia": "SA",
    "Senegal": "SN",
    "Serbia": "RS",
    "Seychelles": "SC",
    "Sierra Leone": "SL",
    "Singapore": "SG",
    "Slovakia": "SK",
    "Slovenia": "SI",
    "Somalia": "SO",
    "South Africa": "ZA",
    "South Sudan": "SS",
    "Spain": "ES",
    "Sri Lanka": "LK",
    "Sudan": "SD",
    "Suriname": "SR",
    "Sweden": "SE",
    "Switzerland": "CH",
    "Syria": "SY",
    "Taiwan": "TW",
    "Tajikistan": "TJ",
    "Tanzania": "TZ",
    "Thailand": "TH",
    "The Gambia": "GM",
    "Togo": "TG",
    "Trinidad and Tobago": "TT",
    "Tunisia": "TN",
    "Turkey": "TR",
    "Turkmenistan": "TM",
    "Uganda": "UG",
    "Ukraine": "UA",
    "United Arab Emirates": "AE",
    "United Kingdom": "GB",
    "United States": "US",
    "Uruguay": "UY",
    "Uzbekistan": "UZ",
    "Vanuatu": "VU",
    "Venezuela": "VE",
    "Vietnam": "VN",
    "Virgin Islands, British": "VG",
    "West Bank": "PS",
    "Yemen": "YE",
    "Zambia": "ZM",
    "Zimbabwe": "ZW",
}


def _country_code(name: str) -> str | None:
    code = OFAC_COUNTRY_CODES.get(" ".join(name.split()))
    return code if code is not None and is_country_code(code) else None


# -- import ------------------------------------------------------------------------------------


def _dict_of_tuples(values: Mapping[str, Iterable[int]]) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value) for key, value in sorted(values.items())}


@attrs.frozen
class OfacImport:
    """A registry built from the SDN files, with what the import could not place."""

    registry: Registry
    entities: tuple[SdnEntity, ...]
    # OFAC country names with no ISO code, and the ent_nums whose addresses carry them
    unmapped_countries: dict[str, tuple[int, ...]] = attrs.field(
        factory=dict, converter=_dict_of_tuples
    )
    # (ent_num, start of the item) for remark items that looked like aliases but did not parse
    unparsed_remarks: tuple[tuple[int, str], ...] = ()

    @property
    def weak_alias_count(self) -> int:
        """Aliases taken from the remarks (kind WEAK)."""
        return sum(
            1 for group in self.registry for alias in group.aliases if alias.kind is AliasKind.WEAK
        )


def _alias_plan(entity: SdnEntity) -> list[tuple[str, AliasKind]]:
    """The entity's alias texts and kinds, before the display name is known."""
    alt_texts = [alt.name for alt in entity.alt_names]
    remark_texts = [item.name for item in entity.remark_aliases]
    every_name = [entity.name, *alt_texts, *remark_texts]
    plan: list[tuple[str, AliasKind]] = [(entity.name, AliasKind.NAME)]
    for alt in entity.alt_names:
        if alt.alt_type == "fka":
            kind = AliasKind.FORMER_NAME
        elif is_acronym_shaped(alt.name, every_name):
            kind = AliasKind.ACRONYM
        else:
            kind = AliasKind.NAME
        plan.append((alt.name, kind))
    plan.extend((text, AliasKind.WEAK) for text in remark_texts)
    return plan


def _acronym_texts(plan: Sequence[tuple[str, AliasKind]], *, weak: bool) -> set[str]:
    """The entity's ACRONYM aliases and, with ``weak``, its remark aliases shaped like one."""
    names = [text for text, _ in plan]
    return {
        text
        for text, kind in plan[1:]
        if kind is AliasKind.ACRONYM
        or (weak and kind is AliasKind.WEAK and is_acronym_shaped(text, names))
    }


def build_ofac_import(directory: Path, *, snapshot_date: str | None = None) -> OfacImport:
    """Read the SDN files in ``directory`` and build one group per SDGT/FTO organisation.

    ``snapshot_date`` (YYYY, YYYY-MM or YYYY-MM-DD), when known, dates every OFAC source.
    Groups come out sorted by ent_num.
    """
    entities = sorted(
        (entity for entity in read_sdn(Path(directory)) if entity.is_terrorist_organisation),
        key=lambda entity: entity.ent_num,
    )
    plans = {entity.ent_num: _alias_plan(entity) for entity in entities}
    # Words that stay upper case in display names: the acronyms of alt.csv, whatever entity
    # they belong to (ISIS in ISIS-SINAI PROVINCE is an alias of the ISIL entry), and the
    # entity's own acronym-shaped remark aliases.
    global_acronyms = {text for plan in plans.values() for text in _acronym_texts(plan, weak=False)}

    unparsed: list[tuple[int, str]] = []
    unmapped: dict[str, list[int]] = {}
    drafts: list[tuple[SdnEntity, str, list[Alias], list[str]]] = []
    for entity in entities:
        src = source_id(entity.ent_num)
        plan = plans[entity.ent_num]
        other_names = [text for text, _ in plan[1:]]
        acronyms = global_acronyms | _acronym_texts(plan, weak=True)
        name = display_name(entity.name, acronyms=acronyms, other_names=other_names)
        aliases: list[Alias] = []
        seen = {name}
        for text, kind in plan:
            if text not in seen:
                seen.add(text)
                aliases.append(Alias(text, kind, sources=(src,)))
        codes: list[str] = []
        for country in entity.countries:
            code = _country_code(country)
            if code is None:
                unmapped.setdefault(country, []).append(entity.ent_num)
            elif code not in codes:
                codes.append(code)
        unparsed.extend((entity.ent_num, item) for item in parse_remark_aliases(entity.remarks)[1])
        drafts.append((entity, name, aliases, codes))

    slugs = [slugify(name) or f"ofac-{entity.ent_num}" for entity, name, _, _ in drafts]
    owners: dict[str, int] = {}
    for (entity, *_), slug in zip(drafts, slugs, strict=True):
        owners.setdefault(slug, entity.ent_num)  # entities are in ent_num order

    groups: list[Group] = []
    sources: list[Source] = []
    for (entity, name, aliases, codes), slug in zip(drafts, slugs, strict=True):
        src = source_id(entity.ent_num)
        group_id = slug if owners[slug] == entity.ent_num else f"{slug}-{entity.ent_num}"
        groups.append(
            Group(
                id=group_id,
                name=name,
                aliases=aliases,
                countries=codes,
                external_ids={EXTERNAL_ID_KEY: str(entity.ent_num)},
                sources=(src,),
            )
        )
        sources.append(
            Source(
                id=src,
                kind=SourceKind.SANCTIONS_LIST,
                title=f"OFAC SDN list entry {entity.ent_num}: {entity.name}",
                publisher=PUBLISHER,
                date=snapshot_date,
                reference=f"ent_num {entity.ent_num}; program {entity.program_text}",
            )
        )
    return OfacImport(
        registry=Registry(groups, sources),
        entities=tuple(entities),
        unmapped_countries=unmapped,
        unparsed_remarks=tuple(unparsed),
    )


def import_ofac(directory: Path, *, snapshot_date: str | None = None) -> Registry:
    """A registry of the SDGT/FTO organisations of the SDN files in ``directory``.

    Country names without an ISO code and remark items that did not parse are logged as
    warnings; :func:`build_ofac_import` returns them as data.
    """
    result = build_ofac_import(directory, snapshot_date=snapshot_date)
    for country, ent_nums in result.unmapped_countries.items():
        log.warning(
            "OFAC country %r has no ISO code; skipped for ent_num %s",
            country,
            ", ".join(map(str, ent_nums)),
        )
    for ent_num, item in result.unparsed_remarks:
        log.warning("ent_num %s: remark alias without closing quote: %r", ent_num, item)
    return result.registry


# -- merge -------------------------------------------------------------------------------------


class MergeError(AliasresError, ValueError):
    """The registry and the import cannot be merged (e.g. two groups claim one OFAC entry)."""


def _ofac_key(group: Group) -> str | None:
    return group.external_ids.get(EXTERNAL_ID_KEY)


def _is_ofac_generated(group: Group) -> bool:
    """A group a previous import wrote (not curated, carrying an OFAC id or OFAC sources)."""
    if group.curated:
        return False
    return _ofac_key(group) is not None or any(s.startswith(SOURCE_PREFIX) for s in group.sources)


def _ofac_names(imported: Group) -> list[Alias]:
    """The OFAC names of an imported group as aliases: its aliases, and its name unless the
    name is only the display form of the OFAC spelling (which is then an alias already)."""
    upper_aliases = {alias.text for alias in imported.aliases}
    if imported.name.upper() in upper_aliases and imported.name != imported.name.upper():
        return list(imported.aliases)
    src = imported.sources[:1] or (source_id(_ofac_key(imported) or ""),)
    return [Alias(imported.name, AliasKind.NAME, sources=src), *imported.aliases]


def _absorb(curated: Group, imported: Group) -> Group:
    """``curated`` with the OFAC names, countries and source of ``imported`` added.

    Names are compared ignoring letter case, as the curated file records spellings that differ
    only in case once (citing every source that has the spelling in any case): OFAC's
    ``SOLDIERS OF THE CALIPHATE`` adds the OFAC source to a curated ``Soldiers of the
    Caliphate`` and an OFAC name equal to the curated name adds nothing but the group source.
    """
    src = source_id(_ofac_key(imported) or "")
    offered = _ofac_names(imported)
    offered_keys = {alias.text.casefold() for alias in offered}

    # Take the OFAC source off every alias OFAC still carries: it is added back below, so a
    # second merge sees the same curated aliases as the first.
    aliases: list[Alias] = []
    for alias in curated.aliases:
        if alias.text.casefold() in offered_keys and src in alias.sources:
            alias = attrs.evolve(alias, sources=[s for s in alias.sources if s != src])
        aliases.append(alias)
    position: dict[str, int] = {}
    for index, alias in enumerate(aliases):
        position.setdefault(alias.text.casefold(), index)
    name_key = curated.name.casefold()
    for alias in offered:
        key = alias.text.casefold()
        if key == name_key:
            continue
        if key in position:
            index = position[key]
            if src not in aliases[index].sources:
                aliases[index] = attrs.evolve(
                    aliases[index], sources=[*aliases[index].sources, src]
                )
        else:
            position[key] = len(aliases)
            aliases.append(attrs.evolve(alias, sources=(src,)))

    stale = [
        alias.text
        for alias in aliases
        if src in alias.sources and alias.text.casefold() not in offered_keys
    ]
    if stale:
        log.warning(
            "group %r: aliases cite %s but are not in that OFAC entry: %s",
            curated.id,
            src,
            "; ".join(stale),
        )
    countries = list(dict.fromkeys([*curated.countries, *imported.countries]))
    sources = [*(s for s in curated.sources if s != src), src]
    return attrs.evolve(curated, aliases=aliases, countries=countries, sources=sources)


def _referenced_sources(groups: Iterable[Group]) -> set[str]:
    used: set[str] = set()
    for group in groups:
        used.update(group.sources)
        for alias in group.aliases:
            used.update(alias.sources)
        for relation in group.relations:
            used.update(relation.sources)
    return used


def merge(base: Registry, imported: Registry) -> Registry:
    """Fold a fresh OFAC import into ``base`` (usually the registry file being refreshed).

    * A curated group whose ``external_ids["ofac"]`` names an imported entity absorbs it: its
      id, name, notes, relations, curated aliases and their sources stay; the OFAC names are
      added as aliases (an alias already there, in any letter case, only gains the OFAC
      source; a name equal to the curated name is not added), the OFAC countries follow the
      curated ones, and the group cites the OFAC source.
    * Groups a previous import wrote (not curated, with an OFAC id or OFAC sources) are
      replaced by the fresh import; an entity keeps the id it had before.
    * Curated groups without an OFAC entry, and other groups, are kept as they are.
    * Order: curated groups, then other kept groups, in file order; then imported groups by
      ent_num. Sources: the file's own (non-OFAC) sources in file order, then the OFAC sources
      by ent_num. OFAC sources are regenerated from the import.

    ``merge(merge(base, imported), imported)`` equals ``merge(base, imported)``.
    Raises ``MergeError`` when two curated groups claim one OFAC entry, or when a relation of a
    kept group points to a group the merge removed.
    """
    imported_by_key: dict[str, Group] = {}
    for group in imported:
        key = _ofac_key(group)
        if key is None:
            msg = f"imported group {group.id!r} has no OFAC ent_num in external_ids"
            raise MergeError(msg)
        imported_by_key[key] = group

    previous_ids: dict[str, str] = {}
    claimed: dict[str, str] = {}
    kept: list[Group] = []
    for group in base:
        key = _ofac_key(group)
        if _is_ofac_generated(group):
            if key is not None:
                previous_ids.setdefault(key, group.id)
            continue
        if group.curated and key is not None and key in imported_by_key:
            if key in claimed:
                msg = (
                    f"groups {claimed[key]!r} and {group.id!r} both claim OFAC ent_num {key};"
                    " one OFAC entry can be merged into one group only"
                )
                raise MergeError(msg)
            claimed[key] = group.id
            group = _absorb(group, imported_by_key[key])
        elif group.curated and key is not None:
            log.warning(
                "curated group %r names OFAC ent_num %s, which is not in the import",
                group.id,
                key,
            )
        kept.append(group)
    curated_first = [g for g in kept if g.curated] + [g for g in kept if not g.curated]

    taken = {group.id for group in curated_first}
    fresh = sorted(
        (group for key, group in imported_by_key.items() if key not in claimed),
        key=lambda group: _sort_key(_ofac_key(group) or ""),
    )
    wanted: dict[str, str] = {}
    for group in fresh:
        key = _ofac_key(group) or ""
        previous = previous_ids.get(key)
        if previous is not None and previous not in taken:
            wanted[key] = previous
            taken.add(previous)
    added: list[Group] = []
    for group in fresh:
        key = _ofac_key(group) or ""
        group_id = wanted.get(key)
        if group_id is None:
            group_id = group.id
            if group_id in taken:
                group_id = f"{group.id}-{key}"
                log.warning(
                    "imported group id %r is taken; OFAC ent_num %s becomes %r",
                    group.id,
                    key,
                    group_id,
                )
            if group_id in taken:
                msg = f"cannot find a free id for OFAC ent_num {key} (tried {group_id!r})"
                raise MergeError(msg)
            taken.add(group_id)
        added.append(group if group_id == group.id else attrs.evolve(group, id=group_id))

    groups = [*curated_first, *added]
    _check_relations(groups)

    imported_sources = {source.id: source for source in imported.sources}
    used = _referenced_sources(groups)
    own_sources = [
        source
        for source in base.sources
        if source.id not in imported_sources
        and (not source.id.startswith(SOURCE_PREFIX) or source.id in used)
    ]
    ofac_sources = sorted(
        (source for source in imported_sources.values() if source.id in used),
        key=lambda source: _sort_key(source.id.removeprefix(SOURCE_PREFIX)),
    )
    return Registry(groups, [*own_sources, *ofac_sources])


def _sort_key(ent_num: str) -> tuple[int, str]:
    return (int(ent_num), "") if ent_num.isdigit() else (1 << 62, ent_num)


def _check_relations(groups: Sequence[Group]) -> None:
    ids = {group.id for group in groups}
    dangling = [
        f"{group.id} -> {relation.target}"
        for group in groups
        for relation in group.relations
        if relation.target not in ids
    ]
    if dangling:
        msg = "relations point to groups the merge removed: " + ", ".join(dangling)
        raise MergeError(msg)


def render_registry(registry: Registry, previous_text: str | None = None) -> str:
    """The registry as file text, keeping the leading comments of the file it replaces.

    ``registry.to_yaml()`` starts with a fixed header; when ``previous_text`` (the file being
    refreshed) starts with its own comment block, that block is kept instead, so curators'
    notes at the top of ``data/aliases.yaml`` survive a re-import.
    """
    text = registry.to_yaml()
    if previous_text is None:
        return text
    lines = previous_text.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    if count == 0 or not text.startswith(HEADER):
        return text
    header = "".join(lines[:count])
    if not header.endswith("\n"):
        header += "\n"
    return header + text[len(HEADER) :]
