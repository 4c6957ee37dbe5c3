"""The OFAC SDN importer: the real 2021 snapshot, small synthetic files, and merging."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aliasres import Registry
from aliasres.importers.ofac import (
    MergeError,
    OfacFormatError,
    OfacImport,
    build_ofac_import,
    display_name,
    import_ofac,
    is_acronym_shaped,
    merge,
    parse_remark_aliases,
    read_sdn,
    render_registry,
)
from aliasres.loader import parse_registry
from aliasres.model import Alias, AliasKind, Group, Relation, RelationType, Source, SourceKind

OFAC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ofac"

needs_ofac = pytest.mark.skipif(
    not (OFAC_DIR / "sdn.csv").is_file(),
    reason="the OFAC SDN snapshot (../shared/data/ofac next to the repository) is not here",
)


@pytest.fixture(scope="module")
def ofac() -> OfacImport:
    if not (OFAC_DIR / "sdn.csv").is_file():
        pytest.skip(
            "the OFAC SDN snapshot (../shared/data/ofac next to the repository) is not here"
        )
    return build_ofac_import(OFAC_DIR)


def by_ent(registry: Registry, ent_num: int) -> Group:
    matches = [g for g in registry if g.external_ids.get("ofac") == str(ent_num)]
    assert len(matches) == 1, f"ent_num {ent_num}: {len(matches)} groups"
    return matches[0]


def texts(group: Group, kind: AliasKind | None = None) -> list[str]:
    return [a.text for a in group.aliases if kind is None or a.kind is kind]


# -- the real snapshot ---------------------------------------------------------------------------


@needs_ofac
def test_every_sdgt_fto_organisation_is_imported_once(ofac: OfacImport) -> None:
    entities = read_sdn(OFAC_DIR)
    wanted = {
        e.ent_num for e in entities if e.sdn_type is None and ({"SDGT", "FTO"} & set(e.programs))
    }
    imported = [int(g.external_ids["ofac"]) for g in ofac.registry]
    assert sorted(imported) == imported, "groups come out by ent_num"
    assert set(imported) == wanted
    assert len(imported) == len(wanted) == 562  # the 2021 snapshot
    assert len({g.id for g in ofac.registry}) == len(imported)


@needs_ofac
def test_no_individual_vessel_or_aircraft_is_imported(ofac: OfacImport) -> None:
    types = {e.ent_num: e.sdn_type for e in read_sdn(OFAC_DIR)}
    assert {"individual", "vessel", "aircraft"} <= set(types.values())
    for group in ofac.registry:
        assert types[int(group.external_ids["ofac"])] is None, group.id
    # an SDGT individual with a.k.a.s in the remarks stays out
    assert types[17283] == "individual"
    assert not [g for g in ofac.registry if g.external_ids["ofac"] == "17283"]


@needs_ofac
def test_jak_t_has_its_state_department_aliases(ofac: OfacImport) -> None:
    jak_t = by_ent(ofac.registry, 23863)
    assert jak_t.id == "jund-al-khilafah-in-tunisia"
    assert jak_t.name == "Jund al-Khilafah in Tunisia"
    assert jak_t.aliases[0] == Alias("JUND AL-KHILAFAH IN TUNISIA", sources=["ofac-sdn-23863"])
    assert texts(jak_t, AliasKind.NAME) == [
        "JUND AL-KHILAFAH IN TUNISIA",
        "ISIS-TUNISIA",
        "ISIS-TUNISIA PROVINCE",
        "JUND AL-KHILAFAH FI TUNIS",
        "SOLDIERS OF THE CALIPHATE IN TUNISIA",
        "TALA I JUND AL-KHILAFAH",
        "DAESH TUNISIA",
    ]
    # the designation's other names are weak a.k.a.s, kept by OFAC in the remarks only
    assert texts(jak_t, AliasKind.WEAK) == [
        "SOLDIERS OF THE CALIPHATE",
        "JUND AL-KHILAFA",
        "JUND AL KHILAFAH",
        "VANGUARDS OF THE SOLDIERS OF THE CALIPHATE",
        "AJNAD",
    ]
    assert jak_t.countries == ("TN",)
    assert jak_t.sources == ("ofac-sdn-23863",)
    assert all(alias.sources == ("ofac-sdn-23863",) for alias in jak_t.aliases)


@needs_ofac
def test_weak_akas_from_the_remarks(ofac: OfacImport) -> None:
    assert "JAK-A" in texts(by_ent(ofac.registry, 18644), AliasKind.WEAK)
    assert "MUJAO" in texts(by_ent(ofac.registry, 15609), AliasKind.WEAK)
    assert texts(by_ent(ofac.registry, 24879), AliasKind.WEAK) == ["GSIM", "GNIM"]
    # a quote inside the quoted name does not end it
    assert "KATA'IB HIZBALLAH FI AL-IRAQ" in texts(by_ent(ofac.registry, 11462), AliasKind.WEAK)
    assert ofac.weak_alias_count == 272
    assert ofac.unparsed_remarks == ()


@needs_ofac
def test_alias_kinds_from_alt_csv(ofac: OfacImport) -> None:
    aqim = by_ent(ofac.registry, 6897)  # OFAC still files AQIM under its GSPC name
    assert aqim.name == "Salafist Group for Call and Combat"
    assert {"AQIM", "GSPC"} <= set(texts(aqim, AliasKind.ACRONYM))
    isil = by_ent(ofac.registry, 8759)
    assert {"ISIL", "ISIS"} <= set(texts(isil, AliasKind.ACRONYM))
    assert "DAESH" in texts(isil, AliasKind.NAME)
    assert "IRGC-QF" in texts(by_ent(ofac.registry, 10465), AliasKind.ACRONYM)
    basij = by_ent(ofac.registry, 12727)
    assert "SAZMAN BASIJ MELLI" in texts(basij, AliasKind.FORMER_NAME)


@needs_ofac
def test_every_group_and_alias_is_sourced(ofac: OfacImport) -> None:
    registry = ofac.registry
    for group in registry:
        ent = group.external_ids["ofac"]
        assert group.sources == (f"ofac-sdn-{ent}",)
        assert all(alias.sources == group.sources for alias in group.aliases)
        source = registry.source(f"ofac-sdn-{ent}")
        assert source is not None
        assert source.kind is SourceKind.SANCTIONS_LIST
        assert source.title.startswith(f"OFAC SDN list entry {ent}: ")
        assert source.reference is not None
        assert source.reference.startswith(f"ent_num {ent};")
        texts_ = [alias.text for alias in group.aliases]
        assert len(texts_) == len(set(texts_)), group.id
        assert group.name not in texts_


@needs_ofac
def test_colliding_slugs_get_the_ent_num(ofac: OfacImport) -> None:
    ids = {g.external_ids["ofac"]: g.id for g in ofac.registry}
    assert ids["7637"] == "al-aqsa-foundation"
    assert ids["7643"] == "al-aqsa-foundation-7643"
    assert ids["7645"] == "al-aqsa-foundation-7645"


@needs_ofac
def test_countries_are_iso_codes(ofac: OfacImport) -> None:
    assert by_ent(ofac.registry, 16475).countries == ("LY",)
    assert by_ent(ofac.registry, 16763).countries == ("EG",)
    assert by_ent(ofac.registry, 10465).countries == ("IR", "SY")
    assert ofac.unmapped_countries == {"undetermined": (7116, 7270, 7321)}


@needs_ofac
def test_import_is_deterministic_and_valid(ofac: OfacImport) -> None:
    text = ofac.registry.to_yaml()
    assert import_ofac(OFAC_DIR).to_yaml() == text
    reloaded = parse_registry(text, "import.yaml")
    assert reloaded.to_yaml() == text
    assert len(reloaded) == 562


def curated_jak_t() -> Registry:
    """A small curated file: JAK-T (with an OFAC id), and a group OFAC does not list."""
    sources = [
        Source("seed-004", SourceKind.ARTICLE, "Jund Al Khilafah-Tunisia (JAK-T)"),
        Source("ofac-sdn-23863", SourceKind.REFERENCE, "hand-written OFAC citation"),
    ]
    jak_t = Group(
        id="jak-t",
        name="Jund al-Khilafah in Tunisia",
        curated=True,
        aliases=[
            Alias("JAK-T", AliasKind.ACRONYM, lang="en", sources=["seed-004"]),
            Alias("Soldiers of the Caliphate", AliasKind.TRANSLATION, sources=["seed-004"]),
            Alias("DAESH TUNISIA", sources=["ofac-sdn-23863", "seed-004"]),
        ],
        countries=["TN", "DZ"],
        relations=[Relation(RelationType.SPLINTER_OF, "uqba", ["seed-004"])],
        external_ids={"ofac": "23863", "un": "QDe.167"},
        active_from=2014,
        sources=["seed-004"],
        notes="hand-written",
    )
    uqba = Group("uqba", "Uqba bin Nafi Battalion", curated=True, sources=["seed-004"])
    return Registry([jak_t, uqba], sources)


def merged_text(base: Registry, imported: Registry) -> str:
    return render_registry(merge(base, imported))


@needs_ofac
def test_curated_group_absorbs_its_ofac_entry(ofac: OfacImport) -> None:
    merged = merge(curated_jak_t(), ofac.registry)
    assert len(merged) == 2 + 562 - 1
    assert "jund-al-khilafah-in-tunisia" not in merged
    assert [g.id for g in merged if g.external_ids.get("ofac") == "23863"] == ["jak-t"]
    jak_t = merged["jak-t"]
    assert jak_t.name == "Jund al-Khilafah in Tunisia"
    assert jak_t.notes == "hand-written"
    assert jak_t.curated
    assert jak_t.active_from == 2014
    assert jak_t.relations == curated_jak_t()["jak-t"].relations
    assert jak_t.countries == ("TN", "DZ")
    assert jak_t.sources == ("seed-004", "ofac-sdn-23863")
    aliases = {alias.text: alias for alias in jak_t.aliases}
    # curated aliases come first and keep kind and language
    assert list(aliases)[:3] == ["JAK-T", "Soldiers of the Caliphate", "DAESH TUNISIA"]
    assert aliases["JAK-T"].sources == ("seed-004",)
    # the same name in another case gains the OFAC source instead of a second alias
    soldiers = aliases["Soldiers of the Caliphate"]
    assert soldiers.kind is AliasKind.TRANSLATION
    assert soldiers.sources == ("seed-004", "ofac-sdn-23863")
    assert "SOLDIERS OF THE CALIPHATE" not in aliases
    assert aliases["DAESH TUNISIA"].sources == ("seed-004", "ofac-sdn-23863")
    assert aliases["ISIS-TUNISIA"].sources == ("ofac-sdn-23863",)
    assert aliases["AJNAD"].kind is AliasKind.WEAK
    # the OFAC primary name equals the curated name but for case: not repeated
    assert "JUND AL-KHILAFAH IN TUNISIA" not in aliases
    # OFAC sources are regenerated and follow the file's own sources, by ent_num
    source_ids = [s.id for s in merged.sources]
    assert source_ids[0] == "seed-004"
    assert source_ids[1:] == sorted(source_ids[1:], key=lambda s: int(s.rsplit("-", 1)[1]))
    assert len(source_ids) == 1 + 562
    source = merged.source("ofac-sdn-23863")
    assert source is not None
    assert source.kind is SourceKind.SANCTIONS_LIST
    assert merged["uqba"] == curated_jak_t()["uqba"]


@needs_ofac
def test_ofac_primary_name_becomes_an_alias_of_a_curated_group(ofac: OfacImport) -> None:
    curated = Registry(
        [Group("isis", "Islamic State", curated=True, external_ids={"ofac": "8759"})]
    )
    isis = merge(curated, ofac.registry)["isis"]
    assert isis.aliases[0].text == "ISLAMIC STATE OF IRAQ AND THE LEVANT"
    assert "ISLAMIC STATE" not in texts(isis)  # the curated name in capitals


@needs_ofac
def test_merge_is_idempotent(ofac: OfacImport) -> None:
    once = merged_text(curated_jak_t(), ofac.registry)
    reloaded = parse_registry(once, "once.yaml")
    twice = merged_text(reloaded, import_ofac(OFAC_DIR))
    assert twice == once
    thrice = merged_text(parse_registry(twice, "twice.yaml"), ofac.registry)
    assert thrice == once


@needs_ofac
def test_merge_into_the_packaged_registry_is_idempotent(ofac: OfacImport) -> None:
    base = Registry.load()
    once = merge(base, ofac.registry)
    text = render_registry(once)
    assert render_registry(merge(parse_registry(text, "once.yaml"), ofac.registry)) == text
    curated = [g.id for g in base if g.curated]
    assert [g.id for g in once][: len(curated)] == curated
    imported_ids = {g.external_ids["ofac"] for g in ofac.registry}
    assert imported_ids <= {g.external_ids.get("ofac") for g in once}
    assert len(once) == len(base) + len(imported_ids) - len(
        {g.external_ids.get("ofac") for g in base if g.curated} & imported_ids
    ) - len([g for g in base if not g.curated and "ofac" in g.external_ids])


@needs_ofac
def test_merge_replaces_previous_imports_and_keeps_their_ids(ofac: OfacImport) -> None:
    stale = Group(
        "jak-a-old-id",
        "Jund al-Khilafah in Algeria",
        aliases=[Alias("A NAME OFAC DROPPED", sources=["ofac-sdn-18644"])],
        external_ids={"ofac": "18644"},
        sources=["ofac-sdn-18644"],
    )
    gone = Group("delisted", "Delisted", external_ids={"ofac": "1"}, sources=["ofac-sdn-1"])
    base = Registry(
        [stale, gone],
        [
            Source("ofac-sdn-18644", SourceKind.SANCTIONS_LIST, "old"),
            Source("ofac-sdn-1", SourceKind.SANCTIONS_LIST, "old"),
        ],
    )
    merged = merge(base, ofac.registry)
    jak_a = by_ent(merged, 18644)
    assert jak_a.id == "jak-a-old-id"
    assert "A NAME OFAC DROPPED" not in texts(jak_a)
    assert "delisted" not in merged
    assert merged.source("ofac-sdn-1") is None
    assert merged.source("ofac-sdn-18644") != base.source("ofac-sdn-18644")


@needs_ofac
def test_imported_id_taken_by_a_curated_group(ofac: OfacImport) -> None:
    other = Group("jund-al-khilafah-in-tunisia", "Something else", curated=True)
    merged = merge(Registry([other]), ofac.registry)
    assert merged["jund-al-khilafah-in-tunisia"] == other
    assert by_ent(merged, 23863).id == "jund-al-khilafah-in-tunisia-23863"


@needs_ofac
def test_two_curated_groups_cannot_claim_one_entry(ofac: OfacImport) -> None:
    first = Group("a", "A", curated=True, external_ids={"ofac": "23863"})
    second = Group("b", "B", curated=True, external_ids={"ofac": "23863"})
    with pytest.raises(MergeError, match="23863"):
        merge(Registry([first, second]), ofac.registry)


# -- small synthetic files --------------------------------------------------------------------


SDN = (
    '100,"JUND AL-TEST IN TUNISIA",-0- ,"SDGT] [FTO",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    "\"a.k.a. 'JAT-T'; Linked To: SOMEONE; a.k.a. 'KATA'IB AL-TE\"\r\n"
    '101,"DOE, John","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'JD\'."\r\n'
    '102,"CAF\xc9 COMPANY",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    '103,"OTHER CO",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    "\x1a\r\n"
)
ALT = (
    '100,1,"aka","SOLDIERS OF TEST",-0- \r\n'
    '100,2,"fka","OLD TEST GROUP",-0- \r\n'
    '100,3,"aka","JAT-T",-0- \r\n'
    '101,4,"aka","DOE, Johnny",-0- \r\n'
    "\x1a\r\n"
)
ADD = (
    '100,1,-0- ,"Kasserine","Tunisia",-0- \r\n'
    '100,2,-0- ,-0- ,"Atlantis",-0- \r\n'
    "102,3,-0- ,-0- ,-0- ,-0- \r\n"
    "\x1a\r\n"
)
COMMENTS = '100,"ST\'."\r\n'


def write_ofac(directory: Path, **files: str) -> Path:
    contents = {"sdn.csv": SDN, "alt.csv": ALT, "add.csv": ADD, "sdn_comments.csv": COMMENTS}
    contents.update({name.replace("_csv", ".csv"): text for name, text in files.items()})
    for name, text in contents.items():
        (directory / name).write_bytes(text.encode("cp1252"))
    return directory


def test_synthetic_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="aliasres.importers.ofac"):
        registry = import_ofac(write_ofac(tmp_path), snapshot_date="2021-06")
    assert [g.id for g in registry] == ["jund-al-test-in-tunisia", "cafe-company"]
    group = registry["jund-al-test-in-tunisia"]
    assert group.name == "Jund al-Test in Tunisia"
    assert [(a.text, a.kind) for a in group.aliases] == [
        ("JUND AL-TEST IN TUNISIA", AliasKind.NAME),
        ("SOLDIERS OF TEST", AliasKind.NAME),
        ("OLD TEST GROUP", AliasKind.FORMER_NAME),
        ("JAT-T", AliasKind.ACRONYM),
        ("KATA'IB AL-TEST", AliasKind.WEAK),  # remark continued in sdn_comments.csv
    ]
    assert group.countries == ("TN",)
    assert "Atlantis" in caplog.text
    source = registry.source("ofac-sdn-100")
    assert source == Source(
        "ofac-sdn-100",
        SourceKind.SANCTIONS_LIST,
        "OFAC SDN list entry 100: JUND AL-TEST IN TUNISIA",
        publisher="U.S. Treasury, Office of Foreign Assets Control",
        date="2021-06",
        reference="ent_num 100; program [SDGT] [FTO]",
    )
    assert registry["cafe-company"].name == "Café Company"  # Windows-1252 file


def test_read_sdn_nulls_and_remarks(tmp_path: Path) -> None:
    entities = {e.ent_num: e for e in read_sdn(write_ofac(tmp_path))}
    assert set(entities) == {100, 101, 102, 103}
    assert entities[100].remarks is not None
    assert entities[100].remarks.endswith("AL-TEST'.")
    assert entities[102].remarks is None
    assert entities[102].countries == ()
    assert entities[101].sdn_type == "individual"
    assert entities[103].programs == ("CUBA",)
    assert not entities[103].is_terrorist_organisation


@pytest.mark.parametrize(
    ("name", "sdn", "line", "reason"),
    [
        ("sdn.csv", '100,"ONLY THREE",-0- \r\n', 1, "expected 12 fields, found 3"),
        ("sdn.csv", SDN.replace("101,", "1O1,"), 2, "ent_num '1O1' is not a number"),
        ("alt.csv", '100,1,"aka","X",-0- \r\n100,2,"bka","Y",-0- \r\n', 2, "alt_type"),
        ("add.csv", '100,1,-0- ,"unterminated,"X\r\n', 1, "malformed CSV"),
    ],
)
def test_malformed_line_names_file_and_line(
    tmp_path: Path, name: str, sdn: str, line: int, reason: str
) -> None:
    write_ofac(tmp_path, **{name.replace(".csv", "_csv"): sdn})
    with pytest.raises(OfacFormatError) as caught:
        read_sdn(tmp_path)
    assert f"{name}:{line}: " in str(caught.value)
    assert reason in str(caught.value)
    assert caught.value.line == line


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"sdn\.csv"):
        read_sdn(tmp_path)


# -- helpers ----------------------------------------------------------------------------------


def test_parse_remark_aliases() -> None:
    remarks = (
        "Website www.example.org; a.k.a. 'EGYPT'S SOLDIERS'; f.k.a. 'OLD NAME'; "
        "Linked To: X; n.k.a. 'K.A.S.'; a.k.a. 'NO END"
    )
    items, unparsed = parse_remark_aliases(remarks)
    assert [(i.alt_type, i.name) for i in items] == [
        ("aka", "EGYPT'S SOLDIERS"),
        ("fka", "OLD NAME"),
        ("nka", "K.A.S."),
    ]
    assert unparsed == ("a.k.a. 'NO END",)
    assert parse_remark_aliases(None) == ((), ())


@pytest.mark.parametrize(
    ("ofac_name", "expected"),
    [
        ("JUND AL-KHILAFAH IN TUNISIA", "Jund al-Khilafah in Tunisia"),
        ("AL-QA'IDA IN THE ISLAMIC MAGHREB", "al-Qa'ida in the Islamic Maghreb"),
        ("THE AID ORGANIZATION OF THE ULEMA", "The Aid Organization of the Ulema"),
        ("JAISH-I-MOHAMMED", "Jaish-i-Mohammed"),
        ("TEHRIK-E TALIBAN PAKISTAN (TTP)", "Tehrik-e Taliban Pakistan (TTP)"),
        (
            "AD-DAWLA AL-ISLAMIYYA FI AL-'IRAQ WA-SH-SHAM",
            "ad-Dawla al-Islamiyya fi al-'Iraq wa-sh-Sham",
        ),
        ("DEBBIYE 143 SAL", "Debbiye 143 SAL"),
        ("GOLDEN FISH S.A.L. (OFFSHORE)", "Golden Fish S.A.L. (Offshore)"),
        ("DAY E-COMMERCE", "Day E-Commerce"),
        ("KURDISTAN WORKERS' PARTY", "Kurdistan Workers' Party"),
    ],
)
def test_display_name(ofac_name: str, expected: str) -> None:
    assert display_name(ofac_name) == expected


def test_display_name_keeps_acronyms() -> None:
    assert display_name("ISIS-SINAI PROVINCE", acronyms=["ISIS"]) == "ISIS-Sinai Province"
    assert display_name("REAL IRA", other_names=["REAL IRISH REPUBLICAN ARMY"]) == "Real IRA"


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("AQIM", ["AL-QA'IDA IN THE ISLAMIC MAGHREB"], True),
        ("JAK-T", ["JUND AL-KHILAFAH IN TUNISIA"], True),
        ("PKK", [], True),
        ("DHKP/C", [], True),
        ("K.A.S.", [], True),
        ("DAESH", ["ISLAMIC STATE OF IRAQ AND THE LEVANT"], False),
        ("ISIS-TUNISIA", ["ISLAMIC STATE"], False),
        ("AL-TAWHID", ["AL-QAIDA IN THE LAND OF THE TWO RIVERS"], False),
        ("SOLDIERS OF THE CALIPHATE", [], False),
    ],
)
def test_is_acronym_shaped(text: str, names: list[str], expected: bool) -> None:
    assert is_acronym_shaped(text, names) is expected


def test_render_registry_keeps_the_leading_comments() -> None:
    registry = Registry([Group("a", "A", curated=True)])
    previous = "# curated notes\n# more notes\n\nsources: []\ngroups: []\n"
    text = render_registry(registry, previous)
    assert text.startswith("# curated notes\n# more notes\nsources:")
    assert render_registry(parse_registry(text), text) == text
    assert render_registry(registry) == registry.to_yaml()
