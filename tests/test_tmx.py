"""TMX 1.4b reader and writer: one quirk per fixture, round trips, profiles, CAT-tool checks."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from tm.errors import FormatError, InputError, LanguageError
from tm.models import Unit, Variant
from tmx.tmx import PROFILES, Profile, TmxReader, read_tmx, write_tmx

FIXTURES = Path(__file__).parent / "fixtures" / "tmx"
CAT_CLIENTS = Path(__file__).resolve().parents[2] / "shared" / "tools" / "cat-clients"
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


def _read(name: str) -> list[Unit]:
    return list(read_tmx(FIXTURES / name))


# --- reading: one quirk per fixture --------------------------------------------------------


def test_utf16_with_bom_is_read() -> None:
    (unit,) = _read("utf16_bom.tmx")
    assert unit.text("ar") == "الممثل الدائم"
    assert unit.creation_date == datetime(2023, 9, 13, 10, 15, tzinfo=UTC)


def test_tmx11_lang_attribute_is_read_with_a_warning() -> None:
    reader = read_tmx(FIXTURES / "tmx11_lang_attribute.tmx")
    (unit,) = list(reader)
    assert [v.lang for v in unit.variants] == ["en-US", "fr-FR"]
    assert len(reader.warnings) == 1
    assert "TMX 1.1" in reader.warnings[0]


def test_srclang_all_is_accepted() -> None:
    reader = read_tmx(FIXTURES / "srclang_all.tmx")
    (unit,) = list(reader)
    assert reader.header is not None
    assert reader.header.srclang == "*all*"
    assert unit.text("ru") == "Совет Безопасности"


def test_language_tags_are_canonical_and_keep_the_region() -> None:
    (unit,) = _read("region_case.tmx")
    assert [v.lang for v in unit.variants] == ["en-US", "zh-CN"]
    assert unit.text("zh") == "大会"


def test_inline_codes_are_markup_and_flattened_for_matching() -> None:
    units = {u.tuid: u for u in _read("inline_tags.tmx")}
    first = units["inline-1"].variants[0]
    assert first.text == "Click Save now."
    assert first.markup == (
        'Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now.'
    )
    # hi text is translatable (kept); ph/it codes are not
    assert units["inline-2"].text("en") == "See Article 2 and the annex."
    # sub sits inside a code: its text is a separate flow, not part of the sentence
    assert units["inline-3"].text("fr") == "Un lien ici."


def test_whitespace_and_nbsp_around_segments_are_dropped() -> None:
    (unit,) = _read("whitespace_nbsp.tmx")
    assert unit.text("en") == "Agenda item 31"
    assert unit.text("fr") == "Point 31 de l'ordre du jour"


def test_empty_segments_are_skipped_with_warnings() -> None:
    reader = read_tmx(FIXTURES / "empty_segment.tmx")
    units = list(reader)
    assert [u.tuid for u in units] == ["1", "3"]
    assert [v.lang for v in units[0].variants] == ["en"]
    assert reader.skipped == 1
    assert any("empty fr segment" in w and ":5:" in w for w in reader.warnings)


def test_dates_props_notes_usage_and_segtype_are_read() -> None:
    (unit,) = _read("dates_props_notes.tmx")
    assert unit.tuid == "letter-0001"
    assert unit.segtype == "paragraph"
    assert unit.usage_count == 3
    assert unit.change_id == "reviser"
    assert unit.change_date == datetime(2023, 9, 14, 8, 0, tzinfo=UTC)
    assert unit.notes == ("two sentences in English",)
    assert ("x-align-score", "0.812") in unit.props
    assert unit.variants[0].props == (("x-status", "final"),)
    assert unit.variants[1].notes == ("merged",)


@pytest.mark.parametrize(
    ("name", "error", "needle"),
    [
        ("malformed.tmx", FormatError, "malformed.tmx:6: not well-formed XML"),
        ("truncated.tmx", FormatError, "truncated?"),
        ("missing_lang.tmx", FormatError, "missing_lang.tmx:5: a <tuv> has no xml:lang"),
        ("unknown_lang.tmx", LanguageError, "'eng' is not a known language code"),
        ("version_2.tmx", FormatError, "TMX version '2.0' is not supported"),
        ("not_tmx.tmx", FormatError, "the root element is <xliff>"),
        ("billion_laughs.tmx", FormatError, "declares XML entities"),
        ("external_entity.tmx", FormatError, "declares XML entities"),
    ],
)
def test_bad_files_raise_a_clear_error(name: str, error: type[Exception], needle: str) -> None:
    with pytest.raises(error) as info:
        _read(name)
    assert needle in str(info.value)


# --- writing ------------------------------------------------------------------------------

LETTER_UNITS = [
    Unit(
        (Variant("en", "Ambassador"), Variant("fr", "Ambassadeur"), Variant("es", "Embajador")),
        tuid="letter-0001",
        props=(("x-document", "letter.en.md"), ("x-paragraph", "15"), ("x-align-score", "0.9")),
    ),
    Unit(
        (Variant("en", "It failed. It was rejected."), Variant("fr", "Elle a été rejetée.")),
        tuid="letter-0002",
        segtype="paragraph",
    ),
    Unit((Variant("fr", "Seulement en français."),), tuid="letter-0003"),
]


def test_header_has_every_attribute_the_dtd_requires(tmp_path: Path) -> None:
    path = tmp_path / "out.tmx"
    write_tmx(LETTER_UNITS, path, creationdate=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    header = etree.parse(str(path)).getroot().find("header")
    for name in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(name), name
    assert header.get("creationdate") == "20260102T030405Z"
    assert header.find("prop").text.startswith("untm:")


def test_units_without_the_source_or_a_second_language_are_left_out(tmp_path: Path) -> None:
    report = write_tmx(LETTER_UNITS, tmp_path / "out.tmx")
    assert report.units == 2
    assert report.skipped == 1


def test_multi_sentence_units_do_not_claim_to_be_sentences(tmp_path: Path) -> None:
    path = tmp_path / "out.tmx"
    write_tmx(LETTER_UNITS, path)
    tus = etree.parse(str(path)).getroot().iter("tu")
    assert [tu.get("segtype") for tu in tus] == [None, "paragraph"]


def test_per_pair_profile_writes_one_file_per_pair(tmp_path: Path) -> None:
    report = write_tmx(
        LETTER_UNITS, tmp_path / "out.tmx", langs=["en", "fr", "es"], profile="omegat"
    )
    names = [Path(name).name for name, _ in report.files]
    assert names == ["out.en-fr.tmx", "out.en-es.tmx"]
    assert [n for _, n in report.files] == [2, 1]
    header = etree.parse(report.files[0][0]).getroot().find("header")
    assert header.get("segtype") == "paragraph"


def test_trados_profile_adds_regions_and_field_types(tmp_path: Path) -> None:
    report = write_tmx(LETTER_UNITS, tmp_path / "out.tmx", langs=["en", "fr"], profile="trados")
    ((name, _),) = report.files
    assert Path(name).name == "out.tmx"  # one pair: the file asked for
    root = etree.parse(name).getroot()
    assert root.find("header").get("srclang") == "en-US"
    langs = [t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in root.iter("tuv")]
    assert set(langs) == {"en-US", "fr-FR"}
    assert "x-document:SingleString" in {p.get("type") for p in root.iter("prop")}


def test_files_over_the_limit_are_split(tmp_path: Path) -> None:
    units = [Unit((Variant("en", f"S {i}."), Variant("fr", f"P {i}."))) for i in range(5)]
    report = write_tmx(units, tmp_path / "big.tmx", max_units=2)
    assert [(Path(n).name, c) for n, c in report.files] == [
        ("big.part001.tmx", 2),
        ("big.part002.tmx", 2),
        ("big.part003.tmx", 1),
    ]
    assert sum(len(list(read_tmx(n))) for n, _ in report.files) == 5


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.tmx"
    path.write_text("old content", encoding="utf-8")

    def units():
        yield LETTER_UNITS[0]
        raise InputError("stop")

    with pytest.raises(InputError):
        write_tmx(units(), path)
    assert path.read_text(encoding="utf-8") == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tmx"]


def test_bad_profile_and_missing_langs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown export profile 'sdl'"):
        write_tmx(LETTER_UNITS, tmp_path / "x.tmx", profile="sdl")
    with pytest.raises(InputError, match="one file per language pair"):
        write_tmx(LETTER_UNITS, tmp_path / "x.tmx", profile="memoq")


def test_profiles_cover_the_four_tools() -> None:
    assert {"omegat", "trados", "memoq", "phrase"} <= set(PROFILES)
    assert all(isinstance(p, Profile) for p in PROFILES.values())


# --- round trip (hypothesis) ----------------------------------------------------------------

_CHARS = st.characters(
    min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=("Cs", "Cc", "Cn")
)
_WORD = st.text(_CHARS, min_size=1, max_size=12).filter(lambda s: s == s.strip() and s.strip())
_LANGS = ["en", "fr", "es", "ru", "zh-CN", "ar", "fr-CA"]
_DATES = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=UTC)
    ),
)


@st.composite
def _segment(draw: st.DrawFn) -> tuple[str, str | None]:
    """A segment with or without inline codes, built with lxml as the reader serialises it."""
    kinds = st.sampled_from(["ph", "hi", "pair"])
    pieces = draw(st.lists(st.tuples(kinds, _WORD, _WORD), max_size=3))
    seg = etree.Element("seg")
    seg.text = draw(_WORD)
    for n, (kind, inner, tail) in enumerate(pieces, 1):
        if kind == "ph":
            last = etree.SubElement(seg, "ph")
            last.text = f"<br{inner}/>"
        elif kind == "hi":
            last = etree.SubElement(seg, "hi", type="emphasis")
            last.text = inner
        else:
            bpt = etree.SubElement(seg, "bpt", i=str(n))
            bpt.text = "<b>"
            bpt.tail = inner
            last = etree.SubElement(seg, "ept", i=str(n))
            last.text = "</b>"
        last.tail = f" {tail}"
    text = "".join(_flat(seg))
    if len(seg) == 0:
        return text, None
    outer = etree.tostring(seg, encoding="unicode")
    return text, outer[outer.index(">") + 1 : outer.rindex("<")]


def _flat(elem: etree._Element) -> list[str]:
    out = [elem.text or ""]
    for child in elem:
        if child.tag == "hi":
            out.extend(_flat(child))
        out.append(child.tail or "")
    return out


@st.composite
def _unit(draw: st.DrawFn) -> Unit:
    langs = draw(st.lists(st.sampled_from(_LANGS[1:]), min_size=1, max_size=3, unique=True))
    variants = []
    for lang in ["en", *langs]:
        text, markup = draw(_segment())
        variants.append(
            Variant(
                lang,
                text,
                markup,
                props=tuple(draw(st.lists(st.tuples(_WORD, _WORD), max_size=2))),
                notes=tuple(draw(st.lists(_WORD, max_size=2))),
                creation_date=draw(_DATES),
                change_id=draw(st.none() | _WORD),
            )
        )
    return Unit(
        tuple(variants),
        tuid=draw(st.none() | _WORD),
        props=tuple(draw(st.lists(st.tuples(_WORD, _WORD), max_size=3))),
        notes=tuple(draw(st.lists(_WORD, max_size=2))),
        creation_date=draw(_DATES),
        creation_id=draw(st.none() | _WORD),
        change_date=draw(_DATES),
        usage_count=draw(st.integers(0, 1000)),
        segtype=draw(st.sampled_from([None, "sentence", "paragraph"])),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(units=st.lists(_unit(), min_size=1, max_size=5))
def test_write_then_read_gives_the_same_units(tmp_path: Path, units: list[Unit]) -> None:
    path = tmp_path / "round.tmx"
    report = write_tmx(units, path)
    assert report.units == len(units)
    assert list(read_tmx(path)) == [_source_first(u) for u in units]


def _source_first(unit: Unit) -> Unit:
    """The writer puts the source variant first (some tools take the first as source)."""
    from dataclasses import replace

    ordered = sorted(unit.variants, key=lambda v: not v.lang.startswith("en"))
    return replace(unit, variants=tuple(ordered))


# --- real CAT-client checks (../shared/tools/cat-clients) ---------------------------------


def _tool(name: str) -> Path:
    path = CAT_CLIENTS / name
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    return path


def test_letter_tmx_is_read_by_translate_toolkit(tmp_path: Path, letter_tmx: Path) -> None:
    pytest.importorskip("translate.storage.tmx")
    script = _tool("check_tmx_translate_toolkit.py")
    out = subprocess.run(
        [sys.executable, str(script), str(letter_tmx)], capture_output=True, text=True, check=False
    )
    last = out.stdout.strip().splitlines()[-1]
    count = len(list(read_tmx(letter_tmx)))
    assert out.returncode == 0, out.stdout
    assert last.startswith(f"translate-toolkit: read {count} translation units")
    assert "ar, en, es, fr, ru, zh" in last


@pytest.mark.omegat
def test_letter_tmx_validates_against_the_tmx14_dtd(letter_tmx: Path) -> None:
    if not OMEGAT_JAR.is_file():
        pytest.skip("OmegaT (Debian package omegat) is not installed; its jar holds the DTD")
    script = _tool("validate_tmx_dtd.py")
    out = subprocess.run(
        [sys.executable, str(script), str(letter_tmx)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout
    assert out.stdout.strip().splitlines()[-1].startswith("dtd: VALID against")


@pytest.fixture(scope="module")
def letter_tmx(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Path:
    """The six-language TMX of examples/letter, built and exported as `make demo` does."""
    from tm.build import build_memory
    from tm.memory import Memory
    from tmx.interchange import export_memory

    out = tmp_path_factory.mktemp("letter")
    others = [examples / f"letter.{lang}.md" for lang in ("ar", "es", "fr", "ru", "zh")]
    with Memory.open(out / "letter.sqlite") as memory:
        build_memory(examples / "letter.en.md", others, memory)
        export_memory(memory, out / "letter.tmx")
    return out / "letter.tmx"


@pytest.mark.omegat
def test_omegat_pretranslates_the_letter(tmp_path: Path, letter_tmx: Path, examples: Path) -> None:
    """OmegaT 3.6 (console mode, TMX in tm/auto) pre-translates >= 95% of the English sentences
    that have a unit of their own; units holding several sentences say segtype="paragraph"."""
    import re

    from tm.document import read_document
    from tm.memory import Memory
    from tm.segment import segment_document
    from tmx.interchange import export_memory

    if not OMEGAT_JAR.is_file():
        pytest.skip("OmegaT (Debian package omegat) is not installed")
    script = _tool("check_tmx_in_omegat.sh")
    english = read_document(examples / "letter.en.md")
    source = tmp_path / "letter.txt"
    source.write_text("\n".join(p.text for p in english.paragraphs) + "\n", encoding="utf-8")
    with Memory.open(letter_tmx.parent / "letter.sqlite", create=False) as memory:
        report = export_memory(
            memory, tmp_path / "letter.tmx", langs=["en", "fr"], profile="omegat"
        )
    ((pair, _),) = report.files
    out = subprocess.run(
        ["bash", str(script), pair, str(source), "en", "fr"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:]
    done = set(re.findall(r"^  seg \d+ \[xAUTO\] (.*?)  =>  ", out.stdout, flags=re.MULTILINE))
    sentences = {s.text for s in segment_document(english)}
    own = [u.text("en") for u in read_tmx(pair) if u.text("en") in sentences]
    hit = [text for text in own if text in done]
    assert len(own) >= 90
    assert len(hit) / len(own) >= 0.95, sorted(set(own) - done)


def test_files_over_a_byte_limit_are_split_below_it(tmp_path: Path) -> None:
    units = [
        Unit((Variant("en", f"Sentence {i}." * 5), Variant("fr", f"Phrase {i}.")))
        for i in range(40)
    ]
    small = Profile("small", max_bytes=2_000)
    report = write_tmx(units, tmp_path / "out.tmx", profile=small)
    assert len(report.files) > 1
    assert all(Path(name).stat().st_size <= 2_000 for name, _ in report.files)
    assert sum(len(list(read_tmx(name))) for name, _ in report.files) == 40
    # one file is enough: no part number in the name
    report = write_tmx(units[:2], tmp_path / "one.tmx", profile=small)
    assert [Path(name).name for name, _ in report.files] == ["one.tmx"]
    assert PROFILES["phrase"].max_bytes == PROFILES["trados"].max_bytes == 1_000_000_000


def test_exports_get_the_usual_file_mode(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        write_tmx(LETTER_UNITS, tmp_path / "out.tmx")
    finally:
        os.umask(mask)
    assert (tmp_path / "out.tmx").stat().st_mode & 0o777 == 0o644


# --- the fast path for plain units ----------------------------------------------------------

_GOOD = [
    "utf16_bom.tmx",
    "tmx11_lang_attribute.tmx",
    "srclang_all.tmx",
    "region_case.tmx",
    "inline_tags.tmx",
    "whitespace_nbsp.tmx",
    "empty_segment.tmx",
    "dates_props_notes.tmx",
    "duplicate_units.tmx",
    "duplicate_tuid.tmx",
]


@pytest.mark.parametrize("name", _GOOD)
def test_plain_units_read_as_the_full_reader_reads_them(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = read_tmx(FIXTURES / name)
    units = list(fast)
    monkeypatch.setattr(TmxReader, "_plain", lambda self, tu: None)
    full = read_tmx(FIXTURES / name)
    assert units == list(full)
    assert (fast.warnings, fast.skipped) == (full.warnings, full.skipped)


def test_records_give_plain_tuples_for_units_with_only_texts(tmp_path: Path) -> None:
    path = tmp_path / "plain.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
        '<tu tuid="1"><tuv xml:lang="EN-us"><seg> Peace </seg></tuv>'
        '<tuv xml:lang="fr"><seg>la <ph x="1">&lt;br/&gt;</ph>paix</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="en"><seg>War</seg></tuv><tuv xml:lang="fr"><seg>Guerre</seg></tuv>'
        "</tu>\n"
        '<tu usagecount="2"><tuv xml:lang="en"><seg>Law</seg></tuv></tu>\n'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    records = list(read_tmx(path).records())
    assert records[:2] == [
        ("1", (("en-US", "Peace", None), ("fr", "la paix", 'la <ph x="1">&lt;br/&gt;</ph>paix'))),
        (None, (("en", "War", None), ("fr", "Guerre", None))),
    ]
    assert records[2] == Unit((Variant("en", "Law"),), usage_count=2)


_CAT_STYLE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
    '<tu tuid="1" creationdate="20240102T030405Z" creationid="ALICE" changedate="20250102T030405Z"'
    ' changeid="BOB"><prop type="x-document">A/79/1</prop><note>checked</note>'
    '<tuv xml:lang="en-GB"><seg>Peace</seg></tuv><tuv xml:lang="fr"><seg>Paix</seg></tuv></tu>\n'
    '<tu creationdate="2024-01-02" changeid="BOB"><tuv xml:lang="en"><seg>War</seg></tuv>'
    '<tuv xml:lang="fr"><seg>la <ph x="1">&lt;br/&gt;</ph>guerre</seg></tuv></tu>\n'
    '<tu><note>only a note</note><tuv xml:lang="en"><seg>Law</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Droit</seg></tuv></tu>\n'
    '<tu changedate="20260101T000000Z"><prop type="x-paragraph">2</prop>'
    '<tuv xml:lang="en"><seg>Peace</seg></tuv><tuv xml:lang="fr"><seg>Paix</seg></tuv></tu>\n'
    '<tu usagecount="3" creationid="ALICE"><tuv xml:lang="en"><seg>Court</seg></tuv>'
    '<tuv xml:lang="fr"><seg>Cour</seg></tuv></tu>\n'
    "</body></tmx>\n"
)


def test_cat_tool_units_read_and_store_as_the_full_path_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tm.memory import Memory

    path = tmp_path / "cat.tmx"
    path.write_text(_CAT_STYLE, encoding="utf-8")
    fast = read_tmx(path)
    records = list(fast.records())
    # dated units (the bad date dropped with a warning) as tuples; usagecount is not taken
    assert [len(r) if isinstance(r, tuple) else "unit" for r in records] == [8, 8, 8, 8, "unit"]
    assert records[0] == (
        "1",
        (("en-GB", "Peace", None), ("fr", "Paix", None)),
        (("x-document", "A/79/1"),),
        ("checked",),
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        "ALICE",
        datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        "BOB",
    )
    units = list(read_tmx(path))
    monkeypatch.setattr(TmxReader, "_plain", lambda self, tu: None)
    full = read_tmx(path)
    assert units == list(full)
    assert (fast.warnings, fast.skipped) == (full.warnings, full.skipped)
    assert len(fast.warnings) == 1
    stored = []
    for name, items in (("a.sqlite", records), ("b.sqlite", units)):
        with Memory.open(tmp_path / name) as memory:
            report = memory.add(items, origin="cat.tmx")
            assert (report.added, report.merged) == (4, 1)
            stored.append((list(memory.units_with_ids()), memory.languages()))
    assert stored[0] == stored[1]
    peace = stored[0][0][0][1]
    assert peace.props == (("x-document", "A/79/1"), ("x-paragraph", "2"))
    assert peace.change_date == datetime(2026, 1, 1, tzinfo=UTC)


def test_an_empty_language_attribute_is_a_missing_language(tmp_path: Path) -> None:
    path = tmp_path / "empty_lang.tmx"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
        '<tu><tuv xml:lang="en"><seg>Peace</seg></tuv><tuv xml:lang=""><seg>Paix</seg></tuv></tu>\n'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="empty_lang.tmx:3: a <tuv> has no xml:lang"):
        list(read_tmx(path))


_ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FFF), min_size=1, max_size=12)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.tuples(
            st.none() | _ANY_TEXT | st.just('t "1"\t&\n<2>\r'),
            st.lists(
                st.tuples(st.sampled_from(_LANGS), _ANY_TEXT | st.just(' a&b <c> "d"\r\t\nz '))
                | _segment().flatmap(lambda seg: st.tuples(st.sampled_from(_LANGS), st.just(seg))),
                min_size=1,
                max_size=4,
            ),
        ),
        max_size=5,
    ),
    profile=st.sampled_from(["tmx", "trados", "omegat"]),
)
@example(
    records=[('t "1"\t&\n<2>\r', [("en", ' a&b <c> "d"\r\t\nz '), ("fr", "é\x85\u2028")])],
    profile="tmx",
)
def test_plain_units_are_written_as_lxml_writes_them(
    tmp_path: Path, records: list[tuple[str | None, list[tuple[str, object]]]], profile: str
) -> None:
    """Plain units are serialised as text: byte for byte what lxml writes for the same Unit
    (escaping, refused characters, inline codes, profiles)."""
    plain = []
    for tuid, variants in records:
        rows = []
        for lang, text in variants:
            # a text, or a (text, markup) pair from _segment
            rows.append((lang, *text) if isinstance(text, tuple) else (lang, text, None))
        plain.append((tuid, tuple(rows)))
    units = [Unit(tuple(Variant(*row) for row in rows), tuid=tuid) for tuid, rows in plain]
    assert _written(tmp_path, plain, profile) == _by_lxml(tmp_path, units, profile)
    assert _written(tmp_path, units, profile) == _by_lxml(tmp_path, units, profile)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.tuples(st.sampled_from(_LANGS), _ANY_TEXT), min_size=1, max_size=4),
    tuid=st.none() | _ANY_TEXT,
    notes=st.lists(st.just("") | _ANY_TEXT, max_size=2),
    props=st.lists(st.tuples(st.sampled_from(["x-document", "x:y"]), _ANY_TEXT), max_size=2),
    dates=st.tuples(_DATES, st.none() | _ANY_TEXT, _DATES, st.none() | _ANY_TEXT),
    profile=st.sampled_from(["tmx", "trados", "omegat"]),
)
def test_dated_records_are_written_as_lxml_writes_their_units(
    tmp_path: Path,
    texts: list[tuple[str, str]],
    tuid: str | None,
    notes: list[str],
    props: list[tuple[str, str]],
    dates: tuple[Any, Any, Any, Any],
    profile: str,
) -> None:
    """What Memory.records() gives for CAT-style units (unit-level props, notes, dates and
    ids) is serialised as text: byte for byte what lxml writes for the same Unit."""
    from tm.memory import as_unit

    variants = tuple((lang, text, None) for lang, text in texts)
    record = (tuid, variants, tuple(props), tuple(notes), *dates)
    unit = as_unit(record)  # type: ignore[arg-type]
    assert _written(tmp_path, [record], profile) == _by_lxml(tmp_path, [unit], profile)


_SPECIAL = st.just(' a&b <c> "d"\r\t\nz ') | st.text(
    st.characters(min_codepoint=0, max_codepoint=0x2FFF), min_size=1, max_size=6
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    units=st.lists(_unit(), min_size=1, max_size=4),
    notes=st.lists(st.just("") | _SPECIAL, max_size=2),
    props=st.lists(st.tuples(st.sampled_from(["x-document", "x:y", "type"]), _SPECIAL), max_size=2),
    change_id=st.none() | _SPECIAL,
    profile=st.sampled_from(["tmx", "trados", "omegat"]),
)
def test_units_are_written_as_lxml_writes_them(
    tmp_path: Path,
    units: list[Unit],
    notes: list[str],
    props: list[tuple[str, str]],
    change_id: str | None,
    profile: str,
) -> None:
    """Units with dates, ids, props, notes and inline codes are serialised as text: byte for
    byte what lxml writes (escaping, empty notes, prop suffixes, refused characters)."""
    from dataclasses import replace

    # the first unit without inline codes (those go through lxml), with the odd strings
    first = units[0]
    plain = [replace(v, markup=None) for v in first.variants]
    plain[0] = replace(plain[0], notes=tuple(notes), change_id=change_id)
    units[0] = replace(first, props=tuple(props), variants=tuple(plain))
    assert _written(tmp_path, units, profile) == _by_lxml(tmp_path, units, profile)


def _written(tmp_path: Path, items: list[Any], profile: str) -> object:
    """The files (name after the stem, units, bytes) and skipped count, or the error."""
    langs = ["en", "fr", "es"] if profile != "tmx" else None
    try:
        report = write_tmx(
            items, tmp_path / "out.tmx", langs=langs, profile=profile, creationdate=_DAY
        )
    except (InputError, ValueError) as err:
        return type(err), str(err)
    files = [(Path(f).name.split(".", 1)[1], n, Path(f).read_bytes()) for f, n in report.files]
    return files, report.skipped


def _by_lxml(tmp_path: Path, units: list[Unit], profile: str) -> object:
    """:func:`_written` with every unit serialised by lxml."""
    from tmx.tmx import writer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "_text_tu", writer._lxml_tu)
        return _written(tmp_path, units, profile)


_DAY = datetime(2026, 1, 2, tzinfo=UTC)


def _strptime(text: str) -> object:
    try:
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return ValueError


@settings(max_examples=300, deadline=None)
@given(
    value=st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    aware=st.booleans(),
    text=st.from_regex("[0-9]{8}T[0-9]{6}Z", fullmatch=True)
    | st.from_regex(r"\d{8}T\d{6}Z", fullmatch=True)
    | st.text(max_size=17),
)
def test_dates_are_written_with_four_digit_years_and_read_as_strptime_does(
    value: datetime, aware: bool, text: str
) -> None:
    from tmx.tmx.dates import format_date, parse_date

    if aware:
        value = value.replace(tzinfo=UTC)
    v = value.astimezone(UTC)
    written = f"{v.year:04}{v.month:02}{v.day:02}T{v.hour:02}{v.minute:02}{v.second:02}Z"
    assert format_date(value) == written
    assert parse_date(written) == v.replace(microsecond=0)
    for candidate in (text, written):
        try:
            parsed: object = parse_date(candidate)
        except ValueError:
            parsed = ValueError
        assert parsed == _strptime(candidate)


def test_a_date_before_the_year_1000_survives_export_and_import(tmp_path: Path) -> None:
    # such years were once written unpadded (``9990101T...``) and could not be read back
    date = datetime(999, 1, 1, 12, 30, tzinfo=UTC)
    unit = Unit((Variant("en", "Peace"), Variant("fr", "Paix")), change_date=date)
    write_tmx([unit], tmp_path / "old.tmx", srclang="en")
    assert 'changedate="09990101T123000Z"' in (tmp_path / "old.tmx").read_text()
    (back,) = read_tmx(tmp_path / "old.tmx")
    assert back.change_date == date
